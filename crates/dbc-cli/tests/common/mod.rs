//! What the `dbc` binary's integration tests share: the `dbc` command with a clean environment,
//! its captured output, a simulator running in the test process, and the PTY driver for
//! prompts. One copy here instead of one per test file.
// Each test binary (`tests/*.rs`) includes this module and uses a part of it.
#![allow(dead_code)]

use assert_cmd::Command;
use dbc_testkit::keys::ALICE_SURI;
use dbc_testkit::secret::write_secret;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long one `dbc` run may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(40);

/// The `dbc` binary.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("dbc")
}

/// A `dbc` command with a clean environment (no user config, no `DBC_*` variables) and `home`
/// as HOME (config under `home/.config/dbc`).
pub fn dbc(home: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .timeout(TIMEOUT);
    c
}

/// The same as a plain process, for children the test drives (spawned, signalled, killed).
pub fn dbc_process(home: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    c
}

/// Writes the renter key `//Alice` to `home/renter.suri` (mode 0600) and returns the path.
pub fn renter_suri(home: &Path) -> PathBuf {
    let suri = home.join("renter.suri");
    write_secret(&suri, format!("{ALICE_SURI}\n"));
    suri
}

/// [`dbc`] with the renter key in a file (`DBC_SURI_FILE`).
pub fn dbc_renter(home: &Path) -> Command {
    let suri = renter_suri(home);
    let mut c = dbc(home);
    c.env("DBC_SURI_FILE", suri);
    c
}

/// What a finished `dbc` run printed.
pub struct Out {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// How long the run took.
    pub took: Duration,
}

impl Out {
    /// Stdout as one JSON document (panics with both streams when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {:?}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Stdout and stderr together (for "never printed" checks).
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A command whose output can be captured: `assert_cmd`'s or the standard one.
pub trait Runnable {
    /// Runs to the end, capturing stdout and stderr.
    fn captured(&mut self) -> std::process::Output;
}

impl Runnable for Command {
    fn captured(&mut self) -> std::process::Output {
        self.output().unwrap()
    }
}

impl Runnable for std::process::Command {
    fn captured(&mut self) -> std::process::Output {
        self.output().unwrap()
    }
}

/// Runs `cmd` and captures what it printed.
pub fn run(cmd: &mut impl Runnable) -> Out {
    let t = Instant::now();
    let o = cmd.captured();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        took: t.elapsed(),
    }
}

/// [`run`], asserting exit code 0.
pub fn ok(cmd: &mut impl Runnable) -> Out {
    let o = run(cmd);
    assert_eq!(
        o.code, 0,
        "expected success\nstdout: {}\nstderr: {}",
        o.stdout, o.stderr
    );
    o
}

/// The simulator running in this test process on an ephemeral port, with a home directory
/// for the `dbc` runs against it. Stopped on drop.
pub struct Sim {
    rt: tokio::runtime::Runtime,
    handle: Option<dbc_sim::SimHandle>,
    /// Its URL.
    pub url: String,
    /// The GPU node //Alice rents.
    pub node: String,
    /// HOME of the `dbc` runs.
    pub home: tempfile::TempDir,
}

impl Sim {
    /// The usual world for CLI tests: seed 3, VM creation takes 300 ms.
    pub fn start() -> Sim {
        Sim::start_with(
            dbc_sim::Simulator::builder()
                .seed(3)
                .create_delay(Duration::from_millis(300)),
        )
    }

    /// Starts a configured simulator.
    pub fn start_with(b: dbc_sim::SimBuilder) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.block_on(dbc_testkit::sim::start_with(b));
        Sim {
            url: handle.url(),
            node: handle.rented_node().to_string(),
            handle: Some(handle),
            rt,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// The running simulator (faults, stats, node ids).
    pub fn handle(&self) -> &dbc_sim::SimHandle {
        self.handle.as_ref().unwrap()
    }

    /// `dbc` against the simulator, without credentials.
    pub fn dbc_anonymous(&self) -> Command {
        let mut c = dbc(self.home.path());
        c.env("DBC_CLIENT_URL", &self.url);
        c
    }

    /// `dbc` against the simulator with the renter key in a file (`DBC_SURI_FILE`).
    pub fn dbc(&self) -> Command {
        let mut c = dbc_renter(self.home.path());
        c.env("DBC_CLIENT_URL", &self.url);
        c
    }

    /// `dbc` against the simulator with only a session credential in the environment.
    pub fn dbc_session(&self, id: &str, sign: &str) -> Command {
        let mut c = self.dbc_anonymous();
        c.env("DBC_SESSION_ID", id).env("DBC_SESSION_ID_SIGN", sign);
        c
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}

/// A program run on a pseudo-terminal through util-linux `script` (which CI installs).
#[cfg(unix)]
pub struct Pty {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    /// Everything the terminal showed so far.
    pub transcript: Vec<u8>,
}

/// The util-linux `script` binary (CI installs it; a missing one fails the test).
#[cfg(unix)]
pub fn script() -> &'static str {
    ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("util-linux `script` is required (apt-get install bsdutils / util-linux)")
}

#[cfg(unix)]
impl Pty {
    /// Runs the shell command line `cmdline` on a terminal, HOME = `home`, `TERM=xterm`.
    pub fn spawn(home: &Path, cmdline: &str, envs: &[(&str, &str)]) -> Pty {
        use std::io::Read;
        use std::process::Stdio;
        let mut cmd = std::process::Command::new(script());
        cmd.args(["-qec", cmdline, "/dev/null"])
            .env_clear()
            .env("HOME", home)
            .env("TERM", "xterm");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            child,
            stdin,
            rx,
            transcript: Vec::new(),
        }
    }

    /// The transcript as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.transcript).into_owned()
    }

    /// Waits (at most 30 s) until the terminal shows `prompt`; kills the child and fails the
    /// test otherwise.
    pub fn wait_for(&mut self, prompt: &str) {
        let t0 = Instant::now();
        while !self.text().contains(prompt) {
            if t0.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("no {prompt:?} on the terminal: {:?}", self.text());
            }
            if let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(100)) {
                self.transcript.extend(chunk);
            }
        }
    }

    /// Types `bytes` on the terminal.
    pub fn type_bytes(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits (at most `limit`) for the program to end, collecting the rest of the transcript;
    /// kills it and fails the test when it does not end in time (a lost keystroke must fail
    /// the test, not hang CI).
    pub fn finish(&mut self, limit: Duration) -> std::process::ExitStatus {
        let t1 = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if t1.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("did not finish within {limit:?}: {:?}", self.text());
            }
            if let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(50)) {
                self.transcript.extend(chunk);
            }
        };
        self.stdin = None;
        while let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(500)) {
            self.transcript.extend(chunk);
        }
        status
    }
}

/// `GET path` over plain HTTP/1.1 to `addr` (host:port): the status and the body.
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_owned(),
    )
}

/// The published sr25519 vectors (`tests/fixtures/sr25519.json`).
pub fn fixtures() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sr25519.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `vm create NODE` arguments for a small VM (2 cores, 4 GiB, 10 GiB disk) on `ssh`/`vnc`,
/// with `--gpus` when given.
pub fn create_args(node: &str, gpus: Option<u32>, ssh: u16, vnc: u16) -> Vec<String> {
    let mut a: Vec<String> = ["vm", "create", node, "--image", "ubuntu.qcow2"]
        .into_iter()
        .chain(["--cpus", "2", "--mem", "4", "--disk", "10"])
        .map(str::to_owned)
        .collect();
    if let Some(g) = gpus {
        a.extend(["--gpus".to_owned(), g.to_string()]);
    }
    a.extend([
        "--ssh-port".to_owned(),
        ssh.to_string(),
        "--vnc-port".to_owned(),
        vnc.to_string(),
    ]);
    a
}

/// Creates a VM ([`create_args`], no GPU) and waits until it runs; returns its task id.
pub fn create_vm(sim: &Sim, ssh: u16, vnc: u16) -> String {
    let o = ok(sim
        .dbc()
        .args(create_args(&sim.node, Some(0), ssh, vnc))
        .args(["--wait", "--json", "--poll-interval", "100ms"]));
    let v = o.json();
    assert_eq!(v["status"], "running", "{v}");
    v["task_id"].as_str().unwrap().to_owned()
}

/// The first polkadot-js keystore of the vectors written (mode 0600) to `home/wallet.json`:
/// the vector and the file.
pub fn keystore_file(home: &Path) -> (Value, PathBuf) {
    let ks = fixtures()["polkadot_js_keystore"][0].clone();
    let file = home.join("wallet.json");
    write_secret(&file, serde_json::to_string(&ks["json"]).unwrap());
    (ks, file)
}

/// Fails when a non-terminal stderr got spinner or control characters.
pub fn no_spinner(stderr: &str) {
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "spinner/control characters on a non-terminal stderr: {stderr:?}"
    );
}

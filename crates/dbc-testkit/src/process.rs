//! Bench and test programs that run a server in a child process (the same executable,
//! re-executed in a "role"), so the parent measures only its own memory and CPU: spawning the
//! child and reading its ready line, the child's single-worker runtime and its wait for the
//! parent to close stdin, and the small readers of environment and `/proc` both sides use.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// `$name` as a number, else `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A `kB` field of `/proc/<pid>/status` (`pid` may be `self`), in MiB; NaN when absent.
pub fn status_mib(pid: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// True in the child: `$var` is `sim`.
pub fn is_child(var: &str) -> bool {
    std::env::var(var).as_deref() == Ok("sim")
}

/// The child process: its stdin (closing it ends the child), its stdout and its ready line.
pub struct RoleChild {
    /// The process.
    pub child: Child,
    /// Its stdin; dropping it tells the child to exit.
    pub stdin: ChildStdin,
    /// Its stdout, after the ready line.
    pub stdout: BufReader<ChildStdout>,
    /// The first line the child printed (without the newline).
    pub ready: String,
}

impl RoleChild {
    /// Re-executes this program with `$var=sim` and `env`, and reads its first line.
    pub fn spawn(var: &str, env: &[(&str, String)]) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(var, "sim")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the child process");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut ready = String::new();
        stdout.read_line(&mut ready).unwrap();
        let ready = ready.trim_end().to_owned();
        RoleChild {
            child,
            stdin,
            stdout,
            ready,
        }
    }

    /// Closes the child's stdin and waits for it to exit.
    pub fn finish(self) {
        let RoleChild {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        let _ = child.wait();
    }
}

/// A multi-thread runtime with `workers` worker threads (the child uses 1).
pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// In the child: waits until the parent closes stdin.
pub async fn stdin_closed() {
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await
    .unwrap();
}

/// Spawns a server command (`dbc-sim`, `dbc sim serve`, `dbc monitor serve`) with stdout piped
/// and stderr discarded, and reads its ready line: the child, the line, and the line as JSON.
/// The caller kills the child.
pub fn spawn_ready(cmd: &mut Command) -> (Child, String, serde_json::Value) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("reading the ready line of {cmd:?}: {e}"));
    let ready = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the ready line is not JSON ({e}): {line:?}"));
    (child, line, ready)
}

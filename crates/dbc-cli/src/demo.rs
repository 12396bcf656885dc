//! `dbc demo`: the seed flow against an in-process simulator, step by step.
//!
//! Every step prints what was sent and what came back; credentials are shown redacted.

use crate::args::parse_duration;
use crate::commands::Ctx;
use crate::creds::keypair_from_suri;
use crate::error::{CliError, CliResult};
use crate::wait::{wait_status, WaitSpec};
use clap::Args;
use dbc_api::{Client, Credentials};
use dbc_sign::Signer;
use dbc_types::models::{CreateVm, TaskSummary};
use dbc_types::registry::{NodeInfoGet, NodeSessionId, TaskDelete, TaskInfo, TasksList};
use dbc_types::{Endpoint, NodeId, SessionIdSign};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub(crate) const DEMO_EXAMPLES: &str = "\
Examples:
  dbc demo            # readable steps on stdout, spinner on stderr when it is a terminal
  dbc demo --json     # one JSON object per step, one per line
The demo starts the simulator in-process on 127.0.0.1 (ephemeral port) and uses the dev renter
key //Alice: machine info -> session id -> create VM -> wait running -> details -> list -> delete -> list.";

/// `dbc demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Simulated VM creation time
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub create_delay: Duration,
    /// Simulator seed
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// What the demo shows in place of a secret.
pub const REDACTED: &str = "<redacted>";
const STEPS: usize = 8;

/// One `--json` line of the demo.
#[derive(serde::Serialize)]
struct StepRecord<'a> {
    step: usize,
    name: &'a str,
    endpoint: &'a str,
    request: Value,
    response: Value,
    elapsed_ms: u64,
}

struct Demo<'a> {
    ctx: &'a Ctx,
    n: usize,
    started: Instant,
}

impl Demo<'_> {
    /// Prints one step: human lines, or one JSON object per line.
    ///
    /// # Errors
    /// The step's call fails, or its record cannot be printed.
    fn step(
        &mut self,
        name: &str,
        endpoint: &str,
        sent: Value,
        got: Value,
        human_sent: &str,
        human_got: &[String],
    ) -> CliResult {
        self.n += 1;
        let out = &self.ctx.out;
        if out.json {
            return out.json_line(&StepRecord {
                step: self.n,
                name,
                endpoint,
                request: sent,
                response: got,
                elapsed_ms: self.started.elapsed().as_millis() as u64,
            });
        }
        out.line(&format!("[{}/{}] {name}", self.n, STEPS))?;
        out.line(&format!("  -> {endpoint}  {human_sent}"))?;
        for g in human_got {
            out.line(&format!("  <- {g}"))?;
        }
        Ok(())
    }
}

fn path_of<E: Endpoint>(task: Option<&str>) -> String {
    let p = E::INFO.path;
    match task {
        Some(t) => p.replace("{task_id}", t),
        None => p.to_owned(),
    }
}

fn short(s: &str) -> String {
    if s.len() > 16 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(12).map(|(i, _)| i).unwrap_or(s.len())]
        )
    } else {
        s.to_owned()
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Runs the demo.
///
/// # Errors
/// The simulator cannot start, or a step of the flow fails.
pub async fn run(ctx: &Ctx, a: DemoArgs) -> CliResult {
    let sim = dbc_sim::Simulator::builder()
        .seed(a.seed)
        .create_delay(a.create_delay)
        .start()
        .await
        .map_err(|e| CliError::Failed(format!("cannot start the simulator: {e}")))?;
    let result = tokio::time::timeout(Duration::from_secs(60), flow(ctx, &sim)).await;
    sim.shutdown().await;
    match result {
        Ok(r) => r,
        Err(_) => Err(CliError::Failed(
            "the demo did not finish within 60 s".into(),
        )),
    }
}

/// # Errors
/// A step fails (the message names it), or stdout cannot be written.
async fn flow(ctx: &Ctx, sim: &dbc_sim::SimHandle) -> CliResult {
    let started = Instant::now();
    let url = sim.url().to_string();
    let node: NodeId = sim.rented_node().to_string().parse()?;
    let renter = keypair_from_suri(sim.renter_suri(), "the simulator's renter key")?;
    let renter_addr = renter.address();
    if !ctx.out.json {
        ctx.out
            .line(&format!("Simulator at {url}; GPU node {node}"))?;
        ctx.out.line(&format!(
            "Renter wallet {renter_addr} (the simulator's dev renter key)\n"
        ))?;
    } else {
        ctx.out.json_line(&json!({"step": 0, "name": "simulator", "url": url, "node": node, "renter_wallet": renter_addr}))?;
    }
    let mut demo = Demo { ctx, n: 0, started };
    let build = |c: Credentials| -> CliResult<Client> {
        Ok(Client::builder()
            .url(url.as_str())
            .credentials(c)
            .request_timeout(Duration::from_secs(10))
            .build()?)
    };

    // 1. machine info (no credentials)
    let anon = build(Credentials::None)?;
    let info = anon.node(&node).info().await?;
    let images: Vec<String> = info
        .images
        .iter()
        .flatten()
        .map(|i| i.image_name.clone())
        .collect();
    let mut got = vec![format!("version {}, os {}", info.version, info.os)];
    if let (Some(cpu), Some(gpu), Some(mem)) = (&info.cpu, &info.gpu, &info.mem) {
        got.push(format!(
            "{} CPU cores, {} GPUs ({} in use), memory {} ({} free)",
            cpu.cores, gpu.gpu_count, gpu.gpu_used, mem.size, mem.free
        ));
    }
    got.push(format!(
        "images: {}",
        if images.is_empty() {
            "-".into()
        } else {
            images.join(", ")
        }
    ));
    demo.step(
        "machine info",
        &format!("POST {}", path_of::<NodeInfoGet>(None)),
        json!({"peer_nodes_list": [node], "additional": {}}),
        to_value(&info),
        &format!(
            "peer_nodes_list=[{}] additional={{}} (no credentials)",
            short(node.as_str())
        ),
        &got,
    )?;

    // 2. session id: wallet signature over a fresh nonce, then the renter signs the session id
    let wallet_client = build(Credentials::signer(renter.clone()))?;
    let sid = wallet_client.node(&node).session_id().await?;
    let sid_sign = renter
        .sign(sid.session_id.as_str().as_bytes())
        .map_err(|e| CliError::Failed(format!("signing the session id failed: {e}")))?;
    let session = Credentials::session(
        sid.session_id.clone(),
        SessionIdSign::new(sid_sign.as_str())?,
    );
    demo.step(
        "session id (wallet signature)",
        &format!("POST {}", path_of::<NodeSessionId>(None)),
        json!({"peer_nodes_list": [node], "additional": {}, "wallet": renter_addr, "nonce": "<fresh nonce>", "sign": REDACTED}),
        json!({"session_id": sid.session_id, "session_id_sign": REDACTED}),
        &format!("wallet={} nonce=<fresh> sign={REDACTED}", short(&renter_addr)),
        &[
            format!("session_id {}", sid.session_id),
            format!("session_id_sign = renter's signature of it: {REDACTED} (hand both to a third party)"),
        ],
    )?;

    // 3. create the VM with the session credential (seed parameters)
    let client = build(session)?;
    let spec = CreateVm::new("ubuntu.qcow2", 4, 8)
        .gpu_count(0)
        .disk_size(10)
        .ssh_port(5684)
        .vnc_port(5904);
    let spec_json = to_value(&spec);
    let created: TaskSummary = client.node(&node).tasks().create(spec).await?;
    let task = created.task_id.clone();
    demo.step(
        "create VM (session credential)",
        &format!("POST {}", path_of::<dbc_types::registry::TaskCreate>(None)),
        json!({"peer_nodes_list": [node], "additional": spec_json, "session_id": sid.session_id, "session_id_sign": REDACTED}),
        to_value(&created),
        &format!(
            "image ubuntu.qcow2, 0 GPUs, 4 CPUs, 8 GiB, 10 GiB disk, ssh 5684, vnc 5904; session_id={} session_id_sign={REDACTED}",
            short(sid.session_id.as_str())
        ),
        &[format!("task {} status {} (created {})", created.task_id, created.status, created.create_time)],
    )?;

    // 4. wait until running
    let t0 = Instant::now();
    let running = wait_status(
        &client,
        WaitSpec {
            node: &node,
            task: &task,
            status: "running",
            timeout: Duration::from_secs(30),
            poll: Duration::from_millis(250),
            json: ctx.out.json,
        },
    )
    .await?;
    demo.step(
        "wait until running",
        &format!(
            "POST {} (polling)",
            path_of::<TaskInfo>(Some(task.as_str()))
        ),
        json!({"task_id": task, "until": "running"}),
        json!({"status": running.status, "waited_ms": t0.elapsed().as_millis() as u64}),
        &format!("poll every 250 ms until status is running (task {task})"),
        &[format!(
            "status {} after {:.1} s",
            running.status,
            t0.elapsed().as_secs_f32()
        )],
    )?;

    // 5. details with the login line
    let d = client.node(&node).task(&task).info().await?;
    demo.step(
        "VM details",
        &format!("POST {}", path_of::<TaskInfo>(Some(task.as_str()))),
        json!({"peer_nodes_list": [node], "additional": {}, "session_id": sid.session_id, "session_id_sign": REDACTED}),
        {
            let mut v = to_value(&d);
            if let Value::Object(m) = &mut v {
                m.insert("login".into(), Value::String(d.login_line()));
            }
            v
        },
        "session credential",
        &[
            format!("status {}, {} CPUs, {} GPUs, memory {}", d.status, d.cpu_cores, d.gpu_count, d.mem_size),
            format!("login: {}", d.login_line()),
        ],
    )?;

    // 6. list
    let list = client.node(&node).tasks().list().await?;
    demo.step(
        "VM list",
        &format!("POST {}", path_of::<TasksList>(None)),
        json!({"peer_nodes_list": [node], "additional": {}, "session_id": sid.session_id, "session_id_sign": REDACTED}),
        to_value(&list),
        "session credential",
        &list.iter().map(|t| format!("{} {}", t.task_id, t.status)).collect::<Vec<_>>(),
    )?;

    // 7. delete
    let del = client.node(&node).task(&task).delete().await?;
    demo.step(
        "delete VM",
        &format!("POST {}", path_of::<TaskDelete>(Some(task.as_str()))),
        json!({"peer_nodes_list": [node], "additional": {}, "session_id": sid.session_id, "session_id_sign": REDACTED}),
        to_value(&del),
        "session credential",
        &[del.to_string()],
    )?;

    // 8. list again until the deleting task is gone
    let deadline = Instant::now() + Duration::from_secs(20);
    let final_list = loop {
        let l = client.node(&node).tasks().list().await?;
        if l.is_empty() || Instant::now() > deadline {
            break l;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let empty = final_list.is_empty();
    demo.step(
        "VM list again",
        &format!("POST {}", path_of::<TasksList>(None)),
        json!({"peer_nodes_list": [node], "additional": {}, "session_id": sid.session_id, "session_id_sign": REDACTED}),
        to_value(&final_list),
        "session credential (repeated until the deleted VM is gone)",
        &[if empty { "(no VMs)".to_owned() } else { format!("{} VM(s) still listed", final_list.len()) }],
    )?;
    if !empty {
        return Err(CliError::Failed(format!(
            "the deleted VM {task} is still listed after 20 s"
        )));
    }
    if !ctx.out.json {
        ctx.out.line(&format!(
            "\nDone in {:.1} s.",
            started.elapsed().as_secs_f32()
        ))?;
    }
    Ok(())
}

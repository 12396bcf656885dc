//! The seed's six calls: machine info, session id, create VM, VM details, VM list, delete VM.
//!
//! ```text
//! cargo run -p dbc-api --example seed_flow                       # against an embedded simulator
//! DBC_SURI_FILE=key.txt cargo run -p dbc-api --example seed_flow -- --url http://IP:PORT --node NODE_ID
//! ```
//! Against a real client node the renter key is read from the file named by `DBC_SURI_FILE`
//! (never from the command line).

use dbc_api::{Client, Credentials, WaitOptions};
use dbc_sign::Keypair;
use dbc_types::models::CreateVm;
use dbc_types::NodeId;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };

    let mut sim = None;
    let (url, node, renter, poll) = match arg("--url") {
        Some(url) => {
            let node: NodeId = arg("--node")
                .ok_or("--node NODE_ID is required with --url")?
                .parse()?;
            let path = std::env::var("DBC_SURI_FILE")
                .map_err(|_| "set DBC_SURI_FILE to a file holding the renter's secret")?;
            let suri = zeroize::Zeroizing::new(std::fs::read_to_string(path)?);
            (
                url,
                node,
                Keypair::from_suri(suri.trim())?,
                Duration::from_secs(5),
            )
        }
        None => {
            let handle = dbc_sim::Simulator::builder()
                .create_delay(Duration::from_millis(500))
                .start()
                .await?;
            println!("embedded simulator at {}", handle.url());
            let v = (
                handle.url(),
                handle.rented_node(),
                Keypair::from_suri(handle.renter_suri())?,
                Duration::from_millis(100),
            );
            sim = Some(handle);
            v
        }
    };

    let client = Client::builder()
        .url(&url)
        .credentials(Credentials::signer(renter.clone()))
        .build()?;
    let n = client.node(&node);

    let info = n.info().await?;
    println!(
        "1. machine info: version {}, {} GPUs, {} cores",
        info.version,
        info.gpu.as_ref().map(|g| g.gpu_count).unwrap_or(0),
        info.cpu.as_ref().map(|c| c.cores).unwrap_or(0)
    );

    // Signed with the client's own wallet signer; `n` now carries the session.
    let n = n.open_session().await?;
    if let Credentials::Session { session_id, .. } = n.credentials() {
        println!("2. session_id: {session_id} (session_id_sign computed locally, not shown)");
    }

    let created = n
        .tasks()
        .create(
            CreateVm::new("ubuntu.qcow2", 4, 8)
                .ssh_port(5684)
                .vnc_port(5904)
                .gpu_count(0)
                .disk_size(10),
        )
        .await?;
    println!("3. created task {} ({})", created.task_id, created.status);

    let task = n.task(&created.task_id);
    let wait = WaitOptions::new().poll_interval(poll);
    let details = task.wait_running(wait.clone()).await?;
    println!("4. details: {} — {}", details.status, details.login_line());

    let list = n.tasks().list().await?;
    println!("5. list: {} task(s)", list.len());

    println!("6. delete: {}", task.delete().await?);
    task.wait_deleted(wait).await?;
    println!(
        "   list after delete: {} task(s)",
        n.tasks().list().await?.len()
    );

    if let Some(s) = sim {
        s.shutdown().await;
    }
    Ok(())
}

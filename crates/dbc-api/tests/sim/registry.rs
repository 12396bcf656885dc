//! The endpoints the typed-method tests exercise.

use super::*;

/// The endpoints whose typed methods the tests above exercise. Every endpoint has a typed method
/// today, so the list equals the registry; a new endpoint needs none (the fault matrix reaches
/// every registry endpoint through `Client::call_raw` against the simulator, and `Client::call`
/// types it), so only a stale name fails here.
#[test]
fn exercised_endpoints_are_registry_endpoints() {
    let names: BTreeSet<&str> = [
        "version",
        "tasks.list",
        "tasks.info",
        "tasks.create",
        "tasks.start",
        "tasks.shutdown",
        "tasks.poweroff",
        "tasks.stop",
        "tasks.restart",
        "tasks.reset",
        "tasks.delete",
        "tasks.logs",
        "tasks.modify",
        "tasks.passwd",
        "images.list",
        "images.servers",
        "images.download",
        "images.download_progress",
        "images.download_stop",
        "images.upload",
        "images.upload_progress",
        "images.upload_stop",
        "images.delete",
        "snapshots.list",
        "snapshots.info",
        "snapshots.create",
        "snapshots.delete",
        "disks.list",
        "disks.resize",
        "disks.add",
        "disks.delete",
        "nodes.list",
        "nodes.info",
        "nodes.session_id",
        "nodes.free_memory",
        "peers.active",
        "peers.global",
        "peers.lan",
        "stat",
        "config",
        "monitor.list",
        "monitor.set",
        "lan.list",
        "lan.get",
        "lan.create",
        "lan.delete",
        "bare_metal.list",
        "bare_metal.get",
        "bare_metal.add",
        "bare_metal.delete",
        "bare_metal.modify",
        "bare_metal.power",
        "bare_metal.bootdev",
        "deeplink.get",
        "deeplink.set",
        "rent_orders.list",
        "rent_orders.get",
    ]
    .into_iter()
    .collect();
    let registry: BTreeSet<&str> = dbc_types::REGISTRY.iter().map(|d| d.info.name).collect();
    let stale: Vec<&&str> = names.difference(&registry).collect();
    assert!(stale.is_empty(), "not registry endpoints: {stale:?}");
}

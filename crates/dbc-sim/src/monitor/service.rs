//! The node's monitor timer (MONITOR.md §3): every interval, for each compute node, sample every
//! VM (except `vm_check_*`, `creating` and `create error` ones) and queue its message for the
//! owner's monitor servers only; then sample the node and queue its message for the node's
//! `monitor_server`, `miner_monitor_server` and the whole-machine renter's servers.

use super::host::{self, HostState};
use super::metrics::{Ctx, VmSample, VmState};
use super::push::{self, Dest, Msg};
use super::{bump, Hub, MAX_DESTINATIONS};
use crate::config::NodeKind;
use crate::server::Shared;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tokio::time::MissedTickBehavior;

/// Per-node memory of the pusher.
#[derive(Debug, Default)]
struct NodeMem {
    vms: HashMap<String, VmState>,
    host: HostState,
    next_vnet: u32,
}

/// The timer loop; ends on stop.
pub(crate) async fn run(shared: Arc<Shared>, hub: Arc<Hub>, seed: u64) {
    let mut stop = hub.stop.clone();
    let every = hub.settings.interval;
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut mem: Vec<NodeMem> = shared.nodes.iter().map(|_| NodeMem::default()).collect();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = ticker.tick() => {}
        }
        if *stop.borrow() {
            return;
        }
        tick(&shared, &hub, seed, &mut mem);
    }
}

fn tick(shared: &Shared, hub: &Arc<Hub>, seed: u64, mem: &mut [NodeMem]) {
    bump(&hub.counters.ticks);
    let mut used: HashSet<String> = HashSet::new();
    for (slot, nm) in shared.nodes.iter().zip(mem.iter_mut()) {
        if slot.kind != NodeKind::Compute {
            continue;
        }
        let now = Instant::now();
        let view = {
            let mut w = slot.lock();
            w.settle(now);
            w.monitor_view()
        };
        let ctx = Ctx {
            now,
            interval: hub.settings.interval,
            quirks: hub.settings.quirks,
            version: &view.cfg.version,
        };
        nm.vms.retain(|id, _| view.vms.iter().any(|v| &v.id == id));
        let mut samples: Vec<Option<VmSample>> = Vec::with_capacity(view.vms.len());
        for vm in &view.vms {
            if vm.id.starts_with("vm_check_") || matches!(vm.status, "creating" | "create error") {
                samples.push(None);
                continue;
            }
            let st = nm
                .vms
                .entry(vm.id.clone())
                .or_insert_with(|| VmState::new(seed, &vm.id));
            let s = st.sample(vm, ctx, &mut nm.next_vnet);
            let servers = view
                .monitors
                .get(&vm.owner)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if !servers.is_empty() {
                let msg = Msg {
                    host: vm.id.as_str().into(),
                    json: s.json.as_str().into(),
                };
                for srv in servers {
                    enqueue(hub, srv, msg.clone(), &mut used);
                }
            }
            samples.push(Some(s));
        }
        let mut dests: Vec<&String> = Vec::new();
        if let Some(r) = &view.whole_machine_renter {
            dests.extend(view.monitors.get(r).into_iter().flatten());
        }
        dests.extend(view.cfg.monitor_server.iter());
        dests.extend(view.cfg.miner_monitor_server.iter());
        if !dests.is_empty() {
            let json = host::message(&view, &samples, &mut nm.host, now);
            let msg = Msg {
                host: view.node_id.as_str().into(),
                json: json.into(),
            };
            for d in dests {
                enqueue(hub, d, msg.clone(), &mut used);
            }
        }
    }
    // Destinations nobody pushes to any more end once drained.
    for (addr, d) in hub.dests().iter() {
        d.retired.store(!used.contains(addr), Ordering::Relaxed);
    }
}

/// Queue a message for `addr`, starting its sender if needed.
fn enqueue(hub: &Arc<Hub>, addr: &str, msg: Msg, used: &mut HashSet<String>) {
    if addr.is_empty() || msg.host.is_empty() || msg.json.is_empty() {
        return;
    }
    let c = &hub.counters;
    let dest = {
        let mut dests = hub.dests();
        match dests.get(addr) {
            Some(d) => {
                d.retired.store(false, Ordering::Relaxed);
                d.clone()
            }
            None => {
                if dests.len() >= MAX_DESTINATIONS {
                    tracing::warn!(server = %addr, "metrics push: too many monitor servers; message dropped");
                    bump(&c.dropped_no_sender);
                    return;
                }
                tracing::info!(server = %addr, "metrics push: new monitor server");
                let d = Arc::new(Dest::new(addr.to_string()));
                dests.insert(addr.to_string(), d.clone());
                tokio::spawn(push::run(hub.clone(), d.clone()));
                d
            }
        }
    };
    used.insert(addr.to_string());
    bump(&c.queued_total);
    if dest.push(msg) {
        bump(&c.dropped_overflow);
    }
}

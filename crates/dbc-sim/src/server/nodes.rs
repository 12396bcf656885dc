//! Node-level routes: `/api/v1/mining_nodes` (§7.6), `/api/v1/peers` (§7.7),
//! `/api/v1/monitor` (§7.9) and `/api/v1/rent_orders` (§7.12).

use super::pipeline::{additional_str, parse_env, Fwd};
use super::{NodeSlot, Shared};
use crate::config::NodeKind;
use crate::envelope::Prefix;
use crate::node::Op;
use crate::wire::Reply;
use dbc_types::registry as ep;

pub(super) async fn mining_nodes(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        [] => {
            let mut env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.is_none() {
                let mut ids: Vec<&NodeSlot> = sh
                    .nodes
                    .iter()
                    .filter(|n| n.announced && n.kind == NodeKind::Compute)
                    .collect();
                ids.sort_by(|a, b| a.id.cmp(&b.id));
                let items: Vec<String> = ids.iter().map(|n| n.list_entry()).collect();
                let msg = format!("{{\"mining_nodes\":[{}]}}", items.join(","));
                return sh
                    .with_faults("nodes.list", None, || {
                        Reply::Compact(Reply::node_ok_raw(&msg))
                    })
                    .await;
            }
            let list = match additional_str(&env, "image_server") {
                Some(s) => match sh.image_server(&s) {
                    Some(srv) => Some(srv.images.clone()),
                    None => return Reply::params("image_server not exist"),
                },
                None => None,
            };
            env.session_id.clear();
            sh.forward(
                Fwd::of::<ep::NodeInfoGet>(Prefix::Req),
                env,
                Op::NodeInfo(list),
            )
            .await
        }
        ["session_id"] => {
            sh.pipeline(Fwd::of::<ep::NodeSessionId>(Prefix::Bare), body, |env| {
                // session fields are not forwarded (§7.6.3).
                env.session_id.clear();
                env.session_id_sign.clear();
                Ok(Op::SessionId)
            })
            .await
        }
        ["session_id", ..] => Reply::params("invalid uri, please use /mining_nodes/session_id"),
        ["free_memory"] => {
            sh.pipeline(Fwd::of::<ep::NodeFreeMemory>(Prefix::Bare), body, |_| {
                Ok(Op::FreeMemory)
            })
            .await
        }
        ["free_memory", ..] => Reply::params("invalid uri, please use /mining_nodes/free_memory"),
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

pub(super) async fn peers(sh: &Shared, segs: &[&str]) -> Reply {
    let [opt] = segs else {
        return Reply::invalid_request("invalid requests uri");
    };
    let (name, lan) = match *opt {
        "active" => ("peers.active", false),
        "global" => ("peers.global", false),
        "lan" => ("peers.lan", true),
        _ => return Reply::params("invalid option. the option is active or global"),
    };
    let items: Vec<String> = sh
        .nodes
        .iter()
        .filter(|n| n.announced)
        .take(50)
        .enumerate()
        .map(|(i, n)| {
            if lan {
                format!("{{\"node_id\":\"{}\",\"addr\":\"192.168.1.{}:5001\",\"node_type\":\"computer\",\"net_type\":\"mainnet\"}}", n.id, 20 + i)
            } else {
                format!("{{\"node_id\":\"{}\",\"addr\":\"{}:5001\"}}", n.id, n.public_ip)
            }
        })
        .collect();
    let msg = format!("{{\"peer_nodes\":[{}]}}", items.join(","));
    sh.with_faults(name, None, || Reply::Compact(Reply::node_ok_raw(&msg)))
        .await
}

pub(super) async fn monitor(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        ["set"] => {
            sh.pipeline(Fwd::of::<ep::MonitorSet>(Prefix::Bare), body, |_| {
                Ok(Op::MonitorSet)
            })
            .await
        }
        [] | [_] => {
            sh.pipeline(Fwd::of::<ep::MonitorList>(Prefix::Bare), body, |_| {
                Ok(Op::MonitorList)
            })
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

pub(super) async fn rent_orders(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    if segs.len() > 1 {
        return Reply::invalid_request("invalid requests uri");
    }
    let fwd = if segs.is_empty() {
        Fwd::of::<ep::RentOrdersList>(Prefix::Req)
    } else {
        Fwd::of::<ep::RentOrdersGet>(Prefix::Req)
    };
    sh.pipeline(fwd, body, |_| Ok(Op::RentOrders)).await
}

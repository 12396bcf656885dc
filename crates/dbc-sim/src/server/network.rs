//! `/api/v1/lan` routes (§7.10).

use super::pipeline::{parse_env, Fwd};
use super::Shared;
use crate::envelope::Prefix;
use crate::node::Op;
use crate::wire::Reply;
use dbc_types::registry as ep;

pub(super) async fn lan(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        ["create"] => {
            sh.pipeline(Fwd::of::<ep::LanCreate>(Prefix::Bare), body, |_| {
                Ok(Op::LanCreate)
            })
            .await
        }
        ["delete", name] => {
            let name = name.to_string();
            sh.pipeline(Fwd::of::<ep::LanDelete>(Prefix::Bare), body, move |_| {
                Ok(Op::LanDelete(name))
            })
            .await
        }
        [_, _] => Reply::unhandled(),
        [] | [_] => {
            let get = segs.first().map(|s| s.to_string());
            let fwd = if get.is_some() {
                Fwd::of::<ep::LanGet>(Prefix::Req)
            } else {
                Fwd::of::<ep::LanList>(Prefix::Req)
            };
            let env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.is_none() {
                // The client node's own table is empty in this simulator.
                let r = match get {
                    None => Reply::Compact(Reply::node_ok_raw("{\"networks\":[]}")),
                    Some(_) => Reply::http(400, -32701, "network name not exist"),
                };
                return sh.with_faults(fwd.name, None, || r).await;
            }
            let op = match get {
                None => Op::LanList,
                Some(n) => Op::LanGet(n),
            };
            sh.forward(fwd, env, op).await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

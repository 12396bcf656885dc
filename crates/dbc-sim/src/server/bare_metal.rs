//! `/api/v1/bare_metal` and `/api/v1/deeplink` routes (§7.11).

use super::pipeline::{additional_str, parse_env, Fwd};
use super::Shared;
use crate::config::NodeKind;
use crate::envelope::{self, Prefix};
use crate::node::Op;
use crate::wire::Reply;
use dbc_types::registry as ep;
use serde_json::Value;

pub(super) async fn bare_metal(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        ["add"] | ["delete"] | ["modify", _] => {
            let b = Prefix::Bare;
            let (fwd, op) = match segs {
                ["add"] => (Fwd::of::<ep::BareMetalAdd>(b), Op::BareMetalAdd),
                ["delete"] => (Fwd::of::<ep::BareMetalDelete>(b), Op::BareMetalDelete),
                [_, id] => (
                    Fwd::of::<ep::BareMetalModify>(b),
                    Op::BareMetalModify(id.to_string()),
                ),
                _ => return Reply::invalid_request("invalid requests uri"),
            };
            let env = match parse_env(Prefix::Bare, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if let Err(m) = envelope::precheck(fwd.pre, &env) {
                return Reply::params(m);
            }
            if env.peer.as_deref().is_none_or(str::is_empty) {
                // The receiving node is a client node, not a bare-metal manager.
                return Reply::invalid_request("only bare metal node support");
            }
            sh.forward(fwd, env, op).await
        }
        ["power"] => {
            sh.pipeline(
                Fwd::of::<ep::BareMetalPowerSet>(Prefix::Bare),
                body,
                |env| match env.additional.get("command") {
                    None => Err(Reply::params("parse json additional command failed")),
                    Some(Value::String(c))
                        if matches!(c.as_str(), "on" | "off" | "reset" | "status") =>
                    {
                        Ok(Op::BareMetalPower)
                    }
                    Some(Value::String(_)) => Err(Reply::params("invalid command")),
                    Some(_) => Err(Reply::params("additional command must be a string")),
                },
            )
            .await
        }
        ["bootdev"] => {
            sh.pipeline(
                Fwd::of::<ep::BareMetalBootDevSet>(Prefix::Bare),
                body,
                |env| match additional_str(env, "device") {
                    Some(d) if matches!(d.as_str(), "none" | "pxe" | "cdrom" | "disk" | "bios") => {
                        Ok(Op::BareMetalBootdev)
                    }
                    _ => Err(Reply::params("invalid device")),
                },
            )
            .await
        }
        [] | [_] => {
            let fwd = if segs.is_empty() {
                Fwd::of::<ep::BareMetalListAll>(Prefix::Req)
            } else {
                Fwd::of::<ep::BareMetalGet>(Prefix::Req)
            };
            let env = match parse_env(Prefix::Req, true, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if env.peer.as_deref().is_none_or(str::is_empty) {
                let items: Vec<String> = sh
                    .nodes
                    .iter()
                    .filter(|n| n.announced && n.kind == NodeKind::BareMetalServer)
                    .filter(|n| segs.first().is_none_or(|x| *x == n.id))
                    .map(|n| n.list_entry())
                    .collect();
                let msg = format!("{{\"bare_metal_nodes\":[{}]}}", items.join(","));
                return sh
                    .with_faults(fwd.name, None, || Reply::Compact(Reply::node_ok_raw(&msg)))
                    .await;
            }
            sh.forward(
                fwd,
                env,
                Op::BareMetalList(segs.first().map(|s| s.to_string())),
            )
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

pub(super) async fn deeplink(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    match segs {
        [] => {
            sh.pipeline(Fwd::of::<ep::DeeplinkGet>(Prefix::Req), body, |_| {
                Ok(Op::DeeplinkGet)
            })
            .await
        }
        ["set"] => {
            sh.pipeline(Fwd::of::<ep::DeeplinkSet>(Prefix::Req), body, |env| {
                let id = env.additional.get("device_id");
                let pw = env.additional.get("device_password");
                if id.is_some_and(|v| !v.is_string()) {
                    return Err(Reply::params("additional device id must be a string"));
                }
                if pw.is_some_and(|v| !v.is_string()) {
                    return Err(Reply::params("additional device password must be a string"));
                }
                if id.is_none() && pw.is_none() {
                    return Err(Reply::params("invalid device info"));
                }
                Ok(Op::DeeplinkSet)
            })
            .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

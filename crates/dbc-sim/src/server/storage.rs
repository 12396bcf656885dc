//! `/api/v1/snapshot` (§7.4) and `/api/v1/disk` (§7.5) routes.

use super::pipeline::{additional_str, Fwd};
use super::Shared;
use crate::envelope::Prefix;
use crate::node::Op;
use crate::wire::Reply;
use dbc_types::registry as ep;

pub(super) async fn snapshot(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let b = Prefix::Bare;
    if segs.is_empty() || segs.len() > 3 || !matches!(segs[0], "create" | "delete" | "list") {
        return Reply::invalid_request("invalid uri");
    }
    match segs[0] {
        "list" => {
            if segs.len() < 2 {
                return Reply::params(
                    "invalid uri, please use /snapshot/list/<task_id>[/snapshot_name]",
                );
            }
            let id = segs[1].to_string();
            let name = segs.get(2).map(|s| s.to_string());
            let fwd = if name.is_some() {
                Fwd::of::<ep::SnapshotInfo>(b)
            } else {
                Fwd::of::<ep::SnapshotsList>(b)
            };
            sh.pipeline(fwd, body, move |_| Ok(Op::SnapshotList(id, name)))
                .await
        }
        "create" => {
            if segs.len() != 2 {
                // DEFECT (spec §7.4, §10): the hint shows the wrong order; /snapshot/create/<task_id> is accepted.
                return Reply::params("invalid uri, please use: /snapshot/<task_id>/create");
            }
            let id = segs[1].to_string();
            sh.pipeline(Fwd::of::<ep::SnapshotCreate>(b), body, move |env| {
                if id.is_empty() {
                    return Err(Reply::params("task_id is empty"));
                }
                if additional_str(env, "image_server")
                    .and_then(|s| sh.image_server(&s))
                    .is_none()
                {
                    return Err(Reply::params("image_server not exist"));
                }
                Ok(Op::SnapshotCreate(id))
            })
            .await
        }
        _ => {
            if segs.len() != 3 {
                return Reply::params(
                    "invalid uri, please use /snapshot/<task_id>/delete/<snapshot_name>",
                );
            }
            if segs[1].is_empty() {
                return Reply::params("task_id is empty");
            }
            if segs[2].is_empty() {
                return Reply::params("snapshot_name is empty");
            }
            let (id, name) = (segs[1].to_string(), segs[2].to_string());
            sh.pipeline(Fwd::of::<ep::SnapshotDelete>(b), body, move |_| {
                Ok(Op::SnapshotDelete(id, name))
            })
            .await
        }
    }
}

pub(super) async fn disk(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let [verb, id] = segs else {
        return Reply::invalid_request("invalid requests uri");
    };
    let p = Prefix::Request;
    let (fwd, op): (Fwd, fn(String) -> Op) = match *verb {
        "list" => (Fwd::of::<ep::DisksList>(p), Op::DiskList),
        "resize" => (Fwd::of::<ep::DiskResize>(p), Op::DiskResize),
        "add" => (Fwd::of::<ep::DiskAdd>(p), Op::DiskAdd),
        "delete" => (Fwd::of::<ep::DiskDelete>(p), Op::DiskDelete),
        _ => return Reply::invalid_request("invalid requests uri"),
    };
    if id.is_empty() {
        return Reply::params("task_id is empty");
    }
    let id = id.to_string();
    sh.pipeline(fwd, body, move |_| Ok(op(id))).await
}

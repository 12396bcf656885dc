//! `/api/v1/snapshot` (§7.4) and `/api/v1/disk` (§7.5) routes.

use super::pipeline::{additional_str, Fwd};
use super::Shared;
use crate::envelope::{PreCheck, Prefix, A_CREATE, A_DEFAULT};
use crate::node::Op;
use crate::wire::Reply;

pub(super) async fn snapshot(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let a = PreCheck::A(A_DEFAULT);
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
            let ep = if name.is_some() {
                "snapshots.info"
            } else {
                "snapshots.list"
            };
            sh.pipeline(Fwd::new(ep, b, a), body, move |_| {
                Ok(Op::SnapshotList(id, name))
            })
            .await
        }
        "create" => {
            if segs.len() != 2 {
                // DEFECT (spec §7.4, §10): the hint shows the wrong order; /snapshot/create/<task_id> is accepted.
                return Reply::params("invalid uri, please use: /snapshot/<task_id>/create");
            }
            let id = segs[1].to_string();
            sh.pipeline(Fwd::new("snapshots.create", b, a), body, move |env| {
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
            sh.pipeline(Fwd::new("snapshots.delete", b, a), body, move |_| {
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
    let (name, op): (&'static str, fn(String) -> Op) = match *verb {
        "list" => ("disks.list", Op::DiskList),
        "resize" => ("disks.resize", Op::DiskResize),
        "add" => ("disks.add", Op::DiskAdd),
        "delete" => ("disks.delete", Op::DiskDelete),
        _ => return Reply::invalid_request("invalid requests uri"),
    };
    if id.is_empty() {
        return Reply::params("task_id is empty");
    }
    let id = id.to_string();
    sh.pipeline(
        Fwd::new(name, Prefix::Request, PreCheck::A(A_CREATE)),
        body,
        move |_| Ok(op(id)),
    )
    .await
}

//! `/api/v1/tasks` routes (§7.2): path and query parameters, the create OS rewrite.

use super::pipeline::Fwd;
use super::route::query;
use super::Shared;
use crate::envelope::{self, Prefix};
use crate::node::Op;
use crate::wire::Reply;
use dbc_types::registry as ep;

pub(super) async fn tasks(sh: &Shared, segs: &[&str], rem: &str, body: &[u8]) -> Reply {
    match segs {
        [] => {
            sh.pipeline(Fwd::of::<ep::TasksList>(Prefix::Bare), body, |_| {
                Ok(Op::TasksList)
            })
            .await
        }
        ["start"] => {
            let fwd = Fwd::of::<ep::TaskCreate>(Prefix::Bare);
            sh.pipeline(fwd, body, |env| {
                // Rewrite "ubuntu"→"linux", "win"→"windows" when the node version > "0.3.9.7" (§7.2.3).
                let version = env
                    .peer
                    .as_deref()
                    .and_then(|p| sh.index.get(p))
                    .and_then(|&i| sh.nodes.get(i))
                    .map(|n| n.version.as_str())
                    .filter(|v| !v.is_empty());
                if let Some(v) = version {
                    if let Ok(text) = serde_json::to_string(&env.additional) {
                        // DEFECT (spec §7.2.3, §12): any string value equal to "ubuntu"/"win" is rewritten.
                        let rewritten = if v > "0.3.9.7" {
                            text.replace("\"ubuntu\"", "\"linux\"")
                                .replace("\"win\"", "\"windows\"")
                        } else {
                            text.replace("\"linux\"", "\"ubuntu\"")
                                .replace("\"windows\"", "\"win\"")
                        };
                        if rewritten != text {
                            if let Ok(v) = serde_json::from_str(&rewritten) {
                                env.additional = v;
                            }
                        }
                    }
                }
                Ok(Op::Create)
            })
            .await
        }
        [id] => {
            let id = id.to_string();
            sh.pipeline(Fwd::of::<ep::TaskInfo>(Prefix::Bare), body, move |_| {
                Ok(Op::TaskInfo(id))
            })
            .await
        }
        [verb, id] => {
            let b = Prefix::Bare;
            let fwd = match *verb {
                "start" => Fwd::of::<ep::TaskStart>(b),
                "restart" => Fwd::of::<ep::TaskRestart>(b),
                "shutdown" => Fwd::of::<ep::TaskShutdown>(b),
                "poweroff" => Fwd::of::<ep::TaskPoweroff>(b),
                "stop" => Fwd::of::<ep::TaskStop>(b),
                "reset" => Fwd::of::<ep::TaskReset>(b),
                "delete" => Fwd::of::<ep::TaskDelete>(b),
                "logs" => Fwd::of::<ep::TaskLogs>(b),
                "modify" => Fwd::of::<ep::TaskModify>(b),
                "passwd" => Fwd::of::<ep::TaskPasswd>(b),
                _ => return Reply::unhandled(),
            };
            if id.is_empty() {
                return Reply::params("task_id is empty");
            }
            let id = id.to_string();
            let q = query(rem);
            let op = match *verb {
                "start" => Op::Start(id),
                "restart" => {
                    let forced = match q.get("force_reboot") {
                        None | Some(&"") => false,
                        Some(&"true") => true,
                        Some(v) => envelope::atoi(v) != 0,
                    };
                    Op::Restart(id, forced)
                }
                "shutdown" => Op::Shutdown(id),
                "poweroff" | "stop" => Op::Poweroff(id),
                "reset" => Op::Reset(id),
                "delete" => Op::Delete(id),
                "logs" => {
                    let (head, n) = match q.get("flag").copied() {
                        None | Some("") => (false, 100),
                        Some(f @ ("head" | "tail")) => {
                            let n = match q.get("line_num").copied() {
                                None | Some("") => 100,
                                Some(v) => envelope::atoi(v),
                            };
                            // DEFECT (spec §7.2.10, §10): line_num > 100 becomes 99.
                            let n = if n > 100 { 99 } else { n };
                            if n <= 0 {
                                return Reply::params("invalid line num");
                            }
                            (f == "head", n as usize)
                        }
                        // DEFECT (spec §7.2.10, §12): the message ends with a stray double quote.
                        Some(_) => return Reply::params("head_or_tail is invalid\""),
                    };
                    Op::Logs(id, head, n)
                }
                "modify" => Op::Modify(id),
                _ => Op::Passwd(id),
            };
            sh.pipeline(fwd, body, move |_| Ok(op)).await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

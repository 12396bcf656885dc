//! `/api/v1/images` routes (§7.3), including what the client node answers itself (image
//! servers, local uploads).

use super::pipeline::{additional_str, parse_env, Fwd};
use super::Shared;
use crate::envelope::{self, Env, Prefix};
use crate::node::{image_size, Op};
use crate::wire::Reply;
use dbc_types::registry as ep;
use std::time::Instant;

pub(super) async fn images(sh: &Shared, segs: &[&str], body: &[u8]) -> Reply {
    let p = Prefix::Request;
    match segs {
        [] => {
            let fwd = Fwd::of::<ep::ImagesList>(p);
            let env = match parse_env(p, false, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            let server = additional_str(&env, "image_server");
            if env.peer.is_none() {
                let Some(srv) = server.as_deref().and_then(|s| sh.image_server(s)) else {
                    return Reply::params("image_server not exist");
                };
                let items: Vec<String> = srv
                    .images
                    .iter()
                    .filter(|n| n.ends_with(".qcow2"))
                    .map(|n| {
                        format!(
                            "{{\"image_name\":\"{n}\",\"image_size\":\"{}\"}}",
                            image_size(n)
                        )
                    })
                    .collect();
                return sh
                    .with_faults(fwd.name, None, || {
                        Reply::Compact(Reply::node_ok_raw(&format!("[{}]", items.join(","))))
                    })
                    .await;
            }
            let list = match server {
                Some(s) => match sh.image_server(&s) {
                    Some(srv) => Some(srv.images.clone()),
                    None => return Reply::params("image_server not exist"),
                },
                None => None,
            };
            sh.forward(fwd, env, Op::ImagesList(list)).await
        }
        ["servers"] => {
            let r = match envelope::parse_body(body, false) {
                Ok(_) => {
                    let ids: Vec<String> = sh
                        .image_servers
                        .iter()
                        .map(|s| format!("\"{}\"", s.id))
                        .collect();
                    Reply::Compact(Reply::node_ok_raw(&format!(
                        "{{\"image_server\":[{}]}}",
                        ids.join(",")
                    )))
                }
                Err(m) if m == "http request body is empty" => Reply::params(m),
                Err(m) => Reply::params(p.apply(&m)),
            };
            sh.with_faults("images.servers", None, || r).await
        }
        ["download"] => {
            sh.pipeline(Fwd::of::<ep::ImageDownloadStart>(p), body, |env| {
                let Some(srv) =
                    additional_str(env, "image_server").and_then(|s| sh.image_server(&s).cloned())
                else {
                    return Err(Reply::params("image_server not exist"));
                };
                Ok(Op::ImageDownload(srv.images))
            })
            .await
        }
        ["downloadprogress"] => {
            sh.pipeline(Fwd::of::<ep::ImageDownloadProgress>(p), body, |_| {
                Ok(Op::ImageDownloadProgress)
            })
            .await
        }
        ["download_stop"] => {
            sh.pipeline(Fwd::of::<ep::ImageDownloadStop>(p), body, |_| {
                Ok(Op::ImageDownloadStop)
            })
            .await
        }
        ["upload"] | ["uploadprogress"] | ["upload_stop"] => {
            let (fwd, op) = match segs {
                ["upload"] => (Fwd::of::<ep::ImageUploadStart>(p), Op::ImageUpload),
                ["uploadprogress"] => (
                    Fwd::of::<ep::ImageUploadProgress>(p),
                    Op::ImageUploadProgress,
                ),
                _ => (Fwd::of::<ep::ImageUploadStop>(p), Op::ImageUploadStop),
            };
            let name = fwd.name;
            let env = match parse_env(p, false, body) {
                Ok(e) => e,
                Err(r) => return r,
            };
            if name == "images.upload"
                && additional_str(&env, "image_server")
                    .and_then(|s| sh.image_server(&s))
                    .is_none()
            {
                return Reply::params("image_server not exist");
            }
            if env.peer.as_deref().is_none_or(str::is_empty) {
                return local_upload(sh, name, &env).await;
            }
            if let Err(m) = envelope::precheck(fwd.pre, &env) {
                return Reply::params(m);
            }
            sh.forward(fwd, env, op).await
        }
        ["delete"] => {
            sh.pipeline(Fwd::of::<ep::ImageDelete>(p), body, |_| Ok(Op::ImageDelete))
                .await
        }
        _ => Reply::invalid_request("invalid requests uri"),
    }
}

pub(super) async fn local_upload(sh: &Shared, name: &'static str, env: &Env) -> Reply {
    let f = additional_str(env, "image_filename").unwrap_or_default();
    let resolved = if f.starts_with('/') {
        f.clone()
    } else {
        format!("/data/{f}")
    };
    let rel = resolved.trim_start_matches("/data/").to_string();
    if f.is_empty() || !sh.client_files.contains(&rel) || f.starts_with('/') {
        return Reply::params(format!("image_filename: /data/{resolved} not exist"));
    }
    let now = Instant::now();
    let dur = sh.delays.create * 2;
    let r = {
        let mut up = sh
            .local_uploads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match name {
            "images.upload" => {
                up.insert(rel, now);
                Reply::node_msg(0, "ok")
            }
            "images.upload_progress" => match up.get(&rel) {
                Some(t) if now.duration_since(*t) < dur => {
                    let p =
                        (now.duration_since(*t).as_millis() * 100 / dur.as_millis().max(1)).min(99);
                    Reply::node_ok_raw(&format!(
                        "{{\"status\":\"uploading\",\"progress\":\"{p}%\"}}"
                    ))
                }
                _ => Reply::node_ok_raw("{\"status\":\"done\",\"progress\":\"100%\"}"),
            },
            _ => {
                up.remove(&rel);
                Reply::node_msg(0, "ok")
            }
        }
    };
    sh.with_faults(name, None, || Reply::Compact(r)).await
}

//! Excerpts of undecodable replies never carry the values of secret members.

use dbc_types::registry::TaskInfo;
use dbc_types::{decode, ReplyError};

#[test]
fn undecodable_reply_excerpt_masks_secret_members() {
    let secrets = [
        ("login_password", "hunter2-login"),
        ("vnc_password", "vncSecret9"),
        ("password", "plainPw77"),
        ("node_private_key", "0xdeadbeefcafe"),
        ("session_id_sign", "ab12ab12ab12"),
        ("sign", "cd34cd34cd34"),
    ];
    let members: Vec<String> = secrets
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    // a task whose `status` has the wrong type: undecodable, so the body is excerpted
    let body = format!(
        "{{\"errcode\":0,\"message\":{{\"task_id\":\"x\",\"status\":42,{}}}}}",
        members.join(",")
    );
    let err = decode::<TaskInfo>(200, body.as_bytes()).expect_err("undecodable");
    let ReplyError::Decode { body_excerpt, .. } = &err else {
        panic!("{err:?}")
    };
    let shown = format!("{err} {err:?}");
    for (k, v) in secrets {
        assert!(
            body_excerpt.contains(&format!("\"{k}\":\"***\"")),
            "{body_excerpt}"
        );
        assert!(!shown.contains(v), "{k} leaked: {shown}");
    }
    assert!(body_excerpt.contains("\"task_id\":\"x\""), "{body_excerpt}");
}

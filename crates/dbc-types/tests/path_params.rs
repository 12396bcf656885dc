//! Path parameters that the node would route to another endpoint are refused before sending:
//! `.`/`..` and fixed words of sibling routes (derived from the registry's templates).

use dbc_types::endpoint::{render_path, Segment, SnapshotParams};
use dbc_types::models::Empty;
use dbc_types::registry::{BareMetalGet, LanGet, SnapshotInfo, TaskDelete, TaskInfo};
use dbc_types::routes::sibling_words;
use dbc_types::{build_request, Credential, Envelope, NodeId, SessionIdSign, TaskId, REGISTRY};

fn env() -> Envelope<Empty> {
    Envelope {
        peer: Some(NodeId::repeat('a').expect("node")),
        additional: Empty {},
        credential: Credential::session(
            "3Spfft6fJGur2oNHSiTdqXFsWdXWuMUU2QSJYb8tQ3ch1bp8AGmUez3"
                .parse()
                .expect("session id"),
            SessionIdSign::new(&"ab".repeat(64)).expect("sign"),
        ),
        rent_order: None,
    }
}

fn words(template: &str, index: usize) -> Vec<&'static str> {
    let mut w: Vec<&'static str> = sibling_words(template, index)
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    w.sort_unstable();
    w
}

/// The words come from the registry; these are the spec's §0 routes that share a prefix.
#[test]
fn sibling_words_are_derived_from_the_registry() {
    assert_eq!(
        words("/api/v1/tasks/{task_id}", 3),
        [
            "delete", "logs", "modify", "passwd", "poweroff", "reset", "restart", "shutdown",
            "start", "stop"
        ]
    );
    assert_eq!(words("/api/v1/lan/{network_name}", 3), ["create", "delete"]);
    assert_eq!(
        words("/api/v1/bare_metal/{id}", 3),
        ["add", "bootdev", "delete", "modify", "power"]
    );
    // no sibling has a fixed word where these placeholders are
    assert!(words("/api/v1/tasks/start/{task_id}", 4).is_empty());
    assert!(words("/api/v1/snapshot/list/{task_id}/{snapshot_name}", 5).is_empty());
    assert!(words("/api/v1/rent_orders/{rent_order}", 3).is_empty());
}

#[test]
fn a_task_id_equal_to_a_sibling_word_is_refused_before_sending() {
    for word in ["start", "stop", "delete", "logs", "passwd"] {
        let id: TaskId = word.parse().expect("a task id by shape");
        let e = build_request::<TaskInfo>(&id, &env()).expect_err(word);
        assert_eq!(e.field, "task_id", "{word}");
        assert!(
            e.message.contains("/api/v1/tasks/") && e.message.contains("use the real task_id"),
            "{e}"
        );
        // the same word is fine where no sibling route has it
        build_request::<TaskDelete>(&id, &env()).expect("tasks/delete/{task_id}");
    }
    build_request::<TaskInfo>(&"7KhaCevciMbc5v1TZGUHei".parse().expect("id"), &env())
        .expect("a real task id");
}

#[test]
fn lan_and_bare_metal_words_are_refused() {
    let e = build_request::<LanGet>(&Segment("create".into()), &env()).expect_err("create");
    assert_eq!(e.field, "network_name");
    assert!(e.message.contains("/api/v1/lan/create"), "{e}");
    build_request::<LanGet>(&Segment("office".into()), &env()).expect("a real network name");
    for w in ["add", "delete", "power", "bootdev", "modify"] {
        let e = build_request::<BareMetalGet>(&Segment(w.into()), &env()).expect_err(w);
        assert_eq!(e.field, "id", "{w}");
    }
}

#[test]
fn dot_segments_are_refused_everywhere() {
    for bad in [".", ".."] {
        assert!(bad.parse::<TaskId>().is_err(), "{bad}");
        for d in REGISTRY {
            let path = d.info.path;
            let n = path.matches('{').count();
            if n == 0 {
                continue;
            }
            for slot in 0..n {
                let mut values = vec!["x1"; n];
                values[slot] = bad;
                let e = render_path(path, &values, &[]).expect_err(path);
                assert!(e.message.contains("path navigation"), "{path}: {e}");
            }
        }
        let params = SnapshotParams::new("7KhaCevciMbc5v1TZGUHei".parse().expect("task"), bad);
        let e = build_request::<SnapshotInfo>(&params, &env()).expect_err(bad);
        assert_eq!(e.field, "snapshot_name");
    }
}

/// Every placeholder of every endpoint refuses every word of its siblings, and accepts the
/// fixed words of routes that are not its siblings.
#[test]
fn every_placeholder_refuses_exactly_its_sibling_words() {
    let mut all: Vec<&str> = REGISTRY
        .iter()
        .flat_map(|d| d.info.path.split('/'))
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    all.sort_unstable();
    all.dedup();
    let mut refused = 0;
    for d in REGISTRY {
        let path = d.info.path;
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let slots: Vec<usize> = (0..segs.len())
            .filter(|i| segs[*i].starts_with('{'))
            .collect();
        for (k, index) in slots.iter().enumerate() {
            let sib = words(path, *index);
            for w in &all {
                let mut values = vec!["x1"; slots.len()];
                values[k] = w;
                let r = render_path(path, &values, &[]);
                assert_eq!(r.is_err(), sib.contains(w), "{path} with {w}: {r:?}");
                refused += usize::from(r.is_err());
            }
        }
    }
    assert!(refused >= 17, "{refused}"); // 10 on tasks/{task_id}, 2 on lan, 5 on bare_metal
}

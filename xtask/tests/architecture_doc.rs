//! docs/architecture.md's "Adding an endpoint" names real files and real code: every
//! repository path it mentions exists, and the worked example's declaration, route and command
//! are the ones in the tree. A rename or a changed declaration fails here, so the walk-through
//! cannot go stale silently.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The "Adding an endpoint" section (up to the next level-2 heading).
fn section() -> String {
    let doc = read("docs/architecture.md");
    let start = doc
        .find("## Adding an endpoint")
        .expect("docs/architecture.md has an \"Adding an endpoint\" section");
    let rest = &doc[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

/// Backticked spans of the section.
fn spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_path_the_section_names_exists() {
    let s = section();
    let mut checked = 0;
    for span in spans(&s) {
        for word in span.split([' ', ',']) {
            let is_path = ["crates/", "docs/", "xtask/"]
                .iter()
                .any(|p| word.starts_with(p));
            if !is_path || word.contains('<') {
                continue;
            }
            assert!(
                root().join(word).exists(),
                "docs/architecture.md names `{word}`, which does not exist"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} paths found: did the section's format change?"
    );
}

#[test]
fn the_worked_example_matches_the_code() {
    let s = section();
    let code: &[(&str, &[&str])] = &[
        (
            "crates/dbc-types/src/registry.rs",
            &[
                r#"DiskResize { name: "disks.resize""#,
                "params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true",
                r#"timeout: Some("resize disk timeout"), request: ResizeDisk, response: OkMessage"#,
                r##"example: r#"{"disk":"vda","size":10}"#"##,
            ],
        ),
        (
            "crates/dbc-sim/src/server/storage.rs",
            &["\"resize\" => (Fwd::of::<ep::DiskResize>(p), Op::DiskResize)"],
        ),
        (
            "crates/dbc-sim/src/node/mod.rs",
            &["Op::DiskResize(id) => self.disk_resize(id, add)"],
        ),
        ("crates/dbc-sim/src/node/storage.rs", &["fn disk_resize"]),
        (
            "crates/dbc-api/src/task.rs",
            &["self.t.ep::<r::DiskResize>(&self.t.id, req)"],
        ),
        ("crates/dbc-cli/src/commands/disk.rs", &["registry::DiskResize"]),
        (
            "crates/dbc-types/tests/golden.rs",
            &[r#"("disk_resize.request.json", &["disks.resize"])"#],
        ),
    ];
    for (file, snippets) in code {
        assert!(s.contains(file), "the section no longer names {file}");
        let text = read(file);
        for snippet in *snippets {
            assert!(
                text.contains(snippet),
                "{file} no longer contains `{snippet}`"
            );
        }
    }
    // The declaration the doc quotes is the one in the registry, member for member.
    assert!(s.contains(
        r##"DiskResize { name: "disks.resize", …, params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true, timeout: Some("resize disk timeout"), request: ResizeDisk, response: OkMessage, example: r#"{"disk":"vda","size":10}"# }"##
    ));
}

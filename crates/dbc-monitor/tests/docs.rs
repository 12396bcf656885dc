//! docs/monitoring.md lists every metric family with its type and source key (drift check).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dbc_monitor::keys::{Kind, FAMILIES};

#[test]
fn the_metric_table_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/monitoring.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    for f in FAMILIES {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", f.name)))
            .unwrap_or_else(|| panic!("{} is not in docs/monitoring.md", f.name));
        let ty = match f.kind {
            Kind::Counter => "| counter |",
            Kind::Gauge => "| gauge |",
            Kind::Info(_) => "| gauge (info) |",
        };
        assert!(row.contains(ty), "{row}");
        assert!(row.contains(&format!("| `{}` |", f.source)), "{row}");
        if let Kind::Info(label) = f.kind {
            assert!(row.contains(&format!("`{label}`")), "{row}");
        }
    }
    let rows = doc
        .lines()
        .filter(|l| l.starts_with("| `dbc_vm_") || l.starts_with("| `dbc_node_"))
        .count();
    assert_eq!(
        rows,
        FAMILIES.len() + 2,
        "rows for families that no longer exist?"
    );
}

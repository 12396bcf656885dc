//! The registry covers spec §0 exactly and every entry is internally consistent.

use dbc_types::endpoint::{
    render_path, Endpoint, HttpMethod, NoParams, PathParams, Segment, SnapshotParams, Target,
};
use dbc_types::models::{LogQuery, LogsParams, RestartParams};
use dbc_types::registry::*;
use dbc_types::{TaskId, REGISTRY};
use std::collections::{BTreeMap, BTreeSet};

/// Spec §0: row → path(s), `{}` for a placeholder (facts copied from the spec's table).
const SPEC_ROWS: &[(u8, &[&str])] = &[
    (1, &["/api/v1/"]),
    (2, &["/api/v1/tasks"]),
    (3, &["/api/v1/tasks/{}"]),
    (4, &["/api/v1/tasks/start"]),
    (5, &["/api/v1/tasks/start/{}"]),
    (6, &["/api/v1/tasks/shutdown/{}"]),
    (7, &["/api/v1/tasks/poweroff/{}"]),
    (8, &["/api/v1/tasks/stop/{}"]),
    (9, &["/api/v1/tasks/restart/{}"]),
    (10, &["/api/v1/tasks/reset/{}"]),
    (11, &["/api/v1/tasks/delete/{}"]),
    (12, &["/api/v1/tasks/logs/{}"]),
    (13, &["/api/v1/tasks/modify/{}"]),
    (14, &["/api/v1/tasks/passwd/{}"]),
    (15, &["/api/v1/images"]),
    (16, &["/api/v1/images/servers"]),
    (17, &["/api/v1/images/download"]),
    (18, &["/api/v1/images/downloadprogress"]),
    (19, &["/api/v1/images/download_stop"]),
    (20, &["/api/v1/images/upload"]),
    (21, &["/api/v1/images/uploadprogress"]),
    (22, &["/api/v1/images/upload_stop"]),
    (23, &["/api/v1/images/delete"]),
    (24, &["/api/v1/snapshot/list/{}"]),
    (25, &["/api/v1/snapshot/list/{}/{}"]),
    (26, &["/api/v1/snapshot/create/{}"]),
    (27, &["/api/v1/snapshot/delete/{}/{}"]),
    (28, &["/api/v1/disk/list/{}"]),
    (29, &["/api/v1/disk/resize/{}"]),
    (30, &["/api/v1/disk/add/{}"]),
    (31, &["/api/v1/disk/delete/{}"]),
    (32, &["/api/v1/mining_nodes"]),
    (33, &["/api/v1/mining_nodes"]),
    (34, &["/api/v1/mining_nodes/session_id"]),
    (35, &["/api/v1/mining_nodes/free_memory"]),
    (36, &["/api/v1/peers/active"]),
    (37, &["/api/v1/peers/global"]),
    (38, &["/api/v1/peers/lan"]),
    (39, &["/api/v1/stat"]),
    (40, &["/api/v1/config"]),
    (41, &["/api/v1/monitor"]),
    (42, &["/api/v1/monitor/set"]),
    (43, &["/api/v1/lan", "/api/v1/lan/{}"]),
    (44, &["/api/v1/lan/create"]),
    (45, &["/api/v1/lan/delete/{}"]),
    (46, &["/api/v1/bare_metal", "/api/v1/bare_metal/{}"]),
    (47, &["/api/v1/bare_metal/add"]),
    (48, &["/api/v1/bare_metal/delete"]),
    (49, &["/api/v1/bare_metal/modify/{}"]),
    (50, &["/api/v1/bare_metal/power"]),
    (51, &["/api/v1/bare_metal/bootdev"]),
    (52, &["/api/v1/deeplink"]),
    (53, &["/api/v1/deeplink/set"]),
    (54, &["/api/v1/rent_orders", "/api/v1/rent_orders/{}"]),
];

fn normalise(template: &str) -> String {
    let mut out = String::new();
    let mut in_ph = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_ph = true;
                out.push_str("{}");
            }
            '}' => in_ph = false,
            _ if in_ph => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn every_spec_row_is_covered_with_its_paths() {
    let mut covered: BTreeMap<u8, BTreeSet<String>> = BTreeMap::new();
    for d in REGISTRY {
        assert!(
            !d.info.spec_rows.is_empty(),
            "{} implements no spec row",
            d.info.name
        );
        for r in d.info.spec_rows {
            assert!(
                (1..=54).contains(r),
                "{}: row {r} is not in spec §0",
                d.info.name
            );
            covered
                .entry(*r)
                .or_default()
                .insert(normalise(d.info.path));
        }
    }
    for (row, paths) in SPEC_ROWS {
        let got = covered
            .get(row)
            .unwrap_or_else(|| panic!("spec row {row} has no registry entry"));
        let want: BTreeSet<String> = paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, &want, "paths of spec row {row}");
    }
    // Every spec row is covered with exactly its paths (above), so no endpoint can go missing;
    // a new endpoint needs no count changed here.
    assert_eq!(covered.len(), SPEC_ROWS.len());
}

#[test]
fn names_are_unique_and_dotted() {
    let mut seen = BTreeSet::new();
    for d in REGISTRY {
        assert!(seen.insert(d.info.name), "duplicate name {}", d.info.name);
        assert!(
            d.info
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
            "{}",
            d.info.name
        );
        assert_eq!(find(d.info.name).map(|x| x.info.name), Some(d.info.name));
    }
    assert!(find("no.such").is_none());
}

#[test]
fn paths_are_under_api_v1_and_unique_per_target() {
    let mut seen = BTreeSet::new();
    for d in REGISTRY {
        assert!(
            d.info.path.starts_with("/api/v1"),
            "{}: {}",
            d.info.name,
            d.info.path
        );
        assert!(!d.info.path.contains("//"), "{}", d.info.name);
        // The only shared path is /mining_nodes (local list vs. node info), told apart by target.
        assert!(
            seen.insert((d.info.path, d.info.target == Target::Unused)),
            "{}: path {} declared twice",
            d.info.name,
            d.info.path
        );
        assert!(!d.info.summary.is_empty());
    }
}

#[test]
fn mutating_flags() {
    for d in REGISTRY {
        let n = d.info.name;
        let verb = n.rsplit('.').next().unwrap_or(n);
        let must_mutate = matches!(
            verb,
            "create"
                | "delete"
                | "start"
                | "shutdown"
                | "poweroff"
                | "stop"
                | "restart"
                | "reset"
                | "modify"
                | "passwd"
                | "download"
                | "upload"
                | "download_stop"
                | "upload_stop"
                | "resize"
                | "add"
                | "set"
                | "power"
                | "bootdev"
                | "free_memory"
        );
        let read_only = matches!(
            verb,
            "list"
                | "info"
                | "get"
                | "logs"
                | "servers"
                | "download_progress"
                | "upload_progress"
                | "session_id"
                | "active"
                | "global"
                | "lan"
                | "version"
                | "stat"
                | "config"
        );
        assert!(
            must_mutate ^ read_only,
            "{n}: classify the verb `{verb}` in this test"
        );
        assert_eq!(d.info.mutates, must_mutate, "{n}: mutates flag");
        if d.info.mutates {
            assert_eq!(
                d.info.method,
                HttpMethod::Post,
                "{n}: mutating calls are POST only"
            );
        }
    }
    assert!(find("tasks.create").is_some_and(|d| d.info.mutates));
    assert!(find("tasks.delete").is_some_and(|d| d.info.mutates));
}

#[test]
fn timeouts_and_schemas() {
    let mut g = schemars::SchemaGenerator::default();
    for d in REGISTRY {
        if d.info.target == Target::Required {
            let t = d
                .info
                .timeout_message
                .unwrap_or_else(|| panic!("{}: no timeout message", d.info.name));
            assert!(t.ends_with(" timeout"), "{}: {t}", d.info.name);
        }
        let _ = (d.request_schema)(&mut g);
        let _ = (d.response_schema)(&mut g);
        assert!(!d.info.request_type.is_empty() && !d.info.response_type.is_empty());
    }
}

/// Dummy path parameters for each `PathParams` type.
trait Dummy {
    fn dummy() -> Self;
}
impl Dummy for NoParams {
    fn dummy() -> Self {
        NoParams
    }
}
fn tid() -> TaskId {
    "7KhaCevciMbc5v1TZGUHei".parse().expect("task id")
}
impl Dummy for TaskId {
    fn dummy() -> Self {
        tid()
    }
}
impl Dummy for Segment {
    fn dummy() -> Self {
        Segment("seg1".into())
    }
}
impl Dummy for SnapshotParams {
    fn dummy() -> Self {
        SnapshotParams::new(tid(), "snap1")
    }
}
impl Dummy for RestartParams {
    fn dummy() -> Self {
        RestartParams::new(tid(), Some(true))
    }
}
impl Dummy for LogsParams {
    fn dummy() -> Self {
        LogsParams::new(tid(), Some(LogQuery::default()))
    }
}

fn check<E: Endpoint>() -> String
where
    E::Params: Dummy,
{
    let p = E::Params::dummy();
    let values = p.path_values();
    let holes = E::INFO.path.matches('{').count();
    assert_eq!(
        values.len(),
        holes,
        "{}: placeholders vs. PathParams values",
        E::INFO.name
    );
    let query = p.query_pairs();
    for (k, _) in &query {
        assert!(
            E::INFO.query.contains(k),
            "{}: undeclared query `{k}`",
            E::INFO.name
        );
    }
    let path = render_path(E::INFO.path, &values, &query)
        .unwrap_or_else(|e| panic!("{}: {e}", E::INFO.name));
    assert!(!path.contains('{'), "{}", E::INFO.name);
    E::INFO.name.to_owned()
}

macro_rules! check_all {
    ($($t:ty),* $(,)?) => {{
        let mut names = BTreeSet::new();
        $( names.insert(check::<$t>()); )*
        names
    }};
}

#[test]
fn placeholders_match_path_params() {
    let names = check_all!(
        Version,
        TasksList,
        TaskInfo,
        TaskCreate,
        TaskStart,
        TaskShutdown,
        TaskPoweroff,
        TaskStop,
        TaskRestart,
        TaskReset,
        TaskDelete,
        TaskLogs,
        TaskModify,
        TaskPasswd,
        ImagesList,
        ImageServersList,
        ImageDownloadStart,
        ImageDownloadProgress,
        ImageDownloadStop,
        ImageUploadStart,
        ImageUploadProgress,
        ImageUploadStop,
        ImageDelete,
        SnapshotsList,
        SnapshotInfo,
        SnapshotCreate,
        SnapshotDelete,
        DisksList,
        DiskResize,
        DiskAdd,
        DiskDelete,
        NodesList,
        NodeInfoGet,
        NodeSessionId,
        NodeFreeMemory,
        PeersActive,
        PeersGlobal,
        PeersLan,
        Stat,
        Config,
        MonitorList,
        MonitorSet,
        LanList,
        LanGet,
        LanCreate,
        LanDelete,
        BareMetalListAll,
        BareMetalGet,
        BareMetalAdd,
        BareMetalDelete,
        BareMetalModify,
        BareMetalPowerSet,
        BareMetalBootDevSet,
        DeeplinkGet,
        DeeplinkSet,
        RentOrdersList,
        RentOrdersGet,
    );
    // The typed check per parameter type; every registry entry (a new one included, with no
    // list to edit) is also built from its placeholder and query names by dbc-types' unit test
    // `erased::tests::every_example_is_a_valid_request_of_its_endpoint`.
    let all: BTreeSet<String> = REGISTRY.iter().map(|d| d.info.name.to_owned()).collect();
    let stale: Vec<&String> = names.difference(&all).collect();
    assert!(stale.is_empty(), "not registry entries: {stale:?}");
}

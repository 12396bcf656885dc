//! `/api/v1/latest`: the stored samples as JSON, with the item clocks as the node sent them.
//!
//! ```json
//! {"hosts":[{"host":"7T13…","scope":"vm","last_push_unix":1736400031.2,
//!   "items":{"dom.state":{"value":"running","clock":1736400030,"ns":101234567}, …}}]}
//! ```

use crate::keys::Scope;
use crate::store::{Host, Store, Value};
use serde_json::{json, Map, Value as Json};

/// Which hosts to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter<'a> {
    /// Every host.
    All,
    /// One VM (task id).
    Task(&'a str),
    /// One GPU node (node id).
    Node(&'a str),
}

fn host_json(id: &str, h: &Host) -> Json {
    let mut items = Map::new();
    for (k, s) in &h.items {
        let v = match &s.value {
            Value::Num(x) => json!(x),
            Value::Text(t) => json!(&**t),
        };
        items.insert(
            k.to_string(),
            json!({"value": v, "clock": s.clock, "ns": s.ns}),
        );
    }
    json!({
        "host": id,
        "scope": h.scope,
        "last_push_unix": (h.last_push_unix * 1000.0).round() / 1000.0,
        "items": items,
    })
}

/// The JSON for `filter`; `None` when the one host asked for is unknown.
pub fn latest(store: &Store, filter: Filter<'_>) -> Option<Json> {
    let hosts: Vec<Json> = match filter {
        Filter::All => store
            .hosts()
            .into_iter()
            .map(|(id, h)| host_json(id, h))
            .collect(),
        Filter::Task(id) | Filter::Node(id) => {
            let want = if matches!(filter, Filter::Task(_)) {
                Scope::Vm
            } else {
                Scope::Node
            };
            let h = store.host(id).filter(|h| h.scope == want)?;
            vec![host_json(id, h)]
        }
    };
    Some(json!({ "hosts": hosts }))
}

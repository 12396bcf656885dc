//! `cargo xtask codegen [--check]`: the API reference generated from the endpoint registry.
//!
//! Writes `docs/api/endpoints.md` (one row per registry entry) and `docs/api/openapi.json`
//! (OpenAPI 3.1, schemas from `schemars`). Output is deterministic: object keys are sorted and
//! entries keep registry order, so `--check` compares byte for byte.

use crate::workspace_root;
use dbc_types::endpoint::{Descriptor, HttpMethod, PreCheck, Target};
use dbc_types::numstr::NUMERIC_STRING_FORMAT;
use dbc_types::{
    MultisigBundle, NodeId, Nonce, RentOrder, SessionId, SessionIdSign, SignatureHex, Wallet,
    REGISTRY,
};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const ENDPOINTS_MD: &str = "docs/api/endpoints.md";
const OPENAPI_JSON: &str = "docs/api/openapi.json";
const COMPONENTS: &str = "#/components/schemas/";

/// Entry point of the subcommand.
pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        _ => {
            return Err(format!(
                "usage: cargo xtask codegen [--check] (got {args:?})"
            ))
        }
    };
    let files = generate()?;
    let root = workspace_root();
    if check {
        let mut stale = Vec::new();
        for (rel, content) in &files {
            let on_disk = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
            if on_disk != *content {
                stale.push(*rel);
            }
        }
        if stale.is_empty() {
            eprintln!(
                "xtask codegen: {} and {} are up to date",
                ENDPOINTS_MD, OPENAPI_JSON
            );
            return Ok(());
        }
        return Err(format!(
            "{} stale (differs from the registry): run `cargo xtask codegen` and commit the result",
            stale
                .iter()
                .map(|s| format!("`{s}` is"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (rel, content) in &files {
        write(&root.join(rel), content)?;
        eprintln!("xtask codegen: wrote {rel}");
    }
    Ok(())
}

fn write(path: &Path, content: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Both generated files, as (path relative to the workspace root, content).
pub fn generate() -> Result<Vec<(&'static str, String)>, String> {
    let mut gen = generator();
    let schemas: Vec<(Value, Value)> = REGISTRY
        .iter()
        .map(|d| {
            (
                Value::from((d.request_schema)(&mut gen)),
                Value::from((d.response_schema)(&mut gen)),
            )
        })
        .collect();
    let envelope = envelope_schemas(&mut gen);
    let mut defs = gen.take_definitions(true);
    for (k, v) in envelope {
        defs.insert(k, v);
    }
    let md = endpoints_md(&schemas, &defs);
    let openapi = openapi(&schemas, defs);
    let mut json = serde_json::to_string_pretty(&sorted(&openapi)).map_err(|e| e.to_string())?;
    json.push('\n');
    Ok(vec![(ENDPOINTS_MD, md), (OPENAPI_JSON, json)])
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator()
}

// ---------- labels ----------

fn method_label(m: HttpMethod) -> &'static str {
    m.label()
}

fn precheck_label(p: PreCheck) -> String {
    p.label()
}

fn target_label(t: Target) -> &'static str {
    t.label()
}

fn path_with_query(d: &Descriptor) -> String {
    let mut p = d.info.path.to_owned();
    for (i, q) in d.info.query.iter().enumerate() {
        let _ = write!(p, "{}{q}=…", if i == 0 { "[?" } else { "&" });
    }
    if !d.info.query.is_empty() {
        p.push(']');
    }
    p
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// Follows a `$ref` into the definitions.
fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => defs.get(ref_name(r)).unwrap_or(schema),
        None => schema,
    }
}

/// A short human label for a schema: `string`, `string (number)`, `array of NodeId`, …
fn type_label(s: &Value, defs: &Map<String, Value>) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = ref_name(r);
        // Small string enums read better as their values: `enum: [...]`, or a `oneOf` of
        // `const`s (what schemars emits for variants with doc comments).
        if let Some(def) = defs.get(name) {
            let mut vals: Vec<String> = Vec::new();
            if let Some(values) = def.get("enum").and_then(Value::as_array) {
                vals.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
            } else if let Some(alts) = def.get("oneOf").and_then(Value::as_array) {
                let consts: Vec<Option<&str>> = alts
                    .iter()
                    .map(|a| a.get("const").and_then(Value::as_str))
                    .collect();
                if consts.iter().all(Option::is_some) {
                    vals.extend(consts.into_iter().flatten().map(str::to_owned));
                }
            }
            if !vals.is_empty() {
                return format!("{name} ({})", vals.join(" / "));
            }
        }
        return name.to_owned();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let labels: Vec<String> = alts
                .iter()
                .filter(|a| a.get("type") != Some(&json!("null")))
                .map(|x| type_label(x, defs))
                .collect();
            return labels.join(" or ");
        }
    }
    if let Some(c) = s.get("const") {
        return format!("const {c}");
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        let vals: Vec<String> = e
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.to_string())
            .collect();
        return vals.join(" / ");
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for t in types {
        match t {
            "string" if s.get("format").and_then(Value::as_str) == Some(NUMERIC_STRING_FORMAT) => {
                out.push("string (number)".to_owned())
            }
            "array" => out.push(format!(
                "array of {}",
                s.get("items")
                    .map(|x| type_label(x, defs))
                    .unwrap_or_else(|| "any".into())
            )),
            "integer" => {
                let f = s.get("format").and_then(Value::as_str).unwrap_or("");
                out.push(if f.is_empty() {
                    "integer".to_owned()
                } else {
                    format!("integer ({f})")
                })
            }
            other => out.push(other.to_owned()),
        }
    }
    if out.is_empty() {
        "any".to_owned()
    } else {
        out.join(" or ")
    }
}

fn members(schema: &Value, defs: &Map<String, Value>) -> String {
    let s = resolve(schema, defs);
    let props = match s.get("properties").and_then(Value::as_object) {
        Some(p) if !p.is_empty() => p,
        _ => return "–".to_owned(),
    };
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut names: Vec<&String> = props.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let opt = if required.contains(&n.as_str()) {
                ""
            } else {
                "?"
            };
            format!("`{n}{opt}`: {}", type_label(&props[n], defs))
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn endpoints_md(schemas: &[(Value, Value)], defs: &Map<String, Value>) -> String {
    let mut md = String::new();
    md.push_str("# DBC client node HTTP API: endpoints\n\n");
    md.push_str("<!-- Generated by `cargo xtask codegen` from crates/dbc-types/src/registry.rs. Do not edit. -->\n\n");
    md.push_str(
        "Every request is `POST` with a JSON envelope `{peer_nodes_list, additional, <credential>, rent_order?}`; \
         every reply is `{errcode, message}`. The *request members* are those of `additional` \
         (`?` = optional; `string (number)` = an integer the node reads from a JSON **string**).\n\n",
    );
    md.push_str("Legend — auth: `none`; `R` renter (session, wallet or multisig; committee verifiers accepted); ");
    md.push_str("`R¬v` renter, verifiers rejected; `W` wallet or multisig signature only; `opt` credentials only filter; ");
    md.push_str("`BM` the bare-metal manager's node key; `local` answered by the client node. ");
    md.push_str("Pre-check (client node, before forwarding): `A` session, wallet or multisig (message shown); ");
    md.push_str("`B` wallet or multisig signature; `C` wallet signature. ");
    md.push_str("Target: whether `peer_nodes_list[0]` must name a GPU node.\n\n");
    md.push_str("| # | name | method | path | auth | pre-check | target | mutates | timeout message | request members (`additional`) | response (`message`) | spec rows |\n");
    md.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (i, (d, (req, _resp))) in REGISTRY.iter().zip(schemas).enumerate() {
        let info = d.info;
        let rows: Vec<String> = info.spec_rows.iter().map(u8::to_string).collect();
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | `{}` | {} | {} | {} | {} | {} | {} | `{}` | {} |",
            i + 1,
            info.name,
            method_label(info.method),
            cell(&path_with_query(d)),
            info.auth.legend(),
            cell(&precheck_label(info.precheck)),
            target_label(info.target),
            if info.mutates { "yes" } else { "no" },
            info.timeout_message
                .map(|t| format!("`{t}`"))
                .unwrap_or_else(|| "–".into()),
            cell(&members(req, defs)),
            cell(info.response_type),
            rows.join(", "),
        );
    }
    md.push_str(&call_examples());
    md.push_str("\nOpenAPI 3.1 description with full schemas: [`openapi.json`](openapi.json).\n");
    md
}

/// One `dbc call` line per endpoint: its parameters by name and, where the request has required
/// members, the declaration's `example` as `--additional`.
fn call_examples() -> String {
    let mut md = String::from(
        "\n## Calling any endpoint by name\n\n\
         `dbc call` (dbc-cli) and `Client::call_raw` (dbc-api) reach every endpoint by its name, \
         through its typed request and response. Credentials follow the auth column. \
         `$NODE` is the GPU node (in brackets: optional), `<name>` a path or query parameter; \
         the `--additional` shown is the declaration's `example` (without one, the request's \
         defaults are a valid request).\n\n| name | command |\n|---|---|\n",
    );
    for d in REGISTRY {
        let info = d.info;
        let mut cmd = format!("dbc call {}", info.name);
        match info.target {
            Target::Required => cmd.push_str(" $NODE"),
            Target::Optional => cmd.push_str(" [$NODE]"),
            _ => {}
        }
        for p in dbc_types::erased::param_names(info) {
            let _ = write!(cmd, " --param {p}=<{p}>");
        }
        if let Some(e) = info.example {
            let _ = write!(cmd, " --additional '{e}'");
        }
        let _ = writeln!(md, "| `{}` | `{}` |", info.name, cell(&cmd));
    }
    md
}

// ---------- OpenAPI ----------

/// Schemas of the envelope members, added to `components/schemas`.
fn envelope_schemas(gen: &mut SchemaGenerator) -> Vec<(String, Value)> {
    let node = Value::from(gen.subschema_for::<NodeId>());
    let wallet = Value::from(gen.subschema_for::<Wallet>());
    let nonce = Value::from(gen.subschema_for::<Nonce>());
    let sign = Value::from(gen.subschema_for::<SignatureHex>());
    let multisig = Value::from(gen.subschema_for::<MultisigBundle>());
    let session_id = Value::from(gen.subschema_for::<SessionId>());
    let session_sign = Value::from(gen.subschema_for::<SessionIdSign>());
    let rent_order = Value::from(gen.subschema_for::<RentOrder>());
    vec![
        (
            "RequestEnvelope".to_owned(),
            json!({
                "description": "The request body of every endpoint. `additional` is the endpoint's parameters; \
                    the credential is one of: wallet/nonce/sign, multisig_accounts, session_id/session_id_sign, or none.",
                "type": "object",
                "required": ["peer_nodes_list", "additional"],
                "properties": {
                    "peer_nodes_list": {
                        "description": "The target GPU node (`[]` for local mode / client-node endpoints).",
                        "type": "array", "items": node, "maxItems": 1
                    },
                    "additional": { "description": "The endpoint's parameters." },
                    "wallet": wallet,
                    "nonce": nonce,
                    "sign": sign,
                    "multisig_accounts": multisig,
                    "session_id": session_id,
                    "session_id_sign": session_sign,
                    "rent_order": rent_order
                },
                "dependentRequired": {
                    "wallet": ["nonce", "sign"],
                    "session_id": ["session_id_sign"]
                }
            }),
        ),
        (
            "ErrorReply".to_owned(),
            json!({
                "description": "An error reply: `errcode` != 0 (or an HTTP status other than 200) and a message string.",
                "type": "object",
                "required": ["errcode", "message"],
                "properties": {
                    "errcode": { "type": "integer" },
                    "message": { "type": "string" }
                }
            }),
        ),
    ]
}

fn request_body(req: &Value) -> Value {
    json!({
        "allOf": [
            { "$ref": format!("{COMPONENTS}RequestEnvelope") },
            { "type": "object", "properties": { "additional": req } }
        ]
    })
}

fn success_reply(resp: &Value) -> Value {
    json!({
        "type": "object",
        "required": ["errcode", "message"],
        "properties": { "errcode": { "const": 0 }, "message": resp }
    })
}

fn one_or_many(mut v: Vec<Value>) -> Value {
    if v.len() == 1 {
        v.remove(0)
    } else {
        json!({ "oneOf": v })
    }
}

fn extensions(d: &Descriptor) -> Value {
    let info = d.info;
    json!({
        "name": info.name,
        "summary": info.summary,
        "spec_rows": info.spec_rows,
        "any_method": info.method == HttpMethod::Any,
        "auth": info.auth.legend(),
        "precheck": precheck_label(info.precheck),
        "target": target_label(info.target),
        "mutates": info.mutates,
        "timeout_message": info.timeout_message,
        "request_type": info.request_type,
        "response_type": info.response_type,
        "query": info.query,
        "example": info.example.and_then(|e| serde_json::from_str::<Value>(e).ok()),
    })
}

/// A registry entry with its (request, response) schemas.
type Entry<'a> = (&'a Descriptor, &'a (Value, Value));

fn operation(group: &[Entry<'_>]) -> Value {
    let first = group[0].0;
    let mut params: Vec<Value> = Vec::new();
    let mut rest = first.info.path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or(rest.len());
        let name = &rest[open + 1..close];
        params.push(json!({
            "name": name, "in": "path", "required": true,
            "description": "Placed verbatim in the path (the node does not decode URLs): no '/', '?', '#', '&', '%', quotes or spaces.",
            "schema": { "type": "string" }
        }));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    let mut query: Vec<&str> = group
        .iter()
        .flat_map(|(d, _)| d.info.query.iter().copied())
        .collect();
    query.dedup();
    for q in query {
        params.push(
            json!({ "name": q, "in": "query", "required": false, "schema": { "type": "string" } }),
        );
    }
    let bodies: Vec<Value> = group
        .iter()
        .map(|(_, (req, _))| request_body(req))
        .collect();
    let oks: Vec<Value> = group
        .iter()
        .map(|(_, (_, resp))| success_reply(resp))
        .collect();
    let error = json!({ "$ref": format!("{COMPONENTS}ErrorReply") });
    let reply = |desc: &str, schema: Value| json!({ "description": desc, "content": { "application/json": { "schema": schema } } });
    let names: Vec<&str> = group.iter().map(|(d, _)| d.info.name).collect();
    let summary = group
        .iter()
        .map(|(d, _)| d.info.summary)
        .collect::<Vec<_>>()
        .join(" / ");
    let mut description = String::new();
    if group.len() > 1 {
        description.push_str("One path, several registry entries (told apart by `peer_nodes_list`); the body and the reply are `oneOf` the variants, in this order: ");
        description.push_str(
            &names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        description.push('.');
    } else {
        let _ = write!(description, "Registry entry `{}`.", first.info.name);
    }
    let mut ok_alts = oks;
    ok_alts.push(error.clone());
    let mut op = json!({
        "operationId": names.join("+"),
        "summary": summary,
        "description": description,
        "requestBody": { "required": true, "content": { "application/json": { "schema": one_or_many(bodies) } } },
        "responses": {
            "200": reply("Success (`errcode` 0) or a GPU node error passed through (`errcode` != 0).", json!({ "oneOf": ok_alts })),
            "400": { "$ref": "#/components/responses/Rejected" },
            "404": { "$ref": "#/components/responses/NoRoute" },
            "500": { "$ref": "#/components/responses/NodeFailure" }
        },
        "x-dbc-endpoints": group.iter().map(|(d, _)| extensions(d)).collect::<Vec<_>>(),
    });
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    op
}

fn error_response(desc: &str) -> Value {
    json!({
        "description": desc,
        "content": { "application/json": { "schema": { "$ref": format!("{COMPONENTS}ErrorReply") } } }
    })
}

fn openapi(schemas: &[(Value, Value)], defs: Map<String, Value>) -> Value {
    // Group entries by path, keeping registry order of first appearance.
    let mut order: Vec<&'static str> = Vec::new();
    let mut groups: BTreeMap<&'static str, Vec<Entry<'_>>> = BTreeMap::new();
    for (d, s) in REGISTRY.iter().zip(schemas) {
        if !groups.contains_key(d.info.path) {
            order.push(d.info.path);
        }
        groups.entry(d.info.path).or_default().push((d, s));
    }
    let mut paths = Map::new();
    for p in order {
        if let Some(g) = groups.get(p) {
            paths.insert(p.to_owned(), json!({ "post": operation(g) }));
        }
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "DeepBrainChain client node HTTP API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Generated by `cargo xtask codegen` from the dbc-types endpoint registry. \
                Every endpoint is POST with a JSON envelope; replies are {errcode, message}."
        },
        "servers": [{ "url": "http://127.0.0.1:5052" }],
        "paths": paths,
        "components": {
            "schemas": defs,
            "responses": {
                "Rejected": error_response("Rejected by the client node (invalid params, pre-check, unknown node, bad JSON, bad URI)."),
                "NoRoute": error_response("No such route."),
                "NodeFailure": error_response("Timeout waiting for the GPU node, an unparsable node reply, or an unhandled request.")
            }
        },
    });
    rewrite_refs(&mut doc);
    doc
}

/// Points every `$ref` at `#/components/schemas/…` (whatever path the generator used).
fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                for prefix in ["#/$defs/", "#/definitions/"] {
                    if let Some(name) = r.strip_prefix(prefix) {
                        *r = format!("{COMPONENTS}{name}");
                    }
                }
            }
            m.values_mut().for_each(rewrite_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// A copy with every object's keys in sorted order (independent of serde_json's map type).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        let a = generate().expect("generate");
        let b = generate().expect("generate");
        assert_eq!(a, b);
    }

    #[test]
    fn every_ref_resolves_and_every_entry_is_documented() {
        let files = generate().expect("generate");
        let doc: Value = serde_json::from_str(&files[1].1).expect("openapi JSON");
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        fn walk(v: &Value, schemas: &Map<String, Value>) {
            match v {
                Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                        if let Some(name) = r.strip_prefix(COMPONENTS) {
                            assert!(schemas.contains_key(name), "dangling $ref {r}");
                        } else {
                            let name = r
                                .strip_prefix("#/components/responses/")
                                .unwrap_or_else(|| panic!("foreign $ref {r}"));
                            assert!(
                                ["Rejected", "NoRoute", "NodeFailure"].contains(&name),
                                "dangling $ref {r}"
                            );
                        }
                    }
                    m.values().for_each(|x| walk(x, schemas));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, schemas)),
                _ => {}
            }
        }
        walk(&doc, schemas);
        let text = &files[1].1;
        for d in REGISTRY {
            assert!(
                text.contains(&format!("\"name\": \"{}\"", d.info.name)),
                "{} missing",
                d.info.name
            );
            assert!(
                files[0].1.contains(&format!("`{}`", d.info.name)),
                "{} missing in md",
                d.info.name
            );
        }
        // /api/v1/mining_nodes carries both the local list and the node info.
        let op = &doc["paths"]["/api/v1/mining_nodes"]["post"];
        assert_eq!(op["x-dbc-endpoints"].as_array().map(Vec::len), Some(2));
        assert!(op["requestBody"]["content"]["application/json"]["schema"]["oneOf"].is_array());
    }

    #[test]
    fn numeric_strings_are_marked() {
        let files = generate().expect("generate");
        let create = files[0]
            .1
            .lines()
            .find(|l| l.contains("`tasks.create`"))
            .expect("create row");
        assert!(create.contains("`cpu_cores`: string (number)"), "{create}");
        assert!(create.contains("`vnc_port`: string (number)"), "{create}");
        assert!(create.contains("`image_name`: string"), "{create}");
    }
}

//! Nothing panics: arbitrary JSON and bytes through every registry entry.

use super::*;

// ---------- robustness: nothing panics ----------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        // Fractions with a short exact decimal form: serde_json (without `float_roundtrip`)
        // may change the last digit of a 17-digit float when it re-parses it, which is not a
        // property of our models.
        any::<i32>().prop_map(|n| json!(f64::from(n) / 8.0)),
        "\\PC{0,8}".prop_map(Value::String),
        // Strings that look like the numbers and ids the models parse.
        prop_oneof![
            Just("0"),
            Just("-1"),
            Just("4294967296"),
            Just("5904"),
            Just("ubuntu.qcow2")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(
                prop_oneof![
                    "[a-z_:]{1,10}",
                    prop::sample::select(vec![
                        "task_id",
                        "status",
                        "image_name",
                        "image_name:",
                        "bare_metal_nodes",
                        "networks",
                        "cpu_cores",
                        "vnc_port",
                        "session_id",
                        "node_id",
                        "peer_nodes",
                        "mining_nodes",
                        "rent_orders",
                        "servers",
                        "snapshot_name",
                        "name",
                        "size",
                        "errcode",
                        "message",
                    ])
                    .prop_map(String::from),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn statuses() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(400), Just(404), Just(500), any::<u16>()]
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn decode_arbitrary_message_never_panics(msg in json_value(), code in prop_oneof![Just(0i64), any::<i64>()], status in statuses()) {
        let body = serde_json::to_vec(&json!({"errcode": code, "message": msg})).expect("encode");
        for d in REGISTRY {
            let _ = (d.decode_check)(status, &body);
            let _ = (d.response_roundtrip)(&msg);
        }
    }

    #[test]
    fn decode_arbitrary_json_never_panics(v in json_value(), status in statuses()) {
        let body = serde_json::to_vec(&v).expect("encode");
        for d in REGISTRY {
            let _ = (d.decode_check)(status, &body);
            let _ = (d.request_roundtrip)(&body);
        }
    }

    #[test]
    fn decode_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..256), status in statuses()) {
        for d in REGISTRY {
            let _ = (d.decode_check)(status, &bytes);
            let _ = (d.request_roundtrip)(&bytes);
        }
    }

    #[test]
    fn decode_arbitrary_request_never_panics(add in json_value(), peers in vec(prop_oneof!["[0-9a-f]{64}", "\\PC{0,70}"], 0..2), cred in json_value()) {
        let mut body = json!({"peer_nodes_list": peers, "additional": add});
        if let (Value::Object(b), Value::Object(c)) = (&mut body, cred) {
            for (k, v) in c { b.insert(k, v); }
        }
        let bytes = serde_json::to_vec(&body).expect("encode");
        for d in REGISTRY {
            if let Ok(v) = (d.request_roundtrip)(&bytes) {
                // Whatever decodes re-encodes to something that decodes again to the same.
                let again = serde_json::to_vec(&v).expect("encode");
                prop_assert_eq!((d.request_roundtrip)(&again).ok(), Some(v), "{}", d.info.name);
            }
        }
    }
}

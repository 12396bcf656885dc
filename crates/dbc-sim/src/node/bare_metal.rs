//! Bare metal (§7.11): server records, power, and the manager's operations.

use super::{add_str, add_str_list, stars, NodeReply, NodeResult, NodeWorld, Op, PreAuth};
use crate::envelope::Env;
use serde_json::Value;
use std::fmt::Write as _;

/// A bare-metal server record.
#[derive(Debug, Clone)]
pub(crate) struct BmServer {
    pub node_id: String,
    pub uuid: String,
    pub ip: String,
    pub os: String,
    pub desc: String,
    pub ipmi_hostname: String,
    pub ipmi_username: String,
    pub ipmi_password: String,
    pub ipmi_port: Option<u16>,
    pub dl_id: Option<String>,
    pub dl_pw: Option<String>,
    pub power_on: bool,
}

impl BmServer {
    pub(crate) fn from_config(
        node_id: &str,
        public_ip: &str,
        b: &crate::config::BareMetalConfig,
    ) -> BmServer {
        BmServer {
            node_id: node_id.to_string(),
            uuid: b.uuid.clone(),
            ip: if b.ip.is_empty() {
                public_ip.to_string()
            } else {
                b.ip.clone()
            },
            os: b.os.clone(),
            desc: b.description.clone(),
            ipmi_hostname: b.ipmi_hostname.clone(),
            ipmi_username: b.ipmi_username.clone(),
            ipmi_password: b.ipmi_password.clone(),
            ipmi_port: b.ipmi_port,
            dl_id: b.deeplink_device_id.clone(),
            dl_pw: b.deeplink_device_password.clone(),
            power_on: true,
        }
    }
    fn power_status(&self) -> &'static str {
        if self.power_on {
            "Chassis Power is on <line> "
        } else {
            "Chassis Power is off <line> "
        }
    }
}

impl NodeWorld {
    /// Bare-metal server info (§7.11, forwarded to a server id).
    pub(super) fn bm_server_info(&self, with_power: bool) -> NodeResult {
        let Some(b) = &self.bm_self else {
            return Err(NodeReply::fail(-3, "get bare metal node info failed"));
        };
        let mut s = format!(
            "{{\"version\":\"{}\",\"ip\":\"{}\",\"os\":\"{}\",\"description\":\"{}\"",
            self.cfg.version, b.ip, b.os, b.desc
        );
        if with_power {
            let _ = write!(s, ",\"power_status\":\"{}\"", b.power_status());
        }
        if let Some(id) = &b.dl_id {
            let _ = write!(
                s,
                ",\"deeplink_device_id\":\"{}\",\"deeplink_device_password\":\"{}\"",
                id,
                b.dl_pw.as_deref().unwrap_or("")
            );
        }
        s.push('}');
        Ok(NodeReply::ok_json(&s))
    }

    pub(super) fn bm_power(&mut self, add: &Value) -> NodeResult {
        let cmd = add_str(add, "command").unwrap_or_default();
        let Some(b) = self.bm_self.as_mut() else {
            return Err(NodeReply::fail(-3, "get bare metal node info failed"));
        };
        let out = match cmd.as_str() {
            "on" => {
                b.power_on = true;
                b.dl_pw = None;
                "Chassis Power Control: Up/On <line> "
            }
            "off" => {
                b.power_on = false;
                b.dl_pw = None;
                "Chassis Power Control: Down/Off <line> "
            }
            "reset" => "Chassis Power Control: Reset <line> ",
            "status" => b.power_status(),
            _ => return Err(NodeReply::fail(-3, "invalid command")),
        };
        Ok(NodeReply::ok(out))
    }

    /// Operations answered by a bare-metal manager; `None` = not a manager operation.
    pub(super) fn dispatch_manager(
        &mut self,
        op: &Op,
        env: &Env,
        pre: &PreAuth,
    ) -> Option<NodeReply> {
        let add = &env.additional;
        Some(match op {
            Op::BareMetalList(filter) => {
                let unmasked = self.manager_key_ok(env, pre);
                let list: Vec<&BmServer> = self
                    .bm_registry
                    .iter()
                    .filter(|b| {
                        filter
                            .as_deref()
                            .is_none_or(|f| f == b.node_id || f == b.uuid)
                    })
                    .take(51)
                    .collect();
                let one = list.len() == 1;
                let items: Vec<String> = list
                    .iter()
                    .map(|b| {
                        let m = |v: &str| if unmasked { v.to_string() } else { stars(v) };
                        let key = "0".repeat(64);
                        let mut s = format!(
                            "{{\"node_id\":\"{}\",\"node_private_key\":\"{}\",\"uuid\":\"{}\",\"ip\":\"{}\",\"os\":\"{}\",\"description\":\"{}\",\"ipmi_hostname\":\"{}\",\"ipmi_username\":\"{}\",\"ipmi_password\":\"{}\"",
                            b.node_id,
                            m(&key),
                            b.uuid,
                            b.ip,
                            b.os,
                            b.desc,
                            b.ipmi_hostname,
                            m(&b.ipmi_username),
                            m(&b.ipmi_password)
                        );
                        if let Some(p) = b.ipmi_port {
                            let _ = write!(s, ",\"ipmi_port\":{p}");
                        }
                        if one {
                            let _ = write!(s, ",\"power_status\":\"{}\"", b.power_status());
                        }
                        if let Some(id) = &b.dl_id {
                            let _ = write!(
                                s,
                                ",\"deeplink_device_id\":\"{}\",\"deeplink_device_password\":\"{}\"",
                                id,
                                m(b.dl_pw.as_deref().unwrap_or(""))
                            );
                        }
                        s.push('}');
                        s
                    })
                    .collect();
                NodeReply::ok_json(&format!("{{\"bare_metal_nodes\":[{}]}}", items.join(",")))
            }
            Op::BareMetalAdd => {
                if !self.manager_key_ok(env, pre) {
                    return Some(NodeReply::fail(-3, "verify sign failed"));
                }
                let Some(Value::Array(items)) = add.get("bare_metal_nodes") else {
                    return Some(NodeReply::fail(
                        -3,
                        "additional bare_metal_nodes not existed",
                    ));
                };
                let mut new = Vec::new();
                for it in items {
                    let g = |k: &str| it.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    let uuid = g("uuid");
                    if uuid.is_empty()
                        || !uuid.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                        || g("ip").is_empty()
                        || g("ipmi_hostname").is_empty()
                        || g("ipmi_username").is_empty()
                        || g("ipmi_password").is_empty()
                    {
                        return Some(NodeReply::fail(
                            -3,
                            &format!("bare metal node info {uuid} invalid"),
                        ));
                    }
                    let port = match it.get("ipmi_port") {
                        None => None,
                        Some(v) => match v.as_u64() {
                            Some(p) if (1..=65535).contains(&p) => Some(p as u16),
                            _ => {
                                return Some(NodeReply::fail(
                                    -3,
                                    &format!("invalid ipmi port in {uuid}"),
                                ))
                            }
                        },
                    };
                    if self
                        .bm_registry
                        .iter()
                        .chain(new.iter())
                        .any(|b: &BmServer| b.uuid == uuid)
                    {
                        return Some(NodeReply::fail(
                            -3,
                            &format!("bare metal node uuid {uuid} already existed"),
                        ));
                    }
                    let node_id =
                        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(uuid.as_bytes()));
                    new.push(BmServer {
                        node_id,
                        uuid,
                        ip: g("ip"),
                        os: g("os"),
                        desc: g("desc"),
                        ipmi_hostname: g("ipmi_hostname"),
                        ipmi_username: g("ipmi_username"),
                        ipmi_password: g("ipmi_password"),
                        ipmi_port: port,
                        dl_id: None,
                        dl_pw: None,
                        power_on: false,
                    });
                }
                let ids: Vec<String> = new
                    .iter()
                    .take(101)
                    .map(|b| format!("{{\"node_id\":\"{}\",\"uuid\":\"{}\"}}", b.node_id, b.uuid))
                    .collect();
                self.bm_registry.extend(new);
                NodeReply::ok_json(&format!("{{\"bare_metal_nodes\":[{}]}}", ids.join(",")))
            }
            Op::BareMetalDelete => {
                if !self.manager_key_ok(env, pre) {
                    return Some(NodeReply::fail(-3, "verify sign failed"));
                }
                let ids = add_str_list(add, "bare_metal_node_ids");
                if ids.is_empty() {
                    // DEFECT (spec §7.11): the reference's text misspells "bare_meta_node_ids".
                    return Some(NodeReply::fail(
                        -1,
                        "additional bare_meta_node_ids is an empty array",
                    ));
                }
                for id in &ids {
                    if !self.bm_registry.iter().any(|b| &b.node_id == id) {
                        return Some(NodeReply::fail(-1, "node id not existed"));
                    }
                }
                self.bm_registry.retain(|b| !ids.contains(&b.node_id));
                NodeReply::ok("ok")
            }
            Op::BareMetalModify(id) => {
                if !self.manager_key_ok(env, pre) {
                    return Some(NodeReply::fail(-3, "verify sign failed"));
                }
                let Some(b) = self.bm_registry.iter_mut().find(|b| &b.node_id == id) else {
                    return Some(NodeReply::fail(-1, "node id not existed"));
                };
                if let Some(u) = add_str(add, "uuid") {
                    if u.is_empty() || !u.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                        return Some(NodeReply::fail(-1, "invalid uuid"));
                    }
                    b.uuid = u;
                }
                for (k, slot) in [
                    ("ip", &mut b.ip),
                    ("os", &mut b.os),
                    ("desc", &mut b.desc),
                    ("ipmi_hostname", &mut b.ipmi_hostname),
                    ("ipmi_username", &mut b.ipmi_username),
                    ("ipmi_password", &mut b.ipmi_password),
                ] {
                    if let Some(v) = add_str(add, k) {
                        *slot = v;
                    }
                }
                if let Some(p) = add.get("ipmi_port").and_then(Value::as_u64) {
                    b.ipmi_port = u16::try_from(p).ok();
                }
                NodeReply::ok("ok")
            }
            Op::BareMetalPower | Op::BareMetalBootdev | Op::DeeplinkGet | Op::DeeplinkSet => {
                NodeReply::fail(-3, "Not supported")
            }
            _ => return None,
        })
    }
}

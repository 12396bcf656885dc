//! LANs (§7.10): list, get, create, delete.

use super::{add_str, fmt_time, is_ipv4, json_str_list, Lan, NodeReply, NodeResult, NodeWorld};
use rand::Rng;
use serde_json::Value;
use std::time::SystemTime;

impl NodeWorld {
    pub(super) fn lan_json(&self, l: &Lan) -> String {
        let members: Vec<String> = self
            .tasks
            .iter()
            .filter(|t| t.network_name == l.name)
            .map(|t| t.id.clone())
            .collect();
        let base = l.cidr.split('/').next().unwrap_or("");
        let prefix: Vec<&str> = base.split('.').collect();
        let (start, end) = if prefix.len() == 4 {
            (
                format!("{}.{}.{}.2", prefix[0], prefix[1], prefix[2]),
                format!("{}.{}.{}.254", prefix[0], prefix[1], prefix[2]),
            )
        } else {
            (String::new(), String::new())
        };
        format!(
            "{{\"network_name\":\"{}\",\"bridge_name\":\"br{}\",\"vxlan_name\":\"vx{}\",\"vxlan_vni\":\"{}\",\"ip_cidr\":\"{}\",\"ip_start\":\"{}\",\"ip_end\":\"{}\",\"dhcp_interface\":\"{}\",\"machine_id\":\"{}\",\"rent_wallet\":\"{}\",\"members\":{},\"lastUseTime\":\"{}\",\"native_flags\":\"3\"}}",
            l.name,
            l.name,
            l.name,
            l.vni,
            l.cidr,
            start,
            end,
            l.tap,
            self.id,
            l.owner,
            json_str_list(&members),
            l.last_use
        )
    }

    pub(super) fn lan_list_json(&self) -> String {
        let items: Vec<String> = self
            .lans
            .iter()
            .take(31)
            .map(|l| self.lan_json(l))
            .collect();
        format!("[{}]", items.join(","))
    }

    pub(super) fn lan_create(&mut self, who: String, add: &Value) -> NodeResult {
        if !add.is_object() {
            return Err(NodeReply::fail(-3, "invalid additional param"));
        }
        let name = add_str(add, "network_name").unwrap_or_default();
        if name.is_empty() {
            return Err(NodeReply::fail(-3, "network name can not be empty"));
        }
        if !(6..=10).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(NodeReply::fail(
                -3,
                "network name requires a combination of 6 to 10 letters or numbers",
            ));
        }
        if self.lans.iter().any(|l| l.name == name) {
            return Err(NodeReply::fail(-3, "network name already existed"));
        }
        let cidr = add_str(add, "ip_cidr").unwrap_or_default();
        if cidr.is_empty() {
            return Err(NodeReply::fail(-3, "ip cidr can not be empty"));
        }
        let valid = match cidr.split_once('/') {
            Some((ip, n)) => {
                is_ipv4(ip)
                    && n.parse::<u8>().is_ok_and(|n| n <= 32)
                    && !cidr.contains("192.168.122.")
            }
            None => false,
        };
        if !valid {
            return Err(NodeReply::fail(-3, "invalid ip cidr"));
        }
        if self.lans.iter().any(|l| l.cidr == cidr) {
            return Err(NodeReply::fail(-3, "ip cidr already exist"));
        }
        let vni = self.rng.gen_range(1000..16_000_000);
        let tap: String = (0..13)
            .map(|_| (b'a' + self.rng.gen_range(0..26u8)) as char)
            .collect();
        self.lans.push(Lan {
            name,
            cidr,
            vni,
            owner: who,
            tap: format!("tap{}", &tap[..10]),
            last_use: fmt_time(SystemTime::now()),
        });
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn lan_delete(&mut self, who: String, name: &str) -> NodeResult {
        let Some(i) = self.lans.iter().position(|l| l.name == name) else {
            return Err(NodeReply::fail(-3, "network name not exist"));
        };
        if self.lans[i].owner != who {
            return Err(NodeReply::fail(
                -3,
                "wallet error, you are not the owner of the network",
            ));
        }
        if self.tasks.iter().any(|t| t.network_name == name) {
            return Err(NodeReply::fail(
                -3,
                "network is in used, please delete task in the network first",
            ));
        }
        self.lans.remove(i);
        Ok(NodeReply::ok("ok"))
    }
}

//! Node information (§7.6), rent orders (§7.12) and monitor servers (§7.9); what the metrics
//! pusher reads.

use super::{gib_str, stars, NodeReply, NodeResult, NodeWorld, Order, SYSTEM_DISK_GIB};
use crate::config::NodeKind;
use serde_json::Value;

impl NodeWorld {
    pub(super) fn node_info(&self, server: Option<&[String]>) -> NodeReply {
        let c = &self.cfg;
        if c.kind == NodeKind::BareMetalServer {
            // §7.6.2: os as registered, DeepLink id with the password masked when set.
            let os = self
                .bm_self
                .as_ref()
                .map_or("Ubuntu 22.04.4 LTS", |b| b.os.as_str());
            let deeplink = match self
                .bm_self
                .as_ref()
                .and_then(|b| b.dl_id.as_deref().map(|id| (id, b)))
            {
                Some((id, b)) => format!(
                    ",\"deeplink\":{{\"device_id\":\"{id}\",\"device_password\":\"{}\"}}",
                    stars(b.dl_pw.as_deref().unwrap_or(""))
                ),
                None => String::new(),
            };
            return NodeReply::ok_json(&format!(
                "{{\"version\":\"{}\",\"node_type\":\"2\",\"ip\":\"{}\",\"os\":\"{os}\"{deeplink}}}",
                c.version, c.public_ip
            ));
        }
        let octets: Vec<&str> = c.public_ip.split('.').collect();
        let masked = if octets.len() == 4 {
            format!("*.{}.*.{}", octets[1], octets[3])
        } else {
            "*".to_string()
        };
        let (run_cpu, run_mem) = self.running_cpu_mem(None);
        let cpu_usage = if c.cpu_cores > 0 {
            run_cpu as f64 * 100.0 / f64::from(c.cpu_cores)
        } else {
            0.0
        };
        let mem_usage = if c.mem_gib > 0 {
            run_mem as f64 * 100.0 / c.mem_gib as f64
        } else {
            0.0
        };
        let data_total = c.data_disk_gib.saturating_sub(SYSTEM_DISK_GIB);
        let data_free = data_total.saturating_sub(self.disk_used());
        let disk_usage = if data_total > 0 {
            (data_total - data_free) as f64 * 100.0 / data_total as f64
        } else {
            0.0
        };
        let pct = |x: f64| {
            let r = (x * 100.0).round() / 100.0;
            let s = format!("{r:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
            format!("{s}%")
        };
        let images = self.images_list(server, None, false);
        NodeReply::ok_json(&format!(
            "{{\"version\":\"{}\",\"node_type\":\"1\",\"ip\":\"{}\",\"os\":\"Ubuntu 20.04.6 LTS (Focal Fossa) 5.4.0-150-generic\",\
\"cpu\":{{\"type\":\"Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz\",\"hz\":\"3000MHz\",\"cores\":\"{}\",\"used_usage\":\"{}\",\"physical_cpus\":\"2\"}},\
\"gpu\":{{\"gpu_count\":\"{}\",\"gpu_used\":\"{}\"}},\
\"mem\":{{\"size\":\"{}\",\"free\":\"{}\",\"used_usage\":\"{}\"}},\
\"disk_system\":{{\"type\":\"SSD\",\"size\":\"350G\"}},\
\"disk_data\":[{{\"path\":\"/data\",\"type\":\"SSD\",\"size\":\"{}\",\"free\":\"{}\",\"used_usage\":\"{}\"}}],\
\"images\":{}}}",
            c.version,
            masked,
            c.cpu_cores,
            pct(cpu_usage),
            c.gpus,
            self.gpus_busy(None).len(),
            gib_str(c.mem_gib as f64),
            gib_str(c.mem_gib.saturating_sub(run_mem) as f64),
            pct(mem_usage),
            gib_str(data_total as f64),
            gib_str(data_free as f64),
            pct(disk_usage),
            images
        ))
    }

    pub(super) fn rent_orders_json(&self) -> NodeReply {
        let block = self.clock.block();
        let mut numeric: Vec<&Order> = self
            .orders
            .iter()
            .filter(|o| o.id.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        numeric.sort_by(|a, b| {
            b.id.parse::<u128>()
                .unwrap_or(0)
                .cmp(&a.id.parse::<u128>().unwrap_or(0))
        });
        let legacy = self
            .orders
            .iter()
            .filter(|o| !o.id.bytes().all(|b| b.is_ascii_digit()));
        let items: Vec<String> = numeric
            .into_iter()
            .chain(legacy)
            .take(51)
            .map(|o| {
                let idx: Vec<String> = o.gpu_index.iter().map(u32::to_string).collect();
                format!(
                    "{{\"id\":\"{}\",\"renter\":\"{}\",\"rent_end\":\"{}\",\"rent_status\":\"{}\",\"gpu_nums\":\"{}\",\"gpu_index\":[{}]}}",
                    o.id,
                    o.renter,
                    o.rent_end,
                    o.chain_status(block),
                    o.gpu_index.len(),
                    idx.join(",")
                )
            })
            .collect();
        NodeReply::ok_json(&format!("{{\"rent_orders\":[{}]}}", items.join(",")))
    }

    // ---------------------------------------------------------------- monitor, LAN

    pub(super) fn monitor_set(&mut self, who: String, add: &Value) -> NodeResult {
        match add.get("servers") {
            None => Ok(NodeReply::ok("ok")),
            Some(Value::Array(a)) => {
                let list: Vec<String> = a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if list.len() > 2 {
                    return Err(NodeReply::fail(1, "can not enter more than two servers"));
                }
                if list.iter().any(|s| s.split(':').count() != 2) {
                    return Err(NodeReply::fail(1, "server not match format ip:port"));
                }
                self.monitors.insert(who, list);
                Ok(NodeReply::ok("ok"))
            }
            Some(_) => Err(NodeReply::fail(1, "servers must be an array")),
        }
    }

    /// What the metrics pusher reads (`crate::monitor`).
    pub(crate) fn monitor_view(&self) -> crate::monitor::NodeView {
        crate::monitor::NodeView {
            node_id: self.id.clone(),
            cfg: self.cfg.clone(),
            monitors: self.monitors.clone(),
            whole_machine_renter: self
                .orders
                .iter()
                .find(|o| o.id == o.renter && o.active(self.clock.block()))
                .map(|o| o.renter.clone()),
            vms: self
                .tasks
                .iter()
                .map(|t| crate::monitor::VmView {
                    id: t.id.clone(),
                    owner: t.owner.clone(),
                    status: t.status,
                    state: t.lv.word(),
                    cpu_cores: t.cpu_cores,
                    mem_gib: t.mem_gib,
                    gpus: t.gpus.clone(),
                    disks: t
                        .disks
                        .iter()
                        .map(|d| (d.name.clone(), d.size_gib))
                        .collect(),
                    boots: t.boots,
                })
                .collect(),
        }
    }
}

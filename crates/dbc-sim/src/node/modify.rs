//! Task logs (§7.2.10), modify (§7.2.11) and passwd (§7.2.12).

use super::{
    add_str, add_str_list, port16, NodeReply, NodeResult, NodeWorld, Task, MAX_LOG_CONTENT,
};
use crate::envelope::atoi;
use serde_json::Value;

impl NodeWorld {
    pub(super) fn log_lines(t: &Task) -> Vec<String> {
        let base = t.create_time.clone();
        let mut lines = Vec::with_capacity(140);
        for k in 0..120u32 {
            lines.push(format!(
                "{base}.{:03} INFO  task {} creating domain: step {}/120 {}",
                k % 1000,
                t.id,
                k + 1,
                match k % 4 {
                    0 => "define xml",
                    1 => "attach disk",
                    2 => "configure network",
                    _ => "wait for guest agent",
                }
            ));
        }
        lines.push(format!(
            "{base}.418 INFO  create iptable successful, host_ip:192.168.1.20 ssh_port:{} rdp_port:{} custom_port.size:{} task_local_ip:192.168.122.41 public_ip:{}",
            t.ssh_port.as_deref().unwrap_or("0"),
            t.rdp_port.as_deref().unwrap_or("0"),
            t.custom_port.len(),
            t.public_ip
        ));
        lines.extend(t.events.iter().cloned());
        lines
    }

    pub(super) fn logs(&self, id: &str, head: bool, n: usize) -> NodeResult {
        let i = self.existing(id)?;
        let t = &self.tasks[i];
        let all = Self::log_lines(t);
        let sel: Vec<&String> = if head {
            all.iter().take(n).collect()
        } else {
            all.iter().skip(all.len().saturating_sub(n)).collect()
        };
        let mut s = format!("{{\"task_id\":\"{}\",\"log_content\":[", t.id);
        let mut size = 0usize;
        let mut first = true;
        for l in sel {
            let add = l.len() + 2 + usize::from(!first);
            if size + add >= MAX_LOG_CONTENT {
                break;
            }
            size += add;
            if !first {
                s.push(',');
            }
            first = false;
            s.push('"');
            s.push_str(l);
            s.push('"');
        }
        s.push_str("]}");
        Ok(NodeReply::ok_json(&s))
    }

    pub(super) fn whole_machine(&self, t: &Task) -> Result<bool, String> {
        if t.rent_order.is_empty() {
            return Ok(true);
        }
        match self.orders.iter().find(|o| o.id == t.rent_order) {
            Some(o) if o.gpu_index.is_empty() => Err("gpu rent order is empty".into()),
            Some(o) => Ok(o.gpu_index.len() as u32 >= self.cfg.gpus),
            None => Ok(true),
        }
    }

    pub(super) fn modify(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.existing(id)?;
        let mut redefined = false;
        // Applied one by one; a later failure does not undo earlier ones (§7.2.11).
        // DEFECT (spec §7.2.11): a missing new_public_ip is treated as "" and removes the public IP.
        let new_ip = add_str(add, "new_public_ip").unwrap_or_default();
        if new_ip != self.tasks[i].public_ip {
            if !new_ip.is_empty() {
                if new_ip.parse::<std::net::IpAddr>().is_err() {
                    return Err(NodeReply::fail(1, "invalid public ip"));
                }
                if new_ip == self.cfg.public_ip || self.tasks.iter().any(|t| t.public_ip == new_ip)
                {
                    return Err(NodeReply::fail(1, "public ip being used"));
                }
            }
            self.tasks[i].public_ip = new_ip;
        }
        let mut set_ssh = None;
        let mut set_rdp = None;
        for (key, is_ssh) in [("new_ssh_port", true), ("new_rdp_port", false)] {
            if let Some(v) = add_str(add, key) {
                let p = port16(&v);
                if p == 0 {
                    return Err(NodeReply::fail(
                        1,
                        &format!("{key} {v} is invalid! (usage: > 0)"),
                    ));
                }
                if self.tasks[i].public_ip.is_empty() && self.port_conflict(p, Some(id)).is_some() {
                    return Err(NodeReply::fail(1, &format!("{key} {v} has been used!")));
                }
                if is_ssh {
                    set_ssh = Some(p);
                    if !self.tasks[i].windows {
                        self.tasks[i].ssh_port = Some(v);
                    }
                } else {
                    set_rdp = Some(p);
                    if self.tasks[i].windows {
                        self.tasks[i].rdp_port = Some(v);
                    }
                }
            }
        }
        if set_ssh.is_some() && set_ssh == set_rdp {
            return Err(NodeReply::fail(
                1,
                "new_ssh_port and new_rdp_port are the same!",
            ));
        }
        if add.get("new_custom_port").is_some() {
            match add.get("new_custom_port") {
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                    self.tasks[i].custom_port = add_str_list(add, "new_custom_port")
                }
                // Crash hazard in the reference (§4); rejected cleanly.
                _ => return Err(NodeReply::fail(1, "new_custom_port is invalid")),
            }
        }
        if add.get("new_network_filters").is_some() {
            self.tasks[i].network_filters = add_str_list(add, "new_network_filters");
        }
        if let Some(v) = add_str(add, "new_vnc_port") {
            let p = atoi(&v);
            if !(5900..=65535).contains(&p) {
                return Err(NodeReply::fail(
                    1,
                    &format!("new_vnc_port {v} is invalid! (usage: 5900 =< port <= 65535)"),
                ));
            }
            if self.port_conflict(p as u16, Some(id)).is_some() {
                return Err(NodeReply::fail(
                    1,
                    &format!("new_vnc_port {v} has been used!"),
                ));
            }
            self.tasks[i].vnc_port = p as u16;
            redefined = true;
        }
        let resource_keys = ["new_gpu_count", "new_cpu_cores", "new_mem_size"];
        if resource_keys.iter().any(|k| add_str(add, k).is_some()) {
            let whole = self
                .whole_machine(&self.tasks[i])
                .map_err(|m| NodeReply::fail(1, &m))?;
            if let Some(v) = add_str(add, "new_gpu_count") {
                if !whole {
                    return Err(NodeReply::fail(1, "can not modify gpu count"));
                }
                let n = atoi(&v);
                if n < 0 {
                    return Err(NodeReply::fail(1, "new gpu count is invalid"));
                }
                let owner = self.tasks[i].owner.clone();
                let ro = self.tasks[i].rent_order.clone();
                let rented = self
                    .order_for(&owner, &ro)
                    .map(|o| o.gpu_index.clone())
                    .unwrap_or_else(|| (0..self.cfg.gpus).collect());
                let busy = self.gpus_busy(Some(id));
                let free: Vec<u32> = rented.into_iter().filter(|g| !busy.contains(g)).collect();
                if free.len() < n as usize {
                    return Err(NodeReply::fail(1, "allocate gpu failed"));
                }
                self.tasks[i].gpus = free.into_iter().take(n as usize).collect();
                redefined = true;
            }
            if let Some(v) = add_str(add, "new_cpu_cores") {
                if !whole {
                    return Err(NodeReply::fail(1, "can not modify cpu cores"));
                }
                let n = atoi(&v);
                let (c, _) = self.running_cpu_mem(Some(id));
                if n <= 0 || n as u64 + c > u64::from(self.cfg.cpu_cores) {
                    return Err(NodeReply::fail(1, "allocate cpu failed"));
                }
                self.tasks[i].cpu_cores = n as u32;
                redefined = true;
            }
            if let Some(v) = add_str(add, "new_mem_size") {
                if !whole {
                    return Err(NodeReply::fail(1, "can not modify mem size"));
                }
                let n = atoi(&v);
                let (_, m) = self.running_cpu_mem(Some(id));
                if n <= 0 || n as u64 + m > self.cfg.mem_gib {
                    return Err(NodeReply::fail(1, "allocate memory failed"));
                }
                self.tasks[i].mem_gib = n as u64;
                redefined = true;
            }
        }
        Ok(NodeReply::fail(
            0,
            if redefined {
                "some changes will take effect on the next boot"
            } else {
                "ok"
            },
        ))
    }

    pub(super) fn passwd(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.existing(id)?;
        let pw = add_str(add, "password").unwrap_or_default();
        if pw.is_empty() {
            return Err(NodeReply::fail(1, "password can not be empty"));
        }
        let user = add_str(add, "username").unwrap_or_default();
        if user.is_empty() {
            return Err(NodeReply::fail(1, "user name can not be empty"));
        }
        let t = &mut self.tasks[i];
        // Admission on the libvirt state only (§8.3), not on the DBC status string.
        if !t.lv.is_running() {
            return Err(NodeReply::fail(
                1,
                "Only the running task can change the password",
            ));
        }
        t.password = pw;
        if t.user_name.is_empty() || t.user_name == "N/A" {
            t.user_name = user;
        }
        Ok(NodeReply::ok("ok"))
    }
}

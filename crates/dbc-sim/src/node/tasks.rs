//! Tasks (§7.2, §8): the task list and info, ids, passwords and MACs, resource accounting
//! and the lifecycle transitions (start, shutdown, restart, reset, delete).

use super::{
    fmt_time, json_str_list, port16, Caller, Lv, NodeReply, NodeResult, NodeWorld, Pending, Task,
};
use rand::Rng;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::{Instant, SystemTime};

pub(super) const PW_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+[]@#^";

impl Task {
    pub(super) fn settle(&mut self, now: Instant) -> bool {
        if let Some(p) = &self.pending {
            if p.at <= now {
                let p = p.clone();
                self.pending = None;
                self.status = p.status;
                self.lv = p.lv;
                if self.login_fails && p.status == "running" {
                    // §8.6: the guest agent could not set the password; the VM still runs.
                    self.login_fails = false;
                    "N/A".clone_into(&mut self.user_name);
                    "N/A".clone_into(&mut self.password);
                }
                self.events.push(format!(
                    "{} INFO  task {} is {}",
                    fmt_time(SystemTime::now()),
                    self.id,
                    p.status
                ));
                return p.remove;
            }
        }
        false
    }
    pub(super) fn counts_running(&self) -> bool {
        self.lv.holds_resources()
    }
    pub(super) fn ssh_or_rdp(&self) -> Option<u16> {
        self.ssh_port
            .as_deref()
            .or(self.rdp_port.as_deref())
            .map(port16)
    }
}

impl NodeWorld {
    pub(super) fn task_idx(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    pub(super) fn tasks_list(&self, c: Option<&Caller>) -> NodeResult {
        let who = c.map(|c| c.identity.as_str()).unwrap_or("");
        let mut s = String::with_capacity(64 + self.tasks.len() * 96);
        s.push('[');
        let mut first = true;
        for t in self.tasks.iter().filter(|t| t.owner == who) {
            if !first {
                s.push(',');
            }
            first = false;
            let _ = write!(
                s,
                "{{\"task_id\":\"{}\",\"create_time\":\"{}\",\"desc\":\"{}\",\"status\":\"{}\"}}",
                t.id, t.create_time, t.desc, t.status
            );
        }
        s.push(']');
        Ok(NodeReply::ok_json(&s))
    }

    pub(super) fn task_info(&self, c: Option<&Caller>, id: &str) -> NodeResult {
        let who = c.map(|c| c.identity.as_str()).unwrap_or("");
        let Some(t) = self.tasks.iter().find(|t| t.id == id && t.owner == who) else {
            return Err(NodeReply::fail(-3, "task_id not exist"));
        };
        let mut s = String::with_capacity(1024);
        let ssh_ip = if t.public_ip.is_empty() {
            &self.cfg.public_ip
        } else {
            &t.public_ip
        };
        let _ = write!(
            s,
            "{{\"task_id\":\"{}\",\"os\":\"{}\",\"ssh_ip\":\"{}\",",
            t.id, t.os, ssh_ip
        );
        if t.windows {
            let _ = write!(
                s,
                "\"rdp_port\":\"{}\",",
                t.rdp_port.as_deref().unwrap_or("")
            );
        } else {
            let _ = write!(
                s,
                "\"ssh_port\":\"{}\",",
                t.ssh_port.as_deref().unwrap_or("")
            );
        }
        let _ = write!(
            s,
            "\"user_name\":\"{}\",\"login_password\":\"{}\",\"cpu_cores\":{},\"gpu_count\":{},\"mem_size\":\"{}G\",\"disk_system\":\"350G\",\"vnc_port\":\"{}\",\"vnc_password\":\"{}\",",
            t.user_name, t.password, t.cpu_cores, t.gpus.len(), t.mem_gib, t.vnc_port, t.vnc_password
        );
        if !t.network_name.is_empty() {
            let _ = write!(s, "\"network_name\":\"{}\",", t.network_name);
        }
        let _ = write!(
            s,
            "\"create_time\":\"{}\",\"desc\":\"{}\",\"status\":\"{}\"",
            t.create_time, t.desc, t.status
        );
        if !t.rent_order.is_empty() {
            let _ = write!(s, ",\"rent_order\":\"{}\"", t.rent_order);
        }
        if (!t.multicast.is_empty() || !t.network_name.is_empty()) && t.status == "running" {
            let _ = write!(
                s,
                ",\"local_address\":[\"10.20.0.{}\"]",
                2 + (t.vnc_port % 250)
            );
        }
        if !t.pxe {
            s.push_str(",\"disks\":[");
            for (i, d) in t.disks.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(
                    s,
                    "{{\"name\":\"{}\",\"size\":\"{}G\",\"source_file\":\"{}\"}}",
                    d.name, d.size_gib, d.file
                );
            }
            s.push(']');
        }
        if !t.network_filters.is_empty() {
            let _ = write!(
                s,
                ",\"network_filters\":{}",
                json_str_list(&t.network_filters)
            );
        }
        let _ = write!(
            s,
            ",\"interface\":[{{\"name\":\"default\",\"type\":\"{}\",\"mac_address\":\"{}\"}}",
            t.interface_model, t.mac
        );
        if !t.network_name.is_empty() {
            let _ = write!(
                s,
                ",{{\"name\":\"br{}\",\"type\":\"{}\",\"mac_address\":\"{}\"}}",
                t.network_name, t.interface_model, t.mac
            );
        }
        s.push_str("]}");
        Ok(NodeReply::ok_json(&s))
    }

    pub(super) fn gen_task_id(&mut self) -> String {
        loop {
            let digits: u64 = self.rng.gen_range(100_000_000_000..1_000_000_000_000);
            let s = bs58::encode(digits.to_string().as_bytes())
                .with_check()
                .into_string();
            if (20..=22).contains(&s.len()) && !self.tasks.iter().any(|t| t.id == s) {
                return s;
            }
        }
    }

    pub(super) fn gen_password(&mut self) -> String {
        let mut p = String::with_capacity(16);
        let letters = &PW_CHARS[..52];
        p.push(letters[self.rng.gen_range(0..letters.len())] as char);
        for _ in 1..16 {
            p.push(PW_CHARS[self.rng.gen_range(0..PW_CHARS.len())] as char);
        }
        p
    }

    pub(super) fn gen_mac(&mut self) -> String {
        let b: [u8; 3] = self.rng.gen();
        format!("52:54:00:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
    }

    /// Port conflict check (§8.5) against other running VMs.
    pub(super) fn port_conflict(&self, p: u16, skip: Option<&str>) -> Option<String> {
        for t in self
            .tasks
            .iter()
            .filter(|t| t.counts_running() && Some(t.id.as_str()) != skip)
        {
            if t.vnc_port == p {
                return Some(format!("port conflict, exist vnc_port = {p}"));
            }
            if t.public_ip.is_empty() {
                if t.ssh_port.as_deref().map(port16) == Some(p) {
                    return Some(format!("port conflict, exist ssh_port = {p}"));
                }
                if t.rdp_port.as_deref().map(port16) == Some(p) {
                    return Some(format!("port conflict, exist rdp_port = {p}"));
                }
            }
        }
        None
    }

    pub(super) fn running_cpu_mem(&self, skip: Option<&str>) -> (u64, u64) {
        self.tasks
            .iter()
            .filter(|t| t.counts_running() && Some(t.id.as_str()) != skip)
            .fold((0, 0), |(c, m), t| {
                (c + u64::from(t.cpu_cores), m + t.mem_gib)
            })
    }

    pub(super) fn gpus_busy(&self, skip: Option<&str>) -> HashSet<u32> {
        self.tasks
            .iter()
            .filter(|t| t.lv != Lv::ShutOff && Some(t.id.as_str()) != skip)
            .flat_map(|t| t.gpus.iter().copied())
            .collect()
    }

    pub(super) fn disk_used(&self) -> u64 {
        self.tasks
            .iter()
            .flat_map(|t| t.disks.iter())
            .filter(|d| d.name != "vda")
            .map(|d| d.size_gib)
            .sum()
    }

    /// Resource stats: (tasks, ports, gpus, mem, cpus).
    pub(crate) fn usage(&self) -> (usize, usize, usize, u64, u64) {
        let (c, m) = self.running_cpu_mem(None);
        let ports = self
            .tasks
            .iter()
            .filter(|t| t.counts_running())
            .map(|t| 1 + usize::from(t.ssh_or_rdp().is_some()))
            .sum();
        (self.tasks.len(), ports, self.gpus_busy(None).len(), m, c)
    }

    /// Resource re-check for start/restart (§8.4).
    pub(super) fn recheck(&self, i: usize) -> Result<(), String> {
        let t = &self.tasks[i];
        if t.cpu_cores > self.cfg.cpu_cores {
            return Err("check cpu failed".into());
        }
        let (c, m) = self.running_cpu_mem(Some(&t.id));
        if c + u64::from(t.cpu_cores) > u64::from(self.cfg.cpu_cores) {
            return Err("cpu count exceeds the maximum".into());
        }
        let busy = self.gpus_busy(Some(&t.id));
        if t.gpus.iter().any(|g| busy.contains(g)) {
            return Err("check gpu failed".into());
        }
        if t.mem_gib > self.cfg.mem_gib.saturating_sub(m) {
            return Err("check memory failed".into());
        }
        if t.public_ip.is_empty() {
            if let Some(p) = t.ssh_or_rdp() {
                if self.port_conflict(p, Some(&t.id)).is_some() {
                    return Err(if t.windows {
                        "check rdp_port failed"
                    } else {
                        "check ssh_port failed"
                    }
                    .into());
                }
            }
        }
        if self.port_conflict(t.vnc_port, Some(&t.id)).is_some() {
            return Err("check vnc_port failed".into());
        }
        Ok(())
    }

    pub(super) fn transition(
        &mut self,
        i: usize,
        status: &'static str,
        lv_now: Lv,
        (final_status, lv_final): (&'static str, Lv),
        at: Instant,
    ) {
        if let Some(t) = self.tasks.get_mut(i) {
            t.boots = t.boots.wrapping_add(u32::from(lv_final == Lv::Running));
            t.status = status;
            t.lv = lv_now;
            t.pending = Some(Pending {
                at,
                status: final_status,
                lv: lv_final,
                remove: false,
            });
            t.events.push(format!(
                "{}.000 INFO  task {} {}",
                fmt_time(SystemTime::now()),
                t.id,
                status
            ));
        }
    }

    pub(super) fn existing(&self, id: &str) -> Result<usize, NodeReply> {
        self.task_idx(id)
            .ok_or_else(|| NodeReply::fail(1, "task not exist"))
    }

    pub(super) fn start(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        self.recheck(i).map_err(|m| NodeReply::fail(1, &m))?;
        let lv = self.tasks[i].lv;
        if !lv.admits_start() {
            return Err(NodeReply::fail(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        self.transition(
            i,
            "starting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn shutdown(&mut self, id: &str, now: Instant, poweroff: bool) -> NodeResult {
        let i = self.existing(id)?;
        let lv = self.tasks[i].lv;
        if (poweroff && !lv.admits_poweroff()) || (!poweroff && !lv.admits_shutdown()) {
            return Err(NodeReply::fail(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        if poweroff {
            self.transition(i, "being poweroff", lv, ("closed", Lv::ShutOff), now + d);
        } else {
            self.transition(
                i,
                "being shutdown",
                Lv::BeingShutdown,
                ("closed", Lv::ShutOff),
                now + d,
            );
        }
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn restart(&mut self, id: &str, forced: bool, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        self.recheck(i).map_err(|m| NodeReply::fail(1, &m))?;
        let lv = self.tasks[i].lv;
        if !lv.admits_restart() {
            return Err(NodeReply::fail(1, &format!("task is {}", lv.word())));
        }
        let mut d = self.delays.op();
        if forced {
            d += self.delays.op();
        }
        self.transition(
            i,
            "restarting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn reset(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        let lv = self.tasks[i].lv;
        if !lv.is_running() {
            return Err(NodeReply::fail(1, &format!("task is {}", lv.word())));
        }
        let d = self.delays.op();
        self.transition(
            i,
            "resetting",
            Lv::Running,
            ("running", Lv::Running),
            now + d,
        );
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn delete(&mut self, id: &str, now: Instant) -> NodeResult {
        let i = self.existing(id)?;
        let d = self.delays.op();
        if let Some(t) = self.tasks.get_mut(i) {
            t.status = "deleting";
            let lv = t.lv;
            t.pending = Some(Pending {
                at: now + d,
                status: "deleting",
                lv,
                remove: true,
            });
        }
        Ok(NodeReply::ok("ok"))
    }
}

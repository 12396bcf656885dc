//! Snapshots (§7.4) and data disks (§7.5) of a task.

use super::{
    add_str, fmt_time, Disk, Lv, NodeReply, NodeResult, NodeWorld, Snapshot, SYSTEM_DISK_GIB,
};
use rand::Rng;
use serde_json::Value;
use std::time::{Instant, SystemTime};

impl NodeWorld {
    pub(super) fn snapshot_status(&self, s: &Snapshot, now: Instant) -> &'static str {
        let el = now.saturating_duration_since(s.started);
        if el < self.delays.op() {
            "creating"
        } else if el < self.delays.create {
            "uploading"
        } else {
            "none"
        }
    }

    pub(super) fn snapshot_json(&self, s: &Snapshot, now: Instant) -> String {
        format!(
            "{{\"snapshot_name\":\"{}\",\"description\":\"{}\",\"snapshot_file\":\"{}\",\"create_time\":\"{}\",\"status\":\"{}\"}}",
            s.name,
            s.desc,
            s.file,
            s.create_time,
            self.snapshot_status(s, now)
        )
    }

    pub(super) fn snapshot_list(&self, id: &str, name: Option<&str>, now: Instant) -> NodeResult {
        let snaps: &[Snapshot] = self
            .tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.snapshots.as_slice())
            .unwrap_or(&[]);
        match name {
            None => {
                let items: Vec<String> = snaps.iter().map(|s| self.snapshot_json(s, now)).collect();
                Ok(NodeReply::ok_json(&format!("[{}]", items.join(","))))
            }
            Some(n) => match snaps.iter().find(|s| s.name == n) {
                Some(s) => Ok(NodeReply::ok_json(&self.snapshot_json(s, now))),
                None => Err(NodeReply::fail(1, "snapshot_name not exist")),
            },
        }
    }

    pub(super) fn snapshot_create(&mut self, id: &str, add: &Value, now: Instant) -> NodeResult {
        let name = add_str(add, "snapshot_name").unwrap_or_default();
        if name.is_empty() {
            return Err(NodeReply::fail(-3, "'snapshot_name' is empty"));
        }
        let Some(i) = self.task_idx(id) else {
            return Err(NodeReply::fail(1, "task have no disk"));
        };
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(NodeReply::fail(1, "please close task first and try again"));
        }
        if self.tasks[i].pxe {
            return Err(NodeReply::fail(1, "task have no disk:'vda'"));
        }
        let n: u32 = self.rng.gen_range(1000..99999);
        let stamp = fmt_time(SystemTime::now());
        let compact: String = stamp.chars().filter(char::is_ascii_digit).collect();
        let t = &mut self.tasks[i];
        t.snapshots.push(Snapshot {
            name,
            desc: add_str(add, "desc").unwrap_or_default(),
            file: format!("/tmp/dbc_snapshots/snap_{n}_{compact}_vda.qcow2"),
            create_time: stamp,
            started: now,
        });
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn snapshot_delete(&mut self, id: &str, name: &str) -> NodeResult {
        let Some(t) = self.tasks.iter_mut().find(|t| t.id == id) else {
            return Err(NodeReply::fail(1, &format!("{name} not exist")));
        };
        let before = t.snapshots.len();
        t.snapshots.retain(|s| s.name != name);
        if t.snapshots.len() == before {
            return Err(NodeReply::fail(1, &format!("{name} not exist")));
        }
        Ok(NodeReply::ok("ok"))
    }

    // ---------------------------------------------------------------- disks

    // DEFECT (spec §7.4, §7.5, §12): the reference answers -3 "parse xml failed" on disk and
    // snapshot endpoints when `additional` is not an object; through a client node `additional`
    // is always a re-serialised object (the envelope check rejects anything else), so that
    // reply cannot be produced here.
    pub(super) fn disk_task(&self, id: &str) -> Result<usize, NodeReply> {
        let i = self
            .task_idx(id)
            .ok_or_else(|| NodeReply::fail(-3, "task not exist"))?;
        if self.tasks[i].pxe {
            return Err(NodeReply::fail(-3, "pxe not support disk"));
        }
        Ok(i)
    }

    pub(super) fn disk_list(&self, id: &str) -> NodeResult {
        let i = self.disk_task(id)?;
        let items: Vec<String> = self.tasks[i]
            .disks
            .iter()
            .map(|d| {
                format!(
                    "{{\"name\":\"{}\",\"file\":\"{}\",\"size\":\"{}G\"}}",
                    d.name, d.file, d.size_gib
                )
            })
            .collect();
        Ok(NodeReply::ok_json(&format!("[{}]", items.join(","))))
    }

    pub(super) fn disk_size_param(add: &Value) -> Result<i64, NodeReply> {
        add.get("size")
            .and_then(Value::as_i64)
            .ok_or_else(|| NodeReply::fail(-3, "'size' is invalid"))
    }

    pub(super) fn disk_resize(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let disk = add_str(add, "disk").unwrap_or_default();
        if disk.is_empty() {
            return Err(NodeReply::fail(-3, "'disk' is empty"));
        }
        let size = Self::disk_size_param(add)?;
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(NodeReply::fail(1, "please close task first and try again"));
        }
        if size <= 0 {
            return Err(NodeReply::fail(1, "size is invalid (usage: size > 0)"));
        }
        let t = &mut self.tasks[i];
        match t.disks.iter_mut().find(|d| d.name == disk) {
            Some(d) => d.size_gib += size as u64,
            None => return Err(NodeReply::fail(1, &format!("task have no disk:{disk}"))),
        }
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn disk_add(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let size = Self::disk_size_param(add)?;
        let dir = add_str(add, "mount_dir")
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "/data".into());
        if dir != "/data" {
            return Err(NodeReply::fail(-3, &format!("{dir} is not exist")));
        }
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(NodeReply::fail(1, "please close task first and try again"));
        }
        if size <= 0 {
            return Err(NodeReply::fail(1, "size is invalid (usage: size > 0)"));
        }
        if self.disk_used() + size as u64 + SYSTEM_DISK_GIB > self.cfg.data_disk_gib {
            return Err(NodeReply::fail(
                1,
                &format!("mount directory:{dir} have no enough space"),
            ));
        }
        let n: u32 = self.rng.gen_range(1000..99999);
        let t = &mut self.tasks[i];
        let letter = (b'a' + t.disks.len() as u8).min(b'z') as char;
        t.disks.push(Disk {
            name: format!("vd{letter}"),
            file: format!("{dir}/data_{n}.qcow2"),
            size_gib: size as u64,
        });
        Ok(NodeReply::ok("ok"))
    }

    pub(super) fn disk_delete(&mut self, id: &str, add: &Value) -> NodeResult {
        let i = self.disk_task(id)?;
        let disk = add_str(add, "disk").unwrap_or_default();
        if disk.is_empty() {
            return Err(NodeReply::fail(-3, "'disk' is empty"));
        }
        if self.tasks[i].lv != Lv::ShutOff {
            return Err(NodeReply::fail(1, "please close task first and try again"));
        }
        if disk == "vda" {
            return Err(NodeReply::fail(1, "can not allowed to delete disk:'vda'"));
        }
        let t = &mut self.tasks[i];
        if t.disks.is_empty() {
            return Err(NodeReply::fail(1, "task no disk"));
        }
        let before = t.disks.len();
        t.disks.retain(|d| d.name != disk);
        if t.disks.len() == before {
            return Err(NodeReply::fail(1, &format!("task have no disk:{disk}")));
        }
        Ok(NodeReply::ok("ok"))
    }
}

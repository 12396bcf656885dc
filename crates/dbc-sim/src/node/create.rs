//! VM creation (spec §7.2.3, §8.4): parameter validation, GPU / CPU / memory / disk
//! allocation, and how the asynchronous creation ends.

use super::{
    add_str, add_str_list, atoi, fmt_time, is_ipv4, port16, Caller, Disk, Lv, NodeReply,
    NodeResult, NodeWorld, Pending, Role, Task, SYSTEM_DISK_GIB,
};
use crate::envelope::Env;
use rand::Rng;
use std::time::{Duration, Instant, SystemTime};

impl NodeWorld {
    /// How long this creation takes and how it ends: a uniform time between the fixed delay
    /// and the configured maximum; `create error` (domain shut off) for the failure share.
    fn creation_outcome(&mut self) -> (Duration, &'static str, Lv) {
        let lo = self.delays.create;
        let took = match self.delays.timing.max {
            Some(hi) if hi > lo => {
                let span = (hi - lo).as_millis().min(u128::from(u64::MAX)) as u64;
                lo + Duration::from_millis(self.rng.gen_range(0..=span))
            }
            _ => lo,
        };
        let share = self.delays.timing.failure_share;
        if share > 0.0 && self.rng.gen::<f64>() < share {
            (took, "create error", Lv::ShutOff)
        } else {
            (took, "running", Lv::Running)
        }
    }

    /// Create VM (§7.2.3): authorize (done by the caller), power off VMs of ended orders,
    /// the retry-later check, validation (first failure wins), then register the task and
    /// queue its creation, which ends in `running` or, for a configurable share, `create error`.
    pub(super) fn create(&mut self, c: Option<&Caller>, env: &Env, now: Instant) -> NodeResult {
        let Some(c) = c else {
            return Err(NodeReply::fail(
                -3,
                "check authority failed: nonce check failed",
            ));
        };
        let add = &env.additional;
        let e1 = |m: &str| Err(NodeReply::fail(1, m));
        let verifier = c.role == Role::Verifier;
        // Power off running VMs whose orders are no longer active (§7.2.3).
        let block = self.clock.block();
        let inactive: Vec<usize> = (0..self.tasks.len())
            .filter(|&i| {
                let t = &self.tasks[i];
                t.lv == Lv::Running
                    && !t.id.starts_with("vm_check_")
                    && !self
                        .order_for(&t.owner, &t.rent_order)
                        .is_some_and(|o| o.active(block))
            })
            .collect();
        for i in inactive {
            if let Some(t) = self.tasks.get_mut(i) {
                t.lv = Lv::ShutOff;
                t.status = "closed";
                t.pending = None;
            }
        }
        // Foreign-domain check (§6.4), modelled as "the lifecycle worker is still creating
        // another VM" when configured.
        if self.delays.timing.retry_later_when_busy
            && self.tasks.iter().any(|t| t.status == "creating")
        {
            return Err(NodeReply::fail(
                -3,
                "create task failed, please try again in a minute",
            ));
        }
        // task_id
        let mut task_id = match add_str(add, "task_id") {
            Some(id) if !id.is_empty() && !verifier => {
                if !(20..=22).contains(&id.len()) {
                    return e1("wrong task id length");
                }
                if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return e1("task id requires a combination of letters or numbers");
                }
                if self.task_idx(&id).is_some() {
                    return e1("task id already existed");
                }
                id
            }
            _ => String::new(),
        };
        let gpu_count = atoi(&add_str(add, "gpu_count").unwrap_or_default());
        let desc = add_str(add, "desc").unwrap_or_default();
        let os = add_str(add, "operation_system")
            .unwrap_or_default()
            .to_lowercase();
        let os = if os.is_empty() {
            "linux".to_string()
        } else {
            os
        };
        let windows = if os.contains("linux") || os.contains("ubuntu") {
            false
        } else if os.contains("windows") || os.contains("win") {
            true
        } else {
            return e1(&format!(
                "unsupported operation system: {os} (usage: 'linux' 'windows')"
            ));
        };
        let bios = add_str(add, "bios_mode").unwrap_or_default().to_lowercase();
        let bios = if bios.is_empty() {
            "legacy".to_string()
        } else {
            bios
        };
        if !matches!(bios.as_str(), "legacy" | "uefi" | "pxe") {
            return e1(&format!(
                "unsupported bios mode: {bios} (usage: 'legacy(default)'、'uefi'、'pxe')"
            ));
        }
        let pxe = bios == "pxe";
        let image = add_str(add, "image_name").unwrap_or_default();
        if image.is_empty() {
            return e1("image_name is empty");
        }
        if !image.ends_with(".qcow2") {
            return e1("'image_name' extension name is invalid");
        }
        if !self.image_exists(&image) {
            return e1(&format!("'image_name' is not exist (path:/data/{image})"));
        }
        if self.downloads.contains_key(&image) || self.uploads.contains_key(&image) {
            return e1(&format!(
                "'image_name':{image} in downloading or uploading, please try again later"
            ));
        }
        if !pxe {
            let missing = self.missing_backing_files(&image);
            if !missing.is_empty() {
                return e1(&format!("image backfile not exist: {}", missing.join(",")));
            }
        }
        let public_ip = add_str(add, "public_ip").unwrap_or_default();
        if !public_ip.is_empty() {
            if !is_ipv4(&public_ip) && public_ip.parse::<std::net::IpAddr>().is_err() {
                return e1("invalid public ip");
            }
            if public_ip == self.cfg.public_ip
                || self.tasks.iter().any(|t| t.public_ip == public_ip)
            {
                return e1("public ip being used");
            }
        }
        let port_rule = |this: &Self, key: &str, default: &str| -> Result<String, NodeReply> {
            let v = add_str(add, key).unwrap_or_default();
            let valid = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            if !public_ip.is_empty() {
                return Ok(if valid { v } else { default.to_string() });
            }
            if v.is_empty() {
                return Err(NodeReply::fail(1, &format!("{key} is empty")));
            }
            if !valid {
                return Err(NodeReply::fail(1, &format!("{key} is not digit")));
            }
            if let Some(m) = this.port_conflict(port16(&v), None) {
                return Err(NodeReply::fail(1, &m));
            }
            Ok(v)
        };
        let (ssh_port, rdp_port) = if windows {
            (None, Some(port_rule(self, "rdp_port", "3389")?))
        } else {
            (Some(port_rule(self, "ssh_port", "22")?), None)
        };
        let vnc = add_str(add, "vnc_port").unwrap_or_default();
        if vnc.is_empty() {
            return e1("vnc_port is empty");
        }
        if !vnc.bytes().all(|b| b.is_ascii_digit()) {
            return e1("vnc_port is not digit");
        }
        let vnc_port = port16(&vnc);
        if vnc_port < 5900 {
            return e1("vnc_port is invalid (usage: [5900, 65535])");
        }
        if let Some(m) = self.port_conflict(vnc_port, None) {
            return e1(&m);
        }
        let mut cpu = atoi(&add_str(add, "cpu_cores").unwrap_or_default());
        if cpu <= 0 && !verifier {
            return e1("cpu_cores is invalid");
        }
        let mut mem = atoi(&add_str(add, "mem_size").unwrap_or_default());
        if mem <= 0 && !verifier {
            return e1("mem_size is invalid");
        }
        let mut disk = atoi(&add_str(add, "disk_size").unwrap_or_default());
        if !pxe && disk <= 0 && !verifier {
            return e1("disk_size is invalid (usage: disk_size > 0)");
        }
        let data_file = add_str(add, "data_file_name").unwrap_or_default();
        if !pxe && !data_file.is_empty() && !self.images.contains(&data_file) {
            return e1(&format!(
                "data_file_name is not exist, path: /data/{data_file}"
            ));
        }
        let network_name = add_str(add, "network_name").unwrap_or_default();
        if !network_name.is_empty() && !self.lans.iter().any(|l| l.name == network_name) {
            return e1("can not find network info");
        }
        let custom_port = add_str_list(add, "custom_port");
        let multicast = add_str_list(add, "multicast");
        for m in &multicast {
            let parts: Vec<&str> = m.split(':').collect();
            let [ip, port] = parts.as_slice() else {
                return e1("multicast format: ip:port");
            };
            let Ok(addr) = ip.parse::<std::net::Ipv4Addr>() else {
                // The reference throws here (crash hazard); rejected cleanly.
                return e1("address is not a multicast address");
            };
            if !addr.is_multicast() {
                return e1("address is not a multicast address");
            }
            if port.parse::<u16>().map(|p| p == 0).unwrap_or(true) {
                return e1("invalid multicast port");
            }
        }
        let network_filters = add_str_list(add, "network_filters");
        let model = add_str(add, "interface_model_type").unwrap_or_default();
        let model = if model.is_empty() {
            "virtio".to_string()
        } else if model == "e1000" || model == "rtl8139" {
            model
        } else {
            // DEFECT (spec §7.2.3, §12): an explicit "virtio" is rejected.
            return e1("invalid interface model type");
        };
        // GPU rules.
        let total_gpus = self.cfg.gpus;
        let rented: Vec<u32> = if verifier {
            (0..total_gpus).collect()
        } else {
            self.order_for(&c.identity, &env.rent_order)
                .map(|o| o.gpu_index.clone())
                .unwrap_or_default()
        };
        if rented.is_empty() {
            return e1("order gpu index is empty");
        }
        if gpu_count < 0 {
            return e1("gpu_count is invalid (usage: gpu_count >= 0)");
        }
        let mut gpu_count = gpu_count as usize;
        if verifier {
            gpu_count = rented.len();
        } else if gpu_count > rented.len() {
            return e1("gpu_count exceeds number of leases");
        }
        let whole = rented.len() as u32 >= total_gpus;
        let mut share = 1.0f64;
        if !env.rent_order.is_empty() {
            if total_gpus == 0 {
                return e1("get gpu info failed");
            }
            if !whole {
                if gpu_count != rented.len() {
                    return e1("only use the number what you exactly rented");
                }
                share = gpu_count as f64 / f64::from(total_gpus);
            }
        }
        let busy = self.gpus_busy(None);
        let free: Vec<u32> = rented
            .iter()
            .copied()
            .filter(|g| !busy.contains(g))
            .collect();
        if (gpu_count == 0 && !whole) || free.len() < gpu_count {
            return e1("allocate gpu failed");
        }
        let gpus: Vec<u32> = free.into_iter().take(gpu_count).collect();
        // CPU / memory / disk (§8.4).
        let usable_cpu = u64::from(self.cfg.cpu_cores);
        let usable_mem = self.cfg.mem_gib;
        let (run_cpu, run_mem) = self.running_cpu_mem(None);
        let disk_cap = self
            .cfg
            .data_disk_gib
            .saturating_sub(SYSTEM_DISK_GIB)
            .min(self.cfg.data_disk_gib.saturating_sub(self.disk_used()));
        if verifier {
            cpu = usable_cpu.saturating_sub(run_cpu) as i64;
            mem = usable_mem.saturating_sub(run_mem) as i64;
            disk = disk_cap as i64;
            task_id = format!(
                "vm_check_{}",
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            );
        }
        let cpu = cpu.max(0) as u64;
        if cpu > (usable_cpu as f64 * share).floor() as u64 || cpu + run_cpu > usable_cpu {
            return e1("allocate cpu failed");
        }
        let mem = mem.max(0) as u64;
        if mem > usable_mem.saturating_sub(run_mem)
            || mem > (usable_mem as f64 * share).floor() as u64
            || mem + run_mem > usable_mem
        {
            return e1("allocate mem failed");
        }
        let disk = disk.max(0) as u64;
        if !pxe && data_file.is_empty() && disk > disk_cap {
            return e1("allocate disk failed");
        }
        if task_id.is_empty() {
            task_id = self.gen_task_id();
        }
        let password = self.gen_password();
        let vnc_password = if self.cfg.libvirt_major >= 8 {
            password.chars().take(8).collect()
        } else {
            password.clone()
        };
        let stamp = fmt_time(SystemTime::now());
        let compact: String = stamp.chars().filter(char::is_ascii_digit).collect();
        let n1: u32 = self.rng.gen_range(1000..99999);
        let n2: u32 = self.rng.gen_range(1000..99999);
        let mut disks = Vec::new();
        if !pxe {
            disks.push(Disk {
                name: "vda".into(),
                file: format!("/data/vm_{n1}_{compact}.qcow2"),
                size_gib: SYSTEM_DISK_GIB,
            });
            let (file, size) = if data_file.is_empty() {
                (format!("/data/data_{n2}_{compact}.qcow2"), disk)
            } else {
                (format!("/data/{data_file}"), disk.max(1))
            };
            disks.push(Disk {
                name: "vdb".into(),
                file,
                size_gib: size,
            });
        }
        let mac = self.gen_mac();
        let (took, final_status, final_lv) = self.creation_outcome();
        let login_share = self.delays.timing.login_failure_share;
        let login_fails =
            final_status == "running" && login_share > 0.0 && self.rng.gen::<f64>() < login_share;
        let user = if windows { "Administrator" } else { "dbc" };
        let events = vec![format!(
            "{stamp}.000 INFO  create task {task_id} image:{image} cpu:{cpu} mem:{mem}G gpu:{} vnc_port:{vnc_port}",
            gpus.len()
        )];
        let task = Task {
            id: task_id.clone(),
            owner: c.identity.clone(),
            os: os.clone(),
            windows,
            pxe,
            image,
            desc: desc.clone(),
            ssh_port,
            rdp_port,
            vnc_port,
            cpu_cores: cpu as u32,
            mem_gib: mem,
            gpus,
            public_ip,
            custom_port,
            network_filters,
            network_name,
            multicast,
            interface_model: model,
            rent_order: env.rent_order.clone(),
            create_time: stamp.clone(),
            user_name: user.into(),
            password,
            vnc_password,
            disks,
            status: "creating",
            lv: Lv::Running,
            pending: Some(Pending {
                at: now + took,
                status: final_status,
                lv: final_lv,
                remove: false,
            }),
            mac,
            events,
            snapshots: Vec::new(),
            login_fails,
            boots: 0,
        };
        self.tasks.push(task);
        Ok(NodeReply::ok_json(&format!(
            "{{\"task_id\":\"{task_id}\",\"create_time\":\"{stamp}\",\"desc\":\"{desc}\",\"status\":\"creating\"}}"
        )))
    }
}

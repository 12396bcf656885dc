//! Request models and the envelope survive encode → decode.

use super::*;

// ---------- request models ----------

fn create_vm() -> impl Strategy<Value = CreateVm> {
    (
        (
            option::of("[A-Za-z0-9]{20,22}"),
            text(),
            option::of(prop_oneof![Just(OsFamily::Linux), Just(OsFamily::Windows)]),
            option::of(prop_oneof![
                Just(BiosMode::Legacy),
                Just(BiosMode::Uefi),
                Just(BiosMode::Pxe)
            ]),
            option::of(any::<u16>()),
            option::of(any::<u16>()),
            any::<u16>(),
            option::of(any::<u32>()),
            any::<u32>(),
            any::<u32>(),
        ),
        (
            option::of(any::<u32>()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            strings(),
            strings(),
            strings(),
            option::of(prop_oneof![
                Just(InterfaceModel::E1000),
                Just(InterfaceModel::Rtl8139)
            ]),
        ),
    )
        .prop_map(
            |(
                (
                    task_id,
                    image_name,
                    operation_system,
                    bios_mode,
                    ssh_port,
                    rdp_port,
                    vnc_port,
                    gpu_count,
                    cpu_cores,
                    mem_size,
                ),
                (
                    disk_size,
                    desc,
                    public_ip,
                    data_file_name,
                    network_name,
                    custom_port,
                    multicast,
                    network_filters,
                    interface_model_type,
                ),
            )| CreateVm {
                task_id,
                image_name,
                operation_system,
                bios_mode,
                ssh_port,
                rdp_port,
                vnc_port,
                gpu_count,
                cpu_cores,
                mem_size,
                disk_size,
                desc,
                public_ip,
                data_file_name,
                network_name,
                custom_port,
                multicast,
                network_filters,
                interface_model_type,
                extra: empty_extra(),
            },
        )
}

fn modify_vm() -> impl Strategy<Value = ModifyVm> {
    (
        option::of(text()),
        option::of(any::<u16>()),
        option::of(any::<u16>()),
        option::of(strings()),
        option::of(strings()),
        option::of(any::<u16>()),
        option::of(any::<u32>()),
        option::of(any::<u32>()),
        option::of(any::<u32>()),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i)| ModifyVm {
            new_public_ip: a,
            new_ssh_port: b,
            new_rdp_port: c,
            new_custom_port: d,
            new_network_filters: e,
            new_vnc_port: f,
            new_gpu_count: g,
            new_cpu_cores: h,
            new_mem_size: i,
            extra: empty_extra(),
        })
}

fn new_bare_metal() -> impl Strategy<Value = NewBareMetal> {
    (
        text(),
        text(),
        option::of(text()),
        option::of(text()),
        text(),
        text(),
        secret(),
        option::of(any::<u16>()),
    )
        .prop_map(
            |(uuid, ip, os, desc, ipmi_hostname, ipmi_username, ipmi_password, ipmi_port)| {
                NewBareMetal {
                    uuid,
                    ip,
                    os,
                    desc,
                    ipmi_hostname,
                    ipmi_username,
                    ipmi_password,
                    ipmi_port,
                }
            },
        )
}

fn modify_bare_metal() -> impl Strategy<Value = ModifyBareMetal> {
    (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(secret()),
        option::of(any::<u16>()),
    )
        .prop_map(
            |(uuid, ip, os, desc, ipmi_hostname, ipmi_username, ipmi_password, ipmi_port)| {
                ModifyBareMetal {
                    uuid,
                    ip,
                    os,
                    desc,
                    ipmi_hostname,
                    ipmi_username,
                    ipmi_password,
                    ipmi_port,
                }
            },
        )
}

fn power() -> impl Strategy<Value = PowerCommand> {
    prop_oneof![
        Just(PowerCommand::On),
        Just(PowerCommand::Off),
        Just(PowerCommand::Reset),
        Just(PowerCommand::Status)
    ]
}

fn boot() -> impl Strategy<Value = BootDevice> {
    prop_oneof![
        Just(BootDevice::None),
        Just(BootDevice::Pxe),
        Just(BootDevice::Cdrom),
        Just(BootDevice::Disk),
        Just(BootDevice::Bios)
    ]
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn req_create_vm(v in create_vm()) { roundtrip(&v)?; }

    #[test]
    fn req_create_vm_encodes_numbers_as_strings(v in create_vm()) {
        let j = serde_json::to_value(&v).expect("encode");
        for k in ["ssh_port", "rdp_port", "vnc_port", "gpu_count", "cpu_cores", "mem_size", "disk_size"] {
            if let Some(x) = j.get(k) { prop_assert!(x.is_string(), "{} = {}", k, x); }
        }
    }

    #[test]
    fn req_modify_vm(v in modify_vm()) { roundtrip(&v)?; }

    #[test]
    fn req_set_password(username in text(), password in secret()) {
        roundtrip(&SetPassword { username, password })?;
    }

    #[test]
    fn req_images(a in option::of(text()), s in text(), f in text(), d in text()) {
        roundtrip(&ImageListRequest { image_server: a })?;
        roundtrip(&ImageDownload { image_server: s.clone(), image_filename: f.clone(), local_dir: d })?;
        roundtrip(&ImageFile { image_filename: f.clone() })?;
        roundtrip(&ImageUpload { image_filename: f, image_server: s })?;
    }

    #[test]
    fn req_snapshot_disk_node(n in text(), d in option::of(text()), s in text(), size in any::<u32>(), m in option::of(text()), srv in option::of(text())) {
        roundtrip(&CreateSnapshot { snapshot_name: n.clone(), desc: d, image_server: s })?;
        roundtrip(&ResizeDisk { disk: n.clone(), size })?;
        roundtrip(&AddDisk { size, mount_dir: m })?;
        roundtrip(&DeleteDisk { disk: n })?;
        roundtrip(&NodeInfoRequest { image_server: srv })?;
        roundtrip(&Empty {})?;
    }

    #[test]
    fn req_monitor_lan(servers in strings(), name in text(), cidr in text()) {
        roundtrip(&SetMonitor { servers })?;
        roundtrip(&CreateNetwork { network_name: name, ip_cidr: cidr })?;
    }

    #[test]
    fn req_bare_metal(nodes in vec(new_bare_metal(), 0..3), ids in strings(), m in modify_bare_metal(), p in power(), b in boot()) {
        roundtrip(&AddBareMetal { bare_metal_nodes: nodes })?;
        roundtrip(&DeleteBareMetal { bare_metal_node_ids: ids })?;
        roundtrip(&m)?;
        roundtrip(&BareMetalPower { command: p })?;
        roundtrip(&BareMetalBootDev { device: b })?;
    }

    #[test]
    fn req_deeplink(id in option::of(text()), pw in option::of(secret())) {
        roundtrip(&SetDeeplink { device_id: id, device_password: pw })?;
    }
}

// ---------- envelope ----------

fn wallet_sign() -> impl Strategy<Value = WalletSign> {
    (wallet(), "[1-9A-Za-z]{1,60}", hex128()).prop_map(|(wallet, nonce, sign)| WalletSign {
        wallet,
        nonce: nonce.parse().expect("nonce"),
        sign: sign.parse().expect("sign"),
    })
}

fn credential() -> impl Strategy<Value = Credential> {
    prop_oneof![
        Just(Credential::None),
        wallet_sign().prop_map(Credential::Wallet),
        (vec(wallet(), 1..4), any::<u16>(), vec(wallet_sign(), 0..3)).prop_map(
            |(wallets, threshold, signs)| {
                Credential::Multisig(MultisigBundle {
                    wallets,
                    threshold,
                    signs,
                })
            }
        ),
        ("[1-9A-Za-z]{1,60}", hex128()).prop_map(|(id, sign)| Credential::session(
            id.parse().expect("session id"),
            SessionIdSign::new(&sign).expect("sign")
        )),
    ]
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn envelope_roundtrip(peer in option::of(node_id()), add in create_vm(), cred in credential(), ro in option::of("[0-9]{1,20}")) {
        let env = Envelope { peer, additional: add, credential: cred, rent_order: ro.map(|r| r.parse().expect("rent order")) };
        roundtrip(&env)?;
    }
}

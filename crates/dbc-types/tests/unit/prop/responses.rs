//! Response models survive encode → decode.

use super::*;

// ---------- response models ----------

fn task_summary() -> impl Strategy<Value = TaskSummary> {
    (task_id(), text(), text(), status()).prop_map(|(task_id, create_time, desc, status)| {
        TaskSummary {
            task_id,
            create_time,
            desc,
            status,
            extra: empty_extra(),
        }
    })
}

fn task_details() -> impl Strategy<Value = TaskDetails> {
    (
        (
            task_id(),
            text(),
            text(),
            option::of(any::<u64>()),
            option::of(any::<u64>()),
            text(),
            secret(),
            any::<u32>(),
        ),
        (
            any::<u32>(),
            text(),
            text(),
            any::<u16>(),
            secret(),
            option::of(text()),
            text(),
            text(),
            status(),
        ),
        (
            option::of(text()),
            option::of(strings()),
            option::of(vec((text(), text(), text()), 0..3)),
            option::of(strings()),
            vec((text(), text(), text()), 0..3),
        ),
    )
        .prop_map(
            |(
                (task_id, os, ssh_ip, ssh_port, rdp_port, user_name, login_password, cpu_cores),
                (
                    gpu_count,
                    mem_size,
                    disk_system,
                    vnc_port,
                    vnc_password,
                    network_name,
                    create_time,
                    desc,
                    status,
                ),
                (rent_order, local_address, disks, network_filters, interface),
            )| TaskDetails {
                task_id,
                os,
                ssh_ip,
                ssh_port,
                rdp_port,
                user_name,
                login_password,
                cpu_cores,
                gpu_count,
                mem_size,
                disk_system,
                vnc_port,
                vnc_password,
                network_name,
                create_time,
                desc,
                status,
                rent_order,
                local_address,
                disks: disks.map(|d| {
                    d.into_iter()
                        .map(|(name, size, source_file)| TaskDisk {
                            name,
                            size,
                            source_file,
                            extra: empty_extra(),
                        })
                        .collect()
                }),
                network_filters,
                interface: interface
                    .into_iter()
                    .map(|(name, model, mac_address)| TaskInterface {
                        name,
                        model,
                        mac_address,
                        extra: empty_extra(),
                    })
                    .collect(),
                extra: empty_extra(),
            },
        )
}

fn image_entry() -> impl Strategy<Value = ImageEntry> {
    (text(), text()).prop_map(|(image_name, image_size)| ImageEntry {
        image_name,
        image_size,
        extra: empty_extra(),
    })
}

fn listed_image() -> impl Strategy<Value = ListedImage> {
    prop_oneof![
        image_entry().prop_map(ListedImage::Server),
        (text(), text()).prop_map(
            |(image_name, image_size)| ListedImage::Node(NodeImageEntry {
                image_name,
                image_size,
                extra: empty_extra(),
            })
        ),
    ]
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (text(), text(), text(), text(), option::of(text())).prop_map(
        |(snapshot_name, description, snapshot_file, create_time, status)| Snapshot {
            snapshot_name,
            description,
            snapshot_file,
            create_time,
            status,
            extra: empty_extra(),
        },
    )
}

fn node_info() -> impl Strategy<Value = NodeInfo> {
    let cpu = (
        text(),
        text(),
        any::<u32>(),
        text(),
        option::of(any::<u32>()),
    )
        .prop_map(|(model, hz, cores, used_usage, physical_cpus)| CpuInfo {
            model,
            hz,
            cores,
            used_usage,
            physical_cpus,
            extra: empty_extra(),
        });
    let gpu = (any::<u32>(), any::<u32>()).prop_map(|(gpu_count, gpu_used)| GpuInfo {
        gpu_count,
        gpu_used,
        extra: empty_extra(),
    });
    let mem = (text(), text(), text()).prop_map(|(size, free, used_usage)| MemInfo {
        size,
        free,
        used_usage,
        extra: empty_extra(),
    });
    let sys = (text(), text()).prop_map(|(kind, size)| DiskSystemInfo {
        kind,
        size,
        extra: empty_extra(),
    });
    let data = (text(), text(), text(), text(), text()).prop_map(
        |(path, kind, size, free, used_usage)| DiskDataInfo {
            path,
            kind,
            size,
            free,
            used_usage,
            extra: empty_extra(),
        },
    );
    let dl = (text(), text()).prop_map(|(device_id, device_password)| DeeplinkBrief {
        device_id,
        device_password,
        extra: empty_extra(),
    });
    (
        (text(), text(), text(), text()),
        (
            option::of(cpu),
            option::of(gpu),
            option::of(mem),
            option::of(sys),
            option::of(vec(data, 0..3)),
            option::of(vec(image_entry(), 0..3)),
            option::of(dl),
        ),
    )
        .prop_map(
            |(
                (version, node_type, ip, os),
                (cpu, gpu, mem, disk_system, disk_data, images, deeplink),
            )| NodeInfo {
                version,
                node_type,
                ip,
                os,
                cpu,
                gpu,
                mem,
                disk_system,
                disk_data,
                images,
                deeplink,
                extra: empty_extra(),
            },
        )
}

fn peer() -> impl Strategy<Value = Peer> {
    (text(), text(), option::of(text()), option::of(text())).prop_map(
        |(node_id, addr, node_type, net_type)| Peer {
            node_id,
            addr,
            node_type,
            net_type,
            extra: empty_extra(),
        },
    )
}

fn network() -> impl Strategy<Value = Network> {
    (
        (text(), text(), text(), any::<u32>(), text(), text(), text()),
        (text(), text(), text(), strings(), text(), any::<u32>()),
    )
        .prop_map(
            |(
                (network_name, bridge_name, vxlan_name, vxlan_vni, ip_cidr, ip_start, ip_end),
                (dhcp_interface, machine_id, rent_wallet, members, last_use_time, native_flags),
            )| Network {
                network_name,
                bridge_name,
                vxlan_name,
                vxlan_vni,
                ip_cidr,
                ip_start,
                ip_end,
                dhcp_interface,
                machine_id,
                rent_wallet,
                members,
                last_use_time,
                native_flags,
                extra: empty_extra(),
            },
        )
}

fn bare_metal_server() -> impl Strategy<Value = BareMetalServer> {
    (
        (
            option::of(text()),
            option::of(secret()),
            option::of(text()),
            option::of(text()),
            text(),
            text(),
            option::of(text()),
        ),
        (
            option::of(text()),
            option::of(text()),
            option::of(secret()),
            option::of(any::<u16>()),
            option::of(text()),
            option::of(text()),
            option::of(secret()),
        ),
    )
        .prop_map(
            |(
                (node_id, node_private_key, uuid, version, ip, os, description),
                (
                    ipmi_hostname,
                    ipmi_username,
                    ipmi_password,
                    ipmi_port,
                    power_status,
                    deeplink_device_id,
                    deeplink_device_password,
                ),
            )| BareMetalServer {
                node_id,
                node_private_key,
                uuid,
                version,
                ip,
                os,
                description,
                ipmi_hostname,
                ipmi_username,
                ipmi_password,
                ipmi_port,
                power_status,
                deeplink_device_id,
                deeplink_device_password,
                extra: empty_extra(),
            },
        )
}

fn rent_order_info() -> impl Strategy<Value = RentOrderInfo> {
    (
        text(),
        text(),
        any::<u64>(),
        text(),
        any::<u32>(),
        vec(any::<u32>(), 0..8),
    )
        .prop_map(
            |(id, renter, rent_end, rent_status, gpu_nums, gpu_index)| RentOrderInfo {
                id,
                renter,
                rent_end,
                rent_status,
                gpu_nums,
                gpu_index,
                extra: empty_extra(),
            },
        )
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn resp_version(v in text()) { roundtrip(&ClientVersion { client_version: v, extra: empty_extra() })?; }

    #[test]
    fn resp_tasks(list in vec(task_summary(), 0..4)) { roundtrip(&list)?; }

    #[test]
    fn resp_task_details(d in task_details()) { roundtrip(&d)?; }

    #[test]
    fn resp_task_details_secrets_redacted(mut d in task_details()) {
        // Markers longer than any generated text, so they can only come from the secrets.
        d.login_password = SecretString::new("LOGIN-PASSWORD-MARKER-1");
        d.vnc_password = SecretString::new("VNC-PASSWORD-MARKER-22");
        let dbg = format!("{d:?}");
        prop_assert!(!dbg.contains("LOGIN-PASSWORD-MARKER-1"), "login_password leaked in Debug");
        prop_assert!(!dbg.contains("VNC-PASSWORD-MARKER-22"), "vnc_password leaked in Debug");
        roundtrip(&d)?;
    }

    #[test]
    fn resp_ok_and_logs(s in text(), t in task_id(), lines in strings()) {
        roundtrip(&s)?;
        roundtrip(&TaskLogs { task_id: t, log_content: lines, extra: empty_extra() })?;
    }

    #[test]
    fn resp_images(list in vec(listed_image(), 0..4), servers in strings(), st in text(), pr in text()) {
        roundtrip(&list)?;
        roundtrip(&ImageServers { image_server: servers, extra: empty_extra() })?;
        roundtrip(&TransferProgress { status: st, progress: pr, extra: empty_extra() })?;
    }

    #[test]
    fn resp_snapshots_disks(list in vec(snapshot(), 0..3), one in snapshot(), disks in vec((text(), text(), text()), 0..3)) {
        roundtrip(&list)?;
        roundtrip(&one)?;
        let disks: Vec<DiskEntry> = disks.into_iter().map(|(name, file, size)| DiskEntry { name, file, size, extra: empty_extra() }).collect();
        roundtrip(&disks)?;
    }

    #[test]
    fn resp_nodes(nodes in vec((node_id(), text(), text()), 0..3), info in node_info(), sid in "[1-9A-Za-z]{1,60}") {
        let list = NodeList {
            mining_nodes: nodes.into_iter().map(|(node_id, name, version)| NodeSummary { node_id, name, version, extra: empty_extra() }).collect(),
            extra: empty_extra(),
        };
        roundtrip(&list)?;
        roundtrip(&info)?;
        roundtrip(&SessionIdReply { session_id: sid.parse().expect("session id"), extra: empty_extra() })?;
    }

    #[test]
    fn resp_peers_monitor(peers in vec(peer(), 0..3), servers in strings()) {
        roundtrip(&PeerList { peer_nodes: peers, extra: empty_extra() })?;
        roundtrip(&MonitorServers { servers, extra: empty_extra() })?;
        roundtrip(&Unsupported {})?;
    }

    #[test]
    fn resp_lan(nets in vec(network(), 0..3), one in network(), local in any::<bool>()) {
        let list = if local {
            NetworkList::Local(LocalNetworks { networks: nets, extra: empty_extra() })
        } else {
            NetworkList::Node(nets)
        };
        roundtrip(&list)?;
        roundtrip(&one)?;
    }

    #[test]
    fn resp_bare_metal(list in vec(bare_metal_server(), 0..3), one in bare_metal_server(), added in vec((text(), text()), 0..3)) {
        roundtrip(&BareMetalList::List { bare_metal_nodes: list })?;
        roundtrip(&BareMetalList::Server(Box::new(one)))?;
        roundtrip(&AddedBareMetal {
            bare_metal_nodes: added.into_iter().map(|(node_id, uuid)| AddedBareMetalEntry { node_id, uuid }).collect(),
            extra: empty_extra(),
        })?;
    }

    #[test]
    fn resp_deeplink_rent_orders(id in text(), pw in secret(), orders in vec(rent_order_info(), 0..3)) {
        roundtrip(&DeeplinkInfo { device_id: id, device_password: pw, extra: empty_extra() })?;
        roundtrip(&RentOrders { rent_orders: orders, extra: empty_extra() })?;
    }
}

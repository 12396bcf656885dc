//! The endpoint registry: one declaration per endpoint of the spec's §0 table.
//!
//! Each declaration produces a unit struct implementing [`Endpoint`] and a row in [`REGISTRY`]
//! (with its type-erased [`Descriptor::build_json`] / [`Descriptor::decode_json`]). With the
//! declaration and its models, the generic request path (`Client::call::<E>`), the type-erased
//! path (`Client::call_raw`, `dbc call`, dbc-api's fault matrix, which sends the declaration's
//! `example`) and codegen need nothing more. Written by hand per endpoint remain: a golden
//! fixture, the simulator's behaviour and, optionally, a dedicated CLI command with the one-line
//! dbc-api handle method it calls (docs/architecture.md, "Adding an endpoint").

use crate::endpoint::{
    roundtrip_request, roundtrip_value, Auth, Descriptor, Endpoint, EndpointInfo, HttpMethod,
    NoParams, PreCheck, Segment, SnapshotParams, Target, PRECHECK_A_CREATE as A_CREATE,
    PRECHECK_A_DEFAULT as A_DEFAULT,
};
use crate::ids::TaskId;
use crate::models::*;
use crate::reply::decode_reply;

/// `Some(literal)` or `None`: a declaration's optional `example`.
macro_rules! example {
    () => {
        None
    };
    ($e:literal) => {
        Some($e)
    };
}

macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $ty:ident {
            name: $name:literal,
            summary: $summary:literal,
            rows: [$($row:literal),*],
            method: $method:ident,
            path: $path:literal,
            query: [$($q:literal),*],
            params: $params:ty,
            auth: $auth:ident,
            precheck: $pre:expr,
            target: $target:ident,
            mutates: $mutates:literal,
            timeout: $timeout:expr,
            request: $req:ty,
            response: $resp:ty
            $(, example: $example:literal)? $(,)?
        }
    )*) => {
        $(
            $(#[$doc])*
            #[doc = concat!("\n\n`", $path, "` — registry name `", $name, "`.")]
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
            pub struct $ty;

            impl Endpoint for $ty {
                type Params = $params;
                type Request = $req;
                type Response = $resp;
                const INFO: EndpointInfo = EndpointInfo {
                    name: $name,
                    summary: $summary,
                    spec_rows: &[$($row),*],
                    method: HttpMethod::$method,
                    path: $path,
                    query: &[$($q),*],
                    auth: Auth::$auth,
                    precheck: $pre,
                    target: Target::$target,
                    mutates: $mutates,
                    timeout_message: $timeout,
                    request_type: stringify!($req),
                    response_type: stringify!($resp),
                    example: example!($($example)?),
                };
            }
        )*

        /// Every endpoint, in spec order.
        pub static REGISTRY: &[Descriptor] = &[
            $(
                Descriptor {
                    info: &<$ty as Endpoint>::INFO,
                    request_schema: |g| g.subschema_for::<$req>(),
                    response_schema: |g| g.subschema_for::<$resp>(),
                    decode_check: |s, b| decode_reply::<$resp>(s, b).map(|_| ()),
                    request_roundtrip: roundtrip_request::<$req>,
                    response_roundtrip: roundtrip_value::<$resp>,
                    erased_build: crate::erased::build_json::<$ty>,
                    erased_decode: crate::erased::decode_json::<$ty>,
                },
            )*
        ];
    };
}

const NO_TIMEOUT: Option<&str> = None;

endpoints! {
    /// The client node's own version (answered locally, any method).
    Version { name: "version", summary: "Client node version", rows: [1], method: Any, path: "/api/v1/", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false, timeout: NO_TIMEOUT,
        request: Empty, response: ClientVersion }
    /// The caller's VMs on a node (seed call 5).
    TasksList { name: "tasks.list", summary: "List VMs", rows: [2], method: Post, path: "/api/v1/tasks", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list task timeout"), request: Empty, response: TaskList }
    /// Details of one of the caller's VMs (seed call 4).
    TaskInfo { name: "tasks.info", summary: "VM details", rows: [3], method: Post, path: "/api/v1/tasks/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list task timeout"), request: Empty, response: TaskDetails }
    /// Create a VM (seed call 3). Never retried automatically.
    TaskCreate { name: "tasks.create", summary: "Create VM", rows: [4], method: Post, path: "/api/v1/tasks/start", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("create task timeout"), request: CreateVm, response: TaskSummary,
        example: r#"{"cpu_cores":"2","disk_size":"10","gpu_count":"0","image_name":"ubuntu.qcow2","mem_size":"4","ssh_port":"5684","vnc_port":"5904"}"# }
    /// Start a stopped VM.
    TaskStart { name: "tasks.start", summary: "Start VM", rows: [5], method: Post, path: "/api/v1/tasks/start/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("start task timeout"), request: Empty, response: OkMessage }
    /// Shut a VM down (a hard power-off in this node version).
    TaskShutdown { name: "tasks.shutdown", summary: "Shut down VM", rows: [6], method: Post, path: "/api/v1/tasks/shutdown/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("shutdown task timeout"), request: Empty, response: OkMessage }
    /// Power a VM off.
    TaskPoweroff { name: "tasks.poweroff", summary: "Power off VM", rows: [7], method: Post, path: "/api/v1/tasks/poweroff/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("stop task timeout"), request: Empty, response: OkMessage }
    /// Stop a VM (alias of power off).
    TaskStop { name: "tasks.stop", summary: "Stop VM (alias of power off)", rows: [8], method: Post, path: "/api/v1/tasks/stop/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("stop task timeout"), request: Empty, response: OkMessage }
    /// Restart a VM, optionally forced.
    TaskRestart { name: "tasks.restart", summary: "Restart VM", rows: [9], method: Post, path: "/api/v1/tasks/restart/{task_id}", query: ["force_reboot"],
        params: RestartParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("restart task timeout"), request: Empty, response: OkMessage }
    /// Hard-reset a running VM.
    TaskReset { name: "tasks.reset", summary: "Reset VM", rows: [10], method: Post, path: "/api/v1/tasks/reset/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("reset task timeout"), request: Empty, response: OkMessage }
    /// Delete a VM (seed call 6).
    TaskDelete { name: "tasks.delete", summary: "Delete VM", rows: [11], method: Post, path: "/api/v1/tasks/delete/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("delete task timeout"), request: Empty, response: OkMessage }
    /// The node's log about a VM.
    TaskLogs { name: "tasks.logs", summary: "VM logs", rows: [12], method: Post, path: "/api/v1/tasks/logs/{task_id}", query: ["flag", "line_num"],
        params: LogsParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("task logs timeout"), request: Empty, response: crate::models::TaskLogs }
    /// Modify ports, public IP, filters, GPU/CPU/memory of a VM.
    TaskModify { name: "tasks.modify", summary: "Modify VM", rows: [13], method: Post, path: "/api/v1/tasks/modify/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("modify task timeout"), request: ModifyVm, response: OkMessage,
        example: r#"{"new_ssh_port":"5690"}"# }
    /// Set the login password of a running VM.
    TaskPasswd { name: "tasks.passwd", summary: "Set VM login password", rows: [14], method: Post, path: "/api/v1/tasks/passwd/{task_id}", query: [],
        params: TaskId, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("set task user password timeout"), request: SetPassword, response: OkMessage,
        example: r#"{"password":"s3cret-Pass","username":"dbc"}"# }
    /// Images on a node, or on an image server (no node).
    ImagesList { name: "images.list", summary: "List images", rows: [15], method: Post, path: "/api/v1/images", query: [],
        params: NoParams, auth: Optional, precheck: PreCheck::None, target: Optional, mutates: false,
        timeout: Some("list images timeout"), request: ImageListRequest, response: Vec<ListedImage> }
    /// Image servers configured on the client node.
    ImageServersList { name: "images.servers", summary: "List image servers", rows: [16], method: Post, path: "/api/v1/images/servers", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: ImageServers }
    /// Download an image from an image server to a node.
    ImageDownloadStart { name: "images.download", summary: "Download image to GPU node", rows: [17], method: Post, path: "/api/v1/images/download", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("download image timeout"), request: ImageDownload, response: OkMessage,
        example: r#"{"image_filename":"ubuntu-cuda.qcow2","image_server":"imgsrv1","local_dir":"/data"}"# }
    /// Progress of a download.
    ImageDownloadProgress { name: "images.download_progress", summary: "Download progress", rows: [18], method: Post, path: "/api/v1/images/downloadprogress", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Required, mutates: false,
        timeout: Some("query download image progress timeout"), request: ImageFile, response: TransferProgress,
        example: r#"{"image_filename":"ubuntu-cuda.qcow2"}"# }
    /// Stop a download.
    ImageDownloadStop { name: "images.download_stop", summary: "Stop download", rows: [19], method: Post, path: "/api/v1/images/download_stop", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("download image timeout"), request: ImageFile, response: OkMessage,
        example: r#"{"image_filename":"ubuntu-cuda.qcow2"}"# }
    /// Upload an image from a node (or the client node) to an image server.
    ImageUploadStart { name: "images.upload", summary: "Upload image", rows: [20], method: Post, path: "/api/v1/images/upload", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Optional, mutates: true,
        timeout: Some("upload image timeout"), request: ImageUpload, response: OkMessage,
        example: r#"{"image_filename":"ubuntu.qcow2","image_server":"imgsrv1"}"# }
    /// Progress of an upload.
    ImageUploadProgress { name: "images.upload_progress", summary: "Upload progress", rows: [21], method: Post, path: "/api/v1/images/uploadprogress", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Optional, mutates: false,
        timeout: Some("query upload image progress timeout"), request: ImageFile, response: TransferProgress,
        example: r#"{"image_filename":"ubuntu.qcow2"}"# }
    /// Stop an upload.
    ImageUploadStop { name: "images.upload_stop", summary: "Stop upload", rows: [22], method: Post, path: "/api/v1/images/upload_stop", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Optional, mutates: true,
        timeout: Some("upload image timeout"), request: ImageFile, response: OkMessage,
        example: r#"{"image_filename":"ubuntu.qcow2"}"# }
    /// Delete an image file on a node.
    ImageDelete { name: "images.delete", summary: "Delete image on GPU node", rows: [23], method: Post, path: "/api/v1/images/delete", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("upload image timeout"), request: ImageFile, response: OkMessage,
        example: r#"{"image_filename":"ubuntu.qcow2"}"# }
    /// Snapshots of a VM.
    SnapshotsList { name: "snapshots.list", summary: "List snapshots", rows: [24], method: Post, path: "/api/v1/snapshot/list/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list snapshot timeout"), request: Empty, response: Vec<Snapshot> }
    /// One snapshot.
    SnapshotInfo { name: "snapshots.info", summary: "Snapshot details", rows: [25], method: Post, path: "/api/v1/snapshot/list/{task_id}/{snapshot_name}", query: [],
        params: SnapshotParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list snapshot timeout"), request: Empty, response: Snapshot }
    /// Snapshot a shut-off VM and upload it.
    SnapshotCreate { name: "snapshots.create", summary: "Create snapshot", rows: [26], method: Post, path: "/api/v1/snapshot/create/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("create snapshot timeout"), request: CreateSnapshot, response: OkMessage,
        example: r#"{"image_server":"imgsrv1","snapshot_name":"snap1"}"# }
    /// Delete a snapshot.
    SnapshotDelete { name: "snapshots.delete", summary: "Delete snapshot", rows: [27], method: Post, path: "/api/v1/snapshot/delete/{task_id}/{snapshot_name}", query: [],
        params: SnapshotParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("delete snapshot timeout"), request: Empty, response: OkMessage }
    /// Disks of a VM.
    DisksList { name: "disks.list", summary: "List VM disks", rows: [28], method: Post, path: "/api/v1/disk/list/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: false,
        timeout: Some("list disk timeout"), request: Empty, response: Vec<DiskEntry> }
    /// Grow a disk by `size` GiB.
    DiskResize { name: "disks.resize", summary: "Grow a VM disk", rows: [29], method: Post, path: "/api/v1/disk/resize/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("resize disk timeout"), request: ResizeDisk, response: OkMessage,
        example: r#"{"disk":"vda","size":10}"# }
    /// Add a data disk.
    DiskAdd { name: "disks.add", summary: "Add a data disk", rows: [30], method: Post, path: "/api/v1/disk/add/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("add disk timeout"), request: AddDisk, response: OkMessage,
        example: r#"{"size":10}"# }
    /// Delete a data disk.
    DiskDelete { name: "disks.delete", summary: "Delete a data disk", rows: [31], method: Post, path: "/api/v1/disk/delete/{task_id}", query: [],
        params: TaskId, auth: RenterNotVerifier, precheck: PreCheck::A(A_CREATE), target: Required, mutates: true,
        timeout: Some("delete disk timeout"), request: DeleteDisk, response: OkMessage,
        example: r#"{"disk":"vdb"}"# }
    /// GPU nodes known to the client node (empty `peer_nodes_list`).
    NodesList { name: "nodes.list", summary: "List known GPU nodes", rows: [32], method: Post, path: "/api/v1/mining_nodes", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: NodeList }
    /// Machine info of a GPU node (seed call 1).
    NodeInfoGet { name: "nodes.info", summary: "GPU node machine info", rows: [33], method: Post, path: "/api/v1/mining_nodes", query: [],
        params: NoParams, auth: None, precheck: PreCheck::None, target: Required, mutates: false,
        timeout: Some("query node info timeout"), request: NodeInfoRequest, response: NodeInfo }
    /// The renter's session id on a node (seed call 2; signature required).
    NodeSessionId { name: "nodes.session_id", summary: "Get renter session_id", rows: [34], method: Post, path: "/api/v1/mining_nodes/session_id", query: [],
        params: NoParams, auth: WalletOnly, precheck: PreCheck::B, target: Required, mutates: false,
        timeout: Some("get session_id timeout"), request: Empty, response: SessionIdReply }
    /// Drop the page cache on a node.
    NodeFreeMemory { name: "nodes.free_memory", summary: "Drop page cache on GPU node", rows: [35], method: Post, path: "/api/v1/mining_nodes/free_memory", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("free memory timeout"), request: Empty, response: OkMessage }
    /// Connected peers of the client node.
    PeersActive { name: "peers.active", summary: "Connected peers", rows: [36], method: Post, path: "/api/v1/peers/active", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: PeerList }
    /// Candidate peers.
    PeersGlobal { name: "peers.global", summary: "Candidate peers", rows: [37], method: Post, path: "/api/v1/peers/global", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: PeerList }
    /// LAN-discovered DBC nodes.
    PeersLan { name: "peers.lan", summary: "LAN-discovered DBC nodes", rows: [38], method: Post, path: "/api/v1/peers/lan", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: PeerList }
    /// Disabled in this node version: always HTTP 500 `Unhandled request`.
    Stat { name: "stat", summary: "Stat (disabled)", rows: [39], method: Any, path: "/api/v1/stat", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: Unsupported }
    /// Disabled in this node version: always HTTP 500 `Unhandled request`.
    Config { name: "config", summary: "Config (disabled)", rows: [40], method: Any, path: "/api/v1/config", query: [],
        params: NoParams, auth: Local, precheck: PreCheck::None, target: Unused, mutates: false,
        timeout: NO_TIMEOUT, request: Empty, response: Unsupported }
    /// The caller's monitor servers on a node.
    MonitorList { name: "monitor.list", summary: "List monitor servers", rows: [41], method: Post, path: "/api/v1/monitor", query: [],
        params: NoParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list monitor server timeout"), request: Empty, response: MonitorServers }
    /// Replace the caller's monitor servers.
    MonitorSet { name: "monitor.set", summary: "Set monitor servers", rows: [42], method: Post, path: "/api/v1/monitor/set", query: [],
        params: NoParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("set monitor server timeout"), request: SetMonitor, response: OkMessage,
        example: r#"{"servers":["203.0.113.9:8080"]}"# }
    /// Virtual LANs (of a node, or of the client node without one).
    LanList { name: "lan.list", summary: "List virtual LANs", rows: [43], method: Post, path: "/api/v1/lan", query: [],
        params: NoParams, auth: None, precheck: PreCheck::None, target: Optional, mutates: false,
        timeout: Some("list local area network timeout"), request: Empty, response: NetworkList }
    /// One virtual LAN.
    LanGet { name: "lan.get", summary: "Get a virtual LAN", rows: [43], method: Post, path: "/api/v1/lan/{network_name}", query: [],
        params: Segment, auth: None, precheck: PreCheck::None, target: Optional, mutates: false,
        timeout: Some("list local area network timeout"), request: Empty, response: Network }
    /// Create a virtual LAN on a node.
    LanCreate { name: "lan.create", summary: "Create virtual LAN", rows: [44], method: Post, path: "/api/v1/lan/create", query: [],
        params: NoParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("create local area network timeout"), request: CreateNetwork, response: OkMessage,
        example: r#"{"ip_cidr":"10.7.0.0/24","network_name":"lanabc1"}"# }
    /// Delete a virtual LAN (no client-side pre-check; the node requires R¬v).
    LanDelete { name: "lan.delete", summary: "Delete virtual LAN", rows: [45], method: Post, path: "/api/v1/lan/delete/{network_name}", query: [],
        params: Segment, auth: RenterNotVerifier, precheck: PreCheck::None, target: Required, mutates: true,
        timeout: Some("delete local area network timeout"), request: Empty, response: OkMessage }
    /// Bare-metal servers (client list, manager list or one server's info). Credentials are
    /// optional: the manager's node key unmasks secrets, a server needs the renter (`R`).
    BareMetalListAll { name: "bare_metal.list", summary: "List bare-metal servers", rows: [46], method: Post, path: "/api/v1/bare_metal", query: [],
        params: NoParams, auth: Optional, precheck: PreCheck::None, target: Optional, mutates: false,
        timeout: Some("list bare metal timeout"), request: Empty, response: BareMetalList }
    /// Bare-metal servers filtered by node id or uuid.
    BareMetalGet { name: "bare_metal.get", summary: "List bare-metal servers by id or uuid", rows: [46], method: Post, path: "/api/v1/bare_metal/{id}", query: [],
        params: Segment, auth: Optional, precheck: PreCheck::None, target: Optional, mutates: false,
        timeout: Some("list bare metal timeout"), request: Empty, response: BareMetalList }
    /// Register bare-metal servers with a manager (manager key).
    BareMetalAdd { name: "bare_metal.add", summary: "Add bare-metal servers", rows: [47], method: Post, path: "/api/v1/bare_metal/add", query: [],
        params: NoParams, auth: BareMetalManager, precheck: PreCheck::C, target: Optional, mutates: true,
        timeout: Some("add bare metal timeout"), request: AddBareMetal, response: AddedBareMetal,
        example: r#"{"bare_metal_nodes":[{"ip":"203.0.113.20","ipmi_hostname":"203.0.113.21","ipmi_password":"ipmi-pass","ipmi_username":"admin","uuid":"bm-uuid-1"}]}"# }
    /// Remove bare-metal servers (manager key).
    BareMetalDelete { name: "bare_metal.delete", summary: "Delete bare-metal servers", rows: [48], method: Post, path: "/api/v1/bare_metal/delete", query: [],
        params: NoParams, auth: BareMetalManager, precheck: PreCheck::C, target: Optional, mutates: true,
        timeout: Some("delete bare metal timeout"), request: DeleteBareMetal, response: OkMessage,
        example: r#"{"bare_metal_node_ids":["58fb618aa482c41114eb3cfdaefd3ba183172da9e25251449d045043fbd37f45"]}"# }
    /// Modify a bare-metal server (manager key).
    BareMetalModify { name: "bare_metal.modify", summary: "Modify a bare-metal server", rows: [49], method: Post, path: "/api/v1/bare_metal/modify/{node_id}", query: [],
        params: Segment, auth: BareMetalManager, precheck: PreCheck::C, target: Optional, mutates: true,
        timeout: Some("modify bare metal timeout"), request: ModifyBareMetal, response: OkMessage,
        example: r#"{"desc":"rack 4"}"# }
    /// IPMI power control of a bare-metal server.
    BareMetalPowerSet { name: "bare_metal.power", summary: "Bare-metal power control", rows: [50], method: Post, path: "/api/v1/bare_metal/power", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("bare metal power timeout"), request: BareMetalPower, response: OkMessage,
        example: r#"{"command":"status"}"# }
    /// IPMI boot device of a bare-metal server (always fails on the real manager: a defect).
    BareMetalBootDevSet { name: "bare_metal.bootdev", summary: "Bare-metal boot device", rows: [51], method: Post, path: "/api/v1/bare_metal/bootdev", query: [],
        params: NoParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("bare metal bootdev timeout"), request: BareMetalBootDev, response: OkMessage,
        example: r#"{"device":"pxe"}"# }
    /// DeepLink device info of a bare-metal server.
    DeeplinkGet { name: "deeplink.get", summary: "Get DeepLink device info", rows: [52], method: Post, path: "/api/v1/deeplink", query: [],
        params: NoParams, auth: Renter, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: false,
        timeout: Some("list bare metal timeout"), request: Empty, response: DeeplinkInfo }
    /// Set DeepLink device info.
    DeeplinkSet { name: "deeplink.set", summary: "Set DeepLink device info", rows: [53], method: Post, path: "/api/v1/deeplink/set", query: [],
        params: NoParams, auth: RenterNotVerifier, precheck: PreCheck::A(A_DEFAULT), target: Required, mutates: true,
        timeout: Some("list bare metal timeout"), request: SetDeeplink, response: OkMessage,
        example: r#"{"device_id":"dev-1"}"# }
    /// Rent orders cached on a node.
    RentOrdersList { name: "rent_orders.list", summary: "Rent orders known to a GPU node", rows: [54], method: Post, path: "/api/v1/rent_orders", query: [],
        params: NoParams, auth: None, precheck: PreCheck::None, target: Required, mutates: false,
        timeout: Some("query node rent orders timeout"), request: Empty, response: RentOrders }
    /// Rent orders (the path id is ignored by the node, which lists all).
    RentOrdersGet { name: "rent_orders.get", summary: "Rent orders, by order id", rows: [54], method: Post, path: "/api/v1/rent_orders/{rent_order}", query: [],
        params: Segment, auth: None, precheck: PreCheck::None, target: Required, mutates: false,
        timeout: Some("query node rent orders timeout"), request: Empty, response: RentOrders }
}

/// Looks an endpoint up by its registry name.
pub fn find(name: &str) -> Option<&'static Descriptor> {
    REGISTRY.iter().find(|d| d.info.name == name)
}

//! Fault matrix: every endpoint of `dbc_types::REGISTRY`, called through the type-erased
//! path (`Client::call_raw`, with each declaration's `example` and sample path parameters by name), × every fault the simulator can inject
//! (plus an unknown node id, a closed port, TLS faults — a certificate from an unknown CA, a
//! handshake that never completes — and proxy faults — a refused proxy, a 407). For each case the client must return the
//! expected typed error (or the route's normal outcome where the fault cannot apply), within
//! its timeout + 1 s per attempt, without panicking, and must never send a mutating request
//! more than once (a counting transport records every send).
//!
//! Every case runs against its own fresh in-process simulator, so cases are independent and
//! run concurrently. The expected outcome of each (endpoint, fault) pair is defined by
//! [`expect`] from three facts: whether the route is answered by the client node itself
//! ([`local`]), whether the simulator can fault it at all ([`UNFAULTABLE`]), and the route's
//! normal outcome without faults (the *baseline*, measured first and required to be a success
//! or a typed node error).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_api::dbc_transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, Proxy, ProxyFailure, TlsFailure,
    Transport, TransportError,
};
use dbc_api::{Client, Credentials, Error, ErrorKind, RetryPolicy};
use dbc_sign::Keypair;
use dbc_sim::{Fault, FaultKind, SimHandle, Simulator};
use dbc_types::endpoint::Target;
use dbc_types::{NodeId, TaskId, REGISTRY};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The client's whole-request timeout in every case.
const TIMEOUT: Duration = Duration::from_millis(2000);
/// The client's connect timeout (TCP, proxy tunnel and TLS handshake together).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// The simulator's client-node → GPU-node timeout (`"<op> timeout"` after this).
const NODE_TIMEOUT: Duration = Duration::from_millis(300);
/// Latency injected by the "latency below timeout" fault.
const LATENCY: Duration = Duration::from_millis(200);
/// The client's body limit; the oversized fault sends twice as much.
const MAX_BODY: usize = 64 * 1024;
/// Retries of read-only calls (mutating calls never retry).
const RETRIES: u32 = 1;
const RETRY_MAX_DELAY: Duration = Duration::from_millis(40);

/// Routes the client node answers itself (the registry's `target: Unused`: no GPU node is
/// involved): node-scoped faults cannot apply to them, route faults (latency, hang, drop, 502,
/// invalid JSON, oversized) can.
fn local(name: &str) -> bool {
    dbc_types::registry::find(name).is_some_and(|d| d.info.target == Target::Unused)
}
/// Routes the simulator answers before fault injection (the disabled `stat` / `config`
/// handlers: the node's destructor safety net replies HTTP 500 `Unhandled request`).
const UNFAULTABLE: &[&str] = &["stat", "config"];

/// Cases where the client currently diverges from the expected outcome, each reported to the
/// owner of the code named. A listed case must still diverge: when it is fixed this test fails
/// until the entry is removed, so the list cannot go stale.
const KNOWN_DIVERGENCES: &[(&str, Case, &str)] = &[];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Case {
    Latency,
    NeverAnswers,
    DropMidReply,
    Http502Html,
    InvalidJson,
    Oversized,
    OpTimeout,
    ReplyLost,
    UnknownNode,
    Refused,
    TlsUnknownCa,
    TlsHandshakeHangs,
    ProxyRefused,
    ProxyAuthRequired,
}

const CASES: [Case; 14] = [
    Case::Latency,
    Case::NeverAnswers,
    Case::DropMidReply,
    Case::Http502Html,
    Case::InvalidJson,
    Case::Oversized,
    Case::OpTimeout,
    Case::ReplyLost,
    Case::UnknownNode,
    Case::Refused,
    Case::TlsUnknownCa,
    Case::TlsHandshakeHangs,
    Case::ProxyRefused,
    Case::ProxyAuthRequired,
];

impl Case {
    fn fault_kind(self) -> Option<FaultKind> {
        Some(match self {
            Case::Latency => FaultKind::Latency(LATENCY),
            Case::NeverAnswers => FaultKind::Hang,
            Case::DropMidReply => FaultKind::DropMidReply,
            Case::Http502Html => FaultKind::Http502Html,
            Case::InvalidJson => FaultKind::InvalidJson,
            Case::Oversized => FaultKind::Oversized(2 * MAX_BODY),
            Case::OpTimeout => FaultKind::NeverAnswer,
            Case::ReplyLost => FaultKind::ReplyLost,
            Case::UnknownNode
            | Case::Refused
            | Case::TlsUnknownCa
            | Case::TlsHandshakeHangs
            | Case::ProxyRefused
            | Case::ProxyAuthRequired => return None,
        })
    }
}

/// A transport that counts what it sends (path per send) and forwards to the real one.
#[derive(Debug)]
struct Counting {
    inner: HttpTransport,
    sent: Mutex<Vec<String>>,
}

impl Transport for Counting {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.sent.lock().unwrap().push(req.path().to_owned());
        self.inner.send(req)
    }
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }
}

/// Sample path and query values, by parameter name (`$NODE`, `$TASK`: the case's node and
/// task ids).
const PARAM_SAMPLES: &[(&str, &str)] = &[
    ("task_id", "$TASK"),
    ("snapshot_name", "snap1"),
    ("network_name", "lanabc1"),
    ("id", "bm-uuid-1"),
    ("node_id", "$NODE"),
    ("rent_order", "order-1"),
    ("flag", "tail"),
    ("line_num", "100"),
    ("force_reboot", "false"),
];

/// Calls the endpoint `name` through the type-erased path ([`Client::call_raw`]) with the
/// sample inputs above (the client node's own routes without a node). `None`: the samples
/// lack a parameter of the endpoint.
async fn call(c: &Client, name: &str, node: &NodeId, task: &TaskId) -> Option<Result<(), Error>> {
    let d = dbc_types::registry::find(name)?;
    let subst = |v: &str| {
        v.replace("$NODE", node.as_str())
            .replace("$TASK", task.as_str())
    };
    let params: Vec<(&str, String)> = dbc_types::erased::param_names(d.info)
        .into_iter()
        .map(|n| {
            let (_, v) = PARAM_SAMPLES.iter().find(|(k, _)| *k == n)?;
            Some((n, subst(v)))
        })
        .collect::<Option<_>>()?;
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The declaration's example (dbc-types checks each is a valid request), else the defaults.
    let additional = match d.info.example {
        Some(json) => serde_json::from_str(json).expect("example JSON"),
        None => serde_json::Value::Null,
    };
    let target = (!local(name)).then_some(node);
    Some(
        c.call_raw(name, target, &pairs, additional)
            .await
            .map(|_| ()),
    )
}

/// What one case produced.
struct Outcome {
    result: Result<(), Error>,
    sent: Vec<String>,
    elapsed: Duration,
}

/// The part of an outcome the expectations compare.
#[derive(Debug, Clone, PartialEq)]
enum Class {
    Ok,
    Api { http_status: u16, kind: ErrorKind },
    Other(String),
}

fn class(r: &Result<(), Error>) -> Class {
    class_of(r.as_ref().err())
}

fn class_of(e: Option<&Error>) -> Class {
    match e {
        None => Class::Ok,
        Some(Error::Api {
            http_status, kind, ..
        }) => Class::Api {
            http_status: *http_status,
            kind: kind.clone(),
        },
        Some(e) => Class::Other(e.to_string()),
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Ok => f.write_str("ok"),
            Class::Api { http_status, kind } => write!(f, "api {http_status} {kind:?}"),
            Class::Other(s) => write!(f, "other: {s}"),
        }
    }
}

/// The expected outcome of a case.
#[derive(Debug, Clone)]
enum Expect {
    /// The route's normal outcome (the fault cannot apply to it).
    Baseline,
    RequestTimeout,
    ConnectionClosed,
    BodyTooLarge,
    Refused,
    Tls(TlsFailure),
    Proxy(ProxyFailure),
    Decode(u16),
    Api(u16, ErrorKind),
    /// `tasks.create` whose request may have executed: `CreateOutcomeUnknown` wrapping this.
    CreateUnknown(Box<Expect>),
}

/// Whether the simulator's route faults apply to this route: local routes, and node-scoped
/// routes whose request reaches the node (pre-forward client-node errors, HTTP 4xx, are
/// answered before any fault applies).
fn route_faulted(name: &str, baseline: &Class) -> bool {
    let local = local(name);
    let reaches_node = !local
        && matches!(
            baseline,
            Class::Ok
                | Class::Api {
                    http_status: 200,
                    ..
                }
        );
    !UNFAULTABLE.contains(&name) && (local || reaches_node)
}

/// Defines the expected outcome of every (endpoint, fault) pair.
fn expect(name: &str, case: Case, baseline: &Class) -> Expect {
    let local = local(name);
    let route_faulted = route_faulted(name, baseline);
    let e = match case {
        Case::Latency => Expect::Baseline,
        Case::Refused => Expect::Refused,
        Case::TlsUnknownCa => Expect::Tls(TlsFailure::UnknownIssuer),
        Case::TlsHandshakeHangs => Expect::Tls(TlsFailure::HandshakeTimeout),
        Case::ProxyRefused => Expect::Proxy(ProxyFailure::Connect(
            dbc_api::dbc_transport::ConnectKind::Refused,
        )),
        Case::ProxyAuthRequired => Expect::Proxy(ProxyFailure::AuthRequired),
        _ if !route_faulted => Expect::Baseline,
        Case::NeverAnswers => Expect::RequestTimeout,
        Case::DropMidReply => Expect::ConnectionClosed,
        Case::Http502Html => Expect::Decode(502),
        // The client node parses a forwarded reply itself: a broken GPU-node reply becomes
        // HTTP 500, -1 `response parse error` (§6.2); only its own replies can be broken JSON.
        Case::InvalidJson if local => Expect::Decode(200),
        Case::InvalidJson => Expect::Api(500, ErrorKind::Other),
        Case::Oversized => Expect::BodyTooLarge,
        Case::OpTimeout | Case::ReplyLost if local => Expect::Baseline,
        Case::OpTimeout | Case::ReplyLost => Expect::Api(500, ErrorKind::OperationTimeout),
        Case::UnknownNode if local => Expect::Baseline,
        Case::UnknownNode => Expect::Api(400, ErrorKind::NodeUnknown),
    };
    // A create that may have reached the node has an unknown outcome; one that certainly did
    // not (refused, unknown node, pre-check) is a plain error.
    let outcome_may_exist = matches!(
        e,
        Expect::RequestTimeout
            | Expect::ConnectionClosed
            | Expect::BodyTooLarge
            | Expect::Decode(_)
            | Expect::Api(500, _)
    );
    if name == "tasks.create" && outcome_may_exist {
        Expect::CreateUnknown(Box::new(e))
    } else {
        e
    }
}

fn matches(exp: &Expect, got: Option<&Error>, baseline: &Class) -> bool {
    use dbc_api::dbc_transport::ConnectKind;
    use TransportError as T;
    let transport =
        |f: &dyn Fn(&T) -> bool| matches!(got, Some(Error::Transport { source, .. }) if f(source));
    match exp {
        Expect::Baseline => class_of(got) == *baseline,
        Expect::RequestTimeout => transport(&|s| matches!(s, T::RequestTimeout { .. })),
        Expect::ConnectionClosed => transport(&|s| matches!(s, T::ConnectionClosed { .. })),
        Expect::BodyTooLarge => {
            transport(&|s| matches!(s, T::BodyTooLarge { limit, .. } if *limit == MAX_BODY))
        }
        Expect::Refused => transport(&|s| {
            matches!(
                s,
                T::Connect {
                    kind: ConnectKind::Refused,
                    ..
                }
            )
        }),
        Expect::Tls(want) => transport(&|s| matches!(s, T::Tls { reason, .. } if reason == want)),
        Expect::Proxy(want) => {
            transport(&|s| matches!(s, T::Proxy { reason, .. } if reason == want))
        }
        Expect::Decode(st) => {
            matches!(got, Some(Error::Decode { http_status, .. }) if http_status == st)
        }
        Expect::Api(st, k) => {
            matches!(got, Some(Error::Api { http_status, kind, .. }) if http_status == st && kind == k)
        }
        Expect::CreateUnknown(inner) => match got {
            Some(Error::CreateOutcomeUnknown { cause, .. }) => {
                matches(inner, Some(cause.as_ref()), baseline)
            }
            _ => false,
        },
    }
}

/// Read-only calls are retried once on these outcomes (spec of `Client::call`).
fn retryable(r: &Result<(), Error>) -> bool {
    match r {
        Err(Error::Transport { source, .. }) => {
            source.is_connect_failure() || source.is_outcome_unknown()
        }
        Err(Error::Api { kind, .. }) => *kind == ErrorKind::OperationTimeout,
        Err(Error::Decode { http_status, .. }) => matches!(http_status, 500 | 502 | 503 | 504),
        _ => false,
    }
}

async fn start_sim(name: &str, case: Option<Case>) -> SimHandle {
    let mut b = Simulator::builder()
        .create_delay(Duration::from_millis(50))
        .node_timeout(NODE_TIMEOUT);
    if let Some(kind) = case.and_then(Case::fault_kind) {
        b = b.fault(Fault::on_route(name, kind));
    }
    b.start().await.expect("simulator starts")
}

fn client_for(url: &str, proxy: Proxy) -> (Client, Arc<Counting>) {
    let inner = HttpTransport::builder()
        .base_url(url)
        .request_timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .max_body_bytes(MAX_BODY)
        .proxy(proxy)
        .build()
        .expect("transport");
    let counting = Arc::new(Counting {
        inner,
        sent: Mutex::new(Vec::new()),
    });
    // Derived once: `//Alice` runs BIP39 PBKDF2, which is slow in debug builds.
    static ALICE: std::sync::OnceLock<Keypair> = std::sync::OnceLock::new();
    let alice = ALICE
        .get_or_init(|| dbc_testkit::keys::keypair(dbc_testkit::keys::ALICE_SURI))
        .clone();
    let client = Client::builder()
        .transport(counting.clone())
        .credentials(Credentials::signer(alice))
        .retry_policy({
            let mut v = RetryPolicy::default();
            v.max_retries = RETRIES;
            v.base_delay = Duration::from_millis(20);
            v.max_delay = RETRY_MAX_DELAY;
            v
        })
        .build()
        .expect("client");
    (client, counting)
}

/// Where the cases that need no simulator of their own send requests.
#[derive(Clone)]
struct Targets {
    /// A closed port.
    refused: String,
    /// An HTTPS simulator whose certificate comes from a CA the client does not trust.
    untrusted_tls: String,
    /// Accepts TCP connections and never answers the TLS ClientHello.
    hanging_tls: String,
    /// A proxy URL on a closed port.
    refused_proxy: String,
    /// A proxy that answers 407 to everything.
    auth_proxy: String,
}

impl Targets {
    /// URL and proxy of a case that needs no fresh simulator; `None`: it does.
    fn fixed(&self, case: Option<Case>) -> Option<(String, Proxy)> {
        Some(match case? {
            Case::Refused => (self.refused.clone(), Proxy::none()),
            Case::TlsUnknownCa => (self.untrusted_tls.clone(), Proxy::none()),
            Case::TlsHandshakeHangs => (self.hanging_tls.clone(), Proxy::none()),
            Case::ProxyRefused => (self.refused.clone(), Proxy::url(&self.refused_proxy)),
            Case::ProxyAuthRequired => (self.refused.clone(), Proxy::url(&self.auth_proxy)),
            _ => return None,
        })
    }

    /// Starts the shared servers (kept alive by the returned handle).
    async fn start(refused: String) -> (Targets, SimHandle) {
        let ca = dbc_testkit::pki::Ca::new("a CA nobody trusts");
        let leaf = ca.leaf(&["127.0.0.1"]);
        let tls_sim = Simulator::builder()
            .tls(dbc_sim::TlsIdentity::Pem {
                cert: leaf.cert_pem,
                key: leaf.key_pem,
            })
            .start()
            .await
            .unwrap();
        let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hanging_tls = format!("https://{}", hang.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = hang.accept().await {
                held.push(s);
            }
        });
        let (auth_proxy, _) = dbc_testkit::proxy::start(
            refused.trim_start_matches("http://").parse().unwrap(),
            Some("Basic nobody-has-this"),
        )
        .await;
        let refused_proxy = refused.clone();
        (
            Targets {
                refused,
                untrusted_tls: tls_sim.url(),
                hanging_tls,
                refused_proxy,
                auth_proxy: format!("http://{auth_proxy}"),
            },
            tls_sim,
        )
    }
}

/// Runs one endpoint once (fresh simulator unless the case needs none).
async fn run_one(name: &'static str, case: Option<Case>, targets: Targets) -> Outcome {
    let fixed = targets.fixed(case);
    let sim = if fixed.is_some() {
        None
    } else {
        Some(start_sim(name, case).await)
    };
    let (url, proxy) = match (&sim, fixed) {
        (Some(s), _) => (s.url(), Proxy::none()),
        (None, Some(f)) => f,
        (None, None) => unreachable!(),
    };
    let node = match (&sim, case) {
        (_, Some(Case::UnknownNode)) | (None, _) => "ab".repeat(32).parse().unwrap(),
        (Some(s), _) => s.rented_node(),
    };
    let task: TaskId = "NoSuchTask0000000001".parse().unwrap();
    let (client, counting) = client_for(&url, proxy);
    let started = Instant::now();
    let result = call(&client, name, &node, &task)
        .await
        .unwrap_or_else(|| panic!("the call table misses {name}"));
    let elapsed = started.elapsed();
    let sent = counting.sent.lock().unwrap().clone();
    if let Some(s) = sim {
        // Do not wait for hung connections: shut down in the background.
        tokio::spawn(s.shutdown());
    }
    Outcome {
        result,
        sent,
        elapsed,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_under_every_fault() {
    let t0 = Instant::now();
    let names: Vec<&'static str> = REGISTRY.iter().map(|d| d.info.name).collect();
    let mutating: BTreeMap<&str, bool> = REGISTRY
        .iter()
        .map(|d| (d.info.name, d.info.mutates))
        .collect();
    let paths: BTreeMap<&str, &str> = REGISTRY
        .iter()
        .map(|d| (d.info.name, d.info.path))
        .collect();

    // A closed port for the "connection refused" cases: bound but not listening, so connects
    // are refused and no simulator started meanwhile can be given the same port.
    let reserved = tokio::net::TcpSocket::new_v4().unwrap();
    reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let refused_url = format!("http://{}", reserved.local_addr().unwrap());
    let (targets, tls_sim) = Targets::start(refused_url.clone()).await;

    // Baselines (no fault): every route must answer with a success or a typed node error.
    let mut set = tokio::task::JoinSet::new();
    for &name in &names {
        let t = targets.clone();
        set.spawn(async move { (name, run_one(name, None, t).await) });
    }
    let mut baseline: BTreeMap<&str, Class> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    while let Some(j) = set.join_next().await {
        let (name, o) = j.expect("a baseline call panicked");
        let c = class(&o.result);
        if let Class::Other(e) = &c {
            failures.push(format!("{name} baseline: not a success or node error: {e}"));
        }
        if o.sent.len() != 1 {
            failures.push(format!("{name} baseline: sent {} times", o.sent.len()));
        }
        baseline.insert(name, c);
    }
    assert!(
        failures.is_empty(),
        "baseline failures:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        baseline.len(),
        REGISTRY.len(),
        "every registry endpoint has a baseline"
    );

    // The matrix, at most 64 cases at a time.
    let sem = Arc::new(tokio::sync::Semaphore::new(64));
    let mut set = tokio::task::JoinSet::new();
    for &name in &names {
        for case in CASES {
            let (t, sem) = (targets.clone(), sem.clone());
            set.spawn(async move {
                let _permit = sem.acquire_owned().await.unwrap();
                (name, case, run_one(name, Some(case), t).await)
            });
        }
    }
    let total = names.len() * CASES.len();
    let mut passed = 0usize;
    let mut seen = 0usize;
    let mut known_seen: Vec<String> = Vec::new();
    while let Some(j) = set.join_next().await {
        let Ok((name, case, o)) = j else {
            failures.push(format!("a case panicked: {:?}", j.err()));
            seen += 1;
            continue;
        };
        seen += 1;
        let base = &baseline[name];
        let exp = expect(name, case, base);
        let mut problems = Vec::new();
        if !matches(&exp, o.result.as_ref().err(), base) {
            problems.push(format!(
                "expected {exp:?}, got {}",
                match &o.result {
                    Ok(()) => "ok".to_owned(),
                    Err(e) => format!("{e:?}"),
                }
            ));
        }
        let want_sends = if mutating[name] || !retryable(&o.result) {
            1
        } else {
            1 + RETRIES as usize
        };
        if o.sent.len() != want_sends {
            problems.push(format!(
                "sent {} times, expected {want_sends} (mutating: {})",
                o.sent.len(),
                mutating[name]
            ));
        }
        let template = paths[name];
        let prefix = template.split('{').next().unwrap_or(template);
        if o.sent.iter().any(|p| !p.starts_with(prefix)) {
            problems.push(format!("sent to unexpected paths {:?}", o.sent));
        }
        // The fault really applied: the latency was observed.
        if case == Case::Latency && route_faulted(name, base) && o.elapsed < LATENCY {
            problems.push(format!("latency fault not observed ({:?})", o.elapsed));
        }
        let bound =
            (TIMEOUT + RETRY_MAX_DELAY) * (o.sent.len().max(1) as u32) + Duration::from_secs(1);
        if o.elapsed > bound {
            problems.push(format!("took {:?} > {bound:?}", o.elapsed));
        }
        let known = KNOWN_DIVERGENCES
            .iter()
            .find(|(n, c, _)| *n == name && *c == case);
        match (problems.is_empty(), known) {
            (true, None) => passed += 1,
            (false, None) => failures.push(format!("{name} × {case:?}: {}", problems.join("; "))),
            (false, Some((_, _, why))) => known_seen.push(format!(
                "{name} × {case:?}: {} ({why})",
                problems.join("; ")
            )),
            (true, Some(_)) => failures.push(format!(
                "{name} × {case:?} now behaves as expected: remove it from KNOWN_DIVERGENCES"
            )),
        }
    }
    assert_eq!(seen, total);
    failures.sort();
    println!(
        "fault matrix: {total} cases ({} endpoints × {} faults), {passed} passed, {} known divergences, in {:?}",
        names.len(),
        CASES.len(),
        known_seen.len(),
        t0.elapsed()
    );
    for k in &known_seen {
        println!("known divergence: {k}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(passed + known_seen.len(), total);
    drop(reserved);
    tls_sim.shutdown().await;
}

/// The samples cover the registry: a new endpoint with a parameter name the samples lack
/// fails this test until [`PARAM_SAMPLES`] has it (every endpoint is then in the matrix).
#[tokio::test]
async fn call_table_covers_the_registry() {
    // A closed port: every call fails fast, but an unknown name returns `None`.
    let url = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let (client, _) = client_for(&url, Proxy::none());
    let client = Client::builder()
        .url(url)
        .retries(0)
        .credentials(client.credentials().clone())
        .build()
        .unwrap();
    let node: NodeId = "ab".repeat(32).parse().unwrap();
    let task: TaskId = "NoSuchTask0000000001".parse().unwrap();
    for d in REGISTRY {
        assert!(
            call(&client, d.info.name, &node, &task).await.is_some(),
            "fault_matrix.rs: add `{}` to the call table",
            d.info.name
        );
    }
    assert!(call(&client, "no.such.endpoint", &node, &task)
        .await
        .is_none());
}

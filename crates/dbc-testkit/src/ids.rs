//! Sample identifiers taken from the seed document and the spec's examples.

/// The GPU node of the seed document (64 hex).
pub const SEED_NODE: &str = "58fb618aa482c41114eb3cfdaefd3ba183172da9e25251449d045043fbd37f45";
/// A second, unrelated GPU node id.
pub const OTHER_NODE: &str = "6ed2fd431f99a95501e8588a0a70b7d430e04442933f3fdcc18427e68cd17db3";
/// The task id of the seed document's create reply.
pub const SEED_TASK: &str = "7KhaCevciMbc5v1TZGUHei";
/// A session id in the node's format (Base58Check of a UUID string).
pub const SAMPLE_SESSION_ID: &str = "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh";

/// The seed node as a typed id.
pub fn seed_node() -> dbc_types::NodeId {
    SEED_NODE
        .parse()
        .unwrap_or_else(|e| panic!("seed node id: {e}"))
}

//! What a GPU node answers: a success or a failure, each rendered as the node's compact JSON
//! (`{"errcode":…, "message":…}`), so a handler says which one it means instead of spelling
//! `errcode` 0 by hand.

use crate::wire::Reply;

/// A GPU node's reply body, already rendered (compact, as the node writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeReply(String);

impl NodeReply {
    /// Success with a text message: `{"errcode":0, "message":"<message>"}`.
    pub(super) fn ok(message: &str) -> NodeReply {
        NodeReply(Reply::node_msg(0, message))
    }
    /// Success whose message is JSON text: `{"errcode":0, "message":<json>}`.
    pub(super) fn ok_json(json: &str) -> NodeReply {
        NodeReply(Reply::node_ok_raw(json))
    }
    /// Failure: `{"errcode":<code>, "message":"<message>"}`.
    pub(super) fn fail(code: i64, message: &str) -> NodeReply {
        NodeReply(Reply::node_msg(code, message))
    }
    /// The body text sent back to the client node.
    pub(crate) fn into_body(self) -> String {
        self.0
    }
}

/// What a node operation ends with: `Ok` for a success reply, `Err` for a failure reply.
pub(super) type NodeResult = Result<NodeReply, NodeReply>;

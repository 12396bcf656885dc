//! Validation errors raised before anything is sent.

use std::borrow::Cow;
use std::fmt;

/// A value that the DBC node (or the wire format) would reject, caught locally.
///
/// `field` names the member (e.g. `vnc_port`, `peer_nodes_list`), `message` states the rule,
/// using the node's own wording where the spec gives one, so the error reads like the reply
/// the node would have sent. The offending value is never included (it may be a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// The request member or identifier that is wrong.
    pub field: Cow<'static, str>,
    /// The rule it breaks, in the node's wording where one exists.
    pub message: Cow<'static, str>,
}

impl ValidationError {
    /// Creates a validation error for `field` with a rule `message`.
    pub fn new(field: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Shorthand used by the `validate` implementations.
pub(crate) fn invalid<T>(
    field: impl Into<Cow<'static, str>>,
    message: impl Into<Cow<'static, str>>,
) -> Result<T, ValidationError> {
    Err(ValidationError::new(field, message))
}

/// Checks applied to a request before it is sent.
pub trait Validate {
    /// Returns the first rule this value breaks, in the order the node checks them.
    ///
    /// # Errors
    /// The first [`ValidationError`] found.
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

impl Validate for serde_json::Value {}

//! The simulator's error type.

/// Errors of the simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Binding or serving failed.
    #[error("simulator I/O error: {0} (is the listen address free and valid?)")]
    Io(#[from] std::io::Error),
    /// The world configuration is invalid.
    #[error("invalid simulator config: {0} (fix the world file or the command-line option)")]
    Config(String),
}

//! Secret files written the way a careful user would: mode 0600 (the CLI refuses secret files
//! that other users can read).

use std::path::Path;

/// Writes `contents` to `path` and makes it readable and writable by the owner only.
pub fn write_secret(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
    std::fs::write(path.as_ref(), contents).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path.as_ref(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

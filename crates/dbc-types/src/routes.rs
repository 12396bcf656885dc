//! Path parameters the node would route to another endpoint.
//!
//! The node matches paths segment by segment and does not escape anything, so a parameter whose
//! value equals a fixed word of a *sibling* route changes which endpoint runs: a task id `start`
//! on `/api/v1/tasks/{task_id}` becomes `/api/v1/tasks/start` (create a VM), a network name
//! `create` on `/api/v1/lan/{network_name}` becomes `/api/v1/lan/create`. `.` and `..` are path
//! navigation that proxies (and some nodes) resolve to another route.
//!
//! The fixed words are derived from the path templates of [`crate::REGISTRY`], not from a hand
//! list: adding an endpoint protects its siblings automatically.

use crate::error::ValidationError;
use crate::registry::REGISTRY;
use std::sync::OnceLock;

/// The non-empty `/`-separated segments of a path template.
fn segments(template: &str) -> impl Iterator<Item = &str> {
    template.split('/').filter(|s| !s.is_empty())
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Every fixed (non-placeholder) segment of every registry path, sorted and de-duplicated.
fn all_fixed_words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut w: Vec<&'static str> = REGISTRY
            .iter()
            .flat_map(|d| segments(d.info.path))
            .filter(|s| !is_param(s))
            .collect();
        w.sort_unstable();
        w.dedup();
        w
    })
}

/// The sibling routes of `template` that have a fixed word where `template` has the
/// placeholder at segment `index` (0-based, counting non-empty segments), as
/// `(word, sibling template)` pairs in registry order.
///
/// A sibling is any other registry path whose segments before `index` match those of
/// `template` (equal words, or a placeholder on either side).
///
/// ```
/// let words: Vec<&str> = dbc_types::routes::sibling_words("/api/v1/lan/{network_name}", 3)
///     .into_iter()
///     .map(|(w, _)| w)
///     .collect();
/// assert_eq!(words, ["create", "delete"]);
/// ```
pub fn sibling_words(template: &str, index: usize) -> Vec<(&'static str, &'static str)> {
    let own: Vec<&str> = segments(template).collect();
    let Some(prefix) = own.get(..index) else {
        return Vec::new();
    };
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for d in REGISTRY {
        let other = d.info.path;
        if other == template {
            continue;
        }
        let segs: Vec<&'static str> = segments(other).collect();
        let Some(word) = segs.get(index).copied() else {
            continue;
        };
        if is_param(word) || out.iter().any(|(w, _)| *w == word) {
            continue;
        }
        let same_prefix = segs
            .iter()
            .zip(prefix)
            .all(|(a, b)| a == b || is_param(a) || is_param(b));
        if same_prefix {
            out.push((word, other));
        }
    }
    out
}

/// Checks the value of the placeholder `name` at segment `index` of `template`.
///
/// # Errors
///
/// A [`ValidationError`] for `name` when the value is `.` or `..`, or equals a fixed word of a
/// sibling route (see [`sibling_words`]). The message names the route the node would run.
pub fn check_path_value(
    template: &str,
    name: &str,
    index: usize,
    value: &str,
) -> Result<(), ValidationError> {
    if value == "." || value == ".." {
        return Err(ValidationError::new(
            name.to_owned(),
            format!(
                "`{value}` is path navigation, which proxies and the node resolve to another route; use the real {name}"
            ),
        ));
    }
    // Fast path: almost every value (ids, names) is no fixed word of any route.
    if all_fixed_words().binary_search(&value).is_err() {
        return Ok(());
    }
    if let Some((word, sibling)) = sibling_words(template, index)
        .into_iter()
        .find(|(w, _)| *w == value)
    {
        return Err(ValidationError::new(
            name.to_owned(),
            format!(
                "`{word}` is a fixed word of the route `{sibling}`: the node would run that endpoint instead of `{template}`; use the real {name}"
            ),
        ));
    }
    Ok(())
}

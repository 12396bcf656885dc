//! Human tables (comfy-table): borderless, columns two spaces apart, fitted to the terminal
//! width; `--wide` shows every column in full, `--no-headers` drops the header line.

use super::view::View;
use comfy_table::{presets, ContentArrangement, Table};

/// Columns shown without `--wide` (identifiers and status come first; NODE and ERROR always stay).
pub const DEFAULT_MAX_COLUMNS: usize = 8;
/// Longest cell without `--wide` (longer ones end in `…`).
pub const DEFAULT_MAX_CELL: usize = 60;

/// Columns that are always shown, whatever the column limit or the width: the node and the
/// error of fleet tables.
fn always_shown(header: &str) -> bool {
    matches!(header, "NODE" | "ERROR")
}

/// Identifier columns are never shortened (they are copied into the next command).
fn is_identifier(header: &str) -> bool {
    header == "NODE" || header == "ID" || header.ends_with("_ID") || header.ends_with("ID:")
}

/// Narrowest a column is cut to when it is the last one that fits.
const MIN_CUT_WIDTH: usize = 10;
/// Narrowest an ERROR column is squeezed to when fitting the width.
const MIN_ERROR_WIDTH: usize = 24;

fn one_line(cell: &str) -> String {
    cell.replace(['\n', '\r', '\t'], " ")
}

fn shorten(cell: &str, max: usize) -> String {
    if cell.chars().count() <= max {
        return cell.to_owned();
    }
    let mut t: String = cell.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Renders `rows` under `headers`, one line per row. Cells are already text; an empty cell
/// prints as `-`.
///
/// Without `--wide`: at most [`DEFAULT_MAX_COLUMNS`] columns (NODE and ERROR always stay),
/// cells cut at [`DEFAULT_MAX_CELL`] characters (identifiers never), and, when the terminal
/// width is known, only the columns that fit (the ERROR column is shortened to fit).
/// With `--wide`: every column, cells in full.
pub fn render(headers: &[String], rows: &[Vec<String>], view: &View) -> String {
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            (0..headers.len())
                .map(|i| {
                    let c = row.get(i).map(String::as_str).unwrap_or("");
                    let c = one_line(if c.trim().is_empty() { "-" } else { c });
                    let h = headers.get(i).map(String::as_str).unwrap_or("");
                    if view.wide || is_identifier(h) {
                        c
                    } else {
                        shorten(&c, DEFAULT_MAX_CELL)
                    }
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            let head = if view.no_headers {
                0
            } else {
                headers.get(i).map(|h| h.chars().count()).unwrap_or(0)
            };
            texts
                .iter()
                .map(|r| r.get(i).map(|c| c.chars().count()).unwrap_or(0))
                .chain([head])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let width_of = |i: usize| widths.get(i).copied().unwrap_or(0);
    let header_of = |i: usize| headers.get(i).map(String::as_str).unwrap_or("");

    // Which columns, and how wide the ERROR column may be.
    let mut keep: Vec<usize> = Vec::new();
    let mut error_max: Option<usize> = None;
    // A column cut to fit the rest of the width: (index, max chars).
    let mut cut: Option<(usize, usize)> = None;
    if view.wide {
        keep = (0..headers.len()).collect();
    } else {
        let budget = view.width;
        let mut used: usize = (0..headers.len())
            .filter(|&i| always_shown(header_of(i)) && header_of(i) != "ERROR")
            .map(|i| width_of(i) + 2)
            .sum();
        let error = (0..headers.len()).find(|&i| header_of(i) == "ERROR");
        if error.is_some() {
            used += MIN_ERROR_WIDTH;
        }
        let mut others = 0usize;
        for i in 0..headers.len() {
            let h = header_of(i);
            if always_shown(h) {
                keep.push(i);
                continue;
            }
            if others >= DEFAULT_MAX_COLUMNS {
                continue;
            }
            let w = width_of(i) + 2;
            if let Some(b) = budget.filter(|b| used + w > *b && !keep.is_empty()) {
                // Room for a shortened last column?
                let room = b.saturating_sub(used + 2);
                if cut.is_none() && room >= MIN_CUT_WIDTH && !is_identifier(h) {
                    cut = Some((i, room));
                    used += room + 2;
                    others += 1;
                    keep.push(i);
                }
                continue;
            }
            used += w;
            others += 1;
            keep.push(i);
        }
        if let (Some(b), Some(e)) = (budget, error) {
            let rest = b.saturating_sub(used.saturating_sub(MIN_ERROR_WIDTH));
            error_max = Some(rest.max(MIN_ERROR_WIDTH).min(width_of(e)));
        }
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if !view.no_headers {
        table.set_header(keep.iter().map(|&i| header_of(i).to_owned()));
    }
    for row in &texts {
        table.add_row(keep.iter().map(|&i| {
            let c = row.get(i).cloned().unwrap_or_default();
            match (error_max, cut) {
                (Some(m), _) if header_of(i) == "ERROR" => shorten(&c, m),
                (_, Some((ci, m))) if ci == i => shorten(&c, m),
                _ => c,
            }
        }));
    }
    let last = keep.len().saturating_sub(1);
    for (i, col) in table.column_iter_mut().enumerate() {
        col.set_padding((0, if i == last { 0 } else { 2 }));
    }
    table
        .trim_fmt()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(wide: bool, no_headers: bool, width: Option<usize>) -> View {
        View {
            wide,
            no_headers,
            width,
            jq: None,
        }
    }

    fn data() -> (Vec<String>, Vec<Vec<String>>) {
        let headers: Vec<String> = (0..12).map(|i| format!("COL{i}")).collect();
        let rows = vec![
            (0..12).map(|i| format!("value-{i}")).collect(),
            (0..12).map(|_| String::new()).collect(),
        ];
        (headers, rows)
    }

    #[test]
    fn columns_are_limited_unless_wide() {
        let (h, r) = data();
        let narrow = render(&h, &r, &view(false, false, None));
        assert!(
            narrow.contains("COL7") && !narrow.contains("COL8"),
            "{narrow}"
        );
        let wide = render(&h, &r, &view(true, false, None));
        assert!(wide.contains("COL11"), "{wide}");
    }

    #[test]
    fn empty_cells_print_dash_and_headers_can_go() {
        let (h, r) = data();
        let t = render(&h, &r, &view(false, true, None));
        assert!(!t.contains("COL0"), "{t}");
        assert_eq!(t.lines().count(), 2, "{t}");
        assert!(t.lines().nth(1).unwrap_or_default().starts_with('-'), "{t}");
    }

    #[test]
    fn fits_the_terminal_width() {
        let headers = vec!["ID".to_owned(), "DESC".to_owned()];
        let rows = vec![vec!["abc".to_owned(), "word ".repeat(30)]];
        let t = render(&headers, &rows, &view(false, false, Some(40)));
        assert!(t.lines().all(|l| l.chars().count() <= 40), "{t}");
        let wide = render(&headers, &rows, &view(true, false, Some(40)));
        assert!(wide.lines().any(|l| l.chars().count() > 40), "{wide}");
    }

    #[test]
    fn identifiers_stay_whole_and_errors_shrink_to_fit() {
        let id = "a".repeat(64);
        let headers = vec![
            "NODE".to_owned(),
            "TASK_ID".to_owned(),
            "STATUS".to_owned(),
            "ERROR".to_owned(),
        ];
        let rows = vec![
            vec![id.clone(), "t".repeat(22), "running".into(), String::new()],
            vec![
                id.clone(),
                String::new(),
                String::new(),
                "timeout: ".repeat(20),
            ],
        ];
        let t = render(&headers, &rows, &view(false, false, Some(120)));
        assert!(t.lines().all(|l| l.chars().count() <= 120), "{t}");
        assert!(t.lines().skip(1).all(|l| l.starts_with(&id)), "{t}");
        assert!(t.contains(&"t".repeat(22)), "{t}");
        assert_eq!(t.lines().count(), 3, "{t}");
    }
}

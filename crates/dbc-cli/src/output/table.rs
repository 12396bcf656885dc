//! Human tables (comfy-table): borderless, columns two spaces apart, fitted to the terminal
//! width; `--wide` shows every column in full, `--no-headers` drops the header line.

use super::view::View;
use comfy_table::{presets, ContentArrangement, Table};

/// Columns shown without `--wide` (identifiers and status come first; NODE and ERROR always stay).
pub const DEFAULT_MAX_COLUMNS: usize = 8;
/// Longest cell without `--wide` (longer ones end in `…`).
pub const DEFAULT_MAX_CELL: usize = 60;

/// Columns that are always shown, whatever the column limit.
fn always_shown(header: &str) -> bool {
    matches!(header, "NODE" | "ERROR")
}

fn shorten(cell: &str, max: usize) -> String {
    let one_line = cell.replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Renders `rows` under `headers`. Cells are already text; an empty cell prints as `-`.
pub fn render(headers: &[String], rows: &[Vec<String>], view: &View) -> String {
    // Which columns: all with --wide, else the first DEFAULT_MAX_COLUMNS plus NODE/ERROR.
    let mut keep: Vec<usize> = Vec::new();
    let mut others = 0usize;
    for (i, h) in headers.iter().enumerate() {
        if view.wide || always_shown(h) {
            keep.push(i);
        } else if others < DEFAULT_MAX_COLUMNS {
            others += 1;
            keep.push(i);
        }
    }
    let cell = |row: &Vec<String>, i: usize| -> String {
        let c = row.get(i).map(String::as_str).unwrap_or("");
        let c = if c.trim().is_empty() { "-" } else { c };
        if view.wide {
            c.replace(['\n', '\r', '\t'], " ")
        } else {
            shorten(c, DEFAULT_MAX_CELL)
        }
    };
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    match (view.wide, view.width) {
        (false, Some(w)) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(u16::try_from(w).unwrap_or(u16::MAX));
        }
        _ => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    if !view.no_headers {
        table.set_header(
            keep.iter()
                .map(|&i| headers.get(i).cloned().unwrap_or_default()),
        );
    }
    for row in rows {
        table.add_row(keep.iter().map(|&i| cell(row, i)));
    }
    let last = keep.len().saturating_sub(1);
    for (i, col) in table.column_iter_mut().enumerate() {
        col.set_padding((0, if i == last { 0 } else { 2 }));
    }
    let text = table.trim_fmt();
    // The preset leaves separator-free lines; drop any blank ones it may produce.
    text.lines()
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
}

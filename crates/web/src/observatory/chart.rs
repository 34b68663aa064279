//! Horizontal bar charts drawn on the server as SVG: no script, no style
//! attributes (the CSP forbids inline styles), only presentation attributes. Each
//! chart's page shows its data as a table beside it, for screen readers.

use crate::view::html_escape as escape;

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 260;
const ROW: i64 = 28;
const BAR: i64 = 18;
/// Room on the right of the longest bar for its value.
const VALUE_ROOM: i64 = 48;

/// A label cut to fit the space left of the bars; the full text is in the table.
fn short(label: &str) -> String {
    const MAX: usize = 38;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        format!("{}…", label.chars().take(MAX - 1).collect::<String>())
    }
}

/// An SVG bar chart of `rows` (label, value), titled `title`; `id` must be unique
/// in the page.
pub fn bars(id: &str, title: &str, rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) as i64 + 8;
    let span = WIDTH - LABEL_WIDTH - VALUE_ROOM;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4 + ROW * i as i64;
        let length = (span * value / max).max(if *value > 0 { 2 } else { 0 });
        svg.push_str(&format!(
            "<g><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1a1a1a\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" fill=\"#0066cc\"></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{value}</text></g>",
            LABEL_WIDTH - 8,
            y + 14,
            escape(&short(label)),
            LABEL_WIDTH + length + 6,
            y + 14,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_labels() {
        let svg = bars("c1", "Per anno", &[("<2022>".into(), 4), ("2023".into(), 2)]);
        assert!(svg.contains("&#60;2022&#62;"));
        assert!(svg.contains(&format!("width=\"{}\"", WIDTH - LABEL_WIDTH - VALUE_ROOM)));
        assert!(svg.contains(&format!("width=\"{}\"", (WIDTH - LABEL_WIDTH - VALUE_ROOM) / 2)));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("style="));
    }
}

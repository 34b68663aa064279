//! Horizontal bar charts drawn on the server as SVG: the page needs no script, and
//! the figures come from the same numbers as the data table printed beside them.

use crate::view::html_escape as escape;

/// One bar: its label, its value and the text printed after it.
pub struct Bar {
    pub label: String,
    pub value: u32,
    pub text: String,
}

const ROW: u32 = 28;
const LABEL_WIDTH: u32 = 260;
const BAR_WIDTH: u32 = 400;

/// The width of a bar of `value` on a scale up to `max`, in SVG units.
pub fn bar_width(value: u32, max: u32) -> u32 {
    (value.min(max) * BAR_WIDTH).checked_div(max).unwrap_or(0)
}

/// An accessible chart: `<title>` and `<desc>` name it, each bar has its own title.
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[Bar], max: u32) -> String {
    let height = ROW * bars.len() as u32 + 8;
    let width = LABEL_WIDTH + BAR_WIDTH + 80;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as u32 * ROW + 4;
        let label: String = bar.label.chars().take(38).collect();
        let w = bar_width(bar.value, max);
        svg.push_str(&format!(
            "<g><title>{full}: {text}</title>\
             <text x=\"0\" y=\"{ty}\" font-size=\"13\">{label}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"#1f5f8b\" data-value=\"{value}\"></rect>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{text}</text></g>",
            full = escape(&bar.label),
            text = escape(&bar.text),
            label = escape(&label),
            value = bar.value,
            ty = y + 14,
            tx = LABEL_WIDTH + w + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_to_scale_and_named() {
        assert_eq!((bar_width(50, 100), bar_width(0, 0), bar_width(200, 100)), (200, 0, 400));
        let svg = bar_chart(
            "c",
            "Titolo & co",
            "Descrizione",
            &[Bar { label: "A<b>".into(), value: 5, text: "5 punti".into() }],
            10,
        );
        assert!(svg.contains("<title id=\"c-title\">Titolo &#38; co</title>"));
        assert!(svg.contains("width=\"200\"") && svg.contains("<title>A&#60;b&#62;: 5 punti</title>"));
    }
}

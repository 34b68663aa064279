//! The check-in code as a QR symbol: SVG for pages, text blocks for plain e-mail.

use qrcode::QrCode;
use qrcode::render::{svg, unicode};

/// An SVG QR symbol of `code`, with its text as the accessible name.
pub fn svg(code: &str, label: &str) -> String {
    match QrCode::new(code.as_bytes()) {
        Ok(qr) => {
            let image = qr.render::<svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build();
            // The renderer writes a bare <svg>; the page needs it named for screen readers.
            let named = format!("<svg role=\"img\" aria-label=\"{}\"", escape(label));
            image.split_once("?>").map_or(image.clone(), |(_, rest)| rest.trim_start().to_string()).replacen("<svg", &named, 1)
        }
        Err(_) => String::new(),
    }
}

/// The symbol drawn with half-block characters, two modules per character row, dark
/// modules filled: for a plain-text e-mail read on a light background.
pub fn text(code: &str) -> String {
    QrCode::new(code.as_bytes())
        .map(|qr| qr.render::<unicode::Dense1x2>().quiet_zone(true).build())
        .unwrap_or_default()
}

/// Text for an XML attribute or element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_is_named_and_drawn() {
        let image = svg("ABC234", "Codice <ABC234>");
        assert!(image.starts_with("<svg role=\"img\" aria-label=\"Codice &lt;ABC234&gt;\""), "{}", &image[..80.min(image.len())]);
        assert!(image.contains("<path") || image.contains("<rect"));
        assert!(text("ABC234").lines().count() > 10);
    }
}

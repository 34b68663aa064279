//! The check-in code as a QR symbol: SVG for pages, text blocks for plain e-mail, a
//! PNG image for the HTML e-mail; and a participant's codes as their pages show them.

use concerto_domain::ReceivedExpression;
use qrcode::render::{svg, unicode};
use qrcode::{Color, QrCode};

use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;
use crate::view::html_escape;

/// Pixels per module of the PNG, and the quiet zone around the symbol in modules.
const PNG_SCALE: usize = 7;
const QUIET_ZONE: usize = 4;

/// An SVG QR symbol of `code`, with its text as the accessible name.
pub fn svg(code: &str, label: &str) -> String {
    match QrCode::new(code.as_bytes()) {
        Ok(qr) => {
            let image = qr.render::<svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build();
            // The renderer writes a bare <svg>; the page needs it named for screen readers.
            let named = format!("<svg role=\"img\" aria-label=\"{}\"", html_escape(label));
            image
                .split_once("?>")
                .map_or(image.clone(), |(_, rest)| rest.trim_start().to_string())
                .replacen("<svg", &named, 1)
        }
        Err(_) => String::new(),
    }
}

/// The symbol drawn with half-block characters, two modules per character row, dark
/// modules filled: for a plain-text e-mail read on a light background.
pub fn text(code: &str) -> String {
    QrCode::new(code.as_bytes()).map(|qr| qr.render::<unicode::Dense1x2>().quiet_zone(true).build()).unwrap_or_default()
}

/// The symbol as an 8-bit grayscale PNG, black modules on white with the quiet zone
/// the standard asks for: 203 pixels square for a six-character code. Empty if the
/// code cannot be encoded or written (it always can: six characters of a fixed alphabet).
pub fn png(code: &str) -> Vec<u8> {
    let Ok(qr) = QrCode::new(code.as_bytes()) else { return Vec::new() };
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = ((i % modules + QUIET_ZONE) * PNG_SCALE, (i / modules + QUIET_ZONE) * PNG_SCALE);
            for row in y..y + PNG_SCALE {
                pixels[row * side + x..row * side + x + PNG_SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder.write_header().and_then(|mut w| {
        w.write_image_data(&pixels)?;
        w.finish()
    });
    if written.is_ok() { out } else { Vec::new() }
}

/// A representative's check-in code, with its QR symbol.
pub struct CodeView {
    pub name: String,
    pub code: String,
    pub svg: String,
}

/// The check-in codes of an expression's representatives, once invited.
pub async fn codes_of(state: &AppState, ctx: &PageContext, e: &ReceivedExpression) -> Result<Vec<CodeView>, WebError> {
    let tax_code = e.expression.applicant.tax_code.to_string();
    Ok(state
        .store
        .checkin_codes(e.process_id)
        .await?
        .into_iter()
        .filter(|c| c.tax_code == tax_code)
        .map(|c| CodeView {
            svg: svg(&c.code, &ctx.tf("tables.code.qr", &[("name", &c.rep_name), ("code", &c.code)])),
            name: c.rep_name,
            code: c.code,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_is_named_and_drawn() {
        let image = svg("ABC234", "Codice <ABC234>");
        assert!(
            image.starts_with("<svg role=\"img\" aria-label=\"Codice &#60;ABC234&#62;\""),
            "{}",
            &image[..80.min(image.len())]
        );
        assert!(image.contains("<path") || image.contains("<rect"));
        assert!(text("ABC234").lines().count() > 10);
    }

    #[test]
    fn the_png_decodes_back_to_the_modules() {
        let bytes = png("ABC234");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        let qr = QrCode::new(b"ABC234").unwrap();
        let side = (qr.width() + 2 * QUIET_ZONE) * PNG_SCALE;
        assert_eq!((info.width as usize, info.height as usize), (side, side));
        // Each module's centre pixel has the module's colour; the quiet zone is white.
        for (i, color) in qr.to_colors().iter().enumerate() {
            let (x, y) = ((i % qr.width() + QUIET_ZONE) * PNG_SCALE + 3, (i / qr.width() + QUIET_ZONE) * PNG_SCALE + 3);
            assert_eq!(pixels[y * side + x] == 0, *color == Color::Dark, "module {i}");
        }
        assert!(pixels[..side * QUIET_ZONE * PNG_SCALE].iter().all(|&p| p == 255));
    }
}

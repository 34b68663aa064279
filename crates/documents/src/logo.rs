//! The letterhead logo an Ambito uploads (issue 16): PNG or SVG, recognised by its
//! content, never by the name or type the browser sends, and drawn once by typst
//! before it is accepted.

use chrono::NaiveDate;
use serde::Serialize;

use crate::letterhead::{Letterhead, Logo, LogoFormat};
use crate::render::{render_with, template};

/// The largest logo accepted: a letterhead mark, not a photograph.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The PNG signature (ISO/IEC 15948, 5.2).
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Why a logo was refused, in the words the form shows beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("Il logo supera il limite di 512 KB: caricarne una versione più leggera.")]
    TooLarge,
    #[error("Il logo deve essere un'immagine PNG o SVG.")]
    NotAnImage,
    #[error("Il logo non può essere stampato: l'immagine è danneggiata o usa elementi non supportati.")]
    Unrenderable,
}

#[derive(Serialize)]
struct LogoSheet<'a> {
    letterhead: &'a Letterhead,
}

/// Recognises a logo by its bytes: the PNG signature, or an XML document whose root
/// element is `<svg>` (a DTD, and so entity expansion, is refused by the parser).
/// Then draws it in a letterhead: what typst cannot draw is refused here rather
/// than missing from documents later.
pub fn check_logo(bytes: &[u8]) -> Result<Logo, LogoError> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoError::TooLarge);
    }
    let format = if bytes.starts_with(PNG_SIGNATURE) {
        LogoFormat::Png
    } else if is_svg(bytes) {
        LogoFormat::Svg
    } else {
        return Err(LogoError::NotAnImage);
    };
    let logo = Logo { format, bytes: bytes.to_vec() };
    let letterhead =
        Letterhead { logo: Some(logo.clone()), ambito: "LOGO".into(), municipalities: vec![], province: String::new() };
    let data = serde_json::to_value(LogoSheet { letterhead: &letterhead }).map_err(|_| LogoError::Unrenderable)?;
    let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    render_with(template!("logo"), data, Some(&logo), day).map_err(|error| {
        tracing::info!(%error, "logo refused: typst cannot draw it");
        LogoError::Unrenderable
    })?;
    Ok(logo)
}

fn is_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match roxmltree::Document::parse(text) {
        Ok(doc) => doc.root_element().tag_name().name() == "svg",
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="navy"/></svg>"#;

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(check_logo(SVG.as_bytes()).map(|l| l.format), Ok(LogoFormat::Svg));
        assert_eq!(check_logo(b"GIF89a....").map(|l| l.format), Err(LogoError::NotAnImage));
        assert_eq!(check_logo(b"<html><body>no</body></html>").map(|l| l.format), Err(LogoError::NotAnImage));
        assert_eq!(check_logo(b"%PDF-1.7").map(|l| l.format), Err(LogoError::NotAnImage));
        assert_eq!(check_logo(&vec![b' '; MAX_LOGO_BYTES + 1]).map(|l| l.format), Err(LogoError::TooLarge));
        // The PNG signature and nothing else is no image typst can draw.
        assert_eq!(check_logo(PNG_SIGNATURE).map(|l| l.format), Err(LogoError::Unrenderable));
    }

    #[test]
    fn entities_are_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"#;
        assert_eq!(check_logo(bomb.as_bytes()).map(|l| l.format), Err(LogoError::NotAnImage));
    }
}

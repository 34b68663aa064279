//! The letterhead logo (issue 16): it heads every PDF of an Ambito that has one,
//! and a hostile SVG (scripts, links to other files) neither runs nor reads
//! anything nor breaks a document.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

#[allow(dead_code)] // the fixtures serve the snapshot tests too
mod fixtures;

use concerto_documents::*;
use concerto_domain::Process;

const PNG: &[u8] = include_bytes!("fixtures/logo.png");
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30" viewBox="0 0 60 30">
  <rect width="60" height="30" fill="#003366"/><circle cx="15" cy="15" r="10" fill="#ffcc00"/></svg>"##;
/// A script, links to local and remote files and to the document's own data: none
/// may run, be read or fail the document.
const HOSTILE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="30" onload="alert(1)">
  <script type="application/ecmascript">alert(document.cookie)</script>
  <image href="https://attacker.invalid/track.png" width="10" height="10"/>
  <image xlink:href="file:///etc/passwd" width="10" height="10"/>
  <image href="/data.json" width="10" height="10"/>
  <use href="https://attacker.invalid/sprite.svg#x"/>
  <rect width="60" height="30" fill="#336600"/></svg>"##;

/// Every PDF of `process`, its letterhead's logo set to `logo`.
fn documents(process: &Process, logo: Option<&Logo>) -> Vec<(&'static str, Vec<u8>)> {
    let expressions = fixtures::expressions(process);
    let set = |l: &mut Letterhead| l.logo = logo.cloned();
    let mut n = Notice::new(process, None, fixtures::today());
    set(&mut n.letterhead);
    let mut r = Receipt::new(process, &expressions[0]);
    set(&mut r.letterhead);
    let mut p = Pact::new(process, &expressions[0]);
    set(&mut p.letterhead);
    let mut s = Summary::new(process, &[], fixtures::today());
    set(&mut s.letterhead);
    let session = process.sessions_in_calendar_order()[0];
    let registered = attendees(process, session, &expressions);
    let mut sheet = SignInSheet::new(process, session, registered.clone(), fixtures::today());
    set(&mut sheet.letterhead);
    let mut certificate = AttendanceCertificate::new(process, session, registered[0].clone(), fixtures::today());
    set(&mut certificate.letterhead);
    vec![
        ("notice", notice(&n).unwrap()),
        ("receipt", receipt(&r).unwrap()),
        ("pact", pact(&p).unwrap()),
        ("summary", summary(&s).unwrap()),
        ("sign_in_sheet", sign_in_sheet(&sheet).unwrap()),
        ("attendance_certificate", attendance_certificate(&certificate).unwrap()),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether the PDF carries a raster image (an /Image XObject), spaces aside.
fn has_image(pdf: &[u8]) -> bool {
    contains(pdf, b"/Subtype /Image") || contains(pdf, b"/Subtype/Image")
}

fn process() -> Process {
    fixtures::processes().into_iter().find(|p| p.header.slug == "esempio-2026-2028").expect("the demo's open process")
}

#[test]
fn a_png_logo_heads_every_document_and_none_without_it() {
    let process = process();
    let logo = check_logo(PNG).expect("a valid PNG");
    assert_eq!(logo.format, LogoFormat::Png);
    for ((name, with), (_, without)) in documents(&process, Some(&logo)).into_iter().zip(documents(&process, None)) {
        assert!(has_image(&with), "{name} with a logo carries an image");
        assert!(!has_image(&without), "{name} without a logo carries none");
    }
}

#[test]
fn an_svg_logo_is_drawn_as_vectors() {
    let process = process();
    let logo = check_logo(SVG.as_bytes()).expect("a valid SVG");
    assert_eq!(logo.format, LogoFormat::Svg);
    for ((name, with), (_, without)) in documents(&process, Some(&logo)).into_iter().zip(documents(&process, None)) {
        assert_ne!(with, without, "{name} changes with its logo");
        assert!(with.len() > without.len(), "{name}: the SVG's drawing is in the PDF");
    }
}

#[test]
fn a_hostile_svg_breaks_no_document() {
    let process = process();
    // Whether the check accepts it (links simply find nothing) or refuses it, no
    // document fails: a hostile logo stored anyway renders, at worst without it.
    let checked = check_logo(HOSTILE_SVG.as_bytes());
    assert!(matches!(checked, Ok(_) | Err(LogoError::Unrenderable)), "{checked:?}");
    eprintln!("hostile SVG at upload: {:?}", checked.as_ref().map(|l| l.format));
    let stored = Logo { format: LogoFormat::Svg, bytes: HOSTILE_SVG.as_bytes().to_vec() };
    for (name, pdf) in documents(&process, Some(&stored)) {
        assert!(pdf.starts_with(b"%PDF-"), "{name} renders");
        assert!(!contains(&pdf, b"alert("), "{name}: no script reaches the PDF");
        assert!(!contains(&pdf, b"root:x:0"), "{name}: no local file is read");
    }
    // A logo that is no image at all, stored behind the checks' back.
    let broken = Logo { format: LogoFormat::Png, bytes: b"\x89PNG\r\n\x1a\nnot really".to_vec() };
    for (name, pdf) in documents(&process, Some(&broken)) {
        assert!(pdf.starts_with(b"%PDF-") && !has_image(&pdf), "{name} renders without the broken logo");
    }
}

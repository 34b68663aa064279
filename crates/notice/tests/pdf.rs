//! A notice printed to PDF reads the same as its text.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::{NoticeError, extract_pdf_text, import, parse_notice};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

const SEED: &str = include_str!("seeds/000_c7aa5ff5bb19b09b.txt");
const FONT_SIZE: i64 = 10;
const LINE_HEIGHT: i64 = 12;
const COLUMN_WIDTH: i64 = 110;
const TOP: i64 = 800;
const BOTTOM: i64 = 60;

/// One page per chunk of lines; table cells (tab-separated) are placed in
/// columns, as a word processor would print a table.
fn notice_pdf(text: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    };
    let font_id = doc.add_object(font.clone());
    // The encoding does not depend on the document; a scratch one keeps `doc` free to grow.
    let scratch = Document::new();
    let encoding = font.get_font_encoding(&scratch).expect("WinAnsi encoding");
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });

    let mut pages: Vec<Vec<Operation>> = vec![Vec::new()];
    let mut y = TOP;
    for line in text.lines() {
        if y < BOTTOM {
            pages.push(Vec::new());
            y = TOP;
        }
        let operations = pages.last_mut().expect("a page");
        for (column, cell) in line.split('\t').enumerate().filter(|(_, cell)| !cell.is_empty()) {
            let x = 40 + COLUMN_WIDTH * column as i64;
            operations.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), FONT_SIZE.into()]),
                Operation::new("Td", vec![x.into(), y.into()]),
                Operation::new("Tj", vec![Object::string_literal(encoding.string_to_bytes(cell))]),
                Operation::new("ET", vec![]),
            ]);
        }
        y -= LINE_HEIGHT;
    }
    let kids: Vec<Object> = pages
        .into_iter()
        .map(|operations| {
            let content = Content { operations }.encode().expect("content");
            let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("saved");
    bytes
}

#[test]
fn pdf_of_a_notice_gives_the_same_draft_as_its_text() {
    let pdf = notice_pdf(SEED);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = extract_pdf_text(&pdf).expect("text layer");
    assert!(text.contains("qualità della vita"), "accents survive WinAnsiEncoding");
    assert!(text.contains("1\t13/06/2022\t9,00\t13,00\tConfronto"), "table cells come back as columns");
    let from_pdf = import(&pdf).expect("draft");
    assert_eq!(from_pdf.without_provenance(), parse_notice(SEED).without_provenance());
    assert_eq!(from_pdf.sessions.len(), 9);
}

#[test]
fn text_import_is_lossy_utf8() {
    let mut bytes = b"\xef\xbb\xbfAmbito Territoriale Sociale di Casarano \xff".to_vec();
    bytes.extend_from_slice("– entro le ore 12,00 del 08/06/2022".as_bytes());
    let draft = import(&bytes).expect("draft");
    assert_eq!(draft.ambito.as_deref(), Some("Casarano"));
    assert!(draft.deadline.is_some());
}

#[test]
fn errors_are_reported_in_italian() {
    assert!(matches!(import(b"   \n"), Err(NoticeError::Empty)));
    let broken = import(b"%PDF-1.7\nnot really a pdf");
    assert!(matches!(broken, Err(NoticeError::UnreadablePdf(_))), "{broken:?}");
    let message = broken.map(|_| ()).unwrap_err().to_string();
    assert!(message.starts_with("il PDF non è leggibile"), "{message}");
    let empty_page = notice_pdf("\t");
    assert!(matches!(extract_pdf_text(&empty_page), Err(NoticeError::NoTextInPdf)));
}

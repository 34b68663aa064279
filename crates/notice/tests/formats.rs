//! The Casarano seed saved as a web page and as a Word document, both made
//! here from its text, gives the same draft as the text itself.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use concerto_notice::{Format, detect_format, import, parse_notice};
use std::io::Write;

const SEED: &str = include_str!("seeds/000_c7aa5ff5bb19b09b.txt");

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A web page as a site would publish the notice: navigation, a share bar and
/// a footer around an article whose paragraphs are the notice's lines, its
/// tab-separated rows a table.
fn as_html(text: &str) -> String {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() > 1 {
            if !in_table {
                body.push_str("<table>\n");
                in_table = true;
            }
            let row: String = cells.iter().map(|c| format!("<td>{}</td>", escape(c))).collect();
            body.push_str(&format!("<tr>{row}</tr>\n"));
            continue;
        }
        if in_table {
            body.push_str("</table>\n");
            in_table = false;
        }
        if !line.trim().is_empty() {
            body.push_str(&format!("<p>{}</p>\n", escape(line)));
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Avviso</title>\
         <script>var menu = '<p>Lunedì 1 giugno ore 10</p>';</script></head><body>\
         <nav><ul><li>Home</li><li>Servizi sociali</li></ul></nav>\
         <main><article>\n{body}<div class=\"share\"><button>Condividi</button></div></article></main>\
         <footer>Comune di Casarano – P.IVA 00000000000</footer></body></html>"
    )
}

/// A minimal Word document (Office Open XML): one paragraph per line, the
/// tab-separated rows as a table, zipped as Word zips it.
fn as_docx(text: &str) -> Vec<u8> {
    let run = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(t));
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() > 1 {
            if !in_table {
                body.push_str("<w:tbl>");
                in_table = true;
            }
            let row: String = cells.iter().map(|c| format!("<w:tc><w:p>{}</w:p></w:tc>", run(c))).collect();
            body.push_str(&format!("<w:tr>{row}</w:tr>"));
            continue;
        }
        if in_table {
            body.push_str("</w:tbl>");
            in_table = false;
        }
        body.push_str(&format!("<w:p>{}</w:p>", run(line)));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [("[Content_Types].xml", content_types), ("word/document.xml", document.as_str())] {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn html_of_the_seed_gives_the_same_draft_as_its_text() {
    let page = as_html(SEED);
    assert_eq!(detect_format(page.as_bytes()), Format::Html);
    let draft = import(page.as_bytes()).expect("draft");
    assert!(!draft.text.contains("Condividi") && !draft.text.contains("P.IVA"), "navigation and footer are dropped");
    assert_eq!(draft.without_provenance(), parse_notice(SEED).without_provenance());
    assert_eq!(draft.sessions.len(), 9);
}

#[test]
fn docx_of_the_seed_gives_the_same_draft_as_its_text() {
    let document = as_docx(SEED);
    assert_eq!(detect_format(&document), Format::Docx);
    let draft = import(&document).expect("draft");
    assert_eq!(draft.without_provenance(), parse_notice(SEED).without_provenance());
    assert_eq!(draft.sessions.len(), 9);
}

#[test]
fn a_zip_that_is_not_a_word_document_is_refused() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default()).expect("entry");
    zip.write_all(b"AVVISO").expect("write");
    let bytes = zip.finish().expect("zip").into_inner();
    let error = import(&bytes).expect_err("not a notice");
    assert!(error.to_string().contains("documento Word"), "{error}");
}

//! PDF text extraction on any bytes that start like a PDF: text or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut pdf = b"%PDF-1.5\n".to_vec();
    pdf.extend_from_slice(data);
    let _ = concerto_notice::extract_pdf_text(&pdf);
});

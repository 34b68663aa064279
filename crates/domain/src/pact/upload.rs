//! The signed pact an organization uploads: a PDF (signed by hand and scanned, or
//! with an embedded PAdES signature) or a CAdES envelope (`.p7m`). The type is read
//! from the content, never from the file's name.

use serde::Serialize;

/// The largest signed file accepted: a scanned pact of a few pages fits easily.
pub const MAX_SIGNED_FILE_BYTES: usize = 10 * 1024 * 1024;

/// What kind of signed file was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedFileKind {
    Pdf,
    /// CMS SignedData in DER (firma digitale CAdES).
    P7m,
}

codes!(SignedFileKind { Pdf => "pdf", P7m => "p7m" });

impl SignedFileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            SignedFileKind::Pdf => "application/pdf",
            SignedFileKind::P7m => "application/pkcs7-mime",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            SignedFileKind::Pdf => "pdf",
            SignedFileKind::P7m => "pdf.p7m",
        }
    }
}

/// A file that passed the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignedFile {
    pub kind: SignedFileKind,
    /// A digital signature is present: always for a `.p7m`; for a PDF, when it
    /// carries a signature dictionary (firma digitale rilevata).
    pub signature_detected: bool,
}

/// Why an upload is refused. Each names what the person can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("Il file è vuoto: scegliere il patto firmato.")]
    Empty,
    #[error("Il file supera la dimensione massima di {} MB.", MAX_SIGNED_FILE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error(
        "Il file non è un PDF né un file firmato .p7m, qualunque sia il suo nome: caricare il patto firmato in PDF o in .p7m."
    )]
    UnknownType,
    #[error("Il file .p7m non contiene una busta di firma CAdES leggibile.")]
    MalformedP7m,
    #[error("Il PDF è incompleto o danneggiato.")]
    TruncatedPdf,
}

impl UploadError {
    pub fn code(self) -> &'static str {
        match self {
            UploadError::Empty => "empty_file",
            UploadError::TooLarge => "file_too_large",
            UploadError::UnknownType => "unknown_file_type",
            UploadError::MalformedP7m => "malformed_p7m",
            UploadError::TruncatedPdf => "truncated_pdf",
        }
    }
}

/// The DER encoding of the OID 1.2.840.113549.1.7.2 (signedData).
const SIGNED_DATA_OID: [u8; 11] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// Checks a received file by its content.
pub fn inspect_signed_file(bytes: &[u8]) -> Result<SignedFile, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_SIGNED_FILE_BYTES {
        return Err(UploadError::TooLarge);
    }
    // The PDF header may follow a little junk: readers look in the first kilobyte.
    if contains(&bytes[..bytes.len().min(1024)], b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !contains(tail, b"%%EOF") {
            return Err(UploadError::TruncatedPdf);
        }
        return Ok(SignedFile { kind: SignedFileKind::Pdf, signature_detected: pdf_has_signature(bytes) });
    }
    if bytes[0] == 0x30 {
        return if is_cms_signed_data(bytes) {
            Ok(SignedFile { kind: SignedFileKind::P7m, signature_detected: true })
        } else {
            Err(UploadError::MalformedP7m)
        };
    }
    Err(UploadError::UnknownType)
}

/// A PAdES or Adobe signature leaves a signature dictionary: `/Type /Sig` or a
/// `/ByteRange` with the `/Contents` it covers.
fn pdf_has_signature(bytes: &[u8]) -> bool {
    contains(bytes, b"/Type /Sig")
        || contains(bytes, b"/Type/Sig")
        || (contains(bytes, b"/ByteRange") && contains(bytes, b"/Contents"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One DER tag-length header: (tag, content length or `None` when indefinite,
/// header length).
fn header(bytes: &[u8]) -> Option<(u8, Option<usize>, usize)> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some((tag, Some(first as usize), 2));
    }
    let count = (first & 0x7F) as usize;
    if count == 0 {
        // BER indefinite length: some signing tools still write it.
        return Some((tag, None, 2));
    }
    if count > 4 {
        return None;
    }
    let mut length = 0usize;
    for i in 0..count {
        length = (length << 8) | *bytes.get(2 + i)? as usize;
    }
    Some((tag, Some(length), 2 + count))
}

/// ContentInfo ::= SEQUENCE { contentType OID signedData, [0] EXPLICIT SignedData },
/// SignedData ::= SEQUENCE { version INTEGER, … }. Only the structure is checked;
/// the signature's validity is for a verification service.
fn is_cms_signed_data(bytes: &[u8]) -> bool {
    let Some((0x30, length, skip)) = header(bytes) else { return false };
    if length.is_some_and(|l| skip + l > bytes.len()) {
        return false;
    }
    let rest = &bytes[skip..];
    if !rest.starts_with(&SIGNED_DATA_OID) {
        return false;
    }
    let rest = &rest[SIGNED_DATA_OID.len()..];
    let Some((0xA0, _, skip)) = header(rest) else { return false };
    let rest = &rest[skip..];
    let Some((0x30, _, skip)) = header(rest) else { return false };
    rest.get(skip) == Some(&0x02)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(body: &str) -> Vec<u8> {
        format!("%PDF-1.7\n{body}\ntrailer\n<<>>\n%%EOF\n").into_bytes()
    }

    /// A ContentInfo with signedData and a SignedData starting with its version.
    fn p7m() -> Vec<u8> {
        let signed_data = [0x30, 0x03, 0x02, 0x01, 0x01];
        let mut explicit = vec![0xA0, signed_data.len() as u8];
        explicit.extend_from_slice(&signed_data);
        let mut content = SIGNED_DATA_OID.to_vec();
        content.extend_from_slice(&explicit);
        let mut out = vec![0x30, 0x82, 0x00, content.len() as u8];
        out.extend_from_slice(&content);
        out
    }

    #[test]
    fn a_plain_pdf_is_accepted_without_a_signature() {
        let file = inspect_signed_file(&pdf("1 0 obj << /Type /Catalog >> endobj")).unwrap();
        assert_eq!(file, SignedFile { kind: SignedFileKind::Pdf, signature_detected: false });
    }

    #[test]
    fn a_signature_dictionary_is_detected_in_either_spelling() {
        for body in
            ["<< /Type /Sig /Filter /Adobe.PPKLite >>", "<</Type/Sig>>", "<< /ByteRange [0 10 20 30] /Contents <00> >>"]
        {
            assert!(inspect_signed_file(&pdf(body)).unwrap().signature_detected, "{body}");
        }
        assert!(!inspect_signed_file(&pdf("<< /ByteRange [0 1 2 3] >>")).unwrap().signature_detected);
    }

    #[test]
    fn a_cades_envelope_is_recognised_by_structure() {
        assert_eq!(
            inspect_signed_file(&p7m()).unwrap(),
            SignedFile { kind: SignedFileKind::P7m, signature_detected: true }
        );
        let mut other_oid = p7m();
        other_oid[4 + 10] = 0x01; // 1.2.840.113549.1.7.1: data, not signedData
        assert_eq!(inspect_signed_file(&other_oid), Err(UploadError::MalformedP7m));
        let truncated = &p7m()[..10];
        assert_eq!(inspect_signed_file(truncated), Err(UploadError::MalformedP7m));
    }

    #[test]
    fn content_decides_not_the_name_and_bad_files_are_named() {
        assert_eq!(inspect_signed_file(b""), Err(UploadError::Empty));
        assert_eq!(inspect_signed_file(b"PK\x03\x04 a zip renamed .pdf"), Err(UploadError::UnknownType));
        assert_eq!(inspect_signed_file(b"\x89PNG\r\n\x1a\n"), Err(UploadError::UnknownType));
        assert_eq!(inspect_signed_file(b"%PDF-1.4\n1 0 obj"), Err(UploadError::TruncatedPdf));
        let big = vec![b' '; MAX_SIGNED_FILE_BYTES + 1];
        assert_eq!(inspect_signed_file(&big), Err(UploadError::TooLarge));
    }
}

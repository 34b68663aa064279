//! Why a document could not be read. Messages are shown to plan-office staff.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum NoticeError {
    #[error("il documento è vuoto")]
    Empty,
    #[error("il PDF non è leggibile: {0}")]
    UnreadablePdf(String),
    #[error("il PDF è protetto da password e non può essere letto")]
    EncryptedPdf,
    #[error("il PDF non contiene testo estraibile (forse è una scansione: serve il riconoscimento del testo)")]
    NoTextInPdf,
    #[error("il documento Word non è leggibile: {0}")]
    UnreadableDocx(String),
    #[error("l'archivio non è un documento Word (manca word/document.xml)")]
    NotADocx,
}

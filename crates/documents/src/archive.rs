//! ZIP archives of many documents, for the plan office's bulk downloads (every
//! pact of a process, every sign-in sheet). Deflate only; entries carry a fixed
//! timestamp so the same documents give the same archive.

use std::io::{Seek, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("impossibile scrivere l'archivio ZIP: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("impossibile scrivere l'archivio ZIP: {0}")]
    Io(#[from] std::io::Error),
    #[error("il file {0} compare due volte nell'archivio")]
    Duplicate(String),
}

/// An archive being written, one document at a time, so a caller can report
/// progress between entries.
pub struct ZipBuilder<W: Write + Seek> {
    writer: ZipWriter<W>,
    names: std::collections::HashSet<String>,
}

impl<W: Write + Seek> ZipBuilder<W> {
    pub fn new(out: W) -> Self {
        ZipBuilder { writer: ZipWriter::new(out), names: Default::default() }
    }

    /// Adds `bytes` as `name` (a path inside the archive, `/` between folders).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
        if !self.names.insert(name.to_owned()) {
            return Err(ArchiveError::Duplicate(name.to_owned()));
        }
        let options =
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(6));
        self.writer.start_file(name, options)?;
        self.writer.write_all(bytes)?;
        Ok(())
    }

    /// Writes the central directory and hands the output back.
    pub fn finish(self) -> Result<W, ArchiveError> {
        Ok(self.writer.finish()?)
    }
}

/// An archive of `entries` (name, bytes) in memory.
pub fn zip<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Vec<u8>, ArchiveError> {
    let mut builder = ZipBuilder::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        builder.add(name, bytes)?;
    }
    Ok(builder.finish()?.into_inner())
}

/// A file name safe in an archive and in a Content-Disposition header: ASCII
/// letters, digits and dashes, accents dropped to their letter ("Nardò" → "nardo").
pub fn file_name(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(80).collect();
    if out.is_empty() { "documento".to_owned() } else { out }
}

fn fold_accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' => 'u',
        c if c.is_ascii() => c,
        _ => ' ',
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_name("Patto – Associazione \"Il Faro\" di Nardò"), "patto-associazione-il-faro-di-nardo");
        assert_eq!(file_name("../../etc"), "etc");
        assert_eq!(file_name("✓"), "documento");
    }

    #[test]
    fn archives_hold_each_entry_once_and_read_back() {
        let bytes = zip([("a.pdf", b"%PDF-1.7 a".as_slice()), ("b.pdf", b"%PDF-1.7 b".as_slice())]).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("b.pdf").unwrap(), &mut text).unwrap();
        assert_eq!(text, "%PDF-1.7 b");
        assert!(matches!(zip([("a", b"".as_slice()), ("a", b"".as_slice())]), Err(ArchiveError::Duplicate(_))));
    }
}

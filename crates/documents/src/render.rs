//! The typst engine behind every PDF: one small world that serves a template
//! compiled into the binary, the shared letterhead and the document's data as a
//! virtual `data.json`. User data reaches typst only as JSON values read with
//! `json()`, never as markup, so nothing a user types can become typst code.

use std::sync::LazyLock;

use crate::letterhead::{Letterhead, Logo};
use crate::printable;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Why a document could not be rendered: always a bug in a template or in the
/// data's shape, never the user's input, so callers answer with a server error.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("modello {template}: {message}")]
    Typst { template: &'static str, message: String },
    #[error("dati del documento non serializzabili: {0}")]
    Data(#[from] serde_json::Error),
}

/// A document template (modello), its typst source compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Template {
    pub name: &'static str,
    pub source: &'static str,
}

macro_rules! template {
    ($name:literal) => {
        $crate::render::Template { name: $name, source: include_str!(concat!("../templates/", $name, ".typ")) }
    };
}
pub(crate) use template;

/// The shared letterhead and styles every template imports as `/common.typ`.
const COMMON: &str = include_str!("../templates/common.typ");
const DATA_PATH: &str = "/data.json";

/// Fonts and the standard library, loaded once per process: a warm render only
/// lays out the document.
struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    common: Source,
}

/// Fallbacks for what Libertinus Serif lacks, in the order typst tries them: Latin
/// diacritics, Greek and Cyrillic; Arabic; Chinese, Japanese and Korean; emoji.
/// `fonts/README.md` says where each comes from and under which licence.
const FALLBACK_FONTS: [&[u8]; 6] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
    include_bytes!("../fonts/DroidSansFallback.ttf"),
    include_bytes!("../fonts/Symbola-Emoji.ttf"),
];

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let fonts: Vec<Font> =
        typst_assets::fonts().chain(FALLBACK_FONTS).flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Engine {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        common: Source::new(file_id("/common.typ"), COMMON.to_owned()),
    }
});

fn file_id(path: &str) -> FileId {
    // Paths here are constants of this module, all valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("invalid constant path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One render: a template, its data, the letterhead's logo, and the date the
/// document carries.
struct DocumentWorld {
    main: Source,
    data: Bytes,
    logo: Option<(FileId, Bytes)>,
    today: NaiveDate,
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &ENGINE.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &ENGINE.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == ENGINE.common.id() {
            Ok(ENGINE.common.clone())
        } else {
            Err(not_found(id))
        }
    }

    /// The data and the logo, nothing else: an SVG logo that links another file
    /// (`<image href="…">`) finds nothing to read, on disk or on the network.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id(DATA_PATH) {
            return Ok(self.data.clone());
        }
        match &self.logo {
            Some((logo, bytes)) if *logo == id => Ok(bytes.clone()),
            _ => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        ENGINE.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}

/// Sources parsed once per template: typst's caches then recognise them across renders.
fn main_source(template: Template) -> Source {
    Source::new(file_id(&format!("/{}.typ", template.name)), template.source.to_owned())
}

/// Renders `template` with `data` as a PDF/A-2b, tagged, dated `date`, headed by
/// `letterhead`'s logo when it has one. The same input always gives the same bytes,
/// so a document's SHA-256 identifies it. A logo typst cannot draw (stored before
/// the upload's checks, or a format a later typst refuses) never costs the
/// document: it is rendered again without the logo, and the failure logged.
pub(crate) fn render(
    template: Template,
    data: &impl Serialize,
    letterhead: &Letterhead,
    date: NaiveDate,
) -> Result<Vec<u8>, RenderError> {
    let data = serde_json::to_value(data)?;
    let Some(logo) = &letterhead.logo else {
        return render_with(template, data, None, date);
    };
    match render_with(template, data.clone(), Some(logo), date) {
        Ok(pdf) => Ok(pdf),
        Err(error) => {
            tracing::warn!(template = template.name, %error, "the letterhead logo cannot be drawn: rendered without it");
            let mut data = data;
            strip_logo(&mut data);
            render_with(template, data, None, date)
        }
    }
}

/// Sets every `logo` key of the data's letterheads to null.
fn strip_logo(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("logo") && map.contains_key("ambito") {
                map.insert("logo".into(), serde_json::Value::Null);
            }
            map.values_mut().for_each(strip_logo);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_logo),
        _ => {}
    }
}

pub(crate) fn render_with(
    template: Template,
    mut data: serde_json::Value,
    logo: Option<&Logo>,
    date: NaiveDate,
) -> Result<Vec<u8>, RenderError> {
    let missing = printable::replace_unprintable(&mut data, |c| {
        ENGINE.fonts.iter().any(|f| f.info().coverage.contains(c as u32))
    });
    if !missing.is_empty() {
        tracing::warn!(template = template.name, missing = %printable::describe(&missing), "characters no font has are printed as placeholders");
    }
    let logo = logo.map(|l| (file_id(l.format.path()), Bytes::new(l.bytes.clone())));
    let world =
        DocumentWorld { main: main_source(template), data: Bytes::new(serde_json::to_vec(&data)?), logo, today: date };
    let fail = |diagnostics: &[SourceDiagnostic]| RenderError::Typst {
        template: template.name,
        message: describe(diagnostics),
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|d| fail(&d))?;
    let options = PdfOptions {
        ident: Smart::Custom(template.name.to_owned()),
        creator: Smart::Custom(Some("Concerto".to_owned())),
        timestamp: Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
            .map(Timestamp::new_utc),
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| RenderError::Typst { template: template.name, message: e.message().to_string() })?,
        tagged: true,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|d| fail(&d));
    // Keep typst's memo caches from growing with every distinct document a
    // long-running server renders.
    typst::comemo::evict(30);
    pdf
}

fn describe(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ")
}

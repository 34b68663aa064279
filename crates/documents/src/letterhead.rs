//! The Ambito's letterhead (intestazione), as seeds 000 and 003 print it: the row of
//! member municipalities on top, then the Ambito's name and its province.

use concerto_domain::NewAmbito;
use serde::{Serialize, Serializer};

/// The letterhead logo's format, as its content showed when it was uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Svg,
}

impl LogoFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Svg => "image/svg+xml",
        }
    }

    pub fn from_content_type(content_type: &str) -> Option<LogoFormat> {
        match content_type {
            "image/png" => Some(LogoFormat::Png),
            "image/svg+xml" => Some(LogoFormat::Svg),
            _ => None,
        }
    }

    /// The virtual file typst reads the logo from: the bytes never enter the
    /// document's JSON, only this path does.
    pub(crate) fn path(self) -> &'static str {
        match self {
            LogoFormat::Png => "/logo.png",
            LogoFormat::Svg => "/logo.svg",
        }
    }
}

/// An Ambito's letterhead logo (PNG or SVG), checked by [`crate::check_logo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub format: LogoFormat,
    pub bytes: Vec<u8>,
}

/// In the document's data a logo is its virtual path, or null.
fn logo_path<S: Serializer>(logo: &Option<Logo>, serializer: S) -> Result<S::Ok, S::Error> {
    logo.as_ref().map(|l| l.format.path()).serialize(serializer)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letterhead {
    /// The Ambito's logo, on top of every document when it has one.
    #[serde(serialize_with = "logo_path")]
    pub logo: Option<Logo>,
    /// "AMBITO TERRITORIALE SOCIALE DI CASARANO".
    pub ambito: String,
    /// Member municipalities, lead first, in the Ambito's order.
    pub municipalities: Vec<String>,
    /// "PROVINCIA DI LECCE".
    pub province: String,
}

impl Letterhead {
    pub fn of(ambito: &NewAmbito) -> Letterhead {
        Letterhead {
            logo: None,
            ambito: ambito.full_name().to_uppercase(),
            municipalities: ambito.municipalities.iter().map(|m| m.to_uppercase()).collect(),
            province: province_heading(&ambito.province),
        }
    }
}

/// "PROVINCIA DI LECCE" for `LE`; metropolitan cities and unknown codes as written.
fn province_heading(code: &str) -> String {
    let code = code.trim().to_uppercase();
    match PROVINCES.iter().find(|(c, _)| *c == code) {
        Some((_, name)) if METROPOLITAN.contains(&code.as_str()) => {
            format!("CITTÀ METROPOLITANA DI {}", name.to_uppercase())
        }
        Some((_, name)) => format!("PROVINCIA DI {}", name.to_uppercase()),
        None => format!("PROVINCIA ({code})"),
    }
}

const METROPOLITAN: &[&str] = &["BA", "BO", "CA", "CT", "FI", "GE", "ME", "MI", "NA", "PA", "RC", "RM", "TO", "VE"];

/// Italian province codes (sigle automobilistiche) and names.
const PROVINCES: &[(&str, &str)] = &[
    ("AG", "Agrigento"),
    ("AL", "Alessandria"),
    ("AN", "Ancona"),
    ("AO", "Aosta"),
    ("AP", "Ascoli Piceno"),
    ("AQ", "L'Aquila"),
    ("AR", "Arezzo"),
    ("AT", "Asti"),
    ("AV", "Avellino"),
    ("BA", "Bari"),
    ("BG", "Bergamo"),
    ("BI", "Biella"),
    ("BL", "Belluno"),
    ("BN", "Benevento"),
    ("BO", "Bologna"),
    ("BR", "Brindisi"),
    ("BS", "Brescia"),
    ("BT", "Barletta-Andria-Trani"),
    ("BZ", "Bolzano"),
    ("CA", "Cagliari"),
    ("CB", "Campobasso"),
    ("CE", "Caserta"),
    ("CH", "Chieti"),
    ("CL", "Caltanissetta"),
    ("CN", "Cuneo"),
    ("CO", "Como"),
    ("CR", "Cremona"),
    ("CS", "Cosenza"),
    ("CT", "Catania"),
    ("CZ", "Catanzaro"),
    ("EN", "Enna"),
    ("FC", "Forlì-Cesena"),
    ("FE", "Ferrara"),
    ("FG", "Foggia"),
    ("FI", "Firenze"),
    ("FM", "Fermo"),
    ("FR", "Frosinone"),
    ("GE", "Genova"),
    ("GO", "Gorizia"),
    ("GR", "Grosseto"),
    ("IM", "Imperia"),
    ("IS", "Isernia"),
    ("KR", "Crotone"),
    ("LC", "Lecco"),
    ("LE", "Lecce"),
    ("LI", "Livorno"),
    ("LO", "Lodi"),
    ("LT", "Latina"),
    ("LU", "Lucca"),
    ("MB", "Monza e della Brianza"),
    ("MC", "Macerata"),
    ("ME", "Messina"),
    ("MI", "Milano"),
    ("MN", "Mantova"),
    ("MO", "Modena"),
    ("MS", "Massa-Carrara"),
    ("MT", "Matera"),
    ("NA", "Napoli"),
    ("NO", "Novara"),
    ("NU", "Nuoro"),
    ("OR", "Oristano"),
    ("PA", "Palermo"),
    ("PC", "Piacenza"),
    ("PD", "Padova"),
    ("PE", "Pescara"),
    ("PG", "Perugia"),
    ("PI", "Pisa"),
    ("PN", "Pordenone"),
    ("PO", "Prato"),
    ("PR", "Parma"),
    ("PT", "Pistoia"),
    ("PU", "Pesaro e Urbino"),
    ("PV", "Pavia"),
    ("PZ", "Potenza"),
    ("RA", "Ravenna"),
    ("RC", "Reggio Calabria"),
    ("RE", "Reggio Emilia"),
    ("RG", "Ragusa"),
    ("RI", "Rieti"),
    ("RM", "Roma"),
    ("RN", "Rimini"),
    ("RO", "Rovigo"),
    ("SA", "Salerno"),
    ("SI", "Siena"),
    ("SO", "Sondrio"),
    ("SP", "La Spezia"),
    ("SR", "Siracusa"),
    ("SS", "Sassari"),
    ("SU", "Sud Sardegna"),
    ("SV", "Savona"),
    ("TA", "Taranto"),
    ("TE", "Teramo"),
    ("TN", "Trento"),
    ("TO", "Torino"),
    ("TP", "Trapani"),
    ("TR", "Terni"),
    ("TS", "Trieste"),
    ("TV", "Treviso"),
    ("UD", "Udine"),
    ("VA", "Varese"),
    ("VB", "Verbano-Cusio-Ossola"),
    ("VC", "Vercelli"),
    ("VE", "Venezia"),
    ("VI", "Vicenza"),
    ("VR", "Verona"),
    ("VT", "Viterbo"),
    ("VV", "Vibo Valentia"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_read_as_the_seeds_print_them() {
        assert_eq!(province_heading("LE"), "PROVINCIA DI LECCE");
        assert_eq!(province_heading("br"), "PROVINCIA DI BRINDISI");
        assert_eq!(province_heading("BA"), "CITTÀ METROPOLITANA DI BARI");
        assert_eq!(province_heading("ZZ"), "PROVINCIA (ZZ)");
    }
}

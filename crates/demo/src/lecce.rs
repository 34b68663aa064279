//! Seed 002: the notice of the Ambito Territoriale Sociale di Lecce for the Piano
//! Sociale di Zona 2014-2016, dated 9 October 2013, with every phase and session.

use concerto_domain::{ApplicationChannels, NewSession, ProcessStatus, SessionKind};

use crate::DemoProcess;
use crate::builder::*;

const OFFICE: &str = "Ufficio di Piano – Via San Massimiliano Kolbe – Lecce";
const HALL: &str = "Sala Conferenze – San Massimiliano Kolbe – Via Terni, Lecce";
const UNIONS: &str = "Organizzazioni sindacali maggiormente rappresentative (CGIL, CISL, UIL, UGL, CISAL), Ufficio di Piano, Servizio Sociale Professionale e Sindaci dei Comuni dell'Ambito";
const HEALTH_SERVICES: &str =
    "Ufficio di Piano, Servizio Sociale Professionale e servizi del distretto socio sanitario";

pub fn demo() -> DemoProcess {
    let mut ambito = ambito(
        "lecce",
        "Lecce",
        "LE",
        &[
            "Lecce",
            "Arnesano",
            "Cavallino",
            "Lequile",
            "Lizzanello",
            "Monteroni di Lecce",
            "San Cesario di Lecce",
            "San Donato di Lecce",
            "San Pietro in Lama",
            "Surbo",
        ],
    );
    ambito.address = Some("Via San Massimiliano Kolbe, Lecce".into());
    ambito.contacts.email = Some("segretariatosociale@comune.lecce.it".into());
    ambito.contacts.phone = Some("800 724292".into());
    ambito.contacts.website = Some("https://www.comune.lecce.it".into());

    let mut header = header(
        "lecce-2014-2016",
        "Processo di pianificazione e di concertazione per l'elaborazione del Piano Sociale di Zona 2014-2016",
        2014,
        2016,
    );
    header.status = ProcessStatus::Closed;
    header.regional_plan = Some(
        "III Piano Regionale delle Politiche Sociali 2013-2015 (DGR n. 1534 del 02/08/2013, BURP n. 123 del 17/09/2013)".into(),
    );
    header.legal_references.push("Deliberazione del Coordinamento Istituzionale n. 11 del 09/10/2013".into());
    header.deadline = deadline(2013, 10, 18, 12, 0);
    header.channels = ApplicationChannels {
        email: Some("segretariatosociale@comune.lecce.it".into()),
        pec: None,
        url: Some("https://www.comune.lecce.it".into()),
        online_form: false,
    };
    header.contact_person = Some("Sportello di segretariato sociale, dal lunedì al venerdì dalle 09:00 alle 13:00, tel. 800 724292; fax 0832 315842".into());
    header.description = "Al fine di valorizzare e coinvolgere tutti gli attori sociali pubblici e privati e i soggetti del terzo settore nelle attività di co-progettazione dei servizi, l'Ambito Territoriale Sociale di Lecce comunica l'avvio del percorso di concertazione e programmazione partecipata per la stesura del Piano Sociale di Zona 2014-2016.".into();
    header.eligibility = "Sono invitati tutti gli attori sociali, pubblici e privati e liberi cittadini del territorio (OdV, APS, cooperative sociali, enti di formazione, organizzazioni no profit, associazioni di categoria, Onlus, parrocchie, istituti scolastici) interessati alla pianificazione sociale. L'intervento nella prima sessione vale quale adesione alla concertazione. I Patti di partecipazione si sottoscrivono con le organizzazioni del terzo settore costituite da almeno un anno alla data del 14 novembre 2013.".into();
    header.minimum_age =
        date(2013, 11, 14).map(|reference_date| concerto_domain::MinimumAge { years: 1, reference_date });
    header.signatory = signatory("Il Responsabile dell'Ufficio di Piano", "Dott.ssa Anna Maria Perulli");

    let mut p = ProcessBuilder::new(header);
    let phase1 = p.phase("Fase 1: Concertazione e programmazione preliminare", "");
    let phase2 = p.phase("Fase 2: Progettazione partecipata", "");
    let phase3 = p.phase_dated(
        "Fase 3: Elaborazione del nuovo Piano Sociale di Zona",
        "Stesura dello schema di piano: bozza del III Piano di zona, scelte strategiche per l'assetto gestionale e organizzativo, adeguamento dei regolamenti di ambito, programmazione finanziaria, PAC anziani e infanzia.",
        date(2013, 10, 29),
        date(2013, 11, 8),
    );
    let phase4 = p.phase("Fase 4: Conferenza di Concertazione Generale", "");
    let phase5 = p.phase_dated(
        "Fase 5: Adozione del Piano",
        "Dal 18 al 30 novembre 2013 i Consigli Comunali approvano la convenzione per la gestione associata e prendono atto del Documento programmatico di Piano.",
        date(2013, 11, 15),
        date(2013, 11, 30),
    );
    let phase6 = p.phase(
        "Fase 6: Conferenza dei Servizi",
        "Approvazione e finanziamento del III Piano di Zona, con la partecipazione della Regione Puglia, della ASL e della Provincia di Lecce.",
    );

    // The older cycle had its own tables, one per theme, outside the V plan's catalogue.
    let themes = [
        "Prima infanzia e conciliazione dei tempi e PAC Infanzia",
        "Contrasto alla povertà e percorsi di inclusione attiva",
        "La cultura dell'accoglienza",
        "Il sostegno alla genitorialità e la tutela dei diritti dei minori",
        "L'integrazione socio sanitaria e la presa in carico integrata delle non autosufficienze e PAC Anziani",
        "Il contrasto al maltrattamento ed alla violenza",
    ];
    let mut areas = Vec::new();
    for (i, theme) in themes.iter().enumerate() {
        let area = p.area(theme, None);
        p.table(&(i + 1).to_string(), theme, &[area]);
        areas.push(area);
    }

    let at_office = |phase, day, kind, title: &str, invited: &str| NewSession {
        phase: Some(phase),
        date: date(2013, 10, day),
        start: time(9, 0),
        venue: Some(OFFICE.into()),
        invited: (!invited.is_empty()).then(|| invited.to_string()),
        ..session(kind, title)
    };
    p.session(at_office(phase1, 17, SessionKind::Institutional, "Coordinamento Istituzionale di Ambito con la Provincia e la ASL per la definizione degli indirizzi programmatici per la concertazione", "Provincia, ASL"));
    p.session(at_office(
        phase1,
        18,
        SessionKind::Concertation,
        "Sessione di concertazione e programmazione preliminare tecnica sui servizi ad integrazione socio sanitaria",
        HEALTH_SERVICES,
    ));
    p.session(at_office(
        phase1,
        21,
        SessionKind::Concertation,
        "Sessione di concertazione e programmazione preliminare tecnica con le organizzazioni sindacali",
        UNIONS,
    ));

    p.session(NewSession {
        phase: Some(phase2),
        date: date(2013, 10, 22),
        start: time(15, 0),
        end: time(20, 0),
        venue: Some(HALL.into()),
        areas: areas.clone(),
        ..session(SessionKind::Plenary, "Prima sessione: sessione plenaria (Piano Regionale e obiettivi di servizio, valutazione ex post del Piano 2010-2013, governance e ruolo del terzo settore) e apertura dei tavoli")
    });
    p.session(NewSession {
        phase: Some(phase2),
        date: date(2013, 10, 23),
        start: time(15, 0),
        end: time(20, 0),
        venue: Some("San Massimiliano Kolbe – Via Terni, Lecce".into()),
        areas: areas.clone(),
        ..session(SessionKind::Table, "Seconda sessione: tavoli tematici")
    });
    p.session(at_office(
        phase2,
        24,
        SessionKind::Concertation,
        "Sessione di concertazione e programmazione tecnica sui servizi ad integrazione socio sanitaria",
        HEALTH_SERVICES,
    ));
    p.session(at_office(
        phase2,
        25,
        SessionKind::Concertation,
        "Sessione di concertazione e programmazione tecnica sui servizi ad integrazione socio sanitaria – PAC anziani",
        HEALTH_SERVICES,
    ));
    p.session(at_office(phase2, 28, SessionKind::Concertation, "Sessione di concertazione con le organizzazioni sindacali e sottoscrizione del protocollo di intesa per l'attuazione e la valutazione partecipata del PdZ 2014-2016", UNIONS));

    p.session(NewSession {
        date: date(2013, 11, 11),
        ..at_office(phase3, 1, SessionKind::Institutional, "Coordinamento Istituzionale di Ambito con la Provincia e la ASL (Direttore del Distretto) per la condivisione dello schema di piano", "Provincia, ASL")
    });
    p.session(NewSession {
        date: date(2013, 11, 13),
        ..at_office(
            phase4,
            1,
            SessionKind::Conference,
            "Illustrazione e condivisione dello schema del Piano di Zona con le organizzazioni sindacali",
            "Organizzazioni sindacali",
        )
    });
    p.session(NewSession {
        phase: Some(phase4),
        date: date(2013, 11, 14),
        start: time(15, 0),
        venue: Some(HALL.into()),
        invited: Some("Tutti gli attori sociali, pubblici e privati".into()),
        ..session(SessionKind::Conference, "Illustrazione e condivisione dello schema del Piano di Zona con tutti gli attori sociali; sottoscrizione dei Patti di Partecipazione e istituzione della Cabina di regia territoriale")
    });
    p.session(NewSession {
        date: date(2013, 11, 15),
        ..at_office(
            phase5,
            1,
            SessionKind::Institutional,
            "Coordinamento Istituzionale per l'adozione del Piano di Zona e l'indizione della Conferenza dei Servizi",
            "",
        )
    });
    p.session(NewSession {
        phase: Some(phase6),
        invited: Some("Regione Puglia, ASL, Provincia di Lecce".into()),
        ..session(
            SessionKind::Conference,
            "Conferenza dei Servizi per l'approvazione e il finanziamento del Piano di Zona",
        )
    });

    DemoProcess { ambito, process: p.build() }
}

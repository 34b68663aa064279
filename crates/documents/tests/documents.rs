//! Every document renders for every demo process; the text a reader (or a PDF
//! extractor) gets out of each one is pinned by a snapshot.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod fixtures;

use std::io::Write;
use std::process::{Command, Stdio};

use concerto_documents::*;
use concerto_domain::Process;

/// The text of a PDF as poppler's pdftotext extracts it.
fn text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// Writes the PDF where `CONCERTO_DOCUMENTS_OUT` points, to look at by eye.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("CONCERTO_DOCUMENTS_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), pdf).unwrap();
    }
}

fn check(name: String, pdf: Vec<u8>) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is no PDF");
    keep(&name, &pdf);
    let text = text(&pdf);
    insta::assert_snapshot!(name, text);
    text
}

/// Every document of `process` for `expressions`, named `{slug}__{document}`.
fn render_all(process: &Process, expressions: &[concerto_domain::ReceivedExpression]) -> Vec<(String, Vec<u8>)> {
    let slug = &process.header.slug;
    let mut out = vec![(format!("{slug}__notice"), notice(&Notice::new(process, None, fixtures::today())).unwrap())];
    for (e, label) in expressions.iter().zip(["association", "union", "citizen"]) {
        out.push((format!("{slug}__receipt_{label}"), receipt(&Receipt::new(process, e)).unwrap()));
    }
    out.push((format!("{slug}__pact"), pact(&Pact::new(process, &expressions[0])).unwrap()));
    out.push((format!("{slug}__memorandum"), pact(&Pact::new(process, &expressions[1])).unwrap()));
    let proposals = fixtures::proposals(process);
    let mut outcomes: Vec<ProposalOutcome> = proposals
        .iter()
        .map(|p| ProposalOutcome {
            id: p.id,
            title: p.title,
            body: &p.body,
            organization: p.organization,
            area_ids: &p.area_ids,
            supporters: p.supporters,
            outcome: p.outcome.as_ref(),
        })
        .collect();
    // The hostile processes' own proposals join the summary too.
    if slug.starts_with("hostile") {
        outcomes.extend(expressions.iter().filter_map(|e| {
            let p = e.expression.proposal.as_ref()?;
            Some(ProposalOutcome {
                id: 100 + e.id,
                title: &p.title,
                body: &p.text,
                organization: &e.expression.applicant.name,
                area_ids: &p.area_ids,
                supporters: 1,
                outcome: None,
            })
        }));
    }
    out.push((format!("{slug}__summary"), summary(&Summary::new(process, &outcomes, fixtures::today())).unwrap()));
    // Nardò's observatory record lists no sessions: nothing to sign in to.
    let Some(session) = process.sessions_in_calendar_order().first().copied() else {
        assert_eq!(slug, "nardo-2022-2024", "only Nardò has no sessions");
        return out;
    };
    // Invited representatives carry their check-in code; the last one is not invited yet.
    let mut registered = attendees(process, session, expressions);
    let uninvited = registered.pop();
    let mut registered: Vec<Attendee> =
        registered.into_iter().zip(["ABC234", "XYZ789", "HJK456"]).map(|(a, code)| a.with_code(code)).collect();
    registered.extend(uninvited);
    let sheet = SignInSheet::new(process, session, registered.clone(), fixtures::today());
    out.push((format!("{slug}__sign_in_sheet"), sign_in_sheet(&sheet).unwrap()));
    let attendee = registered.into_iter().next().expect("someone is registered for the first session");
    let certificate = AttendanceCertificate::new(process, session, attendee, fixtures::today());
    out.push((format!("{slug}__attendance_certificate"), attendance_certificate(&certificate).unwrap()));
    out
}

fn all_documents(process: &Process) {
    for (name, pdf) in render_all(process, &fixtures::expressions(process)) {
        check(name, pdf);
    }
}

/// What people and attackers type, in every text a document prints: each document
/// still renders, scripts the fonts have come out as text, the rest as placeholders.
#[test]
fn hostile_text_renders_in_every_document() {
    let hostile = [
        "Associazione 😀 Sorriso ❤️ 👍🏽",
        "协会 社会服务 日本語 한국어",
        "جمعية الخير",
        "Ελληνικά Кириллица Tiếng Việt ǅ ḁ",
        "fine\u{FFFF}\u{FDD0}\u{E000}",
        "\u{202E}evil\u{202C} \u{2066}iso\u{2069}",
        "Area\0con\x1bcontrolli\x07\r\nriga",
    ];
    let long = "N".repeat(5_000);
    for (i, text) in hostile.iter().copied().chain([long.as_str()]).enumerate() {
        let mut process = fixtures::processes().remove(0);
        process.header.slug = format!("hostile-{i}");
        process.ambito.profile.name = text.to_owned();
        process.areas.iter_mut().for_each(|a| a.name = text.to_owned());
        process.tables.iter_mut().for_each(|t| t.title = text.to_owned());
        for session in &mut process.sessions {
            session.title = text.to_owned();
            session.venue = Some(text.to_owned());
        }
        let mut expressions = fixtures::expressions(&process);
        for e in &mut expressions {
            e.expression.applicant.name = text.to_owned();
            e.expression.applicant.legal_representative = Some(text.to_owned());
            e.expression.participations.iter_mut().for_each(|p| p.representative.name = text.to_owned());
            e.expression.proposal =
                Some(concerto_domain::Proposal { title: text.to_owned(), text: text.to_owned(), area_ids: vec![] });
        }
        for (name, pdf) in render_all(&process, &expressions) {
            keep(&name, &pdf);
            let printed = self::text(&pdf);
            if i == 1 {
                assert!(printed.contains("协会"), "{name}: {printed}");
            }
            if i == 2 {
                assert!(printed.contains("الخير") || printed.contains("ﺍﻟﺨﻴﺮ"), "{name}: {printed}");
            }
            if i == 4 {
                assert!(printed.contains("fine\u{FFFD}"), "{name}: {printed}");
            }
        }
    }
}

#[test]
fn every_document_renders_for_every_demo_process() {
    let processes = fixtures::processes();
    assert_eq!(processes.len(), 5);
    for process in &processes {
        all_documents(process);
    }
}

#[test]
fn the_casarano_notice_carries_its_calendar_and_deadline() {
    let processes = fixtures::processes();
    let casarano = processes.iter().find(|p| p.header.slug == "casarano-2022-2024").unwrap();
    let text = text(&notice(&Notice::new(casarano, None, fixtures::today())).unwrap());
    assert!(text.contains("13/06/2022"), "{text}");
    assert!(text.contains("09:00"), "{text}");
    assert!(text.contains("08/06/2022, ore 12:00"), "{text}");
    assert!(text.contains("PROVINCIA DI LECCE"));
    assert!(text.contains("CASARANO · COLLEPASSO · MATINO"), "{text}");
}

#[test]
fn user_data_stays_text_and_the_same_input_gives_the_same_bytes() {
    let processes = fixtures::processes();
    let process = &processes[0];
    let association = &fixtures::expressions(process)[0];
    let first = pact(&Pact::new(process, association)).unwrap();
    let text = text(&first);
    // Typst markup typed into a name is printed as typed, never evaluated.
    assert!(text.contains("#set text(red) [x] $y$ <z> @w"), "{text}");
    assert_eq!(first, pact(&Pact::new(process, association)).unwrap());
}

#[test]
fn pdfs_declare_pdf_a_2b_and_carry_their_title() {
    let processes = fixtures::processes();
    let process = &processes[0];
    let pdf = notice(&Notice::new(process, None, fixtures::today())).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("<pdfaid:part>2</pdfaid:part>"), "no PDF/A part in the XMP metadata");
    assert!(raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "no PDF/A conformance level");
    assert!(raw.contains("GTS_PDFA1"), "no PDF/A output intent");
    assert!(raw.contains("/StructTreeRoot"), "not tagged");
}

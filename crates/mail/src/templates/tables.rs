//! The messages of the work at the tables: the invitation with the personal
//! check-in code, and the outcome of a proposal in the summary.

use concerto_store::{EmailAttachment, NewEmail};

use super::{AUTOMATIC_NOTICE, escape};

/// The Content-ID of the invitation's QR image.
const QR_CONTENT_ID: &str = "codice-qr@concerto";

/// An invitation to a session, carrying the representative's check-in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// `invite:{session id}:{code id}`: one message per person and session.
    pub dedup_key: String,
    pub recipient: String,
    pub representative: String,
    pub organization: String,
    pub process_title: String,
    pub session_title: String,
    /// `lunedì 13 giugno 2022 (13/06/2022), 09:30–12:30`, or `data da definire`.
    pub when: String,
    pub venue: Option<String>,
    /// The meeting link of an online or hybrid session: only invitees see it.
    pub meeting_link: Option<String>,
    pub code: String,
    /// The code as a QR symbol drawn with text blocks, for the entrance's scanner.
    pub qr_text: String,
    /// The same symbol as a PNG image, shown inline by the HTML part.
    pub qr_png: Vec<u8>,
    pub process_url: String,
}

/// The invitation as HTML: the same words as the text, the QR as an image.
fn invitation_html(i: &Invitation) -> String {
    let venue = i.venue.as_deref().unwrap_or("da definire");
    format!(
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>Invito – {session}</title></head><body>\n\
         <p>Gentile {rep},</p>\n\
         <p>Lei è invitato/a, per {org}, alla sessione «{session}» del processo «{process}».</p>\n\
         <p>Quando: {when}<br>\nDove: {venue}</p>\n{link}\
         <p>Il Suo codice personale di accesso è: <strong style=\"font-family: monospace; font-size: 1.4em\">{code}</strong></p>\n\
         <p>All'ingresso lo mostri o lo detti al personale; può anche mostrare il codice QR:</p>\n\
         <p><img src=\"cid:{QR_CONTENT_ID}\" alt=\"Codice QR del codice di accesso {code}\" width=\"203\" height=\"203\"></p>\n\
         <p>Il calendario aggiornato è pubblicato qui: <a href=\"{url}\">{url}</a></p>\n\
         <p><small>{AUTOMATIC_NOTICE}</small></p>\n</body></html>\n",
        rep = escape(&i.representative),
        org = escape(&i.organization),
        session = escape(&i.session_title),
        process = escape(&i.process_title),
        when = escape(&i.when),
        venue = escape(venue),
        link = i
            .meeting_link
            .as_ref()
            .map(|l| format!("<p>Collegamento alla riunione: <a href=\"{l}\">{l}</a></p>\n", l = escape(l)))
            .unwrap_or_default(),
        code = escape(&i.code),
        url = escape(&i.process_url),
    )
}

pub fn invitation(i: &Invitation) -> NewEmail {
    let body = format!(
        "Gentile {rep},\n\
         \n\
         Lei è invitato/a, per {org}, alla sessione «{session}»\n\
         del processo «{process}».\n\
         \n\
         Quando: {when}\n\
         Dove:   {venue}\n\
         {link}\
         \n\
         Il Suo codice personale di accesso è: {code}\n\
         All'ingresso lo mostri o lo detti al personale; può anche mostrare il codice QR qui sotto.\n\
         \n\
         {qr}\n\
         Il calendario aggiornato è pubblicato qui:\n\
         {url}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        rep = i.representative,
        org = i.organization,
        session = i.session_title,
        process = i.process_title,
        when = i.when,
        venue = i.venue.as_deref().unwrap_or("da definire"),
        link = i.meeting_link.as_ref().map(|l| format!("Collegamento alla riunione: {l}\n")).unwrap_or_default(),
        code = i.code,
        qr = i.qr_text,
        url = i.process_url,
    );
    NewEmail {
        dedup_key: i.dedup_key.clone(),
        recipient: i.recipient.clone(),
        subject: format!("Invito – {} – codice {}", i.session_title, i.code),
        body,
        html: Some(invitation_html(i)),
        attachments: vec![EmailAttachment {
            content_id: Some(QR_CONTENT_ID.into()),
            file_name: format!("codice-{}.png", i.code),
            content_type: "image/png".into(),
            content: i.qr_png.clone(),
        }],
    }
}

/// A proposal's outcome, told to whoever proposed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeNotice {
    /// `outcome:{proposal id}`.
    pub dedup_key: String,
    pub recipient: String,
    pub organization: String,
    pub process_title: String,
    pub proposal_title: String,
    /// `Accolta`, `Non accolta`, …
    pub outcome: String,
    pub motivation: Option<String>,
    /// The proposal it was merged into, by title.
    pub merged_into: Option<String>,
    pub summary_url: String,
}

pub fn proposal_outcome(o: &OutcomeNotice) -> NewEmail {
    let merged = o.merged_into.as_ref().map(|t| format!("Unita alla proposta: «{t}»\n")).unwrap_or_default();
    let motivation = o.motivation.as_ref().map(|m| format!("Motivazione: {m}\n")).unwrap_or_default();
    let body = format!(
        "Gentile {org},\n\
         \n\
         è stato pubblicato il prospetto di sintesi delle proposte del processo «{process}».\n\
         \n\
         Proposta: «{title}»\n\
         Esito:    {outcome}\n\
         {merged}{motivation}\
         \n\
         Il prospetto completo è qui:\n\
         {url}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        org = o.organization,
        process = o.process_title,
        title = o.proposal_title,
        outcome = o.outcome,
        url = o.summary_url,
    );
    NewEmail {
        dedup_key: o.dedup_key.clone(),
        recipient: o.recipient.clone(),
        subject: format!("Esito della proposta «{}»", o.proposal_title),
        body,
        ..NewEmail::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_carries_the_code_and_its_qr() {
        let mail = invitation(&Invitation {
            dedup_key: "invite:1:2".into(),
            recipient: "anna@example.org".into(),
            representative: "Anna".into(),
            organization: "APS Esempio".into(),
            process_title: "Piano".into(),
            session_title: "Tavolo 1".into(),
            when: "data da definire".into(),
            venue: None,
            meeting_link: None,
            code: "ABC234".into(),
            qr_text: "██  ██\n".into(),
            qr_png: b"\x89PNG".to_vec(),
            process_url: "http://x/processi/p?a=1&b=2".into(),
        });
        assert!(mail.subject.contains("ABC234"));
        assert!(mail.body.contains("codice personale di accesso è: ABC234") && mail.body.contains("██  ██"));
        let html = mail.html.expect("an HTML alternative");
        assert!(html.contains("<img src=\"cid:codice-qr@concerto\"") && html.contains(">ABC234</strong>"));
        assert!(html.contains("APS Esempio") && html.contains("?a=1&amp;b=2"), "{html}");
        assert_eq!(mail.attachments[0].content_id.as_deref(), Some("codice-qr@concerto"));
        assert_eq!(mail.attachments[0].content, b"\x89PNG");
    }

    #[test]
    fn the_outcome_names_the_motivation() {
        let mail = proposal_outcome(&OutcomeNotice {
            dedup_key: "outcome:1".into(),
            recipient: "org@example.org".into(),
            organization: "APS".into(),
            process_title: "Piano".into(),
            proposal_title: "Centro".into(),
            outcome: "Non accolta".into(),
            motivation: Some("Fuori budget".into()),
            merged_into: None,
            summary_url: "http://x/processi/p/sintesi".into(),
        });
        assert!(mail.body.contains("Esito:    Non accolta\nMotivazione: Fuori budget\n"));
    }
}

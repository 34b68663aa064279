//! The messages of meetings as people hold them: a calendar part for invitations
//! and changes, the offer of a seat freed on a full session, and the reminder
//! before a session.

use concerto_store::{EmailAttachment, NewEmail};

use super::{AUTOMATIC_NOTICE, escape};

/// The Content-ID of the reminder's QR image.
const QR_CONTENT_ID: &str = "codice-qr@concerto";

/// `email` with an iCalendar scheduling part (`method` REQUEST or CANCEL), which
/// calendar programs add to, move in or remove from the person's calendar.
pub fn with_calendar(mut email: NewEmail, method: &str, ics: String) -> NewEmail {
    email.attachments.push(EmailAttachment {
        content_id: None,
        file_name: "invito.ics".into(),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content: ics.into_bytes(),
    });
    email
}

/// A seat freed on a full session, kept for the first waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatOffer {
    /// `seat-offer:{seat id}:{deadline}`.
    pub dedup_key: String,
    pub recipient: String,
    pub representative: String,
    pub organization: String,
    pub process_title: String,
    pub session_title: String,
    pub when: String,
    /// `13/06/2022 alle 09:30`, in Rome.
    pub deadline: String,
    /// The link that confirms the seat.
    pub confirm_url: String,
}

pub fn seat_offer(o: &SeatOffer) -> NewEmail {
    let body = format!(
        "Gentile {rep},\n\
         \n\
         si è liberato un posto per {org} alla sessione «{session}»\n\
         del processo «{process}» ({when}), per cui era in lista d'attesa.\n\
         \n\
         Il posto è tenuto per Lei fino al {deadline}.\n\
         Per confermarlo apra questo collegamento:\n\
         {url}\n\
         \n\
         Se non conferma entro quell'ora, il posto passa al prossimo in lista.\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        rep = o.representative,
        org = o.organization,
        session = o.session_title,
        process = o.process_title,
        when = o.when,
        deadline = o.deadline,
        url = o.confirm_url,
    );
    NewEmail {
        dedup_key: o.dedup_key.clone(),
        recipient: o.recipient.clone(),
        subject: format!("Posto disponibile – {} – confermi entro il {}", o.session_title, o.deadline),
        body,
        ..NewEmail::default()
    }
}

/// The reminder before a session, to one invited or registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// `reminder:{session id}:{tax code}:{address}`.
    pub dedup_key: String,
    pub recipient: String,
    pub representative: String,
    pub process_title: String,
    pub session_title: String,
    pub when: String,
    /// The venue, or `online`.
    pub place: String,
    /// The meeting link of an online or hybrid session.
    pub meeting_link: Option<String>,
    /// The check-in code with its QR, once invited.
    pub code: Option<(String, Vec<u8>)>,
    pub session_url: String,
}

pub fn reminder(r: &Reminder) -> NewEmail {
    let link = r.meeting_link.as_ref().map(|l| format!("Collegamento alla riunione: {l}\n")).unwrap_or_default();
    let code = r.code.as_ref().map(|(c, _)| format!("Il Suo codice personale di accesso è: {c}\n")).unwrap_or_default();
    let body = format!(
        "Gentile {rep},\n\
         \n\
         Le ricordiamo la sessione «{session}» del processo «{process}».\n\
         \n\
         Quando: {when}\n\
         Dove:   {place}\n\
         {link}{code}\
         \n\
         La pagina della sessione:\n\
         {url}\n\
         \n\
         {AUTOMATIC_NOTICE}\n",
        rep = r.representative,
        session = r.session_title,
        process = r.process_title,
        when = r.when,
        place = r.place,
        url = r.session_url,
    );
    let html_link = r
        .meeting_link
        .as_ref()
        .map(|l| format!("<p>Collegamento alla riunione: <a href=\"{l}\">{l}</a></p>\n", l = escape(l)))
        .unwrap_or_default();
    let html_code = r
        .code
        .as_ref()
        .map(|(c, _)| {
            format!(
                "<p>Il Suo codice personale di accesso è: <strong>{c}</strong></p>\n\
                 <p><img src=\"cid:{QR_CONTENT_ID}\" alt=\"Codice QR del codice di accesso {c}\" width=\"203\" height=\"203\"></p>\n",
                c = escape(c)
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>Promemoria – {session}</title></head><body>\n\
         <p>Gentile {rep},</p>\n<p>Le ricordiamo la sessione «{session}» del processo «{process}».</p>\n\
         <p>Quando: {when}<br>\nDove: {place}</p>\n{html_link}{html_code}\
         <p>La pagina della sessione: <a href=\"{url}\">{url}</a></p>\n<p><small>{AUTOMATIC_NOTICE}</small></p>\n</body></html>\n",
        rep = escape(&r.representative),
        session = escape(&r.session_title),
        process = escape(&r.process_title),
        when = escape(&r.when),
        place = escape(&r.place),
        url = escape(&r.session_url),
    );
    NewEmail {
        dedup_key: r.dedup_key.clone(),
        recipient: r.recipient.clone(),
        subject: format!("Promemoria – {} – {}", r.session_title, r.when),
        body,
        html: Some(html),
        attachments: r
            .code
            .iter()
            .map(|(c, png)| EmailAttachment {
                content_id: Some(QR_CONTENT_ID.into()),
                file_name: format!("codice-{c}.png"),
                content_type: "image/png".into(),
                content: png.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_carries_the_link_the_code_and_its_qr() {
        let mail = reminder(&Reminder {
            dedup_key: "reminder:1:X:a@example.org".into(),
            recipient: "a@example.org".into(),
            representative: "Anna".into(),
            process_title: "Piano".into(),
            session_title: "Tavolo 1".into(),
            when: "domani".into(),
            place: "online".into(),
            meeting_link: Some("https://meet.example/abc?x=1&y=2".into()),
            code: Some(("ABC234".into(), b"\x89PNG".to_vec())),
            session_url: "http://x/processi/p/sessioni/1".into(),
        });
        assert!(mail.body.contains("Collegamento alla riunione: https://meet.example/abc?x=1&y=2"));
        assert!(mail.body.contains("codice personale di accesso è: ABC234"));
        assert!(mail.html.unwrap().contains("x=1&amp;y=2"));
        assert_eq!(mail.attachments[0].content_id.as_deref(), Some(QR_CONTENT_ID));
    }

    #[test]
    fn a_calendar_part_names_its_method() {
        let mail = with_calendar(NewEmail::default(), "CANCEL", "BEGIN:VCALENDAR\r\n".into());
        assert_eq!(mail.attachments[0].content_type, "text/calendar; charset=utf-8; method=CANCEL");
    }
}

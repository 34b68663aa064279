//! Receipt (ricevuta) of an expression of interest: protocol number, time of
//! receipt, a summary of what was received and its SHA-256.

use chrono::NaiveDate;
use concerto_domain::{Process, ROME, ReceivedExpression, italian};
use serde::Serialize;

use crate::party::kind_label;
use crate::render::{RenderError, render, template};
use crate::{Letterhead, Party};

/// One area the applicant takes part in, with its representative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptParticipation {
    pub area: String,
    pub representative: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub letterhead: Letterhead,
    pub process_title: String,
    pub protocol: String,
    /// "13/06/2022 alle 09:41" (Europe/Rome).
    pub received_at: String,
    /// "Organizzazione", "Organizzazione sindacale", …
    pub applicant_kind: String,
    pub applicant: Party,
    pub participations: Vec<ReceiptParticipation>,
    pub proposal: Option<String>,
    pub sha256: String,
    /// Withdrawn or replaced expressions say so on their receipt.
    pub status_note: Option<String>,
    #[serde(skip)]
    pub date: NaiveDate,
}

impl Receipt {
    pub fn new(process: &Process, received: &ReceivedExpression) -> Receipt {
        let local = received.received_at.with_timezone(&ROME);
        let expression = &received.expression;
        Receipt {
            letterhead: Letterhead::of(&process.ambito),
            process_title: process.header.title.clone(),
            protocol: received.protocol.to_string(),
            received_at: format!("{} alle {}", italian::date(local.date_naive()), italian::time(local.time())),
            applicant_kind: kind_label(expression.applicant.kind).to_owned(),
            applicant: Party::of(&expression.applicant),
            participations: expression
                .participations
                .iter()
                .map(|p| ReceiptParticipation {
                    area: process.area(p.area_id).map(|a| a.name.clone()).unwrap_or_default(),
                    representative: p.representative.name.clone(),
                    email: p.representative.email.clone(),
                })
                .collect(),
            proposal: expression.proposal.as_ref().map(|p| p.title.clone()),
            sha256: received.sha256.clone(),
            status_note: match received.status {
                concerto_domain::ExpressionStatus::Active => None,
                concerto_domain::ExpressionStatus::Superseded => {
                    Some("Questa manifestazione è stata sostituita da una successiva modifica.".to_owned())
                }
                concerto_domain::ExpressionStatus::Withdrawn => {
                    Some("Questa manifestazione è stata ritirata.".to_owned())
                }
                concerto_domain::ExpressionStatus::Annulled => {
                    Some("Questa registrazione è stata annullata dall'Ufficio di Piano.".to_owned())
                }
            },
            date: local.date_naive(),
        }
    }
}

/// The receipt as a PDF/A-2b.
pub fn receipt(receipt: &Receipt) -> Result<Vec<u8>, RenderError> {
    render(template!("receipt"), receipt, &receipt.letterhead, receipt.date)
}

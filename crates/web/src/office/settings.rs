//! A process's settings: title and texts, the deadline (a date and time in
//! Europe/Rome), how to apply and the minimum age of organizations.

use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveTime;
use concerto_domain::{ApplicationChannels, Deadline, FieldErrors, MinimumAge, OfficeAction, Process, ProcessSettings};
use concerto_store::StoreError;

use super::form::{Field, FormPage, FormValues, Kind, Reader};
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::Pairs;
use crate::guard::Caller;
use crate::guard::Editor;
use crate::guard::office_process;
use crate::page::PageContext;

/// The time a deadline given as a day alone means: the end of that day.
const END_OF_DAY: (u32, u32) = (23, 59);

fn values_of(s: &ProcessSettings) -> FormValues {
    let mut v = FormValues::default();
    v.set("title", &s.title);
    v.set("description", &s.description);
    v.set("eligibility", &s.eligibility);
    v.set("contact_person", s.contact_person.clone().unwrap_or_default());
    if let Some(d) = s.deadline {
        let local = d.local();
        v.set("deadline_date", local.date_naive().to_string());
        v.set("deadline_time", local.format("%H:%M").to_string());
    }
    v.set("apply_email", s.channels.email.clone().unwrap_or_default());
    v.set("apply_pec", s.channels.pec.clone().unwrap_or_default());
    v.set("apply_url", s.channels.url.clone().unwrap_or_default());
    if s.channels.online_form {
        v.set("online_form", "1");
    }
    if let Some(m) = s.minimum_age {
        v.set("minimum_age_years", m.years.to_string());
        v.set("minimum_age_reference", m.reference_date.to_string());
    }
    v
}

fn read(v: &FormValues) -> Result<ProcessSettings, FieldErrors> {
    let mut r = Reader::new(v);
    let date = r.date("deadline_date");
    let time = r.time("deadline_time");
    let deadline = match (date, time) {
        (None, None) => None,
        (None, Some(_)) => {
            r.errors.push("deadline_date", "required", "Indicare il giorno della scadenza.");
            None
        }
        (Some(date), time) => {
            let time = time.or_else(|| NaiveTime::from_hms_opt(END_OF_DAY.0, END_OF_DAY.1, 0)).unwrap_or_default();
            Deadline::from_local(date, time)
                .map_err(|e| r.errors.push("deadline_time", "nonexistent_time", e.to_string()))
                .ok()
        }
    };
    let years = r.number("minimum_age_years");
    let reference = r.date("minimum_age_reference");
    let minimum_age = match (years, reference) {
        (Some(years), Some(reference_date)) => Some(MinimumAge { years, reference_date }),
        (Some(_), None) => {
            r.errors.push("minimum_age_reference", "required", "Indicare la data a cui si calcola l'anzianità.");
            None
        }
        (None, Some(_)) => {
            r.errors.push("minimum_age_years", "required", "Indicare gli anni di anzianità richiesti.");
            None
        }
        (None, None) => None,
    };
    let settings = ProcessSettings {
        title: r.text("title"),
        description: r.text("description"),
        eligibility: r.text("eligibility"),
        contact_person: r.optional("contact_person"),
        deadline,
        channels: ApplicationChannels {
            email: r.optional("apply_email"),
            pec: r.optional("apply_pec"),
            url: r.optional("apply_url"),
            online_form: r.flag("online_form"),
        },
        minimum_age,
    };
    r.finish(settings, ProcessSettings::validate)
}

fn page(process: &Process, v: &FormValues, ctx: PageContext) -> FormPage {
    FormPage {
        fields: vec![
            Field::new("title", "office.field.title", Kind::Text, v).required(),
            Field::new("description", "office.settings.description", Kind::TextArea, v),
            Field::new("eligibility", "office.settings.eligibility", Kind::TextArea, v),
            Field::new("contact_person", "office.settings.contact_person", Kind::Text, v),
            Field::new("deadline_date", "office.settings.deadline_date", Kind::Date, v)
                .hint("office.settings.deadline.hint"),
            Field::new("deadline_time", "office.settings.deadline_time", Kind::Time, v),
            Field::new("online_form", "office.settings.online_form", Kind::Checkbox, v),
            Field::new("apply_email", "office.settings.apply_email", Kind::Email, v),
            Field::new("apply_pec", "office.settings.apply_pec", Kind::Email, v),
            Field::new("apply_url", "office.settings.apply_url", Kind::Url, v),
            Field::new("minimum_age_years", "office.settings.minimum_age_years", Kind::Number, v),
            Field::new("minimum_age_reference", "office.settings.minimum_age_reference", Kind::Date, v),
        ],
        back: (format!("/ufficio/processi/{}", process.header.slug), process.header.title.clone()),
        heading: ctx.t("office.settings.title").to_string(),
        intro: Some("office.settings.intro"),
        errors: vec![],
        submit: "office.form.save",
        remove: None,
        read_only: false,
        ctx,
    }
}

pub async fn form(Caller { state, ctx, user }: Caller, Path(slug): Path<String>) -> Response {
    match office_process(&state, &ctx, user.as_ref(), &slug, OfficeAction::Edit).await {
        Ok(process) => page(&process, &values_of(&ProcessSettings::of(&process)), ctx).respond(),
        Err(answer) => answer,
    }
}

pub async fn save(office: Editor, Path(slug): Path<String>, Form(pairs): Pairs) -> PageResult {
    let Editor { state, ctx, process, user } = office;
    let Some(who) = Some(&user) else { return Err(WebError::NotFound.into_page(&ctx)) };
    let values = FormValues(pairs);
    let settings = match read(&values) {
        Ok(s) => s,
        Err(errors) => return Ok(page(&process, &values, ctx).with_errors(errors).respond()),
    };
    let audit = crate::audit::entry(
        who,
        state.clock.now(),
        "process.settings",
        crate::audit::process_subject(&process),
        &process.ambito.slug,
        Some(&ProcessSettings::of(&process)),
        Some(&settings),
    );
    Ok(match state.store.update_process_settings(process.id, &settings, &audit).await {
        Ok(()) => Redirect::to(&format!("/ufficio/processi/{slug}")).into_response(),
        Err(StoreError::Invalid(errors)) => page(&process, &values, ctx).with_errors(errors).respond(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> FormValues {
        FormValues(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_deadline_day_alone_means_its_last_minute_in_rome() {
        let s = read(&values(&[("title", "Piano"), ("deadline_date", "2026-07-01"), ("online_form", "1")])).unwrap();
        assert_eq!(s.deadline.unwrap().instant().to_rfc3339(), "2026-07-01T21:59:00+00:00");
    }

    #[test]
    fn half_given_deadlines_and_ages_name_the_missing_part() {
        let errors =
            read(&values(&[("title", "Piano"), ("deadline_time", "12:00"), ("minimum_age_years", "2")])).unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["deadline_date", "minimum_age_reference"]);
        let spring_gap =
            read(&values(&[("title", "Piano"), ("deadline_date", "2026-03-29"), ("deadline_time", "02:30")]));
        assert_eq!(spring_gap.unwrap_err().errors[0].field, "deadline_time");
    }
}

//! The Ambito's profile in the workspace: municipalities, lead municipality,
//! contacts, privacy notice and letterhead. Its editors read it; its administrators
//! and the platform's change it.

use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use concerto_domain::{AmbitoProfile, Contacts, FieldErrors, may_use_ambito_profile};
use concerto_store::{AmbitoRecord, StoreError};

use super::form::{Field, FormPage, FormValues, Kind, Reader};
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::Pairs;
use crate::guard::Caller;
use crate::page::PageContext;

fn values_of(p: &AmbitoProfile) -> FormValues {
    let mut v = FormValues::default();
    v.set("municipalities", p.municipalities.join("\n"));
    v.set("lead_municipality", &p.lead_municipality);
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    v.set("address", optional(&p.address));
    v.set("email", optional(&p.contacts.email));
    v.set("pec", optional(&p.contacts.pec));
    v.set("phone", optional(&p.contacts.phone));
    v.set("website", optional(&p.contacts.website));
    v.set("privacy_notice", optional(&p.privacy_notice));
    v.set("letterhead", optional(&p.letterhead));
    v
}

fn read(v: &FormValues) -> Result<AmbitoProfile, FieldErrors> {
    let r = Reader::new(v);
    let municipalities =
        r.text("municipalities").lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    let mut profile = profile_of(&r, municipalities, r.text("lead_municipality"));
    profile.letterhead = r.optional("letterhead");
    r.finish(profile, AmbitoProfile::validate)
}

/// The profile the form's address, contacts and privacy notice give, for these
/// municipalities led by `lead`, without a letterhead.
pub(super) fn profile_of(r: &Reader, municipalities: Vec<String>, lead: String) -> AmbitoProfile {
    AmbitoProfile {
        municipalities,
        lead_municipality: lead,
        address: r.optional("address"),
        contacts: Contacts {
            email: r.optional("email"),
            pec: r.optional("pec"),
            phone: r.optional("phone"),
            website: r.optional("website"),
        },
        privacy_notice: r.optional("privacy_notice"),
        letterhead: None,
    }
}

fn page(ambito: &AmbitoRecord, v: &FormValues, read_only: bool, ctx: PageContext) -> FormPage {
    FormPage {
        fields: vec![
            Field::new("municipalities", "office.profile.municipalities", Kind::TextArea, v)
                .required()
                .hint("office.profile.municipalities.hint"),
            Field::new("lead_municipality", "office.profile.lead", Kind::Text, v).required(),
            Field::new("address", "office.profile.address", Kind::Text, v),
            Field::new("email", "office.profile.email", Kind::Email, v),
            Field::new("pec", "office.profile.pec", Kind::Email, v),
            Field::new("phone", "office.profile.phone", Kind::Tel, v),
            Field::new("website", "office.profile.website", Kind::Url, v),
            Field::new("privacy_notice", "office.profile.privacy", Kind::TextArea, v),
            Field::new("letterhead", "office.profile.letterhead", Kind::TextArea, v)
                .hint("office.profile.letterhead.hint"),
        ],
        back: ("/ufficio".to_string(), ctx.t("office.title").to_string()),
        heading: ambito.full_name.clone(),
        intro: Some("office.profile.intro"),
        errors: vec![],
        submit: "office.form.save",
        remove: None,
        read_only,
        ctx,
    }
}

pub async fn show(Caller { state, ctx, user }: Caller, Path(slug): Path<String>) -> PageResult {
    let ambito = super::ambito_of(&state, &ctx, user.as_ref(), &slug, false).await?;
    let read_only = may_use_ambito_profile(user.as_ref(), ambito.id, true) != concerto_domain::Decision::Allow;
    Ok(page(&ambito, &values_of(&ambito.profile), read_only, ctx).respond())
}

pub async fn save(Caller { state, ctx, user }: Caller, Path(slug): Path<String>, Form(pairs): Pairs) -> PageResult {
    let ambito = super::ambito_of(&state, &ctx, user.as_ref(), &slug, true).await?;
    let Some(who) = user.as_ref() else { return Err(WebError::NotFound.into_page(&ctx)) };
    let values = FormValues(pairs);
    let profile = match read(&values) {
        Ok(p) => p,
        Err(errors) => return Ok(page(&ambito, &values, false, ctx).with_errors(errors).respond()),
    };
    let audit = crate::audit::entry(
        who,
        state.clock.now(),
        "ambito.profile",
        format!("ambito:{}", ambito.slug),
        &ambito.slug,
        Some(&ambito.profile),
        Some(&profile),
    );
    Ok(match state.store.update_ambito_profile(ambito.id, &profile, &audit).await {
        Ok(()) => Redirect::to(&format!("/ufficio/ambiti/{slug}")).into_response(),
        Err(StoreError::Invalid(errors)) => page(&ambito, &values, false, ctx).with_errors(errors).respond(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

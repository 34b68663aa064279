//! The Ambiti of the installation, for the platform's administrator: the list, a
//! new Ambito with its municipalities picked from ISTAT's list, and its identity
//! (name, codes, province, form of association, retention). Its own office edits
//! the rest of the profile (`profile.rs`).

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use concerto_domain::{
    AmbitoIdentity, AmbitoProfile, AssociationForm, DEFAULT_RETENTION_YEARS, FieldErrors, Principal,
    may_administer_platform,
};
use concerto_store::{AmbitoLine, StoreError};

use super::form::{Field, FormPage, FormValues, Kind, Reader};
use crate::AppState;
use crate::error::PageResult;
use crate::error::WebError;
use crate::form::Pairs;
use crate::guard::Caller;
use crate::guard::enforce;
use crate::page::PageContext;
use crate::page::render;

#[derive(Template)]
#[template(path = "office_ambiti.html")]
struct ListPage {
    ctx: PageContext,
    lines: Vec<AmbitoLine>,
}

/// The signed-in platform administrator, or the answer for anyone else.
fn platform_admin(user: Option<Principal>, ctx: &PageContext) -> Result<Principal, Response> {
    enforce(may_administer_platform(user.as_ref()), ctx)?;
    user.ok_or_else(|| WebError::NotFound.into_page(ctx))
}

pub async fn list(Caller { state, ctx, user }: Caller) -> Response {
    if let Err(answer) = platform_admin(user, &ctx) {
        return answer;
    }
    match state.store.ambito_lines().await {
        Ok(lines) => {
            let page = ListPage { ctx, lines };
            render(&page.ctx, &page).unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => WebError::from(e).into_page(&ctx),
    }
}

fn provinces() -> Vec<(String, String)> {
    concerto_gazetteer::provinces()
        .iter()
        .map(|p| (p.abbreviation.to_string(), format!("{} ({}, {})", p.name, p.abbreviation, p.region)))
        .collect()
}

fn forms() -> Vec<(String, String)> {
    AssociationForm::ALL.into_iter().map(|f| (f.code().to_string(), f.label().to_string())).collect()
}

/// The municipalities of `province` (abbreviation), by name.
fn municipalities_of(province: &str) -> Vec<String> {
    let Some(p) = concerto_gazetteer::province(province) else {
        return vec![];
    };
    let mut names: Vec<String> = concerto_gazetteer::all()
        .iter()
        .filter(|m| m.province.abbreviation == p.abbreviation)
        .map(concerto_gazetteer::Municipality::display_name)
        .collect();
    names.sort();
    names
}

fn identity_fields(v: &FormValues) -> Vec<Field> {
    vec![
        Field::new("name", "office.ambiti.name", Kind::Text, v).required().hint("office.ambiti.name.hint"),
        Field::new("slug", "office.ambiti.slug", Kind::Text, v).required().hint("office.ambiti.slug.hint"),
        Field::new("short_code", "office.ambiti.short_code", Kind::Text, v),
        Field::new("province", "office.ambiti.province", Kind::Select, v).required().choices(provinces(), v),
        Field::new("region", "office.ambiti.region", Kind::Text, v).hint("office.ambiti.region.hint"),
        Field::new("association_form", "office.ambiti.association_form", Kind::Select, v).choices(forms(), v),
        Field::new("retention_years", "office.ambiti.retention", Kind::Number, v)
            .required()
            .hint("office.ambiti.retention.hint"),
    ]
}

fn read_identity(r: &mut Reader<'_>) -> AmbitoIdentity {
    let province = r.text("province").to_uppercase();
    let region = r
        .optional("region")
        .or_else(|| concerto_gazetteer::province(&province).map(|p| p.region.to_string()))
        .unwrap_or_default();
    let association_form = match r.optional("association_form") {
        Some(code) => AssociationForm::from_code(&code).or_else(|| {
            r.errors.push("association_form", "invalid_choice", "Scelta non valida.");
            None
        }),
        None => None,
    };
    AmbitoIdentity {
        slug: r.text("slug").to_lowercase(),
        name: AmbitoIdentity::short_name(&r.text("name")),
        short_code: r.optional("short_code"),
        region,
        province,
        association_form,
        retention_years: r.number("retention_years").unwrap_or(0),
        source: None,
    }
}

/// The creation form: with a province chosen, its municipalities to tick and to
/// suggest as lead; without one, the province first.
fn new_page(v: &FormValues, ctx: PageContext) -> FormPage {
    let province = v.get("province");
    let mut fields = vec![];
    if municipalities_of(province).is_empty() {
        fields
            .push(Field::new("province", "office.ambiti.province", Kind::Select, v).required().choices(provinces(), v));
    } else {
        let names = municipalities_of(province);
        fields = identity_fields(v);
        fields.push(
            Field::new("municipalities", "office.profile.municipalities", Kind::Checks, v)
                .required()
                .hint("office.ambiti.municipalities.hint")
                .choices(names.iter().map(|n| (n.clone(), n.clone())), v),
        );
        fields.push(Field::new("lead_municipality", "office.profile.lead", Kind::Text, v).required().suggest(names));
        for (name, label, kind) in [
            ("address", "office.profile.address", Kind::Text),
            ("email", "office.profile.email", Kind::Email),
            ("pec", "office.profile.pec", Kind::Email),
            ("phone", "office.profile.phone", Kind::Tel),
            ("website", "office.profile.website", Kind::Url),
            ("privacy_notice", "office.profile.privacy", Kind::TextArea),
        ] {
            fields.push(Field::new(name, label, kind, v));
        }
    }
    let step_one = fields.len() == 1;
    FormPage {
        fields,
        back: ("/ufficio/ambiti".to_string(), ctx.t("office.ambiti.title").to_string()),
        heading: ctx.t("office.ambiti.new").to_string(),
        intro: Some(if step_one { "office.ambiti.new.province" } else { "office.ambiti.new.intro" }),
        errors: vec![],
        submit: if step_one { "office.ambiti.next" } else { "office.ambiti.create" },
        remove: None,
        read_only: false,
        ctx,
    }
}

pub async fn new_form(Caller { state: _, ctx, user }: Caller) -> Response {
    if let Err(answer) = platform_admin(user, &ctx) {
        return answer;
    }
    new_page(&FormValues::default(), ctx).respond()
}

/// Reads the whole creation form: identity, members (the lead first, added if it
/// was not ticked) and contacts, each municipality checked against ISTAT's list.
fn read_new(v: &FormValues) -> Result<(AmbitoIdentity, AmbitoProfile), FieldErrors> {
    let mut r = Reader::new(v);
    let identity = read_identity(&mut r);
    let lead = r.text("lead_municipality");
    let mut municipalities: Vec<String> =
        v.all("municipalities").into_iter().map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
    if !lead.is_empty() {
        municipalities.retain(|m| !m.eq_ignore_ascii_case(&lead));
        municipalities.insert(0, lead.clone());
    }
    let profile = super::profile::profile_of(&r, municipalities, lead);
    let mut extra = FieldErrors::default();
    concerto_domain::onboarding::check_municipalities(
        "municipalities",
        &profile.municipalities,
        &identity.province,
        &mut extra,
    );
    let both = (identity, profile);
    r.finish(both, |(i, p)| {
        let mut errors = extra.clone();
        for e in i.validate().err().into_iter().chain(p.validate().err()).flat_map(|e| e.errors) {
            errors.errors.push(e);
        }
        errors.into_result(())
    })
}

pub async fn create(Caller { state, ctx, user }: Caller, Form(pairs): Pairs) -> PageResult {
    let who = platform_admin(user, &ctx)?;
    let mut values = FormValues(pairs);
    // The first step sends the province alone: the full form follows, with defaults.
    if values.0.iter().all(|(name, _)| name == "province") {
        values.set("retention_years", DEFAULT_RETENTION_YEARS.to_string());
        let page = new_page(&values, ctx);
        return Ok(if page.fields.len() == 1 {
            let mut errors = FieldErrors::default();
            errors.push("province", "unknown_province", "Scegliere la provincia dell'Ambito.");
            page.with_errors(errors).respond()
        } else {
            page.respond()
        });
    }
    let (identity, profile) = match read_new(&values) {
        Ok(both) => both,
        Err(errors) => return Ok(new_page(&values, ctx).with_errors(errors).respond()),
    };
    let audit = crate::audit::entry(
        &who,
        state.clock.now(),
        "ambito.create",
        format!("ambito:{}", identity.slug),
        &identity.slug,
        None::<&()>,
        Some(&(&identity, &profile)),
    );
    Ok(match state.store.create_ambito(&identity, &profile, &audit).await {
        Ok(_) => Redirect::to("/ufficio/ambiti").into_response(),
        Err(StoreError::Invalid(errors)) => new_page(&values, ctx).with_errors(errors).respond(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

fn values_of(identity: &AmbitoIdentity) -> FormValues {
    let mut v = FormValues::default();
    v.set("name", &identity.name);
    v.set("slug", &identity.slug);
    v.set("short_code", identity.short_code.clone().unwrap_or_default());
    v.set("province", &identity.province);
    v.set("region", &identity.region);
    v.set("association_form", identity.association_form.map(AssociationForm::code).unwrap_or_default());
    v.set("retention_years", identity.retention_years.to_string());
    v
}

fn identity_page(slug: &str, v: &FormValues, ctx: PageContext) -> FormPage {
    FormPage {
        fields: identity_fields(v),
        back: (format!("/ufficio/ambiti/{slug}"), ctx.t("office.ambiti.profile").to_string()),
        heading: ctx.t("office.ambiti.identity").to_string(),
        intro: None,
        errors: vec![],
        submit: "office.form.save",
        remove: None,
        read_only: false,
        ctx,
    }
}

async fn load_identity(state: &AppState, ctx: &PageContext, slug: &str) -> Result<(i64, AmbitoIdentity), Response> {
    state
        .store
        .ambito_identity(slug)
        .await
        .map_err(|e| WebError::from(e).into_page(ctx))?
        .ok_or_else(|| WebError::NotFound.into_page(ctx))
}

pub async fn identity_form(Caller { state, ctx, user }: Caller, Path(slug): Path<String>) -> Response {
    if let Err(answer) = platform_admin(user, &ctx) {
        return answer;
    }
    match load_identity(&state, &ctx, &slug).await {
        Ok((_, identity)) => identity_page(&slug, &values_of(&identity), ctx).respond(),
        Err(answer) => answer,
    }
}

pub async fn save_identity(
    Caller { state, ctx, user }: Caller,
    Path(slug): Path<String>,
    Form(pairs): Pairs,
) -> PageResult {
    let who = platform_admin(user, &ctx)?;
    let (id, before) = load_identity(&state, &ctx, &slug).await?;
    let values = FormValues(pairs);
    let mut r = Reader::new(&values);
    let mut identity = read_identity(&mut r);
    identity.source = before.source.clone();
    let identity = match r.finish(identity, AmbitoIdentity::validate) {
        Ok(i) => i,
        Err(errors) => {
            return Ok(identity_page(&slug, &values, ctx).with_errors(errors).respond());
        }
    };
    let audit = crate::audit::entry(
        &who,
        state.clock.now(),
        "ambito.identity",
        format!("ambito:{}", identity.slug),
        &identity.slug,
        Some(&before),
        Some(&identity),
    );
    Ok(match state.store.update_ambito_identity(id, &identity, &audit).await {
        Ok(()) => Redirect::to(&format!("/ufficio/ambiti/{}", identity.slug)).into_response(),
        Err(StoreError::Invalid(errors)) => identity_page(&slug, &values, ctx).with_errors(errors).respond(),
        Err(e) => WebError::from(e).into_page(&ctx),
    })
}

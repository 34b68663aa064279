//! Starting an installation from nothing (issue 16): the Ambito's identity as its
//! region lists it, who may manage which accounts, and the guard that keeps at
//! least one platform administrator able to sign in.

use serde::{Deserialize, Serialize};

use crate::access::{Decision, Principal, Role};
use crate::{AmbitoProfile, FieldErrors};

/// How the municipalities of an Ambito are associated (TUEL, artt. 30-32, 114).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssociationForm {
    Convenzione,
    Consorzio,
    UnioneDiComuni,
    AziendaSpeciale,
}

codes!(AssociationForm { Convenzione => "convenzione", Consorzio => "consorzio", UnioneDiComuni => "unione-di-comuni", AziendaSpeciale => "azienda-speciale" });

impl AssociationForm {
    /// As Italian acts name it.
    pub fn label(self) -> &'static str {
        match self {
            AssociationForm::Convenzione => "Convenzione tra Comuni",
            AssociationForm::Consorzio => "Consorzio",
            AssociationForm::UnioneDiComuni => "Unione di Comuni",
            AssociationForm::AziendaSpeciale => "Azienda speciale consortile",
        }
    }
}

/// The years after a process is closed before its personal data are anonymised,
/// unless the Ambito sets its own.
pub const DEFAULT_RETENTION_YEARS: u32 = 5;
/// The longest retention an Ambito may set.
pub const MAX_RETENTION_YEARS: u32 = 30;

/// What names an Ambito and places it: set by the platform's administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbitoIdentity {
    pub slug: String,
    /// "Bari": the name after "Ambito Territoriale Sociale di".
    pub name: String,
    /// The code some regions give ("BA01"), for the office's own lists.
    pub short_code: Option<String>,
    pub region: String,
    /// Two-letter province abbreviation ("BA").
    pub province: String,
    pub association_form: Option<AssociationForm>,
    pub retention_years: u32,
    /// Where a row imported from a regional list came from.
    pub source: Option<String>,
}

const FULL_NAME_PREFIX: &str = "Ambito Territoriale Sociale di ";

impl AmbitoIdentity {
    /// The name as typed, without the "Ambito Territoriale Sociale di" people often
    /// write before it (the pages add it back).
    pub fn short_name(typed: &str) -> String {
        let typed = typed.trim();
        match typed.get(..FULL_NAME_PREFIX.len()) {
            Some(head) if head.eq_ignore_ascii_case(FULL_NAME_PREFIX) => {
                typed[FULL_NAME_PREFIX.len()..].trim().to_string()
            }
            _ => typed.to_string(),
        }
    }

    /// A slug of lowercase letters, digits and hyphens; a name; a known province
    /// in the region given; a retention between 1 and 30 years.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 60
            && self.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.slug.starts_with('-')
            && !self.slug.ends_with('-');
        if !slug_ok {
            errors.push(
                "slug",
                "invalid_slug",
                "L'indirizzo breve usa solo lettere minuscole, cifre e trattini (es. «bari»).",
            );
        }
        if self.name.trim().is_empty() {
            errors.push("name", "required", "Indicare il nome dell'Ambito.");
        }
        errors.check_text("name", &self.name, false);
        for (field, value) in [("short_code", self.short_code.as_deref()), ("source", self.source.as_deref())] {
            errors.check_text(field, value.unwrap_or(""), false);
        }
        match concerto_gazetteer::province(&self.province) {
            None => errors.push("province", "unknown_province", "Provincia sconosciuta: indicare la sigla (es. «BA»)."),
            Some(p) if !self.region.trim().is_empty() && !p.region.eq_ignore_ascii_case(self.region.trim()) => {
                errors.push("region", "wrong_region", format!("La provincia {} è in {}.", p.abbreviation, p.region));
            }
            Some(_) => {}
        }
        if self.region.trim().is_empty() {
            errors.push("region", "required", "Indicare la regione.");
        }
        if !(1..=MAX_RETENTION_YEARS).contains(&self.retention_years) {
            errors.push(
                "retention_years",
                "out_of_range",
                format!("Indicare un numero di anni tra 1 e {MAX_RETENTION_YEARS}."),
            );
        }
        errors.into_result(())
    }
}

/// Member municipalities that ISTAT's list does not know in `province`: each is
/// named in an error of `field`, so that a typo is caught before it reaches a notice.
pub fn check_municipalities(field: &str, names: &[String], province: &str, errors: &mut FieldErrors) {
    let wanted = concerto_gazetteer::province(province).map(|p| p.abbreviation);
    for name in names {
        let known =
            concerto_gazetteer::by_name(name).iter().any(|m| wanted.is_none_or(|w| m.province.abbreviation == w));
        if !known {
            errors.push(
                field,
                "unknown_municipality",
                format!("«{name}» non è un Comune della provincia indicata nell'elenco ISTAT."),
            );
        }
    }
}

/// A slug made of a name: "Trani-Bisceglie" is "trani-bisceglie", "Nardò" "nardo".
pub fn slugify(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfd().filter(char::is_ascii).collect::<String>().to_ascii_lowercase();
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// One row of a regional list of Ambiti, as `concerto ambiti import` reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRow {
    /// "Trani-Bisceglie": the name after "Ambito Territoriale Sociale di".
    pub name: String,
    pub province: String,
    pub lead_municipality: String,
    /// Member municipalities separated by `|`.
    pub municipalities: String,
    /// "consortium" or the consortium's name, when one runs the Ambito.
    pub managing_body: String,
    pub source: String,
}

/// The Ambito a list row describes, with every municipality checked against ISTAT's
/// list in its province, the lead first.
pub fn ambito_from_list(row: &ListRow) -> Result<(AmbitoIdentity, AmbitoProfile), FieldErrors> {
    let province = row.province.trim().to_uppercase();
    let region = concerto_gazetteer::province(&province).map(|p| p.region.to_string()).unwrap_or_default();
    let lead = row.lead_municipality.trim().to_string();
    let mut municipalities: Vec<String> = row
        .municipalities
        .split('|')
        .map(str::trim)
        .filter(|m| !m.is_empty() && !m.eq_ignore_ascii_case(&lead))
        .map(String::from)
        .collect();
    municipalities.insert(0, lead.clone());
    let managed = row.managing_body.trim().to_lowercase();
    let identity = AmbitoIdentity {
        slug: slugify(&row.name),
        name: AmbitoIdentity::short_name(&row.name),
        short_code: None,
        region,
        province: province.clone(),
        association_form: (managed.contains("consor")).then_some(AssociationForm::Consorzio),
        retention_years: DEFAULT_RETENTION_YEARS,
        source: Some(row.source.trim().to_string()).filter(|s| !s.is_empty()),
    };
    let profile = AmbitoProfile { municipalities, lead_municipality: lead, ..AmbitoProfile::default() };
    let mut errors = FieldErrors::default();
    for e in identity.validate().err().into_iter().chain(profile.validate().err()).flat_map(|e| e.errors) {
        errors.errors.push(e);
    }
    check_municipalities("municipalities", &profile.municipalities, &province, &mut errors);
    errors.into_result((identity, profile))
}

/// May `who` list and create Ambiti? Only the platform's administrators.
pub fn may_administer_platform(who: Option<&Principal>) -> Decision {
    match who.map(|p| p.role) {
        None => Decision::SignIn,
        Some(Role::PlatformAdmin) => Decision::Allow,
        Some(_) => Decision::Forbidden,
    }
}

/// Whose accounts `who` may list: `Ok(None)` every account (the platform's
/// administrator), `Ok(Some(id))` the accounts of that Ambito (its administrator).
pub fn accounts_scope(who: Option<&Principal>) -> Result<Option<i64>, Decision> {
    crate::access::audit_log_scope(who)
}

/// The roles `who` may give, by invitation or by a change of role: the platform's
/// administrator any office role, an Ambito's administrator its editors.
pub fn assignable_roles(who: &Principal) -> &'static [Role] {
    match who.role {
        Role::PlatformAdmin => &[Role::PlatformAdmin, Role::AmbitoAdmin, Role::AmbitoEditor],
        Role::AmbitoAdmin => &[Role::AmbitoEditor],
        _ => &[],
    }
}

/// May `who` change (role, state) the account of `role` in `ambito`? The platform's
/// administrator any; an Ambito's administrator the editors of its own Ambito (an
/// account of another Ambito is answered as missing); nobody else.
pub fn may_manage_account(who: Option<&Principal>, role: Role, ambito: Option<i64>) -> Decision {
    let Some(p) = who else {
        return Decision::SignIn;
    };
    match p.role {
        Role::PlatformAdmin => Decision::Allow,
        Role::AmbitoAdmin if ambito.is_none() || ambito != p.ambito_id => Decision::Hidden,
        Role::AmbitoAdmin if role == Role::AmbitoEditor => Decision::Allow,
        _ => Decision::Forbidden,
    }
}

/// A change to an account that could leave the platform without an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Role(Role),
    Deactivate,
    Reactivate,
}

/// Refused when the change would leave no active platform administrator:
/// `other_active_admins` counts the active ones besides the account changed.
pub fn keeps_a_platform_admin(
    current: Role,
    disabled: bool,
    change: AccountChange,
    other_active_admins: i64,
) -> Result<(), FieldErrors> {
    let loses_one = current == Role::PlatformAdmin
        && !disabled
        && match change {
            AccountChange::Role(r) => r != Role::PlatformAdmin,
            AccountChange::Deactivate => true,
            AccountChange::Reactivate => false,
        };
    let mut errors = FieldErrors::default();
    if loses_one && other_active_admins == 0 {
        errors.push(
            "role",
            "last_platform_admin",
            "È l'ultimo amministratore della piattaforma attivo: prima nominarne un altro.",
        );
    }
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> AmbitoIdentity {
        AmbitoIdentity {
            slug: "bari".into(),
            name: "Bari".into(),
            short_code: Some("BA01".into()),
            region: "Puglia".into(),
            province: "BA".into(),
            association_form: Some(AssociationForm::Convenzione),
            retention_years: DEFAULT_RETENTION_YEARS,
            source: None,
        }
    }

    #[test]
    fn an_identity_needs_a_clean_slug_a_known_province_in_its_region() {
        assert_eq!(identity().validate(), Ok(()));
        let mut bad = identity();
        bad.slug = "Bari Città".into();
        bad.province = "XX".into();
        bad.retention_years = 0;
        let fields: Vec<_> = bad.validate().unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "province", "retention_years"]);
        let mut elsewhere = identity();
        elsewhere.region = "Lazio".into();
        assert_eq!(elsewhere.validate().unwrap_err().errors[0].code, "wrong_region");
    }

    #[test]
    fn the_full_name_typed_is_reduced_to_the_name() {
        assert_eq!(AmbitoIdentity::short_name(" Ambito Territoriale Sociale di Bari "), "Bari");
        assert_eq!(AmbitoIdentity::short_name("Trani-Bisceglie"), "Trani-Bisceglie");
    }

    #[test]
    fn municipalities_are_checked_in_their_province() {
        let mut errors = FieldErrors::default();
        check_municipalities("municipalities", &["Molfetta".into(), "Giovinazzo".into()], "BA", &mut errors);
        assert!(errors.is_empty());
        check_municipalities("municipalities", &["Lecce".into(), "Atlantide".into()], "BA", &mut errors);
        assert_eq!(errors.errors.len(), 2);
    }

    #[test]
    fn a_list_row_becomes_an_ambito_with_its_lead_first() {
        let row = ListRow {
            name: "Trani-Bisceglie".into(),
            province: "bt".into(),
            lead_municipality: "Trani".into(),
            municipalities: "Bisceglie|Trani".into(),
            managing_body: String::new(),
            source: "local press 2022".into(),
        };
        let (identity, profile) = ambito_from_list(&row).unwrap();
        assert_eq!(
            (identity.slug.as_str(), identity.region.as_str(), identity.province.as_str()),
            ("trani-bisceglie", "Puglia", "BT")
        );
        assert_eq!(profile.municipalities, ["Trani", "Bisceglie"]);
        assert_eq!(slugify("Nardò"), "nardo");
        let wrong = ListRow { municipalities: "Bisceglie|Lecce".into(), ..row };
        assert_eq!(ambito_from_list(&wrong).unwrap_err().errors[0].code, "unknown_municipality");
    }

    #[test]
    fn the_last_active_platform_admin_stays() {
        let demote = AccountChange::Role(Role::AmbitoAdmin);
        assert!(keeps_a_platform_admin(Role::PlatformAdmin, false, demote, 0).is_err());
        assert!(keeps_a_platform_admin(Role::PlatformAdmin, false, AccountChange::Deactivate, 0).is_err());
        assert!(keeps_a_platform_admin(Role::PlatformAdmin, false, AccountChange::Deactivate, 1).is_ok());
        assert!(keeps_a_platform_admin(Role::PlatformAdmin, true, demote, 0).is_ok(), "a disabled one is no loss");
        assert!(keeps_a_platform_admin(Role::AmbitoEditor, false, AccountChange::Deactivate, 0).is_ok());
    }

    #[test]
    fn an_ambito_admin_manages_only_its_own_editors() {
        let admin = Principal { account_id: 1, email: "a@x.it".into(), role: Role::AmbitoAdmin, ambito_id: Some(7) };
        assert_eq!(may_manage_account(Some(&admin), Role::AmbitoEditor, Some(7)), Decision::Allow);
        assert_eq!(may_manage_account(Some(&admin), Role::AmbitoAdmin, Some(7)), Decision::Forbidden);
        assert_eq!(may_manage_account(Some(&admin), Role::AmbitoEditor, Some(8)), Decision::Hidden);
        assert_eq!(may_manage_account(Some(&admin), Role::Representative, None), Decision::Hidden);
        assert_eq!(assignable_roles(&admin), [Role::AmbitoEditor]);
        assert_eq!(may_manage_account(None, Role::AmbitoEditor, Some(7)), Decision::SignIn);
    }
}

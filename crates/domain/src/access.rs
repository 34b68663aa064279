//! Who may do what. Every authorization question of the project is answered here,
//! by one function per kind of resource, so that handlers ask and never decide.

use serde::{Deserialize, Serialize};

/// The roles of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Runs the installation: every Ambito.
    PlatformAdmin,
    /// Runs one Ambito's plan office, its profile and its accounts.
    AmbitoAdmin,
    /// Works on one Ambito's processes.
    AmbitoEditor,
    /// Speaks for an organization: its expressions and pacts.
    Representative,
    Citizen,
}

codes!(Role { PlatformAdmin => "platform-admin", AmbitoAdmin => "ambito-admin", AmbitoEditor => "ambito-editor", Representative => "representative", Citizen => "citizen" });

impl Role {
    /// Office roles belong to exactly one Ambito.
    pub fn needs_ambito(self) -> bool {
        matches!(self, Role::AmbitoAdmin | Role::AmbitoEditor)
    }
}

/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// How long a sign-in waits after `failures` recent failed ones, of which the first
/// `free` cost nothing: then 1 s, 2 s, 4 s… doubling up to a quarter of an hour. A
/// guesser is slowed more with every miss; nobody is ever locked out for good.
pub fn login_delay(failures: i64, free: i64) -> chrono::TimeDelta {
    const CAP_SECONDS: i64 = 15 * 60;
    match failures - free {
        n if n < 0 => chrono::TimeDelta::zero(),
        n => chrono::TimeDelta::seconds(1_i64.checked_shl(n.min(20) as u32).unwrap_or(CAP_SECONDS).min(CAP_SECONDS)),
    }
}

#[cfg(test)]
mod delay_tests {
    use super::login_delay;

    #[test]
    fn delays_start_after_the_free_failures_and_double() {
        let seconds = |n| login_delay(n, 3).num_seconds();
        assert_eq!([seconds(0), seconds(2), seconds(3), seconds(4), seconds(6)], [0, 0, 1, 2, 8]);
        assert_eq!(seconds(50), 15 * 60);
    }
}

/// A new password, chosen at a reset: long enough, and typed the same twice.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), crate::FieldErrors> {
    let mut errors = crate::FieldErrors::default();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push("password", "too_short", format!("La password deve avere almeno {MIN_PASSWORD_CHARS} caratteri."));
    } else if password != confirmation {
        errors.push("confirmation", "mismatch", "Le due password non coincidono.");
    }
    errors.into_result(())
}

/// A signed-in account, as far as authorization cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub account_id: i64,
    pub email: String,
    pub role: Role,
    /// The Ambito of an office role.
    pub ambito_id: Option<i64>,
}

/// What can be done in the plan office's workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    /// See the workspace, its processes and their expressions.
    View,
    /// Change a process: calendar, status, sessions.
    Edit,
    /// Change the Ambito's profile and its accounts.
    Administer,
}

/// The answer to "may this request do that?". Each maps to one HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Nobody is signed in: go to the login page.
    SignIn,
    /// Signed in, but this role never may.
    Forbidden,
    /// Another Ambito's resource: answered as if it did not exist, so that nothing
    /// of one Ambito leaks to another.
    Hidden,
}

/// May `who` reach the workspace at all?
pub fn may_enter_workspace(who: Option<&Principal>) -> Decision {
    match who {
        None => Decision::SignIn,
        Some(p) if matches!(p.role, Role::PlatformAdmin | Role::AmbitoAdmin | Role::AmbitoEditor) => Decision::Allow,
        Some(_) => Decision::Forbidden,
    }
}

/// Whose entries of the audit log `who` may read: `Ok(None)` every Ambito's (the
/// platform administrator), `Ok(Some(id))` only that Ambito's (its administrator).
/// Editors do not read it.
pub fn audit_log_scope(who: Option<&Principal>) -> Result<Option<i64>, Decision> {
    match who {
        None => Err(Decision::SignIn),
        Some(p) if p.role == Role::PlatformAdmin => Ok(None),
        Some(p) if p.role == Role::AmbitoAdmin => p.ambito_id.map(Some).ok_or(Decision::Forbidden),
        Some(_) => Err(Decision::Forbidden),
    }
}

/// May `who` do `action` on something that belongs to the Ambito `ambito_id`?
pub fn may_act_on_ambito(who: Option<&Principal>, action: OfficeAction, ambito_id: i64) -> Decision {
    let entry = may_enter_workspace(who);
    let Some(p) = who.filter(|_| entry == Decision::Allow) else { return entry };
    match p.role {
        Role::PlatformAdmin => Decision::Allow,
        Role::AmbitoAdmin | Role::AmbitoEditor if p.ambito_id != Some(ambito_id) => Decision::Hidden,
        Role::AmbitoAdmin => Decision::Allow,
        Role::AmbitoEditor if action == OfficeAction::Administer => Decision::Forbidden,
        Role::AmbitoEditor => Decision::Allow,
        Role::Representative | Role::Citizen => Decision::Forbidden,
    }
}

/// May `who` see (`change` false) or edit (`change` true) the profile of the Ambito
/// `ambito_id`? Its editors read it, for the letterhead and the contacts they use;
/// only its administrators and the platform's change it.
pub fn may_use_ambito_profile(who: Option<&Principal>, ambito_id: i64, change: bool) -> Decision {
    let action = if change { OfficeAction::Administer } else { OfficeAction::View };
    may_act_on_ambito(who, action, ambito_id)
}

/// May `who` moderate the observatory: accept or reject proposed completions and
/// write records of processes run elsewhere? The catalogue spans every Ambito, so
/// only the platform's administrators moderate it.
pub fn may_moderate_observatory(who: Option<&Principal>) -> Decision {
    match who.map(|p| p.role) {
        None => Decision::SignIn,
        Some(Role::PlatformAdmin) => Decision::Allow,
        Some(_) => Decision::Forbidden,
    }
}

/// Who asks to act on a participation pact (patto di partecipazione).
#[derive(Debug, Clone, Copy)]
pub enum PactRequester<'a> {
    /// Whoever holds the expression's secret management link speaks for the
    /// organization that sent it.
    ManageLink,
    /// A signed-in account.
    Account(&'a Principal),
}

/// May `who` take `action` on a pact of the Ambito `ambito_id`? The organization
/// signs and withdraws, through its link or a representative account whose e-mail
/// is one the expression gave (`organization_emails`); the office countersigns.
pub fn may_act_on_pact(
    who: PactRequester<'_>,
    action: crate::PactAction,
    ambito_id: i64,
    organization_emails: &[&str],
) -> Decision {
    use crate::PactAction::*;
    match (who, action) {
        (PactRequester::ManageLink, Sign | Withdraw) => Decision::Allow,
        (PactRequester::ManageLink, Countersign) => Decision::Forbidden,
        (PactRequester::Account(p), Countersign) => may_act_on_ambito(Some(p), OfficeAction::Edit, ambito_id),
        (PactRequester::Account(p), Sign | Withdraw) => {
            if speaks_for(p, organization_emails) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
    }
}

/// Is `p` a representative account of the organization that gave `organization_emails`?
fn speaks_for(p: &Principal, organization_emails: &[&str]) -> bool {
    p.role == Role::Representative && organization_emails.iter().any(|e| e.eq_ignore_ascii_case(&p.email))
}

/// May `who` open the organization's page of a pact? The link's holder may, and the
/// organization's representative accounts; another representative is answered as if
/// the pact did not exist, and other accounts may never.
pub fn may_read_pact(who: PactRequester<'_>, organization_emails: &[&str]) -> Decision {
    match who {
        PactRequester::ManageLink => Decision::Allow,
        PactRequester::Account(p) if speaks_for(p, organization_emails) => Decision::Allow,
        PactRequester::Account(p) if p.role == Role::Representative => Decision::Hidden,
        PactRequester::Account(_) => Decision::Forbidden,
    }
}

/// May `who` list the pacts of the organizations it represents ("I miei patti")?
pub fn may_list_own_pacts(who: Option<&Principal>) -> Decision {
    match who.map(|p| p.role) {
        None => Decision::SignIn,
        Some(Role::Representative) => Decision::Allow,
        Some(_) => Decision::Forbidden,
    }
}

/// The Ambiti whose processes a workspace list shows: `None` means all of them.
pub fn visible_ambito(who: &Principal) -> Option<i64> {
    match who.role {
        Role::PlatformAdmin => None,
        _ => Some(who.ambito_id.unwrap_or(-1)),
    }
}

/// What the holder of an expression's management link does at the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TablesAction {
    /// Propose, support proposals, cast the organization's ballot.
    Participate,
    /// Comment on the plan's progress: for members of the monitoring board only.
    CommentProgress,
}

/// May the holder of a management link act at the tables for its organization? Only
/// while the expression is the current one, and comments only from board members.
pub fn may_act_at_tables(expression_active: bool, on_board: bool, action: TablesAction) -> Decision {
    match action {
        _ if !expression_active => Decision::Forbidden,
        TablesAction::CommentProgress if !on_board => Decision::Forbidden,
        _ => Decision::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_need_a_current_expression_and_comments_a_board_seat() {
        use TablesAction::*;
        assert_eq!(may_act_at_tables(true, false, Participate), Decision::Allow);
        assert_eq!(may_act_at_tables(false, true, Participate), Decision::Forbidden);
        assert_eq!(may_act_at_tables(true, false, CommentProgress), Decision::Forbidden);
        assert_eq!(may_act_at_tables(true, true, CommentProgress), Decision::Allow);
    }

    fn principal(role: Role, ambito_id: Option<i64>) -> Principal {
        Principal { account_id: 1, email: "x@example.org".into(), role, ambito_id }
    }

    #[test]
    fn the_matrix_of_roles_and_ambiti() {
        const A: i64 = 1;
        const B: i64 = 2;
        use Decision::*;
        use OfficeAction::*;
        let cases: [(Option<Principal>, [Decision; 6]); 6] = [
            //            View A, Edit A, Admin A, View B, Edit B, Admin B
            (None, [SignIn, SignIn, SignIn, SignIn, SignIn, SignIn]),
            (Some(principal(Role::Citizen, None)), [Forbidden; 6]),
            (Some(principal(Role::Representative, None)), [Forbidden; 6]),
            (Some(principal(Role::AmbitoEditor, Some(A))), [Allow, Allow, Forbidden, Hidden, Hidden, Hidden]),
            (Some(principal(Role::AmbitoAdmin, Some(A))), [Allow, Allow, Allow, Hidden, Hidden, Hidden]),
            (Some(principal(Role::PlatformAdmin, None)), [Allow; 6]),
        ];
        for (who, expected) in cases {
            let got: Vec<Decision> = [(View, A), (Edit, A), (Administer, A), (View, B), (Edit, B), (Administer, B)]
                .into_iter()
                .map(|(action, ambito)| may_act_on_ambito(who.as_ref(), action, ambito))
                .collect();
            assert_eq!(got, expected, "{who:?}");
        }
    }

    #[test]
    fn editors_read_the_ambito_profile_and_admins_change_it() {
        use Decision::*;
        let editor = principal(Role::AmbitoEditor, Some(1));
        let admin = principal(Role::AmbitoAdmin, Some(1));
        let platform = principal(Role::PlatformAdmin, None);
        assert_eq!(may_use_ambito_profile(Some(&editor), 1, false), Allow);
        assert_eq!(may_use_ambito_profile(Some(&editor), 1, true), Forbidden);
        assert_eq!(may_use_ambito_profile(Some(&admin), 1, true), Allow);
        assert_eq!(may_use_ambito_profile(Some(&admin), 2, false), Hidden);
        assert_eq!(may_use_ambito_profile(Some(&platform), 2, true), Allow);
        assert_eq!(may_use_ambito_profile(None, 1, false), SignIn);
        assert_eq!(may_use_ambito_profile(Some(&principal(Role::Citizen, None)), 1, false), Forbidden);
    }

    #[test]
    fn a_new_password_is_long_and_confirmed() {
        assert_eq!(check_new_password("corta", "corta").unwrap_err().errors[0].field, "password");
        assert_eq!(check_new_password("abbastanza lunga", "diversa").unwrap_err().errors[0].field, "confirmation");
        assert_eq!(check_new_password("abbastanza lunga", "abbastanza lunga"), Ok(()));
    }

    #[test]
    fn only_platform_admins_moderate_the_observatory() {
        assert_eq!(may_moderate_observatory(None), Decision::SignIn);
        for role in Role::ALL {
            let expected = if role == Role::PlatformAdmin { Decision::Allow } else { Decision::Forbidden };
            assert_eq!(may_moderate_observatory(Some(&principal(role, Some(1)))), expected, "{role:?}");
        }
    }

    #[test]
    fn the_organization_signs_and_withdraws_and_the_office_countersigns() {
        use crate::PactAction::*;
        let link = PactRequester::ManageLink;
        let emails = ["info@aps.example.org"];
        assert_eq!(may_act_on_pact(link, Sign, 1, &emails), Decision::Allow);
        assert_eq!(may_act_on_pact(link, Withdraw, 1, &emails), Decision::Allow);
        assert_eq!(may_act_on_pact(link, Countersign, 1, &emails), Decision::Forbidden);

        let mut rep = principal(Role::Representative, None);
        rep.email = "INFO@aps.example.org".into();
        assert_eq!(may_act_on_pact(PactRequester::Account(&rep), Sign, 1, &emails), Decision::Allow);
        assert_eq!(may_act_on_pact(PactRequester::Account(&rep), Countersign, 1, &emails), Decision::Forbidden);
        let stranger = principal(Role::Representative, None);
        assert_eq!(may_act_on_pact(PactRequester::Account(&stranger), Withdraw, 1, &emails), Decision::Forbidden);

        let editor = principal(Role::AmbitoEditor, Some(1));
        assert_eq!(may_act_on_pact(PactRequester::Account(&editor), Countersign, 1, &emails), Decision::Allow);
        assert_eq!(may_act_on_pact(PactRequester::Account(&editor), Countersign, 2, &emails), Decision::Hidden);
        assert_eq!(may_act_on_pact(PactRequester::Account(&editor), Sign, 1, &emails), Decision::Forbidden);
    }

    #[test]
    fn the_organizations_representatives_read_its_pacts_and_nobody_else() {
        let emails = ["info@aps.example.org"];
        let mut rep = principal(Role::Representative, None);
        rep.email = "Info@APS.example.org".into();
        assert_eq!(may_read_pact(PactRequester::ManageLink, &emails), Decision::Allow);
        assert_eq!(may_read_pact(PactRequester::Account(&rep), &emails), Decision::Allow);
        let stranger = principal(Role::Representative, None);
        assert_eq!(may_read_pact(PactRequester::Account(&stranger), &emails), Decision::Hidden);
        let mut citizen = principal(Role::Citizen, None);
        citizen.email = "info@aps.example.org".into();
        assert_eq!(may_read_pact(PactRequester::Account(&citizen), &emails), Decision::Forbidden);

        assert_eq!(may_list_own_pacts(None), Decision::SignIn);
        assert_eq!(may_list_own_pacts(Some(&rep)), Decision::Allow);
        assert_eq!(may_list_own_pacts(Some(&principal(Role::AmbitoAdmin, Some(1)))), Decision::Forbidden);
    }

    #[test]
    fn role_codes_round_trip_and_office_roles_need_an_ambito() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert!(Role::AmbitoEditor.needs_ambito());
        assert!(!Role::PlatformAdmin.needs_ambito());
    }

    #[test]
    fn an_office_account_sees_only_its_ambito() {
        assert_eq!(visible_ambito(&principal(Role::AmbitoEditor, Some(7))), Some(7));
        assert_eq!(visible_ambito(&principal(Role::PlatformAdmin, None)), None);
    }
}

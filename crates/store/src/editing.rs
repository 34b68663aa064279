//! Edits of a stored process from the workspace: its settings and the phases, areas,
//! tables and sessions of its calendar. Each edit moves the process's revision, so
//! that the cache and every instance see it at once, and writes its audit entry, in
//! one transaction.

use concerto_domain::{
    AreaInput, AuditEntry, PhaseInput, ProcessSettings, SessionInput, SessionSchedule, TableInput, may_remove_area,
};

use crate::{Result, Store, StoreError};

/// A kind of part of a process's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarPart {
    Phase,
    Area,
    Table,
    Session,
}

impl CalendarPart {
    fn table_name(self) -> &'static str {
        match self {
            CalendarPart::Phase => "phases",
            CalendarPart::Area => "areas",
            CalendarPart::Table => "process_tables",
            CalendarPart::Session => "calendar_sessions",
        }
    }
}

const BUMP_REVISION: &str = "UPDATE processes SET revision = revision + 1, updated_at = $2 WHERE id = $1";

/// Expressions of any status that name an area: received ones are never rewritten.
const AREA_USE: &str = "SELECT (SELECT COUNT(*) FROM expression_participations WHERE area_id = $1)
    + (SELECT COUNT(*) FROM proposal_areas WHERE area_id = $1)";

/// Runs `$body` in a write transaction `$tx`, then moves the revision of
/// `$process_id` and writes `$audit`, through `audited!`. `$body` gives the result.
macro_rules! edit {
    ($store:expr, $process_id:expr, $audit:expr, |$tx:ident| $body:expr) => {
        $crate::audit::audited!($store, $audit, |$tx| {
            let result = $body;
            sqlx::query(BUMP_REVISION).bind($process_id).bind($audit.at).execute(&mut *$tx).await?;
            result
        })
    };
}

/// `Some(id)` of an updated row, or not found when the row is not of this process.
fn found(id: Option<i64>) -> Result<i64> {
    id.ok_or(StoreError::NotFound)
}

impl Store {
    pub async fn update_process_settings(
        &self,
        process_id: i64,
        s: &ProcessSettings,
        audit: &AuditEntry,
    ) -> Result<()> {
        s.validate()?;
        edit!(self, process_id, audit, |tx| {
            found(
                sqlx::query_scalar(
                    "UPDATE processes SET title = $2, description = $3, eligibility = $4, contact_person = $5,
                     deadline_at = $6, apply_email = $7, apply_pec = $8, apply_url = $9, online_form = $10,
                     minimum_age_years = $11, minimum_age_reference = $12 WHERE id = $1 RETURNING id",
                )
                .bind(process_id)
                .bind(&s.title)
                .bind(&s.description)
                .bind(&s.eligibility)
                .bind(&s.contact_person)
                .bind(s.deadline.map(|d| d.instant()))
                .bind(&s.channels.email)
                .bind(&s.channels.pec)
                .bind(&s.channels.url)
                .bind(s.channels.online_form)
                .bind(s.minimum_age.map(|m| m.years as i32))
                .bind(s.minimum_age.map(|m| m.reference_date))
                .fetch_optional(&mut *tx)
                .await?,
            )?
        })
        .map(|_: i64| ())
    }

    /// Adds a phase at the end (`id` None) or changes one; returns its id.
    pub async fn save_phase(
        &self,
        process_id: i64,
        id: Option<i64>,
        p: &PhaseInput,
        audit: &AuditEntry,
    ) -> Result<i64> {
        p.validate()?;
        edit!(self, process_id, audit, |tx| {
            let query = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO phases (process_id, position, name, description, starts_on, ends_on)
                     VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM phases WHERE process_id = $1), $2, $3, $4, $5)
                     RETURNING id",
                )
                .bind(process_id),
                Some(id) => sqlx::query_scalar(
                    "UPDATE phases SET name = $3, description = $4, starts_on = $5, ends_on = $6
                     WHERE process_id = $1 AND id = $2 RETURNING id",
                )
                .bind(process_id)
                .bind(id),
            };
            found(
                query
                    .bind(&p.name)
                    .bind(&p.description)
                    .bind(p.starts_on)
                    .bind(p.ends_on)
                    .fetch_optional(&mut *tx)
                    .await?,
            )?
        })
    }

    /// Adds a thematic area at the end or renames one; returns its id.
    pub async fn save_area(&self, process_id: i64, id: Option<i64>, a: &AreaInput, audit: &AuditEntry) -> Result<i64> {
        a.validate()?;
        edit!(self, process_id, audit, |tx| {
            let query = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO areas (process_id, position, name)
                     VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM areas WHERE process_id = $1), $2)
                     RETURNING id",
                )
                .bind(process_id),
                Some(id) => {
                    sqlx::query_scalar("UPDATE areas SET name = $3 WHERE process_id = $1 AND id = $2 RETURNING id")
                        .bind(process_id)
                        .bind(id)
                }
            };
            found(query.bind(&a.name).fetch_optional(&mut *tx).await?)?
        })
    }

    /// Adds a table at the end or changes one, with its areas; returns its id. The
    /// areas must be the process's: the caller checked them with [`TableInput::validate`].
    pub async fn save_table(
        &self,
        process_id: i64,
        id: Option<i64>,
        t: &TableInput,
        audit: &AuditEntry,
    ) -> Result<i64> {
        edit!(self, process_id, audit, |tx| {
            let query = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO process_tables (process_id, position, label, title)
                     VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM process_tables WHERE process_id = $1), $2, $3)
                     RETURNING id",
                )
                .bind(process_id),
                Some(id) => sqlx::query_scalar(
                    "UPDATE process_tables SET label = $3, title = $4 WHERE process_id = $1 AND id = $2 RETURNING id",
                )
                .bind(process_id)
                .bind(id),
            };
            let table_id = found(query.bind(&t.label).bind(&t.title).fetch_optional(&mut *tx).await?)?;
            sqlx::query("DELETE FROM table_areas WHERE table_id = $1").bind(table_id).execute(&mut *tx).await?;
            for area in &t.area_ids {
                sqlx::query("INSERT INTO table_areas (table_id, area_id) VALUES ($1, $2)")
                    .bind(table_id)
                    .bind(area)
                    .execute(&mut *tx)
                    .await?;
            }
            table_id
        })
    }

    /// Adds a session at the end of the calendar with `schedule`, or changes what an
    /// existing one is about (its schedule changes through [`Store::update_session`]).
    /// A change raises the session's SEQUENCE, for calendar programs.
    pub async fn save_session(
        &self,
        process_id: i64,
        id: Option<i64>,
        s: &SessionInput,
        schedule: &SessionSchedule,
        audit: &AuditEntry,
    ) -> Result<i64> {
        schedule.validate()?;
        edit!(self, process_id, audit, |tx| {
            let session_id = match id {
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO calendar_sessions (process_id, position, kind, title, phase_id, table_id, invited,
                        date, start_time, end_time, venue)
                     VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM calendar_sessions WHERE process_id = $1),
                        $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     RETURNING id",
                    )
                    .bind(process_id)
                    .bind(s.kind.code())
                    .bind(&s.title)
                    .bind(s.phase_id)
                    .bind(s.table_id)
                    .bind(&s.invited)
                    .bind(schedule.date)
                    .bind(schedule.start)
                    .bind(schedule.end)
                    .bind(&schedule.venue)
                    .fetch_optional(&mut *tx)
                    .await?
                }
                Some(id) => sqlx::query_scalar(
                    "UPDATE calendar_sessions SET kind = $3, title = $4, phase_id = $5, table_id = $6, invited = $7,
                     sequence = sequence + 1 WHERE process_id = $1 AND id = $2 RETURNING id",
                )
                .bind(process_id)
                .bind(id)
                .bind(s.kind.code())
                .bind(&s.title)
                .bind(s.phase_id)
                .bind(s.table_id)
                .bind(&s.invited)
                .fetch_optional(&mut *tx)
                .await?,
            };
            let session_id = found(session_id)?;
            sqlx::query("DELETE FROM session_areas WHERE session_id = $1").bind(session_id).execute(&mut *tx).await?;
            for area in &s.area_ids {
                sqlx::query("INSERT INTO session_areas (session_id, area_id) VALUES ($1, $2)")
                    .bind(session_id)
                    .bind(area)
                    .execute(&mut *tx)
                    .await?;
            }
            session_id
        })
    }

    /// Removes a part of the calendar. Sessions lose a removed phase or table; an area
    /// that received expressions name is kept, as a conflict.
    pub async fn remove_calendar_part(
        &self,
        process_id: i64,
        part: CalendarPart,
        id: i64,
        audit: &AuditEntry,
    ) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE process_id = $1 AND id = $2 RETURNING id", part.table_name());
        edit!(self, process_id, audit, |tx| {
            if part == CalendarPart::Area {
                let uses: i64 = sqlx::query_scalar(AREA_USE).bind(id).fetch_one(&mut *tx).await?;
                may_remove_area(uses).map_err(|refused| StoreError::Conflict(refused.to_string()))?;
            }
            found(sqlx::query_scalar(&sql).bind(process_id).bind(id).fetch_optional(&mut *tx).await?)?
        })
        .map(|_: i64| ())
        .map_err(|e| match e {
            // An expression naming the area arrived between the check and the removal.
            StoreError::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                StoreError::Conflict(concerto_domain::RemovalRefused::AreaInUse.to_string())
            }
            other => other,
        })
    }
}

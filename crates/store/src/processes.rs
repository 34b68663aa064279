//! Ambiti and processes with their calendars.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use concerto_domain::{
    Ambito, ApplicationChannels, AuditEntry, Contacts, Deadline, MinimumAge, NewAmbito, NewProcess, Phase, PlanCycle,
    Process, ProcessHeader, ProcessStatus, ProcessSummary, Session, SessionKind, SessionUpdate, Signatory, Table,
    ThematicArea,
};
use sqlx::Connection;

use crate::audit::audited;
use crate::outbox::enqueue_on;
use crate::rows::{Columns, Key, corrupt};
use crate::{NewEmail, Result, Store, StoreError, on_pool};

const UPSERT_AMBITO: &str = "INSERT INTO ambiti
    (slug, name, number, province, region, lead_municipality, managing_body, address, email, pec, phone, website)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (slug) DO UPDATE SET name = excluded.name, number = excluded.number,
        province = excluded.province, region = excluded.region,
        lead_municipality = excluded.lead_municipality, managing_body = excluded.managing_body,
        address = excluded.address, email = excluded.email, pec = excluded.pec,
        phone = excluded.phone, website = excluded.website
    RETURNING id";

const INSERT_PROCESS: &str = "INSERT INTO processes
    (ambito_id, slug, title, cycle_from, cycle_to, regional_plan, legal_references, status,
     deadline_at, apply_email, apply_pec, apply_url, online_form, contact_person, description,
     eligibility, signatory_role, signatory_name, minimum_age_years, minimum_age_reference,
     created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
    RETURNING id";

const SELECT_PROCESS: &str = "SELECT p.*, a.slug AS a_slug, a.name AS a_name, a.number AS a_number,
    a.province AS a_province, a.region AS a_region, a.lead_municipality AS a_lead,
    a.managing_body AS a_managing_body, a.address AS a_address, a.email AS a_email,
    a.pec AS a_pec, a.phone AS a_phone, a.website AS a_website
    FROM processes p JOIN ambiti a ON a.id = p.ambito_id";

const SELECT_SUMMARIES: &str = "SELECT p.ambito_id, p.slug, p.title, p.cycle_from, p.cycle_to, p.status,
    p.deadline_at, a.slug AS a_slug, a.name AS a_name, a.province AS a_province
    FROM processes p JOIN ambiti a ON a.id = p.ambito_id
    WHERE p.status <> 'draft' OR $1
    ORDER BY p.cycle_from DESC, a.name, p.slug";

const SELECT_MUNICIPALITIES: &str = "SELECT name FROM ambito_municipalities WHERE ambito_id = $1 ORDER BY position";
const SELECT_PHASES: &str = "SELECT * FROM phases WHERE process_id = $1 ORDER BY position";
const SELECT_AREAS: &str = "SELECT * FROM areas WHERE process_id = $1 ORDER BY position";
const SELECT_TABLES: &str = "SELECT * FROM process_tables WHERE process_id = $1 ORDER BY position";
const SELECT_SESSIONS: &str = "SELECT * FROM calendar_sessions WHERE process_id = $1 ORDER BY position";
/// The areas of tables ('t') and of sessions ('s') of one process, in area order.
const SELECT_AREA_LINKS: &str = "SELECT 't' AS owner_kind, ta.table_id AS owner, ta.area_id, a.position
    FROM table_areas ta JOIN areas a ON a.id = ta.area_id WHERE a.process_id = $1
    UNION ALL
    SELECT 's' AS owner_kind, sa.session_id AS owner, sa.area_id, a.position
    FROM session_areas sa JOIN areas a ON a.id = sa.area_id WHERE a.process_id = $1
    ORDER BY position";

impl Store {
    /// Creates an Ambito, or updates the profile of the one with the same slug.
    pub async fn upsert_ambito(&self, ambito: &NewAmbito) -> Result<i64> {
        on_pool!(
            self,
            write | pool | {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                let c = &ambito.contacts;
                let id: i64 = sqlx::query_scalar(UPSERT_AMBITO)
                    .bind(&ambito.slug)
                    .bind(&ambito.name)
                    .bind(&ambito.number)
                    .bind(&ambito.province)
                    .bind(&ambito.region)
                    .bind(&ambito.lead_municipality)
                    .bind(&ambito.managing_body)
                    .bind(&ambito.address)
                    .bind(&c.email)
                    .bind(&c.pec)
                    .bind(&c.phone)
                    .bind(&c.website)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM ambito_municipalities WHERE ambito_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                // Every page of the Ambito's processes shows its profile.
                sqlx::query("UPDATE processes SET revision = revision + 1 WHERE ambito_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for (position, name) in ambito.municipalities.iter().enumerate() {
                    sqlx::query("INSERT INTO ambito_municipalities (ambito_id, position, name) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(position as i32)
                        .bind(name)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(id)
            }
        )
    }

    /// Stores a new process of an Ambito with its whole calendar, in one transaction.
    pub async fn create_process(&self, ambito_id: i64, process: &NewProcess) -> Result<i64> {
        self.create_process_audited(ambito_id, process, None).await
    }

    /// Like [`Store::create_process`], recording `audit` in the same transaction.
    pub async fn create_process_audited(
        &self,
        ambito_id: i64,
        process: &NewProcess,
        audit: Option<&AuditEntry>,
    ) -> Result<i64> {
        process.validate()?;
        let h = &process.header;
        if self.process_exists(&h.slug).await? {
            return Err(StoreError::Conflict(format!("esiste già un processo con l'indirizzo «{}»", h.slug)));
        }
        // In a block of its own, so that the `?`s below end the block and the map_err
        // after it sees every error.
        let outcome: Result<i64> = async {
            audited!(self, maybe audit, |tx| {
                let process_id: i64 = sqlx::query_scalar(INSERT_PROCESS)
                    .bind(ambito_id)
                    .bind(&h.slug)
                    .bind(&h.title)
                    .bind(h.cycle.from)
                    .bind(h.cycle.to)
                    .bind(&h.regional_plan)
                    .bind(h.legal_references.join("\n"))
                    .bind(h.status.code())
                    .bind(h.deadline.map(|d| d.instant()))
                    .bind(&h.channels.email)
                    .bind(&h.channels.pec)
                    .bind(&h.channels.url)
                    .bind(h.channels.online_form)
                    .bind(&h.contact_person)
                    .bind(&h.description)
                    .bind(&h.eligibility)
                    .bind(h.signatory.as_ref().map(|s| s.role.as_str()))
                    .bind(h.signatory.as_ref().map(|s| s.name.as_str()))
                    .bind(h.minimum_age.map(|m| m.years as i32))
                    .bind(h.minimum_age.map(|m| m.reference_date))
                    .bind(Utc::now())
                    .fetch_one(&mut *tx)
                    .await?;
                // A process created closed (the demo's, an import of an old one) starts
                // its retention period now, the first moment Concerto knows it closed.
                sqlx::query("UPDATE processes SET closed_at = created_at WHERE id = $1 AND status = 'closed'")
                    .bind(process_id)
                    .execute(&mut *tx)
                    .await?;

                let mut phase_ids = Vec::with_capacity(process.phases.len());
                for (position, phase) in process.phases.iter().enumerate() {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO phases (process_id, position, name, description, starts_on, ends_on)
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(process_id)
                    .bind(position as i32)
                    .bind(&phase.name)
                    .bind(&phase.description)
                    .bind(phase.starts_on)
                    .bind(phase.ends_on)
                    .fetch_one(&mut *tx)
                    .await?;
                    phase_ids.push(id);
                }

                let mut area_ids = Vec::with_capacity(process.areas.len());
                for (position, area) in process.areas.iter().enumerate() {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO areas (process_id, position, name, catalogue_code)
                         VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(process_id)
                    .bind(position as i32)
                    .bind(&area.name)
                    .bind(&area.catalogue_code)
                    .fetch_one(&mut *tx)
                    .await?;
                    area_ids.push(id);
                }

                let mut table_ids = Vec::with_capacity(process.tables.len());
                for (position, table) in process.tables.iter().enumerate() {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO process_tables (process_id, position, label, title)
                         VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(process_id)
                    .bind(position as i32)
                    .bind(&table.label)
                    .bind(&table.title)
                    .fetch_one(&mut *tx)
                    .await?;
                    for &area in &table.areas {
                        sqlx::query("INSERT INTO table_areas (table_id, area_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(area_ids[area])
                            .execute(&mut *tx)
                            .await?;
                    }
                    table_ids.push(id);
                }

                for (position, s) in process.sessions.iter().enumerate() {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO calendar_sessions (process_id, position, phase_id, table_id, kind,
                            title, date, start_time, end_time, venue, invited)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    )
                    .bind(process_id)
                    .bind(position as i32)
                    .bind(s.phase.map(|p| phase_ids[p]))
                    .bind(s.table.map(|t| table_ids[t]))
                    .bind(s.kind.code())
                    .bind(&s.title)
                    .bind(s.date)
                    .bind(s.start)
                    .bind(s.end)
                    .bind(&s.venue)
                    .bind(&s.invited)
                    .fetch_one(&mut *tx)
                    .await?;
                    for &area in &s.areas {
                        sqlx::query("INSERT INTO session_areas (session_id, area_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(area_ids[area])
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                process_id
            })
        }
        .await;
        outcome.map_err(|e| match e {
            // Two instances loading the same process at once: one of them wins.
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                StoreError::Conflict(format!("esiste già un processo con l'indirizzo «{}»", h.slug))
            }
            other => other,
        })
    }

    pub async fn process_exists(&self, slug: &str) -> Result<bool> {
        on_pool!(
            self,
            read | pool | {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM processes WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(pool)
                    .await?;
                Ok(found.is_some())
            }
        )
    }

    /// Whether any process is stored: an empty database gets the demo.
    pub async fn has_processes(&self) -> Result<bool> {
        on_pool!(
            self,
            read | pool | {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM processes LIMIT 1").fetch_optional(pool).await?;
                Ok(found.is_some())
            }
        )
    }

    /// Processes for lists, newest plan cycle first; drafts only when asked for.
    pub async fn process_summaries(&self, include_drafts: bool) -> Result<Vec<ProcessSummary>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(SELECT_SUMMARIES).bind(include_drafts).fetch_all(pool).await?;
                rows.iter().map(summary_from_row).collect()
            }
        )
    }

    /// Publishes, unpublishes (back to draft) or closes a process, with its audit entry.
    pub async fn set_process_status(&self, process_id: i64, status: ProcessStatus, audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            // `closed_at` starts the retention period (issue 16): a second close keeps
            // the first date, and reopening clears it.
            sqlx::query(
                "UPDATE processes SET status = $2, revision = revision + 1, updated_at = $3,
                 closed_at = CASE WHEN $2 <> 'closed' THEN NULL
                                  WHEN status = 'closed' AND closed_at IS NOT NULL THEN closed_at ELSE $3 END
                 WHERE id = $1",
            )
            .bind(process_id)
            .bind(status.code())
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    /// Moves or cancels a session: its SEQUENCE goes up for calendar programs, the
    /// process's pages are refreshed, and the participants' notices are queued, all
    /// in one transaction. Returns the new sequence.
    pub async fn update_session(
        &self,
        process_id: i64,
        session_id: i64,
        update: &SessionUpdate,
        notices: &[NewEmail],
        audit: &AuditEntry,
    ) -> Result<i32> {
        let now = audit.at;
        update.validate()?;
        audited!(self, audit, |tx| {
            let sequence: Option<i32> = sqlx::query_scalar(
                "UPDATE calendar_sessions SET date = $3, start_time = $4, end_time = $5, venue = $6,
                 cancelled = $7, sequence = sequence + 1 WHERE id = $1 AND process_id = $2 RETURNING sequence",
            )
            .bind(session_id)
            .bind(process_id)
            .bind(update.date)
            .bind(update.start)
            .bind(update.end)
            .bind(&update.venue)
            .bind(update.cancelled)
            .fetch_optional(&mut *tx)
            .await?;
            let sequence = sequence.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE processes SET revision = revision + 1, updated_at = $2 WHERE id = $1")
                .bind(process_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            for email in notices {
                enqueue_on!(&mut *tx, email, now).await?;
            }
            sequence
        })
    }

    /// The regional catalogue of thematic areas: (code, name), in catalogue order.
    pub async fn regional_areas(&self) -> Result<Vec<(String, String)>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query("SELECT code, name FROM regional_areas ORDER BY plan, position")
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(|r| Ok((r.text("code")?, r.text("name")?))).collect()
            }
        )
    }

    /// A process with its Ambito and whole calendar.
    pub async fn process_by_slug(&self, slug: &str) -> Result<Option<Process>> {
        let revision: Option<i32> = on_pool!(
            self,
            read | pool | {
                sqlx::query_scalar("SELECT revision FROM processes WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(pool)
                    .await?
            }
        );
        let Some(revision) = revision.map(i64::from) else { return Ok(None) };
        if let Some(process) = self.processes.get(slug, revision) {
            return Ok(Some(Process::clone(&process)));
        }
        let process = self.load_process(Key::Text(slug)).await?;
        if let Some(p) = &process {
            // Loaded after the revision was read, so at least that fresh.
            self.processes.put(slug, revision, Arc::new(p.clone()));
        }
        Ok(process)
    }

    pub async fn process_by_id(&self, id: i64) -> Result<Option<Process>> {
        self.load_process(Key::Int(id)).await
    }

    async fn load_process(&self, key: Key<'_>) -> Result<Option<Process>> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let column = if matches!(key, Key::Int(_)) { "p.id" } else { "p.slug" };
                let sql = format!("{SELECT_PROCESS} WHERE {column} = $1");
                let query = sqlx::query(&sql);
                let query = match key {
                    Key::Int(id) => query.bind(id),
                    Key::Text(slug) => query.bind(slug),
                };
                let Some(row) = query.fetch_optional(&mut *conn).await? else {
                    return Ok(None);
                };
                let id = row.int("id")?;
                let municipalities = sqlx::query(SELECT_MUNICIPALITIES)
                    .bind(row.int("ambito_id")?)
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| r.text("name"))
                    .collect::<Result<Vec<_>>>()?;
                let phases = sqlx::query(SELECT_PHASES).bind(id).fetch_all(&mut *conn).await?;
                let areas = sqlx::query(SELECT_AREAS).bind(id).fetch_all(&mut *conn).await?;
                let tables = sqlx::query(SELECT_TABLES).bind(id).fetch_all(&mut *conn).await?;
                let sessions = sqlx::query(SELECT_SESSIONS).bind(id).fetch_all(&mut *conn).await?;
                let links = sqlx::query(SELECT_AREA_LINKS).bind(id).fetch_all(&mut *conn).await?;

                let mut table_areas: HashMap<i64, Vec<i64>> = HashMap::new();
                let mut session_areas: HashMap<i64, Vec<i64>> = HashMap::new();
                for link in &links {
                    let owners = if link.text("owner_kind")? == "t" { &mut table_areas } else { &mut session_areas };
                    owners.entry(link.int("owner")?).or_default().push(link.int("area_id")?);
                }
                Ok(Some(Process {
                    id,
                    ambito: ambito_from_row(&row, municipalities)?,
                    header: header_from_row(&row)?,
                    phases: phases.iter().map(phase_from_row).collect::<Result<_>>()?,
                    areas: areas.iter().map(area_from_row).collect::<Result<_>>()?,
                    tables: tables.iter().map(|r| table_from_row(r, &mut table_areas)).collect::<Result<_>>()?,
                    sessions: sessions
                        .iter()
                        .map(|r| session_from_row(r, &mut session_areas))
                        .collect::<Result<_>>()?,
                }))
            }
        )
    }
}

fn status(row: &impl Columns) -> Result<ProcessStatus> {
    let code = row.text("status")?;
    ProcessStatus::from_code(&code).ok_or_else(|| corrupt("status", &code))
}

fn summary_from_row(row: &impl Columns) -> Result<ProcessSummary> {
    Ok(ProcessSummary {
        ambito_id: row.int("ambito_id")?,
        slug: row.text("slug")?,
        title: row.text("title")?,
        ambito_slug: row.text("a_slug")?,
        ambito_name: row.text("a_name")?,
        province: row.text("a_province")?,
        cycle: PlanCycle { from: row.small("cycle_from")?, to: row.small("cycle_to")? },
        status: status(row)?,
        deadline: row.opt_instant("deadline_at")?.map(Deadline::from_utc),
    })
}

fn ambito_from_row(row: &impl Columns, municipalities: Vec<String>) -> Result<Ambito> {
    Ok(Ambito {
        id: row.int("ambito_id")?,
        profile: NewAmbito {
            slug: row.text("a_slug")?,
            name: row.text("a_name")?,
            number: row.opt_text("a_number")?,
            province: row.text("a_province")?,
            region: row.text("a_region")?,
            lead_municipality: row.text("a_lead")?,
            municipalities,
            managing_body: row.opt_text("a_managing_body")?,
            address: row.opt_text("a_address")?,
            contacts: Contacts {
                email: row.opt_text("a_email")?,
                pec: row.opt_text("a_pec")?,
                phone: row.opt_text("a_phone")?,
                website: row.opt_text("a_website")?,
            },
        },
    })
}

fn header_from_row(row: &impl Columns) -> Result<ProcessHeader> {
    let legal = row.text("legal_references")?;
    let signatory = match (row.opt_text("signatory_role")?, row.opt_text("signatory_name")?) {
        (Some(role), Some(name)) => Some(Signatory { role, name }),
        _ => None,
    };
    Ok(ProcessHeader {
        slug: row.text("slug")?,
        title: row.text("title")?,
        cycle: PlanCycle { from: row.small("cycle_from")?, to: row.small("cycle_to")? },
        regional_plan: row.opt_text("regional_plan")?,
        legal_references: legal.lines().filter(|l| !l.is_empty()).map(String::from).collect(),
        status: status(row)?,
        deadline: row.opt_instant("deadline_at")?.map(Deadline::from_utc),
        channels: ApplicationChannels {
            email: row.opt_text("apply_email")?,
            pec: row.opt_text("apply_pec")?,
            url: row.opt_text("apply_url")?,
            online_form: row.flag("online_form")?,
        },
        contact_person: row.opt_text("contact_person")?,
        description: row.text("description")?,
        eligibility: row.text("eligibility")?,
        signatory,
        minimum_age: match (row.opt_small("minimum_age_years")?, row.opt_date("minimum_age_reference")?) {
            (Some(years), Some(reference_date)) => Some(MinimumAge { years: years.max(0) as u32, reference_date }),
            _ => None,
        },
    })
}

fn phase_from_row(row: &impl Columns) -> Result<Phase> {
    Ok(Phase {
        id: row.int("id")?,
        name: row.text("name")?,
        description: row.text("description")?,
        starts_on: row.opt_date("starts_on")?,
        ends_on: row.opt_date("ends_on")?,
    })
}

fn area_from_row(row: &impl Columns) -> Result<ThematicArea> {
    Ok(ThematicArea { id: row.int("id")?, name: row.text("name")?, catalogue_code: row.opt_text("catalogue_code")? })
}

fn table_from_row(row: &impl Columns, areas: &mut HashMap<i64, Vec<i64>>) -> Result<Table> {
    let id = row.int("id")?;
    Ok(Table {
        id,
        label: row.text("label")?,
        title: row.text("title")?,
        area_ids: areas.remove(&id).unwrap_or_default(),
    })
}

fn session_from_row(row: &impl Columns, areas: &mut HashMap<i64, Vec<i64>>) -> Result<Session> {
    let id = row.int("id")?;
    let kind = row.text("kind")?;
    Ok(Session {
        id,
        kind: SessionKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        title: row.text("title")?,
        phase_id: row.opt_int("phase_id")?,
        table_id: row.opt_int("table_id")?,
        date: row.opt_date("date")?,
        start: row.opt_time("start_time")?,
        end: row.opt_time("end_time")?,
        venue: row.opt_text("venue")?,
        area_ids: areas.remove(&id).unwrap_or_default(),
        invited: row.opt_text("invited")?,
        sequence: row.small("sequence")?,
        cancelled: row.flag("cancelled")?,
    })
}

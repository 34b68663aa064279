//! The Ambiti and the profile each office edits in its workspace.

use concerto_domain::{AmbitoIdentity, AmbitoProfile, AssociationForm, AuditEntry, Contacts};

use crate::audit::audited;
use crate::rows::Columns;
use crate::{Result, Store, StoreError, on_pool};

/// An Ambito with its editable profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbitoRecord {
    pub id: i64,
    pub slug: String,
    /// "Ambito Territoriale Sociale di Casarano".
    pub full_name: String,
    pub profile: AmbitoProfile,
}

fn full_name(row: &impl Columns) -> Result<String> {
    let name = row.text("name")?;
    Ok(match row.opt_text("number")? {
        Some(n) => format!("Ambito Territoriale Sociale {n} di {name}"),
        None => format!("Ambito Territoriale Sociale di {name}"),
    })
}

impl Store {
    /// Every Ambito: (id, slug, full name), by name.
    pub async fn ambiti(&self) -> Result<Vec<(i64, String, String)>> {
        on_pool!(
            self,
            read | pool | {
                let rows =
                    sqlx::query("SELECT id, slug, name, number FROM ambiti ORDER BY name").fetch_all(pool).await?;
                rows.iter().map(|r| Ok((r.int("id")?, r.text("slug")?, full_name(r)?))).collect()
            }
        )
    }

    pub async fn ambito_profile(&self, slug: &str) -> Result<Option<AmbitoRecord>> {
        on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let Some(row) =
                    sqlx::query("SELECT * FROM ambiti WHERE slug = $1").bind(slug).fetch_optional(&mut *conn).await?
                else {
                    return Ok(None);
                };
                let id = row.int("id")?;
                let municipalities =
                    sqlx::query("SELECT name FROM ambito_municipalities WHERE ambito_id = $1 ORDER BY position")
                        .bind(id)
                        .fetch_all(&mut *conn)
                        .await?
                        .iter()
                        .map(|r| r.text("name"))
                        .collect::<Result<Vec<_>>>()?;
                Ok(Some(AmbitoRecord {
                    id,
                    slug: row.text("slug")?,
                    full_name: full_name(&row)?,
                    profile: AmbitoProfile {
                        municipalities,
                        lead_municipality: row.text("lead_municipality")?,
                        address: row.opt_text("address")?,
                        contacts: Contacts {
                            email: row.opt_text("email")?,
                            pec: row.opt_text("pec")?,
                            phone: row.opt_text("phone")?,
                            website: row.opt_text("website")?,
                        },
                        privacy_notice: row.opt_text("privacy_notice")?,
                        letterhead: row.opt_text("letterhead")?,
                    },
                }))
            }
        )
    }

    /// Saves an Ambito's profile with its audit entry; the pages of its processes,
    /// which show the profile, are refreshed.
    pub async fn update_ambito_profile(&self, ambito_id: i64, p: &AmbitoProfile, audit: &AuditEntry) -> Result<()> {
        p.validate()?;
        audited!(self, audit, |tx| {
            let c = &p.contacts;
            let updated: Option<i64> = sqlx::query_scalar(
                "UPDATE ambiti SET lead_municipality = $2, address = $3, email = $4, pec = $5, phone = $6,
                 website = $7, privacy_notice = $8, letterhead = $9 WHERE id = $1 RETURNING id",
            )
            .bind(ambito_id)
            .bind(&p.lead_municipality)
            .bind(&p.address)
            .bind(&c.email)
            .bind(&c.pec)
            .bind(&c.phone)
            .bind(&c.website)
            .bind(&p.privacy_notice)
            .bind(&p.letterhead)
            .fetch_optional(&mut *tx)
            .await?;
            updated.ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM ambito_municipalities WHERE ambito_id = $1")
                .bind(ambito_id)
                .execute(&mut *tx)
                .await?;
            for (position, name) in p.municipalities.iter().enumerate() {
                sqlx::query("INSERT INTO ambito_municipalities (ambito_id, position, name) VALUES ($1, $2, $3)")
                    .bind(ambito_id)
                    .bind(position as i32)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE processes SET revision = revision + 1 WHERE ambito_id = $1")
                .bind(ambito_id)
                .execute(&mut *tx)
                .await?;
        })
    }
}

/// An Ambito as the platform's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbitoLine {
    pub id: i64,
    pub slug: String,
    pub full_name: String,
    pub short_code: Option<String>,
    pub province: String,
    pub region: String,
    pub municipalities: i64,
    pub source: Option<String>,
}

/// An Ambito's letterhead logo, as uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbitoLogo {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn identity_from_row(row: &impl Columns) -> Result<AmbitoIdentity> {
    let form = row.opt_text("association_form")?;
    Ok(AmbitoIdentity {
        slug: row.text("slug")?,
        name: row.text("name")?,
        short_code: row.opt_text("short_code")?,
        region: row.text("region")?,
        province: row.text("province")?,
        association_form: match form {
            Some(code) => {
                Some(AssociationForm::from_code(&code).ok_or_else(|| crate::rows::corrupt("association_form", &code))?)
            }
            None => None,
        },
        retention_years: u32::try_from(row.small("retention_years")?)
            .unwrap_or(concerto_domain::DEFAULT_RETENTION_YEARS),
        source: row.opt_text("source")?,
    })
}

impl Store {
    /// Every Ambito with what the platform's list shows, by name.
    pub async fn ambito_lines(&self) -> Result<Vec<AmbitoLine>> {
        on_pool!(
            self,
            read | pool | {
                let rows = sqlx::query(
                    "SELECT a.id, a.slug, a.name, a.number, a.short_code, a.province, a.region, a.source,
                        (SELECT COUNT(*) FROM ambito_municipalities m WHERE m.ambito_id = a.id) AS municipalities
                 FROM ambiti a ORDER BY a.name",
                )
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(AmbitoLine {
                            id: r.int("id")?,
                            slug: r.text("slug")?,
                            full_name: full_name(r)?,
                            short_code: r.opt_text("short_code")?,
                            province: r.text("province")?,
                            region: r.text("region")?,
                            municipalities: r.int("municipalities")?,
                            source: r.opt_text("source")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// An Ambito's identity, by slug, with its id.
    pub async fn ambito_identity(&self, slug: &str) -> Result<Option<(i64, AmbitoIdentity)>> {
        on_pool!(
            self,
            read | pool | {
                let row = sqlx::query("SELECT * FROM ambiti WHERE slug = $1").bind(slug).fetch_optional(pool).await?;
                row.map(|r| Ok((r.int("id")?, identity_from_row(&r)?))).transpose()
            }
        )
    }

    /// Creates an Ambito with its profile, audited, in one transaction. A slug in use
    /// is a conflict.
    pub async fn create_ambito(
        &self,
        identity: &AmbitoIdentity,
        profile: &AmbitoProfile,
        audit: &AuditEntry,
    ) -> Result<i64> {
        identity.validate()?;
        profile.validate()?;
        if self.ambito_id(&identity.slug).await?.is_some() {
            let mut errors = concerto_domain::FieldErrors::default();
            errors.push("slug", "taken", format!("L'indirizzo breve «{}» è già di un altro Ambito.", identity.slug));
            return Err(errors.into());
        }
        audited!(self, audit, |tx| {
            let c = &profile.contacts;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO ambiti (slug, name, province, region, lead_municipality, address, email, pec, phone, website,
                    privacy_notice, letterhead, short_code, association_form, retention_years, source)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
            )
            .bind(&identity.slug)
            .bind(&identity.name)
            .bind(identity.province.to_uppercase())
            .bind(&identity.region)
            .bind(&profile.lead_municipality)
            .bind(&profile.address)
            .bind(&c.email)
            .bind(&c.pec)
            .bind(&c.phone)
            .bind(&c.website)
            .bind(&profile.privacy_notice)
            .bind(&profile.letterhead)
            .bind(&identity.short_code)
            .bind(identity.association_form.map(AssociationForm::code))
            .bind(identity.retention_years as i32)
            .bind(&identity.source)
            .fetch_one(&mut *tx)
            .await?;
            for (position, name) in profile.municipalities.iter().enumerate() {
                sqlx::query("INSERT INTO ambito_municipalities (ambito_id, position, name) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(position as i32)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        })
    }

    /// Saves an Ambito's identity, audited; its processes' pages are refreshed.
    pub async fn update_ambito_identity(
        &self,
        ambito_id: i64,
        identity: &AmbitoIdentity,
        audit: &AuditEntry,
    ) -> Result<()> {
        identity.validate()?;
        let taken = self.ambito_id(&identity.slug).await?;
        if taken.is_some_and(|other| other != ambito_id) {
            let mut errors = concerto_domain::FieldErrors::default();
            errors.push("slug", "taken", format!("L'indirizzo breve «{}» è già di un altro Ambito.", identity.slug));
            return Err(errors.into());
        }
        audited!(self, audit, |tx| {
            let updated: Option<i64> = sqlx::query_scalar(
                "UPDATE ambiti SET slug = $2, name = $3, province = $4, region = $5, short_code = $6, association_form = $7,
                    retention_years = $8, source = $9 WHERE id = $1 RETURNING id",
            )
            .bind(ambito_id)
            .bind(&identity.slug)
            .bind(&identity.name)
            .bind(identity.province.to_uppercase())
            .bind(&identity.region)
            .bind(&identity.short_code)
            .bind(identity.association_form.map(AssociationForm::code))
            .bind(identity.retention_years as i32)
            .bind(&identity.source)
            .fetch_optional(&mut *tx)
            .await?;
            updated.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE processes SET revision = revision + 1 WHERE ambito_id = $1")
                .bind(ambito_id)
                .execute(&mut *tx)
                .await?;
        })
    }

    /// Replaces an Ambito's letterhead logo (already checked by its content), audited.
    pub async fn set_ambito_logo(&self, ambito_id: i64, logo: &AmbitoLogo, audit: &AuditEntry) -> Result<()> {
        audited!(self, audit, |tx| {
            sqlx::query("UPDATE ambiti SET logo = $2, logo_type = $3 WHERE id = $1")
                .bind(ambito_id)
                .bind(&logo.bytes)
                .bind(&logo.content_type)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE processes SET revision = revision + 1 WHERE ambito_id = $1")
                .bind(ambito_id)
                .execute(&mut *tx)
                .await?;
        })
    }

    pub async fn ambito_logo(&self, ambito_id: i64) -> Result<Option<AmbitoLogo>> {
        on_pool!(
            self,
            read | pool | {
                let row: Option<(Option<Vec<u8>>, Option<String>)> =
                    sqlx::query_as("SELECT logo, logo_type FROM ambiti WHERE id = $1")
                        .bind(ambito_id)
                        .fetch_optional(pool)
                        .await?;
                Ok(match row {
                    Some((Some(bytes), Some(content_type))) => Some(AmbitoLogo { content_type, bytes }),
                    _ => None,
                })
            }
        )
    }
}

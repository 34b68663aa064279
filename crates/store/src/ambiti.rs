//! The Ambiti and the profile each office edits in its workspace.

use concerto_domain::{AmbitoProfile, AuditEntry, Contacts};
use sqlx::Connection;

use crate::audit::audit_on;
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
        on_pool!(self, read |pool| {
            let rows = sqlx::query("SELECT id, slug, name, number FROM ambiti ORDER BY name").fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.int("id")?, r.text("slug")?, full_name(r)?))).collect()
        })
    }

    pub async fn ambito_profile(&self, slug: &str) -> Result<Option<AmbitoRecord>> {
        on_pool!(self, read |pool| {
            let mut conn = pool.acquire().await?;
            let Some(row) = sqlx::query("SELECT * FROM ambiti WHERE slug = $1").bind(slug).fetch_optional(&mut *conn).await?
            else {
                return Ok(None);
            };
            let id = row.int("id")?;
            let municipalities = sqlx::query("SELECT name FROM ambito_municipalities WHERE ambito_id = $1 ORDER BY position")
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
        })
    }

    /// Saves an Ambito's profile with its audit entry; the pages of its processes,
    /// which show the profile, are refreshed.
    pub async fn update_ambito_profile(&self, ambito_id: i64, p: &AmbitoProfile, audit: &AuditEntry) -> Result<()> {
        p.validate()?;
        on_pool!(self, write |pool| {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
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
            sqlx::query("DELETE FROM ambito_municipalities WHERE ambito_id = $1").bind(ambito_id).execute(&mut *tx).await?;
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
            audit_on!(&mut *tx, audit).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

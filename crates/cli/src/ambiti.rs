//! `concerto ambiti import FILE.csv`: loads a regional list of Ambiti (see
//! `docs/data/README.md` for the columns). Every row is checked before any is
//! stored; an Ambito whose slug exists already is left as it is.

use std::path::Path;

use anyhow::Context;
use concerto_domain::{AuditEntry, ListRow, ambito_from_list};
use concerto_store::Store;

/// The rows of `file`, each turned into an Ambito, or every bad row named.
fn read(file: &Path) -> anyhow::Result<Vec<(concerto_domain::AmbitoIdentity, concerto_domain::AmbitoProfile)>> {
    let mut reader = csv::Reader::from_path(file).with_context(|| format!("reading {}", file.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h.trim() == name).with_context(|| format!("the list has no column «{name}»"))
    };
    let (name, province, lead, members) =
        (column("ambito")?, column("province")?, column("lead_municipality")?, column("municipalities")?);
    let (managing, source) =
        (headers.iter().position(|h| h == "managing_body"), headers.iter().position(|h| h == "source"));
    let mut ambiti = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let row = ListRow {
            name: cell(Some(name)),
            province: cell(Some(province)),
            lead_municipality: cell(Some(lead)),
            municipalities: cell(Some(members)),
            managing_body: cell(managing),
            source: cell(source),
        };
        match ambito_from_list(&row) {
            Ok(ambito) => ambiti.push(ambito),
            Err(errors) => {
                for e in errors.errors {
                    problems.push(format!("row {} ({}): {}: {}", i + 2, row.name, e.field, e.message));
                }
            }
        }
    }
    anyhow::ensure!(problems.is_empty(), "the list was not loaded:\n{}", problems.join("\n"));
    Ok(ambiti)
}

pub async fn import(store: &Store, file: &Path) -> anyhow::Result<()> {
    let ambiti = read(file)?;
    let (mut created, mut kept) = (0, 0);
    for (identity, profile) in &ambiti {
        if store.ambito_id(&identity.slug).await?.is_some() {
            println!("kept     {} (exists already)", identity.slug);
            kept += 1;
            continue;
        }
        let audit = AuditEntry {
            actor: "cli".into(),
            at: chrono::Utc::now(),
            action: "ambito.create".into(),
            subject: format!("ambito:{}", identity.slug),
            ambito: Some(identity.slug.clone()),
            before: None,
            after: serde_json::to_string(&(identity, profile)).ok(),
        };
        store.create_ambito(identity, profile, &audit).await?;
        println!("created  {} ({} municipalities)", identity.slug, profile.municipalities.len());
        created += 1;
    }
    println!("ambiti: {created} created, {kept} kept");
    Ok(())
}

//! Loading the demo processes into an empty database.

use chrono::Utc;
use concerto_demo::demo_processes;
use concerto_domain::ROME;
use concerto_store::{Store, StoreError};

pub async fn load_if_empty(store: &Store) -> anyhow::Result<()> {
    if store.has_processes().await? {
        return Ok(());
    }
    let today = Utc::now().with_timezone(&ROME).date_naive();
    for demo in demo_processes(today) {
        let ambito = store.upsert_ambito(&demo.ambito).await?;
        match store.create_process(ambito, &demo.process).await {
            Ok(_) => tracing::info!(slug = %demo.process.header.slug, "demo process loaded"),
            // Another instance starting on the same database loads it: let it.
            Err(StoreError::Conflict(_)) => {
                tracing::info!("the demo is being loaded by another instance");
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

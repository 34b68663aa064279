//! Loading the demo processes into an empty database.

use chrono::Utc;
use concerto_demo::demo_processes;
use concerto_domain::ROME;
use concerto_store::Store;

pub async fn load_if_empty(store: &Store) -> anyhow::Result<()> {
    if store.has_processes().await? {
        return Ok(());
    }
    let today = Utc::now().with_timezone(&ROME).date_naive();
    for demo in demo_processes(today) {
        let ambito = store.upsert_ambito(&demo.ambito).await?;
        store.create_process(ambito, &demo.process).await?;
        tracing::info!(slug = %demo.process.header.slug, "demo process loaded");
    }
    Ok(())
}

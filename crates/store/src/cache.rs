//! Processes are read on every public page and change rarely. Each one carries a
//! revision, bumped by every write that changes what it shows; a page then costs one
//! indexed lookup of the revision, and the whole process is loaded only when the
//! revision moved. The check goes to the database every time, so instances sharing
//! one PostgreSQL never serve each other's stale copies.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use concerto_domain::Process;

/// Enough for every process of a large installation; past it the cache starts over.
const MAX_ENTRIES: usize = 4096;

#[derive(Default)]
pub(crate) struct ProcessCache {
    entries: RwLock<HashMap<String, (i64, Arc<Process>)>>,
}

impl ProcessCache {
    pub fn get(&self, slug: &str, revision: i64) -> Option<Arc<Process>> {
        let entries = self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(slug).filter(|(r, _)| *r == revision).map(|(_, p)| p.clone())
    }

    pub fn put(&self, slug: &str, revision: i64, process: Arc<Process>) {
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(slug.to_string(), (revision, process));
    }
}

//! The catalogue's full-text search with facets, answered by each instance's
//! in-memory [`Index`](super::index::Index). Every write to a record stamps it
//! with the catalogue's new revision in its own transaction (see
//! [`BUMP_REVISION`](super::BUMP_REVISION)); a search reads the revision first,
//! on every request, and when it moved loads the records stamped since, so the
//! next search after a write sees it, on this instance and on any other sharing
//! the database. A page then loads its own records by id and marks the searched
//! words in their text; the pages asked since the last write are remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use concerto_domain::observatory::{PAGE_SIZE, RecordQuery, highlight};

use super::index::{Index, IndexedRecord};
use super::{RECORD_COLUMNS, RECORD_FROM, record_from_row};
use crate::rows::Columns;
use crate::{Result, Store, on_pool};
/// One result of a search. The highlighted texts mark matched words between
/// [`MARK_START`](highlight::MARK_START) and [`MARK_END`](highlight::MARK_END), so
/// that the page escapes the text first and then turns the marks into `<mark>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub record: super::StoredRecord,
    pub title_marked: Option<String>,
    pub excerpt_marked: Option<String>,
}

/// A facet value with the number of matching records that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub facet: &'static str,
    pub value: String,
    pub count: i64,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub total: i64,
    pub facets: Vec<FacetCount>,
}

/// A search's page: the words, the filters' values and the offset.
type PageKey = (Vec<String>, [Option<String>; 6], usize);

/// Enough pages for the searches a catalogue gets between two writes; past it
/// the remembered pages start over.
const MAX_PAGES: usize = 512;

/// The index, the catalogue revision it holds, and the pages served at it.
#[derive(Default)]
pub(crate) struct SearchIndex {
    index: RwLock<(i64, Index)>,
    /// Held while loading, so that concurrent searches load the records once.
    loading: tokio::sync::Mutex<()>,
    pages: Mutex<(i64, HashMap<PageKey, Arc<SearchPage>>)>,
}

impl SearchIndex {
    fn revision(&self) -> i64 {
        self.index.read().unwrap_or_else(std::sync::PoisonError::into_inner).0
    }

    fn page(&self, revision: i64, key: &PageKey) -> Option<Arc<SearchPage>> {
        let pages = self.pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if pages.0 == revision { pages.1.get(key).cloned() } else { None }
    }

    /// Keeps a page found at `revision`; a newer revision forgets the older one's.
    fn keep(&self, revision: i64, key: PageKey, page: Arc<SearchPage>) {
        let mut pages = self.pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if revision > pages.0 || pages.1.len() >= MAX_PAGES {
            pages.1.clear();
        }
        if revision >= pages.0 {
            pages.0 = revision;
            pages.1.insert(key, page);
        }
    }
}

/// The values of the query's facet filters, in [`FACETS`](concerto_domain::observatory::FACETS) order.
fn filters(q: &RecordQuery) -> [Option<String>; 6] {
    [
        q.region.clone(),
        q.province.clone(),
        q.ambito.clone(),
        q.area.clone(),
        q.cycle.clone(),
        q.status.map(|s| s.code().to_string()),
    ]
}

const REVISION: &str = "SELECT revision FROM observatory_revision WHERE id = 1";

/// The records written after a revision, with what the index needs of them.
const CHANGED: &str = "SELECT id, listed, title, search_body, region, province, ambito, cycle, status, start_year
    FROM observatory_records WHERE revision > $1 ORDER BY id";
const CHANGED_AREAS: &str = "SELECT a.record_id, a.area FROM observatory_record_areas a
    JOIN observatory_records r ON r.id = a.record_id WHERE r.revision > $1";

/// Rewritten records leave dead slots behind; past this many, and past the live
/// ones, the index is built again from the table.
const MAX_DEAD: usize = 10_000;

impl Store {
    /// One page of the records matching `q`, with the facet counts of all matches.
    pub async fn search_observatory(&self, q: &RecordQuery) -> Result<SearchPage> {
        let revision = self.observatory_revision().await?;
        if self.searches.revision() < revision {
            self.catch_up(revision).await?;
        }
        let offset = usize::try_from(q.offset()).unwrap_or(usize::MAX);
        let key: PageKey = (q.terms.clone(), filters(q), offset);
        if let Some(page) = self.searches.page(revision, &key) {
            return Ok(SearchPage::clone(&page));
        }
        let found = {
            let index = self.searches.index.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            index.1.search(&key.0, &key.1, offset, PAGE_SIZE as usize)
        };
        let page = Arc::new(SearchPage {
            hits: self.read_page(&found.ids, &q.terms).await?,
            total: found.total as i64,
            facets: found.facets,
        });
        // Kept only when no write came between: then the page is the revision's.
        if self.observatory_revision().await? == revision {
            self.searches.keep(revision, key, page.clone());
        }
        Ok(SearchPage::clone(&page))
    }

    /// Brings the index up to at least `revision`: the records written since the
    /// one it holds, or all of them the first time and when too many slots died.
    async fn catch_up(&self, revision: i64) -> Result<()> {
        let _loading = self.searches.loading.lock().await;
        let (held, rebuild) = {
            let index = self.searches.index.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            (index.0, index.1.dead() > MAX_DEAD.max(index.1.live()))
        };
        if held >= revision {
            return Ok(());
        }
        let since = if rebuild { -1 } else { held };
        let records = self.changed_records(since).await?;
        let mut index = self.searches.index.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if rebuild {
            index.1 = Index::default();
        }
        index.1.apply(records);
        index.0 = revision;
        Ok(())
    }

    /// The records stamped after revision `since` (all of them for -1), listed
    /// or not, with their areas.
    async fn changed_records(&self, since: i64) -> Result<Vec<IndexedRecord>> {
        Ok(on_pool!(
            self,
            read | pool | {
                let mut conn = pool.acquire().await?;
                let mut areas: HashMap<i64, Vec<String>> = HashMap::new();
                for row in sqlx::query(CHANGED_AREAS).bind(since).fetch_all(&mut *conn).await? {
                    areas.entry(row.int("record_id")?).or_default().push(row.text("area")?);
                }
                let rows = sqlx::query(CHANGED).bind(since).fetch_all(&mut *conn).await?;
                rows.iter()
                    .map(|r| {
                        let id = r.int("id")?;
                        Ok(IndexedRecord {
                            id,
                            listed: r.flag("listed")?,
                            title: r.text("title")?,
                            body: r.text("search_body")?,
                            region: r.text("region")?,
                            province: r.text("province")?,
                            ambito: r.text("ambito")?,
                            cycle: r.opt_text("cycle")?,
                            status: r.text("status")?,
                            start_year: r.opt_small("start_year")?,
                            areas: areas.remove(&id).unwrap_or_default(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
            }
        ))
    }

    /// The records with these ids, in this order, with the searched words marked.
    async fn read_page(&self, page: &[i64], terms: &[String]) -> Result<Vec<SearchHit>> {
        let marks = !terms.is_empty();
        Ok(self
            .records_by_id(page)
            .await?
            .into_iter()
            .map(|record| SearchHit {
                title_marked: marks.then(|| highlight::marked(&record.content.title, terms)),
                excerpt_marked: marks.then(|| highlight::excerpt(&record.content.search_text().1, terms)).flatten(),
                record,
            })
            .collect())
    }

    async fn observatory_revision(&self) -> Result<i64> {
        on_pool!(self, read | pool | Ok(sqlx::query_scalar(REVISION).fetch_one(pool).await?))
    }

    /// The listed records with these ids, in the order given.
    async fn records_by_id(&self, ids: &[i64]) -> Result<Vec<super::StoredRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE r.listed AND r.id IN ({})", places.join(", "));
        let mut records = on_pool!(
            self,
            read | pool | {
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?.iter().map(record_from_row).collect::<Result<Vec<_>>>()?
            }
        );
        records.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(records)
    }
}

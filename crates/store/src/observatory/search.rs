//! The catalogue's full-text search with facets. Ranking every match and counting
//! the facets of all of them is what a search costs; a page of it is cheap. So the
//! ranked matches and their facet counts are remembered per search (words and
//! filters) at the catalogue's revision, which every write to a record raises in
//! its own transaction (see [`BUMP_REVISION`](super::BUMP_REVISION)): a search reads
//! the revision first, on every request, so the next search after a write sees it,
//! on this instance and on any other sharing the database. A page then loads its
//! own records by id and marks the searched words in their text.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use concerto_domain::observatory::{FACETS, PAGE_SIZE, RecordQuery, highlight};

use super::{RECORD_COLUMNS, RECORD_FROM, record_from_row};
use crate::rows::{Columns, corrupt};
use crate::{Result, Store, dialect, on_pool};

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

/// Every match of a search, best first, and their facet counts, with the pages
/// already read: a page's records and marks are as much the revision's as the
/// matches are, and reading them again is most of a warm search's cost.
#[derive(Debug)]
pub(crate) struct Matches {
    ids: Vec<i64>,
    facets: Vec<FacetCount>,
    pages: Mutex<HashMap<usize, Arc<[SearchHit]>>>,
}

/// Pages remembered per search; past it that search's pages start over.
const MAX_PAGES: usize = 32;

impl Matches {
    fn page(&self, offset: usize) -> Option<Arc<[SearchHit]>> {
        self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&offset).cloned()
    }

    fn keep_page(&self, offset: usize, hits: Arc<[SearchHit]>) {
        let mut pages = self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(offset, hits);
    }
}

/// A search without its page: the full-text query and the filters' values.
type SearchKey = (String, [Option<String>; 6]);

/// Enough for the searches a catalogue gets between two writes; past it the
/// cache starts over.
const MAX_SEARCHES: usize = 512;

/// The searches of one catalogue revision.
#[derive(Default)]
pub(crate) struct SearchCache {
    state: RwLock<(i64, HashMap<SearchKey, Arc<Matches>>)>,
}

impl SearchCache {
    fn get(&self, revision: i64, key: &SearchKey) -> Option<Arc<Matches>> {
        let state = self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.0 == revision { state.1.get(key).cloned() } else { None }
    }

    /// Keeps `matches` found at `revision`; a newer revision forgets the older one's.
    fn put(&self, revision: i64, key: SearchKey, matches: Arc<Matches>) {
        let mut state = self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if revision > state.0 || state.1.len() >= MAX_SEARCHES {
            state.1.clear();
        }
        if revision >= state.0 {
            state.0 = revision;
            state.1.insert(key, matches);
        }
    }
}

/// The values of the query's facet filters, in [`FACETS`] order.
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

impl Store {
    /// One page of the records matching `q`, with the facet counts of all matches.
    pub async fn search_observatory(&self, q: &RecordQuery) -> Result<SearchPage> {
        let key: SearchKey = (dialect::fts_query(self.backend(), &q.terms), filters(q));
        let revision = self.observatory_revision().await?;
        let matches = match self.searches.get(revision, &key) {
            Some(matches) => matches,
            None => {
                let matches = Arc::new(self.find_matches(&key).await?);
                // Kept only when no write came between: then they are the revision's.
                if self.observatory_revision().await? == revision {
                    self.searches.put(revision, key, matches.clone());
                }
                matches
            }
        };
        let offset = usize::try_from(q.offset()).unwrap_or(usize::MAX).min(matches.ids.len());
        let hits = match matches.page(offset) {
            Some(hits) => hits,
            None => {
                let hits: Arc<[SearchHit]> = self.read_page(&matches.ids, offset, &q.terms).await?.into();
                matches.keep_page(offset, hits.clone());
                hits
            }
        };
        let hits = hits.to_vec();
        Ok(SearchPage { hits, total: matches.ids.len() as i64, facets: matches.facets.clone() })
    }

    /// The records of the page starting at `offset`, with the searched words marked.
    async fn read_page(&self, ids: &[i64], offset: usize, terms: &[String]) -> Result<Vec<SearchHit>> {
        let page = &ids[offset..(offset + PAGE_SIZE as usize).min(ids.len())];
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
        on_pool!(self, read |pool| Ok(sqlx::query_scalar(REVISION).fetch_one(pool).await?))
    }

    /// Ranks every match and counts their facets: the search's costly part.
    async fn find_matches(&self, (matcher, values): &SearchKey) -> Result<Matches> {
        let backend = self.backend();
        let has_terms = !matcher.is_empty();
        let ids_sql = dialect::observatory_matches(backend, has_terms);
        let facet_sql = dialect::observatory_facets(backend, has_terms);
        on_pool!(self, read |pool| {
            let mut conn = pool.acquire().await?;
            let mut ids = sqlx::query_scalar::<_, i64>(&ids_sql).bind(matcher);
            let mut facets = sqlx::query(&facet_sql).bind(matcher);
            for value in values {
                ids = ids.bind(value.clone());
                facets = facets.bind(value.clone());
            }
            let ids: Vec<i64> = ids.fetch_all(&mut *conn).await?;
            let facets = facets
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    let name = r.text("facet")?;
                    let facet = FACETS.into_iter().find(|f| *f == name).ok_or_else(|| corrupt("facet", &name))?;
                    Ok(FacetCount { facet, value: r.text("value")?, count: r.int("n")? })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Matches { ids, facets, pages: Mutex::default() })
        })
    }

    /// The listed records with these ids, in the order given.
    async fn records_by_id(&self, ids: &[i64]) -> Result<Vec<super::StoredRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {RECORD_COLUMNS} FROM {RECORD_FROM} WHERE r.listed AND r.id IN ({})", places.join(", "));
        let mut records = on_pool!(self, read |pool| {
            let mut query = sqlx::query(&sql);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?.iter().map(record_from_row).collect::<Result<Vec<_>>>()?
        });
        records.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(records)
    }
}

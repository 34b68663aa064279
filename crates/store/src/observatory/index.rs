//! The catalogue's search index, held in each instance's memory.
//!
//! A search ranks and counts every record it matches. Asked of SQL on 100,000
//! records, that cost tens to hundreds of milliseconds per new query, and most
//! queries are new. Here the matches of a word are a posting list walked in
//! microseconds, the facet counts one pass over the matches, and only the page
//! is sorted. The database stays the source of truth: the index holds no text,
//! only postings and facet value numbers, and it catches up with the records
//! written since the catalogue revision it last saw (see `super::search`), so
//! several instances sharing one database answer alike.
//!
//! A word matches as a prefix, case and accents ignored, on both backends alike
//! (the highlighter marks words by the same rule). Ranking is BM25 with the
//! title weighing ten times the body.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use concerto_domain::observatory::FACETS;
use concerto_domain::observatory::highlight::fold;

use super::search::FacetCount;

/// The listed facts of one record that the index needs: read from its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IndexedRecord {
    pub id: i64,
    pub listed: bool,
    pub title: String,
    pub body: String,
    pub region: String,
    pub province: String,
    pub ambito: String,
    pub cycle: Option<String>,
    pub status: String,
    pub start_year: Option<i32>,
    pub areas: Vec<String>,
}

/// Facet positions in [`FACETS`].
const REGION: usize = 0;
const PROVINCE: usize = 1;
const AMBITO: usize = 2;
const AREA: usize = 3;
const CYCLE: usize = 4;
const STATUS: usize = 5;

/// BM25's usual constants, and the title's weight against the body's, as the
/// SQL ranking had them.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const TITLE_WEIGHT: f32 = 10.0;

/// The values a facet has taken, numbered in order of first sight.
#[derive(Default)]
struct Values {
    names: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Values {
    fn number(&mut self, value: &str) -> u32 {
        if let Some(n) = self.numbers.get(value) {
            return *n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(value.to_string());
        self.numbers.insert(value.to_string(), n);
        n
    }
}

/// A listed record in its slot: facet value numbers, the lengths BM25 needs and
/// its place in the catalogue's default order.
struct Doc {
    id: i64,
    /// Value numbers in [`FACETS`] order; the areas, many per record, apart.
    facets: [Option<u32>; 6],
    areas: Box<[u32]>,
    title_len: u32,
    body_len: u32,
    start_year: Option<i32>,
    title: Box<str>,
}

/// Where a word occurs: slots in increasing order, with its counts in the title
/// and in the body of each.
#[derive(Default)]
struct Postings {
    slots: Vec<u32>,
    title_tf: Vec<u8>,
    body_tf: Vec<u8>,
}

/// A page of a search: the record ids to show, best first, with the number of
/// matches and the facet counts of all of them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub ids: Vec<i64>,
    pub total: usize,
    pub facets: Vec<FacetCount>,
}

/// The index. A record written again takes a new slot and its old one goes dead:
/// postings only grow at their end, so they stay sorted without a rewrite.
#[derive(Default)]
pub(crate) struct Index {
    docs: Vec<Option<Doc>>,
    slot_of: HashMap<i64, u32>,
    words: BTreeMap<Box<str>, Postings>,
    values: [Values; 6],
    live: usize,
    title_total: u64,
    body_total: u64,
    /// Each slot's position in the default order (newest first), for searches
    /// without words.
    order: Vec<u32>,
}

/// Each folded word of `text` with its count.
fn word_counts(text: &str) -> (HashMap<String, u32>, u32) {
    let mut counts = HashMap::new();
    let mut total = 0;
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(fold(word)).or_insert(0) += 1;
        total += 1;
    }
    (counts, total)
}

impl Index {
    /// Records the index holds, and slots left dead by rewrites.
    pub fn live(&self) -> usize {
        self.live
    }

    pub fn dead(&self) -> usize {
        self.docs.len() - self.live
    }

    /// Takes in records read from the database: new ones, rewritten ones and
    /// unlisted ones (which leave it).
    pub fn apply(&mut self, records: Vec<IndexedRecord>) {
        if records.is_empty() {
            return;
        }
        for record in records {
            if let Some(slot) = self.slot_of.remove(&record.id) {
                self.retire(slot);
            }
            if record.listed {
                self.add(record);
            }
        }
        self.sort_default_order();
    }

    fn retire(&mut self, slot: u32) {
        if let Some(doc) = self.docs[slot as usize].take() {
            self.live -= 1;
            self.title_total -= u64::from(doc.title_len);
            self.body_total -= u64::from(doc.body_len);
        }
    }

    fn add(&mut self, record: IndexedRecord) {
        let slot = u32::try_from(self.docs.len()).unwrap_or(u32::MAX);
        let (title_words, title_len) = word_counts(&record.title);
        let (body_words, body_len) = word_counts(&record.body);
        let mut words: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        for (word, n) in &title_words {
            words.entry(word).or_default().0 = *n;
        }
        for (word, n) in &body_words {
            words.entry(word).or_default().1 = *n;
        }
        for (word, (in_title, in_body)) in words {
            let postings = match self.words.get_mut(word) {
                Some(postings) => postings,
                None => self.words.entry(word.into()).or_default(),
            };
            postings.slots.push(slot);
            postings.title_tf.push(u8::try_from(in_title).unwrap_or(u8::MAX));
            postings.body_tf.push(u8::try_from(in_body).unwrap_or(u8::MAX));
        }
        let mut areas: Vec<u32> = record.areas.iter().map(|a| self.values[AREA].number(a)).collect();
        areas.sort_unstable();
        areas.dedup();
        let doc = Doc {
            id: record.id,
            facets: [
                Some(self.values[REGION].number(&record.region)),
                Some(self.values[PROVINCE].number(&record.province)),
                Some(self.values[AMBITO].number(&record.ambito)),
                None,
                record.cycle.as_deref().map(|c| self.values[CYCLE].number(c)),
                Some(self.values[STATUS].number(&record.status)),
            ],
            areas: areas.into(),
            title_len,
            body_len,
            start_year: record.start_year,
            title: record.title.into(),
        };
        self.live += 1;
        self.title_total += u64::from(title_len);
        self.body_total += u64::from(body_len);
        self.docs.push(Some(doc));
        self.slot_of.insert(record.id, slot);
    }

    /// Newest processes first, then by title and id, as the catalogue lists them.
    fn sort_default_order(&mut self) {
        let mut slots: Vec<u32> = (0..self.docs.len() as u32).filter(|s| self.docs[*s as usize].is_some()).collect();
        let key =
            |slot: &u32| self.docs[*slot as usize].as_ref().map(|d| (std::cmp::Reverse(d.start_year), &*d.title, d.id));
        slots.sort_by(|a, b| key(a).cmp(&key(b)));
        self.order = vec![u32::MAX; self.docs.len()];
        for (position, slot) in slots.into_iter().enumerate() {
            self.order[slot as usize] = position as u32;
        }
    }

    /// The page at `offset` (of `limit` records) of the listed records that
    /// match every one of `terms` as a prefix and every filter given (values in
    /// [`FACETS`] order), with the facet counts of all matches.
    pub fn search(&self, terms: &[String], filters: &[Option<String>; 6], offset: usize, limit: usize) -> Found {
        let empty = Found { ids: Vec::new(), total: 0, facets: Vec::new() };
        let mut wanted = [None; 6];
        for (facet, value) in filters.iter().enumerate() {
            if let Some(value) = value {
                match self.values[facet].numbers.get(value) {
                    Some(n) => wanted[facet] = Some(*n),
                    None => return empty,
                }
            }
        }
        let accepts = |doc: &Doc| {
            wanted.iter().enumerate().all(|(facet, want)| match (facet, want) {
                (_, None) => true,
                (AREA, Some(area)) => doc.areas.contains(area),
                (facet, Some(value)) => doc.facets[facet] == Some(*value),
            })
        };
        let folded: Vec<String> = terms.iter().map(|t| fold(t)).filter(|t| !t.is_empty()).collect();
        let mut matches: Vec<(u32, f32)> = if folded.is_empty() {
            (0..self.docs.len() as u32)
                .filter(|s| self.docs[*s as usize].as_ref().is_some_and(accepts))
                .map(|s| (s, 0.0))
                .collect()
        } else {
            let mut per_term: Vec<Vec<(u32, f32)>> = folded.iter().map(|t| self.scored(t)).collect();
            per_term.sort_by_key(Vec::len);
            let mut per_term = per_term.into_iter();
            let first = per_term.next().unwrap_or_default();
            let mut matches: Vec<(u32, f32)> =
                first.into_iter().filter(|(s, _)| self.docs[*s as usize].as_ref().is_some_and(accepts)).collect();
            for other in per_term {
                matches = intersect(&matches, &other);
            }
            matches
        };
        let facets = self.facet_counts(&matches);
        let total = matches.len();
        let end = (offset + limit).min(total);
        if offset >= end {
            return Found { ids: Vec::new(), total, facets };
        }
        let rank = |a: &(u32, f32), b: &(u32, f32)| {
            if folded.is_empty() {
                self.order[a.0 as usize].cmp(&self.order[b.0 as usize])
            } else {
                b.1.total_cmp(&a.1).then_with(|| self.id(a.0).cmp(&self.id(b.0)))
            }
        };
        if end < total {
            matches.select_nth_unstable_by(end, rank);
            matches.truncate(end);
        }
        matches.sort_unstable_by(rank);
        Found { ids: matches[offset..end].iter().map(|(s, _)| self.id(*s)).collect(), total, facets }
    }

    fn id(&self, slot: u32) -> i64 {
        self.docs[slot as usize].as_ref().map_or(i64::MAX, |d| d.id)
    }

    /// The live slots with a word starting with `prefix`, in slot order, each
    /// with its BM25 score for that prefix taken as one term.
    fn scored(&self, prefix: &str) -> Vec<(u32, f32)> {
        let lists: Vec<&Postings> = self
            .words
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(word, _)| word.starts_with(prefix))
            .map(|(_, postings)| postings)
            .collect();
        // Counts per slot, summed over the words the prefix expands to.
        let counts: Vec<(u32, u32, u32)> = match lists.as_slice() {
            [] => return Vec::new(),
            [one] => (0..one.slots.len())
                .filter(|i| self.docs[one.slots[*i] as usize].is_some())
                .map(|i| (one.slots[i], u32::from(one.title_tf[i]), u32::from(one.body_tf[i])))
                .collect(),
            many => {
                let mut sums: HashMap<u32, (u32, u32)> = HashMap::new();
                for list in many {
                    for i in 0..list.slots.len() {
                        if self.docs[list.slots[i] as usize].is_some() {
                            let sum = sums.entry(list.slots[i]).or_default();
                            sum.0 += u32::from(list.title_tf[i]);
                            sum.1 += u32::from(list.body_tf[i]);
                        }
                    }
                }
                let mut counts: Vec<(u32, u32, u32)> = sums.into_iter().map(|(s, (t, b))| (s, t, b)).collect();
                counts.sort_unstable_by_key(|c| c.0);
                counts
            }
        };
        let live = self.live.max(1) as f32;
        let n = counts.len() as f32;
        let idf = ((live - n + 0.5) / (n + 0.5) + 1.0).ln();
        let title_avg = (self.title_total as f32 / live).max(1.0);
        let body_avg = (self.body_total as f32 / live).max(1.0);
        let part = |tf: u32, len: u32, avg: f32| {
            let tf = tf as f32;
            tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len as f32 / avg))
        };
        counts
            .into_iter()
            .filter_map(|(slot, in_title, in_body)| {
                let doc = self.docs[slot as usize].as_ref()?;
                let score = idf
                    * (TITLE_WEIGHT * part(in_title, doc.title_len, title_avg) + part(in_body, doc.body_len, body_avg));
                Some((slot, score))
            })
            .collect()
    }

    /// How many matches have each facet value: by facet name, then most first,
    /// then by value, as the catalogue's page shows them.
    fn facet_counts(&self, matches: &[(u32, f32)]) -> Vec<FacetCount> {
        let mut counts: [Vec<i64>; 6] = std::array::from_fn(|facet| vec![0; self.values[facet].names.len()]);
        for (slot, _) in matches {
            let Some(doc) = self.docs[*slot as usize].as_ref() else { continue };
            for (facet, value) in doc.facets.iter().enumerate() {
                if let Some(value) = value {
                    counts[facet][*value as usize] += 1;
                }
            }
            for area in &doc.areas {
                counts[AREA][*area as usize] += 1;
            }
        }
        let mut out: Vec<FacetCount> = counts
            .iter()
            .enumerate()
            .flat_map(|(facet, values)| {
                values.iter().enumerate().filter(|(_, n)| **n > 0).map(move |(value, n)| FacetCount {
                    facet: FACETS[facet],
                    value: self.values[facet].names[value].clone(),
                    count: *n,
                })
            })
            .collect();
        out.sort_by(|a, b| a.facet.cmp(b.facet).then(b.count.cmp(&a.count)).then_with(|| a.value.cmp(&b.value)));
        out
    }
}

/// The slots in both lists (each in slot order), their scores added.
fn intersect(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

use super::*;

fn record(id: i64, title: &str, body: &str, province: &str, year: Option<i32>, areas: &[&str]) -> IndexedRecord {
    IndexedRecord {
        id,
        listed: true,
        title: title.into(),
        body: body.into(),
        region: "Puglia".into(),
        province: province.into(),
        ambito: format!("Ambito {province}"),
        cycle: year.map(|y| format!("{y}-{}", y + 2)),
        status: "concluded".into(),
        start_year: year,
        areas: areas.iter().map(std::string::ToString::to_string).collect(),
    }
}

fn catalogue() -> Index {
    let mut index = Index::default();
    index.apply(vec![
        record(1, "Piano di Nardò", "Contrasto alla violenza di genere", "LE", Some(2021), &["Violenza", "Famiglia"]),
        record(2, "Piano di Ostuni", "Bilancio partecipato e violenza", "BR", Some(2024), &["Violenza"]),
        record(3, "Violenza e minori a Lecce", "Tavoli tematici", "LE", None, &["Minori"]),
        record(4, "Piano di Bari", "Inclusione sociale", "BA", Some(2024), &["Povertà"]),
    ]);
    index
}

fn none() -> [Option<String>; 6] {
    Default::default()
}

fn ids(index: &Index, q: &str) -> Vec<i64> {
    let terms: Vec<String> = q.split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
    index.search(&terms, &none(), 0, 20).ids
}

#[test]
fn a_word_matches_as_a_prefix_with_accents_and_case_ignored() {
    let index = catalogue();
    assert_eq!(ids(&index, "nardo"), [1]);
    assert_eq!(ids(&index, "NAR"), [1]);
    assert_eq!(ids(&index, "Nardò"), [1]);
    assert!(ids(&index, "ardo").is_empty(), "a word matches from its start only");
    assert!(ids(&index, "zanzibar").is_empty());
}

#[test]
fn every_word_must_match() {
    let index = catalogue();
    assert_eq!(ids(&index, "ostuni bilancio"), [2]);
    assert!(ids(&index, "ostuni nardo").is_empty());
}

#[test]
fn a_word_in_the_title_ranks_before_the_same_word_in_the_body() {
    let index = catalogue();
    let found = ids(&index, "violenza");
    assert_eq!(found[0], 3, "{found:?}");
    assert_eq!(found.len(), 3);
}

#[test]
fn without_words_the_newest_come_first_then_by_title_and_undated_last() {
    let index = catalogue();
    assert_eq!(ids(&index, ""), [4, 2, 1, 3]);
}

#[test]
fn filters_narrow_and_facets_count_every_match() {
    let index = catalogue();
    let mut filters = none();
    filters[PROVINCE] = Some("LE".into());
    let found = index.search(&["violenza".into()], &filters, 0, 20);
    assert_eq!(found.total, 2);
    let areas: Vec<(&str, i64)> =
        found.facets.iter().filter(|f| f.facet == "area").map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(areas, [("Famiglia", 1), ("Minori", 1), ("Violenza", 1)]);
    filters[AREA] = Some("Minori".into());
    assert_eq!(index.search(&["violenza".into()], &filters, 0, 20).ids, [3]);
    filters[AREA] = Some("Nessuna".into());
    assert_eq!(index.search(&[], &filters, 0, 20).total, 0, "an unknown value matches nothing");
    let facets = index.search(&[], &none(), 0, 20).facets;
    let provinces: Vec<(&str, i64)> =
        facets.iter().filter(|f| f.facet == "province").map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(provinces, [("LE", 2), ("BA", 1), ("BR", 1)], "most first, then by value");
    assert!(!facets.iter().any(|f| f.facet == "cycle" && f.value.is_empty()), "no cycle is not a value");
}

#[test]
fn pages_split_the_ranked_matches_and_keep_the_total() {
    let mut index = Index::default();
    index.apply((1..=45).map(|i| record(i, &format!("Piano {i}"), "", "LE", Some(2000 + i as i32), &[])).collect());
    let page = |n: usize| index.search(&["piano".into()], &none(), n * 20, 20);
    let all: Vec<i64> = (0..3).flat_map(|n| page(n).ids).collect();
    assert_eq!(all.len(), 45);
    let mut unique = all.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 45, "no record on two pages");
    assert_eq!(page(5), Found { ids: vec![], total: 45, facets: page(0).facets });
    let newest: Vec<i64> = index.search(&[], &none(), 20, 5).ids;
    assert_eq!(newest, [25, 24, 23, 22, 21]);
}

#[test]
fn a_rewritten_record_is_found_by_its_new_words_only_and_an_unlisted_one_not_at_all() {
    let mut index = catalogue();
    index.apply(vec![record(1, "Piano di Galatina", "Anziani", "LE", Some(2021), &[])]);
    assert!(ids(&index, "nardo").is_empty());
    assert_eq!(ids(&index, "galatina"), [1]);
    assert_eq!((index.live(), index.dead()), (4, 1));
    index.apply(vec![IndexedRecord { id: 2, listed: false, ..Default::default() }]);
    assert!(ids(&index, "ostuni").is_empty());
    assert_eq!(index.search(&[], &none(), 0, 20).total, 3);
    let facets = index.search(&[], &none(), 0, 20).facets;
    assert!(!facets.iter().any(|f| f.value == "BR"), "an unlisted record leaves the facets: {facets:?}");
}

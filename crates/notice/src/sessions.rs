//! The calendar of sessions: tab-separated tables, and prose read with a small
//! grammar of Italian date and time expressions (`dates`, `times`) plus the
//! scope of a time stated once for many meetings ("tutti dalle ore 9.30",
//! "sempre allo stesso orario").

use crate::clean::line_starts;
use crate::dates::{self, DateMention, PartialDate, YearHint, tail};
use crate::draft::{Session, SessionKind, Source};
use crate::identity::shorten;
use crate::lists::{self, quoted};
use crate::online;
use crate::times::{self, Slot};
use chrono::{NaiveDate, NaiveTime, Weekday};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Titles are what the reviewer reads in a list: one sentence, not a paragraph.
const TITLE_MAX: usize = 160;
/// Longest line read as the continuation of a venue ("Via Terni Lecce:").
const VENUE_CONTINUATION_MAX: usize = 40;
/// Lines of a wrapped sentence joined into a title.
const TITLE_LINES: usize = 4;

/// A start and an optional end.
pub type Hours = (NaiveTime, Option<NaiveTime>);

/// A session as written, before the years missing from its date are inferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSession {
    /// `None` when the notice leaves the date to be fixed.
    pub date: Option<(PartialDate, Option<Weekday>)>,
    /// "il giorno successivo": the day after the previous session.
    pub day_after_previous: bool,
    /// "sempre allo stesso orario": the previous session's times.
    pub same_time_as_previous: bool,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub kind: SessionKind,
    pub title: String,
    pub venue: Option<String>,
    pub areas: Vec<String>,
    /// Bytes of the normalised text the date and time were read from.
    pub source: Range<usize>,
}

/// Sessions in document order, and what the notice says once for all of
/// them ("Tutti gli incontri si svolgeranno presso …", "… alle ore 17").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub sessions: Vec<RawSession>,
    pub default_venue: Option<String>,
    pub default_time: Option<Hours>,
    /// Periods ("Dal 29 ottobre al 08 novembre 2013") that are not meetings.
    pub periods: Vec<String>,
}

pub fn find_calendar(lines: &[String]) -> Calendar {
    let starts = line_starts(lines);
    let default_venue = match lines.iter().find_map(|l| default_venue(l)) {
        Some(venue) if !online::is_online(&venue) => Some(venue),
        _ => online::default_venue(lines),
    };
    let mut calendar = Calendar { default_venue, ..Calendar::default() };
    let mut phase: Option<&str> = None;
    let mut shared: Option<Hours> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].as_str();
        let before = calendar.sessions.len();
        index = match role(lines, index) {
            Role::Phase => {
                phase = Some(line);
                shared = None;
                index + 1
            }
            Role::SharedTime(hours, everywhere) => {
                shared = Some(hours);
                if everywhere {
                    calendar.default_time.get_or_insert(hours);
                }
                index + 1
            }
            Role::Table(columns) => table(lines, &starts, index, &columns, phase, &mut calendar.sessions),
            Role::Anchor(anchor) => prose_session(lines, &starts, index, anchor, phase, &mut calendar.sessions),
            Role::Undated(title) => {
                let kind = kind_of(line).or_else(|| phase.and_then(kind_of)).unwrap_or(SessionKind::Other);
                let source = starts[index]..starts[index] + line.len();
                calendar.sessions.push(undated(title, kind, Vec::new(), source));
                index + 1
            }
            Role::Text => {
                if let Some(period) = period(line) {
                    calendar.periods.push(period);
                }
                match tables_intro(line).then(|| lists::items(lines, index + 1)) {
                    Some((items, end)) if !items.is_empty() => {
                        let source = starts[index]..starts[end - 1] + lines[end - 1].len();
                        let tables = items
                            .into_iter()
                            .map(|item| undated(item.clone(), SessionKind::Table, vec![item], source.clone()));
                        calendar.sessions.extend(tables);
                        end
                    }
                    _ => index + 1,
                }
            }
        };
        if let Some((start, end)) = shared {
            for session in calendar.sessions[before..].iter_mut().filter(|s| s.date.is_some() && s.start.is_none()) {
                (session.start, session.end) = (Some(start), end);
            }
        }
    }
    calendar
}

enum Role {
    Phase,
    /// A time for the meetings listed after it; `true` when it says "tutti".
    SharedTime(Hours, bool),
    Table(Columns),
    Anchor(Anchor),
    Undated(String),
    Text,
}

static PHASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:fase|step)\s+(?:[ivx]+|\d{1,2})(?-u:\b)").expect("valid regex"));

static SESSION_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:tavol[oi]|session[ei]|plenaria|incontr[oi]|coordinamento|conferenza|concertazione|assemblea|laboratori[oi]|focus\s+group)(?-u:\b)")
        .expect("valid regex")
});

static TO_BE_FIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:data\s+)?(?:da\s+(?:definire|stabilire|destinarsi|concordare|comunicare|fissare|calendarizzare)|in\s+via\s+di\s+definizione)(?-u:\b)")
        .expect("valid regex")
});

/// "il giorno successivo", "l'indomani": a date given by the previous meeting's.
static DAY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:il\s+)?giorno\s+(?:successivo|seguente|dopo)|l'indomani)(?-u:\b)")
        .expect("valid regex")
});

/// "sempre allo stesso orario", "alla stessa ora", "medesimo orario".
static SAME_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:sempre\s+)?(?:(?:all[ao]|con\s+l[ao]|nell[ao])\s+)?(?:stess[oa]|medesim[oa])\s+(?:orario|ora)(?-u:\b)").expect("valid regex")
});

/// Words saying a time holds for every meeting, or for the list that follows.
static EVERY_MEETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:tutt[ie]|ciascun[oa]?|ogni)(?-u:\b)[^.;]{0,60}?(?-u:\b)(?:incontr|session|tavol|appuntament|giornat|laborator)|(?-u:\b)(?:incontr\w*|session\w*|tavol\w*|appuntament\w*)(?-u:\b)[^.;]{0,40}?(?-u:\b)(?:tutt[ie]|sempre)(?-u:\b)")
        .expect("valid regex")
});
static LIST_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:calendario|date|incontri|appuntamenti|sessioni|tavoli|giornate|orario)(?-u:\b)")
        .expect("valid regex")
});
/// Opening hours of an office are not meeting times.
static OFFICE_HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:luned[iì]'?\s+al\s+venerd[iì]|sportello|apertura\s+al\s+pubblico|orari\s+di\s+apertura|ricevimento|informazioni)(?-u:\b)")
        .expect("valid regex")
});

/// "Calendario degli incontri (tutti dalle ore 9.30 alle ore 13.00):".
fn shared_time(line: &str) -> Option<Role> {
    let everywhere = EVERY_MEETING.is_match(line);
    let heading = line.trim_end().ends_with(':') && LIST_HEADING.is_match(line);
    if !(everywhere || heading) {
        return None;
    }
    let found = times::find_times(line, &[]);
    let first = times::slots(line, &found).into_iter().next()?;
    (!OFFICE_HOURS.is_match(line)).then_some(Role::SharedTime((first.start, first.end), everywhere))
}

/// What a line is for the calendar. Cost is linear in the line.
fn role(lines: &[String], index: usize) -> Role {
    let line = lines[index].as_str();
    if PHASE.is_match(line) {
        return Role::Phase;
    }
    if let Some(columns) = Columns::from_header(line) {
        return Role::Table(columns);
    }
    let mentions = dates::find_dates(line);
    if !mentions.is_empty() {
        return Anchor::find(lines, index, &mentions).map_or(Role::Text, Role::Anchor);
    }
    if SESSION_WORD.is_match(line)
        && let Some(fixed) = TO_BE_FIXED.find(line)
    {
        return Role::Undated(tidy(&line[..fixed.start()]));
    }
    // Both need a time, and every time has a digit.
    if !line.bytes().any(|b| b.is_ascii_digit()) && !line.contains("stess") && !line.contains("medesim") {
        return Role::Text;
    }
    if let Some(anchor) = Anchor::day_after(line) {
        return Role::Anchor(anchor);
    }
    shared_time(line).unwrap_or(Role::Text)
}

/// A line whose dates (and usually times) open one or more sessions.
struct Anchor {
    /// Each list of dates with its times. Empty dates: "il giorno successivo".
    parts: Vec<Part>,
    /// The line opens with the date: what follows is the venue.
    date_first: bool,
    same_time: bool,
    /// The line without its dates and times.
    rest: String,
    /// Bytes of the line holding the dates and times.
    span: Range<usize>,
}

/// One date, or a list of dates sharing their times ("il 5, il 12 e il 19
/// marzo alle 17"), and the times that belong to them.
struct Part {
    dates: Vec<DateMention>,
    slots: Vec<Slot>,
    /// Per slot, the words that belong to it alone ("…; dalle 15.30 tavolo minori;").
    slot_titles: Vec<String>,
}

/// Dates that belong to an act or to the deadline rather than to a meeting:
/// "n. 11 del 09 ottobre", "seduta del 20 maggio", "entro le ore 12,00 del",
/// "Pubblicato il 3 settembre".
static NOT_A_MEETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)(?:entro|fino\s+al|non\s+oltre|scadenza|termine|prorogat\w*|differit\w*|posticipat\w*)(?-u:\b)[^;]{0,40}|(?-u:\b)(?:n\.|nr\.|n°|num\.)\s*\d+\s*,?\s*(?:del|in\s+data)\s*|(?-u:\b)(?:seduta|delibera\w*|determina\w*|decreto|verbale|nota|protocollo|prot\.|legge|burp|b\.u\.r\.p\.|g\.u\.|d\.\s?g\.\s?r\.|dgr|costituit\w+|alla\s+data)(?-u:\b)[^;]{0,40}?(?:del|dell'|in\s+data|il)\s*|(?-u:\b)(?:pubblicat[oaie]|pubblicazione|aggiornat[oaie]|aggiornamento|modificat[oaie]|ultima\s+modifica|revisione|postato|scritto|inserito)(?-u:\b)[^;]{0,20})$")
        .expect("valid regex")
});

/// A meeting that already took place, mentioned for context.
static PAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:scors[oai]|si\s+(?:è|e')\s+(?:svolt|tenut|concluso|chius)\w*|si\s+sono\s+(?:svolt|tenut|conclus|chius)\w*|ha(?:nno)?\s+avuto\s+luogo|(?:è|e'|sono)\s+stat[oaie]\s+(?:presentat|organizzat|realizzat|avviat)\w*|già\s+svolt\w*|hanno\s+partecipato|ha\s+visto\s+la\s+partecipazione)(?-u:\b)")
        .expect("valid regex")
});

/// Bullets, articles and punctuation that may precede a calendar date.
static LEADING_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s\-–—•*·:;,.()]*(?:(?:il|l'|i|giorno|giorni|nei\s+giorni|data|date)\s*:?\s*)?$")
        .expect("valid regex")
});

/// What may stand between two dates of one list ("il 5 marzo, il 12 aprile e il 3 maggio").
static DATE_LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,;]*(?:(?-u:\b)(?:e|ed|oppure)(?-u:\b))?\s*(?:(?-u:\b)(?:il|i)(?-u:\b)\s*|l')?$")
        .expect("valid regex")
});

/// What may stand between two times that are separate meetings on one day
/// ("alle ore 9.30 e alle ore 17.30"; "ore 10, in replica alle 15").
static SLOT_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,;]*(?:(?-u:\b)(?:e|ed|oppure|o)(?-u:\b))?[\s,]*(?:(?-u:\b)(?:in\s+replica|replica|anche|sempre)(?-u:\b)[\s,]*)?(?:(?-u:\b)(?:dalle|alle|ore|h)(?-u:\b)\.?\s*)*$")
        .expect("valid regex")
});

/// Words before a time that belong to it ("dalle ore", "intorno alle").
static TIME_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:intorno|a\s+partire|fino)\s*(?:(?:dalle|alle|ore|h\.?)\s*)?|(?:dalle|alle|ore|h\.?)\s*)(?:ore\s*)?$").expect("valid regex")
});

impl Anchor {
    fn find(lines: &[String], index: usize, mentions: &[DateMention]) -> Option<Anchor> {
        let line = lines[index].as_str();
        if PAST.is_match(line) {
            return None;
        }
        let previous = lines[..index].iter().rev().find(|l| !l.trim().is_empty()).map_or("", String::as_str);
        let meetings: Vec<&DateMention> = mentions
            .iter()
            .filter(|m| {
                let context = format!("{} {}", tail(previous, 60), tail(&line[..m.span.start], 60));
                !m.is_range && !NOT_A_MEETING.is_match(&context)
            })
            .collect();
        let mut groups: Vec<Vec<DateMention>> = Vec::new();
        for mention in meetings {
            match groups.last_mut() {
                Some(group)
                    if group.last().is_some_and(|last| {
                        last.span.end <= mention.span.start
                            && DATE_LIST_JOIN.is_match(&line[last.span.end..mention.span.start])
                    }) =>
                {
                    group.push(mention.clone());
                }
                _ => groups.push(vec![mention.clone()]),
            }
        }
        let first = groups.first()?.first()?.span.start;
        let masked: Vec<Range<usize>> = mentions.iter().map(|m| m.span.clone()).collect();
        let date_first = LEADING_FILLER.is_match(&line[..first]);
        let anchor = Anchor::build(line, groups, &masked, date_first)?;
        let timed = anchor.parts.iter().any(|p| !p.slots.is_empty());
        (timed || date_first || anchor.same_time).then_some(anchor)
    }

    /// "Il giorno successivo, sempre allo stesso orario, …".
    fn day_after(line: &str) -> Option<Anchor> {
        if !(line.contains("giorno") || line.contains("indomani")) {
            return None;
        }
        DAY_AFTER.find(line)?;
        if PAST.is_match(line) {
            return None;
        }
        let anchor = Anchor::build(line, vec![Vec::new()], &[], true)?;
        (anchor.parts.iter().any(|p| !p.slots.is_empty()) || anchor.same_time).then_some(anchor)
    }

    /// Gives each time of the line to the list of dates it belongs to: the
    /// nearest one in its clause, or else the last one before it (further
    /// times of the same day).
    fn build(line: &str, groups: Vec<Vec<DateMention>>, masked: &[Range<usize>], date_first: bool) -> Option<Anchor> {
        let found = times::find_times(line, masked);
        let clause_of = |at: usize| {
            line[..at.min(line.len())].matches(';').count()
                + SENTENCE_END.find_iter(&line[..at.min(line.len())]).count()
        };
        let bounds = |group: &Vec<DateMention>| {
            group.first().zip(group.last()).map_or(0..0, |(first, last)| first.span.start..last.span.end)
        };
        let mut owned: Vec<Vec<Slot>> = vec![Vec::new(); groups.len()];
        for slot in times::slots(line, &found) {
            let same_clause = (0..groups.len())
                .filter(|&g| groups[g].is_empty() || clause_of(bounds(&groups[g]).start) == clause_of(slot.span.start));
            let distance = |g: &usize| {
                let b = bounds(&groups[*g]);
                if slot.span.start >= b.end { slot.span.start - b.end } else { b.start.saturating_sub(slot.span.end) }
            };
            let chosen = same_clause
                .min_by_key(distance)
                .or_else(|| (0..groups.len()).rev().find(|&g| bounds(&groups[g]).end <= slot.span.start));
            if let Some(g) = chosen {
                owned[g].push(slot);
            }
        }
        let parts: Vec<Part> = groups
            .into_iter()
            .zip(owned)
            .map(|(dates, candidates)| {
                let mut slots: Vec<Slot> = Vec::new();
                for slot in candidates {
                    match slots.last() {
                        Some(last) if !joined_slots(line, last, &slot) => break,
                        _ => slots.push(slot),
                    }
                }
                let slot_titles = clause_titles(line, &slots);
                Part { dates, slots, slot_titles }
            })
            .collect();
        let mut cuts: Vec<Range<usize>> = parts
            .iter()
            .filter_map(|p| Some(with_date_lead(line, p.dates.first()?.span.start..p.dates.last()?.span.end)))
            .collect();
        for part in &parts {
            match (part.slots.first(), part.slots.last()) {
                // Joined times ("alle 9.30 e alle 17.30") go with their joining words.
                (Some(first), Some(last)) if part.slot_titles.iter().all(String::is_empty) => {
                    cuts.push(with_lead(line, first.span.start..last.span.end));
                }
                _ => cuts.extend(part.slots.iter().map(|slot| with_lead(line, slot.span.clone()))),
            }
        }
        if let Some(relative) = DAY_AFTER.find(line).filter(|_| parts.iter().all(|p| p.dates.is_empty())) {
            cuts.push(relative.range());
        }
        if let Some(same) = SAME_TIME.find(line) {
            cuts.push(same.range());
        }
        let first_cut = cuts.iter().map(|c| c.start).min()?;
        let last_cut = cuts.iter().map(|c| c.end).max()?;
        let clause_split = parts.iter().any(|p| p.slot_titles.iter().any(|t| !t.is_empty()));
        let first_slot =
            parts.iter().flat_map(|p| p.slots.first()).map(|s| with_lead(line, s.span.clone()).start).min();
        let rest = match first_slot {
            Some(end) if clause_split => cut(&line[..end], cuts.clone()),
            _ => cut(line, cuts),
        };
        let same_time = SAME_TIME.is_match(line);
        Some(Anchor { parts, date_first, same_time, rest, span: first_cut..last_cut })
    }
}

/// ". Il" ends a sentence inside a line (not "ore 9.30" nor "n. 4").
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.\s+\p{Lu}").expect("valid regex"));

/// Two times of one day that are separate meetings: joined as a pair ("alle
/// 9.30 e alle 17.30") or each in its own clause ("…; dalle 15.30 …").
fn joined_slots(line: &str, earlier: &Slot, later: &Slot) -> bool {
    let between = line.get(earlier.span.end..later.span.start).unwrap_or("");
    SLOT_JOIN.is_match(between) || between.contains(';')
}

/// Words before a date that belong to it ("nei giorni", "il", "l'").
static DATE_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)(?:nei\s+giorni|giorni|il|i|giorno)\s+|(?-u:\b)l')$").expect("valid regex")
});

fn with_date_lead(line: &str, span: Range<usize>) -> Range<usize> {
    let before = tail(&line[..span.start], 16);
    let lead = DATE_LEAD.find(before).map_or(0, |m| before.len() - m.start());
    span.start - lead..span.end
}

/// The times' words before them widen their cut ("dalle ore 15:00").
fn with_lead(line: &str, span: Range<usize>) -> Range<usize> {
    let before = tail(&line[..span.start], 24);
    let lead = TIME_LEAD.find(before).map_or(0, |m| before.len() - m.start());
    span.start - lead..span.end
}

/// When slots are separated by clauses of their own ("dalle 10.00 alle 12.00
/// tavolo anziani; dalle 15.30 tavolo minori"), each clause's words.
fn clause_titles(line: &str, slots: &[Slot]) -> Vec<String> {
    let separated = slots.windows(2).any(|pair| line[pair[0].span.end..pair[1].span.start].contains(';'));
    if !separated {
        return vec![String::new(); slots.len()];
    }
    slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let next = slots.get(i + 1).map_or(line.len(), |n| with_lead(line, n.span.clone()).start);
            let clause = &line[slot.span.end..next];
            tidy(clause.split(';').next().unwrap_or(clause))
        })
        .collect()
}

/// `line` without the `cuts`, tidied.
fn cut(line: &str, mut cuts: Vec<Range<usize>>) -> String {
    cuts.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for range in cuts {
        if range.start >= at && range.start <= line.len() {
            out.push_str(&line[at..range.start]);
            out.push(' ');
            at = range.end.min(line.len());
        } else if range.end > at && range.end <= line.len() {
            at = range.end;
        }
    }
    out.push_str(&line[at.min(line.len())..]);
    tidy(&out)
}

static EMPTY_PARENS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(\s*[-–,;:.]?\s*\)").expect("valid regex"));

/// Punctuation left alone where dates and times were cut out (" , , ").
static STRAY_PUNCTUATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[,;:](?:\s*[,;:–—-])*(\s|$)").expect("valid regex"));

/// Collapses spaces and trims bullets, dashes and punctuation at both ends.
fn tidy(text: &str) -> String {
    let text = EMPTY_PARENS.replace_all(text, " ");
    let text = STRAY_PUNCTUATION.replace_all(&text, "$1");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.trim_matches(|c: char| c.is_whitespace() || "-–—•*·:;,.".contains(c)).to_string()
}

static SEGMENT_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*[–—]\s*|\s+-\s*|\s*-\s+").expect("valid regex"));
static PARENTHESES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)").expect("valid regex"));
static PRESSO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)presso\s+(?:la\s+|il\s+|l')?").expect("valid regex"));

/// A programme of one meeting ("Programma:", "ordine del giorno").
static AGENDA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:programma|ordine\s+del\s+giorno|o\.d\.g\.|agenda|scaletta|saluti|accoglienza|registrazione\s+dei\s+partecipanti|coffee\s+break|pausa|conclusioni|dibattito|interventi|relazion[ei])(?-u:\b)")
        .expect("valid regex")
});

/// Builds the sessions opened by `anchor` at `index` and returns the index of
/// the first line after their description.
fn prose_session(
    lines: &[String],
    starts: &[usize],
    index: usize,
    anchor: Anchor,
    phase: Option<&str>,
    out: &mut Vec<RawSession>,
) -> usize {
    let line = lines[index].as_str();
    let segmented = SEGMENT_SPLIT.is_match(&anchor.rest) || !PRESSO.is_match(&anchor.rest);
    let (mut title, mut venue) =
        if anchor.date_first && segmented { split_venue(&anchor.rest) } else { split_presso(&anchor.rest) };
    let mut body_start = index + 1;
    if anchor.date_first
        && venue.is_some()
        && !line.trim_end().ends_with(':')
        && let Some((next, continuation)) = venue_continuation(lines, body_start)
    {
        let joiner = if line.trim_end().ends_with(['-', '–', '—']) { " – " } else { " " };
        venue = venue.map(|v| format!("{v}{joiner}{continuation}"));
        body_start = next + 1;
    }
    let mut body_end = body_start;
    while body_end < lines.len() && matches!(role(lines, body_end), Role::Text) {
        body_end += 1;
    }
    let body = &lines[body_start..body_end];
    let line_source = starts[index] + anchor.span.start..starts[index] + anchor.span.end;
    let at_line = |span: &Range<usize>| starts[index] + span.start..starts[index] + span.end;
    // A date line without a time: its times are in the lines under it, one
    // meeting each, unless they are the programme of a single meeting.
    let mut body_slots: Vec<(Slot, String, Range<usize>)> = Vec::new();
    if anchor.parts.iter().all(|p| p.slots.is_empty()) && !anchor.same_time {
        // Only lines that open with their time ("- dalle 10.00 …", "ore 16:20 …").
        let timed: Vec<(usize, Slot)> = body
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let slot = times::slots(l, &times::find_times(l, &[])).into_iter().next()?;
                LEADING_FILLER.is_match(&l[..with_lead(l, slot.span.clone()).start]).then_some((i, slot))
            })
            .collect();
        let agenda = AGENDA.is_match(line)
            || body.iter().take(timed.first().map_or(0, |(i, _)| *i + 1)).any(|l| AGENDA.is_match(l));
        for (position, (i, slot)) in timed.iter().enumerate() {
            if position > 0 && (agenda || timed.len() == 1) {
                break;
            }
            let text = &body[*i];
            let own = if timed.len() > 1 && !agenda {
                tidy(&cut(text, vec![with_lead(text, slot.span.clone())]))
            } else {
                String::new()
            };
            let at = starts[body_start + i];
            body_slots.push((slot.clone(), own, at + slot.span.start..at + slot.span.end));
        }
    }
    if title.is_empty() {
        title = sentence(body);
    }
    if online::is_online(line) || body.iter().any(|l| online::is_online(l)) {
        let own_lines = std::iter::once(line).chain(body.iter().map(String::as_str));
        venue = Some(online::venue_of(own_lines));
    }
    let mut areas = areas_in(std::slice::from_ref(&lines[index]));
    areas.extend(areas_in(body));
    let session = |date: Option<&DateMention>, slot: Option<&(Slot, String, Range<usize>)>| {
        let own_title = slot.map(|(_, t, _)| t.as_str()).filter(|t| !t.is_empty()).unwrap_or(&title);
        let kind = kind_of(own_title)
            .or_else(|| kind_of(line))
            .or_else(|| phase.and_then(kind_of))
            .unwrap_or(SessionKind::Other);
        let shown = if own_title.is_empty() {
            default_title(kind).to_string()
        } else {
            capitalise(&shorten(own_title, TITLE_MAX))
        };
        let mut source = date.map_or(line_source.clone(), |d| at_line(&d.span));
        if let Some((_, _, slot_source)) = slot {
            source = source.start.min(slot_source.start)..source.end.max(slot_source.end);
        }
        RawSession {
            date: date.map(|d| (d.date, d.weekday)),
            day_after_previous: date.is_none(),
            same_time_as_previous: anchor.same_time && slot.is_none(),
            start: slot.map(|(s, _, _)| s.start),
            end: slot.and_then(|(s, _, _)| s.end),
            kind,
            title: shown,
            venue: venue.clone().filter(|v| !v.is_empty()),
            areas: areas.clone(),
            source,
        }
    };
    for part in &anchor.parts {
        let slots: Vec<(Slot, String, Range<usize>)> = if part.slots.is_empty() {
            body_slots.clone()
        } else {
            part.slots.iter().zip(&part.slot_titles).map(|(s, t)| (s.clone(), t.clone(), at_line(&s.span))).collect()
        };
        let dates: Vec<Option<&DateMention>> =
            if part.dates.is_empty() { vec![None] } else { part.dates.iter().map(Some).collect() };
        for date in dates {
            if slots.is_empty() {
                out.push(session(date, None));
            }
            for slot in &slots {
                out.push(session(date, Some(slot)));
            }
        }
    }
    body_end
}

/// After a leading date, the segments naming a meeting are its title and the
/// others its venue ("– Ufficio di Piano – Via San Massimiliano Kolbe - Lecce:").
fn split_venue(rest: &str) -> (String, Option<String>) {
    let (mut title, mut venue) = (Vec::new(), Vec::new());
    for segment in SEGMENT_SPLIT.split(rest) {
        let segment = tidy(&PARENTHESES.replace_all(segment, " "));
        if segment.is_empty() {
            continue;
        }
        if SESSION_WORD.is_match(&segment) { title.push(segment) } else { venue.push(segment) }
    }
    (title.join(" – "), (!venue.is_empty()).then(|| venue.join(" – ")))
}

/// Prose that mentions the date inside a sentence: the sentence is the title,
/// and a "presso …" phrase in it the venue.
fn split_presso(rest: &str) -> (String, Option<String>) {
    match PRESSO.find(rest) {
        Some(m) => (tidy(&rest[..m.start()]), Some(tidy(&rest[m.end()..]))),
        None => (rest.to_string(), None),
    }
}

/// A short line right after the anchor that finishes its venue ("Lecce").
fn venue_continuation(lines: &[String], from: usize) -> Option<(usize, String)> {
    let (index, line) = lines.iter().enumerate().skip(from).find(|(_, l)| !l.trim().is_empty())?;
    let text = tidy(line);
    let fits = text.chars().count() <= VENUE_CONTINUATION_MAX
        && text.chars().next().is_some_and(char::is_uppercase)
        && !lists::is_item(line)
        && !SESSION_WORD.is_match(&text)
        && matches!(role(lines, index), Role::Text);
    fits.then_some((index, text))
}

/// The first sentence of a description, joined across wrapped lines.
fn sentence(body: &[String]) -> String {
    let mut text = String::new();
    let mut lines = body.iter().map(|l| l.trim()).skip_while(|l| l.is_empty());
    let Some(first) = lines.next() else { return text };
    text.push_str(first);
    let mut after_blank = false;
    for next in lines.take(2 * TITLE_LINES) {
        if next.is_empty() {
            after_blank = true;
            continue;
        }
        // PDF text breaks sentences with blank lines; a capital after one starts a new paragraph.
        let new_paragraph = after_blank && !next.starts_with(char::is_lowercase);
        if new_paragraph || text.ends_with([';', '.', ':']) || lists::is_item(next) || starts_with_date(next) {
            break;
        }
        after_blank = false;
        text.push(' ');
        text.push_str(next);
    }
    let text = lists::strip_marker(&text);
    let end = sentence_end(text);
    tidy(&text[..end])
}

fn starts_with_date(line: &str) -> bool {
    dates::find_dates(line).first().is_some_and(|m| LEADING_FILLER.is_match(&line[..m.span.start]))
}

/// Byte index of the first ";" or of a "." that ends a sentence (not "n." or "Dott.").
fn sentence_end(text: &str) -> usize {
    let mut word_len = 0usize;
    let mut lowercase_word = true;
    for (at, c) in text.char_indices() {
        match c {
            ';' => return at,
            '.' if word_len >= 4 && lowercase_word => {
                let after = &text[at + 1..];
                if after.trim_start().chars().next().is_none_or(char::is_uppercase) {
                    return at;
                }
            }
            _ => {}
        }
        if c.is_alphabetic() {
            lowercase_word &= word_len > 0 || c.is_lowercase();
            word_len += 1;
        } else {
            word_len = 0;
            lowercase_word = true;
        }
    }
    text.len()
}

static AREA_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:are[ae]\s+tematic|tavol[oi]\s+tematic|ambit[oi]\s+tematic)").expect("valid regex")
});

/// Thematic areas named in a description: quoted after "area tematica", or
/// listed under a line such as "Apertura tavoli:".
fn areas_in(lines: &[String]) -> Vec<String> {
    let mut areas = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].as_str();
        if tables_intro(line) {
            let (items, end) = lists::items(lines, index + 1);
            if !items.is_empty() {
                areas.extend(items);
                index = end;
                continue;
            }
        }
        if AREA_CONTEXT.is_match(line) {
            areas.extend(quoted(line));
        }
        index += 1;
    }
    areas
}

/// A line announcing a list of tables or areas ("… ai seguenti tavoli tematici:").
fn tables_intro(line: &str) -> bool {
    static INTRO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:tavol[oi]|are[ae]\s+tematich[ea])(?-u:\b)").expect("valid regex"));
    line.trim_end().ends_with(':') && INTRO.is_match(line) && dates::find_dates(line).is_empty()
}

/// The kind of meeting named in `text`, the most specific word first.
pub fn kind_of(text: &str) -> Option<SessionKind> {
    let lower = text.to_lowercase();
    let kind = if lower.contains("plenari") {
        SessionKind::Plenary
    } else if ["coordinamento istituzionale", "conferenza dei sindaci", "conferenza dei servizi"]
        .iter()
        .any(|w| lower.contains(w))
    {
        SessionKind::Institutional
    } else if lower.contains("tavol") {
        SessionKind::Table
    } else if lower.contains("concertazion") {
        SessionKind::Concertation
    } else {
        return None;
    };
    Some(kind)
}

fn default_title(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Plenary => "Sessione plenaria",
        SessionKind::Table => "Tavolo tematico",
        SessionKind::Concertation => "Sessione di concertazione",
        SessionKind::Institutional => "Coordinamento Istituzionale",
        SessionKind::Conference => "Conferenza",
        SessionKind::Other => "Incontro",
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// "PLENARIA" → "Plenaria": table labels are often in capitals.
fn sentence_case(text: &str) -> String {
    if text.chars().any(char::is_lowercase) { text.to_string() } else { capitalise(&text.to_lowercase()) }
}

fn undated(title: String, kind: SessionKind, areas: Vec<String>, source: Range<usize>) -> RawSession {
    let title =
        if title.is_empty() { default_title(kind).to_string() } else { capitalise(&shorten(&title, TITLE_MAX)) };
    RawSession {
        date: None,
        day_after_previous: false,
        same_time_as_previous: false,
        start: None,
        end: None,
        kind,
        title,
        venue: None,
        areas,
        source,
    }
}

static DEFAULT_VENUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:tutti\s+gli\s+incontri|gli\s+incontri|tutte\s+le\s+sessioni|le\s+sessioni|i\s+tavoli|tutti\s+i\s+tavoli)(?-u:\b)[^.]{0,40}?(?-u:\b)(?:si\s+svolgeranno|si\s+terranno|avranno\s+luogo|si\s+svolgono|si\s+tengono)\s+(?:presso|nella|nel|in)\s+(?:la\s+|il\s+|l')?(.+?)\s*\.?\s*$")
        .expect("valid regex")
});

fn default_venue(line: &str) -> Option<String> {
    DEFAULT_VENUE.captures(line).map(|caps| tidy(&caps[1])).filter(|v| !v.is_empty())
}

/// A line opening with a period of days, reported so the reviewer can add it
/// to the process as a phase if needed.
fn period(line: &str) -> Option<String> {
    let first = dates::find_dates(line).into_iter().next()?;
    (first.is_range && LEADING_FILLER.is_match(&line[..first.span.start])).then(|| shorten(&tidy(line), 80))
}

/// Columns of a calendar table, found from its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Columns {
    /// Number of header cells.
    width: usize,
    label: usize,
    /// Header of the label column ("TAVOLO"), to name numbered rows.
    label_header: String,
    date: usize,
    start: Option<usize>,
    end: Option<usize>,
    time: Option<usize>,
    areas: Option<usize>,
    venue: Option<usize>,
}

impl Columns {
    fn from_header(line: &str) -> Option<Columns> {
        let cells = cells(line)?;
        if cells.len() < 3 || !dates::find_dates(line).is_empty() {
            return None;
        }
        let find = |test: &dyn Fn(&str) -> bool| cells.iter().position(|c| test(&c.to_uppercase()));
        let date = find(&|c| c.contains("DATA") || c.contains("GIORNO"))?;
        let start = find(&|c| c.starts_with("DALLE") || c.contains("INIZIO"));
        let end = find(&|c| c.starts_with("ALLE") || c.contains("FINE"));
        let time = find(&|c| c.contains("ORARIO") || c == "ORE" || c == "ORA");
        let areas =
            find(&|c| ["AREA", "AREE", "TEMA", "ARGOMENT", "OGGETTO", "DESCRIZIONE"].iter().any(|w| c.contains(w)));
        let venue = find(&|c| ["SEDE", "LUOGO", "INDIRIZZO"].iter().any(|w| c.contains(w)));
        let taken = [Some(date), start, end, time, areas, venue];
        let label = find(&|c| ["TAVOL", "SESSION", "INCONTR", "N.", "N°", "NUMERO"].iter().any(|w| c.contains(w)))
            .or_else(|| (0..cells.len()).find(|i| !taken.contains(&Some(*i))))?;
        Some(Columns {
            width: cells.len(),
            label,
            label_header: cells[label].to_string(),
            date,
            start,
            end,
            time,
            areas,
            venue,
        })
    }

    /// Puts the cells of a row with missing cells (PDF text drops empty ones)
    /// under their columns by what they contain: a date, times, or text.
    fn align<'t>(&self, cells: &[&'t str]) -> Vec<&'t str> {
        if cells.len() == self.width {
            return cells.to_vec();
        }
        let mut aligned = vec![""; self.width];
        let mut text_columns = [Some(self.label), self.areas, self.venue].into_iter().flatten();
        let mut time_columns = [self.start, self.end, self.time].into_iter().flatten();
        for cell in cells.iter().copied().filter(|c| !c.is_empty()) {
            let is_time = !times::find_times(cell, &[]).is_empty()
                && cell.chars().all(|c| !c.is_alphabetic() || "ore".contains(c));
            let column = if aligned[self.date].is_empty() && !dates::find_dates(cell).is_empty() {
                Some(self.date)
            } else if is_time {
                time_columns.next()
            } else {
                text_columns.next()
            };
            if let Some(column) = column.filter(|c| *c < self.width) {
                aligned[column] = cell;
            }
        }
        aligned
    }
}

/// Cells of a table row: tab-separated, or a Markdown row "| a | b |".
fn cells(line: &str) -> Option<Vec<&str>> {
    let trimmed = line.trim();
    if line.contains('\t') {
        Some(line.split('\t').map(str::trim).collect())
    } else if trimmed.starts_with('|') && trimmed.len() > 1 {
        Some(trimmed.trim_matches('|').split('|').map(str::trim).collect())
    } else {
        None
    }
}

/// Reads the rows under a table header; returns the index after the table.
fn table(
    lines: &[String],
    starts: &[usize],
    header: usize,
    columns: &Columns,
    phase: Option<&str>,
    out: &mut Vec<RawSession>,
) -> usize {
    let mut index = header + 1;
    while index < lines.len() {
        let line = &lines[index];
        if line.trim().is_empty() || line.trim().trim_matches(['|', '-', ':', ' ']).is_empty() {
            index += 1;
            continue;
        }
        let Some(cells) = cells(line).filter(|c| c.len() >= 2) else { break };
        let source = starts[index]..starts[index] + line.len();
        out.push(row(&columns.align(&cells), columns, phase, source));
        index += 1;
    }
    index
}

fn row(cells: &[&str], columns: &Columns, phase: Option<&str>, source: Range<usize>) -> RawSession {
    let cell = |column: Option<usize>| column.and_then(|c| cells.get(c)).copied().unwrap_or("");
    let date_cell = cell(Some(columns.date));
    let mention = dates::find_dates(date_cell).into_iter().find(|m| !m.is_range);
    let time_of = |text: &str| times::find_times(text, &[]).first().map(|t| t.time);
    let (mut start, mut end) =
        (columns.start.map(|c| cell(Some(c))).and_then(time_of), columns.end.map(|c| cell(Some(c))).and_then(time_of));
    if start.is_none() {
        let range_cell = columns.time.map_or(date_cell, |c| cell(Some(c)));
        let masked: Vec<Range<usize>> = dates::find_dates(range_cell).into_iter().map(|m| m.span).collect();
        (start, end) = times::range_of(range_cell, &times::find_times(range_cell, &masked));
    }
    let label = cell(Some(columns.label));
    let areas_cell = cell(columns.areas);
    let numbered = label.trim_end_matches(['.', '°', ')']).parse::<u32>().ok();
    let title = match numbered {
        Some(number) => format!("{} {number}", sentence_case(&columns.label_header)),
        None if !label.is_empty() => sentence_case(label),
        None => tidy(areas_cell),
    };
    let kind = kind_of(label)
        .or_else(|| kind_of(&columns.label_header))
        .or_else(|| kind_of(areas_cell))
        .or_else(|| phase.and_then(kind_of))
        .unwrap_or(SessionKind::Other);
    let mut areas = quoted(areas_cell);
    if areas.is_empty() && kind == SessionKind::Table && !areas_cell.is_empty() {
        areas.push(tidy(areas_cell));
    }
    let venue = Some(tidy(cell(columns.venue))).filter(|v| !v.is_empty());
    RawSession {
        date: mention.map(|m| (m.date, m.weekday)),
        day_after_previous: false,
        same_time_as_previous: false,
        start,
        end,
        kind,
        title: shorten(&title, TITLE_MAX),
        venue,
        areas,
        source,
    }
}

/// Completes the calendar: years missing from dates, the shared venue, and a
/// warning for each thing the reviewer must check.
pub fn resolve(
    calendar: Calendar,
    fixed_hints: &[YearHint],
    notice_date: Option<NaiveDate>,
    source: &dyn Fn(Range<usize>) -> Source,
    warnings: &mut Vec<String>,
) -> Vec<Session> {
    let explicit: Vec<Option<i32>> = calendar.sessions.iter().map(|s| s.date.and_then(|(d, _)| d.year)).collect();
    let previous = running(explicit.iter().copied());
    let mut next = running(explicit.iter().rev().copied());
    next.reverse();
    for period in &calendar.periods {
        warnings.push(format!("Periodo «{period}» non trattato come sessione: verificare"));
    }
    let mut out: Vec<Session> = Vec::with_capacity(calendar.sessions.len());
    for (index, raw) in calendar.sessions.into_iter().enumerate() {
        let neighbours = [previous[index], next[index]].into_iter().flatten().map(|year| YearHint {
            year,
            reason: "dalle altre date del calendario".into(),
            not_before: None,
        });
        let hints: Vec<YearHint> = neighbours.chain(fixed_hints.iter().cloned()).collect();
        let label = shorten(&raw.title, 60);
        let before = out.last();
        let (mut start, mut end) = (raw.start, raw.end);
        if raw.same_time_as_previous && start.is_none() {
            (start, end) = before.map_or((None, None), |b| (b.start, b.end));
        }
        let date = if raw.day_after_previous {
            let day_after = before.and_then(|b| b.date).and_then(|d| d.succ_opt());
            if day_after.is_none() {
                warnings
                    .push(format!("Sessione «{label}»: «giorno successivo» senza una data precedente, da verificare"));
            }
            day_after
        } else {
            raw.date.and_then(|(partial, weekday)| {
                let Some(done) = dates::complete(partial, weekday, &hints) else {
                    warnings.push(format!("Sessione «{label}»: data non valida o anno non deducibile, da verificare"));
                    return None;
                };
                dates::note_completion(&format!("Sessione «{label}»"), &done, weekday, warnings);
                Some(done.date)
            })
        };
        // A page's own date on a line of its own is not a meeting on that day.
        let publication = date.is_some() && date == notice_date && start.is_none() && calendar.default_time.is_none();
        if let (Some(date), Some(signed)) = (date, notice_date)
            && (date < signed || publication)
        {
            let why = if publication { "è la data dell'avviso" } else { "precede la data dell'avviso" };
            warnings.push(format!("«{label}» del {}: {why}, non trattato come sessione", dates::italian(date)));
            continue;
        }
        if start.is_none()
            && date.is_some()
            && let Some((shared_start, shared_end)) = calendar.default_time
        {
            (start, end) = (Some(shared_start), shared_end);
        }
        match date {
            Some(date) if start.is_none() => {
                warnings.push(format!("Sessione «{label}» del {}: orario non indicato", dates::italian(date)));
            }
            None if raw.date.is_none() && !raw.day_after_previous => {
                warnings.push(format!("Sessione «{label}»: data da definire"));
            }
            _ => {}
        }
        out.push(Session {
            date,
            start,
            end,
            kind: raw.kind,
            title: raw.title,
            venue: raw.venue.or_else(|| calendar.default_venue.clone()),
            areas: raw.areas,
            source: source(raw.source),
        });
    }
    out
}

/// For each position, the last `Some` seen before it.
fn running(values: impl Iterator<Item = Option<i32>>) -> Vec<Option<i32>> {
    let mut last = None;
    values
        .map(|value| {
            let before = last;
            last = value.or(last);
            before
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar(text: &str) -> Vec<RawSession> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        find_calendar(&lines).sessions
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn pd(day: u32, month: u32, year: Option<i32>) -> PartialDate {
        PartialDate { day, month, year }
    }

    #[test]
    fn kinds_from_words() {
        assert_eq!(kind_of("Sessione Plenaria – presentazione"), Some(SessionKind::Plenary));
        assert_eq!(kind_of("Coordinamento Istituzionale per la concertazione"), Some(SessionKind::Institutional));
        assert_eq!(kind_of("Tavoli tematici"), Some(SessionKind::Table));
        assert_eq!(kind_of("sessione di concertazione"), Some(SessionKind::Concertation));
        assert_eq!(kind_of("illustrazione dello schema"), None);
    }

    #[test]
    fn tab_table_with_undated_rows_and_plenary() {
        let text = "TAVOLO\tDATA\tDALLE ORE\tALLE ORE\tAREE TEMATICHE\n\
            1\t13/06/2022\t9,00\t13,00\tConfronto sull'area tematica \"Le politiche familiari\"\n\
            3\t\t\t\tConfronto sulle aree tematiche: \"Anziani\" e \"Disabili\"\n\
            PLENARIA\t21/06/2022\t9,00\t13,00\tRestituzione dei lavori.\n\
            Testo dopo la tabella";
        let sessions = calendar(text);
        assert_eq!(sessions.len(), 3);
        assert_eq!(sessions[0].date, Some((pd(13, 6, Some(2022)), None)));
        assert_eq!((sessions[0].start, sessions[0].end), (t(9, 0), t(13, 0)));
        assert_eq!((sessions[0].kind, sessions[0].title.as_str()), (SessionKind::Table, "Tavolo 1"));
        assert_eq!(sessions[0].areas, ["Le politiche familiari"]);
        assert_eq!(
            (sessions[1].date, sessions[1].areas.clone()),
            (None, vec!["Anziani".to_string(), "Disabili".to_string()])
        );
        assert_eq!((sessions[2].kind, sessions[2].title.as_str()), (SessionKind::Plenary, "Plenaria"));
        assert!(sessions[2].areas.is_empty());
    }

    #[test]
    fn rows_missing_empty_cells_are_aligned_by_content() {
        let text = "TAVOLO\tDATA\tDALLE ORE\tALLE ORE\tAREE TEMATICHE\n3\tConfronto sull'area tematica \"Anziani\"\n4\t15/06/2022\t9,00\t13,00";
        let sessions = calendar(text);
        assert_eq!((sessions[0].date, sessions[0].areas.clone()), (None, vec!["Anziani".to_string()]));
        assert_eq!((sessions[1].start, sessions[1].end), (t(9, 0), t(13, 0)));
        assert_eq!(sessions[1].date, Some((pd(15, 6, Some(2022)), None)));
    }

    #[test]
    fn markdown_table_with_time_range_column() {
        let text = "| Incontro | Data | Orario | Sede |\n|---|---|---|---|\n| Tavolo anziani | 26.07.2022 | 15:00 - 18:00 | Sala consiliare |";
        let sessions = calendar(text);
        assert_eq!(sessions.len(), 1);
        assert_eq!((sessions[0].start, sessions[0].end), (t(15, 0), t(18, 0)));
        assert_eq!(sessions[0].venue.as_deref(), Some("Sala consiliare"));
        assert_eq!(sessions[0].title, "Tavolo anziani");
    }

    #[test]
    fn prose_calendar_with_venue_and_description() {
        let text = "Fase 1: Concertazione\n\
            Giovedì 17 ottobre 2013 ore 09.00 – Ufficio di Piano – Via Kolbe - Lecce:\n\
            -    Coordinamento Istituzionale di Ambito con la ASL per\n\n\
            la concertazione;\n\
            Martedì 22 ottobre (prima sessione) dalle ore 15:00 alle ore 20:00 – Sala Conferenze –\n\
            Via Terni Lecce:\n\
            - Sessione Plenaria – presentazione generale; altro\n\
            - Apertura tavoli:\n\
            1. Prima infanzia\n\
            2. Contrasto alla povertà e\n\
            percorsi di inclusione\n\n\
            Mercoledì 13 novembre 2013 ore 09:00 – Ufficio di Piano:\n\
            illustrazione dello schema con i sindacati";
        let sessions = calendar(text);
        assert_eq!(sessions.len(), 3);
        let first = &sessions[0];
        assert_eq!(first.kind, SessionKind::Institutional);
        assert_eq!(first.title, "Coordinamento Istituzionale di Ambito con la ASL per la concertazione");
        assert_eq!(first.venue.as_deref(), Some("Ufficio di Piano – Via Kolbe – Lecce"));
        let second = &sessions[1];
        assert_eq!(second.date, Some((pd(22, 10, None), Some(Weekday::Tue))));
        assert_eq!((second.start, second.end), (t(15, 0), t(20, 0)));
        assert_eq!(second.venue.as_deref(), Some("Sala Conferenze – Via Terni Lecce"));
        assert_eq!(second.title, "Sessione Plenaria – presentazione generale");
        assert_eq!(second.areas, ["Prima infanzia", "Contrasto alla povertà e percorsi di inclusione"]);
        assert_eq!(sessions[2].kind, SessionKind::Concertation, "kind from the phase");
    }

    #[test]
    fn date_inside_a_sentence() {
        let sessions = calendar("- Sessione di concertazione con la ASL (09 giugno h. 9,30);");
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].title, "Sessione di concertazione con la ASL");
        assert_eq!((sessions[0].start, sessions[0].kind), (t(9, 30), SessionKind::Concertation));
    }

    #[test]
    fn acts_deadlines_and_periods_are_not_sessions() {
        let text = "Con deliberazione del CdA n. 25 del 13 luglio 2022 il Consorzio\n\
            nella seduta del 20 maggio ha definito\n\
            le adesioni entro le ore 12,00 del 08/06/2022.\n\
            entro e non oltre le\n\nore 12.00 del 18 ottobre 2013.\n\
            Lecce, 09 ottobre 2013\n\
            Dal 29 ottobre al 08 novembre 2013 (STESURA SCHEMA PIANO)\n\
            dal Lunedì al Venerdì dalle ore 09,00 alle ore 13,00";
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let found = find_calendar(&lines);
        assert!(found.sessions.is_empty(), "{:?}", found.sessions);
        assert_eq!(found.periods, ["Dal 29 ottobre al 08 novembre 2013 (STESURA SCHEMA PIANO)"]);
    }

    #[test]
    fn undated_sessions() {
        let text = "Tavolo 3 – Disabilità: data da definire\n\
            con riferimento ai seguenti tavoli tematici:\n\
            - \"Le politiche familiari\";*\n\
            - \"L'invecchiamento attivo\".*\n\n\
            2. a partecipare";
        let sessions = calendar(text);
        let titles: Vec<&str> = sessions.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Tavolo 3 – Disabilità", "Le politiche familiari", "L'invecchiamento attivo"]);
        assert!(sessions.iter().all(|s| s.date.is_none() && s.kind == SessionKind::Table));
        assert_eq!(sessions[2].areas, ["L'invecchiamento attivo"]);
    }

    #[test]
    fn shared_venue_and_year_inference() {
        let text = "- Sessione di concertazione (08 giugno h. 9,30);\n\
            Lunedì 13/06/2022 ore 9 Tavolo 1\n\
            Tutti gli incontri si svolgeranno presso la sede dell'Ambito, in Viale Stazione n.44 – Casarano.";
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut warnings = Vec::new();
        let sessions = resolve(find_calendar(&lines), &[], None, &|_| Source::default(), &mut warnings);
        assert_eq!(sessions[0].date, chrono::NaiveDate::from_ymd_opt(2022, 6, 8));
        assert_eq!(sessions[0].venue.as_deref(), Some("sede dell'Ambito, in Viale Stazione n.44 – Casarano"));
        assert_eq!(sessions[1].title, "Tavolo 1");
        assert_eq!(
            warnings,
            [
                "Sessione «Sessione di concertazione» del 08/06/2022: anno non indicato, dedotto dalle altre date del calendario"
            ]
        );
    }
}

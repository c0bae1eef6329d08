//! Places (countries and territories with their adjectives and other names, regions, seas) and
//! international organisations, agreements and projects (treaties, pipelines, initiatives),
//! read from the tables in `reference/`.

use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

/// Countries and territories (generated from mledoze/countries), customary names and the
/// regions and seas diplomats speak of, and the international organisations: see
/// `reference/README.md` for their sources. Each line: kind, name, English names, other names
/// (`|` between names).
const PLACES: &str = include_str!("../../reference/places.tsv");
const PLACES_EXTRA: &str = include_str!("../../reference/places-extra.tsv");
const ORGANISATIONS: &str = include_str!("../../reference/organisations.tsv");
const AGREEMENTS: &str = include_str!("../../reference/agreements.tsv");

/// One entry of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub name: &'static str,
    pub kind: &'static str,
    /// Whether this name is one of its English names (the name itself, an official name, a
    /// demonym, a capital): only those tell the reader that a word of a label is a place.
    pub english: bool,
}

/// Reads one table into `map`; a name already there keeps its first entry (the customary names
/// are read first, and members of the UN come first in the generated table).
fn load(table: &'static str, map: &mut HashMap<String, Entry>) {
    for line in table.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut columns = line.split('\t');
        let (Some(kind), Some(name)) = (columns.next(), columns.next()) else {
            continue;
        };
        let entry = Entry {
            name: name.trim(),
            // Regions and seas are places beside the countries, in one group of the index.
            kind: match kind {
                "organisation" => "organisation",
                "agreement" => "agreement",
                _ => "country",
            },
            english: true,
        };
        let english = columns.next().unwrap_or_default();
        let others = columns.next().unwrap_or_default();
        let forms = std::iter::once(name)
            .chain(english.split('|'))
            .map(|n| (n, true))
            .chain(others.split('|').map(|n| (n, false)));
        for (form, english) in forms {
            let form = form.trim();
            if !form.is_empty() {
                map.entry(form.to_string())
                    .or_insert(Entry { english, ..entry });
            }
        }
    }
}

/// Every name in the gazetteer, as printed (case matters: `US` is a country, `us` is not).
pub static NAMES: LazyLock<HashMap<String, Entry>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    load(PLACES_EXTRA, &mut map);
    load(PLACES, &mut map);
    load(ORGANISATIONS, &mut map);
    load(AGREEMENTS, &mut map);
    map
});

/// The gazetteer's names written in Chinese or Japanese characters, found inside a run of text
/// with no spaces between words (leftmost, longest first), and what each names.
pub static CJK: LazyLock<(aho_corasick::AhoCorasick, Vec<Entry>)> = LazyLock::new(|| {
    let (names, entries): (Vec<&String>, Vec<Entry>) = NAMES
        .iter()
        .filter(|(n, _)| n.chars().any(crate::search::quote::is_cjk))
        .map(|(n, e)| (n, *e))
        .unzip();
    let automaton = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(names)
        .expect("the gazetteer's names make an automaton");
    (automaton, entries)
});

/// The Russian stem of a word (Snowball), lower-cased: `России` and `Россия` are one.
pub fn russian_stem(word: &str) -> String {
    crate::search::engine::analyzed("ru", word).join(" ")
}

/// Whether a word is written in Cyrillic letters.
pub fn is_cyrillic(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// The gazetteer's names written in Cyrillic, by the Russian stems of their words (so that
/// any case of a declined name is found: `России`, `Россией`), with how many words each has.
pub static BY_RUSSIAN_STEMS: LazyLock<HashMap<String, Entry>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for (name, entry) in NAMES.iter() {
        // A stem of three letters or fewer is some other word's too (`Газа`: `газ`, gas):
        // such names are found as printed only.
        let stem = russian_stem(name);
        if is_cyrillic(name) && stem.split(' ').all(|w| w.chars().count() >= 4) {
            map.entry(stem).or_insert(*entry);
        }
    }
    map
});

/// The words of a name after its first, and the entry it names.
pub type Continuation = (Vec<&'static str>, Entry);

/// The gazetteer's names by their first word, longest first: (the other words, entry).
pub static BY_FIRST_WORD: LazyLock<HashMap<&'static str, Vec<Continuation>>> =
    LazyLock::new(|| {
        let mut map: HashMap<&'static str, Vec<Continuation>> = HashMap::default();
        for (name, entry) in NAMES.iter() {
            let name: &'static str = Box::leak(name.clone().into_boxed_str());
            let mut words = name.split_whitespace();
            let Some(first) = words.next() else { continue };
            map.entry(first)
                .or_default()
                .push((words.collect(), *entry));
        }
        for list in map.values_mut() {
            list.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
        }
        map
    });

/// Whether `word` is an English name of a place or its people (`Russia`, `Russian`, `US`,
/// `Moscow`); names in other languages (`Italia`) are not, so that a given name that is also
/// a country's name somewhere is still read as a name.
pub fn is_place_word(word: &str) -> bool {
    NAMES
        .get(word)
        .is_some_and(|e| e.kind == "country" && e.english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjectives_resolve_to_their_country() {
        assert_eq!(NAMES["Ukrainian"].name, "Ukraine");
        assert_eq!(NAMES["Belarusian"].name, "Belarus");
        assert_eq!(NAMES["U.S."].name, "United States");
        assert_eq!(NAMES["OSCE"].kind, "organisation");
    }

    #[test]
    fn names_in_other_scripts_and_of_regions_are_one_entry_each() {
        assert_eq!(NAMES["Евросоюз"].name, "EU");
        assert_eq!(NAMES["欧盟"].name, "EU");
        assert_eq!(NAMES["Китай"].name, "China");
        assert_eq!(NAMES["中国"].name, "China");
        assert_eq!(NAMES["Russland"].name, "Russia");
        assert_eq!(NAMES["Crimea"].kind, "country");
        assert_eq!(NAMES["克里米亚"].name, "Crimea");
        assert_eq!(NAMES["South China Sea"].name, "South China Sea");
        assert_eq!(NAMES["Hong Kong"].name, "Hong Kong");
        // A name shared with a territory is the UN member's; ambiguous names are left out.
        assert_eq!(NAMES["Indian"].name, "India");
        assert_eq!(NAMES["American"].name, "United States");
        assert_eq!(NAMES["Dutch"].name, "Netherlands");
        assert!(!NAMES.contains_key("Island"));
        assert!(!NAMES.contains_key("Jerusalem"));
        // Two-letter codes that are words are not names.
        assert!(!NAMES.contains_key("IN"));
        assert!(!NAMES.contains_key("NO"));
        assert_eq!(NAMES["US"].name, "United States");
    }

    #[test]
    fn only_english_names_mark_a_word_of_a_label_as_a_place() {
        for word in ["Russian", "Russia", "Moscow", "US", "French"] {
            assert!(is_place_word(word), "{word}");
        }
        // Italy in Italian, and a given name: it finds the topic but is no place word.
        assert_eq!(NAMES["Italia"].name, "Italy");
        assert!(!is_place_word("Italia"));
        assert!(!is_place_word("Россия"));
    }

    #[test]
    fn declined_russian_names_share_their_stem() {
        let russia = &BY_RUSSIAN_STEMS[&russian_stem("Россия")];
        assert_eq!(russia.name, "Russia");
        for form in ["России", "Россией", "Россию"] {
            assert_eq!(
                BY_RUSSIAN_STEMS[&russian_stem(form)].name,
                "Russia",
                "{form}"
            );
        }
        assert_eq!(
            BY_RUSSIAN_STEMS[&russian_stem("Европейского союза")].name,
            "EU"
        );
        // `Газ` (gas) is not Gaza.
        assert!(!BY_RUSSIAN_STEMS.contains_key(&russian_stem("Газ")));
    }
}

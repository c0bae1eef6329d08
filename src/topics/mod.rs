//! Topics: named entities from a gazetteer, people's names, and key phrases scored against the
//! whole archive, so that what every transcript says is not a topic.

pub mod gazetteer;

use crate::parse::names;
use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

/// Themes diplomats talk about; matched on word stems (`sanction` finds `sanctions`).
const THEMES: &[(&str, &str)] = &[
    ("Peace plan", "peace plan"),
    ("Sanctions", "sanction"),
    ("Security architecture", "security architecture"),
    ("Nuclear weapons", "nuclear weapon"),
    ("Nuclear weapons", "nuclear arms"),
    ("Ceasefire", "ceasefire"),
    ("Ceasefire", "cease-fire"),
    ("Humanitarian aid", "humanitarian aid"),
    ("Humanitarian aid", "humanitarian assistance"),
    ("Climate change", "climate change"),
    ("Climate change", "climate crisis"),
    ("Arms control", "arms control"),
    ("Human rights", "human rights"),
    ("Terrorism", "terroris"),
    ("Energy security", "energy security"),
    ("Gas supplies", "gas suppl"),
    ("Oil prices", "oil price"),
    ("Grain deal", "grain deal"),
    ("Prisoner exchange", "prisoner exchange"),
    ("Prisoner exchange", "prisoner swap"),
    ("Peace talks", "peace talks"),
    ("Peace talks", "peace negotiations"),
    ("Elections", "election"),
    ("Tariffs", "tariff"),
    ("Migration", "migration"),
    ("Migration", "migrant"),
    ("Immigration", "immigration"),
    ("Border security", "border security"),
    ("Disinformation", "disinformation"),
    ("Cybersecurity", "cybersecurity"),
    ("Cybersecurity", "cyber attack"),
    ("Cybersecurity", "cyberattack"),
    ("Nuclear deal", "nuclear deal"),
    ("Denuclearisation", "denucleari"),
    ("Special military operation", "special military operation"),
    ("Arms supplies", "weapons suppl"),
    ("Arms supplies", "arms suppl"),
    ("Arms supplies", "weapons deliver"),
    ("Inflation", "inflation"),
    ("COVID-19", "covid"),
    ("COVID-19", "pandemic"),
    ("COVID-19", "coronavirus"),
    ("Vaccines", "vaccin"),
    ("Gun violence", "gun violence"),
    ("Supply chains", "supply chain"),
    ("Debt ceiling", "debt ceiling"),
    ("Hostages", "hostage"),
    ("Two-state solution", "two-state solution"),
    ("NATO expansion", "nato expansion"),
    ("NATO expansion", "nato enlargement"),
    ("Eurasian security", "eurasian security"),
    ("Traditional values", "traditional values"),
    ("Global South", "global south"),
    ("Multipolar world", "multipolar"),
    ("Security guarantees", "security guarantee"),
    ("Refugees", "refugee"),
    ("Trade", "trade agreement"),
    ("Trade", "trade deal"),
    ("Historical memory", "historical memory"),
    ("Nazism", "nazism"),
    ("Nazism", "neo-nazi"),
    ("Russian language", "russian language"),
    ("Energy", "energy crisis"),
    ("Space", "outer space"),
    ("Artificial intelligence", "artificial intelligence"),
    ("Food security", "food security"),
    ("Integration", "eurasian integration"),
    ("Union State", "union state"),
];

static THEME_MATCHER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(THEMES.iter().map(|(_, stem)| stem))
        .expect("the theme list builds")
});

/// Words that carry no topic on their own.
static STOPWORDS: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| {
    "a about above across after again against all almost also although always am among an and another any anyone anything are around as ask asked at away back be became because been before being below best better between both but by can cannot could course day days did do does doing done down during each either else enough even ever every everyone everything fact far few first for from further get gets getting give given go goes going gone good got great had has have having he her here him his how however i if in indeed into is it its itself just keep kind know known last later least less let like likely little long look lot made make makes making many may maybe me might more most much must my need needs never new next no none nor not nothing now of off often oh ok okay on once one only or other others our out over own part people per perhaps place point put quite rather really right said same say saying says see seems seen several shall she should since so some someone something sometimes soon still such sure take taken talk talked talking tell than thank thanks that the their them themselves then there these they thing things think this those though three through thus time times to today together told too toward towards two under until up upon us use used very want wanted wants was way ways we week weeks well went were what whatever when where whether which while who whole whom whose why will with within without word words would yeah year years yes yesterday yet you your ago already answer answers anyway being believe called certain certainly clear clearly come comes coming considering currently different does done dont either especially exactly example first following four fully general generally happen happened happening here hope important including instead issue issues least mean means mention mentioned morning night number obviously particular particularly possible president question questions raise raised real reason regard regarding respect saw second sense serious seriously side simply situation speak speaking spoke start started statement statements stop third total try trying understand understanding unfortunately view want whatever work working world mr ms mrs sir madam minister secretary colleague colleagues friend friends lady ladies gentleman gentlemen everybody go ahead okay hi hello".split_whitespace().collect()
});

/// The stock phrases of briefings and press conferences: said in every kind of exchange, about
/// nothing in particular, so never a topic however rare they are in the archive.
const BOILERPLATE: &[&str] = &[
    "looking forward",
    "moving forward",
    "press conference",
    "news conference",
    "press briefing",
    "administration official",
    "administration officials",
    "senior official",
    "senior officials",
    "opening remarks",
    "briefing room",
    "distinguished guests",
    "honoured guests",
    "honored guests",
    "media representatives",
    "mass media",
    "journalists present",
    "live broadcast",
    "direct line",
];

/// Words that make a phrase a quantity (`billion rubles`, `percent growth`), never a topic.
const QUANTITY_WORDS: &[&str] = &[
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "trillions",
    "percent",
    "per cent",
    "dozen",
    "dozens",
    "rubles",
    "roubles",
    "ruble",
    "rouble",
    "dollars",
    "dollar",
    "euros",
    "euro",
    "yuan",
    "renminbi",
    "yen",
    "pounds",
    "tons",
    "tonnes",
    "tonne",
    "barrels",
    "barrel",
    "kilometres",
    "kilometers",
    "kilometre",
    "kilometer",
    "miles",
    "metres",
    "meters",
    "cubic",
    "percentage",
    "points",
];

/// Whether a key phrase is about something: not a stock phrase of briefings, not a quantity.
fn about_something(phrase: &str) -> bool {
    !BOILERPLATE.contains(&phrase) && !phrase.split(' ').any(|w| QUANTITY_WORDS.contains(&w))
}

/// At most this many topics per exchange, strongest first.
pub const MAX_TOPICS: usize = 16;

/// A topic found in one exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub name: String,
    pub kind: &'static str,
    pub score: f64,
}

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '\'' | '’' | '+')))
        .map(|w| {
            w.trim_end_matches(['.', '\'', '’'])
                .trim_start_matches(['\'', '’', '-'])
        })
        .map(|w| {
            w.strip_suffix("’s")
                .or_else(|| w.strip_suffix("'s"))
                .unwrap_or(w)
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// What ends a sentence or a clause: no key phrase or name runs across it.
const CLAUSE_ENDS: &[char] = &[
    '.', '?', '!', ';', ':', ',', '(', ')', '“', '”', '"', '—', '–',
];

/// Whether the text between each token and the next ends a sentence or a clause (`.`, `?`,
/// `;`, `,`, a line break, a dash): a name never runs across it (`…in Geneva? Sergei Lavrov`).
fn breaks(text: &str, words: &[&str]) -> Vec<bool> {
    let base = text.as_ptr() as usize;
    words
        .windows(2)
        .map(|pair| {
            let end = pair[0].as_ptr() as usize - base + pair[0].len();
            let start = pair[1].as_ptr() as usize - base;
            text.get(end..start)
                .is_some_and(|gap| gap.contains(CLAUSE_ENDS) || gap.contains('\n'))
        })
        .chain(std::iter::once(true))
        .collect()
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Key phrases with how often each occurs.
pub type Phrases = HashMap<String, usize>;

/// Candidate key phrases of a text: pairs of adjacent content words, lower-cased, with counts.
pub fn phrases(text: &str) -> Phrases {
    let mut out = Phrases::default();
    // One buffer for the word before, one for this word and one for the pair: no allocation
    // per word.
    let (mut previous, mut word, mut pair) = (String::new(), String::new(), String::new());
    for sentence in text.split(CLAUSE_ENDS) {
        let mut have_previous = false;
        for raw in sentence.split_whitespace() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            // A word that cannot be part of a key phrase breaks the pair: a short word, a
            // number, a possessive, or a capitalised word (names are found as entities).
            let content = w.len() >= 3
                && !w.bytes().any(|b| b.is_ascii_digit())
                && !w.contains(['’', '\''])
                && !w.chars().next().is_some_and(char::is_uppercase);
            let is_word = content && {
                word.clear();
                if w.bytes().all(|b| b.is_ascii_lowercase()) {
                    word.push_str(w);
                } else {
                    word.push_str(&w.to_lowercase());
                }
                !STOPWORDS.contains(word.as_str())
            };
            if have_previous && is_word {
                pair.clear();
                pair.push_str(&previous);
                pair.push(' ');
                pair.push_str(&word);
                match out.get_mut(pair.as_str()) {
                    Some(count) => *count += 1,
                    None => {
                        out.insert(pair.clone(), 1);
                    }
                }
            }
            if is_word {
                std::mem::swap(&mut previous, &mut word);
            }
            have_previous = is_word;
        }
    }
    out
}

/// The topics of one exchange's text. `people` are full names known in the transcript or
/// archive, used to resolve `Trump` and `President Trump` to `Donald Trump`.
pub fn extract(
    text: &str,
    people: &[String],
    frequency: &dyn Fn(&str) -> Option<f64>,
) -> Vec<Found> {
    choose(
        entities(text, &People::new(people.to_vec())),
        &phrases(text),
        frequency,
    )
}

/// Full names known in a transcript, by folded surname: worked out once, used for every
/// exchange.
pub struct People {
    names: Vec<String>,
    surnames: HashMap<String, String>,
}

impl People {
    pub fn new(names: Vec<String>) -> Self {
        let surnames = names
            .iter()
            .map(|p| (names::surname(&names::fold(p)).to_string(), p.clone()))
            .collect();
        People { names, surnames }
    }
}

/// A single word folded as [`names::fold`] folds it, without its work for plain ASCII letters.
fn fold_word(w: &str) -> String {
    if w.bytes().all(|b| b.is_ascii_alphabetic()) {
        w.to_ascii_lowercase()
    } else {
        names::fold(w)
    }
}

/// Named entities and listed themes of a text, with weights: what needs no archive statistics.
pub type Entities = HashMap<(String, &'static str), f64>;

pub fn entities(text: &str, people: &People) -> Entities {
    let mut found: Entities = HashMap::default();
    let mut add = |name: String, kind: &'static str, weight: f64| {
        *found.entry((name, kind)).or_default() += weight;
    };
    let words = tokens(text);

    // Gazetteer: longest match first. Names are matched as printed: `US` is a country, `us` is not.
    let mut i = 0;
    let mut covered = vec![false; words.len()];
    while i < words.len() {
        let mut matched = 0;
        if let Some(candidates) = gazetteer::BY_FIRST_WORD.get(words[i]) {
            for (rest, entry) in candidates {
                if rest
                    .iter()
                    .enumerate()
                    .all(|(k, w)| words.get(i + 1 + k) == Some(w))
                {
                    add(entry.name.to_string(), entry.kind, 1.0);
                    matched = rest.len() + 1;
                    break;
                }
            }
        }
        if matched == 0 && capitalised(words[i]) && gazetteer::is_cyrillic(words[i]) {
            // Russian names are declined: compared by their words' stems, longest first.
            for len in (1..=3).rev() {
                let Some(window) = words.get(i..i + len) else {
                    continue;
                };
                if let Some(entry) =
                    gazetteer::BY_RUSSIAN_STEMS.get(&gazetteer::russian_stem(&window.join(" ")))
                {
                    add(entry.name.to_string(), entry.kind, 1.0);
                    matched = len;
                    break;
                }
            }
        }
        if matched == 0 && words[i].chars().any(crate::search::quote::is_cjk) {
            // Chinese and Japanese text has no spaces between words: names are found inside.
            let (automaton, entries) = &*gazetteer::CJK;
            for m in automaton.find_iter(words[i]) {
                let entry = entries[m.pattern().as_usize()];
                add(entry.name.to_string(), entry.kind, 1.0);
                matched = 1;
            }
        }
        if matched > 0 {
            for c in covered.iter_mut().skip(i).take(matched) {
                *c = true;
            }
            i += matched;
        } else {
            i += 1;
        }
    }

    // People: two or three capitalised words that are not titles, places or common words.
    let name_word = |w: &str| -> bool {
        capitalised(w)
            && w.chars().nth(1).is_some()
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
            && !w.chars().all(|c| c.is_uppercase())
            && !COMMON_CAPITAL_SET.contains(w)
            && !gazetteer::NAMES.contains_key(w)
            && !names::is_title_word(w)
            && !STOPWORDS.contains(w.to_lowercase().as_str())
    };
    let is_name: Vec<bool> = words.iter().map(|w| name_word(w)).collect();
    let broken = breaks(text, &words);
    let mut surnames = people.surnames.clone();
    // A pair of name words is a person when the text supports it: said twice, after a title
    // (`President Emmanuel Macron`), by surname alone elsewhere, or a known speaker.
    let mut pairs: HashMap<String, (usize, bool)> = HashMap::default();
    let mut k = 0;
    while k + 1 < words.len() {
        if !covered[k] && is_name[k] && is_name[k + 1] && !covered[k + 1] && !broken[k] {
            let after_title =
                k > 0 && names::is_title_word(words[k - 1]) && capitalised(words[k - 1]);
            // A third name word belongs to the name too (`Kim Jong Un`).
            let length =
                if k + 2 < words.len() && is_name[k + 2] && !covered[k + 2] && !broken[k + 1] {
                    3
                } else {
                    2
                };
            let entry = pairs.entry(words[k..k + length].join(" ")).or_default();
            entry.0 += 1;
            entry.1 |= after_title;
            k += length;
        } else {
            k += 1;
        }
    }
    let alone: HashMap<&str, usize> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            capitalised(w)
                && !(*i > 0 && is_name[i - 1])
                && !(i + 1 < words.len() && is_name[i + 1])
        })
        .fold(HashMap::default(), |mut m, (_, w)| {
            *m.entry(*w).or_default() += 1;
            m
        });
    // The name said most often claims its surname first; ties go by name, so that the outcome
    // never depends on hash order.
    let mut pairs: Vec<(String, (usize, bool))> = pairs.into_iter().collect();
    pairs.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    for (full, (count, after_title)) in pairs {
        let last = full.rsplit(' ').next().unwrap_or("");
        let known = people.names.contains(&full);
        if count >= 2 || after_title || known || alone.get(last).copied().unwrap_or(0) > 0 {
            surnames
                .entry(names::surname(&names::fold(&full)).to_string())
                .or_insert_with(|| full.clone());
            add(full, "person", count as f64);
        }
    }
    // A surname alone after a title (`President Trump`) or known from the transcript.
    for k in 0..words.len() {
        let w = words[k];
        if !capitalised(w) || covered[k] {
            continue;
        }
        let prev_is_name = k > 0 && is_name[k - 1];
        let next_is_name = k + 1 < words.len() && is_name[k + 1];
        if prev_is_name || next_is_name || surnames.is_empty() {
            continue;
        }
        let folded = fold_word(w);
        if let Some(full) = surnames.get(&folded)
            && names::fold(full) != folded
        {
            add(full.clone(), "person", 1.0);
        }
    }

    // Themes from the list, in one pass over the text.
    let mut theme_counts: HashMap<&str, usize> = HashMap::default();
    for m in THEME_MATCHER.find_iter(text) {
        *theme_counts
            .entry(THEMES[m.pattern().as_usize()].0)
            .or_default() += 1;
    }
    // Listed themes are chosen with care, so they weigh more than a name said in passing.
    for (name, count) in theme_counts {
        add(name.to_string(), "theme", 2.0 * count as f64);
    }

    found
}

/// The key one person is known by across spellings, romanisations and scripts: the name's
/// words as [`names::match_words`] matches them (`Sergei Lavrov` and `Sergey Lavrov` share
/// one), marked so that it never meets a topic's folded name.
pub fn person_key(name: &str) -> String {
    format!("~{}", names::match_words(name).join(" "))
}

/// The name the office-holder table gives a person it also lists under another name or script
/// (`Tony Blinken`: Antony Blinken; `Сергей Лавров`: Sergey Lavrov), by [`person_key`].
static KNOWN_AS: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for holder in crate::parse::offices::SHIPPED.iter() {
        for other in &holder.other_names {
            // A single word (a surname in another script) could be anyone's.
            if other.split_whitespace().count() >= 2
                || other.chars().any(crate::search::quote::is_cjk)
            {
                map.entry(person_key(other)).or_insert(holder.name.as_str());
            }
        }
    }
    map
});

/// The name a person's topic goes by: the office-holder table's name for a nickname or
/// another script's form it lists, else the name as found.
pub fn person_topic_name(name: &str) -> &str {
    KNOWN_AS.get(&person_key(name)).copied().unwrap_or(name)
}

/// The topic name of a key phrase: the phrase with a capital first letter.
pub fn phrase_topic_name(phrase: &str) -> String {
    let mut name = phrase.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

/// The topics of an exchange: its entities, plus key phrases repeated in it and rare across the
/// archive (`frequency` gives a phrase's share of transcripts); the twelve strongest.
pub fn choose(
    mut found: Entities,
    phrases: &Phrases,
    frequency: &dyn Fn(&str) -> Option<f64>,
) -> Vec<Found> {
    let mut add = |name: String, kind: &'static str, weight: f64| {
        *found.entry((name, kind)).or_default() += weight;
    };
    for (phrase, &count) in phrases {
        if count < 2 || !about_something(phrase) {
            continue;
        }
        let share = frequency(phrase);
        if share.is_some_and(|s| s > 0.08) {
            continue;
        }
        if THEMES.iter().any(|(_, stem)| phrase.contains(stem)) {
            continue;
        }
        add(phrase_topic_name(phrase), "theme", count as f64 * 0.5);
    }

    let mut out: Vec<Found> = found
        .into_iter()
        .map(|((name, kind), score)| Found { name, kind, score })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)));
    out.truncate(MAX_TOPICS);
    out
}

static COMMON_CAPITAL_SET: LazyLock<rustc_hash::FxHashSet<&'static str>> =
    LazyLock::new(|| COMMON_CAPITALS.iter().copied().collect());

/// Capitalised words that start sentences or name institutions, not people.
const COMMON_CAPITALS: &[&str] = &[
    "The",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "They",
    "Then",
    "When",
    "What",
    "Where",
    "Which",
    "While",
    "Who",
    "Why",
    "How",
    "And",
    "But",
    "Our",
    "Their",
    "His",
    "Her",
    "Its",
    "Your",
    "Some",
    "Many",
    "Most",
    "All",
    "Any",
    "Every",
    "Each",
    "Both",
    "Security",
    "Council",
    "State",
    "States",
    "Union",
    "Republic",
    "Federation",
    "Ministry",
    "Foreign",
    "Affairs",
    "Department",
    "House",
    "Senate",
    "Congress",
    "Parliament",
    "Duma",
    "Government",
    "Administration",
    "Office",
    "Committee",
    "Commission",
    "Conference",
    "Summit",
    "Palace",
    "Square",
    "Street",
    "Avenue",
    "Centre",
    "Center",
    "University",
    "Institute",
    "Agency",
    "Global",
    "South",
    "North",
    "East",
    "West",
    "Western",
    "Eastern",
    "Northern",
    "Southern",
    "Central",
    "European",
    "Europeans",
    "Eurasian",
    "Asian",
    "African",
    "Arctic",
    "Atlantic",
    "Pacific",
    "Euro-Atlantic",
    "Program",
    "Programme",
    "Plan",
    "Resolution",
    "Orthodox",
    "Church",
    "Ukrainians",
    "Russians",
    "Americans",
    "Belarusians",
    "Chinese",
    "Day",
    "Week",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "God",
    "Lord",
    "Mister",
    "Madam",
    "Sir",
    "Excellency",
    "Thank",
    "Yes",
    "No",
    "Okay",
    "Well",
    "Now",
    "So",
    "Also",
    "Again",
    "Just",
    "Still",
    "Even",
    "Today",
    "Tomorrow",
    "Yesterday",
    "Here",
    "Air",
    "Force",
    "One",
    "Two",
    "Three",
    "Oval",
    "Room",
    "Press",
    "Briefing",
    "Gaggle",
    "Q",
    "Act",
    "Bill",
    "Law",
    "Court",
    "Supreme",
    "National",
    "International",
    "Guard",
    "Navy",
    "Army",
    "Forces",
    "Defense",
    "Defence",
    "Treasury",
    "Bank",
    "Federal",
    "Reserve",
    "Democrats",
    "Republicans",
    "Democratic",
    "Republican",
    "Party",
    "Council's",
    "World",
    "War",
    "Cold",
    "Second",
    "First",
    "Great",
    "Patriotic",
    "Victory",
    "Istanbul",
    "Anchorage",
    "Alaska",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Prime",
    "Sea",
    "Ocean",
    "Black",
    "Red",
    "Baltic",
    "Caspian",
    "Mediterranean",
    "Gulf",
    "River",
    "Lake",
    "Mountains",
    "Island",
    "Islands",
    "Strait",
    "Bay",
    "Region",
    "Economic",
    "Cooperation",
    "Partnership",
    "Forum",
    "Organization",
    "Organisation",
    "Treaty",
    "Agreement",
    "Agreements",
    "Alliance",
    "Initiative",
    "Fund",
    "Group",
    "Club",
    "Company",
    "Corporation",
    "Service",
    "News",
    "Channel",
    "Times",
    "Post",
    "Journal",
    "Airport",
    "Station",
    "Plant",
    "Base",
    "Hall",
    "Cathedral",
    "Kremlin",
    "Middle",
    "Far",
    "Near",
    "New",
    "Old",
    "Upper",
    "Lower",
    "Grand",
    "Royal",
    "Imperial",
    "Soviet",
    "Empire",
    "Kingdom",
    "Minister",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(found: &[Found]) -> Vec<String> {
        found.iter().map(|f| f.name.clone()).collect()
    }

    #[test]
    fn every_stock_phrase_listed_is_one_the_reader_can_find() {
        let never: Vec<&str> = BOILERPLATE
            .iter()
            .copied()
            .filter(|stock| !phrases(&format!("{stock}. {stock}.")).contains_key(*stock))
            .collect();
        assert!(
            never.is_empty(),
            "these can never be key phrases: drop them from the list: {never:?}"
        );
    }

    #[test]
    fn stock_phrases_and_quantities_are_never_topics_however_rare() {
        let text = "We are looking forward to it, looking forward to the talks. The senior \
            administration official said the administration official would speak. It cost five \
            billion rubles, another billion rubles next year. The press conference ended; the \
            press conference began. The gas pipeline and the gas pipeline again.";
        let names = names_of(&extract(text, &[], &|_| Some(0.0)));
        for junk in [
            "Looking forward",
            "Administration official",
            "Billion rubles",
            "Press conference",
        ] {
            assert!(!names.contains(&junk.to_string()), "{junk} in {names:?}");
        }
        // A phrase about something, as rare, still is one.
        assert!(names.contains(&"Gas pipeline".to_string()), "{names:?}");
    }

    #[test]
    fn agreements_and_projects_are_their_own_kind_in_any_language() {
        let found = extract(
            "Nord Stream was blown up. The Minsk agreements were never kept. \
             Северный поток и Минские соглашения. 一带一路倡议 and the New START Treaty.",
            &[],
            &|_| None,
        );
        let kinds: Vec<(String, &str)> = found.iter().map(|f| (f.name.clone(), f.kind)).collect();
        for name in [
            "Nord Stream",
            "Minsk agreements",
            "Belt and Road",
            "New START",
        ] {
            assert!(
                kinds.contains(&(name.to_string(), "agreement")),
                "{name} in {kinds:?}"
            );
        }
        assert!(
            !kinds
                .iter()
                .any(|(n, k)| n == "Nord Stream" && *k == "person"),
            "{kinds:?}"
        );
    }

    #[test]
    fn countries_are_found_from_their_adjectives() {
        let found = extract(
            "The Ukrainian side refused. Belarusian friends helped.",
            &[],
            &|_| None,
        );
        let names = names_of(&found);
        assert!(
            names.contains(&"Ukraine".to_string()) && names.contains(&"Belarus".to_string()),
            "{names:?}"
        );
    }

    #[test]
    fn places_and_organisations_are_found_in_russian_and_chinese_text() {
        let russian = names_of(&extract(
            "Мы обсудили ситуацию вокруг Крыма и отношения с Европейским союзом.",
            &[],
            &|_| None,
        ));
        assert!(
            russian.contains(&"Crimea".to_string()) && russian.contains(&"EU".to_string()),
            "{russian:?}"
        );
        let chinese = names_of(&extract(
            "中方坚定支持香港特区政府依法施政，反对外部势力干预新疆事务。",
            &[],
            &|_| None,
        ));
        assert!(
            chinese.contains(&"Hong Kong".to_string()) && chinese.contains(&"Xinjiang".to_string()),
            "{chinese:?}"
        );
        // `Газ` (gas) at the head of a sentence is not Gaza.
        let gas = names_of(&extract(
            "Газ поставляется по трубопроводу.",
            &[],
            &|_| None,
        ));
        assert!(!gas.contains(&"Gaza".to_string()), "{gas:?}");
    }

    #[test]
    fn a_name_never_runs_across_the_end_of_a_sentence_or_clause() {
        let found = extract(
            "Did Sergei Lavrov meet him in Geneva? Sergei Lavrov did not go to Geneva; Tony Blinken went.",
            &[],
            &|_| None,
        );
        let people: Vec<_> = names_of(&found)
            .into_iter()
            .filter(|n| n.contains(' '))
            .collect();
        assert!(people.contains(&"Sergei Lavrov".to_string()), "{people:?}");
        assert!(
            !people.iter().any(|p| p.starts_with("Geneva")),
            "{people:?}"
        );
    }

    #[test]
    fn a_nickname_or_another_script_the_office_table_lists_is_the_person_s_topic_name() {
        assert_eq!(person_topic_name("Tony Blinken"), "Antony Blinken");
        assert_eq!(person_topic_name("Bibi Netanyahu"), "Benjamin Netanyahu");
        assert_eq!(person_topic_name("Сергей Лавров"), "Sergey Lavrov");
        assert_eq!(person_topic_name("Tony Blair"), "Tony Blair");
        // Romanisations of one name share a key; two people do not.
        assert_eq!(person_key("Sergei Lavrov"), person_key("Sergey Lavrov"));
        assert_ne!(person_key("Sergey Lavrov"), person_key("Sergey Ryabkov"));
    }

    #[test]
    fn a_three_word_name_is_one_person() {
        let found = extract(
            "We spoke of Kim Jong Un. Kim Jong Un said nothing.",
            &[],
            &|_| None,
        );
        let people: Vec<_> = found
            .iter()
            .filter(|f| f.kind == "person")
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(people, ["Kim Jong Un"]);
    }

    #[test]
    fn a_surname_after_a_title_resolves_to_the_full_name() {
        let found = extract(
            "Donald Trump’s plan. We spoke of President Trump and Trump again.",
            &[],
            &|_| None,
        );
        let people: Vec<_> = found.iter().filter(|f| f.kind == "person").collect();
        assert_eq!(people.len(), 1, "{people:?}");
        assert_eq!(people[0].name, "Donald Trump");
    }

    #[test]
    fn filler_is_not_a_topic() {
        let found = extract(
            "Of course, the other day, of course, last night, the other day we met.",
            &[],
            &|_| None,
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_phrase_every_transcript_uses_is_not_a_topic() {
        let text = "The grain corridor works. The grain corridor must stay open.";
        assert!(names_of(&extract(text, &[], &|_| Some(0.9))).is_empty());
        assert!(
            names_of(&extract(text, &[], &|_| Some(0.01))).contains(&"Grain corridor".to_string())
        );
    }
}

//! Speaker names: the person inside a label, the kind of speaker a label names, and the key two
//! spellings of one name share.

use super::labels::strip_brackets;
use crate::topics::gazetteer;

/// Words of office and address that stand before a name (`Foreign Minister`, `MS.`).
const TITLES: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "foreign",
    "deputy",
    "first",
    "secretary",
    "state",
    "general",
    "press",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "ambassador",
    "chancellor",
    "mr",
    "ms",
    "mrs",
    "miss",
    "dr",
    "sir",
    "madam",
    "dame",
    "lord",
    "chairman",
    "chairwoman",
    "chair",
    "chairperson",
    "king",
    "queen",
    "crown",
    "prince",
    "princess",
    "emir",
    "sheikh",
    "sultan",
    "senior",
    "administration",
    "official",
    "national",
    "security",
    "advisor",
    "adviser",
    "director",
    "acting",
    "governor",
    "mayor",
    "senator",
    "representative",
    "speaker",
    "commissioner",
    "high",
    "special",
    "envoy",
    "head",
    "chief",
    "executive",
    "officer",
    "his",
    "her",
    "excellency",
    "majesty",
    "highness",
    "h.e",
    "colonel",
    "major",
    "lieutenant",
    "captain",
    "admiral",
    "commander",
    "cabinet",
    "principal",
    "assistant",
    "counsellor",
    "counselor",
    "coordinator",
    "undersecretary",
    "under",
    "permanent",
    "member",
    "mp",
    "federal",
    "premier",
    "leader",
    "supreme",
    "defence",
    "defense",
    "finance",
    "economy",
    "interior",
    "affairs",
    "ministry",
    "united",
    "states",
    "kingdom",
    "federation",
    "republic",
    "arab",
    "emirates",
    "people's",
    "democratic",
    "islamic",
    "former",
    "incoming",
    "outgoing",
    "us",
    "u.s",
    "the",
    "of",
    "and",
    "for",
    "to",
    "on",
    "in",
    "gen",
    "sen",
    "rep",
    "amb",
    "gov",
    "pres",
    "hon",
    "rev",
    "adm",
    "messrs",
    "mme",
    "professor",
    "prof",
    "justice",
    "attorney",
    "administrator",
    "commissar",
    "presidential",
    "aide",
    "spokesperson's",
    "council",
    "house",
    "white",
    "european",
    "commission",
];

/// Offices after which a title or byline prints a name.
const OFFICES: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "ambassador",
    "chancellor",
    "advisor",
    "adviser",
    "senator",
    "governor",
    "mayor",
    "king",
    "queen",
    "prince",
    "emir",
    "sheikh",
    "sultan",
    "premier",
    "envoy",
    "commissioner",
    "director",
    "chairman",
    "administrator",
    "mr",
    "ms",
    "mrs",
    "dr",
];

/// Labels that stand for an unnamed person asking.
const QUESTIONERS: &[&str] = &[
    "q",
    "question",
    "questions",
    "reporter",
    "journalist",
    "correspondent",
    "follow-up",
    "follow up",
    "followup",
    "audience member",
    "participant",
    "voice",
    "audience",
    "media",
    "press",
    "member of the audience",
    "question from the audience",
    "unidentified reporter",
    "unidentified journalist",
    "voices",
    "reporters",
    "journalists",
    "вопрос",
    "журналист",
    "корреспондент",
    "frage",
    "pregunta",
    "réponse de la presse",
    "journaliste",
];

/// Labels for whoever answers: named from the title or byline where it names them.
const ANSWERERS: &[&str] = &[
    "a",
    "answer",
    "response",
    "reply",
    "ответ",
    "antwort",
    "respuesta",
    "réponse",
];

/// Labels whose turns are remarks, never questions or answers.
const REMARKERS: &[&str] = &[
    "remark",
    "comment",
    "реплика",
    "ведущий",
    "moderator",
    "operator",
    "interpreter",
    "host",
    "presenter",
    "announcer",
    "narrator",
    "chair",
    "chairman",
    "chairperson",
    "mc",
];

/// News organisations that put questions (`TASS:`). Single capitalised words in a list of
/// labels are read as outlets too when they are not names or titles.
const OUTLETS: &[&str] = &[
    "tass",
    "itar-tass",
    "ria novosti",
    "ria",
    "rt",
    "sputnik",
    "interfax",
    "reuters",
    "afp",
    "ap",
    "associated press",
    "xinhua",
    "cctv",
    "cgtn",
    "cnn",
    "bbc",
    "nbc",
    "cbs",
    "abc",
    "fox news",
    "bloomberg",
    "nhk",
    "kyodo",
    "yonhap",
    "anadolu",
    "al jazeera",
    "izvestia",
    "kommersant",
    "rossiya",
    "channel one",
    "dpa",
    "efe",
    "ansa",
    "pti",
    "global times",
    "china daily",
    "phoenix tv",
    "the new york times",
    "new york times",
    "the washington post",
    "washington post",
    "wall street journal",
    "financial times",
    "the guardian",
    "le monde",
    "der spiegel",
    "belta",
    "tv brics",
    "rbc",
    "vesti",
    "ntv",
    "euronews",
    "dw",
    "deutsche welle",
    "asahi",
    "yomiuri",
    "mainichi",
    "nikkei",
    "jiji",
    "china news service",
    "hubei media group",
    "shenzhen tv",
    "bloomberg news",
];

/// What kind of speaker a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    Person,
    Outlet,
    Anonymous,
}

impl SpeakerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerKind::Person => "person",
            SpeakerKind::Outlet => "outlet",
            SpeakerKind::Anonymous => "anonymous",
        }
    }
}

/// How a label is read before names are resolved within the document.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelKind {
    Questioner,
    Answerer,
    Remarker(String),
    Outlet(String),
    /// A person: the name inside the label, and whether only a title was printed (`THE PRESIDENT`).
    Person {
        name: String,
        title_only: bool,
    },
}

/// The display name every anonymous questioner resolves to.
pub const QUESTIONER: &str = "Unnamed questioner";

pub fn classify(label: &str) -> LabelKind {
    let bare = strip_brackets(label);
    let head = bare
        .split(',')
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(':')
        .trim();
    let lower = head.to_lowercase();
    let lower = lower.trim_end_matches('.');
    if QUESTIONERS.contains(&lower) || lower.starts_with("question") || lower.starts_with("follow")
    {
        return LabelKind::Questioner;
    }
    if ANSWERERS.contains(&lower) {
        return LabelKind::Answerer;
    }
    if REMARKERS.contains(&lower) {
        return LabelKind::Remarker(title_case(head));
    }
    if OUTLETS.contains(&lower)
        || lower.ends_with(" correspondent")
        || lower.ends_with(" news agency")
        || lower.ends_with(" tv")
        || lower.ends_with(" newspaper")
    {
        let name = head
            .trim_end_matches(" correspondent")
            .trim_end_matches(" Correspondent");
        return LabelKind::Outlet(
            if OUTLETS.contains(&lower) && head.chars().all(|c| !c.is_lowercase()) {
                name.to_string()
            } else {
                title_case_words(name)
            },
        );
    }
    let (name, title_only) = person_core(head);
    LabelKind::Person { name, title_only }
}

/// The person's name inside a label or phrase: titles, countries and honorifics before it removed.
/// Returns the whole phrase (title-cased) and `true` when nothing but titles was printed.
pub fn person_core(head: &str) -> (String, bool) {
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut start = 0;
    while start < words.len() {
        let w = words[start].trim_end_matches(['.', ',']);
        let lower = w.to_lowercase();
        if TITLES.contains(&lower.as_str())
            || gazetteer::is_place_word(w)
            || gazetteer::is_place_word(&title_case(w))
        {
            start += 1;
        } else {
            break;
        }
    }
    let mut name: Vec<String> = words[start..]
        .iter()
        .map(|w| title_case(w.trim_end_matches(',')))
        .collect();
    if let Some(last) = name.last_mut() {
        for suffix in ["’s", "'s"] {
            if let Some(stem) = last.strip_suffix(suffix) {
                *last = stem.to_string();
            }
        }
    }
    if name.is_empty() {
        return (title_case_words(head), true);
    }
    (name.join(" "), false)
}

/// `JEAN-PIERRE` to `Jean-Pierre`; words already in mixed case stay as printed.
pub fn title_case(word: &str) -> String {
    if word.chars().filter(|c| c.is_alphabetic()).count() < 2
        || word.chars().any(char::is_lowercase)
    {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut upper_next = true;
    for c in word.chars() {
        if upper_next {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper_next = matches!(c, '-' | '\'' | '’' | '.');
    }
    out
}

fn title_case_words(phrase: &str) -> String {
    phrase
        .split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            if ["of", "the", "and"].contains(&lower.as_str()) && !phrase.starts_with(w) {
                lower
            } else {
                title_case(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key two spellings of one name share: lower case, no diacritics, no punctuation.
pub fn fold(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    ascii
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last word of a folded name: the surname in the forms these sources use.
pub fn surname(folded: &str) -> &str {
    folded.rsplit(' ').next().unwrap_or(folded)
}

/// Whether a shorter form (`Lavrov`, `S. Lavrov`) can name the same person as `full`.
pub fn short_form_of(short: &str, full: &str) -> bool {
    let s = fold(short);
    let f = fold(full);
    if s == f {
        return true;
    }
    let sw: Vec<&str> = s.split(' ').collect();
    let fw: Vec<&str> = f.split(' ').collect();
    if sw.len() > fw.len() || surname(&s) != surname(&f) {
        return false;
    }
    // Every given name or initial printed must fit the full name's.
    sw[..sw.len() - 1]
        .iter()
        .zip(fw.iter())
        .all(|(a, b)| b.starts_with(a) && (a.len() == 1 || a == b))
}

static TITLE_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| TITLES.iter().copied().collect());

/// Whether a word is a title or honorific (`President`, `Mr.`), in any case.
pub fn is_title_word(word: &str) -> bool {
    let w = word.trim_end_matches(['.', ',']);
    if w.chars().all(|c| c.is_ascii_lowercase()) {
        return TITLE_SET.contains(w);
    }
    TITLE_SET.contains(w.to_lowercase().as_str())
}

/// The people a title or byline names (`Spokesperson Wang Wenbin's Remarks on ...`,
/// `Press Briefing by Press Secretary Karine Jean-Pierre`).
pub fn people_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut people = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_matches(|c: char| !c.is_alphanumeric());
        let lower = w.to_lowercase();
        let after_title =
            OFFICES.contains(&lower.as_str()) && w.chars().next().is_some_and(char::is_uppercase);
        if after_title || lower == "by" || lower == "with" {
            let mut name = Vec::new();
            let mut j = i + 1;
            while j < words.len() {
                let raw = words[j];
                let word = raw.trim_matches(|c: char| {
                    matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '“' | '”')
                });
                let (word, possessive) =
                    match word.strip_suffix("’s").or_else(|| word.strip_suffix("'s")) {
                        Some(stem) => (stem, true),
                        None => (word, false),
                    };
                let lw = word.to_lowercase();
                let capital = word.chars().next().is_some_and(char::is_uppercase);
                if !capital || word.chars().any(|c| c.is_ascii_digit()) {
                    break;
                }
                if TITLES.contains(&lw.trim_end_matches('.')) || gazetteer::is_place_word(word) {
                    if name.is_empty() {
                        j += 1;
                        continue;
                    }
                    break;
                }
                name.push(word.to_string());
                j += 1;
                if possessive || raw.ends_with(',') || name.len() == 3 {
                    break;
                }
            }
            if !name.is_empty() && (name.len() != 1 || name[0].len() >= 3) {
                let person = name.join(" ");
                if !people.contains(&person) {
                    people.push(person);
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(label: &str) -> String {
        match classify(label) {
            LabelKind::Person { name, .. } => name,
            other => panic!("{label}: {other:?}"),
        }
    }

    #[test]
    fn titles_and_stage_notes_are_removed_from_a_name() {
        assert_eq!(
            person("Sergey Lavrov (speaking after Mikhail Ryzhenkov)"),
            "Sergey Lavrov"
        );
        assert_eq!(
            person("President of Russia Vladimir Putin"),
            "Vladimir Putin"
        );
        assert_eq!(
            person("Ms. Maria Zakharova, Foreign Ministry Spokeswoman"),
            "Maria Zakharova"
        );
        assert_eq!(person("Foreign Minister Sergey Lavrov"), "Sergey Lavrov");
        assert_eq!(person("MS. JEAN-PIERRE"), "Jean-Pierre");
        assert_eq!(person("Minister HAYASHI"), "Hayashi");
        assert_eq!(person("MR PRICE"), "Price");
    }

    #[test]
    fn questioners_answerers_and_outlets_are_told_apart() {
        for q in [
            "Q",
            "Question",
            "QUESTION",
            "Reporter",
            "Journalist",
            "Follow-up",
            "Question (retranslated)",
        ] {
            assert_eq!(classify(q), LabelKind::Questioner, "{q}");
        }
        assert_eq!(classify("A"), LabelKind::Answerer);
        assert_eq!(classify("TASS"), LabelKind::Outlet("TASS".into()));
        assert_eq!(classify("Reuters"), LabelKind::Outlet("Reuters".into()));
        assert!(matches!(
            classify("THE PRESIDENT"),
            LabelKind::Person {
                title_only: true,
                ..
            }
        ));
    }

    #[test]
    fn short_forms_match_only_the_same_person() {
        assert!(short_form_of("Lavrov", "Sergey Lavrov"));
        assert!(short_form_of("S. Lavrov", "Sergey Lavrov"));
        assert!(!short_form_of("Maxim Ryzhenkov", "Mikhail Ryzhenkov"));
        assert!(!short_form_of("M. Lavrov", "Sergey Lavrov"));
        assert_eq!(fold("Grégoire  O'Neill"), "gregoire o neill");
    }

    #[test]
    fn people_are_found_in_titles_and_bylines() {
        assert_eq!(
            people_in("Spokesperson Wang Wenbin's Remarks on the G7"),
            ["Wang Wenbin"]
        );
        assert_eq!(
            people_in(
                "Press Briefing by Press Secretary Karine Jean-Pierre and National Security Advisor Jake Sullivan"
            ),
            ["Karine Jean-Pierre", "Jake Sullivan"]
        );
        assert_eq!(
            people_in("Remarks by President Biden and Prime Minister Kishida of Japan"),
            ["Biden", "Kishida"]
        );
    }
}

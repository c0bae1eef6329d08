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
    // The German government's spokespeople and chair (`SRS HEBESTREIT`, `SRS'IN HOFFMANN`,
    // `VORS. DETJEN`).
    "srs",
    "srs'in",
    "srs’in",
    "vors",
    "regierungssprecher",
    "regierungssprecherin",
    // Indian honorifics (`Shri Arindam Bagchi`, `Smt. Meenakashi Lekhi`), in Latin and Devanagari.
    "shri",
    "shree",
    "smt",
    "shrimati",
    "sushri",
    "श्री",
    "श्रीमती",
    "सुश्री",
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

/// Words that describe a speaker before their name (`History teacher Anton Molev`).
const DESCRIPTIONS: &[&str] = &[
    "host",
    "presenter",
    "anchor",
    "moderator",
    "teacher",
    "doctor",
    "paramedic",
    "nurse",
    "worker",
    "student",
    "pensioner",
    "farmer",
    "entrepreneur",
    "businessman",
    "businesswoman",
    "columnist",
    "correspondent",
    "journalist",
    "reporter",
    "editor",
    "ceo",
    "cfo",
    "founder",
    "rector",
    "principal",
    "deputy",
    "captain",
    "pilot",
    "engineer",
    "scientist",
    "economist",
    "analyst",
    "writer",
    "artist",
    "actor",
    "actress",
    "athlete",
    "coach",
    "volunteer",
    "activist",
    "blogger",
    "programme",
    "program",
    "show",
];

/// Words that end the name of a body or a field in a long title of office (`Chair of the
/// Federation Council Committee on Constitutional Legislation and State Building`, `Head of
/// the State Duma Committee on Ecology and Environmental Protection`): a name follows them.
const INSTITUTIONS: &[&str] = &[
    "academy",
    "administration",
    "affairs",
    "agency",
    "agriculture",
    "assembly",
    "association",
    "bank",
    "board",
    "building",
    "bureau",
    "centre",
    "center",
    "chamber",
    "commission",
    "committee",
    "communications",
    "construction",
    "cooperation",
    "corporation",
    "council",
    "court",
    "culture",
    "defence",
    "defense",
    "department",
    "development",
    "duma",
    "ecology",
    "economy",
    "education",
    "emergencies",
    "energy",
    "environment",
    "federation",
    "finance",
    "foundation",
    "fund",
    "government",
    "health",
    "healthcare",
    "industry",
    "institute",
    "justice",
    "labour",
    "labor",
    "legislation",
    "ministry",
    "museum",
    "office",
    "parliament",
    "policy",
    "protection",
    "relations",
    "research",
    "resources",
    "science",
    "security",
    "service",
    "sport",
    "sports",
    "technology",
    "trade",
    "transport",
    "union",
    "university",
];

/// Capitalised words a title-cased headline prints after a name (`Remarks by President
/// Biden Before Meeting`, `President Trump Aboard Air Force One`): a name ends before them.
const AFTER_NAME: &[&str] = &[
    "aboard",
    "before",
    "after",
    "at",
    "in",
    "on",
    "during",
    "upon",
    "to",
    "with",
    "and",
    "of",
    "for",
    "from",
    "following",
    "ahead",
    "en",
    "prior",
    "about",
    "as",
    "via",
    "into",
    "over",
    "under",
    "while",
    "meeting",
    "meets",
    "remarks",
    "statement",
    "call",
    "calls",
    "conference",
    "briefing",
    "gaggle",
    "interview",
    "visit",
    "visits",
    "trip",
    "event",
    "signing",
    "ceremony",
    "reception",
    "roundtable",
    "discussion",
    "speech",
    "address",
    "addresses",
    "delivers",
    "announces",
    "signs",
    "hosts",
    "holds",
    "answers",
    "answered",
    "speaks",
    "says",
    "said",
    "joint",
    "virtual",
    "bilateral",
    "the",
    "his",
    "her",
    "their",
    "regular",
    "daily",
    "new",
    "answer",
    "answering",
    "responds",
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

/// Whether a label prints an office of state beside the name (`Prime Minister of Bulgaria Boyko
/// Borissov`, `PRESIDENT MACRON`), as a guest at a joint news conference is labelled; a courtesy
/// title (`MR. MUNOZ`) is none.
pub fn names_an_office(label: &str) -> bool {
    label
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|w| OFFICES.contains(&w.as_str()) && !matches!(w.as_str(), "mr" | "ms" | "mrs" | "dr"))
}

/// Labels that stand for an unnamed person asking.
const QUESTIONERS: &[&str] = &[
    "q",
    "p",
    "question",
    "questions",
    "reporter",
    "journalist",
    "correspondent",
    "follow-up",
    "follow up",
    "followup",
    "audience member",
    "voice",
    "audience",
    "media",
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
    // Arabic, Persian and Urdu, Hindi, Hebrew, Georgian.
    "سؤال",
    "السؤال",
    "س",
    "سوال",
    "پرسش",
    "صحفي",
    "الصحفي",
    "صحفية",
    "مراسل",
    "خبرنگار",
    "प्रश्न",
    "सवाल",
    "पत्रकार",
    "שאלה",
    "עיתונאי",
    "კითხვა",
    "ჟურნალისტი",
];

/// Labels for whoever answers: named from the title or byline where it names them.
const ANSWERERS: &[&str] = &[
    "a",
    "r",
    "answer",
    "response",
    "reply",
    "ответ",
    "antwort",
    "respuesta",
    "réponse",
    "جواب",
    "الجواب",
    "ج",
    "پاسخ",
    "उत्तर",
    "जवाब",
    "תשובה",
    "პასუხი",
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

/// Nouns that say what a speaker is, not who: a label that ends in one (`SENIOR
/// ADMINISTRATION OFFICIAL`, `SENIOR ADMINISTRATION OFFICIAL 2`, `WHITE HOUSE AIDE`,
/// `Participant`) names nobody, whatever the title says.
const UNNAMED: &[&str] = &[
    "official",
    "officials",
    "aide",
    "aides",
    "staffer",
    "staff",
    "participant",
    "participants",
    "delegate",
    "attendee",
    "speaker",
    "unidentified",
    "unknown",
    "representative",
    "expert",
    "source",
    "briefer",
    "student",
    "resident",
    "worker",
    "member",
    "guest",
    "man",
    "woman",
    "участник",
    "чиновник",
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
    /// The kind `as_str` names.
    pub fn parse(s: &str) -> Option<SpeakerKind> {
        match s {
            "person" => Some(SpeakerKind::Person),
            "outlet" => Some(SpeakerKind::Outlet),
            "anonymous" => Some(SpeakerKind::Anonymous),
            _ => None,
        }
    }

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
    /// Someone the label does not name (`SENIOR ADMINISTRATION OFFICIAL 2`), shown as printed.
    Anonymous(String),
    /// A person: the name inside the label, and whether only a title was printed (`THE PRESIDENT`).
    Person {
        name: String,
        title_only: bool,
    },
}

/// The display name every anonymous questioner resolves to.
pub const QUESTIONER: &str = "Unnamed questioner";

/// A Chinese or Japanese label: a role (`问`, `答`, `主持人`), an outlet's reporter
/// (`路透社记者`), an office with or without a name (`外交部发言人赵立坚`, `茂木大臣`), or a name.
fn classify_cjk(head: &str) -> LabelKind {
    let head = head.split(['（', '(']).next().unwrap_or(head).trim();
    match head {
        "问"
        | "追问"
        | "提问"
        | "记者"
        | "会后有记者问及"
        | "会后有记者问"
        | "问及"
        | "質問"
        | "問"
        | "記者" => {
            return LabelKind::Questioner;
        }
        "答" | "回答" | "答复" | "发言人" | "外交部发言人" | "大臣" | "外務大臣" | "報道官" =>
        {
            return LabelKind::Answerer;
        }
        "主持人" | "司会" => return LabelKind::Remarker(head.to_string()),
        _ => {}
    }
    for reporter in ["记者", "記者"] {
        if let Some(outlet) = head.strip_suffix(reporter).filter(|o| !o.is_empty()) {
            return LabelKind::Outlet(outlet.trim_matches(['《', '》']).to_string());
        }
    }
    for office in ["发言人", "大臣", "報道官", "外长", "部长", "大使"] {
        if let Some((before, after)) = head.split_once(office) {
            let name = if after.chars().count() >= 2 {
                after
            } else {
                before
            };
            let name = name.trim_start_matches("外交部").trim_start_matches("外務");
            if name.chars().count() >= 1 {
                return LabelKind::Person {
                    name: name.to_string(),
                    title_only: false,
                };
            }
        }
    }
    LabelKind::Person {
        name: head.to_string(),
        title_only: false,
    }
}

pub fn classify(label: &str) -> LabelKind {
    if label.chars().any(super::labels::is_cjk) {
        return classify_cjk(label.trim().trim_end_matches(['：', ':']));
    }
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
    // `FRAGE JUNG`, `ZUSATZFRAGE JUNG`: the German government's press conference prints the
    // word for a question before the asker's name.
    if QUESTIONERS.contains(&lower)
        || lower.starts_with("question")
        || lower.starts_with("follow")
        || ["frage ", "zusatzfrage", "nachfrage"]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        return LabelKind::Questioner;
    }
    if ANSWERERS.contains(&lower) {
        return LabelKind::Answerer;
    }
    if REMARKERS.contains(&lower) {
        return LabelKind::Remarker(title_case(head));
    }
    // A role word with a slip of the keyboard (`MODEARTOR`).
    if let Some(word) = misspelled(
        lower,
        &["moderator", "operator", "interpreter", "announcer"],
    ) {
        return LabelKind::Remarker(title_case(&word.to_uppercase()));
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
    if let Some(name) = unnamed(head) {
        return LabelKind::Anonymous(name);
    }
    let (name, title_only) = person_core(&repair(head));
    LabelKind::Person { name, title_only }
}

/// The display name of a label that names nobody: its words title-cased, its number kept
/// (`SENIOR ADMINISTRATION OFFICIAL 2` is `Senior Administration Official 2`).
fn unnamed(head: &str) -> Option<String> {
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut core = words.len();
    while core > 0
        && words[core - 1]
            .trim_start_matches('#')
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        core -= 1;
    }
    let last = words
        .get(core.checked_sub(1)?)?
        .trim_end_matches(['.', ','])
        .to_lowercase();
    if !UNNAMED.contains(&last.as_str()) {
        // A role word of seven letters or more with a slip of the keyboard, or cut short
        // (`WHITE HOUSE OFFICIA`), is that word.
        let word = misspelled(
            &last,
            &[
                "official",
                "officials",
                "participant",
                "participants",
                "unidentified",
            ],
        )?;
        let mut words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        words[core - 1] = word.to_uppercase();
        return Some(title_case_words(&words.join(" ")));
    }
    // `Representative Smith` names Smith; `A representative` does not.
    if core == 1 && last == "representative" && words.len() > 1 {
        return None;
    }
    Some(title_case_words(head))
}

/// `secretary-general`, `attorney-general`: a title of titles joined by hyphens.
fn is_compound_title(lower: &str) -> bool {
    lower.contains('-') && lower.split('-').all(|p| TITLES.contains(&p))
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
            || is_compound_title(&lower)
            || gazetteer::is_place_word(w)
            || gazetteer::is_place_word(&title_case(w))
            || (start + 1 < words.len() && misspelled_title(&lower))
        {
            start += 1;
        } else {
            break;
        }
    }
    // `Direct line programme host Kirill Kleymenov`, `Collective Farm Chairman Alexei
    // Lavrinenko`, `Promsvyazbank CEO Petr Fradkov`: the name follows the last word of office
    // or of description, when two or three words are left after it.
    if let Some(last) = words[start..].iter().rposition(|w| {
        let w = w.trim_end_matches(['.', ',']);
        is_title_word(w)
            || DESCRIPTIONS.contains(&w.to_lowercase().as_str())
            || INSTITUTIONS.contains(&w.to_lowercase().as_str())
            || (w.chars().next().is_some_and(char::is_lowercase)
                && !matches!(
                    w,
                    "de" | "da"
                        | "del"
                        | "der"
                        | "van"
                        | "von"
                        | "al"
                        | "el"
                        | "bin"
                        | "ibn"
                        | "la"
                        | "le"
                        | "du"
                        | "dos"
                        | "y"
                ))
    }) {
        let rest = words.len() - (start + last + 1);
        if (2..=3).contains(&rest) {
            start += last + 1;
        }
    }
    // Words of office after the name (`Anton Siluanov Finance Minister`).
    let mut end = words.len();
    while end > start + 1 && is_title_word(words[end - 1]) {
        end -= 1;
    }
    let mut name: Vec<String> = words[start..end]
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

/// A name as people write it: text decoded twice mended (`ofÂ Russia`), case split by markup
/// mended (`PeskoV`, `KleYMENOV`), words glued by markup parted (`AntonFinance`), and a word
/// printed twice kept once (`Anton Siluanov Siluanov Anton`).
pub fn repair(name: &str) -> String {
    let mended = super::decode::mend_double_decoding(name);
    let mut words: Vec<String> = Vec::new();
    for word in mended.split_whitespace() {
        for part in unglue(word) {
            if !words
                .iter()
                .any(|w| w.to_lowercase() == part.to_lowercase())
                || is_connector(&part)
            {
                words.push(part);
            }
        }
    }
    words.join(" ")
}

fn is_connector(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "of" | "the" | "and" | "de" | "da" | "del" | "der" | "van" | "von" | "al" | "el" | "bin"
    )
}

/// Prefixes after which a capital stands inside a surname (`McDonald`, `DeSantis`, `O'Neill`).
const INNER_CAPITAL: &[&str] = &[
    "mc", "mac", "de", "di", "da", "la", "le", "du", "van", "von", "o'", "o’", "d'", "d’", "al-",
    "el-", "fitz", "st", "ben",
];

/// One printed word as one or more words: a capital after a lower-case letter ends a glued
/// word (`AntonFinance`), or begins a run of capitals the markup split off (`PeskoV`).
fn unglue(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let Some(at) =
        (1..chars.len()).find(|&i| chars[i - 1].is_lowercase() && chars[i].is_uppercase())
    else {
        return vec![word.to_string()];
    };
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[at..].iter().collect();
    let head_lower = head.to_lowercase();
    if INNER_CAPITAL
        .iter()
        .any(|p| head_lower.ends_with(p) && head_lower.len() <= p.len() + 1)
        && !tail
            .chars()
            .skip(1)
            .all(|c| c.is_uppercase() || !c.is_alphabetic())
    {
        return vec![word.to_string()];
    }
    if tail.chars().all(|c| !c.is_lowercase()) {
        // `PeskoV`, `KleYMENOV`: the capitals belong to the word, in its case.
        return vec![format!("{head}{}", tail.to_lowercase())];
    }
    if head.chars().count() < 2 {
        return vec![word.to_string()];
    }
    let mut out = vec![head];
    out.extend(unglue(&tail));
    out
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

/// A name's words as they are matched across transliterations: folded like `fold`, but a
/// hyphenated surname stays one word (`jean-pierre`), and the spellings that romanisations of
/// one Russian or Ukrainian name differ by are made one (`Sergei`/`Sergey`,
/// `Alexei`/`Aleksey`, `Yury`/`Yuri`, `Pyotr`/`Petr`, `Zhulyov`/`Zhulev`, `Yevgeny`/`Evgeny`).
pub fn match_words(name: &str) -> Vec<String> {
    deunicode::deunicode(name)
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '(' | ')' | '"'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .split('-')
                .map(|part| {
                    let part: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
                    romanisation_key(&part)
                })
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The key of one folded word under the usual romanisations of Cyrillic.
fn romanisation_key(word: &str) -> String {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut w = word.replace("shch", "sch").replace("ks", "x");
    if let Some(rest) = w.strip_prefix("ye") {
        w = format!("e{rest}");
    }
    let chars: Vec<char> = w.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev = out.last().copied();
        match (c, next) {
            // `Pyotr`, `Zhulyov`: yo after a consonant is e.
            ('y', Some('o')) if prev.is_some_and(|p| !vowel(p)) => {
                out.push('e');
                i += 2;
                continue;
            }
            // `Matviyenko`, `Skabeyeva`, `Valeriya`: y between vowels goes.
            ('y', Some(n)) if vowel(n) && prev.is_some_and(vowel) => {
                i += 1;
                continue;
            }
            // `Sergey`, `Kleymenov`, `Nikolay`: ey and ay are ei and ai.
            ('y', _) if prev.is_some_and(|p| matches!(p, 'e' | 'a' | 'o')) => out.push('i'),
            _ if prev == Some(c) && !vowel(c) => {}
            _ => out.push(c),
        }
        i += 1;
    }
    // `Yury`, `Dmitriy`, `Zelenskyy`: the ending -y, -iy, -yy, -ii is -i.
    while out.len() > 2
        && matches!(out[out.len() - 1], 'y' | 'i')
        && matches!(out[out.len() - 2], 'y' | 'i')
    {
        out.pop();
    }
    if out.len() > 2 && out[out.len() - 1] == 'y' && !vowel(out[out.len() - 2]) {
        let last = out.len() - 1;
        out[last] = 'i';
    }
    out.into_iter().collect()
}

/// The surname two spellings of one person share, for finding the people a name may join.
pub fn match_surname(name: &str) -> String {
    match_words(name).pop().unwrap_or_default()
}

/// The last word of a folded name: the surname in the forms these sources use.
pub fn surname(folded: &str) -> &str {
    folded.rsplit(' ').next().unwrap_or(folded)
}

/// Whether a shorter form (`Lavrov`, `S. Lavrov`, `Jean-Pierre`) can name the same person as
/// `full`, under any usual romanisation (`Sergei Lavrov` and `Sergey Lavrov` are one).
pub fn short_form_of(short: &str, full: &str) -> bool {
    let sw = match_words(short);
    let fw = match_words(full);
    if sw.is_empty() || fw.is_empty() {
        return false;
    }
    if sw == fw {
        return true;
    }
    // `С.В.Лавров`, `V.V. Putin`: the initials of a given name and a patronymic, against a
    // full name printed without the patronymic.
    let sw = if sw.len() >= 3
        && sw.len() == fw.len() + 1
        && sw[..sw.len() - 1].iter().all(|w| w.chars().count() == 1)
    {
        let mut s = sw.clone();
        s.remove(sw.len() - 2);
        s
    } else {
        sw
    };
    if sw.len() > fw.len() || sw.last() != fw.last() {
        return false;
    }
    // Every given name or initial printed must fit the full name's.
    sw[..sw.len() - 1]
        .iter()
        .zip(fw.iter())
        .all(|(a, b)| b.starts_with(a.as_str()) && (a.len() == 1 || a == b))
}

/// The role word a word misspells, of these long ones, when the word is no title itself
/// (`president` is one letter from `resident`, and a title).
fn misspelled(word: &str, roles: &[&'static str]) -> Option<&'static str> {
    if TITLE_SET.contains(word) {
        return None;
    }
    roles.iter().copied().find(|r| one_edit_apart(r, word))
}

/// A long title with a slip of the keyboard before a name (`SECREATRY MAYORKAS`, `PRESIDEN
/// HICHILEMA`): titles of eight letters or more, so that no given name is taken for one.
fn misspelled_title(lower: &str) -> bool {
    static LONG_TITLES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        TITLES
            .iter()
            .copied()
            .filter(|t| t.chars().count() >= 8)
            .collect()
    });
    lower.chars().count() >= 7
        && !TITLE_SET.contains(lower)
        // A title with a letter added at its end is another language's word for it
        // (`Presidente`), no slip.
        && LONG_TITLES
            .iter()
            .any(|t| one_edit_apart(t, lower) && !lower.starts_with(t))
}

/// Whether two words differ by one letter changed, added or dropped, or by two neighbouring
/// letters swapped (`Sullican`, `Sullivcan`, `Sullvian` for `Sullivan`).
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    // A character takes four bytes at most: words further apart than that are not compared.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let Some(at) = (0..short.len()).find(|&i| short[i] != long[i]) else {
        // One is the other with one more letter at its end.
        return long.len() == short.len() + 1;
    };
    match long.len() - short.len() {
        0 => {
            a[at + 1..] == b[at + 1..]
                || (at + 1 < a.len()
                    && a[at] == b[at + 1]
                    && a[at + 1] == b[at]
                    && a[at + 2..] == b[at + 2..])
        }
        1 => short[at..] == long[at + 1..],
        _ => false,
    }
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
    let mut people: Vec<String> = Vec::new();
    for (_, person) in people_with_offices(text) {
        if !people.contains(&person) {
            people.push(person);
        }
    }
    people
}

/// The people a title or byline names, each with the words of office printed before the
/// name (`Vice President` for `Remarks by Vice President Harris`; empty after `by`).
pub fn people_with_offices(text: &str) -> Vec<(String, String)> {
    if text.chars().any(super::labels::is_cjk) {
        return cjk_people(text);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut people: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_matches(|c: char| !c.is_alphanumeric());
        let lower = w.to_lowercase();
        let after_title =
            OFFICES.contains(&lower.as_str()) && w.chars().next().is_some_and(char::is_uppercase);
        if after_title || lower == "by" || lower == "with" {
            let mut name = Vec::new();
            let mut j = i + 1;
            // Title words skipped between `by` and the name (`by President Trump`).
            let mut skipped_to = i + 1;
            while j < words.len() {
                let raw = words[j];
                let word = without_marks(raw);
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
                    // Words before a title that a name follows are part of the office
                    // (`with Healthcare Minister Veronika Skvortsova`, `Federation Council
                    // Speaker Valentina Matviyenko`), not a name; after a title they are one
                    // (`by President Biden Secretary ...`).
                    if name.is_empty() || (skipped_to == i + 1 && name_after_titles(&words, j)) {
                        name.clear();
                        j += 1;
                        skipped_to = j;
                        continue;
                    }
                    break;
                }
                if AFTER_NAME.contains(&lw.as_str()) || (lw.len() >= 8 && lw.ends_with("ing")) {
                    break;
                }
                name.push(word.to_string());
                j += 1;
                if possessive || raw.ends_with(',') || name.len() == 3 {
                    break;
                }
            }
            if !name.is_empty() && (name.len() != 1 || name[0].len() >= 3) {
                let person = repair(&name.join(" "));
                // The office: this word and the title words just before it.
                let mut from = i;
                while from > 0 && is_title_word(words[from - 1]) && i - from < 4 {
                    from -= 1;
                }
                let office = if after_title {
                    words[from..skipped_to].join(" ")
                } else {
                    words[i + 1..skipped_to].join(" ")
                };
                people.push((office, person));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    people
}

/// A word without the punctuation a phrase prints around it (`Skvortsova,`, `(Minister)`).
fn without_marks(word: &str) -> &str {
    word.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '“' | '”'))
}

/// Whether a name follows the title words at `at` (`Minister Veronika Skvortsova`): a
/// capitalised word of letters after them that is neither a title nor a place.
fn name_after_titles(words: &[&str], at: usize) -> bool {
    let mut k = at;
    while k < words.len() {
        let w = without_marks(words[k]);
        if !(is_title_word(w) || gazetteer::is_place_word(w)) {
            break;
        }
        // A title that a comma ends closes the phrase (`by the Secretary-General, Minister`).
        if words[k].ends_with(',') {
            return false;
        }
        k += 1;
    }
    let Some(next) = words.get(k) else {
        return false;
    };
    let w = without_marks(next);
    w.chars().next().is_some_and(char::is_uppercase)
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '’' | '\''))
        && !AFTER_NAME.contains(&w.to_lowercase().as_str())
}

/// The people a Chinese or Japanese title names after an office: `外交部发言人华春莹就……答记者问`
/// names 华春莹 (spokesperson); the name runs from the office to the first word that follows
/// names in such titles (`就`, `主持`, `答`, `在`, `发表`, `会见`, ...), two to four characters.
fn cjk_people(text: &str) -> Vec<(String, String)> {
    const OFFICES: &[&str] = &[
        "发言人",
        "外长",
        "部长",
        "总理",
        "总统",
        "主席",
        "大使",
        "報道官",
        "外務大臣",
        "大臣",
        "首相",
    ];
    const AFTER: &[char] = &[
        '就', '主', '答', '在', '发', '会', '表', '接', '举', '谈', '回', '对', '与', '同', '应',
        '称', '说', '出', '访', '致', '于', '的', '为', '和', '及', '、', '，', ' ', '：', '(',
        '（', '记', '談', 'の', '・',
    ];
    let mut people: Vec<(String, String)> = Vec::new();
    for office in OFFICES {
        let mut from = 0;
        while let Some(i) = text[from..].find(office) {
            let start = from + i + office.len();
            let name: String = text[start..]
                .chars()
                .take_while(|c| super::labels::is_cjk(*c) && !AFTER.contains(c))
                .take(4)
                .collect();
            let n = name.chars().count();
            if (2..=4).contains(&n) && !people.iter().any(|(_, p)| *p == name) {
                people.push((office.to_string(), name));
            }
            from = start;
        }
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_apart_is_one_letter_changed_added_dropped_or_swapped() {
        for (a, b) in [
            ("sullivan", "sullican"),
            ("sullivan", "sullivcan"),
            ("sullivan", "sullvian"),
            ("official", "officia"),
        ] {
            assert!(one_edit_apart(a, b) && one_edit_apart(b, a), "{a} {b}");
        }
        for (a, b) in [
            ("sullivan", "sullivan"),
            ("jansen", "jasnne"),
            ("sullivan", "sulivcan"),
            ("abcd", "badc"),
        ] {
            assert!(!one_edit_apart(a, b), "{a} {b}");
        }
        assert!(misspelled_title("secreatry") && misspelled_title("presiden"));
        assert!(!misspelled_title("presidente") && !misspelled_title("president"));
    }

    #[test]
    fn russian_initials_with_a_patronymic_are_a_short_form_of_the_full_name() {
        assert!(short_form_of("С.В.Лавров", "Сергей Лавров"));
        assert!(short_form_of("С.В.Лавров", "Sergey Lavrov"));
        assert!(short_form_of("В.В.Путин", "Владимир Путин"));
        assert!(!short_form_of("М.В.Лавров", "Сергей Лавров"));
    }

    #[test]
    fn chinese_titles_and_labels_name_the_spokesperson_roles_and_outlets() {
        assert_eq!(
            people_in("外交部发言人华春莹就美国军事打击叙利亚境内目标答记者问"),
            ["华春莹"]
        );
        assert_eq!(
            people_in("2020年4月16日外交部发言人赵立坚主持例行记者会"),
            ["赵立坚"]
        );
        assert_eq!(people_in("外交部发言人陆慷答记者问"), ["陆慷"]);
        assert_eq!(classify("问"), LabelKind::Questioner);
        assert_eq!(classify("会后有记者问及"), LabelKind::Questioner);
        assert_eq!(classify("答"), LabelKind::Answerer);
        assert_eq!(classify("路透社记者"), LabelKind::Outlet("路透社".into()));
        assert_eq!(
            classify("外交部发言人赵立坚"),
            LabelKind::Person {
                name: "赵立坚".into(),
                title_only: false
            }
        );
    }

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
    fn names_broken_by_markup_or_decoding_are_mended() {
        assert_eq!(repair("Dmitry PeskoV"), "Dmitry Peskov");
        assert_eq!(repair("Kirill KleYMENOV"), "Kirill Kleymenov");
        assert_eq!(
            repair("ofÂ\u{a0}Russia Vladimir Putin"),
            "of Russia Vladimir Putin"
        );
        assert_eq!(
            person("Anton Siluanov Siluanov AntonFinance Minister"),
            "Anton Siluanov"
        );
        // Capitals that belong inside a name stay.
        for name in [
            "Kayleigh McEnany",
            "Ron DeSantis",
            "Douglas MacArthur",
            "Conan O'Brien",
        ] {
            assert_eq!(repair(name), name);
        }
        assert_eq!(
            person("Direct line programme host Kirill Kleymenov"),
            "Kirill Kleymenov"
        );
        assert_eq!(person("Promsvyazbank CEO Petr Fradkov"), "Petr Fradkov");
    }

    #[test]
    fn officials_the_label_does_not_name_are_anonymous_with_their_number() {
        for (label, name) in [
            (
                "SENIOR ADMINISTRATION OFFICIAL",
                "Senior Administration Official",
            ),
            (
                "SENIOR ADMINISTRATION OFFICIAL 2",
                "Senior Administration Official 2",
            ),
            ("WHITE HOUSE AIDE", "White House Aide"),
            ("Participant", "Participant"),
        ] {
            assert_eq!(
                classify(label),
                LabelKind::Anonymous(name.into()),
                "{label}"
            );
        }
        assert!(matches!(
            classify("REPRESENTATIVE PELOSI"),
            LabelKind::Person { .. }
        ));
    }

    #[test]
    fn romanisations_of_one_name_match_and_namesakes_do_not() {
        for (a, b) in [
            ("Sergei Lavrov", "Sergey Lavrov"),
            ("Alexei Kudrin", "Aleksey Kudrin"),
            ("Yury Zhulev", "Yuri Zhulyov"),
            ("Pyotr Fradkov", "Petr Fradkov"),
            ("Yevgeny Primakov", "Evgeny Primakov"),
            ("Dmitry Shchugorev", "Dmitry Schugorev"),
            ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),
        ] {
            assert!(short_form_of(a, b) && short_form_of(b, a), "{a} / {b}");
        }
        assert!(short_form_of("Jean-Pierre", "Karine Jean-Pierre"));
        assert!(!short_form_of("Pierre", "Karine Jean-Pierre"));
        assert!(!short_form_of("Sergei Ivanov", "Igor Ivanov"));
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

//! Paragraphs to a `Document`: header, preface, labelled turns, who speaks, roles, exchanges, notes.

use super::blocks::{Block, Meta};
use super::names::{self, LabelKind, SpeakerKind};
use super::offices::{self, Offices};
use super::{Document, Exchange, Role, Turn, header, labels};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A whole name said in introducing oneself or handing the floor on.
static INTRODUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:[Tt]his is|I am|I'm|I’m|[Mm]y name is|(?:turn|hand|pass) it (?:back )?(?:over )?to|(?:turn|hand) (?:things )?over to)\s+(\p{Lu}[\p{Ll}]+)\s+(\p{Lu}[\p{L}'’-]*\p{Ll})\b").unwrap()
});

/// A whole name said in introducing someone else, after any titles: `introduce to you
/// Ambassador John Bass`, `joined today by my colleague Paloma Adams-Allen`, `with me is
/// Under Secretary Victoria Nuland`. The titles are dropped when read ([`introduced_name`]).
static INTRODUCING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:[Ii]ntroduce(?: to you)?|[Ww]elcome(?: back)?|joined(?: today| here| again| this (?:morning|afternoon|evening))? by|[Ww]ith me (?:today |here |this (?:morning|afternoon|evening) )?(?:is|are))\s+(?:(?:my|our|the|good|dear|friend|friends|and|colleague|colleagues|distinguished|esteemed|here|today|again)\s+)*((?:(?:\p{Lu}\.|\p{Lu}[\p{L}'’-]*)\s+){0,4}\p{Lu}[\p{L}'’-]*\p{Ll})").unwrap()
});

/// The given name and surname of a name [`INTRODUCING`] found, once the titles before it are
/// dropped (`Ambassador John Bass` is `John Bass`); none when fewer than two words of a name
/// remain, or more than three.
fn introduced_name(words: &str) -> Option<String> {
    let words: Vec<&str> = words
        .split_whitespace()
        .skip_while(|w| names::is_title_word(w))
        .collect();
    let name_word = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.clone().any(char::is_lowercase)
            && !w.contains(['.', '\'', '’'])
            && !names::is_title_word(w)
    };
    ((2..=3).contains(&words.len()) && words.iter().all(|w| name_word(w))).then(|| words.join(" "))
}

static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(unofficial translation|translated from|translation from|this is an? (unofficial|rush|unedited|provisional)|check against delivery|as prepared for delivery|\(?translated\)?$|english translation|automatic translation|machine translation|the following is an? (unofficial |official )?(translation|transcript)|this transcript|disclaimer)").unwrap()
});
/// Words every disclaimer has; the regular expression runs only on paragraphs that hold one.
static DISCLAIMER_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "translat",
            "transcript",
            "delivery",
            "disclaimer",
            "unedited",
            "provisional",
            "rush",
        ])
        .expect("a fixed word list builds")
});

fn is_disclaimer(text: &str) -> bool {
    text.len() < 300 && DISCLAIMER_WORDS.is_match(text) && DISCLAIMER.is_match(text)
}

static INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(had to say|has to say|transcript follows|full transcript|read the transcript|the full text|following is|below is|here is what|here's what|here is the|said the following|as follows|read what)\W*$").unwrap()
});
static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(dear |ladies and gentlemen|good (morning|afternoon|evening)|colleagues|friends|distinguished|excellenc|your (excellenc|majesty|highness)|mr\.? (president|chairman|secretary)|madam|hello|hi,? (everyone|everybody|all)|welcome|thank you|thanks",
        // Russian, French, Spanish, German and Arabic openings.
        r"|уважаем|дамы и господа|добрый (день|вечер)|доброе утро|здравствуйте|коллеги|друзья|господин|госпожа",
        r"|mesdames|messieurs|monsieur|madame|chers |chères |bonjour|señor|señora|estimad|buenos días|buenas tardes|queridos",
        r"|sehr geehrte|meine damen|liebe |guten (tag|morgen|abend)|سيداتي|السيد|أيها)",
    ))
    .unwrap()
});
/// How a spokesperson opens a Chinese or Japanese briefing before the first question: greetings
/// and announcements (`各位记者朋友，大家好`, `首先，发布一则消息`, `皆さん、こんにちは`).
static CJK_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(各位记者|记者朋友|希望记者朋友|大家好|女士们|先生们|首先[，,]|下面[，,]?我|现在发布|发布一则|我宣布|应.{1,40}邀请|皆さん|冒頭|本日は|私から)").unwrap()
});
static FIRST_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(I|we|We|our|Our|us|my|My|me|I'm|I’m|we’re|we're|(?i:я|мы|нас|нам|мне|меня|наш|наша|наше|наши|нашей|наших|je|j|nous|notre|nos|yo|nosotros|nuestro|nuestra|nuestros|ich|wir|uns|unser|unsere))\b").unwrap()
});
/// `I`, `my`, `me` and their like in the languages of diplomacy: someone speaking for
/// themselves.
static FIRST_PERSON_SINGULAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|my|My|me|Me|mine|(?i:я|мне|меня|мной|мой|моя|моё|мои|je|j|moi|mon|ma|mes|yo|mí|mi|mis|ich|mich|mir|mein|meine))\b").unwrap()
});
/// A line that heads the questions after a statement (`Q&A`, `Questions and answers`).
static QA_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(q\s*&\s*a|q\s+and\s+a|questions?\s+(and|&)\s+answers?)\W*$").unwrap()
});
static POSTSCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(end\b|ends\b|source:|sources:|p\.\s?s\.|ps:|read more|related|tags:|share|published|posted|copyright|©|photo|\(the (press|news|briefing|meeting|conference|event|call)|\(end|\[end|<…>|<...>)").unwrap()
});
static EDITOR_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(emphasis|editor|ed\.|note|added|translat|^end$|^ends$|^sic$|comment)")
        .unwrap()
});

const UNKNOWN: &str = "Unidentified speaker";

#[derive(Debug, Clone)]
struct Item {
    text: String,
    label: Option<String>,
    bold: bool,
    line: usize,
    heading: bool,
    note: bool,
}

fn is_separator(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().count() <= 12
        && t.chars().all(|c| {
            matches!(
                c,
                '*' | '-' | '_' | '=' | '#' | '~' | ' ' | '•' | '…' | '.' | '<' | '>'
            )
        })
}

/// An editor's note glued to the end of a paragraph: `... answered you. [My Emphasis]`.
fn trailing_note(text: &str, last: bool) -> Option<(String, String)> {
    let t = text.trim_end();
    if !t.ends_with(']') {
        return None;
    }
    let open = t.rfind('[')?;
    let inner = &t[open + 1..t.len() - 1];
    let body = t[..open].trim_end();
    if body.is_empty() || inner.split_whitespace().count() > 8 {
        return None;
    }
    let editorial = EDITOR_NOTE.is_match(inner)
        || (last && inner.chars().next().is_some_and(char::is_uppercase));
    editorial.then(|| (body.to_string(), t[open..].to_string()))
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn statement_like(text: &str) -> bool {
    if SALUTATION.is_match(text) || CJK_OPENING.is_match(text.trim_start()) {
        return true;
    }
    if text.chars().take(40).any(super::labels::is_cjk) {
        // No spaces to count words by: the first person against the characters.
        let n = text.chars().count().max(1);
        let first = text.matches(['我', '私']).count();
        return first >= 2 && first * 60 >= n;
    }
    let n = words(text).max(1);
    let first = FIRST_PERSON.find_iter(text).count();
    first >= 2 && first * 40 >= n
}

pub fn build(meta: Meta, blocks: Vec<Block>, offices: Offices) -> Document {
    let mut doc = Document {
        source_url: meta.source_url.clone(),
        topics: meta.topics.clone(),
        ..Document::default()
    };
    let items = read_items(blocks);
    let items = accept_labels(items);

    let first_label = items
        .iter()
        .position(|i| i.label.is_some())
        .unwrap_or(items.len());

    // Header: title line, dateline, time line at the very start.
    let mut title = meta.title.clone().filter(|t| !t.trim().is_empty());
    let mut date = meta.date.as_deref().and_then(header::parse_date);
    let mut place = meta.place.clone();
    let mut date_ambiguous = false;
    let mut start = 0;
    while start < first_label.min(5) {
        let item = &items[start];
        let text = item.text.trim();
        if item.note {
            doc.notes.push(item.text.clone());
            start += 1;
            continue;
        }
        if header::is_time_line(text) {
            doc.header.push(text.to_string());
        } else if header::is_dateline(text) {
            let found = header::find_date(text);
            // A date that reads either way round (`12/03/2024`) gives way to one that does
            // not (`12 March 2024`) on a later line.
            if date.is_none() || (date_ambiguous && found.as_ref().is_some_and(|f| !f.ambiguous)) {
                date = found.as_ref().map(|f| f.iso.clone());
                date_ambiguous = found.as_ref().is_some_and(|f| f.ambiguous);
            }
            // `Department Press Briefing – March 3, 2021`: a first line that ends with its
            // date is the title; a date at the start opens a caption instead.
            let titled = start == 0
                && title.is_none()
                && found
                    .as_ref()
                    .is_some_and(|f| header::title_with_date(text, f));
            if titled {
                title = Some(text.to_string());
                if place.is_none() {
                    place = found.as_ref().and_then(|f| header::headline_place(text, f));
                }
            } else if place.is_none() {
                place = found.as_ref().and_then(|f| header::place_near(text, f));
            }
            doc.header.push(text.to_string());
        } else if start > 0 && place.is_none() && header::is_place_line(text) {
            place = Some(text.to_string());
            doc.header.push(text.to_string());
        } else if start > 0
            && text.contains(',')
            && !text.contains(':')
            && words(text) <= 10
            && labels::label_shape(text)
        {
            // A byline (`Ned Price, Department Spokesperson`): kept as a header line, and it
            // names who speaks.
            doc.header.push(text.to_string());
        } else if (start == 0 || (title.is_none() && doc.header.len() == start))
            && (item.heading
                || (text.chars().count() < 150
                    && !text.ends_with(['.', ',', ':', ';', '!', '?'])
                    && words(text) <= 20
                    && !SALUTATION.is_match(text))
                // A ministry's long headline that ends in its date (mid.ru: `Выступление и
                // ответы на вопросы СМИ ... , Москва, 26 ноября 2025 года`).
                || (item.label.is_none()
                    && text.chars().count() < 400
                    && !text.ends_with([':', ';', '!', '?'])
                    && header::find_date(text).is_some_and(|d| {
                        let rest = text[d.end..].trim_matches(|c: char| !c.is_alphanumeric());
                        rest.chars().count() <= 5
                    })))
        {
            if title.is_none() || item.heading {
                title.get_or_insert_with(|| text.to_string());
            }
            if place.is_none()
                && let Some(found) = header::find_date(text)
            {
                place = header::headline_place(text, &found);
            }
            doc.header.push(text.to_string());
        } else {
            break;
        }
        start += 1;
    }
    // A date that reads either way round, on a page from a country that prints the day first
    // (`12/03/2024` on a .au or .uk site), is read day first.
    if date_ambiguous && day_first_site(doc.source_url.as_deref()) {
        date = date.map(|iso| match iso.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, d] => format!("{y}-{d}-{m}"),
            _ => iso,
        });
    }
    if date.is_none() {
        date = items[start..first_label.min(start + 6)]
            .iter()
            .filter(|i| header::is_dateline(&i.text))
            .find_map(|i| header::parse_date(&i.text))
            .or_else(|| title.as_deref().and_then(header::parse_date));
    }

    // Before the first label: editorial preface, then perhaps an unlabelled opening statement.
    let pre: Vec<&Item> = items[start..first_label].iter().collect();
    let mut statement: Vec<String> = Vec::new();
    let mut statement_line = 0;
    // Section headings before the first label (`Opening Remarks`) are notes, not preface.
    let content: Vec<&&Item> = pre.iter().filter(|i| !i.note && !i.heading).collect();
    // A paragraph ending in a colon ends an editorial preface, unless it leads in a quotation
    // (the next paragraph opens with a quotation mark) or, in a text with no labels at all (a
    // speech), it would file most of the text as preface.
    let total: usize = content.iter().map(|i| i.text.len()).sum();
    let unlabelled = first_label == items.len();
    let terminator = content.iter().enumerate().rposition(|(k, i)| {
        let t = i.text.trim();
        if INTRO.is_match(t) {
            return true;
        }
        let quoted_next = content.get(k + 1).is_some_and(|n| {
            n.text
                .trim_start()
                .starts_with(['"', '“', '«', '„', '\'', '‘', '「', '『'])
        });
        let before: usize = content[..=k].iter().map(|i| i.text.len()).sum();
        t.ends_with(':')
            && !SALUTATION.is_match(t)
            && content.len() > 1
            && i.text.len() > 20
            && !quoted_next
            && !(unlabelled && before * 10 > total)
    });
    let statement_from = match terminator {
        Some(t) => t + 1,
        None if first_label == items.len() => 0,
        None => content
            .iter()
            .position(|i| statement_like(&i.text))
            .unwrap_or(content.len()),
    };
    for (k, item) in content.iter().enumerate() {
        if k < statement_from {
            doc.preface.push(item.text.clone());
        } else {
            if statement.is_empty() {
                statement_line = item.line;
            }
            statement.push(item.text.clone());
        }
    }
    for item in pre.iter().filter(|i| i.note || i.heading) {
        doc.notes.push(item.text.clone());
    }
    // The site's lead paragraph opens the preface.
    let lead: Vec<String> = meta
        .lead
        .iter()
        .filter(|l| !doc.preface.contains(l))
        .cloned()
        .collect();
    doc.preface.splice(0..0, lead);

    // After the last turn: postscripts.
    let mut end = items.len();
    if first_label < items.len() {
        while end > first_label + 1 {
            let item = &items[end - 1];
            let t = item.text.trim();
            if item.label.is_none()
                && (item.note
                    || (t.chars().count() < 200
                        && (POSTSCRIPT.is_match(t) || header::is_time_line(t))))
            {
                end -= 1;
            } else {
                break;
            }
        }
    }

    // Turns. Where only the questions are labelled (`Q.`), the principal's answer is the
    // first paragraph after a question that asks nothing itself.
    let only_questions_labelled = {
        let mut labelled = items[first_label..end]
            .iter()
            .filter_map(|i| i.label.as_deref())
            .peekable();
        labelled.peek().is_some()
            && labelled.all(|l| matches!(names::classify(l), LabelKind::Questioner))
    };
    let mut raw_turns: Vec<(Option<String>, Vec<String>, usize)> = Vec::new();
    if !statement.is_empty() {
        raw_turns.push((None, statement, statement_line));
    }
    for (k, item) in items[first_label..end].iter().enumerate() {
        if item.note {
            doc.notes.push(item.text.clone());
            continue;
        }
        // A section heading printed as a plain line between two turns (`Questions Concerning
        // the Situation in the Middle East`) is a note, not the end of the turn before it.
        let next_is_turn = items[first_label..end]
            .get(k + 1)
            .is_some_and(|next| next.label.is_some());
        if item.label.is_none()
            && next_is_turn
            && raw_turns.last().is_some_and(|t| !t.1.is_empty())
            && plain_heading(&item.text)
        {
            doc.notes.push(item.text.clone());
            continue;
        }
        match &item.label {
            Some(label) => {
                let mut paragraphs = Vec::new();
                if !item.text.trim().is_empty() {
                    paragraphs.push(item.text.clone());
                }
                raw_turns.push((Some(label.clone()), paragraphs, item.line));
            }
            None if item.heading => doc.notes.push(item.text.clone()),
            None if only_questions_labelled
                && raw_turns.last().is_some_and(|t| {
                    t.0.is_some()
                        && t.1.last().is_some_and(|p| asks_or_inaudible(p))
                        && !asks_or_inaudible(&item.text)
                }) =>
            {
                raw_turns.push((None, vec![item.text.clone()], item.line));
            }
            None => match raw_turns.last_mut() {
                Some(turn) => turn.1.push(item.text.clone()),
                None => doc.preface.push(item.text.clone()),
            },
        }
    }
    for item in &items[end..] {
        doc.notes.push(item.text.clone());
    }
    raw_turns.retain(|t| !t.1.is_empty() || t.0.is_some());

    let language = meta
        .language
        .map(|l| l.chars().take(2).collect::<String>().to_lowercase())
        .unwrap_or_else(|| guess_language(&raw_turns));
    let setting = Setting {
        title: title.as_deref(),
        date: date.as_deref(),
        country: offices::country_of(doc.source_url.as_deref(), Some(&language)),
        offices,
    };
    resolve(&mut doc, raw_turns, &setting);
    doc.title = title;
    doc.date = date;
    doc.place = place;
    doc.language = Some(language);
    doc
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Cjk,
}

/// The script a name is written in.
fn script_of(name: &str) -> Script {
    if name.chars().any(super::labels::is_cjk) {
        Script::Cjk
    } else if name.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        Script::Cyrillic
    } else {
        Script::Latin
    }
}

/// The language most of the speech is in (whatlang, over the first turns' opening paragraphs),
/// as a BCP 47 tag; English when there is too little text to tell.
fn guess_language(turns: &[(Option<String>, Vec<String>, usize)]) -> String {
    // A thousand characters or so tell the language as well as the whole text, at a fraction
    // of the cost (detection runs on every document read).
    let mut sample = String::new();
    'turns: for t in turns.iter().take(20) {
        for p in t.1.iter().take(3) {
            if sample.len() > 1500 {
                break 'turns;
            }
            let end = p.char_indices().nth(600).map(|(i, _)| i).unwrap_or(p.len());
            sample.push_str(&p[..end]);
            sample.push('\n');
        }
    }
    let Some(info) = whatlang::detect(&sample) else {
        return "en".into();
    };
    use whatlang::{Lang, Script};
    // The script settles what a short text's words cannot.
    match info.script() {
        Script::Mandarin => return "zh".into(),
        Script::Hiragana | Script::Katakana => return "ja".into(),
        Script::Hangul => return "ko".into(),
        Script::Cyrillic
            if info.lang() != Lang::Ukr && info.lang() != Lang::Bul && info.lang() != Lang::Srp =>
        {
            return "ru".into();
        }
        Script::Arabic if info.lang() != Lang::Pes && info.lang() != Lang::Urd => {
            return "ar".into();
        }
        _ => {}
    }
    if !info.is_reliable() && info.script() == Script::Latin {
        return "en".into();
    }
    match info.lang() {
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Jpn => "ja",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Deu => "de",
        Lang::Ara => "ar",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ukr => "uk",
        Lang::Kor => "ko",
        Lang::Tur => "tr",
        Lang::Pes => "fa",
        Lang::Nld => "nl",
        Lang::Pol => "pl",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Bul => "bg",
        Lang::Srp => "sr",
        Lang::Urd => "ur",
        other => return other.code().to_string(),
    }
    .to_string()
}

/// Blocks to items: separators and disclaimers become notes; editor's notes are cut off the end
/// of paragraphs; each paragraph's label candidate is found.
fn read_items(blocks: Vec<Block>) -> Vec<Item> {
    let mut items = Vec::with_capacity(blocks.len());
    let last_index = blocks.len().saturating_sub(1);
    for (index, block) in blocks.into_iter().enumerate() {
        let text = block.text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        if is_separator(&text) || is_disclaimer(&text) || QA_HEADING.is_match(&text) {
            items.push(Item {
                text,
                label: None,
                bold: false,
                line: block.line,
                heading: false,
                note: true,
            });
            continue;
        }
        let (text, note) = match trailing_note(&text, index == last_index) {
            Some((body, note)) => (body, Some(note)),
            None => (text, None),
        };
        let candidate = labels::at_start(&text, block.bold_label.as_deref());
        let (label, speech) = match candidate {
            Some(l) => (Some(l.printed), text[l.speech_start..].trim().to_string()),
            None => (None, text.clone()),
        };
        let mut item = Item {
            text: speech,
            label,
            bold: block.bold_label.is_some(),
            line: block.line,
            heading: block.heading,
            note: false,
        };
        if item.label.is_none() {
            item.text = text;
        }
        items.push(item);
        if let Some(note) = note {
            items.push(Item {
                text: note,
                label: None,
                bold: false,
                line: block.line,
                heading: false,
                note: true,
            });
        }
    }
    items
}

/// Keeps the label candidates the whole document supports, and splits paragraphs where a
/// known label starts mid-paragraph.
fn accept_labels(items: Vec<Item>) -> Vec<Item> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for item in &items {
        if let Some(l) = &item.label {
            *counts.entry(l.to_lowercase()).or_default() += 1;
        }
    }
    let distinct = counts.len();
    let printed = |label: &str| counts.get(&label.to_lowercase()).copied().unwrap_or(0);
    // A document whose labels print names in capitals (`MS. JEAN-PIERRE:`, `MODERATOR:`)
    // does so throughout: a word in lower case with a colon, printed once, opens a sentence
    // there (`Deterrence: We want to deter ...`).
    let repeated: Vec<&str> = items
        .iter()
        .filter_map(|i| i.label.as_deref())
        .filter(|l| l.chars().filter(|c| c.is_alphabetic()).count() > 1 && printed(l) >= 2)
        .collect();
    let in_capitals =
        !repeated.is_empty() && repeated.iter().all(|l| !l.chars().any(char::is_lowercase));
    let accepted = |item: &Item, label: &str| -> bool {
        if lead_in(label) {
            return false;
        }
        if item.bold || printed(label) >= 2 {
            return true;
        }
        let kind = names::classify(label);
        if matches!(
            kind,
            LabelKind::Questioner | LabelKind::Answerer | LabelKind::Remarker(_)
        ) {
            return true;
        }
        // A name before words all in quotation marks, printed once, is a source quoted
        // (`Politico Playbook: “It’s hard to imagine …”`), not a speaker.
        let said = item.text.trim();
        if said.starts_with(['“', '"', '«', '„']) && said.ends_with(['”', '"', '»', '“'])
        {
            return false;
        }
        // So is one, in a document of labels in capitals, printed in lower case before words
        // that quote (`Speaker McCarthy: Some individuals “just want to …”`).
        if in_capitals && label.chars().any(char::is_lowercase) && said.contains(['“', '"', '«'])
        {
            return false;
        }
        let bare = labels::strip_brackets(label);
        let head = bare.split(',').next().unwrap_or("");
        let head_words = words(head);
        let speech = item.text.trim();
        // A short line with no end is a heading (`Syria: the situation today`); one that ends
        // in a comma opens a speech (`Mr President, colleagues,`).
        let headline = speech.chars().count() < 60
            && !speech.ends_with([
                '.', '?', '!', '"', '”', '…', ',', '。', '？', '！', '」', '』', '，',
            ]);
        if headline {
            return false;
        }
        if matches!(kind, LabelKind::Outlet(_)) {
            return true;
        }
        if head_words >= 2 {
            return true;
        }
        let lone_word_in_lower_case = in_capitals && label.chars().any(char::is_lowercase);
        distinct >= 2 && !crate::topics::gazetteer::is_place_word(head) && !lone_word_in_lower_case
    };
    let mut kept: Vec<Item> = items
        .into_iter()
        .enumerate()
        .map(|(k, mut item)| {
            if let Some(label) = item.label.clone()
                && (!accepted(&item, &label)
                    || (k == 0 && printed(&label) == 1 && headline_with_colon(&item)))
            {
                item.text = restore(&label, &item.text);
                item.label = None;
            }
            item
        })
        .collect();
    let known: Vec<String> = {
        let mut k: Vec<String> = kept.iter().filter_map(|i| i.label.clone()).collect();
        k.sort();
        k.dedup();
        k
    };
    if known.is_empty() {
        return kept;
    }
    let mut out = Vec::with_capacity(kept.len());
    for item in kept.drain(..) {
        if item.note || item.heading {
            out.push(item);
            continue;
        }
        let cuts = labels::split_inline(&item.text, &known);
        if cuts.is_empty() {
            out.push(item);
            continue;
        }
        let mut previous = 0;
        let mut current_label = item.label.clone();
        for (label, at) in cuts {
            let piece = item.text[previous..at].trim().to_string();
            out.push(Item {
                text: piece,
                label: current_label.take(),
                ..item.clone()
            });
            let label = label.unwrap_or_default();
            let speech_start = at + label.len();
            let rest = item.text[speech_start..].trim_start_matches(':');
            previous = item.text.len() - rest.len();
            current_label = Some(label);
        }
        out.push(Item {
            text: item.text[previous..].trim().to_string(),
            label: current_label,
            ..item
        });
    }
    out
}

/// Whether a page's address is of a country's site (a two-letter domain other than `.us`) or
/// the EU's: those print dates day first. American sites and generic domains print them
/// month first.
fn day_first_site(url: Option<&str>) -> bool {
    let Some(host) = url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|rest| rest.split(['/', ':', '?', '#']).next())
    else {
        return false;
    };
    let Some(tld) = host.trim_end_matches('.').rsplit('.').next() else {
        return false;
    };
    let tld = tld.to_ascii_lowercase();
    tld.len() == 2 && tld.chars().all(|c| c.is_ascii_alphabetic()) && tld != "us"
}

/// Whether a paragraph ends on a question, or is only an inaudible question (`[inaudible]`).
fn asks_or_inaudible(paragraph: &str) -> bool {
    let t = paragraph
        .trim()
        .trim_end_matches(['"', '”', '»', ')', ']'])
        .trim_end();
    t.ends_with(['?', '？'])
        || paragraph
            .trim()
            .trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | '.'))
            .eq_ignore_ascii_case("inaudible")
}

/// Whether the document's first paragraph is a headline with a colon (`Foreign Affairs
/// Council: press remarks by High Representative Kaja Kallas upon arrival`): no sentence ends
/// it, and what follows the colon is more than a greeting.
fn headline_with_colon(item: &Item) -> bool {
    let said = item.text.trim();
    !item.bold
        && item.text.chars().count() < 200
        && words(said) >= 3
        && !said.ends_with([
            '.', '?', '!', '…', '"', '”', '»', ',', ';', ':', '。', '？', '！',
        ])
}

/// Words that open a sentence's lead-in, never a speaker's label (`In Syria, next door:`,
/// `Across North Africa:`, `On your second question:`).
const LEAD_INS: &[&str] = &[
    "in",
    "across",
    "on",
    "at",
    "from",
    "after",
    "before",
    "for",
    "with",
    "regarding",
    "concerning",
    "about",
    "as",
    "now",
    "over",
    "under",
    "within",
    "between",
    "among",
    "around",
    "during",
    "beyond",
    "towards",
    "toward",
    "into",
    "finally",
    "lastly",
    "meanwhile",
    "and",
    "but",
    "so",
    "to",
    "my",
    "our",
    "your",
    "we",
    "you",
    "it",
    "this",
    "that",
    "these",
    "what",
    "when",
    "where",
    "why",
    "how",
];

/// Whether a label is the lead-in of a sentence: it opens with a word from [`LEAD_INS`], or
/// with a verb in `-ing` before a word in lower case (`Moving to Ukraine:`, `Turning to the
/// budget:`).
fn lead_in(label: &str) -> bool {
    let mut words = label.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    // A label in capitals is a speaker's (`ON SCREEN:` aside), however it opens.
    if !label.chars().any(char::is_lowercase) {
        return false;
    }
    let lower = first.to_lowercase();
    if LEAD_INS.contains(&lower.as_str()) && words.clone().next().is_some() {
        return true;
    }
    lower.chars().count() >= 6
        && lower.ends_with("ing")
        && words
            .next()
            .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase()))
}

fn restore(label: &str, speech: &str) -> String {
    if speech.is_empty() {
        format!("{label}:")
    } else {
        format!("{label}: {speech}")
    }
}

/// What the reader knows of a transcript when it names its speakers.
struct Setting<'a> {
    title: Option<&'a str>,
    date: Option<&'a str>,
    /// Whose offices the transcript speaks of (`US`, `RU`), for role labels and surnames.
    country: Option<&'static str>,
    offices: Offices<'a>,
}

/// Resolves who speaks each turn, gives each turn its role and builds the exchanges.
fn resolve(doc: &mut Document, raw: Vec<(Option<String>, Vec<String>, usize)>, setting: &Setting) {
    let title = setting.title;
    let mut classified: HashMap<String, LabelKind> = HashMap::new();
    let kinds: Vec<Option<LabelKind>> = raw
        .iter()
        .map(|(l, _, _)| {
            l.as_deref().map(|l| {
                classified
                    .entry(l.to_string())
                    .or_insert_with(|| names::classify(l))
                    .clone()
            })
        })
        .collect();

    // People named in labels, with short forms resolved to the longest form in the document.
    let mut full_names: Vec<String> = Vec::new();
    for kind in kinds.iter().flatten() {
        if let LabelKind::Person {
            name,
            title_only: false,
        } = kind
            && !full_names.contains(name)
        {
            full_names.push(name.clone());
        }
    }
    // `Direct line programme host Kirill Kleymenov` is the `Kirill Kleymenov` of other labels.
    let known_suffix = |name: &str| -> Option<String> {
        let words: Vec<&str> = name.split_whitespace().collect();
        (1..words.len().saturating_sub(1)).find_map(|from| {
            let tail = words[from..].join(" ");
            full_names
                .iter()
                .find(|f| names::fold(f) == names::fold(&tail))
                .cloned()
        })
    };
    let context: Vec<&str> = title
        .into_iter()
        .chain(doc.preface.iter().map(String::as_str))
        .chain(doc.header.iter().map(String::as_str))
        .collect();
    let title_people = title.map(names::people_with_offices).unwrap_or_default();
    // Whole names the speakers introduce themselves or each other by (`This is Kevin Munoz`,
    // `I'll turn it over to John Kirby`), by surname; read once, on the first need.
    let introduced: std::cell::OnceCell<HashMap<String, Vec<String>>> = Default::default();
    let introduced_as = |name: &str| -> Option<String> {
        let map = introduced.get_or_init(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for paragraph in raw.iter().flat_map(|(_, p, _)| p) {
                if !paragraph.contains(' ') {
                    continue;
                }
                let by_themselves = INTRODUCTION.captures_iter(paragraph).filter_map(|c| {
                    let (given, surname) = (&c[1], &c[2]);
                    (!names::is_title_word(given) && !names::is_title_word(surname))
                        .then(|| format!("{given} {surname}"))
                });
                let by_others = INTRODUCING
                    .captures_iter(paragraph)
                    .filter_map(|c| introduced_name(&c[1]));
                for full in by_themselves.chain(by_others) {
                    let surname = full.rsplit(' ').next().unwrap_or_default();
                    let entry = map.entry(names::fold(surname)).or_default();
                    if !entry.contains(&full) {
                        entry.push(full);
                    }
                }
            }
            map
        });
        let [one] = map.get(&names::fold(name))?.as_slice() else {
            return None;
        };
        // Another whole name with that surname anywhere in the text (`Ann Reyes and
        // Ambassador Luis Reyes`) leaves it a guess: none.
        let words: Vec<&str> = one.split(' ').collect();
        let (surname, given) = words.split_last()?;
        let another = whole_names(
            surname,
            raw.iter()
                .flat_map(|(_, p, _)| p.iter().map(String::as_str)),
        )
        .into_keys()
        .any(|full| !given.contains(&full.split(' ').next().unwrap_or_default()));
        (!another).then(|| one.clone())
    };
    let from_offices = |name: &str| -> Option<String> {
        let holder = setting
            .offices
            .named(setting.country?, name, setting.date?)?;
        // A name printed in another script (`陆慷`, `Лавров`) stays in that script: the table's
        // name in it, else as printed. The archive links it to the other spellings.
        let script = script_of(name);
        if script != Script::Latin {
            return Some(
                holder
                    .other_names
                    .iter()
                    .find(|n| script_of(n) == script && words(n) >= words(name))
                    .cloned()
                    .unwrap_or_else(|| name.to_string()),
            );
        }
        Some(holder.name.clone())
    };
    let resolve_name = |name: &str| -> String {
        if let Some(found) = known_suffix(name) {
            return found;
        }
        // Two spellings of one name (`Yury Zhulev`, `Yury Zhulyov`): the first one printed.
        let key = names::match_words(name);
        if let Some(first) = full_names.iter().find(|f| names::match_words(f) == key)
            && first != name
        {
            return first.clone();
        }
        let longer: Vec<&String> = full_names
            .iter()
            .filter(|f| names::match_words(f) != key && names::short_form_of(name, f))
            .collect();
        if longer.len() == 1 && words(longer[0]) > 1 {
            return longer[0].clone();
        }
        if words(name) == 1 || name.contains('.') {
            let from_title: Vec<&String> = title_people
                .iter()
                .map(|(_, p)| p)
                .filter(|p| names::short_form_of(name, p))
                .collect();
            if let [one] = from_title.as_slice()
                && words(one) > words(name)
            {
                return (*one).clone();
            }
            if let Some(found) = expand_from_text(name, &context) {
                return found;
            }
            if let Some(found) = from_offices(name) {
                return found;
            }
            if words(name) == 1
                && let Some(found) = introduced_as(name)
            {
                return found;
            }
            if let [one] = longer.as_slice() {
                return (*one).clone();
            }
        }
        name.to_string()
    };
    // `THE PRESIDENT`: the person the title names in that office, else who held it that day.
    // `PRESIDENT BIDEN`, `Remarks by President Trump`: an office and a surname on a date.
    let with_office = |printed_office: &str, name: &str| -> String {
        let resolved = resolve_name(name);
        if words(&resolved) > 1 {
            return resolved;
        }
        offices::office_of(printed_office)
            .zip(setting.date)
            .and_then(|(office, date)| setting.offices.in_office(office, name, date))
            .map(|h| h.name.clone())
            .unwrap_or(resolved)
    };
    let labels: Vec<&str> = {
        let mut l: Vec<&str> = raw.iter().filter_map(|(l, _, _)| l.as_deref()).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    let resolve_role = |role: &str| -> Option<String> {
        let office = offices::office_of(role)?;
        // A `DEPUTY SPOKESPERSON` is neither the spokesperson the title names nor the one in
        // office that day: every source below must print the role at the label's rank.
        let titled = title_people.iter().find(|(printed, _)| {
            offices::office_of(printed) == Some(office) && same_rank(role, printed)
        });
        if let Some((printed, person)) = titled {
            return Some(with_office(printed, person));
        }
        // The header or the preface naming the one person in that office (`noon briefing by
        // Stéphane Dujarric, Spokesman for the Secretary-General`); two such people leave the
        // role a role.
        let mut named: Vec<(String, String)> = doc
            .header
            .iter()
            .chain(&doc.preface)
            .flat_map(|line| {
                names::people_with_offices(line)
                    .into_iter()
                    .map(|(printed, person)| {
                        // The office after the name (`Stéphane Dujarric, Spokesman for …`).
                        let after = line
                            .find(&person)
                            .map(|at| &line[at + person.len()..])
                            .and_then(|rest| rest.strip_prefix(", "))
                            .map(|rest| {
                                rest.split_whitespace()
                                    .take(6)
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            });
                        match after {
                            Some(after) if printed.is_empty() => (after, person),
                            _ => (printed, person),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            // Another label that names the person with the office (`Penny Wong, Foreign
            // Minister:` before `Foreign Minister:`).
            .chain(labels.iter().flat_map(|label| {
                let after_name = label.split_once(", ").map(|(head, tail)| {
                    let (name, title_only) = names::person_core(head);
                    (
                        tail.to_string(),
                        if title_only { String::new() } else { name },
                    )
                });
                names::people_with_offices(label)
                    .into_iter()
                    .chain(after_name)
            }))
            .filter(|(printed, person)| {
                offices::office_of(printed) == Some(office)
                    && same_rank(role, printed)
                    && words(person) > 1
            })
            .collect();
        named.sort_by(|a, b| a.1.cmp(&b.1));
        named.dedup_by(|a, b| a.1 == b.1);
        if let [(printed, person)] = named.as_slice() {
            return Some(with_office(printed, person));
        }
        if !same_rank(role, office) {
            return None;
        }
        let holder = setting
            .offices
            .holder(setting.country?, office, setting.date?)?;
        Some(resolve_name(&holder.name))
    };

    // Speaker of each turn before roles: (name, kind, label kind).
    let mut speakers: Vec<(String, SpeakerKind)> = Vec::with_capacity(raw.len());
    let mut resolved: HashMap<String, (String, SpeakerKind)> = HashMap::new();
    for ((label, _, _), kind) in raw.iter().zip(&kinds) {
        if let Some(hit) = label.as_ref().and_then(|l| resolved.get(l)) {
            speakers.push(hit.clone());
            continue;
        }
        let s = match kind {
            None => (String::new(), SpeakerKind::Person),
            Some(LabelKind::Questioner) => (names::QUESTIONER.to_string(), SpeakerKind::Anonymous),
            Some(LabelKind::Answerer) => (String::new(), SpeakerKind::Person),
            Some(LabelKind::Remarker(n)) | Some(LabelKind::Anonymous(n)) => {
                (n.clone(), SpeakerKind::Anonymous)
            }
            Some(LabelKind::Outlet(n)) => (n.clone(), SpeakerKind::Outlet),
            Some(LabelKind::Person {
                name,
                title_only: false,
            }) => (
                with_office(label.as_deref().unwrap_or(""), name),
                SpeakerKind::Person,
            ),
            // A role nobody can be named for stays a role: never a guess.
            Some(LabelKind::Person {
                name,
                title_only: true,
            }) => match resolve_role(name) {
                Some(person) => (person, SpeakerKind::Person),
                None => (name.clone(), SpeakerKind::Anonymous),
            },
        };
        if let Some(l) = label {
            resolved.insert(l.clone(), s.clone());
        }
        speakers.push(s);
    }
    misspelled_surnames(&mut speakers);
    let labelled_questioners = kinds
        .iter()
        .any(|k| matches!(k, Some(LabelKind::Questioner)));
    let asks = |i: usize| {
        matches!(
            kinds[i],
            Some(LabelKind::Questioner) | Some(LabelKind::Outlet(_))
        )
    };
    // Who may answer: people, and officials the label does not name.
    let may_answer = |i: usize| {
        matches!(
            kinds[i],
            None | Some(LabelKind::Answerer)
                | Some(LabelKind::Person { .. })
                | Some(LabelKind::Anonymous(_))
        )
    };

    // Principals: who answers unnamed questioners (each who answers at least a quarter as
    // often as the one who answers most); else who the title names; else who speaks most.
    let mut answering: HashMap<String, usize> = HashMap::new();
    for (i, (name, _)) in speakers.iter().enumerate().skip(1) {
        if asks(i - 1) && may_answer(i) && !name.is_empty() {
            *answering.entry(name.clone()).or_default() += 1;
        }
    }
    // A named interviewer (`Stefanovic:`, `CURRAN:`) and no unnamed questioner: the principal
    // is who answers the interviewer's questions, when the interviewer mostly asks and the
    // one who answers mostly does not.
    // Each speaker's turns that end on a question, and all their turns (unlabelled turns
    // under the empty name until they are the principal's).
    let mut ending_question: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, (name, _)) in speakers.iter().enumerate() {
        let entry = ending_question.entry(name.clone()).or_default();
        entry.1 += 1;
        if ends_with_question(&raw[i].1) {
            entry.0 += 1;
        }
    }
    let mut interviewers: Vec<String> = Vec::new();
    if answering.is_empty() {
        let mostly_asks = |name: &str| ending_question.get(name).is_some_and(|(q, n)| q * 2 > *n);
        let person = |i: usize| speakers[i].1 == SpeakerKind::Person && !speakers[i].0.is_empty();
        let mut replies: HashMap<String, usize> = HashMap::new();
        for i in 1..speakers.len() {
            let (asker, answerer) = (&speakers[i - 1].0, &speakers[i].0);
            if asker != answerer
                && person(i - 1)
                && person(i)
                && ends_with_question(&raw[i - 1].1)
                && mostly_asks(asker)
                && !mostly_asks(answerer)
            {
                *replies.entry(answerer.clone()).or_default() += 1;
                interviewers.push(asker.clone());
            }
        }
        answering.extend(replies.into_iter().filter(|(_, n)| *n >= 2));
        if answering.is_empty() {
            interviewers.clear();
        }
    }
    let most_answers = answering.values().copied().max().unwrap_or(0);
    answering.retain(|_, c| *c * 4 >= most_answers);
    let mut volume: HashMap<String, usize> = HashMap::new();
    for (i, (_, paragraphs, _)) in raw.iter().enumerate() {
        if speakers[i].1 == SpeakerKind::Person && !speakers[i].0.is_empty() {
            *volume.entry(speakers[i].0.clone()).or_default() +=
                paragraphs.iter().map(String::len).sum::<usize>();
        }
    }
    let titled: Vec<String> = title_people
        .iter()
        .map(|(office, p)| with_office(office, p))
        .collect();
    let principal: String = answering
        .iter()
        .max_by_key(|(n, c)| (**c, volume.get(*n).copied().unwrap_or(0)))
        .map(|(n, _)| n.clone())
        .or_else(|| titled.iter().find(|t| volume.contains_key(*t)).cloned())
        .or_else(|| {
            volume
                .iter()
                .max_by_key(|(_, v)| **v)
                .map(|(n, _)| n.clone())
        })
        // A text no label divides is the speech of the person the title names, unless it
        // reports what they said (`Veronika Skvortsova said 32 regions ...`): a news item
        // about them is not theirs to have said.
        .or_else(|| {
            titled
                .first()
                .filter(|p| !reports_on(p, raw.iter().flat_map(|t| t.1.iter())))
                .cloned()
        })
        .unwrap_or_else(|| UNKNOWN.to_string());
    let mut principals: Vec<String> = answering.keys().cloned().collect();
    principals.push(principal.clone());
    // The interviewer a title names (`Interview with Karl Stefanovic, Today Show`) asks.
    principals.extend(
        titled
            .iter()
            .filter(|t| volume.contains_key(*t) && !interviewers.contains(t))
            .cloned(),
    );
    for s in speakers.iter_mut() {
        if s.0.is_empty() {
            s.0 = principal.clone();
        }
    }
    // A named speaker who is no principal and mostly ends on a question is an interviewer.
    let interviewer = |name: &str| -> bool {
        !principals.iter().any(|p| p == name)
            && ending_question
                .get(name)
                .is_some_and(|(q, n)| *n >= 2 && q * 2 >= *n)
    };
    // Whether the next turn is a principal's reply to turn `i`'s speaker.
    let answered = |i: usize| -> bool {
        speakers
            .get(i + 1)
            .is_some_and(|(next, _)| *next != speakers[i].0 && principals.contains(next))
    };

    let mut turns: Vec<Turn> = Vec::with_capacity(raw.len());
    // Whether the turn before was such an aside (below).
    let mut after_aside = false;
    let mut exchanges: Vec<Exchange> = Vec::new();
    let mut open: Option<usize> = None;
    // Who made a statement before the first question.
    let mut opened: Vec<String> = Vec::new();
    for (i, (label, paragraphs, line)) in raw.into_iter().enumerate() {
        let (speaker, speaker_kind) = speakers[i].clone();
        // Only short turns need their words counted (a long one has more than twelve).
        let bytes: usize = paragraphs.iter().map(String::len).sum();
        let n_words: usize = if bytes > 200 {
            bytes
        } else {
            paragraphs.iter().map(|p| words(p)).sum()
        };
        let principal_speaks = principals.contains(&speaker);
        let asks_answered = asks_in_last(&paragraphs) && answered(i);
        // An interviewer's aside between two turns of one principal, asking nothing: thanks,
        // a laugh, a word of assent (`Thank you.`, `Come on. (Laughter.)`), or anything said
        // into a turn broken off mid-sentence (`You keep mentioning ICBMs.` after `I would
        // like to –`). It is a remark, which neither opens an exchange nor ends the answer it
        // interrupts. A short turn that prompts (`The RBC sale.`) or breaks off itself still
        // asks, and a turn labelled as a question (`Q`, `QUESTION`) stays one.
        let interjects = !principal_speaks
            && n_words < 12
            && !matches!(
                kinds[i],
                Some(
                    LabelKind::Questioner
                        | LabelKind::Outlet(_)
                        | LabelKind::Remarker(_)
                        | LabelKind::Answerer
                )
            )
            && !cut_off(&paragraphs)
            && !paragraphs.iter().any(|p| p.contains(['?', '？']))
            && turns.last().is_some_and(|t: &Turn| {
                principals.contains(&t.speaker)
                    && speakers
                        .get(i + 1)
                        .is_some_and(|(next, _)| *next == t.speaker)
                    && (cut_off(&t.paragraphs) || aside(&paragraphs))
            });
        // The turn this one follows, past such an aside.
        let before = if after_aside {
            turns.len().checked_sub(2).map(|k| &turns[k])
        } else {
            turns.last()
        };
        let role = match &kinds[i] {
            _ if interjects => Role::Remark,
            Some(LabelKind::Questioner) | Some(LabelKind::Outlet(_)) => Role::Question,
            // A host reading out a viewer's question, answered by the principal, where no
            // questioner is labelled (where one is, the moderator only hands the floor on).
            Some(LabelKind::Remarker(_))
                if asks_answered
                    && n_words >= 6
                    && !labelled_questioners
                    && !logistics(&paragraphs) =>
            {
                Role::Question
            }
            Some(LabelKind::Remarker(_)) => Role::Remark,
            _ if !principal_speaks
                && speaker != UNKNOWN
                && !logistics(&paragraphs)
                && (asks_answered
                    || ends_with_question(&paragraphs)
                    || (interviewer(&speaker) && answered(i))) =>
            {
                Role::Question
            }
            _ => match open {
                Some(e) if exchanges[e].answers.is_empty() && principal_speaks => Role::Answer,
                // Someone else taking the question: an answer when it says something.
                Some(e)
                    if exchanges[e].answers.is_empty()
                        && n_words >= 12
                        && turns
                            .last()
                            .is_some_and(|t: &Turn| t.role == Role::Question) =>
                {
                    Role::Answer
                }
                // The answerer going on, also past an aside when they say something.
                Some(_)
                    if before
                        .is_some_and(|t: &Turn| t.role == Role::Answer && t.speaker == speaker)
                        && (!after_aside || n_words >= 12) =>
                {
                    Role::Answer
                }
                Some(_) if n_words >= 12 && principal_speaks => Role::Answer,
                // Where the askers are labelled as such, a guest who opened the event with a
                // statement and never asks answers too when they speak up after an answer
                // (the other leader at a joint news conference).
                Some(e)
                    if labelled_questioners
                        && speaker_kind == SpeakerKind::Person
                        && opened.contains(&speaker)
                        && ending_question
                            .get(speaker.as_str())
                            .is_some_and(|(q, _)| *q == 0)
                        && n_words >= 12
                        && !exchanges[e].answers.is_empty()
                        && turns.last().is_some_and(|t: &Turn| t.role == Role::Answer) =>
                {
                    Role::Answer
                }
                Some(_) => Role::Remark,
                None if principal_speaks || label.is_none() => Role::Statement,
                // A guest's speech before any question is theirs to state, not a remark.
                None if speaker_kind == SpeakerKind::Person && n_words >= 40 => Role::Statement,
                None => Role::Remark,
            },
        };
        // A guest whose label names an office (`Prime Minister of Bulgaria Boyko Borissov`),
        // not the moderator who opens a call.
        if role == Role::Statement
            && exchanges.is_empty()
            && !opened.contains(&speaker)
            && label.as_deref().is_some_and(names::names_an_office)
        {
            opened.push(speaker.clone());
        }
        match role {
            Role::Question => {
                exchanges.push(Exchange {
                    number: exchanges.len() as u32 + 1,
                    question: i,
                    answers: Vec::new(),
                });
                open = Some(exchanges.len() - 1);
            }
            Role::Answer => {
                if let Some(e) = open {
                    exchanges[e].answers.push(i);
                }
            }
            // Someone other than a principal said something of substance that asked nothing:
            // what a principal says next answers no question on this exchange's page.
            Role::Remark if !principal_speaks && n_words >= 12 => open = None,
            _ => {}
        }
        after_aside = interjects && role == Role::Remark;
        turns.push(Turn {
            speaker,
            speaker_kind,
            label,
            role,
            paragraphs,
            line,
        });
    }
    doc.turns = turns;
    doc.exchanges = exchanges;
}

static LOGISTICS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(unmute|un-mute|muted|can you hear|can everyone hear|do you hear|hear (me|us) (ok|okay|now|all right)|audio|(bad|your|the|our) connection|connection (is|issue|problem)|your line is open|line is open|time for (one|a few|a couple|another)|take (one|a few|a couple) more|see a hand|raise (your|their) hands|re-ask|pick up at|go ahead|come forward|microphone|are you (there|with us))\b").unwrap()
});

/// The sound and the lines of a call: a short turn that speaks of them hands the floor on
/// (`I'll try to unmute Chris. Chris?`).
static MECHANICS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(unmute|un-mute|muted|audio|connection|line is open|microphone|can you hear)\b",
    )
    .unwrap()
});

/// Whether a turn's asking is about the event's running (`can you unmute?`, `do we have time
/// for one more question?`), not a question put to the principal.
fn logistics(paragraphs: &[String]) -> bool {
    let Some(last) = paragraphs.last() else {
        return false;
    };
    let asking = last
        .split_inclusive(['.', '!', '?'])
        .rfind(|s| s.contains('?'))
        .unwrap_or(last);
    LOGISTICS.is_match(asking) || (words(last) <= 20 && MECHANICS.is_match(last))
}

/// Whether a turn's last paragraph asks something (`?` anywhere in it).
fn asks_in_last(paragraphs: &[String]) -> bool {
    paragraphs
        .last()
        .is_some_and(|p| p.contains('?') || p.contains('？'))
}

/// Words of thanks, greeting and assent: a turn of these alone asks nothing.
const ASIDE_WORDS: &[&str] = &[
    "thank",
    "thanks",
    "you",
    "so",
    "much",
    "very",
    "okay",
    "ok",
    "yeah",
    "yes",
    "yep",
    "sure",
    "right",
    "all",
    "alright",
    "great",
    "good",
    "hello",
    "hi",
    "hey",
    "afternoon",
    "morning",
    "evening",
    "sorry",
    "got",
    "it",
    "understood",
    "fair",
    "enough",
    "oh",
    "wow",
    "indeed",
    "absolutely",
    "definitely",
    "exactly",
    "true",
    "appreciate",
    "that",
    "thats",
    "that’s",
    "nice",
    "perfect",
    "cool",
    "fine",
    "well",
    "uh-huh",
    "mm-hmm",
    "ha",
    "again",
    "sir",
    "ma’am",
    "ma'am",
    "everyone",
    "everybody",
    "guys",
    "folks",
];

/// Whether a short turn only thanks, greets or assents, or draws a laugh: `Thank you, Jen.`,
/// `Okay.`, `No, that's every day. (Laughter.)`. A name said to someone does not count
/// (`Thanks, Karine.`).
fn aside(paragraphs: &[String]) -> bool {
    let text = paragraphs.join(" ");
    if text.contains("(Laughter") || text.contains("(laughter") {
        return true;
    }
    let mut any = false;
    // Parenthesised notes (`(Inaudible.)`) are set aside with the rest of the punctuation.
    let mut depth = 0usize;
    let mut bare = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    for clause in bare.split([',', '.', '!', ';', ':']) {
        let words: Vec<&str> = clause.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        // `Karine`, `Mr. President`: the one spoken to.
        if words.len() <= 2
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && !ASIDE_WORDS.contains(&words[0].to_lowercase().as_str())
        {
            continue;
        }
        for w in words {
            let w = w.to_lowercase();
            if !ASIDE_WORDS.contains(
                &w.trim_matches(|c: char| {
                    !c.is_alphanumeric() && c != '’' && c != '\'' && c != '-'
                }),
            ) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// A line shaped as a section heading: two to twelve words in title case (every word of four
/// letters or more capitalised, the first too), with no mark that ends a sentence or a clause
/// and nothing in brackets.
fn plain_heading(text: &str) -> bool {
    let text = text.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=12).contains(&words.len())
        && text.chars().count() <= 90
        && !text.ends_with([
            '.', '?', '!', ':', ';', ',', '"', '”', '…', '—', '–', '-', ')', ']',
        ])
        && !text.contains(['(', '[', '"', '“', '?', '!'])
        && words[0].chars().next().is_some_and(char::is_uppercase)
        && words.iter().all(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            letters < 4
                || w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        })
        && words
            .iter()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
            .count()
            >= 2
}

/// Whether a role label and an office printed beside a name hold the same rank: a `Deputy
/// Spokesman` is not the `Spokesman` the preface names, nor the other way round.
fn same_rank(label: &str, office: &str) -> bool {
    const RANKS: &[&str] = &[
        "deputy",
        "vice",
        "assistant",
        "associate",
        "acting",
        "principal",
        "chief",
        "senior",
        "under",
        "first",
        "second",
        "special",
    ];
    let ranks = |text: &str| -> Vec<String> {
        let mut found: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .take_while(|w| !matches!(w.as_str(), "for" | "of" | "to" | "at" | "in"))
            .filter(|w| RANKS.contains(&w.as_str()))
            .collect();
        found.sort();
        found
    };
    ranks(label) == ranks(office)
}

/// Whether a turn breaks off mid-sentence (`And I –`, `to help commemorate the occasion…`).
fn cut_off(paragraphs: &[String]) -> bool {
    paragraphs.last().is_some_and(|p| {
        let p = p.trim_end();
        p.ends_with(['–', '—', '-', '…']) || p.ends_with("...")
    })
}

fn ends_with_question(paragraphs: &[String]) -> bool {
    paragraphs.last().is_some_and(|p| {
        p.trim_end()
            .trim_end_matches(['"', '”', '»', ')', ' '])
            .ends_with('?')
    })
}

/// `Lavrov` to `Sergey Lavrov` when the title or preface prints the full name.
fn expand_from_text(name: &str, texts: &[&str]) -> Option<String> {
    // The surname is the last word, also after initials printed without a space
    // (`А.Лукашенко`).
    let surname = name
        .rsplit(|c: char| c.is_whitespace() || c == '.')
        .find(|w| !w.is_empty())?;
    // The whole name printed most often; ties go by name, never by hash order.
    whole_names(surname, texts.iter().copied())
        .into_iter()
        .filter(|(full, _)| names::short_form_of(name, full))
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(n, _)| n)
}

/// The whole names (`Sergey Lavrov`) the texts print with this surname, a capitalised given
/// name just before it, and how often each.
fn whole_names<'a>(
    surname: &str,
    texts: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let words: Vec<&str> = text.split_whitespace().collect();
        for w in 1..words.len() {
            let word = words[w].trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            let word = word
                .strip_suffix("’s")
                .or_else(|| word.strip_suffix("'s"))
                .unwrap_or(word);
            if !word.eq_ignore_ascii_case(surname) && names::fold(word) != names::fold(surname) {
                continue;
            }
            if let Some(given) = surname_first(&words, w) {
                *counts
                    .entry(format!("{given} {}", names::title_case(word)))
                    .or_default() += 1;
                continue;
            }
            // A word that a comma, a bracket or a full stop ends belongs to what came before
            // (`Regierungssprecher Hebestreit, Wagner (AA)` names two people, not `Hebestreit
            // Wagner`).
            if words[w - 1].ends_with(|c: char| !c.is_alphanumeric() && c != '-') {
                continue;
            }
            let given = words[w - 1].trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            let (core, _) = names::person_core(given);
            if given.chars().next().is_some_and(char::is_uppercase)
                && core == given
                && given.len() > 1
                && !names::is_title_word(given)
            {
                *counts
                    .entry(format!("{given} {}", names::title_case(word)))
                    .or_default() += 1;
            }
        }
    }
    counts
}

/// A surname printed once with a slip of the keyboard (`MR. SULLICAN:` among turns of `MR.
/// SULLIVAN:`) is the person whose surname it misspells: one letter changed, added, dropped or
/// swapped with the next, in a name of six letters or more, and one person only that close
/// who speaks at least twice. Two people of nearly one name leave it as printed.
fn misspelled_surnames(speakers: &mut [(String, SpeakerKind)]) {
    let mut turns: HashMap<&str, usize> = HashMap::new();
    for (name, kind) in speakers.iter() {
        if *kind == SpeakerKind::Person && !name.is_empty() {
            *turns.entry(name.as_str()).or_default() += 1;
        }
    }
    let mut fixes: Vec<(String, String)> = Vec::new();
    for (&name, &count) in &turns {
        if count != 1 || name.contains(' ') || name.chars().count() < 6 {
            continue;
        }
        let close: Vec<&str> = turns
            .iter()
            .filter(|&(&other, &n)| {
                n >= 2
                    && other != name
                    && other.rsplit(' ').next().is_some_and(|surname| {
                        names::one_edit_apart(&names::fold(surname), &names::fold(name))
                    })
            })
            .map(|(&other, _)| other)
            .collect();
        if let [one] = close.as_slice() {
            fixes.push((name.to_string(), one.to_string()));
        }
    }
    for (from, to) in fixes {
        for (name, _) in speakers.iter_mut().filter(|(n, _)| *n == from) {
            *name = to.clone();
        }
    }
}

/// Verbs a report puts after the name of someone whose words it tells (`Skvortsova said`).
const REPORTING: &[&str] = &[
    "said",
    "says",
    "stressed",
    "noted",
    "added",
    "told",
    "reported",
    "explained",
    "emphasised",
    "emphasized",
    "underlined",
    "recalled",
    "stated",
    "announced",
    "informed",
    "briefed",
    "pointed",
    "remarked",
    "observed",
    "urged",
    "warned",
];

/// Whether the paragraphs tell of this person in the third person: their surname just before
/// a verb of saying (`Skvortsova said`), or their surname in a text where nobody says `I`
/// (`President Biden spoke today with Prime Minister Kishida`): a report or a readout.
fn reports_on<'a>(person: &str, paragraphs: impl Iterator<Item = &'a String>) -> bool {
    let Some(surname) = person.split_whitespace().last() else {
        return false;
    };
    let mut named = false;
    let mut first_person = false;
    for p in paragraphs {
        let words: Vec<&str> = p.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            let bare = bare
                .strip_suffix("’s")
                .or_else(|| bare.strip_suffix("'s"))
                .unwrap_or(bare);
            if bare != surname {
                continue;
            }
            named = true;
            let next = words
                .get(i + 1)
                .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()));
            if !word.ends_with(['.', ',', ':', ';']) && next.is_some_and(|n| REPORTING.contains(&n))
            {
                return true;
            }
        }
        first_person = first_person || FIRST_PERSON_SINGULAR.is_match(p);
    }
    named && !first_person
}

/// The given name after a surname printed in capitals, as Japan's and Korea's ministries
/// print names family name first (`Press Secretary KOBAYASHI Maki`, `Mr. KIM Hong-kyun`): the
/// surname a word of capitals that nothing ends, the given name the one word after it, in
/// lower case after its first letter, that ends the name (with the text, or a mark such as a
/// comma). A line in capitals, or a surname in capitals that a sentence goes on after, gives
/// none.
fn surname_first<'a>(words: &[&'a str], at: usize) -> Option<&'a str> {
    let surname = words[at];
    let letters = || surname.chars().filter(|c| c.is_alphabetic());
    if letters().count() < 2
        || letters().any(char::is_lowercase)
        || surname.ends_with(|c: char| !c.is_alphanumeric())
    {
        return None;
    }
    let printed = words.get(at + 1)?;
    let given = printed.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '-');
    let ends = given.len() < printed.len()
        || words
            .get(at + 2)
            .is_none_or(|next| !next.starts_with(|c: char| c.is_lowercase()));
    let mut chars = given.chars();
    let shaped = chars.next().is_some_and(char::is_uppercase)
        && given.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && chars.all(|c| c.is_lowercase() || c == '-');
    // The word before is no capitals of the same line (`PRESS SECRETARY KOBAYASHI`).
    let line_in_capitals = at > 0
        && words[at - 1].chars().any(char::is_alphabetic)
        && !words[at - 1].chars().any(char::is_lowercase)
        && !names::is_title_word(words[at - 1]);
    (shaped && ends && !line_in_capitals && !names::is_title_word(given)).then_some(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(paragraphs: &[&str]) -> Vec<Block> {
        paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| Block {
                text: p.to_string(),
                line: 2 * i + 1,
                bold_label: None,
                heading: false,
            })
            .collect()
    }

    fn read(paragraphs: &[&str]) -> Document {
        build(Meta::default(), blocks(paragraphs), Offices::default())
    }

    fn roles(doc: &Document) -> Vec<(&str, Role)> {
        doc.turns
            .iter()
            .map(|t| (t.speaker.as_str(), t.role))
            .collect()
    }

    #[test]
    fn read_items_sets_separators_disclaimers_and_trailing_editors_notes_apart() {
        let items = read_items(blocks(&[
            "* * *",
            "Question: Will the talks go on?",
            "Sergey Lavrov: They will, as we said. [My Emphasis]",
        ]));
        let shape: Vec<(Option<&str>, &str, bool)> = items
            .iter()
            .map(|i| (i.label.as_deref(), i.text.as_str(), i.note))
            .collect();
        assert_eq!(
            shape,
            [
                (None, "* * *", true),
                (Some("Question"), "Will the talks go on?", false),
                (Some("Sergey Lavrov"), "They will, as we said.", false),
                (None, "[My Emphasis]", true),
            ]
        );
        // A bracket that is part of what was said stays in the paragraph.
        assert_eq!(
            trailing_note(
                "He said so [in Minsk, in 2015, at the summit, to all of them and more].",
                true
            ),
            None
        );
        assert!(is_separator("-----") && !is_separator("- No."));
    }

    #[test]
    fn accept_labels_drops_one_off_headlines_and_splits_at_known_labels_mid_paragraph() {
        let items = accept_labels(read_items(blocks(&[
            "Moscow: Talks",
            "Question: What was agreed? Sergey Lavrov: Nothing yet, we go on talking.",
            "Question: And next week?",
            "Sergey Lavrov: More talks.",
        ])));
        let shape: Vec<(Option<&str>, &str)> = items
            .iter()
            .map(|i| (i.label.as_deref(), i.text.as_str()))
            .collect();
        assert_eq!(
            shape,
            [
                (None, "Moscow: Talks"),
                (Some("Question"), "What was agreed?"),
                (Some("Sergey Lavrov"), "Nothing yet, we go on talking."),
                (Some("Question"), "And next week?"),
                (Some("Sergey Lavrov"), "More talks."),
            ]
        );
    }

    #[test]
    fn resolve_pairs_each_question_with_its_answers_and_keeps_the_rest_apart() {
        let doc = read(&[
            "Sergey Lavrov: Good afternoon. I would like to begin with a few words about our talks today.",
            "Question: What did you agree on the ceasefire?",
            "Sergey Lavrov: We agreed to go on talking.",
            "Sergey Lavrov: And to meet again in a month.",
            "Moderator: Next question, please.",
            "Question: And on sanctions?",
            "Sergey Lavrov: Nothing has changed there.",
        ]);
        assert_eq!(
            roles(&doc),
            [
                ("Sergey Lavrov", Role::Statement),
                ("Unnamed questioner", Role::Question),
                ("Sergey Lavrov", Role::Answer),
                ("Sergey Lavrov", Role::Answer),
                ("Moderator", Role::Remark),
                ("Unnamed questioner", Role::Question),
                ("Sergey Lavrov", Role::Answer),
            ]
        );
        let exchanges: Vec<(u32, usize, &[usize])> = doc
            .exchanges
            .iter()
            .map(|e| (e.number, e.question, e.answers.as_slice()))
            .collect();
        assert_eq!(exchanges, [(1, 1, &[2, 3][..]), (2, 5, &[6][..])]);
    }

    #[test]
    fn resolve_keeps_anonymous_officials_anonymous_and_never_a_principal() {
        let doc = read(&[
            "Background press call, 2 February 2022",
            "SENIOR ADMINISTRATION OFFICIAL: Thanks, everyone. The President spoke with President Putin today.",
            "Q: Did the President raise the troops at the border?",
            "SENIOR ADMINISTRATION OFFICIAL: He did, at length.",
            "Q: And the sanctions?",
            "SENIOR ADMINISTRATION OFFICIAL: Those are ready.",
        ]);
        for t in &doc.turns {
            if t.label.as_deref() == Some("SENIOR ADMINISTRATION OFFICIAL") {
                assert_eq!(t.speaker_kind, SpeakerKind::Anonymous, "{}", t.speaker);
                assert!(!t.speaker.contains("Biden") && !t.speaker.contains("Putin"));
            }
        }
        assert_eq!(doc.exchanges.len(), 2);
        assert!(
            doc.title
                .as_deref()
                .unwrap()
                .starts_with("Background press call")
        );
        assert_eq!(doc.date.as_deref(), Some("2022-02-02"));
    }

    #[test]
    fn the_roles_helpers_tell_asking_from_running_the_event() {
        let p = |s: &str| vec![s.to_string()];
        assert!(logistics(&p("I'll try to unmute Chris. Chris?")));
        assert!(logistics(&p("Do we have time for one more question?")));
        assert!(!logistics(&p(
            "Will the sanctions stay in place after the summit?"
        )));
        assert!(asks_in_last(&p("中方对此有何评论？")));
        assert!(ends_with_question(&p("He asked: \"Why now?\"")));
        assert!(!ends_with_question(&p("Why now? We know why.")));
        assert!(statement_like(
            "Ladies and gentlemen, friends, I am glad to welcome you."
        ));
    }

    #[test]
    fn a_surname_takes_the_full_name_the_title_prints_and_never_a_title() {
        assert_eq!(
            expand_from_text("Lavrov", &["Sergey Lavrov's remarks after the talks"]).as_deref(),
            Some("Sergey Lavrov")
        );
        assert_eq!(
            expand_from_text("Lavrov", &["Minister Lavrov's remarks"]),
            None
        );
        assert_eq!(expand_from_text("Lavrov", &["Talks in Minsk"]), None);
    }

    #[test]
    fn the_language_is_the_script_most_of_the_text_is_in() {
        let turn = |s: &str| (None, vec![s.to_string()], 1);
        assert_eq!(
            guess_language(&[turn("Мы продолжим переговоры в Минске.")]),
            "ru"
        );
        assert_eq!(
            guess_language(&[turn("We will go on talking in Minsk.")]),
            "en"
        );
    }
}

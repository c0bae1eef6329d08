//! Speaker labels: `Name:` at the start of a paragraph, `Q` and its spaces, bold labels, and a
//! label that starts mid-paragraph right after a question ends.

/// A label found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The label as printed, without its colon.
    pub printed: String,
    /// Byte offset in the paragraph where the speech starts.
    pub speech_start: usize,
}

/// Words that may stand lower-case inside a name (`President of Russia`, `Ursula von der Leyen`).
const CONNECTORS: &[&str] = &[
    "of", "the", "de", "da", "del", "della", "der", "den", "van", "von", "al", "el", "bin", "ibn",
    "la", "le", "du", "dos", "das", "and", "for", "y", "e", "on", "to", "at",
];

/// Words after which a dot does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "ms", "mrs", "dr", "prof", "gen", "sen", "rep", "amb", "st", "jr", "sr", "lt", "col",
    "capt", "gov", "pres", "hon", "rev", "adm", "maj", "sgt", "messrs", "mme", "mlle", "m", "h.e",
    "u.s", "u.k", "u.n",
];

/// Capitalised words that open prose, not a speaker label (`Note: ...`, `First: ...`).
const NOT_LABELS: &[&str] = &[
    "note",
    "notes",
    "nb",
    "n.b",
    "update",
    "updated",
    "source",
    "sources",
    "example",
    "first",
    "second",
    "third",
    "fourth",
    "finally",
    "background",
    "summary",
    "topic",
    "topics",
    "subject",
    "date",
    "location",
    "place",
    "time",
    "translation",
    "photo",
    "photos",
    "video",
    "tags",
    "tag",
    "keywords",
    "re",
    "p.s",
    "ps",
    "transcript",
    "disclaimer",
    "warning",
    "important",
    "attention",
    "result",
    "results",
    "conclusion",
    "headline",
    "title",
    "related",
    "also",
    "quote",
    "context",
    "why",
    "what",
    "how",
    "where",
    "when",
    "who",
    "today",
    "yesterday",
    "tomorrow",
    "here",
    "there",
    "now",
    "so",
    "well",
    "yes",
    "no",
    "again",
    "but",
    "and",
    "or",
    "however",
    "therefore",
    "thus",
    "meanwhile",
    "correction",
    "clarification",
    "contents",
    "read more",
    "see also",
    "share",
    "print",
    "email",
    "e-mail",
    "published",
    "posted",
    "filed",
    "category",
    "categories",
    "author",
    "by",
    "from",
    "to",
    "cc",
    "sent",
    "attachment",
    "attachments",
    "step",
    "tip",
    "hint",
    "chapter",
    "section",
    "part",
    "article",
    "paragraph",
    "annex",
    "appendix",
    "item",
    "items",
    "agenda",
    "address",
    "phone",
    "tel",
    "fax",
    "website",
    "url",
    "link",
    "links",
    "caution",
    "editor's note",
    "editors note",
    "ps",
    "q&a",
    "the answer",
    "the question",
    "in short",
    "in other words",
    "bottom line",
    "for example",
    "for instance",
    "on the one hand",
    "on the other hand",
    "imagine",
    "remember",
    "look",
    "listen",
    "please",
    "thanks",
    "thank you",
    "secondly",
    "thirdly",
    "firstly",
    "lastly",
    "one",
    "two",
    "three",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "our",
    "their",
    "my",
    "a",
    "an",
    "the",
];

/// Whether a raw line could open a labelled turn; used to break hard-wrapped text.
pub fn line_may_start_label(line: &str) -> bool {
    at_start(line, None).is_some()
}

/// A label at the start of `text`, judged on its own shape. `bold` is a label the source
/// marked up itself, which is trusted more.
pub fn at_start(text: &str, bold: Option<&str>) -> Option<Label> {
    // Chinese and Japanese labels end in a full-width colon and have no spaces to count words
    // by: they are read by their own rules, whatever is bold.
    if text.chars().take(24).any(is_cjk) {
        return cjk_label(text);
    }
    // Arabic, Persian, Hebrew, Hindi and other scripts without capitals: no capital to tell a
    // name by, so a label is told by its place and length, and the document must print it
    // twice or name a role with it (`سؤال`, `प्रश्न`) before it is kept.
    if text
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(is_caseless_letter)
    {
        return caseless_label(text);
    }
    if let Some(bold) = bold {
        let start = text.find(bold).map(|i| i + bold.len()).unwrap_or(0);
        let rest = &text[start..];
        let skip = rest.len() - rest.trim_start_matches([':', ' ', '\t']).len();
        if (bold.split_whitespace().count() <= 14 && !bold.contains(". ") || name_shape(bold))
            && !has_pronoun(bold)
        {
            return Some(Label {
                printed: clean(bold),
                speech_start: start + skip,
            });
        }
    }
    // `Q - Quelle est…`, `R - La France…` (France's spokesperson), `P.- ¿Cuándo…?` (Spain's):
    // a question or an answer by its letter, then a dash.
    for short in ["Q", "A", "R", "P"] {
        if let Some(rest) = text.strip_prefix(short)
            && let Some(speech_start) = after_dash(rest)
        {
            return Some(Label {
                printed: short.into(),
                speech_start: short.len() + speech_start,
            });
        }
    }
    // `Presidente del Gobierno.- Gracias.`, `Pregunta.- ¿…?`: Spanish prints a label with a
    // full stop and a hyphen.
    if let Some(at) = text.get(..text.len().min(120)).and_then(|h| h.find(".-")) {
        let printed = text[..at].trim();
        let after = &text[at + 2..];
        if after.starts_with([' ', '\t']) && !printed.is_empty() && label_shape(printed) {
            let skip = after.len() - after.trim_start().len();
            return Some(Label {
                printed: clean(printed),
                speech_start: at + 2 + skip,
            });
        }
    }
    // `Q  Thank you.`: a lone Q followed by spaces or a tab, as White House transcripts print it.
    for short in ["Q", "A"] {
        if let Some(rest) = text.strip_prefix(short) {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            let spaces = rest.len() - trimmed.len();
            if rest.starts_with(':') || rest.starts_with(". ") {
                let after = &rest[1..];
                let skip = after.len() - after.trim_start().len();
                return Some(Label {
                    printed: short.into(),
                    speech_start: 2 + skip,
                });
            }
            if short == "Q"
                && spaces >= 1
                && (spaces >= 2
                    || rest.starts_with('\t')
                    || trimmed.chars().next().is_some_and(|c| !c.is_lowercase()))
            {
                return Some(Label {
                    printed: short.into(),
                    speech_start: 1 + spaces,
                });
            }
        }
    }
    // Most paragraphs have no colon near their start: no label, and no need to look closer.
    let head = &text.as_bytes()[..text.len().min(164)];
    if !head.contains(&b':') {
        return None;
    }
    let colon = find_label_colon(text)?;
    let printed = text[..colon].trim();
    let after = &text[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t', '\n'])) {
        return None;
    }
    if !label_shape(printed) {
        return None;
    }
    let skip = after.len() - after.trim_start().len();
    Some(Label {
        printed: clean(printed),
        speech_start: colon + 1 + skip,
    })
}

/// A letter of a script with no capitals that writes words apart: Arabic (and Persian, Urdu),
/// Hebrew, Syriac, Thaana, the Indic scripts, Georgian, Ethiopic.
fn is_caseless_letter(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x05FF | 0x0600..=0x07BF | 0x08A0..=0x08FF
        | 0x0900..=0x0DFF | 0x10D0..=0x10FF | 0x1200..=0x137F | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
        && c.is_alphabetic()
}

/// Words that end prose before a colon in these scripts, never a label: verbs of saying (`وقال`,
/// `and he said`; `कहा`; `אמר`) and the counting of points (`أولاً`, `firstly`).
const CASELESS_PROSE: &[&str] = &[
    "قال",
    "قالت",
    "أضاف",
    "أضافت",
    "أكد",
    "أكدت",
    "أوضح",
    "أوضحت",
    "تابع",
    "تابعت",
    "مضيفا",
    "مضيفاً",
    "مشيرا",
    "مشيراً",
    "يلي",
    "كالتالي",
    "التالي",
    "ملاحظة",
    "المصدر",
    "تنويه",
    "أولا",
    "أولاً",
    "ثانيا",
    "ثانياً",
    "ثالثا",
    "ثالثاً",
    "رابعا",
    "رابعاً",
    "خامسا",
    "خامساً",
    "أخيرا",
    "أخيراً",
    "گفت",
    "افزود",
    "کرد",
    "است",
    "कहा",
    "बताया",
    "जोड़ा",
    "पहला",
    "दूसरा",
    "तीसरा",
    "नोट",
    "אמר",
    "אמרה",
    "הוסיף",
    "הוסיפה",
    "ראשית",
    "שנית",
];

/// A label in a script without capitals: one to six words before a colon at the start of the
/// paragraph, of that script's letters (a comma, brackets or a dot between them, as in
/// `श्री अरिंदम बागची, सरकारी प्रवक्ता`), with no digit or mark of a sentence's end in them.
fn caseless_label(text: &str) -> Option<Label> {
    let lead = text.len() - text.trim_start().len();
    let body = &text[lead..];
    let (colon, width) = body
        .char_indices()
        .take(60)
        .find(|(_, c)| matches!(c, ':' | '：'))
        .map(|(i, c)| (i, c.len_utf8()))?;
    let printed = body[..colon].trim();
    let words = printed.split_whitespace().count();
    if !(1..=6).contains(&words) {
        return None;
    }
    // Letters other than ASCII ones, with the combining marks that are not letters themselves
    // (Arabic vowel signs, the Devanagari virama).
    let letter = |c: char| {
        (c.is_alphabetic() && !c.is_ascii() && !c.is_numeric())
            || matches!(c as u32, 0x0300..=0x036F | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F)
    };
    if !printed.chars().all(|c| {
        letter(c)
            || c.is_whitespace()
            || matches!(
                c,
                ',' | '،' | '(' | ')' | '.' | '-' | '\u{200c}' | '\u{200d}'
            )
    }) || !printed.chars().any(is_caseless_letter)
    {
        return None;
    }
    let last = printed.split_whitespace().last().unwrap_or_default();
    if CASELESS_PROSE
        .iter()
        .any(|w| last == *w || last.strip_prefix('و') == Some(*w))
    {
        return None;
    }
    let after = &body[colon + width..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let skip = after.len() - after.trim_start().len();
    Some(Label {
        printed: clean(printed),
        speech_start: lead + colon + width + skip,
    })
}

/// Where speech starts after a label's letter followed by a hyphen or an en dash: `Q - `,
/// `R – `, `Q. - `, `P.- `; none without the dash and the space after it.
fn after_dash(rest: &str) -> Option<usize> {
    let body = rest.strip_prefix('.').unwrap_or(rest);
    // One space at most before the dash: `Q  — on the question before` (two spaces, an em
    // dash) is a question's broken-off sentence going on, the dash its own.
    let dashed = body.strip_prefix([' ', '\u{a0}']).unwrap_or(body);
    let dash = dashed.chars().next().filter(|c| matches!(c, '-' | '–'))?;
    // `Q-` alone is a word (`Q-tip`); `P.-` is Spanish, with or without a space before.
    if dashed.len() == body.len() && body.len() == rest.len() {
        return None;
    }
    let after = &dashed[dash.len_utf8()..];
    if !after.starts_with([' ', '\u{a0}', '\t']) {
        return None;
    }
    let speech = after.trim_start();
    if speech.is_empty() {
        return None;
    }
    Some(rest.len() - speech.len())
}

/// A Han, kana or hangul character.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x20000..=0x2FFFF)
}

/// Labels of Chinese and Japanese transcripts that name a role, not a person.
const CJK_ROLES: &[&str] = &[
    "问",
    "答",
    "追问",
    "提问",
    "记者",
    "主持人",
    "会后有记者问及",
    "会后有记者问",
    "问及",
    "質問",
    "問",
    "記者",
    "司会",
    "回答",
    "答复",
    "大臣",
    "外務大臣",
    "報道官",
    "外务大臣",
    "副大臣",
];

/// Endings of labels that name a person by office or an outlet's reporter (`路透社记者`,
/// `茂木大臣`, `外交部发言人`).
const CJK_ROLE_ENDINGS: &[&str] = &[
    "记者",
    "記者",
    "大臣",
    "发言人",
    "報道官",
    "外长",
    "部长",
    "大使",
    "主席",
    "总理",
    "总统",
    "司会",
    "长官",
];

/// Words that open prose with a colon (`例如：`, `对此：`), never a label.
const CJK_PROSE: &[&str] = &[
    "例如",
    "比如",
    "总之",
    "对此",
    "其中",
    "注",
    "附",
    "附件",
    "原文",
    "如下",
    "备注",
    "说明",
    "提示",
    "关于",
    "问题",
    "一是",
    "二是",
    "三是",
    "四是",
    "首先",
    "其次",
    "最后",
    "另外",
    "同时",
    "此外",
    "因此",
    "所以",
    "但是",
    "目前",
    "今天",
    "昨天",
    "明天",
    "来源",
    "编者按",
    "注意",
    "详见",
    "标题",
];

/// A label of a Chinese or Japanese transcript: up to 16 characters before a colon (full-width
/// `：` or `:`) at the start of the paragraph, naming a role (`问`, `答`, `追问`,
/// `会后有记者问及`), an outlet's reporter (`路透社记者`), an office (`茂木大臣`) or a person
/// (`赵立坚`); not prose (no punctuation, pronoun or verb of saying in it).
fn cjk_label(text: &str) -> Option<Label> {
    let lead = text.len() - text.trim_start().len();
    let body = &text[lead..];
    let (colon, width) = body
        .char_indices()
        .take(18)
        .find(|(_, c)| matches!(c, '：' | ':'))
        .map(|(i, c)| (i, c.len_utf8()))?;
    let printed = body[..colon].trim();
    let chars: Vec<char> = printed.chars().collect();
    if chars.is_empty() || chars.len() > 16 {
        return None;
    }
    if printed.chars().any(|c| {
        matches!(
            c,
            '，' | '。' | '？' | '！' | '、' | '；' | '“' | '”' | '"' | ',' | '.' | '?' | '!'
        ) || c.is_ascii_digit()
    }) {
        return None;
    }
    if ["我", "你", "他", "她", "们", "它"]
        .iter()
        .any(|p| printed.contains(p))
        || [
            "说", "表示", "指出", "强调", "称", "道", "认为", "问道", "写道", "宣布", "提到",
        ]
        .iter()
        .any(|v| printed.ends_with(v))
        || CJK_PROSE.contains(&printed)
    {
        return None;
    }
    let bare = strip_brackets(printed);
    let bare = bare
        .trim_end_matches(['）', ')'])
        .split(['（', '('])
        .next()
        .unwrap_or("")
        .trim();
    // An outlet's name in title marks (`《澳大利亚人报》记者`) is still an outlet's reporter;
    // title marks anywhere else are prose.
    if printed.contains(['《', '》']) && !(printed.starts_with('《') && bare.ends_with("记者"))
    {
        return None;
    }
    let han = bare.chars().filter(|c| is_cjk(*c)).count();
    let role = CJK_ROLES.contains(&bare) || CJK_ROLE_ENDINGS.iter().any(|e| bare.ends_with(e));
    // A person's name: two to four Han characters (a middle dot for a foreign name).
    let name = (2..=4).contains(&han) && bare.chars().all(|c| is_cjk(c) || c == '·' || c == '•');
    if !(role || name) {
        return None;
    }
    let after = &body[colon + width..];
    let skip = after.len() - after.trim_start().len();
    Some(Label {
        printed: printed.to_string(),
        speech_start: lead + colon + width + skip,
    })
}

fn clean(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(':')
        .trim()
        .to_string()
}

/// The first colon within reach of the paragraph start, outside parentheses.
fn find_label_colon(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        if i > 160 {
            return None;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' if depth <= 0 => return Some(i),
            '.' | '!' | '?' | ';' | '"' | '“' | '”' | '«' | '\n' if depth <= 0 => {
                if c == '.' {
                    let word = text[..i].rsplit([' ', '(']).next().unwrap_or("");
                    let w = word.to_lowercase();
                    if ABBREVIATIONS.contains(&w.as_str())
                        || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
                        || w.contains('.')
                    {
                        continue;
                    }
                }
                return None;
            }
            _ => {}
        }
    }
    None
}

/// Removes `(stage notes)` and `[insertions]`.
pub fn strip_brackets(label: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in label.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `label` is shaped like a speaker label: a name or role in capitals, perhaps with a
/// stage note in parentheses and an appositive after a comma; not running prose or a headline.
pub fn label_shape(label: &str) -> bool {
    let bare = strip_brackets(label);
    if bare.is_empty() || bare.chars().count() > 110 {
        return false;
    }
    let (head, tail) = match bare.split_once(',') {
        Some((h, t)) => (h.trim(), Some(t.trim())),
        None => (bare.as_str(), None),
    };
    if NOT_LABELS.contains(&head.to_lowercase().as_str()) || has_pronoun(&bare) {
        return false;
    }
    // `On Saudi Arabia:`, `Next, on the fund:`: a question turning to its subject.
    let first = head.split_whitespace().next().unwrap_or("").to_lowercase();
    if OPENERS.contains(&first.as_str()) {
        return false;
    }
    if !name_shape(head) {
        return false;
    }
    match tail {
        None => true,
        Some(tail) => {
            !tail.is_empty()
                && tail.split_whitespace().count() <= 8
                && tail.split(',').all(|t| role_shape(t.trim()))
        }
    }
}

/// Words a speaker label never holds: who speaks is not `I`, `my` or `you`
/// (`Mr President, here is my question for you:` is speech).
const PRONOUNS: &[&str] = &[
    "i", "i'm", "i’m", "me", "my", "we", "us", "our", "you", "your", "mine", "ours", "yours",
];

/// Whether a label candidate holds a first- or second-person pronoun.
pub fn has_pronoun(label: &str) -> bool {
    label
        .split(|c: char| c.is_whitespace() || c == ',')
        .any(|w| PRONOUNS.contains(&w.to_lowercase().as_str()))
}

/// A run of capitalised words (connectors allowed inside), at most ten, no digits but a
/// number at the end (`SENIOR ADMINISTRATION OFFICIAL 2`).
pub fn name_shape(head: &str) -> bool {
    let mut words: Vec<&str> = head.split_whitespace().collect();
    if words.len() >= 2
        && words.last().is_some_and(|w| {
            let n = w.trim_start_matches('#');
            !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit())
        })
    {
        words.pop();
    }
    if words.is_empty() || words.len() > 10 {
        return false;
    }
    if CONNECTORS.contains(&words[0]) || CONNECTORS.contains(&words[words.len() - 1]) {
        return false;
    }
    let connectors = words.iter().filter(|w| CONNECTORS.contains(w)).count();
    if connectors * 2 > words.len() {
        return false;
    }
    words
        .iter()
        .all(|w| CONNECTORS.contains(w) || word_shape(w))
}

/// Words that open a sentence, never a speaker's name.
const OPENERS: &[&str] = &[
    "on",
    "next",
    "and",
    "so",
    "now",
    "also",
    "regarding",
    "about",
    "as",
    "then",
    "but",
    "okay",
    "ok",
    "well",
    "yes",
    "no",
    "just",
    "again",
    "lastly",
    "finally",
    "secondly",
    "thirdly",
];

/// Words of running speech, never of a role after a name (`Peter, to be clear:`).
const SPEECH_WORDS: &[&str] = &[
    "to", "be", "is", "are", "was", "were", "if", "that", "this", "it", "not", "just", "can",
    "will", "would", "quick", "quickly",
];

fn role_shape(tail: &str) -> bool {
    let words: Vec<&str> = tail.split_whitespace().collect();
    !words.is_empty()
        && !words.iter().any(|w| SPEECH_WORDS.contains(w))
        && words.iter().all(|w| {
            CONNECTORS.contains(w)
                || word_shape(w)
                || w.chars().all(|c| c.is_lowercase() || c == '-')
        })
}

fn word_shape(word: &str) -> bool {
    let w = word.trim_matches(|c: char| c == '"' || c == '“' || c == '”' || c == '\'');
    let Some(first) = w.chars().next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    if w.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if !w
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’' | '&'))
    {
        return false;
    }
    if let Some(stem) = w.strip_suffix('.') {
        let lower = stem.to_lowercase();
        return stem.chars().count() == 1
            || ABBREVIATIONS.contains(&lower.as_str())
            || stem.contains('.');
    }
    true
}

/// Splits a paragraph where a label starts after a sentence ends (`... respond? Wang Wenbin: ...`).
/// `known` holds the labels (as printed) seen at paragraph starts in the same document.
pub fn split_inline(text: &str, known: &[String]) -> Vec<(Option<String>, usize)> {
    let mut cuts: Vec<(Option<String>, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut search_from = 0;
    while let Some(rel) = text[search_from..].find(": ") {
        let colon = search_from + rel;
        search_from = colon + 2;
        // Find the sentence end before the colon.
        let before = &text[..colon];
        let Some((end, mark)) = before
            .char_indices()
            .rev()
            .find(|(_, c)| matches!(c, '?' | '.' | '!' | '"' | '”' | '»'))
        else {
            continue;
        };
        let after_end = end + mark.len_utf8();
        let candidate = before[after_end..].trim();
        if candidate.is_empty() || end == 0 || bytes.get(after_end) != Some(&b' ') {
            continue;
        }
        let ended_question = before[..after_end]
            .trim_end_matches(['"', '”', '»'])
            .ends_with('?');
        let is_known = known.iter().any(|k| k == candidate);
        let words = candidate.split_whitespace().count();
        let looks_like_name = (2..=4).contains(&words)
            && name_shape(candidate)
            && !NOT_LABELS.contains(&candidate.to_lowercase().as_str());
        if is_known || (ended_question && looks_like_name) {
            let start = colon - candidate.len();
            cuts.push((Some(candidate.to_string()), start));
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(text: &str) -> Option<String> {
        at_start(text, None).map(|l| l.printed)
    }

    #[test]
    fn a_question_or_answer_letter_before_a_dash_is_a_label() {
        let speech = |text: &str| {
            at_start(text, None).map(|l| (l.printed, text[l.speech_start..].to_string()))
        };
        assert_eq!(
            speech("Q - Quelle est la position de la France ?"),
            Some(("Q".into(), "Quelle est la position de la France ?".into()))
        );
        assert_eq!(
            speech("R – La France appelle au calme."),
            Some(("R".into(), "La France appelle au calme.".into()))
        );
        assert_eq!(
            speech("P.- ¿Cuándo se reunirá?"),
            Some(("P".into(), "¿Cuándo se reunirá?".into()))
        );
        assert_eq!(
            speech("Presidente del Gobierno.- Buenos días."),
            Some(("Presidente del Gobierno".into(), "Buenos días.".into()))
        );
        // A White House `Q` whose broken-off sentence goes on keeps its dash.
        assert_eq!(
            speech("Q    — on the question about the budget."),
            Some(("Q".into(), "— on the question about the budget.".into()))
        );
        assert_eq!(label("Q-tips are sold out."), None);
        assert_eq!(label("R-rated films were shown."), None);
        assert_eq!(label("The vote was 52.- 48 in the end."), None);
    }

    #[test]
    fn labels_in_scripts_without_capitals_are_told_by_place_and_length() {
        assert_eq!(
            label("المتحدث الرسمي: مساء الخير.").as_deref(),
            Some("المتحدث الرسمي")
        );
        assert_eq!(label("سؤال: ما هو موقفكم؟").as_deref(), Some("سؤال"));
        assert_eq!(
            label("श्री अरिंदम बागची, सरकारी प्रवक्ता: आप सभी को नमस्कार।").as_deref(),
            Some("श्री अरिंदम बागची, सरकारी प्रवक्ता")
        );
        assert_eq!(label("שאלה: מה עמדתכם?").as_deref(), Some("שאלה"));
        // Prose: a verb of saying, a point counted, a sentence, a number, a long run of words.
        assert_eq!(label("وقال: إن الحوار مستمر."), None);
        assert_eq!(label("أولاً: دعم الحوار."), None);
        assert_eq!(label("उन्होंने कहा: हम तैयार हैं।"), None);
        assert_eq!(label("ما هو موقفكم؟ الجواب: واضح."), None);
        assert_eq!(label("المادة 5: تسري الأحكام."), None);
        assert_eq!(
            label("في هذا الاجتماع المهم الذي عقد اليوم في العاصمة: ناقشنا الكثير."),
            None
        );
    }

    #[test]
    fn common_label_forms_are_recognised() {
        for (text, want) in [
            ("Question: Did you discuss it?", "Question"),
            ("问：中方对此有何评论？", "问"),
            ("　　答：中方支持和平解决。", "答"),
            ("路透社记者：你能否证实？", "路透社记者"),
            ("赵立坚：谢谢。", "赵立坚"),
            ("追问：美方呢？", "追问"),
            ("会后有记者问及：中方是否会派团？", "会后有记者问及"),
            ("記者：大臣に伺います。", "記者"),
            ("Q: And?", "Q"),
            ("QUESTION: And?", "QUESTION"),
            ("Q  Thank you, Karine.", "Q"),
            ("Q\tThanks.", "Q"),
            ("A: Yes.", "A"),
            ("Answer: Yes.", "Answer"),
            ("Reporter: Minister, one more.", "Reporter"),
            ("Journalist: Thank you.", "Journalist"),
            ("Follow-up: So no?", "Follow-up"),
            ("Remark: Off the record.", "Remark"),
            ("TASS: A question on Syria.", "TASS"),
            ("MR PRICE: Good afternoon.", "MR PRICE"),
            ("MS. JEAN-PIERRE:  Hi, everyone.", "MS. JEAN-PIERRE"),
            (
                "Ms. Maria Zakharova, Foreign Ministry Spokeswoman: Good afternoon.",
                "Ms. Maria Zakharova, Foreign Ministry Spokeswoman",
            ),
            (
                "Sergey Lavrov (speaking after Mikhail Ryzhenkov): I would like to add",
                "Sergey Lavrov (speaking after Mikhail Ryzhenkov)",
            ),
            (
                "President of Russia Vladimir Putin: Good evening.",
                "President of Russia Vladimir Putin",
            ),
            ("Minister HAYASHI: Thank you.", "Minister HAYASHI"),
        ] {
            assert_eq!(label(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn speech_starts_after_the_label_and_its_spaces() {
        let text = "Q  Thank you.";
        assert_eq!(
            &text[at_start(text, None).unwrap().speech_start..],
            "Thank you."
        );
        let text = "Sergey Lavrov: Yes.";
        assert_eq!(&text[at_start(text, None).unwrap().speech_start..], "Yes.");
    }

    #[test]
    fn a_colon_in_running_prose_is_not_a_label() {
        for text in [
            "There are two points: first, the talks.",
            "He told us: \"We will see.\"",
            "Lavrov on sanctions: a long view",
            "Note: this is an unofficial translation.",
            "At 10:30 the talks began.",
            "A lot of people asked: why?",
            "Quality matters: we agree.",
        ] {
            assert_eq!(label(text), None, "{text}");
        }
    }

    #[test]
    fn a_label_after_a_question_mark_mid_paragraph_is_found() {
        let text =
            "The US has imposed new tariffs. How do you respond? Wang Wenbin: We firmly oppose it.";
        let cuts = split_inline(text, &[]);
        assert_eq!(cuts.len(), 1);
        assert_eq!(&text[cuts[0].1..], "Wang Wenbin: We firmly oppose it.");
    }

    #[test]
    fn a_known_label_mid_paragraph_is_found_after_any_sentence_end() {
        let text = "Thank you. Question: Next one?";
        let cuts = split_inline(text, &["Question".into()]);
        assert_eq!(&text[cuts[0].1..], "Question: Next one?");
        assert!(split_inline("He said this. Moscow: the capital.", &[]).is_empty());
    }
}

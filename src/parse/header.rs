//! Dates, times and places in the forms real sources print them.

use regex::Regex;
use std::sync::LazyLock;

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const RU_MONTHS: [&str; 12] = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
];

static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})").unwrap());
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({MONTHS})\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})"
    ))
    .unwrap()
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTHS})\.?,?\s+(\d{{4}})"
    ))
    .unwrap()
});
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})([./])(\d{1,2})[./](\d{4})\b").unwrap());
static YEAR_FIRST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})[./](\d{1,2})[./](\d{1,2})\b").unwrap());
static RUSSIAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d{1,2})\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)\s+(\d{4})").unwrap()
});
/// Names of months in the other languages of diplomacy that print dates in words: French,
/// Spanish, Portuguese, Italian, German, Arabic (the Egyptian and the Levantine names) and
/// Hindi, each with its month's number.
const WORLD_MONTHS: &[(&str, u8)] = &[
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("april", 4),
    ("august", 8),
    ("september", 9),
    ("november", 11),
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("أبريل", 4),
    ("ابريل", 4),
    ("إبريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("أغسطس", 8),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("أكتوبر", 10),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("كانون الثاني", 1),
    ("شباط", 2),
    ("آذار", 3),
    ("نيسان", 4),
    ("أيار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("آب", 8),
    ("أيلول", 9),
    ("تشرين الأول", 10),
    ("تشرين الثاني", 11),
    ("كانون الأول", 12),
    ("जनवरी", 1),
    ("फ़रवरी", 2),
    ("फरवरी", 2),
    ("मार्च", 3),
    ("अप्रैल", 4),
    ("मई", 5),
    ("जून", 6),
    ("जुलाई", 7),
    ("अगस्त", 8),
    ("सितंबर", 9),
    ("सितम्बर", 9),
    ("अक्टूबर", 10),
    ("अक्तूबर", 10),
    ("नवंबर", 11),
    ("नवम्बर", 11),
    ("दिसंबर", 12),
    ("दिसम्बर", 12),
];

/// The alternatives of [`WORLD_MONTHS`] for a regular expression, longest first.
fn world_months() -> String {
    let mut names: Vec<&str> = WORLD_MONTHS.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.join("|")
}

fn world_month(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    WORLD_MONTHS
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, m)| *m)
}

/// `le 26 novembre 2025`, `26 de noviembre de 2025`, `26. November 2025`, `٢٦ نوفمبر ٢٠٢٥`.
static WORLD_DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^\w])((\d{{1,2}})(?:\.|º|er|\s+de)?\s+({})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}}))",
        world_months()
    ))
    .unwrap()
});
/// `जुलाई 21, 2022`.
static WORLD_MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^\w])(({})\s+(\d{{1,2}}),?\s+(\d{{4}}))",
        world_months()
    ))
    .unwrap()
});

/// Digits of any script (`٢٠٢٥`, `२०२२`) as ASCII digits.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| {
            let zero = match c as u32 {
                0x0660..=0x0669 => 0x0660,
                0x06F0..=0x06F9 => 0x06F0,
                0x0966..=0x096F => 0x0966,
                _ => return c,
            };
            char::from_digit(c as u32 - zero, 10).unwrap_or(c)
        })
        .collect()
}

/// `2019年7月10日` (Chinese, Japanese), and Japanese era years: `令和2年7月10日`, `平成31年`.
static CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(令和|平成)?\s*(\d{1,4}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").unwrap()
});
static TIME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\(?\s*(?:end\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s*m\.?)?(?:\s+[a-z]{2,4})?\s*\)?\.?$",
    )
    .unwrap()
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b,?").unwrap()
});

/// A date found in text, with the byte span it covered.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundDate {
    pub iso: String,
    pub start: usize,
    pub end: usize,
    /// Digits that read as a date either way round (`12/03/2024`): read month first.
    pub ambiguous: bool,
}

fn month_number(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    let n = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| lower.starts_with(m))?;
    Some(n as u8 + 1)
}

fn make(year: &str, month: u8, day: &str) -> Option<String> {
    let year: i32 = year.parse().ok()?;
    let day: u8 = day.parse().ok()?;
    if !(1800..=2200).contains(&year) {
        return None;
    }
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    ))
}

/// The first date in `text`, in any of the forms sources use.
pub fn find_date(text: &str) -> Option<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    // Where a date that reads either way round starts, if the text has one.
    let mut ambiguous_at: Option<usize> = None;
    let mut push = |iso: Option<String>, m: regex::Match| {
        if let Some(iso) = iso {
            found.push(FoundDate {
                iso,
                start: m.start(),
                end: m.end(),
                ambiguous: false,
            });
        }
    };
    if let Some(c) = ISO.captures(text) {
        push(
            make(&c[1], c[2].parse().unwrap_or(0), &c[3]),
            c.get(0).unwrap(),
        );
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(text) {
        push(
            month_number(&c[1]).and_then(|m| make(&c[3], m, &c[2])),
            c.get(0).unwrap(),
        );
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(text) {
        push(
            month_number(&c[2]).and_then(|m| make(&c[3], m, &c[1])),
            c.get(0).unwrap(),
        );
    }
    if let Some(c) = YEAR_FIRST.captures(text) {
        push(
            make(&c[1], c[2].parse().unwrap_or(0), &c[3]),
            c.get(0).unwrap(),
        );
    }
    if let Some(c) = NUMERIC.captures(text) {
        let a: u8 = c[1].parse().unwrap_or(0);
        let b: u8 = c[3].parse().unwrap_or(0);
        // Slashes are read month first (as in US sources) unless that cannot be a date;
        // dots are read day first, as in European sources.
        let (day, month) = if a > 12 || (&c[2] == "." && b <= 12) {
            (a, b)
        } else {
            (b, a)
        };
        if a <= 12 && b <= 12 && a != b && &c[2] == "/" {
            ambiguous_at = c.get(0).map(|m| m.start());
        }
        push(make(&c[4], month, &day.to_string()), c.get(0).unwrap());
    }
    if let Some(c) = RUSSIAN.captures(text) {
        let lower = c[2].to_lowercase();
        let month = RU_MONTHS
            .iter()
            .position(|m| lower.starts_with(m) && (*m != "ма" || lower == "мая"));
        push(
            month.and_then(|m| make(&c[3], m as u8 + 1, &c[1])),
            c.get(0).unwrap(),
        );
    }
    if let Some(c) = WORLD_DAY_MONTH_YEAR.captures(text) {
        push(
            world_month(&c[3]).and_then(|m| make(&ascii_digits(&c[4]), m, &ascii_digits(&c[2]))),
            c.get(1).unwrap(),
        );
    }
    if let Some(c) = WORLD_MONTH_DAY_YEAR.captures(text) {
        push(
            world_month(&c[2]).and_then(|m| make(&ascii_digits(&c[4]), m, &ascii_digits(&c[3]))),
            c.get(1).unwrap(),
        );
    }
    if let Some(c) = CJK.captures(text) {
        let year: Option<i32> = match (c.get(1).map(|m| m.as_str()), &c[2]) {
            (Some(era), y) => {
                let n = if y == "元" { Some(1) } else { y.parse().ok() };
                n.map(|n: i32| n + if era == "令和" { 2018 } else { 1988 })
            }
            (None, y) => y.parse().ok().filter(|y: &i32| *y >= 1000),
        };
        push(
            year.and_then(|y| make(&y.to_string(), c[3].parse().unwrap_or(0), &c[4])),
            c.get(0).unwrap(),
        );
    }
    found.into_iter().min_by_key(|f| f.start).map(|mut f| {
        f.ambiguous = ambiguous_at == Some(f.start);
        f
    })
}

/// A date given as metadata (`2021-02-04`, `2021-02-04T10:00:00Z`, `March 3, 2021`).
pub fn parse_date(text: &str) -> Option<String> {
    find_date(text).map(|f| f.iso)
}

/// A line that is only a time of day, as briefings print when they start and end.
pub fn is_time_line(text: &str) -> bool {
    text.len() < 40 && TIME_LINE.is_match(text.trim())
}

/// A short line that is mostly a date, a weekday, a time and perhaps a place: a dateline.
pub fn is_dateline(text: &str) -> bool {
    if text.chars().count() > 160 {
        return false;
    }
    let Some(date) = find_date(text) else {
        return false;
    };
    let rest = format!("{} {}", &text[..date.start], &text[date.end..]);
    let rest = WEEKDAY.replace_all(&rest, "");
    let words = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .count();
    words <= 16
}

/// Whether a dateline is a title that ends with its date (`... Press Conference on May 5, 2022`):
/// at least three words before the date and nothing but punctuation after it.
pub fn title_with_date(text: &str, date: &FoundDate) -> bool {
    let before = &text[..date.start];
    let after = text[date.end..].trim_matches(|c: char| !c.is_alphanumeric());
    let words = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    // `… 12 марта 2024 года`: Russian says "of the year" after a date.
    let after_is_year = matches!(after, "" | "года" | "г" | "год");
    // Two words before the date make a title when no comma sets them off as a place
    // (`Regierungspressekonferenz vom 14. Februar 2024`, not `Moscow, Kremlin, 12 March`).
    (words >= 3 || (words == 2 && !before.contains(','))) && after_is_year
}

/// A short header line that only names a place (`Washington, DC`, `Moscow`, `Minsk, Belarus`).
pub fn is_place_line(text: &str) -> bool {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 4
        || t.len() > 40
        || t.ends_with(['.', '?', '!', ':', ';'])
        || t.chars().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    if !words
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    {
        return false;
    }
    // A known place, or a town and a region code (`Austin, TX`).
    let region_code = t.rsplit_once(',').is_some_and(|(_, code)| {
        let code = code.trim().replace('.', "");
        (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_uppercase())
    });
    region_code
        || words
            .iter()
            .any(|w| crate::topics::gazetteer::NAMES.contains_key(w.trim_end_matches(',')))
}

/// The place a headline ends in, before its date (`…with the Foreign Minister of Belarus,
/// Moscow, 26 November 2025`): the last comma's segment, when it is one capitalised word (a
/// city; a person's name has two words or initials).
pub fn headline_place(text: &str, date: &FoundDate) -> Option<String> {
    let before = text[..date.start]
        .trim()
        .trim_end_matches([',', '-', '–', '—', '|'])
        .trim();
    before
        .rsplit_once(',')
        .map(|(_, last)| last.trim())
        .filter(|last| {
            !last.is_empty()
                && last.chars().next().is_some_and(char::is_uppercase)
                && last.chars().all(|c| c.is_alphabetic() || c == '-')
                && !WEEKDAY.is_match(last)
        })
        .map(str::to_string)
}

/// A place printed beside the date in a dateline (`Minsk, 26 November 2025`).
pub fn place_near(text: &str, date: &FoundDate) -> Option<String> {
    let before = WEEKDAY.replace_all(text[..date.start].trim(), "");
    let before = before
        .trim()
        .trim_end_matches([',', '-', '–', '—', '|'])
        .trim();
    let after = text[date.end..].trim();
    let candidates = [
        before
            .rsplit(['|', '—', '–'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
        after
            .strip_prefix(',')
            .or_else(|| after.strip_prefix('—'))
            .or_else(|| after.strip_prefix('–'))
            .unwrap_or("")
            .trim()
            .to_string(),
    ];
    candidates
        .into_iter()
        .find(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            !words.is_empty()
                && words.len() <= 3
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && !c.chars().any(|ch| ch.is_ascii_digit())
                && !WEEKDAY.is_match(c)
        })
        .map(|c| c.trim_end_matches([',', '.']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        parse_date(text)
    }

    #[test]
    fn dates_with_the_month_in_other_languages_are_read() {
        for (text, iso) in [
            ("Paris, le 26 novembre 2025", "2025-11-26"),
            ("le 1er août 2024", "2024-08-01"),
            ("Madrid, 26 de noviembre de 2025", "2025-11-26"),
            ("Brasília, 3 de março de 2023", "2023-03-03"),
            ("Roma, 12 settembre 2022", "2022-09-12"),
            ("Berlin, 26. November 2025", "2025-11-26"),
            ("Wien, 3. März 2021", "2021-03-03"),
            ("القاهرة، 26 نوفمبر 2025", "2025-11-26"),
            ("٢٦ نوفمبر ٢٠٢٥", "2025-11-26"),
            ("دمشق، 4 تشرين الأول 2023", "2023-10-04"),
            ("नई दिल्ली, जुलाई 21, 2022", "2022-07-21"),
            ("21 जुलाई 2022", "2022-07-21"),
        ] {
            assert_eq!(date(text).as_deref(), Some(iso), "{text}");
        }
        // A month's name with no day, or a number that is no day, is no date.
        assert_eq!(date("en novembre 2025"), None);
        assert_eq!(date("le 45 novembre 2025"), None);
        assert_eq!(date("Artikel 26 Mai"), None);
    }

    #[test]
    fn dates_in_the_forms_sources_print_them_are_read() {
        assert_eq!(
            date("date 2025-11-26 Mikhail Ryzhenkov and Lavrov").as_deref(),
            Some("2025-11-26")
        );
        assert_eq!(date("March 3, 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(date("Mar. 3rd, 2021").as_deref(), Some("2021-03-03"));
        // The space after the month lost in a page's markup.
        assert_eq!(date("June13, 2018").as_deref(), Some("2018-06-13"));
        assert_eq!(date("Mayor 12, 2018"), None);
        assert_eq!(date("in June 2018"), None);
        assert_eq!(date("3 March 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(
            date("Wednesday, 26 November 2025, 14:00").as_deref(),
            Some("2025-11-26")
        );
        assert_eq!(date("11/26/2025").as_deref(), Some("2025-11-26"));
        assert_eq!(date("26/11/2025").as_deref(), Some("2025-11-26"));
        assert_eq!(date("26.11.2025").as_deref(), Some("2025-11-26"));
        assert_eq!(date("2025/11/26").as_deref(), Some("2025-11-26"));
        assert_eq!(date("26 ноября 2025 года").as_deref(), Some("2025-11-26"));
        assert_eq!(
            date("2019年7月10日外交部发言人耿爽主持例行记者会").as_deref(),
            Some("2019-07-10")
        );
        assert_eq!(
            date("令和2年7月10日 外務大臣会見").as_deref(),
            Some("2020-07-10")
        );
        assert_eq!(date("平成31年4月1日").as_deref(), Some("2019-04-01"));
        assert_eq!(
            date("2021-02-04T17:48:35-05:00").as_deref(),
            Some("2021-02-04")
        );
    }

    #[test]
    fn a_date_glued_to_a_time_is_read() {
        assert_eq!(
            date("November 26, 202510:30").as_deref(),
            Some("2025-11-26")
        );
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        assert_eq!(date("2025-02-30"), None);
        assert_eq!(date("We spent 40 hours on it in 2022."), None);
    }

    #[test]
    fn time_lines_and_datelines_are_recognised() {
        assert!(is_time_line("11:41 A.M. EST"));
        assert!(is_time_line("END 12:45 P.M. EDT"));
        assert!(!is_time_line("At 11:41 the talks began in earnest."));
        assert!(is_dateline("Moscow, Wednesday, 26 November 2025"));
        assert!(!is_dateline(
            "On 26 November 2025 we met with our Belarusian friends to discuss many questions of international life and our bilateral relations in detail."
        ));
    }

    #[test]
    fn a_title_ends_with_its_date_and_a_caption_starts_with_it() {
        let title = "Department Press Briefing – March 3, 2021";
        assert!(title_with_date(title, &find_date(title).unwrap()));
        let caption = "date 2025-11-26 Mikhail Ryzhenkov and Lavrov signing the Resolution";
        assert!(!title_with_date(caption, &find_date(caption).unwrap()));
    }

    #[test]
    fn a_header_line_naming_only_a_place_is_a_place() {
        assert!(is_place_line("Washington, DC"));
        assert!(is_place_line("Minsk, Belarus"));
        assert!(is_place_line("Moscow"));
        assert!(!is_place_line("Ned Price, Department Spokesperson"));
        assert!(!is_place_line("Talks in Minsk"));
    }

    #[test]
    fn a_place_beside_the_date_is_read() {
        let text = "Minsk, 26 November 2025";
        assert_eq!(
            place_near(text, &find_date(text).unwrap()).as_deref(),
            Some("Minsk")
        );
        let text = "date 2025-11-26 Mikhail Ryzhenkov and Lavrov signing the Resolution";
        assert_eq!(place_near(text, &find_date(text).unwrap()), None);
    }

    #[test]
    fn a_headline_that_ends_in_a_city_and_a_date_gives_the_place() {
        let text = "Выступление и ответы на вопросы СМИ Министра иностранных дел С.В.Лаврова в ходе пресс-конференции с М.В.Рыженковым, Москва, 26 ноября 2025 года";
        assert_eq!(
            headline_place(text, &find_date(text).unwrap()).as_deref(),
            Some("Москва")
        );
        // A title with no comma before its date names no place.
        let text = "Department Press Briefing – March 3, 2021";
        assert_eq!(headline_place(text, &find_date(text).unwrap()), None);
        // Nor does a person's name with initials.
        let text = "Interview of the Foreign Minister, S.V.Lavrov, 3 March 2021";
        assert_eq!(headline_place(text, &find_date(text).unwrap()), None);
    }
}

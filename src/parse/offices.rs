//! Office holders: who held an office from when to when (`reference/offices.tsv`), used to resolve
//! a role label (`THE PRESIDENT`) or a bare surname (`MS. PSAKI`) by a transcript's country
//! and date.

use super::names;
use std::sync::LazyLock;

/// One term of office.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    pub country: String,
    pub office: String,
    /// One person holds the office at a time.
    pub sole: bool,
    pub start: String,
    /// Exclusive; `None` for a term still running.
    pub end: Option<String>,
    pub name: String,
    #[serde(default)]
    pub other_names: Vec<String>,
}

impl Holder {
    fn covers(&self, date: &str) -> bool {
        self.start.as_str() <= date && self.end.as_deref().is_none_or(|end| date < end)
    }

    /// Whether `name` (a surname, a whole name, another spelling) names this holder.
    fn answers_to(&self, name: &str) -> bool {
        std::iter::once(&self.name)
            .chain(&self.other_names)
            .any(|n| names::short_form_of(name, n))
    }
}

/// Reads the table's text: tab-separated, `#` comment lines, as in `reference/offices.tsv`.
pub fn read_table(text: &str) -> Result<Vec<Holder>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 6 {
            return Err(format!(
                "line {}: expected 6 or 7 tab-separated columns",
                n + 1
            ));
        }
        let date = |s: &str| -> Result<Option<String>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            if super::header::parse_date(s).as_deref() == Some(s) {
                Ok(Some(s.to_string()))
            } else {
                Err(format!("line {}: {s:?} is not a date (YYYY-MM-DD)", n + 1))
            }
        };
        let start = date(cols[3])?.ok_or(format!("line {}: a term needs its start", n + 1))?;
        out.push(Holder {
            country: cols[0].trim().to_uppercase(),
            office: cols[1].trim().to_lowercase(),
            sole: cols[2].trim() == "yes",
            start,
            end: date(cols[4])?,
            name: cols[5].trim().to_string(),
            other_names: cols
                .get(6)
                .map(|o| {
                    o.split('|')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The table that ships with Stenogram.
pub static SHIPPED: LazyLock<Vec<Holder>> = LazyLock::new(|| {
    read_table(include_str!("../../reference/offices.tsv")).expect("the shipped table reads")
});

/// The offices a role label names, in the table's words: `THE PRESIDENT` is `president`,
/// `Foreign Ministry Spokesperson` is `spokesperson`, `Minister of Foreign Affairs` is
/// `foreign minister`.
pub fn office_of(role: &str) -> Option<&'static str> {
    let lower = role.to_lowercase().replace(['.', ','], " ");
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "the" | "mr" | "madam" | "madame" | "ms" | "mrs" | "u" | "s" | "us"
            )
        })
        .collect();
    let phrase = words.join(" ");
    let has = |w: &str| words.contains(&w);
    Some(if phrase.contains("deputy press secretary") {
        "principal deputy press secretary"
    } else if phrase.contains("press secretary") {
        "press secretary"
    } else if has("spokesperson") || has("spokesman") || has("spokeswoman") {
        "spokesperson"
    } else if phrase.contains("vice president") {
        "vice president"
    } else if has("president") && words.len() <= 4 {
        "president"
    } else if phrase.contains("prime minister") {
        "prime minister"
    } else if has("premier") {
        "premier"
    } else if phrase.contains("foreign minister")
        || phrase.contains("minister of foreign affairs")
        || phrase.contains("minister for foreign affairs")
    {
        "foreign minister"
    } else if phrase.contains("secretary of state") || phrase == "secretary" {
        "secretary of state"
    } else if phrase.contains("secretary-general") || phrase.contains("secretary general") {
        "secretary-general"
    } else if phrase.contains("national security advis") {
        "national security advisor"
    } else {
        return None;
    })
}

/// Whose offices a transcript speaks of: from its source address, else its language.
pub fn country_of(source_url: Option<&str>, language: Option<&str>) -> Option<&'static str> {
    let host = source_url.and_then(|u| u.split("://").nth(1)).map(|rest| {
        rest.split(['/', ':', '?'])
            .next()
            .unwrap_or("")
            .to_lowercase()
    });
    if let Some(host) = host.as_deref() {
        let under = |d: &str| host == d || host.ends_with(&format!(".{d}"));
        if host.contains("whitehouse")
            || under("state.gov")
            || under("defense.gov")
            || under("usun.usmission.gov")
        {
            return Some("US");
        }
        if under("kremlin.ru") || under("mid.ru") || under("government.ru") {
            return Some("RU");
        }
        if under("mfa.gov.cn") || under("fmprc.gov.cn") || under("gov.cn") {
            return Some("CN");
        }
        if under("un.org") {
            return Some("UN");
        }
    }
    match language {
        Some("ru") => Some("RU"),
        Some("zh") => Some("CN"),
        _ => None,
    }
}

/// The office holders the reader consults: the shipped table and the rows editors added.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offices<'a> {
    pub extra: &'a [Holder],
}

impl<'a> Offices<'a> {
    fn all(&self) -> impl Iterator<Item = &'a Holder> + 'a {
        let extra = self.extra;
        SHIPPED.iter().chain(extra.iter())
    }

    /// The one person the rows that pass `keep` name, if they all name one.
    fn only(&self, keep: impl Fn(&Holder) -> bool) -> Option<&'a Holder> {
        let mut found = self.all().filter(|h| keep(h));
        let first = found.next()?;
        found.all(|h| h.name == first.name).then_some(first)
    }

    /// The one person who held `office` in `country` on `date`, if the office is held by one
    /// person at a time and the table knows who.
    pub fn holder(&self, country: &str, office: &str, date: &str) -> Option<&'a Holder> {
        self.only(|h| h.country == country && h.office == office && h.covers(date))
            .filter(|h| h.sole)
    }

    /// The one person holding `office` on `date` in any country whom `name` names: the
    /// office, the name and the day together (`President Trump`, 2018) leave no doubt even
    /// where the transcript's country is not known.
    pub fn in_office(&self, office: &str, name: &str, date: &str) -> Option<&'a Holder> {
        self.only(|h| h.office == office && h.covers(date) && h.answers_to(name))
    }

    /// The one office holder of `country` on `date` (any office) whom `name` names, when
    /// exactly one person fits: `Psaki` on 2021-05-04 is Jen Psaki.
    pub fn named(&self, country: &str, name: &str, date: &str) -> Option<&'a Holder> {
        self.only(|h| h.country == country && h.covers(date) && h.answers_to(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_reads_and_every_term_ends_after_it_starts() {
        assert!(SHIPPED.len() > 50);
        for h in SHIPPED.iter() {
            if let Some(end) = &h.end {
                assert!(h.start < *end, "{h:?}");
            }
        }
    }

    #[test]
    fn a_role_on_a_date_is_the_one_person_in_office() {
        let o = Offices::default();
        assert_eq!(
            o.holder("US", "president", "2022-02-02").unwrap().name,
            "Joe Biden"
        );
        assert_eq!(
            o.holder("US", "president", "2019-02-02").unwrap().name,
            "Donald Trump"
        );
        // Inauguration day belongs to the new term.
        assert_eq!(
            o.holder("US", "president", "2021-01-20").unwrap().name,
            "Joe Biden"
        );
        assert_eq!(
            o.holder("RU", "president", "2010-06-01").unwrap().name,
            "Dmitry Medvedev"
        );
        // Several spokespersons at once: no guess.
        assert_eq!(o.holder("CN", "spokesperson", "2022-10-10"), None);
        assert_eq!(
            o.holder("FR", "president", "2022-10-10").unwrap().name,
            "Emmanuel Macron"
        );
        // A country the table does not know: no guess.
        assert_eq!(o.holder("BR", "president", "2022-10-10"), None);
    }

    #[test]
    fn a_surname_is_the_one_office_holder_of_that_name() {
        let o = Offices::default();
        assert_eq!(
            o.named("US", "Psaki", "2021-05-04").unwrap().name,
            "Jen Psaki"
        );
        assert_eq!(
            o.named("US", "Jean-Pierre", "2021-05-04").unwrap().name,
            "Karine Jean-Pierre"
        );
        assert_eq!(
            o.named("RU", "Sergei Lavrov", "2019-05-04").unwrap().name,
            "Sergey Lavrov"
        );
        assert_eq!(o.named("US", "Psaki", "2024-05-04"), None);
        assert_eq!(o.named("US", "Smith", "2024-05-04"), None);
    }

    #[test]
    fn role_labels_name_offices() {
        assert_eq!(office_of("THE PRESIDENT"), Some("president"));
        assert_eq!(office_of("THE VICE PRESIDENT"), Some("vice president"));
        assert_eq!(
            office_of("Foreign Ministry Spokesperson"),
            Some("spokesperson")
        );
        assert_eq!(office_of("THE PRESS SECRETARY"), Some("press secretary"));
        assert_eq!(
            office_of("Minister of Foreign Affairs"),
            Some("foreign minister")
        );
        assert_eq!(office_of("THE FIRST LADY"), None);
        assert_eq!(
            country_of(
                Some("https://bidenwhitehouse.archives.gov/briefing-room/x"),
                None
            ),
            Some("US")
        );
        assert_eq!(
            country_of(Some("http://en.kremlin.ru/events/1"), Some("en")),
            Some("RU")
        );
        assert_eq!(country_of(None, Some("zh")), Some("CN"));
        assert_eq!(country_of(None, Some("en")), None);
    }
}

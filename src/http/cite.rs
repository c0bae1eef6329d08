//! Citations of one exchange people can paste: text, BibTeX and CSL-JSON (what Zotero,
//! Mendeley and pandoc read). Each names who answered, who asked, the event, where it was
//! published, the original address, the date, the permalink and the day it was read.

use serde_json::json;

/// What a citation says.
pub struct Cited<'a> {
    /// Who answered, `, `-separated; empty when no one did.
    pub answerers: &'a str,
    /// Who asked, as printed.
    pub asker: &'a str,
    pub title: &'a str,
    pub place: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub date: Option<&'a str>,
    /// The date as people read it.
    pub human_date: &'a str,
    pub source_url: Option<&'a str>,
    pub permalink: &'a str,
    pub slug: &'a str,
    pub number: i64,
    /// Today, `YYYY-MM-DD`: the access date.
    pub accessed: &'a str,
}

/// The site a source address is on, without `www.`: the publisher as the address names it.
pub fn publisher(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_start_matches("www.");
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn date_parts(date: &str) -> Option<Vec<i64>> {
    let parts: Vec<i64> = date.split('-').map_while(|p| p.parse().ok()).collect();
    (!parts.is_empty()).then_some(parts)
}

/// BibTeX text: the characters BibTeX treats specially, escaped.
fn bib(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Cited<'_> {
    fn who(&self) -> &str {
        if self.answerers.is_empty() {
            "Unanswered"
        } else {
            self.answerers
        }
    }

    fn what(&self) -> String {
        if self.asker.is_empty() {
            format!("answer to question {}", self.number)
        } else {
            format!(
                "answer to question {} (asked by {})",
                self.number, self.asker
            )
        }
    }

    /// For a reader: who, what, the event, where and when, the publisher and original, the
    /// permalink and the access date.
    pub fn text(&self) -> String {
        let mut out = format!("{}, {}, “{}”", self.who(), self.what(), self.title);
        if let Some(p) = self.place {
            out.push_str(", ");
            out.push_str(p);
        }
        out.push_str(", ");
        out.push_str(self.human_date);
        out.push('.');
        if let Some(url) = self.source_url {
            match publisher(url) {
                Some(site) => out.push_str(&format!(" Published by {site}: {url}.")),
                None => out.push_str(&format!(" Original: {url}.")),
            }
        }
        out.push_str(&format!(
            " Stenogram: {} (accessed {}).",
            self.permalink, self.accessed
        ));
        out
    }

    /// A `@misc` entry keyed by the transcript's slug and the exchange.
    pub fn bibtex(&self) -> String {
        let key: String = format!("{}-q{}", self.slug, self.number)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
            .collect();
        let mut fields = vec![
            ("author", format!("{{{}}}", bib(self.who()))),
            ("title", bib(&format!("{}, {}", self.title, self.what()))),
        ];
        if let Some(d) = self.date {
            fields.push(("date", bib(d)));
            fields.push(("year", bib(&d.chars().take(4).collect::<String>())));
        }
        if let Some(p) = self.place {
            fields.push(("address", bib(p)));
        }
        let mut note = String::new();
        if let Some(url) = self.source_url {
            if let Some(site) = publisher(url) {
                fields.push(("publisher", bib(&site)));
            }
            note = format!("Original: \\url{{{}}}", bib(url));
        }
        fields.push(("howpublished", format!("\\url{{{}}}", self.permalink)));
        fields.push(("url", self.permalink.to_string()));
        fields.push(("urldate", bib(self.accessed)));
        if !note.is_empty() {
            fields.push(("note", note));
        }
        let body: Vec<String> = fields
            .into_iter()
            .map(|(k, v)| format!("  {k} = {{{v}}}"))
            .collect();
        format!("@misc{{{key},\n{}\n}}", body.join(",\n"))
    }

    /// CSL-JSON: a list of one item of type `speech`.
    pub fn csl_json(&self) -> String {
        let mut item = json!({
            "id": format!("{}-q{}", self.slug, self.number),
            "type": "speech",
            "title": format!("{}, {}", self.title, self.what()),
            "author": self.who().split(", ").map(|name| json!({"literal": name})).collect::<Vec<_>>(),
            "event-title": self.title,
            "URL": self.permalink,
            "accessed": {"date-parts": [date_parts(self.accessed).unwrap_or_default()]},
        });
        if let Some(parts) = self.date.and_then(date_parts) {
            item["issued"] = json!({"date-parts": [parts]});
        }
        if let Some(p) = self.place {
            item["event-place"] = json!(p);
        }
        if let Some(url) = self.source_url {
            if let Some(site) = publisher(url) {
                item["publisher"] = json!(site);
            }
            item["note"] = json!(format!("Original: {url}"));
        }
        serde_json::to_string_pretty(&json!([item])).unwrap_or_default()
    }
}

/// Today in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cited() -> Cited<'static> {
        Cited {
            answerers: "Sergey Lavrov",
            asker: "Question (RIA Novosti)",
            title: "Press conference on 50% & more",
            place: Some("Moscow"),
            date: Some("2025-11-26"),
            human_date: "26 November 2025",
            source_url: Some("https://www.mid.ru/en/press/123"),
            permalink: "https://archive.example.org/transcripts/2025-11-26-x/questions/2",
            slug: "2025-11-26-x",
            number: 2,
            accessed: "2026-12-02",
        }
    }

    #[test]
    fn the_text_names_everyone_and_every_address() {
        let t = cited().text();
        for part in [
            "Sergey Lavrov",
            "asked by Question (RIA Novosti)",
            "“Press conference on 50% & more”",
            "Moscow",
            "26 November 2025",
            "Published by mid.ru: https://www.mid.ru/en/press/123",
            "https://archive.example.org/transcripts/2025-11-26-x/questions/2",
            "accessed 2026-12-02",
        ] {
            assert!(t.contains(part), "{part} is missing from {t}");
        }
    }

    #[test]
    fn bibtex_escapes_what_it_must() {
        let b = cited().bibtex();
        assert!(b.starts_with("@misc{2025-11-26-x-q2,"), "{b}");
        assert!(b.contains("50\\% \\& more"), "{b}");
        assert!(b.contains("publisher = {mid.ru}"), "{b}");
        assert!(b.contains("urldate = {2026-12-02}"), "{b}");
        let open = b.matches('{').count() - b.matches("\\{").count();
        let close = b.matches('}').count() - b.matches("\\}").count();
        assert_eq!(open, close, "{b}");
    }

    #[test]
    fn csl_json_is_a_list_of_one_speech() {
        let v: serde_json::Value = serde_json::from_str(&cited().csl_json()).unwrap();
        assert_eq!(v[0]["type"], "speech");
        assert_eq!(v[0]["author"][0]["literal"], "Sergey Lavrov");
        assert_eq!(v[0]["issued"]["date-parts"][0], json!([2025, 11, 26]));
        assert_eq!(v[0]["accessed"]["date-parts"][0], json!([2026, 12, 2]));
        assert_eq!(v[0]["publisher"], "mid.ru");
    }

    #[test]
    fn the_publisher_is_the_site_without_www() {
        assert_eq!(
            publisher("https://www.whitehouse.gov/briefing/").as_deref(),
            Some("whitehouse.gov")
        );
        assert_eq!(
            publisher("http://en.kremlin.ru:80/events").as_deref(),
            Some("en.kremlin.ru")
        );
        assert_eq!(publisher("not a url"), None);
    }
}

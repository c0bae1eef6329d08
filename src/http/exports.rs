//! A transcript in open formats: plain text for people, CSV of turns for spreadsheets, and
//! Akoma Ntoso 3.0 (the OASIS standard for parliamentary and legal documents) for other archives.
//! Each is announced with `rel="alternate"` on the transcript's page.

use super::pages::json_list;
use super::{Origin, Path, human_date};
use crate::error::{AppError, Result};
use crate::store::read::{self, Transcript, TurnRow};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A transcript with its turns, as every export reads it.
struct Loaded {
    t: Transcript,
    turns: Vec<(TurnRow, Vec<String>)>,
}

async fn load(pool: &SqlitePool, slug: &str) -> Result<Loaded> {
    let t = read::transcript(pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let turns = read::turns(pool, t.id)
        .await?
        .into_iter()
        .map(|row| {
            let paragraphs = row.paragraphs();
            (row, paragraphs)
        })
        .collect();
    Ok(Loaded { t, turns })
}

/// `content_type` with `filename` as the name a browser saves it under; shown inline.
fn answer(content_type: &'static str, filename: String, body: String) -> Response {
    let name = filename.replace(['"', '\\', '\r', '\n'], "_");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn role_word(role: &str) -> &'static str {
    match role {
        "question" => "question",
        "answer" => "answer",
        "statement" => "statement",
        _ => "remark",
    }
}

/// `GET /transcripts/{slug}/export.txt`: the transcript as text a person reads: its header,
/// then each turn under its speaker, exchanges numbered as on the page.
pub async fn text(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path(slug): Path<String>,
) -> Result<Response> {
    let Loaded { t, turns } = load(&pool, &slug).await?;
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.title);
    let mut meta = vec![human_date(t.date.as_deref())];
    meta.extend(t.place.clone());
    let _ = writeln!(out, "{}", meta.join(" · "));
    if let Some(url) = &t.source_url {
        let _ = writeln!(out, "Source: {url}");
    }
    let _ = writeln!(out, "Stenogram: {origin}/transcripts/{}", t.slug);
    let preface = json_list(&t.preface);
    if !preface.is_empty() {
        let _ = writeln!(out, "\n[The publisher's preface]");
        for p in &preface {
            let _ = writeln!(out, "\n{p}");
        }
    }
    let mut exchange = None;
    for (row, paragraphs) in &turns {
        if row.exchange != exchange {
            exchange = row.exchange;
            if let Some(n) = exchange {
                let _ = writeln!(out, "\n\n== Exchange {n} ==");
            }
        }
        let mut who = row.speaker.clone();
        if let Some(label) = row.label.as_deref().filter(|l| *l != row.speaker) {
            let _ = write!(who, " [{label}]");
        }
        let _ = writeln!(out, "\n{who} ({}):", role_word(&row.role));
        for p in paragraphs {
            let _ = writeln!(out, "{p}\n");
        }
    }
    let notes = json_list(&t.notes);
    if !notes.is_empty() {
        let _ = writeln!(out, "\n[Notes]");
        for n in &notes {
            let _ = writeln!(out, "\n{n}");
        }
    }
    Ok(answer(
        "text/plain; charset=utf-8",
        format!("{}.txt", t.slug),
        out,
    ))
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// `GET /transcripts/{slug}/export.csv`: one row a turn: exchange, position, speaker, role,
/// label, text (paragraphs separated by a blank line).
pub async fn csv(State(pool): State<SqlitePool>, Path(slug): Path<String>) -> Result<Response> {
    let Loaded { t, turns } = load(&pool, &slug).await?;
    let mut out = String::from("exchange,position,speaker,speaker_slug,role,label,text\r\n");
    for (row, paragraphs) in &turns {
        let fields = [
            row.exchange.map(|n| n.to_string()).unwrap_or_default(),
            row.position.to_string(),
            row.speaker.clone(),
            row.speaker_slug.clone(),
            row.role.clone(),
            row.label.clone().unwrap_or_default(),
            paragraphs.join("\n\n"),
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    Ok(answer(
        "text/csv; charset=utf-8; header=present",
        format!("{}.csv", t.slug),
        out,
    ))
}

/// Text for XML: escaped, and without the characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// ISO 639-2 codes for the languages Akoma Ntoso names expressions by.
fn iso639_2(code: &str) -> String {
    match code {
        "en" => "eng",
        "ru" => "rus",
        "zh" => "zho",
        "fr" => "fra",
        "es" => "spa",
        "ar" => "ara",
        "de" => "deu",
        "ja" => "jpn",
        "ko" => "kor",
        "uk" => "ukr",
        "pt" => "por",
        "it" => "ita",
        "tr" => "tur",
        "fa" => "fas",
        other => return other.to_string(),
    }
    .to_string()
}

/// An `eId` from a speaker's slug: letters, digits, `-` and `_`, starting with a letter.
fn element_id(prefix: &str, slug: &str) -> String {
    let cleaned: String = slug
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}{cleaned}")
}

/// `GET /transcripts/{slug}/export.akn.xml`: Akoma Ntoso 3.0: a `debate` whose body has the
/// opening as `speech`es and a `debateSection` per exchange holding its `question` and
/// `answer`s; speakers are `TLCPerson`s (outlets `TLCOrganization`s), referred to with `by`.
pub async fn akoma_ntoso(
    State(pool): State<SqlitePool>,
    Origin(origin): Origin,
    Path(slug): Path<String>,
) -> Result<Response> {
    let Loaded { t, turns } = load(&pool, &slug).await?;
    let date = t
        .date
        .clone()
        .unwrap_or_else(|| t.created_at.chars().take(10).collect());
    let language = iso639_2(t.language.as_deref().unwrap_or("en"));
    let work = format!("/akn/un/debaterecord/press-conference/{date}/{}", t.slug);
    let expression = format!("{work}/{language}@");
    let manifestation = format!("{expression}/!main.xml");
    let updated: String = t.updated_at.chars().take(10).collect();

    // Speakers in order of first turn, each once.
    let mut people: BTreeMap<&str, (String, &str, &str)> = BTreeMap::new();
    for (row, _) in &turns {
        let next = people.len() + 1;
        people.entry(row.speaker_slug.as_str()).or_insert_with(|| {
            (
                element_id(&format!("s{next}-"), &row.speaker_slug),
                row.speaker.as_str(),
                row.speaker_kind.as_str(),
            )
        });
    }

    let mut x = String::with_capacity(4096 + turns.len() * 512);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">\n");
    x.push_str("<debate name=\"pressConference\">\n<meta>\n");
    let _ = writeln!(x, "<identification source=\"#stenogram\">");
    let frbr = |x: &mut String, level: &str, this: &str, uri: &str, date: &str, name: &str| {
        let _ = write!(
            x,
            "<{level}><FRBRthis value=\"{}\"/><FRBRuri value=\"{}\"/><FRBRdate date=\"{date}\" name=\"{name}\"/><FRBRauthor href=\"#stenogram\"/>",
            xml_escape(this),
            xml_escape(uri),
        );
    };
    frbr(
        &mut x,
        "FRBRWork",
        &format!("{work}/!main"),
        &work,
        &date,
        "delivery",
    );
    x.push_str("<FRBRcountry value=\"un\"/></FRBRWork>\n");
    frbr(
        &mut x,
        "FRBRExpression",
        &format!("{expression}/!main"),
        &expression,
        &date,
        "delivery",
    );
    let _ = writeln!(
        x,
        "<FRBRlanguage language=\"{}\"/></FRBRExpression>",
        xml_escape(&language)
    );
    frbr(
        &mut x,
        "FRBRManifestation",
        &manifestation,
        &manifestation,
        &updated,
        "generation",
    );
    x.push_str("</FRBRManifestation>\n</identification>\n");
    if let Some(url) = t.source_link() {
        let _ = writeln!(
            x,
            "<publication date=\"{date}\" name=\"source\" showAs=\"{}\" number=\"{}\"/>",
            xml_escape(url),
            xml_escape(&t.slug)
        );
    }
    x.push_str("<references source=\"#stenogram\">\n");
    let _ = writeln!(
        x,
        "<TLCOrganization eId=\"stenogram\" href=\"{}\" showAs=\"Stenogram\"/>",
        xml_escape(&format!("{origin}/"))
    );
    if let Some(place) = &t.place {
        let _ = writeln!(
            x,
            "<TLCLocation eId=\"place\" href=\"/ontology/location/{}\" showAs=\"{}\"/>",
            xml_escape(&crate::store::slugify(place, 60)),
            xml_escape(place)
        );
    }
    for (slug, (id, name, kind)) in &people {
        let element = if *kind == "outlet" {
            "TLCOrganization"
        } else {
            "TLCPerson"
        };
        let _ = writeln!(
            x,
            "<{element} eId=\"{id}\" href=\"{}\" showAs=\"{}\"/>",
            xml_escape(&format!("{origin}/speakers/{slug}")),
            xml_escape(name)
        );
    }
    x.push_str("</references>\n</meta>\n");

    x.push_str("<preface>\n");
    let _ = writeln!(
        x,
        "<p class=\"title\"><docTitle>{}</docTitle></p>",
        xml_escape(&t.title)
    );
    let mut line = format!(
        "<docDate date=\"{date}\">{}</docDate>",
        xml_escape(&human_date(t.date.as_deref()))
    );
    if let Some(place) = &t.place {
        let _ = write!(
            line,
            ", <location refersTo=\"#place\">{}</location>",
            xml_escape(place)
        );
    }
    let _ = writeln!(x, "<p>{line}</p>");
    for p in json_list(&t.preface) {
        let _ = writeln!(x, "<p class=\"publisherPreface\">{}</p>", xml_escape(&p));
    }
    x.push_str("</preface>\n<debateBody>\n");

    let turn_xml = |x: &mut String, row: &TurnRow, paragraphs: &[String], element: &str| {
        let id = people
            .get(row.speaker_slug.as_str())
            .map(|p| p.0.as_str())
            .unwrap_or("stenogram");
        let _ = write!(
            x,
            "<{element} eId=\"turn_{}\" by=\"#{id}\"><from>{}</from>",
            row.position,
            xml_escape(row.label.as_deref().unwrap_or(&row.speaker))
        );
        if paragraphs.is_empty() {
            x.push_str("<p/>");
        }
        for p in paragraphs {
            let _ = write!(x, "<p>{}</p>", xml_escape(p));
        }
        let _ = writeln!(x, "</{element}>");
    };

    // Turns outside any exchange (an opening, closing words) are sections of their own; one
    // between two turns of the same exchange (a moderator's aside) stays in that exchange.
    let numbers: Vec<Option<i64>> = turns.iter().map(|(row, _)| row.exchange).collect();
    let section_of = |i: usize| -> Option<i64> {
        if numbers[i].is_some() {
            return numbers[i];
        }
        let before = numbers[..i].iter().rev().find_map(|n| *n);
        let after = numbers[i + 1..].iter().find_map(|n| *n);
        before.filter(|b| Some(*b) == after)
    };
    let mut open: Option<Option<i64>> = None;
    let mut unnumbered = 0;
    let mut opened: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for (i, (row, paragraphs)) in turns.iter().enumerate() {
        let section = section_of(i);
        if open != Some(section) {
            if open.is_some() {
                x.push_str("</debateSection>\n");
            }
            open = Some(section);
            match section {
                Some(n) => {
                    let times = opened.entry(n).or_default();
                    *times += 1;
                    let id = if *times == 1 {
                        format!("dbsect_{n}")
                    } else {
                        format!("dbsect_{n}_{times}")
                    };
                    let _ = writeln!(
                        x,
                        "<debateSection eId=\"{id}\" name=\"exchange\"><num>{n}</num><heading>Exchange {n}</heading>"
                    );
                }
                None => {
                    unnumbered += 1;
                    let (name, heading) = if i == 0 {
                        ("opening", "Opening")
                    } else {
                        ("other", "Outside the exchanges")
                    };
                    let _ = writeln!(
                        x,
                        "<debateSection eId=\"dbsect_other_{unnumbered}\" name=\"{name}\"><heading>{heading}</heading>"
                    );
                }
            }
        }
        let element = match (row.exchange, row.role.as_str()) {
            (Some(_), "question") => "question",
            (Some(_), "answer") => "answer",
            _ => "speech",
        };
        turn_xml(&mut x, row, paragraphs, element);
    }
    if open.is_some() {
        x.push_str("</debateSection>\n");
    } else {
        x.push_str("<debateSection eId=\"dbsect_empty\" name=\"empty\"><heading>No turns</heading></debateSection>\n");
    }
    x.push_str("</debateBody>\n");
    let notes = json_list(&t.notes);
    if !notes.is_empty() {
        x.push_str("<conclusions>\n");
        for n in notes {
            let _ = writeln!(x, "<p class=\"note\">{}</p>", xml_escape(&n));
        }
        x.push_str("</conclusions>\n");
    }
    x.push_str("</debate>\n</akomaNtoso>\n");
    Ok(answer(
        "application/akn+xml; charset=utf-8",
        format!("{}.akn.xml", t.slug),
        x,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        csv_field(&mut out, "plain");
        out.push(',');
        csv_field(&mut out, "a, \"b\"\nc");
        assert_eq!(out, "plain,\"a, \"\"b\"\"\nc\"");
    }

    #[test]
    fn xml_text_is_escaped_and_loses_what_xml_cannot_hold() {
        assert_eq!(
            xml_escape("<a href='x'>&\u{1}\u{FFFF}\"</a>"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn element_ids_keep_only_name_characters() {
        assert_eq!(element_id("s-", "sergey-lavrov"), "s-sergey-lavrov");
        assert_eq!(element_id("s2-", "xí jìnpíng"), "s2-x__j_np_ng");
    }
}

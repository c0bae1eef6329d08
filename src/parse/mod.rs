//! The transcript reader: bytes in, `Document` out. Pure: no I/O, no database.
//!
//! The flow is decode (bytes to text) -> blocks (text, Markdown or HTML to paragraphs) ->
//! structure (header, preface, labels, turns, roles, exchanges, notes).

pub mod blocks;
pub mod decode;
pub mod header;
pub mod labels;
pub mod names;
mod nesting;
pub mod offices;
mod structure;

pub use blocks::Format;
pub use names::SpeakerKind;
use serde::{Deserialize, Serialize};

/// The reader's version: raised whenever a change to the reader makes it read the same bytes
/// differently. Each transcript records the version that last read it, and re-reading it with
/// a newer one is listed in its history.
pub const READER_VERSION: i64 = 2;

/// What a turn does in the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A principal speaking with no question pending (an opening statement).
    Statement,
    Question,
    Answer,
    /// Anything else: a moderator's words, thanks, an aside.
    Remark,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Statement => "statement",
            Role::Question => "question",
            Role::Answer => "answer",
            Role::Remark => "remark",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "statement" => Role::Statement,
            "question" => Role::Question,
            "answer" => Role::Answer,
            "remark" => Role::Remark,
            _ => return None,
        })
    }
}

/// One speaker's uninterrupted speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// The resolved name (`Sergey Lavrov`; `Unnamed questioner` for `Q`, `Question`, `Reporter`).
    pub speaker: String,
    pub speaker_kind: SpeakerKind,
    /// The label as printed, or `None` for an unlabelled opening statement.
    pub label: Option<String>,
    pub role: Role,
    pub paragraphs: Vec<String>,
    /// 1-based line in the source where the turn starts (0 where the format has no lines).
    #[serde(default)]
    pub line: usize,
}

/// A question and the answer turns that follow it; `question` and `answers` index `turns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub number: u32,
    pub question: usize,
    pub answers: Vec<usize>,
}

/// The reading of one transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// Header lines (dateline, caption, time) that belong to no turn.
    #[serde(default)]
    pub header: Vec<String>,
    /// Editorial paragraphs before the transcript.
    pub preface: Vec<String>,
    /// Other text that belongs to no turn: disclaimers, separators, postscripts, editor's notes.
    pub notes: Vec<String>,
    pub turns: Vec<Turn>,
    pub exchanges: Vec<Exchange>,
    /// Topic names the source itself gives.
    #[serde(default)]
    pub topics: Vec<String>,
}

impl Document {
    /// The number of the exchange each turn asks or answers in, by the turn's position.
    pub fn exchange_of(&self) -> std::collections::HashMap<usize, u32> {
        let mut out = std::collections::HashMap::new();
        for e in &self.exchanges {
            out.insert(e.question, e.number);
            for a in &e.answers {
                out.insert(*a, e.number);
            }
        }
        out
    }

    /// The person who answers most, or speaks most: the transcript's principal speaker.
    pub fn principal(&self) -> Option<&str> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for turn in self
            .turns
            .iter()
            .filter(|t| t.speaker_kind == SpeakerKind::Person)
        {
            let weight = match turn.role {
                Role::Answer => 1000,
                Role::Statement => 10,
                _ => 1,
            };
            match counts.iter_mut().find(|(n, _)| *n == turn.speaker) {
                Some((_, c)) => *c += weight,
                None => counts.push((&turn.speaker, weight)),
            }
        }
        counts.into_iter().max_by_key(|(_, c)| *c).map(|(n, _)| n)
    }
}

/// Input that cannot be read as a transcript, with where the problem is when that is known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}{}", position(*.line, *.column))]
pub struct ParseError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(message: impl Into<String>, line: usize, column: usize) -> Self {
        ParseError {
            message: message.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// Reads raw bytes; `hint` is a file name or media type that names the format.
pub fn parse_bytes(bytes: &[u8], hint: Option<&str>) -> Result<Document, ParseError> {
    parse_bytes_with(bytes, hint, offices::Offices::default())
}

/// Reads raw bytes with the office holders editors added beside the shipped table.
pub fn parse_bytes_with(
    bytes: &[u8],
    hint: Option<&str>,
    offices: offices::Offices,
) -> Result<Document, ParseError> {
    let text = decode::decode(bytes)?;
    parse_with(&text, Format::detect(hint, &text), offices)
}

/// Reads text already decoded.
pub fn parse_text(text: &str, format: Format) -> Result<Document, ParseError> {
    parse_with(text, format, offices::Offices::default())
}

/// Reads text already decoded, resolving role labels with the shipped office holders and
/// the rows editors added.
pub fn parse_with(
    text: &str,
    format: Format,
    offices: offices::Offices,
) -> Result<Document, ParseError> {
    let (meta, blocks) = blocks::split(text, format);
    if blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(match format {
            Format::Html => ParseError::new(
                "the page holds no paragraphs of text: save the page with its article text, or paste the text",
            ),
            _ => ParseError::new("the file holds no text"),
        });
    }
    Ok(structure::build(meta, blocks, offices))
}

/// A readable outline of a document, for `stenogram parse --format text`.
pub fn outline(doc: &Document) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let none = || "-".to_string();
    let _ = writeln!(out, "Title: {}", doc.title.clone().unwrap_or_else(none));
    let _ = writeln!(out, "Date:  {}", doc.date.clone().unwrap_or_else(none));
    let _ = writeln!(out, "Place: {}", doc.place.clone().unwrap_or_else(none));
    if let Some(url) = &doc.source_url {
        let _ = writeln!(out, "URL:   {url}");
    }
    let short = |s: &str| -> String {
        let s: String = s.chars().take(100).collect();
        s
    };
    for h in &doc.header {
        let _ = writeln!(out, "Header: {}", short(h));
    }
    for p in &doc.preface {
        let _ = writeln!(out, "Preface: {}", short(p));
    }
    let _ = writeln!(out, "\nTurns ({}):", doc.turns.len());
    for (i, t) in doc.turns.iter().enumerate() {
        let label = t
            .label
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{i:>4} {:<9} {}{label}: {} ({} paragraphs)",
            t.role.as_str(),
            t.speaker,
            short(t.paragraphs.first().map(String::as_str).unwrap_or("")),
            t.paragraphs.len()
        );
    }
    let _ = writeln!(out, "\nExchanges ({}):", doc.exchanges.len());
    for e in &doc.exchanges {
        let answers: Vec<String> = e.answers.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(
            out,
            "{:>4}: question {} answers [{}]",
            e.number,
            e.question,
            answers.join(", ")
        );
    }
    for n in &doc.notes {
        let _ = writeln!(out, "Note: {}", short(n));
    }
    out
}

/// Rebuilds the exchanges from the turns' roles, after an editor changed a role: a question
/// opens an exchange and the answers after it join it.
pub fn rebuild_exchanges(doc: &mut Document) {
    let mut exchanges: Vec<Exchange> = Vec::new();
    for (i, turn) in doc.turns.iter().enumerate() {
        match turn.role {
            Role::Question => exchanges.push(Exchange {
                number: exchanges.len() as u32 + 1,
                question: i,
                answers: Vec::new(),
            }),
            Role::Answer => {
                if let Some(e) = exchanges.last_mut() {
                    e.answers.push(i);
                }
            }
            _ => {}
        }
    }
    doc.exchanges = exchanges;
}

//! From readings to rows. A batch of transcripts is worked out in memory against the parts of
//! the archive it touches, read in one statement ([`Known::load`]), and then written with a few
//! statements per table ([`Rows::write`]). Resolving each speaker, topic and slug with its own
//! query would cost a round trip to the database thread each time, which is most of what a bulk
//! import would spend.

use super::{fingerprint, slugify};
use crate::parse::{Document, SpeakerKind, names};
use crate::topics;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::{SqliteConnection, query::Query};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What can be worked out from a reading without the database, done before the write
/// transaction (on another core during a bulk import).
pub struct Prepared {
    pub doc: Document,
    fingerprints: Vec<String>,
    phrases: Vec<topics::Phrases>,
    entities: Vec<topics::Entities>,
    candidates: Vec<String>,
    /// Each turn's paragraphs as the JSON array the turn row keeps.
    paragraphs: Vec<String>,
    /// The fingerprint of the whole text ([`doc_key`]), worked out with the rest on the
    /// reader's core rather than by the writer.
    text_key: Option<String>,
}

impl Prepared {
    pub fn new(doc: Document) -> Self {
        let mut people: Vec<String> = doc
            .turns
            .iter()
            .filter(|t| t.speaker_kind == SpeakerKind::Person && t.speaker.contains(' '))
            .map(|t| t.speaker.clone())
            .collect();
        people.sort();
        people.dedup();
        let people = topics::People::new(people);
        let texts: Vec<String> = doc
            .exchanges
            .iter()
            .map(|e| {
                std::iter::once(e.question)
                    .chain(e.answers.iter().copied())
                    .flat_map(|i| doc.turns[i].paragraphs.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        let phrases: Vec<topics::Phrases> = texts.iter().map(|t| topics::phrases(t)).collect();
        // What the question names is what the exchange is about: it counts three times.
        let entities = texts
            .iter()
            .zip(&doc.exchanges)
            .map(|(t, e)| {
                let mut all: topics::Entities = Default::default();
                for (key, weight) in topics::entities(t, &people) {
                    *all.entry(person_named(key)).or_default() += weight;
                }
                for (key, weight) in
                    topics::entities(&doc.turns[e.question].paragraphs.join("\n"), &people)
                {
                    *all.entry(person_named(key)).or_default() += 2.0 * weight;
                }
                all
            })
            .collect();
        let mut candidates: Vec<String> = phrases
            .iter()
            .flat_map(|counts| {
                counts
                    .iter()
                    .filter(|(_, c)| **c >= 2)
                    .map(|(p, _)| p.clone())
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        let fingerprints = doc
            .exchanges
            .iter()
            .map(|e| fingerprint(&doc.turns[e.question].paragraphs))
            .collect();
        let paragraphs = doc
            .turns
            .iter()
            .map(|t| json_array(&t.paragraphs))
            .collect();
        let text_key = doc_key(&doc);
        Prepared {
            doc,
            fingerprints,
            phrases,
            entities,
            candidates,
            paragraphs,
            text_key,
        }
    }

    /// The fingerprint of the reading's whole text, to tell a republication by.
    pub fn text_key(&self) -> Option<&str> {
        self.text_key.as_deref()
    }

    /// The key phrases of the reading: those said at least twice in one exchange.
    pub fn candidates(&self) -> &[String] {
        &self.candidates
    }

    /// The question fingerprint of each exchange, in order.
    pub fn fingerprints(&self) -> &[String] {
        &self.fingerprints
    }

    /// Every topic name this reading could be given: entities, key phrases and the topics the
    /// source lists.
    fn topic_names(&self) -> impl Iterator<Item = String> + '_ {
        let entities = self
            .entities
            .iter()
            .flat_map(|e| e.keys().map(|(name, _)| name.clone()));
        let phrases = self.candidates.iter().map(|p| topics::phrase_topic_name(p));
        let listed = self.source_topics().map(|(name, _)| name);
        entities.chain(phrases).chain(listed)
    }

    /// The people found in what is said, each name once or more.
    fn person_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.entities.iter().flat_map(|e| {
            e.keys()
                .filter(|(_, kind)| *kind == "person")
                .map(|(name, _)| name.as_str())
        })
    }

    /// The topics the source itself lists, named as the gazetteer names them.
    fn source_topics(&self) -> impl Iterator<Item = (String, &'static str)> + '_ {
        self.doc
            .topics
            .iter()
            .map(|t| match topics::gazetteer::NAMES.get(t.as_str()) {
                Some(e) => (e.name.to_string(), e.kind),
                None => (t.clone(), "theme"),
            })
    }
}

/// A person found in the text under the name the office-holder table gives them, when it
/// lists the name found as another of theirs (`Tony Blinken`).
fn person_named((name, kind): (String, &'static str)) -> (String, &'static str) {
    if kind == "person" {
        let named = topics::person_topic_name(&name);
        if named != name {
            return (named.to_string(), kind);
        }
    }
    (name, kind)
}

/// The keys a batch looks up: what [`Known::load`] reads.
#[derive(Default)]
pub(super) struct Scope {
    shas: Vec<String>,
    transcript_slugs: Vec<String>,
    speaker_keys: HashSet<String>,
    surnames: HashSet<String>,
    speaker_slugs: HashSet<String>,
    topic_keys: HashSet<String>,
    topic_slugs: HashSet<String>,
    phrases: HashSet<String>,
    /// Names already looked at, so that each is folded once.
    seen: HashSet<(String, &'static str)>,
}

impl Scope {
    /// A new source, its sha256 and the slug its transcript would like.
    pub(super) fn source(&mut self, sha: &str, slug: &str) {
        self.shas.push(sha.to_string());
        self.transcript_slugs.push(slug.to_string());
    }

    /// A speaker's name, as a reading resolved it.
    pub(super) fn speaker(&mut self, name: &str, kind: SpeakerKind) {
        if !self.seen.insert((name.to_string(), kind.as_str())) {
            return;
        }
        let folded = names::fold(name);
        if kind == SpeakerKind::Person {
            self.surnames.insert(names::match_surname(name));
        }
        self.speaker_keys.insert(speaker_key(&folded, kind));
        self.speaker_slugs.insert(base_slug(name, "speaker"));
    }

    /// The speakers, topics and phrases of a reading.
    pub(super) fn reading(&mut self, prepared: &Prepared) {
        for turn in &prepared.doc.turns {
            self.speaker(&turn.speaker, turn.speaker_kind);
        }
        for name in prepared.person_names() {
            self.topic_keys.insert(topics::person_key(name));
        }
        for name in prepared.topic_names() {
            let seen = (name, "topic");
            if self.seen.contains(&seen) {
                continue;
            }
            self.topic_keys.insert(names::fold(&seen.0));
            self.topic_slugs.insert(base_slug(&seen.0, "topic"));
            self.seen.insert(seen);
        }
        self.phrases.extend(prepared.candidates.iter().cloned());
    }
}

/// The key that finds a speaker: the folded name, prefixed by the kind for outlets and
/// anonymous speakers so that they never merge with a person.
pub(super) fn speaker_key(folded: &str, kind: SpeakerKind) -> String {
    match kind {
        SpeakerKind::Person => folded.to_string(),
        SpeakerKind::Outlet => format!("outlet:{folded}"),
        SpeakerKind::Anonymous => format!("anonymous:{folded}"),
    }
}

/// How [`Known::find`] found a stored speaker: by its key, or as the one person of a surname
/// (the surname and the index among that surname's people).
enum Found {
    Key(i64),
    Form(String, usize),
}

/// A slug from a name, or `fallback` for a name with no letters or digits.
fn base_slug(name: &str, fallback: &str) -> String {
    let base = slugify(name, 60);
    if base.is_empty() {
        fallback.to_string()
    } else {
        base
    }
}

/// `base`, or `base-2`, `base-3`, ...: the first not in `taken`, which it joins.
pub(super) fn claim_slug(taken: &mut HashSet<String>, base: &str) -> String {
    let slug = if taken.contains(base) {
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|s| !taken.contains(s))
            .unwrap_or_else(|| base.to_string())
    } else {
        base.to_string()
    };
    taken.insert(slug.clone());
    slug
}

/// The next free row id of each table a batch writes. The batch runs inside a write
/// transaction, so no one else takes them.
#[derive(Default, serde::Deserialize)]
struct NextIds {
    source: i64,
    transcript: i64,
    speaker: i64,
    turn: i64,
    exchange: i64,
    topic: i64,
}

fn take(id: &mut i64) -> i64 {
    *id += 1;
    *id - 1
}

#[derive(serde::Deserialize)]
struct Loaded {
    next: NextIds,
    transcripts: i64,
    shas: HashMap<String, String>,
    transcript_slugs: Vec<String>,
    speaker_slugs: Vec<String>,
    topic_slugs: Vec<String>,
    speakers: Vec<(i64, String, String, String)>,
    #[serde(default)]
    speaker_aliases: HashMap<String, i64>,
    topics: HashMap<String, i64>,
    #[serde(default)]
    hidden: Vec<i64>,
    #[serde(default)]
    splits: Vec<(String, i64, i64)>,
    phrases: HashMap<String, i64>,
}

/// The parts of the archive a batch needs, kept in step as the batch adds rows: the next
/// ids, the sources already stored, the slugs taken, the speakers and topics its readings name
/// and how many transcripts use each of its key phrases.
pub(super) struct Known {
    next: NextIds,
    /// How many transcripts the archive holds.
    pub(super) transcripts: i64,
    /// sha256 -> slug of the transcript stored from those bytes.
    pub(super) shas: HashMap<String, String>,
    pub(super) transcript_slugs: HashSet<String>,
    speaker_slugs: HashSet<String>,
    topic_slugs: HashSet<String>,
    /// Speaker key -> id.
    speakers: HashMap<String, i64>,
    /// Surname -> the people of that surname, with their display names.
    persons: HashMap<String, Vec<(i64, String)>>,
    /// Topic key -> id.
    topics: HashMap<String, i64>,
    /// Topics editors hid: nothing links them, until the hide is undone.
    hidden: HashSet<i64>,
    /// Editors' splits: (folded label, the speaker a reading gives it) -> the speaker it is.
    splits: HashMap<(String, i64), i64>,
    phrases: HashMap<String, i64>,
}

/// One statement that reads everything a batch looks up, as one JSON object.
const LOAD: &str = "SELECT json_object(\
    'next', json_object(\
        'source', (SELECT coalesce(max(id), 0) + 1 FROM source), \
        'transcript', (SELECT coalesce(max(id), 0) + 1 FROM transcript), \
        'speaker', (SELECT coalesce(max(id), 0) + 1 FROM speaker), \
        'turn', (SELECT coalesce(max(id), 0) + 1 FROM turn), \
        'exchange', (SELECT coalesce(max(id), 0) + 1 FROM exchange), \
        'topic', (SELECT coalesce(max(id), 0) + 1 FROM topic)), \
    'transcripts', (SELECT count(*) FROM transcript), \
    'shas', json((SELECT json_group_object(s.sha256, t.slug) FROM source s JOIN transcript t ON t.source_id = s.id \
        WHERE s.sha256 IN (SELECT value FROM json_each(?)))), \
    'transcript_slugs', json((SELECT json_group_array(t.slug) FROM json_each(?) b \
        JOIN transcript t ON t.slug >= b.value AND t.slug < b.value || '.')), \
    'speaker_slugs', json((SELECT json_group_array(slug) FROM (\
        SELECT t.slug FROM json_each(?) b JOIN speaker t ON t.slug >= b.value AND t.slug < b.value || '.' \
        UNION SELECT r.slug FROM json_each(?) b JOIN speaker_redirect r ON r.slug >= b.value AND r.slug < b.value || '.'))), \
    'topic_slugs', json((SELECT json_group_array(slug) FROM (\
        SELECT t.slug FROM json_each(?) b JOIN topic t ON t.slug >= b.value AND t.slug < b.value || '.' \
        UNION SELECT r.slug FROM json_each(?) b JOIN topic_redirect r ON r.slug >= b.value AND r.slug < b.value || '.'))), \
    'speakers', json((SELECT json_group_array(json_array(id, name, key, surname)) FROM speaker \
        WHERE key IN (SELECT value FROM json_each(?)) OR (kind = 'person' AND surname IN (SELECT value FROM json_each(?))))), \
    'speaker_aliases', json((SELECT json_group_object(key, speaker_id) FROM speaker_key_alias \
        WHERE key IN (SELECT value FROM json_each(?)))), \
    'topics', json((SELECT json_group_object(key, id) FROM (\
        SELECT key, id FROM topic WHERE key IN (SELECT value FROM json_each(?)) \
        UNION ALL SELECT key, topic_id FROM topic_alias WHERE key IN (SELECT value FROM json_each(?))))), \
    'hidden', json((SELECT json_group_array(id) FROM topic WHERE hidden = 1)), \
    'splits', json((SELECT json_group_array(json_array(label, from_id, to_id)) FROM (\
        SELECT c.target AS label, \
        coalesce((SELECT id FROM speaker WHERE slug = c.value ->> 0), (SELECT speaker_id FROM speaker_redirect WHERE slug = c.value ->> 0)) AS from_id, \
        coalesce((SELECT id FROM speaker WHERE slug = c.value ->> 1), (SELECT speaker_id FROM speaker_redirect WHERE slug = c.value ->> 1)) AS to_id \
        FROM correction c WHERE c.kind = 'speaker-split' AND c.transcript_id IS NULL AND c.undone_at IS NULL AND json_valid(c.value) ORDER BY c.id) \
        WHERE from_id IS NOT NULL AND to_id IS NOT NULL AND from_id <> to_id)), \
    'phrases', json((SELECT json_group_object(phrase, transcripts) FROM phrase_frequency \
        WHERE phrase IN (SELECT value FROM json_each(?)))))";

impl Known {
    /// Reads what the keys in `scope` need, in one statement. Slugs are matched by range on
    /// their index (`base` and every `base-...`), so a slug's suffixes come with it.
    pub(super) async fn load(
        conn: &mut SqliteConnection,
        scope: Scope,
    ) -> Result<Known, sqlx::Error> {
        let json: String = sqlx::query_scalar(LOAD)
            .bind(json_array(&scope.shas))
            .bind(json_array(&scope.transcript_slugs))
            .bind(json_array(&scope.speaker_slugs))
            .bind(json_array(&scope.speaker_slugs))
            .bind(json_array(&scope.topic_slugs))
            .bind(json_array(&scope.topic_slugs))
            .bind(json_array(&scope.speaker_keys))
            .bind(json_array(&scope.surnames))
            .bind(json_array(&scope.speaker_keys))
            .bind(json_array(&scope.topic_keys))
            .bind(json_array(&scope.topic_keys))
            .bind(json_array(&scope.phrases))
            .fetch_one(&mut *conn)
            .await?;
        let loaded: Loaded =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let mut speakers = HashMap::new();
        let mut persons: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for (id, name, key, surname) in loaded.speakers {
            // Outlets and anonymous speakers have a prefixed key; only people match by surname.
            if !key.contains(':') && !surname.is_empty() {
                persons
                    .entry(names::match_surname(&name))
                    .or_default()
                    .push((id, name));
            }
            speakers.insert(key, id);
        }
        // A merged or renamed speaker's name finds the speaker kept.
        for (key, id) in loaded.speaker_aliases {
            speakers.entry(key).or_insert(id);
        }
        Ok(Known {
            next: loaded.next,
            transcripts: loaded.transcripts,
            shas: loaded.shas,
            transcript_slugs: loaded.transcript_slugs.into_iter().collect(),
            speaker_slugs: loaded.speaker_slugs.into_iter().collect(),
            topic_slugs: loaded.topic_slugs.into_iter().collect(),
            speakers,
            persons,
            topics: loaded.topics,
            hidden: loaded.hidden.into_iter().collect(),
            // Oldest first: a later split of the same label and speaker wins.
            splits: loaded
                .splits
                .into_iter()
                .map(|(label, from, to)| ((label, from), to))
                .collect(),
            phrases: loaded.phrases,
        })
    }

    pub(super) fn next_source(&mut self) -> i64 {
        take(&mut self.next.source)
    }

    pub(super) fn next_transcript(&mut self) -> i64 {
        take(&mut self.next.transcript)
    }

    /// The speaker a label's turn goes to once editors' splits are applied: `id`, unless an
    /// editor said this label is not that speaker.
    fn split(&self, label: Option<&str>, id: i64) -> i64 {
        match label {
            Some(label) if !self.splits.is_empty() => self
                .splits
                .get(&(names::fold(label), id))
                .copied()
                .unwrap_or(id),
            _ => id,
        }
    }

    /// The stored speaker a resolved name stands for, without creating one: the same key,
    /// else the one person of that surname whose name is a short or full form of this one.
    fn find(&self, name: &str, kind: SpeakerKind) -> Option<Found> {
        let key = speaker_key(&names::fold(name), kind);
        if let Some(id) = self.speakers.get(&key) {
            return Some(Found::Key(*id));
        }
        if kind != SpeakerKind::Person {
            return None;
        }
        let surname = names::match_surname(name);
        let candidates = self.persons.get(&surname).filter(|_| !surname.is_empty())?;
        let same: Vec<usize> = (0..candidates.len())
            .filter(|&i| same_speaker(&candidates[i].1, name))
            .collect();
        match same.as_slice() {
            [i] => Some(Found::Form(surname, *i)),
            _ => None,
        }
    }

    /// The id of the stored speaker a name printed under `label` would be given, by the rules
    /// publishing follows (an editor's split of the label included);
    /// `None` when publishing would create a new speaker.
    pub(super) fn existing_speaker(
        &self,
        label: Option<&str>,
        name: &str,
        kind: SpeakerKind,
    ) -> Option<i64> {
        let id = match self.find(name, kind)? {
            Found::Key(id) => id,
            Found::Form(surname, i) => self.persons[&surname][i].0,
        };
        Some(self.split(label, id))
    }

    /// The speaker a resolved name stands for, across the whole archive (see [`Self::find`];
    /// a fuller spelling takes over the display name, the slug stays), else a new speaker.
    fn speaker(&mut self, rows: &mut Rows, name: &str, kind: SpeakerKind) -> i64 {
        let folded = names::fold(name);
        let key = speaker_key(&folded, kind);
        match self.find(name, kind) {
            Some(Found::Key(id)) => return id,
            Some(Found::Form(surname, i)) => {
                let (id, other) = &mut self.persons.get_mut(&surname).expect("found")[i];
                let id = *id;
                // A fuller name (more of its parts printed) takes over; another spelling
                // of the same parts does not.
                if names::short_form_of(other, name)
                    && names::match_words(name) != names::match_words(other)
                    && name.len() > other.len()
                {
                    *other = name.to_string();
                    self.speakers.retain(|_, v| *v != id);
                    self.speakers.insert(key.clone(), id);
                    rows.rename_speaker(id, name, &key);
                }
                return id;
            }
            None => {}
        }
        let surname = if kind == SpeakerKind::Person {
            names::match_surname(name)
        } else {
            names::surname(&folded).to_string()
        };
        let id = take(&mut self.next.speaker);
        let slug = claim_slug(&mut self.speaker_slugs, &base_slug(name, "speaker"));
        self.speakers.insert(key.clone(), id);
        if kind == SpeakerKind::Person && !surname.is_empty() {
            self.persons
                .entry(surname.clone())
                .or_default()
                .push((id, name.to_string()));
        }
        rows.speakers.push(SpeakerRow {
            id,
            slug,
            name: name.to_string(),
            key,
            surname,
            kind: kind.as_str(),
        });
        id
    }

    /// A kept speaker whose new reading prints more of the name (`Jean-Pierre` now read as
    /// `Karine Jean-Pierre`) takes it, unless another speaker already has that name.
    fn take_fuller_name(&mut self, rows: &mut Rows, id: i64, stored: &str, read: &str) {
        let fuller = names::short_form_of(stored, read)
            && names::match_words(stored) != names::match_words(read)
            && read.len() > stored.len();
        if !fuller {
            return;
        }
        let key = speaker_key(&names::fold(read), SpeakerKind::Person);
        if self.speakers.get(&key).is_some_and(|other| *other != id) {
            return;
        }
        self.speakers.retain(|_, v| *v != id);
        self.speakers.insert(key.clone(), id);
        for people in self.persons.values_mut() {
            for (pid, name) in people.iter_mut() {
                if *pid == id {
                    *name = read.to_string();
                }
            }
        }
        rows.rename_speaker(id, read, &key);
    }

    /// The topic of this name, created when new; `None` for a name with no letters or digits.
    /// A person's topic is also found by the key of their name across spellings and
    /// romanisations (`Sergei Lavrov` finds `Sergey Lavrov`), which it is given as an alias.
    fn topic(&mut self, rows: &mut Rows, name: &str, kind: &'static str) -> Option<i64> {
        let key = names::fold(name);
        if key.is_empty() {
            return None;
        }
        let person = (kind == "person").then(|| topics::person_key(name));
        let found = self
            .topics
            .get(&key)
            .or_else(|| person.as_ref().and_then(|p| self.topics.get(p)))
            .copied();
        let id = match found {
            Some(id) => id,
            None => {
                let id = take(&mut self.next.topic);
                let slug = claim_slug(&mut self.topic_slugs, &base_slug(name, "topic"));
                rows.topics
                    .push((id, slug, name.to_string(), key.clone(), kind));
                self.topics.insert(key, id);
                id
            }
        };
        if let Some(p) = person
            && !self.topics.contains_key(&p)
        {
            rows.topic_aliases.push((p.clone(), id));
            self.topics.insert(p, id);
        }
        Some(id)
    }
}

/// A transcript's own fields that come from the reading.
pub(super) struct ReadingFields {
    pub header: String,
    pub preface: String,
    pub notes: String,
    pub exchange_count: i64,
    pub text_key: Option<String>,
}

impl ReadingFields {
    /// The fields, with the text key already computed ([`Prepared::text_key`]).
    pub(super) fn with_key(doc: &Document, text_key: Option<String>) -> Self {
        ReadingFields {
            header: json_array(&doc.header),
            preface: json_array(&doc.preface),
            notes: json_array(&doc.notes),
            exchange_count: doc.exchanges.len() as i64,
            text_key,
        }
    }
}

/// The text key of a reading: every turn's paragraphs.
pub(super) fn doc_key(doc: &Document) -> Option<String> {
    super::text_key(
        doc.turns
            .iter()
            .flat_map(|t| t.paragraphs.iter().map(String::as_str)),
    )
}

/// A new `source` row.
pub(super) struct SourceInsert<'a> {
    pub id: i64,
    pub sha: String,
    pub media_type: String,
    pub file_name: Option<&'a str>,
    pub bytes: &'a [u8],
    pub uploaded_by: Option<&'a str>,
}

/// A new `transcript` row (pages read `read::TranscriptRow` and `read::Transcript`).
pub(super) struct TranscriptInsert {
    pub id: i64,
    pub source_id: i64,
    pub slug: String,
    pub title: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
    pub language: Option<String>,
    pub edited: String,
    pub fields: ReadingFields,
}

struct SpeakerRow {
    id: i64,
    slug: String,
    name: String,
    key: String,
    surname: String,
    kind: &'static str,
}

struct TurnRow<'a> {
    id: i64,
    /// The transcript's date, '' when undated (see migration 0004).
    date: Arc<str>,
    transcript_id: i64,
    position: i64,
    speaker_id: i64,
    label: Option<&'a str>,
    role: &'static str,
    exchange: Option<i64>,
    paragraphs: &'a str,
}

/// An editor's topic choice for the exchange with this question fingerprint.
#[derive(Debug)]
pub(super) struct TopicEdit {
    pub fingerprint: String,
    pub topic_id: i64,
    pub add: bool,
}

/// The rows a batch adds, in the order the foreign keys want them written.
#[derive(Default)]
pub(super) struct Rows<'a> {
    pub sources: Vec<SourceInsert<'a>>,
    pub transcripts: Vec<TranscriptInsert>,
    speakers: Vec<SpeakerRow>,
    /// Existing speakers whose display name (and key) a fuller spelling replaced.
    renamed: HashMap<i64, (String, String)>,
    pub assignments: Vec<(i64, String, i64)>,
    aliases: Vec<(i64, String)>,
    turns: Vec<TurnRow<'a>>,
    exchanges: Vec<(i64, i64, u32, usize, String)>,
    topics: Vec<(i64, String, String, String, &'static str)>,
    /// A person's topic by the key of their name across spellings: (key, topic).
    topic_aliases: Vec<(String, i64)>,
    /// Exchange, topic, origin, score, and the exchange's date (see migration 0006).
    exchange_topics: Vec<(i64, i64, &'static str, f64, Arc<str>)>,
    /// Key phrase -> how many of the batch's transcripts use it.
    phrases: HashMap<String, i64>,
}

impl Rows<'_> {
    fn rename_speaker(&mut self, id: i64, name: &str, key: &str) {
        match self.speakers.iter_mut().find(|s| s.id == id) {
            Some(new) => {
                new.name = name.to_string();
                new.key = key.to_string();
            }
            None => {
                self.renamed.insert(id, (name.to_string(), key.to_string()));
            }
        }
    }

    /// Adds the batch's new turns to the speakers' counts (migration 0004): one
    /// aggregate per batch, in the batch's transaction.
    async fn count_turns(
        conn: &mut SqliteConnection,
        turns: &[TurnRow<'_>],
    ) -> Result<(), sqlx::Error> {
        let mut transcripts: Vec<i64> = turns.iter().map(|t| t.transcript_id).collect();
        transcripts.sort_unstable();
        transcripts.dedup();
        if transcripts.is_empty() {
            return Ok(());
        }
        let ids = serde_json::to_string(&transcripts).unwrap_or_else(|_| "[]".into());
        sqlx::query(
        "INSERT INTO speaker_transcript (speaker_id, transcript_id, turns) \
         SELECT speaker_id, transcript_id, count(*) FROM turn WHERE transcript_id IN (SELECT value FROM json_each(?)) \
         GROUP BY speaker_id, transcript_id \
         ON CONFLICT (speaker_id, transcript_id) DO UPDATE SET turns = turns + excluded.turns",
    )
    .bind(&ids)
    .execute(&mut *conn)
    .await?;
        sqlx::query(
        "UPDATE speaker_stat SET answers = speaker_stat.answers + n.answers, statements = speaker_stat.statements + n.statements, \
           questions = speaker_stat.questions + n.questions, turns = speaker_stat.turns + n.turns \
         FROM (SELECT speaker_id, sum(role = 'answer') AS answers, sum(role = 'statement') AS statements, \
                 sum(role = 'question') AS questions, count(*) AS turns \
               FROM turn WHERE transcript_id IN (SELECT value FROM json_each(?)) GROUP BY speaker_id) n \
         WHERE speaker_stat.speaker_id = n.speaker_id",
    )
    .bind(&ids)
    .execute(&mut *conn)
    .await?;
        Ok(())
    }

    /// Writes every row: a few statements per table, whatever the number of rows.
    pub(super) async fn write(&self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        insert_bound(
            conn,
            "INSERT INTO source (id, sha256, media_type, file_name, bytes, uploaded_by) VALUES",
            "(?, ?, ?, ?, ?, ?)",
            &self.sources,
            |q, s| {
                q.bind(s.id)
                    .bind(s.sha.as_str())
                    .bind(s.media_type.as_str())
                    .bind(s.file_name)
                    .bind(s.bytes)
                    .bind(s.uploaded_by)
            },
        )
        .await?;
        insert_bound(
            conn,
            "INSERT INTO transcript (id, source_id, slug, title, date, place, source_url, language, edited, header, preface, notes, exchange_count, text_key, reader) VALUES",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &self.transcripts,
            |q, t| {
                q.bind(t.id)
                    .bind(t.source_id)
                    .bind(t.slug.as_str())
                    .bind(t.title.as_str())
                    .bind(t.date.as_deref())
                    .bind(t.place.as_deref())
                    .bind(t.source_url.as_deref())
                    .bind(t.language.as_deref())
                    .bind(t.edited.as_str())
                    .bind(t.fields.header.as_str())
                    .bind(t.fields.preface.as_str())
                    .bind(t.fields.notes.as_str())
                    .bind(t.fields.exchange_count)
                    .bind(t.fields.text_key.as_deref())
                    .bind(crate::parse::READER_VERSION)
            },
        )
        .await?;
        let speakers: Vec<_> = self
            .speakers
            .iter()
            .map(|s| (s.id, &s.slug, &s.name, &s.key, &s.surname, s.kind))
            .collect();
        insert_json(conn, "INSERT INTO speaker (id, slug, name, key, surname, kind) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?)", &speakers).await?;
        let renamed: Vec<_> = self
            .renamed
            .iter()
            .map(|(id, (name, key))| (id, name, key))
            .collect();
        insert_json(conn, "UPDATE speaker SET name = j.value ->> 1, key = j.value ->> 2 FROM json_each(?) j WHERE speaker.id = j.value ->> 0", &renamed).await?;
        insert_json(conn, "INSERT INTO speaker_assignment (transcript_id, label, speaker_id) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)", &self.assignments).await?;
        insert_json(conn, "INSERT OR IGNORE INTO alias (speaker_id, label) SELECT value ->> 0, value ->> 1 FROM json_each(?)", &self.aliases).await?;
        insert_bound(
            conn,
            "INSERT INTO turn (id, transcript_id, position, speaker_id, label, role, exchange, paragraphs, date) VALUES",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &self.turns,
            |q, t| {
                q.bind(t.id)
                    .bind(t.transcript_id)
                    .bind(t.position)
                    .bind(t.speaker_id)
                    .bind(t.label)
                    .bind(t.role)
                    .bind(t.exchange)
                    .bind(t.paragraphs)
                    .bind(t.date.clone())
            },
        )
        .await?;
        Self::count_turns(conn, &self.turns).await?;
        insert_bound(
            conn,
            "INSERT INTO exchange (id, transcript_id, number, question, fingerprint) VALUES",
            "(?, ?, ?, ?, ?)",
            &self.exchanges,
            |q, (id, transcript_id, number, question, fingerprint)| {
                q.bind(*id)
                    .bind(*transcript_id)
                    .bind(*number as i64)
                    .bind(*question as i64)
                    .bind(fingerprint.as_str())
            },
        )
        .await?;
        insert_bound(
            conn,
            "INSERT INTO topic (id, slug, name, key, kind) VALUES",
            "(?, ?, ?, ?, ?)",
            &self.topics,
            |q, (id, slug, name, key, kind)| {
                q.bind(*id)
                    .bind(slug.as_str())
                    .bind(name.as_str())
                    .bind(key.as_str())
                    .bind(*kind)
            },
        )
        .await?;
        insert_bound(
            conn,
            "INSERT OR IGNORE INTO topic_alias (key, topic_id) VALUES",
            "(?, ?)",
            &self.topic_aliases,
            |q, (key, topic_id)| q.bind(key.as_str()).bind(*topic_id),
        )
        .await?;
        insert_bound(
            conn,
            "INSERT INTO exchange_topic (exchange_id, topic_id, origin, score, date) VALUES",
            "(?, ?, ?, ?, ?)",
            &self.exchange_topics,
            |q, (exchange_id, topic_id, origin, score, date)| {
                q.bind(*exchange_id)
                    .bind(*topic_id)
                    .bind(*origin)
                    .bind(*score)
                    .bind(date.clone())
            },
        )
        .await?;
        // Each topic's count once, not once per link (migration 0009).
        let mut added: HashMap<i64, i64> = HashMap::new();
        for link in &self.exchange_topics {
            *added.entry(link.1).or_default() += 1;
        }
        let added: Vec<(i64, i64)> = added.into_iter().collect();
        insert_json(conn, "UPDATE topic_stat SET exchanges = exchanges + j.value ->> 1 FROM json_each(?) j WHERE topic_stat.topic_id = j.value ->> 0", &added).await?;
        let phrases: Vec<_> = self.phrases.iter().collect();
        insert_json(conn, "INSERT INTO phrase_frequency (phrase, transcripts) SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true ON CONFLICT (phrase) DO UPDATE SET transcripts = transcripts + excluded.transcripts", &phrases).await?;
        Ok(())
    }
}

/// What `derive` works from besides the reading.
pub(super) struct Context<'a> {
    pub transcript_id: i64,
    /// The transcript's date as stored (an editor's, else the reading's).
    pub date: Option<&'a str>,
    /// Label as printed -> speaker id, chosen by an editor.
    pub assignments: &'a HashMap<String, i64>,
    /// Label as printed -> the speaker (id, name, kind) it stood for in the reading being
    /// replaced; empty for a new transcript. A label whose new reading still names that
    /// speaker keeps it, so that re-reading does not depend on which speakers later
    /// transcripts added to the archive.
    pub previous: &'a HashMap<String, (i64, String, String)>,
    pub topic_edits: &'a [TopicEdit],
    /// Add this transcript's key phrases to the archive's phrase frequencies.
    pub count_phrases: bool,
}

/// Whether a speaker of one name is who a reading names with another: the same folded name,
/// or one a short or full form of the other (`Sullivan`, `Jake Sullivan`).
fn same_speaker(stored: &str, read: &str) -> bool {
    names::fold(stored) == names::fold(read)
        || names::short_form_of(stored, read)
        || names::short_form_of(read, stored)
}

/// Works out the rows of a reading: speakers and aliases, turns, exchanges and topics.
/// Key phrases are judged against the archive's phrase frequencies.
pub(super) fn derive<'a>(
    known: &mut Known,
    rows: &mut Rows<'a>,
    prepared: &'a Prepared,
    cx: &Context,
) {
    let doc = &prepared.doc;
    let transcript_id = cx.transcript_id;
    let date: Arc<str> = cx.date.unwrap_or_default().into();

    // Speakers, once per distinct name.
    let mut speaker_ids: HashMap<(&str, SpeakerKind), i64> = HashMap::new();
    let mut turn_speakers = Vec::with_capacity(doc.turns.len());
    let mut aliases: HashSet<(i64, &str)> = HashSet::new();
    for turn in &doc.turns {
        let kept = turn
            .label
            .as_ref()
            .and_then(|l| cx.previous.get(l))
            .filter(|(_, name, kind)| {
                kind == turn.speaker_kind.as_str() && same_speaker(name, &turn.speaker)
            })
            .map(|(id, name, _)| (*id, name.as_str()));
        // An editor's choice for the label, or for the unlabelled turns (the empty label).
        let id = match cx.assignments.get(turn.label.as_deref().unwrap_or("")) {
            Some(id) => *id,
            None => {
                let read = match kept {
                    Some((id, stored)) => {
                        if turn.speaker_kind == SpeakerKind::Person {
                            known.take_fuller_name(rows, id, stored, &turn.speaker);
                        }
                        id
                    }
                    None => *speaker_ids
                        .entry((turn.speaker.as_str(), turn.speaker_kind))
                        .or_insert_with(|| known.speaker(rows, &turn.speaker, turn.speaker_kind)),
                };
                known.split(turn.label.as_deref(), read)
            }
        };
        if let Some(label) = &turn.label
            && aliases.insert((id, label.as_str()))
        {
            rows.aliases.push((id, label.clone()));
        }
        turn_speakers.push(id);
    }

    // Turns, each with the number of the exchange it asks or answers in.
    let exchange_of = doc.exchange_of();
    for (position, (turn, speaker_id)) in doc.turns.iter().zip(turn_speakers).enumerate() {
        rows.turns.push(TurnRow {
            id: take(&mut known.next.turn),
            date: date.clone(),
            transcript_id,
            position: position as i64,
            speaker_id,
            label: turn.label.as_deref(),
            role: turn.role.as_str(),
            exchange: exchange_of.get(&position).map(|&n| i64::from(n)),
            paragraphs: &prepared.paragraphs[position],
        });
    }

    // Exchanges.
    let mut exchange_ids: HashMap<u32, i64> = HashMap::new();
    for (e, fp) in doc.exchanges.iter().zip(&prepared.fingerprints) {
        let id = take(&mut known.next.exchange);
        exchange_ids.insert(e.number, id);
        rows.exchanges
            .push((id, transcript_id, e.number, e.question, fp.clone()));
    }

    // Topics. A phrase's share of transcripts counts this one, as stored.
    let n_transcripts = known.transcripts;
    let lookup = |p: &str| -> Option<f64> {
        (n_transcripts >= 20)
            .then(|| known.phrases.get(p).copied().unwrap_or(0) as f64 / n_transcripts as f64)
    };
    let source_topics: Vec<(String, &'static str)> = prepared.source_topics().collect();
    let mut chosen: Vec<(i64, String, &'static str, f64, &'static str)> = Vec::new();
    for ((e, entities), phrases) in doc
        .exchanges
        .iter()
        .zip(&prepared.entities)
        .zip(&prepared.phrases)
    {
        let exchange_id = exchange_ids[&e.number];
        for f in topics::choose(entities.clone(), phrases, &lookup) {
            chosen.push((exchange_id, f.name, f.kind, f.score, "auto"));
        }
        for (name, kind) in &source_topics {
            chosen.push((exchange_id, name.clone(), kind, 0.5, "source"));
        }
    }
    let mut pairs: HashMap<(i64, i64), usize> = HashMap::new();
    for (exchange_id, name, kind, score, origin) in chosen {
        let Some(topic_id) = known.topic(rows, &name, kind) else {
            continue;
        };
        if known.hidden.contains(&topic_id) {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(v) = pairs.entry((exchange_id, topic_id)) {
            v.insert(rows.exchange_topics.len());
            rows.exchange_topics
                .push((exchange_id, topic_id, origin, score, date.clone()));
        }
    }
    // Editors' choices, kept by fingerprint, win over what was found.
    for edit in cx.topic_edits {
        if known.hidden.contains(&edit.topic_id) {
            continue;
        }
        for (e, fp) in doc.exchanges.iter().zip(&prepared.fingerprints) {
            if *fp != edit.fingerprint {
                continue;
            }
            let pair = (exchange_ids[&e.number], edit.topic_id);
            match (pairs.get(&pair), edit.add) {
                (Some(&i), true) => {
                    rows.exchange_topics[i].2 = "editor";
                }
                (None, true) => {
                    pairs.insert(pair, rows.exchange_topics.len());
                    rows.exchange_topics
                        .push((pair.0, pair.1, "editor", 10.0, date.clone()));
                }
                (Some(&i), false) => {
                    // Marked rather than removed, so that the other positions stay right.
                    rows.exchange_topics[i].2 = "";
                    pairs.remove(&pair);
                }
                (None, false) => {}
            }
        }
    }
    rows.exchange_topics.retain(|r| !r.2.is_empty());
    if cx.count_phrases {
        for phrase in &prepared.candidates {
            *known.phrases.entry(phrase.clone()).or_default() += 1;
            *rows.phrases.entry(phrase.clone()).or_default() += 1;
        }
    }
}

/// A list (or set) as JSON text.
pub(super) fn json_array<T: serde::Serialize + ?Sized>(items: &T) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Runs a static statement over rows sent as one JSON array: one prepared statement and one
/// round trip per table, whatever the number of rows.
async fn insert_json<T: serde::Serialize>(
    conn: &mut SqliteConnection,
    sql: &'static str,
    rows: &[T],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(sql)
        .bind(json_array(rows))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rows per statement for [`insert_bound`], well under SQLite's limit of bound values.
const ROWS_PER_STATEMENT: usize = 256;

/// `head (row), (row), ...` with the values bound as they are (text and bytes are not copied
/// into JSON and read out again). Full statements first, then the rest in powers of two, so
/// that only a few statement shapes exist and each stays prepared.
async fn insert_bound<R>(
    conn: &mut SqliteConnection,
    head: &str,
    row: &str,
    rows: &[R],
    bind: impl Fn(
        Query<'static, Sqlite, SqliteArguments>,
        &R,
    ) -> Query<'static, Sqlite, SqliteArguments>,
) -> Result<(), sqlx::Error> {
    let mut rest = rows;
    while !rest.is_empty() {
        let n = if rest.len() >= ROWS_PER_STATEMENT {
            ROWS_PER_STATEMENT
        } else {
            1 << rest.len().ilog2()
        };
        let (chunk, tail) = rest.split_at(n);
        let sql = format!("{head} {}", vec![row; n].join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = bind(q, r);
        }
        q.execute(&mut *conn).await?;
        rest = tail;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive that holds these speakers (id, name, kind) and topics (id, name).
    fn known(speakers: &[(i64, &str, SpeakerKind)], stored_topics: &[(i64, &str)]) -> Known {
        let mut k = Known {
            next: NextIds {
                source: 1,
                transcript: 1,
                speaker: 100,
                turn: 1,
                exchange: 1,
                topic: 100,
            },
            transcripts: 1,
            shas: HashMap::new(),
            transcript_slugs: HashSet::new(),
            speaker_slugs: HashSet::new(),
            topic_slugs: HashSet::new(),
            speakers: HashMap::new(),
            persons: HashMap::new(),
            topics: HashMap::new(),
            hidden: HashSet::new(),
            splits: HashMap::new(),
            phrases: HashMap::new(),
        };
        for (id, name, kind) in speakers {
            k.speakers
                .insert(speaker_key(&names::fold(name), *kind), *id);
            k.speaker_slugs.insert(slugify(name, 60));
            if *kind == SpeakerKind::Person {
                k.persons
                    .entry(names::match_surname(name))
                    .or_default()
                    .push((*id, name.to_string()));
            }
        }
        for (id, name) in stored_topics {
            k.topics.insert(names::fold(name), *id);
            k.topic_slugs.insert(slugify(name, 60));
        }
        k
    }

    fn prepared(text: &str) -> Prepared {
        Prepared::new(crate::parse::parse_bytes(text.as_bytes(), Some("t.txt")).unwrap())
    }

    fn context<'a>(
        assignments: &'a HashMap<String, i64>,
        previous: &'a HashMap<String, (i64, String, String)>,
        topic_edits: &'a [TopicEdit],
    ) -> Context<'a> {
        Context {
            transcript_id: 1,
            date: Some("2024-03-03"),
            assignments,
            previous,
            topic_edits,
            count_phrases: true,
        }
    }

    const TALKS: &str = "Talks in Minsk, 3 March 2024\n\nQuestion: What did you agree with Belarus on the gas prices?\n\nSergei Lavrov: We agreed with Belarus to keep the gas prices as they are.\n\nQuestion: And the Minsk agreements?\n\nSergei Lavrov: The Minsk agreements stand, we said so in Minsk.\n";

    #[test]
    fn a_stored_speaker_is_found_across_romanisations_and_only_new_speakers_are_rows() {
        let mut k = known(&[(5, "Sergey Lavrov", SpeakerKind::Person)], &[]);
        let p = prepared(TALKS);
        let mut rows = Rows::default();
        let none = HashMap::new();
        derive(&mut k, &mut rows, &p, &context(&HashMap::new(), &none, &[]));
        let new: Vec<(&str, &str)> = rows
            .speakers
            .iter()
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        assert_eq!(new, [("Unnamed questioner", "anonymous")]);
        let lavrov: Vec<i64> = rows
            .turns
            .iter()
            .filter(|t| t.label == Some("Sergei Lavrov"))
            .map(|t| t.speaker_id)
            .collect();
        assert_eq!(lavrov, [5, 5]);
        assert!(rows.aliases.contains(&(5, "Sergei Lavrov".to_string())));
        // Another spelling of the same parts is not a fuller name: the stored one stays.
        assert!(rows.renamed.is_empty());
    }

    #[test]
    fn turns_carry_their_positions_roles_and_exchange_numbers() {
        let mut k = known(&[], &[]);
        let p = prepared(TALKS);
        let mut rows = Rows::default();
        let none = HashMap::new();
        derive(&mut k, &mut rows, &p, &context(&HashMap::new(), &none, &[]));
        let turns: Vec<(i64, &str, Option<i64>)> = rows
            .turns
            .iter()
            .map(|t| (t.position, t.role, t.exchange))
            .collect();
        assert_eq!(
            turns,
            [
                (0, "question", Some(1)),
                (1, "answer", Some(1)),
                (2, "question", Some(2)),
                (3, "answer", Some(2)),
            ]
        );
        let exchanges: Vec<(u32, usize)> = rows.exchanges.iter().map(|e| (e.2, e.3)).collect();
        assert_eq!(exchanges, [(1, 0), (2, 2)]);
        // Ids are handed out from the archive's next free one, one per row.
        let ids: Vec<i64> = rows.turns.iter().map(|t| t.id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
    }

    #[test]
    fn a_fuller_name_renames_the_stored_speaker_and_namesakes_are_never_guessed() {
        let mut k = known(&[(7, "Jean-Pierre", SpeakerKind::Person)], &[]);
        let p = prepared("Question: Any news?\n\nKarine Jean-Pierre: None today, thank you all.\n");
        let mut rows = Rows::default();
        let none = HashMap::new();
        derive(&mut k, &mut rows, &p, &context(&HashMap::new(), &none, &[]));
        assert_eq!(
            rows.renamed.get(&7).map(|r| r.0.as_str()),
            Some("Karine Jean-Pierre")
        );
        // Two stored people the surname could be: a new speaker rather than a guess.
        let mut k = known(
            &[
                (1, "Alexander Novak", SpeakerKind::Person),
                (2, "Andrei Novak", SpeakerKind::Person),
            ],
            &[],
        );
        let p = prepared("Question: Any news?\n\nNovak: None today, thank you all.\n");
        let mut rows = Rows::default();
        derive(&mut k, &mut rows, &p, &context(&HashMap::new(), &none, &[]));
        assert!(
            rows.speakers.iter().any(|s| s.name == "Novak"),
            "{:?}",
            rows.speakers.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        // An anonymous label never becomes the person of the same words.
        let mut k = known(
            &[(3, "Senior Administration Official", SpeakerKind::Person)],
            &[],
        );
        let p = prepared(
            "SENIOR ADMINISTRATION OFFICIAL: Thanks, everyone, for joining.\n\nQ: Any news?\n\nSENIOR ADMINISTRATION OFFICIAL: None today.\n",
        );
        let mut rows = Rows::default();
        derive(&mut k, &mut rows, &p, &context(&HashMap::new(), &none, &[]));
        assert!(rows.turns.iter().all(|t| t.speaker_id != 3));
    }

    #[test]
    fn an_editors_assignment_and_the_previous_readings_speaker_win() {
        let mut k = known(&[(5, "Sergey Lavrov", SpeakerKind::Person)], &[]);
        let p = prepared(TALKS);
        let assignments = HashMap::from([("Sergei Lavrov".to_string(), 42)]);
        let none = HashMap::new();
        let mut rows = Rows::default();
        derive(&mut k, &mut rows, &p, &context(&assignments, &none, &[]));
        assert!(
            rows.turns
                .iter()
                .filter(|t| t.role == "answer")
                .all(|t| t.speaker_id == 42)
        );
        // Re-read, the label keeps the speaker it stood for when the new reading names them.
        let previous = HashMap::from([(
            "Sergei Lavrov".to_string(),
            (9, "Sergei Lavrov".to_string(), "person".to_string()),
        )]);
        let mut rows = Rows::default();
        derive(
            &mut k,
            &mut rows,
            &p,
            &context(&HashMap::new(), &previous, &[]),
        );
        assert!(
            rows.turns
                .iter()
                .filter(|t| t.role == "answer")
                .all(|t| t.speaker_id == 9)
        );
    }

    #[test]
    fn topics_are_found_an_alias_finds_the_kept_topic_and_editors_choices_win() {
        // `belarus` was merged into Ukraine: its key finds Ukraine's id.
        let mut k = known(&[], &[(1, "Ukraine")]);
        k.topics.insert("belarus".into(), 1);
        let p = prepared(TALKS);
        let fp = p.fingerprints()[1].clone();
        let edits = [TopicEdit {
            fingerprint: fp.clone(),
            topic_id: 77,
            add: true,
        }];
        let none = HashMap::new();
        let mut rows = Rows::default();
        derive(
            &mut k,
            &mut rows,
            &p,
            &context(&HashMap::new(), &none, &edits),
        );
        let first: Vec<i64> = rows
            .exchange_topics
            .iter()
            .filter(|t| t.0 == rows.exchanges[0].0)
            .map(|t| t.1)
            .collect();
        assert!(
            first.contains(&1),
            "Belarus's exchange is Ukraine's: {first:?}"
        );
        assert!(
            !rows.topics.iter().any(|t| t.3 == "belarus"),
            "no second Belarus"
        );
        let second: Vec<(i64, &str)> = rows
            .exchange_topics
            .iter()
            .filter(|t| t.0 == rows.exchanges[1].0)
            .map(|t| (t.1, t.2))
            .collect();
        assert!(second.contains(&(77, "editor")), "{second:?}");
        // An editor's removal takes a found topic off, and only there.
        let minsk = rows
            .topics
            .iter()
            .find(|t| t.3 == "minsk agreements")
            .map(|t| t.0)
            .expect("the Minsk agreements are found");
        let mut k2 = known(&[], &[(1, "Ukraine"), (minsk, "Minsk agreements")]);
        k2.topics.insert("belarus".into(), 1);
        let removal = [TopicEdit {
            fingerprint: fp,
            topic_id: minsk,
            add: false,
        }];
        let mut rows = Rows::default();
        derive(
            &mut k2,
            &mut rows,
            &p,
            &context(&HashMap::new(), &none, &removal),
        );
        let second = rows.exchanges[1].0;
        assert!(
            !rows
                .exchange_topics
                .iter()
                .any(|t| t.0 == second && t.1 == minsk)
        );
    }
}

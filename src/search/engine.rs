//! The search engine: a Tantivy index of every turn, kept in a directory beside the database and
//! made from it alone. SQLite stays the source of truth: triggers list each changed transcript in
//! `search_change` (migration 0011), [`Engine::sync`] reads those transcripts again and forgets
//! the rows only once the index has committed them, so a crash between the two is caught up on
//! the next start; every hit is read back from SQLite, so a search never shows what the database
//! no longer holds.
//!
//! Each turn is indexed three ways: `exact` (words folded to lower case without diacritics, each
//! Chinese or Japanese character a word: phrases and quotes), `stem` (the words as its language's
//! analyzer reads them: Snowball stemmers for English, Russian, French, Spanish, German and
//! thirteen more, jieba's word segmentation for Chinese, overlapping character pairs for Japanese
//! and Korean), and `names` (the speaker's name and every label printed for them, transliterated
//! to Latin letters, so that `Lavrov Minsk` and `Лавров` find what Lavrov said).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rustc_hash::FxHashMap;
use sqlx::SqlitePool;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query,
    RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{DocAddress, DocSet, Index, IndexReader, IndexWriter, Order, TERMINATED, Term};

use super::query::Node;
use super::quote::is_cjk;

/// The index's layout; a new layout is a new directory, made anew from the database.
const LAYOUT: &str = "v2";

/// Layouts of earlier versions, whose directories are removed when this one is made.
const EARLIER_LAYOUTS: &[&str] = &["v1"];

/// How many transcripts one commit of the index takes while catching up.
const BATCH: i64 = 1000;

/// At most this many matching passages are counted and tallied for facets; above it counts
/// say "more than".
pub const COUNT_LIMIT: u64 = 100_000;

/// Facets are tallied over every matching passage up to this many, else over an even sample of
/// this many.
pub const FACET_SAMPLE: u64 = 10_000;

/// How much more a word in the speaker's name counts than one in the text.
const NAME_BOOST: f32 = 2.0;

#[derive(Clone, Copy)]
struct Fields {
    turn: Field,
    tid: Field,
    unit: Field,
    date: Field,
    newest: Field,
    oldest: Field,
    speaker: Field,
    role: Field,
    lang: Field,
    topic: Field,
    exact: Field,
    /// One field a language analyzer ([`STEM_KEYS`]), each read by that analyzer.
    stems: [Field; STEM_KEYS.len()],
    names: Field,
}

/// The analyzers of the `stem_*` fields; a language without one is searched in `exact` alone.
const STEM_KEYS: [&str; 20] = [
    "en", "ru", "fr", "es", "de", "ar", "it", "pt", "nl", "el", "tr", "sv", "da", "no", "fi", "hu",
    "ro", "ta", "zh", "pairs",
];

impl Fields {
    fn stem(&self, key: &str) -> Option<Field> {
        STEM_KEYS
            .iter()
            .position(|k| *k == key)
            .map(|i| self.stems[i])
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Phrases are matched on `exact` alone: the other fields keep no positions.
    let text = |tokenizer: &str, option: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(option),
        )
    };
    let (positions, freqs) = (
        IndexRecordOption::WithFreqsAndPositions,
        IndexRecordOption::WithFreqs,
    );
    let fields = Fields {
        turn: b.add_u64_field("turn", FAST),
        tid: b.add_u64_field("tid", INDEXED | FAST),
        unit: b.add_u64_field("unit", FAST),
        date: b.add_i64_field("date", INDEXED | FAST),
        newest: b.add_u64_field("newest", FAST),
        oldest: b.add_u64_field("oldest", FAST),
        speaker: b.add_u64_field("speaker", INDEXED | FAST),
        role: b.add_u64_field("role", INDEXED | FAST),
        lang: b.add_u64_field("lang", INDEXED | FAST),
        topic: b.add_u64_field("topic", INDEXED | FAST),
        exact: b.add_text_field("exact", text("exact", positions)),
        stems: STEM_KEYS.map(|key| {
            b.add_text_field(&format!("stem_{key}"), text(&format!("stem_{key}"), freqs))
        }),
        names: b.add_text_field("names", text("names", freqs)),
    };
    (b.build(), fields)
}

/// A role as the index stores it.
pub fn role_code(role: &str) -> u64 {
    match role {
        "question" => 1,
        "answer" => 2,
        "statement" => 3,
        _ => 4,
    }
}

/// The role a stored code stands for.
pub fn role_name(code: u64) -> &'static str {
    match code {
        1 => "question",
        2 => "answer",
        3 => "statement",
        _ => "remark",
    }
}

/// A language code (`en`, `zh`) as a number.
pub fn lang_code(lang: &str) -> u64 {
    lang.bytes()
        .take(8)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(b))
}

/// The language code a number stands for.
pub fn lang_name(code: u64) -> String {
    let bytes: Vec<u8> = code
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`) as `YYYYMMDD`, missing parts as 0.
pub fn date_number(date: &str) -> i64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let y = parts.next().unwrap_or(0);
    let m = parts.next().unwrap_or(0);
    let d = parts.next().unwrap_or(0);
    y.clamp(0, 9999) * 10_000 + m.clamp(0, 12) * 100 + d.clamp(0, 31)
}

/// A key that sorts by day, then transcript, then place in it (`reverse` puts later turns of a
/// transcript first, for sorting it descending while keeping turns in the order spoken).
fn order_key(date: i64, tid: u64, position: i64, reverse_position: bool) -> u64 {
    let (y, md) = (date / 10_000, date % 10_000);
    let day = (y * 372 + (md / 100) * 31 + md % 100) as u64;
    let pos = position.clamp(0, 4095) as u64;
    let pos = if reverse_position { 4095 - pos } else { pos };
    (day << 38) | ((tid & ((1 << 26) - 1)) << 12) | pos
}

/// What one search result is grouped by.
fn unit_key(tid: u64, exchange: Option<i64>, position: i64) -> u64 {
    let local = match exchange {
        Some(n) => n.clamp(0, (1 << 19) - 1) as u64,
        None => (1 << 19) | position.clamp(0, (1 << 19) - 1) as u64,
    };
    (tid << 20) | local
}

// ---------------------------------------------------------------------------------------------
// Tokenizers

/// Words of letters and digits; each Chinese, Japanese or Korean character a word of its own
/// (`pairs`: overlapping pairs of such characters instead, as Lucene's CJK analyzer does).
#[derive(Clone, Default)]
struct CjkAware {
    pairs: bool,
}

/// The words a [`CjkAware`] tokenizer found, as spans of the text: each token's text is copied
/// into one buffer as it is reached, rather than each word into a string of its own.
struct SpanStream<'a> {
    text: &'a str,
    spans: Vec<(usize, usize)>,
    at: usize,
    token: Token,
}

impl TokenStream for SpanStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to)) = self.spans.get(self.at) else {
            return false;
        };
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.at;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.at += 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for CjkAware {
    type TokenStream<'a> = SpanStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut word: Option<usize> = None;
        // A run of Chinese, Japanese or Korean characters: where it starts, and its last
        // character's span.
        let mut run: Option<(usize, (usize, usize))> = None;
        let pairs = self.pairs;
        let flush_run = |run: &mut Option<(usize, (usize, usize))>,
                         spans: &mut Vec<(usize, usize)>| {
            let Some((start, last)) = run.take() else {
                return;
            };
            let chars = text[start..last.1]
                .char_indices()
                .map(|(i, c)| (start + i, start + i + c.len_utf8()));
            if pairs && last.0 > start {
                let mut previous: Option<(usize, usize)> = None;
                for span in chars {
                    if let Some(p) = previous {
                        spans.push((p.0, span.1));
                    }
                    previous = Some(span);
                }
            } else {
                spans.extend(chars);
            }
        };
        for (i, c) in text.char_indices() {
            if is_cjk(c) {
                if let Some(s) = word.take() {
                    spans.push((s, i));
                }
                let span = (i, i + c.len_utf8());
                match &mut run {
                    Some((_, last)) => *last = span,
                    None => run = Some((i, span)),
                }
            } else {
                flush_run(&mut run, &mut spans);
                if c.is_alphanumeric() {
                    word.get_or_insert(i);
                } else if let Some(s) = word.take() {
                    spans.push((s, i));
                }
            }
        }
        flush_run(&mut run, &mut spans);
        if let Some(s) = word {
            spans.push((s, text.len()));
        }
        SpanStream {
            text,
            spans,
            at: 0,
            token: Token::default(),
        }
    }
}

/// Tantivy's Snowball stemming filter, remembering the stems it has made: speakers say the
/// same words again and again, and the stemmer costs more than the rest of the analysis.
#[derive(Clone, Copy)]
struct CachedStemmer {
    algorithm: frostem::Algorithm,
}

/// Stems remembered by one analyzer (each thread and each query has its own), at most.
const STEMS_REMEMBERED: usize = 100_000;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            stemmer: frostem::Stemmer::new(self.algorithm),
            inner,
            stems: FxHashMap::default(),
        }
    }
}

#[derive(Clone)]
struct CachedStemmerFilter<T> {
    stemmer: frostem::Stemmer,
    inner: T,
    stems: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            stemmer: self.stemmer,
            stems: &mut self.stems,
        }
    }
}

struct CachedStemStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    stems: &'a mut FxHashMap<String, String>,
}

impl<T: TokenStream> TokenStream for CachedStemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
        } else {
            let stem = self.stemmer.stem(&token.text).into_owned();
            if self.stems.len() < STEMS_REMEMBERED {
                self.stems
                    .insert(std::mem::take(&mut token.text), stem.clone());
            }
            token.text = stem;
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The Snowball algorithm of a stemmer language.
fn algorithm(language: Language) -> frostem::Algorithm {
    use frostem::Algorithm as A;
    match language {
        Language::Arabic => A::Arabic,
        Language::Danish => A::Danish,
        Language::Dutch => A::Dutch,
        Language::English => A::English,
        Language::Finnish => A::Finnish,
        Language::French => A::French,
        Language::German => A::German,
        Language::Greek => A::Greek,
        Language::Hungarian => A::Hungarian,
        Language::Italian => A::Italian,
        Language::Norwegian => A::Norwegian,
        Language::Portuguese => A::Portuguese,
        Language::Romanian => A::Romanian,
        Language::Russian => A::Russian,
        Language::Spanish => A::Spanish,
        Language::Swedish => A::Swedish,
        Language::Tamil => A::Tamil,
        Language::Turkish => A::Turkish,
    }
}

fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CjkAware::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn names_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The Snowball stemmer for a language code, when there is one.
fn stemmer_language(lang: &str) -> Option<Language> {
    Some(match lang {
        "en" => Language::English,
        "ru" => Language::Russian,
        "fr" => Language::French,
        "es" => Language::Spanish,
        "de" => Language::German,
        "ar" => Language::Arabic,
        "it" => Language::Italian,
        "pt" => Language::Portuguese,
        "nl" => Language::Dutch,
        "el" => Language::Greek,
        "tr" => Language::Turkish,
        "sv" => Language::Swedish,
        "da" => Language::Danish,
        "no" | "nb" => Language::Norwegian,
        "fi" => Language::Finnish,
        "hu" => Language::Hungarian,
        "ro" => Language::Romanian,
        "ta" => Language::Tamil,
        _ => return None,
    })
}

/// Which analyzer reads a language's text for the `stem` field.
fn analyzer_key(lang: &str) -> &'static str {
    match lang {
        "zh" => "zh",
        "ja" | "ko" => "pairs",
        l => match stemmer_language(l) {
            Some(Language::English) => "en",
            Some(Language::Russian) => "ru",
            Some(Language::French) => "fr",
            Some(Language::Spanish) => "es",
            Some(Language::German) => "de",
            Some(Language::Arabic) => "ar",
            Some(Language::Italian) => "it",
            Some(Language::Portuguese) => "pt",
            Some(Language::Dutch) => "nl",
            Some(Language::Greek) => "el",
            Some(Language::Turkish) => "tr",
            Some(Language::Swedish) => "sv",
            Some(Language::Danish) => "da",
            Some(Language::Norwegian) => "no",
            Some(Language::Finnish) => "fi",
            Some(Language::Hungarian) => "hu",
            Some(Language::Romanian) => "ro",
            Some(Language::Tamil) => "ta",
            None => "plain",
        },
    }
}

fn stem_analyzer(key: &str) -> TextAnalyzer {
    match key {
        "zh" => TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
        "pairs" => TextAnalyzer::builder(CjkAware { pairs: true })
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .build(),
        key => match stemmer_language(key) {
            Some(language) => TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(60))
                .filter(LowerCaser)
                .filter(CachedStemmer {
                    algorithm: algorithm(language),
                })
                .filter(AsciiFoldingFilter)
                .build(),
            None => exact_analyzer(),
        },
    }
}

/// The words of `text` as the index's analyzer of language `key` reads them (`ё` as `е`).
pub(crate) fn analyzed(key: &str, text: &str) -> Vec<String> {
    tokens(&mut stem_analyzer(key), &fold_yo(text))
        .into_iter()
        .map(|t| t.text)
        .collect()
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// `ё` as `е` (the stemmers and folding filters keep them apart).
fn fold_yo(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['ё', 'Ё']) {
        text.replace('ё', "е").replace('Ё', "Е").into()
    } else {
        text.into()
    }
}

// ---------------------------------------------------------------------------------------------
// The engine

/// The search index and what it needs to stay up to date.
pub struct Engine {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    catching_up: tokio::sync::Mutex<()>,
    fields: Fields,
    /// The database's token (`search_state`): the index's commits carry it (a replica's carry
    /// the signature of the archive they were read from).
    token: String,
    /// Whether the index holds the whole archive (it has caught up once since it was made).
    built: AtomicBool,
    /// The languages of the archive's transcripts: a query word is read as each would read it.
    languages: RwLock<BTreeSet<&'static str>>,
    pub dir: Option<PathBuf>,
    /// A read-only replica's own list of what it has still to read (it cannot write
    /// `search_change`), and what the archive looked like when it was made; `None` on a primary.
    replica: Option<Mutex<Replica>>,
}

/// What a replica's index knows of the archive it was read from.
#[derive(Default)]
struct Replica {
    waiting: Vec<i64>,
    seen: String,
}

/// A cheap sign that a read-only archive has changed under its server (a new restore, or a
/// replication tool writing into it): how many transcripts, the last made and the last changed.
async fn archive_signature(pool: &SqlitePool) -> Result<String, sqlx::Error> {
    let (count, last, changed): (i64, Option<i64>, Option<String>) =
        sqlx::query_as("SELECT count(*), max(id), max(updated_at) FROM transcript")
            .fetch_one(pool)
            .await?;
    Ok(format!(
        "replica {count} {} {}",
        last.unwrap_or(0),
        changed.unwrap_or_default()
    ))
}

/// The directory of the index of the database at `db`.
pub fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".search-{LAYOUT}"));
    db.with_file_name(name)
}

type SearchResult<T> = Result<T, EngineError>;

/// What can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("search index: {0}")]
    Other(String),
}

impl Engine {
    /// Opens (or makes) the index beside the database file, or in memory for `None`. An index
    /// made from another database, or never finished, is emptied and made anew by [`sync`].
    ///
    /// [`sync`]: Engine::sync
    pub async fn open(pool: &SqlitePool, dir: Option<&Path>) -> SearchResult<Arc<Engine>> {
        Self::open_as(pool, dir, false).await
    }

    /// Opens an index for a read-only replica of the archive: it writes nothing to the
    /// database, reads every transcript itself (kept in `dir` when that can be written, else in
    /// memory), and is made again when the archive changes under it ([`Engine::follow`]).
    pub async fn open_replica(pool: &SqlitePool, dir: &Path) -> SearchResult<Arc<Engine>> {
        match Self::open_as(pool, Some(dir), true).await {
            Ok(engine) => Ok(engine),
            Err(EngineError::Db(e)) => Err(EngineError::Db(e)),
            Err(e) => {
                tracing::info!("search index kept in memory: {e}");
                Self::open_as(pool, None, true).await
            }
        }
    }

    async fn open_as(
        pool: &SqlitePool,
        dir: Option<&Path>,
        replica: bool,
    ) -> SearchResult<Arc<Engine>> {
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => {
                // An index of an earlier layout is made anew in its own directory: the old one
                // is of no more use.
                if let Some(name) = dir.file_name().and_then(|n| n.to_str())
                    && let Some(base) = name.strip_suffix(&format!(".search-{LAYOUT}"))
                {
                    for old in EARLIER_LAYOUTS {
                        let _ = std::fs::remove_dir_all(
                            dir.with_file_name(format!("{base}.search-{old}")),
                        );
                    }
                }
                std::fs::create_dir_all(dir).map_err(|e| {
                    EngineError::Other(format!("cannot make {}: {e}", dir.display()))
                })?;
                let directory = tantivy::directory::MmapDirectory::open(dir)
                    .map_err(|e| EngineError::Other(e.to_string()))?;
                Index::open_or_create(directory, schema)?
            }
            None => Index::create_in_ram(schema),
        };
        index.tokenizers().register("exact", exact_analyzer());
        index.tokenizers().register("names", names_analyzer());
        for key in STEM_KEYS {
            index
                .tokenizers()
                .register(&format!("stem_{key}"), stem_analyzer(key));
        }
        // One thread: documents are written in the order they are read, so two indexes of one
        // archive (a primary and its replica) rank ties alike.
        let writer: IndexWriter = index.writer_with_num_threads(1, 96_000_000)?;
        let reader = index.reader()?;
        let token: String = if replica {
            archive_signature(pool).await?
        } else {
            sqlx::query_scalar("SELECT token FROM search_state WHERE id = 1")
                .fetch_one(pool)
                .await?
        };
        let payload = index.load_metas()?.payload;
        let built = payload.as_deref() == Some(token.as_str());
        let mut waiting = Replica {
            seen: token.clone(),
            ..Replica::default()
        };
        if !built {
            // Made from another database, or never finished: everything is read again.
            writer.delete_all_documents()?;
            if replica {
                waiting.waiting = every_transcript(pool).await?;
            } else {
                list_every_transcript(pool).await?;
            }
        }
        let languages: Vec<Option<String>> =
            sqlx::query_scalar("SELECT DISTINCT language FROM transcript")
                .fetch_all(pool)
                .await?;
        let mut set = BTreeSet::from(["en"]);
        for l in languages.into_iter().flatten() {
            set.insert(analyzer_key(&l));
        }
        Ok(Arc::new(Engine {
            reader,
            writer: Mutex::new(writer),
            catching_up: tokio::sync::Mutex::new(()),
            fields,
            token,
            built: AtomicBool::new(built),
            languages: RwLock::new(set),
            dir: dir.map(Path::to_path_buf),
            replica: replica.then(|| Mutex::new(waiting)),
        }))
    }

    /// On a replica: when the archive has changed since the index was made, empties it and
    /// lists every transcript to be read again; returns whether it had.
    pub async fn follow(self: &Arc<Self>, pool: &SqlitePool) -> SearchResult<bool> {
        let Some(replica) = &self.replica else {
            return Ok(false);
        };
        let now = archive_signature(pool).await?;
        if replica.lock().map(|r| r.seen == now).unwrap_or(true) {
            return Ok(false);
        }
        let every = every_transcript(pool).await?;
        let _one = self.catching_up.lock().await;
        {
            let writer = self
                .writer
                .lock()
                .map_err(|_| EngineError::Other("the index writer failed before".into()))?;
            writer.delete_all_documents()?;
        }
        if let Ok(mut r) = replica.lock() {
            r.waiting = every;
            r.seen = now;
        }
        self.built.store(false, Ordering::Release);
        Ok(true)
    }

    /// Whether the index holds the whole archive as of its last catch-up.
    pub fn is_built(&self) -> bool {
        self.built.load(Ordering::Acquire)
    }

    /// How many transcripts wait to be indexed (counted up to `bound`).
    pub async fn pending(&self, pool: &SqlitePool, bound: i64) -> Result<i64, sqlx::Error> {
        if let Some(replica) = &self.replica {
            return Ok(replica.lock().map(|r| r.waiting.len() as i64).unwrap_or(0));
        }
        sqlx::query_scalar("SELECT count(*) FROM (SELECT 1 FROM search_change LIMIT ?)")
            .bind(bound)
            .fetch_one(pool)
            .await
    }

    /// Reads every changed transcript again, a batch a commit, until none waits; returns how
    /// many were read.
    pub async fn sync(self: &Arc<Self>, pool: &SqlitePool) -> SearchResult<usize> {
        let _one = self.catching_up.lock().await;
        let mut done = 0;
        loop {
            // What to read next: a replica's own list, else the database's, whose rows are
            // forgotten once written.
            let (ids, changed): (Vec<i64>, Option<Vec<(i64, i64)>>) = match &self.replica {
                Some(replica) => {
                    let ids = match replica.lock() {
                        Ok(mut r) => {
                            let at = r.waiting.len().saturating_sub(BATCH as usize);
                            r.waiting.split_off(at)
                        }
                        Err(_) => Vec::new(),
                    };
                    (ids, None)
                }
                None => {
                    let changed: Vec<(i64, i64)> = sqlx::query_as(
                        "SELECT transcript_id, seq FROM search_change ORDER BY seq LIMIT ?",
                    )
                    .bind(BATCH)
                    .fetch_all(pool)
                    .await?;
                    (changed.iter().map(|c| c.0).collect(), Some(changed))
                }
            };
            if ids.is_empty() {
                if !self.is_built() {
                    self.commit(true).await?;
                }
                break;
            }
            let n = ids.len();
            self.add(pool, ids).await?;
            self.commit(false).await?;
            if let Some(changed) = changed {
                forget(pool, &changed).await?;
            }
            done += n;
        }
        Ok(done)
    }

    /// Reads these transcripts into the index without committing them: a bulk import feeds
    /// the index as it stores, and commits when it chooses ([`Engine::settle`]). Answers the
    /// changes read (transcript, sequence number), to be forgotten once committed.
    pub async fn feed(
        self: &Arc<Self>,
        pool: &SqlitePool,
        ids: Vec<i64>,
    ) -> SearchResult<Vec<(i64, i64)>> {
        let _one = self.catching_up.lock().await;
        // Read before the turns: a change after this is read again by the next catch-up.
        let changed: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT transcript_id, seq FROM search_change \
             WHERE transcript_id IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
        .fetch_all(pool)
        .await?;
        self.add(pool, ids).await?;
        Ok(changed)
    }

    /// Commits what was fed, and forgets the changes it read.
    pub async fn settle(
        self: &Arc<Self>,
        conn: &mut sqlx::SqliteConnection,
        changed: &[(i64, i64)],
    ) -> SearchResult<()> {
        let _one = self.catching_up.lock().await;
        self.commit(false).await?;
        forget(conn, changed).await?;
        Ok(())
    }

    /// Reads these transcripts (again) into the index, uncommitted.
    async fn add(self: &Arc<Self>, pool: &SqlitePool, ids: Vec<i64>) -> SearchResult<()> {
        let docs = load(pool, &ids).await?;
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.write(&ids, docs))
            .await
            .map_err(|e| EngineError::Other(e.to_string()))?
    }

    /// Commits what was added; `finished`: the index now holds the whole archive.
    async fn commit(self: &Arc<Self>, finished: bool) -> SearchResult<()> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.commit_now(finished))
            .await
            .map_err(|e| EngineError::Other(e.to_string()))?
    }

    fn write(&self, ids: &[i64], docs: Vec<Loaded>) -> SearchResult<()> {
        let f = self.fields;
        let writer = self
            .writer
            .lock()
            .map_err(|_| EngineError::Other("the index writer failed before".into()))?;
        for &id in ids {
            writer.delete_term(Term::from_field_u64(f.tid, id as u64));
        }
        let mut new_languages = Vec::new();
        for d in docs {
            let key = analyzer_key(&d.language);
            if !self.languages.read().is_ok_and(|l| l.contains(key)) {
                new_languages.push(key);
            }
            let text = fold_yo(&d.text).into_owned();
            let tid = d.tid as u64;
            let date = date_number(&d.date);
            let mut doc = tantivy::TantivyDocument::default();
            doc.add_u64(f.turn, d.id as u64);
            doc.add_u64(f.tid, tid);
            doc.add_u64(f.unit, unit_key(tid, d.exchange, d.position));
            doc.add_i64(f.date, date);
            doc.add_u64(f.newest, order_key(date, tid, d.position, true));
            doc.add_u64(f.oldest, order_key(date, tid, d.position, false));
            doc.add_u64(f.speaker, d.speaker as u64);
            doc.add_u64(f.role, role_code(&d.role));
            doc.add_u64(f.lang, lang_code(&d.language));
            for t in &d.topics {
                doc.add_u64(f.topic, *t as u64);
            }
            // The index's own threads read the text with each field's analyzer.
            if let Some(stem) = f.stem(key) {
                doc.add_text(stem, &text);
            }
            doc.add_text(f.exact, text);
            doc.add_text(f.names, deunicode::deunicode(&d.names));
            writer.add_document(doc)?;
        }
        drop(writer);
        if !new_languages.is_empty()
            && let Ok(mut l) = self.languages.write()
        {
            l.extend(new_languages);
        }
        Ok(())
    }

    fn commit_now(&self, finished: bool) -> SearchResult<()> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| EngineError::Other("the index writer failed before".into()))?;
        // Until the index has read the whole archive once, its commits say so: one reopened
        // after a crash meanwhile is made anew.
        let built = finished || self.is_built();
        let token = match &self.replica {
            Some(r) => r.lock().map(|r| r.seen.clone()).unwrap_or_default(),
            None => self.token.clone(),
        };
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(if built { &token } else { "building" });
        commit.commit()?;
        self.reader.reload()?;
        if built {
            self.built.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Empties the index and lists every transcript to be read again (`stenogram reindex`).
    pub async fn rebuild(self: &Arc<Self>, pool: &SqlitePool) -> SearchResult<usize> {
        {
            let writer = self
                .writer
                .lock()
                .map_err(|_| EngineError::Other("the index writer failed before".into()))?;
            writer.delete_all_documents()?;
        }
        self.built.store(false, Ordering::Release);
        list_every_transcript(pool).await?;
        self.sync(pool).await
    }

    /// How many turns the index holds.
    pub fn turns(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// The words a speaker is found by: their name, every label printed for them, and a Chinese
/// name (two to four characters) also as it is written in pinyin, the surname apart and the
/// given name in one word (`华春莹`: Hua Chunying). The caller transliterates the rest.
fn name_forms(name: &str, labels: &str) -> String {
    let mut out = format!("{name} {labels}");
    for word in std::iter::once(name).chain(labels.split_whitespace()) {
        let chars: Vec<char> = word.chars().collect();
        if (2..=4).contains(&chars.len()) && chars.iter().all(|c| is_cjk(*c)) {
            let surname = deunicode::deunicode(&chars[0].to_string());
            let given: String = chars[1..]
                .iter()
                .map(|c| deunicode::deunicode(&c.to_string()).to_lowercase())
                .collect();
            out.push_str(&format!(" {surname} {given}"));
        }
    }
    out
}

/// Forgets changes the index has read and committed: each only if it has not changed again
/// since it was read.
async fn forget<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    changed: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    if changed.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM search_change WHERE (transcript_id, seq) IN \
         (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
    )
    .bind(serde_json::to_string(changed).unwrap_or_default())
    .execute(db)
    .await?;
    Ok(())
}

/// Every transcript's id (a replica's list of what to read).
async fn every_transcript(pool: &SqlitePool) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM transcript ORDER BY id DESC")
        .fetch_all(pool)
        .await
}

/// Lists every transcript to be read again by the index.
async fn list_every_transcript(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO search_change (transcript_id, seq) \
         SELECT id, (SELECT coalesce(max(seq), 0) FROM search_change) + id FROM transcript WHERE true \
         ON CONFLICT (transcript_id) DO NOTHING",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A turn as the index reads it.
struct Loaded {
    id: i64,
    tid: i64,
    position: i64,
    speaker: i64,
    role: String,
    exchange: Option<i64>,
    text: String,
    date: String,
    language: String,
    topics: Vec<i64>,
    names: String,
}

/// One transcript as the index reads it: its date and language, its turns (id, position,
/// speaker, role, exchange, paragraphs as stored) and the topics of its exchanges (number,
/// topic), both as JSON arrays. A row per transcript, not per turn: handing a row over costs
/// more than the turn's text takes to read.
type LoadRow = (i64, String, String, String, String);

/// A turn as a transcript's row lists it.
type TurnCell = (i64, i64, i64, String, Option<i64>, String);

async fn load(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<Loaded>, sqlx::Error> {
    let ids_json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<LoadRow> = sqlx::query_as(
        "SELECT tr.id, coalesce(tr.date, ''), coalesce(tr.language, ''), \
           (SELECT json_group_array(json_array(t.id, t.position, t.speaker_id, t.role, t.exchange, t.paragraphs)) \
              FROM turn t WHERE t.transcript_id = tr.id), \
           (SELECT json_group_array(json_array(e.number, et.topic_id)) \
              FROM exchange e JOIN exchange_topic et ON et.exchange_id = e.id WHERE e.transcript_id = tr.id) \
         FROM transcript tr WHERE tr.id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json)
    .fetch_all(pool)
    .await?;
    let bad = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let mut read = Vec::with_capacity(rows.len());
    let mut speakers: BTreeSet<i64> = BTreeSet::new();
    for (tid, date, language, turns, topics) in rows {
        let turns: Vec<TurnCell> = serde_json::from_str(&turns).map_err(bad)?;
        let links: Vec<(i64, i64)> = serde_json::from_str(&topics).map_err(bad)?;
        let mut by_exchange: HashMap<i64, Vec<i64>> = HashMap::new();
        for (number, topic) in links {
            by_exchange.entry(number).or_default().push(topic);
        }
        speakers.extend(turns.iter().map(|t| t.2));
        read.push((tid, date, language, turns, by_exchange));
    }
    // The speakers the turns name, by id: their names and labels, once each.
    let names: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT s.id, s.name, (SELECT group_concat(a.label, ' ') FROM alias a WHERE a.speaker_id = s.id) \
         FROM speaker s WHERE s.id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&speakers).unwrap_or_else(|_| "[]".into()))
    .fetch_all(pool)
    .await?;
    let names: HashMap<i64, String> = names
        .into_iter()
        .map(|(id, name, labels)| {
            let labels = labels.unwrap_or_default();
            (id, name_forms(&name, &labels))
        })
        .collect();
    let mut out = Vec::new();
    for (tid, date, language, turns, by_exchange) in read {
        for (id, position, speaker, role, exchange, paragraphs) in turns {
            let paragraphs: Vec<String> = serde_json::from_str(&paragraphs).map_err(bad)?;
            out.push(Loaded {
                id,
                tid,
                position,
                speaker,
                role,
                exchange,
                text: paragraphs.join("\n"),
                date: date.clone(),
                language: language.clone(),
                topics: exchange
                    .and_then(|n| by_exchange.get(&n).cloned())
                    .unwrap_or_default(),
                names: names.get(&speaker).cloned().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Searching

/// Narrowing a search.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub speaker: Option<i64>,
    pub topic: Option<i64>,
    pub role: Option<String>,
    pub lang: Option<String>,
    /// `YYYYMMDD`, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
    Oldest,
}

/// What one result stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Exchange,
    Transcript,
}

/// Which page of results, in what order, and whether to tally facets.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub sort: Sort,
    pub group: Group,
    pub offset: usize,
    pub limit: usize,
    pub facets: bool,
}

/// The terms a query looks for, to mark them in a passage.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    exact: HashSet<String>,
    stem: HashSet<String>,
    prefixes: Vec<String>,
    /// Chinese or Japanese words, marked where they stand whole (not character by character).
    literal: Vec<String>,
}

/// The best turns of one page of results, and the counts over every match.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Turn ids, best (or first in the order asked) first, one per result.
    pub turns: Vec<i64>,
    /// Passages that match, up to [`COUNT_LIMIT`].
    pub passages: u64,
    /// Results (exchanges, statements or transcripts) among them.
    pub results: u64,
    /// Whether every match was counted.
    pub complete: bool,
    /// Whether the facets were counted over a sample of the matches (each counting for as
    /// many as were skipped), so that their counts are estimates.
    pub sampled: bool,
    pub speakers: Vec<(i64, u64)>,
    pub topics: Vec<(i64, u64)>,
    pub years: Vec<(i64, u64)>,
    pub roles: Vec<(String, u64)>,
    pub languages: Vec<(String, u64)>,
}

impl Engine {
    fn languages(&self) -> Vec<&'static str> {
        self.languages
            .read()
            .map(|l| l.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The query of one word: its exact form, its stem in each language of the archive, or the
    /// speaker's name.
    fn word_query(&self, word: &str, marks: &mut Marks) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let word = fold_yo(word);
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen: HashSet<(u32, Vec<String>)> = HashSet::new();
        let exact = tokens(&mut exact_analyzer(), &word);
        if let Some(q) = sequence(f.exact, true, &exact, true) {
            if word.chars().any(is_cjk) {
                marks.literal.push(word.to_lowercase());
            } else {
                marks.exact.extend(exact.iter().map(|t| t.text.clone()));
            }
            seen.insert((0, exact.iter().map(|t| t.text.clone()).collect()));
            alternatives.push((Occur::Should, q));
        }
        let cjk = word.chars().any(is_cjk);
        for key in self.languages() {
            // Chinese and Japanese analyzers read Chinese and Japanese words; stemmers the rest.
            if cjk != matches!(key, "zh" | "pairs") {
                continue;
            }
            let Some(field) = f.stem(key) else {
                continue;
            };
            let stem = tokens(&mut stem_analyzer(key), &word);
            let texts: Vec<String> = stem.iter().map(|t| t.text.clone()).collect();
            if texts.is_empty() || !seen.insert((field.field_id() + 1, texts.clone())) {
                continue;
            }
            // A field without positions takes a word of several tokens as all of them, not
            // in a row: Jieba's words of a Chinese query overlap.
            let q = sequence(field, false, &stem, true);
            if let Some(q) = q {
                marks.stem.extend(texts);
                alternatives.push((Occur::Should, q));
            }
        }
        let names = tokens(&mut names_analyzer(), &deunicode::deunicode(&word));
        if let Some(q) = sequence(f.names, false, &names, true) {
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(q, NAME_BOOST))));
        }
        match alternatives.len() {
            0 => None,
            _ => Some(Box::new(BooleanQuery::new(alternatives))),
        }
    }

    /// The query a read search stands for; `None` when it holds nothing to look for.
    pub fn query(&self, node: &Node, marks: &mut Marks) -> Option<Box<dyn Query>> {
        let f = self.fields;
        match node {
            Node::Word {
                text,
                prefix: false,
            } => self.word_query(text, marks),
            Node::Word { text, prefix: true } => {
                let folded = tokens(&mut exact_analyzer(), &fold_yo(text));
                let stem = folded.first()?.text.clone();
                let pattern = format!("{}.*", regex_syntax_escape(&stem));
                marks.prefixes.push(stem);
                RegexQuery::from_pattern(&pattern, f.exact)
                    .ok()
                    .map(|q| Box::new(q) as Box<dyn Query>)
            }
            Node::Phrase(words) => {
                let joined = fold_yo(&words.join(" ")).into_owned();
                let exact = tokens(&mut exact_analyzer(), &joined);
                if joined.chars().any(is_cjk) {
                    marks.literal.push(words.concat().to_lowercase());
                } else {
                    marks.exact.extend(exact.iter().map(|t| t.text.clone()));
                }
                sequence(f.exact, true, &exact, false)
            }
            Node::And(parts) => {
                let mut clauses = Vec::new();
                for p in parts {
                    match p {
                        Node::Not(inner) => {
                            let mut ignored = Marks::default();
                            if let Some(q) = self.query(inner, &mut ignored) {
                                clauses.push((Occur::MustNot, q));
                            }
                        }
                        p => {
                            if let Some(q) = self.query(p, marks) {
                                clauses.push((Occur::Must, q));
                            }
                        }
                    }
                }
                clauses
                    .iter()
                    .any(|c| c.0 == Occur::Must)
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            Node::Or(parts) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = parts
                    .iter()
                    .filter_map(|p| self.query(p, marks).map(|q| (Occur::Should, q)))
                    .collect();
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            Node::Not(_) => None,
        }
    }

    /// The query narrowed by filters that do not count in the ranking.
    fn filtered(&self, query: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        let mut term = |field: Field, value: u64| {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_u64(field, value),
                        IndexRecordOption::Basic,
                    )),
                    0.0,
                )),
            ));
        };
        if let Some(s) = filters.speaker {
            term(f.speaker, s as u64);
        }
        if let Some(t) = filters.topic {
            term(f.topic, t as u64);
        }
        if let Some(r) = &filters.role {
            term(f.role, role_code(r));
        }
        if let Some(l) = &filters.lang {
            term(f.lang, lang_code(l));
        }
        if filters.from.is_some() || filters.to.is_some() {
            use std::ops::Bound;
            let lower = filters.from.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_i64(f.date, d))
            });
            let upper = filters.to.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_i64(f.date, d))
            });
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(RangeQuery::new(lower, upper)),
                    0.0,
                )),
            ));
        }
        if clauses.len() == 1 {
            return clauses.remove(0).1;
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// One page of results for a query: the best (or first, in the order asked) turn of each
    /// result, and counts over every match up to [`COUNT_LIMIT`].
    pub fn search(
        &self,
        query: Box<dyn Query>,
        filters: &Filters,
        page: &Page,
    ) -> SearchResult<Found> {
        let Page {
            sort,
            group,
            offset,
            limit,
            facets,
        } = *page;
        let query = self.filtered(query, filters);
        let searcher = self.reader.searcher();
        let wanted = offset + limit;
        // Each result is a group of turns: more turns than results are read, and more again
        // when the groups were larger than that.
        let mut fetch = wanted * 3 + 10;
        let mut turns = Vec::new();
        loop {
            let docs: Vec<DocAddress> = match sort {
                Sort::Relevance => addresses(
                    searcher.search(&query, &TopDocs::with_limit(fetch).order_by_score())?,
                ),
                Sort::Newest | Sort::Oldest => {
                    let (key, order) = if sort == Sort::Newest {
                        ("newest", Order::Desc)
                    } else {
                        ("oldest", Order::Asc)
                    };
                    addresses(searcher.search(
                        &query,
                        &TopDocs::with_limit(fetch).order_by_fast_field::<u64>(key, order),
                    )?)
                }
            };
            let mut seen = HashSet::new();
            turns.clear();
            let mut columns: HashMap<u32, [Column<u64>; 3]> = HashMap::new();
            for a in &docs {
                let [turn, unit, tid] = match columns.entry(a.segment_ord) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let ff = searcher.segment_reader(a.segment_ord).fast_fields();
                        v.insert([ff.u64("turn")?, ff.u64("unit")?, ff.u64("tid")?])
                    }
                };
                let key = match group {
                    Group::Exchange => unit.first(a.doc_id),
                    Group::Transcript => tid.first(a.doc_id),
                };
                if let (Some(key), Some(turn)) = (key, turn.first(a.doc_id))
                    && seen.insert(key)
                {
                    turns.push(turn as i64);
                }
            }
            if turns.len() >= wanted || docs.len() < fetch || fetch >= 200_000 {
                break;
            }
            fetch = (fetch * 4).min(200_000);
        }
        let page: Vec<i64> = turns.into_iter().skip(offset).take(limit).collect();
        let mut found = Found {
            turns: page,
            ..Default::default()
        };
        self.count(&searcher, &*query, group, facets, &mut found)?;
        Ok(found)
    }

    /// Counts passages and results and tallies facets over every match, up to [`COUNT_LIMIT`]
    /// passages: the match is walked without scoring and stops there.
    fn count(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        group: Group,
        facets: bool,
        found: &mut Found,
    ) -> SearchResult<()> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        // Fx hashing: these keys are ids, not input an attacker chooses freely, and SipHash
        // was most of the cost of counting.
        let mut speakers: FxHashMap<u64, u64> = FxHashMap::default();
        let mut topics: FxHashMap<u64, u64> = FxHashMap::default();
        let mut years: FxHashMap<i64, u64> = FxHashMap::default();
        let mut roles = [0u64; 5];
        let mut langs: FxHashMap<u64, u64> = FxHashMap::default();
        let mut passages = 0u64;
        let mut complete = true;
        // First the passages and results, then the facets over a sample of them: every
        // passage up to FACET_SAMPLE, else every k-th, each counting k.
        // A transcript's turns are written one after another, so the keys of results come
        // almost in order: each is kept once in a row, and all are sorted once at the end (a
        // result whose turns lie in two segments counts once).
        let mut keys: Vec<u64> = Vec::new();
        'segments: for segment in searcher.segment_readers() {
            let unit = segment.fast_fields().u64(match group {
                Group::Exchange => "unit",
                Group::Transcript => "tid",
            })?;
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    if passages >= COUNT_LIMIT {
                        complete = false;
                        break 'segments;
                    }
                    passages += 1;
                    if let Some(u) = unit.first(doc)
                        && keys.last() != Some(&u)
                    {
                        keys.push(u);
                    }
                }
                doc = scorer.advance();
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let results = keys.len() as u64;
        let stride = passages.div_ceil(FACET_SAMPLE).max(1);
        let mut seen = 0u64;
        'sample: for segment in searcher.segment_readers() {
            if !facets {
                break;
            }
            let ff = segment.fast_fields();
            let speaker = ff.u64("speaker")?;
            let topic = ff.u64("topic")?;
            let date = ff.i64("date")?;
            let role = ff.u64("role")?;
            let lang = ff.u64("lang")?;
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    if seen >= passages {
                        break 'sample;
                    }
                    seen += 1;
                    if seen.is_multiple_of(stride) {
                        if let Some(s) = speaker.first(doc) {
                            *speakers.entry(s).or_default() += stride;
                        }
                        for t in topic.values_for_doc(doc) {
                            *topics.entry(t).or_default() += stride;
                        }
                        if let Some(d) = date.first(doc) {
                            *years.entry(d / 10_000).or_default() += stride;
                        }
                        if let Some(r) = role.first(doc) {
                            roles[(r as usize).min(4)] += stride;
                        }
                        if let Some(l) = lang.first(doc) {
                            *langs.entry(l).or_default() += stride;
                        }
                    }
                }
                doc = scorer.advance();
            }
        }
        found.sampled = stride > 1;
        found.passages = passages;
        found.results = results;
        found.complete = complete;
        let roles: FxHashMap<u64, u64> = (1..5u64)
            .filter(|r| roles[*r as usize] > 0)
            .map(|r| (r, roles[r as usize]))
            .collect();
        let top = |m: FxHashMap<u64, u64>, n: usize| {
            let mut v: Vec<(u64, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(n);
            v
        };
        found.speakers = top(speakers, 10)
            .into_iter()
            .map(|(k, c)| (k as i64, c))
            .collect();
        found.topics = top(topics, 10)
            .into_iter()
            .map(|(k, c)| (k as i64, c))
            .collect();
        let mut years: Vec<(i64, u64)> = years.into_iter().filter(|(y, _)| *y > 0).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        found.years = years;
        found.roles = top(roles, 4)
            .into_iter()
            .map(|(k, c)| (role_name(k).to_string(), c))
            .collect();
        found.languages = top(langs, 12)
            .into_iter()
            .map(|(k, c)| (lang_name(k), c))
            .filter(|(l, _)| !l.is_empty())
            .collect();
        Ok(())
    }

    /// The turns that hold most of a quote's words (at least half of them), best first.
    pub fn quote_candidates(
        &self,
        quote: &[super::quote::Unit],
        filters: &Filters,
        limit: usize,
    ) -> SearchResult<Vec<i64>> {
        let f = self.fields;
        let terms: BTreeSet<String> = quote
            .iter()
            .flat_map(|u| tokens(&mut exact_analyzer(), &u.folded))
            .map(|t| t.text)
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let clauses: Vec<Box<dyn Query>> = terms
            .iter()
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.exact, t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        let needed = terms.len().div_ceil(2);
        let query = self.filtered(
            Box::new(BooleanQuery::union_with_minimum_required_clauses(
                clauses, needed,
            )),
            filters,
        );
        let searcher = self.reader.searcher();
        let docs = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::new();
        for (_, a) in docs {
            let turn = searcher
                .segment_reader(a.segment_ord)
                .fast_fields()
                .u64("turn")?;
            if let Some(t) = turn.first(a.doc_id) {
                out.push(t as i64);
            }
        }
        Ok(out)
    }

    /// A passage of `text` around what the query looks for, matches between `\u{1}` and
    /// `\u{2}`, about `width` characters long.
    pub fn snippet(&self, text: &str, lang: &str, marks: &Marks, width: usize) -> String {
        let folded = fold_yo(text);
        // Folding `ё` keeps byte lengths, so offsets into the folded text fit the original.
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let key = analyzer_key(lang);
        let stems_by_word = !matches!(key, "zh" | "pairs");
        let heads: HashSet<String> = marks
            .stem
            .iter()
            .map(|m| m.chars().take(2).collect())
            .collect();
        let mut stemmer = stem_analyzer(key);
        for t in tokens(&mut exact_analyzer(), &folded) {
            let marked = marks.exact.contains(&t.text)
                || marks
                    .prefixes
                    .iter()
                    .any(|p| t.text.starts_with(p.as_str()))
                // Another form of a word looked for: only words that begin as one of the
                // stems does are stemmed, which keeps a long passage cheap to mark.
                || (stems_by_word
                    && heads.contains(&t.text.chars().take(2).collect::<String>())
                    && tokens(&mut stemmer, &folded[t.offset_from..t.offset_to])
                        .iter()
                        .any(|s| marks.stem.contains(&s.text)));
            if marked {
                ranges.push((t.offset_from, t.offset_to));
            }
        }
        for word in &marks.literal {
            if word.is_empty() {
                continue;
            }
            ranges.extend(
                folded
                    .match_indices(word.as_str())
                    .map(|(i, w)| (i, i + w.len())),
            );
        }
        if !stems_by_word {
            for t in tokens(&mut stemmer, &folded) {
                if marks.stem.contains(&t.text) {
                    ranges.push((t.offset_from, t.offset_to));
                }
            }
        }
        ranges.sort();
        ranges.dedup();
        // Overlapping marks (a jieba word inside another) are joined.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        passage(text, &merged, width)
    }
}

/// A stretch of `text` about `width` characters long holding the most of `marks` (byte ranges,
/// sorted), cut at spaces, with the marks between `\u{1}` and `\u{2}`.
pub fn passage(text: &str, marks: &[(usize, usize)], width: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.is_empty() {
        return String::new();
    }
    let width_bytes = |from: usize| -> usize {
        // The byte where `width` characters from `from` end.
        let start = chars.partition_point(|(i, _)| *i < from);
        chars.get(start + width).map_or(text.len(), |(i, _)| *i)
    };
    // The window starting a little before the mark that begins the densest stretch.
    let mut best = (0usize, 0usize);
    for (i, m) in marks.iter().enumerate() {
        let end = width_bytes(m.0);
        let count = marks[i..].iter().take_while(|n| n.1 <= end).count();
        if count > best.1 {
            best = (i, count);
        }
    }
    let mut start = 0;
    if let Some(m) = marks.get(best.0) {
        let at = chars.partition_point(|(i, _)| *i < m.0);
        start = chars[at.saturating_sub(width / 4)].0;
    }
    let mut end = width_bytes(start);
    // Cut at spaces where there are any near the edges.
    if start > 0
        && let Some(sp) = text[start..]
            .find(char::is_whitespace)
            .filter(|sp| *sp < 30)
    {
        start += sp + 1;
    }
    if end < text.len()
        && let Some(sp) = text[start..end]
            .rfind(char::is_whitespace)
            .filter(|sp| end - start - sp < 30)
    {
        end = start + sp;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(from, to) in marks {
        if to <= start || from >= end {
            continue;
        }
        let (from, to) = (from.max(start), to.min(end));
        out.push_str(&text[at..from]);
        out.push('\u{1}');
        out.push_str(&text[from..to]);
        out.push('\u{2}');
        at = to;
    }
    out.push_str(&text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out.replace('\n', " ")
}

/// The documents of a top-k list, in its order.
fn addresses<K>(ranked: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    ranked.into_iter().map(|(_, a)| a).collect()
}

/// A term query for one token; for several, a phrase on a field with positions (`exact`), else
/// all of them; `None` for none.
fn sequence(
    field: Field,
    positions: bool,
    tokens: &[Token],
    scored_freqs: bool,
) -> Option<Box<dyn Query>> {
    let term = |t: &Token, option| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &t.text),
            option,
        ))
    };
    let option = if scored_freqs {
        IndexRecordOption::WithFreqs
    } else {
        IndexRecordOption::WithFreqsAndPositions
    };
    match tokens {
        [] => None,
        [one] => Some(term(one, option)),
        many if positions => Some(Box::new(PhraseQuery::new(
            many.iter()
                .map(|t| Term::from_field_text(field, &t.text))
                .collect(),
        ))),
        many => Some(Box::new(BooleanQuery::new(
            many.iter()
                .map(|t| (Occur::Must, term(t, IndexRecordOption::WithFreqs)))
                .collect(),
        ))),
    }
}

/// Escapes a folded word for a regular expression of the term dictionary.
fn regex_syntax_escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

/// The turn ids the index holds, for checks that it agrees with the database.
pub fn stored_turns(engine: &Engine) -> SearchResult<Vec<u64>> {
    let searcher = engine.reader.searcher();
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let turn = segment.fast_fields().u64("turn")?;
        for doc in 0..segment.max_doc() {
            if !segment.is_deleted(doc)
                && let Some(t) = turn.first(doc)
            {
                out.push(t);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        tokens(analyzer, text)
            .into_iter()
            .map(|t| (t.text, t.offset_from, t.offset_to, t.position))
            .collect()
    }

    #[test]
    fn chinese_characters_are_words_of_their_own_or_overlapping_pairs() {
        let text = "Mao Ning: 外交部 said 好.";
        let own = |s: &str, from: usize| (s.to_string(), from, from + s.len());
        let singles: Vec<_> = spans(&mut exact_analyzer(), text)
            .into_iter()
            .map(|(t, f, to, _)| (t, f, to))
            .collect();
        assert_eq!(
            singles,
            [
                own("mao", 0),
                own("ning", 4),
                own("外", 10),
                own("交", 13),
                own("部", 16),
                own("said", 20),
                own("好", 25),
            ]
        );
        let pairs = spans(&mut stem_analyzer("pairs"), text);
        let words: Vec<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
        // A run of one character stays one word; a longer run is read in overlapping pairs.
        assert_eq!(words, ["mao", "ning", "外交", "交部", "said", "好"]);
        assert_eq!((pairs[2].1, pairs[2].2), (10, 16));
        let positions: Vec<usize> = pairs.iter().map(|p| p.3).collect();
        assert_eq!(positions, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn remembered_stems_are_the_stems_the_snowball_filter_makes() {
        let text = "The ministers' negotiations continued; negotiating, they negotiated \
                    sanctions and sanctioned nothing. Переговоры министров продолжились: \
                    переговорами, переговорах. Les négociations continuent.";
        for (key, language) in [
            ("en", Language::English),
            ("ru", Language::Russian),
            ("fr", Language::French),
        ] {
            let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(60))
                .filter(LowerCaser)
                .filter(tantivy::tokenizer::Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build();
            let mut remembering = stem_analyzer(key);
            let want = spans(&mut reference, text);
            // Read twice by one analyzer: the second time every stem is remembered.
            assert_eq!(spans(&mut remembering, text), want, "{key}");
            assert_eq!(spans(&mut remembering, text), want, "{key}");
        }
    }
}

//! Search as analysts ask it, through the search engine on a real archive (the White House,
//! kremlin.ru and Chinese MFA samples, and the seed): names in the query, the speaker filter by
//! name, other forms of words in English, Russian and Chinese, exact phrases, quotations, orders,
//! grouping and facets, and an index that follows the database.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;
use stenogram::search::engine::Engine;
use stenogram::search::{self, Params, Results, indexed};
use stenogram::store;

struct Archive {
    pool: SqlitePool,
    engine: Arc<Engine>,
    _dir: tempfile::TempDir,
}

async fn archive(parts: &[&str]) -> Archive {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let pool = store::open(&db).await.unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let paths: Vec<_> = parts.iter().map(|p| root.join(p)).collect();
    let summary = stenogram::commands::import(&pool, &paths).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let engine = Engine::open(&pool, Some(&stenogram::search::engine::index_dir(&db)))
        .await
        .unwrap();
    let indexed = engine.sync(&pool).await.unwrap();
    assert_eq!(indexed as i64, summary.imported as i64);
    Archive {
        pool,
        engine,
        _dir: dir,
    }
}

async fn everything() -> Archive {
    archive(&[
        "seed",
        "wh-briefings/press-briefings",
        "kremlin-sample",
        "china-mfa-zh",
    ])
    .await
}

fn params(q: &str) -> Params {
    Params {
        q: q.into(),
        ..Default::default()
    }
}

impl Archive {
    async fn find(&self, p: &Params) -> Results {
        let r = indexed::find(&self.pool, Some(&self.engine), p)
            .await
            .unwrap();
        assert_eq!(r.engine, "index", "{p:?}");
        r
    }
    async fn q(&self, q: &str) -> Results {
        self.find(&params(q)).await
    }
}

#[tokio::test]
async fn a_speakers_name_in_the_query_finds_what_they_said_first() {
    let a = everything().await;
    for (q, speaker, word) in [
        ("Lavrov Minsk", "Sergey Lavrov", "minsk"),
        ("Psaki Nord Stream", "Jen Psaki", "nord"),
        // A Chinese name written in pinyin finds the spokeswoman's own answers.
        ("Zhao Lijian 香港", "赵立坚", "香港"),
    ] {
        let r = a.q(q).await;
        assert!(!r.hits.is_empty(), "{q}: nothing found");
        assert_eq!(r.hits[0].speaker, speaker, "{q}: {:?}", r.hits[0]);
        assert!(
            r.hits[0].snippet.to_lowercase().contains(word),
            "{q}: {}",
            r.hits[0].snippet
        );
    }
    // Before, only the text was searched: the same words without the name find fewer of
    // the speaker's turns first, and the name alone is not in Lavrov's text.
    let fts = search::search(&a.pool, &params("Lavrov Minsk"))
        .await
        .unwrap();
    assert!(
        fts.hits.iter().all(|h| h.speaker != "Sergey Lavrov") || fts.hits.is_empty(),
        "SQLite's index reads no labels: {:?}",
        fts.hits.first()
    );
}

#[tokio::test]
async fn the_speaker_filter_takes_a_name_and_says_when_no_speaker_has_it() {
    let a = everything().await;
    let mut p = params("sanctions");
    p.speaker = Some("Vladimir Putin".into());
    let r = a.find(&p).await;
    assert_eq!(r.speaker.as_ref().unwrap().slug, "vladimir-putin");
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.speaker_slug == "vladimir-putin"));
    // The slug and a label as printed name the same speaker.
    p.speaker = Some("vladimir-putin".into());
    assert_eq!(a.find(&p).await.total, r.total);

    p.speaker = Some("Vladimir Puttin".into());
    let none = a.find(&p).await;
    assert!(none.hits.is_empty());
    assert!(
        none.notice
            .as_deref()
            .unwrap()
            .contains("No speaker is called")
    );
    assert!(
        none.suggestions.iter().any(|s| s.slug == "vladimir-putin"),
        "{:?}",
        none.suggestions
    );
}

#[tokio::test]
async fn the_topic_filter_takes_any_name_of_a_place_and_the_speaker_filter_never_does() {
    let a = everything().await;
    let mut p = params("sanctions");
    p.topic = Some("russia".into());
    let by_slug = a.find(&p).await;
    assert_eq!(by_slug.topic.as_ref().unwrap().slug, "russia");
    assert!(by_slug.total > 0);
    for other in ["Россия", "俄罗斯", "Russian Federation", "Russland"] {
        p.topic = Some(other.into());
        let r = a.find(&p).await;
        assert_eq!(
            r.topic.as_ref().map(|t| t.slug.as_str()),
            Some("russia"),
            "{other}"
        );
        assert_eq!(r.total, by_slug.total, "{other}");
    }
    // A place is no speaker: the filter says so rather than narrowing to anything.
    let mut p = params("sanctions");
    p.speaker = Some("Россия".into());
    let r = a.find(&p).await;
    assert!(r.speaker.is_none() && r.hits.is_empty());
    assert!(
        r.notice
            .as_deref()
            .unwrap()
            .contains("No speaker is called")
    );
}

#[tokio::test]
async fn other_forms_of_a_word_are_found_in_english_russian_and_chinese() {
    let a = everything().await;
    let one = a.q("sanction").await;
    let many = a.q("sanctions").await;
    assert_eq!(
        one.total, many.total,
        "sanction and sanctions find the same"
    );
    let exact_only = search::search(&a.pool, &params("sanction")).await.unwrap();
    assert!(
        one.total > exact_only.total * 2,
        "{} vs {}",
        one.total,
        exact_only.total
    );
    // The exact form is marked, as is the other form.
    assert!(one.hits.iter().any(|h| h.snippet.contains("«sanctions»")));

    // Russian: three cases of one noun, and ё written as е.
    let ru = "Стенограмма\n\nВопрос: Что вы скажете о новых санкциях?\n\nС.В.Лавров: Санкции не работают. Ёлка стоит.\n\nВопрос: А о санкций против банков?\n\nС.В.Лавров: Мы ответим санкциями, если будет нужно.\n";
    store::write::import_bytes(&a.pool, ru.as_bytes(), Some("ru.txt"), None, None)
        .await
        .unwrap();
    let mut answers = params("санкции");
    answers.role = Some("answer".into());
    let r = a.find(&answers).await;
    assert_eq!(
        a.q("санкции").await.matches,
        4,
        "every case, in questions and answers"
    );
    let forms: Vec<&str> = r.hits.iter().map(|h| h.snippet.as_str()).collect();
    for form in ["«Санкции»", "«санкциями»"] {
        assert!(
            forms.iter().any(|s| s.contains(form)),
            "{form} in {forms:?}"
        );
    }
    assert_eq!(a.q("елка").await.total, 1);

    // Chinese: a word inside a sentence, marked whole.
    let zh = a.q("香港").await;
    assert!(zh.total > 0);
    assert!(
        zh.hits.iter().all(|h| h.snippet.contains("«香港»")),
        "{:?}",
        zh.hits
    );
    assert!(!zh.hits.iter().any(|h| h.snippet.contains("«港»")));
}

#[tokio::test]
async fn exact_phrases_stay_exact_and_prefixes_expand() {
    let a = everything().await;
    let phrase = a.q("\"Minsk agreements\"").await;
    let words = a.q("Minsk agreements").await;
    assert!(
        phrase.total > 0 && phrase.total < words.total,
        "{} {}",
        phrase.total,
        words.total
    );
    for h in &phrase.hits {
        assert!(
            h.snippet.to_lowercase().contains("«minsk» «agreements»"),
            "{}",
            h.snippet
        );
    }
    let prefix = a.q("sanction*").await;
    assert!(prefix.total >= a.q("sanctioned").await.total);
    let not = a.q("sanctions NOT oil").await;
    assert!(not.total < many(&a, "sanctions").await);
    assert!(
        not.hits
            .iter()
            .all(|h| !h.snippet.to_lowercase().contains("oil"))
    );
    let relaxed = a.q("\"unbalanced sanctions").await;
    assert!(relaxed.relaxed);
}

async fn many(a: &Archive, q: &str) -> i64 {
    a.q(q).await.total
}

#[tokio::test]
async fn a_quotation_with_a_word_changed_finds_its_exchange() {
    let a = everything().await;
    // A sentence Lavrov said, as a reporter might have written it down: one word changed,
    // one left out, other punctuation.
    let (url, text): (String, String) = sqlx::query_as(
        "SELECT '/transcripts/' || tr.slug || '/questions/' || t.exchange, t.paragraphs FROM turn t \
         JOIN transcript tr ON tr.id = t.transcript_id JOIN speaker s ON s.id = t.speaker_id \
         WHERE s.slug = 'sergey-lavrov' AND t.exchange IS NOT NULL AND t.paragraphs LIKE '%Anchorage%' LIMIT 1",
    )
    .fetch_one(&a.pool)
    .await
    .unwrap();
    assert!(text.contains("the key provisions of Donald Trump’s plan are based on the understandings reached at the Russian-US summit in Anchorage"));
    let quote = "the main provisions of Donald Trump's plan are based on understandings reached at the Russian US summit in Anchorage";
    let mut p = params("");
    p.quote = Some(quote.into());
    let r = a.find(&p).await;
    assert_eq!(r.order, "closeness");
    let first = &r.hits[0];
    assert_eq!(first.url, url);
    let closeness = first.closeness.unwrap();
    assert!((0.85..1.0).contains(&closeness), "{closeness}");
    assert!(
        first
            .snippet
            .contains("«the key provisions of Donald Trump’s plan"),
        "{}",
        first.snippet
    );
}

#[tokio::test]
async fn results_sort_by_date_group_by_transcript_and_facets_narrow_to_their_counts() {
    let a = everything().await;
    let mut p = params("sanctions");
    p.sort = Some("newest".into());
    let newest = a.find(&p).await;
    let dates: Vec<String> = newest
        .hits
        .iter()
        .map(|h| h.date.clone().unwrap_or_default())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    p.sort = Some("oldest".into());
    let oldest = a.find(&p).await;
    let dates: Vec<String> = oldest
        .hits
        .iter()
        .map(|h| h.date.clone().unwrap_or_default())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert_eq!(newest.total, oldest.total);

    p.sort = None;
    p.group = Some("transcript".into());
    let grouped = a.find(&p).await;
    let slugs: std::collections::HashSet<_> = grouped.hits.iter().map(|h| h.slug.clone()).collect();
    assert_eq!(slugs.len(), grouped.hits.len(), "one hit a transcript");
    assert!(grouped.total < newest.total);

    // A facet's count is what narrowing by it finds.
    let r = a.q("sanctions").await;
    let facets = r.facets.unwrap();
    assert!(!facets.partial);
    let top = &facets.speakers[0];
    let mut narrowed = params("sanctions");
    narrowed.speaker = Some(top.value.clone());
    assert_eq!(a.find(&narrowed).await.matches as u64, top.count);
    let year = &facets.years[0];
    let mut by_year = params("sanctions");
    by_year.from = Some(year.value.clone());
    by_year.to = Some(year.value.clone());
    let in_year = a.find(&by_year).await;
    assert_eq!(in_year.matches as u64, year.count);
    assert!(
        in_year
            .hits
            .iter()
            .all(|h| h.date.as_deref().unwrap_or("").starts_with(&year.value))
    );
    let role = &facets.roles[0];
    let mut by_role = params("sanctions");
    by_role.role = Some(role.value.clone());
    assert_eq!(a.find(&by_role).await.matches as u64, role.count);
}

#[tokio::test]
async fn the_index_follows_the_database_and_never_shows_what_it_no_longer_holds() {
    let a = archive(&["seed", "kremlin-sample"]).await;
    // A change to a turn reaches the index through the triggers, at the next search.
    sqlx::query(
        "UPDATE turn SET paragraphs = json_array('The zebrafinch accord was signed.') \
         WHERE id = (SELECT min(id) FROM turn WHERE role = 'answer')",
    )
    .execute(&a.pool)
    .await
    .unwrap();
    assert_eq!(a.q("zebrafinch").await.total, 1);
    // Turns gone from the database (here without telling the index) are never shown.
    let slug = a.q("zebrafinch").await.hits[0].slug.clone();
    sqlx::query(
        "DELETE FROM turn WHERE transcript_id = (SELECT id FROM transcript WHERE slug = ?)",
    )
    .bind(&slug)
    .execute(&a.pool)
    .await
    .unwrap();
    let r = a.q("zebrafinch").await;
    assert!(r.hits.is_empty(), "{:?}", r.hits);
    // An index made anew beside a copy of the database (a restored backup) is built whole.
    let fresh = tempfile::tempdir().unwrap();
    let other = Engine::open(&a.pool, Some(fresh.path())).await;
    // The first engine holds nothing of the new directory: a second one opens.
    let other = other.unwrap();
    assert!(!other.is_built());
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    assert_eq!(other.sync(&a.pool).await.unwrap() as i64, all);
    assert!(other.is_built());
}

#[tokio::test]
async fn a_read_only_replica_makes_its_own_index_and_answers_as_the_primary() {
    let a = archive(&["seed", "kremlin-sample"]).await;
    let db = a._dir.path().join("archive.db");
    let before: Vec<(i64, i64)> = sqlx::query_as("SELECT transcript_id, seq FROM search_change")
        .fetch_all(&a.pool)
        .await
        .unwrap();
    let replica_pool = store::maintain::open_read_only(&db).await.unwrap();
    let own = tempfile::tempdir().unwrap();
    let replica = Engine::open_replica(&replica_pool, &own.path().join("index"))
        .await
        .unwrap();
    assert!(!replica.is_built());
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM transcript")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    assert_eq!(
        replica.pending(&replica_pool, 1_000_000).await.unwrap(),
        all
    );
    assert_eq!(replica.sync(&replica_pool).await.unwrap() as i64, all);
    assert!(replica.is_built());
    assert_eq!(replica.turns(), a.engine.turns());
    for q in ["sanctions", "Lavrov Minsk", "\"United States\""] {
        let primary = a.q(q).await;
        let copy = indexed::find(&replica_pool, Some(&replica), &params(q))
            .await
            .unwrap();
        assert_eq!(copy.engine, primary.engine, "{q}");
        assert_eq!(copy.total, primary.total, "{q}");
        let slugs = |r: &Results| r.hits.iter().map(|h| h.slug.clone()).collect::<Vec<_>>();
        assert_eq!(slugs(&copy), slugs(&primary), "{q}");
    }
    // It wrote nothing to the database.
    let after: Vec<(i64, i64)> = sqlx::query_as("SELECT transcript_id, seq FROM search_change")
        .fetch_all(&a.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    // A change to the archive under it (a new restore) is seen and read again.
    assert!(!replica.follow(&replica_pool).await.unwrap());
    sqlx::query("DELETE FROM transcript WHERE id = (SELECT min(id) FROM transcript)")
        .execute(&a.pool)
        .await
        .unwrap();
    assert!(replica.follow(&replica_pool).await.unwrap());
    assert!(!replica.is_built());
    assert_eq!(replica.sync(&replica_pool).await.unwrap() as i64, all - 1);
    // A folder that cannot be made (a file is in the way): the index is kept in memory.
    let blocked = own.path().join("a-file");
    std::fs::write(&blocked, b"").unwrap();
    let in_memory = Engine::open_replica(&replica_pool, &blocked.join("index"))
        .await
        .unwrap();
    assert!(in_memory.dir.is_none());
    assert_eq!(in_memory.sync(&replica_pool).await.unwrap() as i64, all - 1);
    // Reopened on the same archive, its index is kept.
    drop(replica);
    let again = Engine::open_replica(&replica_pool, &own.path().join("index"))
        .await
        .unwrap();
    assert!(again.is_built());
}

#[tokio::test]
async fn a_bulk_import_feeds_the_index_as_it_stores_and_leaves_nothing_to_catch_up() {
    let parts = ["seed", "wh-briefings", "kremlin-sample", "china-mfa-zh"];
    // The same files, indexed after the import (as an archive's search catches up) ...
    let after = archive(&parts).await;
    // ... and fed to the index as the import stores them.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let pool = store::open(&db).await.unwrap();
    let engine = Engine::open(&pool, Some(&stenogram::search::engine::index_dir(&db)))
        .await
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let paths: Vec<_> = parts.iter().map(|p| root.join(p)).collect();
    let summary = stenogram::commands::import_indexing(&pool, &paths, Some(engine.clone())).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.index_failed, None);
    // Several groups were fed, and the engine read every imported transcript.
    assert!(summary.imported > 100, "{}", summary.imported);
    assert_eq!(summary.indexed, summary.imported);
    // What changed after it was read (a speaker named better by a later file, a translation
    // linked) still waits, and only that: the changes the feed read were forgotten.
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM search_change")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(waiting < summary.imported as i64 / 10, "{waiting} waiting");
    assert_eq!(engine.sync(&pool).await.unwrap() as i64, waiting);
    assert_eq!(engine.turns(), after.engine.turns());
    let fed = Archive {
        pool,
        engine,
        _dir: dir,
    };
    // The same counts, and on a single page the same results (on a longer list, results that
    // score alike may take their places in either order).
    let mut single_pages = 0;
    for q in [
        "sanctions",
        "Lavrov Minsk",
        "\"United States\"",
        "外交部",
        "Putin",
        "Orban",
        "zebra",
    ] {
        let (a, b) = (after.q(q).await, fed.q(q).await);
        assert_eq!(a.total, b.total, "{q}");
        if a.total > 0 && a.total as usize <= a.hits.len() {
            single_pages += 1;
            let slugs = |r: &Results| {
                let mut s: Vec<String> = r.hits.iter().map(|h| h.slug.clone()).collect();
                s.sort();
                s
            };
            assert_eq!(slugs(&a), slugs(&b), "{q}");
        }
    }
    assert!(single_pages > 0);
}

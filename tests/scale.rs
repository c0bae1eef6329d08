//! What keeps pages fast at any size, checked for what it answers: counts kept by the
//! database's triggers and the writers agree with counting the rows, lists come in the order promised, every
//! query a page makes reads an index, and search's two ways of listing newest first agree.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use sqlx::SqlitePool;
use stenogram::search::{self, Params, Tuning};
use stenogram::store::read::{self, ListFilter};

async fn sample(pool: &SqlitePool) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let summary = stenogram::commands::import(
        pool,
        &[root.join("seed"), root.join("wh-briefings/press-briefings")],
    )
    .await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(summary.imported > 50, "{}", summary.imported);
}

/// Every speaker's counts as the statistics hold them and as counting the turns gives them.
async fn stats_agree(pool: &SqlitePool) {
    let kept: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT speaker_id, answers, statements, questions, transcripts FROM speaker_stat WHERE turns > 0 ORDER BY speaker_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let counted: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT speaker_id, sum(role = 'answer'), sum(role = 'statement'), sum(role = 'question'), count(DISTINCT transcript_id) \
         FROM turn GROUP BY speaker_id ORDER BY speaker_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!counted.is_empty());
    assert_eq!(kept, counted);
    let topics_kept: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT topic_id, exchanges FROM topic_stat WHERE exchanges > 0 ORDER BY topic_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let topics_counted: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT topic_id, count(*) FROM exchange_topic GROUP BY topic_id ORDER BY topic_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(topics_kept, topics_counted);
    let months_kept: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT speaker_id, month, transcripts FROM speaker_month ORDER BY 1, 2")
            .fetch_all(pool)
            .await
            .unwrap();
    let months_counted: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT t.speaker_id, substr(tr.date, 1, 7) AS m, count(DISTINCT t.transcript_id) FROM turn t \
         JOIN transcript tr ON tr.id = t.transcript_id WHERE tr.date > '' GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!months_counted.is_empty());
    assert_eq!(months_kept, months_counted);
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM turn t JOIN transcript tr ON tr.id = t.transcript_id WHERE t.date IS NOT coalesce(tr.date, '')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stale, 0, "turns whose date is not their transcript's");
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id JOIN transcript tr ON tr.id = e.transcript_id \
         WHERE et.date IS NOT coalesce(tr.date, '')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stale, 0, "topic links whose date is not their exchange's");
}

#[sqlx::test]
async fn counts_kept_beside_the_rows_agree_with_counting_them_after_every_kind_of_write(
    pool: SqlitePool,
) {
    sample(&pool).await;
    stats_agree(&pool).await;
    // Re-reading rewrites every turn and topic.
    stenogram::store::write::reindex(&pool).await.unwrap();
    stats_agree(&pool).await;
    // An editor gives a label to another speaker and redates a transcript.
    let (transcript, label): (i64, String) = sqlx::query_as(
        "SELECT transcript_id, label FROM turn WHERE role = 'answer' AND label IS NOT NULL LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let other: i64 = sqlx::query_scalar(
        "SELECT id FROM speaker WHERE kind = 'person' AND id NOT IN (SELECT speaker_id FROM turn WHERE transcript_id = ?) LIMIT 1",
    )
    .bind(transcript)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE turn SET speaker_id = ? WHERE transcript_id = ? AND label = ?")
        .bind(other)
        .bind(transcript)
        .bind(&label)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE transcript SET date = '1999-01-02' WHERE id = ?")
        .bind(transcript)
        .execute(&pool)
        .await
        .unwrap();
    stats_agree(&pool).await;
    // An editor adds a topic to an exchange, new and existing, and takes one off.
    use stenogram::store::corrections::{self, Change, Who};
    let (slug, number): (String, i64) = sqlx::query_as(
        "SELECT tr.slug, e.number FROM exchange e JOIN transcript tr ON tr.id = e.transcript_id \
         WHERE EXISTS (SELECT 1 FROM exchange_topic WHERE exchange_id = e.id) LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let topics: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.topic_id, tp.slug FROM topic_stat s JOIN topic tp ON tp.id = s.topic_id WHERE s.exchanges > 1 ORDER BY s.exchanges DESC LIMIT 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let existing: String = sqlx::query_scalar("SELECT name FROM topic WHERE id = ?")
        .bind(topics[1].0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM transcript WHERE slug = ?")
        .bind(&slug)
        .fetch_one(&pool)
        .await
        .unwrap();
    for change in [
        Change::TopicAdd {
            exchange: number,
            name: "A topic no reading found".into(),
            kind: "theme".into(),
        },
        Change::TopicAdd {
            exchange: number,
            name: existing.clone(),
            kind: "theme".into(),
        },
        Change::TopicRemove {
            exchange: number,
            slug: topics[0].1.clone(),
        },
    ] {
        let made = corrections::correct(&pool, id, &[change], Who::default())
            .await
            .unwrap();
        assert_eq!(made, Some(1));
        stats_agree(&pool).await;
    }
    // A topic merged into another moves its exchanges.
    assert!(
        corrections::merge_topics(&pool, &topics[1].1, &topics[0].1, Who::default())
            .await
            .unwrap()
    );
    stats_agree(&pool).await;
    // A speaker merged into another, and the turns of one label of a speaker split off.
    let people: Vec<String> = sqlx::query_scalar(
        "SELECT s.slug FROM speaker s JOIN speaker_stat st ON st.speaker_id = s.id \
         WHERE s.kind = 'person' AND st.turns > 0 ORDER BY st.transcripts DESC LIMIT 3",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        corrections::merge_speakers(&pool, &people[2], &people[1], Who::default())
            .await
            .unwrap()
    );
    stats_agree(&pool).await;
    let label: String = sqlx::query_scalar(
        "SELECT t.label FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE s.slug = ? AND t.label IS NOT NULL \
         GROUP BY t.label ORDER BY count(*) LIMIT 1",
    )
    .bind(&people[1])
    .fetch_one(&pool)
    .await
    .unwrap();
    let split = corrections::split_speaker(
        &pool,
        &people[1],
        &label,
        corrections::SplitTo::New {
            name: "Someone else entirely",
            kind: stenogram::parse::SpeakerKind::Person,
        },
        Who::default(),
    )
    .await
    .unwrap();
    assert!(
        matches!(split, corrections::Split::Done { turns, .. } if turns > 0),
        "{split:?}"
    );
    stats_agree(&pool).await;
}

#[sqlx::test]
async fn lists_come_most_active_first_and_filters_narrow_them(pool: SqlitePool) {
    sample(&pool).await;
    let all = read::speakers(&pool, &ListFilter::default(), 0, 1000)
        .await
        .unwrap();
    assert!(all.len() > 10);
    // Most active is by every turn, remarks too: the kept totals come in order.
    let totals: Vec<i64> = sqlx::query_scalar(
        "SELECT turns FROM speaker_stat WHERE turns > 0 ORDER BY turns DESC, speaker_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(totals.len(), all.len());
    assert!(totals.windows(2).all(|w| w[0] >= w[1]));
    let people = ListFilter {
        kind: Some("person".into()),
        ..Default::default()
    };
    let listed = read::speakers(&pool, &people, 0, 1000).await.unwrap();
    assert!(!listed.is_empty() && listed.iter().all(|s| s.kind == "person"));
    assert_eq!(
        read::count_speakers(&pool, &people).await.unwrap(),
        listed.len() as i64
    );
    let letter = ListFilter {
        kind: Some("person".into()),
        letter: Some('j'),
        ..Default::default()
    };
    let js = read::speakers(&pool, &letter, 0, 1000).await.unwrap();
    assert!(!js.is_empty());
    assert!(
        js.iter().all(|s| s.name.to_lowercase().starts_with('j')),
        "{js:?}"
    );
    let text = ListFilter {
        text: Some("PIERRE".into()),
        ..Default::default()
    };
    let found = read::speakers(&pool, &text, 0, 10).await.unwrap();
    assert!(
        found.iter().any(|s| s.name.contains("Jean-Pierre")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|s| s.name.to_lowercase().contains("pierre"))
    );
    // A filter's wildcard characters are only characters.
    let wild = ListFilter {
        text: Some("%".into()),
        ..Default::default()
    };
    assert_eq!(read::count_speakers(&pool, &wild).await.unwrap(), 0);
    // The most active person's turns: newest first, page after page without a repeat.
    let top = &listed[0];
    let first = read::speaker_turns(&pool, top.id, 0, 20).await.unwrap();
    let second = read::speaker_turns(&pool, top.id, 20, 20).await.unwrap();
    let dates: Vec<String> = first
        .iter()
        .chain(&second)
        .map(|t| t.date.clone().unwrap_or_default())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(first.iter().all(|a| {
        !second
            .iter()
            .any(|b| a.slug == b.slug && a.position == b.position)
    }));
    // The questions put to them are questions of exchanges they answered.
    let questions = read::questions_to(&pool, top.id, 10).await.unwrap();
    assert!(!questions.is_empty());
    for q in &questions {
        assert_eq!(q.role, "question");
        let answered: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM turn t JOIN transcript tr ON tr.id = t.transcript_id WHERE tr.slug = ? AND t.exchange = ? AND t.role = 'answer' AND t.speaker_id = ?",
        )
        .bind(&q.slug)
        .bind(q.exchange)
        .bind(top.id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(answered > 0, "{} {:?}", q.slug, q.exchange);
    }
}

/// The query plan of `sql`, one detail a line.
async fn plan(pool: &SqlitePool, sql: &str, binds: &[&str]) -> String {
    let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {sql}"
    )));
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.3)
        .collect::<Vec<_>>()
        .join("\n")
}

#[sqlx::test]
async fn the_queries_of_list_pages_read_indexes_and_never_scan_or_sort_the_turns(pool: SqlitePool) {
    sample(&pool).await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    let speaker_turns = plan(
        &pool,
        "SELECT t.id FROM turn t WHERE t.speaker_id = ? AND t.role IN ('answer', 'statement') ORDER BY t.date DESC, t.transcript_id DESC, t.position LIMIT 20",
        &["1"],
    )
    .await;
    assert!(
        speaker_turns.contains("turn_spoken_by_date"),
        "{speaker_turns}"
    );
    assert!(!speaker_turns.contains("TEMP B-TREE"), "{speaker_turns}");
    let answers = plan(
        &pool,
        "SELECT DISTINCT a.date, a.transcript_id, a.exchange FROM turn a WHERE a.speaker_id = ? AND a.role = 'answer' ORDER BY a.date DESC, a.transcript_id DESC, a.exchange LIMIT 10",
        &["1"],
    )
    .await;
    assert!(answers.contains("turn_answers_by_date"), "{answers}");
    let transcripts = plan(
        &pool,
        "SELECT id FROM transcript WHERE coalesce(date, '') >= ? AND coalesce(date, '') < ? ORDER BY coalesce(date, '') DESC, id DESC LIMIT 25 OFFSET 100",
        &["2022", "2022\u{10ffff}"],
    )
    .await;
    assert!(transcripts.contains("transcript_newest"), "{transcripts}");
    assert!(!transcripts.contains("TEMP B-TREE"), "{transcripts}");
    let speakers = plan(
        &pool,
        "SELECT st.speaker_id FROM speaker_stat st WHERE st.turns > 0 AND st.kind = ? ORDER BY st.turns DESC, st.speaker_id LIMIT 50",
        &["person"],
    )
    .await;
    assert!(speakers.contains("speaker_stat_by_kind"), "{speakers}");
    let topic = plan(
        &pool,
        "SELECT exchange_id, date FROM exchange_topic WHERE topic_id = ? ORDER BY date DESC, exchange_id LIMIT 25 OFFSET 50",
        &["1"],
    )
    .await;
    assert!(topic.contains("exchange_topic_newest"), "{topic}");
    assert!(!topic.contains("TEMP B-TREE"), "{topic}");
    assert!(
        !speakers.contains("TEMP B-TREE") && !speakers.contains("SCAN"),
        "{speakers}"
    );
    // Who answered a topic's exchanges: each exchange's answers are found by its transcript
    // and number, never among all the transcript's turns.
    let answerers = plan(
        &pool,
        "SELECT s.slug, count(DISTINCT e.id) FROM (SELECT exchange_id, date FROM exchange_topic WHERE topic_id = ? ORDER BY date DESC, exchange_id LIMIT 2000) recent \
         JOIN exchange e ON e.id = recent.exchange_id \
         JOIN turn t ON t.transcript_id = e.transcript_id AND t.exchange = e.number AND t.role = 'answer' JOIN speaker s ON s.id = t.speaker_id \
         WHERE s.kind = 'person' GROUP BY s.id, substr(recent.date, 1, 4)",
        &["1"],
    )
    .await;
    assert!(
        answerers.contains("turn_answers_in_exchange (transcript_id=? AND exchange=?)"),
        "{answerers}"
    );
    // The transcripts of a day, which a new transcript may translate: one range of an index,
    // not a scan of the archive for every transcript imported.
    let same_day = plan(
        &pool,
        "SELECT id, language FROM transcript WHERE coalesce(date, '') = ? AND id <> ? \
         AND exchange_count = ? AND language IS NOT NULL AND language <> ?",
        &["2021-02-01", "1", "3", "en"],
    )
    .await;
    assert!(
        same_day.contains("SEARCH transcript USING INDEX transcript_newest"),
        "{same_day}"
    );
    // A speaker's timeline reads their months, kept beside the turns, and nothing else.
    let months = plan(
        &pool,
        "SELECT month, transcripts FROM speaker_month WHERE speaker_id = ? ORDER BY month",
        &["1"],
    )
    .await;
    assert!(months.contains("SEARCH speaker_month"), "{months}");
    assert!(
        !months.contains("TEMP B-TREE") && !months.contains("turn"),
        "{months}"
    );
}

fn params(q: &str) -> Params {
    Params {
        q: q.into(),
        ..Default::default()
    }
}

/// The hits as (address, position, date).
fn listed(r: &search::Results) -> Vec<(String, i64, String)> {
    r.hits
        .iter()
        .map(|h| {
            (
                h.url.clone(),
                h.position,
                h.date.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[sqlx::test]
async fn words_in_too_many_passages_are_listed_newest_first_the_same_either_way(pool: SqlitePool) {
    sample(&pool).await;
    for q in ["the", "presid*", "president OR minister"] {
        for page in [1, 3] {
            let mut p = params(q);
            p.page = Some(page);
            let walk = Tuning {
                rank_limit: 10,
                walk: Some(true),
            };
            let sort = Tuning {
                rank_limit: 10,
                walk: Some(false),
            };
            let walked = search::search_tuned(&pool, &p, walk).await.unwrap();
            let sorted = search::search_tuned(&pool, &p, sort).await.unwrap();
            assert!(walked.passages && walked.too_many_to_rank, "{q}");
            assert_eq!(walked.hits.len(), 20, "{q} page {page}");
            assert_eq!(listed(&walked), listed(&sorted), "{q} page {page}");
            let dates: Vec<String> = listed(&walked).into_iter().map(|h| h.2).collect();
            assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{q}: {dates:?}");
            assert!(
                walked
                    .hits
                    .iter()
                    .all(|h| h.snippet_html.contains("<mark>")),
                "{q}"
            );
        }
    }
    // Under the limit the same words are ranked, one hit per exchange.
    let ranked = search::search(&pool, &params("sanctions")).await.unwrap();
    assert!(!ranked.passages && ranked.order == "relevance");
    assert!(ranked.total > 0);
}

#[sqlx::test]
async fn newest_first_can_be_asked_for_and_filters_still_hold(pool: SqlitePool) {
    sample(&pool).await;
    let mut p = params("Ukraine");
    p.sort = Some("newest".into());
    let r = search::search(&pool, &p).await.unwrap();
    assert_eq!(r.order, "newest");
    assert!(r.hits.len() > 5);
    let dates: Vec<String> = listed(&r).into_iter().map(|h| h.2).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // The same filter in both ways of listing: every hit is the speaker's.
    p.speaker = Some("karine-jean-pierre".into());
    for tuning in [
        Tuning::default(),
        Tuning {
            rank_limit: 1,
            walk: Some(true),
        },
    ] {
        let r = search::search_tuned(&pool, &p, tuning).await.unwrap();
        assert!(!r.hits.is_empty());
        assert!(
            r.hits
                .iter()
                .all(|h| h.speaker_slug == "karine-jean-pierre")
        );
    }
}

#[test]
fn a_query_that_would_cost_too_much_is_refused_with_how_to_narrow_it() {
    let short = search::too_costly("a*").unwrap();
    assert!(short.contains("at least 3 letters"), "{short}");
    assert!(search::too_costly("ab* sanctions").is_some());
    let many = (0..40)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    assert!(search::too_costly(&many).unwrap().contains("40 words"));
    assert!(search::too_costly("NEAR(sanc* oil, 5)").is_some());
    assert!(search::too_costly(&"x".repeat(600)).is_some());
    for fine in [
        "sanc*",
        "\"Minsk agreements\"",
        "*",
        "Ukraine NOT Russia",
        "NEAR(oil gas, 5)",
    ] {
        assert_eq!(search::too_costly(fine), None, "{fine}");
    }
}

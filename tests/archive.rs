//! The archive on a real SQLite file (`#[sqlx::test]` gives each test a fresh one, migrated):
//! idempotent import, rollback, speakers across transcripts, reindex keeping permalinks, and the
//! whole sample.

// Tests read the archive straight from SQLite to check what the store wrote.
#![allow(clippy::disallowed_methods)]

use std::collections::HashMap;
use stenogram::store::corrections::{self, Change, Field, Who};
use stenogram::store::{self, Imported, read, write};

async fn count(pool: &sqlx::SqlitePool, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(pool)
        .await
        .unwrap()
}

const SEED: &[u8] = include_bytes!("fixtures/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt");

/// Stores the seed as an editor would, with edits and speaker assignments.
async fn store_seed(pool: &sqlx::SqlitePool) -> Result<Imported, store::StoreError> {
    let doc = stenogram::parse::parse_bytes(SEED, None).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    write::store(
        &mut conn,
        &write::Upload {
            bytes: SEED,
            file_name: Some("seed.txt"),
            declared_type: None,
            uploaded_by: None,
        },
        &write::Prepared::new(doc),
    )
    .await
}

#[tokio::test]
async fn a_new_database_file_is_created_with_its_folder_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/stenogram.db");
    let pool = store::open(&path).await.unwrap();
    assert!(path.exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    assert_eq!(count(&pool, "transcript").await, 0);
}

#[sqlx::test]
async fn importing_the_same_bytes_twice_is_one_transcript(pool: sqlx::SqlitePool) {
    let first = write::import_bytes(&pool, SEED, Some("seed.txt"), None, None)
        .await
        .unwrap();
    let Imported::New {
        slug, exchanges, ..
    } = &first
    else {
        panic!("{first:?}")
    };
    assert!(slug.starts_with("2025-11-26-"), "{slug}");
    assert_eq!(*exchanges, 4);
    let turns = count(&pool, "turn").await;
    let second = write::import_bytes(&pool, SEED, Some("again.txt"), None, None)
        .await
        .unwrap();
    assert_eq!(second, Imported::Existing { slug: slug.clone() });
    assert_eq!(count(&pool, "transcript").await, 1);
    assert_eq!(count(&pool, "source").await, 1);
    assert_eq!(count(&pool, "turn").await, turns);
}

#[sqlx::test]
async fn the_source_bytes_are_kept_verbatim(pool: sqlx::SqlitePool) {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251
        .encode("Вопрос: Как дела?\n\nСергей Лавров: Всё хорошо, спасибо.");
    write::import_bytes(&pool, &bytes, Some("ru.txt"), None, None)
        .await
        .unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM source")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, bytes.to_vec());
}

#[sqlx::test]
async fn a_binary_file_is_refused_and_changes_nothing(pool: sqlx::SqlitePool) {
    let junk: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let err = write::import_bytes(&pool, &junk, Some("junk.txt"), None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("binary"), "{err}");
    for table in ["source", "transcript", "speaker", "turn"] {
        assert_eq!(count(&pool, table).await, 0, "{table}");
    }
}

#[sqlx::test]
async fn a_failure_midway_leaves_the_database_as_it_was(pool: sqlx::SqlitePool) {
    write::import_bytes(
        &pool,
        b"Question: One?\n\nSergey Lavrov: One answer here.",
        Some("one.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    let before: Vec<i64> = futures_counts(&pool).await;
    // An assignment to a speaker that does not exist fails a foreign key after the source and
    // transcript rows were written; the transaction it ran in is left as it was.
    let bad: HashMap<String, i64> = [("Question".to_string(), 987_654)].into();
    let prepared = write::Prepared::new(stenogram::parse::parse_bytes(SEED, None).unwrap());
    let item = write::NewTranscript {
        upload: write::Upload {
            bytes: SEED,
            file_name: Some("seed.txt"),
            declared_type: None,
            uploaded_by: None,
        },
        prepared: &prepared,
        edits: &write::Edits::default(),
        assignments: &bad,
        join_republications: true,
    };
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE")
        .await
        .unwrap();
    assert!(write::store_batch(&mut tx, &[item]).await.is_err());
    tx.commit().await.unwrap();
    drop(conn);
    assert_eq!(futures_counts(&pool).await, before);
}

/// Stores `texts` as one batch in one transaction; `assignments[i]` applies to text `i`.
async fn store_batch(
    pool: &sqlx::SqlitePool,
    texts: &[&[u8]],
    assignments: &[HashMap<String, i64>],
) -> Vec<Result<Imported, sqlx::Error>> {
    let prepared: Vec<write::Prepared> = texts
        .iter()
        .map(|t| write::Prepared::new(stenogram::parse::parse_bytes(t, None).unwrap()))
        .collect();
    let edits = write::Edits::default();
    let items: Vec<write::NewTranscript> = texts
        .iter()
        .zip(&prepared)
        .zip(assignments)
        .map(|((bytes, prepared), assignments)| write::NewTranscript {
            upload: write::Upload {
                bytes,
                file_name: Some("t.txt"),
                declared_type: None,
                uploaded_by: None,
            },
            prepared,
            edits: &edits,
            assignments,
            join_republications: false,
        })
        .collect();
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE")
        .await
        .unwrap();
    let outcomes = write::store_each(&mut tx, &items).await;
    let new: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Ok(Imported::New { id, .. }) => Some(*id),
            _ => None,
        })
        .collect();
    write::index_transcripts(&mut tx, &new).await.unwrap();
    tx.commit().await.unwrap();
    outcomes
}

/// The names of the speakers called Lavrov.
async fn lavrovs(pool: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM speaker WHERE surname = 'lavrov'")
        .fetch_all(pool)
        .await
        .unwrap()
}

const SHORT: &[u8] =
    b"Minsk, 26 November 2025\n\nTalks in Minsk\n\nQuestion: One?\n\nS. Lavrov: The first answer.";
const FULL: &[u8] =
    b"Minsk, 27 November 2025\n\nMore talks\n\nQuestion: Two?\n\nSergey Lavrov: The second answer.";

#[sqlx::test]
async fn one_batch_resolves_speakers_and_sources_across_its_transcripts(pool: sqlx::SqlitePool) {
    let outcomes = store_batch(&pool, &[SHORT, FULL, SHORT], &vec![HashMap::new(); 3]).await;
    let slugs: Vec<&str> = outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().slug())
        .collect();
    assert_eq!(
        slugs,
        [
            "2025-11-26-talks-in-minsk",
            "2025-11-27-more-talks",
            "2025-11-26-talks-in-minsk"
        ]
    );
    assert!(matches!(outcomes[2], Ok(Imported::Existing { .. })));
    // Both spellings are one speaker, known by the fuller one, with both labels.
    assert_eq!(lavrovs(&pool).await, ["Sergey Lavrov"]);
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT a.label FROM alias a JOIN speaker s ON s.id = a.speaker_id WHERE s.surname = 'lavrov' ORDER BY a.label",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(labels, ["S. Lavrov", "Sergey Lavrov"]);
    assert_eq!(count(&pool, "turn").await, 4);
    // The search index holds exactly the stored turns' text.
    sqlx::query("INSERT INTO turn_fts (turn_fts) VALUES ('integrity-check')")
        .execute(&pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_batch_with_one_bad_transcript_stores_the_others(pool: sqlx::SqlitePool) {
    // The seed's questioner is assigned to a speaker that does not exist: a foreign key fails.
    let bad: HashMap<String, i64> = [("Question".to_string(), 987_654)].into();
    let assignments = [HashMap::new(), bad, HashMap::new(), HashMap::new()];
    let outcomes = store_batch(&pool, &[SHORT, SEED, FULL, SHORT], &assignments).await;
    let slugs: Vec<Option<&str>> = outcomes
        .iter()
        .map(|o| o.as_ref().ok().map(Imported::slug))
        .collect();
    assert_eq!(
        slugs,
        [
            Some("2025-11-26-talks-in-minsk"),
            None,
            Some("2025-11-27-more-talks"),
            Some("2025-11-26-talks-in-minsk"),
        ]
    );
    assert!(matches!(outcomes[3], Ok(Imported::Existing { .. })));
    assert_eq!(count(&pool, "transcript").await, 2);
    assert_eq!(count(&pool, "source").await, 2);
    assert_eq!(count(&pool, "turn").await, 4);
    assert_eq!(lavrovs(&pool).await, ["Sergey Lavrov"]);
}

async fn futures_counts(pool: &sqlx::SqlitePool) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "source",
        "transcript",
        "speaker",
        "alias",
        "turn",
        "exchange",
        "exchange_topic",
        "topic",
        "turn_fts",
    ] {
        out.push(count(pool, table).await);
    }
    out
}

async fn speaker_names(pool: &sqlx::SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT name, kind FROM speaker ORDER BY name")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The names of the archive's people.
async fn people(pool: &sqlx::SqlitePool) -> Vec<String> {
    speaker_names(pool)
        .await
        .into_iter()
        .filter(|(_, k)| k == "person")
        .map(|(n, _)| n)
        .collect()
}

/// Imports one transcript per label, each a question answered by that label.
async fn answered_by(pool: &sqlx::SqlitePool, labels: &[&str]) {
    for (i, label) in labels.iter().enumerate() {
        let text = format!(
            "Question: Question number {i} about the talks?\n\n{label}: Answer number {i}, and we are satisfied with them."
        );
        write::import_bytes(
            pool,
            text.as_bytes(),
            Some(&format!("t{i}.txt")),
            None,
            None,
        )
        .await
        .unwrap();
    }
}

#[sqlx::test]
async fn spellings_of_one_minister_across_transcripts_are_one_speaker(pool: sqlx::SqlitePool) {
    answered_by(
        &pool,
        &[
            "Sergey Lavrov",
            "S. Lavrov",
            "Foreign Minister Sergey Lavrov",
            "Lavrov",
        ],
    )
    .await;
    let people: Vec<(String, String)> = speaker_names(&pool)
        .await
        .into_iter()
        .filter(|(_, k)| k == "person")
        .collect();
    assert_eq!(
        people,
        [("Sergey Lavrov".to_string(), "person".to_string())]
    );
    let lavrov = read::speaker(&pool, "sergey-lavrov")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lavrov.answers, 4);
    let aliases = read::aliases(&pool, lavrov.id).await.unwrap();
    assert_eq!(
        aliases,
        [
            "Foreign Minister Sergey Lavrov",
            "Lavrov",
            "S. Lavrov",
            "Sergey Lavrov"
        ]
    );
}

#[sqlx::test]
async fn anonymous_questioners_are_never_a_person_and_namesakes_stay_apart(pool: sqlx::SqlitePool) {
    write::import_bytes(
        &pool,
        b"Question: First?\n\nMaxim Ryzhenkov: We agree with our Russian friends on this.",
        Some("a.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    write::import_bytes(
        &pool,
        b"Q: Second?\n\nMikhail Ryzhenkov: We agree as well, and we said so before.",
        Some("b.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    let speakers = speaker_names(&pool).await;
    assert!(speakers.contains(&("Maxim Ryzhenkov".into(), "person".into())));
    assert!(speakers.contains(&("Mikhail Ryzhenkov".into(), "person".into())));
    let questioners: Vec<_> = speakers.iter().filter(|(_, k)| k == "anonymous").collect();
    assert_eq!(questioners.len(), 1, "{speakers:?}");
    assert!(
        !speakers
            .iter()
            .any(|(n, k)| k == "person" && (n.contains("Question") || n == "Q"))
    );
}

#[sqlx::test]
async fn a_second_transcript_on_the_same_day_gets_a_suffixed_slug(pool: sqlx::SqlitePool) {
    let one = write::import_bytes(&pool, b"Minsk, 26 November 2025\n\nTalks in Minsk\n\nQuestion: One?\n\nSergey Lavrov: Yes, it was useful.", Some("a.txt"), None, None).await.unwrap();
    let two = write::import_bytes(&pool, b"Minsk, 26 November 2025\n\nTalks in Minsk\n\nQuestion: Two?\n\nSergey Lavrov: No, it was not useful.", Some("b.txt"), None, None).await.unwrap();
    assert_eq!(one.slug(), "2025-11-26-talks-in-minsk");
    assert_eq!(two.slug(), "2025-11-26-talks-in-minsk-2");
}

#[sqlx::test]
async fn reindex_keeps_every_permalink_answering(pool: sqlx::SqlitePool) {
    let slug = write::import_bytes(&pool, SEED, Some("seed.txt"), None, None)
        .await
        .unwrap()
        .slug()
        .to_string();
    let t = read::transcript(&pool, &slug).await.unwrap().unwrap();
    // As if an older parser had read exchanges 1 and 2 in the other order.
    let fps: Vec<String> = sqlx::query_scalar(
        "SELECT fingerprint FROM exchange WHERE transcript_id = ? ORDER BY number",
    )
    .bind(t.id)
    .fetch_all(&pool)
    .await
    .unwrap();
    for (number, fp) in [(1, &fps[1]), (2, &fps[0])] {
        sqlx::query("UPDATE exchange SET fingerprint = ? WHERE transcript_id = ? AND number = ?")
            .bind(fp.clone())
            .bind(t.id)
            .bind(number)
            .execute(&pool)
            .await
            .unwrap();
    }
    let report = write::reindex(&pool).await.unwrap();
    assert_eq!(misdated(&pool).await, (0, 0));
    assert_eq!(report.transcripts, 1);
    assert_eq!(report.redirects, 2);
    assert_eq!(
        read::moved_exchange(&pool, t.id, 1).await.unwrap(),
        Some(Some(2))
    );
    assert_eq!(
        read::moved_exchange(&pool, t.id, 2).await.unwrap(),
        Some(Some(1))
    );
    assert_eq!(read::moved_exchange(&pool, t.id, 3).await.unwrap(), None);
    assert_eq!(
        read::transcript(&pool, &slug).await.unwrap().unwrap().slug,
        slug
    );
    for n in 1..=4 {
        assert!(
            !read::exchange_turns(&pool, t.id, n)
                .await
                .unwrap()
                .is_empty()
        );
    }
    // A second reindex changes nothing more, and the search index still matches the turns.
    assert_eq!(write::reindex(&pool).await.unwrap().redirects, 0);
    sqlx::query("INSERT INTO turn_fts (turn_fts) VALUES ('integrity-check')")
        .execute(&pool)
        .await
        .expect("the search index matches the turns");
    let hits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM turn_fts WHERE turn_fts MATCH '\"Minsk agreements\"'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // Said twice in one turn, the phrase matches that one turn once, not once per reindex.
    assert_eq!(hits, 1);
}

#[sqlx::test]
async fn reindex_keeps_an_editors_title_and_date(pool: sqlx::SqlitePool) {
    let stored = store_seed(&pool).await.unwrap();
    let Imported::New { id, .. } = stored else {
        panic!("the seed is new")
    };
    let changes = [
        Change::Field {
            field: Field::Title,
            value: Some("Lavrov and Ryzhenkov after the collegium".into()),
        },
        Change::Field {
            field: Field::Date,
            value: Some("2025-11-27".into()),
        },
    ];
    let who = Who {
        editor: Some("editor"),
        reason: None,
    };
    corrections::correct(&pool, id, &changes, who)
        .await
        .unwrap();
    let slug: String = sqlx::query_scalar("SELECT slug FROM transcript WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(misdated(&pool).await, (0, 0));
    write::reindex(&pool).await.unwrap();
    let t = read::transcript(&pool, &slug).await.unwrap().unwrap();
    assert_eq!(t.title, "Lavrov and Ryzhenkov after the collegium");
    assert_eq!(t.date.as_deref(), Some("2025-11-27"));
    assert_eq!(misdated(&pool).await, (0, 0));
}

/// Turns and topic links whose copy of the date differs from their transcript's.
async fn misdated(pool: &sqlx::SqlitePool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM turn t JOIN transcript tr ON tr.id = t.transcript_id WHERE t.date != coalesce(tr.date, '')), \
                (SELECT count(*) FROM exchange_topic et JOIN exchange e ON e.id = et.exchange_id JOIN transcript tr ON tr.id = e.transcript_id \
                 WHERE et.date != coalesce(tr.date, ''))",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_seed_and_the_white_house_sample_import_with_their_counts(pool: sqlx::SqlitePool) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let summary =
        stenogram::commands::import(&pool, &[root.join("seed"), root.join("wh-briefings")]).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.imported, 301);
    assert_eq!(count(&pool, "transcript").await, 301);
    // Every question the parser finds is an exchange in the archive.
    let mut exchanges = 0;
    for path in
        stenogram::commands::collect_files(&[root.join("seed"), root.join("wh-briefings")]).0
    {
        let doc =
            stenogram::parse::parse_bytes(&std::fs::read(&path).unwrap(), path.to_str()).unwrap();
        exchanges += doc.exchanges.len() as i64;
    }
    assert_eq!(count(&pool, "exchange").await, exchanges);
    assert!(exchanges > 9000, "{exchanges}");
    // The copies of each transcript's date that the speaker and topic pages sort by.
    let dated: i64 = sqlx::query_scalar("SELECT count(*) FROM turn WHERE date > ''")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(dated > 0);
    assert_eq!(misdated(&pool).await, (0, 0));
    let again =
        stenogram::commands::import(&pool, &[root.join("seed"), root.join("wh-briefings")]).await;
    assert_eq!((again.imported, again.existing), (0, 301));
    let (transcripts, ex, _) = read::counts(&pool).await.unwrap();
    assert_eq!((transcripts, ex), (301, exchanges));
}

#[test]
fn an_import_killed_midway_leaves_a_consistent_archive_that_a_second_run_completes() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archive.db");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let import = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_stenogram"));
        c.arg("import")
            .arg("--db")
            .arg(&db)
            .arg(fixtures.join("seed"))
            .arg(fixtures.join("wh-briefings"));
        c
    };
    // Lines are printed once a group is committed: kill at the first one, while the rest of
    // the files are still being stored.
    let mut child = import().stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.starts_with("imported "), "{first}");

    let check = async {
        let pool = store::open(&db).await.unwrap();
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(ok, "ok");
        sqlx::query("INSERT INTO turn_fts (turn_fts) VALUES ('integrity-check')")
            .execute(&pool)
            .await
            .unwrap();
        let without_turns: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM transcript t WHERE NOT EXISTS (SELECT 1 FROM turn u WHERE u.transcript_id = t.id)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(without_turns, 0);
        let stored = count(&pool, "transcript").await;
        pool.close().await;
        stored
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stored = runtime.block_on(check);
    assert!(stored >= 1, "the first group was committed before its line");

    let again = import().output().unwrap();
    assert!(again.status.success());
    let summary = String::from_utf8_lossy(&again.stdout);
    let last = summary.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        format!(
            "imported {}, already present {stored}, failed 0",
            301 - stored
        )
    );
}

#[sqlx::test]
async fn reindex_with_the_same_reader_gives_every_turn_to_the_same_speaker(pool: sqlx::SqlitePool) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let summary = stenogram::commands::import(
        &pool,
        &[
            root.join("seed"),
            root.join("wh-briefings"),
            root.join("kremlin-sample"),
        ],
    )
    .await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let who = "SELECT t.transcript_id, t.position, s.name, s.kind FROM turn t JOIN speaker s ON s.id = t.speaker_id ORDER BY 1, 2";
    let before: Vec<(i64, i64, String, String)> =
        sqlx::query_as(who).fetch_all(&pool).await.unwrap();
    let names = "SELECT s.name, st.answers, st.statements, st.questions FROM speaker_stat st JOIN speaker s ON s.id = st.speaker_id WHERE st.turns > 0 ORDER BY 1";
    let counts: Vec<(String, i64, i64, i64)> =
        sqlx::query_as(names).fetch_all(&pool).await.unwrap();
    let report = write::reindex(&pool).await.unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let after: Vec<(i64, i64, String, String)> =
        sqlx::query_as(who).fetch_all(&pool).await.unwrap();
    assert_eq!(before.len(), after.len());
    let moved: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .take(5)
        .collect();
    assert!(
        moved.is_empty(),
        "turns given to another speaker: {moved:?}"
    );
    let recounted: Vec<(String, i64, i64, i64)> =
        sqlx::query_as(names).fetch_all(&pool).await.unwrap();
    assert_eq!(counts, recounted);
}

#[sqlx::test]
async fn romanisations_of_one_name_across_transcripts_are_one_speaker_with_every_spelling(
    pool: sqlx::SqlitePool,
) {
    answered_by(
        &pool,
        &[
            "Sergei Lavrov",
            "Sergey Lavrov",
            "Yury Zhulev",
            "Yuri Zhulyov",
        ],
    )
    .await;
    assert_eq!(people(&pool).await, ["Sergei Lavrov", "Yury Zhulev"]);
    let lavrov = read::speaker(&pool, "sergei-lavrov")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lavrov.answers, 2);
    assert_eq!(
        read::aliases(&pool, lavrov.id).await.unwrap(),
        ["Sergei Lavrov", "Sergey Lavrov"]
    );
}

#[tokio::test]
async fn opening_an_archive_written_before_matches_its_surnames_across_romanisations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    {
        let pool = store::open(&path).await.unwrap();
        write::import_bytes(
            &pool,
            b"Question: About the talks?\n\nYuri Zhulyov: We are satisfied with them, thank you.",
            Some("a.txt"),
            None,
            None,
        )
        .await
        .unwrap();
        // As an earlier version stored it: the surname as printed, folded.
        sqlx::query("UPDATE speaker SET surname = 'zhulyov' WHERE kind = 'person'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("PRAGMA user_version = 0")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let pool = store::open(&path).await.unwrap();
    write::import_bytes(
        &pool,
        b"Question: And the next round?\n\nYury Zhulev: It will be held in the spring, in Minsk.",
        Some("b.txt"),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(people(&pool).await, ["Yuri Zhulyov"]);
}

/// The archives of earlier schemas in `tests/fixtures/archives/` (`migration-NNNN.db`, written
/// with the migrations up to NNNN): each opens with every later migration applied, its data
/// intact and readable, and a reindex of it keeps what its editors did.
#[tokio::test]
async fn an_archive_of_an_earlier_schema_opens_with_every_migration_applied_and_its_data() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let migrations = std::fs::read_dir(root.join("migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count() as i64;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    std::fs::copy(
        root.join("tests/fixtures/archives/migration-0007.db"),
        &path,
    )
    .unwrap();
    let before: Vec<(String, i64)> = {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            applied, 7,
            "the fixture is of the schema before migration 0008"
        );
        let rows = sqlx::query_as(
            "SELECT t.slug, (SELECT count(*) FROM turn WHERE transcript_id = t.id) FROM transcript t ORDER BY t.slug",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    };
    assert_eq!(before.len(), 3);
    let pool = store::open(&path).await.unwrap();
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(applied, (1..=migrations).collect::<Vec<_>>());
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let after: Vec<(String, i64)> = sqlx::query_as(
        "SELECT t.slug, (SELECT count(*) FROM turn WHERE transcript_id = t.id) FROM transcript t ORDER BY t.slug",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(after, before, "every transcript and turn is kept");
    for (slug, _) in &after {
        assert!(
            read::transcript(&pool, slug).await.unwrap().is_some(),
            "{slug}"
        );
    }
    // The merge made before topic aliases existed still holds after a reindex.
    let belarus_exchanges: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM exchange_topic et JOIN topic_redirect r ON r.topic_id = et.topic_id WHERE r.slug = 'belarus'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(belarus_exchanges > 0);
    let report = write::reindex(&pool).await.unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let back: Vec<String> = sqlx::query_scalar("SELECT slug FROM topic WHERE slug LIKE 'belarus%'")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(back.is_empty(), "the merged topic came back: {back:?}");
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM transcript ORDER BY slug")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        slugs,
        before.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()
    );
}

// ---- Backups and checks ----

/// A backup taken while an import writes is a consistent archive: it passes every check, and
/// holds whole transcripts only (each with its turns and exchanges), however many were in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_an_import_restores_to_a_consistent_archive() {
    use stenogram::store::maintain;
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let pool = store::open(&live).await.unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let importing = {
        let pool = pool.clone();
        let paths = vec![root.join("seed"), root.join("wh-briefings")];
        tokio::spawn(async move { stenogram::commands::import(&pool, &paths).await })
    };
    let mut backups = Vec::new();
    while !importing.is_finished() || backups.is_empty() {
        let dest = dir.path().join(format!("backup-{}.db", backups.len()));
        let done = maintain::backup(&live, &dest).await.unwrap();
        backups.push(done);
        if backups.len() > 50 {
            break;
        }
    }
    let summary = importing.await.unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(
        backups.iter().any(|b| b.transcripts < 301),
        "no backup was taken while the import ran: {:?}",
        backups.iter().map(|b| b.transcripts).collect::<Vec<_>>()
    );
    for b in &backups {
        let findings = maintain::check(&b.path).await.unwrap();
        let problems: Vec<_> = findings.iter().filter_map(|f| f.problem.as_ref()).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", b.path.display());
        // The copy opens as an archive of its own, with the transcripts counted when it was taken.
        let restored = store::open(&b.path).await.unwrap();
        assert_eq!(count(&restored, "transcript").await, b.transcripts);
        restored.close().await;
    }
    // A backup never overwrites a file.
    let err = maintain::backup(&live, &backups[0].path).await.unwrap_err();
    assert!(err.to_string().contains("exists already"), "{err}");
}

#[tokio::test]
async fn the_check_finds_a_changed_source_a_lost_index_entry_and_an_empty_transcript() {
    use stenogram::store::maintain;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.db");
    let pool = store::open(&path).await.unwrap();
    write::import_bytes(&pool, SEED, Some("seed.txt"), None, None)
        .await
        .unwrap();
    let problems = |findings: Vec<maintain::Finding>| -> Vec<&'static str> {
        findings
            .into_iter()
            .filter(|f| f.problem.is_some())
            .map(|f| f.what)
            .collect()
    };
    assert!(problems(maintain::check(&path).await.unwrap()).is_empty());
    sqlx::query("UPDATE source SET bytes = X'00'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(problems(maintain::check(&path).await.unwrap()), ["sources"]);
    // A turn removed behind the index's back: the index keeps an entry with no turn, and the
    // transcript is left without turns once all are gone.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM turn")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let found = problems(maintain::check(&path).await.unwrap());
    assert!(found.contains(&"search index"), "{found:?}");
    assert!(found.contains(&"transcripts"), "{found:?}");
    assert!(
        maintain::check(&dir.path().join("none.db"))
            .await
            .unwrap_err()
            .to_string()
            .contains("no archive")
    );
}

// ---- The whole archive out and back ----

/// An archive's export, with its editors' work in it, imports into an empty archive that
/// exports the same file again: the same transcripts at the same addresses, the same turns and
/// speakers, the same topics, the same redirects.
#[tokio::test]
async fn an_export_imported_into_an_empty_archive_gives_the_same_archive() {
    use stenogram::store::corrections::{self, Change, Field, Who};
    use stenogram::store::portable;
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("a.db")).await.unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let summary = stenogram::commands::import(
        &pool,
        &[
            root.join("seed"),
            root.join("wh-briefings/press-briefings/2021-02"),
            root.join("wh-briefings/press-briefings/2021-03"),
        ],
    )
    .await;
    assert!(
        summary.failed.is_empty() && summary.imported > 2,
        "{summary:?}"
    );
    // An editor's work: a corrected title and place, a label given to another speaker, a topic
    // added to an exchange and one removed, two topics merged.
    let (id, slug): (i64, String) =
        sqlx::query_as("SELECT id, slug FROM transcript WHERE slug LIKE '2025-11-26%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let psaki: i64 = sqlx::query_scalar("SELECT id FROM speaker WHERE slug = 'jen-psaki'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let label: String = sqlx::query_scalar(
        "SELECT label FROM turn WHERE transcript_id = ? AND role = 'question' AND label IS NOT NULL LIMIT 1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let fixed = write::Edits {
        title: Some("Remarks at the Collegium, corrected".into()),
        place: Some("Moscow".into()),
        ..Default::default()
    };
    let who = Who {
        editor: Some("admin"),
        reason: Some("checked against the video"),
    };
    corrections::correct(
        &pool,
        id,
        &[
            Change::Field {
                field: Field::Title,
                value: fixed.title.clone(),
            },
            Change::Field {
                field: Field::Place,
                value: fixed.place.clone(),
            },
            Change::Speaker {
                label: label.clone(),
                speaker_id: psaki,
            },
            Change::TopicAdd {
                exchange: 1,
                name: "Arctic shipping".into(),
                kind: "theme".into(),
            },
        ],
        who,
    )
    .await
    .unwrap()
    .unwrap();
    let removed: String = sqlx::query_scalar(
        "SELECT tp.slug FROM exchange e JOIN exchange_topic et ON et.exchange_id = e.id JOIN topic tp ON tp.id = et.topic_id \
         WHERE e.transcript_id = ? AND e.number = 2 AND tp.slug != 'arctic-shipping' LIMIT 1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    corrections::correct(
        &pool,
        id,
        &[Change::TopicRemove {
            exchange: 2,
            slug: removed,
        }],
        who,
    )
    .await
    .unwrap()
    .unwrap();
    let two: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM topic WHERE kind = 'country' AND exchanges > 0 ORDER BY exchanges DESC LIMIT 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    if two.len() == 2 {
        assert!(
            corrections::merge_topics(&pool, &two[1], &two[0], who)
                .await
                .unwrap()
        );
    }
    // A topic hidden as not being one.
    let hidden: String = sqlx::query_scalar(
        "SELECT tp.slug FROM topic tp JOIN topic_stat st ON st.topic_id = tp.id \
         WHERE st.exchanges > 0 AND tp.slug <> 'arctic-shipping' AND tp.kind = 'theme' ORDER BY st.exchanges DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(matches!(
        corrections::hide_topic(&pool, &hidden, who).await.unwrap(),
        corrections::Hidden::Done(n) if n > 0
    ));
    // The turns of one label split off a speaker printed under two, to a new speaker.
    let (split_from, split_label): (String, String) = sqlx::query_as(
        "SELECT s.slug, min(t.label) FROM turn t JOIN speaker s ON s.id = t.speaker_id \
         WHERE t.label IS NOT NULL AND s.slug <> 'jen-psaki' GROUP BY s.id HAVING count(DISTINCT t.label) > 1 ORDER BY s.slug LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let split = corrections::split_speaker(
        &pool,
        &split_from,
        &split_label,
        corrections::SplitTo::New {
            name: "An official of the same name",
            kind: stenogram::parse::SpeakerKind::Anonymous,
        },
        who,
    )
    .await
    .unwrap();
    assert!(
        matches!(&split, corrections::Split::Done { turns, .. } if *turns > 0),
        "{split:?}"
    );
    store::write::reindex(&pool).await.unwrap();
    // The seed published again with other spacing: another source of the same transcript.
    let repost = String::from_utf8_lossy(SEED).replace("\n\n", "\n \n");
    write::import_bytes(&pool, repost.as_bytes(), Some("repost.txt"), None, None)
        .await
        .unwrap();
    assert_eq!(count(&pool, "republication").await, 1);
    // An office holder an editor added beside the shipped table.
    let envoy = stenogram::store::offices::check(
        "US",
        "special presidential envoy for climate",
        "2021-01-20",
        "2024-03-06",
        "John Kerry",
        "",
        true,
    )
    .unwrap();
    stenogram::store::offices::add(&pool, &envoy, Some("admin"))
        .await
        .unwrap();

    let mut first = Vec::new();
    let n = portable::export(&pool, &mut first).await.unwrap();
    assert_eq!(n, summary.imported as i64);
    let fresh = store::open(&dir.path().join("b.db")).await.unwrap();
    let restored = portable::import(&fresh, std::io::BufReader::new(&first[..]))
        .await
        .unwrap();
    assert_eq!(restored.imported, summary.imported);
    assert!(restored.skipped.is_empty(), "{:?}", restored.skipped);
    let mut second = Vec::new();
    portable::export(&fresh, &mut second).await.unwrap();
    let (a, b) = (
        String::from_utf8(first).unwrap(),
        String::from_utf8(second).unwrap(),
    );
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        assert_eq!(x, y, "line {} differs", i + 1);
    }
    assert_eq!(a.lines().count(), b.lines().count());
    assert_eq!(count(&fresh, "republication").await, 1);
    assert_eq!(count(&fresh, "source").await, count(&pool, "source").await);
    assert_eq!(count(&fresh, "office_holder").await, 1);
    // The editor's work is in the copy, where a reader sees it.
    let t = read::transcript(&fresh, &slug).await.unwrap().unwrap();
    assert_eq!(t.title, "Remarks at the Collegium, corrected");
    let given: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM turn WHERE transcript_id = ? AND label = ? AND speaker_id = (SELECT id FROM speaker WHERE slug = 'jen-psaki')",
    )
    .bind(t.id)
    .bind(&label)
    .fetch_one(&fresh)
    .await
    .unwrap();
    assert!(given > 0);
    let split_off: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT s.slug FROM turn t JOIN speaker s ON s.id = t.speaker_id WHERE t.label = ?",
    )
    .bind(&split_label)
    .fetch_all(&fresh)
    .await
    .unwrap();
    assert_eq!(split_off, ["an-official-of-the-same-name"], "{split_label}");
    if two.len() == 2 {
        assert_eq!(
            read::topic_redirect(&fresh, &two[1])
                .await
                .unwrap()
                .as_deref(),
            Some(two[0].as_str())
        );
    }
    let (still_hidden, links): (bool, i64) = sqlx::query_as(
        "SELECT hidden, (SELECT count(*) FROM exchange_topic WHERE topic_id = topic.id) FROM topic WHERE slug = ?",
    )
    .bind(&hidden)
    .fetch_one(&fresh)
    .await
    .unwrap();
    assert!(still_hidden, "{hidden} is hidden in the copy");
    assert_eq!(links, 0, "no exchange of the copy carries {hidden}");
    // A damaged line stops the import with its number.
    let broken = a.replacen("\"base64\":\"", "\"base64\":\"!!", 1);
    let other = store::open(&dir.path().join("c.db")).await.unwrap();
    let err = portable::import(&other, std::io::BufReader::new(broken.as_bytes()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

/// Bytes sent without a file name, declared as HTML (as the API takes them), are read as HTML
/// by every step that reads them: the upload, a reindex and an archive's import.
#[tokio::test]
async fn a_page_declared_as_html_is_read_the_same_by_the_upload_a_reindex_and_an_archive_import() {
    use stenogram::store::portable;
    // A fragment with no `<html>` or `<body>`: only the declared type says it is HTML.
    let page = "<h1>Briefing by the Spokesperson, 3 March 2026</h1>\n\
        <p><b>Question:</b> Will the talks resume this week?</p>\n\
        <p><b>Maria Zakharova:</b> They will resume on Thursday, as agreed.</p>\n\
        <p><b>Question:</b> And the venue?</p>\n\
        <p><b>Maria Zakharova:</b> Geneva, as before.</p>\n";
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("a.db")).await.unwrap();
    let shape = |pool: sqlx::SqlitePool| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT (SELECT count(*) FROM exchange), (SELECT count(*) FROM turn WHERE role = 'question')",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let stored = write::import_bytes(&pool, page.as_bytes(), None, Some("text/html"), None)
        .await
        .unwrap();
    assert!(
        matches!(stored, Imported::New { exchanges: 2, .. }),
        "{stored:?}"
    );
    assert_eq!(shape(pool.clone()).await, (2, 2));
    write::reindex(&pool).await.unwrap();
    assert_eq!(
        shape(pool.clone()).await,
        (2, 2),
        "a reindex reads it as HTML"
    );
    let mut out = Vec::new();
    portable::export(&pool, &mut out).await.unwrap();
    let fresh = store::open(&dir.path().join("b.db")).await.unwrap();
    portable::import(&fresh, std::io::BufReader::new(&out[..]))
        .await
        .unwrap();
    assert_eq!(
        shape(fresh).await,
        (2, 2),
        "the archive's import reads it as HTML"
    );
}

const SEED_RU: &[u8] = include_bytes!("fixtures/translations/lavrov-ryzhenkov-2025-11-26-ru.txt");

/// Imports bytes as the command line does and gives the new transcript's id and slug.
async fn import_one(pool: &sqlx::SqlitePool, bytes: &[u8], name: &str) -> (i64, String) {
    match write::import_bytes(pool, bytes, Some(name), None, None)
        .await
        .unwrap()
    {
        Imported::New { id, slug, .. } => (id, slug),
        other => panic!("{name}: {other:?}"),
    }
}

/// (slug, language, original) of each version of a transcript's event.
async fn versions_of(pool: &sqlx::SqlitePool, id: i64) -> Vec<(String, String, bool)> {
    store::translations::versions(pool, id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.slug, v.language.unwrap_or_default(), v.original))
        .collect()
}

#[sqlx::test]
async fn a_russian_and_an_english_transcript_of_one_event_are_one_event_in_two_languages(
    pool: sqlx::SqlitePool,
) {
    // The blog's English repost of the mid.ru transcript first, the Russian after it: the
    // same day, the same minister (С.В.Лавров and Sergey Lavrov are one speaker), four
    // exchanges each. The Russian is the original, though it came second.
    let (en, en_slug) = import_one(&pool, SEED, "seed.txt").await;
    let (ru, ru_slug) = import_one(&pool, SEED_RU, "ru.txt").await;
    assert_eq!(lavrovs(&pool).await.len(), 1, "{:?}", lavrovs(&pool).await);
    let expected = vec![
        (ru_slug.clone(), "ru".to_string(), true),
        (en_slug.clone(), "en".to_string(), false),
    ];
    assert_eq!(versions_of(&pool, en).await, expected);
    assert_eq!(versions_of(&pool, ru).await, expected);
    // Each keeps its own address and exchanges.
    assert_eq!(count(&pool, "transcript").await, 2);
    assert_eq!(count(&pool, "exchange").await, 8);
}

#[sqlx::test]
async fn a_translation_found_in_either_order_makes_the_text_not_in_english_the_original(
    pool: sqlx::SqlitePool,
) {
    let (ru, ru_slug) = import_one(&pool, SEED_RU, "ru.txt").await;
    let (_, en_slug) = import_one(&pool, SEED, "seed.txt").await;
    assert_eq!(
        versions_of(&pool, ru).await,
        vec![
            (ru_slug, "ru".to_string(), true),
            (en_slug, "en".to_string(), false)
        ]
    );
}

#[sqlx::test]
async fn another_day_other_speakers_or_another_number_of_exchanges_is_another_event(
    pool: sqlx::SqlitePool,
) {
    let (en, _) = import_one(&pool, SEED, "seed.txt").await;
    let ru = std::str::from_utf8(SEED_RU).unwrap();
    // Each differs a little in its words too, or it would be a republication of the one before.
    // Dated a day later.
    let later = ru
        .replace("26 ноября 2025 года", "27 ноября 2025 года")
        .replace("Я Вам ответил.", "Я Вам уже ответил.");
    let (a, _) = import_one(&pool, later.as_bytes(), "later.txt").await;
    // Answered by another minister.
    let other = ru
        .replace("С.В.Лавров", "М.В.Рыженков")
        .replace("Я Вам ответил.", "Я ответил на Ваш вопрос.");
    let (b, _) = import_one(&pool, other.as_bytes(), "other.txt").await;
    // The last question and answer left out.
    let shorter = &ru[..ru.find("Вопрос: То есть").unwrap()];
    let (c, _) = import_one(&pool, shorter.as_bytes(), "shorter.txt").await;
    for id in [en, a, b, c] {
        assert!(versions_of(&pool, id).await.is_empty(), "{id}");
    }
    assert_eq!(count(&pool, "translation").await, 0);
}

#[sqlx::test]
async fn an_editor_unlinks_and_links_translations_and_each_change_is_in_the_history(
    pool: sqlx::SqlitePool,
) {
    let (en, en_slug) = import_one(&pool, SEED, "seed.txt").await;
    let (ru, ru_slug) = import_one(&pool, SEED_RU, "ru.txt").await;
    let who = Who {
        editor: Some("ed"),
        reason: Some("checked against mid.ru"),
    };
    assert_eq!(
        corrections::unlink_translation(&pool, &en_slug, who)
            .await
            .unwrap(),
        corrections::Relinked::Done
    );
    assert!(versions_of(&pool, ru).await.is_empty());
    let history = corrections::history(&pool, en).await.unwrap();
    assert_eq!(history[0].kind, "translation-unlink");
    // Undoing the unlink links them again, the Russian still the original.
    assert_eq!(
        corrections::undo(&pool, history[0].id, "ed").await.unwrap(),
        corrections::Undone::Done(Some(en_slug.clone()))
    );
    assert_eq!(versions_of(&pool, en).await.len(), 2);
    corrections::unlink_translation(&pool, &ru_slug, who)
        .await
        .unwrap();
    assert!(versions_of(&pool, en).await.is_empty());
    // By hand, this time with the English as the original.
    assert_eq!(
        corrections::link_translation(&pool, &ru_slug, &en_slug, who)
            .await
            .unwrap(),
        corrections::Relinked::Done
    );
    assert_eq!(
        versions_of(&pool, ru).await,
        vec![
            (en_slug.clone(), "en".to_string(), true),
            (ru_slug.clone(), "ru".to_string(), false)
        ]
    );
    let linked = corrections::history(&pool, ru).await.unwrap();
    assert_eq!(linked[0].kind, "translation");
    assert_eq!(linked[0].editor.as_deref(), Some("ed"));
    // Two versions in one language are refused, and so is a transcript that does not exist.
    let (other_en, other_slug) =
        import_one(&pool, b"Question: Why?\n\nJohn Kirby: Because.", "k.txt").await;
    let refused = corrections::link_translation(&pool, &other_slug, &en_slug, who)
        .await
        .unwrap();
    assert!(
        matches!(&refused, corrections::Relinked::Refused(m) if m.contains("English")),
        "{refused:?}"
    );
    assert!(versions_of(&pool, other_en).await.is_empty());
    // A transcript given as its own original is told so, not that its language is taken.
    let itself = corrections::link_translation(&pool, &other_slug, &other_slug, who)
        .await
        .unwrap();
    assert!(
        matches!(&itself, corrections::Relinked::Refused(m) if m.contains("translation of itself")),
        "{itself:?}"
    );
    assert_eq!(
        corrections::link_translation(&pool, "no-such-transcript", &en_slug, who)
            .await
            .unwrap(),
        corrections::Relinked::NotFound
    );
    // Undoing the link takes the Russian out again.
    assert_eq!(
        corrections::undo(&pool, linked[0].id, "ed").await.unwrap(),
        corrections::Undone::Done(Some(ru_slug))
    );
    assert!(versions_of(&pool, en).await.is_empty());
}

#[sqlx::test]
async fn an_archive_s_export_keeps_its_languages_as_editors_left_them(pool: sqlx::SqlitePool) {
    use stenogram::store::portable;
    let (en, en_slug) = import_one(&pool, SEED, "seed.txt").await;
    import_one(&pool, SEED_RU, "ru.txt").await;
    let who = Who {
        editor: Some("ed"),
        reason: None,
    };
    // Another pair, unlinked by an editor: the import must not link it again.
    let en2 = std::str::from_utf8(SEED)
        .unwrap()
        .replace("2025-11-26", "2025-11-28")
        .replace("I have answered you.", "I have answered you already.");
    let ru2 = std::str::from_utf8(SEED_RU)
        .unwrap()
        .replace("26 ноября", "28 ноября")
        .replace("Я Вам ответил.", "Я Вам уже ответил.");
    let (unlinked, unlinked_slug) = import_one(&pool, en2.as_bytes(), "en2.txt").await;
    import_one(&pool, ru2.as_bytes(), "ru2.txt").await;
    assert_eq!(versions_of(&pool, unlinked).await.len(), 2);
    corrections::unlink_translation(&pool, &unlinked_slug, who)
        .await
        .unwrap();
    let mut out = Vec::new();
    portable::export(&pool, &mut out).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fresh = store::open(&dir.path().join("fresh.db")).await.unwrap();
    portable::import(&fresh, std::io::BufReader::new(&out[..]))
        .await
        .unwrap();
    let id_of = |slug: String| {
        let fresh = fresh.clone();
        async move { read::transcript(&fresh, &slug).await.unwrap().unwrap().id }
    };
    let en_fresh = id_of(en_slug).await;
    assert_eq!(
        versions_of(&fresh, en_fresh).await,
        versions_of(&pool, en).await
    );
    let unlinked_fresh = id_of(unlinked_slug).await;
    assert!(versions_of(&fresh, unlinked_fresh).await.is_empty());
}

/// The topics of kind person, by name.
async fn person_topics(pool: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM topic WHERE kind = 'person' ORDER BY name")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn one_person_named_in_two_spellings_or_by_a_nickname_is_one_topic(pool: sqlx::SqlitePool) {
    // Two romanisations of one Russian name, in two transcripts: the second finds the first's
    // topic. A nickname the office-holder table lists (`Tony Blinken`, `Bibi Netanyahu`) is
    // the person's topic under the table's name.
    let first = "Talks in Minsk, 3 March 2024\n\nQuestion: Did Alexei Overchuk meet Tony Blinken in Geneva?\n\nJohn Kirby: Alexei Overchuk did not meet Tony Blinken in Geneva; Tony Blinken was in Paris.\n";
    let second = "Press briefing, 4 March 2024\n\nQuestion: What did Aleksey Overchuk tell Bibi Netanyahu?\n\nJohn Kirby: Aleksey Overchuk spoke to Bibi Netanyahu by phone, and Antony Blinken spoke to Benjamin Netanyahu.\n";
    import_one(&pool, first.as_bytes(), "first.txt").await;
    import_one(&pool, second.as_bytes(), "second.txt").await;
    let people = person_topics(&pool).await;
    assert_eq!(
        people,
        ["Alexei Overchuk", "Antony Blinken", "Benjamin Netanyahu"],
        "{people:?}"
    );
    // Both transcripts' exchanges are on the one Overchuk topic.
    let on_lavrov: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM exchange_topic et JOIN topic t ON t.id = et.topic_id WHERE t.name = 'Alexei Overchuk'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(on_lavrov, 2);
}

#[sqlx::test]
async fn a_bulk_import_says_which_files_repeat_a_text_stored_before(pool: sqlx::SqlitePool) {
    // The seed, and the same text saved again with other line breaks and a note: other bytes,
    // the same words.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-seed.txt"), SEED).unwrap();
    let again = std::str::from_utf8(SEED)
        .unwrap()
        .replace("\n\n", "\n\n\n")
        .replace("\r", "");
    std::fs::write(dir.path().join("b-again.txt"), again.as_bytes()).unwrap();
    std::fs::write(
        dir.path().join("c-other.txt"),
        b"Question: Why?\n\nJohn Kirby: Because it is so.",
    )
    .unwrap();
    let summary = stenogram::commands::import(&pool, &[dir.path().to_path_buf()]).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.imported, 3);
    assert_eq!(summary.repeats, 1);
    // Each file stays a transcript, as a folder is taken as it is.
    assert_eq!(count(&pool, "transcript").await, 3);
}

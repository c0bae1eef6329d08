//! Office holders editors add beside the shipped table (`reference/offices.tsv`), and the
//! offices a speaker held by both.

use crate::parse::names;
use crate::parse::offices::{Holder, SHIPPED};
use sqlx::{SqliteConnection, SqlitePool};

/// A row an editor added: the term, who added it and when.
#[derive(Debug, Clone)]
pub struct Added {
    pub id: i64,
    pub holder: Holder,
    pub added_by: Option<String>,
    pub added_at: String,
}

type Row = (
    i64,
    String,
    String,
    bool,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
);

fn from_row(r: Row) -> Added {
    Added {
        id: r.0,
        holder: Holder {
            country: r.1,
            office: r.2,
            sole: r.3,
            start: r.4,
            end: r.5,
            name: r.6,
            other_names: r
                .7
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        },
        added_by: r.8,
        added_at: r.9,
    }
}

/// Every row editors added, by country, office and start.
pub async fn added(conn: &mut SqliteConnection) -> Result<Vec<Added>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        r#"SELECT id, country, office, sole, start, "end", name, other_names, added_by, added_at
           FROM office_holder ORDER BY country, office, start"#,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The rows editors added, as the reader takes them (`Offices::extra`).
pub async fn extra(conn: &mut SqliteConnection) -> Result<Vec<Holder>, sqlx::Error> {
    Ok(added(conn).await?.into_iter().map(|a| a.holder).collect())
}

/// The rows editors added, read from the pool.
pub async fn extra_in(pool: &SqlitePool) -> Result<Vec<Holder>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    extra(&mut conn).await
}

/// What adding a row came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Adding {
    Done(i64),
    /// The table (shipped or added) has this term already.
    Known,
}

/// Adds a term an editor typed in (already checked by [`check`]).
pub async fn add(
    pool: &SqlitePool,
    holder: &Holder,
    editor: Option<&str>,
) -> Result<Adding, sqlx::Error> {
    let same = |h: &Holder| {
        h.country == holder.country
            && h.office == holder.office
            && h.start == holder.start
            && names::fold(&h.name) == names::fold(&holder.name)
    };
    if SHIPPED.iter().any(same) {
        return Ok(Adding::Known);
    }
    let done = sqlx::query(
        r#"INSERT INTO office_holder (country, office, sole, start, "end", name, other_names, added_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"#,
    )
    .bind(&holder.country)
    .bind(&holder.office)
    .bind(holder.sole)
    .bind(&holder.start)
    .bind(&holder.end)
    .bind(&holder.name)
    .bind(holder.other_names.join("|"))
    .bind(editor)
    .execute(pool)
    .await?;
    Ok(if done.rows_affected() == 0 {
        Adding::Known
    } else {
        Adding::Done(done.last_insert_rowid())
    })
}

/// Takes an added row away; false when there was none.
pub async fn remove(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM office_holder WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A term as an editor typed it, checked: what is wrong is said in words.
pub fn check(
    country: &str,
    office: &str,
    start: &str,
    end: &str,
    name: &str,
    other_names: &str,
    sole: bool,
) -> Result<Holder, String> {
    let country = country.trim().to_uppercase();
    if country.len() < 2 || country.len() > 3 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "`{country}` is not a country code: give two or three letters, as in US, RU, CN or UN."
        ));
    }
    let office = office
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if office.is_empty() || office.chars().count() > 80 {
        return Err(
            "Give the office, as in `president` or `foreign minister` (80 characters at most)."
                .into(),
        );
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Give the holder's whole name (200 characters at most).".into());
    }
    let line = format!(
        "{country}\t{office}\t{}\t{}\t{}\t{name}\t{}",
        if sole { "yes" } else { "no" },
        start.trim(),
        end.trim(),
        other_names
            .split(['|', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("|")
    );
    let mut rows = crate::parse::offices::read_table(&line).map_err(|e| {
        e.replace("line 1: ", "")
            .replace("YYYY-MM-DD", "give dates as YYYY-MM-DD")
    })?;
    let holder = rows.pop().ok_or("Give the term's start.")?;
    if let Some(end) = &holder.end
        && *end <= holder.start
    {
        return Err("The term must end after it starts.".into());
    }
    Ok(holder)
}

/// The terms of office a speaker held, by the shipped table and the added rows: those whose
/// holder is printed as one of `names` (the speaker's name and aliases), oldest first.
pub fn held_by(extra: &[Holder], names_of: &[String]) -> Vec<Holder> {
    let folded: Vec<String> = names_of
        .iter()
        .map(|n| names::fold(n))
        .filter(|n| n.contains(' '))
        .collect();
    let mut out: Vec<Holder> = SHIPPED
        .iter()
        .chain(extra)
        .filter(|h| {
            std::iter::once(&h.name)
                .chain(&h.other_names)
                .any(|n| folded.contains(&names::fold(n)))
        })
        .cloned()
        .collect();
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.office.cmp(&b.office)));
    // Consecutive terms of one office are one span (`Vladimir Putin`, president 2012–).
    let mut merged: Vec<Holder> = Vec::new();
    for h in out {
        if let Some(last) = merged.last_mut()
            && last.office == h.office
            && last.country == h.country
            && last.end.as_deref() == Some(h.start.as_str())
        {
            last.end = h.end;
            continue;
        }
        merged.push(h);
    }
    merged
}

/// The terms a speaker held, named `name` or printed as one of `aliases`.
pub async fn of_speaker(
    pool: &SqlitePool,
    name: &str,
    aliases: &[String],
) -> Result<Vec<Holder>, sqlx::Error> {
    let extra = extra_in(pool).await?;
    let mut names_of = vec![name.to_string()];
    names_of.extend(aliases.iter().cloned());
    Ok(held_by(&extra, &names_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speaker_s_offices_come_from_the_table_with_consecutive_terms_as_one() {
        let held = held_by(&[], &["Joe Biden".into(), "Biden".into()]);
        let spans: Vec<(&str, &str, Option<&str>)> = held
            .iter()
            .map(|h| (h.office.as_str(), h.start.as_str(), h.end.as_deref()))
            .collect();
        assert_eq!(
            spans,
            [
                ("vice president", "2009-01-20", Some("2017-01-20")),
                ("president", "2021-01-20", Some("2025-01-20"))
            ]
        );
        // A bare surname names nobody: no namesake's office.
        assert!(held_by(&[], &["Bush".into()]).is_empty());
        let extra = check(
            "fr",
            "Foreign Minister",
            "2024-09-21",
            "",
            "Jean-Noël Barrot",
            "",
            true,
        )
        .unwrap();
        assert_eq!(
            held_by(std::slice::from_ref(&extra), &["Jean-Noël Barrot".into()]),
            [extra]
        );
    }

    #[test]
    fn a_term_an_editor_types_is_checked_and_what_is_wrong_said() {
        assert!(
            check("USA!", "president", "2020-01-01", "", "X Y", "", true)
                .unwrap_err()
                .contains("country code")
        );
        assert!(
            check("US", "president", "1st May", "", "X Y", "", true)
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(
            check(
                "US",
                "president",
                "2020-01-01",
                "2019-01-01",
                "X Y",
                "",
                true
            )
            .unwrap_err()
            .contains("end after")
        );
        assert!(check("US", "", "2020-01-01", "", "X Y", "", true).is_err());
        let h = check(
            "de",
            " Foreign  Minister ",
            "2021-12-08",
            "2025-05-06",
            "Annalena Baerbock",
            "Анналена Бербок, 贝尔伯克",
            false,
        )
        .unwrap();
        assert_eq!(h.country, "DE");
        assert_eq!(h.office, "foreign minister");
        assert_eq!(h.other_names, ["Анналена Бербок", "贝尔伯克"]);
        assert!(!h.sole);
    }
}

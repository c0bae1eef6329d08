//! Speakers: the index, and one speaker's answers, statements, questions put to them and labels.

use super::{Pager, Path, Query};
use crate::error::{AppError, Result};
use crate::store::read::{self, SpeakerRow, TurnInContext};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use sqlx::SqlitePool;

#[derive(Template, WebTemplate)]
#[template(path = "speakers/list.html")]
pub struct SpeakersPage {
    pub people: Vec<SpeakerRow>,
    pub outlets: Vec<SpeakerRow>,
    pub anonymous: Vec<SpeakerRow>,
}

pub async fn speakers(State(pool): State<SqlitePool>) -> Result<SpeakersPage> {
    let all = read::speakers(&pool).await?;
    let (mut people, mut outlets, mut anonymous) = (Vec::new(), Vec::new(), Vec::new());
    for s in all {
        match s.kind.as_str() {
            "person" => people.push(s),
            "outlet" => outlets.push(s),
            _ => anonymous.push(s),
        }
    }
    Ok(SpeakersPage {
        people,
        outlets,
        anonymous,
    })
}

#[derive(Deserialize)]
pub struct PageParam {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "speakers/show.html")]
pub struct SpeakerPage {
    pub s: SpeakerRow,
    pub turns: Vec<TurnInContext>,
    pub questions: Vec<TurnInContext>,
    pub aliases: Vec<String>,
    pub pager: Pager,
}

impl SpeakerPage {
    pub fn link(t: &TurnInContext) -> String {
        match t.exchange {
            Some(n) => format!("/transcripts/{}/questions/{n}", t.slug),
            None => format!("/transcripts/{}#t{}", t.slug, t.position),
        }
    }
}

pub const PER_PAGE: i64 = 20;

pub async fn speaker(
    State(pool): State<SqlitePool>,
    Path(slug): Path<String>,
    Query(params): Query<PageParam>,
) -> Result<SpeakerPage> {
    let s = read::speaker(&pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let pager = Pager::new(
        params.page,
        PER_PAGE,
        s.answers + s.statements,
        format!("/speakers/{}?", s.slug),
    );
    let turns = read::speaker_turns(&pool, s.id, pager.offset(), PER_PAGE).await?;
    let questions = if pager.page == 1 {
        read::questions_to(&pool, s.id, 10).await?
    } else {
        Vec::new()
    };
    let aliases = read::aliases(&pool, s.id).await?;
    Ok(SpeakerPage {
        s,
        turns,
        questions,
        aliases,
        pager,
    })
}

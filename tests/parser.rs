//! The parser on real documents: the seed, the White House sample against its manifest, whole
//! kremlin.ru pages, and inputs made to break it.

use stenogram::parse::{self, Document, Format, Role, SpeakerKind};

const SEED: &str = include_str!("fixtures/seed/lavrov-ryzhenkov-collegium-2025-11-26.txt");

fn read(text: &str) -> Document {
    parse::parse_text(text, Format::Text).expect("a transcript")
}

fn read_markdown(text: &str) -> Document {
    parse::parse_text(text, Format::Markdown).expect("a transcript")
}

/// Who speaks each turn, and in what role.
fn outline(doc: &Document) -> Vec<(&str, Role)> {
    doc.turns
        .iter()
        .map(|t| (t.speaker.as_str(), t.role))
        .collect()
}

fn text_of(doc: &Document, i: usize) -> String {
    doc.turns[i].paragraphs.join(" ")
}

#[test]
fn the_seed_reads_as_four_exchanges_all_answered_by_lavrov() {
    let doc = read(SEED);
    assert_eq!(doc.date.as_deref(), Some("2025-11-26"));
    assert_eq!(doc.exchanges.len(), 4);
    let starts = [
        "Did you discuss Donald Trump",
        "To continue the topic of security",
        "I have a question about Ukraine",
        "In other words, you do not confirm",
    ];
    for (e, start) in doc.exchanges.iter().zip(starts) {
        assert!(
            text_of(&doc, e.question).starts_with(start),
            "{}",
            text_of(&doc, e.question)
        );
        assert!(!e.answers.is_empty());
        for a in &e.answers {
            assert_eq!(doc.turns[*a].speaker, "Sergey Lavrov");
            assert_eq!(doc.turns[*a].role, Role::Answer);
        }
    }
    let opening = &doc.turns[0];
    assert_eq!(
        (
            opening.role,
            opening.speaker.as_str(),
            opening.label.as_deref()
        ),
        (Role::Statement, "Sergey Lavrov", None)
    );
    assert!(text_of(&doc, 0).starts_with("Dear media representatives"));
}

#[test]
fn the_seed_keeps_its_preface_and_editors_note_outside_every_turn() {
    let doc = read(SEED);
    assert!(doc.preface.iter().any(|p| p.starts_with("Little scrutiny")));
    assert!(
        doc.preface
            .iter()
            .any(|p| p.contains("what Lavrov had to say"))
    );
    assert!(doc.notes.iter().any(|n| n == "[My Emphasis]"));
    assert!(doc.header.iter().any(|h| h.starts_with("date 2025-11-26")));
    for t in &doc.turns {
        let all = t.paragraphs.join(" ");
        assert!(
            !all.contains("Little scrutiny")
                && !all.contains("[My Emphasis]")
                && !all.contains("signing the Resolution"),
            "{all}"
        );
    }
    assert_eq!(text_of(&doc, doc.turns.len() - 1), "I have answered you.");
}

#[test]
fn a_label_with_a_stage_note_keeps_the_label_as_printed_beside_the_speaker() {
    let doc = read(SEED);
    let turn = doc
        .turns
        .iter()
        .find(|t| {
            t.label
                .as_deref()
                .is_some_and(|l| l.contains("speaking after"))
        })
        .expect("the stage-note label");
    assert_eq!(turn.speaker, "Sergey Lavrov");
    assert_eq!(
        turn.label.as_deref(),
        Some("Sergey Lavrov (speaking after Mikhail Ryzhenkov)")
    );
}

#[test]
fn the_json_contract_has_the_documented_fields() {
    let value = serde_json::to_value(read(SEED)).unwrap();
    for key in [
        "title",
        "date",
        "place",
        "preface",
        "notes",
        "turns",
        "exchanges",
    ] {
        assert!(value.get(key).is_some(), "missing {key}");
    }
    let turn = &value["turns"][1];
    for key in ["speaker", "label", "role", "paragraphs"] {
        assert!(turn.get(key).is_some(), "turn lacks {key}");
    }
    assert_eq!(turn["role"], "question");
    assert_eq!(value["exchanges"][0]["number"], 1);
    assert_eq!(value["exchanges"][0]["question"], 1);
    assert_eq!(value["exchanges"][0]["answers"][0], 2);
}

#[test]
fn an_unlabelled_text_is_one_statement_by_whoever_the_title_names() {
    let doc = read(
        "Spokesperson Wang Wenbin's Remarks on the G7 Summit\n\nWe firmly oppose the interference in China's internal affairs and we urge the G7 to stop it.",
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Spokesperson Wang Wenbin's Remarks on the G7 Summit")
    );
    assert_eq!(doc.turns.len(), 1);
    assert_eq!(doc.turns[0].speaker, "Wang Wenbin");
    assert_eq!(doc.turns[0].role, Role::Statement);
}

#[test]
fn a_and_answer_labels_resolve_to_the_person_the_title_names() {
    let doc = read(
        "Spokesperson Wang Wenbin's Regular Press Conference\n\nQ: Will China attend the summit?\n\nA: We will release information in due course.\n\nQ: And the talks?\n\nAnswer: They went well, as we said yesterday.",
    );
    assert_eq!(doc.exchanges.len(), 2);
    assert!(
        doc.turns
            .iter()
            .filter(|t| t.role == Role::Answer)
            .all(|t| t.speaker == "Wang Wenbin")
    );
}

#[test]
fn a_label_mid_paragraph_after_a_question_starts_a_new_turn() {
    let doc = read(
        "Question: The US imposed new tariffs. How do you respond? Wang Wenbin: We firmly oppose it and will respond.\n\nQuestion: Anything else?\n\nWang Wenbin: No.",
    );
    assert_eq!(doc.turns.len(), 4, "{:?}", doc.turns);
    assert_eq!(doc.turns[1].speaker, "Wang Wenbin");
    assert_eq!(text_of(&doc, 1), "We firmly oppose it and will respond.");
    assert_eq!(doc.exchanges.len(), 2);
}

#[test]
fn different_spellings_of_one_name_in_a_document_are_one_speaker() {
    let doc = read(
        "Ms. Maria Zakharova, Foreign Ministry Spokeswoman: Good afternoon, we begin with the schedule for the week.\n\nQuestion: What about Syria?\n\nMinister Zakharova: We have said everything about it already.\n\nQuestion: And Libya?\n\nZakharova: The same.",
    );
    let speakers: Vec<&str> = doc
        .turns
        .iter()
        .filter(|t| t.speaker_kind == SpeakerKind::Person)
        .map(|t| t.speaker.as_str())
        .collect();
    assert!(
        speakers.iter().all(|s| *s == "Maria Zakharova"),
        "{speakers:?}"
    );
}

#[test]
fn outlets_ask_questions_and_are_outlets() {
    let doc = read(
        "Sergey Lavrov: Good afternoon, I am ready for your questions.\n\nTASS: A question on Syria: what next?\n\nSergey Lavrov: We will continue our work there.\n\nReuters: And sanctions?\n\nSergey Lavrov: They do not work.",
    );
    let outlets: Vec<&str> = doc
        .turns
        .iter()
        .filter(|t| t.speaker_kind == SpeakerKind::Outlet)
        .map(|t| t.speaker.as_str())
        .collect();
    assert_eq!(outlets, ["TASS", "Reuters"]);
    assert_eq!(doc.exchanges.len(), 2);
}

#[test]
fn a_follow_up_opens_its_own_exchange_and_an_unanswered_question_has_no_answers() {
    let doc = read(
        "Question: First question?\n\nSergey Lavrov: First answer.\n\nFollow-up: So you mean yes?\n\nSergey Lavrov: I mean what I said.\n\nQuestion: A last one?",
    );
    assert_eq!(doc.exchanges.len(), 3);
    assert_eq!(doc.exchanges[1].answers.len(), 1);
    assert!(doc.exchanges[2].answers.is_empty());
}

#[test]
fn separators_disclaimers_and_postscripts_are_notes() {
    let doc = read(
        "Unofficial translation\n\nQuestion: Is it true?\n\nSergey Lavrov: It is true, and we have said so many times before.\n\n* * *\n\nSource: the ministry's website",
    );
    assert_eq!(
        doc.notes,
        [
            "Unofficial translation",
            "* * *",
            "Source: the ministry's website"
        ]
    );
    assert_eq!(doc.turns.len(), 2);
}

#[test]
fn a_headline_with_a_colon_is_not_a_speaker() {
    let doc = read(
        "Lavrov on sanctions: a long view\n\nQuestion: What about sanctions?\n\nSergey Lavrov: They have never worked and they will not work now.",
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Lavrov on sanctions: a long view")
    );
    assert_eq!(doc.turns.len(), 2);
}

#[test]
fn a_whole_kremlin_page_reads_its_article_body_and_bold_labels() {
    let page = include_str!("fixtures/kremlin-sample/62047.html");
    let doc = parse::parse_text(page, Format::Html).unwrap();
    assert_eq!(
        doc.title.as_deref(),
        Some("Vladimir Putin answered Russian journalists’ questions")
    );
    assert_eq!(doc.date.as_deref(), Some("2019-11-14"));
    assert_eq!(doc.place.as_deref(), Some("Brasilia"));
    assert_eq!(
        doc.turns
            .iter()
            .filter(|t| t.role == Role::Question)
            .count(),
        16
    );
    assert!(
        doc.turns
            .iter()
            .filter(|t| t.role == Role::Answer)
            .all(|t| t.speaker == "Vladimir Putin")
    );
    assert!(doc.topics.iter().any(|t| t == "BRICS"), "{:?}", doc.topics);
    assert!(!doc.turns.iter().any(|t| {
        t.paragraphs
            .iter()
            .any(|p| p.contains("Text version") || p.contains("Direct link"))
    }));
}

#[test]
fn windows_1251_bytes_read_like_their_utf8_text() {
    let text = "Вопрос: Как вы оцениваете переговоры в Минске?\n\nСергей Лавров: Мы удовлетворены итогами встречи министров иностранных дел.";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let doc = parse::parse_bytes(&bytes, Some("x.txt")).unwrap();
    assert_eq!(doc.turns.len(), 2);
    assert_eq!(doc.turns[1].speaker, "Сергей Лавров");
    assert_eq!(doc.turns[0].role, Role::Question);
}

#[test]
fn empty_and_binary_input_is_a_parse_error_with_a_message() {
    let empty = parse::parse_bytes(b"", None).unwrap_err();
    assert!(empty.message.contains("empty"));
    let html = parse::parse_bytes(
        b"<html><body><script>x()</script></body></html>",
        Some("a.html"),
    )
    .unwrap_err();
    assert!(html.message.contains("no paragraphs"));
    // Bytes no text encoding gives: a PNG's header, then noise with NULs.
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    binary.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    let refused = parse::parse_bytes(&binary, Some("photo.txt")).unwrap_err();
    assert!(refused.message.contains("binary"), "{}", refused.message);
}

/// The number of `Q` turns the sample's labels mark: the manifest's count, which misses `Q`
/// lines that are indented, is recomputed here with indentation allowed.
fn labelled_questions(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let t = l.trim_start_matches([' ', '\u{a0}', '\t']);
            t.strip_prefix('Q')
                .is_some_and(|rest| rest.starts_with([' ', '\u{a0}', '\t', ':']))
        })
        .count()
}

#[test]
fn question_turns_in_the_white_house_sample_match_the_labels() {
    let manifest = include_str!("fixtures/wh-briefings/MANIFEST.tsv");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wh-briefings/");
    let (mut files, mut matching_manifest, mut matching_labels) = (0, 0, 0);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let bytes = std::fs::read(format!("{root}{}", cols[0])).unwrap();
        let doc = parse::parse_bytes(&bytes, Some(cols[0])).unwrap();
        let found = doc
            .turns
            .iter()
            .filter(|t| t.role == Role::Question)
            .count();
        files += 1;
        matching_manifest += usize::from(found.to_string() == cols[2]);
        matching_labels +=
            usize::from(found == labelled_questions(&String::from_utf8_lossy(&bytes)));
    }
    let manifest_share = matching_manifest as f64 / files as f64;
    let label_share = matching_labels as f64 / files as f64;
    eprintln!(
        "{files} files: {matching_manifest} match the manifest ({manifest_share:.3}), {matching_labels} match the labels ({label_share:.3})"
    );
    assert!(label_share >= 0.95, "{label_share}");
    assert!(manifest_share >= 0.88, "{manifest_share}");
}

#[test]
fn every_kremlin_page_reads_without_error_and_finds_its_questions() {
    let manifest = include_str!("fixtures/kremlin-sample/MANIFEST.tsv");
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/kremlin-sample/"
    );
    let mut with_questions = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let doc = parse::parse_bytes(
            &std::fs::read(format!("{root}{}", cols[0])).unwrap(),
            Some(cols[0]),
        )
        .unwrap();
        let want: usize = cols[5].parse().unwrap();
        let labelled: usize = cols[4].parse().unwrap();
        let count = |role: Role| doc.turns.iter().filter(|t| t.role == role).count();
        let (found, answers) = (count(Role::Question), count(Role::Answer));
        // Named interviewers' questions count here and not in the manifest, so at least as many.
        assert!(found >= want, "{}: {found} < {want}", cols[0]);
        // And no more than can be: every question but a last one is answered, questions are at
        // most half of the labelled turns, and whoever answers most never asks.
        assert!(
            found <= answers + 1,
            "{}: {found} questions, {answers} answers",
            cols[0]
        );
        assert!(
            found <= labelled.div_ceil(2),
            "{}: {found} of {labelled} turns",
            cols[0]
        );
        let mut answered: std::collections::HashMap<&str, usize> = Default::default();
        for t in doc.turns.iter().filter(|t| t.role == Role::Answer) {
            *answered.entry(t.speaker.as_str()).or_default() += 1;
        }
        if let Some((principal, _)) = answered.iter().max_by_key(|(name, n)| (**n, **name)) {
            let asked = doc
                .turns
                .iter()
                .filter(|t| t.role == Role::Question && t.speaker == *principal)
                .count();
            assert_eq!(asked, 0, "{}: {principal} asks {asked} questions", cols[0]);
        }
        with_questions += usize::from(want > 0 && found > 0);
        assert!(doc.title.is_some() && doc.date.is_some(), "{}", cols[0]);
    }
    assert_eq!(with_questions, 10);
}

mod properties {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_read_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = stenogram::parse::parse_bytes(&bytes, None);
            let _ = stenogram::parse::parse_bytes(&bytes, Some("x.html"));
            let _ = stenogram::parse::parse_bytes(&bytes, Some("x.md"));
        }

        #[test]
        fn any_text_made_of_transcript_pieces_reads_without_panic(pieces in proptest::collection::vec(prop_oneof![
            Just("Question: "), Just("Q  "), Just("Sergey Lavrov: "), Just("A: "), Just("\n\n"), Just("\n"), Just("ё"), Just("“"), Just("?"),
            Just(". "), Just("* * *"), Just("[My Emphasis]"), Just("<b>Name</b>:"), Just("---\ntitle: x\n---\n"), Just("2025-11-26"), Just("words and more words"),
        ], 0..60)) {
            let text: String = pieces.concat();
            let _ = stenogram::parse::parse_bytes(text.as_bytes(), None);
            let _ = stenogram::parse::parse_bytes(text.as_bytes(), Some("x.html"));
            let _ = stenogram::parse::parse_bytes(text.as_bytes(), Some("x.md"));
        }
    }
}

#[test]
fn a_state_department_briefing_reads_its_title_place_byline_and_questions() {
    let doc = read(
        "Department Press Briefing – March 3, 2021\n\nNed Price, Department Spokesperson\n\nWashington, DC\n\n2:21 p.m. EST\n\n\
         MR PRICE: Good afternoon, everyone. I have a couple of things at the top.\n\
         QUESTION: Thanks, Ned. On Ukraine, can you say anything about the call?\n\
         MR PRICE: Well, the Secretary spoke with his counterpart this morning about it.\n\
         QUESTION: Follow-up on that – did they discuss sanctions?\n\
         MR PRICE: I am not going to get ahead of that.",
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Department Press Briefing – March 3, 2021")
    );
    assert_eq!(doc.date.as_deref(), Some("2021-03-03"));
    assert_eq!(doc.place.as_deref(), Some("Washington, DC"));
    assert!(doc.preface.is_empty(), "{:?}", doc.preface);
    assert_eq!(doc.exchanges.len(), 2);
    assert!(
        doc.turns
            .iter()
            .filter(|t| t.role != Role::Question)
            .all(|t| t.speaker == "Ned Price")
    );
}

#[test]
fn outlets_asking_in_one_paragraph_are_two_questions() {
    let doc = read(
        "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference on May 5, 2022\n\n\
         AFP: The government said it would send a delegation. Can you confirm?\n\n\
         Wang Wenbin: We have released information on that.\n\n\
         Bloomberg: Will the delegation meet officials? China Daily: What is your comment on the report?\n\n\
         Wang Wenbin: I would refer you to the competent authorities.",
    );
    assert_eq!(doc.date.as_deref(), Some("2022-05-05"));
    assert!(
        doc.title
            .as_deref()
            .is_some_and(|t| t.starts_with("Foreign Ministry Spokesperson"))
    );
    let askers: Vec<&str> = doc
        .exchanges
        .iter()
        .map(|e| doc.turns[e.question].speaker.as_str())
        .collect();
    assert_eq!(askers, ["AFP", "Bloomberg", "China Daily"]);
    assert_eq!(doc.exchanges[2].answers.len(), 1);
}

#[test]
fn section_headings_are_notes_and_a_title_word_is_never_a_given_name() {
    let doc = parse::parse_text(
        "# Press Conference by Foreign Minister HAYASHI Yoshimasa\n\nTuesday, April 12, 2022, 4:10 p.m.\n\n## Opening Remarks\n\n\
         Minister HAYASHI: I have two announcements today on humanitarian assistance.\n\n## Questions and Answers\n\n\
         Reporter: What is the next step on sanctions?\n\nMinister HAYASHI: We will coordinate closely with the G7.",
        Format::Markdown,
    )
    .unwrap();
    assert_eq!(doc.date.as_deref(), Some("2022-04-12"));
    assert!(doc.preface.is_empty(), "{:?}", doc.preface);
    assert_eq!(doc.notes, ["Opening Remarks", "Questions and Answers"]);
    assert!(
        doc.turns
            .iter()
            .filter(|t| t.speaker_kind == SpeakerKind::Person)
            .all(|t| t.speaker == "Yoshimasa Hayashi"),
        "{:?}",
        doc.turns
    );
    assert_eq!(doc.exchanges.len(), 1);
}

fn fixture(path: &str) -> Document {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    parse::parse_bytes(&bytes, Some(path)).unwrap()
}

fn white_house_files() -> Vec<String> {
    let manifest = include_str!("fixtures/wh-briefings/MANIFEST.tsv");
    manifest
        .lines()
        .skip(1)
        .map(|l| format!("wh-briefings/{}", l.split('\t').next().unwrap()))
        .collect()
}

#[test]
fn anonymous_officials_are_never_given_a_principals_name() {
    let (mut officials, mut anonymous) = (0, 0);
    for path in white_house_files() {
        let doc = fixture(&path);
        for turn in &doc.turns {
            let label = turn.label.as_deref().unwrap_or("").to_uppercase();
            if label.ends_with("OFFICIAL") || label.ends_with("AIDE") {
                officials += 1;
                if turn.speaker_kind == SpeakerKind::Anonymous
                    && turn.speaker.to_uppercase() == label
                {
                    anonymous += 1;
                } else {
                    eprintln!(
                        "{path}: {label} read as {:?} {}",
                        turn.speaker_kind, turn.speaker
                    );
                }
            }
        }
    }
    assert!(officials > 1000, "{officials}");
    assert_eq!(anonymous, officials);
    // The call on the Cancer Moonshot: its officials were once shown as Biden.
    let doc = fixture(
        "wh-briefings/speeches-remarks/2022-02/2022-02-02-background-press-call-by-senior-administration-officials-on-president-bidens-plans-to-reignite-the-cancer-moonshot.md",
    );
    assert!(doc.turns.iter().all(|t| !t.speaker.contains("Biden")));
    assert_ne!(doc.principal(), Some("Joe Biden"));
}

#[test]
fn numbered_officials_stay_distinct_and_a_role_nobody_can_name_stays_a_role() {
    let doc = read(
        "Background call\n\nSENIOR ADMINISTRATION OFFICIAL 1: Thanks for joining.\n\nQ: What changed this week?\n\nSENIOR ADMINISTRATION OFFICIAL 2: The sanctions took effect today, as planned.\n\nTHE PRESIDENT: Thank you all for coming today and for your patience.\n",
    );
    let speakers: Vec<(&str, SpeakerKind)> = doc
        .turns
        .iter()
        .map(|t| (t.speaker.as_str(), t.speaker_kind))
        .collect();
    assert_eq!(
        speakers[0],
        ("Senior Administration Official 1", SpeakerKind::Anonymous)
    );
    assert_eq!(
        speakers[2],
        ("Senior Administration Official 2", SpeakerKind::Anonymous)
    );
    assert_eq!(doc.turns[2].role, Role::Answer);
    // Undated, with no source and a title that names nobody: no guess.
    assert_eq!(speakers[3], ("The President", SpeakerKind::Anonymous));
}

#[test]
fn a_role_label_is_the_person_the_title_names_else_who_held_the_office_that_day() {
    let doc = fixture(
        "wh-briefings/speeches-remarks/2021-08/2021-08-23-remarks-by-vice-president-harris-and-prime-minister-lee-of-singapore-in-joint-press-conference-singapore-singapore.md",
    );
    for t in doc
        .turns
        .iter()
        .filter(|t| t.label.as_deref() == Some("VICE PRESIDENT HARRIS"))
    {
        assert_eq!(t.speaker, "Kamala Harris");
    }
    // Dated, from whitehouse.gov, a title that names nobody: the president that day.
    let doc = read_markdown(
        "---\ntitle: Remarks at a Reception\ndate: '2022-06-01'\nsource_url: https://www.whitehouse.gov/briefing-room/x\n---\n\nTHE PRESIDENT: Well, thank you all for being here tonight, it means a great deal.\n\nQ: Mr. President, will you sign the bill?\n\nTHE PRESIDENT: Yes, I will sign it as soon as it reaches my desk.\n",
    );
    assert!(
        doc.turns
            .iter()
            .filter(|t| t.label.as_deref() == Some("THE PRESIDENT"))
            .all(|t| t.speaker == "Joe Biden")
    );
    // `Remarks by Vice President Harris`: THE PRESIDENT there is not the vice president.
    let doc = read_markdown(
        "---\ntitle: Remarks by Vice President Harris and President Macron\ndate: '2021-11-10'\n---\n\nVICE PRESIDENT HARRIS: Good afternoon, it is an honour to be in Paris with you all.\n\nPRESIDENT MACRON: Thank you, Madam Vice President, for this visit and your words.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Kamala Harris");
    // `PRESIDENT MACRON` in 2021: the table knows France's president that day.
    assert_eq!(doc.turns[1].speaker, "Emmanuel Macron");
}

#[test]
fn a_bare_surname_takes_the_whole_name_the_title_or_the_office_gives() {
    let doc = fixture(
        "wh-briefings/press-briefings/2021-03/2021-03-19-press-gaggle-by-principal-deputy-press-secretary-karine-jean-pierre-aboard-air-force-one-en-route-atlanta-georgia.md",
    );
    let kjp: Vec<&str> = doc
        .turns
        .iter()
        .filter(|t| t.label.as_deref() == Some("MS. JEAN-PIERRE"))
        .map(|t| t.speaker.as_str())
        .collect();
    assert!(!kjp.is_empty());
    assert!(kjp.iter().all(|s| *s == "Karine Jean-Pierre"), "{kjp:?}");
    // A title that names her by surname only: the press secretary that day.
    let doc = read_markdown(
        "---\ntitle: Press Gaggle by Press Secretary Psaki\ndate: '2021-05-04'\nsource_url: https://www.whitehouse.gov/briefing-room/x\n---\n\nMS. PSAKI: Good morning, everyone, we have a busy day ahead of us.\n\nQ: Is the President travelling on Friday?\n\nMS. PSAKI: He is, and we will have more on the trip tomorrow morning.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Jen Psaki");
    // `THE PRESIDENT` in a headline that runs on: `Trump Aboard Air Force One` is no name.
    let doc = read_markdown(
        "---\ntitle: Remarks by President Trump Aboard Air Force One\ndate: '2018-07-13'\n---\n\nTHE PRESIDENT: We had a very good meeting with the Prime Minister today, very good.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Donald Trump");
}

#[test]
fn a_named_journalist_or_host_who_asks_and_is_answered_puts_a_question() {
    // Direct Line 2011: hosts read out viewers' questions, people in the studio ask by name.
    let doc = fixture("kremlin-sample/17976.html");
    let mut asked = 0;
    for (a, b) in doc.turns.iter().zip(doc.turns.iter().skip(1)) {
        if a.speaker != "Vladimir Putin"
            && b.speaker == "Vladimir Putin"
            && a.paragraphs.last().is_some_and(|p| p.contains('?'))
        {
            asked += 1;
            assert_eq!(
                a.role,
                Role::Question,
                "{}: {:?}",
                a.speaker,
                a.paragraphs.last()
            );
        }
    }
    assert!(asked > 30, "{asked}");
    // The hosts answer nothing.
    for t in &doc.turns {
        if t.speaker.contains("Sittel") || t.speaker.contains("Kleymenov") {
            assert_ne!(t.role, Role::Answer, "{:?}", t.paragraphs.last());
        }
    }
    // Every answer in an exchange is the principal's, right after its question or an answer.
    for e in &doc.exchanges {
        for &a in &e.answers {
            assert!(a > e.question);
            assert!(matches!(
                doc.turns[a - 1].role,
                Role::Question | Role::Answer | Role::Remark
            ));
        }
    }
}

#[test]
fn an_exchange_never_holds_answers_to_a_question_not_on_its_page() {
    let doc = read(
        "News conference\n\nQuestion: What about the budget?\n\nVladimir Putin: The budget is balanced and we will keep it so, whatever happens.\n\nOlga Ivanova: Channel One. I would like to talk about Minsk and the agreements signed there last year.\n\nVladimir Putin: The Minsk agreements have no alternative, and we have said so many times before.\n",
    );
    assert_eq!(doc.exchanges.len(), 1);
    assert_eq!(doc.exchanges[0].answers, vec![1]);
    assert_ne!(doc.turns[3].role, Role::Answer);
}

#[test]
fn a_hard_wrapped_sentence_that_runs_into_a_colon_is_not_a_new_speaker() {
    let doc = fixture(
        "wh-briefings/press-briefings/2022-11/2022-11-10-press-briefing-by-press-secretary-karine-jean-pierre-and-national-security-advisor-jake-sullivan-november-10-2022.md",
    );
    assert!(
        doc.turns
            .iter()
            .all(|t| t.label.as_deref() != Some("President"))
    );
    let q = doc
        .turns
        .iter()
        .find(|t| {
            t.paragraphs
                .iter()
                .any(|p| p.contains("CPI statement this morning"))
        })
        .unwrap();
    assert_eq!(q.label.as_deref(), Some("Q"));
    assert!(
        q.paragraphs
            .iter()
            .any(|p| p.contains("rampant run-up in rents"))
    );
}

#[test]
fn speech_that_says_i_or_you_is_never_a_label() {
    let doc = read(
        "Direct Line\n\nVladimir Putin: Good afternoon, let us begin with the questions.\n\nMr President, here is my question for you: when will the road be built?\n\nVladimir Putin: Next year, the money has been found for it.\n",
    );
    assert!(
        doc.turns
            .iter()
            .all(|t| t.label.as_deref() != Some("Mr President, here is my question for you"))
    );
}

#[test]
fn a_description_before_a_name_and_other_spellings_are_one_person() {
    let doc = fixture("kremlin-sample/17976.html");
    let names: std::collections::BTreeSet<&str> =
        doc.turns.iter().map(|t| t.speaker.as_str()).collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("host") || n.contains("KleYMENOV")),
        "{names:?}"
    );
    assert!(names.contains("Maria Sittel"));
    let kleymenov: Vec<&&str> = names.iter().filter(|n| n.contains("Kle")).collect();
    assert_eq!(kleymenov.len(), 1, "{kleymenov:?}");
}

// ---- Chinese pages of the China MFA and speeches of the UN General Assembly ----

/// The fixture's row in its folder's MANIFEST.tsv, by column name.
fn manifest(folder: &str, file: &str) -> std::collections::HashMap<String, String> {
    let path = format!(
        "{}/tests/fixtures/{folder}/MANIFEST.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let names: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let row = lines
        .find(|l| l.starts_with(file))
        .unwrap_or_else(|| panic!("{file} is not in the manifest"));
    names
        .iter()
        .map(|n| n.to_string())
        .zip(row.split('\t').map(str::to_string))
        .collect()
}

fn page(folder: &str, file: &str) -> Document {
    let path = format!(
        "{}/tests/fixtures/{folder}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    parse::parse_bytes(&std::fs::read(path).unwrap(), Some(file)).expect("a transcript")
}

#[test]
fn a_chinese_press_conference_reads_its_full_width_labels_date_title_and_spokesperson() {
    // 问：/答： in bold (2017), an outlet's reporter and the spokesperson by name (2020), and a
    // single question answered (……答记者问), from fmprc.gov.cn.
    for file in ["t1435701.html", "t1780224.html", "t1452272.html"] {
        let m = manifest("china-mfa-zh", file);
        let doc = page("china-mfa-zh", file);
        assert_eq!(doc.title.as_deref(), Some(m["title"].as_str()), "{file}");
        assert_eq!(doc.date.as_deref(), Some(m["date"].as_str()), "{file}");
        assert_eq!(doc.language.as_deref(), Some("zh"), "{file}");
        let questions = doc
            .turns
            .iter()
            .filter(|t| t.role == Role::Question)
            .count();
        let expected: usize = m["question_turns"].parse().unwrap();
        assert!(
            questions.abs_diff(expected) <= 1,
            "{file}: {questions} questions, {expected} expected"
        );
        let answers: Vec<_> = doc
            .turns
            .iter()
            .filter(|t| t.role == Role::Answer)
            .collect();
        assert!(!answers.is_empty(), "{file}");
        for a in answers {
            assert_eq!(
                a.speaker,
                m["spokesperson"],
                "{file}: {:?}",
                a.paragraphs.first()
            );
        }
        assert!(doc.exchanges.len() >= expected.saturating_sub(1), "{file}");
    }
}

#[test]
fn a_chinese_outlet_label_names_the_outlet_and_a_follow_up_is_a_question() {
    let doc = page("china-mfa-zh", "t1780224.html");
    let asked: Vec<(&str, SpeakerKind)> = doc
        .turns
        .iter()
        .filter(|t| t.role == Role::Question)
        .map(|t| (t.speaker.as_str(), t.speaker_kind))
        .collect();
    assert!(
        asked.contains(&("路透社", SpeakerKind::Outlet)),
        "{asked:?}"
    );
    assert!(
        asked.contains(&("澳大利亚人报", SpeakerKind::Outlet)),
        "{asked:?}"
    );
    assert!(
        doc.turns
            .iter()
            .any(|t| t.label.as_deref() == Some("追问") && t.role == Role::Question)
    );
}

#[test]
fn a_speech_quoting_someone_after_a_colon_stays_one_voice_with_no_preface() {
    // UN General Debate Corpus (CC0): each quotes a leader after a line ending in a colon.
    for file in ["KEN_44_1989.txt", "SEN_34_1979.txt", "BGR_24_1969.txt"] {
        let doc = page("un-speeches", file);
        let voices: std::collections::HashSet<&str> = doc
            .turns
            .iter()
            .filter(|t| t.role != Role::Remark)
            .map(|t| t.speaker.as_str())
            .collect();
        assert_eq!(voices.len(), 1, "{file}: {voices:?}");
        let text: usize = doc
            .turns
            .iter()
            .flat_map(|t| &t.paragraphs)
            .map(|p| p.len())
            .sum();
        let aside: usize = doc.preface.iter().chain(&doc.notes).map(|p| p.len()).sum();
        assert!(
            aside * 10 <= text + aside,
            "{file}: {aside} of {} set aside",
            text + aside
        );
    }
}

#[test]
fn a_russian_transcript_reads_its_headline_date_and_initialled_names() {
    // Made in the form mid.ru prints its transcripts (a headline ending in place and date,
    // `И.О.Фамилия:` labels), with the names of the seed's event.
    let doc = read(
        "Выступление и ответы на вопросы СМИ Министра иностранных дел Российской Федерации С.В.Лаврова в ходе совместной пресс-конференции с Министром иностранных дел Республики Беларусь М.В.Рыженковым, Москва, 26 ноября 2025 года\n\n\
         С.В.Лавров: Уважаемые дамы и господа, мы провели переговоры.\n\n\
         Вопрос: Как Вы оцениваете перспективы урегулирования?\n\n\
         С.В.Лавров: Мы готовы к переговорам на основе реальности.\n",
    );
    assert!(
        doc.title
            .as_deref()
            .unwrap()
            .starts_with("Выступление и ответы")
    );
    assert_eq!(doc.date.as_deref(), Some("2025-11-26"));
    assert_eq!(doc.language.as_deref(), Some("ru"));
    assert_eq!(doc.turns[0].speaker, "Сергей Лавров");
    assert_eq!(doc.turns[0].label.as_deref(), Some("С.В.Лавров"));
    assert_eq!(doc.turns[1].role, Role::Question);
    assert_eq!(doc.turns[2].role, Role::Answer);
    assert_eq!(doc.turns[2].speaker, "Сергей Лавров");
}

#[test]
fn a_chinese_spokesperson_s_opening_announcement_is_a_statement_not_a_preface() {
    let doc = page("china-mfa-zh", "t1435701.html");
    assert!(doc.preface.is_empty(), "{:?}", doc.preface);
    assert_eq!(doc.turns[0].role, Role::Statement);
    assert_eq!(doc.turns[0].speaker, "陆慷");
    assert!(doc.turns[0].paragraphs[1].starts_with("首先，发布一则消息"));
}

#[test]
fn a_guest_named_in_bold_with_a_stage_note_before_the_colon_speaks_in_their_own_name() {
    // kremlin.ru prints an interpreted speech as
    // `<b>Prime Minister of Hungary Viktor Orban</b> (<i>retranslated</i>)<b>:</b> Mr President,`.
    for (file, guest, words) in [
        (
            "kremlin-sample/17400.html",
            "Viktor Orban",
            "Let me pass on the gratitude",
        ),
        (
            "kremlin-sample/51551.html",
            "Sauli Niinisto",
            "Ladies and gentlemen",
        ),
        (
            "kremlin-sample/57608.html",
            "Boyko Borissov",
            "Mr President, colleagues",
        ),
    ] {
        let doc = fixture(file);
        let turn = doc
            .turns
            .iter()
            .find(|t| t.paragraphs.iter().any(|p| p.contains(words)))
            .unwrap_or_else(|| panic!("{file}: no turn says {words:?}"));
        assert_eq!(turn.speaker, guest, "{file}");
        assert!(
            turn.label
                .as_deref()
                .is_some_and(|l| l.contains("(retranslated)")),
            "{file}: {:?}",
            turn.label
        );
        assert_eq!(turn.role, Role::Statement, "{file}");
        assert!(
            doc.turns
                .iter()
                .filter(|t| t.speaker == "Vladimir Putin")
                .all(|t| t.paragraphs.iter().all(|p| !p.contains("(retranslated)"))),
            "{file}: a label left inside the president's speech"
        );
    }
}

#[test]
fn a_guest_leader_who_opened_a_joint_news_conference_answers_beside_the_host() {
    let doc = fixture("kremlin-sample/57608.html");
    assert_eq!(doc.exchanges.len(), 2);
    for e in &doc.exchanges {
        let speakers: Vec<&str> = e
            .answers
            .iter()
            .map(|&a| doc.turns[a].speaker.as_str())
            .collect();
        assert!(speakers.contains(&"Vladimir Putin"), "{speakers:?}");
        assert!(speakers.contains(&"Boyko Borissov"), "{speakers:?}");
    }
    // A journalist who never opened the event stays outside the exchange (see
    // `an_exchange_never_holds_answers_to_a_question_not_on_its_page`).
}

#[test]
fn see_also_boxes_are_chrome_and_the_site_s_lead_paragraph_opens_the_preface() {
    let mut leads = 0;
    for entry in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/kremlin-sample"
    ))
    .unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let name = format!(
            "kremlin-sample/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let doc = fixture(&name);
        for text in doc.notes.iter().chain(&doc.preface) {
            assert!(!text.eq_ignore_ascii_case("see also"), "{name}: {text}");
        }
        for t in &doc.turns {
            assert!(t.paragraphs.iter().all(|p| p != "See also"), "{name}");
        }
        if !doc.preface.is_empty() {
            leads += 1;
        }
    }
    assert!(leads >= 15, "{leads} pages keep their lead");
    let doc = fixture("kremlin-sample/54267.html");
    assert_eq!(
        doc.preface.first().map(String::as_str),
        Some(
            "Following the meeting, Vladimir Putin and Italian President Sergio Mattarella made statements for the press."
        )
    );
    // The lead is the publisher's words, never a speaker's.
    assert!(doc.turns.iter().all(|t| {
        t.paragraphs
            .iter()
            .all(|p| !p.starts_with("Following the meeting, Vladimir Putin"))
    }));
}

#[test]
fn a_guest_leader_labelled_by_office_and_surname_takes_the_whole_name_in_office_that_day() {
    // `PRESIDENT YOON`: a Korean name printed surname first is still found by its surname.
    let doc = read_markdown(
        "---\ntitle: Remarks by President Biden and President Yoon of the Republic of Korea in Joint Press Conference\ndate: '2023-04-26'\n---\n\nPRESIDENT BIDEN: Good afternoon, everyone. It is an honour to welcome my friend here today.\n\nPRESIDENT YOON: Thank you, Mr. President, for the warm welcome you and the First Lady gave us.\n\nQ Thank you, Mr. President. What did you agree on deterrence?\n\nPRESIDENT BIDEN: We agreed on a new consultative group, and it will meet four times a year.\n\nPRESIDENT YOON: And we will share information on nuclear operations through that group as agreed.\n",
    );
    let speakers: Vec<&str> = doc.turns.iter().map(|t| t.speaker.as_str()).collect();
    assert_eq!(
        speakers,
        [
            "Joe Biden",
            "Yoon Suk Yeol",
            "Unnamed questioner",
            "Joe Biden",
            "Yoon Suk Yeol"
        ]
    );
    // The guest who opened with a statement answers beside the host.
    assert_eq!(doc.exchanges[0].answers, vec![3, 4]);
    let doc = read_markdown(
        "---\ntitle: Joint Press Conference\ndate: '2022-05-23'\n---\n\nPRIME MINISTER KISHIDA: Thank you for visiting Tokyo at this important moment for our alliance.\n\nQ What about Taiwan?\n\nPRIME MINISTER KISHIDA: Our position is unchanged, as I said at the summit today.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Fumio Kishida");
}

#[test]
fn a_moderator_who_introduces_himself_by_his_whole_name_is_known_by_it_and_answers_nothing() {
    let doc = fixture(
        "wh-briefings/press-briefings/2022-10/2022-10-06-background-press-call-on-marijuana-reform.md",
    );
    let munoz: Vec<_> = doc
        .turns
        .iter()
        .filter(|t| t.label.as_deref() == Some("MR. MUNOZ"))
        .collect();
    assert!(munoz.len() > 5);
    for t in &munoz {
        assert_eq!(t.speaker, "Kevin Munoz");
        assert_ne!(t.role, Role::Answer, "{:?}", t.paragraphs);
    }
    // A surname two people are introduced by stays as printed: never a guess.
    let doc = read(
        "Press call\n\nMR. SMITH: Hi, everybody. This is John Smith, and with me today is an official.\n\nQ: What about the budget?\n\nSENIOR ADMINISTRATION OFFICIAL: It is balanced, and it will stay balanced.\n\nMR. SMITH: Thanks. I'll turn it over to Jane Smith for the last word.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Smith");
}

#[test]
fn a_guest_introduced_by_title_and_whole_name_is_known_by_that_name() {
    // The spokesperson brings on two guests by title and whole name; their labels print an
    // office and a surname alone.
    let doc = read(
        "Department Press Briefing\n\nMay 2, 2023\n\n\
         MR HALL: Good afternoon. I am pleased to introduce to you Ambassador Nora Bexley, our Coordinator for Global Health, and we are joined today by my colleague Deputy Administrator Tomas Ruiz-Lamb. Ambassador.\n\n\
         COORDINATOR BEXLEY: Thank you. We are announcing new support for clinics in twelve countries this week.\n\n\
         DEPUTY ADMINISTRATOR RUIZ-LAMB: And the agency will fund the training of four thousand nurses.\n\n\
         QUESTION: How much of the money goes to vaccines?\n\n\
         COORDINATOR BEXLEY: About a third of it, over the next three years.\n",
    );
    let speaker_of = |label: &str| {
        doc.turns
            .iter()
            .find(|t| t.label.as_deref() == Some(label))
            .map(|t| t.speaker.clone())
    };
    assert_eq!(
        speaker_of("COORDINATOR BEXLEY").as_deref(),
        Some("Nora Bexley")
    );
    assert_eq!(
        speaker_of("DEPUTY ADMINISTRATOR RUIZ-LAMB").as_deref(),
        Some("Tomas Ruiz-Lamb")
    );
    // Titles alone name nobody (`welcome Secretary Okafor`), and a surname two introduced
    // people share stays as printed.
    let doc = read(
        "Press briefing\n\nMR HALL: Let me welcome Secretary Okafor, and I introduce to you Ambassador Ann Reyes and Ambassador Luis Reyes.\n\n\
         SECRETARY OKAFOR: Thank you, it is good to be back in this room with all of you.\n\n\
         AMBASSADOR REYES: Thank you. Our embassies are open and working as they always do.\n",
    );
    assert_eq!(doc.turns[1].speaker, "Okafor");
    assert_eq!(doc.turns[2].speaker, "Reyes");
}

#[test]
fn an_interviewers_aside_into_a_broken_off_answer_leaves_the_answer_with_its_question() {
    let doc = read(
        "Interview with a news channel\n\n\
         Anna Berg: Will you meet the other side's delegation next week in Geneva?\n\n\
         Erik Dahl: We have said many times that we are ready to talk, and we would like to –\n\n\
         Anna Berg: You said that last year.\n\n\
         Erik Dahl: And it was true then, as it is now: the delegation will be there, and so will we.\n\n\
         Anna Berg: Thank you. (Laughter.)\n\n\
         Erik Dahl: I will add only that the talks will begin on Tuesday morning, as both sides agreed.\n\n\
         Anna Berg: And the sanctions?\n\n\
         Erik Dahl: The sanctions will not be on the agenda, and they were never part of the talks at all.\n",
    );
    let roles: Vec<Role> = doc.turns.iter().map(|t| t.role).collect();
    assert_eq!(
        roles,
        vec![
            Role::Question,
            Role::Answer,
            Role::Remark,
            Role::Answer,
            Role::Remark,
            Role::Answer,
            Role::Question,
            Role::Answer,
        ]
    );
    // The first question keeps every part of its answer.
    assert_eq!(doc.exchanges.len(), 2);
    assert_eq!(doc.exchanges[0].answers, vec![1, 3, 5]);
    assert_eq!(doc.exchanges[1].question, 6);
}

#[test]
fn press_conferences_in_arabic_and_hindi_are_read_turn_by_turn() {
    // Arabic: a spokesperson labelled by office, questions labelled `سؤال`, and a remark in the
    // spokesperson's speech that says who said what (`وقال:`), which is not a speaker.
    let doc = read(
        "المؤتمر الصحفي الأسبوعي للمتحدث الرسمي\n\n\
         المتحدث الرسمي: مساء الخير. نبدأ ببيان قصير ثم نفتح باب الأسئلة.\n\n\
         سؤال: ما هو موقف الوزارة من المفاوضات الجارية؟\n\n\
         المتحدث الرسمي: موقفنا ثابت. وقال: إن الحوار هو الطريق الوحيد.\n\n\
         سؤال: وهل ستشاركون في الاجتماع المقبل؟\n\n\
         المتحدث الرسمي: نعم، سيشارك الوزير بنفسه.\n",
    );
    assert_eq!(
        outline(&doc),
        vec![
            ("المتحدث الرسمي", Role::Statement),
            ("Unnamed questioner", Role::Question),
            ("المتحدث الرسمي", Role::Answer),
            ("Unnamed questioner", Role::Question),
            ("المتحدث الرسمي", Role::Answer),
        ]
    );
    assert!(text_of(&doc, 2).contains("وقال: إن الحوار"));
    assert_eq!(doc.exchanges.len(), 2);
    // Hindi: the honorific `श्री` is not part of the name; a reporter by first name asks.
    let doc = read(
        "साप्ताहिक मीडिया ब्रीफिंग का प्रतिलेख\n\n\
         श्री अरिंदम बागची, सरकारी प्रवक्ता: आप सभी को नमस्कार। हम कुछ प्रश्न लेंगे।\n\n\
         शैलेन्द्र: सर, इस रिपोर्ट पर आपकी क्या प्रतिक्रिया है?\n\n\
         श्री अरिंदम बागची, सरकारी प्रवक्ता: हमने रिपोर्ट देखी है और हम इस मामले को उठाएंगे।\n",
    );
    assert_eq!(
        outline(&doc),
        vec![
            ("अरिंदम बागची", Role::Statement),
            ("शैलेन्द्र", Role::Question),
            ("अरिंदम बागची", Role::Answer),
        ]
    );
    // The same honorific in Latin letters.
    let doc = read(
        "Weekly Media Briefing\n\nShri Arindam Bagchi, Official Spokesperson: Good afternoon to all of you.\n\nQuestion: Any reaction to the report?\n\nShri Arindam Bagchi, Official Spokesperson: We have seen it.\n",
    );
    assert_eq!(doc.turns[0].speaker, "Arindam Bagchi");
}

#[test]
fn french_and_spanish_briefings_that_label_with_a_dash_keep_answers_apart_from_questions() {
    // France's spokesperson: `Q -` and `R -`. Before, every answer was read as the rest of the
    // question before it, under the questioner's name.
    let doc = read(
        "Point de presse du porte-parole\n\nParis, le 14 février 2024\n\n\
         Q - Quelle est la position de la France sur la situation à Gaza ?\n\n\
         R - La France appelle à un cessez-le-feu immédiat et durable.\n\n\
         Q - Et sur l'Ukraine ?\n\n\
         R - Notre soutien reste entier.\n",
    );
    let roles: Vec<Role> = doc.turns.iter().map(|t| t.role).collect();
    assert_eq!(
        roles,
        vec![Role::Question, Role::Answer, Role::Question, Role::Answer]
    );
    assert_eq!(
        text_of(&doc, 1),
        "La France appelle à un cessez-le-feu immédiat et durable."
    );
    assert_eq!(doc.date.as_deref(), Some("2024-02-14"));
    // Spain's: `Presidente del Gobierno.-` and `P.-`.
    let doc = read(
        "Rueda de prensa\n\nMadrid, 3 de marzo de 2024\n\n\
         Presidente del Gobierno.- Buenos días y gracias por venir a esta rueda de prensa.\n\n\
         P.- ¿Cuándo se reunirá con el presidente francés?\n\n\
         Presidente del Gobierno.- La próxima semana, en París.\n",
    );
    assert_eq!(
        outline(&doc),
        vec![
            ("Presidente del Gobierno", Role::Statement),
            ("Unnamed questioner", Role::Question),
            ("Presidente del Gobierno", Role::Answer),
        ]
    );
}

#[test]
fn the_german_government_press_conference_names_its_askers_and_speakers_apart() {
    let doc = read(
        "Regierungspressekonferenz vom 14. Februar 2024\n\n\
         Sprecher: Regierungssprecher Hebestreit, Wagner (AA), Collatz (BMVg)\n\n\
         SRS HEBESTREIT: Guten Tag, meine Damen und Herren! Der Bundeskanzler reist am Freitag nach München.\n\n\
         FRAGE JUNG: Herr Wagner, wie bewertet das Auswärtige Amt die Lage in Gaza?\n\n\
         WAGNER: Die Bundesregierung ist tief besorgt über die Lage in Gaza.\n\n\
         ZUSATZFRAGE JUNG: Gibt es Gespräche mit Israel?\n\n\
         WAGNER: Ja, die Außenministerin steht in engem Kontakt.\n",
    );
    assert_eq!(
        doc.title.as_deref(),
        Some("Regierungspressekonferenz vom 14. Februar 2024")
    );
    // `Hebestreit, Wagner (AA)` lists two people: nobody is called `Hebestreit Wagner`.
    assert_eq!(
        outline(&doc)[1..],
        [
            ("Unnamed questioner", Role::Question),
            ("Wagner", Role::Answer),
            ("Unnamed questioner", Role::Question),
            ("Wagner", Role::Answer),
        ]
    );
    assert_eq!(doc.turns[0].speaker, "Hebestreit");
    assert_eq!(doc.exchanges.len(), 2);
    // A Russian headline that ends in its date and `года` is the title.
    let doc = read(
        "Брифинг официального представителя МИД России М.В.Захаровой, Москва, 12 марта 2024 года\n\n\
         М.В.Захарова: Добрый день.\n\nВопрос: Как Вы прокомментируете заявление?\n\nМ.В.Захарова: Позиция России известна.\n",
    );
    assert!(
        doc.title
            .as_deref()
            .is_some_and(|t| t.starts_with("Брифинг"))
    );
    assert_eq!(doc.date.as_deref(), Some("2024-03-12"));
}

#[test]
fn a_role_label_is_the_one_person_the_preface_names_in_that_role() {
    let briefing = |preface: &str| {
        read(&format!(
            "Daily Press Briefing by the Office of the Spokesperson for the Secretary-General\n\n12 January 2024\n\n{preface}\n\n\
             Question: On Gaza, has the Secretary-General spoken to the Prime Minister?\n\n\
             Spokesman: He has not spoken to him this week, but contacts continue at many levels.\n"
        ))
    };
    let doc = briefing(
        "The following is a near-verbatim transcript of today's noon briefing by Stéphane Dujarric, Spokesman for the Secretary-General.",
    );
    assert_eq!(doc.turns.last().unwrap().speaker, "Stéphane Dujarric");
    // Two spokesmen named: the role stays a role.
    let doc = briefing(
        "Today's noon briefing was given by Stéphane Dujarric, Spokesman for the Secretary-General, and by Monica Grayley, Spokesman for the President of the General Assembly.",
    );
    assert_eq!(doc.turns.last().unwrap().speaker, "Spokesman");
    // A deputy is not the spokesman the preface names.
    let doc = read(
        "Daily Press Briefing

12 January 2024

The following is a near-verbatim transcript of today's noon briefing by Stéphane Dujarric, Spokesman for the Secretary-General.

         Question: On Gaza, any news?

         Deputy Spokesman: I will let my colleague answer that when he is back.
",
    );
    assert_eq!(doc.turns.last().unwrap().speaker, "Deputy Spokesman");
}

#[test]
fn a_plain_section_heading_between_turns_is_a_note_not_speech() {
    let doc = read(
        "Press Conference by the Press Secretary\n\nWednesday, March 13, 2024\n\n\
         Press Secretary Kobayashi: Good afternoon. I have one announcement today about the visit.\n\n\
         Questions Concerning the Situation in the Middle East\n\n\
         Reporter: What is Japan's view on the ceasefire talks?\n\n\
         Press Secretary Kobayashi: Japan strongly hopes that the talks lead to a ceasefire.\n\n\
         Thank you very much\n\n\
         Reporter: Will Japan provide more aid?\n\n\
         Press Secretary Kobayashi: We are considering it.\n",
    );
    assert_eq!(doc.turns[0].paragraphs.len(), 1);
    assert!(
        doc.notes
            .iter()
            .any(|n| n == "Questions Concerning the Situation in the Middle East")
    );
    // Words in lower case, at the end of a turn, are still speech.
    assert_eq!(
        text_of(&doc, 2),
        "Japan strongly hopes that the talks lead to a ceasefire. Thank you very much"
    );
}

#[test]
fn a_deputy_is_never_the_principal_the_title_or_the_table_names() {
    // The title names the spokesperson; the one who briefs is the deputy.
    let doc = read(
        "Press Briefing by Spokesperson Matthew Miller\n\nMarch 4, 2024\n\n\
         DEPUTY SPOKESPERSON: Good afternoon, everyone, the spokesperson is travelling today.\n\n\
         QUESTION: Any news on Gaza?\n\n\
         DEPUTY SPOKESPERSON: Nothing new today.\n",
    );
    assert_eq!(doc.turns[2].speaker, "Deputy Spokesperson");
    // The table of office holders: the principal deputy of that day, but no guess for a deputy.
    let gaggle = |label: &str| {
        read_markdown(&format!(
            "---\ntitle: Press Gaggle Aboard Air Force One\ndate: '2021-06-01'\nsource_url: https://www.whitehouse.gov/briefing-room/press-briefings/2021/06/01/press-gaggle/\n---\n\n\
             {label}: Hi, everyone. We are on our way to Tulsa this afternoon.\n\n\
             Q What is the President's message today?\n\n\
             {label}: He will speak about the history of Greenwood.\n"
        ))
    };
    assert_eq!(
        gaggle("THE PRINCIPAL DEPUTY PRESS SECRETARY").turns[2].speaker,
        "Karine Jean-Pierre"
    );
    assert_eq!(
        gaggle("THE DEPUTY PRESS SECRETARY").turns[2].speaker,
        "The Deputy Press Secretary"
    );
}

#[test]
fn a_surname_printed_first_in_capitals_completes_the_label() {
    // Japan's ministry prints the family name first, in capitals: the label's surname is
    // completed with the given name after it.
    let briefing = |title: &str| {
        read(&format!(
            "{title}\n\nWednesday, March 13, 2024\n\n\
             Press Secretary Kobayashi: Good afternoon. I have one announcement today.\n\n\
             Reporter: What is Japan's view on the ceasefire talks?\n\n\
             Press Secretary Kobayashi: Japan strongly hopes that the talks lead to a ceasefire.\n"
        ))
    };
    let doc = briefing("Press Conference by Press Secretary KOBAYASHI Maki");
    assert_eq!(doc.turns[0].speaker, "Maki Kobayashi");
    assert_eq!(doc.turns[2].speaker, "Maki Kobayashi");
    // A surname in capitals that a sentence goes on after gives no given name.
    let doc = briefing("Press Conference by Press Secretary KOBAYASHI Maki announced");
    assert_eq!(doc.turns[0].speaker, "Kobayashi");
    // Nor does a heading printed all in capitals.
    let doc = briefing("PRESS CONFERENCE BY THE PRESS SECRETARY KOBAYASHI MAKI");
    assert_eq!(doc.turns[0].speaker, "Kobayashi");
}

#[test]
fn a_label_of_initials_is_completed_with_the_whole_name_the_text_prints() {
    let meeting = |preface: &str| {
        read(&format!(
            "Пресс-конференция по итогам российско-белорусских переговоров\n\n\
             Москва, 25 марта 2024 года\n\n{preface}\
             А.Лукашенко: Спасибо, Владимир Владимирович. Мы обсудили все вопросы.\n\n\
             Вопрос: Александр Григорьевич, как Вы оцениваете итоги?\n\n\
             А.Лукашенко: Итоги положительные.\n"
        ))
    };
    let doc = meeting("Александр Лукашенко ответил на вопросы журналистов.\n\n");
    assert_eq!(doc.turns[0].speaker, "Александр Лукашенко");
    assert_eq!(doc.turns[2].speaker, "Александр Лукашенко");
    // Without the whole name in the text, the label stays as printed: never a guess.
    let doc = meeting("");
    assert_eq!(doc.turns[0].speaker, "А.Лукашенко");
}

#[test]
fn a_long_title_of_office_in_a_label_is_not_part_of_the_name() {
    // As kremlin.ru prints them: in bold, the office in full at a speaker's first turn.
    let doc = read_markdown(
        "# Meeting with members of the Federation Council\n\nMarch 1, 2018\n\n\
         **Vladimir Putin:** Good afternoon, colleagues.\n\n\
         **Chair of the Federation Council Committee on Constitutional Legislation and State Building Andrey Klishas:** Mr President, thank you.\n\n\
         **Head of the State Duma Committee on Ecology and Environmental Protection Vladimir Burmatov:** Mr President, a few words on waste.\n",
    );
    assert_eq!(
        outline(&doc).iter().map(|t| t.0).collect::<Vec<_>>(),
        ["Vladimir Putin", "Andrey Klishas", "Vladimir Burmatov"]
    );
}

#[test]
fn a_news_item_reporting_what_someone_said_is_not_their_speech() {
    // The title names the minister after her office; the text reports her words.
    let report = read(
        "Working meeting with Healthcare Minister Veronika Skvortsova\n\nApril 4, 2013\n\n\
         Veronika Skvortsova said 32 Russian regions are to get new perinatal centres.\n\n\
         The President stressed that the centres must be within an hour's drive.\n",
    );
    assert_eq!(report.turns.len(), 1);
    assert_ne!(report.turns[0].speaker, "Veronika Skvortsova");
    assert_ne!(report.turns[0].speaker, "Healthcare");
    assert_eq!(report.turns[0].speaker, "Unidentified speaker");
    // Her own remarks, under the same kind of title, are hers.
    let remarks = read(
        "Remarks by Healthcare Minister Veronika Skvortsova\n\nApril 4, 2013\n\n\
         Thirty-two regions are to get new perinatal centres this year, and we will open them on time.\n",
    );
    assert_eq!(remarks.turns[0].speaker, "Veronika Skvortsova");
    // A readout tells of the president in the third person, and nobody in it says `I`.
    let readout = read(
        "Readout of President Biden’s Call with Prime Minister Kishida of Japan\n\nMarch 3, 2023\n\n\
         President Joseph R. Biden, Jr. spoke today with Prime Minister Fumio Kishida of Japan. \
         The leaders reaffirmed the strength of the alliance.\n",
    );
    assert_eq!(readout.turns[0].speaker, "Unidentified speaker");
    // A speech may name its speaker's plan after him: it says `I`, and it is his.
    let speech = read(
        "Remarks by President Biden on the Economy\n\nMarch 3, 2023\n\n\
         Thank you all. When I came to office, the Biden economic plan was a bet on the middle class.\n",
    );
    assert_eq!(speech.turns[0].speaker, "Joe Biden");
}

#[test]
fn a_label_misspelled_once_is_the_speaker_whose_name_it_misspells() {
    let doc = read(
        "Press Briefing by Press Secretary Karine Jean-Pierre and National Security Advisor Jake Sullivan\n\n\
         September 30, 2022\n\n\
         MR. SULLIVAN: Good afternoon, everyone.\n\n\
         Q: Jake, what about the annexation?\n\n\
         MR. SULLIVAN: We will never recognise it.\n\n\
         Q: And the sanctions?\n\n\
         MR. SULLICAN: They take effect today.\n\n\
         Q: Will the President speak to the Senate?\n\n\
         PRESIDENT: I will do so tomorrow, as always.\n\n\
         SECREATRY MAYORKAS: Thank you, Mr. President.\n\n\
         WHITE HOUSE OFFICIA: So let me just say a word on the budget.\n\n\
         MODEARTOR: Next question, please.\n",
    );
    let speakers: Vec<&str> = outline(&doc).iter().map(|t| t.0).collect();
    assert_eq!(speakers[4], "Jake Sullivan");
    // `PRESIDENT` is a title, one letter from the role word `resident`: never read as it.
    assert_eq!(speakers[6], "President");
    assert_eq!(speakers[7], "Mayorkas");
    assert_eq!(speakers[8], "White House Official");
    assert_eq!(doc.turns[8].speaker_kind, SpeakerKind::Anonymous);
    assert_eq!(speakers[9], "Moderator");
    assert_eq!(doc.turns[9].role, Role::Remark);
}

#[test]
fn two_people_of_nearly_one_name_are_left_as_printed() {
    // Jansen and Jensen both speak twice; the last label is printed once.
    let last_speaker = |label: &str| {
        read(&format!(
            "Joint Press Conference\n\nMay 2, 2023\n\n\
             MR. JANSEN: Welcome.\n\nMR. JENSEN: Thank you.\n\n\
             Q: A question for both of you?\n\nMR. JANSEN: Yes.\n\nMR. JENSEN: Indeed.\n\n\
             {label}: And one more thing on trade.\n"
        ))
        .turns[5]
            .speaker
            .clone()
    };
    // One letter from each of them: neither's.
    assert_eq!(last_speaker("MR. JONSEN"), "Jonsen");
    // One letter from one of them only: that one.
    assert_eq!(last_speaker("MR. JANSSEN"), "Jansen");
}

#[test]
fn a_lead_in_with_a_colon_inside_a_speech_is_not_a_speaker() {
    let doc = read(
        "Background Press Call on the Middle East\n\nDecember 17, 2021\n\n\
         MODERATOR: Thanks, everyone. Over to our briefer.\n\n\
         SENIOR ADMINISTRATION OFFICIAL: Thanks. Let me take the region in turn.\n\n\
         In the Gulf: I think when we came in, we had a situation of heightened tensions.\n\n\
         Across North Africa: In Tunisia, we have seen some backsliding.\n\n\
         Deterrence: We want to deter the Iranians from provocative measures.\n\n\
         Moving to Ukraine: Earlier today, Russia launched a massive attack.\n\n\
         MODERATOR: Thank you very much.\n\n\
         Q: A question on Syria?\n\n\
         SENIOR ADMINISTRATION OFFICIAL: On Syria, it is not so much cooperation.\n",
    );
    assert_eq!(
        outline(&doc),
        [
            ("Moderator", Role::Remark),
            ("Senior Administration Official", Role::Statement),
            ("Moderator", Role::Remark),
            ("Unnamed questioner", Role::Question),
            ("Senior Administration Official", Role::Answer),
        ]
    );
    assert_eq!(doc.turns[1].paragraphs.len(), 5);
    assert!(doc.turns[1].paragraphs[4].starts_with("Moving to Ukraine: Earlier today"));
}

#[test]
fn sources_a_speaker_quotes_are_not_speakers() {
    let doc = read(
        "Press Gaggle by Press Secretary Karine Jean-Pierre\n\nMarch 8, 2024\n\n\
         MS. JEAN-PIERRE: Good afternoon. I want to share some of the reactions that stood out to us.\n\n\
         Politico Playbook: “It’s hard to imagine how the State of the Union could have gone much better.”\n\n\
         Newsweek: “Republicans Complain Joe Biden Had Too Much Energy.”\n\n\
         Speaker McCarthy: Some individuals “just want to burn the whole place down.”\n\n\
         And with that, I will take questions.\n\n\
         Q: Karine, what about the border?\n\n\
         MS. JEAN-PIERRE: We have said it many times.\n",
    );
    assert_eq!(
        outline(&doc),
        [
            ("Karine Jean-Pierre", Role::Statement),
            ("Unnamed questioner", Role::Question),
            ("Karine Jean-Pierre", Role::Answer),
        ]
    );
    assert_eq!(doc.turns[0].paragraphs.len(), 5);
}

#[test]
fn a_named_interviewer_asks_and_the_role_label_is_who_another_label_names() {
    // Australia's ministers' transcripts: the host by name, the minister by name and office
    // at first, then by office alone; the title names the host.
    let interview = |host: &str, minister: &str, minister_again: &str| {
        read(&format!(
            "Interview with Karl Stefanovic, Today Show\n\n27 May 2025\n\n\
             {host}: Back to work for the Government this week. The Foreign Minister joins us from Adelaide. Good morning.\n\n\
             {minister}: Good morning, Karl. We feel humbled and grateful.\n\n\
             Stefanovic: Was there a moment on the night when you knew you had won?\n\n\
             {minister_again}: I was with the Prime Minister, and the result became clear much sooner than I thought.\n\n\
             Stefanovic: What did you say to each other?\n\n\
             {minister_again}: I think I gave him a hug.\n"
        ))
    };
    let doc = interview(
        "Karl Stefanovic, Host",
        "Penny Wong, Foreign Minister",
        "Foreign Minister",
    );
    assert_eq!(
        outline(&doc)[2..],
        [
            ("Karl Stefanovic", Role::Question),
            ("Penny Wong", Role::Answer),
            ("Karl Stefanovic", Role::Question),
            ("Penny Wong", Role::Answer),
        ]
    );
    // The same in capitals, with the host by surname alone after the first turn.
    let doc = interview(
        "KARL STEFANOVIC",
        "PENNY WONG, FOREIGN MINISTER",
        "FOREIGN MINISTER",
    );
    assert_eq!(doc.turns[5].speaker, "Penny Wong");
    assert_eq!(doc.turns[4].role, Role::Question);
    // Two people labelled with the office leave the role a role.
    let two = read(
        "Joint Press Conference\n\n27 May 2025\n\n\
         Penny Wong, Foreign Minister: Welcome to our guests.\n\n\
         Winston Peters, Foreign Minister: Thank you, Penny.\n\n\
         Question: What did you agree?\n\n\
         Foreign Minister: We agreed to meet again.\n",
    );
    assert_ne!(two.turns[3].speaker, "Penny Wong");
    assert_ne!(two.turns[3].speaker, "Winston Peters");
}

#[test]
fn a_date_that_reads_either_way_round_gives_way_to_one_that_does_not() {
    let doc = read(
        "AFR Business Summit - Sydney - 12/03/2024\n\n12 March 2024\n\n\
         JAMES CURRAN: Minister, can we begin with last week's summit?\n\n\
         PENNY WONG: It was an important summit.\n",
    );
    assert_eq!(doc.date.as_deref(), Some("2024-03-12"));
    // Alone, it is read month first, as American sources print it.
    let doc = read(
        "Press Gaggle - 12/03/2024\n\nMS. PSAKI: Good morning.\n\nQ: A question?\n\nMS. PSAKI: An answer.\n",
    );
    assert_eq!(doc.date.as_deref(), Some("2024-12-03"));
    // On a page from a country that prints the day first, day first.
    let page = |url: &str| {
        read_markdown(&format!(
            "---\nsource_url: {url}\n---\n\n# Doorstop interview - 12/03/2024\n\n\
             JOURNALIST: Minister, a question?\n\nFOREIGN MINISTER: An answer.\n"
        ))
        .date
    };
    assert_eq!(
        page("https://www.foreignminister.gov.au/minister/transcript/doorstop").as_deref(),
        Some("2024-03-12")
    );
    assert_eq!(
        page("https://www.state.gov/briefings/doorstop").as_deref(),
        Some("2024-12-03")
    );
}

#[test]
fn remarks_whose_answers_are_unlabelled_after_labelled_questions() {
    // The EU's External Action Service: a headline with a colon, a dateline, a disclaimer,
    // the remarks, `Q&A`, then each question labelled `Q.` and its answer not at all.
    let doc = read(
        "Foreign Affairs Council: press remarks by High Representative Kaja Kallas upon arrival\n\n\
         Brussels, 24.02.2025\n\nCheck against delivery!\n\nGood morning.\n\n\
         Today we discuss what more we can do for Ukraine and hope to pass new sanctions.\n\n\
         Q&A\n\n\
         Q. Since the American election, Europeans say they must be ready to act alone. Are they?\n\n\
         We have to be. Europe must take more responsibility for its own security.\n\n\
         Q. Two things. First, the sanctions. Second, will they be lifted on Syria today?\n\n\
         And could you say when?\n\n\
         I hope we agree on the suspension of the sanctions on transport and energy.\n\n\
         It should happen today.\n\n\
         Q. [inaudible]\n\n\
         The European Union has always been in favour of diplomacy.\n",
    );
    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Foreign Affairs Council: press remarks by High Representative Kaja Kallas upon arrival"
        )
    );
    assert_eq!(doc.date.as_deref(), Some("2025-02-24"));
    assert!(doc.notes.iter().any(|n| n == "Q&A"));
    assert_eq!(
        outline(&doc),
        [
            ("Kaja Kallas", Role::Statement),
            ("Unnamed questioner", Role::Question),
            ("Kaja Kallas", Role::Answer),
            ("Unnamed questioner", Role::Question),
            ("Kaja Kallas", Role::Answer),
            ("Unnamed questioner", Role::Question),
            ("Kaja Kallas", Role::Answer),
        ]
    );
    // A question of two paragraphs stays one question; an answer of two stays one answer.
    assert_eq!(doc.turns[3].paragraphs.len(), 2);
    assert_eq!(doc.turns[4].paragraphs.len(), 2);
    assert_eq!(doc.exchanges.len(), 3);
    // A first paragraph whose label comes back is a turn, however it ends.
    let doc = read(
        "MR PRICE: Good afternoon, everyone\n\nQUESTION: Any news on Gaza?\n\nMR PRICE: Nothing new today.\n",
    );
    assert_eq!(doc.title, None);
    assert_eq!(doc.turns[0].label.as_deref(), Some("MR PRICE"));
}

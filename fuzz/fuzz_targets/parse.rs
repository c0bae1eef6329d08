//! Any bytes, read as text, Markdown and HTML: the parser must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for hint in [None, Some("x.md"), Some("x.html")] {
        if let Ok(doc) = stenogram::parse::parse_bytes(data, hint) {
            // Every exchange points at turns that exist.
            for e in &doc.exchanges {
                assert!(e.question < doc.turns.len());
                assert!(e.answers.iter().all(|a| *a < doc.turns.len()));
            }
        }
    }
});

//! Finding a quote as someone wrote it down: a word changed, a word missing, other punctuation.
//! The quote and a passage are compared word by word (character by character in Chinese and
//! Japanese), with a local alignment that finds the stretch of the passage closest to the quote.

use std::ops::Range;

/// One word of a text, folded for comparison, and where it stands (bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub folded: String,
    pub range: Range<usize>,
}

/// Whether a character is written without spaces between words (Chinese, Japanese kana).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0x20000..=0x2FFFF)
}

/// A word folded as the index folds it: lower case, without diacritics, `ё` as `е`.
pub fn fold(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// The words of a text with their places; each Chinese or Japanese character is a word.
pub fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() && !is_cjk(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Unit {
                folded: fold(&text[s..i]),
                range: s..i,
            });
        }
        if is_cjk(c) {
            out.push(Unit {
                folded: c.to_string(),
                range: i..i + c.len_utf8(),
            });
        }
    }
    if let Some(s) = start {
        out.push(Unit {
            folded: fold(&text[s..]),
            range: s..text.len(),
        });
    }
    out
}

/// Where in a passage a quote is closest, and how close.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The stretch of the passage (bytes) that the quote matches best.
    pub range: Range<usize>,
    /// The quote's words found there in order, against the quote's length (0 to 1).
    pub closeness: f64,
}

/// The stretch of `passage` closest to `quote` (Smith–Waterman over words: a match scores 2, a
/// word changed, added or missing costs 1), or `None` when no word of the quote is there.
pub fn find(quote: &[Unit], passage: &str) -> Option<Found> {
    let text = units(passage);
    if quote.is_empty() || text.is_empty() {
        return None;
    }
    let (n, m) = (quote.len(), text.len());
    // Each cell: the best score of an alignment ending here, its start in the passage, and how
    // many quote words it matched.
    let mut prev = vec![(0i32, 0usize, 0usize); m + 1];
    let mut best = (0i32, 0usize, 0usize, 0usize);
    for qi in 1..=n {
        let mut row = vec![(0i32, 0usize, 0usize); m + 1];
        for ti in 1..=m {
            let same = quote[qi - 1].folded == text[ti - 1].folded;
            let diag = prev[ti - 1];
            let mut cell = (0, ti, 0);
            let candidates = [
                (
                    diag.0 + if same { 2 } else { -1 },
                    if diag.0 > 0 { diag.1 } else { ti - 1 },
                    if diag.0 > 0 { diag.2 } else { 0 } + usize::from(same),
                ),
                (prev[ti].0 - 1, prev[ti].1, prev[ti].2),
                (row[ti - 1].0 - 1, row[ti - 1].1, row[ti - 1].2),
            ];
            for c in candidates {
                if c.0 > cell.0 {
                    cell = c;
                }
            }
            row[ti] = cell;
            if cell.0 > best.0 {
                best = (cell.0, cell.1, ti, cell.2);
            }
        }
        prev = row;
    }
    let (score, start, end, matched) = best;
    if score <= 0 || matched == 0 {
        return None;
    }
    Some(Found {
        range: text[start].range.start..text[end - 1].range.end,
        closeness: matched as f64 / n as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_with_a_word_changed_is_found_with_its_closeness() {
        let passage = "We said so before. The Minsk agreements have no alternative, and we will insist on them. Thank you.";
        let quote =
            units("the Minsk agreements have no other alternative and we shall insist on them");
        let found = find(&quote, passage).unwrap();
        assert_eq!(
            &passage[found.range.clone()],
            "The Minsk agreements have no alternative, and we will insist on them"
        );
        // 11 of the quote's 13 words are there ("other" is not, "shall" was "will").
        assert!((found.closeness - 11.0 / 13.0).abs() < 1e-9, "{found:?}");
    }

    #[test]
    fn chinese_is_compared_character_by_character() {
        let passage = "答：中方支持也门和平进程，希望各方保持克制。";
        let quote = units("中方支持也门的和平进程");
        let found = find(&quote, passage).unwrap();
        assert_eq!(&passage[found.range.clone()], "中方支持也门和平进程");
        assert!(found.closeness > 0.85);
    }

    #[test]
    fn nothing_in_common_finds_nothing() {
        assert!(find(&units("entirely different words"), "Nothing alike here.").is_none());
    }
}

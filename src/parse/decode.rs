//! Bytes to normalised text: BOM, UTF-8, UTF-16, legacy encodings detected from the bytes.

use super::ParseError;
use unicode_normalization::UnicodeNormalization;

/// Decodes `bytes` into NFC text with `\n` line endings.
///
/// Refuses input that is empty, or that is not text (NUL bytes or many control characters
/// after decoding), with a message an editor can act on.
pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::new(
            "the file is empty: there is no text to read",
        ));
    }
    let raw = if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned()
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_owned()
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    };
    check_is_text(&raw)?;
    let text = normalise(&mend_double_decoding(&raw));
    if text.trim().is_empty() {
        return Err(ParseError::new("the file holds no text after decoding"));
    }
    Ok(text)
}

/// The Windows-1252 byte a character stands for when UTF-8 bytes were read as Windows-1252
/// (or Latin-1): only the bytes 0x80 to 0xFF, the ones UTF-8 sequences are made of.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{80}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    };
    Some(b)
}

/// Whether a character read from mended bytes is one text commonly holds: German `ß“` read
/// back would be the N'Ko letter U+07D3, which is left as printed.
fn likely_mended(c: char) -> bool {
    matches!(c as u32,
        0xa0..=0x24f | 0x370..=0x52f | 0x590..=0x6ff | 0x900..=0x97f | 0xe00..=0xe7f
        | 0x1e00..=0x1eff | 0x2000..=0x206f | 0x20a0..=0x20cf | 0x2100..=0x214f
        | 0x3000..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af | 0xff00..=0xffef)
}

/// Mends text whose UTF-8 bytes were once read as Windows-1252 (`ofÂ Russia`, `Ð¡ÐµÑ€Ð³ÐµÐ¹`,
/// `donâ€™t`): each run of characters that, taken back to those bytes, is well-formed UTF-8
/// of two to four bytes is replaced by what the bytes say. Text without such runs is returned
/// as it is.
pub fn mend_double_decoding(text: &str) -> std::borrow::Cow<'_, str> {
    let lead = |c: char| ('\u{c2}'..='\u{f4}').contains(&c);
    let continuation = |c: char| cp1252_byte(c).is_some_and(|b| (0x80..0xc0).contains(&b));
    let chars: Vec<(usize, char)> = {
        let mut iter = text.char_indices().peekable();
        let mut found = false;
        while let Some((_, c)) = iter.next() {
            if lead(c) && iter.peek().is_some_and(|&(_, n)| continuation(n)) {
                found = true;
                break;
            }
        }
        if !found {
            return std::borrow::Cow::Borrowed(text);
        }
        text.char_indices().collect()
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let len = match c as u32 {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 0,
        };
        if len > 0
            && i + len <= chars.len()
            && chars[i + 1..i + len].iter().all(|&(_, n)| continuation(n))
        {
            let mut bytes = vec![c as u32 as u8];
            bytes.extend(
                chars[i + 1..i + len]
                    .iter()
                    .filter_map(|&(_, n)| cp1252_byte(n)),
            );
            if let Ok(s) = std::str::from_utf8(&bytes)
                && s.chars().all(likely_mended)
            {
                out.push_str(s);
                i += len;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// Line endings to `\n`, Unicode to NFC, no-break and zero-width spaces to plain or nothing.
pub fn normalise(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let composed: std::borrow::Cow<str> = if unicode_normalization::is_nfc_quick(unified.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        std::borrow::Cow::Borrowed(&unified)
    } else {
        std::borrow::Cow::Owned(unified.nfc().collect())
    };
    // Most text has none of the characters replaced below: then it is used as it is.
    const REPLACED: [char; 13] = [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}', '\u{ad}', '\u{a0}', '\u{2007}', '\u{202f}',
        '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{0b}',
    ];
    if !composed.contains(REPLACED) && !composed.contains('\u{0c}') {
        return composed.into_owned();
    }
    // Copy the runs between replaced characters whole rather than one character at a time.
    let mut out = String::with_capacity(composed.len());
    let mut run = 0;
    for (i, c) in composed.char_indices() {
        let replacement = match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => "",
            '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{200a}' => " ",
            '\u{2028}' | '\u{2029}' | '\u{0b}' | '\u{0c}' => "\n",
            _ => continue,
        };
        out.push_str(&composed[run..i]);
        out.push_str(replacement);
        run = i + c.len_utf8();
    }
    out.push_str(&composed[run..]);
    out
}

fn check_is_text(text: &str) -> Result<(), ParseError> {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return Err(not_text());
        }
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}'))
            || c == '\u{fffd}'
        {
            bad += 1;
        }
    }
    if bad * 100 > total.max(1) || (bad > 0 && total < 20) {
        return Err(not_text());
    }
    Ok(())
}

fn not_text() -> ParseError {
    ParseError::new(
        "this file does not look like text (it holds binary data); upload a transcript as plain text, Markdown or HTML",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_decoded_twice_is_mended_and_text_that_only_looks_so_is_not() {
        assert_eq!(
            super::mend_double_decoding("donâ€™t ofÂ\u{a0}Russia"),
            "don’t of\u{a0}Russia"
        );
        assert_eq!(
            super::mend_double_decoding("Ð¡ÐµÑ€Ð³ÐµÐ¹ Ð›Ð°Ð²Ñ€Ð¾Ð²"),
            "Сергей Лавров"
        );
        assert_eq!(super::mend_double_decoding("PrÃ©sident"), "Président");
        for fine in [
            "Président São Paulo",
            "„Gruß“ und Fuß…",
            "Сергей Лавров",
            "naïve café».",
        ] {
            assert_eq!(super::mend_double_decoding(fine), fine);
        }
    }

    use super::*;

    #[test]
    fn utf8_with_bom_loses_the_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFQuestion: hi").unwrap(), "Question: hi");
    }

    #[test]
    fn utf16_little_endian_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Вопрос: да".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "Вопрос: да");
    }

    #[test]
    fn windows_1251_is_detected_from_the_bytes() {
        let text = "Вопрос: Как вы оцениваете переговоры в Минске? Сергей Лавров: Мы удовлетворены итогами встречи министров.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert_eq!(decode(&bytes).unwrap(), text);
    }

    #[test]
    fn line_endings_are_normalised_and_typographic_quotes_kept() {
        assert_eq!(
            decode("“Yes” — he said\r\nnext\rline".as_bytes()).unwrap(),
            "“Yes” — he said\nnext\nline"
        );
    }

    #[test]
    fn empty_and_binary_input_are_refused() {
        assert!(decode(b"").unwrap_err().message.contains("empty"));
        assert!(decode(b"  \n ").unwrap_err().message.contains("empty"));
        let binary: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(decode(&binary).unwrap_err().message.contains("binary"));
    }

    #[test]
    fn decomposed_letters_are_composed() {
        assert_eq!(decode("Gre\u{301}goire".as_bytes()).unwrap(), "Grégoire");
    }
}

//! A bound on how deeply an HTML page nests its elements, applied before the page is parsed.
//!
//! An HTML parser keeps every open element on a stack and looks through it for each new tag, so
//! a page nested a hundred thousand deep costs minutes; real transcript pages nest a few dozen
//! deep. Tags past [`MAX_DEPTH`] are dropped (their text is kept, in order), so such a page reads
//! as a flatter one and costs what its length costs.

use std::borrow::Cow;

/// How many elements deep a page may nest before further tags are dropped.
pub const MAX_DEPTH: usize = 512;

/// Elements that never have content: they open no level.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end a parser implies when the next one starts (`<p>`, `<li>`, cells) and the
/// document's own frame: pages often leave them open, so they are not counted as levels.
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body",
];

/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// The page with every tag nested deeper than `max_depth` removed; the page itself when none is.
pub fn bound(html: &str, max_depth: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    // For each open counted element: whether its tags were dropped.
    let mut open: Vec<bool> = Vec::new();
    // Byte ranges of the tags to drop.
    let mut drop: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |end| start + end + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = memchr(b'>', &bytes[start..]).map_or(bytes.len(), |end| start + end + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // A `<` that starts no tag is text.
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        i = end;
        if VOID.contains(&name.as_str()) || IMPLIED_END.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if open.pop() == Some(true) {
                drop.push((start, end));
            }
            continue;
        }
        if self_closing {
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ascii_case_insensitive(&html[end..], &close)
                .map_or(bytes.len(), |at| end + at);
            continue;
        }
        let too_deep = open.len() >= max_depth;
        if too_deep {
            drop.push((start, end));
        }
        open.push(too_deep);
    }
    if drop.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (start, end) in drop {
        out.push_str(&html[at..start]);
        at = end;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// Where the tag whose name ends at `from` ends: just past its `>`, quoted values skipped.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return from + k + 1,
            None => {}
        }
    }
    bytes.len()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    haystack
        .as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_within_the_bound_is_left_as_it_is() {
        let page = "<html><body><div><p>Question: <b>yes</b><br>no</div></body></html>";
        assert!(matches!(bound(page, 2), Cow::Borrowed(_)));
    }

    #[test]
    fn tags_past_the_bound_are_dropped_and_their_text_kept() {
        let page = "<div><div><div><span>deep</span> text</div></div></div>";
        assert_eq!(bound(page, 2), "<div><div>deep text</div></div>");
    }

    #[test]
    fn unclosed_paragraphs_and_void_elements_open_no_level() {
        let page = format!("<div>{}</div>", "<p>one<br><img src=x>".repeat(100));
        assert!(matches!(bound(&page, 1), Cow::Borrowed(_)));
    }

    #[test]
    fn markup_inside_scripts_comments_and_quoted_values_is_not_counted() {
        let page = "<div title='<div><div>'><script>var s = '<div><div><div>';</script><!-- <div><div> --></div>";
        assert!(matches!(bound(page, 1), Cow::Borrowed(_)));
    }

    #[test]
    fn a_hundred_thousand_levels_become_the_bound() {
        let depth = 100_000;
        let page = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let bounded = bound(&page, MAX_DEPTH);
        assert_eq!(bounded.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(bounded.matches("</div>").count(), MAX_DEPTH);
        assert!(bounded.contains("<p>deep</p>"));
    }
}

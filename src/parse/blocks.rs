//! Text, Markdown and HTML to paragraphs ("blocks"), plus the metadata a format carries itself.

use super::labels;
use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;

/// The input formats Stenogram reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    /// Picks the format from a file name or media type, falling back to sniffing the text.
    pub fn detect(hint: Option<&str>, text: &str) -> Format {
        let hint = hint.unwrap_or("").to_ascii_lowercase();
        if hint.ends_with(".html") || hint.ends_with(".htm") || hint.contains("text/html") {
            return Format::Html;
        }
        if hint.ends_with(".md") || hint.ends_with(".markdown") || hint.contains("markdown") {
            return Format::Markdown;
        }
        let head: String = text
            .trim_start()
            .chars()
            .take(512)
            .collect::<String>()
            .to_ascii_lowercase();
        if head.starts_with("<!doctype html")
            || head.starts_with("<html")
            || (head.starts_with('<') && head.contains("<body"))
        {
            return Format::Html;
        }
        if head.starts_with("---\n") {
            return Format::Markdown;
        }
        Format::Text
    }
}

/// One paragraph of the source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub text: String,
    /// 1-based line of the source where the paragraph starts (0 when unknown, as in HTML).
    pub line: usize,
    /// A label the source marked up itself (`<b>Name</b>:`), without its colon.
    pub bold_label: Option<String>,
    pub heading: bool,
}

/// What a format tells about the transcript besides its paragraphs.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
    pub language: Option<String>,
    pub topics: Vec<String>,
    /// The site's lead paragraph printed above the text (`<div class="read__lead">`): editorial.
    pub lead: Vec<String>,
}

pub fn split(text: &str, format: Format) -> (Meta, Vec<Block>) {
    match format {
        Format::Text => (Meta::default(), text_blocks(text, 1, false)),
        Format::Markdown => markdown(text),
        Format::Html => html(text),
    }
}

fn is_terminal(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '?', '!', '"', '”', '»', ')', ']', ':', '…'])
}

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && t.chars()
            .all(|c| matches!(c, '*' | '-' | '_' | '=' | '#' | '~' | ' ' | '•'))
}

/// Plain text to paragraphs: blank lines separate; hard-wrapped lines are joined; a line that
/// starts with a speaker label, or follows a short finished line, starts a new paragraph.
pub fn text_blocks(text: &str, first_line: usize, markdown: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut group: Vec<(usize, &str)> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            flush_group(&mut group, &mut blocks, markdown);
        } else {
            group.push((first_line + i, line));
        }
    }
    flush_group(&mut group, &mut blocks, markdown);
    blocks
}

fn flush_group(group: &mut Vec<(usize, &str)>, blocks: &mut Vec<Block>, markdown: bool) {
    if group.is_empty() {
        return;
    }
    let longest = group
        .iter()
        .map(|(_, l)| l.trim().chars().count())
        .max()
        .unwrap_or(0);
    let mut current: Option<Block> = None;
    let mut previous_ends_paragraph = false;
    // A hard-wrapped sentence that runs on into `President: Most of ...` is one paragraph;
    // a label starts a turn after a sentence ends (or breaks off with a dash).
    let mut previous_ends_sentence = true;
    for &(number, raw) in group.iter() {
        let line = raw.trim();
        let heading = markdown && line.starts_with('#') && !is_separator(line);
        let list_item = markdown
            && (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ "));
        let starts_new = current.is_none()
            || heading
            || list_item
            || is_separator(line)
            || previous_ends_paragraph
            || (labels::line_may_start_label(line) && previous_ends_sentence);
        if starts_new && let Some(block) = current.take() {
            blocks.push(block);
        }
        let cleaned = if heading {
            line.trim_start_matches('#').trim().to_string()
        } else {
            line.to_string()
        };
        match current.as_mut() {
            Some(block) => {
                if block.text.ends_with('-')
                    && !block.text.ends_with(" -")
                    && !block.text.ends_with("--")
                {
                    block.text.push_str(&cleaned);
                } else {
                    block.text.push(' ');
                    block.text.push_str(&cleaned);
                }
            }
            None => {
                current = Some(Block {
                    text: cleaned,
                    line: number,
                    bold_label: None,
                    heading,
                })
            }
        }
        let count = line.len();
        previous_ends_sentence = is_terminal(line) || line.ends_with(['—', '–', '-']);
        previous_ends_paragraph = heading
            || is_separator(line)
            || (is_terminal(line) && (longest > 160 || (count * 4 < longest * 3 && longest >= 40)));
    }
    if let Some(block) = current.take() {
        blocks.push(block);
    }
    group.clear();
}

/// Markdown: YAML front matter gives title, date and source URL; the body is read as text with
/// emphasis, escapes, links and inline tags removed.
fn markdown(text: &str) -> (Meta, Vec<Block>) {
    let mut meta = Meta::default();
    let mut body = text;
    let mut first_line = 1;
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        let yaml = &rest[..end];
        read_front_matter(yaml, &mut meta);
        let after = &rest[end + 4..];
        let after = after.strip_prefix('\n').unwrap_or(after);
        first_line = 2 + yaml.split('\n').count() + usize::from(!after.is_empty());
        body = after;
    }
    let mut blocks = text_blocks(body, first_line, true);
    for block in &mut blocks {
        block.bold_label = markdown_bold_label(&block.text);
        block.text = strip_markdown(&block.text);
    }
    blocks.retain(|b| !b.text.trim().is_empty());
    (meta, blocks)
}

/// A paragraph's label printed in bold at its start, as in HTML (`**Chair of the Committee
/// Andrey Klishas:** Mr President`): the bold run, when a colon ends it or follows it.
fn markdown_bold_label(text: &str) -> Option<String> {
    let text = text.trim_start();
    let mark = ["**", "__"].into_iter().find(|m| text.starts_with(m))?;
    let inner_end = text[2..].find(mark)? + 2;
    let inner = &text[2..inner_end];
    let after = &text[inner_end + 2..];
    let label = strip_markdown(inner.trim().trim_end_matches(':').trim());
    bold_run_label(inner, label, after)
}

/// The label a bold run at a paragraph's start gives (in HTML and in Markdown): when a colon
/// ends the run or follows it, and it is no longer than a label.
fn bold_run_label(bold: &str, label: String, after: &str) -> Option<String> {
    (!label.is_empty()
        && (bold.trim_end().ends_with(':') || after.trim_start().starts_with(':'))
        && label.chars().count() <= 120)
        .then_some(label)
}

fn read_front_matter(yaml: &str, meta: &mut Meta) {
    use yaml_rust2::{Yaml, YamlLoader};
    let Ok(docs) = YamlLoader::load_from_str(yaml) else {
        return;
    };
    let Some(doc) = docs.first() else { return };
    let text = |key: &str| -> Option<String> {
        match &doc[key] {
            Yaml::String(s) => Some(
                super::decode::normalise(s)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Yaml::Integer(i) => Some(i.to_string()),
            _ => None,
        }
    };
    meta.title = text("title");
    meta.date = text("date");
    meta.place = text("place").or_else(|| text("location"));
    meta.source_url = text("source_url")
        .or_else(|| text("url"))
        .or_else(|| text("source"));
    meta.language = text("language").or_else(|| text("lang"));
    for key in ["topics", "keywords"] {
        match &doc[key] {
            Yaml::Array(items) => meta
                .topics
                .extend(items.iter().filter_map(|i| i.as_str().map(str::to_string))),
            Yaml::String(s) => meta.topics.extend(
                s.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
            ),
            _ => {}
        }
    }
}

static MD_LINK: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap());
static MD_TAG: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>").unwrap());

fn strip_markdown(text: &str) -> String {
    let mut t = text.trim().to_string();
    for prefix in ["> ", "- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    if t.contains("](") {
        t = MD_LINK.replace_all(&t, "$1").into_owned();
    }
    if t.contains('<') {
        t = MD_TAG.replace_all(&t, "").into_owned();
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(&next) = chars.peek()
                    && next.is_ascii_punctuation()
                {
                    out.push(next);
                    chars.next();
                    continue;
                }
                out.push(c);
            }
            '*' | '_' if chars.peek() == Some(&c) => {
                chars.next();
            }
            c => out.push(c),
        }
    }
    collapse_whitespace(&out)
}

/// Runs of white space to one space, and none at either end.
pub fn collapse_whitespace(text: &str) -> String {
    let t = text.trim();
    let bytes = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j > i + 1 || bytes[i] != b' ' {
                out.push_str(&t[start..i]);
                out.push(' ');
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.push_str(&t[start..]);
    out
}

macro_rules! selector {
    ($name:ident, $css:expr) => {
        static $name: LazyLock<Selector> = LazyLock::new(|| Selector::parse($css).unwrap());
    };
}
selector!(
    ARTICLE_BODY,
    "[itemprop=articleBody], [itemprop=\"articleBody\"]"
);
selector!(ARTICLE, "article, main, [role=main]");
selector!(H1, "h1");
selector!(TITLE, "title");
selector!(OG_TITLE, "meta[property=\"og:title\"]");
selector!(TIME, "time[datetime]");
selector!(
    DATE_META,
    "meta[itemprop=datePublished], meta[property=\"article:published_time\"], meta[name=date], meta[name=\"dc.date\"]"
);
selector!(
    PLACE,
    ".read__place, .p-location, [itemprop=contentLocation], .place, .location"
);
selector!(CANONICAL, "link[rel=canonical], meta[property=\"og:url\"]");
selector!(TAGS, "a[rel=tag], [itemprop=keywords] a, .tags a");
selector!(HTML_ROOT, "html");
selector!(
    LEAD,
    "div.read__lead, div.entry-summary, div.p-summary, div[itemprop=description], p[itemprop=description], div.lead, p.lead, div.article-lead, div.summary"
);
selector!(BODY, "body");
selector!(ANY, "div, section, td");
selector!(
    DATE_LIKE,
    "[id*=time], [id*=Time], [id*=date], [id*=Date], [class*=time], [class*=date], [class*=Date]"
);

/// A page's `<title>` without the site's name after it (`Headline — Ministry of Foreign
/// Affairs`, `Headline | Site`, `Headline_Site`): the part before the last separator, when
/// the part after is the shorter.
fn without_site(title: &str) -> String {
    for sep in [" — ", " – ", " | ", " - ", "_", "｜", " :: "] {
        if let Some((head, site)) = title.rsplit_once(sep) {
            let (head, site) = (head.trim(), site.trim());
            if !head.is_empty() && site.chars().count() < head.chars().count() {
                return head.to_string();
            }
        }
    }
    title.trim().to_string()
}

/// HTML: a whole page saved from a ministry's site. Finds the element that holds the transcript,
/// drops navigation, scripts and widgets, and keeps bold labels.
fn html(text: &str) -> (Meta, Vec<Block>) {
    let text = super::nesting::bound(text, super::nesting::MAX_DEPTH);
    let document = Html::parse_document(&text);
    let mut meta = Meta::default();
    let content = |el: ElementRef| el.value().attr("content").map(str::to_string);
    let body = document
        .select(&ARTICLE_BODY)
        .next()
        .or_else(|| densest(&document))
        .or_else(|| document.select(&ARTICLE).next())
        .or_else(|| document.select(&BODY).next());
    let page_title = document
        .select(&TITLE)
        .next()
        .map(inline_text)
        .filter(|t| !t.is_empty());
    meta.title = document
        .select(&H1)
        .next()
        .map(|h| inline_text(h))
        .filter(|t| !t.is_empty())
        .or_else(|| document.select(&OG_TITLE).next().and_then(content))
        .or_else(|| page_title.as_deref().map(without_site))
        .filter(|t| !t.is_empty());
    meta.date = document
        .select(&TIME)
        .next()
        .and_then(|t| t.value().attr("datetime").map(str::to_string))
        .or_else(|| document.select(&DATE_META).next().and_then(content))
        .or_else(|| {
            // An element of the page named for its date or time that holds a date and little
            // else (`<span id="News_Body_Time">2017-02-03</span>`).
            document.select(&DATE_LIKE).find_map(|el| {
                let text = inline_text(el);
                if text.chars().count() > 40 {
                    return None;
                }
                super::header::find_date(&text).map(|d| d.iso)
            })
        });
    meta.place = document
        .select(&PLACE)
        .next()
        .map(inline_text)
        .filter(|t| !t.is_empty() && t.len() < 80);
    meta.source_url = document.select(&CANONICAL).next().and_then(|e| {
        e.value()
            .attr("href")
            .or_else(|| e.value().attr("content"))
            .map(str::to_string)
    });
    meta.language = document
        .select(&HTML_ROOT)
        .next()
        .and_then(|e| e.value().attr("lang").map(str::to_string));
    for tag in document.select(&TAGS) {
        let t = inline_text(tag);
        if !t.is_empty() && t.len() < 60 && !meta.topics.contains(&t) {
            meta.topics.push(t);
        }
    }
    let mut walker = Walker::default();
    if let Some(body) = body {
        walker.walk(body);
    }
    walker.flush();
    // The lead printed above the text, outside the element that holds it.
    if let Some(lead) = document.select(&LEAD).find(|el| {
        body.is_none_or(|b| {
            b.id() != el.id()
                && !el.ancestors().any(|a| a.id() == b.id())
                && !b.ancestors().any(|a| a.id() == el.id())
        })
    }) {
        let mut reader = Walker::default();
        reader.walk(lead);
        reader.flush();
        meta.lead = reader
            .blocks
            .into_iter()
            .map(|b| b.text)
            .filter(|t| {
                t.chars().count() >= 20
                    && !walker
                        .blocks
                        .iter()
                        .take(8)
                        .any(|b| b.text.contains(t.as_str()))
            })
            .collect();
    }
    (meta, walker.blocks)
}

/// The element with the most paragraph text directly inside it: the article body of pages
/// that do not mark it up.
fn densest(document: &Html) -> Option<ElementRef<'_>> {
    let mut best: Option<(usize, ElementRef)> = None;
    for el in document.select(&ANY) {
        if skipped(el) {
            continue;
        }
        let score: usize = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "p" | "blockquote"))
            .map(|p| p.text().map(str::len).sum::<usize>())
            .sum();
        if score > 200 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, el));
        }
    }
    best.map(|(_, el)| el)
}

fn inline_text(el: ElementRef) -> String {
    super::decode::normalise(&el.text().collect::<String>())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn skipped(el: ElementRef) -> bool {
    let v = el.value();
    if matches!(
        v.name(),
        "script"
            | "style"
            | "nav"
            | "footer"
            | "header"
            | "aside"
            | "form"
            | "button"
            | "noscript"
            | "iframe"
            | "svg"
            | "video"
            | "audio"
            | "select"
            | "template"
            | "menu"
            | "head"
            | "figure"
            | "object"
    ) {
        return true;
    }
    if v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
        return true;
    }
    // A box of links beside the text (`role="complementary"`, or one headed "See also").
    if v.attr("role") == Some("complementary") || related_links(el) {
        return true;
    }
    let class = v.attr("class").unwrap_or("").to_ascii_lowercase();
    let id = v.attr("id").unwrap_or("").to_ascii_lowercase();
    [
        "share",
        "social",
        "related",
        "comment",
        "breadcrumb",
        "sidebar",
        "advert",
        "banner",
        "cookie",
        "subscribe",
        "media__",
        "navigation",
        "menu",
        "hidden",
        "print_link",
        "read__bottommeta",
    ]
    .iter()
    .any(|w| class.contains(w) || id.contains(w))
}

/// A bracketed note right after a bold name and before its colon (` (retranslated)`, ` (via
/// interpreter)`), with the spaces before it; none when no colon follows the bracket.
fn stage_note(after: &str) -> Option<&str> {
    let open = after.len() - after.trim_start().len();
    if !after[open..].starts_with('(') {
        return None;
    }
    let close = open + after[open..].find(')')?;
    let note = &after[open..=close];
    (note.chars().count() <= 60
        && !note[1..].contains('(')
        && after[close + 1..].trim_start().starts_with(':'))
    .then_some(&after[..=close])
}

/// Headings of the boxes of links that sites put inside or after a text.
const RELATED_HEADINGS: &[&str] = &[
    "see also",
    "read also",
    "related",
    "related links",
    "related articles",
    "related news",
    "related content",
    "more on this topic",
    "читайте также",
    "см. также",
    "смотрите также",
    "по теме",
    "相关新闻",
    "相关链接",
    "相关阅读",
    "関連リンク",
    "voir aussi",
    "à lire aussi",
    "siehe auch",
    "véase también",
    "ver también",
];

/// An element whose first child element is a heading naming a box of links ("See also").
fn related_links(el: ElementRef) -> bool {
    if !matches!(el.value().name(), "div" | "section" | "ul" | "dl") {
        return false;
    }
    fn descend(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
        e.children().filter_map(ElementRef::wrap).next()
    }
    // The heading may sit one wrapper down (`<div class="cut"><h3>See also</h3>…`).
    let mut first = descend(el);
    if first.is_some_and(|f| f.value().name() == "div") {
        first = first.and_then(descend);
    }
    first.is_some_and(|h| {
        if !matches!(
            h.value().name(),
            "h2" | "h3" | "h4" | "h5" | "h6" | "strong" | "b"
        ) {
            return false;
        }
        // Only the first few dozen characters are read: a box's heading is short, and a page
        // nested deep in bold text costs no more than any other.
        let mut text = String::new();
        for piece in h.text() {
            text.push_str(piece);
            if text.len() > 60 {
                return false;
            }
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        RELATED_HEADINGS.contains(&text.trim_end_matches(':').to_lowercase().as_str())
    })
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    text: String,
    bold: Option<String>,
    /// Whether the paragraph so far is only the bold run at its start.
    bold_open: bool,
    heading: bool,
}

impl Walker {
    fn flush(&mut self) {
        let text = collapse_whitespace(&self.text);
        if !text.is_empty() {
            let mut bold_label = None;
            if let Some(bold) = self.bold.take() {
                let label = bold.split_whitespace().collect::<Vec<_>>().join(" ");
                let mut label = label.trim().trim_end_matches(':').trim().to_string();
                let mut after = text
                    .strip_prefix(bold.split_whitespace().collect::<Vec<_>>().join(" ").trim())
                    .unwrap_or("");
                // `<b>Viktor Orban</b> (<i>retranslated</i>)<b>:</b>`: a stage note printed
                // between the bold name and its colon belongs to the label.
                if let Some(note) = stage_note(after) {
                    label = format!("{label} {}", note.trim());
                    after = &after[note.len()..];
                }
                bold_label = bold_run_label(&bold, label, after);
            }
            self.blocks.push(Block {
                text,
                line: 0,
                bold_label,
                heading: self.heading,
            });
        }
        self.text.clear();
        self.bold = None;
        self.bold_open = false;
        self.heading = false;
    }

    /// Walks the tree under `root` in document order with a stack of its own rather than the
    /// call stack: a page nested a hundred thousand elements deep is read like any other.
    fn walk(&mut self, root: ElementRef) {
        enum Step<'a> {
            Visit(ego_tree::NodeRef<'a, Node>),
            /// The end of a block element: what it held is one paragraph.
            Close,
        }
        let mut stack: Vec<Step> = root.children().rev().map(Step::Visit).collect();
        while let Some(step) = stack.pop() {
            let child = match step {
                Step::Close => {
                    self.flush();
                    continue;
                }
                Step::Visit(child) => child,
            };
            match child.value() {
                Node::Text(t) => {
                    if self.bold_open && !t.trim().is_empty() {
                        self.bold_open = false;
                    }
                    self.text.push_str(t);
                }
                Node::Element(e) => {
                    let Some(child_el) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if skipped(child_el) {
                        continue;
                    }
                    let name = e.name();
                    match name {
                        "br" => self.flush(),
                        "b" | "strong" if self.text.trim().is_empty() && self.bold.is_none() => {
                            let bold = child_el.text().collect::<String>();
                            self.text.push_str(&bold);
                            self.bold = Some(bold);
                        }
                        "p" | "div" | "li" | "blockquote" | "section" | "article" | "tr"
                        | "table" | "ul" | "ol" | "dd" | "dt" | "h1" | "h2" | "h3" | "h4"
                        | "h5" | "h6" => {
                            self.flush();
                            self.heading = name.starts_with('h') && name.len() == 2;
                            stack.push(Step::Close);
                            stack.extend(child.children().rev().map(Step::Visit));
                        }
                        _ => stack.extend(child.children().rev().map(Step::Visit)),
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<&str> {
        blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn hard_wrapped_lines_are_joined_into_one_paragraph() {
        let text = "MS. PSAKI:  Hi, everyone.  We have a very special guest today and we are\nglad that he could join us here in the briefing room this afternoon for a\nfew questions.\n\nQ  Thank you.";
        let blocks = text_blocks(text, 1, false);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].text.contains("we are glad that"));
        assert_eq!(blocks[1].line, 5);
    }

    #[test]
    fn one_paragraph_per_line_text_keeps_its_paragraphs() {
        let text = "Question: How do you assess the talks? They lasted a long time and covered very many subjects of interest to both sides.\nSergey Lavrov: We are satisfied.\nThey were useful and we agreed to meet again next year in Minsk, as both presidents wished, and to keep working.";
        assert_eq!(text_blocks(text, 1, false).len(), 3);
    }

    #[test]
    fn markdown_front_matter_gives_title_date_and_source_url() {
        let md = "---\ntitle: \"Press Briefing by Press Secretary Jen\\_Psaki\\\n  \\ and Jake Sullivan\"\ndate: '2021-02-04'\nsource_url: https://example.org/b\n---\n\n**MS. PSAKI:** Hi \\[everyone\\].";
        let (meta, blocks) = markdown(md);
        assert_eq!(
            meta.title.as_deref(),
            Some("Press Briefing by Press Secretary Jen Psaki and Jake Sullivan")
        );
        assert_eq!(meta.date.as_deref(), Some("2021-02-04"));
        assert_eq!(meta.source_url.as_deref(), Some("https://example.org/b"));
        assert_eq!(texts(&blocks), ["MS. PSAKI: Hi [everyone]."]);
    }

    #[test]
    fn a_bold_run_with_a_colon_opens_a_markdown_paragraph_as_its_label() {
        let md = "# Meeting\n\n**Head of the State Duma Committee Vladimir Burmatov:** Thank you.\n\n\
                  __Question__: And the budget?\n\n**Important** news today: none.";
        let (_, blocks) = markdown(md);
        let labels: Vec<Option<&str>> = blocks.iter().map(|b| b.bold_label.as_deref()).collect();
        assert_eq!(
            labels,
            [
                None,
                Some("Head of the State Duma Committee Vladimir Burmatov"),
                Some("Question"),
                None
            ]
        );
        assert_eq!(
            blocks[1].text,
            "Head of the State Duma Committee Vladimir Burmatov: Thank you."
        );
    }

    #[test]
    fn html_article_body_is_found_and_navigation_dropped() {
        let page = r#"<html lang="en"><head><title>Site</title><script>var x = 1;</script></head><body>
            <nav><p>Home</p><p>News</p></nav>
            <div class="content"><h1>News conference</h1>
              <p><b>Question:</b> What about the talks?</p>
              <p><b>President of Russia Vladimir Putin: </b>They went well, and I am grateful to all the sides for it.</p>
              <div class="share">Share on Twitter</div>
            </div><footer><p>Copyright</p></footer></body></html>"#;
        let (meta, blocks) = html(page);
        assert_eq!(meta.title.as_deref(), Some("News conference"));
        let body: Vec<_> = blocks.iter().filter(|b| !b.heading).collect();
        assert_eq!(body.len(), 2, "{blocks:?}");
        assert_eq!(body[0].bold_label.as_deref(), Some("Question"));
        assert_eq!(
            body[1].bold_label.as_deref(),
            Some("President of Russia Vladimir Putin")
        );
        assert!(!blocks.iter().any(|b| b.text.contains("Share")
            || b.text.contains("Home")
            || b.text.contains("var x")));
    }

    #[test]
    fn html_line_breaks_separate_paragraphs() {
        let page = "<html><body><article><p>First line of the statement here.<br><b>Question</b>: And then?</p></article></body></html>";
        let (_, blocks) = html(page);
        assert_eq!(
            texts(&blocks),
            ["First line of the statement here.", "Question: And then?"]
        );
        assert_eq!(blocks[1].bold_label.as_deref(), Some("Question"));
    }

    #[test]
    fn a_box_of_related_links_is_chrome_in_any_of_the_languages_sites_use() {
        let page = r#"<html><body><article>
            <p><b>Question:</b> What about the talks?</p>
            <div class="box"><h3>Читайте также</h3><a href="/a">Другое событие</a></div>
            <section><strong>See also:</strong><ul><li><a href="/b">Another event</a></li></ul></section>
            <aside-ish role="complementary"><p>Sidebar text</p></aside-ish>
            <p><b>Sergey Lavrov (retranslated):</b> They went well.</p>
            </article></body></html>"#;
        let (_, blocks) = html(page);
        assert_eq!(
            texts(&blocks),
            [
                "Question: What about the talks?",
                "Sergey Lavrov (retranslated): They went well."
            ]
        );
    }

    #[test]
    fn a_stage_note_between_a_bold_name_and_its_colon_belongs_to_the_label() {
        assert_eq!(
            stage_note(" (retranslated): Mr President,"),
            Some(" (retranslated)")
        );
        assert_eq!(
            stage_note(" (via interpreter) : Thank you."),
            Some(" (via interpreter)")
        );
        assert_eq!(stage_note(" (laughter) and then: more"), None);
        assert_eq!(stage_note(" said: more"), None);
        let page = "<html><body><article><p><b>Viktor Orban</b> (<i>retranslated</i>)<b>:</b> Mr President,</p></article></body></html>";
        let (_, blocks) = html(page);
        assert_eq!(
            blocks[0].bold_label.as_deref(),
            Some("Viktor Orban (retranslated)")
        );
    }

    #[test]
    fn the_lead_printed_above_the_article_body_is_kept_as_its_own_paragraph() {
        let page = r#"<html><body><h1>Talks</h1><div class="read__lead"><p>The two presidents met in the Kremlin today.</p></div>
            <div itemprop="articleBody"><p><b>Question:</b> What about the talks?</p></div></body></html>"#;
        let (meta, blocks) = html(page);
        assert_eq!(meta.lead, ["The two presidents met in the Kremlin today."]);
        assert_eq!(texts(&blocks), ["Question: What about the talks?"]);
    }
}

//! Markdown bodies to HTML: the one place that sets pulldown-cmark's options. It gives
//! headings ids and anchors, keeps only safe links, rewrites links to `.md` files
//! through a resolver, highlights code fences, and collects plain text for summaries
//! and search. Problems come back with byte offsets into the body; mapping them to
//! lines, and knowing which `.md` files exist, is the caller's job. No IO here.

pub mod diagram;
pub mod highlight;

use std::collections::{HashMap, HashSet, VecDeque};

use crate::content::internal;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, OffsetIter, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::Level;
use crate::html::escape_html;

/// Options from the site config, and the build's highlighting memo.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'h> {
    /// Raw HTML in a body is emitted as is (and heading attributes are kept);
    /// otherwise it is escaped and shown as text.
    pub unsafe_html: bool,
    /// Code blocks already highlighted in this build; without it every block is
    /// highlighted afresh (the HTML is the same).
    pub highlights: Option<&'h highlight::Highlights>,
    /// Code blocks are left unhighlighted (languages are still checked): for
    /// checking a library, whose HTML is not kept.
    pub plain_code: bool,
    /// Collect only about this many bytes of `Rendered::plain_text` (at least
    /// this many, unless the body has fewer); `None` collects all of it.
    pub plain_text_limit: Option<usize>,
}

/// A relative destination of a link or an image, handed to the resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalLink<'d> {
    /// The destination as written.
    pub dest: &'d str,
    /// Whether it is an image's source rather than a link's.
    pub image: bool,
}

/// What to do with a link or image whose destination is relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRewrite {
    /// Leave the destination unchanged.
    Keep,
    /// Replace the destination with this URL (fragment already included by the resolver).
    Url(String),
    /// A file published with the page: its URL, its size in pixels when it is an
    /// image whose header could be read, and a warning to report at the link.
    File {
        /// The URL to link.
        url: String,
        /// Width and height in pixels.
        dimensions: Option<(u32, u32)>,
        /// A warning (message, help) about the file.
        warning: Option<(String, String)>,
    },
    /// Drop the link, keep its text as plain text, and report this warning at the link.
    PlainText {
        /// The warning's message.
        warning: String,
    },
    /// Keep the text as plain text and report this error at the link.
    Broken {
        /// The error's message.
        error: String,
        /// How to fix it, when known.
        help: Option<String>,
    },
}

/// A problem found in a body, at a byte offset of the body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    /// Byte offset in the body where the problem starts.
    pub offset: usize,
    /// Error or warning.
    pub level: Level,
    /// What is wrong, lowercase and without a trailing period.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

/// A heading of the body, for the table of contents and fragment checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute, unique in the body.
    pub id: String,
    /// The heading as plain text.
    pub text: String,
}

/// A rendered body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// The first paragraph as plain text (no markup), trimmed; empty if none.
    pub first_paragraph: String,
    /// All the text of the body as plain text, whitespace collapsed (for the search index).
    pub plain_text: String,
    /// Problems found, ordered by offset.
    pub problems: Vec<BodyProblem>,
    /// The byte offset of every destination passed to `resolve`, in call order, so that a
    /// caller can locate problems it finds later (a `#fragment` with no heading).
    pub resolved: Vec<usize>,
    /// Links within the page (`#id`): byte offset and the id, for the caller to
    /// check against the page's headings.
    pub fragments: Vec<(usize, String)>,
}

/// The Markdown extensions of SPEC §2: tables, footnotes, strikethrough, task lists
/// and heading ids.
pub fn parser_options() -> pulldown_cmark::Options {
    let mut flags = pulldown_cmark::Options::empty();
    flags.insert(pulldown_cmark::Options::ENABLE_TABLES);
    flags.insert(pulldown_cmark::Options::ENABLE_FOOTNOTES);
    flags.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    flags.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
    flags.insert(pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES);
    flags
}

/// The lines (0-based, first and last) of each code block of a body, fenced or
/// indented, as CommonMark reads them: a list item that ends closes its fence,
/// and a line that starts with an inline code span opens none.
pub fn code_block_lines(body: &str) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    Parser::new_ext(body, parser_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) => Some((
                line_of(range.start),
                line_of(range.end.saturating_sub(1).max(range.start)),
            )),
            _ => None,
        })
        .collect()
}

/// Renders a Markdown body. `resolve` is called with the raw destination of every link
/// and image whose destination is relative: no scheme, and not starting with `/`,
/// `#` or `?`.
pub fn render(
    body: &str,
    options: &Options<'_>,
    resolve: &dyn Fn(LocalLink<'_>) -> LinkRewrite,
) -> Rendered {
    let mut events = Events {
        body,
        parser: Parser::new_ext(body, parser_options()).into_offset_iter(),
        options,
        resolve,
        queue: VecDeque::new(),
        links: Vec::new(),
        image: None,
        image_depth: 0,
        container_depth: 0,
        heading: None,
        code: None,
        first_paragraph: FirstParagraph::Looking,
        plain: PlainText {
            limit: options.plain_text_limit.unwrap_or(usize::MAX),
            ..PlainText::default()
        },
        headings: Vec::new(),
        ids: Ids::default(),
        problems: Vec::new(),
        resolved: Vec::new(),
        fragments: Vec::new(),
        html_block: None,
        internal_open: false,
        diagrams: 0,
    };
    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.by_ref());
    if events.internal_open {
        // Closed inside a list or a quote, or never: the section ends with the body.
        html.push_str("</div>\n");
    }
    let mut problems = events.problems;
    problems.sort_by_key(|p| p.offset);
    Rendered {
        html,
        headings: events.headings,
        first_paragraph: match events.first_paragraph {
            FirstParagraph::Done(text) => text,
            _ => String::new(),
        },
        plain_text: events.plain.text,
        problems,
        resolved: events.resolved,
        fragments: events.fragments,
    }
}

/// Slugifies heading text into an id: lowercase; letters and digits of any script
/// kept; every other run of characters becomes one `-`, with none at either end;
/// `section` when nothing is left.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !id.is_empty() {
                id.push('-');
            }
            pending_dash = false;
            id.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// The event adapter between the parser and pulldown-cmark's HTML writer. It works
/// one event at a time (buffering only a heading or a code block), so it needs no
/// recursion and takes linear time whatever the nesting.
struct Events<'a, 'r> {
    body: &'a str,
    parser: OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    options: &'r Options<'r>,
    resolve: &'r dyn Fn(LocalLink<'_>) -> LinkRewrite,
    /// Events ready for the HTML writer.
    queue: VecDeque<Event<'a>>,
    /// For each open link or image: whether it is kept.
    links: Vec<bool>,
    /// The image being read: its alt text is gathered until it ends.
    image: Option<OpenImage>,
    image_depth: usize,
    /// Open lists, quotes, footnotes and tables: a paragraph is top-level at 0.
    container_depth: usize,
    heading: Option<OpenHeading<'a>>,
    code: Option<OpenCode>,
    first_paragraph: FirstParagraph,
    plain: PlainText,
    headings: Vec<Heading>,
    ids: Ids,
    problems: Vec<BodyProblem>,
    resolved: Vec<usize>,
    fragments: Vec<(usize, String)>,
    /// The text of an HTML block being read when raw HTML is escaped: held back
    /// so that a block of nothing but comments can be dropped.
    html_block: Option<String>,
    /// Whether an internal section's `<div>` is open at the top level.
    internal_open: bool,
    /// Mermaid diagrams met so far, for their ids.
    diagrams: usize,
}

struct OpenHeading<'a> {
    level: pulldown_cmark::HeadingLevel,
    explicit_id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    offset: usize,
    events: Vec<Event<'a>>,
    text: PlainText,
}

/// A relative destination the resolver keeps: as written, or replaced by a URL
/// (with an image's size when known).
enum Resolved {
    Kept,
    To(String, Option<(u32, u32)>),
}

struct OpenImage {
    /// The source as written, for messages.
    written: String,
    src: String,
    title: String,
    dimensions: Option<(u32, u32)>,
    offset: usize,
    alt: String,
    /// Images inside this one's alt text, still open.
    nested: usize,
}

struct OpenCode {
    /// The first word of a fenced block's info string; `None` when indented or bare.
    language: Option<String>,
    offset: usize,
    code: String,
}

enum FirstParagraph {
    Looking,
    Reading(PlainText),
    Done(String),
}

/// Heading ids already used in the body, and the next suffix to try for each base.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Ids {
    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Text with every run of whitespace collapsed to one space, none at either end;
/// words stop being added once it has `limit` bytes.
struct PlainText {
    text: String,
    pending_space: bool,
    limit: usize,
}

impl Default for PlainText {
    fn default() -> PlainText {
        PlainText {
            text: String::new(),
            pending_space: false,
            limit: usize::MAX,
        }
    }
}

impl PlainText {
    fn push(&mut self, text: &str) {
        if self.text.len() >= self.limit {
            return;
        }
        let end = text.len();
        let mut at = 0;
        loop {
            let spaces = at;
            while let Some(len) = space_at(text, at) {
                at += len;
            }
            if at != spaces {
                self.pending_space = true;
            }
            if at == end {
                return;
            }
            let word = at;
            // Byte by byte: a multi-byte character's other bytes are never a space's
            // first byte.
            while at < end && space_at(text, at).is_none() {
                at += 1;
            }
            if self.pending_space && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.text.push_str(&text[word..at]);
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }
}

/// The length of the whitespace character (`char::is_whitespace`) at byte `at` of
/// `text`, if there is one. Byte by byte, as it is called on every byte of every
/// body: the whitespace beyond ASCII all starts with one of four bytes.
fn space_at(text: &str, at: usize) -> Option<usize> {
    match *text.as_bytes().get(at)? {
        b' ' | b'\t'..=b'\r' => Some(1),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => {
            let c = text[at..].chars().next()?;
            c.is_whitespace().then(|| c.len_utf8())
        }
        _ => None,
    }
}

impl<'a> Iterator for Events<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            let (event, range) = self.parser.next()?;
            self.handle(event, range.start);
        }
    }
}

impl<'a> Events<'a, '_> {
    fn emit(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(heading) => heading.events.push(event),
            None => self.queue.push_back(event),
        }
    }

    fn problem(&mut self, offset: usize, level: Level, message: String, help: Option<String>) {
        self.problems.push(BodyProblem {
            offset,
            level,
            message,
            help,
        });
    }

    /// Adds inline text to the plain text, the open heading and the first paragraph.
    fn text(&mut self, text: &str) {
        self.plain.push(text);
        if let Some(heading) = &mut self.heading {
            heading.text.push(text);
        }
        if let FirstParagraph::Reading(para) = &mut self.first_paragraph
            && self.image_depth == 0
        {
            para.push(text);
        }
    }

    /// An internal section's marker, in a build that shows the section: at the
    /// top level the section becomes a marked `<div>`; inside a list or a quote,
    /// where a `<div>` could not close in place, each marker is a label.
    fn internal_marker(&mut self, open: bool) {
        let html = match (open, self.container_depth, self.internal_open) {
            (true, 0, false) => {
                self.internal_open = true;
                "<div class=\"internal-section\"><p class=\"internal-label\">Internal: left out of public builds</p>\n"
            }
            (false, 0, true) => {
                self.internal_open = false;
                "</div>\n"
            }
            (true, _, _) => {
                "<p class=\"internal-label\">Internal from here: left out of public builds</p>\n"
            }
            (false, _, _) => "<p class=\"internal-label\">End of the internal part</p>\n",
        };
        self.emit(Event::Html(CowStr::Borrowed(html)));
    }

    fn space(&mut self) {
        self.plain.space();
        if let Some(heading) = &mut self.heading {
            heading.text.space();
        }
        if let FirstParagraph::Reading(para) = &mut self.first_paragraph {
            para.space();
        }
    }

    fn handle(&mut self, event: Event<'a>, offset: usize) {
        if self.image.is_some() {
            self.handle_in_image(event);
            return;
        }
        match event {
            Event::Text(text) => {
                if let Some(code) = &mut self.code {
                    code.code.push_str(&text);
                } else {
                    self.text(&text);
                    self.emit(Event::Text(text));
                }
            }
            Event::Code(text) => {
                self.text(&text);
                self.emit(Event::Code(text));
            }
            Event::Html(html) if self.html_block.is_some() => {
                if let Some(block) = &mut self.html_block {
                    block.push_str(&html);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) if !self.options.unsafe_html => {
                if !is_only_comments(&html) {
                    self.emit(Event::Text(html));
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => {
                self.space();
                self.emit(event);
            }
            Event::Start(tag) => self.start(tag, offset),
            Event::End(end) => self.end(end),
            other => self.emit(other),
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        match tag {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.space();
                let attrs = if self.options.unsafe_html {
                    attrs
                } else {
                    Vec::new()
                };
                self.heading = Some(OpenHeading {
                    level,
                    explicit_id: id.filter(|id| !id.is_empty()),
                    classes,
                    attrs,
                    offset,
                    events: Vec::new(),
                    text: PlainText::default(),
                });
            }
            Tag::CodeBlock(kind) => {
                self.space();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .find(|word| !word.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(OpenCode {
                    language,
                    offset,
                    code: String::new(),
                });
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => self.start_link(offset, link_type, dest_url, title, id),
            Tag::Image {
                dest_url, title, ..
            } => self.start_image(offset, &dest_url, &title),
            Tag::Paragraph => {
                self.space();
                if self.container_depth == 0
                    && matches!(self.first_paragraph, FirstParagraph::Looking)
                {
                    self.first_paragraph = FirstParagraph::Reading(PlainText::default());
                }
                self.emit(Event::Start(Tag::Paragraph));
            }
            Tag::HtmlBlock => {
                // Collected whole, to tell an internal-section marker from HTML.
                self.space();
                self.html_block = Some(String::new());
            }
            tag => {
                if is_container(&tag) {
                    self.container_depth += 1;
                }
                if !is_inline(&tag) {
                    self.space();
                }
                self.emit(Event::Start(tag));
            }
        }
    }

    fn start_link(
        &mut self,
        offset: usize,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
    ) {
        let mut dest_url = dest_url;
        if link_type != LinkType::Email {
            let scheme = url_scheme(&dest_url);
            if scheme
                .as_deref()
                .is_some_and(|s| !matches!(s, "http" | "https" | "mailto"))
            {
                self.problem(
                    offset,
                    Level::Warning,
                    format!(
                        "unsafe link `{}` was dropped (only http, https, mailto and relative links are kept)",
                        shorten(&dest_url)
                    ),
                    None,
                );
                self.links.push(false);
                return;
            }
            if let Some(id) = dest_url.strip_prefix('#').filter(|id| !id.is_empty())
                && self.image_depth == 0
            {
                self.fragments.push((offset, id.to_string()));
            }
            if scheme.is_none() && is_local(&dest_url) {
                let link = LocalLink {
                    dest: &dest_url,
                    image: false,
                };
                match self.resolve_local(offset, link) {
                    Some(Resolved::Kept) => {}
                    Some(Resolved::To(url, _)) => dest_url = CowStr::from(url),
                    None => {
                        self.links.push(false);
                        return;
                    }
                }
            }
        }
        self.links.push(true);
        self.emit(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    /// Asks the resolver about a relative destination and reports what it says.
    /// `None` when the link or image is to be dropped (its text kept).
    fn resolve_local(&mut self, offset: usize, link: LocalLink<'_>) -> Option<Resolved> {
        self.resolved.push(offset);
        match (self.resolve)(link) {
            LinkRewrite::Keep => Some(Resolved::Kept),
            LinkRewrite::Url(url) => Some(Resolved::To(url, None)),
            LinkRewrite::File {
                url,
                dimensions,
                warning,
            } => {
                if let Some((message, help)) = warning {
                    self.problem(offset, Level::Warning, message, Some(help));
                }
                Some(Resolved::To(url, dimensions))
            }
            LinkRewrite::PlainText { warning } => {
                self.problem(offset, Level::Warning, warning, None);
                None
            }
            LinkRewrite::Broken { error, help } => {
                self.problem(offset, Level::Error, error, help);
                None
            }
        }
    }

    /// An image: its source checked (and resolved when relative), then its alt text
    /// gathered until it ends. A dropped image leaves its alt text as text.
    fn start_image(&mut self, offset: usize, dest: &str, title: &str) {
        self.image_depth += 1;
        let scheme = url_scheme(dest);
        if scheme
            .as_deref()
            .is_some_and(|s| !matches!(s, "http" | "https"))
        {
            self.problem(
                offset,
                Level::Warning,
                format!(
                    "unsafe image source `{}` was dropped (only http, https and relative image sources are kept)",
                    shorten(dest)
                ),
                None,
            );
            self.links.push(false);
            return;
        }
        let mut src = dest.to_string();
        let mut dimensions = None;
        if scheme.is_none() && is_local(dest) {
            match self.resolve_local(offset, LocalLink { dest, image: true }) {
                Some(Resolved::Kept) => {}
                Some(Resolved::To(url, size)) => {
                    src = url;
                    dimensions = size;
                }
                None => {
                    self.links.push(false);
                    return;
                }
            }
        }
        self.links.push(true);
        self.image = Some(OpenImage {
            written: dest.to_string(),
            src,
            title: title.to_string(),
            dimensions,
            offset,
            alt: String::new(),
            nested: 0,
        });
    }

    /// An event inside an image: only its text counts, as alt text.
    fn handle_in_image(&mut self, event: Event<'a>) {
        let Some(image) = &mut self.image else {
            return;
        };
        match event {
            Event::Text(text) | Event::Code(text) => {
                image.alt.push_str(&text);
                self.plain.push(&text);
                if let Some(heading) = &mut self.heading {
                    heading.text.push(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                image.alt.push(' ');
                self.plain.space();
            }
            Event::Start(Tag::Image { .. }) => {
                image.nested += 1;
                self.image_depth += 1;
            }
            Event::End(TagEnd::Image) => {
                self.image_depth = self.image_depth.saturating_sub(1);
                if image.nested > 0 {
                    image.nested -= 1;
                } else {
                    self.end_image();
                }
            }
            _ => {}
        }
    }

    /// Writes the image that ends here, lazily loaded and with its size when known.
    fn end_image(&mut self) {
        self.links.pop();
        let Some(image) = self.image.take() else {
            return;
        };
        let alt = image.alt.trim();
        if alt.is_empty() {
            self.problem(
                image.offset,
                Level::Warning,
                format!("image `{}` has no alt text", shorten(&image.written)),
                Some(
                    "describe what it shows between the brackets, as in `![p99 latency during the outage](latency.png)`"
                        .to_string(),
                ),
            );
        }
        let mut html = String::from("<img src=\"");
        // Writing into a String cannot fail.
        let _ = pulldown_cmark_escape::escape_href(&mut html, &image.src);
        html.push_str("\" alt=\"");
        html.push_str(&escape_html(alt));
        html.push('"');
        if !image.title.is_empty() {
            html.push_str(" title=\"");
            html.push_str(&escape_html(&image.title));
            html.push('"');
        }
        if let Some((width, height)) = image.dimensions {
            html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
        }
        html.push_str(" loading=\"lazy\">");
        self.emit(Event::InlineHtml(CowStr::from(html)));
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::CodeBlock => self.end_code(),
            TagEnd::Link | TagEnd::Image => {
                if end == TagEnd::Image {
                    self.image_depth = self.image_depth.saturating_sub(1);
                }
                if self.links.pop().unwrap_or(true) {
                    self.emit(Event::End(end));
                }
            }
            TagEnd::Paragraph => {
                self.space();
                if self.container_depth == 0
                    && let FirstParagraph::Reading(para) = &mut self.first_paragraph
                {
                    let text = std::mem::take(&mut para.text);
                    self.first_paragraph = if text.is_empty() {
                        FirstParagraph::Looking
                    } else {
                        FirstParagraph::Done(text)
                    };
                }
                self.emit(Event::End(end));
            }
            TagEnd::HtmlBlock => {
                self.space();
                match self.html_block.take() {
                    Some(block) if block.trim() == internal::OPEN => self.internal_marker(true),
                    Some(block) if block.trim() == internal::CLOSE => {
                        self.internal_marker(false);
                    }
                    Some(block) if self.options.unsafe_html => {
                        self.emit(Event::Start(Tag::HtmlBlock));
                        self.emit(Event::Html(CowStr::from(block)));
                        self.emit(Event::End(end));
                    }
                    // Escaped HTML is shown as text, except comments: they are
                    // invisible either way, and skeletons use them for guidance.
                    Some(block) if is_only_comments(&block) => {}
                    Some(block) => {
                        self.emit(Event::Html(CowStr::Borrowed("<p>")));
                        self.emit(Event::Start(Tag::HtmlBlock));
                        self.emit(Event::Text(CowStr::from(block)));
                        self.emit(Event::End(end));
                        self.emit(Event::Html(CowStr::Borrowed("</p>\n")));
                    }
                    None => self.emit(Event::End(end)),
                }
            }
            end => {
                if is_container_end(end) {
                    self.container_depth = self.container_depth.saturating_sub(1);
                }
                if !is_inline_end(end) {
                    self.space();
                }
                self.emit(Event::End(end));
            }
        }
    }

    fn end_heading(&mut self) {
        self.space();
        let Some(heading) = self.heading.take() else {
            return;
        };
        let text = heading.text.text;
        let id = match heading.explicit_id {
            Some(id) => {
                if !self.ids.used.insert(id.to_string()) {
                    self.problem(
                        heading.offset,
                        Level::Warning,
                        format!("duplicate heading id `{id}`"),
                        Some("give this heading another `{#id}`".to_string()),
                    );
                }
                id.to_string()
            }
            None => self.ids.unique(heading_id(&text)),
        };
        let anchor = format!(
            r##" <a class="anchor" href="#{}" aria-label="Link to this section">#</a>"##,
            escape_html(&id)
        );
        self.headings.push(Heading {
            level: heading.level as u8,
            id: id.clone(),
            text,
        });
        self.queue.push_back(Event::Start(Tag::Heading {
            level: heading.level,
            id: Some(CowStr::from(id)),
            classes: heading.classes,
            attrs: heading.attrs,
        }));
        self.queue.extend(heading.events);
        self.queue.push_back(Event::Html(CowStr::from(anchor)));
        self.queue
            .push_back(Event::End(TagEnd::Heading(heading.level)));
    }

    fn end_code(&mut self) {
        self.space();
        let Some(block) = self.code.take() else {
            return;
        };
        self.plain.push(&block.code);
        if block
            .language
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("mermaid"))
        {
            self.diagrams += 1;
            let id = format!("mermaid-{}", self.diagrams);
            match diagram::draw(&block.code, &id) {
                Ok(svg) => {
                    let html = diagram_html(&svg, &block.code);
                    self.emit(Event::Html(CowStr::from(html)));
                    return;
                }
                Err(failure) => {
                    // The diagram's line N is N lines below the opening fence.
                    let offset = match failure.line {
                        Some(line) => (self.body[block.offset..].match_indices('\n'))
                            .nth(line - 1)
                            .map_or(block.offset, |(at, _)| block.offset + at + 1),
                        None => block.offset,
                    };
                    self.problem(
                        offset,
                        Level::Warning,
                        format!(
                            "the Mermaid diagram cannot be drawn: {}; it is shown as code",
                            failure.reason
                        ),
                        Some(match failure.nearest_kind {
                            Some(kind) => crate::diag::did_you_mean(kind),
                            None => "check this line against Mermaid's syntax for the diagram type on the first line (flowchart, sequenceDiagram, stateDiagram-v2, gantt, timeline...)".to_string(),
                        }),
                    );
                }
            }
            let html = format!(
                "<pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre>\n",
                escape_html(&block.code)
            );
            self.emit(Event::Html(CowStr::from(html)));
            return;
        }
        let html = match &block.language {
            None => format!(
                "<pre class=\"code\"><code>{}</code></pre>\n",
                escape_html(&block.code)
            ),
            Some(language) => {
                let highlighted = if highlight::is_known_language(language) {
                    match self.options.highlights {
                        _ if self.options.plain_code => None,
                        Some(memo) => memo.highlight(&block.code, language),
                        None => highlight::highlight(&block.code, language),
                    }
                } else {
                    let help = match highlight::nearest_language(language) {
                        Some(near) => crate::diag::did_you_mean(near),
                        None => "use `text` to show plain text without a warning".to_string(),
                    };
                    self.problem(
                        block.offset,
                        Level::Warning,
                        format!("unknown code language `{language}`, shown as plain text"),
                        Some(help),
                    );
                    None
                };
                let language = escape_html(language);
                format!(
                    "<pre class=\"code\" data-lang=\"{language}\"><code class=\"language-{language}\">{}</code></pre>\n",
                    highlighted.unwrap_or_else(|| escape_html(&block.code))
                )
            }
        };
        self.emit(Event::Html(CowStr::from(html)));
    }
}

/// A drawn diagram: the SVG, named for assistive technology, and its source below
/// it, folded, readable without a script.
fn diagram_html(svg: &str, source: &str) -> String {
    let kind = source
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("%%"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or("diagram");
    format!(
        "<figure class=\"diagram\">\n<div class=\"diagram-drawing\" role=\"img\" aria-label=\"{kind} diagram; its source follows\">{svg}</div>\n\
         <details class=\"diagram-source\"><summary>Diagram source</summary>\
         <pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre></details>\n</figure>\n",
        escape_html(source),
        kind = escape_html(kind),
    )
}

/// Block tags that contain other blocks: a paragraph inside one is not top-level.
fn is_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::DefinitionList
    )
}

fn is_container_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::DefinitionList
    )
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript
    )
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// The lowercased scheme of a URL, as a browser would read it: leading spaces and
/// control characters are skipped, tabs and newlines anywhere are ignored.
fn url_scheme(url: &str) -> Option<String> {
    let mut chars = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut scheme = String::new();
    scheme.push(first.to_ascii_lowercase());
    for c in chars {
        match c {
            ':' => return Some(scheme),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

/// Whether a scheme-less destination is relative to the page's file: not empty and
/// not starting with `/`, `#` or `?`.
fn is_local(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with(['/', '#', '?'])
}

/// A URL short enough for a message.
fn shorten(url: &str) -> String {
    const MAX: usize = 60;
    if url.chars().count() <= MAX {
        return url.to_string();
    }
    let mut short: String = url.chars().take(MAX - 3).collect();
    short.push_str("...");
    short
}

/// True when `html` is nothing but HTML comments and white space.
fn is_only_comments(html: &str) -> bool {
    let mut rest = html.trim_start();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(comment) = rest.strip_prefix("<!--") else {
            return false;
        };
        let Some(end) = comment.find("-->") else {
            return false;
        };
        rest = comment[end + 3..].trim_start();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_is_what_char_is_whitespace_says() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let text = format!("{c}x");
            assert_eq!(
                space_at(&text, 0),
                c.is_whitespace().then(|| c.len_utf8()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn plain_text_collapses_whitespace_across_pieces() {
        let pieces = [
            "  Two\u{a0}words\t",
            "",
            "joined",
            "\u{3000}é\u{2028}ü  ",
            " ",
            "end\u{85}",
            "x",
        ];
        let mut plain = PlainText::default();
        for piece in pieces {
            plain.push(piece);
        }
        let all: String = pieces.concat();
        let words: Vec<&str> = all.split_whitespace().collect();
        assert_eq!(plain.text, words.join(" "));
    }

    fn keep(_: LocalLink<'_>) -> LinkRewrite {
        LinkRewrite::Keep
    }

    fn md(body: &str) -> Rendered {
        render(body, &Options::default(), &keep)
    }

    fn ids(r: &Rendered) -> Vec<&str> {
        r.headings.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn heading_id_follows_the_slug_rule() {
        assert_eq!(heading_id("Root cause"), "root-cause");
        assert_eq!(heading_id("  What happened?!  "), "what-happened");
        assert_eq!(heading_id("根本原因"), "根本原因");
        assert_eq!(heading_id("Ünïcode — Straße 2"), "ünïcode-straße-2");
        assert_eq!(heading_id("C++ / Go"), "c-go");
        assert_eq!(heading_id("!!!"), "section");
        assert_eq!(heading_id(""), "section");
    }

    #[test]
    fn headings_get_ids_and_anchors() {
        let r = md("## Root cause\n\n## 根本原因\n\n### `kubectl` *apply*\n");
        assert_eq!(ids(&r), ["root-cause", "根本原因", "kubectl-apply"]);
        assert_eq!(r.headings[2].text, "kubectl apply");
        assert_eq!(r.headings[2].level, 3);
        assert!(r.html.contains(
            r##"<h2 id="root-cause">Root cause <a class="anchor" href="#root-cause" aria-label="Link to this section">#</a></h2>"##
        ), "{}", r.html);
        assert!(
            r.html
                .contains(r##"<h2 id="根本原因">根本原因 <a class="anchor" href="#根本原因""##)
        );
        assert!(r.problems.is_empty());
    }

    #[test]
    fn duplicate_headings_get_suffixes() {
        let r = md("# A\n## A\n## A\n## A-1\n## !!\n## ??\n");
        assert_eq!(
            ids(&r),
            ["a", "a-1", "a-2", "a-1-1", "section", "section-1"]
        );
        assert!(r.problems.is_empty());
    }

    #[test]
    fn explicit_ids_win() {
        let r = md("## Timeline {#when .wide}\n\n## When\n\n## Other {#when}\n");
        assert_eq!(ids(&r), ["when", "when-1", "when"]);
        assert_eq!(r.headings[0].text, "Timeline");
        assert!(
            r.html.contains(r#"<h2 id="when" class="wide">Timeline <a"#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        let p = &r.problems[0];
        assert_eq!(p.level, Level::Warning);
        assert_eq!(p.message, "duplicate heading id `when`");
        assert_eq!(p.offset, "## Timeline {#when .wide}\n\n## When\n\n".len());
    }

    #[test]
    fn heading_attributes_need_unsafe_html() {
        let body = "## Hi {#x onclick=alert(1)}\n";
        assert!(!md(body).html.contains("onclick"));
        let unsafe_options = Options {
            unsafe_html: true,
            ..Options::default()
        };
        assert!(
            render(body, &unsafe_options, &keep)
                .html
                .contains("onclick")
        );
    }

    #[test]
    fn comments_are_dropped_when_html_is_escaped() {
        let body = "## Impact\n\n<!-- Who was affected,\nand for how long. -->\n\nText <!-- aside --> here.\n\n<!-- a --> <b>kept</b>\n";
        let safe = md(body);
        assert!(!safe.html.contains("affected"), "{}", safe.html);
        assert!(!safe.html.contains("aside"), "{}", safe.html);
        assert!(safe.html.contains("<p>Text  here.</p>"), "{}", safe.html);
        assert!(
            safe.html
                .contains("&lt;!-- a --&gt; &lt;b&gt;kept&lt;/b&gt;"),
            "{}",
            safe.html
        );
        assert!(is_only_comments("<!-- a -->\n <!-- b -->\n"));
        assert!(!is_only_comments("<!-- a --> b"));
        assert!(!is_only_comments("<!-- open"));
    }

    #[test]
    fn raw_html_is_escaped_unless_unsafe() {
        let body = "<div class=\"x\">\n<script>alert(1)</script>\n</div>\n\nHi <b>there</b>\n";
        let safe = md(body);
        assert!(!safe.html.contains("<script>"), "{}", safe.html);
        assert!(!safe.html.contains("<b>"), "{}", safe.html);
        assert!(
            safe.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{}",
            safe.html
        );
        assert!(
            safe.html.contains("<p>Hi &lt;b&gt;there&lt;/b&gt;</p>"),
            "{}",
            safe.html
        );
        let raw = render(
            body,
            &Options {
                unsafe_html: true,
                ..Options::default()
            },
            &keep,
        );
        assert!(
            raw.html.contains("<script>alert(1)</script>"),
            "{}",
            raw.html
        );
        assert!(raw.html.contains("<p>Hi <b>there</b></p>"), "{}", raw.html);
    }

    #[test]
    fn unsafe_links_are_dropped_with_a_warning() {
        let body = "Click [here](javascript:alert(1)) or [there](https://example.com).\n";
        let r = md(body);
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(
            r.html
                .contains("Click here or <a href=\"https://example.com\">there</a>."),
            "{}",
            r.html
        );
        assert_eq!(
            r.problems,
            [BodyProblem {
                offset: body.find("[here]").unwrap(),
                level: Level::Warning,
                message: "unsafe link `javascript:alert(1)` was dropped (only http, https, mailto and relative links are kept)".to_string(),
                help: None,
            }]
        );
    }

    #[test]
    fn unsafe_schemes_are_caught_however_written() {
        for dest in [
            "JavaScript:alert(1)",
            "<\tjavascript:alert(1)>",
            "java&#9;script:alert(1)",
            "javascript&#58;alert(1)",
            "java&#10;script:x",
            "&#1;javascript:x",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            let r = md(&format!("[x]({dest})\n"));
            assert!(!r.html.contains("<a"), "{dest}: {}", r.html);
            assert_eq!(r.problems.len(), 1, "{dest}");
        }
        let r = md("<javascript:alert(1)>\n");
        assert!(!r.html.contains("<a"), "{}", r.html);
        for dest in [
            "https://x.y",
            "HTTP://x.y",
            "mailto:a@b.c",
            "../x.html",
            "#frag",
            "/abs",
            "x?y=a:b",
        ] {
            let r = md(&format!("[x]({dest})\n"));
            assert!(r.html.contains("<a href="), "{dest}: {}", r.html);
            assert!(r.problems.is_empty(), "{dest}");
        }
        let r = md("<ops@example.com>\n");
        assert!(
            r.html.contains(r#"<a href="mailto:ops@example.com">"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn unsafe_images_are_dropped() {
        let r = md("![alt *text*](data:image/png;base64,AAAA) ![ok](img/a.png)\n");
        assert!(!r.html.contains("data:"), "{}", r.html);
        assert!(r.html.contains("alt <em>text</em>"), "{}", r.html);
        assert!(
            r.html
                .contains(r#"<img src="img/a.png" alt="ok" loading="lazy">"#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(
            r.problems[0].message,
            "unsafe image source `data:image/png;base64,AAAA` was dropped (only http, https and relative image sources are kept)"
        );
        assert!(md("![x](mailto:a@b.c)\n").problems.len() == 1);
    }

    #[test]
    fn md_links_go_through_the_resolver() {
        let body = "[a](a.md) [b](sub/B.MD#timeline) [c](c.md?x=1) [d](gone.md) [e](draft.md) \
                    [f](x.md.html) [g](/abs.md) [h](#x.md) [i](https://e.com/a.md) ![j](j.md)\n";
        let seen = std::cell::RefCell::new(Vec::new());
        let resolve = |link: LocalLink<'_>| {
            let dest = link.dest;
            seen.borrow_mut().push((dest.to_string(), link.image));
            match dest {
                "a.md" | "x.md.html" | "j.md" => LinkRewrite::Keep,
                "sub/B.MD#timeline" => LinkRewrite::Url("/incidents/b/#timeline".to_string()),
                "c.md?x=1" => LinkRewrite::Url("/incidents/c/".to_string()),
                "draft.md" => LinkRewrite::PlainText {
                    warning: "link to draft.md, which is a draft, is shown as plain text"
                        .to_string(),
                },
                _ => LinkRewrite::Broken {
                    error: format!("link to `{dest}`: no such file"),
                    help: Some("did you mean a.md?".to_string()),
                },
            }
        };
        let r = render(body, &Options::default(), &resolve);
        assert_eq!(
            *seen.borrow(),
            [
                ("a.md", false),
                ("sub/B.MD#timeline", false),
                ("c.md?x=1", false),
                ("gone.md", false),
                ("draft.md", false),
                ("x.md.html", false),
                ("j.md", true),
            ]
            .map(|(dest, image)| (dest.to_string(), image))
        );
        assert!(r.html.contains(r#"<a href="a.md">a</a>"#), "{}", r.html);
        assert!(
            r.html
                .contains(r##"<a href="/incidents/b/#timeline">b</a>"##),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<a href="/incidents/c/">c</a>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(" d e "), "{}", r.html);
        assert!(
            r.html.contains(r#"<a href="x.md.html">f</a>"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<img src="j.md" alt="j" loading="lazy">"#),
            "{}",
            r.html
        );
        assert_eq!(
            r.problems,
            [
                BodyProblem {
                    offset: body.find("[d]").unwrap(),
                    level: Level::Error,
                    message: "link to `gone.md`: no such file".to_string(),
                    help: Some("did you mean a.md?".to_string()),
                },
                BodyProblem {
                    offset: body.find("[e]").unwrap(),
                    level: Level::Warning,
                    message: "link to draft.md, which is a draft, is shown as plain text"
                        .to_string(),
                    help: None,
                },
            ]
        );
    }

    #[test]
    fn images_are_lazy_with_their_size_and_alt_text() {
        let body = "![p99 *latency* `ms`](graph.png \"Title\") ![](logo.svg)\n\n\
                    [![badge](b.png)](b.png)\n";
        let resolve = |link: LocalLink<'_>| match link.dest {
            "graph.png" => LinkRewrite::File {
                url: "/x/incidents/a/graph.png".to_string(),
                dimensions: Some((640, 320)),
                warning: Some(("big".to_string(), "smaller".to_string())),
            },
            _ => LinkRewrite::File {
                url: format!("/x/files/{}", link.dest),
                dimensions: None,
                warning: None,
            },
        };
        let r = render(body, &Options::default(), &resolve);
        assert_eq!(
            r.html,
            "<p><img src=\"/x/incidents/a/graph.png\" alt=\"p99 latency ms\" title=\"Title\" \
             width=\"640\" height=\"320\" loading=\"lazy\"> \
             <img src=\"/x/files/logo.svg\" alt=\"\" loading=\"lazy\"></p>\n\
             <p><a href=\"/x/files/b.png\"><img src=\"/x/files/b.png\" alt=\"badge\" loading=\"lazy\"></a></p>\n"
        );
        let messages: Vec<(usize, &str)> = r
            .problems
            .iter()
            .map(|p| (p.offset, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (0, "big"),
                (
                    body.find("![]").unwrap(),
                    "image `logo.svg` has no alt text"
                )
            ]
        );
        assert_eq!(r.plain_text, "p99 latency ms badge");
    }

    #[test]
    fn mermaid_blocks_become_drawn_figures_with_their_source() {
        let body = "Before.\n\n```mermaid\nflowchart LR\n  A[client] --> B[CoreDNS]\n```\n";
        let r = md(body);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(
            r.html.starts_with("<p>Before.</p>\n<figure class=\"diagram\">\n<div class=\"diagram-drawing\" role=\"img\" aria-label=\"flowchart diagram; its source follows\"><svg"),
            "{}",
            r.html
        );
        assert!(
            r.html.ends_with(
                "<details class=\"diagram-source\"><summary>Diagram source</summary><pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n  A[client] --&gt; B[CoreDNS]\n</code></pre></details>\n</figure>\n"
            ),
            "{}",
            r.html
        );
        // The labels are searchable as the source.
        assert!(
            r.plain_text.contains("A[client] --> B[CoreDNS]"),
            "{}",
            r.plain_text
        );
    }

    #[test]
    fn a_diagram_that_cannot_be_drawn_is_shown_as_code_with_a_warning_at_its_line() {
        let body = "Intro.\n\n```mermaid\nflowchart LR\n  A -->\n```\n";
        let r = md(body);
        assert!(!r.html.contains("<svg"), "{}", r.html);
        assert!(
            r.html.contains("<pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">flowchart LR\n  A --&gt;\n</code></pre>"),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].offset, body.find("  A -->").unwrap());
        assert!(
            r.problems[0]
                .message
                .starts_with("the Mermaid diagram cannot be drawn: "),
            "{}",
            r.problems[0].message
        );
    }

    #[test]
    fn reference_links_are_resolved_at_their_use() {
        let body = "Intro.\n\nSee [the other one][o].\n\n[o]: other.md\n";
        let resolve = |_: LocalLink<'_>| LinkRewrite::PlainText {
            warning: "left out".to_string(),
        };
        let r = render(body, &Options::default(), &resolve);
        assert!(r.html.contains("<p>See the other one.</p>"), "{}", r.html);
        assert_eq!(r.problems[0].offset, body.find("[the").unwrap());
    }

    #[test]
    fn dropped_link_keeps_inner_markup() {
        let resolve = |_: LocalLink<'_>| LinkRewrite::Broken {
            error: "no".to_string(),
            help: None,
        };
        let r = render("[**bold** `code`](x.md)\n", &Options::default(), &resolve);
        assert_eq!(r.html, "<p><strong>bold</strong> <code>code</code></p>\n");
    }

    #[test]
    fn code_blocks() {
        let body = "```yaml title=x\nkey: <v>\n```\n\n```foo\na < b\n```\n\n```\nplain <x>\n```\n\n    indented\n";
        let r = md(body);
        assert!(r.html.contains(r#"<pre class="code" data-lang="yaml"><code class="language-yaml"><span class="hl-source hl-yaml">"#), "{}", r.html);
        assert!(r.html.contains("&lt;v&gt;"), "{}", r.html);
        assert!(r.html.contains("<pre class=\"code\" data-lang=\"foo\"><code class=\"language-foo\">a &lt; b\n</code></pre>"), "{}", r.html);
        assert!(
            r.html
                .contains("<pre class=\"code\"><code>plain &lt;x&gt;\n</code></pre>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<pre class=\"code\"><code>indented\n</code></pre>"),
            "{}",
            r.html
        );
        assert_eq!(
            r.problems,
            [BodyProblem {
                offset: body.find("```foo").unwrap(),
                level: Level::Warning,
                message: "unknown code language `foo`, shown as plain text".to_string(),
                help: Some("use `text` to show plain text without a warning".to_string()),
            }]
        );
        let typo = md("```pyhton\nx\n```\n");
        assert_eq!(
            typo.problems[0].help.as_deref(),
            Some("did you mean `python`?")
        );
    }

    #[test]
    fn code_language_is_escaped() {
        let r = md("```\"><script>\nx\n```\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let r = md(
            "## Summary\n\n- a list\n\n> a quote\n\n![logo](x.png)\n\nThe *webhook* `timed out`\nafter [an upgrade](https://x.y)[^1].\n\nSecond.\n\n[^1]: note\n",
        );
        assert_eq!(r.first_paragraph, "The webhook timed out after an upgrade.");
        assert_eq!(md("# Only a heading\n").first_paragraph, "");
        assert_eq!(md("").first_paragraph, "");
    }

    #[test]
    fn plain_text_collapses_whitespace() {
        let r = md(
            "# Title\n\nSome   *text*\nhere.\n\n| a | b |\n|---|---|\n| c | d |\n\n```sh\necho  hi\n```\n\n- [x] done\n",
        );
        assert_eq!(r.plain_text, "Title Some text here. a b c d echo hi done");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let quotes = format!("{}deep\n", "> ".repeat(10_000));
        let r = md(&quotes);
        assert!(r.plain_text.ends_with("deep"));
        let lists = format!("{}deep\n", "- ".repeat(5_000));
        let r = md(&lists);
        assert!(r.plain_text.ends_with("deep"));
        let nested: String = (0..2_000)
            .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
            .collect();
        let r = md(&nested);
        assert!(r.plain_text.ends_with("item 1999"));
        let emphasis = format!("{}x{}\n", "*".repeat(10_000), "*".repeat(10_000));
        md(&emphasis);
        let links = format!("{}x{}\n", "[".repeat(10_000), "](a.md)".repeat(10_000));
        md(&links);
    }

    #[test]
    fn large_bodies_render() {
        let section =
            "## Part\n\nSome text with a [link](a.md) and `code`.\n\n```yaml\nk: v\n```\n\n";
        let body = section.repeat(5 * 1024 * 1024 / section.len());
        let r = md(&body);
        assert_eq!(r.headings.len(), body.len() / section.len());
        assert_eq!(
            r.headings.last().map(|h| h.id.as_str()),
            Some(format!("part-{}", r.headings.len() - 1).as_str())
        );
    }

    /// Snapshots named without the crate's module path, so the files are the same
    /// whatever the crate is called.
    fn snapshot(name: &str, html: &str) {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(format!("markdown__{name}"), html));
    }

    #[test]
    fn snapshot_tables_footnotes_tasks() {
        snapshot(
            "tables_footnotes_tasks",
            &md(
                "| Time | Event |\n|:-----|------:|\n| 09:12 | Upgrade ~~starts~~ |\n\n\
             Detected by a probe[^probe].\n\n\
             - [x] Scope the webhook\n- [ ] Add an alert\n\n\
             [^probe]: A liveness probe.\n",
            )
            .html,
        );
    }

    #[test]
    fn snapshot_code_yaml() {
        snapshot("code_yaml", &md(
            "```yaml\n# webhook config\nnamespaceSelector:\n  matchLabels:\n    team: \"platform\"\ntimeoutSeconds: 5\n```\n"
        )
        .html);
    }

    #[test]
    fn snapshot_heading_ids() {
        snapshot("heading_ids", &md(
            "# Webhook timeouts\n\n## What happened\n\n## What happened\n\n## 根本原因\n\n## Timeline {#timeline}\n\n### `kube-apiserver` *was* slow\n"
        )
        .html);
    }
}

//! The quality warnings of SPEC §10: what a postmortem lacks to be useful later,
//! and wording that blames people. Each is a warning, switched off by its name
//! under `[lint]`, with a help line that says what to write instead.

use std::cell::RefCell;
use std::rc::Rc;

use aho_corasick::AhoCorasick;

use crate::config::Config;
use crate::diag::{Diagnostic, LineIndex, Location, Pos};

use super::incident::{ActionStatus, Incident};

/// Adds the quality warnings about `incident` to `problems`; `map_pos` is where its
/// front-matter starts.
pub(super) fn check(
    incident: &Incident,
    map_pos: Pos,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) {
    let lint = &config.lint;
    let mut warn = |pos: Pos, message: String, help: String| {
        problems
            .push(Diagnostic::warning(Location::at(&incident.path, pos), message).with_help(help));
    };
    let most_severe = config.severities.first().map(|s| s.key.as_str());
    let is_most_severe = most_severe == Some(incident.severity.as_str());
    if lint.actions && is_most_severe && incident.action_items.is_empty() {
        warn(
            map_pos,
            format!(
                "a `{}` incident with no action items",
                incident.severity.as_str()
            ),
            "add `action_items:` with what will make a repeat less likely, each with an owner; `[lint] actions = false` turns this warning off".into(),
        );
    }
    if lint.detection && is_most_severe && incident.detected.is_none() {
        warn(
            map_pos,
            format!(
                "a `{}` incident that does not say when it was detected",
                incident.severity.as_str()
            ),
            "add `detected:` with the time someone or something noticed, which gives the time to detect; `[lint] detection = false` turns this warning off".into(),
        );
    }
    if lint.owner {
        for item in &incident.action_items {
            if item.owner.is_none()
                && matches!(item.status, ActionStatus::Open | ActionStatus::InProgress)
            {
                warn(
                    item.pos,
                    format!("an {} action item with no owner", item.status.as_str()),
                    "add `owner:` with the team or person who will see it through; `[lint] owner = false` turns this warning off".into(),
                );
            }
        }
    }
    if lint.blame {
        let phrases = Phrases::of(&lint.blame_words);
        let mut blame = |pos: Pos, phrase: &str| {
            warn(
                pos,
                format!("blame wording: `{phrase}`"),
                "write what made the slip easy and its effect large, as `contributing_factors:` (a missing guard, a confusing tool, a default nobody chose), not who slipped; `[lint] blame = false` turns this warning off".into(),
            );
        };
        let written = incident
            .lessons
            .iter()
            .chain(&incident.contributing_factors);
        for lesson in written {
            for (_, phrase) in find_phrases(&lesson.text, &phrases) {
                blame(lesson.pos, &phrase);
            }
        }
        for (pos, phrase) in body_phrases(&incident.body, incident.body_line, &phrases) {
            blame(pos, &phrase);
        }
    }
}

/// The lowercase words of `text` (runs of letters and digits) with their byte ranges.
fn word_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                spans.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    spans
}

fn words(text: &str) -> Vec<String> {
    word_spans(text).into_iter().map(|(_, _, w)| w).collect()
}

/// The blame phrases of a config, as words, and an automaton that finds their
/// first words in one pass over a text, when every word is ASCII.
struct Phrases {
    words: Vec<Vec<String>>,
    /// Pattern `i` is the first word of `words[i]`; `None` when a word is not
    /// ASCII, or a phrase has no word.
    firsts: Option<AhoCorasick>,
}

impl Phrases {
    /// The phrases of `blame_words`, made once per thread and list: every file is
    /// checked against the same config.
    fn of(blame_words: &[String]) -> Rc<Phrases> {
        thread_local! {
            static MADE: RefCell<Option<(Vec<String>, Rc<Phrases>)>> = const { RefCell::new(None) };
        }
        MADE.with_borrow_mut(|made| match made {
            Some((list, phrases)) if list.as_slice() == blame_words => Rc::clone(phrases),
            _ => {
                let phrases = Rc::new(Phrases::new(blame_words));
                *made = Some((blame_words.to_vec(), Rc::clone(&phrases)));
                phrases
            }
        })
    }

    fn new(blame_words: &[String]) -> Phrases {
        let words: Vec<Vec<String>> = blame_words.iter().map(|w| words(w)).collect();
        let ascii = words
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(|w| w.is_ascii()));
        let firsts = ascii
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(words.iter().map(|p| &p[0]))
                    .ok()
            })
            .flatten();
        Phrases { words, firsts }
    }
}

/// Each occurrence of a phrase in `text` as a run of whole words, ignoring case: its
/// byte offset and the phrase as configured.
fn find_phrases(text: &str, phrases: &Phrases) -> Vec<(usize, String)> {
    if let Some(firsts) = &phrases.firsts
        && text.is_ascii()
    {
        return find_ascii_phrases(text, &phrases.words, firsts);
    }
    // Most text holds no phrase: a look for each of its words rules it out before
    // the text is split into words.
    let lower = text.to_lowercase();
    let maybe = |phrase: &Vec<String>| phrase.iter().all(|w| lower.contains(w.as_str()));
    if !phrases.words.iter().any(maybe) {
        return Vec::new();
    }
    find_word_phrases(text, &phrases.words)
}

/// [`find_phrases`] on any text: split into words, matched word by word.
fn find_word_phrases(text: &str, phrases: &[Vec<String>]) -> Vec<(usize, String)> {
    let spans = word_spans(text);
    let mut found = Vec::new();
    for (i, &(start, _, _)) in spans.iter().enumerate() {
        for phrase in phrases {
            let matches = !phrase.is_empty()
                && spans.len() - i >= phrase.len()
                && spans[i..i + phrase.len()]
                    .iter()
                    .zip(phrase)
                    .all(|(span, word)| span.2 == *word);
            if matches {
                found.push((start, phrase.join(" ")));
            }
        }
    }
    found
}

/// [`find_phrases`] on ASCII text with ASCII phrases: `firsts` finds every
/// phrase's first word in one pass, ignoring case; where one stands as a whole
/// word, the rest of its phrase is matched from there, with no word of the text
/// split out.
fn find_ascii_phrases(
    text: &str,
    phrases: &[Vec<String>],
    firsts: &AhoCorasick,
) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let is_word = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    // The end of `word` as a whole word at `at`, if it is one there.
    let word_at = |at: usize, word: &str| {
        let end = at + word.len();
        let here = bytes.get(at..end)?;
        (here.eq_ignore_ascii_case(word.as_bytes()) && !is_word(end)).then_some(end)
    };
    let mut found = Vec::new();
    for hit in firsts.find_overlapping_iter(text) {
        let (start, p) = (hit.start(), hit.pattern().as_usize());
        if start > 0 && is_word(start - 1) || is_word(hit.end()) {
            continue;
        }
        let mut end = Some(hit.end());
        for word in &phrases[p][1..] {
            end = end.and_then(|mut at| {
                while at < bytes.len() && !is_word(at) {
                    at += 1;
                }
                word_at(at, word)
            });
        }
        if end.is_some() {
            found.push((start, p));
        }
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(start, p)| (start, phrases[p].join(" ")))
        .collect()
}

/// The blame phrases in a Markdown body's prose, with their positions in the file.
/// Code blocks (as CommonMark reads them), inline code, HTML comments and tags,
/// and link destinations are left out (a skeleton's guidance lives in comments);
/// a phrase may run from one line to the next.
fn body_phrases(body: &str, body_line: usize, phrases: &Phrases) -> Vec<(Pos, String)> {
    let code = crate::markdown::code_block_lines(body);
    let mut in_comment = false;
    let prose: Vec<String> = (body.lines().enumerate())
        .map(|(n, line)| {
            if code.iter().any(|&(first, last)| first <= n && n <= last) {
                String::new()
            } else {
                prose_of(line, &mut in_comment)
            }
        })
        .collect();
    let prose = prose.join("\n");
    let index = LineIndex::new(&prose);
    find_phrases(&prose, phrases)
        .into_iter()
        .map(|(offset, phrase)| {
            let pos = index.pos(&prose, offset);
            (Pos::new(body_line + pos.line - 1, pos.column), phrase)
        })
        .collect()
}

/// A line with its inline code, HTML comments and tags and link destinations
/// blanked, character for character, so that columns stay where they were;
/// `in_comment` carries an open comment to the next line.
fn prose_of(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if *in_comment {
            match rest.find("-->") {
                Some(end) => {
                    blank(&mut out, &rest[..end + 3]);
                    rest = &rest[end + 3..];
                    *in_comment = false;
                }
                None => {
                    blank(&mut out, rest);
                    rest = "";
                }
            }
            continue;
        }
        let Some(start) = rest.find(['`', '<', ']']) else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let skip = if rest.starts_with("<!--") {
            *in_comment = true;
            0
        } else if rest.starts_with('`') {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            rest[ticks..]
                .find(&"`".repeat(ticks))
                .map_or(ticks, |end| end + 2 * ticks)
        } else if rest.starts_with("](") {
            // A link's destination: `[text](dest)`; the text was read already.
            rest.find(')').map_or(1, |end| end + 1)
        } else if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            // A tag or an autolink.
            rest.find('>').map_or(1, |end| end + 1)
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
            continue;
        };
        if skip > 0 {
            blank(&mut out, &rest[..skip]);
            rest = &rest[skip..];
        }
    }
    out
}

/// As many spaces as `text` has characters.
fn blank(out: &mut String, text: &str) {
    out.extend(std::iter::repeat_n(' ', text.chars().count()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases() -> Phrases {
        Phrases::new(&["human error".into(), "should have".into()])
    }

    fn found(body: &str) -> Vec<(usize, usize, String)> {
        body_phrases(body, 10, &phrases())
            .into_iter()
            .map(|(pos, p)| (pos.line, pos.column, p))
            .collect()
    }

    #[test]
    fn prose_is_read_and_code_and_comments_are_not() {
        let body = "It was Human\u{a0}Error? No: human error.\n\n```\nhuman error\n```\n    human error in indented code\n`should have` but we should have <!-- should have\nhuman error --> should have\n";
        assert_eq!(
            found(body),
            [
                // A no-break space separates words like any other non-letter.
                (10, 8, "human error".to_string()),
                (10, 25, "human error".to_string()),
                (16, 22, "should have".to_string()),
                (17, 17, "should have".to_string()),
            ]
        );
    }

    #[test]
    fn a_phrase_may_wrap_and_links_and_lists_are_read_as_commonmark_does() {
        let body = "It was human\nerror, said the [template](https://wiki/the-root-cause-template).\n\n- item\n\n    continued: we should have known\n\n```\n```bash\nhuman error\n```\n";
        assert_eq!(
            found(body),
            [
                (10, 8, "human error".to_string()),
                (15, 19, "should have".to_string())
            ]
        );
    }

    #[test]
    fn ascii_text_finds_what_splitting_into_words_finds() {
        let list = [
            "human error",
            "should have",
            "root cause",
            "a",
            "should not have",
        ];
        let phrases = Phrases::new(&list.map(String::from));
        let (words, firsts) = (&phrases.words, phrases.firsts.as_ref().unwrap());
        let texts = [
            "Human error, human  error; humanerror and human-error. Should\nhave, should haves",
            "a root cause... the ROOT   cause: rootcause, a a a, (a) xa ax",
            "should have should have; we SHOULD NOT HAVE; should not, have",
            "",
            "nothing here at all",
        ];
        for text in texts {
            assert_eq!(
                find_ascii_phrases(text, words, firsts),
                find_word_phrases(text, words),
                "{text:?}"
            );
        }
        // A word that is not ASCII, in the text or a phrase, goes word by word.
        assert!(phrases.words.iter().all(|p| p.iter().all(|w| w.is_ascii())));
        assert!(Phrases::new(&["naïve fix".into()]).firsts.is_none());
        assert_eq!(
            find_phrases("Naïve: human error", &phrases),
            [(8, "human error".to_string())]
        );
        assert_eq!(
            find_ascii_phrases("root cause, and should\thave", words, firsts),
            [
                (0, "root cause".to_string()),
                (16, "should have".to_string())
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(
            found("Ünïcödé: should have"),
            [(10, 10, "should have".to_string())]
        );
    }
}

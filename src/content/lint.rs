//! The quality warnings of SPEC §10: what a postmortem lacks to be useful later,
//! and wording that blames people. Each is a warning, switched off by its name
//! under `[lint]`, with a help line that says what to write instead.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

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
        let phrases: Vec<Vec<String>> = lint.blame_words.iter().map(|w| words(w)).collect();
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

/// Each occurrence of a phrase in `text` as a run of whole words, ignoring case: its
/// byte offset and the phrase as configured.
fn find_phrases(text: &str, phrases: &[Vec<String>]) -> Vec<(usize, String)> {
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

/// The blame phrases in a Markdown body's prose (not its code, nor its HTML), with
/// their positions in the file.
fn body_phrases(body: &str, body_line: usize, phrases: &[Vec<String>]) -> Vec<(Pos, String)> {
    let index = LineIndex::new(body);
    let mut found = Vec::new();
    let mut in_code = 0usize;
    for (event, range) in
        Parser::new_ext(body, crate::markdown::parser_options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(text) if in_code == 0 => {
                // The source of a text event is its text unless it holds escapes or
                // entities; then the phrase is placed at the event's start.
                let source = &body[range.clone()];
                for (offset, phrase) in find_phrases(&text, phrases) {
                    let at = if source == &*text {
                        range.start + offset
                    } else {
                        range.start
                    };
                    let pos = index.pos(body, at);
                    found.push((Pos::new(body_line + pos.line - 1, pos.column), phrase));
                }
            }
            _ => {}
        }
    }
    found
}

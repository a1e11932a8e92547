//! Internal sections (SPEC §11): the lines of a body between a line
//! `<!-- internal -->` and a line `<!-- /internal -->`. Public builds leave them
//! out; internal builds show them, marked. Marker lines inside fenced code blocks
//! are code, not markers, so a postmortem can show the syntax.

/// The line that opens an internal section.
pub const OPEN: &str = "<!-- internal -->";
/// The line that closes it.
pub const CLOSE: &str = "<!-- /internal -->";

/// One internal section: the 0-based lines of its two markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The line `<!-- internal -->`.
    pub open: usize,
    /// The line `<!-- /internal -->`.
    pub close: usize,
}

/// A marker without its partner, or not on a line of its own: its 0-based line,
/// its column and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerProblem {
    /// The marker's line in the body, from 0.
    pub line: usize,
    /// Its column, from 1.
    pub column: usize,
    /// The problem.
    pub message: &'static str,
    /// What to do.
    pub help: &'static str,
}

/// The internal sections of `body`, and every marker that has no partner or is
/// not on a line of its own. Lines inside code blocks, as CommonMark reads them,
/// are code.
pub fn sections(body: &str) -> (Vec<Section>, Vec<MarkerProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mentions = |word: &[u8]| {
        body.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    // Every marker, and every comment spelt like one, is an HTML comment.
    if !body.contains("<!--") || !mentions(b"internal") {
        return (found, problems);
    }
    let code = crate::markdown::code_block_lines(body);
    let in_code = |n: usize| code.iter().any(|&(first, last)| first <= n && n <= last);
    let mut open: Option<(usize, usize)> = None;
    for (n, line) in body.lines().enumerate() {
        if in_code(n) {
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let column = line[..indent].chars().count() + 1;
        match trimmed.trim_end() {
            OPEN => match open {
                Some(_) => problems.push(MarkerProblem {
                    line: n,
                    column,
                    message: "`<!-- internal -->` inside an internal section that is still open",
                    help: "close the first section with a line `<!-- /internal -->` before opening another",
                }),
                None => open = Some((n, column)),
            },
            CLOSE => match open.take() {
                Some((start, _)) => found.push(Section {
                    open: start,
                    close: n,
                }),
                None => problems.push(MarkerProblem {
                    line: n,
                    column,
                    message: "`<!-- /internal -->` closes no internal section",
                    help: "open the section with a line `<!-- internal -->` above it, or remove this line",
                }),
            },
            text => {
                // Anywhere else (after `>`, beside other text, or spelt otherwise)
                // the marker would be read as a comment, and the section published.
                let prose = without_code_spans(text);
                if let Some(at) = prose.find(OPEN).or_else(|| prose.find(CLOSE)) {
                    problems.push(MarkerProblem {
                        line: n,
                        column: line[..indent + at].chars().count() + 1,
                        message: "an internal-section marker must be a line of its own",
                        help: "put `<!-- internal -->` and `<!-- /internal -->` each on a line with nothing else, outside block quotes",
                    });
                } else if looks_like_marker(&prose) {
                    problems.push(MarkerProblem {
                        line: n,
                        column,
                        message: "this comment looks like an internal-section marker but is not one",
                        help: "write the markers exactly `<!-- internal -->` and `<!-- /internal -->`, in lower case with one space inside each end",
                    });
                }
            }
        }
    }
    if let Some((line, column)) = open {
        problems.push(MarkerProblem {
            line,
            column,
            message: "this internal section is never closed",
            help: "end it with a line `<!-- /internal -->`; until then a public build would leave out the rest of the body",
        });
    }
    (found, problems)
}

/// A comment line such as `<!--internal-->`, `<!-- Internal -->` or
/// `<!-- internal: customers -->`: meant as a marker, but not one.
fn looks_like_marker(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let Some(inner) = lower
        .strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
    else {
        return false;
    };
    let inner = inner.trim().trim_start_matches('/').trim_start();
    inner
        .strip_prefix("internal")
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
}

/// `body` without its internal sections: each of their lines, markers included,
/// becomes empty, so that every other line keeps its number.
pub fn strip(body: &str) -> String {
    let (found, _) = sections(body);
    if found.is_empty() {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut next = found.iter().peekable();
    let mut inside = false;
    for (n, line) in body.split_inclusive('\n').enumerate() {
        if !inside && next.peek().is_some_and(|s| s.open == n) {
            inside = true;
        }
        if inside {
            if line.ends_with('\n') {
                out.push('\n');
            }
            if next.peek().is_some_and(|s| s.close == n) {
                inside = false;
                next.next();
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `text` with its inline code spans blanked byte for byte, so that a marker
/// quoted in code is not taken for one and offsets stay where they were.
fn without_code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let span = rest[ticks..]
            .find(&"`".repeat(ticks))
            .map_or(ticks, |end| end + 2 * ticks);
        out.extend(std::iter::repeat_n(' ', span));
        rest = &rest[span..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_found_and_stripped_keeping_line_numbers() {
        let body = "a\n<!-- internal -->\nsecret\n<!-- /internal -->\nb\n  <!-- internal -->\nx\n<!-- /internal -->  \nc";
        let (found, problems) = sections(body);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            found,
            [Section { open: 1, close: 3 }, Section { open: 5, close: 7 }]
        );
        assert_eq!(strip(body), "a\n\n\n\nb\n\n\n\nc");
    }

    #[test]
    fn a_marker_beside_other_text_is_an_error() {
        let (found, problems) =
            sections("> <!-- internal -->\n> quoted\n> <!-- /internal -->\nx <!-- internal -->\n");
        // Quoted in inline code, a marker is only text.
        assert_eq!(
            sections("write `<!-- internal -->` on a line, or ``<!-- /internal -->``\n"),
            (Vec::new(), Vec::new())
        );
        assert!(found.is_empty());
        let got: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(got, [(0, 3), (2, 3), (3, 3)]);
        assert!(
            problems
                .iter()
                .all(|p| p.message == "an internal-section marker must be a line of its own")
        );
    }

    #[test]
    fn code_ends_where_commonmark_ends_it() {
        // A fence left open in a list item ends with the item; a line that starts
        // with inline code opens no fence.
        let body = "1. Run:\n   ```\n   kubectl drain node-1\n2. Then wait.\n\n<!-- internal -->\nAcme\n<!-- /internal -->\n```x``` is inline code\n<!-- internal -->\nB\n<!-- /internal -->\n";
        let (found, problems) = sections(body);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            found,
            [
                Section { open: 5, close: 7 },
                Section { open: 9, close: 11 }
            ]
        );
    }

    #[test]
    fn a_near_miss_of_a_marker_is_an_error() {
        for line in [
            "<!--internal-->",
            "<!-- Internal -->",
            "<!-- internal: customers -->",
            "<!-- / internal -->",
        ] {
            let (_, problems) = sections(&format!("a\n{line}\n"));
            assert_eq!(
                problems.iter().map(|p| p.message).collect::<Vec<_>>(),
                ["this comment looks like an internal-section marker but is not one"],
                "{line}"
            );
        }
        assert_eq!(sections("<!-- internals of the cache -->\n").1, Vec::new());
    }

    #[test]
    fn markers_in_code_are_code() {
        let body = "```md\n<!-- internal -->\n```\n~~~~\n<!-- /internal -->\n~~~\n~~~~\n\n    <!-- internal -->\n";
        assert_eq!(sections(body), (Vec::new(), Vec::new()));
        assert_eq!(strip(body), body);
    }

    #[test]
    fn unbalanced_markers_are_located() {
        let (_, problems) =
            sections("<!-- /internal -->\nok\n  <!-- internal -->\n<!-- internal -->\n");
        let got: Vec<(usize, usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column, p.message))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1, "`<!-- /internal -->` closes no internal section"),
                (
                    3,
                    1,
                    "`<!-- internal -->` inside an internal section that is still open"
                ),
                (2, 3, "this internal section is never closed"),
            ]
        );
    }
}

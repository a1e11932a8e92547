//! Mermaid diagrams drawn at build time into inline SVG, so that a page needs no
//! script and no network to show them (SPEC §8). A diagram that cannot be drawn
//! comes back as an error with the line it failed on, for the caller to warn
//! about and show as code.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a diagram could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The line of the diagram's source (1-based) the problem was found on.
    pub line: Option<usize>,
    /// What is wrong, lowercase, without a trailing period.
    pub reason: String,
    /// The diagram type nearest to an unknown one.
    pub nearest_kind: Option<&'static str>,
}

/// The diagram types Mermaid knows, for a mistyped one's suggestion.
const KINDS: &[&str] = &[
    "flowchart",
    "graph",
    "sequenceDiagram",
    "stateDiagram-v2",
    "stateDiagram",
    "gantt",
    "timeline",
    "classDiagram",
    "erDiagram",
    "pie",
    "journey",
    "mindmap",
    "gitGraph",
    "quadrantChart",
    "xychart-beta",
    "sankey-beta",
    "requirementDiagram",
    "C4Context",
    "block-beta",
    "packet-beta",
    "kanban",
    "architecture-beta",
];

/// Draws the diagram `source` as an SVG element. Every `id` in it starts with
/// `id_prefix`, so that two diagrams of one page never share one.
pub fn draw(source: &str, id_prefix: &str) -> Result<String, Failure> {
    let drawn = catch_unwind(AssertUnwindSafe(|| mermaid_svg::render(source)));
    match drawn {
        Ok(Ok(svg)) => Ok(prefix_ids(&svg, id_prefix)),
        Ok(Err(mermaid_svg::RenderError::Parse(error))) => Err(match error {
            mermaid_svg::ParseError::Syntax { message, line, .. } => Failure {
                line: Some(line),
                reason: message.trim_end_matches('.').to_string(),
                nearest_kind: None,
            },
            mermaid_svg::ParseError::UnknownDiagramType(kind) => Failure {
                line: Some(1),
                reason: format!("`{}` is not a diagram type", kind.trim()),
                nearest_kind: crate::diag::nearest(kind.trim(), KINDS.iter().copied()),
            },
            mermaid_svg::ParseError::Empty => Failure {
                line: None,
                reason: "the diagram is empty".to_string(),
                nearest_kind: None,
            },
            other => Failure {
                line: None,
                reason: other.to_string(),
                nearest_kind: None,
            },
        }),
        Ok(Err(other)) => Err(Failure {
            line: None,
            reason: other.to_string(),
            nearest_kind: None,
        }),
        Err(_) => Err(Failure {
            line: None,
            reason: "the diagram renderer failed on it".to_string(),
            nearest_kind: None,
        }),
    }
}

/// `svg` with every `id="x"` renamed `id="{prefix}-x"`, and the references to it
/// (`url(#x)`, `href="#x"`) with it.
fn prefix_ids(svg: &str, prefix: &str) -> String {
    let mut ids = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find(" id=\"") {
        let value = &rest[at + 5..];
        let Some(end) = value.find('"') else { break };
        ids.push(value[..end].to_string());
        rest = &value[end..];
    }
    if ids.is_empty() {
        return svg.to_string();
    }
    let mut out = svg.to_string();
    for id in ids {
        let renamed = format!("{prefix}-{id}");
        for (from, to) in [
            (format!(" id=\"{id}\""), format!(" id=\"{renamed}\"")),
            (format!("url(#{id})"), format!("url(#{renamed})")),
            (format!("href=\"#{id}\""), format!("href=\"#{renamed}\"")),
        ] {
            out = out.replace(&from, &to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_kinds_are_drawn() {
        let sources = [
            "flowchart LR\n  A[client] -->|timeout 5s| B[CoreDNS]\n  B --> C[(etcd)]\n",
            "sequenceDiagram\n  client->>CoreDNS: A? api\n  CoreDNS-->>client: SERVFAIL\n",
            "stateDiagram-v2\n  [*] --> Ready\n  Ready --> NotReady: heartbeat missed\n",
            "gantt\n  dateFormat HH:mm\n  axisFormat %H:%M\n  section Detect\n  Alert: a, 14:02, 5m\n",
            "timeline\n  title Outage\n  14h02 : alert fires\n  14h20 : CoreDNS scaled\n",
        ];
        for source in sources {
            let svg = draw(source, "mermaid-1").unwrap_or_else(|e| panic!("{source}: {e:?}"));
            assert!(svg.starts_with("<svg"), "{svg}");
            assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
            for bad in ["foreignObject", "<script", "http://", "https://"] {
                let without_namespace = svg.replace("http://www.w3.org/", "");
                assert!(!without_namespace.contains(bad), "{source}: {bad} in {svg}");
            }
            let mut rest = svg.as_str();
            while let Some(at) = rest.find(" id=\"") {
                assert!(rest[at + 5..].starts_with("mermaid-1-"), "{source}: {svg}");
                rest = &rest[at + 5..];
            }
        }
    }

    #[test]
    fn ids_and_their_references_are_renamed_together() {
        let svg = r##"<svg><marker id="arrow"/><path marker-end="url(#arrow)"/><use href="#arrow"/></svg>"##;
        assert_eq!(
            prefix_ids(svg, "d2"),
            r##"<svg><marker id="d2-arrow"/><path marker-end="url(#d2-arrow)"/><use href="#d2-arrow"/></svg>"##
        );
    }

    #[test]
    fn a_mistyped_kind_gets_the_nearest() {
        let failure = draw("flowchrt LR\n  a --> b\n", "d").unwrap_err();
        assert_eq!(failure.nearest_kind, Some("flowchart"));
    }

    #[test]
    fn a_broken_diagram_says_where_and_why() {
        let failure = draw("flowchart LR\n  A -->\n", "d").unwrap_err();
        assert_eq!(failure.line, Some(2), "{failure:?}");
        assert!(!failure.reason.is_empty(), "{failure:?}");
        assert_eq!(
            draw("qwerty\n  A --> B\n", "d").unwrap_err(),
            Failure {
                line: Some(1),
                reason: "`qwerty` is not a diagram type".to_string(),
                nearest_kind: None,
            }
        );
    }
}

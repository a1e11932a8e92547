//! Front-matter: splitting a file into its front-matter block and body, and
//! parsing YAML (`---`) or TOML (`+++`) into one positioned tree, `Node`.
//!
//! Every node carries its line and column in the whole file (the opening fence
//! is line 1), so later checks can point at the offending value.

use std::borrow::Cow;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::diag::{LineIndex, Pos};

/// Which syntax the front-matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// A file cut into its front-matter and its body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// YAML or TOML.
    pub format: Format,
    /// The text between the fences.
    pub front_matter: &'a str,
    /// Byte offset of `front_matter` in the file text.
    pub front_matter_offset: usize,
    /// The line of the file where `front_matter` starts (2 when the fence is line 1).
    pub front_matter_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file text.
    pub body_offset: usize,
}

/// A problem found while splitting or parsing, at a position of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where.
    pub pos: Pos,
    /// What.
    pub message: String,
}

/// Cuts `text` (already stripped of a byte-order mark) into front-matter and body.
/// Returns `Ok(None)` when the file has no front-matter at all.
pub fn split(text: &str) -> Result<Option<Split<'_>>, ParseError> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_end].trim_end();
    let (format, fence) = match first {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => return Ok(None),
    };
    let mut offset = first_end;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..end].trim_end();
        if line == fence || (format == Format::Yaml && line == "...") {
            return Ok(Some(Split {
                format,
                front_matter: &text[first_end..offset],
                front_matter_offset: first_end,
                front_matter_line: 2,
                body: &text[end..],
                body_offset: end,
            }));
        }
        offset = end;
    }
    Err(ParseError {
        pos: Pos::new(1, 1),
        message: format!("front-matter opened with `{fence}` on line 1 is never closed"),
    })
}

/// A value of the front-matter with its position in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

/// The kinds of front-matter values, common to YAML and TOML.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// YAML `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    String(String),
    /// A TOML date, time or datetime, in its TOML spelling.
    Datetime(String),
    /// A list.
    List(Vec<Node>),
    /// A map, keys in file order with their positions.
    Map(Vec<(Key, Node)>),
}

/// A map key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// Where the key is written.
    pub pos: Pos,
    /// The key.
    pub name: String,
}

impl Value {
    /// The word used in "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Datetime(_) => "a date",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
        }
    }
}

/// Parses the front-matter of `split` (cut from `text`) into a tree.
pub fn parse(text: &str, split: &Split<'_>) -> Result<Node, ParseError> {
    match split.format {
        Format::Yaml => parse_yaml(split),
        Format::Toml => parse_toml(text, split),
    }
}

fn yaml_pos(split: &Split<'_>, marker: &saphyr::Marker) -> Pos {
    Pos::new(
        marker.line() + split.front_matter_line - 1,
        marker.col() + 1,
    )
}

/// How deeply lists and maps may nest in front-matter. Real front-matter needs a
/// handful of levels; the limit keeps the recursive loader within its stack.
pub const MAX_DEPTH: usize = 64;

/// Streams the YAML events once, without building a tree, to refuse nesting deeper
/// than `MAX_DEPTH` before the (recursive) loader sees it.
fn check_yaml_depth(split: &Split<'_>) -> Result<(), ParseError> {
    use saphyr_parser::{Event, Parser};
    let mut depth = 0usize;
    let mut parser = Parser::new_from_str(split.front_matter);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), span)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ParseError {
                        pos: yaml_pos(split, &span.start),
                        message: format!(
                            "front-matter nests lists and maps more than {MAX_DEPTH} levels deep"
                        ),
                    });
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Event::StreamEnd, _)) => break,
            Ok(_) => {}
            // The loader reports syntax errors with the same position.
            Err(_) => break,
        }
    }
    Ok(())
}

fn parse_yaml(split: &Split<'_>) -> Result<Node, ParseError> {
    check_yaml_depth(split)?;
    let docs = MarkedYaml::load_from_str(split.front_matter).map_err(|e| {
        let pos = yaml_pos(split, e.marker());
        let message = if e.info().contains("duplicated key") {
            duplicate_key_message(split, e.marker().line())
        } else {
            None
        };
        ParseError {
            pos,
            message: message.unwrap_or_else(|| format!("invalid YAML: {}", e.info())),
        }
    })?;
    match docs.into_iter().next() {
        Some(doc) => convert_yaml(split, &doc),
        None => Ok(Node {
            pos: Pos::new(split.front_matter_line, 1),
            value: Value::Null,
        }),
    }
}

/// Names the key a "duplicated key" error is about and where it was first written,
/// from the text: the key on the error's line, and the first earlier line with the
/// same key at the same indentation.
fn duplicate_key_message(split: &Split<'_>, line: usize) -> Option<String> {
    let lines: Vec<&str> = split.front_matter.lines().collect();
    let key_of = |text: &str| -> Option<(usize, String)> {
        let mut indent = text.len() - text.trim_start().len();
        let mut rest = text.trim_start();
        // `- key:` starts a map in a list: its keys line up after the dash.
        while let Some(after) = rest.strip_prefix("- ") {
            indent += 2 + after.len() - after.trim_start().len();
            rest = after.trim_start();
        }
        let (key, _) = rest.split_once(':')?;
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        (!key.is_empty()).then(|| (indent, key.to_string()))
    };
    let (indent, key) = key_of(lines.get(line.checked_sub(1)?)?)?;
    let first = lines[..line - 1]
        .iter()
        .position(|l| key_of(l) == Some((indent, key.clone())))?;
    Some(format!(
        "`{key}` is written twice (first on line {})",
        first + split.front_matter_line
    ))
}

/// Converts a saphyr tree without recursion limits of its own: YAML nesting is
/// bounded by the parser, and front-matter is small.
fn convert_yaml(split: &Split<'_>, node: &MarkedYaml<'_>) -> Result<Node, ParseError> {
    let pos = yaml_pos(split, &node.span.start);
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::List(
            items
                .iter()
                .map(|item| convert_yaml(split, item))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map {
                let key_pos = yaml_pos(split, &key.span.start);
                let name = match &key.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(Scalar::Integer(i)) => i.to_string(),
                    YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
                    YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
                    YamlData::Value(Scalar::Null) => "null".to_string(),
                    _ => {
                        return Err(ParseError {
                            pos: key_pos,
                            message: "a front-matter key must be a plain string".into(),
                        });
                    }
                };
                entries.push((Key { pos: key_pos, name }, convert_yaml(split, value)?));
            }
            Value::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert_yaml(split, inner),
        YamlData::Alias(_) => {
            return Err(ParseError {
                pos,
                message: "YAML aliases (`*name`) are not supported in front-matter".into(),
            });
        }
        YamlData::BadValue => {
            return Err(ParseError {
                pos,
                message: "invalid YAML value".into(),
            });
        }
    };
    Ok(Node { pos, value })
}

fn scalar_value(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::String(Cow::to_string(s)),
    }
}

fn parse_toml(text: &str, split: &Split<'_>) -> Result<Node, ParseError> {
    let index = LineIndex::new(text);
    let at = |offset: usize| index.pos(text, split.front_matter_offset + offset);
    let table = toml::de::DeTable::parse(split.front_matter).map_err(|e| ParseError {
        pos: at(e.span().map_or(0, |s| s.start)),
        message: format!("invalid TOML: {}", e.message().trim()),
    })?;
    let span = table.span();
    Ok(Node {
        pos: at(span.start),
        value: convert_table(&at, table.get_ref()),
    })
}

fn convert_table(at: &dyn Fn(usize) -> Pos, table: &toml::de::DeTable<'_>) -> Value {
    Value::Map(
        table
            .iter()
            .map(|(key, value)| {
                (
                    Key {
                        pos: at(key.span().start),
                        name: key.get_ref().to_string(),
                    },
                    Node {
                        pos: at(value.span().start),
                        value: convert_toml(at, value.get_ref()),
                    },
                )
            })
            .collect(),
    )
}

fn convert_toml(at: &dyn Fn(usize) -> Pos, value: &toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map_or_else(|_| Value::String(i.as_str().to_string()), Value::Int),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse()
            .map_or_else(|_| Value::String(f.as_str().to_string()), Value::Float),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::List(
            items
                .iter()
                .map(|item| Node {
                    pos: at(item.span().start),
                    value: convert_toml(at, item.get_ref()),
                })
                .collect(),
        ),
        DeValue::Table(table) => convert_table(at, table),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Node {
        let split = split(text).unwrap().unwrap();
        parse(text, &split).unwrap()
    }

    fn entry<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.value {
            Value::Map(entries) => &entries.iter().find(|(k, _)| k.name == key).unwrap().1,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn split_finds_fences_and_offsets() {
        let text = "---\ntitle: x\n---\nbody\n";
        let s = split(text).unwrap().unwrap();
        assert_eq!(s.front_matter, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(&text[s.body_offset..], "body\n");
        assert!(split("no front matter").unwrap().is_none());
        assert_eq!(split("---\ntitle: x\n").unwrap_err().pos, Pos::new(1, 1));
    }

    #[test]
    fn crlf_fences_are_accepted() {
        let text = "---\r\ntitle: x\r\n---\r\nbody\r\n";
        let node = parse_text(text);
        assert_eq!(entry(&node, "title").value, Value::String("x".into()));
    }

    #[test]
    fn yaml_positions_are_file_absolute() {
        let text = "---\ntitle: Hello\nseverity: sev5\ntags: [a, b]\n---\n";
        let node = parse_text(text);
        assert_eq!(entry(&node, "severity").pos, Pos::new(3, 11));
        match &entry(&node, "tags").value {
            Value::List(items) => assert_eq!(items[1].pos, Pos::new(4, 11)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn yaml_follows_1_2_rules() {
        let node = parse_text("---\nat: 10:00\nd: 2023-02-07\nb: yes\nn: 12\n---\n");
        assert_eq!(entry(&node, "at").value, Value::String("10:00".into()));
        assert_eq!(entry(&node, "d").value, Value::String("2023-02-07".into()));
        assert_eq!(entry(&node, "b").value, Value::String("yes".into()));
        assert_eq!(entry(&node, "n").value, Value::Int(12));
    }

    #[test]
    fn yaml_errors_carry_positions() {
        let text = "---\ntitle: x\nbad: [unclosed\n---\n";
        let split = split(text).unwrap().unwrap();
        let err = parse(text, &split).unwrap_err();
        assert!(err.pos.line >= 3, "{err:?}");
        assert!(err.message.starts_with("invalid YAML"));
    }

    #[test]
    fn toml_front_matter_with_native_dates() {
        let text =
            "+++\ntitle = \"T\"\ndate = 2023-02-07\nstarted = 2023-02-07T09:12:00Z\n+++\nbody";
        let node = parse_text(text);
        assert_eq!(
            entry(&node, "date").value,
            Value::Datetime("2023-02-07".into())
        );
        assert_eq!(entry(&node, "date").pos, Pos::new(3, 8));
        assert_eq!(
            entry(&node, "started").value,
            Value::Datetime("2023-02-07T09:12:00Z".into())
        );
    }

    #[test]
    fn deep_yaml_nesting_is_an_error_not_a_stack_overflow() {
        let mut text = String::from("---\ntitle: x\nextra:\n");
        for level in 1..=5000 {
            text.push_str(&" ".repeat(level * 2));
            text.push_str("a:\n");
        }
        text.push_str("---\n");
        let split = split(&text).unwrap().unwrap();
        let err = parse(&text, &split).unwrap_err();
        assert!(err.message.contains("levels deep"), "{err:?}");
        assert_eq!(err.pos.line, 4 + MAX_DEPTH - 1);
        let ok = "---\na:\n  b:\n    - [1, {c: d}]\n---\n";
        assert!(parse(ok, &super::split(ok).unwrap().unwrap()).is_ok());
    }

    #[test]
    fn a_duplicate_key_names_its_first_line() {
        let text = "---\ntitle: x\nlessons:\n  - text: a\n    themes: [b]\ntitle: y\n---\n";
        let split = split(text).unwrap().unwrap();
        let err = parse(text, &split).unwrap_err();
        assert_eq!(err.pos, Pos::new(6, 1));
        assert_eq!(err.message, "`title` is written twice (first on line 2)");
        let text = "---\nlessons:\n  - text: a\n    text: b\n---\n";
        let split = super::split(text).unwrap().unwrap();
        let err = parse(text, &split).unwrap_err();
        assert_eq!(err.message, "`text` is written twice (first on line 3)");
    }

    #[test]
    fn toml_errors_carry_positions() {
        let text = "+++\ntitle = \"T\"\ndate = \n+++\n";
        let split = split(text).unwrap().unwrap();
        let err = parse(text, &split).unwrap_err();
        assert_eq!(err.pos.line, 3);
    }
}

//! A serde `Deserializer` over the positioned front-matter tree (`Node`), so that
//! raw front-matter types can derive `Deserialize` and still report every problem
//! where it is written: a value of the wrong type is an error at the value, and a
//! key the struct does not know is a warning at the key naming the nearest known one.
//! It knows nothing of incidents: what a valid value means is the caller's to check.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::diag::{Diagnostic, Location, Pos, nearest};

use super::fields::{FIELD, SPANNED, SPANNED_FIELDS, TEXT_LIST};
pub(crate) use super::fields::{Field, Spanned, TextList, Written};
use super::front_matter::{Key, Node, Value};

/// Deserialises `T` from `node`, a map of `path`'s front-matter. Every value of the
/// wrong type becomes an error and every unknown key a warning, all pushed to
/// `problems`; a wrong value then reads as absent (`None`, an empty list, a list
/// without that entry), so that one bad value does not hide the others. `None` only
/// when `node` itself has the wrong type.
pub(crate) fn from_node<T: DeserializeOwned>(
    node: &Node,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    read(node, Context::Root, path, problems)
}

/// [`from_node`] for the value of `key` in the map `node`, read on its own (the
/// timeline, which needs the incident's date). `None` when the key is not written.
pub(crate) fn from_field<T: DeserializeOwned>(
    node: &Node,
    key: &str,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let (key, value) = entries.iter().find(|(k, _)| k.name == key)?;
    read(value, Context::Field(&key.name), path, problems)
}

fn read<T: DeserializeOwned>(
    node: &Node,
    context: Context<'_>,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    // serde stops at the first error, so each wrong value found is set aside and
    // the tree read again; front-matter is small and the wrong values few.
    let mut skipped = HashSet::new();
    loop {
        let run = Run {
            path,
            skipped: &skipped,
            warnings: RefCell::default(),
        };
        let result = T::deserialize(NodeDeserializer::new(node, context, &run));
        let warnings = run.warnings.into_inner();
        match result {
            Ok(value) => {
                problems.extend(warnings);
                return Some(value);
            }
            // A value set aside that still fails is one nothing can stand in for
            // (the front-matter itself): it is reported once, and gives nothing.
            Err(error) => match error.node {
                Some(id) if skipped.insert(id) => {
                    problems.push(error.into_diagnostic(path, node.pos));
                }
                Some(_) => {
                    problems.extend(warnings);
                    return None;
                }
                None => {
                    problems.extend(warnings);
                    problems.push(error.into_diagnostic(path, node.pos));
                    return None;
                }
            },
        }
    }
}

/// The keys a derived struct reads, in declaration order, from the field list
/// serde hands its deserializer.
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe;

    #[derive(Debug)]
    struct Fields(&'static [&'static str]);

    impl fmt::Display for Fields {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("not a struct")
        }
    }

    impl std::error::Error for Fields {}

    impl de::Error for Fields {
        fn custom<M: fmt::Display>(_: M) -> Fields {
            Fields(&[])
        }
    }

    impl<'de> de::Deserializer<'de> for Probe {
        type Error = Fields;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
            Err(Fields(&[]))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Fields> {
            Err(Fields(fields))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    match T::deserialize(Probe) {
        Ok(_) => &[],
        Err(Fields(fields)) => fields,
    }
}

/// State shared by one reading of the tree.
struct Run<'s> {
    path: &'s str,
    /// Nodes found to be of the wrong type in an earlier reading.
    skipped: &'s HashSet<usize>,
    /// Unknown keys found in this reading.
    warnings: RefCell<Vec<Diagnostic>>,
}

/// A node's identity for `Run::skipped`: positions can repeat (a map and its
/// first key), addresses in the borrowed tree do not.
fn node_id(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}

/// How a value is reached, for the wording of its type errors.
#[derive(Debug, Clone, Copy)]
enum Context<'a> {
    /// The front-matter itself.
    Root,
    /// The value of a key.
    Field(&'a str),
    /// An entry of the list under a key.
    Entry(&'a str),
}

/// A value of the wrong type, or a problem a visitor raised.
#[derive(Debug)]
pub(crate) struct Error {
    node: Option<usize>,
    pos: Option<Pos>,
    message: String,
    help: Option<String>,
}

impl Error {
    fn into_diagnostic(self, path: &str, fallback: Pos) -> Diagnostic {
        Diagnostic::error(
            Location::at(path, self.pos.unwrap_or(fallback)),
            self.message,
        )
        .with_help_opt(self.help)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: fmt::Display>(message: M) -> Error {
        Error {
            node: None,
            pos: None,
            message: message.to_string(),
            help: None,
        }
    }
}

/// A visitor's `expecting` text, which raw structs set with `#[serde(expecting)]`.
struct Expecting<'v, V>(&'v V);

impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
}

/// The text of a scalar: strings as they are, numbers in their usual spelling.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) | Value::Datetime(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// The deserializer for one node.
struct NodeDeserializer<'a, 's> {
    node: &'a Node,
    context: Context<'a>,
    /// Set by `TextList`, for the help of a single value written for the list.
    text_list: bool,
    run: &'s Run<'s>,
}

impl<'a, 's> NodeDeserializer<'a, 's> {
    fn new(node: &'a Node, context: Context<'a>, run: &'s Run<'s>) -> Self {
        NodeDeserializer {
            node,
            context,
            text_list: false,
            run,
        }
    }

    fn is_skipped(&self) -> bool {
        self.run.skipped.contains(&node_id(self.node))
    }

    /// An error at this node.
    fn error(&self, message: String, help: Option<String>) -> Error {
        Error {
            node: Some(node_id(self.node)),
            pos: Some(self.node.pos),
            message,
            help,
        }
    }

    /// Gives an error raised by a visitor this node's position, unless it has one.
    fn locate(&self, mut error: Error) -> Error {
        if error.node.is_none() {
            error.node = Some(node_id(self.node));
            error.pos = Some(self.node.pos);
        }
        error
    }

    /// "`key` must be a string, found a list", worded for where the value is.
    fn must_be(&self, singular: &str, plural: &str) -> Error {
        let found = self.node.value.kind();
        let message = match self.context {
            Context::Root => format!("front-matter must be {singular}, found {found}"),
            Context::Field(key) => format!("`{key}` must be {singular}, found {found}"),
            Context::Entry(key) => format!("entries of `{key}` must be {plural}, found {found}"),
        };
        self.error(message, None)
    }

    /// A struct's own wording (its `expecting` text, then a help line if it has one).
    fn not_a_struct(&self, expecting: &str) -> Error {
        let (message, help) = match expecting.split_once('\n') {
            Some((message, help)) => (message, Some(help.to_string())),
            None => (expecting, None),
        };
        self.error(format!("{message}, found {}", self.node.value.kind()), help)
    }

    fn entry_context(&self) -> Context<'a> {
        match self.context {
            Context::Root => Context::Root,
            Context::Field(key) | Context::Entry(key) => Context::Entry(key),
        }
    }

    fn warn_unknown_keys(&self, entries: &[(Key, Node)], fields: &[&str]) {
        let mut warnings = self.run.warnings.borrow_mut();
        for (key, _) in entries {
            if fields.contains(&key.name.as_str()) {
                continue;
            }
            let help = nearest(&key.name, fields.iter().copied()).map_or_else(
                || "custom data belongs under `extra:`".to_string(),
                crate::diag::did_you_mean,
            );
            warnings.push(
                Diagnostic::warning(
                    Location::at(self.run.path, key.pos),
                    format!("unknown front-matter key `{}`", key.name),
                )
                .with_help(help),
            );
        }
    }
}

impl<'de, 'a: 'de, 's> de::Deserializer<'de> for NodeDeserializer<'a, 's> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) | Value::Datetime(s) => visitor.visit_borrowed_str(s),
            Value::List(items) => visitor.visit_seq(Seq::new(items, &self)),
            Value::Map(entries) => visitor.visit_map(Map::new(entries, &self)),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Bool(b) => visitor.visit_bool(b).map_err(|e| self.locate(e)),
            _ => Err(self.must_be("true or false", "true or false")),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Int(i) => visitor.visit_i64(i).map_err(|e| self.locate(e)),
            _ => Err(self.must_be("a whole number", "whole numbers")),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Int(i) => visitor.visit_i64(i).map_err(|e| self.locate(e)),
            Value::Float(f) => visitor.visit_f64(f).map_err(|e| self.locate(e)),
            _ => Err(self.must_be("a number", "numbers")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match scalar_text(&self.node.value) {
            Some(text) => visitor.visit_string(text).map_err(|e| self.locate(e)),
            None => Err(self.must_be("a string", "strings")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.value == Value::Null || self.is_skipped() {
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.must_be("empty", "empty")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match name {
            FIELD if self.is_skipped() => visitor.visit_unit(),
            FIELD if self.node.value == Value::Null => visitor.visit_none(),
            TEXT_LIST => visitor.visit_newtype_struct(NodeDeserializer {
                text_list: true,
                ..self
            }),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let items: &[Node] = match &self.node.value {
            // `null`, or a value already reported, reads as an empty list.
            _ if self.is_skipped() => &[],
            Value::Null => &[],
            Value::List(items) => items,
            other => {
                let mut error = self.must_be("a list", "lists");
                if let (true, Context::Field(key)) = (self.text_list, self.context) {
                    let example = scalar_text(other).unwrap_or_else(|| "a, b".into());
                    error.help = Some(format!("write it as a list: `{key}: [{example}]`"));
                }
                return Err(error);
            }
        };
        visitor
            .visit_seq(Seq::new(items, &self))
            .map_err(|e| self.locate(e))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let entries: &[(Key, Node)] = match &self.node.value {
            Value::Null => &[],
            Value::Map(entries) => entries,
            _ => return Err(self.must_be("a map", "maps")),
        };
        visitor
            .visit_map(Map::new(entries, &self))
            .map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED {
            return visitor.visit_map(SpannedAccess {
                de: Some(self),
                step: 0,
            });
        }
        match &self.node.value {
            Value::Map(entries) => {
                self.warn_unknown_keys(entries, fields);
                visitor
                    .visit_map(Map::new(entries, &self))
                    .map_err(|e| self.locate(e))
            }
            value => {
                let expecting = Expecting(&visitor).to_string();
                // A struct may also accept a scalar (a lesson written as text).
                match scalar_text(value) {
                    Some(text) => visitor
                        .visit_string(text)
                        .map_err(|_: Error| self.not_a_struct(&expecting)),
                    None => Err(self.not_a_struct(&expecting)),
                }
            }
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match scalar_text(&self.node.value) {
            Some(text) => visitor
                .visit_enum(IntoDeserializer::<'de, Error>::into_deserializer(text))
                .map_err(|e| self.locate(e)),
            None => Err(self.must_be("a string", "strings")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char bytes byte_buf unit_struct tuple
        tuple_struct identifier
    }
}

/// The entries of a list, without those already reported.
struct Seq<'a, 's> {
    items: std::slice::Iter<'a, Node>,
    context: Context<'a>,
    run: &'s Run<'s>,
}

impl<'a, 's> Seq<'a, 's> {
    fn new(items: &'a [Node], parent: &NodeDeserializer<'a, 's>) -> Self {
        Seq {
            items: items.iter(),
            context: parent.entry_context(),
            run: parent.run,
        }
    }
}

impl<'de, 'a: 'de, 's> SeqAccess<'de> for Seq<'a, 's> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let run = self.run;
        match self
            .items
            .by_ref()
            .find(|item| !run.skipped.contains(&node_id(item)))
        {
            Some(item) => seed
                .deserialize(NodeDeserializer::new(item, self.context, run))
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The entries of a map, keys in file order.
struct Map<'a, 's> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    value: Option<&'a (Key, Node)>,
    run: &'s Run<'s>,
}

impl<'a, 's> Map<'a, 's> {
    fn new(entries: &'a [(Key, Node)], parent: &NodeDeserializer<'a, 's>) -> Self {
        Map {
            entries: entries.iter(),
            value: None,
            run: parent.run,
        }
    }
}

impl<'de, 'a: 'de, 's> MapAccess<'de> for Map<'a, 's> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        seed.deserialize(BorrowedStrDeserializer::new(&entry.0.name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, node) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a map value was read before its key"))?;
        seed.deserialize(NodeDeserializer::new(
            node,
            Context::Field(&key.name),
            self.run,
        ))
    }
}

/// What a `Spanned` reads: the node's line, its column, then its value.
struct SpannedAccess<'a, 's> {
    de: Option<NodeDeserializer<'a, 's>>,
    step: usize,
}

impl<'de, 'a: 'de, 's> MapAccess<'de> for SpannedAccess<'a, 's> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match SPANNED_FIELDS.get(self.step) {
            Some(key) => seed
                .deserialize(BorrowedStrDeserializer::new(key))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.step += 1;
        let pos = self.de.as_ref().map_or_else(Pos::default, |de| de.node.pos);
        match self.step {
            1 => seed.deserialize(pos.line.into_deserializer()),
            2 => seed.deserialize(pos.column.into_deserializer()),
            _ => match self.de.take() {
                Some(de) => seed.deserialize(de),
                None => Err(de::Error::custom("a spanned value was read twice")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(
        default,
        expecting = "front-matter must be a map of `key: value` lines"
    )]
    struct Sample {
        title: Field<String>,
        count: Option<i64>,
        flag: Option<bool>,
        names: TextList,
        date: Option<Spanned<Written>>,
        items: Vec<Spanned<Item>>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(
        default,
        expecting = "an item must be a map with `text`\nwrite `- text: ...`"
    )]
    struct Item {
        text: Option<String>,
    }

    fn read(text: &str) -> (Option<Sample>, Vec<String>) {
        let split = front_matter::split(text).unwrap().unwrap();
        let node = front_matter::parse(text, &split).unwrap();
        let mut problems = Vec::new();
        let sample = from_node::<Sample>(&node, "a.md", &mut problems);
        let mut shown: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
        shown.sort();
        (sample, shown)
    }

    #[test]
    fn values_carry_their_positions() {
        let (sample, problems) = read("---\ntitle: Hello\nnames: [a, b]\ndate: 2023-02-07\n---\n");
        assert!(problems.is_empty(), "{problems:?}");
        let sample = sample.unwrap();
        let Field::Given(title) = sample.title else {
            panic!("{:?}", sample.title)
        };
        assert_eq!((title.value.as_str(), title.pos), ("Hello", Pos::new(2, 8)));
        assert_eq!(sample.names.0[1].pos, Pos::new(3, 12));
        let date = sample.date.unwrap();
        assert_eq!(
            (date.value.text(), date.pos),
            (Some("2023-02-07"), Pos::new(4, 7))
        );
    }

    #[test]
    fn toml_values_carry_their_positions() {
        let (sample, problems) = read("+++\ntitle = \"T\"\ndate = 2023-02-07\n+++\n");
        assert!(problems.is_empty(), "{problems:?}");
        let date = sample.unwrap().date.unwrap();
        assert_eq!(date.value.show(), "`2023-02-07`");
        assert_eq!(date.pos, Pos::new(3, 8));
    }

    #[test]
    fn every_unknown_key_is_a_warning_at_the_key() {
        let (sample, problems) =
            read("---\ntitle: t\ntitel: u\nitems:\n  - text: x\n    txet: y\nzzzzzz: 1\n---\n");
        assert!(sample.is_some());
        assert_eq!(
            problems,
            [
                "warning: a.md:3:1: unknown front-matter key `titel`\n  help: did you mean `title`?",
                "warning: a.md:6:5: unknown front-matter key `txet`\n  help: did you mean `text`?",
                "warning: a.md:7:1: unknown front-matter key `zzzzzz`\n  help: custom data belongs under `extra:`",
            ]
        );
    }

    #[test]
    fn every_type_error_is_reported_and_reads_as_absent() {
        let text = "---\ntitle: [a]\ncount: x\nflag: 1\nnames: etcd\nitems:\n  - text: ok\n  - [no]\n  - text: [no]\n---\n";
        let (sample, problems) = read(text);
        assert_eq!(
            problems,
            [
                "error: a.md:2:8: `title` must be a string, found a list",
                "error: a.md:3:8: `count` must be a whole number, found a string",
                "error: a.md:4:7: `flag` must be true or false, found a number",
                "error: a.md:5:8: `names` must be a list, found a string\n  help: write it as a list: `names: [etcd]`",
                "error: a.md:8:5: an item must be a map with `text`, found a list\n  help: write `- text: ...`",
                "error: a.md:9:11: `text` must be a string, found a list",
            ]
        );
        let sample = sample.unwrap();
        assert_eq!(sample.title, Field::Invalid);
        assert_eq!((sample.count, sample.flag), (None, None));
        assert!(sample.names.0.is_empty());
        let texts: Vec<_> = sample.items.iter().map(|i| i.value.text.clone()).collect();
        assert_eq!(texts, [Some("ok".to_string()), None]);
    }

    #[test]
    fn entries_of_a_list_are_worded_as_entries() {
        let (sample, problems) = read("---\nnames: [a, [b], c]\n---\n");
        assert_eq!(
            problems,
            ["error: a.md:2:12: entries of `names` must be strings, found a list"]
        );
        let names: Vec<_> = sample
            .unwrap()
            .names
            .0
            .into_iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn null_reads_as_missing_and_numbers_as_text() {
        let (sample, problems) = read("---\ntitle: ~\nnames: [1, 2.5]\n---\n");
        assert!(problems.is_empty(), "{problems:?}");
        let sample = sample.unwrap();
        assert_eq!(sample.title, Field::Missing);
        let names: Vec<_> = sample.names.0.into_iter().map(|n| n.value).collect();
        assert_eq!(names, ["1", "2.5"]);
    }

    #[test]
    fn a_root_of_the_wrong_type_gives_nothing() {
        let (sample, problems) = read("---\n- a\n---\n");
        assert!(sample.is_none());
        assert_eq!(
            problems,
            ["error: a.md:2:1: front-matter must be a map of `key: value` lines, found a list"]
        );
    }

    #[test]
    fn field_names_come_from_the_derived_struct() {
        assert_eq!(
            field_names::<Sample>(),
            ["title", "count", "flag", "names", "date", "items"]
        );
    }
}

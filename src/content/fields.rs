//! The building blocks of raw front-matter fields: `Spanned<T>` (a value and its
//! position), `Field<T>` (missing, wrong or given), `Written` (any value, as text)
//! and `TextList`. Each asks the deserializer for a magic name that `de.rs` answers
//! with what it knows of the node, as `toml::Spanned` does.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::diag::Pos;

/// A value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub pos: Pos,
}

// `Spanned` asks for a struct of this name; the deserializer answers with the
// node's position and then the value, as `toml::Spanned` does.
pub(super) const SPANNED: &str = "$__debrief_spanned";
const SPANNED_LINE: &str = "$__debrief_spanned_line";
const SPANNED_COLUMN: &str = "$__debrief_spanned_column";
const SPANNED_VALUE: &str = "$__debrief_spanned_value";
pub(super) const SPANNED_FIELDS: &[&str] = &[SPANNED_LINE, SPANNED_COLUMN, SPANNED_VALUE];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value with its position")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
                let (mut line, mut column, mut value) = (None, None, None);
                while let Some(key) = map.next_key::<&str>()? {
                    match key {
                        SPANNED_LINE => line = Some(map.next_value()?),
                        SPANNED_COLUMN => column = Some(map.next_value()?),
                        SPANNED_VALUE => value = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, SPANNED_FIELDS)),
                    }
                }
                match (line, column, value) {
                    (Some(line), Some(column), Some(value)) => Ok(Spanned {
                        value,
                        pos: Pos::new(line, column),
                    }),
                    _ => Err(de::Error::missing_field(SPANNED_VALUE)),
                }
            }
        }

        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, SpannedVisitor(PhantomData))
    }
}

/// A field that is missing, given, or written with the wrong type. Unlike `Option`,
/// it tells a missing value (or `null`) from a wrong one, which is already reported:
/// a required field must not also be called missing, and a default must not stand
/// in for a wrong value.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Field<T> {
    /// Not written, or written as `null`.
    #[default]
    Missing,
    /// Written with the wrong type (reported by the deserializer).
    Invalid,
    /// Written.
    Given(Spanned<T>),
}

pub(super) const FIELD: &str = "$__debrief_field";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
            type Value = Field<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a required value")
            }

            fn visit_none<E: de::Error>(self) -> Result<Field<T>, E> {
                Ok(Field::Missing)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Field<T>, E> {
                Ok(Field::Invalid)
            }

            fn visit_newtype_struct<D: de::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Field<T>, D::Error> {
                Spanned::deserialize(deserializer).map(Field::Given)
            }
        }

        deserializer.deserialize_newtype_struct(FIELD, FieldVisitor(PhantomData))
    }
}

/// Any value, kept as text when it is a scalar: for fields whose own check names
/// the problem (`date`, `status`...), so that a list there reads as "`date` is not
/// a date: a list" rather than as a type error.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Written {
    text: Option<String>,
    kind: &'static str,
}

impl Written {
    /// A string, as if written in the front-matter.
    pub(crate) fn from_text(text: &str) -> Written {
        Written {
            text: Some(text.to_string()),
            kind: "a string",
        }
    }

    /// The text of a string, number or date; `None` for lists, maps and booleans.
    pub(crate) fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The value as it reads in a message: `` `text` ``, or its kind (`a list`).
    pub(crate) fn show(&self) -> String {
        match &self.text {
            Some(text) => format!("`{text}`"),
            None => self.kind.to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WrittenVisitor;

        fn text<E>(text: String) -> Result<Written, E> {
            Ok(Written {
                text: Some(text),
                kind: "a string",
            })
        }

        fn kind<E>(kind: &'static str) -> Result<Written, E> {
            Ok(Written { text: None, kind })
        }

        impl<'de> Visitor<'de> for WrittenVisitor {
            type Value = Written;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Written, E> {
                kind("a boolean")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Written, E> {
                text(v.to_string())
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Written, E> {
                text(v.to_string())
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Written, E> {
                text(v.to_string())
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Written, E> {
                text(v.to_string())
            }

            fn visit_unit<E: de::Error>(self) -> Result<Written, E> {
                kind("nothing")
            }

            fn visit_none<E: de::Error>(self) -> Result<Written, E> {
                kind("nothing")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                kind("a list")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                kind("a map")
            }
        }

        deserializer.deserialize_any(WrittenVisitor)
    }
}

/// A list of strings. Written as a single value, it is an error whose help shows
/// the list form (`components: [etcd]`), which a list of maps does not get.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TextList(pub Vec<Spanned<String>>);

pub(super) const TEXT_LIST: &str = "$__debrief_text_list";

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextListVisitor;

        impl<'de> Visitor<'de> for TextListVisitor {
            type Value = TextList;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }

            fn visit_newtype_struct<D: de::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<TextList, D::Error> {
                Vec::deserialize(deserializer).map(TextList)
            }
        }

        deserializer.deserialize_newtype_struct(TEXT_LIST, TextListVisitor)
    }
}

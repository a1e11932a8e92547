//! Identifiers of the content model: the slug of an incident, of a component and
//! the key of a severity. Each is its own type so that one cannot be passed where
//! another is meant; each reads as a `str` and serialises as its text.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::Serialize;

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps text already checked to be this identifier.
            pub fn new(text: impl Into<String>) -> $name {
                $name(text.into())
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

identifier! {
    /// The URL slug of an incident (`incidents/<slug>/`), unique in the library.
    IncidentSlug
}

identifier! {
    /// The URL slug of a component (`components/<slug>/`).
    ComponentSlug
}

identifier! {
    /// The key of a configured severity, in the config's spelling (`sev1`).
    SeverityKey
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_and_serialise_as_text() {
        let slug = IncidentSlug::new("webhook-timeouts");
        assert_eq!(&*slug, "webhook-timeouts");
        assert_eq!(slug, "webhook-timeouts");
        assert_eq!(
            serde_json::to_string(&slug).unwrap(),
            "\"webhook-timeouts\""
        );
        assert_eq!(String::from("sev1"), SeverityKey::new("sev1"));
    }
}

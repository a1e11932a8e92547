//! The variables of one page, gathered as JSON values and handed to Tera in one move.
//!
//! Tera 1 copies every value passed to `Context::insert` through serde. Incident
//! summaries are serialised once per build and cloned into each list that shows them,
//! and views made for a single page are moved in, so a page pays for one copy of its
//! data instead of a serialisation per insert.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::library::IncidentIx;

/// A page's template variables, turned into a `tera::Context` just before rendering.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageContext {
    vars: Map<String, Value>,
}

impl PageContext {
    /// Serialises a view into the variable `key`.
    pub(crate) fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        // Views are plain data with string keys, so serialising cannot fail.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.vars.insert(key.to_string(), value);
    }

    /// Moves an already built value into the variable `key`.
    pub(crate) fn put(&mut self, key: &str, value: Value) {
        self.vars.insert(key.to_string(), value);
    }

    /// The Tera context, built by moving the values (no further copy).
    pub(crate) fn into_tera(self) -> tera::Context {
        tera::Context::from_value(Value::Object(self.vars)).unwrap_or_default()
    }
}

/// The summaries at `indices`, as a JSON list.
pub(crate) fn pick(summaries: &[Value], indices: &[IncidentIx]) -> Value {
    Value::Array(
        indices
            .iter()
            .map(|&n| summaries[n.index()].clone())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_and_moved_values_reach_the_template() {
        let mut ctx = PageContext::default();
        ctx.insert("title", "Incidents");
        ctx.put("list", serde_json::json!([{"slug": "a"}, {"slug": "b"}]));
        let summaries = vec![
            serde_json::json!({"slug": "x"}),
            serde_json::json!({"slug": "y"}),
        ];
        ctx.put(
            "picked",
            pick(&summaries, &[IncidentIx::new(1), IncidentIx::new(0)]),
        );
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "t",
            "{{ title }}:{% for i in list %} {{ i.slug }}{% endfor %};{% for i in picked %} {{ i.slug }}{% endfor %}",
        )
        .unwrap();
        let html = tera.render("t", &ctx.into_tera()).unwrap();
        assert_eq!(html, "Incidents: a b; y x");
    }
}

//! The persona record: who the world belongs to.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The person whose computer the world is. Generators fill the profile;
/// the engine only stores it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Persona {
    /// Full name as the person writes it.
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Job title.
    #[serde(default)]
    pub role: String,
    /// Employer.
    #[serde(default)]
    pub employer: String,
    /// Any further profile attributes (industry, location, quirks …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profile: BTreeMap<String, serde_json::Value>,
}

impl Persona {
    /// How the persona's country writes numbers, from the profile's
    /// `locale` (`decimal`, `thousands`, `grouping`); `1,234.5` when the
    /// profile does not say (a world made before locales recorded it).
    /// Whoever reads a figure the agent wrote, or one in the world's
    /// files, reads it this way: `1.234,56` is 1234.56 in a German world.
    pub fn number_style(&self) -> crate::NumberStyle {
        let mut style = crate::NumberStyle::WESTERN;
        let Some(l) = self.profile.get("locale") else {
            return style;
        };
        let sep = |k: &str| {
            l.get(k).and_then(serde_json::Value::as_str).and_then(|s| {
                let mut c = s.chars();
                c.next().filter(|_| c.next().is_none())
            })
        };
        if let (Some(d), Some(t)) = (sep("decimal"), sep("thousands"))
            && d != t
            && !d.is_ascii_digit()
            && !t.is_ascii_digit()
        {
            style.decimal = d;
            style.thousands = t;
        }
        if let Some(g) = l
            .get("grouping")
            .and_then(|g| serde_json::from_value(g.clone()).ok())
        {
            style.grouping = g;
        }
        style
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_style_comes_from_the_profiles_locale() {
        let with = |locale: serde_json::Value| Persona {
            name: "A".into(),
            profile: BTreeMap::from([("locale".to_owned(), locale)]),
            ..Persona::default()
        };
        assert_eq!(
            Persona::default().number_style(),
            crate::NumberStyle::WESTERN
        );
        assert_eq!(
            with(serde_json::json!({"decimal": ",", "thousands": ".", "grouping": "western"}))
                .number_style(),
            crate::NumberStyle::CONTINENTAL
        );
        assert_eq!(
            with(serde_json::json!({"decimal": ".", "thousands": ",", "grouping": "indian"}))
                .number_style(),
            crate::NumberStyle::INDIAN
        );
        // Nonsense is not a style.
        assert_eq!(
            with(serde_json::json!({"decimal": ",", "thousands": ",", "grouping": "roman"}))
                .number_style(),
            crate::NumberStyle::WESTERN
        );
    }
}

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

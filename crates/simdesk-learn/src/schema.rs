//! JSON Schemas of the output formats, generated from their types (one
//! line of `chat`, one line of `steps`, the skills report), never written
//! by hand.

use schemars::JsonSchema;
use serde_json::Value;

use crate::{ChatLine, SkillReport, StepLine};

fn schema_of<T: JsonSchema>() -> Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The JSON Schema of one line of the `chat` format.
pub fn chat_schema() -> Value {
    schema_of::<ChatLine>()
}

/// The JSON Schema of one line of the `steps` format.
pub fn steps_schema() -> Value {
    schema_of::<StepLine>()
}

/// The JSON Schema of the skills report (JSON output).
pub fn skills_schema() -> Value {
    schema_of::<SkillReport>()
}

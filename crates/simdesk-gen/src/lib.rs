//! Synthetic computers from templates.
//!
//! A computer is a pure function of (template, seed, index): [`generate`]
//! turns a template pack (an occupation described as data under
//! `templates/`) into a [`WorldSpec`] — persona and profile, folders, 100+
//! interlinked artifacts, collaborators, an email backlog and objectives
//! with machine-checkable goals. [`lower`] turns any spec, generated or
//! written by hand, into the ordered ops the engine applies; [`validate`]
//! checks an untrusted spec and reports every problem with its JSON pointer.
//!
//! ```
//! use simdesk_gen::{GenOptions, builtin_template, generate, lower};
//!
//! let t = builtin_template("financial-advisor").unwrap();
//! let spec = generate(&t, 7, 0, &GenOptions::default()).unwrap();
//! assert!(spec.artifact_count() >= 100);
//! assert!(spec.objectives.len() >= 4);
//! let ops = lower(&spec).unwrap();
//! assert!(ops.len() > spec.artifacts.len());
//! // Same inputs, same bytes.
//! let again = generate(&t, 7, 0, &GenOptions::default()).unwrap();
//! assert_eq!(serde_json::to_string(&spec).unwrap(), serde_json::to_string(&again).unwrap());
//! ```

mod build;
mod expr;
mod generate;
mod invariant;
mod locale;
mod lower;
mod markup;
mod money;
mod pack;
mod solve;
mod spec;
mod validate;
pub mod variety;

pub use build::{BuildError, build};
pub use generate::{CareerStep, Profile, ProfileLocale, ProfileLocation, generate};
pub use invariant::{
    AllowedRule, GrowsRule, Invariant, MonotonicRule, OneValueRule, RangeRule, RatioRule,
    ShareRule, Subject, TieredRule, ValueScope, Violation, check_invariants,
};
pub use locale::{Locale, LocaleError, Placement};
pub use lower::{FAULT_ACTOR, GENERATOR, lower};
pub use pack::{
    Common, DEFAULT_TEMPLATE, NameEntry, Pack, Template, builtin_template, builtin_templates,
    check_name_pools, embedded_files, templates_from_files,
};
pub use solve::{SolveError, arrival_order, solve};
pub use spec::*;
pub use validate::{SpecError, SpecLimits, check_spec, validate};

/// Options of [`generate`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenOptions {
    /// How many known inconsistencies to plant (stale exports, broken
    /// references, wrong quoted numbers); recorded in [`WorldSpec::faults`].
    pub faults: u32,
}

/// What can go wrong while loading templates or generating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenError {
    /// No template has this name.
    #[error("unknown template {name:?}")]
    UnknownTemplate {
        /// The name asked for.
        name: String,
    },
    /// A template pack is malformed.
    #[error("template {template}: {message}")]
    Template {
        /// Template id.
        template: String,
        /// What is wrong.
        message: String,
    },
    /// Reading templates from disk failed.
    #[error("{path}: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// The OS error.
        message: String,
    },
    /// Two templates' name pools hold the same person: a person belongs to
    /// one template's worlds only.
    #[error("{name:?} is in the name pools of both {first} and {second}")]
    SharedName {
        /// The display name found twice.
        name: String,
        /// The template whose pool holds it first.
        first: String,
        /// The other template.
        second: String,
    },
    /// Generation failed (a template asked for something impossible).
    #[error("generating from {template}: {message}")]
    Generate {
        /// Template id.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// The locale table, or a pack's use of it, is wrong.
    #[error(transparent)]
    Locale(#[from] LocaleError),
}

/// Which computers of `count` belong to shard `k` of `n` (0-based `k`):
/// indexes `i` with `i % n == k`, so shards are disjoint and cover all.
pub fn shard_indexes(count: u64, k: u64, n: u64) -> impl Iterator<Item = u64> {
    let n = n.max(1);
    (0..count).filter(move |i| i % n == k)
}

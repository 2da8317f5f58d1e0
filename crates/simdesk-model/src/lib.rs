//! The data model of a simdesk world: validated paths ([`VPath`]), typed
//! artifacts ([`Artifact`]), pointers into them ([`Ref`]), simulated time
//! ([`SimTime`]) and time zones with daylight saving ([`tz`]), number
//! formats and diagnostics.
//!
//! Pure data: nothing here does IO, reads a clock or the environment. Every
//! type has a stable, documented JSON form through serde.
//!
//! ```
//! use simdesk_model::*;
//!
//! let mut sheet = Sheet::new("Summary");
//! sheet.cells.insert("B4".parse().unwrap(), Cell::value(0.0731).with_format("0.0%"));
//! let book = Artifact::Workbook(Workbook { sheets: vec![sheet] });
//! assert_eq!(book.kind(), ArtifactKind::Workbook);
//!
//! let r: Ref = "/Clients/Chen/portfolio.xlsx#Summary!B4".parse().unwrap();
//! assert_eq!(format_value(&CellValue::Number(0.0731), Some("0.0%")), "7.3%");
//! assert_eq!(r.sheet(), Some("Summary"));
//! ```

/// Implements `JsonSchema` for a type serialised as a string: its schema
/// name and the string schema's other keywords (description, pattern…).
macro_rules! string_schema {
    ($ty:ty, $name:literal, { $($keywords:tt)* }) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", $($keywords)* })
            }
        }
    };
}

mod actor;
mod artifact;
mod cell;
pub mod csv;
mod diag;
mod ext;
mod numfmt;
mod numstyle;
mod objective;
mod op;
mod persona;
mod refs;
pub mod render;
mod time;
pub mod tz;
mod vpath;

pub use actor::Actor;
pub use artifact::*;
pub use cell::{CellAddr, CellAddrError, CellError, CellRange, CellValue, MAX_COLS, MAX_ROWS};
pub use diag::{Code, Diagnostic, Severity};
pub use ext::FileClass;
pub use numfmt::{format_number, format_value};
pub use numstyle::{Grouping, NumberStyle};
pub use objective::{Confidential, Goal, LatePolicy, Objective, path_matches};
pub use op::{CellEdit, CellInput, DocEdit, Event, LinkKind, Op, OutcomeKind, SlideEdit};
pub use persona::Persona;
pub use refs::{
    MAX_REF_BYTES, Ref, RefError, RefTarget, check_sheet_name, quote_sheet, sheet_needs_quotes,
    slug,
};
pub use time::{MONTH_NAMES, SimTime, TimeError, civil_from_days, days_from_civil, days_in_month};
pub use tz::TimeZone;
pub use vpath::{
    MAX_COMPONENT_BYTES, MAX_PATH_BYTES, PathError, PathRule, VPath, check_component, fold,
};

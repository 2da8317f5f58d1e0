//! The world spec: the declarative, public, versioned description of one
//! synthetic computer.
//!
//! A [`WorldSpec`] is what the generator produces and what `simdesk build
//! SPEC.json` accepts from outside (for example from an LLM pipeline). It
//! says *what* the world holds — persona, folders, artifacts, links, exports,
//! emails, objectives and planted faults — and [`crate::lower`] turns it into
//! the ordered [`simdesk_model::Op`] list the engine applies.
//!
//! Artifact contents, objectives and emails use the model crate's JSON forms
//! unchanged (`{"kind": "workbook", "sheets": […]}`); see `simdesk_model`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use simdesk_model::{
    Artifact, CellValue, Email, LinkKind, Objective, Persona, Ref, SimTime, VPath,
};

/// The spec format version this crate reads and writes.
pub const SPEC_VERSION: u32 = 1;

/// A complete synthetic computer, declaratively.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    /// Format version; must be 1.
    pub version: u32,
    /// Where the spec came from, when a template generated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The simulated time the world starts at (RFC 3339, UTC).
    pub start: SimTime,
    /// The person whose computer this is. The rich profile (industry,
    /// location, career, skills, tools, hours, quirks, OS flavour) is the
    /// serialised [`crate::Profile`] in `persona.profile`.
    pub persona: Persona,
    /// The persona's home folder (`/Users/<name>` on macOS, `/C/Users/<name>`
    /// for a Windows `C:\Users\<name>`).
    pub home: VPath,
    /// People the persona works with.
    #[serde(default)]
    pub collaborators: Vec<Collaborator>,
    /// Folders to create (parents are implied), including empty ones.
    #[serde(default)]
    pub folders: Vec<VPath>,
    /// Artifacts created directly, in creation order (sources first).
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
    /// Manual links: imports (CSV into a sheet) and "based on" relations.
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    /// Snapshot copies of existing artifacts.
    #[serde(default)]
    pub copies: Vec<CopySpec>,
    /// Derived artifacts (pdf, csv, md …) exported from sources.
    #[serde(default)]
    pub exports: Vec<ExportSpec>,
    /// The email backlog, in date order; attachments are paths of artifacts
    /// (created, exported or copied above).
    #[serde(default)]
    pub emails: Vec<EmailSpec>,
    /// Work assigned to the persona, each introduced by an email.
    #[serde(default)]
    pub objectives: Vec<ObjectiveSpec>,
    /// Known inconsistencies planted on purpose, applied last.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// The month of work around the world: what arrives when (requests
    /// for later objectives, files, changes of plan, disagreeing
    /// instructions), who the collaborators are as a session sees them
    /// (hours, latency, what they know and hold back, what they review),
    /// follow-ups and the agent's brief. Objectives scheduled here are
    /// recorded when their request arrives, not at build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<simdesk_sim::Scenario>,
}

/// The template, seed and index a generated spec came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// Template id (`financial-advisor`).
    pub template: String,
    /// Dataset seed.
    pub seed: u64,
    /// Index of the computer within the seed.
    pub index: u64,
    /// Stable computer id (`financial-advisor-7-0`).
    pub id: String,
}

/// How a collaborator writes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Few words, no pleasantries.
    Terse,
    /// Questions the numbers, asks for sources.
    Skeptical,
    /// Friendly, long, digressive.
    Chatty,
    /// Full salutations, complete sentences.
    Formal,
}

impl Style {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Terse => "terse",
            Style::Skeptical => "skeptical",
            Style::Chatty => "chatty",
            Style::Formal => "formal",
        }
    }
}

/// Someone the persona works with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collaborator {
    /// Key used by templates (`manager`, `contact-2`).
    pub key: String,
    /// Full name.
    pub name: String,
    /// Role or title.
    pub role: String,
    /// Email address.
    pub email: String,
    /// Relation to the persona (`manager`, `peer`, `client`, `vendor`).
    pub relation: String,
    /// Communication style.
    pub style: Style,
    /// Organisation.
    #[serde(default)]
    pub organisation: String,
}

/// An artifact created at a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactSpec {
    /// Where it lives.
    pub path: VPath,
    /// Its content, in the model's JSON form (tagged by `kind`).
    pub artifact: Artifact,
}

/// A manual dependency between two artifacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// The source (`/Users/x/Downloads/prices.csv`).
    pub source: Ref,
    /// The dependent: a sheet an import fills (`…/model.xlsx#Data`), or a
    /// whole artifact for "based on".
    pub dependent: Ref,
    /// `import` or `based_on`.
    pub kind: LinkKind,
}

/// A snapshot copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopySpec {
    /// The original.
    pub from: VPath,
    /// The copy (must not exist).
    pub to: VPath,
}

/// A derived artifact exported from a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportSpec {
    /// The source artifact.
    pub source: VPath,
    /// The derived artifact; its extension picks the format.
    pub target: VPath,
    /// For workbook → csv: the sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// One message of the backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailSpec {
    /// Where the message is stored (`<home>/Mail/Inbox/….eml`).
    pub path: VPath,
    /// Who sends it: `persona` or a collaborator key (recorded as the actor).
    pub actor: String,
    /// The message in the model's JSON form; attachments are artifact paths.
    pub email: Email,
}

/// An objective assigned to the persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    /// The objective with its goals, in the model's JSON form.
    pub objective: Objective,
    /// The shape it was generated from (`refresh_export_send`, …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
}

/// A known inconsistency planted on purpose, with what and where, so that
/// checkers and agents can be scored against ground truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// An input cell is changed after an export was made, so the export
    /// (and anything else downstream) is stale.
    StaleExport {
        /// Fault id (`fault-1`).
        id: String,
        /// The export that goes stale.
        export: VPath,
        /// The cell that is edited.
        cell: Ref,
        /// Its new value.
        value: CellValue,
    },
    /// A file others depend on is deleted, so their references dangle.
    BrokenReference {
        /// Fault id.
        id: String,
        /// The deleted artifact.
        deleted: VPath,
        /// Artifacts whose references break.
        referenced_by: Vec<VPath>,
    },
    /// A number typed by hand into a document that disagrees with the cell
    /// it quotes.
    WrongQuote {
        /// Fault id.
        id: String,
        /// The document.
        path: VPath,
        /// Block index the paragraph is inserted at.
        index: usize,
        /// The paragraph text, containing `written`.
        text: String,
        /// The cell the number should agree with.
        source: Ref,
        /// The number as written.
        written: String,
        /// The number as the source shows it.
        actual: String,
    },
}

impl Fault {
    /// The fault id.
    pub fn id(&self) -> &str {
        match self {
            Fault::StaleExport { id, .. }
            | Fault::BrokenReference { id, .. }
            | Fault::WrongQuote { id, .. } => id,
        }
    }

    /// `stale_export`, `broken_reference` or `wrong_quote`.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::StaleExport { .. } => "stale_export",
            Fault::BrokenReference { .. } => "broken_reference",
            Fault::WrongQuote { .. } => "wrong_quote",
        }
    }
}

/// The JSON Schema of [`WorldSpec`], generated from the types.
pub fn schema() -> serde_json::Value {
    let s = schemars::schema_for!(WorldSpec);
    serde_json::to_value(s).unwrap_or(serde_json::Value::Null)
}

impl WorldSpec {
    /// Counts of artifacts by kind, including exports, copies and emails.
    pub fn kind_counts(&self) -> std::collections::BTreeMap<String, usize> {
        let mut out = std::collections::BTreeMap::new();
        for a in &self.artifacts {
            *out.entry(a.artifact.kind().as_str().to_owned())
                .or_insert(0) += 1;
        }
        for e in &self.exports {
            let k = match e.target.extension().map(str::to_ascii_lowercase).as_deref() {
                Some("pdf") => "pdf",
                _ => "text",
            };
            *out.entry(k.to_owned()).or_insert(0) += 1;
        }
        for c in &self.copies {
            let kind = self
                .artifacts
                .iter()
                .find(|a| a.path == c.from)
                .map_or("binary", |a| a.artifact.kind().as_str());
            *out.entry(kind.to_owned()).or_insert(0) += 1;
        }
        if !self.emails.is_empty() {
            *out.entry("email".to_owned()).or_insert(0) += self.emails.len();
        }
        out
    }

    /// Number of artifacts the world holds once built (created, exported,
    /// copied, emails).
    pub fn artifact_count(&self) -> usize {
        self.artifacts.len() + self.exports.len() + self.copies.len() + self.emails.len()
    }

    /// Dependency edges the spec declares, by policy: live (fields, cell
    /// links), manual (links), snapshot (exports, copies, attachments).
    pub fn edge_counts(&self) -> EdgeCounts {
        let mut c = EdgeCounts::default();
        for a in &self.artifacts {
            c.live += a.artifact.fields().len();
            for (_, _, l) in a.artifact.cell_links() {
                match l.policy {
                    simdesk_model::Policy::Manual => c.manual += 1,
                    _ => c.live += 1,
                }
            }
        }
        c.manual += self.links.len();
        c.snapshot += self.exports.len() + self.copies.len();
        c.snapshot += self
            .emails
            .iter()
            .map(|e| e.email.attachments.len())
            .sum::<usize>();
        c
    }

    /// Every path the built world holds an artifact at, sorted.
    pub fn file_set(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .artifacts
            .iter()
            .map(|a| a.path.as_str().to_owned())
            .chain(self.exports.iter().map(|e| e.target.as_str().to_owned()))
            .chain(self.copies.iter().map(|c| c.to.as_str().to_owned()))
            .chain(self.emails.iter().map(|e| e.path.as_str().to_owned()))
            .collect();
        v.sort();
        v
    }
}

/// Edge counts by policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeCounts {
    /// Fields and live cell links.
    pub live: usize,
    /// Imports, "based on" links and manual cell links.
    pub manual: usize,
    /// Exports, copies and attachments.
    pub snapshot: usize,
}

impl EdgeCounts {
    /// All edges.
    pub fn total(&self) -> usize {
        self.live + self.manual + self.snapshot
    }
}

//! Validation of externally written specs: size and nesting limits checked
//! by a cheap scan before anything is parsed, then every part parsed on its
//! own so that every problem is reported with its JSON pointer, then the
//! semantic checks (dangling references, cycles, clashing paths …).
//! Nothing here panics on any input.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{Artifact, ArtifactKind, Goal, RefTarget, VPath, check_sheet_name};

use crate::spec::{Fault, SPEC_VERSION, WorldSpec};

/// One problem in a spec: where (a JSON pointer, RFC 6901) and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub struct SpecError {
    /// JSON pointer to the offending value (`/artifacts/3/path`; `` for
    /// the whole document).
    pub pointer: String,
    /// What is wrong.
    pub reason: String,
}

impl SpecError {
    fn new(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        SpecError {
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}

/// Limits applied to untrusted specs before and while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecLimits {
    /// Largest accepted document, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Longest string value, in bytes (as written, escapes included).
    pub max_string_bytes: usize,
    /// Most artifacts, links, exports, copies or emails in one list.
    pub max_items: usize,
    /// Most cells in all workbooks together.
    pub max_cells: usize,
    /// Longest formula, in bytes.
    pub max_formula_bytes: usize,
}

impl Default for SpecLimits {
    fn default() -> Self {
        SpecLimits {
            max_bytes: 64 << 20,
            max_depth: 48,
            max_string_bytes: 4 << 20,
            max_items: 100_000,
            max_cells: 2_000_000,
            max_formula_bytes: 8192,
        }
    }
}

fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

enum Frame {
    Obj { key: Option<String>, want_key: bool },
    Arr { index: usize, started: bool },
}

fn pointer(stack: &[Frame]) -> String {
    let mut p = String::new();
    for f in stack {
        match f {
            Frame::Obj { key: Some(k), .. } => {
                p.push('/');
                p.push_str(&escape_token(k));
            }
            Frame::Arr {
                index,
                started: true,
            } => {
                p.push('/');
                p.push_str(&index.to_string());
            }
            _ => {}
        }
    }
    p
}

/// The cheap pre-parse scan: total size, nesting depth and string lengths,
/// tracking the JSON pointer so a violation says where it is. Malformed
/// JSON is left for the parser to report.
fn scan(json: &str, limits: &SpecLimits) -> Result<(), SpecError> {
    if json.len() > limits.max_bytes {
        return Err(SpecError::new(
            "",
            format!(
                "spec is {} bytes, more than the limit of {} bytes",
                json.len(),
                limits.max_bytes
            ),
        ));
    }
    let b = json.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(b.len());
                let len = end - start;
                let is_key = matches!(stack.last(), Some(Frame::Obj { want_key: true, .. }));
                if is_key {
                    let raw = json.get(start..end).unwrap_or("");
                    let key: String = if raw.contains('\\') {
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_owned())
                    } else {
                        raw.to_owned()
                    };
                    if let Some(Frame::Obj { key: k, want_key }) = stack.last_mut() {
                        *k = Some(key.chars().take(200).collect());
                        *want_key = false;
                    }
                } else {
                    mark_value(&mut stack);
                }
                if len > limits.max_string_bytes {
                    return Err(SpecError::new(
                        pointer(&stack),
                        format!(
                            "string of {len} bytes, more than the limit of {} bytes",
                            limits.max_string_bytes
                        ),
                    ));
                }
                i += 1;
            }
            c @ (b'{' | b'[') => {
                mark_value(&mut stack);
                stack.push(if c == b'{' {
                    Frame::Obj {
                        key: None,
                        want_key: true,
                    }
                } else {
                    Frame::Arr {
                        index: 0,
                        started: false,
                    }
                });
                if stack.len() > limits.max_depth {
                    return Err(SpecError::new(
                        pointer(&stack),
                        format!(
                            "nesting deeper than the limit of {} levels",
                            limits.max_depth
                        ),
                    ));
                }
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Obj { want_key, .. }) => *want_key = true,
                    Some(Frame::Arr { index, .. }) => *index += 1,
                    None => {}
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() || c == b':' => i += 1,
            _ => {
                mark_value(&mut stack);
                i += 1;
            }
        }
    }
    Ok(())
}

fn mark_value(stack: &mut [Frame]) {
    if let Some(Frame::Arr { started, .. }) = stack.last_mut() {
        *started = true;
    }
}

fn path_to_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    let mut p = base.to_owned();
    for seg in path.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => {
                p.push('/');
                p.push_str(&index.to_string());
            }
            serde_path_to_error::Segment::Map { key } => {
                p.push('/');
                p.push_str(&escape_token(key));
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    p
}

fn parse_part<T: serde::de::DeserializeOwned>(
    v: &serde_json::Value,
    ptr: &str,
    errs: &mut Vec<SpecError>,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(t) => Some(t),
        Err(e) => {
            let p = path_to_pointer(ptr, e.path());
            let reason = e.into_inner().to_string();
            errs.push(SpecError::new(p, reason));
            None
        }
    }
}

/// Parses and checks an externally written spec. Every problem is
/// reported, each with its JSON pointer.
pub fn validate(json: &str, limits: &SpecLimits) -> Result<WorldSpec, Vec<SpecError>> {
    scan(json, limits).map_err(|e| vec![e])?;
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| vec![SpecError::new("", format!("not valid JSON: {e}"))])?;
    let serde_json::Value::Object(obj) = &value else {
        return Err(vec![SpecError::new("", "a spec must be a JSON object")]);
    };
    let mut errs = Vec::new();
    const LISTS: [&str; 8] = [
        "collaborators",
        "folders",
        "artifacts",
        "links",
        "copies",
        "exports",
        "emails",
        "objectives",
    ];
    const SCALARS: [&str; 6] = ["version", "origin", "start", "persona", "home", "scenario"];
    for k in obj.keys() {
        if !LISTS.contains(&k.as_str()) && !SCALARS.contains(&k.as_str()) && k != "faults" {
            errs.push(SpecError::new(
                format!("/{}", escape_token(k)),
                format!("unknown field `{k}`"),
            ));
        }
    }
    for k in ["version", "start", "persona", "home"] {
        if !obj.contains_key(k) {
            errs.push(SpecError::new("", format!("missing field `{k}`")));
        }
    }
    if let Some(v) = obj.get("version") {
        match v.as_u64() {
            Some(n) if n == u64::from(SPEC_VERSION) => {}
            _ => errs.push(SpecError::new(
                "/version",
                format!("unsupported version {v}; this build reads version {SPEC_VERSION}"),
            )),
        }
    }
    for k in ["origin", "start", "persona", "home", "scenario"] {
        if let Some(v) = obj.get(k) {
            let p = format!("/{k}");
            match k {
                "origin" => drop(parse_part::<Option<crate::spec::Origin>>(v, &p, &mut errs)),
                "scenario" => drop(parse_part::<Option<simdesk_sim::Scenario>>(
                    v, &p, &mut errs,
                )),
                "start" => drop(parse_part::<simdesk_model::SimTime>(v, &p, &mut errs)),
                "persona" => drop(parse_part::<simdesk_model::Persona>(v, &p, &mut errs)),
                _ => drop(parse_part::<VPath>(v, &p, &mut errs)),
            }
        }
    }
    for k in LISTS.iter().copied().chain(["faults"]) {
        let Some(v) = obj.get(k) else { continue };
        let serde_json::Value::Array(items) = v else {
            errs.push(SpecError::new(format!("/{k}"), "expected an array"));
            continue;
        };
        if items.len() > limits.max_items {
            errs.push(SpecError::new(
                format!("/{k}"),
                format!(
                    "{} items, more than the limit of {}",
                    items.len(),
                    limits.max_items
                ),
            ));
            continue;
        }
        for (i, item) in items.iter().enumerate() {
            let p = format!("/{k}/{i}");
            match k {
                "collaborators" => {
                    drop(parse_part::<crate::spec::Collaborator>(item, &p, &mut errs))
                }
                "folders" => drop(parse_part::<VPath>(item, &p, &mut errs)),
                "artifacts" => drop(parse_part::<crate::spec::ArtifactSpec>(item, &p, &mut errs)),
                "links" => drop(parse_part::<crate::spec::LinkSpec>(item, &p, &mut errs)),
                "copies" => drop(parse_part::<crate::spec::CopySpec>(item, &p, &mut errs)),
                "exports" => drop(parse_part::<crate::spec::ExportSpec>(item, &p, &mut errs)),
                "emails" => drop(parse_part::<crate::spec::EmailSpec>(item, &p, &mut errs)),
                "objectives" => drop(parse_part::<crate::spec::ObjectiveSpec>(
                    item, &p, &mut errs,
                )),
                _ => drop(parse_part::<Fault>(item, &p, &mut errs)),
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let spec: WorldSpec = match serde_json::from_value(value) {
        Ok(s) => s,
        Err(e) => return Err(vec![SpecError::new("", e.to_string())]),
    };
    check_with(&spec, limits)?;
    Ok(spec)
}

/// The semantic checks of a parsed spec, with default limits.
pub fn check_spec(spec: &WorldSpec) -> Result<(), Vec<SpecError>> {
    check_with(spec, &SpecLimits::default())
}

fn expected_ext(kind: ArtifactKind) -> &'static [&'static str] {
    match kind {
        ArtifactKind::Workbook => &["xlsx", "xlsm"],
        ArtifactKind::Document => &["docx"],
        ArtifactKind::Deck => &["pptx"],
        ArtifactKind::Pdf => &["pdf"],
        ArtifactKind::Email => &["eml"],
        ArtifactKind::Text => &["txt", "md", "csv", "json", "markdown", "log", "tsv"],
        ArtifactKind::Binary => &[],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    Artifact(usize),
    Export,
    Copy,
    Email,
}

/// Where in the spec a path or an edge comes from. Specs are checked on
/// every build, and nearly always clean: pointers are only written out
/// for a problem.
#[derive(Clone, Copy)]
enum At {
    ArtifactPath(usize),
    /// An artifact's fields.
    Artifact(usize),
    CellLink {
        artifact: usize,
        sheet: usize,
        cell: simdesk_model::CellAddr,
    },
    Link(usize),
    CopyTo(usize),
    Copy(usize),
    ExportTarget(usize),
    Export(usize),
    EmailPath(usize),
    Email(usize),
}

impl At {
    fn pointer(self) -> String {
        match self {
            At::ArtifactPath(i) => format!("/artifacts/{i}/path"),
            At::Artifact(i) => format!("/artifacts/{i}/artifact"),
            At::CellLink {
                artifact,
                sheet,
                cell,
            } => format!("/artifacts/{artifact}/artifact/sheets/{sheet}/cells/{cell}/link/source"),
            At::Link(i) => format!("/links/{i}"),
            At::CopyTo(i) => format!("/copies/{i}/to"),
            At::Copy(i) => format!("/copies/{i}"),
            At::ExportTarget(i) => format!("/exports/{i}/target"),
            At::Export(i) => format!("/exports/{i}"),
            At::EmailPath(i) => format!("/emails/{i}/path"),
            At::Email(i) => format!("/emails/{i}"),
        }
    }
}

fn check_with<'s>(spec: &'s WorldSpec, limits: &SpecLimits) -> Result<(), Vec<SpecError>> {
    let mut errs = Vec::new();
    if spec.version != SPEC_VERSION {
        errs.push(SpecError::new(
            "/version",
            format!("unsupported version {}", spec.version),
        ));
    }
    if spec.home.is_root() {
        errs.push(SpecError::new("/home", "home may not be the root folder"));
    }
    // Every path the world will hold, by fold key.
    let mut files: BTreeMap<String, At> = BTreeMap::new();
    let mut by_path: BTreeMap<&VPath, Made> = BTreeMap::new();
    let mut claim = |p: &'s VPath, at: At, made: Made, errs: &mut Vec<SpecError>| {
        let key = p.fold_key();
        if let Some(other) = files.get(&key) {
            errs.push(SpecError::new(
                at.pointer(),
                format!("path {} is already used at {}", p.as_str(), other.pointer()),
            ));
        } else {
            files.insert(key, at);
            by_path.insert(p, made);
        }
    };
    let mut cells = 0usize;
    for (i, a) in spec.artifacts.iter().enumerate() {
        let ptr = || format!("/artifacts/{i}");
        claim(&a.path, At::ArtifactPath(i), Made::Artifact(i), &mut errs);
        let kind = a.artifact.kind();
        let ext = a
            .path
            .extension()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let allowed = expected_ext(kind);
        if !allowed.is_empty() && !allowed.contains(&ext.as_str()) {
            errs.push(SpecError::new(
                format!("{}/path", ptr()),
                format!(
                    "a {kind} needs one of the extensions {}, not {ext:?}",
                    allowed.join(", ")
                ),
            ));
        }
        if let Artifact::Workbook(w) = &a.artifact {
            let mut names = BTreeSet::new();
            for (si, s) in w.sheets.iter().enumerate() {
                if let Err(r) = check_sheet_name(&s.name) {
                    errs.push(SpecError::new(
                        format!("{}/artifact/sheets/{si}/name", ptr()),
                        r,
                    ));
                }
                if !names.insert(s.name.to_lowercase()) {
                    errs.push(SpecError::new(
                        format!("{}/artifact/sheets/{si}/name", ptr()),
                        format!("duplicate sheet name {:?}", s.name),
                    ));
                }
                cells += s.cells.len();
                for (addr, c) in &s.cells {
                    if let Some(f) = &c.formula
                        && f.len() > limits.max_formula_bytes
                    {
                        errs.push(SpecError::new(
                            format!("{}/artifact/sheets/{si}/cells/{addr}/formula", ptr()),
                            format!(
                                "formula of {} bytes, more than the limit of {}",
                                f.len(),
                                limits.max_formula_bytes
                            ),
                        ));
                    }
                }
            }
        }
    }
    if cells > limits.max_cells {
        errs.push(SpecError::new(
            "/artifacts",
            format!("{cells} cells, more than the limit of {}", limits.max_cells),
        ));
    }
    for (i, c) in spec.copies.iter().enumerate() {
        claim(&c.to, At::CopyTo(i), Made::Copy, &mut errs);
    }
    for (i, e) in spec.exports.iter().enumerate() {
        claim(&e.target, At::ExportTarget(i), Made::Export, &mut errs);
    }
    for (i, e) in spec.emails.iter().enumerate() {
        claim(&e.path, At::EmailPath(i), Made::Email, &mut errs);
    }
    // A file may not sit where another file is used as a folder.
    for (i, f) in spec.folders.iter().enumerate() {
        if by_path.contains_key(f) {
            errs.push(SpecError::new(
                format!("/folders/{i}"),
                format!("{} is also a file", f.as_str()),
            ));
        }
    }
    for (i, a) in spec.artifacts.iter().enumerate() {
        for anc in a.path.ancestors() {
            if by_path.contains_key(&anc) {
                errs.push(SpecError::new(
                    format!("/artifacts/{i}/path"),
                    format!("{} is a file, not a folder", anc.as_str()),
                ));
            }
        }
    }
    let workbook = |p: &VPath| -> Option<&simdesk_model::Workbook> {
        match by_path.get(p) {
            Some(Made::Artifact(i)) => match &spec.artifacts[*i].artifact {
                Artifact::Workbook(w) => Some(w),
                _ => None,
            },
            _ => None,
        }
    };
    // `ptr` is only called for a problem.
    let check_ref = |r: &simdesk_model::Ref,
                     base: Option<&VPath>,
                     ptr: &dyn Fn() -> String,
                     errs: &mut Vec<SpecError>| {
        let Some(p) = r.path.as_ref().or(base) else {
            errs.push(SpecError::new(
                ptr(),
                "a relative ref needs a containing artifact",
            ));
            return;
        };
        if !by_path.contains_key(p) {
            errs.push(SpecError::new(
                ptr(),
                format!("dangling ref: nothing at {}", p.as_str()),
            ));
            return;
        }
        if let Some(sheet) = r.sheet() {
            match workbook(p) {
                Some(w) if w.sheet(sheet).is_some() => {}
                Some(_) if matches!(r.target, RefTarget::Sheet { .. }) => {}
                Some(_) => errs.push(SpecError::new(
                    ptr(),
                    format!("dangling ref: {} has no sheet {sheet:?}", p.as_str()),
                )),
                None => errs.push(SpecError::new(
                    ptr(),
                    format!("{} is not a workbook created by the spec", p.as_str()),
                )),
            }
        }
    };
    // Graph edges for the cycle check: source → dependent.
    let mut edges: Vec<(&VPath, &VPath, At)> = Vec::new();
    for (i, a) in spec.artifacts.iter().enumerate() {
        for (fi, f) in a.artifact.fields().iter().enumerate() {
            check_ref(
                &f.source,
                Some(&a.path),
                &|| format!("{}#field{fi}", At::Artifact(i).pointer()),
                &mut errs,
            );
            if let Some(p) = &f.source.path
                && p != &a.path
            {
                edges.push((p, &a.path, At::Artifact(i)));
            }
        }
        for (sheet, addr, l) in a.artifact.cell_links() {
            let sp = match &a.artifact {
                Artifact::Workbook(w) => w.sheets.iter().position(|s| s.name == sheet).unwrap_or(0),
                _ => 0,
            };
            let at = At::CellLink {
                artifact: i,
                sheet: sp,
                cell: addr,
            };
            check_ref(&l.source, Some(&a.path), &|| at.pointer(), &mut errs);
            if let Some(p) = &l.source.path {
                edges.push((p, &a.path, at));
            }
        }
    }
    // Fix up pointers for fields: `#fieldN` is not a JSON pointer, so
    // report fields at the artifact.
    for e in &mut errs {
        if let Some(i) = e.pointer.find("#field") {
            let n = e.pointer[i + 6..].to_owned();
            e.pointer.truncate(i);
            e.reason = format!("field {n}: {}", e.reason);
        }
    }
    for (i, l) in spec.links.iter().enumerate() {
        let ptr = || At::Link(i).pointer();
        check_ref(&l.source, None, &|| format!("{}/source", ptr()), &mut errs);
        check_ref(
            &l.dependent,
            None,
            &|| format!("{}/dependent", ptr()),
            &mut errs,
        );
        if l.kind == simdesk_model::LinkKind::Import
            && workbook(l.dependent.path.as_ref().unwrap_or(&VPath::root())).is_none()
        {
            errs.push(SpecError::new(
                format!("{}/dependent", ptr()),
                "an import fills a sheet of a workbook",
            ));
        }
        if let (Some(s), Some(d)) = (&l.source.path, &l.dependent.path) {
            if s == d {
                errs.push(SpecError::new(
                    ptr(),
                    "a link from an artifact to itself is a cycle",
                ));
            }
            edges.push((s, d, At::Link(i)));
        }
    }
    for (i, c) in spec.copies.iter().enumerate() {
        if !by_path.contains_key(&c.from) {
            errs.push(SpecError::new(
                format!("/copies/{i}/from"),
                format!("dangling ref: nothing at {}", c.from.as_str()),
            ));
        }
        edges.push((&c.from, &c.to, At::Copy(i)));
    }
    for (i, e) in spec.exports.iter().enumerate() {
        let ptr = || At::Export(i).pointer();
        match by_path.get(&e.source) {
            None => errs.push(SpecError::new(
                format!("{}/source", ptr()),
                format!("dangling ref: nothing at {}", e.source.as_str()),
            )),
            Some(_) => {
                if let Some(sheet) = &e.sheet
                    && workbook(&e.source).is_none_or(|w| w.sheet(sheet).is_none())
                {
                    errs.push(SpecError::new(
                        format!("{}/sheet", ptr()),
                        format!("{} has no sheet {sheet:?}", e.source.as_str()),
                    ));
                }
            }
        }
        let ext = e
            .target
            .extension()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !["pdf", "csv", "md", "txt"].contains(&ext.as_str()) {
            errs.push(SpecError::new(
                format!("{}/target", ptr()),
                format!("cannot export to {ext:?}; use pdf, csv, md or txt"),
            ));
        }
        edges.push((&e.source, &e.target, At::Export(i)));
    }
    let mut last = spec.start;
    let mut ids = BTreeSet::new();
    let actors: BTreeSet<&str> = spec
        .collaborators
        .iter()
        .map(|c| c.key.as_str())
        .chain(["persona"])
        .collect();
    for (i, m) in spec.emails.iter().enumerate() {
        let ptr = || At::Email(i).pointer();
        if !m
            .path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("eml"))
        {
            errs.push(SpecError::new(
                format!("{}/path", ptr()),
                "an email is stored as .eml",
            ));
        }
        if m.email.date < last {
            errs.push(SpecError::new(
                format!("{}/email/date", ptr()),
                format!(
                    "emails must be in date order; {} is before {}",
                    m.email.date, last
                ),
            ));
        } else {
            last = m.email.date;
        }
        if !actors.contains(m.actor.as_str()) {
            errs.push(SpecError::new(
                format!("{}/actor", ptr()),
                format!(
                    "unknown actor {:?}: use persona or a collaborator key",
                    m.actor
                ),
            ));
        }
        if !m.email.message_id.is_empty() && !ids.insert(m.email.message_id.clone()) {
            errs.push(SpecError::new(
                format!("{}/email/message_id", ptr()),
                "duplicate message id",
            ));
        }
        for (ai, a) in m.email.attachments.iter().enumerate() {
            if !by_path.contains_key(a) {
                errs.push(SpecError::new(
                    format!("{}/email/attachments/{ai}", ptr()),
                    format!("dangling ref: nothing at {}", a.as_str()),
                ));
            }
            edges.push((a, &m.path, At::Email(i)));
        }
    }
    let mut oids = BTreeSet::new();
    for (i, o) in spec.objectives.iter().enumerate() {
        let ptr = format!("/objectives/{i}/objective");
        let ob = &o.objective;
        if !oids.insert(ob.id.clone()) {
            errs.push(SpecError::new(
                format!("{ptr}/id"),
                format!("duplicate objective id {:?}", ob.id),
            ));
        }
        if let Some(mid) = &ob.message_id
            && !ids.contains(mid)
        {
            errs.push(SpecError::new(
                format!("{ptr}/message_id"),
                format!("no email has message id {mid:?}"),
            ));
        }
        if ob.goals.is_empty() {
            errs.push(SpecError::new(
                format!("{ptr}/goals"),
                "an objective needs at least one goal",
            ));
        }
        for (gi, g) in ob.goals.iter().enumerate() {
            let gp = format!("{ptr}/goals/{gi}");
            match g {
                Goal::CellEquals { cell, .. } => {
                    check_ref(cell, None, &|| format!("{gp}/cell"), &mut errs)
                }
                Goal::ExportedFresh { source, .. } if !by_path.contains_key(source) => {
                    errs.push(SpecError::new(
                        format!("{gp}/source"),
                        format!("dangling ref: nothing at {}", source.as_str()),
                    ));
                }
                _ => {}
            }
        }
    }
    for (i, f) in spec.faults.iter().enumerate() {
        let ptr = format!("/faults/{i}");
        match f {
            Fault::StaleExport { export, cell, .. } => {
                if by_path.get(export) != Some(&Made::Export) {
                    errs.push(SpecError::new(
                        format!("{ptr}/export"),
                        format!("{} is not an export of the spec", export.as_str()),
                    ));
                }
                check_ref(cell, None, &|| format!("{ptr}/cell"), &mut errs);
            }
            Fault::BrokenReference { deleted, .. } if !by_path.contains_key(deleted) => {
                errs.push(SpecError::new(
                    format!("{ptr}/deleted"),
                    format!("nothing at {}", deleted.as_str()),
                ));
            }
            Fault::WrongQuote { path, source, .. } => {
                if !matches!(by_path.get(path), Some(Made::Artifact(j)) if spec.artifacts[*j].artifact.kind() == ArtifactKind::Document)
                {
                    errs.push(SpecError::new(
                        format!("{ptr}/path"),
                        format!("{} is not a document of the spec", path.as_str()),
                    ));
                }
                check_ref(source, None, &|| format!("{ptr}/source"), &mut errs);
            }
            Fault::BrokenReference { .. } => {}
        }
    }
    if let Some(e) = find_cycle(&edges) {
        errs.push(e);
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// A cycle in the dependency edges, reported at the edge that closes it.
fn find_cycle(edges: &[(&VPath, &VPath, At)]) -> Option<SpecError> {
    let mut adj: BTreeMap<&VPath, Vec<(&VPath, At)>> = BTreeMap::new();
    for &(s, d, p) in edges {
        if s != d {
            adj.entry(s).or_default().push((d, p));
        }
    }
    // Iterative three-colour DFS.
    let mut color: BTreeMap<&VPath, u8> = BTreeMap::new();
    let nodes: Vec<&VPath> = adj.keys().copied().collect();
    for n in nodes {
        if color.get(n).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&VPath, usize)> = vec![(n, 0)];
        color.insert(n, 1);
        while let Some((v, i)) = stack.pop() {
            let next = adj.get(v).and_then(|l| l.get(i)).copied();
            match next {
                Some((w, ptr)) => {
                    stack.push((v, i + 1));
                    match color.get(w).copied().unwrap_or(0) {
                        0 => {
                            color.insert(w, 1);
                            stack.push((w, 0));
                        }
                        1 => {
                            return Some(SpecError::new(
                                ptr.pointer(),
                                format!(
                                    "dependency cycle: {} depends on itself through {}",
                                    w.as_str(),
                                    v.as_str()
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
                None => {
                    color.insert(v, 2);
                }
            }
        }
    }
    None
}

//! What each tool does: checks its arguments against the world (so a bad
//! call is refused before any op), turns it into one op applied as the
//! agent, and writes the text the agent reads.

use simdesk_model::{
    Artifact, Block, Bullet, CellAddr, CellEdit, CellInput, CellRange, CellValue, Deck, DocEdit,
    Document, Inline, Layout, Op, Sheet, SimTime, Slide, SlideEdit, Text, TextFormat, VPath,
    Workbook, check_sheet_name, format_value, inlines_text,
};

use crate::error::ToolError;
use crate::markdown;
use crate::session::{Done, Session};
use crate::tools::*;

/// Most cells `read_range` shows.
const MAX_RANGE_CELLS: u64 = 10_000;

/// Most entries `list_files` and `search_files` show.
const MAX_LISTED: usize = 500;

/// Longest wait in one call: 30 days.
const MAX_WAIT_MINUTES: u32 = 30 * 24 * 60;

fn cell_addr(s: &str) -> Result<CellAddr, ToolError> {
    CellAddr::parse(s.trim()).map_err(|e| ToolError::invalid("cell", s, e.to_string()))
}

fn scalar(v: &Scalar) -> CellValue {
    match v {
        Scalar::Bool(b) => CellValue::Bool(*b),
        Scalar::Number(n) => CellValue::Number(*n),
        Scalar::Text(t) => CellValue::Text(t.clone()),
    }
}

fn slide(s: &SlideInput) -> Slide {
    Slide {
        layout: Layout::TitleAndContent,
        title: s.title.clone(),
        bullets: s
            .bullets
            .iter()
            .map(|b| {
                let indent = b.len() - b.trim_start().len();
                Bullet::text(u8::try_from(indent / 2).unwrap_or(8).min(8), b.trim())
            })
            .collect(),
        notes: s.notes.clone(),
        ..Slide::default()
    }
}

fn block_text(b: &Block) -> String {
    match b {
        Block::Heading { level, text } => format!("{} {text}", "#".repeat(usize::from(*level))),
        Block::Paragraph { inlines } => inlines_text(inlines),
        Block::List { ordered, items } => items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let pad = "  ".repeat(usize::from(it.level));
                let mark = if *ordered {
                    format!("{}.", i + 1)
                } else {
                    "-".to_owned()
                };
                format!("{pad}{mark} {}", inlines_text(&it.inlines))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Table(t) => t
            .rows
            .iter()
            .map(|r| {
                let cells: Vec<String> = r.iter().map(|c| inlines_text(c)).collect();
                format!("| {} |", cells.join(" | "))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Block::PageBreak => "---".to_owned(),
    }
}

/// The text view `read_file` pages through: documents and decks with the
/// block and slide numbers the edit tools take.
pub(crate) fn view(path: &VPath, a: &Artifact) -> String {
    match a {
        Artifact::Document(d) => {
            let mut out = String::new();
            if let Some(t) = &d.title {
                out.push_str(&format!("Title: {t}\n"));
            }
            let mut fields = Vec::new();
            for (i, b) in d.blocks.iter().enumerate() {
                out.push_str(&format!("[{i}] {}\n", block_text(b)));
                let one = Artifact::Document(Document {
                    title: None,
                    blocks: vec![b.clone()],
                });
                for f in one.fields() {
                    let fmt = f
                        .format
                        .as_deref()
                        .map_or(String::new(), |x| format!("|{x}"));
                    fields.push(format!("  [{i}] {} = {{{{{}{fmt}}}}}", f.display, f.source));
                }
            }
            if !fields.is_empty() {
                out.push_str("Fields (live quotes; write {{ref|format}} to keep one):\n");
                out.push_str(&fields.join("\n"));
                out.push('\n');
            }
            out
        }
        Artifact::Deck(d) => {
            let mut out = String::new();
            for (i, s) in d.slides.iter().enumerate() {
                out.push_str(&format!("--- slide [{i}]: {}\n", s.title));
                if let Some(sub) = &s.subtitle {
                    out.push_str(&format!("{sub}\n"));
                }
                for b in &s.bullets {
                    out.push_str(&format!(
                        "{}- {}\n",
                        "  ".repeat(usize::from(b.level)),
                        inlines_text(&b.inlines)
                    ));
                }
                if let Some(t) = &s.table {
                    out.push_str(&block_text(&Block::Table(t.clone())));
                    out.push('\n');
                }
                if !s.notes.is_empty() {
                    out.push_str(&format!("Notes: {}\n", s.notes));
                }
            }
            out
        }
        _ => simdesk_engine::render_text(path, a),
    }
}

fn wrong_kind(path: &VPath, expected: &'static str, a: &Artifact) -> ToolError {
    ToolError::WrongKind {
        path: path.clone(),
        expected,
        actual: a.kind().as_str(),
    }
}

fn replace_runs(inlines: &mut [Inline], find: &str, with: &str, n: &mut usize) {
    for i in inlines {
        if let Inline::Text { text, .. } = i
            && text.contains(find)
        {
            *n += text.matches(find).count();
            *text = text.replace(find, with);
        }
    }
}

fn replace_in(s: &mut String, find: &str, with: &str, n: &mut usize) {
    if s.contains(find) {
        *n += s.matches(find).count();
        *s = s.replace(find, with);
    }
}

impl Session {
    fn artifact_at(&self, path: &VPath) -> Result<&Artifact, ToolError> {
        self.world
            .artifact(path)
            .ok_or_else(|| ToolError::NotFound { path: path.clone() })
    }

    fn workbook_at(&self, path: &VPath) -> Result<&Workbook, ToolError> {
        match self.artifact_at(path)? {
            Artifact::Workbook(x) => Ok(x),
            a => Err(wrong_kind(path, "workbook", a)),
        }
    }

    fn document_at(&self, path: &VPath) -> Result<&Document, ToolError> {
        match self.artifact_at(path)? {
            Artifact::Document(x) => Ok(x),
            a => Err(wrong_kind(path, "document", a)),
        }
    }

    fn deck_at(&self, path: &VPath) -> Result<&Deck, ToolError> {
        match self.artifact_at(path)? {
            Artifact::Deck(x) => Ok(x),
            a => Err(wrong_kind(path, "deck", a)),
        }
    }

    fn must_exist(&self, path: &VPath) -> Result<(), ToolError> {
        if path.is_root() || self.world.artifact(path).is_some() || self.world.is_folder(path) {
            Ok(())
        } else {
            Err(ToolError::NotFound { path: path.clone() })
        }
    }

    fn must_be_free(&self, path: &VPath) -> Result<(), ToolError> {
        if self.world.artifact(path).is_some() || self.world.is_folder(path) {
            Err(ToolError::Exists { path: path.clone() })
        } else {
            Ok(())
        }
    }

    /// Applies an op as the agent and reports what followed.
    fn applied(&mut self, tool: &'static str, op: Op, what: String) -> Result<String, ToolError> {
        let out = self.apply_agent(tool, op)?;
        let mut text = what;
        if !out.recomputed.is_empty() {
            let names: Vec<&str> = out.recomputed.iter().map(VPath::as_str).collect();
            text.push_str(&format!("\nupdated: {}", names.join(", ")));
        }
        for d in &out.diagnostics {
            text.push_str(&format!("\n{d}"));
        }
        Ok(text)
    }

    /// Runs a parsed call up to the point where time is charged.
    pub(crate) fn exec(&mut self, call: &ToolCall) -> Result<Done, ToolError> {
        let text = match call {
            ToolCall::ListFiles(a) => self.list_files(a)?,
            ToolCall::SearchFiles(a) => self.search_files(a)?,
            ToolCall::ReadFile(a) => self.read_file(a)?,
            ToolCall::ReadRange(a) => self.read_range(a)?,
            ToolCall::WriteCells(a) => self.write_cells(a)?,
            ToolCall::WriteRange(a) => self.write_range(a)?,
            ToolCall::CreateWorkbook(a) => {
                self.must_be_free(&a.path)?;
                let names = if a.sheets.is_empty() {
                    vec!["Sheet1".to_owned()]
                } else {
                    a.sheets.clone()
                };
                for n in &names {
                    check_sheet_name(n).map_err(|r| ToolError::invalid("sheet", n, r))?;
                }
                let w = Workbook {
                    sheets: names.iter().map(|n| Sheet::new(n)).collect(),
                };
                self.create("create_workbook", &a.path, Artifact::Workbook(w))?
            }
            ToolCall::CreateDocument(a) => {
                self.must_be_free(&a.path)?;
                let d = Document {
                    title: a.title.clone(),
                    blocks: markdown::blocks(&a.markdown)?,
                };
                self.create("create_document", &a.path, Artifact::Document(d))?
            }
            ToolCall::CreateDeck(a) => {
                self.must_be_free(&a.path)?;
                let d = Deck {
                    title: a.title.clone(),
                    slides: a.slides.iter().map(slide).collect(),
                };
                self.create("create_deck", &a.path, Artifact::Deck(d))?
            }
            ToolCall::CreateNote(a) => {
                self.must_be_free(&a.path)?;
                let t = Text {
                    format: TextFormat::from_extension(a.path.extension().unwrap_or_default()),
                    content: a.text.clone(),
                };
                self.create("create_note", &a.path, Artifact::Text(t))?
            }
            ToolCall::EditDocument(a) => self.edit_document(a)?,
            ToolCall::ReplaceText(a) => self.replace_text(a)?,
            ToolCall::EditSlide(a) => self.edit_slide(a)?,
            ToolCall::CopyFile(a) => {
                self.artifact_at(&a.from)?;
                self.must_be_free(&a.to)?;
                let op = Op::Copy {
                    from: a.from.clone(),
                    to: a.to.clone(),
                };
                self.applied("copy_file", op, format!("copied {} to {}", a.from, a.to))?
            }
            ToolCall::MoveFile(a) => {
                self.must_exist(&a.from)?;
                self.must_be_free(&a.to)?;
                let op = Op::Move {
                    from: a.from.clone(),
                    to: a.to.clone(),
                };
                self.applied("move_file", op, format!("moved {} to {}", a.from, a.to))?
            }
            ToolCall::RenameFile(a) => {
                self.must_exist(&a.path)?;
                let to = a
                    .path
                    .with_file_name(&a.name)
                    .map_err(|e| ToolError::invalid("name", &a.name, e.to_string()))?;
                self.must_be_free(&to)?;
                let op = Op::Move {
                    from: a.path.clone(),
                    to: to.clone(),
                };
                self.applied("rename_file", op, format!("renamed {} to {to}", a.path))?
            }
            ToolCall::DeleteFile(a) => {
                self.must_exist(&a.path)?;
                let op = Op::Delete {
                    path: a.path.clone(),
                    recursive: a.recursive,
                };
                self.applied("delete_file", op, format!("deleted {}", a.path))?
            }
            ToolCall::CreateFolder(a) => {
                self.must_be_free(&a.path)?;
                let op = Op::Mkdir {
                    path: a.path.clone(),
                };
                self.applied("create_folder", op, format!("created folder {}", a.path))?
            }
            ToolCall::RefreshImport(a) => {
                self.artifact_at(&a.path)?;
                let op = Op::Refresh {
                    path: a.path.clone(),
                };
                let mut t = self.applied("refresh_import", op, format!("refreshed {}", a.path))?;
                if self.world.is_stale(&a.path) {
                    t.push_str("\nstill stale: a source upstream needs a refresh first");
                }
                t
            }
            ToolCall::LinkImport(a) => {
                for r in [&a.source, &a.dependent] {
                    match &r.path {
                        Some(p) => {
                            self.artifact_at(p)?;
                        }
                        None => {
                            return Err(ToolError::invalid(
                                "ref",
                                &r.to_string(),
                                "give an absolute path",
                            ));
                        }
                    }
                }
                let what = format!("linked {} into {}", a.source, a.dependent);
                let op = Op::Link {
                    source: a.source.clone(),
                    dependent: a.dependent.clone(),
                    kind: a.kind,
                };
                self.applied("link_import", op, what)?
            }
            ToolCall::UnlinkImport(a) => {
                self.artifact_at(&a.source)?;
                self.artifact_at(&a.dependent)?;
                let what = format!("unlinked {} from {}", a.source, a.dependent);
                let op = Op::Unlink {
                    source: a.source.clone(),
                    dependent: a.dependent.clone(),
                };
                self.applied("unlink_import", op, what)?
            }
            ToolCall::ExportPdf(a) => {
                let art = self.artifact_at(&a.path)?;
                if !matches!(
                    art,
                    Artifact::Document(_) | Artifact::Deck(_) | Artifact::Workbook(_)
                ) {
                    return Err(wrong_kind(&a.path, "document, deck or workbook", art));
                }
                self.export("export_pdf", &a.path, a.target.as_ref(), "pdf", None)?
            }
            ToolCall::ExportCsv(a) => {
                let w = self.workbook_at(&a.path)?;
                if let Some(s) = &a.sheet
                    && w.sheet(s).is_none()
                {
                    return Err(ToolError::invalid("sheet", s, "no sheet of this name"));
                }
                self.export(
                    "export_csv",
                    &a.path,
                    a.target.as_ref(),
                    "csv",
                    a.sheet.clone(),
                )?
            }
            ToolCall::ListEmails(a) => self.list_emails(a)?,
            ToolCall::ReadEmail(a) => self.read_email(&a.path)?,
            ToolCall::SendEmail(a) => self.send_email(a)?,
            ToolCall::ReplyEmail(a) => self.reply_email(a)?,
            ToolCall::ForwardEmail(a) => self.forward_email(a)?,
            ToolCall::ReadCalendar(_) => self.calendar(),
            ToolCall::Wait(a) => {
                if a.minutes == 0 || a.minutes > MAX_WAIT_MINUTES {
                    return Err(ToolError::invalid(
                        "minutes",
                        &a.minutes.to_string(),
                        format!("wait 1 to {MAX_WAIT_MINUTES} minutes"),
                    ));
                }
                return Ok(Done::WaitUntil(
                    self.now.plus_secs(i64::from(a.minutes) * 60),
                ));
            }
            ToolCall::WaitUntil(a) => {
                let t = SimTime::parse(&a.time)
                    .map_err(|e| ToolError::invalid("time", &a.time, e.to_string()))?;
                let max = self.now.plus_secs(i64::from(MAX_WAIT_MINUTES) * 60);
                if t <= self.now || t > max {
                    return Err(ToolError::invalid(
                        "time",
                        &a.time,
                        format!("must be after now ({}) and within 30 days", self.now),
                    ));
                }
                return Ok(Done::WaitUntil(t));
            }
            ToolCall::WaitForEmail(a) => {
                let m = a.max_minutes.unwrap_or(7 * 24 * 60);
                if m == 0 || m > MAX_WAIT_MINUTES {
                    return Err(ToolError::invalid(
                        "max_minutes",
                        &m.to_string(),
                        format!("wait 1 to {MAX_WAIT_MINUTES} minutes"),
                    ));
                }
                return Ok(Done::WaitForEmail(self.now.plus_secs(i64::from(m) * 60)));
            }
            ToolCall::Finish(_) => {
                return Ok(Done::Finish(format!("session finished at {}", self.now)));
            }
        };
        Ok(Done::Text(text))
    }

    fn create(
        &mut self,
        tool: &'static str,
        path: &VPath,
        a: Artifact,
    ) -> Result<String, ToolError> {
        let kind = a.kind();
        let op = Op::Create {
            path: path.clone(),
            artifact: a.into(),
        };
        self.applied(tool, op, format!("created {kind} {path}"))
    }

    fn export(
        &mut self,
        tool: &'static str,
        source: &VPath,
        target: Option<&VPath>,
        ext: &str,
        sheet: Option<String>,
    ) -> Result<String, ToolError> {
        let target = match target {
            Some(t) => t.clone(),
            None => source
                .with_extension(ext)
                .map_err(|e| ToolError::invalid("path", source.as_str(), e.to_string()))?,
        };
        if !target
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        {
            return Err(ToolError::invalid(
                "target",
                target.as_str(),
                format!("the target must end in .{ext}"),
            ));
        }
        let op = Op::Export {
            source: source.clone(),
            target: target.clone(),
            sheet,
        };
        self.applied(tool, op, format!("exported {source} to {target}"))
    }

    fn list_files(&self, a: &ListFiles) -> Result<String, ToolError> {
        if !a.path.is_root() && !self.world.is_folder(&a.path) {
            return match self.world.artifact(&a.path) {
                Some(x) => Err(wrong_kind(&a.path, "folder", x)),
                None => Err(ToolError::NotFound {
                    path: a.path.clone(),
                }),
            };
        }
        let entries: Vec<simdesk_engine::Entry> = if a.recursive {
            self.world
                .walk()
                .into_iter()
                .filter(|e| e.path.starts_with(&a.path) && e.path != a.path)
                .collect()
        } else {
            self.world.list(&a.path)
        };
        let mut out = format!("{} ({} entries)\n", a.path, entries.len());
        for e in entries.iter().take(MAX_LISTED) {
            match e.kind {
                None => out.push_str(&format!("{}/\n", e.path)),
                Some(k) => {
                    let when = e.modified_at.map(|t| t.to_string()).unwrap_or_default();
                    let stale = if self.world.is_stale(&e.path) {
                        "  STALE"
                    } else {
                        ""
                    };
                    out.push_str(&format!("{}  ({k}, modified {when}){stale}\n", e.path));
                }
            }
        }
        if entries.len() > MAX_LISTED {
            out.push_str(&format!(
                "… {} more not shown\n",
                entries.len() - MAX_LISTED
            ));
        }
        Ok(out)
    }

    fn search_files(&self, a: &SearchFiles) -> Result<String, ToolError> {
        let words: Vec<String> = a.query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Err(ToolError::invalid(
                "query",
                &a.query,
                "give at least one word",
            ));
        }
        if let Some(p) = &a.path {
            self.must_exist(p)?;
        }
        let mut hits = Vec::new();
        for (path, art) in self.world.artifacts() {
            if a.path.as_ref().is_some_and(|p| !path.starts_with(p)) {
                continue;
            }
            let name = path.as_str().to_lowercase();
            if words.iter().all(|w| name.contains(w)) {
                hits.push(format!("{path}  (name)"));
            } else if a.contents {
                let text = simdesk_engine::plain_text(art);
                let lower = text.to_lowercase();
                if words.iter().all(|w| lower.contains(w)) {
                    let line = text
                        .lines()
                        .find(|l| l.to_lowercase().contains(&words[0]))
                        .unwrap_or_default();
                    let snippet: String = line.trim().chars().take(120).collect();
                    hits.push(format!("{path}\n  {snippet}"));
                }
            }
            if hits.len() > MAX_LISTED {
                break;
            }
        }
        let mut out = format!(
            "{} match(es) for {:?}\n",
            hits.len().min(MAX_LISTED),
            a.query
        );
        for h in hits.iter().take(MAX_LISTED) {
            out.push_str(h);
            out.push('\n');
        }
        Ok(out)
    }

    fn read_file(&self, a: &ReadFile) -> Result<String, ToolError> {
        let art = self.artifact_at(&a.path)?;
        let revision = self.world.revision_of(&a.path).unwrap_or(0);
        let v = self.views.get(&a.path, revision, || view(&a.path, art));
        let per = self.scenario.costs.page_lines.max(1) as usize;
        let pages = v.lines().div_ceil(per).max(1);
        let page = a.page as usize;
        if page == 0 || page > pages {
            return Err(ToolError::invalid(
                "page",
                &a.page.to_string(),
                format!("the file has {pages} page(s)"),
            ));
        }
        let body = v.slice((page - 1) * per, page * per);
        let stale = match self.world.staleness(&a.path) {
            Some(_) => ", STALE: a source changed since it was made",
            None => "",
        };
        Ok(format!(
            "{} ({}, page {page} of {pages}{stale})\n{body}\n",
            a.path,
            art.kind()
        ))
    }

    fn read_range(&self, a: &ReadRange) -> Result<String, ToolError> {
        let w = self.workbook_at(&a.path)?;
        let sheet = w
            .sheet(&a.sheet)
            .ok_or_else(|| ToolError::invalid("sheet", &a.sheet, "no sheet of this name"))?;
        let (from, to) = a.range.split_once(':').unwrap_or((&a.range, &a.range));
        let range = CellRange::new(cell_addr(from)?, cell_addr(to)?);
        if range.len() > MAX_RANGE_CELLS {
            return Err(ToolError::Limit {
                what: "cells in a range",
                limit: MAX_RANGE_CELLS as usize,
                actual: range.len() as usize,
            });
        }
        let mut out = format!("{}#{}!{range}\n", a.path, a.sheet);
        let mut any = false;
        for (addr, c) in sheet.cells.range(range.start..=range.end) {
            if !range.contains(*addr) {
                continue;
            }
            any = true;
            let v = format_value(&c.value, c.format.as_deref());
            match &c.formula {
                Some(f) => out.push_str(&format!("{addr} = {v}  [={f}]\n")),
                None => out.push_str(&format!("{addr} = {v}\n")),
            }
        }
        if !any {
            out.push_str("(all cells empty)\n");
        }
        Ok(out)
    }

    fn written(&self, path: &VPath, sheet: &str, cells: &[CellAddr]) -> String {
        let mut out = String::new();
        for addr in cells.iter().take(50) {
            if let Some(c) = self.world.cell(path, sheet, *addr) {
                let v = format_value(&c.value, c.format.as_deref());
                out.push_str(&format!("\n{addr} = {v}"));
            }
        }
        out
    }

    fn write_cells(&mut self, a: &WriteCells) -> Result<String, ToolError> {
        self.workbook_at(&a.path)?;
        check_sheet_name(&a.sheet).map_err(|r| ToolError::invalid("sheet", &a.sheet, r))?;
        let mut edits = Vec::with_capacity(a.cells.len());
        for c in &a.cells {
            edits.push(CellEdit {
                cell: cell_addr(&c.cell)?,
                input: CellInput {
                    value: c.value.as_ref().map(scalar),
                    formula: c
                        .formula
                        .as_ref()
                        .map(|f| f.trim().trim_start_matches('=').to_owned()),
                    format: c.format.clone(),
                    link: None,
                },
            });
        }
        let addrs: Vec<CellAddr> = edits.iter().map(|e| e.cell).collect();
        let op = Op::SetCells {
            path: a.path.clone(),
            sheet: a.sheet.clone(),
            cells: edits,
        };
        let what = format!("wrote {} cell(s) in {}#{}", addrs.len(), a.path, a.sheet);
        let mut t = self.applied("write_cells", op, what)?;
        t.push_str(&self.written(&a.path, &a.sheet, &addrs));
        Ok(t)
    }

    fn write_range(&mut self, a: &WriteRange) -> Result<String, ToolError> {
        self.workbook_at(&a.path)?;
        check_sheet_name(&a.sheet).map_err(|r| ToolError::invalid("sheet", &a.sheet, r))?;
        let start = cell_addr(&a.start)?;
        let rows: Vec<Vec<Option<CellInput>>> = a
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| {
                        v.as_ref().map(|v| match v {
                            Scalar::Text(t) if t.starts_with('=') => CellInput::formula(t),
                            v => CellInput {
                                value: Some(scalar(v)),
                                ..CellInput::default()
                            },
                        })
                    })
                    .collect()
            })
            .collect();
        let n: usize = rows.iter().map(Vec::len).sum();
        let op = Op::SetRange {
            path: a.path.clone(),
            sheet: a.sheet.clone(),
            start,
            rows,
        };
        self.applied(
            "write_range",
            op,
            format!("wrote {n} cell(s) from {}#{}!{start}", a.path, a.sheet),
        )
    }

    fn edit_document(&mut self, a: &EditDocument) -> Result<String, ToolError> {
        let doc = self.document_at(&a.path)?;
        let len = doc.blocks.len();
        let in_range = match a.action {
            EditAction::Insert => a.index <= len,
            _ => a.index < len,
        };
        if !in_range {
            return Err(ToolError::invalid(
                "index",
                &a.index.to_string(),
                format!("the document has {len} block(s), numbered from 0"),
            ));
        }
        let new = if a.action == EditAction::Delete {
            Vec::new()
        } else {
            let b = markdown::blocks(&a.markdown)?;
            if b.is_empty() {
                return Err(ToolError::invalid(
                    "markdown",
                    "",
                    "give the text of the new block",
                ));
            }
            b
        };
        let what = format!("edited {} at block {}", a.path, a.index);
        let op = match (a.action, new.len()) {
            (EditAction::Delete, _) => Op::EditDocument {
                path: a.path.clone(),
                edit: DocEdit::Delete { index: a.index },
            },
            (EditAction::Insert, 1) => Op::EditDocument {
                path: a.path.clone(),
                edit: DocEdit::Insert {
                    index: a.index,
                    block: new[0].clone(),
                },
            },
            (EditAction::Replace, 1) => Op::EditDocument {
                path: a.path.clone(),
                edit: DocEdit::Replace {
                    index: a.index,
                    block: new[0].clone(),
                },
            },
            (action, _) => {
                let mut d = doc.clone();
                let end = if action == EditAction::Replace {
                    a.index + 1
                } else {
                    a.index
                };
                d.blocks.splice(a.index..end, new);
                Op::Write {
                    path: a.path.clone(),
                    artifact: Artifact::Document(d).into(),
                }
            }
        };
        self.applied("edit_document", op, what)
    }

    fn replace_text(&mut self, a: &ReplaceText) -> Result<String, ToolError> {
        if a.find.is_empty() {
            return Err(ToolError::invalid("find", "", "give the text to find"));
        }
        let mut art = self.artifact_at(&a.path)?.clone();
        let mut n = 0;
        match &mut art {
            Artifact::Document(d) => {
                for b in &mut d.blocks {
                    match b {
                        Block::Heading { text, .. } => {
                            replace_in(text, &a.find, &a.replace, &mut n)
                        }
                        Block::Paragraph { inlines } => {
                            replace_runs(inlines, &a.find, &a.replace, &mut n)
                        }
                        Block::List { items, .. } => {
                            for it in items {
                                replace_runs(&mut it.inlines, &a.find, &a.replace, &mut n);
                            }
                        }
                        Block::Table(t) => {
                            for c in t.rows.iter_mut().flatten() {
                                replace_runs(c, &a.find, &a.replace, &mut n);
                            }
                        }
                        Block::PageBreak => {}
                    }
                }
            }
            Artifact::Deck(d) => {
                for s in &mut d.slides {
                    replace_in(&mut s.title, &a.find, &a.replace, &mut n);
                    replace_in(&mut s.notes, &a.find, &a.replace, &mut n);
                    for b in &mut s.bullets {
                        replace_runs(&mut b.inlines, &a.find, &a.replace, &mut n);
                    }
                }
            }
            Artifact::Text(t) => replace_in(&mut t.content, &a.find, &a.replace, &mut n),
            other => {
                return Err(wrong_kind(&a.path, "document, deck or note", other));
            }
        }
        if n == 0 {
            return Err(ToolError::invalid(
                "find",
                &a.find,
                "not found in the file's text (quoted figures are fields: edit their source)",
            ));
        }
        let op = Op::Write {
            path: a.path.clone(),
            artifact: art.into(),
        };
        self.applied(
            "replace_text",
            op,
            format!("replaced {n} occurrence(s) in {}", a.path),
        )
    }

    fn edit_slide(&mut self, a: &EditSlide) -> Result<String, ToolError> {
        let len = self.deck_at(&a.path)?.slides.len();
        let ok = match a.action {
            EditAction::Insert => a.index <= len,
            _ => a.index < len,
        };
        if !ok {
            return Err(ToolError::invalid(
                "index",
                &a.index.to_string(),
                format!("the deck has {len} slide(s), numbered from 0"),
            ));
        }
        let need = || {
            a.slide
                .as_ref()
                .map(slide)
                .ok_or_else(|| ToolError::invalid("slide", "", "give the slide"))
        };
        let edit = match a.action {
            EditAction::Insert => SlideEdit::Insert {
                index: a.index,
                slide: need()?,
            },
            EditAction::Replace => SlideEdit::Replace {
                index: a.index,
                slide: need()?,
            },
            EditAction::Delete => SlideEdit::Delete { index: a.index },
        };
        let op = Op::EditSlides {
            path: a.path.clone(),
            edit,
        };
        self.applied(
            "edit_slide",
            op,
            format!("edited {} at slide {}", a.path, a.index),
        )
    }

    fn calendar(&self) -> String {
        let mut items: Vec<&simdesk_model::Objective> = self.world.objectives().collect();
        items.sort_by(|x, y| x.due.cmp(&y.due).then(x.id.cmp(&y.id)));
        let mut out = format!("now: {}\n", self.now);
        if items.is_empty() {
            out.push_str("nothing assigned yet\n");
        }
        for o in items {
            let who = self
                .scenario
                .collaborator_by_email(&o.requested_by)
                .map_or(o.requested_by.as_str(), |c| c.name.as_str());
            let status = if self.objectives.get(&o.id).is_some_and(|s| s.accepted) {
                "  (accepted)"
            } else if o.due < self.now {
                "  (OVERDUE)"
            } else {
                ""
            };
            out.push_str(&format!("{}  {} — from {who}{status}\n", o.due, o.title));
        }
        out
    }
}

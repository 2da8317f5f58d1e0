//! The pptx reader: parts come out of the zip guard, each is parsed into a
//! small depth-limited element tree, and the deck is read from the trees.

use quick_xml::events::Event;
use simdesk_model::{Artifact, Bullet, Deck, Inline, Layout, Slide, Table};

use crate::zipguard::{SafeZip, open_zip};
use crate::{Cause, Format, FormatError, Limits};

fn malformed(reason: impl Into<String>) -> FormatError {
    FormatError::malformed(Format::Pptx, reason)
}

fn xml_err(part: &str, e: impl Into<Cause>) -> FormatError {
    FormatError::malformed_by(Format::Pptx, part, e)
}

/// An XML element: local name, attributes by qualified name, children.
#[derive(Debug, Default)]
pub(crate) struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub(crate) enum Node {
    El(El),
    Text(String),
}

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => name.to_owned(),
    }
}

/// Parses XML into an element tree, refusing nesting deeper than
/// `max_depth` and more than `max_nodes` nodes.
pub(crate) fn parse(
    xml: &str,
    part: &str,
    max_depth: usize,
    max_nodes: usize,
) -> Result<El, FormatError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<El> = vec![El::default()];
    let mut nodes = 0usize;
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(part, e))?;
        let mut open = |e: &quick_xml::events::BytesStart<'_>| -> Result<El, FormatError> {
            nodes += 1;
            if nodes > max_nodes {
                return Err(FormatError::Limit {
                    limit: "xml nodes",
                    actual: nodes as u64,
                    max: max_nodes as u64,
                    context: part.to_owned(),
                });
            }
            let mut el = El {
                name: local(e.name().as_ref()),
                ..El::default()
            };
            for a in e.attributes() {
                let a = a.map_err(|e| xml_err(part, e))?;
                let key = a.key.as_ref().to_owned();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| xml_err(part, e))?
                    .into_owned();
                el.attrs.push((key, value));
            }
            Ok(el)
        };
        match ev {
            Event::Start(e) => {
                let el = open(&e)?;
                if stack.len() > max_depth {
                    return Err(FormatError::Limit {
                        limit: "xml depth",
                        actual: stack.len() as u64,
                        max: max_depth as u64,
                        context: part.to_owned(),
                    });
                }
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = open(&e)?;
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::El(el));
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| malformed(format!("{part}: unbalanced end tag")))?;
                match stack.last_mut() {
                    Some(top) => top.children.push(Node::El(el)),
                    None => return Err(malformed(format!("{part}: unbalanced end tag"))),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Text(s.into_owned()));
                }
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let text = if let Some(ch) = r.resolve_char_ref().map_err(|e| xml_err(part, e))? {
                    ch.to_string()
                } else {
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| malformed(format!("{part}: unknown entity &{name};")))?
                        .to_owned()
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Text(text));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.children
                        .push(Node::Text(t.xml10_content().into_owned()));
                }
            }
            Event::DocType(_) => {
                return Err(malformed(format!(
                    "{part}: document type declarations are refused"
                )));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(malformed(format!(
            "{part}: truncated XML ({} elements left open)",
            stack.len() - 1
        )));
    }
    let root = stack.pop().unwrap_or_default();
    root.children
        .into_iter()
        .find_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| malformed(format!("{part}: no root element")))
}

impl El {
    pub(crate) fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub(crate) fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    /// Attribute by qualified or local name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name || k.rsplit_once(':').is_some_and(|(_, l)| l == name))
            .map(|(_, v)| v.as_str())
    }

    /// All descendants named `name`, depth first, not looking inside a match.
    pub(crate) fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a El>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }

    pub(crate) fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::El(e) => s.push_str(&e.text()),
            }
        }
        s
    }
}

/// Relationships of a part: id → (type, resolved target part name).
fn rels(
    zip: &SafeZip<'_>,
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String, String)>, FormatError> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    if !zip.contains(&rels_name) {
        return Ok(Vec::new());
    }
    let root = parse(
        &zip.read_xml(&rels_name)?,
        &rels_name,
        limits.max_xml_depth,
        limits.max_items,
    )?;
    let mut out = Vec::new();
    for r in root.elements().filter(|e| e.name == "Relationship") {
        if r.attr("TargetMode") == Some("External") {
            continue;
        }
        let (Some(id), Some(ty), Some(target)) = (r.attr("Id"), r.attr("Type"), r.attr("Target"))
        else {
            continue;
        };
        out.push((id.to_owned(), ty.to_owned(), resolve(dir, target)));
    }
    Ok(out)
}

/// Resolves a relationship target against the source part's folder.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalise(abs.split('/').collect());
    } else if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    parts.extend(target.split('/'));
    normalise(parts)
}

fn normalise(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

fn rel_of_type<'a>(rels: &'a [(String, String, String)], suffix: &str) -> Option<&'a str> {
    rels.iter()
        .find(|(_, t, _)| t.ends_with(suffix))
        .map(|(_, _, target)| target.as_str())
}

/// Reads a `.pptx` package into an [`Artifact::Deck`].
pub fn import_pptx(bytes: &[u8], limits: &Limits) -> Result<Artifact, FormatError> {
    if bytes.is_empty() {
        return Err(malformed("empty file"));
    }
    let zip = open_zip(bytes, limits, Format::Pptx)?;
    let root_rels = rels(&zip, "", limits)?;
    let pres_name = rel_of_type(&root_rels, "/officeDocument")
        .map(str::to_owned)
        .unwrap_or_else(|| "ppt/presentation.xml".to_owned());
    if !zip.contains(&pres_name) {
        return Err(malformed(format!("no presentation part ({pres_name})")));
    }
    let pres = parse(
        &zip.read_xml(&pres_name)?,
        &pres_name,
        limits.max_xml_depth,
        limits.max_items,
    )?;
    // A workbook's or document's main part is named by the same
    // relationship type: only a `<presentation>` makes a deck (an xlsx
    // read here used to become an empty deck).
    if pres.name != "presentation" {
        return Err(malformed(format!(
            "{pres_name} is a <{}>, not a <presentation>",
            pres.name
        )));
    }
    let pres_rels = rels(&zip, &pres_name, limits)?;

    let title = match rel_of_type(&root_rels, "/core-properties") {
        Some(core) if zip.contains(core) => {
            let core_el = parse(
                &zip.read_xml(core)?,
                core,
                limits.max_xml_depth,
                limits.max_items,
            )?;
            core_el
                .child("title")
                .map(El::text)
                .filter(|t| !t.is_empty())
        }
        _ => None,
    };

    let mut slide_parts = Vec::new();
    if let Some(list) = pres.child("sldIdLst") {
        for id in list.elements().filter(|e| e.name == "sldId") {
            let rid = id
                .attr("r:id")
                .or_else(|| id.attr("id"))
                .unwrap_or_default();
            let target = pres_rels
                .iter()
                .find(|(i, _, _)| i == rid)
                .map(|(_, _, t)| t.clone())
                .ok_or_else(|| {
                    malformed(format!("{pres_name}: slide relationship {rid:?} not found"))
                })?;
            slide_parts.push(target);
        }
    }
    if slide_parts.len() > limits.max_items {
        return Err(FormatError::Limit {
            limit: "slides",
            actual: slide_parts.len() as u64,
            max: limits.max_items as u64,
            context: pres_name,
        });
    }

    let mut slides = Vec::with_capacity(slide_parts.len());
    for part in &slide_parts {
        slides.push(read_slide(&zip, part, limits)?);
    }
    Ok(Artifact::Deck(Deck { title, slides }))
}

fn read_slide(zip: &SafeZip<'_>, part: &str, limits: &Limits) -> Result<Slide, FormatError> {
    let el = parse(
        &zip.read_xml(part)?,
        part,
        limits.max_xml_depth,
        limits.max_items,
    )?;
    let slide_rels = rels(zip, part, limits)?;
    let layout = match rel_of_type(&slide_rels, "/slideLayout") {
        Some(l) if zip.contains(l) => {
            let lay = parse(&zip.read_xml(l)?, l, limits.max_xml_depth, limits.max_items)?;
            match lay.attr("type") {
                Some("title") => Layout::Title,
                _ => Layout::TitleAndContent,
            }
        }
        _ => Layout::TitleAndContent,
    };
    let mut slide = Slide {
        layout,
        ..Slide::default()
    };
    let mut shapes = Vec::new();
    el.find_all("sp", &mut shapes);
    for sp in shapes {
        let ph = sp
            .child("nvSpPr")
            .and_then(|n| n.child("nvPr"))
            .and_then(|n| n.child("ph"));
        let Some(body) = sp.child("txBody") else {
            continue;
        };
        let paragraphs: Vec<&El> = body.elements().filter(|e| e.name == "p").collect();
        match ph.map(|p| p.attr("type").unwrap_or("body")) {
            Some("title" | "ctrTitle") => slide.title = plain_text(&paragraphs),
            Some("subTitle") => slide.subtitle = Some(plain_text(&paragraphs)),
            Some("body" | "obj") => {
                for p in paragraphs {
                    let level = p
                        .child("pPr")
                        .and_then(|pp| pp.attr("lvl"))
                        .and_then(|l| l.parse::<u8>().ok())
                        .unwrap_or(0);
                    slide.bullets.push(Bullet {
                        level,
                        inlines: paragraph_runs(p),
                    });
                }
            }
            _ => {}
        }
    }
    let mut tables = Vec::new();
    el.find_all("tbl", &mut tables);
    if let Some(tbl) = tables.first() {
        let header = tbl
            .child("tblPr")
            .and_then(|p| p.attr("firstRow"))
            .is_some_and(|v| v == "1" || v == "true");
        let mut rows = Vec::new();
        for tr in tbl.elements().filter(|e| e.name == "tr") {
            let mut cells = Vec::new();
            for tc in tr.elements().filter(|e| e.name == "tc") {
                let paragraphs: Vec<&El> = tc
                    .child("txBody")
                    .map(|b| b.elements().filter(|e| e.name == "p").collect())
                    .unwrap_or_default();
                let mut runs = Vec::new();
                for (i, p) in paragraphs.iter().enumerate() {
                    if i > 0 {
                        runs.push(Inline::text("\n"));
                    }
                    runs.extend(paragraph_runs(p));
                }
                cells.push(runs);
            }
            rows.push(cells);
        }
        slide.table = Some(Table { header, rows });
    }
    if let Some(notes) = rel_of_type(&slide_rels, "/notesSlide").filter(|n| zip.contains(n)) {
        let n = parse(
            &zip.read_xml(notes)?,
            notes,
            limits.max_xml_depth,
            limits.max_items,
        )?;
        let mut sps = Vec::new();
        n.find_all("sp", &mut sps);
        for sp in sps {
            let ty = sp
                .child("nvSpPr")
                .and_then(|n| n.child("nvPr"))
                .and_then(|n| n.child("ph"))
                .map(|p| p.attr("type").unwrap_or("body"));
            if ty == Some("body") {
                let paragraphs: Vec<&El> = sp
                    .child("txBody")
                    .map(|b| b.elements().filter(|e| e.name == "p").collect())
                    .unwrap_or_default();
                slide.notes = plain_text(&paragraphs);
                break;
            }
        }
    }
    Ok(slide)
}

/// The runs of a paragraph: `a:r` and `a:fld` become runs, `a:br` a line
/// break at the start of the next run (or the end of the last).
fn paragraph_runs(p: &El) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut pending = String::new();
    for e in p.elements() {
        match e.name.as_str() {
            "r" | "fld" => {
                let props = e.child("rPr");
                let on = |k: &str| {
                    props
                        .and_then(|p| p.attr(k))
                        .is_some_and(|v| v == "1" || v == "true")
                };
                let text = e.child("t").map(El::text).unwrap_or_default();
                out.push(Inline::Text {
                    text: format!("{pending}{text}"),
                    bold: on("b"),
                    italic: on("i"),
                });
                pending.clear();
            }
            "br" => pending.push('\n'),
            _ => {}
        }
    }
    if !pending.is_empty() {
        match out.last_mut() {
            Some(Inline::Text { text, .. }) => text.push_str(&pending),
            _ => out.push(Inline::text(&pending)),
        }
    }
    out
}

/// Paragraphs as plain text: runs joined, breaks and paragraph ends as `\n`.
fn plain_text(paragraphs: &[&El]) -> String {
    paragraphs
        .iter()
        .map(|p| {
            paragraph_runs(p)
                .iter()
                .map(Inline::display)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

//! A world as a plain folder: every artifact written as the real file
//! `simdesk export` writes (xlsx, docx, pptx, pdf, eml with attachments,
//! csv, md) and read back by the formats' readers into a new world without
//! any edge, as `simdesk import DIR` does for a folder without a manifest.
//! In memory, so the sweep over many computers writes nothing to disk.

use simdesk_check::Attached;
use simdesk_engine::Workspace;
use simdesk_formats::{ExportOptions, Format, Limits, eml};
use simdesk_model::*;

fn export(a: &Artifact) -> (Format, Vec<u8>) {
    let format = simdesk_formats::default_format(a.kind());
    let bytes = simdesk_formats::export(a, format, &ExportOptions::default())
        .unwrap_or_else(|e| panic!("export a {}: {e}", a.kind()));
    (format, bytes)
}

fn mime(format: Format) -> &'static str {
    match format {
        Format::Pdf => "application/pdf",
        Format::Csv => "text/csv",
        Format::Markdown => "text/markdown",
        _ => "application/octet-stream",
    }
}

/// Reads bytes as the plain-folder import does: by extension.
fn read(path: &VPath, bytes: &[u8]) -> Option<Artifact> {
    let ext = path.extension().unwrap_or("");
    let limits = Limits::default();
    match simdesk_formats::format_for_extension(ext) {
        Format::Text | Format::Csv | Format::Markdown => {
            simdesk_formats::import_text(bytes, TextFormat::from_extension(ext), &limits).ok()
        }
        Format::Mbox => None,
        f => simdesk_formats::import(bytes, f, &limits).ok(),
    }
}

/// `ws` written as files and read back without a manifest, with the copies
/// its emails carry.
pub fn plain(ws: &Workspace) -> (Workspace, Vec<Attached>) {
    let mut files: Vec<(VPath, Vec<u8>)> = Vec::new();
    let mut rendered: std::collections::BTreeMap<VPath, (Format, Vec<u8>)> = Default::default();
    for (p, a) in ws.artifacts() {
        if !matches!(a, Artifact::Email(_)) {
            rendered.insert(p.clone(), export(a));
        }
    }
    for (p, a) in ws.artifacts() {
        let bytes = match a {
            Artifact::Email(e) => {
                let data: Vec<eml::AttachmentData<'_>> = e
                    .attachments
                    .iter()
                    .filter_map(|at| {
                        rendered.get(at).map(|(f, b)| eml::AttachmentData {
                            path: at,
                            mime: mime(*f),
                            bytes: b,
                        })
                    })
                    .collect();
                eml::export_eml_with(e, &data, &ExportOptions::default()).expect("eml")
            }
            _ => rendered[p].1.clone(),
        };
        files.push((p.clone(), bytes));
    }
    let mut out = Workspace::new(ws.start(), Persona::default());
    let mut attached = Vec::new();
    let mut emails = Vec::new();
    for (p, bytes) in &files {
        if p.extension() == Some("eml") {
            let (e, atts) = eml::import_eml_with(bytes, &Limits::default()).expect("eml back");
            for at in atts.into_iter().filter(|a| a.has_bytes) {
                if let Some(artifact) = read(&at.path, &at.bytes) {
                    // Attachments that are no file of the folder become
                    // files, as the import makes them.
                    if !files.iter().any(|(f, _)| *f == at.path) && out.artifact(&at.path).is_none()
                    {
                        create(&mut out, &at.path, artifact.clone());
                    }
                    attached.push(Attached {
                        email: p.clone(),
                        path: at.path,
                        artifact,
                    });
                }
            }
            emails.push((p.clone(), e));
            continue;
        }
        let Some(a) = read(p, bytes) else { continue };
        create(&mut out, p, a);
    }
    for (p, e) in emails {
        create(&mut out, &p, Artifact::Email(e));
    }
    (out, attached)
}

fn create(ws: &mut Workspace, p: &VPath, a: Artifact) {
    if let Some(dir) = p.parent() {
        for d in dir.ancestors().into_iter().chain([dir.clone()]) {
            if !d.is_root() && !ws.is_folder(&d) {
                ws.apply_as("import", Op::Mkdir { path: d });
            }
        }
    }
    let out = ws.apply_as(
        "import",
        Op::Create {
            path: p.clone(),
            artifact: a.into(),
        },
    );
    assert!(out.is_applied(), "create {p}: {:?}", out.diagnostics);
}

//! `simdesk export` and `simdesk import`: arguments, summaries and exit
//! codes around `simdesk_store`'s export and import.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use simdesk_store::{ExportSettings, ImportOptions, ManifestPlace};

/// `simdesk export WORLD DIR [--agent]`: loads the world and the original
/// bytes of its imported files, exports (unchanged imported files byte for
/// byte), prints a summary on stdout and a warning per file written with
/// less than its original held on stderr.
pub fn run_export(world: &Path, dir: &Path, force: bool, agent: bool) -> Result<ExitCode> {
    let ws = simdesk_store::load_world(world)?;
    let originals = simdesk_store::load_originals(world)?;
    let settings = ExportSettings {
        force,
        manifest: if agent {
            ManifestPlace::Omit
        } else {
            ManifestPlace::InTree
        },
        ..ExportSettings::default()
    };
    let settings = ExportSettings {
        protect: Some(world),
        originals: Some(&originals),
        ..settings
    };
    let r = simdesk_store::export_world_with(&ws, dir, &settings)?;
    for w in &r.warnings {
        errln!("warning {}: {}", w.path, w.message);
    }
    outln!(
        "exported {} artifacts ({} bytes) in {} folders to {}",
        r.artifacts,
        r.bytes,
        r.folders,
        dir.display()
    );
    outln!("state {}", r.state_hash);
    Ok(ExitCode::SUCCESS)
}

/// `simdesk import DIR --out WORLD`: imports, saves, prints a summary on
/// stdout and every file left out, with the reason, on stderr. Exits 2
/// when a file could not be read (the world of the others is saved
/// anyway).
pub fn run_import(dir: &Path, out: &Path, force: bool, opts: &ImportOptions) -> Result<ExitCode> {
    if std::fs::symlink_metadata(out).is_ok() && !force {
        bail!("{} exists; pass --force to overwrite it", out.display());
    }
    let mut r = simdesk_store::import_dir(dir, opts)?;
    // Without a manifest nothing links the files: record the links their
    // content shows as `inferred` edges.
    let mut inferred = 0;
    if !r.with_manifest {
        for op in simdesk_check::infer(&r.world, &r.attached).link_ops() {
            inferred += usize::from(
                r.world
                    .apply_as(simdesk_store::IMPORT_ACTOR, op)
                    .is_applied(),
            );
        }
    }
    simdesk_store::save_world(&r.world, out)?;
    simdesk_store::save_originals(out, &r.originals)?;
    // Up front (once everything is saved, so a closed pipe loses nothing):
    // what files carry that the world will not hold.
    for (path, o) in r.originals.iter() {
        if !o.unmodelled.is_empty() {
            outln!(
                "{}: {} not held by the world; kept byte for byte while the file is unchanged, dropped if it changes",
                path.as_str().trim_start_matches('/'),
                o.unmodelled
            );
        }
    }
    if r.with_manifest {
        outln!(
            "imported {} with its manifest: {} artifacts ({} unchanged, {} written, {} created), {} deleted, {} folders created",
            dir.display(),
            r.world.artifact_count(),
            r.kept,
            r.written,
            r.created,
            r.deleted,
            r.folders
        );
    } else {
        outln!(
            "imported {} without a manifest: {} artifacts in {} folders, {inferred} inferred links",
            dir.display(),
            r.created,
            r.folders
        );
    }
    for n in &r.notes {
        errln!("note {}: {}", n.path, n.reason);
    }
    outln!("{} skipped", r.skipped.len());
    for s in &r.skipped {
        errln!("skipped {}: {}", s.path, s.reason);
    }
    outln!("state {}", r.world.state_hash()?);
    outln!("saved {}", out.display());
    Ok(if r.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

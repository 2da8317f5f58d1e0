//! `simdesk export` and `simdesk import`: arguments, summaries and exit
//! codes around `simdesk_store`'s export and import.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use simdesk_store::ImportOptions;

/// `simdesk export WORLD DIR`: loads, exports, prints a summary.
pub fn run_export(world: &Path, dir: &Path, force: bool) -> Result<ExitCode> {
    let ws = simdesk_store::load_world(world)?;
    let r = simdesk_store::export_world(&ws, dir, force)?;
    println!(
        "exported {} artifacts ({} bytes) in {} folders to {}",
        r.artifacts,
        r.bytes,
        r.folders,
        dir.display()
    );
    println!("state {}", r.state_hash);
    Ok(ExitCode::SUCCESS)
}

/// `simdesk import DIR --out WORLD`: imports, saves, prints a summary.
/// Exits 1 when anything was skipped (the world is saved anyway).
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
    if r.with_manifest {
        println!(
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
        println!(
            "imported {} without a manifest: {} artifacts in {} folders, {inferred} inferred links",
            dir.display(),
            r.created,
            r.folders
        );
    }
    for n in &r.notes {
        println!("  note {}: {}", n.path, n.reason);
    }
    println!("{} skipped", r.skipped.len());
    for s in &r.skipped {
        println!("  skipped {}: {}", s.path, s.reason);
    }
    println!("state {}", r.world.state_hash()?);
    println!("saved {}", out.display());
    Ok(if r.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

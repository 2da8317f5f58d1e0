//! Tree ops: creating, writing, deleting, moving and copying entries, with
//! the refs that follow a move.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use simdesk_model::{Artifact, Code, Diagnostic, PathRule, VPath};

use super::{CellChanges, Tx, TxResult, err, path_ref};
use crate::resolve::{self};
use crate::state::{ArtifactId, EdgeKey, EdgeKind, EdgeState, Node, Slot};
use crate::validate::{self, MAX_ENTRIES};

impl Tx<'_> {
    /// Checks that `path` can be created: free, no sibling collision, parent
    /// not an artifact.
    pub(super) fn check_new(&self, path: &VPath, allow_same: Option<&VPath>) -> TxResult<()> {
        validate::path_allowed(path)?;
        if path.is_root() || self.st.tree.contains_key(path) && allow_same != Some(path) {
            return Err(
                err(Code::AlreadyExists, format!("{path} already exists")).with_ref(path_ref(path))
            );
        }
        if let Some(existing) = self.st.folded.get(&path.fold_key())
            && Some(existing) != allow_same
        {
            return Err(err(
                Code::InvalidPath,
                format!(
                    "invalid path {path}: {} ({existing} exists)",
                    PathRule::CollidesWithSibling.describe()
                ),
            )
            .with_ref(path_ref(existing)));
        }
        for a in path.ancestors() {
            if let Some(Node::Artifact(_)) = self.st.tree.get(&a) {
                return Err(err(
                    Code::InvalidPath,
                    format!("invalid path {path}: {a} is a file, not a folder"),
                )
                .with_ref(path_ref(&a)));
            }
            if !self.st.tree.contains_key(&a)
                && let Some(existing) = self.st.folded.get(&a.fold_key())
            {
                return Err(err(
                    Code::InvalidPath,
                    format!(
                        "invalid path {path}: folder {a} {} ({existing} exists)",
                        PathRule::CollidesWithSibling.describe()
                    ),
                )
                .with_ref(path_ref(existing)));
            }
        }
        if self.st.tree.len() >= MAX_ENTRIES {
            return Err(err(
                Code::LimitExceeded,
                format!("the world already holds {MAX_ENTRIES} entries"),
            ));
        }
        Ok(())
    }

    pub(super) fn make_dirs(&mut self, path: &VPath) {
        let mut chain = path.ancestors();
        chain.push(path.clone());
        for p in chain {
            if !self.st.tree.contains_key(&p) {
                self.st.folded.insert(p.fold_key(), p.clone());
                self.st.tree.insert(p, Node::Folder);
            }
        }
    }

    pub(super) fn make_parents(&mut self, path: &VPath) {
        if let Some(parent) = path.parent() {
            self.make_dirs(&parent);
        }
    }

    pub(super) fn insert_artifact(
        &mut self,
        path: &VPath,
        artifact: impl Into<Arc<Artifact>>,
    ) -> TxResult<ArtifactId> {
        let artifact: Arc<Artifact> = artifact.into();
        self.check_new(path, None)?;
        validate::kind_fits(path, &artifact)?;
        self.make_parents(path);
        let id = ArtifactId(self.st.next_id);
        self.st.next_id = self.st.next_id.checked_add(1).ok_or_else(|| {
            err(
                Code::LimitExceeded,
                format!("the world has used all {} artifact ids", u32::MAX),
            )
        })?;
        self.st.tree.insert(path.clone(), Node::Artifact(id));
        self.st.folded.insert(path.fold_key(), path.clone());
        self.st.slots.insert(
            id,
            Arc::new(Slot {
                path: path.clone(),
                artifact,
                rev: self.rev,
                created: self.rev,
                modified_at: self.st.clock,
            }),
        );
        self.st.add_node(id);
        self.changed.insert(id, None);
        self.sync_refs(id, &BTreeSet::new())?;
        self.recompute_as(id, None, true, true)?;
        self.reconnect_dangling(path)?;
        Ok(id)
    }

    pub(super) fn mkdir(&mut self, path: &VPath) -> TxResult<()> {
        match self.st.tree.get(path) {
            Some(Node::Folder) => Ok(()),
            Some(Node::Artifact(_)) => {
                Err(err(Code::AlreadyExists, format!("{path} is a file")).with_ref(path_ref(path)))
            }
            None => {
                self.check_new(path, None)?;
                self.make_dirs(path);
                Ok(())
            }
        }
    }

    pub(super) fn write(&mut self, path: &VPath, artifact: &Arc<Artifact>) -> TxResult<()> {
        validate::artifact(path, artifact)?;
        let id = self.lookup(path)?;
        self.expect_kind(path, id, artifact.kind())?;
        validate::kind_fits(path, artifact)?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        self.set_content(id, Arc::clone(artifact), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }

    pub(super) fn delete(&mut self, path: &VPath, recursive: bool) -> TxResult<()> {
        let node = *self.st.tree.get(path).ok_or_else(|| {
            err(Code::NotFound, format!("nothing at {path}")).with_ref(path_ref(path))
        })?;
        if path.is_root() {
            return Err(err(
                Code::InvalidArgument,
                "the root folder cannot be deleted",
            ));
        }
        let below: Vec<(VPath, Node)> = self
            .st
            .tree
            .range(path.clone()..)
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        if matches!(node, Node::Folder) && below.len() > 1 && !recursive {
            return Err(err(
                Code::NotEmpty,
                format!("{path} is not empty ({} entries)", below.len() - 1),
            )
            .with_ref(path_ref(path))
            .with_hint("pass recursive: true to delete it with everything in it"));
        }
        let ids: Vec<ArtifactId> = below
            .iter()
            .filter_map(|(_, n)| match n {
                Node::Artifact(id) => Some(*id),
                Node::Folder => None,
            })
            .collect();
        let gone: BTreeSet<ArtifactId> = ids.iter().copied().collect();
        let mut rerender: BTreeMap<ArtifactId, CellChanges> = BTreeMap::new();
        for &id in &ids {
            let p = self.path(id);
            for (k, _) in self.st.out_edges(id) {
                if gone.contains(&k.dependent) {
                    self.st.remove_edge(k);
                    continue;
                }
                let dep_path = self.path(k.dependent);
                if k.kind.from_content() {
                    self.st
                        .dangling
                        .entry(p.clone())
                        .or_default()
                        .insert(k.dependent);
                    rerender.insert(k.dependent, None);
                }
                let what = match k.kind {
                    EdgeKind::Field => "quotes it in a field",
                    EdgeKind::CellLink | EdgeKind::ManualCellLink => "links cells to it",
                    EdgeKind::Import => "imports from it",
                    EdgeKind::BasedOn | EdgeKind::Inferred => "is based on it",
                    EdgeKind::Export => "was exported from it",
                    EdgeKind::Attachment => "carries it as an attachment",
                    EdgeKind::Copy => "is a copy of it",
                };
                self.warn(
                    Diagnostic::warning(
                        Code::BrokenReference,
                        format!("deleted {p}, but {dep_path} {what}"),
                    )
                    .with_ref(path_ref(&dep_path))
                    .with_ref(path_ref(&p)),
                );
                self.st.remove_edge(k);
            }
            for (k, _) in self.st.in_edges(id) {
                self.st.remove_edge(k);
            }
            let own_refs = resolve::content_refs(self.artifact_of(id), &p);
            for (rp, _) in own_refs {
                if let Some(set) = self.st.dangling.get_mut(&rp) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.st.dangling.remove(&rp);
                    }
                }
            }
            self.st.remove_node(id);
            self.st.formulas.remove(&id);
            self.st.slots.remove(&id);
            self.changed.remove(&id);
        }
        for (p, _) in &below {
            self.st.tree.remove(p);
            self.st.folded.remove(&p.fold_key());
        }
        for (dep, _) in rerender {
            self.recomputed.push(dep);
            self.recompute(dep, None, false)?;
        }
        Ok(())
    }

    pub(super) fn move_(&mut self, from: &VPath, to: &VPath) -> TxResult<()> {
        if !self.st.tree.contains_key(from) {
            return Err(err(Code::NotFound, format!("nothing at {from}"))
                .with_ref(path_ref(from))
                .with_hint(self.did_you_mean(from)));
        }
        if from.is_root() {
            return Err(err(
                Code::InvalidArgument,
                "the root folder cannot be moved",
            ));
        }
        if to.starts_with(from) && to != from {
            return Err(err(
                Code::InvalidArgument,
                format!("cannot move {from} into itself ({to})"),
            ));
        }
        if to == from {
            return Ok(());
        }
        // A rename that only changes case keeps its own fold key.
        self.check_new(to, Some(from))?;
        self.make_parents(to);
        let below: Vec<(VPath, Node)> = self
            .st
            .tree
            .range(from.clone()..)
            .take_while(|(p, _)| p.starts_with(from))
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        let mut moved: Vec<(ArtifactId, VPath, VPath)> = Vec::new();
        let mut new_paths = Vec::new();
        for (p, _) in &below {
            self.st.tree.remove(p);
            self.st.folded.remove(&p.fold_key());
        }
        for (p, n) in below {
            let q = p.rebase(from, to).ok_or_else(|| {
                err(
                    Code::InvalidPath,
                    format!("moving {p} under {to} makes a path longer than 1024 bytes"),
                )
            })?;
            if let Some(existing) = self.st.folded.get(&q.fold_key()) {
                return Err(err(
                    Code::InvalidPath,
                    format!("{q} would collide with {existing}"),
                ));
            }
            if let Node::Artifact(id) = n {
                validate::kind_fits(&q, self.artifact_of(id))?;
            }
            self.st.tree.insert(q.clone(), n);
            self.st.folded.insert(q.fold_key(), q.clone());
            if let Node::Artifact(id) = n {
                if let Some(slot) = self.st.slots.get(&id) {
                    let mut s = (**slot).clone();
                    s.path = q.clone();
                    self.st.slots.insert(id, Arc::new(s));
                }
                moved.push((id, p.clone(), q.clone()));
            }
            new_paths.push(q);
        }
        // Refs that point to a moved artifact follow it.
        let renames: BTreeMap<VPath, VPath> = moved
            .iter()
            .map(|(_, p, q)| (p.clone(), q.clone()))
            .collect();
        let mut dependents = BTreeSet::new();
        for (id, _, _) in &moved {
            for (k, _) in self.st.out_edges(*id) {
                if matches!(
                    k.kind,
                    EdgeKind::Field
                        | EdgeKind::CellLink
                        | EdgeKind::ManualCellLink
                        | EdgeKind::Attachment
                ) {
                    dependents.insert(k.dependent);
                }
            }
        }
        for dep in dependents {
            let mut art = self.artifact_of(dep).clone();
            rewrite_refs(&mut art, &renames);
            self.set_content_quietly(dep, art);
        }
        // Refs that dangled on the new paths now resolve.
        for q in new_paths {
            self.reconnect_dangling(&q)?;
        }
        Ok(())
    }

    pub(super) fn copy(&mut self, from: &VPath, to: &VPath) -> TxResult<()> {
        let src = self.lookup(from)?;
        let art = self.artifact_of(src).clone();
        let id = self.insert_artifact(to, art)?;
        self.add_edge_checked(
            EdgeKey {
                source: src,
                dependent: id,
                kind: EdgeKind::Copy,
            },
            EdgeState {
                seen: self.st.rev_of(src),
                ..EdgeState::default()
            },
        )
    }
}

/// Rewrites refs (fields, cell links, attachments) from old to new paths.
fn rewrite_refs(a: &mut Artifact, renames: &BTreeMap<VPath, VPath>) {
    for f in a.fields_mut() {
        if let Some(p) = &f.source.path
            && let Some(q) = renames.get(p)
        {
            f.source.path = Some(q.clone());
        }
    }
    match a {
        Artifact::Workbook(w) => {
            for s in &mut w.sheets {
                for c in s.cells.values_mut() {
                    if let Some(l) = &mut c.link
                        && let Some(p) = &l.source.path
                        && let Some(q) = renames.get(p)
                    {
                        l.source.path = Some(q.clone());
                    }
                }
            }
        }
        Artifact::Email(e) => {
            for p in &mut e.attachments {
                if let Some(q) = renames.get(p) {
                    *p = q.clone();
                }
            }
        }
        _ => {}
    }
}

//! Delivering: refreshing manual and snapshot edges, exporting, sending
//! email, and the stale-source check they share.

use simdesk_model::{Artifact, Code, Diagnostic, Email, Severity, SimTime, VPath};

use super::{Tx, TxResult, err, path_ref};
use crate::derive::{self, ExportTarget};
use crate::resolve::{self};
use crate::stale;
use crate::state::{ArtifactId, EdgeKey, EdgeKind, EdgeState, Node, StaleExportPolicy};
use crate::validate::{self};

impl Tx<'_> {
    pub(super) fn refresh(&mut self, path: &VPath) -> TxResult<()> {
        let id = self.lookup(path)?;
        let mut did = false;
        let mut pull_manual_links = false;
        for (k, state) in self.st.in_edges(id) {
            match k.kind {
                EdgeKind::Field | EdgeKind::CellLink => {}
                EdgeKind::ManualCellLink => pull_manual_links = true,
                EdgeKind::Import => {
                    self.run_import(k)?;
                    did = true;
                }
                EdgeKind::BasedOn | EdgeKind::Inferred => {
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Export => {
                    let src_path = self.path(k.source);
                    self.check_source_fresh(&src_path, k.source, path, Code::StaleSource)?;
                    let target = ExportTarget::from_extension(path.extension())
                        .ok_or_else(|| err(Code::InvalidArgument, "unknown export format"))?;
                    let art = derive::derive(
                        self.artifact_of(k.source),
                        target,
                        state.export_sheet.as_deref(),
                    )
                    .map_err(|e| err(Code::InvalidArgument, e))?;
                    self.set_content(id, art, None);
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Copy => {
                    self.st.formulas.remove(&id);
                    let art = self.artifact_of(k.source).clone();
                    let old_refs = resolve::content_refs(self.artifact_of(id), path);
                    self.set_content(id, art, None);
                    self.sync_refs(id, &old_refs)?;
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Attachment => {
                    if self.st.behind.contains(&k) {
                        self.warn(
                            Diagnostic::warning(
                                Code::StaleAttachment,
                                format!(
                                    "{path} was sent with {} as it was then; a sent email cannot be refreshed",
                                    self.path(k.source)
                                ),
                            )
                            .with_ref(path_ref(path))
                            .with_hint("send a new email with the current file attached"),
                        );
                    }
                }
            }
        }
        if pull_manual_links {
            self.recompute(id, None, true)?;
            did = true;
        }
        if !did {
            self.warn(Diagnostic::new(
                Code::StaleDependent,
                Severity::Info,
                format!("{path} has no imports, manual links, exports or copies to refresh"),
            ));
        }
        Ok(())
    }

    /// Diagnoses (or refuses, by policy) an export or attachment of a stale
    /// source, naming the whole chain.
    pub(super) fn check_source_fresh(
        &mut self,
        src_path: &VPath,
        src: ArtifactId,
        target: &VPath,
        code: Code,
    ) -> TxResult<()> {
        let chains = stale::chains_for(self.st, src);
        if chains.is_empty() {
            return Ok(());
        }
        let (verb, again) = if code == Code::StaleAttachment {
            ("attached", "attach")
        } else {
            ("exported", "export")
        };
        let mut d = Diagnostic::warning(
            code,
            format!(
                "{verb} {src_path} to {target} while it is stale: {}",
                chains
                    .iter()
                    .map(|c| c.describe(self.st))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
        .with_ref(path_ref(src_path));
        for c in &chains {
            for p in c.paths(self.st) {
                let r = path_ref(&p);
                if !d.refs.contains(&r) {
                    d.refs.push(r);
                }
            }
            d.hints
                .push(format!("refresh {} first", self.path(c.cause.dependent)));
        }
        d.hints.push(format!("then {again} {src_path} again"));
        if self.st.policy.stale_export == StaleExportPolicy::Refuse {
            d.severity = Severity::Error;
            return Err(d);
        }
        self.warn(d);
        Ok(())
    }

    pub(super) fn export(
        &mut self,
        source: &VPath,
        target: &VPath,
        sheet: Option<&str>,
    ) -> TxResult<()> {
        let src = self.lookup(source)?;
        let kind = ExportTarget::from_extension(target.extension()).ok_or_else(|| {
            err(
                Code::InvalidArgument,
                format!("cannot tell the export format from {target}: use .pdf, .csv, .md or .txt"),
            )
        })?;
        let art = derive::derive(self.artifact_of(src), kind, sheet).map_err(|e| {
            err(
                Code::InvalidArgument,
                format!("cannot export {source}: {e}"),
            )
            .with_ref(path_ref(source))
        })?;
        self.check_source_fresh(source, src, target, Code::StaleSource)?;
        let key_for = |dep| EdgeKey {
            source: src,
            dependent: dep,
            kind: EdgeKind::Export,
        };
        let state = EdgeState {
            seen: self.st.rev_of(src),
            export_sheet: sheet.map(str::to_owned),
            ..EdgeState::default()
        };
        match self.st.tree.get(target) {
            Some(Node::Artifact(existing)) => {
                let existing = *existing;
                let key = key_for(existing);
                if !self.st.edges.contains_key(&key) {
                    return Err(err(
                        Code::AlreadyExists,
                        format!("{target} exists and was not exported from {source}"),
                    )
                    .with_ref(path_ref(target))
                    .with_hint("export to a new name, or delete the old file first"));
                }
                self.set_content(existing, art, None);
                self.st.edges.insert(key, state);
                self.st.update_behind(key);
                Ok(())
            }
            _ => {
                let id = self.insert_artifact(target, art)?;
                self.add_edge_checked(key_for(id), state)
            }
        }
    }

    pub(super) fn send_email(&mut self, path: &VPath, email: &Email) -> TxResult<()> {
        validate::email_fields(email)?;
        if self.actor.is_agent() && email.date != SimTime(0) && email.date != self.st.clock {
            return Err(err(
                Code::InvalidArgument,
                format!(
                    "an email the agent sends is dated by the world's clock ({}), not {}: leave its date unset",
                    self.st.clock, email.date
                ),
            )
            .with_ref(path_ref(path)));
        }
        let mut email = email.clone();
        if email.date == SimTime(0) {
            email.date = self.st.clock;
        }
        if email.message_id.is_empty() {
            email.message_id = format!("r{}.{}@simdesk.invalid", self.rev, self.st.next_id);
        }
        let mut atts = Vec::new();
        for a in &email.attachments {
            let id = self.lookup(a)?;
            atts.push((a.clone(), id));
        }
        for (a, id) in &atts {
            self.check_source_fresh(a, *id, path, Code::StaleAttachment)?;
        }
        let id = self.insert_artifact(path, Artifact::Email(email))?;
        for (_, src) in atts {
            let key = EdgeKey {
                source: src,
                dependent: id,
                kind: EdgeKind::Attachment,
            };
            if !self.st.edges.contains_key(&key) {
                self.add_edge_checked(
                    key,
                    EdgeState {
                        seen: self.st.rev_of(src),
                        ..EdgeState::default()
                    },
                )?;
            }
        }
        Ok(())
    }
}

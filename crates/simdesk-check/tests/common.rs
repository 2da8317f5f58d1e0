//! Fixture helpers: worlds built by applying ops, one short call per step.

use simdesk_engine::Workspace;
use simdesk_model::*;

/// Parses a path.
pub fn vp(s: &str) -> VPath {
    s.parse().expect("path")
}

/// Parses a ref.
pub fn rf(s: &str) -> Ref {
    s.parse().expect("ref")
}

/// A world under construction; every step must be applied.
pub struct W(pub Workspace);

/// The persona's address in fixtures.
pub const ME: &str = "mei@firm.example";

impl W {
    /// An empty world for the persona Mei.
    pub fn new() -> W {
        W(Workspace::new(
            SimTime::from_ymd(2026, 1, 5).expect("date").at(9, 0, 0),
            Persona {
                name: "Mei Chen".into(),
                email: ME.into(),
                ..Persona::default()
            },
        ))
    }

    /// Applies an op as `actor`, which must succeed.
    pub fn op_as(&mut self, actor: &str, op: Op) -> &mut W {
        let name = op.name();
        let out = self.0.apply_as(actor, op);
        assert!(out.is_applied(), "{name} refused: {:?}", out.diagnostics);
        self
    }

    /// Applies an op as the generator, which must succeed.
    pub fn op(&mut self, op: Op) -> &mut W {
        self.op_as("generator", op)
    }

    /// A workbook of one sheet from `(A1, cell)` pairs.
    pub fn book(&mut self, path: &str, sheet: &str, cells: &[(&str, Cell)]) -> &mut W {
        let mut s = Sheet::new(sheet);
        for (a, c) in cells {
            s.cells.insert(a.parse().expect("addr"), c.clone());
        }
        self.op(Op::Create {
            path: vp(path),
            artifact: Artifact::Workbook(Workbook { sheets: vec![s] }).into(),
        })
    }

    /// A document of blocks.
    pub fn doc(&mut self, path: &str, blocks: Vec<Block>) -> &mut W {
        self.op(Op::Create {
            path: vp(path),
            artifact: Artifact::Document(Document {
                title: None,
                blocks,
            })
            .into(),
        })
    }

    /// A plain text file.
    pub fn text(&mut self, path: &str, content: &str) -> &mut W {
        self.op(Op::Create {
            path: vp(path),
            artifact: Artifact::Text(Text {
                format: TextFormat::from_extension(vp(path).extension().unwrap_or("")),
                content: content.into(),
            })
            .into(),
        })
    }

    /// Sets one cell to a value.
    pub fn set(&mut self, path: &str, sheet: &str, addr: &str, v: impl Into<CellValue>) -> &mut W {
        self.op(Op::SetCells {
            path: vp(path),
            sheet: sheet.into(),
            cells: vec![CellEdit {
                cell: addr.parse().expect("addr"),
                input: CellInput::value(v),
            }],
        })
    }

    /// Exports `source` to `target`.
    pub fn export(&mut self, source: &str, target: &str) -> &mut W {
        self.op(Op::Export {
            source: vp(source),
            target: vp(target),
            sheet: None,
        })
    }

    /// Sends an email from the persona.
    pub fn send(&mut self, path: &str, to: &str, subject: &str, attachments: &[&str]) -> &mut W {
        self.op(Op::SendEmail {
            path: vp(path),
            email: email(to, subject, attachments),
        })
    }
}

/// An email from the persona.
pub fn email(to: &str, subject: &str, attachments: &[&str]) -> Email {
    Email {
        from: Mailbox::new("Mei Chen", ME),
        to: vec![Mailbox::new("", to)],
        subject: subject.into(),
        body: vec![Paragraph::text("Please find it attached.")],
        attachments: attachments.iter().map(|a| vp(a)).collect(),
        ..Email::default()
    }
}

/// A paragraph quoting `source` through a field after `label`.
pub fn field_para(label: &str, source: &str) -> Block {
    Block::Paragraph {
        inlines: vec![Inline::text(label), Inline::field(rf(source), None)],
    }
}

//! Email messages as RFC 5322 / MIME files (`.eml`) and folders of them as
//! one mboxrd file (`.mbox`).
//!
//! Writing goes through `mail-builder`, reading through `mail-parser`: no
//! header or MIME structure is built or split by hand. Non-ASCII display
//! names, subjects and file names are encoded by `mail-builder` (RFC 2047 /
//! RFC 2231).
//!
//! # Attachments
//!
//! An [`Email`] lists its attachments as world paths only; the bytes belong
//! to other artifacts. Two ways to write them:
//!
//! - [`export_eml_with`] takes the bytes of each attachment
//!   ([`AttachmentData`]) and writes a real MIME part (base64, with the
//!   file name of the path) that carries an `X-Simdesk-Path` header naming
//!   the world path;
//! - [`export_eml`] (and any attachment [`export_eml_with`] was given no
//!   bytes for) writes a small `text/x-simdesk-ref` attachment part whose
//!   body is the world path, named like the file, with the same
//!   `X-Simdesk-Path` header. A mail client shows it as a tiny text file.
//!
//! Import recovers the paths in order: the `X-Simdesk-Path` header of a part,
//! else the body of a `text/x-simdesk-ref` part, else (a message from
//! elsewhere) `/Attachments/<file name>` with the name made path-safe.
//! [`import_eml_with`] also returns the bytes of every real attachment part.
//!
//! # Determinism
//!
//! The `Date` header comes from [`Email::date`], written in the options'
//! time zone with its offset on that day (`-0400` for New York in July,
//! `-0500` in January; UTC without one), the `Message-ID` from
//! [`Email::message_id`] (or, when that is empty, from the export ident),
//! and the MIME boundary is a digest of the options' ident and the
//! message's content, so the same message and options give the same bytes.
//!
//! # What the format cannot carry (round-trip exceptions)
//!
//! - Body runs become plain text: a field is written as its current
//!   [`Field::display`] text, bold and italic are dropped, so each body
//!   paragraph comes back as one plain text run.
//! - Paragraphs are separated by a blank line; a paragraph that is empty,
//!   contains a blank line, or starts or ends with a line break does not
//!   come back as the same paragraph list. Line breaks come back as `\n`.
//! - An empty `message_id` comes back as the id generated from the ident.
//! - Times are whole seconds in UTC (the model's resolution anyway).
//! - In an mbox, line breaks at the very end of a message are not kept.
//! - A display name that is empty or equals the address comes back empty.
//!
//! [`Field::display`]: simdesk_model::Field::display

use std::borrow::Cow;

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};
use mail_parser::{MessageParser, MimeHeaders};
use simdesk_model::{Artifact, Email, Inline, Mailbox, Paragraph, SimTime, VPath, inlines_text};

use crate::{ExportOptions, Format, FormatError, Limits};

/// The header naming the world path of an attachment part.
pub const PATH_HEADER: &str = "X-Simdesk-Path";

/// The content type of an attachment written without its bytes.
pub const REF_MIME: &str = "text/x-simdesk-ref";

/// Folder that attachments of messages from elsewhere are placed under.
pub const FOREIGN_ATTACHMENT_DIR: &str = "/Attachments";

/// The bytes of one attachment, handed to [`export_eml_with`].
#[derive(Debug, Clone, Copy)]
pub struct AttachmentData<'a> {
    /// The world path, as listed in [`Email::attachments`].
    pub path: &'a VPath,
    /// MIME type (`application/pdf`,
    /// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`).
    pub mime: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// One attachment read back by [`import_eml_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAttachment {
    /// The world path it belongs at.
    pub path: VPath,
    /// MIME type as declared.
    pub mime: String,
    /// The decoded bytes; empty for a `text/x-simdesk-ref` part.
    pub bytes: Vec<u8>,
    /// False for a reference part written without the bytes.
    pub has_bytes: bool,
}

fn unsupported(a: &Artifact, format: Format) -> FormatError {
    FormatError::Unsupported {
        kind: a.kind(),
        format,
    }
}

fn write_err(e: std::io::Error) -> FormatError {
    FormatError::write_by(Format::Eml, "mail-builder", e)
}

fn malformed(reason: impl Into<String>) -> FormatError {
    FormatError::malformed(Format::Eml, reason)
}

/// FNV-1a, 64 bits: a stable digest for boundaries and generated ids.
fn fnv64(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for p in parts {
        for &b in *p {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The body text: paragraphs (fields as their shown text) separated by a
/// blank line.
pub fn body_text(email: &Email) -> String {
    email
        .body
        .iter()
        .map(|p| inlines_text(&p.inlines))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The email as it comes back from an eml round trip (the exceptions in
/// the module docs applied; an empty `message_id` is left as it is, since
/// its replacement depends on the export options).
pub fn normal_form(email: &Email) -> Email {
    let mut e = email.clone();
    let text = body_text(email).replace("\r\n", "\n").replace('\r', "\n");
    e.body = if text.is_empty() {
        Vec::new()
    } else {
        text.split("\n\n")
            .map(|p| Paragraph {
                inlines: vec![Inline::text(p)],
            })
            .collect()
    };
    for m in std::iter::once(&mut e.from)
        .chain(e.to.iter_mut())
        .chain(e.cc.iter_mut())
    {
        if m.name == m.address {
            m.name.clear();
        }
    }
    e
}

fn address(m: &Mailbox) -> Address<'_> {
    if m.name.is_empty() {
        Address::new_address(None::<&str>, m.address.as_str())
    } else {
        Address::new_address(Some(m.name.as_str()), m.address.as_str())
    }
}

fn address_list(list: &[Mailbox]) -> Address<'_> {
    Address::new_list(list.iter().map(address).collect())
}

fn message_id(email: &Email, opts: &ExportOptions) -> String {
    if email.message_id.is_empty() {
        let h = fnv64(1, &[opts.ident.as_bytes(), email.subject.as_bytes()]);
        format!("{h:016x}@simdesk.invalid")
    } else {
        email.message_id.clone()
    }
}

/// The `Date` header of a message sent at `t`: in the options' time zone,
/// with its offset on that day, else in UTC. `mail-builder` writes UTC
/// only, so its text of the local wall-clock time gets the zone's offset
/// in place of `+0000`.
fn date_header(t: SimTime, opts: &ExportOptions) -> Raw<'static> {
    let minutes = opts.timezone.map_or(0, |z| z.offset_minutes_at(t));
    let local = Date::new(t.secs() + i64::from(minutes) * 60).to_rfc822();
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    let text = match local.strip_suffix("+0000") {
        Some(head) => format!("{head}{sign}{:02}{:02}", m / 60, m % 60),
        None => Date::new(t.secs()).to_rfc822(),
    };
    Raw::new(text)
}

/// Writes an [`Artifact::Email`] as an `.eml` file, attachments as
/// `text/x-simdesk-ref` parts naming their paths (see the module docs).
pub fn export_eml(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    match artifact {
        Artifact::Email(e) => export_eml_with(e, &[], opts),
        other => Err(unsupported(other, Format::Eml)),
    }
}

/// Writes an email as an `.eml` file with the given attachment bytes; an
/// attachment of [`Email::attachments`] without an entry in `attachments`
/// is written as a reference part. Entries for paths the email does not
/// list are ignored.
pub fn export_eml_with(
    email: &Email,
    attachments: &[AttachmentData<'_>],
    opts: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    let body = body_text(email);
    let id = message_id(email, opts);

    let mut msg = MessageBuilder::new()
        .from(address(&email.from))
        .subject(email.subject.as_str())
        .header("Date", date_header(email.date, opts))
        .message_id(MessageId::new(id.as_str()));
    if !email.to.is_empty() {
        msg = msg.to(address_list(&email.to));
    }
    if !email.cc.is_empty() {
        msg = msg.cc(address_list(&email.cc));
    }
    if let Some(parent) = &email.in_reply_to {
        msg = msg
            .in_reply_to(MessageId::new(parent.as_str()))
            .references(MessageId::new(parent.as_str()));
    }

    if email.attachments.is_empty() {
        msg = msg.text_body(body.as_str());
    } else {
        // The boundary is a digest of everything the message holds, so it
        // is stable and (with overwhelming odds) absent from the content.
        let mut digest_parts: Vec<&[u8]> = vec![
            opts.ident.as_bytes(),
            id.as_bytes(),
            email.subject.as_bytes(),
            body.as_bytes(),
        ];
        let mut parts = vec![MimePart::new(
            ContentType::new("text/plain").attribute("charset", "utf-8"),
            BodyPart::Text(Cow::Borrowed(body.as_str())),
        )];
        for path in &email.attachments {
            let name = path.file_name().unwrap_or("attachment");
            digest_parts.push(path.as_str().as_bytes());
            let part = match attachments.iter().find(|a| a.path == path) {
                Some(a) => {
                    digest_parts.push(a.bytes);
                    MimePart::new(
                        ContentType::new(a.mime),
                        BodyPart::Binary(Cow::Borrowed(a.bytes)),
                    )
                }
                None => MimePart::new(
                    ContentType::new(REF_MIME).attribute("charset", "utf-8"),
                    BodyPart::Text(Cow::Borrowed(path.as_str())),
                ),
            };
            parts.push(
                part.attachment(name)
                    .header(PATH_HEADER, Raw::new(encode_path_header(path))),
            );
        }
        let h1 = fnv64(7, &digest_parts);
        let h2 = fnv64(11, &digest_parts);
        let boundary = format!("=_simdesk_{h1:016x}{h2:016x}");
        msg = msg.body(MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", boundary),
            BodyPart::Multipart(parts),
        ));
    }
    msg.write_to_vec().map_err(write_err)
}

/// The `X-Simdesk-Path` value: the path itself when it is printable ASCII,
/// else an RFC 2047 encoded word (base64 of the UTF-8 path).
fn encode_path_header(path: &VPath) -> String {
    let s = path.as_str();
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) && !s.contains("=?") {
        return s.to_owned();
    }
    format!("=?utf-8?B?{}?=", base64_encode(s.as_bytes()))
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes a folder of emails as one mboxrd file: each message after a
/// `From <address> <asctime date>` line, with LF line ends, and every body
/// line that matches `^>*From ` quoted with one more `>`.
pub fn export_mbox(emails: &[&Email], opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    for email in emails {
        let eml = export_eml_with(email, &[], opts)?;
        let text = String::from_utf8_lossy(&eml);
        let sender = if email.from.address.is_empty() {
            "MAILER-DAEMON"
        } else {
            email.from.address.as_str()
        };
        out.extend_from_slice(format!("From {sender} {}\n", asctime(email.date)).as_bytes());
        for line in text.split("\r\n") {
            let unquoted = line.trim_start_matches('>');
            if unquoted.starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        // After a final CRLF, `split` gave an empty last piece: that is the
        // blank line ending the message. Otherwise write one.
        if !text.ends_with("\r\n") {
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// `Mon Jan  5 09:00:00 2026`, the date form of mbox `From ` lines.
fn asctime(t: SimTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = t.date();
    let (hh, mm, ss) = t.time_of_day();
    let wd = DAYS[t.secs().div_euclid(86_400).rem_euclid(7) as usize];
    let mon = MONTHS[(m as usize).saturating_sub(1) % 12];
    format!("{wd} {mon} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}")
}

/// Splits an mboxrd file into its messages (unquoting `>From ` lines,
/// line ends back to CRLF, the blank line before the next `From ` line
/// dropped) and reads each with [`import_eml`].
pub fn import_mbox(bytes: &[u8], limits: &Limits) -> Result<Vec<Email>, FormatError> {
    check_size(bytes, limits, Format::Mbox)?;
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for line in bytes.split(|&b| b == b'\n') {
        if line.starts_with(b"From ") {
            if messages.len() >= limits.max_items {
                return Err(FormatError::Limit {
                    limit: "messages",
                    actual: messages.len() as u64 + 1,
                    max: limits.max_items as u64,
                    context: "mbox file".to_owned(),
                });
            }
            messages.push(Vec::new());
            continue;
        }
        let Some(current) = messages.last_mut() else {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Err(FormatError::malformed(
                Format::Mbox,
                "mbox file does not start with a `From ` line".to_owned(),
            ));
        };
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        let line = if quotes > 0 && line[quotes..].starts_with(b"From ") {
            &line[1..]
        } else {
            line
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        current.extend_from_slice(line);
        current.extend_from_slice(b"\r\n");
    }
    for m in &mut messages {
        // The blank line that ends every message belongs to the mbox, and
        // mbox keeps no other trailing line breaks of a message either.
        while m.ends_with(b"\r\n") {
            m.truncate(m.len() - 2);
        }
    }
    messages
        .iter()
        .map(|m| match import_eml(m, limits)? {
            Artifact::Email(e) => Ok(e),
            _ => Err(malformed("message did not read as an email")),
        })
        .collect()
}

fn check_size(bytes: &[u8], limits: &Limits, format: Format) -> Result<(), FormatError> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(FormatError::Limit {
            limit: "input bytes",
            actual: bytes.len() as u64,
            max: limits.max_input_bytes,
            context: format!("{format:?} input"),
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::malformed(format, "empty file".to_owned()));
    }
    Ok(())
}

/// Reads an `.eml` file into an [`Artifact::Email`] (attachments as paths,
/// see the module docs).
pub fn import_eml(bytes: &[u8], limits: &Limits) -> Result<Artifact, FormatError> {
    import_eml_with(bytes, limits).map(|(e, _)| Artifact::Email(e))
}

/// Reads an `.eml` file into an [`Email`] and the attachments it carries.
pub fn import_eml_with(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Email, Vec<ImportedAttachment>), FormatError> {
    check_size(bytes, limits, Format::Eml)?;
    // A message is headers, a blank line, a body; a file with no header
    // line at all is not a message.
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let colon = first.iter().position(|&b| b == b':');
    if !colon.is_some_and(|c| c > 0 && first[..c].iter().all(|b| b.is_ascii_graphic())) {
        return Err(malformed("no header line at the start of the message"));
    }
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| malformed("not an RFC 5322 message"))?;
    if msg.parts.len() > limits.max_items {
        return Err(FormatError::Limit {
            limit: "mime parts",
            actual: msg.parts.len() as u64,
            max: limits.max_items as u64,
            context: "eml message".to_owned(),
        });
    }

    let mailbox = |a: &mail_parser::Addr<'_>| {
        let address = a.address().unwrap_or_default().to_owned();
        let name = a.name().unwrap_or_default();
        let name = if name == address { "" } else { name };
        Mailbox {
            name: name.to_owned(),
            address,
        }
    };
    let from = msg
        .from()
        .and_then(|a| a.first())
        .map(mailbox)
        .ok_or_else(|| malformed("no From header"))?;
    let to = msg
        .to()
        .map(|a| a.iter().map(mailbox).collect())
        .unwrap_or_default();
    let cc = msg
        .cc()
        .map(|a| a.iter().map(mailbox).collect())
        .unwrap_or_default();
    let date = msg
        .date()
        .map(|d| simdesk_model::SimTime(d.to_timestamp()))
        .unwrap_or_default();
    let in_reply_to = msg
        .in_reply_to()
        .as_text()
        .or_else(|| {
            msg.in_reply_to()
                .as_text_list()
                .and_then(|l| l.first())
                .map(|s| s.as_ref())
        })
        .map(str::to_owned);

    let text = msg
        .body_text(0)
        .map(|t| t.replace("\r\n", "\n"))
        .unwrap_or_default();
    let body = if text.is_empty() {
        Vec::new()
    } else {
        text.split("\n\n")
            .map(|p| Paragraph {
                inlines: vec![Inline::text(p)],
            })
            .collect()
    };

    let mut attachments = Vec::new();
    let mut imported = Vec::new();
    for part in msg.attachments() {
        let mime = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s),
                None => c.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let is_ref = mime.eq_ignore_ascii_case(REF_MIME);
        let from_header = part
            .headers()
            .iter()
            .find(|h| h.name().eq_ignore_ascii_case(PATH_HEADER))
            .and_then(|h| h.value().as_text())
            // Writers fold long headers at a space; unfold before parsing.
            .and_then(|s| VPath::parse(s.replace("\r\n", "").replace('\n', "").trim()).ok());
        let from_body = if is_ref {
            part.text_contents()
                .and_then(|s| VPath::parse(s.trim()).ok())
        } else {
            None
        };
        let path = match from_header.or(from_body) {
            Some(p) => p,
            None => foreign_path(
                part.attachment_name().unwrap_or("attachment"),
                attachments.len(),
            )?,
        };
        imported.push(ImportedAttachment {
            path: path.clone(),
            mime,
            bytes: if is_ref {
                Vec::new()
            } else {
                part.contents().to_vec()
            },
            has_bytes: !is_ref,
        });
        attachments.push(path);
    }

    let email = Email {
        from,
        to,
        cc,
        subject: msg.subject().unwrap_or_default().to_owned(),
        date,
        message_id: msg.message_id().unwrap_or_default().to_owned(),
        in_reply_to,
        body,
        attachments,
    };
    Ok((email, imported))
}

/// `/Attachments/<name>` with the name made a valid path component.
fn foreign_path(name: &str, index: usize) -> Result<VPath, FormatError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let dir = VPath::parse(FOREIGN_ATTACHMENT_DIR)
        .map_err(|e| FormatError::malformed_by(Format::Eml, "attachment folder", e))?;
    dir.join(cleaned)
        .or_else(|_| dir.join(&format!("attachment-{}", index + 1)))
        .map_err(|e| FormatError::malformed_by(Format::Eml, format!("attachment name {name:?}"), e))
}

//! Email → eml → Email, attachments, mbox.

use proptest::prelude::*;
use simdesk_formats::eml::{
    AttachmentData, export_eml, export_eml_with, export_mbox, import_eml, import_eml_with,
    import_mbox, normal_form,
};
use simdesk_formats::{ExportOptions, Limits};
use simdesk_model::*;

use super::samples;

fn round_trip(e: &Email) -> Email {
    let bytes = export_eml(&Artifact::Email(e.clone()), &ExportOptions::default()).unwrap();
    match import_eml(&bytes, &Limits::default()).unwrap() {
        Artifact::Email(e) => e,
        other => panic!("not an email: {other:?}"),
    }
}

#[test]
fn sample_round_trips_with_reference_attachments() {
    let e = samples::email();
    assert_eq!(round_trip(&e), normal_form(&e));
}

#[test]
fn headers_are_encoded_and_deterministic() {
    let a = Artifact::Email(samples::email());
    let x = export_eml(&a, &samples::opts()).unwrap();
    assert_eq!(x, export_eml(&a, &samples::opts()).unwrap());
    let s = String::from_utf8(x).unwrap();
    assert!(s.is_ascii(), "headers and body are 7-bit on the wire");
    assert!(s.contains("Date: Tue, 6 Jan 2026 14:05:00 +0000"), "{s}");
    assert!(s.contains("Message-ID: <q4-review-1@wealth.example>"));
    assert!(s.contains("In-Reply-To: <q4-request-7@client.example>"));
    assert!(s.contains("=?utf-8?"), "RFC 2047 words");
    assert!(s.contains("X-Simdesk-Path: /Decks/q4-review.pptx"));
}

/// The `Date` header is the persona's local time with the zone's offset on
/// that day: daylight saving in July, standard time in January; the
/// instant reads back the same.
#[test]
fn date_header_carries_the_local_offset_of_the_day() {
    let opts = ExportOptions {
        timezone: Some(TimeZone::named("America/New_York").unwrap()),
        ..samples::opts()
    };
    for (at, header) in [
        (
            "2026-07-06T14:05:00Z",
            "Date: Mon, 6 Jul 2026 10:05:00 -0400",
        ),
        (
            "2026-01-06T14:05:00Z",
            "Date: Tue, 6 Jan 2026 09:05:00 -0500",
        ),
    ] {
        let e = Email {
            date: SimTime::parse(at).unwrap(),
            ..samples::email()
        };
        let bytes = export_eml(&Artifact::Email(e.clone()), &opts).unwrap();
        let s = String::from_utf8(bytes.clone()).unwrap();
        assert!(s.contains(header), "{s}");
        let Artifact::Email(back) = import_eml(&bytes, &Limits::default()).unwrap() else {
            panic!("not an email");
        };
        assert_eq!(back.date, e.date);
    }
}

#[test]
fn attachment_bytes_travel_as_real_parts() {
    let e = samples::email();
    let pptx = b"PK\x03\x04 not really a deck".to_vec();
    let data = [AttachmentData {
        path: &e.attachments[0],
        mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        bytes: &pptx,
    }];
    let bytes = export_eml_with(&e, &data, &samples::opts()).unwrap();
    let (back, parts) = import_eml_with(&bytes, &Limits::default()).unwrap();
    assert_eq!(back, normal_form(&e));
    assert_eq!(parts.len(), 2);
    assert!(parts[0].has_bytes);
    assert_eq!(parts[0].bytes, pptx);
    assert!(!parts[1].has_bytes);
    assert_eq!(parts[1].path.as_str(), "/Reports/q4 report.pdf");
}

/// Regression: a long attachment path with spaces was folded by the
/// writer and not unfolded by the reader, so the attachment came back
/// under /Attachments instead of its own path.
#[test]
fn long_attachment_paths_survive_header_folding() {
    let mut e = samples::email();
    let long = "/Users/abebe.tesfaye/Documents/Clients/Nkosi Family/Portfolio reviews 2025/Nkosi_Portfolio final version.xlsx";
    e.attachments = vec![simdesk_model::VPath::parse(long).unwrap()];
    let data = [AttachmentData {
        path: &e.attachments[0],
        mime: "application/octet-stream",
        bytes: b"PK",
    }];
    let bytes = export_eml_with(&e, &data, &samples::opts()).unwrap();
    let (back, parts) = import_eml_with(&bytes, &Limits::default()).unwrap();
    assert_eq!(back.attachments[0].as_str(), long);
    assert_eq!(parts[0].path.as_str(), long);
}

#[test]
fn foreign_attachments_land_under_attachments() {
    let raw = "From: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nbody\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/pass:wd.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--XX--\r\n";
    let (e, parts) = import_eml_with(raw.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(e.attachments[0].as_str(), "/Attachments/pass_wd.pdf");
    assert_eq!(parts[0].bytes, b"%PDF-");
}

#[test]
fn mbox_quotes_from_lines_and_splits_back() {
    let a = samples::email();
    let mut b = samples::email();
    b.message_id = "second@wealth.example".into();
    b.body = vec![Paragraph::text("From here on\n>From quoted\nok")];
    b.attachments.clear();
    let mbox = export_mbox(&[&a, &b], &samples::opts()).unwrap();
    let s = String::from_utf8(mbox.clone()).unwrap();
    assert!(
        s.starts_with("From eleni@wealth.example Tue Jan  6 14:05:00 2026\n"),
        "{s}"
    );
    assert!(s.contains("\n>From here on\n"));
    assert!(s.contains("\n>>From quoted\n"));
    assert!(!s.contains('\r'));
    let back = import_mbox(&mbox, &Limits::default()).unwrap();
    assert_eq!(back, vec![normal_form(&a), normal_form(&b)]);
}

fn mailbox() -> impl Strategy<Value = Mailbox> {
    ("[a-zA-Z陈Ωж ]{0,10}", "[a-z]{1,8}@[a-z]{1,8}\\.example").prop_map(|(name, address)| Mailbox {
        name: name.trim().to_owned(),
        address,
    })
}

fn paragraph() -> impl Strategy<Value = Paragraph> {
    "[a-zA-Z0-9 ,.陈Ωж=]{1,40}(\n[a-zA-Z0-9 ,.陈Ωж=]{1,40}){0,2}".prop_map(|t| Paragraph::text(&t))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_email_round_trips(
        from in mailbox(),
        to in proptest::collection::vec(mailbox(), 1..3),
        cc in proptest::collection::vec(mailbox(), 0..2),
        subject in "[a-zA-Z0-9 陈Ωж:!-]{0,60}",
        secs in 0i64..4_000_000_000,
        id in "[a-z0-9.]{1,12}@[a-z]{1,8}\\.example",
        reply in proptest::option::of("[a-z0-9]{1,12}@[a-z]{1,8}\\.example"),
        body in proptest::collection::vec(paragraph(), 0..4),
        attachments in proptest::collection::vec("[a-zA-Z0-9 陈]{1,10}\\.(pdf|xlsx)", 0..3),
    ) {
        let mut seen = std::collections::BTreeSet::new();
        let e = Email {
            from, to, cc,
            subject: subject.trim().to_owned(),
            date: SimTime(secs),
            message_id: id,
            in_reply_to: reply,
            body,
            attachments: attachments.into_iter().filter(|a| seen.insert(a.trim().to_lowercase())).filter_map(|a| VPath::parse(&format!("/Mail/{}", a.trim())).ok()).collect(),
        };
        prop_assert_eq!(round_trip(&e), normal_form(&e));
    }
}

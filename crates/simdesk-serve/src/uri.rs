//! `simdesk://world/…` resource URIs: a world path, percent-encoded so that
//! every URI parser accepts it, and back.

use simdesk_model::VPath;

/// Every resource URI starts with this.
pub const PREFIX: &str = "simdesk://world";

/// The resource URI of a world path (`/Clients/Q4 review.docx` becomes
/// `simdesk://world/Clients/Q4%20review.docx`).
pub fn of_path(path: &VPath) -> String {
    let mut out = String::with_capacity(PREFIX.len() + path.as_str().len());
    out.push_str(PREFIX);
    for b in path.as_str().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Why a resource URI names no world path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// The URI does not start with [`PREFIX`].
    #[error("resource uri `{0}` does not start with simdesk://world/")]
    Scheme(String),
    /// A `%` is not followed by two hex digits, or the bytes are not UTF-8.
    #[error("resource uri `{0}` is not percent-encoded UTF-8")]
    Encoding(String),
    /// The decoded path is not a valid world path (`..`, empty names …).
    #[error("resource uri `{uri}` names no valid path: {source}")]
    Path {
        /// The URI as given.
        uri: String,
        /// What the path broke.
        #[source]
        source: simdesk_model::PathError,
    },
}

/// The world path a resource URI names.
pub fn to_path(uri: &str) -> Result<VPath, UriError> {
    let rest = uri
        .strip_prefix(PREFIX)
        .filter(|r| r.starts_with('/'))
        .ok_or_else(|| UriError::Scheme(short(uri)))?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| UriError::Encoding(short(uri)))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| UriError::Encoding(short(uri)))?;
    VPath::parse(&text).map_err(|source| UriError::Path {
        uri: short(uri),
        source,
    })
}

/// A URI shortened for an error message (a hostile client may send
/// megabytes).
fn short(uri: &str) -> String {
    const MAX: usize = 200;
    if uri.len() <= MAX {
        return uri.to_owned();
    }
    let mut end = MAX;
    while !uri.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &uri[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        for p in [
            "/Clients/Q4 review.docx",
            "/Inbox/Re numbers #2 (draft) & co.eml",
            "/Ünïcode/日本.md",
        ] {
            let path = VPath::parse(p).unwrap();
            let uri = of_path(&path);
            assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
            assert_eq!(to_path(&uri).unwrap(), path);
        }
        assert_eq!(
            of_path(&VPath::parse("/Clients/Q4 review.docx").unwrap()),
            "simdesk://world/Clients/Q4%20review.docx"
        );
    }

    #[test]
    fn uris_that_escape_or_are_malformed_are_refused() {
        let errors: Vec<String> = [
            "file:///etc/passwd",
            "simdesk://world/../etc/passwd",
            "simdesk://world/%2E%2E/etc",
            "simdesk://world/a%zz",
            "simdesk://world/a%ff",
            "simdesk://worldly/a",
        ]
        .iter()
        .map(|u| to_path(u).unwrap_err().to_string())
        .collect();
        expect_test::expect![[r#"
            [
                "resource uri `file:///etc/passwd` does not start with simdesk://world/",
                "resource uri `simdesk://world/../etc/passwd` names no valid path: invalid path \"/../etc/passwd\": '..' component (component \"..\")",
                "resource uri `simdesk://world/%2E%2E/etc` names no valid path: invalid path \"/../etc\": '..' component (component \"..\")",
                "resource uri `simdesk://world/a%zz` is not percent-encoded UTF-8",
                "resource uri `simdesk://world/a%ff` is not percent-encoded UTF-8",
                "resource uri `simdesk://worldly/a` does not start with simdesk://world/",
            ]
        "#]]
        .assert_debug_eq(&errors);
    }
}

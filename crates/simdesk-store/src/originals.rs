//! The bytes of imported files, kept beside the world so that nothing the
//! model cannot hold is lost while a file is unchanged: an artifact
//! exported as it was imported is written back byte for byte (charts,
//! macros, comments and all), and one that changed is written from the
//! model with a warning naming what it drops ([`Unmodelled`]).
//!
//! An [`Original`] remembers the digest of its artifact as the import left
//! it ([`artifact_digest`], blake3 of the artifact's JSON); the bytes are
//! used only while the world's artifact at that path still has that
//! digest, so no op of any door has to clear them: an edit, a write or a
//! move simply stops matching.
//!
//! On disk the originals of `w.simdesk` are `w.simdesk.originals`
//! ([`originals_path`]), written atomically beside the world file: a
//! header line `simdesk-originals 1 blake3:<hex>` (the checksum of what
//! follows), one JSON line indexing the files in path order (path, digest,
//! length, counts of what the model drops), then the files' bytes one
//! after another. Same originals, same bytes. A world file without one has
//! no originals; a damaged or newer one is refused with a typed error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use simdesk_formats::{Feature, Unmodelled};
use simdesk_model::{Artifact, VPath};

use crate::error::{StoreError, io};
use crate::fsio::{MAX_INPUT_BYTES, read_limited, write_atomic};

/// The version of the originals file this build writes and reads.
pub const ORIGINALS_VERSION: u32 = 1;

const MAGIC: &str = "simdesk-originals";

/// What is appended to a world file's name to name its originals.
pub const ORIGINALS_SUFFIX: &str = ".originals";

/// One imported file's bytes and what its artifact looked like then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// [`artifact_digest`] of the world's artifact right after the import.
    pub digest: String,
    /// The file's bytes as they were read.
    pub bytes: Vec<u8>,
    /// What the file carries that the artifact does not.
    pub unmodelled: Unmodelled,
}

/// The originals of a world's imported files, by world path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Originals {
    files: BTreeMap<VPath, Original>,
}

/// The digest an [`Original`] is matched by: blake3 of the artifact's
/// JSON (the model's serialisation is deterministic: ordered maps only).
pub fn artifact_digest(artifact: &Artifact) -> Result<String, StoreError> {
    // The JSON is hashed as it is written, never held whole (a big
    // workbook's would be tens of bytes per cell).
    let mut hasher = blake3::Hasher::new();
    let serialise = |source| StoreError::Serialise {
        what: "artifact",
        source,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut hasher);
    serde_json::to_writer(&mut out, artifact).map_err(serialise)?;
    std::io::Write::flush(&mut out).map_err(|e| serialise(serde_json::Error::io(e)))?;
    drop(out);
    Ok(hasher.finalize().to_hex().to_string())
}

impl Originals {
    /// Keeps `original` for the artifact at `path` (replacing any before).
    pub fn insert(&mut self, path: VPath, original: Original) {
        self.files.insert(path, original);
    }

    /// The original kept for `path`, changed or not.
    pub fn get(&self, path: &VPath) -> Option<&Original> {
        self.files.get(path)
    }

    /// How many files are kept.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The kept files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&VPath, &Original)> {
        self.files.iter()
    }

    /// The original bytes of `artifact` at `path` when it is the artifact
    /// the import made (its digest unchanged); `None` when nothing is kept
    /// or it changed since.
    pub fn unchanged(
        &self,
        path: &VPath,
        artifact: &Artifact,
    ) -> Result<Option<&Original>, StoreError> {
        let Some(o) = self.files.get(path) else {
            return Ok(None);
        };
        Ok((artifact_digest(artifact)? == o.digest).then_some(o))
    }

    /// The originals file's bytes (see the module docs).
    pub fn to_bytes(&self) -> Result<Vec<u8>, StoreError> {
        let index = Index {
            files: self
                .files
                .iter()
                .map(|(path, o)| IndexEntry {
                    path: path.clone(),
                    digest: o.digest.clone(),
                    bytes: o.bytes.len() as u64,
                    unmodelled: o
                        .unmodelled
                        .iter()
                        .map(|(f, n)| (f.name().to_owned(), n))
                        .collect(),
                })
                .collect(),
        };
        let mut body = serde_json::to_vec(&index).map_err(|source| StoreError::Serialise {
            what: "originals index",
            source,
        })?;
        body.push(b'\n');
        for o in self.files.values() {
            body.extend_from_slice(&o.bytes);
        }
        let sum = blake3::hash(&body).to_hex();
        let mut out = format!("{MAGIC} {ORIGINALS_VERSION} blake3:{sum}\n").into_bytes();
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Reads an originals file's bytes; `path` names it in errors. The
    /// header, version, checksum, every path and every length are checked
    /// (lengths with checked arithmetic against what is there) before a
    /// file's bytes are copied.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Originals, StoreError> {
        let bad = |reason: String| StoreError::Originals {
            path: path.to_path_buf(),
            reason,
        };
        let nl = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| bad("no header line".into()))?;
        let header =
            std::str::from_utf8(&bytes[..nl]).map_err(|_| bad("header is not UTF-8".into()))?;
        let mut words = header.split(' ');
        if words.next() != Some(MAGIC) {
            return Err(bad(format!("missing '{MAGIC}' header")));
        }
        let version: u32 = words
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| bad("no version in the header".into()))?;
        if version != ORIGINALS_VERSION {
            return Err(bad(format!(
                "version {version}; this build reads version {ORIGINALS_VERSION}"
            )));
        }
        let sum = words
            .next()
            .and_then(|w| w.strip_prefix("blake3:"))
            .ok_or_else(|| bad("no checksum in the header".into()))?;
        let body = &bytes[nl + 1..];
        if blake3::hash(body).to_hex().as_str() != sum {
            return Err(bad("checksum mismatch".into()));
        }
        let inl = body
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| bad("no index line".into()))?;
        let index: Index =
            serde_json::from_slice(&body[..inl]).map_err(|e| bad(format!("index: {e}")))?;
        let mut data = &body[inl + 1..];
        let mut total: u64 = 0;
        for e in &index.files {
            total = total
                .checked_add(e.bytes)
                .ok_or_else(|| bad("file lengths overflow".into()))?;
        }
        if total != data.len() as u64 {
            return Err(bad(format!(
                "the index names {total} bytes of files, {} follow",
                data.len()
            )));
        }
        let mut out = Originals::default();
        for e in index.files {
            let mut unmodelled = Unmodelled::default();
            for (name, n) in &e.unmodelled {
                let f = Feature::from_name(name)
                    .ok_or_else(|| bad(format!("{}: unknown feature {name:?}", e.path)))?;
                unmodelled.add(f, *n);
            }
            // The lengths sum to what is there: each fits.
            let (file, rest) = data.split_at(e.bytes as usize);
            data = rest;
            if out.files.contains_key(&e.path) {
                return Err(bad(format!("{} is listed twice", e.path)));
            }
            out.files.insert(
                e.path,
                Original {
                    digest: e.digest,
                    bytes: file.to_vec(),
                    unmodelled,
                },
            );
        }
        Ok(out)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    files: Vec<IndexEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexEntry {
    path: VPath,
    digest: String,
    bytes: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    unmodelled: BTreeMap<String, u64>,
}

/// Where the originals of the world file `world` live: beside it, its
/// name with [`ORIGINALS_SUFFIX`] appended.
pub fn originals_path(world: &Path) -> PathBuf {
    let mut name = world.file_name().unwrap_or_default().to_os_string();
    name.push(ORIGINALS_SUFFIX);
    world.with_file_name(name)
}

/// Writes the originals of the world file `world` beside it (atomically);
/// with none, removes a file left by an earlier world of that name, so a
/// world never meets another's originals.
pub fn save_originals(world: &Path, originals: &Originals) -> Result<(), StoreError> {
    let path = originals_path(world);
    if originals.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", &path)(e)),
            _ => Ok(()),
        };
    }
    write_atomic(&path, &originals.to_bytes()?)
}

/// Reads the originals of the world file `world`; none when there is no
/// originals file beside it.
pub fn load_originals(world: &Path) -> Result<Originals, StoreError> {
    let path = originals_path(world);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Originals::default()),
        Err(e) => return Err(io("open", &path)(e)),
        Ok(m) if !m.file_type().is_file() => return Err(StoreError::NotAFile { path }),
        Ok(_) => {}
    }
    let bytes = read_limited(&path, MAX_INPUT_BYTES)?;
    Originals::from_bytes(&bytes, &path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{Text, TextFormat};

    fn sample() -> Originals {
        let mut o = Originals::default();
        let mut u = Unmodelled::default();
        u.add(Feature::Charts, 2);
        o.insert(
            VPath::parse("/b.xlsx").unwrap(),
            Original {
                digest: "d2".into(),
                bytes: b"PK\x03\x04second".to_vec(),
                unmodelled: u,
            },
        );
        o.insert(
            VPath::parse("/a.docx").unwrap(),
            Original {
                digest: "d1".into(),
                bytes: b"first\n".to_vec(),
                unmodelled: Unmodelled::default(),
            },
        );
        o
    }

    #[test]
    fn bytes_round_trip_and_are_deterministic() {
        let o = sample();
        let b = o.to_bytes().unwrap();
        assert_eq!(b, sample().to_bytes().unwrap());
        assert_eq!(Originals::from_bytes(&b, Path::new("x")).unwrap(), o);
    }

    /// Damage of every kind is a typed error, never a panic: a lying
    /// length, a flipped byte, a newer version, a truncation.
    #[test]
    fn damaged_files_are_refused() {
        let b = sample().to_bytes().unwrap();
        let refused = |bytes: &[u8]| {
            let e = Originals::from_bytes(bytes, Path::new("w.originals")).unwrap_err();
            assert!(matches!(e, StoreError::Originals { .. }), "{e:?}");
            e.to_string()
        };
        for cut in [0, 5, b.len() / 2, b.len() - 1] {
            refused(&b[..cut]);
        }
        let mut flipped = b.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(refused(&flipped).ends_with("checksum mismatch"));
        let newer = String::from_utf8_lossy(&b).replacen(" 1 ", " 2 ", 1);
        assert!(refused(newer.as_bytes()).contains("version 2"));
        // A forged index whose lengths overflow, with a valid checksum.
        let body = b"{\"files\":[{\"path\":\"/a\",\"digest\":\"x\",\"bytes\":18446744073709551615},{\"path\":\"/b\",\"digest\":\"x\",\"bytes\":2}]}\n";
        let forged = [
            format!("{MAGIC} 1 blake3:{}\n", blake3::hash(body).to_hex()).into_bytes(),
            body.to_vec(),
        ]
        .concat();
        assert!(refused(&forged).ends_with("file lengths overflow"));
    }

    #[test]
    fn an_original_is_used_only_while_its_artifact_is_unchanged() {
        let a = Artifact::Text(Text {
            format: TextFormat::Plain,
            content: "x".into(),
        });
        let p = VPath::parse("/a.txt").unwrap();
        let mut o = Originals::default();
        o.insert(
            p.clone(),
            Original {
                digest: artifact_digest(&a).unwrap(),
                bytes: b"orig".to_vec(),
                unmodelled: Unmodelled::default(),
            },
        );
        assert!(o.unchanged(&p, &a).unwrap().is_some());
        let b = Artifact::Text(Text {
            format: TextFormat::Plain,
            content: "y".into(),
        });
        assert!(o.unchanged(&p, &b).unwrap().is_none());
        assert!(
            o.unchanged(&VPath::parse("/b.txt").unwrap(), &a)
                .unwrap()
                .is_none()
        );
    }
}

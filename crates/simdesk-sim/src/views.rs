//! The text views `read_file` pages through, kept per file while the file
//! is unchanged: a view is rendered once per content revision and a page
//! is cut from it by line offsets. Only saves work: what a call returns is
//! the same with or without it.

use std::sync::{Arc, Mutex, PoisonError};

use imbl::OrdMap;
use simdesk_model::VPath;

/// Most files whose views are kept at once; past it the cache starts over.
pub(crate) const MAX_VIEWS: usize = 512;

/// A rendered view and where its lines start.
#[derive(Debug)]
pub(crate) struct View {
    pub text: String,
    /// Byte offset of each line's start, and the text's length last.
    starts: Vec<usize>,
}

impl View {
    pub fn new(text: String) -> View {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() != Some(&text.len()) {
            starts.push(text.len());
        }
        View { text, starts }
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        self.starts.len() - 1
    }

    /// Lines `from..to` (clamped), without the last newline.
    pub fn slice(&self, from: usize, to: usize) -> &str {
        let to = to.min(self.lines());
        if from >= to {
            return "";
        }
        let s = &self.text[self.starts[from]..self.starts[to]];
        s.strip_suffix('\n').unwrap_or(s)
    }
}

/// Views by path, each with the content revision it was rendered at.
/// Forks share what was rendered before they split.
#[derive(Debug, Default)]
pub(crate) struct Views(Mutex<OrdMap<VPath, (u64, Arc<View>)>>);

impl Clone for Views {
    fn clone(&self) -> Views {
        Views(Mutex::new(self.map().clone()))
    }
}

impl Views {
    fn map(&self) -> std::sync::MutexGuard<'_, OrdMap<VPath, (u64, Arc<View>)>> {
        // A panic while the lock was held leaves a map that is still whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The view of `path` at `revision`, rendered by `render` when not kept.
    pub fn get(&self, path: &VPath, revision: u64, render: impl FnOnce() -> String) -> Arc<View> {
        if let Some((r, v)) = self.map().get(path)
            && *r == revision
        {
            return v.clone();
        }
        let v = Arc::new(View::new(render()));
        let mut m = self.map();
        if m.len() >= MAX_VIEWS {
            m.clear();
        }
        m.insert(path.clone(), (revision, v.clone()));
        v
    }
}

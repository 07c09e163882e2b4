//! A bounded cache of parsed documents: clients send the same few documents again and
//! again (with new variables), and parsing one is a tenth of a point lookup's CPU.
//!
//! An entry is a document's text with its parsed form, stored once the document has
//! passed the document guard ([`crate::guard`]) under the limits it records; a lookup
//! under other limits misses, so a cached document is never admitted past a limit it was
//! not checked against. Each request gets its own copy of the parsed document (async-graphql
//! consumes it), which costs a fraction of parsing the text again. What depends on the
//! request besides its text (the cost of its variables, the operation it names, the
//! transport's rule, validation) is still checked on every request.
//!
//! The cache is bounded by an estimate of the memory its entries take (a parsed document
//! takes some twenty times its text; [`ENTRY_BYTES_PER_TEXT_BYTE`]), evicting the oldest
//! entries first. A document too large for a sixteenth of the budget is not cached.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

use crate::guard::DocumentLimits;

/// The memory an entry is counted for, per byte of its text (its text, its parsed form and
/// the map's bookkeeping; measured parsed documents of Mosaic's own workloads took 10 to 25
/// times their text).
pub const ENTRY_BYTES_PER_TEXT_BYTE: usize = 32;

/// The default budget: 16 MiB (some 500 KB of document text).
pub const DEFAULT_BUDGET_BYTES: usize = 16 << 20;

/// Parsed documents by their text, bounded by [`ParsedDocuments::budget`] bytes. Shared
/// by every connection of a server.
pub struct ParsedDocuments {
    budget: usize,
    inner: Mutex<Entries>,
    hits: AtomicU64,
}

#[derive(Default)]
struct Entries {
    by_text: HashMap<Arc<str>, Entry>,
    /// Texts in the order they were stored: the front is evicted first.
    order: VecDeque<Arc<str>>,
    bytes: usize,
}

struct Entry {
    doc: Arc<ExecutableDocument>,
    limits: DocumentLimits,
}

fn cost(text: &str) -> usize {
    text.len() * ENTRY_BYTES_PER_TEXT_BYTE
}

impl ParsedDocuments {
    /// A cache of at most `budget` bytes (0 caches nothing).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::default(),
            hits: AtomicU64::new(0),
        }
    }

    /// The most memory the entries are counted for.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// The memory the entries are counted for now.
    pub fn bytes(&self) -> usize {
        self.entries().bytes
    }

    /// How many lookups found their document.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// How many documents are cached.
    pub fn len(&self) -> usize {
        self.entries().by_text.len()
    }

    /// Whether no document is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while the lock is held leaves the maps consistent (no step of `put`
        // panics between its updates), so a poisoned lock is taken as it is.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of `text`'s parsed document, if it is cached and was admitted under
    /// `limits`.
    pub fn get(&self, text: &str, limits: &DocumentLimits) -> Option<ExecutableDocument> {
        if self.budget == 0 {
            return None;
        }
        let doc = {
            let entries = self.entries();
            let entry = entries.by_text.get(text)?;
            (entry.limits == *limits).then(|| entry.doc.clone())?
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some((*doc).clone())
    }

    /// Stores `doc`, the parsed form of `text`, admitted under `limits`; the oldest
    /// entries make room for it.
    pub fn put(&self, text: &str, limits: &DocumentLimits, doc: &ExecutableDocument) {
        let size = cost(text);
        if size > self.budget / 16 {
            return;
        }
        let entry = Entry {
            doc: Arc::new(doc.clone()),
            limits: *limits,
        };
        let mut entries = self.entries();
        if let Some(old) = entries.by_text.get_mut(text) {
            *old = entry;
            return;
        }
        while entries.bytes + size > self.budget {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if entries.by_text.remove(&oldest).is_some() {
                entries.bytes -= cost(&oldest);
            }
        }
        let text: Arc<str> = Arc::from(text);
        entries.order.push_back(text.clone());
        entries.by_text.insert(text, entry);
        entries.bytes += size;
    }
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn doc(text: &str) -> ExecutableDocument {
        parse_query(text).expect("parses")
    }

    #[test]
    fn a_stored_document_comes_back_as_it_was_parsed() {
        let cache = ParsedDocuments::default();
        let text = "query Q($u: String!) { orquestraUser(username: $u) { id username } }";
        let limits = DocumentLimits::default();
        assert!(cache.get(text, &limits).is_none());
        cache.put(text, &limits, &doc(text));
        let got = cache.get(text, &limits).expect("cached");
        assert_eq!(format!("{got:?}"), format!("{:?}", doc(text)));
        assert_eq!(cache.hits(), 1);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.bytes(), text.len() * ENTRY_BYTES_PER_TEXT_BYTE);
    }

    #[test]
    fn a_document_admitted_under_other_limits_is_not_served() {
        let cache = ParsedDocuments::default();
        let text = "{ a b c }";
        cache.put(text, &DocumentLimits::default(), &doc(text));
        let tighter = DocumentLimits {
            max_root_fields: 2,
            ..DocumentLimits::default()
        };
        assert!(cache.get(text, &tighter).is_none());
        assert!(cache.get(text, &DocumentLimits::default()).is_some());
    }

    #[test]
    fn the_cache_stays_within_its_budget_evicting_the_oldest() {
        let limits = DocumentLimits::default();
        let texts: Vec<String> = (0..40).map(|i| format!("{{ field{i:04} }}")).collect();
        let one = cost(&texts[0]);
        let cache = ParsedDocuments::new(one * 16);
        for t in &texts {
            cache.put(t, &limits, &doc(t));
            assert!(cache.bytes() <= cache.budget());
        }
        assert_eq!(cache.len(), 16);
        assert!(
            cache.get(&texts[0], &limits).is_none(),
            "the oldest went first"
        );
        assert!(cache.get(&texts[39], &limits).is_some());
        assert!(cache.get(&texts[24], &limits).is_some());
        assert!(cache.get(&texts[23], &limits).is_none());
    }

    #[test]
    fn large_documents_and_a_zero_budget_are_not_cached() {
        let limits = DocumentLimits::default();
        let small = "{ a }";
        let cache = ParsedDocuments::new(cost(small) * 16);
        let large = format!("{{ {} }}", "a ".repeat(40));
        cache.put(&large, &limits, &doc(&large));
        assert!(cache.is_empty());
        cache.put(small, &limits, &doc(small));
        assert_eq!(cache.len(), 1);

        let none = ParsedDocuments::new(0);
        none.put(small, &limits, &doc(small));
        assert!(none.is_empty() && none.get(small, &limits).is_none());
    }
}

//! Cheap, bounded checks on a GraphQL document before async-graphql validates it.
//!
//! async-graphql's own limits (depth, complexity) skip `__typename` and count neither
//! aliases nor directives on it, and its validators expand fragment spreads: a small
//! document can therefore carry 100k aliased `__typename`s, 50k directives, or fragments
//! that fan out exponentially. These checks bound all of that in time linear in the
//! document's size:
//!
//! 1. lexical tokens are counted without building anything (`max_tokens`);
//! 2. the parsed document's aliases, directives and root fields are counted, every
//!    occurrence in the text once (`__typename` included);
//! 3. the size of every operation with fragments expanded is computed with memoisation
//!    (`max_expanded_fields`), which also rejects fragment cycles.

use std::collections::HashMap;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection,
    SelectionSet,
};

/// Limits on a document's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentLimits {
    /// Most lexical tokens in the query text.
    pub max_tokens: usize,
    /// Most aliased fields in the document.
    pub max_aliases: usize,
    /// Most directives in the document (all locations).
    pub max_directives: usize,
    /// Most fields at the root of one operation (fragments expanded).
    pub max_root_fields: usize,
    /// Most fields of one operation with every fragment expanded.
    pub max_expanded_fields: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_tokens: 15_000,
            max_aliases: 200,
            max_directives: 200,
            max_root_fields: 50,
            max_expanded_fields: 20_000,
        }
    }
}

/// Why a document was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Too many tokens.
    #[error("the query has more than {0} tokens")]
    Tokens(usize),
    /// Too many aliases.
    #[error("the query has more than {0} aliases")]
    Aliases(usize),
    /// Too many directives.
    #[error("the query has more than {0} directives")]
    Directives(usize),
    /// Too many root fields in an operation.
    #[error("an operation selects more than {0} root fields")]
    RootFields(usize),
    /// Too large once fragments are expanded.
    #[error("the query selects more than {0} fields once fragments are expanded")]
    Expanded(usize),
    /// A fragment spreads itself, directly or not.
    #[error("fragment `{0}` spreads itself")]
    FragmentCycle(String),
}

/// Counts the lexical tokens of `src`, stopping as soon as there are more than `limit`.
pub fn check_tokens(src: &str, limit: usize) -> Result<usize, Refusal> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut n = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            0xEF if b[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => {
                i += 3;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                i += 1;
                while i < b.len()
                    && matches!(b[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        n += 1;
        if n > limit {
            return Err(Refusal::Tokens(limit));
        }
    }
    Ok(n)
}

struct Counter<'a> {
    limits: &'a DocumentLimits,
    aliases: usize,
    directives: usize,
}

impl Counter<'_> {
    fn directives(&mut self, n: usize) -> Result<(), Refusal> {
        self.directives += n;
        if self.directives > self.limits.max_directives {
            return Err(Refusal::Directives(self.limits.max_directives));
        }
        Ok(())
    }

    fn selection_set(&mut self, set: &SelectionSet) -> Result<(), Refusal> {
        for sel in &set.items {
            match &sel.node {
                Selection::Field(f) => {
                    if f.node.alias.is_some() {
                        self.aliases += 1;
                        if self.aliases > self.limits.max_aliases {
                            return Err(Refusal::Aliases(self.limits.max_aliases));
                        }
                    }
                    self.directives(f.node.directives.len())?;
                    self.selection_set(&f.node.selection_set.node)?;
                }
                Selection::FragmentSpread(s) => self.directives(s.node.directives.len())?,
                Selection::InlineFragment(f) => {
                    self.directives(f.node.directives.len())?;
                    self.selection_set(&f.node.selection_set.node)?;
                }
            }
        }
        Ok(())
    }
}

/// Sizes of selection sets with fragments expanded, memoised per fragment.
struct Expander<'a> {
    fragments: &'a HashMap<async_graphql::Name, Positioned<FragmentDefinition>>,
    sizes: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
    cap: usize,
}

impl<'a> Expander<'a> {
    /// Fields of `set` with fragments expanded (saturating just above the cap).
    fn size(&mut self, set: &'a SelectionSet) -> Result<usize, Refusal> {
        let mut total = 0usize;
        for sel in &set.items {
            let n = match &sel.node {
                Selection::Field(f) => 1 + self.size(&f.node.selection_set.node)?,
                Selection::InlineFragment(f) => self.size(&f.node.selection_set.node)?,
                Selection::FragmentSpread(s) => {
                    self.fragment(s.node.fragment_name.node.as_str())?
                }
            };
            total = total.saturating_add(n);
            if total > self.cap {
                return Err(Refusal::Expanded(self.cap));
            }
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str) -> Result<usize, Refusal> {
        if let Some(&n) = self.sizes.get(name) {
            return Ok(n);
        }
        if self.visiting.contains(&name) {
            return Err(Refusal::FragmentCycle(name.to_owned()));
        }
        // An unknown fragment is async-graphql's error to report.
        let Some(def) = self.fragments.get(name) else {
            return Ok(0);
        };
        self.visiting.push(name);
        let n = self.size(&def.node.selection_set.node)?;
        self.visiting.pop();
        self.sizes.insert(name, n);
        Ok(n)
    }

    /// Root fields of `set`, expanding fragments at the root only.
    fn roots(&mut self, set: &'a SelectionSet, depth: usize) -> usize {
        if depth > 8 {
            return 0;
        }
        set.items
            .iter()
            .map(|sel| match &sel.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(f) => self.roots(&f.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(s) => self
                    .fragments
                    .get(s.node.fragment_name.node.as_str())
                    .map_or(0, |d| self.roots(&d.node.selection_set.node, depth + 1)),
            })
            .fold(0usize, usize::saturating_add)
    }
}

/// Checks a parsed document's aliases, directives, root fields and expanded size.
pub fn check_document(doc: &ExecutableDocument, limits: &DocumentLimits) -> Result<(), Refusal> {
    let mut counter = Counter {
        limits,
        aliases: 0,
        directives: 0,
    };
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    for op in &operations {
        counter.directives(op.node.directives.len())?;
        for v in &op.node.variable_definitions {
            counter.directives(v.node.directives.len())?;
        }
        counter.selection_set(&op.node.selection_set.node)?;
    }
    for def in doc.fragments.values() {
        counter.directives(def.node.directives.len())?;
        counter.selection_set(&def.node.selection_set.node)?;
    }
    let mut expander = Expander {
        fragments: &doc.fragments,
        sizes: HashMap::new(),
        visiting: Vec::new(),
        cap: limits.max_expanded_fields,
    };
    for op in &operations {
        expander.size(&op.node.selection_set.node)?;
        if expander.roots(&op.node.selection_set.node, 0) > limits.max_root_fields {
            return Err(Refusal::RootFields(limits.max_root_fields));
        }
    }
    Ok(())
}

/// The type of the operation a request would run (`operation_name` selects among
/// several); `None` when it cannot tell (async-graphql reports that).
pub fn operation_type(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<OperationType> {
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check(q: &str) -> Result<(), Refusal> {
        let limits = DocumentLimits::default();
        check_tokens(q, limits.max_tokens)?;
        check_document(&parse_query(q).expect("parses"), &limits)
    }

    #[test]
    fn tokens_are_counted_lexically() {
        assert_eq!(check_tokens("{ a b(x: 1.5e3, y: \"s t\") }", 100), Ok(12));
        assert_eq!(check_tokens("# comment\n{ a }", 100), Ok(3));
        assert_eq!(
            check_tokens("{ a(s: \"\"\"block \\\"\"\" x\"\"\") }", 100),
            Ok(8)
        );
        assert_eq!(check_tokens(&"a ".repeat(20), 10), Err(Refusal::Tokens(10)));
    }

    #[test]
    fn aliased_typenames_and_directives_are_counted() {
        let aliases: String = (0..201).map(|i| format!("a{i}: __typename ")).collect();
        assert_eq!(
            check(&format!("{{ {aliases} }}")),
            Err(Refusal::Aliases(200))
        );
        let directives = "@skip(if: false) ".repeat(201);
        assert_eq!(
            check(&format!("{{ __typename {directives} }}")),
            Err(Refusal::Directives(200))
        );
        assert_eq!(check("{ __typename a: __typename }"), Ok(()));
    }

    #[test]
    fn fragment_fan_out_and_cycles_are_refused() {
        // Each fragment spreads the next twice: 2^30 fields once expanded.
        let mut q = String::from("{ ...f0 }\n");
        for i in 0..30 {
            q.push_str(&format!(
                "fragment f{i} on Query {{ ...f{} ...f{} }}\n",
                i + 1,
                i + 1
            ));
        }
        q.push_str("fragment f30 on Query { __typename }");
        assert_eq!(check(&q), Err(Refusal::Expanded(20_000)));
        let cycle = "{ ...a } fragment a on Query { ...b } fragment b on Query { ...a }";
        assert!(matches!(check(cycle), Err(Refusal::FragmentCycle(_))));
    }

    #[test]
    fn root_fields_are_bounded() {
        let roots: String = (0..51).map(|i| format!("f{i}: apiVersion ")).collect();
        assert_eq!(
            check(&format!("{{ {roots} }}")),
            Err(Refusal::RootFields(50))
        );
    }

    #[test]
    fn operation_types_are_found() {
        let doc = parse_query("query A { a } mutation B { b }").unwrap();
        assert_eq!(
            operation_type(&doc, Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(operation_type(&doc, None), None);
        let doc = parse_query("{ a }").unwrap();
        assert_eq!(operation_type(&doc, None), Some(OperationType::Query));
    }
}

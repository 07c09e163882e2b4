//! The cost of a query: how many objects its response can hold at most, estimated from
//! the document before anything runs.
//!
//! Relations are batched (one statement per level, whatever the fan-out), so what a query
//! costs the server is the rows it reads and returns, not how deeply it nests or how many
//! columns it selects. The model counts objects:
//!
//! - a scalar or enum field (and `__typename`, and introspection) costs nothing;
//! - an object field costs 1 per parent object;
//! - a list costs its page size per parent object, and its children are counted once
//!   per item: a field with `first`/`last` pages its list (a connection's `nodes` and
//!   `edges`) by that size, at most [`MAX_PAGE_SIZE`]; without them the page is the
//!   default [`DEFAULT_PAGE_SIZE`], also for a list that takes no page size at all.
//!
//! A user with 20 posts, 20 comments each and 20 replies to each costs 8,842 (the 8,000
//! replies dominate); five levels of `first: 100` cost over 10^10.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{ErrorExtensionValues, Name, ServerError, Value, Variables};

use crate::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Field visits after which the walk stops and the document counts as unbounded (the
/// document guard refuses such fan-out earlier on every transport).
const MAX_VISITS: usize = 1_000_000;

/// The cost and depth limits of a schema, checked when an operation is admitted
/// ([`crate::pipeline::admit`]), before async-graphql validates it. A refusal says how much
/// the query measures and what the limit is (`extensions.measure`, `extensions.cost`,
/// `extensions.limit`), so that a user can shorten it; async-graphql's own limits only say
/// "Query is too complex.", and as a schema extension this check would send every field
/// through async-graphql's slower instrumented path.
#[derive(Clone)]
pub struct CostLimits {
    registry: Arc<Registry>,
    complexity: u64,
    depth: usize,
}

impl CostLimits {
    /// Limits of `complexity` (see [`of_document`]) and `depth` (nested fields, fragments
    /// expanded) over the types of `registry`.
    pub fn new(registry: Registry, complexity: usize, depth: usize) -> Self {
        Self {
            registry: Arc::new(registry),
            complexity: complexity as u64,
            depth,
        }
    }

    /// Refuses the operation `operation` of `doc` if it costs too much or nests too
    /// deeply (code `GRAPHQL_VALIDATION_FAILED`); its cost otherwise.
    #[allow(clippy::result_large_err)]
    pub fn check(
        &self,
        doc: &ExecutableDocument,
        operation: Option<&str>,
        variables: &Variables,
    ) -> Result<u64, ServerError> {
        let refuse = |measure: &str, cost: u64, limit: u64, message: String| {
            let mut err = ServerError::new(message, None);
            let mut ext = ErrorExtensionValues::default();
            ext.set("code", "GRAPHQL_VALIDATION_FAILED");
            ext.set("measure", measure);
            ext.set("cost", cost);
            ext.set("limit", limit);
            err.extensions = Some(ext);
            err
        };
        let cost = of_document(&self.registry, doc, operation, variables);
        let limit = self.complexity;
        if cost > limit {
            return Err(refuse(
                "complexity",
                cost,
                limit,
                format!(
                    "the query costs {cost}, over the limit of {limit}: ask for fewer rows (`first`) \
                     or fewer nested lists"
                ),
            ));
        }
        let depth = depth_of(doc);
        if depth > self.depth {
            return Err(refuse(
                "depth",
                depth as u64,
                self.depth as u64,
                format!(
                    "the query is nested {depth} levels deep, over the limit of {}",
                    self.depth
                ),
            ));
        }
        Ok(cost)
    }
}

/// The nesting depth of `doc`: the most fields on one path from an operation's root, with
/// fragments expanded (every operation, as async-graphql's validation measures it). A
/// fragment that spreads itself is not followed again (the document guard refuses cycles
/// first).
pub fn depth_of(doc: &ExecutableDocument) -> usize {
    fn nested<'a>(
        doc: &'a ExecutableDocument,
        selection: &'a SelectionSet,
        fragments: &mut Vec<&'a str>,
    ) -> usize {
        selection
            .items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    1 + nested(doc, &field.node.selection_set.node, fragments)
                }
                Selection::InlineFragment(fragment) => {
                    nested(doc, &fragment.node.selection_set.node, fragments)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match doc.fragments.get(name) {
                        Some(fragment) if !fragments.contains(&name) => {
                            fragments.push(name);
                            let d = nested(doc, &fragment.node.selection_set.node, fragments);
                            fragments.pop();
                            d
                        }
                        _ => 0,
                    }
                }
            })
            .max()
            .unwrap_or(0)
    }
    doc.operations
        .iter()
        .map(|(_, op)| nested(doc, &op.node.selection_set.node, &mut Vec::new()))
        .max()
        .unwrap_or(0)
}

/// The cost of the operation `operation` of `doc` (the costliest operation when the name
/// is not given), saturating at `u64::MAX`.
pub fn of_document(
    registry: &Registry,
    doc: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
) -> u64 {
    let operations: Vec<&OperationDefinition> = match &doc.operations {
        DocumentOperations::Single(op) => vec![&op.node],
        DocumentOperations::Multiple(ops) => ops
            .iter()
            .filter(|(name, _)| operation.is_none_or(|o| o == name.as_str()))
            .map(|(_, op)| &op.node)
            .collect(),
    };
    operations
        .into_iter()
        .map(|op| {
            let root = match op.ty {
                async_graphql::parser::types::OperationType::Query => {
                    Some(registry.query_type.as_str())
                }
                async_graphql::parser::types::OperationType::Mutation => {
                    registry.mutation_type.as_deref()
                }
                async_graphql::parser::types::OperationType::Subscription => {
                    registry.subscription_type.as_deref()
                }
            };
            let mut walk = Walk {
                registry,
                doc,
                variables,
                defaults: op
                    .variable_definitions
                    .iter()
                    .filter_map(|d| {
                        let default = d.node.default_value.as_ref()?;
                        Some((d.node.name.node.clone(), default.node.clone()))
                    })
                    .collect(),
                fragments: Vec::new(),
                visits: 0,
            };
            match root {
                Some(root) => walk.set(&op.selection_set.node, root, 1, None),
                None => 0,
            }
        })
        .max()
        .unwrap_or(0)
}

struct Walk<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    defaults: HashMap<Name, Value>,
    /// The fragments being expanded (a cycle is a validation error, reported later).
    fragments: Vec<&'a str>,
    visits: usize,
}

impl<'a> Walk<'a> {
    /// The cost of `set` on `ty`, selected once per each of `per` parent objects; `page`
    /// is the page size a paginated parent field asked for its lists.
    fn set(&mut self, set: &'a SelectionSet, ty: &'a str, per: u64, page: Option<u64>) -> u64 {
        let mut cost = 0u64;
        for item in &set.items {
            self.visits += 1;
            if self.visits > MAX_VISITS {
                return u64::MAX;
            }
            let add = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let Some(meta) = self
                        .registry
                        .types
                        .get(ty)
                        .and_then(|t| t.field_by_name(field.name.node.as_str()))
                    else {
                        // `__typename`, introspection, or an unknown field (a validation
                        // error, reported later).
                        continue;
                    };
                    let target = MetaTypeName::concrete_typename(&meta.ty);
                    if self
                        .registry
                        .types
                        .get(target)
                        .is_none_or(MetaType::is_leaf)
                    {
                        continue;
                    }
                    let paged = meta.args.contains_key("first") || meta.args.contains_key("last");
                    let size = paged.then(|| self.page_size(field));
                    let is_list = MetaTypeName::create(&meta.ty).is_list();
                    let (count, child_page) = match (is_list, size) {
                        // A list that takes its own page size.
                        (true, Some(n)) => (per.saturating_mul(n), None),
                        // A list inside a paginated object (a connection's `nodes`), or one
                        // without paging.
                        (true, None) => {
                            (per.saturating_mul(page.unwrap_or(DEFAULT_PAGE_SIZE)), None)
                        }
                        // A connection: one object per parent; its lists are the page.
                        (false, Some(n)) => (per, Some(n)),
                        (false, None) => (per, None),
                    };
                    count.saturating_add(self.set(
                        &field.selection_set.node,
                        target,
                        count,
                        child_page,
                    ))
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment
                        .type_condition
                        .as_ref()
                        .map_or(ty, |c| c.node.on.node.as_str());
                    self.set(&fragment.selection_set.node, on, per, page)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    if self.fragments.contains(&name) {
                        continue;
                    }
                    self.fragments.push(name);
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    let c = self.set(&fragment.node.selection_set.node, on, per, page);
                    self.fragments.pop();
                    c
                }
            };
            cost = cost.saturating_add(add);
        }
        cost
    }

    /// The page size `field` asks for: `first` or `last` (a literal or a variable), the
    /// default without them, clamped to the maximum (larger sizes are refused by the
    /// resolver with `BAD_USER_INPUT`, which is the clearer answer).
    fn page_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
        let requested = ["first", "last"]
            .iter()
            .filter_map(|arg| field.get_argument(arg))
            .filter_map(|value| {
                let value = value.node.clone().into_const_with(|name| {
                    self.variables
                        .get(&name)
                        .or_else(|| self.defaults.get(&name))
                        .cloned()
                        .ok_or(())
                });
                number(&value.ok()?)
            })
            .max();
        requested.map_or(DEFAULT_PAGE_SIZE, |n| n.clamp(0, MAX_PAGE_SIZE))
    }
}

fn number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => Some(n.as_u64().unwrap_or(0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::depth_of;

    fn depth(query: &str) -> usize {
        depth_of(&async_graphql::parser::parse_query(query).expect("a valid document"))
    }

    #[test]
    fn depth_counts_fields_on_the_deepest_path_with_fragments_expanded() {
        assert_eq!(depth("{ a }"), 1);
        assert_eq!(depth("{ a { b { c } } d }"), 3);
        assert_eq!(depth("{ a { __typename } }"), 2);
        assert_eq!(depth("{ a { ... on T { b { c } } } }"), 3);
        assert_eq!(
            depth("query { a { ...F } } fragment F on T { b { ...G } } fragment G on U { c }"),
            3
        );
        // Every operation counts, as in async-graphql's validation.
        assert_eq!(depth("query A { a } query B { a { b { c { d } } } }"), 4);
        // A cycle (refused earlier by the document guard) is not followed again.
        assert_eq!(depth("{ a { ...F } } fragment F on T { b { ...F } }"), 2);
    }
}

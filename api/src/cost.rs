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

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, Value, Variables};

use crate::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Field visits after which the walk stops and the document counts as unbounded (the
/// document guard refuses such fan-out earlier on every transport).
const MAX_VISITS: usize = 1_000_000;

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

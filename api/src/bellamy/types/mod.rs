//! Bellamy's GraphQL types, enums, filters and orders, one file per object type or close
//! group. Secrets (password hashes) are not fields. Every id is a UUID (the `UUID` scalar).
//!
//! Every submodule is re-exported here, so `super::types::*` names every type.

/// `$order`, or `$fields::$field` in `$dir` (`Asc` or `Desc`) when the client gave none:
/// the ordering of a nested connection with a default order other than the primary key.
/// Expands to `$input::ordering(...)`, the [`Ordering`](crate::pagination::Ordering) of
/// the `order_input!` struct `$input`.
macro_rules! order_or {
    ($order:ident, $input:ident, $fields:ident :: $field:ident, $dir:ident) => {
        $input::ordering($order.or(Some($input {
            field: $fields::$field,
            direction: $crate::order::OrderDirection::$dir,
        })))
    };
}

/// Declares an object type over one row: `pub struct $name(pub Node<$model>)` (the row
/// and its sibling set, for batching) and its `From<Node<$model>>`. The `#[Object]` impl
/// is written beside it.
macro_rules! node_type {
    ($(#[$m:meta])* $name:ident($model:path)) => {
        $(#[$m])*
        pub struct $name(pub $crate::batch::Node<$model>);

        impl From<$crate::batch::Node<$model>> for $name {
            fn from(m: $crate::batch::Node<$model>) -> Self {
                Self(m)
            }
        }
    };
}

pub mod chat;
pub mod comments;
pub mod enums;
pub mod filters;
pub mod hashtags;
pub mod media;
pub mod notifications;
pub mod payloads;
pub mod posts;
pub mod reactions;
mod relations;
pub mod social;
pub mod stories;
pub mod users;

pub use chat::*;
pub use comments::*;
pub use enums::*;
pub use filters::*;
pub use hashtags::*;
pub use media::*;
pub use notifications::*;
pub use payloads::*;
pub use posts::*;
pub use reactions::*;
pub use social::*;
pub use stories::*;
pub use users::*;

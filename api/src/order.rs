//! List ordering: `orderBy: { field: ..., direction: ASC|DESC }` inputs, declared per
//! table with [`order_input!`]. The primary key always ends the order, so it is total and
//! cursors are stable.

use async_graphql::Enum;

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum OrderDirection {
    /// Smallest first (NULLs first).
    #[default]
    Asc,
    /// Largest first (NULLs last).
    Desc,
}

/// Declares a table's `orderBy` input: an enum of sortable (indexed) columns and an input
/// `{ field, direction }`, with `ordering()` building the total [`Ordering`] (the
/// primary key breaks ties).
///
/// [`Ordering`]: crate::pagination::Ordering
#[macro_export]
macro_rules! order_input {
    (
        $(#[$imeta:meta])*
        pub struct $input:ident;
        $(#[$emeta:meta])*
        pub enum $fields:ident for $entity:ident in $list:literal, tie-break [$($pk:ident),+] {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $col:ident ($nullable:literal)
            ),* $(,)?
        }
    ) => {
        $(#[$emeta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $fields {
            $(
                $(#[$vmeta])*
                $variant,
            )*
        }

        $(#[$imeta])*
        #[derive(async_graphql::InputObject, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $input {
            /// The column to sort by.
            pub field: $fields,
            /// `ASC` (default) or `DESC`.
            #[graphql(default)]
            pub direction: $crate::order::OrderDirection,
        }

        impl $input {
            /// The total order for `order` (primary key order when `None`).
            pub fn ordering(
                order: Option<Self>,
            ) -> $crate::pagination::Ordering<$entity::Entity> {
                use $crate::pagination::SortKey;
                let mut keys = Vec::new();
                if let Some(o) = order {
                    let descending = o.direction == $crate::order::OrderDirection::Desc;
                    let (column, nullable) = match o.field {
                        $( $fields::$variant => ($entity::Column::$col, $nullable), )*
                    };
                    keys.push(SortKey { column, descending, nullable });
                }
                $(
                    keys.push(SortKey {
                        column: $entity::Column::$pk,
                        descending: false,
                        nullable: false,
                    });
                )+
                $crate::pagination::Ordering::new($list, keys)
            }
        }
    };
}

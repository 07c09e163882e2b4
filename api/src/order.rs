//! List ordering: `orderBy: { field: ..., direction: ASC|DESC }` inputs, declared per
//! table with [`order_input!`]. The primary key always ends the order, in the direction of
//! the sort column (newest first breaks ties by the highest key first), so the order is
//! total and cursors are stable. A column of named stages may sort by rank
//! (`Stage => Stage (false) ranked [Stage::Theme, Stage::Community]`).

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
/// primary key breaks ties, in the field's direction). A field declared
/// `ranked [A, B, C]` (entity enum values) sorts by that order instead of by name.
///
/// [`Ordering`]: crate::pagination::Ordering
#[macro_export]
macro_rules! order_input {
    (@rank) => { None };
    (@rank $($rank:expr),+) => {
        Some(vec![$(sea_orm::Value::from(sea_orm::ActiveEnum::into_value($rank))),+])
    };
    (
        $(#[$imeta:meta])*
        pub struct $input:ident;
        $(#[$emeta:meta])*
        pub enum $fields:ident for $entity:ident in $list:literal, tie-break [$($pk:ident),+] {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $col:ident ($nullable:literal)
                    $(ranked [$($rank:expr),+ $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[$emeta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $fields {
            /// The primary key: the order the list has when `orderBy` is absent (ascending),
            /// stable, and the one Relay clients page through by default.
            PrimaryKey,
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
                let (key, descending) = match order {
                    None => (None, false),
                    Some(o) => {
                        let key: Option<(_, _, Option<Vec<sea_orm::Value>>)> = match o.field {
                            $fields::PrimaryKey => None,
                            $( $fields::$variant => Some((
                                $entity::Column::$col,
                                $nullable,
                                $crate::order_input!(@rank $($($rank),+)?),
                            )), )*
                        };
                        (key, o.direction == $crate::order::OrderDirection::Desc)
                    }
                };
                let ordering = $crate::pagination::Ordering::by(
                    $list,
                    key.as_ref().map(|(column, nullable, _)| (*column, *nullable)),
                    descending,
                    &[$($entity::Column::$pk),+],
                );
                match key {
                    Some((column, _, Some(values))) => ordering.ranked(column, values),
                    _ => ordering,
                }
            }
        }
    };
}

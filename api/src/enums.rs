//! GraphQL enums that mirror an entity's enum: the one way to present a stored enum
//! ([`mirror_enum!`](crate::mirror_enum)).

/// Declares a GraphQL enum mirroring an entity enum, variant for variant, with `From` both
/// ways; every variant keeps its `///` doc (it becomes the enum value's description).
///
/// ```ignore
/// mirror_enum! {
///     /// Who may see a post.
///     pub enum BellamyPrivacy => enums::Privacy {
///         /// Everyone.
///         Public,
///         /// The author only.
///         Private,
///     }
/// }
/// ```
#[macro_export]
macro_rules! mirror_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident => $entity:path {
            $( $(#[$vm:meta])* $v:ident ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vm])* $v, )*
        }

        impl From<$name> for $entity {
            fn from(v: $name) -> Self {
                match v {
                    $( $name::$v => Self::$v, )*
                }
            }
        }

        impl From<$entity> for $name {
            fn from(v: $entity) -> Self {
                type Entity = $entity;
                match v {
                    $( Entity::$v => Self::$v, )*
                }
            }
        }
    };
}

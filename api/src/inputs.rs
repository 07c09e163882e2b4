//! Pieces every domain's mutation inputs and payloads share.

use async_graphql::MaybeUndefined;

use crate::error::ApiResult;

/// A patch field: absent → `None` (leave it), `null` → `Some(None)` (clear it), a value →
/// `Some(Some(parsed))` (set it).
pub fn change<T, U>(
    v: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> ApiResult<U>,
) -> ApiResult<Option<Option<U>>> {
    Ok(match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(parse(v)?)),
    })
}

/// Declares a mutation payload: a documented `SimpleObject` with public fields.
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }
    };
}
pub(crate) use payload;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_value_are_keep_clear_and_set() {
        let parse = |v: i32| Ok(v * 2);
        assert_eq!(change(MaybeUndefined::Undefined, parse).unwrap(), None);
        assert_eq!(change(MaybeUndefined::Null, parse).unwrap(), Some(None));
        assert_eq!(
            change(MaybeUndefined::Value(2), parse).unwrap(),
            Some(Some(4))
        );
    }
}

//! To-one keys that load a row only if the viewer may see it (`access::*`), batched per
//! viewer: a key whose row is absent is either missing or hidden.

use std::collections::HashMap;
use std::hash::Hash;

use async_graphql::dataloader::Loader;
use entity::bellamy::{comments, conversations, posts, stories};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, ModelTrait,
    QueryFilter, Value,
};

use super::BellamyLoader;
use crate::bellamy::access::{self, Access};
use crate::error::ApiError;
use crate::pagination::Key;

/// Rows of `E` whose `column` holds one of the keys and that the keys' viewer may see
/// (`rule`): one `IN (...)` statement per distinct [`Access`] (in practice, one per
/// batch). A key whose row is absent is either missing or hidden.
async fn visible_by_keys<E, K>(
    db: &DatabaseConnection,
    column: E::Column,
    keys: &[K],
    split: impl Fn(&K) -> (Key, &Access),
    rule: impl Fn(&Access) -> Condition,
) -> Result<HashMap<K, E::Model>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync + Clone,
    K: Clone + Eq + Hash,
{
    let mut groups: HashMap<&Access, HashMap<Key, Vec<&K>>> = HashMap::new();
    for k in keys {
        let (key, access) = split(k);
        groups
            .entry(access)
            .or_default()
            .entry(key)
            .or_default()
            .push(k);
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (access, wanted) in groups {
        let values: Vec<Value> = wanted.keys().filter_map(Key::value).collect();
        if values.is_empty() {
            continue;
        }
        let rows = E::find()
            .filter(rule(access))
            .filter(column.is_in(values))
            .all(db)
            .await?;
        for m in rows {
            let Some(ks) = Key::from_value(m.get(column)).and_then(|k| wanted.get(&k)) else {
                continue;
            };
            for k in ks {
                out.insert((*k).clone(), m.clone());
            }
        }
    }
    Ok(out)
}

/// Declares a to-one key `$key($ty, Access)` loading the `$entity` row whose `$col` is
/// the key, if the viewer may see it (`access::$rule`).
macro_rules! visible_key {
    ($(#[$m:meta])* $key:ident($ty:ty) => $entity:ident . $col:ident if $rule:ident, $to_key:expr) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub $ty, pub Access);

        impl Loader<$key> for BellamyLoader {
            type Value = $entity::Model;
            type Error = ApiError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let to_key: fn(&$ty) -> Key = $to_key;
                visible_by_keys::<$entity::Entity, _>(
                    &self.db,
                    $entity::Column::$col,
                    keys,
                    |k| (to_key(&k.0), &k.1),
                    access::$rule,
                )
                .await
            }
        }
    };
}

visible_key!(
    /// A post by id, if the viewer may see it.
    PostId(Uuid) => posts.Id if posts, |id| Key::Uuid(*id)
);
visible_key!(
    /// A post by id, if there is an id (a reaction's target when it is a post) and the
    /// viewer may see it.
    MaybePostId(Option<Uuid>) => posts.Id if posts, |id| id.map_or(Key::Null, Key::Uuid)
);
visible_key!(
    /// A comment by id, if there is an id (a reaction's target when it is a comment, a
    /// comment's parent) and the viewer may see it.
    MaybeCommentId(Option<Uuid>) => comments.Id if comments, |id| id.map_or(Key::Null, Key::Uuid)
);
visible_key!(
    /// A story by id, if the viewer may see it.
    StoryId(Uuid) => stories.Id if stories, |id| Key::Uuid(*id)
);
visible_key!(
    /// A conversation by id, if the viewer takes part in it.
    ConversationId(Uuid) => conversations.Id if conversations, |id| Key::Uuid(*id)
);

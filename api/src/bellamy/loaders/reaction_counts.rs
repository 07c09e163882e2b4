//! The reaction counts of posts and comments, per reaction type: one `GROUP BY` per batch.

use std::collections::{HashMap, HashSet};

use async_graphql::dataloader::Loader;
use entity::bellamy::enums::{ReactionTargetType, ReactionType};
use entity::bellamy::reactions;
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, Iterable, QueryFilter, QuerySelect};

use super::BellamyLoader;
use crate::bellamy::access::{self, Access};
use crate::error::ApiError;

/// The reactions of one post or comment, counted per reaction type (those the viewer may
/// see: all of them, when the viewer may see the target).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReactionCountsOf(pub ReactionTargetType, pub Uuid, pub Access);

/// Counts per reaction type, in [`ReactionType`] declaration order.
pub type ReactionTally = Vec<(ReactionType, u64)>;

impl Loader<ReactionCountsOf> for BellamyLoader {
    type Value = ReactionTally;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ReactionCountsOf],
    ) -> Result<HashMap<ReactionCountsOf, Self::Value>, Self::Error> {
        // One GROUP BY for the whole batch (posts and comments alike) per viewer.
        let mut by_access: HashMap<&Access, HashSet<Uuid>> = HashMap::new();
        for k in keys {
            by_access.entry(&k.2).or_default().insert(k.1);
        }
        let mut counts: HashMap<(&Access, ReactionTargetType, Uuid, ReactionType), u64> =
            HashMap::new();
        for (access, ids) in by_access {
            let rows: Vec<(ReactionTargetType, Uuid, ReactionType, i64)> =
                reactions::Entity::find()
                    .select_only()
                    .column(reactions::Column::TargetType)
                    .column(reactions::Column::TargetId)
                    .column(reactions::Column::Type)
                    .column_as(Expr::col(reactions::Column::Id).count(), "n")
                    .filter(reactions::Column::TargetId.is_in(ids))
                    .filter(access::reactions(access))
                    .group_by(reactions::Column::TargetType)
                    .group_by(reactions::Column::TargetId)
                    .group_by(reactions::Column::Type)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
            for (target_type, id, kind, n) in rows {
                counts.insert((access, target_type, id, kind), Ord::max(n, 0) as u64);
            }
        }
        Ok(keys
            .iter()
            .map(|k| {
                let tally = ReactionType::iter()
                    .map(|t| (t, counts.get(&(&k.2, k.0, k.1, t)).copied().unwrap_or(0)))
                    .collect();
                (k.clone(), tally)
            })
            .collect())
    }
}

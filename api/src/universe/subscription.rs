//! Inner Universe's subscriptions, over its event log (`event_log`, numbered by `seq`; see
//! [`crate::events`]): the log filtered by type and source, new state versions, and the
//! changes of one entity. Like every Universe table, the log is readable by everyone.

use crate::error::ResultExt;
use std::sync::Arc;

use async_graphql::futures_util::Stream;
use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use entity::universe::{entity as node, event_log, state_version};
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use super::service::events;
use super::types::{UniverseEntity, UniverseEvent, UniverseStateVersion};
use crate::batch::Node;
use crate::context::databases;
use crate::db::Databases;
use crate::events::{Topic, cursor_of, deliver};

/// Inner Universe's subscription fields (`UniverseSubscription` is the seed's table).
#[derive(Default)]
pub struct UniverseSubscriptionRoot;

/// A state version, delivered as it is committed.
#[derive(SimpleObject)]
pub struct UniverseStateVersionEvent {
    /// This event's place in the event log (its `seq`): pass it as `after` to resume.
    pub cursor: String,
    /// The committed version.
    pub version: UniverseStateVersion,
}

/// A change of one entity, delivered as it is made.
#[derive(SimpleObject)]
pub struct UniverseEntityChange {
    /// This event's place in the event log (its `seq`): pass it as `after` to resume.
    pub cursor: String,
    /// The logged event (`entity.created`, `entity.updated` or `entity.deleted`, with its
    /// data: the values before and after).
    pub event: UniverseEvent,
    /// The entity as it is now; null once deleted.
    pub entity: Option<UniverseEntity>,
}

/// The string field `key` of an event's data.
fn data_str<'a>(row: &'a event_log::Model, key: &str) -> Option<&'a str> {
    row.data.get(key).and_then(|v| v.as_str())
}

/// The events of `topic` after `after` (`field` names the cursor argument).
async fn follow(
    ctx: &Context<'_>,
    dbs: &Databases,
    topic: Topic<event_log::Model>,
    after: Option<String>,
) -> Result<
    impl Stream<Item = crate::error::ApiResult<Arc<event_log::Model>>> + Send + 'static + use<>,
> {
    let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
    dbs.feeds()
        .universe
        .follow(topic, after, "after")
        .await
        .extend()
}

/// The cursor of a logged event.
fn cursor(row: &event_log::Model) -> String {
    row.seq.unwrap_or_default().to_string()
}

#[Subscription]
impl UniverseSubscriptionRoot {
    /// Events as they are logged, optionally only of one `eventType` and/or one
    /// `source`, in log order. With `after` (an event's `seq`; `"0"` for the whole log),
    /// the events logged since come first.
    async fn universe_event_logged(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events of this type (e.g. `entity.created`).")] event_type: Option<
            String,
        >,
        #[graphql(desc = "Only events from this source (an identity, a reducer).")] source: Option<
            String,
        >,
        #[graphql(desc = "Resume after this `seq`; omit for new events only.")] after: Option<
            String,
        >,
    ) -> Result<impl Stream<Item = Result<UniverseEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let mut condition = Condition::all();
        if let Some(t) = &event_type {
            condition = condition.add(event_log::Column::EventType.eq(t.clone()));
        }
        if let Some(s) = &source {
            condition = condition.add(event_log::Column::Source.eq(s.clone()));
        }
        let topic = Topic::new(condition, move |r: &event_log::Model| {
            event_type.as_ref().is_none_or(|t| &r.event_type == t)
                && source.as_ref().is_none_or(|s| r.source.as_ref() == Some(s))
        });
        let events = follow(ctx, &dbs, topic, after).await?;
        Ok(deliver(
            ctx,
            events,
            |row: Arc<event_log::Model>| async move {
                Ok(Some(UniverseEvent(Node::single(row.as_ref().clone()))))
            },
        ))
    }

    /// State versions as they are committed, in log order. With `after`, the versions
    /// committed since that cursor come first.
    async fn universe_state_version_committed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new versions only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<UniverseStateVersionEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let topic = Topic::new(
            Condition::all().add(event_log::Column::EventType.eq(events::VERSION_COMMITTED)),
            |r: &event_log::Model| r.event_type == events::VERSION_COMMITTED,
        );
        let stream = follow(ctx, &dbs, topic, after).await?;
        Ok(deliver(ctx, stream, move |row: Arc<event_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let Some(id) = data_str(&row, "version_id") else {
                    return Ok(None);
                };
                let version = state_version::Entity::find_by_id(id.to_owned())
                    .one(dbs.universe())
                    .await?;
                Ok(version.map(|v| UniverseStateVersionEvent {
                    cursor: cursor(&row),
                    version: Node::single(v).into(),
                }))
            }
        }))
    }

    /// The changes of one entity (created, updated, deleted), in log order, with the
    /// entity as it is now. With `after`, the changes made since that cursor come first.
    async fn universe_entity_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entity's id.")] entity_id: ID,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new changes only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<UniverseEntityChange>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let kinds = [
            events::ENTITY_CREATED,
            events::ENTITY_UPDATED,
            events::ENTITY_DELETED,
        ];
        let id = entity_id.to_string();
        let wanted = id.clone();
        // The entity's id is inside the JSON data: SQL narrows by type, Rust by id.
        let topic = Topic::new(
            Condition::all().add(event_log::Column::EventType.is_in(kinds)),
            move |r: &event_log::Model| {
                kinds.contains(&r.event_type.as_str())
                    && data_str(r, "entity_id") == Some(wanted.as_str())
            },
        );
        let stream = follow(ctx, &dbs, topic, after).await?;
        Ok(deliver(ctx, stream, move |row: Arc<event_log::Model>| {
            let (dbs, id) = (dbs.clone(), id.clone());
            async move {
                let entity = node::Entity::find_by_id(id).one(dbs.universe()).await?;
                Ok(Some(UniverseEntityChange {
                    cursor: cursor(&row),
                    event: UniverseEvent(Node::single(row.as_ref().clone())),
                    entity: entity.map(|e| Node::single(e).into()),
                }))
            }
        }))
    }
}

//! The PDS's subscription: the repository event stream (the firehose) over the sequencer
//! log `repo_seq` (see [`super::service::sequencer`] and [`crate::events`]).

use crate::error::ResultExt;
use std::sync::Arc;

use async_graphql::futures_util::Stream;
use async_graphql::{Context, Result, Subscription};
use entity::pds::repo_seq;
use sea_orm::Condition;

use super::types::PdsRepoSeqEvent;
use crate::batch::Node;
use crate::context::databases;
use crate::events::{Topic, cursor_of, deliver};

/// The PDS's subscription fields.
#[derive(Default)]
pub struct PdsSubscription;

#[Subscription]
impl PdsSubscription {
    /// The repository event stream, as `com.atproto.sync.subscribeRepos`: every commit
    /// (`APPEND`), handle change (`IDENTITY`) and account status change (`ACCOUNT`) of
    /// every account on this server, in `seq` order, each once. Public, like the
    /// firehose. With `cursor` (the `seq` of the last event received; `"0"` for
    /// everything) the stream first replays what was sequenced after it, then continues
    /// live; a cursor older than the log keeps is refused with `OUTDATED_CURSOR`, one
    /// beyond its end with `BAD_USER_INPUT`.
    async fn pds_repo_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `seq` of the last event received (omit for live events only).")]
        cursor: Option<String>,
    ) -> Result<impl Stream<Item = Result<PdsRepoSeqEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let cursor = cursor_of(ctx, "cursor", cursor.as_deref()).extend()?;
        let events = dbs
            .feeds()
            .pds
            .follow(
                Topic::new(Condition::all(), |_: &repo_seq::Model| true),
                cursor,
                "cursor",
            )
            .await
            .extend()?;
        Ok(deliver(
            ctx,
            events,
            |row: Arc<repo_seq::Model>| async move {
                Ok(Some(PdsRepoSeqEvent(Node::single(row.as_ref().clone()))))
            },
        ))
    }
}

//! The account object: its fields and its connections (blocks, PLC log, sessions,
//! records, blobs, references, app passwords, sequencer events).

use async_graphql::{Context, ErrorExtensions, ID, Object};
use chrono::{DateTime, Utc};
use entity::pds::{accounts, app_passwords, records, refresh_tokens};
use sea_orm::{ColumnTrait, Condition};

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::pds::access;
use crate::pds::loaders::sessions::{internal_cursor, seal, session_ordering, unseal};
use crate::pds::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// A registered PDS account. Its password hash and private keys are never readable.
pub struct PdsAccount(pub Node<accounts::Model>);

impl From<Node<accounts::Model>> for PdsAccount {
    fn from(m: Node<accounts::Model>) -> Self {
        Self(m)
    }
}

/// A registered PDS account. Its password hash and private keys are never readable.
#[Object]
impl PdsAccount {
    /// The account's DID (`did:plc:...`).
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The account's handle (unique; may change over the account's lifetime).
    async fn handle(&self) -> &str {
        &self.0.handle
    }
    /// The account's email address (unique): visible to the account itself only
    /// (`FORBIDDEN` for anyone else).
    async fn email(&self, ctx: &Context<'_>) -> Option<Result<&str>> {
        if !access::is_me(access::viewer(ctx), &self.0.did) {
            return Some(Err(access::email_of_another().extend()));
        }
        Some(Ok(&self.0.email))
    }
    /// The signing public key, as a multibase Multikey.
    async fn signing_key_pub(&self) -> &str {
        &self.0.signing_key_pub
    }
    /// The rotation public key, as a multibase Multikey.
    async fn rotation_key_pub(&self) -> &str {
        &self.0.rotation_key_pub
    }
    /// The lifecycle status.
    async fn status(&self) -> PdsAccountStatus {
        self.0.status.into()
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The account's repository.
    async fn repo(&self, ctx: &Context<'_>) -> Result<Option<PdsRepo>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |a| RepoDid(a.did.clone())).await?;
        Ok(n.map(PdsRepo))
    }

    /// The blocks of the account's repository (default order: by CID).
    async fn blocks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blocks matching this filter.")] filter: Option<
            Box<PdsRepoBlockFilter>,
        >,
        #[graphql(desc = "Sort order (the repository and CID break ties).")] order_by: Option<
            PdsRepoBlockOrder,
        >,
    ) -> Result<Conn<PdsRepoBlock>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            PdsRepoBlockOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| BlocksOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| BlockCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }

    /// The account's PLC operation log (default order: `seq` ascending, genesis first).
    async fn plc_operations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only operations matching this filter.")] filter: Option<
            Box<PdsPlcOperationFilter>,
        >,
        #[graphql(desc = "Sort order (default: `seq` ascending).")] order_by: Option<
            PdsPlcOperationOrder,
        >,
    ) -> Result<Conn<PdsPlcOperation>> {
        // The primary key order, (did, seq), is the log in seq order.
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            PdsPlcOperationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| PlcOpsOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| PlcOpCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }

    /// The account's sessions (outstanding refresh tokens), newest first: visible to the
    /// account itself only (`FORBIDDEN` for anyone else). Cursors are sealed: they never
    /// carry the refresh token id.
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only sessions matching this filter.")] filter: Option<
            Box<PdsSessionFilter>,
        >,
    ) -> Option<Result<Conn<PdsSession>>> {
        async {
            let viewer = access::viewer(ctx);
            if !access::is_me(viewer, &self.0.did) {
                return Err(access::sessions_of_another().extend());
            }
            let after = match after {
                Some(c) => Some(self.session_cursor(ctx, &c, "after").await?),
                None => None,
            };
            let before = match before {
                Some(c) => Some(self.session_cursor(ctx, &c, "before").await?),
                None => None,
            };
            // Sibling accounts are loaded in the same statement: only the viewer's rows.
            let req = list_request(
                filter.as_deref(),
                access::own(viewer, refresh_tokens::Column::Did),
                session_ordering(),
                PageArgs::new(first, after, last, before),
            )
            .extend()?;
            let mut conn: Conn<PdsSession> = nested_connection::<PdsLoader, _, _, _, _, _>(
                ctx,
                &self.0,
                req,
                |a, l: &ListRef<_>| SessionsOfAccount(a.did.clone(), l.clone()),
                |a, c: &CountRef| SessionCountOfAccount(a.did.clone(), c.clone()),
            )
            .await?;
            let digests = ctx.data::<crate::auth::Tokens>()?.digests();
            for edge in &mut conn.edges {
                edge.cursor = crate::connection::Cursor::Ready(seal(digests, edge.node.0.model()));
            }
            Ok(Some(conn))
        }
        .await
        .transpose()
    }

    /// The account's records (default order: by URI, i.e. collection then record key).
    async fn records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records of this collection NSID, e.g. `app.bsky.feed.post`.")]
        collection: Option<String>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only records matching this filter.")] filter: Option<
            Box<PdsRecordFilter>,
        >,
        #[graphql(desc = "Sort order (the URI breaks ties).")] order_by: Option<PdsRecordOrder>,
    ) -> Result<Conn<PdsRecord>> {
        let extra = match collection {
            Some(c) => Condition::all().add(records::Column::Collection.eq(c)),
            None => Condition::all(),
        };
        let req = list_request(
            filter.as_deref(),
            extra,
            PdsRecordOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| RecordsOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| RecordCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }

    /// The account's uploaded blobs (default order: by CID); uploads still in temporary
    /// storage only when the viewer is the account.
    async fn blobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blobs matching this filter.")] filter: Option<Box<PdsBlobFilter>>,
        #[graphql(desc = "Sort order (the DID and CID break ties).")] order_by: Option<
            PdsBlobOrder,
        >,
    ) -> Result<Conn<PdsBlob>> {
        let req = list_request(
            filter.as_deref(),
            access::blobs(access::viewer(ctx)),
            PdsBlobOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| BlobsOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| BlobCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }

    /// The account's record-to-blob references.
    async fn record_blobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only references matching this filter.")] filter: Option<
            Box<PdsRecordBlobFilter>,
        >,
        #[graphql(desc = "Sort order (blob CID and record URI break ties).")] order_by: Option<
            PdsRecordBlobOrder,
        >,
    ) -> Result<Conn<PdsRecordBlob>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            PdsRecordBlobOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| RecordBlobsOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| RecordBlobCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }

    /// The account's app passwords (metadata only; default order: by name): visible to
    /// the account itself only (`FORBIDDEN` for anyone else).
    async fn app_passwords(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only app passwords matching this filter.")] filter: Option<
            Box<PdsAppPasswordFilter>,
        >,
        #[graphql(desc = "Sort order (the name breaks ties).")] order_by: Option<
            PdsAppPasswordOrder,
        >,
    ) -> Option<Result<Conn<PdsAppPassword>>> {
        async {
            let viewer = access::viewer(ctx);
            if !access::is_me(viewer, &self.0.did) {
                return Err(access::app_passwords_of_another().extend());
            }
            // Sibling accounts are loaded in the same statement: only the viewer's rows.
            let req = list_request(
                filter.as_deref(),
                access::own(viewer, app_passwords::Column::Did),
                PdsAppPasswordOrder::ordering(order_by),
                PageArgs::new(first, after, last, before),
            )
            .extend()?;
            nested_connection::<PdsLoader, _, _, _, _, _>(
                ctx,
                &self.0,
                req,
                |a, l: &ListRef<_>| AppPasswordsOfAccount(a.did.clone(), l.clone()),
                |a, c: &CountRef| AppPasswordCountOfAccount(a.did.clone(), c.clone()),
            )
            .await
            .map(Some)
        }
        .await
        .transpose()
    }

    /// The sequencer events about the account's DID (default order: `seq` ascending).
    async fn seq_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only events matching this filter.")] filter: Option<
            Box<PdsRepoSeqEventFilter>,
        >,
        #[graphql(desc = "Sort order (the sequence number breaks ties).")] order_by: Option<
            PdsRepoSeqEventOrder,
        >,
    ) -> Result<Conn<PdsRepoSeqEvent>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            PdsRepoSeqEventOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |a, l: &ListRef<_>| SeqEventsOfAccount(a.did.clone(), l.clone()),
            |a, c: &CountRef| SeqEventCountOfAccount(a.did.clone(), c.clone()),
        )
        .await
    }
}

impl PdsAccount {
    /// The internal cursor of a client's session cursor, matched for all sibling
    /// accounts at once.
    async fn session_cursor(&self, ctx: &Context<'_>, cursor: &str, field: &str) -> Result<String> {
        let at = unseal(cursor, field).extend()?;
        // A cursor of another account's sessions is not one of this list: it is never
        // looked up (its session is not the viewer's to read).
        if !access::is_me(access::viewer(ctx), &at.did) {
            return Err(crate::error::ApiError::bad_input(
                field,
                format!("`{field}` is not a cursor of this list"),
            )
            .extend());
        }
        let tag = format!("{field}:{cursor}");
        let key = at.clone();
        let row = batch::value::<PdsLoader, _, _>(ctx, &self.0, &tag, move |_| key.clone()).await?;
        Ok(internal_cursor(&at, row, field))
    }
}

//! PDS's GraphQL types, enums, filters and orders.
//!
//! Secrets are not fields (nor filterable): `accounts.password_hash`,
//! `accounts.signing_key_priv`, `accounts.rotation_key_priv`, `refresh_tokens.jti` and
//! `app_passwords.password_scrypt`. Text primary keys (DIDs, record URIs) are `ID`s;
//! integer sequence numbers are `Int` (64-bit). Bytes are `Base64`. What only an account
//! itself may read (its email, sessions, app passwords, temporary uploads) is decided in
//! [`super::access`].

use crate::error::ResultExt;
use async_graphql::ErrorExtensions;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};
use sea_orm::{ColumnTrait, Condition};

use super::access;
use super::loaders::*;
use super::sessions::{internal_cursor, seal, session_ordering, unseal};
use super::views::blob_key;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::scalars::{Base64, BigInt, int};
use crate::{enum_filter, filter_input, mirror_enum, order_input};

type Result<T> = async_graphql::Result<T>;

/// The list name of blob connections (the `order_input!` literal below), shared with
/// the `record.blobs` view so that its cursors are blob cursors.
pub const BLOBS_LIST: &str = "pds.blobs";
/// The list name of record connections, shared with the `blob.records` view.
pub const RECORDS_LIST: &str = "pds.records";

// ------------------------------------------------------------------------------- enums

mirror_enum! {
    /// Where an account is in its lifecycle.
    pub enum PdsAccountStatus => AccountStatus {
        /// A live account.
        Active,
        /// Taken down by the service's moderators.
        Takendown,
        /// Deactivated by its owner; may be reactivated.
        Deactivated,
        /// Deleted; kept only as a tombstone.
        Deleted,
    }
}

mirror_enum! {
    /// The kind of an event in the sequencer's log.
    pub enum PdsRepoSeqEventType => RepoSeqEventType {
        /// A repository commit (records created, updated or deleted).
        Append,
        /// A revision-only update.
        Rev,
        /// A full repository sync marker.
        Sync,
        /// A handle or DID document change.
        Identity,
        /// An account status change.
        Account,
        /// The repository was deleted.
        Tombstone,
    }
}

enum_filter! {
    /// Conditions on an account status.
    pub struct PdsAccountStatusFilter for PdsAccountStatus => AccountStatus
}

enum_filter! {
    /// Conditions on a sequencer event type.
    pub struct PdsRepoSeqEventTypeFilter for PdsRepoSeqEventType => RepoSeqEventType
}

// ----------------------------------------------------------------------------- filters

filter_input! {
    /// Filters PDS accounts. Secret columns cannot be filtered on, nor can the email
    /// address: a filter on it would reveal other accounts' addresses.
    pub struct PdsAccountFilter for accounts::Column {
        /// The DID.
        did: StringFilter => Did,
        /// The handle.
        handle: StringFilter => Handle,
        /// The signing public key (multibase).
        signing_key_pub: StringFilter => SigningKeyPub,
        /// The rotation public key (multibase).
        rotation_key_pub: StringFilter => RotationKeyPub,
        /// The lifecycle status.
        status: PdsAccountStatusFilter => Status,
        /// When the account was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters repositories.
    pub struct PdsRepoFilter for repos::Column {
        /// The account's DID.
        did: StringFilter => Did,
        /// CID of the current signed commit.
        root_cid: StringFilter => RootCid,
        /// The current commit's rev.
        rev: StringFilter => Rev,
        /// When the repository was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters repository blocks.
    pub struct PdsRepoBlockFilter for repo_blocks::Column {
        /// The repository's DID.
        repo_did: StringFilter => RepoDid,
        /// The block's CID.
        cid: StringFilter => Cid,
        /// The block's size in bytes.
        size: IntFilter => Size,
        /// When the block was stored.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters sessions (the refresh token id cannot be filtered on).
    pub struct PdsSessionFilter for refresh_tokens::Column {
        /// When the session expires.
        expires_at: DateTimeFilter => ExpiresAt,
        /// The app password the session was opened with (null: the account password).
        app_password_name: StringFilter => AppPasswordName,
        /// When the session was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters PLC operations.
    pub struct PdsPlcOperationFilter for plc_operations::Column {
        /// The account's DID.
        did: StringFilter => Did,
        /// Position in the account's log (0 = genesis).
        seq: BigIntFilter => Seq,
        /// CID of the signed operation.
        cid: StringFilter => Cid,
        /// When the operation was stored.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters records.
    pub struct PdsRecordFilter for records::Column {
        /// The record's `at://` URI.
        uri: StringFilter => Uri,
        /// The record's CID.
        cid: StringFilter => Cid,
        /// The owning account's DID.
        did: StringFilter => Did,
        /// The collection NSID, e.g. `app.bsky.feed.post`.
        collection: StringFilter => Collection,
        /// The record key.
        rkey: StringFilter => Rkey,
        /// Rev of the commit that last wrote the record.
        repo_rev: StringFilter => RepoRev,
        /// When the record was indexed.
        indexed_at: DateTimeFilter => IndexedAt,
        /// Takedown reference (null: not taken down).
        takedown_ref: StringFilter => TakedownRef,
    }
}

filter_input! {
    /// Filters blobs.
    pub struct PdsBlobFilter for blobs::Column {
        /// The owning account's DID.
        did: StringFilter => Did,
        /// The blob's CID.
        cid: StringFilter => Cid,
        /// The MIME type.
        mime_type: StringFilter => MimeType,
        /// Size in bytes.
        size: IntFilter => Size,
        /// Temporary storage key (null once a record references the blob).
        temp_key: StringFilter => TempKey,
        /// Pixel width.
        width: IntFilter => Width,
        /// Pixel height.
        height: IntFilter => Height,
        /// When the blob was uploaded.
        created_at: DateTimeFilter => CreatedAt,
        /// Takedown reference (null: not taken down).
        takedown_ref: StringFilter => TakedownRef,
    }
}

filter_input! {
    /// Filters record-to-blob references.
    pub struct PdsRecordBlobFilter for record_blobs::Column {
        /// The referenced blob's CID.
        blob_cid: StringFilter => BlobCid,
        /// The referencing record's URI.
        record_uri: StringFilter => RecordUri,
        /// The owning account's DID.
        did: StringFilter => Did,
    }
}

filter_input! {
    /// Filters sequencer events.
    pub struct PdsRepoSeqEventFilter for repo_seq::Column {
        /// The sequence number.
        seq: BigIntFilter => Seq,
        /// The DID the event is about.
        did: StringFilter => Did,
        /// The event type.
        event_type: PdsRepoSeqEventTypeFilter => EventType,
        /// Whether a later event superseded this one.
        invalidated: BooleanFilter => Invalidated,
        /// When the event was sequenced.
        sequenced_at: DateTimeFilter => SequencedAt,
    }
}

filter_input! {
    /// Filters app passwords (the password hash cannot be filtered on).
    pub struct PdsAppPasswordFilter for app_passwords::Column {
        /// The owning account's DID.
        did: StringFilter => Did,
        /// The app password's name.
        name: StringFilter => Name,
        /// Whether it may perform privileged actions.
        privileged: BooleanFilter => Privileged,
        /// When it was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders PDS accounts.
    pub struct PdsAccountOrder;
    /// Sortable columns of PDS accounts (not the email address: the order would reveal
    /// other accounts' addresses).
    pub enum PdsAccountOrderField for accounts in "pds.accounts", tie-break [Did] {
        /// The DID.
        Did => Did (false),
        /// The handle.
        Handle => Handle (false),
    }
}

order_input! {
    /// Orders repositories.
    pub struct PdsRepoOrder;
    /// Sortable columns of repositories.
    pub enum PdsRepoOrderField for repos in "pds.repos", tie-break [Did] {
        /// The account's DID.
        Did => Did (false),
    }
}

order_input! {
    /// Orders repository blocks.
    pub struct PdsRepoBlockOrder;
    /// Sortable columns of repository blocks.
    pub enum PdsRepoBlockOrderField for repo_blocks in "pds.repo_blocks", tie-break [RepoDid, Cid] {
        /// The block's CID (across repositories).
        Cid => Cid (false),
    }
}

order_input! {
    /// Orders PLC operations.
    pub struct PdsPlcOperationOrder;
    /// Sortable columns of PLC operations.
    pub enum PdsPlcOperationOrderField for plc_operations in "pds.plc_operations", tie-break [Did, Seq] {
        /// Position in the account's log.
        Seq => Seq (false),
        /// CID of the signed operation.
        Cid => Cid (false),
    }
}

order_input! {
    /// Orders records.
    pub struct PdsRecordOrder;
    /// Sortable columns of records.
    pub enum PdsRecordOrderField for records in "pds.records", tie-break [Uri] {
        /// The collection NSID.
        Collection => Collection (false),
        /// The record key (TIDs sort by time).
        Rkey => Rkey (false),
        /// The record's CID.
        Cid => Cid (false),
        /// Rev of the commit that last wrote the record.
        RepoRev => RepoRev (true),
    }
}

order_input! {
    /// Orders blobs.
    pub struct PdsBlobOrder;
    /// Sortable columns of blobs.
    pub enum PdsBlobOrderField for blobs in "pds.blobs", tie-break [Did, Cid] {
        /// The blob's CID.
        Cid => Cid (false),
        /// Temporary storage key.
        TempKey => TempKey (true),
    }
}

order_input! {
    /// Orders record-to-blob references.
    pub struct PdsRecordBlobOrder;
    /// Sortable columns of record-to-blob references.
    pub enum PdsRecordBlobOrderField for record_blobs in "pds.record_blobs", tie-break [BlobCid, RecordUri] {
        /// The referenced blob's CID.
        BlobCid => BlobCid (false),
        /// The referencing record's URI.
        RecordUri => RecordUri (false),
        /// The owning account's DID.
        Did => Did (false),
    }
}

order_input! {
    /// Orders sequencer events.
    pub struct PdsRepoSeqEventOrder;
    /// Sortable columns of sequencer events.
    pub enum PdsRepoSeqEventOrderField for repo_seq in "pds.repo_seq", tie-break [Seq] {
        /// The sequence number.
        Seq => Seq (false),
        /// The DID the event is about.
        Did => Did (false),
        /// The event type.
        EventType => EventType (false),
        /// When the event was sequenced.
        SequencedAt => SequencedAt (false),
    }
}

order_input! {
    /// Orders app passwords.
    pub struct PdsAppPasswordOrder;
    /// Sortable columns of app passwords.
    pub enum PdsAppPasswordOrderField for app_passwords in "pds.app_passwords", tie-break [Did, Name] {
        /// The app password's name.
        Name => Name (false),
    }
}

// ------------------------------------------------------------------------------- types

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
        #[graphql(desc = "Only blocks matching this filter.")] filter: Option<PdsRepoBlockFilter>,
        #[graphql(desc = "Sort order (the repository and CID break ties).")] order_by: Option<
            PdsRepoBlockOrder,
        >,
    ) -> Result<Conn<PdsRepoBlock>> {
        let req = list_request(
            filter.as_ref(),
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
            PdsPlcOperationFilter,
        >,
        #[graphql(desc = "Sort order (default: `seq` ascending).")] order_by: Option<
            PdsPlcOperationOrder,
        >,
    ) -> Result<Conn<PdsPlcOperation>> {
        // The primary key order, (did, seq), is the log in seq order.
        let req = list_request(
            filter.as_ref(),
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
        #[graphql(desc = "Only sessions matching this filter.")] filter: Option<PdsSessionFilter>,
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
                filter.as_ref(),
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
            for edge in &mut conn.edges {
                edge.cursor = crate::connection::Cursor::Ready(seal(edge.node.0.model()));
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
        #[graphql(desc = "Only records matching this filter.")] filter: Option<PdsRecordFilter>,
        #[graphql(desc = "Sort order (the URI breaks ties).")] order_by: Option<PdsRecordOrder>,
    ) -> Result<Conn<PdsRecord>> {
        let extra = match collection {
            Some(c) => Condition::all().add(records::Column::Collection.eq(c)),
            None => Condition::all(),
        };
        let req = list_request(
            filter.as_ref(),
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
        #[graphql(desc = "Only blobs matching this filter.")] filter: Option<PdsBlobFilter>,
        #[graphql(desc = "Sort order (the DID and CID break ties).")] order_by: Option<
            PdsBlobOrder,
        >,
    ) -> Result<Conn<PdsBlob>> {
        let req = list_request(
            filter.as_ref(),
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
            PdsRecordBlobFilter,
        >,
        #[graphql(desc = "Sort order (blob CID and record URI break ties).")] order_by: Option<
            PdsRecordBlobOrder,
        >,
    ) -> Result<Conn<PdsRecordBlob>> {
        let req = list_request(
            filter.as_ref(),
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
            PdsAppPasswordFilter,
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
                filter.as_ref(),
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
            PdsRepoSeqEventFilter,
        >,
        #[graphql(desc = "Sort order (the sequence number breaks ties).")] order_by: Option<
            PdsRepoSeqEventOrder,
        >,
    ) -> Result<Conn<PdsRepoSeqEvent>> {
        let req = list_request(
            filter.as_ref(),
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

/// An account's repository: the current signed commit of its Merkle search tree.
pub struct PdsRepo(pub Node<repos::Model>);

impl From<Node<repos::Model>> for PdsRepo {
    fn from(m: Node<repos::Model>) -> Self {
        Self(m)
    }
}

/// An account's repository: the current signed commit of its Merkle search tree.
#[Object]
impl PdsRepo {
    /// The owning account's DID (also the repository's id).
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// CID of the current signed commit.
    async fn root_cid(&self) -> &str {
        &self.0.root_cid
    }
    /// The current commit's TID-shaped rev.
    async fn rev(&self) -> &str {
        &self.0.rev
    }
    /// When the repository was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| AccountDid(r.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }

    /// The block holding the current signed commit (`rootCid`), if stored.
    async fn root_block(&self, ctx: &Context<'_>) -> Result<Option<PdsRepoBlock>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| {
            BlockKey(r.did.clone(), r.root_cid.clone())
        })
        .await?;
        Ok(n.map(PdsRepoBlock))
    }

    /// The repository's blocks (default order: by CID).
    async fn blocks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blocks matching this filter.")] filter: Option<PdsRepoBlockFilter>,
        #[graphql(desc = "Sort order (the repository and CID break ties).")] order_by: Option<
            PdsRepoBlockOrder,
        >,
    ) -> Result<Conn<PdsRepoBlock>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsRepoBlockOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |r, l: &ListRef<_>| BlocksOfAccount(r.did.clone(), l.clone()),
            |r, c: &CountRef| BlockCountOfAccount(r.did.clone(), c.clone()),
        )
        .await
    }
}

/// One content-addressed block of a repository (an MST node or a signed commit).
pub struct PdsRepoBlock(pub Node<repo_blocks::Model>);

impl From<Node<repo_blocks::Model>> for PdsRepoBlock {
    fn from(m: Node<repo_blocks::Model>) -> Self {
        Self(m)
    }
}

/// One content-addressed block of a repository (an MST node or a signed commit).
#[Object]
impl PdsRepoBlock {
    /// The repository's (account's) DID.
    async fn repo_did(&self) -> ID {
        ID(self.0.repo_did.clone())
    }
    /// The block's CID.
    async fn cid(&self) -> &str {
        &self.0.cid
    }
    /// The DAG-CBOR-encoded block.
    async fn bytes(&self) -> Base64 {
        Base64(self.0.bytes.clone())
    }
    /// The block's length in bytes.
    async fn size(&self) -> i32 {
        self.0.size
    }
    /// When the block was stored.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |b| AccountDid(b.repo_did.clone()))
            .await?;
        Ok(n.map(PdsAccount))
    }

    /// The repository the block belongs to.
    async fn repo(&self, ctx: &Context<'_>) -> Result<Option<PdsRepo>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |b| RepoDid(b.repo_did.clone())).await?;
        Ok(n.map(PdsRepo))
    }
}

/// A session: one outstanding refresh token of an account. Its id (the token's `jti`)
/// is never readable; sessions are reached only through their account.
pub struct PdsSession(pub Node<refresh_tokens::Model>);

impl From<Node<refresh_tokens::Model>> for PdsSession {
    fn from(m: Node<refresh_tokens::Model>) -> Self {
        Self(m)
    }
}

/// A session: one outstanding refresh token of an account. Its id (the token's `jti`)
/// is never readable; sessions are reached only through their account.
#[Object]
impl PdsSession {
    /// The session's account DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// When the refresh token expires.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// The app password the session was opened with; null for the account password.
    async fn app_password_name(&self) -> Option<&str> {
        self.0.app_password_name.as_deref()
    }
    /// When the session was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The session's account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |s| AccountDid(s.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }

    /// The app password the session was opened with, if any (and not revoked since).
    async fn app_password(&self, ctx: &Context<'_>) -> Option<Result<PdsAppPassword>> {
        async {
            if self.0.app_password_name.is_none() {
                return Ok(None);
            }
            if !access::is_me(access::viewer(ctx), &self.0.did) {
                return Err(access::app_passwords_of_another().extend());
            }
            let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |s| {
                AppPasswordKey(
                    s.did.clone(),
                    s.app_password_name.clone().unwrap_or_default(),
                )
            })
            .await?;
            Ok(n.map(PdsAppPassword))
        }
        .await
        .transpose()
    }
}

/// One signed operation of an account's PLC log.
pub struct PdsPlcOperation(pub Node<plc_operations::Model>);

impl From<Node<plc_operations::Model>> for PdsPlcOperation {
    fn from(m: Node<plc_operations::Model>) -> Self {
        Self(m)
    }
}

/// One signed operation of an account's PLC log.
#[Object]
impl PdsPlcOperation {
    /// The account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// Position in the account's log: 0 = genesis, then one per rotation.
    async fn seq(&self) -> BigInt {
        BigInt(self.0.seq)
    }
    /// CID of the signed operation.
    async fn cid(&self) -> &str {
        &self.0.cid
    }
    /// DAG-CBOR of the signed operation.
    async fn operation(&self) -> Base64 {
        Base64(self.0.operation.clone())
    }
    /// When the operation was stored.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |o| AccountDid(o.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }
}

/// A record of a repository, as listed without walking the MST.
pub struct PdsRecord(pub Node<records::Model>);

impl From<Node<records::Model>> for PdsRecord {
    fn from(m: Node<records::Model>) -> Self {
        Self(m)
    }
}

/// A record of a repository, as listed without walking the MST.
#[Object]
impl PdsRecord {
    /// The record's `at://did/collection/rkey` URI.
    async fn uri(&self) -> ID {
        ID(self.0.uri.clone())
    }
    /// CID of the record's current version.
    async fn cid(&self) -> &str {
        &self.0.cid
    }
    /// The owning account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The collection NSID, e.g. `app.bsky.feed.post`.
    async fn collection(&self) -> &str {
        &self.0.collection
    }
    /// The record key within the collection.
    async fn rkey(&self) -> &str {
        &self.0.rkey
    }
    /// Rev of the commit that last wrote the record.
    async fn repo_rev(&self) -> Option<&str> {
        self.0.repo_rev.as_deref()
    }
    /// When the record was indexed.
    async fn indexed_at(&self) -> DateTime<Utc> {
        self.0.indexed_at
    }
    /// Reference of a moderation takedown; null when not taken down.
    async fn takedown_ref(&self) -> Option<&str> {
        self.0.takedown_ref.as_deref()
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| AccountDid(r.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }

    /// The uploaded blobs the record references (through its blob references; a
    /// reference to a blob not uploaded yet, or still in another account's temporary
    /// storage, is skipped). Default order: by CID.
    async fn blobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blobs matching this filter.")] filter: Option<PdsBlobFilter>,
        #[graphql(desc = "Sort order (the DID and CID break ties).")] order_by: Option<
            PdsBlobOrder,
        >,
    ) -> Result<Conn<PdsBlob>> {
        let req = list_request(
            filter.as_ref(),
            access::blobs(access::viewer(ctx)),
            PdsBlobOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            move |r, l: &ListRef<_>| BlobsOfRecord(r.uri.clone(), l.clone(), order_by),
            |r, c: &CountRef| BlobCountOfRecord(r.uri.clone(), c.clone()),
        )
        .await
    }

    /// The record's blob references (rows of `record_blobs`).
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
            PdsRecordBlobFilter,
        >,
        #[graphql(desc = "Sort order (blob CID and record URI break ties).")] order_by: Option<
            PdsRecordBlobOrder,
        >,
    ) -> Result<Conn<PdsRecordBlob>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsRecordBlobOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |r, l: &ListRef<_>| RecordBlobsOfRecord(r.uri.clone(), l.clone()),
            |r, c: &CountRef| RecordBlobCountOfRecord(r.uri.clone(), c.clone()),
        )
        .await
    }
}

/// Metadata of an uploaded blob (the bytes live in a blob store).
pub struct PdsBlob(pub Node<blobs::Model>);

impl From<Node<blobs::Model>> for PdsBlob {
    fn from(m: Node<blobs::Model>) -> Self {
        Self(m)
    }
}

/// Metadata of an uploaded blob (the bytes live in a blob store).
#[Object]
impl PdsBlob {
    /// The owning account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The blob's CID.
    async fn cid(&self) -> &str {
        &self.0.cid
    }
    /// The MIME type.
    async fn mime_type(&self) -> &str {
        &self.0.mime_type
    }
    /// Size in bytes.
    async fn size(&self) -> i32 {
        int(self.0.size)
    }
    /// Key of the upload in temporary storage, until a record references the blob.
    async fn temp_key(&self) -> Option<&str> {
        self.0.temp_key.as_deref()
    }
    /// Pixel width, for images.
    async fn width(&self) -> Option<i32> {
        self.0.width
    }
    /// Pixel height, for images.
    async fn height(&self) -> Option<i32> {
        self.0.height
    }
    /// When the blob was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Reference of a moderation takedown; null when not taken down.
    async fn takedown_ref(&self) -> Option<&str> {
        self.0.takedown_ref.as_deref()
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |b| AccountDid(b.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }

    /// The records referencing the blob (default order: by URI).
    async fn records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only records matching this filter.")] filter: Option<PdsRecordFilter>,
        #[graphql(desc = "Sort order (the URI breaks ties).")] order_by: Option<PdsRecordOrder>,
    ) -> Result<Conn<PdsRecord>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsRecordOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            move |b, l: &ListRef<_>| RecordsOfBlob(blob_key(&b.did, &b.cid), l.clone(), order_by),
            |b, c: &CountRef| RecordCountOfBlob(blob_key(&b.did, &b.cid), c.clone()),
        )
        .await
    }
}

/// A record's reference to a blob (kept for blob garbage collection).
pub struct PdsRecordBlob(pub Node<record_blobs::Model>);

impl From<Node<record_blobs::Model>> for PdsRecordBlob {
    fn from(m: Node<record_blobs::Model>) -> Self {
        Self(m)
    }
}

/// A record's reference to a blob (kept for blob garbage collection).
#[Object]
impl PdsRecordBlob {
    /// CID of the referenced blob.
    async fn blob_cid(&self) -> &str {
        &self.0.blob_cid
    }
    /// URI of the referencing record.
    async fn record_uri(&self) -> ID {
        ID(self.0.record_uri.clone())
    }
    /// The owning account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }

    /// The referencing record.
    async fn record(&self, ctx: &Context<'_>) -> Result<Option<PdsRecord>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| RecordUri(r.record_uri.clone()))
            .await?;
        Ok(n.map(PdsRecord))
    }

    /// The referenced blob; null while it is not uploaded, `FORBIDDEN` while it is in
    /// temporary storage and the viewer is not its account.
    async fn blob(&self, ctx: &Context<'_>) -> Option<Result<PdsBlob>> {
        async {
            let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| {
                BlobKey(r.did.clone(), r.blob_cid.clone())
            })
            .await?;
            match n {
                Some(b) if !access::sees_blob(access::viewer(ctx), &b) => {
                    Err(access::temporary_blob().extend())
                }
                n => Ok(n.map(PdsBlob)),
            }
        }
        .await
        .transpose()
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |r| AccountDid(r.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }
}

/// One event of the sequencer's append-only log (the firehose's source).
pub struct PdsRepoSeqEvent(pub Node<repo_seq::Model>);

impl From<Node<repo_seq::Model>> for PdsRepoSeqEvent {
    fn from(m: Node<repo_seq::Model>) -> Self {
        Self(m)
    }
}

/// One event of the sequencer's append-only log (the firehose's source).
#[Object]
impl PdsRepoSeqEvent {
    /// The event's sequence number.
    async fn seq(&self) -> BigInt {
        BigInt(self.0.seq)
    }
    /// The DID the event is about.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The kind of event.
    async fn event_type(&self) -> PdsRepoSeqEventType {
        self.0.event_type.into()
    }
    /// The DAG-CBOR-encoded event.
    async fn event(&self) -> Base64 {
        Base64(self.0.event.clone())
    }
    /// Whether a later event superseded this one.
    async fn invalidated(&self) -> bool {
        self.0.invalidated
    }
    /// When the event was sequenced.
    async fn sequenced_at(&self) -> DateTime<Utc> {
        self.0.sequenced_at
    }

    /// The account the event is about; null once the account is gone (the log outlives
    /// accounts).
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |e| AccountDid(e.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }
}

/// A named app password of an account (metadata only: the password hash is never
/// readable).
pub struct PdsAppPassword(pub Node<app_passwords::Model>);

impl From<Node<app_passwords::Model>> for PdsAppPassword {
    fn from(m: Node<app_passwords::Model>) -> Self {
        Self(m)
    }
}

/// A named app password of an account (metadata only: the password hash is never
/// readable).
#[Object]
impl PdsAppPassword {
    /// The owning account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The app password's name, unique per account.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether it may perform privileged actions (e.g. direct messages).
    async fn privileged(&self) -> bool {
        self.0.privileged
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |p| AccountDid(p.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::OrderDirection;

    #[test]
    fn views_order_like_the_tables_they_mirror() {
        let mut blob_orders = vec![None];
        let mut record_orders = vec![None];
        for direction in [OrderDirection::Asc, OrderDirection::Desc] {
            for field in [PdsBlobOrderField::Cid, PdsBlobOrderField::TempKey] {
                blob_orders.push(Some(PdsBlobOrder { field, direction }));
            }
            for field in [
                PdsRecordOrderField::Collection,
                PdsRecordOrderField::Rkey,
                PdsRecordOrderField::Cid,
                PdsRecordOrderField::RepoRev,
            ] {
                record_orders.push(Some(PdsRecordOrder { field, direction }));
            }
        }
        for o in blob_orders {
            assert_eq!(
                PdsBlobOrder::ordering(o).id(),
                blob_view_ordering(o).id(),
                "{o:?}"
            );
        }
        for o in record_orders {
            assert_eq!(
                PdsRecordOrder::ordering(o).id(),
                record_view_ordering(o).id(),
                "{o:?}"
            );
        }
        assert!(PdsBlobOrder::ordering(None).id().starts_with(BLOBS_LIST));
        assert!(
            PdsRecordOrder::ordering(None)
                .id()
                .starts_with(RECORDS_LIST)
        );
    }
}

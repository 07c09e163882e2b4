//! Records, blobs and the references between them.

use async_graphql::{Context, ErrorExtensions, ID, Object};
use chrono::{DateTime, Utc};
use entity::pds::{blobs, record_blobs, records};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::pds::access;
use crate::pds::loaders::views::blob_key;
use crate::pds::loaders::*;
use crate::scalars::int;

type Result<T> = async_graphql::Result<T>;

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
        let view = blob_view_order(order_by);
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            move |r, l: &ListRef<_>| BlobsOfRecord(r.uri.clone(), l.clone(), view.clone()),
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
        #[graphql(desc = "Only records matching this filter.")] filter: Option<
            Box<PdsRecordFilter>,
        >,
        #[graphql(desc = "Sort order (the URI breaks ties).")] order_by: Option<PdsRecordOrder>,
    ) -> Result<Conn<PdsRecord>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            PdsRecordOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        let view = record_view_order(order_by);
        nested_connection::<PdsLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            move |b, l: &ListRef<_>| {
                RecordsOfBlob(blob_key(&b.did, &b.cid), l.clone(), view.clone())
            },
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

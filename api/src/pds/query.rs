//! PDS's root query fields: a lookup by every key and a connection per table (sessions
//! excepted: they are reached only as `account.sessions`). Lists hold only what the
//! viewer may see; a lookup of something hidden answers `FORBIDDEN` (see
//! [`super::access`]).

use async_graphql::{Context, ErrorExtensions, ID, Object};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, repo_blocks, repo_seq,
    repos,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use super::access;
use super::types::*;
use crate::batch::Node;
use crate::connection::Conn;
use crate::context::{databases, list_request, root_connection};
use crate::error::ApiError;
use crate::pagination::PageArgs;
use crate::scalars::BigInt;

type Result<T> = async_graphql::Result<T>;

/// Exactly one of the lookup arguments (or argument groups) must be given.
fn exactly_one(given: &[(&str, bool)]) -> std::result::Result<(), ApiError> {
    let n = given.iter().filter(|(_, g)| *g).count();
    if n == 1 {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    Err(ApiError::bad_input(
        names.join("|"),
        format!("give exactly one of: {}", names.join(", ")),
    ))
}

/// The one row of `E` matching `cond`, as a GraphQL object.
async fn one<E, T>(db: &DatabaseConnection, cond: Condition) -> Result<Option<T>>
where
    E: EntityTrait,
    T: From<Node<E::Model>>,
{
    let m = E::find()
        .filter(cond)
        .one(db)
        .await
        .map_err(|e| ApiError::from(e).extend())?;
    Ok(m.map(|m| T::from(Node::single(m))))
}

fn pds<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    Ok(databases(ctx)?.pds())
}

/// PDS's part of the root query.
#[derive(Default)]
pub struct PdsQuery;

#[Object]
impl PdsQuery {
    /// One account, by exactly one of `did`, `handle` or `email`; null if none matches.
    /// An email address finds the viewer's own account only: any other address answers
    /// `FORBIDDEN`, whether an account has it or not (which is not revealed).
    async fn pds_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's DID.")] did: Option<ID>,
        #[graphql(desc = "The account's handle, e.g. `alice.mosaic.test`.")] handle: Option<String>,
        #[graphql(desc = "The viewer's own email address (finds the viewer's account only).")]
        email: Option<String>,
    ) -> Option<Result<PdsAccount>> {
        async {
            exactly_one(&[
                ("did", did.is_some()),
                ("handle", handle.is_some()),
                ("email", email.is_some()),
            ])
            .map_err(|e| e.extend())?;
            let cond = match (did, handle, email) {
                (Some(d), _, _) => Condition::all().add(accounts::Column::Did.eq(d.0)),
                (_, Some(h), _) => Condition::all().add(accounts::Column::Handle.eq(h)),
                (_, _, Some(e)) => {
                    let Some(me) = access::me(access::viewer(ctx)) else {
                        return Err(access::email_of_another().extend());
                    };
                    let found = one::<accounts::Entity, PdsAccount>(
                        pds(ctx)?,
                        Condition::all()
                            .add(accounts::Column::Email.eq(e))
                            .add(accounts::Column::Did.eq(me)),
                    )
                    .await?;
                    return match found {
                        Some(a) => Ok(Some(a)),
                        None => Err(access::email_of_another().extend()),
                    };
                }
                _ => return Ok(None),
            };
            one::<accounts::Entity, _>(pds(ctx)?, cond).await
        }
        .await
        .transpose()
    }

    /// All accounts (default order: by DID).
    #[allow(clippy::too_many_arguments)]
    async fn pds_accounts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only accounts matching this filter.")] filter: Option<PdsAccountFilter>,
        #[graphql(desc = "Sort order (the DID breaks ties; default: DID).")] order_by: Option<
            PdsAccountOrder,
        >,
    ) -> Result<Conn<PdsAccount>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsAccountOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One repository, by its account's DID; null if none matches.
    async fn pds_repo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's DID.")] did: ID,
    ) -> Result<Option<PdsRepo>> {
        let cond = Condition::all().add(repos::Column::Did.eq(did.0));
        one::<repos::Entity, _>(pds(ctx)?, cond).await
    }

    /// All repositories (default order: by DID).
    #[allow(clippy::too_many_arguments)]
    async fn pds_repos(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only repositories matching this filter.")] filter: Option<PdsRepoFilter>,
        #[graphql(desc = "Sort order (default: DID).")] order_by: Option<PdsRepoOrder>,
    ) -> Result<Conn<PdsRepo>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsRepoOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One repository block, by repository DID and CID; null if none matches.
    async fn pds_repo_block(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository's (account's) DID.")] repo_did: ID,
        #[graphql(desc = "The block's CID.")] cid: String,
    ) -> Result<Option<PdsRepoBlock>> {
        let cond = Condition::all()
            .add(repo_blocks::Column::RepoDid.eq(repo_did.0))
            .add(repo_blocks::Column::Cid.eq(cid));
        one::<repo_blocks::Entity, _>(pds(ctx)?, cond).await
    }

    /// All repository blocks, across repositories (filter on `cid` for cross-repository
    /// CID lookups; default order: repository DID, then CID).
    #[allow(clippy::too_many_arguments)]
    async fn pds_repo_blocks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blocks matching this filter.")] filter: Option<PdsRepoBlockFilter>,
        #[graphql(desc = "Sort order (repository DID and CID break ties).")] order_by: Option<
            PdsRepoBlockOrder,
        >,
    ) -> Result<Conn<PdsRepoBlock>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsRepoBlockOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One PLC operation, by DID and position in the log; null if none matches.
    async fn pds_plc_operation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's DID.")] did: ID,
        #[graphql(desc = "Position in the log (0 = genesis).")] seq: BigInt,
    ) -> Result<Option<PdsPlcOperation>> {
        let cond = Condition::all()
            .add(plc_operations::Column::Did.eq(did.0))
            .add(plc_operations::Column::Seq.eq(seq.0));
        one::<plc_operations::Entity, _>(pds(ctx)?, cond).await
    }

    /// All PLC operations (default order: DID, then `seq`).
    #[allow(clippy::too_many_arguments)]
    async fn pds_plc_operations(
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
        #[graphql(desc = "Sort order (DID and `seq` break ties).")] order_by: Option<
            PdsPlcOperationOrder,
        >,
    ) -> Result<Conn<PdsPlcOperation>> {
        let req = list_request(
            filter.as_ref(),
            Condition::all(),
            PdsPlcOperationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One record, by exactly one of `uri` or the group `did` + `collection` + `rkey`;
    /// null if none matches.
    async fn pds_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's `at://did/collection/rkey` URI.")] uri: Option<ID>,
        #[graphql(desc = "The owning account's DID (with `collection` and `rkey`).")] did: Option<
            ID,
        >,
        #[graphql(desc = "The collection NSID (with `did` and `rkey`).")] collection: Option<
            String,
        >,
        #[graphql(desc = "The record key (with `did` and `collection`).")] rkey: Option<String>,
    ) -> Result<Option<PdsRecord>> {
        let parts = [did.is_some(), collection.is_some(), rkey.is_some()];
        if parts.iter().any(|p| *p) && !parts.iter().all(|p| *p) {
            return Err(ApiError::bad_input(
                "did|collection|rkey",
                "`did`, `collection` and `rkey` go together",
            )
            .extend());
        }
        exactly_one(&[("uri", uri.is_some()), ("did+collection+rkey", parts[0])])
            .map_err(|e| e.extend())?;
        let cond = match (uri, did, collection, rkey) {
            (Some(u), ..) => Condition::all().add(records::Column::Uri.eq(u.0)),
            (None, Some(d), Some(c), Some(r)) => Condition::all()
                .add(records::Column::Did.eq(d.0))
                .add(records::Column::Collection.eq(c))
                .add(records::Column::Rkey.eq(r)),
            _ => return Ok(None),
        };
        one::<records::Entity, _>(pds(ctx)?, cond).await
    }

    /// All records (default order: by URI).
    #[allow(clippy::too_many_arguments)]
    async fn pds_records(
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
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One blob, by owner DID and CID; null if none matches, `FORBIDDEN` if it is an
    /// upload still in temporary storage and the viewer is not its account.
    async fn pds_blob(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The owning account's DID.")] did: ID,
        #[graphql(desc = "The blob's CID.")] cid: String,
    ) -> Option<Result<PdsBlob>> {
        async {
            let m = blobs::Entity::find()
                .filter(blobs::Column::Did.eq(did.0))
                .filter(blobs::Column::Cid.eq(cid))
                .one(pds(ctx)?)
                .await
                .map_err(|e| ApiError::from(e).extend())?;
            match m {
                Some(b) if !access::sees_blob(access::viewer(ctx), &b) => {
                    Err(access::temporary_blob().extend())
                }
                m => Ok(m.map(|m| PdsBlob(Node::single(m)))),
            }
        }
        .await
        .transpose()
    }

    /// All blobs the viewer may see: committed ones, and the viewer's own uploads still
    /// in temporary storage (default order: DID, then CID).
    #[allow(clippy::too_many_arguments)]
    async fn pds_blobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only blobs matching this filter.")] filter: Option<PdsBlobFilter>,
        #[graphql(desc = "Sort order (DID and CID break ties).")] order_by: Option<PdsBlobOrder>,
    ) -> Result<Conn<PdsBlob>> {
        let req = list_request(
            filter.as_ref(),
            access::blobs(access::viewer(ctx)),
            PdsBlobOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One record-to-blob reference, by blob CID and record URI; null if none matches.
    async fn pds_record_blob(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The referenced blob's CID.")] blob_cid: String,
        #[graphql(desc = "The referencing record's URI.")] record_uri: ID,
    ) -> Result<Option<PdsRecordBlob>> {
        let cond = Condition::all()
            .add(record_blobs::Column::BlobCid.eq(blob_cid))
            .add(record_blobs::Column::RecordUri.eq(record_uri.0));
        one::<record_blobs::Entity, _>(pds(ctx)?, cond).await
    }

    /// All record-to-blob references (default order: blob CID, then record URI).
    #[allow(clippy::too_many_arguments)]
    async fn pds_record_blobs(
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
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One sequencer event, by sequence number; null if none matches.
    async fn pds_repo_seq_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's sequence number.")] seq: BigInt,
    ) -> Result<Option<PdsRepoSeqEvent>> {
        let cond = Condition::all().add(repo_seq::Column::Seq.eq(seq.0));
        one::<repo_seq::Entity, _>(pds(ctx)?, cond).await
    }

    /// The sequencer's log (default order: `seq` ascending, i.e. firehose order).
    #[allow(clippy::too_many_arguments)]
    async fn pds_repo_seq_events(
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
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }

    /// One of the viewer's app passwords (metadata only), by DID and name; null if none
    /// matches, `FORBIDDEN` for another account's (whether it exists is not revealed).
    async fn pds_app_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The owning account's DID.")] did: ID,
        #[graphql(desc = "The app password's name.")] name: String,
    ) -> Option<Result<PdsAppPassword>> {
        async {
            if !access::is_me(access::viewer(ctx), &did.0) {
                return Err(access::app_passwords_of_another().extend());
            }
            let cond = Condition::all()
                .add(app_passwords::Column::Did.eq(did.0))
                .add(app_passwords::Column::Name.eq(name));
            one::<app_passwords::Entity, _>(pds(ctx)?, cond).await
        }
        .await
        .transpose()
    }

    /// The viewer's app passwords (metadata only; default order: DID, then name); empty
    /// when not signed in to the PDS.
    #[allow(clippy::too_many_arguments)]
    async fn pds_app_passwords(
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
        #[graphql(desc = "Sort order (DID and name break ties).")] order_by: Option<
            PdsAppPasswordOrder,
        >,
    ) -> Result<Conn<PdsAppPassword>> {
        let req = list_request(
            filter.as_ref(),
            access::own(access::viewer(ctx), app_passwords::Column::Did),
            PdsAppPasswordOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .map_err(|e| e.extend())?;
        root_connection(ctx, pds(ctx)?, req).await
    }
}

//! PDS's root query fields: a lookup by every key and a connection per table (sessions
//! excepted: they are reached only as `account.sessions`). Lists hold only what the
//! viewer may see; a lookup of something hidden answers `FORBIDDEN` (see
//! [`super::access`]).

use async_graphql::{Context, ErrorExtensions, ID, MergedObject, Object};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, repo_blocks, repo_seq,
    repos,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use super::access;
use super::types::*;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ResultExt};
use crate::root_list;
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
    let m = E::find().filter(cond).one(db).await.extend()?;
    Ok(m.map(|m| T::from(Node::single(m))))
}

fn pds<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    Ok(databases(ctx)?.pds())
}

/// Pds's part of the root query.
#[derive(MergedObject, Default)]
pub struct PdsQuery(PdsLookups, PdsLists);

/// Pds's plural root connections.
#[derive(MergedObject, Default)]
pub struct PdsLists(
    PdsAccountsList,
    PdsReposList,
    PdsRepoBlocksList,
    PdsPlcOperationsList,
    PdsRecordsList,
    PdsBlobsList,
    PdsRecordBlobsList,
    PdsRepoSeqEventsList,
    PdsAppPasswordsList,
);

/// Pds's single-object lookups and other root fields.
#[derive(Default)]
pub struct PdsLookups;

#[Object]
impl PdsLookups {
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
            .extend()?;
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

    /// One repository, by its account's DID; null if none matches.
    async fn pds_repo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's DID.")] did: ID,
    ) -> Result<Option<PdsRepo>> {
        let cond = Condition::all().add(repos::Column::Did.eq(did.0));
        one::<repos::Entity, _>(pds(ctx)?, cond).await
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
        exactly_one(&[("uri", uri.is_some()), ("did+collection+rkey", parts[0])]).extend()?;
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
                .extend()?;
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

    /// One sequencer event, by sequence number; null if none matches.
    async fn pds_repo_seq_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's sequence number.")] seq: BigInt,
    ) -> Result<Option<PdsRepoSeqEvent>> {
        let cond = Condition::all().add(repo_seq::Column::Seq.eq(seq.0));
        one::<repo_seq::Entity, _>(pds(ctx)?, cond).await
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
}

root_list! {
    /// All accounts (default order: by DID).
    PdsAccountsList.pds_accounts -> PdsAccount,
    db: pds,
    filter: PdsAccountFilter => "Only accounts matching this filter.",
    order: PdsAccountOrder => "Sort order (the DID breaks ties; default: DID).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All repositories (default order: by DID).
    PdsReposList.pds_repos -> PdsRepo,
    db: pds,
    filter: PdsRepoFilter => "Only repositories matching this filter.",
    order: PdsRepoOrder => "Sort order (default: DID).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All repository blocks, across repositories (filter on `cid` for cross-repository
    /// CID lookups; default order: repository DID, then CID).
    PdsRepoBlocksList.pds_repo_blocks -> PdsRepoBlock,
    db: pds,
    filter: PdsRepoBlockFilter => "Only blocks matching this filter.",
    order: PdsRepoBlockOrder => "Sort order (repository DID and CID break ties).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All PLC operations (default order: DID, then `seq`).
    PdsPlcOperationsList.pds_plc_operations -> PdsPlcOperation,
    db: pds,
    filter: PdsPlcOperationFilter => "Only operations matching this filter.",
    order: PdsPlcOperationOrder => "Sort order (DID and `seq` break ties).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All records (default order: by URI).
    PdsRecordsList.pds_records -> PdsRecord,
    db: pds,
    filter: PdsRecordFilter => "Only records matching this filter.",
    order: PdsRecordOrder => "Sort order (the URI breaks ties).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All blobs the viewer may see: committed ones, and the viewer's own uploads still
    /// in temporary storage (default order: DID, then CID).
    PdsBlobsList.pds_blobs -> PdsBlob,
    db: pds,
    filter: PdsBlobFilter => "Only blobs matching this filter.",
    order: PdsBlobOrder => "Sort order (DID and CID break ties).",
    access: |ctx| access::blobs(access::viewer(ctx)),
}

root_list! {
    /// All record-to-blob references (default order: blob CID, then record URI).
    PdsRecordBlobsList.pds_record_blobs -> PdsRecordBlob,
    db: pds,
    filter: PdsRecordBlobFilter => "Only references matching this filter.",
    order: PdsRecordBlobOrder => "Sort order (blob CID and record URI break ties).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// The sequencer's log (default order: `seq` ascending, i.e. firehose order).
    PdsRepoSeqEventsList.pds_repo_seq_events -> PdsRepoSeqEvent,
    db: pds,
    filter: PdsRepoSeqEventFilter => "Only events matching this filter.",
    order: PdsRepoSeqEventOrder => "Sort order (the sequence number breaks ties).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// The viewer's app passwords (metadata only; default order: DID, then name); empty
    /// when not signed in to the PDS.
    PdsAppPasswordsList.pds_app_passwords -> PdsAppPassword,
    db: pds,
    filter: PdsAppPasswordFilter => "Only app passwords matching this filter.",
    order: PdsAppPasswordOrder => "Sort order (DID and name break ties).",
    access: |ctx| access::own(access::viewer(ctx), app_passwords::Column::Did),
}

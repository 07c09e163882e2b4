//! Repository blocks: storing a client's blocks and moving its repository to a new
//! signed commit. See [`super`] for who may act.

use chrono::Utc;
use entity::pds::{repo_blocks, repos};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::accounts::own_active;
use super::commit::Commit;
use super::sequencer;
use crate::codec::dag_cbor;
use crate::error::{ApiError, ApiResult};
use crate::validate::Cid;
use crate::write::Store;

/// Largest repository block accepted (bytes).
pub const MAX_BLOCK: usize = 1024 * 1024;
/// Most blocks in one `put_blocks` call.
pub const MAX_BLOCKS: usize = 200;

/// A block to store: its CID (already checked against its bytes) and bytes (already
/// checked to be DAG-CBOR).
pub struct Block {
    /// The block's CID.
    pub cid: Cid,
    /// The block's bytes.
    pub bytes: Vec<u8>,
}

/// Stores `blocks` in `did`'s repository and moves its root to `root` (one of them or a
/// block already stored) and its rev to the root's. With `swap_commit`, the current root
/// must be that CID (`CONFLICT` otherwise), as atproto's `swapCommit`.
///
/// The root must be a commit of `did` (see [`super::commit`]) signed by the account's current
/// signing key, with a rev newer than the repository's, whose `data` (the MST root) is
/// one of `blocks` or already stored. Any refusal writes nothing.
pub async fn put_blocks(
    store: &Store,
    actor: &str,
    did: &str,
    blocks: Vec<Block>,
    root: Cid,
    swap_commit: Option<Cid>,
) -> ApiResult<(repos::Model, Vec<repo_blocks::Model>)> {
    let (actor, did) = (actor.to_owned(), did.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let account = own_active(txn, &actor, &did).await?;
                let repo = repos::Entity::find_by_id(did.as_str())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound(format!("{did} has no repository")))?;
                if let Some(swap) = &swap_commit
                    && swap.as_str() != repo.root_cid
                {
                    return Err(ApiError::Conflict(
                        "input.swapCommit is not the repository's current root".into(),
                    ));
                }
                let commit = match blocks.iter().find(|b| b.cid == root) {
                    Some(b) => Commit::read("input.root", &did, &b.bytes)?,
                    None => {
                        let stored = stored_block(txn, &did, root.as_str()).await?.ok_or_else(|| {
                            ApiError::bad_input(
                                "input.root",
                                "input.root must be one of input.blocks or a block already stored",
                            )
                        })?;
                        Commit::read("input.root", &did, &stored.bytes)?
                    }
                };
                commit.verify("input.root", &account.signing_key_pub)?;
                // Both are TIDs (13 characters of a sortable alphabet): text order is
                // time order.
                if commit.rev <= repo.rev {
                    return Err(ApiError::bad_input(
                        "input.root",
                        format!(
                            "input.root: rev {} is not newer than {}, the repository's current rev",
                            commit.rev, repo.rev
                        ),
                    ));
                }
                let data = dag_cbor::cid_text(&commit.data);
                let data_present = match &data {
                    Some(d) if blocks.iter().any(|b| &b.cid == d) => true,
                    Some(d) => has_block(txn, &did, d.as_str()).await?,
                    None => false,
                };
                if !data_present {
                    return Err(ApiError::bad_input(
                        "input.root",
                        format!(
                            "input.root: its data (the MST root, {}) is not one of input.blocks or a block already stored",
                            commit.data
                        ),
                    ));
                }
                let now = Utc::now();
                let mut cids = Vec::with_capacity(blocks.len());
                for block in blocks {
                    let row = repo_blocks::Model {
                        repo_did: did.clone(),
                        cid: block.cid.to_string(),
                        size: i32::try_from(block.bytes.len()).map_err(ApiError::internal)?,
                        bytes: block.bytes,
                        created_at: now,
                    };
                    cids.push(row.cid.clone());
                    // Content-addressed: a block already stored is the same block.
                    repo_blocks::Entity::insert(row.into_active_model())
                        .on_conflict(
                            OnConflict::columns([
                                repo_blocks::Column::RepoDid,
                                repo_blocks::Column::Cid,
                            ])
                            .do_nothing()
                            .to_owned(),
                        )
                        .try_insert()
                        .exec(txn)
                        .await?;
                }
                let stored = repo_blocks::Entity::find()
                    .filter(repo_blocks::Column::RepoDid.eq(did.as_str()))
                    .filter(repo_blocks::Column::Cid.is_in(cids.iter().cloned()))
                    .all(txn)
                    .await?;
                let since = repo.rev.clone();
                let mut am = repo.into_active_model();
                am.root_cid = Set(root.to_string());
                am.rev = Set(commit.rev);
                let repo = am.update(txn).await?;
                let event =
                    sequencer::commit(&repo.did, &repo.root_cid, &repo.rev, Some(&since), &cids);
                sequencer::sequence(txn, now, vec![event]).await?;
                let blocks = cids
                    .iter()
                    .filter_map(|c| stored.iter().find(|b| &b.cid == c).cloned())
                    .collect();
                Ok((repo, blocks))
            })
        })
        .await
}

/// `did`'s stored block `cid`, if any.
async fn stored_block(
    txn: &DatabaseTransaction,
    did: &str,
    cid: &str,
) -> ApiResult<Option<repo_blocks::Model>> {
    Ok(repo_blocks::Entity::find()
        .filter(repo_blocks::Column::RepoDid.eq(did))
        .filter(repo_blocks::Column::Cid.eq(cid))
        .one(txn)
        .await?)
}

/// Whether `did` has block `cid` stored (without loading it).
async fn has_block(txn: &DatabaseTransaction, did: &str, cid: &str) -> ApiResult<bool> {
    let found: Option<String> = repo_blocks::Entity::find()
        .select_only()
        .column(repo_blocks::Column::Cid)
        .filter(repo_blocks::Column::RepoDid.eq(did))
        .filter(repo_blocks::Column::Cid.eq(cid))
        .into_tuple()
        .one(txn)
        .await?;
    Ok(found.is_some())
}

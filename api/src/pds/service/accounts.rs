//! Accounts: creation (keys, genesis PLC operation, first commit), handle and status
//! changes, and appends to the PLC operation log. See [`super`] for who may act.

use chrono::Utc;
use entity::pds::enums::AccountStatus;
use entity::pds::{accounts, plc_operations, refresh_tokens, repo_blocks, repos};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::keys::{self, KeyPair};
use super::{commit, sequencer};
use crate::auth::password::Passwords;
use crate::codec::{dag_cbor, tid};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Cid, Codec, Email, Handle};
use crate::write::Store;

/// Largest PLC operation accepted (bytes).
pub const MAX_OPERATION: usize = 8 * 1024;

/// A new account, parsed.
pub struct NewAccount {
    /// The handle (checked, lowercased).
    pub handle: Handle,
    /// The email address (checked, lowercased).
    pub email: Email,
    /// The password (length already checked).
    pub password: String,
}

/// What a created account consists of.
pub struct Created {
    /// The account.
    pub account: accounts::Model,
    /// Its repository.
    pub repo: repos::Model,
    /// Its genesis PLC operation (seq 0).
    pub operation: plc_operations::Model,
}

async fn taken(
    txn: &impl sea_orm::ConnectionTrait,
    column: accounts::Column,
    value: &str,
    except: Option<&str>,
) -> ApiResult<bool> {
    let mut q = accounts::Entity::find().filter(column.eq(value));
    if let Some(did) = except {
        q = q.filter(accounts::Column::Did.ne(did));
    }
    Ok(q.one(txn).await?.is_some())
}

/// Creates an account: password hash, two generated key pairs, the DID of its signed
/// genesis PLC operation, the repository with its first commit (signed, over an empty
/// MST node), all in one transaction.
pub async fn create_account(
    store: &Store,
    passwords: &Passwords,
    new: NewAccount,
) -> ApiResult<Created> {
    // A taken handle or email fails before the slow parts (scrypt, keys, signatures),
    // which run outside the transaction; the checks inside it (and the unique indexes)
    // decide under races.
    let handle_taken = taken(
        store.db(),
        accounts::Column::Handle,
        new.handle.as_str(),
        None,
    );
    if handle_taken.await? {
        return Err(ApiError::Conflict("this handle is already taken".into()));
    }
    if taken(
        store.db(),
        accounts::Column::Email,
        new.email.as_str(),
        None,
    )
    .await?
    {
        return Err(ApiError::Conflict(
            "an account with this email address already exists".into(),
        ));
    }
    let password = new.password;
    let password_hash = passwords.hash(password).await?;
    let (signing, rotation) = (KeyPair::generate()?, KeyPair::generate()?);
    let (operation, did) = keys::genesis_operation(new.handle.as_str(), &signing, &rotation)?;
    let now = Utc::now();
    let rev = tid::of_time(now, 0);
    let mst = commit::empty_mst()?;
    let commit = commit::sign(&did, &rev, dag_cbor::link_of(&mst)?, None, &signing)?;
    let commit_cid = Cid::of(Codec::DagCbor, &commit).to_string();
    let account = accounts::Model {
        did: did.clone(),
        handle: new.handle.into_inner(),
        email: new.email.into_inner(),
        password_hash,
        signing_key_priv: signing.private_hex(),
        signing_key_pub: signing.multikey(),
        rotation_key_priv: rotation.private_hex(),
        rotation_key_pub: rotation.multikey(),
        status: AccountStatus::Active,
        created_at: now,
    };
    let repo = repos::Model {
        did: did.clone(),
        root_cid: commit_cid.clone(),
        rev,
        created_at: now,
    };
    let op = plc_operations::Model {
        did: did.clone(),
        seq: 0,
        cid: Cid::of(Codec::DagCbor, &operation).to_string(),
        operation,
        created_at: now,
    };
    // The empty tree, then the commit: a repository's first blocks.
    let blocks = [mst, commit]
        .into_iter()
        .map(|bytes| {
            Ok(repo_blocks::Model {
                repo_did: did.clone(),
                cid: Cid::of(Codec::DagCbor, &bytes).to_string(),
                size: i32::try_from(bytes.len()).map_err(ApiError::internal)?,
                bytes,
                created_at: now,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    store
        .transaction(move |txn| {
            Box::pin(async move {
                if taken(txn, accounts::Column::Handle, &account.handle, None).await? {
                    return Err(ApiError::Conflict("this handle is already taken".into()));
                }
                if taken(txn, accounts::Column::Email, &account.email, None).await? {
                    return Err(ApiError::Conflict(
                        "an account with this email address already exists".into(),
                    ));
                }
                let account = account.into_active_model().insert(txn).await?;
                let repo = repo.into_active_model().insert(txn).await?;
                let cids: Vec<String> = blocks.iter().map(|b| b.cid.clone()).collect();
                repo_blocks::Entity::insert_many(
                    blocks.into_iter().map(IntoActiveModel::into_active_model),
                )
                .exec_without_returning(txn)
                .await?;
                let operation = op.into_active_model().insert(txn).await?;
                sequencer::sequence(
                    txn,
                    now,
                    vec![
                        sequencer::identity(&account),
                        sequencer::account(&account),
                        sequencer::commit(&repo.did, &repo.root_cid, &repo.rev, None, &cids),
                    ],
                )
                .await?;
                Ok(Created {
                    account,
                    repo,
                    operation,
                })
            })
        })
        .await
}

/// Locks and loads `did`'s account, which must be `actor`'s own and active.
pub(super) async fn own_active(
    txn: &DatabaseTransaction,
    actor: &str,
    did: &str,
) -> ApiResult<accounts::Model> {
    let account = own(txn, actor, did).await?;
    if account.status != AccountStatus::Active {
        return Err(ApiError::Forbidden(format!(
            "the account is {}: it cannot write",
            account.status.to_value()
        )));
    }
    Ok(account)
}

/// Locks and loads `did`'s account, which must be `actor`'s own.
async fn own(txn: &DatabaseTransaction, actor: &str, did: &str) -> ApiResult<accounts::Model> {
    if actor != did {
        return Err(ApiError::Forbidden(
            "only the account itself may change it".into(),
        ));
    }
    accounts::Entity::find_by_id(did)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no account {did}")))
}

/// Changes `did`'s handle.
pub async fn update_handle(
    store: &Store,
    actor: &str,
    did: &str,
    handle: Handle,
) -> ApiResult<accounts::Model> {
    let (actor, did) = (actor.to_owned(), did.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let account = own_active(txn, &actor, &did).await?;
                if account.handle == handle.as_str() {
                    return Ok(account);
                }
                if taken(txn, accounts::Column::Handle, handle.as_str(), Some(&did)).await? {
                    return Err(ApiError::Conflict("this handle is already taken".into()));
                }
                let mut am = account.into_active_model();
                am.handle = Set(handle.into_inner());
                let account = am.update(txn).await?;
                sequencer::sequence(txn, Utc::now(), vec![sequencer::identity(&account)]).await?;
                Ok(account)
            })
        })
        .await
}

/// Whether the account itself may move from `from` to `to`; the error says why not.
///
/// - `active` ⇄ `deactivated`, and either → `deleted`: the owner's choice.
/// - `deleted` is final (`BAD_USER_INPUT`).
/// - Into or out of `takendown`: moderators only (`FORBIDDEN`).
/// - The current status again: `BAD_USER_INPUT` (nothing to do).
pub fn check_transition(from: AccountStatus, to: AccountStatus) -> ApiResult<()> {
    use AccountStatus::*;
    let field = "input.status";
    match (from, to) {
        (Deleted, _) => Err(ApiError::bad_input(
            field,
            "the account is deleted: deletion is final",
        )),
        (Takendown, _) | (_, Takendown) => Err(ApiError::Forbidden(
            "only the service's moderators take accounts down or restore them".into(),
        )),
        (a, b) if a == b => Err(ApiError::bad_input(
            field,
            format!("the account is already {}", a.to_value()),
        )),
        _ => Ok(()),
    }
}

/// Moves `did` to `status`; deleting also ends all of its sessions.
pub async fn update_status(
    store: &Store,
    actor: &str,
    did: &str,
    status: AccountStatus,
) -> ApiResult<accounts::Model> {
    let (actor, did) = (actor.to_owned(), did.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let account = own(txn, &actor, &did).await?;
                check_transition(account.status, status)?;
                if status == AccountStatus::Deleted {
                    refresh_tokens::Entity::delete_many()
                        .filter(refresh_tokens::Column::Did.eq(did.as_str()))
                        .exec(txn)
                        .await?;
                }
                let mut am = account.into_active_model();
                am.status = Set(status);
                let account = am.update(txn).await?;
                sequencer::sequence(txn, Utc::now(), vec![sequencer::account(&account)]).await?;
                Ok(account)
            })
        })
        .await
}

/// Appends a signed PLC operation (DAG-CBOR, whose CID is `cid`) to `did`'s log at the
/// next seq. With `prev`, the log's last operation must have that CID (`CONFLICT` if
/// another operation came first).
pub async fn append_operation(
    store: &Store,
    actor: &str,
    did: &str,
    cid: Cid,
    operation: Vec<u8>,
    prev: Option<Cid>,
) -> ApiResult<plc_operations::Model> {
    let (actor, did) = (actor.to_owned(), did.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                // The account row's lock serialises appends (PostgreSQL), so seqs are
                // gap-free; the (did, seq) key is the last line of defence.
                own_active(txn, &actor, &did).await?;
                let last = plc_operations::Entity::find()
                    .filter(plc_operations::Column::Did.eq(did.as_str()))
                    .order_by_desc(plc_operations::Column::Seq)
                    .one(txn)
                    .await?;
                if let Some(prev) = &prev
                    && last.as_ref().map(|l| l.cid.as_str()) != Some(prev.as_str())
                {
                    return Err(ApiError::Conflict(
                        "input.prev is not the log's last operation".into(),
                    ));
                }
                plc_operations::Model {
                    did,
                    seq: last.map_or(0, |l| l.seq + 1),
                    cid: cid.to_string(),
                    operation,
                    created_at: Utc::now(),
                }
                .into_active_model()
                .insert(txn)
                .await
                .map_err(Into::into)
            })
        })
        .await
}

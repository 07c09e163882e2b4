//! Repositories and their logs: the repository, its blocks, the PLC operation log and
//! the sequencer's events.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::pds::{plc_operations, repo_blocks, repo_seq, repos};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::pds::loaders::*;
use crate::scalars::{Base64, BigInt};

type Result<T> = async_graphql::Result<T>;

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

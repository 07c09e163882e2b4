//! Atrarium's memberships.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use entity::atrarium::memberships;

use super::*;
use crate::atrarium::loaders::{AtrariumLoader, CommunityId};
use crate::batch::{self, Node};
use crate::pds::loaders::{AccountDid, PdsLoader};
use crate::pds::types::PdsAccount;
use crate::scalars::{BigInt, from_epoch};

type Result<T> = async_graphql::Result<T>;

/// A user's (DID's) membership and role in a community.
pub struct AtrariumMembership(pub Node<memberships::Model>);

impl From<Node<memberships::Model>> for AtrariumMembership {
    fn from(m: Node<memberships::Model>) -> Self {
        Self(m)
    }
}

/// A user's (DID's) membership and role in a community.
#[Object]
impl AtrariumMembership {
    /// The community's id (with `userDid`, the membership's key).
    async fn community_id(&self) -> BigInt {
        BigInt(self.0.community_id)
    }
    /// The member's AT Protocol DID (`did:plc:...`).
    async fn user_did(&self) -> &str {
        &self.0.user_did
    }
    /// The member's role.
    async fn role(&self) -> AtrariumRole {
        self.0.role.into()
    }
    /// When the member joined.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.joined_at)
    }

    /// The community.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<AtrariumCommunity>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |m| CommunityId(m.community_id))
                .await?;
        Ok(n.map(AtrariumCommunity))
    }

    /// The member's account on this server's PDS, when the DID has one (resolved across
    /// domains through the PDS loader, batched).
    async fn pds_account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |m| AccountDid(m.user_did.clone()))
            .await?;
        Ok(n.map(PdsAccount))
    }
}

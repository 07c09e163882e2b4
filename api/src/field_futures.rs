//! A guard on the size of each object type's field future (see [`crate::batch`]).
//!
//! async-graphql's `#[Object]` compiles all of a type's fields into one `resolve_field`
//! future, as large as its largest field's, and boxes one of them for *every* field it
//! resolves, `id` included. A relation field that awaited its statement inline (sqlx's
//! futures are kilobytes) or held a filter argument by value made every field of every
//! object of its type allocate and copy kilobytes: 4.5 KB for `OrquestraUser` and
//! `OrquestraProject` before BENCHMARKS.md's run 10. Batches box their load
//! (`batch::shared`) and connection fields take their filter as `Option<Box<…>>`; this
//! test keeps it so for every object type listed below (a new object type belongs in the
//! list).

use std::future::Future;

use async_graphql::{ContainerType, Context};

/// Bytes a field future may take (a debug build; release's are smaller). Scalar-only
/// types take about 500; before run 10 the types with connection fields took 1.4–4.7 KB.
const LIMIT: usize = 1_536;

/// The size of the future `f` returns, without calling it.
fn future_size<'a, T: 'a, F: Future>(_f: impl Fn(&'a T, &'a Context<'a>) -> F) -> usize {
    std::mem::size_of::<F>()
}

macro_rules! field_future_sizes {
    ($($ty:ty,)*) => {
        vec![$((stringify!($ty), future_size::<$ty, _>(|o, ctx| o.resolve_field(ctx))),)*]
    };
}

#[test]
fn every_object_types_field_future_is_small() {
    let sizes = field_future_sizes![
        // atrarium
        crate::atrarium::types::AtrariumCommunity,
        crate::atrarium::types::AtrariumThemeFeed,
        crate::atrarium::types::AtrariumMembership,
        crate::atrarium::types::AtrariumPost,
        // bellamy
        crate::bellamy::types::BellamyConversation,
        crate::bellamy::types::BellamyConversationParticipant,
        crate::bellamy::types::BellamyMessage,
        crate::bellamy::types::BellamyComment,
        crate::bellamy::types::BellamyThreadComment,
        crate::bellamy::types::BellamyHashtag,
        crate::bellamy::types::BellamyPostHashtag,
        crate::bellamy::types::BellamyMedia,
        crate::bellamy::types::BellamyNotification,
        crate::bellamy::types::BellamyPost,
        crate::bellamy::types::BellamyReaction,
        crate::bellamy::types::BellamyFollow,
        crate::bellamy::types::BellamyFriendRequest,
        crate::bellamy::types::BellamyFriendship,
        crate::bellamy::types::BellamyStory,
        crate::bellamy::types::BellamyStoryView,
        crate::bellamy::types::BellamyUser,
        // orquestra
        crate::orquestra::types::OrquestraKnownAddress,
        crate::orquestra::types::OrquestraApiKey,
        crate::orquestra::types::OrquestraIdlVersion,
        crate::orquestra::types::OrquestraProject,
        crate::orquestra::types::OrquestraProjectSocials,
        crate::orquestra::types::OrquestraUser,
        // pds
        crate::pds::types::PdsAccount,
        crate::pds::types::PdsBlob,
        crate::pds::types::PdsRecord,
        crate::pds::types::PdsRecordBlob,
        crate::pds::types::PdsPlcOperation,
        crate::pds::types::PdsRepo,
        crate::pds::types::PdsRepoBlock,
        crate::pds::types::PdsRepoSeqEvent,
        crate::pds::types::PdsAppPassword,
        crate::pds::types::PdsSession,
        // universe
        crate::universe::types::UniverseConfig,
        crate::universe::types::UniverseEvent,
        crate::universe::types::UniverseEntity,
        crate::universe::types::UniverseRelation,
        crate::universe::types::UniverseClientConnection,
        crate::universe::types::UniverseSubscription,
        crate::universe::types::UniverseDelta,
        crate::universe::types::UniverseStateVersion,
    ];
    let large: Vec<_> = sizes.iter().filter(|(_, n)| *n > LIMIT).collect();
    assert!(
        large.is_empty(),
        "field futures over {LIMIT} bytes (box the large field's future): {large:?}"
    );
}

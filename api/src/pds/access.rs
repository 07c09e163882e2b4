//! The PDS's read access rules, in one place.
//!
//! Repository data is public, as in atproto: accounts (handle, DID, public keys, status),
//! repositories, blocks, records, record-to-blob references, the PLC log and the
//! sequencer's log (the firehose). What a real PDS keeps to the account itself is private
//! here too, readable only with a PDS session of that account
//! (`viewer.subject(Pds) == did`):
//!
//! - the account's email address (and whether an address is registered at all);
//! - its sessions (refresh tokens), which say when and from which app it signed in;
//! - its app passwords (`com.atproto.server.listAppPasswords` needs the account's auth);
//! - its blobs still in temporary storage (`temp_key` set): uploads no record references
//!   yet, which a PDS serves to no one (`getBlob` and `listBlobs` only know committed
//!   blobs).
//!
//! Lists take the conditions below (SQL, so pages and counts stay exact and nothing hidden
//! is fetched); reading something hidden directly answers `FORBIDDEN`.

use async_graphql::Context;
use entity::Domain;
use entity::pds::blobs;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Viewer;
use crate::error::ApiError;

static ANONYMOUS: Viewer = Viewer {
    principal: None,
    api_key_project: None,
    inactive: None,
};

/// The request's viewer (anonymous when none was attached).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

/// The DID of the viewer's PDS session, if any.
pub fn me(viewer: &Viewer) -> Option<&str> {
    viewer.subject(Domain::Pds)
}

/// Whether the viewer is the account `did`.
pub fn is_me(viewer: &Viewer, did: &str) -> bool {
    me(viewer) == Some(did)
}

/// Rows of the viewer's own account (`column` holds the DID); none when anonymous.
pub fn own(viewer: &Viewer, column: impl ColumnTrait) -> Condition {
    match me(viewer) {
        Some(did) => Condition::all().add(column.eq(did)),
        None => Condition::all().add(Expr::val(1).eq(0)),
    }
}

/// Whether the viewer may see `blob`: committed blobs are public, uploads in temporary
/// storage belong to their account.
pub fn sees_blob(viewer: &Viewer, blob: &blobs::Model) -> bool {
    blob.temp_key.is_none() || is_me(viewer, &blob.did)
}

/// The blobs the viewer may see, as a condition on `blobs` (or a view aliased `blobs`).
/// A conjunction, so that the client's filter added to it narrows it.
pub fn blobs(viewer: &Viewer) -> Condition {
    Condition::all().add(
        Condition::any()
            .add(blobs::Column::TempKey.is_null())
            .add(own(viewer, blobs::Column::Did)),
    )
}

/// Reading another account's email address (or looking an account up by one).
pub fn email_of_another() -> ApiError {
    ApiError::Forbidden("an email address is visible only to its own account".into())
}

/// Reading another account's sessions.
pub fn sessions_of_another() -> ApiError {
    ApiError::Forbidden("sessions are visible only to their own account".into())
}

/// Reading another account's app passwords.
pub fn app_passwords_of_another() -> ApiError {
    ApiError::Forbidden("app passwords are visible only to their own account".into())
}

/// Reading another account's upload still in temporary storage.
pub fn temporary_blob() -> ApiError {
    ApiError::Forbidden(
        "this blob is an upload no record references yet: only its account may see it".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_blobs_belong_to_their_account() {
        let blob = |temp: Option<&str>| blobs::Model {
            did: "did:plc:a".into(),
            cid: "bafkrei".into(),
            mime_type: "image/png".into(),
            size: 1,
            temp_key: temp.map(str::to_owned),
            width: None,
            height: None,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
            takedown_ref: None,
        };
        let a = Viewer {
            principal: Some((Domain::Pds, "did:plc:a".into())),
            api_key_project: None,
            inactive: None,
        };
        let b = Viewer {
            principal: Some((Domain::Pds, "did:plc:b".into())),
            api_key_project: None,
            inactive: None,
        };
        // Another domain's principal with the same subject is not the account.
        let foreign = Viewer {
            principal: Some((Domain::Bellamy, "did:plc:a".into())),
            api_key_project: None,
            inactive: None,
        };
        assert!(sees_blob(&a, &blob(Some("tmp-1"))));
        for v in [&b, &foreign, &Viewer::anonymous()] {
            assert!(!sees_blob(v, &blob(Some("tmp-1"))), "{v:?}");
            assert!(sees_blob(v, &blob(None)), "{v:?}");
        }
        assert!(is_me(&a, "did:plc:a"));
        assert!(!is_me(&foreign, "did:plc:a"));
    }
}

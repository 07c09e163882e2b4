//! PDS's table filters and orders, and the orders of the lists read through a view.

use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};

use super::enums::{PdsAccountStatusFilter, PdsRepoSeqEventTypeFilter};
use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::order::OrderDirection;
use crate::pagination::Ordering;
use crate::pds::loaders::views::{ViewOrder, blob_record_rows, record_blob_rows};
use crate::{filter_input, order_input};

/// The list name of blob connections (the `order_input!` literal below), shared with
/// the `record.blobs` view so that its cursors are blob cursors.
pub const BLOBS_LIST: &str = "pds.blobs";
/// The list name of record connections, shared with the `blob.records` view.
pub const RECORDS_LIST: &str = "pds.records";

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

/// The order of `record.blobs` over the view, mirroring [`PdsBlobOrder::ordering`]
/// column for column (same list name, same column names), so cursors are the same.
pub fn blob_view_ordering(order: Option<PdsBlobOrder>) -> Ordering<record_blob_rows::Entity> {
    use record_blob_rows::Column as C;
    let (column, descending) = order.map_or((None, false), |o| {
        let column = match o.field {
            PdsBlobOrderField::PrimaryKey => None,
            PdsBlobOrderField::Cid => Some((C::Cid, false)),
            PdsBlobOrderField::TempKey => Some((C::TempKey, true)),
        };
        (column, o.direction == OrderDirection::Desc)
    });
    Ordering::by(BLOBS_LIST, column, descending, &[C::Did, C::Cid])
}

/// The order of `blob.records` over the view, mirroring [`PdsRecordOrder::ordering`].
pub fn record_view_ordering(order: Option<PdsRecordOrder>) -> Ordering<blob_record_rows::Entity> {
    use blob_record_rows::Column as C;
    let (column, descending) = order.map_or((None, false), |o| {
        let column = match o.field {
            PdsRecordOrderField::PrimaryKey => None,
            PdsRecordOrderField::Collection => Some((C::Collection, false)),
            PdsRecordOrderField::Rkey => Some((C::Rkey, false)),
            PdsRecordOrderField::Cid => Some((C::Cid, false)),
            PdsRecordOrderField::RepoRev => Some((C::RepoRev, true)),
        };
        (column, o.direction == OrderDirection::Desc)
    });
    Ordering::by(RECORDS_LIST, column, descending, &[C::Uri])
}

/// [`blob_view_ordering`] as a loader key part.
pub fn blob_view_order(order: Option<PdsBlobOrder>) -> ViewOrder<record_blob_rows::Entity> {
    ViewOrder::new(blob_view_ordering(order))
}

/// [`record_view_ordering`] as a loader key part.
pub fn record_view_order(order: Option<PdsRecordOrder>) -> ViewOrder<blob_record_rows::Entity> {
    ViewOrder::new(record_view_ordering(order))
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! PDS's storage: migrations, catalog, constraints, cascades, round trips.

use chrono::{TimeZone, Utc};
use entity::Domain;
use entity::pds::{
    AccountStatus, RepoSeqEventType, accounts, app_passwords, blobs, plc_operations, record_blobs,
    records, refresh_tokens, repo_blocks, repo_seq, repos,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait};

use crate::helpers::{
    TableSpec, TestDb, assert_catalog, assert_migrations_reversible, count, expect_rejected,
};

/// Bytes that are not valid UTF-8, to prove the binary columns are binary.
const NOT_UTF8: [u8; 5] = [0, 159, 146, 150, 255];

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    assert_migrations_reversible(Domain::Pds).await;
}

#[tokio::test]
async fn catalog_matches_the_seed() {
    let db = TestDb::migrated().await;
    let spec = [
        TableSpec {
            name: "accounts",
            columns: &[
                ("did", false),
                ("handle", false),
                ("email", false),
                ("password_hash", false),
                ("signing_key_priv", false),
                ("signing_key_pub", false),
                ("rotation_key_priv", false),
                ("rotation_key_pub", false),
                ("status", false),
                ("created_at", false),
            ],
            indexes: &["accounts_handle_idx", "accounts_email_idx"],
        },
        TableSpec {
            name: "repos",
            columns: &[
                ("did", false),
                ("root_cid", false),
                ("rev", false),
                ("created_at", false),
            ],
            indexes: &[],
        },
        TableSpec {
            name: "repo_blocks",
            columns: &[
                ("repo_did", false),
                ("cid", false),
                ("bytes", false),
                ("size", false),
                ("created_at", false),
            ],
            indexes: &["repo_blocks_cid_idx"],
        },
        TableSpec {
            name: "refresh_tokens",
            columns: &[
                ("jti", false),
                ("did", false),
                ("expires_at", false),
                ("app_password_name", true),
                ("created_at", false),
            ],
            indexes: &["refresh_tokens_did_idx"],
        },
        TableSpec {
            name: "plc_operations",
            columns: &[
                ("did", false),
                ("cid", false),
                ("operation", false),
                ("seq", false),
                ("created_at", false),
            ],
            indexes: &["plc_operations_cid_idx"],
        },
        TableSpec {
            name: "records",
            columns: &[
                ("uri", false),
                ("cid", false),
                ("did", false),
                ("collection", false),
                ("rkey", false),
                ("repo_rev", true),
                ("indexed_at", false),
                ("takedown_ref", true),
            ],
            indexes: &[
                "records_did_collection_rkey_idx",
                "records_cid_idx",
                "records_repo_rev_idx",
            ],
        },
        TableSpec {
            name: "blobs",
            columns: &[
                ("did", false),
                ("cid", false),
                ("mime_type", false),
                ("size", false),
                ("temp_key", true),
                ("width", true),
                ("height", true),
                ("created_at", false),
                ("takedown_ref", true),
            ],
            indexes: &["blobs_temp_key_idx"],
        },
        TableSpec {
            name: "record_blobs",
            columns: &[("blob_cid", false), ("record_uri", false), ("did", false)],
            indexes: &["record_blobs_did_idx"],
        },
        TableSpec {
            name: "repo_seq",
            columns: &[
                ("seq", false),
                ("did", false),
                ("event_type", false),
                ("event", false),
                ("invalidated", false),
                ("sequenced_at", false),
            ],
            indexes: &[
                "repo_seq_did_idx",
                "repo_seq_event_type_idx",
                "repo_seq_sequenced_at_idx",
            ],
        },
        TableSpec {
            name: "app_passwords",
            columns: &[
                ("did", false),
                ("name", false),
                ("password_scrypt", false),
                ("privileged", false),
                ("created_at", false),
            ],
            indexes: &[],
        },
    ];
    assert_catalog(db.get(Domain::Pds), &spec).await;
}

/// An `INSERT INTO accounts` of the given DID, handle, email and status (`None`: default).
fn account_sql(did: &str, handle: &str, email: &str, status: Option<&str>) -> String {
    let (col, val) = match status {
        Some(s) => (", status", format!(", '{s}'")),
        None => ("", String::new()),
    };
    format!(
        "INSERT INTO accounts (did, handle, email, password_hash, signing_key_priv, \
         signing_key_pub, rotation_key_priv, rotation_key_pub{col}) VALUES ('{did}', \
         '{handle}', '{email}', '$scrypt$1', 'aa', 'zQ3sSign', 'bb', 'zQ3sRot'{val})"
    )
}

const ALICE: &str = "did:plc:alice";
const BOB: &str = "did:plc:bob";

/// A binary literal of `NOT_UTF8` for raw SQL on the backend under test.
fn bytes_literal(db: &TestDb) -> &'static str {
    match db.backend() {
        sea_orm::DbBackend::Postgres => "'\\x009f9296ff'::bytea",
        _ => "X'009f9296ff'",
    }
}

/// Alice and Bob, each with a repo, blocks, a refresh token, PLC operations, records,
/// blobs, record-to-blob references, app passwords and sequencer events.
async fn two_populated_accounts(db: &TestDb) {
    let conn = db.get(Domain::Pds);
    let b = bytes_literal(db);
    for (did, name) in [(ALICE, "alice"), (BOB, "bob")] {
        let stmts = [
            account_sql(
                did,
                &format!("{name}.test"),
                &format!("{name}@example.com"),
                None,
            ),
            format!("INSERT INTO repos (did, root_cid, rev) VALUES ('{did}', 'bafyroot', '3kabc')"),
            format!(
                "INSERT INTO repo_blocks (repo_did, cid, bytes, size) VALUES ('{did}', 'bafy1', {b}, 5)"
            ),
            format!(
                "INSERT INTO repo_blocks (repo_did, cid, bytes, size) VALUES ('{did}', 'bafy2', {b}, 5)"
            ),
            format!(
                "INSERT INTO refresh_tokens (jti, did, expires_at) VALUES ('jti-{name}', '{did}', CURRENT_TIMESTAMP)"
            ),
            format!(
                "INSERT INTO plc_operations (did, cid, operation, seq) VALUES ('{did}', 'bafyop0', {b}, 0)"
            ),
            format!(
                "INSERT INTO plc_operations (did, cid, operation, seq) VALUES ('{did}', 'bafyop1', {b}, 1)"
            ),
            format!(
                "INSERT INTO records (uri, cid, did, collection, rkey) VALUES \
                 ('at://{did}/app.bsky.feed.post/1', 'bafyrec', '{did}', 'app.bsky.feed.post', '1')"
            ),
            format!(
                "INSERT INTO blobs (did, cid, mime_type, size) VALUES ('{did}', 'bafyblob', 'image/png', 1024)"
            ),
            format!(
                "INSERT INTO record_blobs (blob_cid, record_uri, did) VALUES \
                 ('bafyblob', 'at://{did}/app.bsky.feed.post/1', '{did}')"
            ),
            format!(
                "INSERT INTO app_passwords (did, name, password_scrypt) VALUES ('{did}', 'phone', '$scrypt$2')"
            ),
            format!(
                "INSERT INTO repo_seq (did, event_type, event) VALUES ('{did}', 'append', {b})"
            ),
        ];
        for sql in stmts {
            conn.execute_unprepared(&sql).await.unwrap();
        }
    }
}

/// The kind of constraint a rejected statement violated, read from the backend's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Violation {
    Unique,
    Check,
    ForeignKey,
    NotNull,
}

impl Violation {
    /// SQLite says e.g. "UNIQUE constraint failed"; PostgreSQL "violates unique constraint".
    fn of(err: &sea_orm::DbErr) -> Option<Self> {
        let msg = err.to_string().to_lowercase();
        if msg.contains("unique constraint") || msg.contains("duplicate key") {
            Some(Self::Unique)
        } else if msg.contains("check constraint") {
            Some(Self::Check)
        } else if msg.contains("foreign key constraint") {
            Some(Self::ForeignKey)
        } else if msg.contains("not null constraint") || msg.contains("not-null constraint") {
            Some(Self::NotNull)
        } else {
            None
        }
    }
}

const TABLES: [&str; 10] = [
    "accounts",
    "repos",
    "repo_blocks",
    "refresh_tokens",
    "plc_operations",
    "records",
    "blobs",
    "record_blobs",
    "repo_seq",
    "app_passwords",
];

async fn counts(db: &TestDb) -> Vec<(&'static str, i64)> {
    let conn = db.get(Domain::Pds);
    let mut out = Vec::new();
    for t in TABLES {
        out.push((t, count(conn, t).await));
    }
    out
}

#[tokio::test]
async fn constraints_reject_bad_rows() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    two_populated_accounts(&db).await;
    let before = counts(&db).await;
    let b = bytes_literal(&db);

    use Violation::{Check, ForeignKey, NotNull, Unique};
    let rejected: Vec<(Violation, String)> = vec![
        // accounts: duplicate DID, handle, email; a status outside the enum.
        (
            Unique,
            account_sql(ALICE, "carol.test", "carol@example.com", None),
        ),
        (
            Unique,
            account_sql("did:plc:carol", "alice.test", "carol@example.com", None),
        ),
        (
            Unique,
            account_sql("did:plc:carol", "carol.test", "alice@example.com", None),
        ),
        (
            Check,
            account_sql(
                "did:plc:carol",
                "carol.test",
                "carol@example.com",
                Some("suspended"),
            ),
        ),
        // repos: one per account; dangling DID.
        (
            Unique,
            format!("INSERT INTO repos (did, root_cid, rev) VALUES ('{ALICE}', 'bafyx', '3kx')"),
        ),
        (
            ForeignKey,
            "INSERT INTO repos (did, root_cid, rev) VALUES ('did:plc:ghost', 'bafyx', '3kx')"
                .into(),
        ),
        // repo_blocks: duplicate (repo_did, cid); dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO repo_blocks (repo_did, cid, bytes, size) \
                 VALUES ('{ALICE}', 'bafy1', {b}, 5)"
            ),
        ),
        (
            ForeignKey,
            format!(
                "INSERT INTO repo_blocks (repo_did, cid, bytes, size) \
                 VALUES ('did:plc:ghost', 'bafy9', {b}, 5)"
            ),
        ),
        // refresh_tokens: duplicate jti; dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO refresh_tokens (jti, did, expires_at) \
                 VALUES ('jti-alice', '{BOB}', CURRENT_TIMESTAMP)"
            ),
        ),
        (
            ForeignKey,
            "INSERT INTO refresh_tokens (jti, did, expires_at) \
             VALUES ('jti-x', 'did:plc:ghost', CURRENT_TIMESTAMP)"
                .into(),
        ),
        // plc_operations: duplicate (did, seq); dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO plc_operations (did, cid, operation, seq) \
                 VALUES ('{ALICE}', 'bafyop9', {b}, 1)"
            ),
        ),
        (
            ForeignKey,
            format!(
                "INSERT INTO plc_operations (did, cid, operation, seq) \
                 VALUES ('did:plc:ghost', 'bafyop9', {b}, 0)"
            ),
        ),
        // records: duplicate URI; duplicate (did, collection, rkey); dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO records (uri, cid, did, collection, rkey) VALUES \
                 ('at://{ALICE}/app.bsky.feed.post/1', 'bafyx', '{ALICE}', 'app.bsky.feed.post', '2')"
            ),
        ),
        (
            Unique,
            format!(
                "INSERT INTO records (uri, cid, did, collection, rkey) VALUES \
                 ('at://other', 'bafyx', '{ALICE}', 'app.bsky.feed.post', '1')"
            ),
        ),
        (
            ForeignKey,
            "INSERT INTO records (uri, cid, did, collection, rkey) VALUES \
             ('at://ghost', 'bafyx', 'did:plc:ghost', 'app.bsky.feed.post', '1')"
                .into(),
        ),
        // blobs: duplicate (did, cid); dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO blobs (did, cid, mime_type, size) \
                 VALUES ('{ALICE}', 'bafyblob', 'image/jpeg', 1)"
            ),
        ),
        (
            ForeignKey,
            "INSERT INTO blobs (did, cid, mime_type, size) \
             VALUES ('did:plc:ghost', 'bafyblob', 'image/jpeg', 1)"
                .into(),
        ),
        // record_blobs: duplicate (blob_cid, record_uri); dangling record; dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO record_blobs (blob_cid, record_uri, did) VALUES \
                 ('bafyblob', 'at://{ALICE}/app.bsky.feed.post/1', '{ALICE}')"
            ),
        ),
        (
            ForeignKey,
            format!(
                "INSERT INTO record_blobs (blob_cid, record_uri, did) \
                 VALUES ('bafyblob', 'at://nowhere', '{ALICE}')"
            ),
        ),
        (
            ForeignKey,
            format!(
                "INSERT INTO record_blobs (blob_cid, record_uri, did) VALUES \
                 ('bafyother', 'at://{ALICE}/app.bsky.feed.post/1', 'did:plc:ghost')"
            ),
        ),
        // repo_seq: an event type outside the enum.
        (
            Check,
            format!(
                "INSERT INTO repo_seq (did, event_type, event) VALUES ('{ALICE}', 'commit', {b})"
            ),
        ),
        // app_passwords: duplicate (did, name); dangling DID.
        (
            Unique,
            format!(
                "INSERT INTO app_passwords (did, name, password_scrypt) \
                 VALUES ('{ALICE}', 'phone', 'x')"
            ),
        ),
        (
            ForeignKey,
            "INSERT INTO app_passwords (did, name, password_scrypt) \
             VALUES ('did:plc:ghost', 'phone', 'x')"
                .into(),
        ),
        // NOT NULL bites too.
        (
            NotNull,
            "INSERT INTO repos (did, rev) VALUES ('did:plc:carol', '3kx')".into(),
        ),
    ];
    for (violation, sql) in &rejected {
        let err = expect_rejected(conn, sql).await;
        assert_eq!(Violation::of(&err), Some(*violation), "{sql}: {err}");
    }
    assert_eq!(counts(&db).await, before, "no rejected row was stored");

    // The same values are fine where the constraints do not apply.
    conn.execute_unprepared(&account_sql(
        "did:plc:carol",
        "carol.test",
        "carol@example.com",
        Some("deactivated"),
    ))
    .await
    .unwrap();
    conn.execute_unprepared(&format!(
        "INSERT INTO repo_seq (did, event_type, event) VALUES ('did:plc:gone', 'tombstone', {b})"
    ))
    .await
    .unwrap();
    assert_eq!(count(conn, "accounts").await, 3);
    assert_eq!(count(conn, "repo_seq").await, 3, "the log takes any DID");
}

#[tokio::test]
async fn byte_columns_are_binary_on_the_backend() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    for (table, col) in [
        ("repo_blocks", "bytes"),
        ("plc_operations", "operation"),
        ("repo_seq", "event"),
    ] {
        let sql = match db.backend() {
            sea_orm::DbBackend::Postgres => format!(
                "SELECT data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}' \
                 AND column_name = '{col}'"
            ),
            _ => format!("SELECT type FROM pragma_table_info('{table}') WHERE name = '{col}'"),
        };
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(db.backend(), sql))
            .await
            .unwrap()
            .unwrap();
        let ty: String = row.try_get_by_index(0).unwrap();
        let want = match db.backend() {
            sea_orm::DbBackend::Postgres => "bytea",
            _ => "blob",
        };
        assert_eq!(ty.to_lowercase(), want, "{table}.{col}");
    }
}

#[tokio::test]
async fn seed_defaults_apply() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    two_populated_accounts(&db).await;
    let alice = accounts::Entity::find_by_id(ALICE)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(alice.status, AccountStatus::Active);
    assert!((Utc::now() - alice.created_at).num_seconds().abs() < 120);
    let pw = app_passwords::Entity::find_by_id((ALICE.to_owned(), "phone".to_owned()))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!(!pw.privileged);
    let events = repo_seq::Entity::find().all(conn).await.unwrap();
    assert_eq!(events.len(), 2);
    assert!(events[0].seq < events[1].seq, "seq auto-increments");
    assert!(events.iter().all(|e| !e.invalidated));
    assert_eq!(
        events[0].event, NOT_UTF8,
        "raw binary literal reads back as bytes"
    );
}

#[tokio::test]
async fn deleting_an_account_cascades_to_everything_it_owns() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    two_populated_accounts(&db).await;
    let alice = accounts::Entity::find_by_id(ALICE)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    alice.delete(conn).await.unwrap();
    assert_eq!(
        counts(&db).await,
        vec![
            ("accounts", 1),
            ("repos", 1),
            ("repo_blocks", 2),
            ("refresh_tokens", 1),
            ("plc_operations", 2),
            ("records", 1),
            ("blobs", 1),
            ("record_blobs", 1),
            ("repo_seq", 2),
            ("app_passwords", 1),
        ],
        "bob's rows and the whole sequencer log stay"
    );
    for (table, col) in [
        ("repos", "did"),
        ("repo_blocks", "repo_did"),
        ("refresh_tokens", "did"),
        ("plc_operations", "did"),
        ("records", "did"),
        ("blobs", "did"),
        ("record_blobs", "did"),
        ("app_passwords", "did"),
    ] {
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                format!("SELECT COUNT(*) FROM {table} WHERE {col} = '{BOB}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get_by_index(0).unwrap();
        assert!(n >= 1, "bob keeps his {table}");
    }
}

#[tokio::test]
async fn deleting_a_record_cascades_to_its_blob_references() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    two_populated_accounts(&db).await;
    let uri = format!("at://{ALICE}/app.bsky.feed.post/1");
    let record = records::Entity::find_by_id(uri)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    record.delete(conn).await.unwrap();
    assert_eq!(count(conn, "records").await, 1);
    assert_eq!(
        count(conn, "record_blobs").await,
        1,
        "bob's reference stays"
    );
    assert_eq!(
        count(conn, "blobs").await,
        2,
        "the blob itself stays (GC's job)"
    );
}

#[tokio::test]
async fn every_table_round_trips_through_its_entity() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 45).unwrap();

    let account = accounts::Model {
        did: ALICE.into(),
        handle: "alice.test".into(),
        email: "alice@example.com".into(),
        password_hash: "$scrypt$1$salt$hash".into(),
        signing_key_priv: "1f".repeat(32),
        signing_key_pub: "zQ3shSigningKey".into(),
        rotation_key_priv: "2e".repeat(32),
        rotation_key_pub: "zQ3shRotationKey".into(),
        status: AccountStatus::Takendown,
        created_at: t,
    };
    account
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        accounts::Entity::find_by_id(ALICE).one(conn).await.unwrap(),
        Some(account)
    );

    let repo = repos::Model {
        did: ALICE.into(),
        root_cid: "bafyreiroot".into(),
        rev: "3kabcdefghi22".into(),
        created_at: t,
    };
    repo.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        repos::Entity::find_by_id(ALICE).one(conn).await.unwrap(),
        Some(repo)
    );

    let block = repo_blocks::Model {
        repo_did: ALICE.into(),
        cid: "bafyreiblock".into(),
        bytes: NOT_UTF8.to_vec(),
        size: NOT_UTF8.len() as i32,
        created_at: t,
    };
    block
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        repo_blocks::Entity::find_by_id((ALICE.to_owned(), "bafyreiblock".to_owned()))
            .one(conn)
            .await
            .unwrap(),
        Some(block)
    );

    let token = refresh_tokens::Model {
        jti: "jti-1".into(),
        did: ALICE.into(),
        expires_at: t + chrono::Duration::days(90),
        app_password_name: Some("phone".into()),
        created_at: t,
    };
    token
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        refresh_tokens::Entity::find_by_id("jti-1")
            .one(conn)
            .await
            .unwrap(),
        Some(token)
    );

    let op = plc_operations::Model {
        did: ALICE.into(),
        seq: 0,
        cid: "bafyreiop".into(),
        operation: NOT_UTF8.to_vec(),
        created_at: t,
    };
    op.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        plc_operations::Entity::find_by_id((ALICE.to_owned(), 0))
            .one(conn)
            .await
            .unwrap(),
        Some(op)
    );

    let uri = format!("at://{ALICE}/app.bsky.feed.post/3kpost");
    let record = records::Model {
        uri: uri.clone(),
        cid: "bafyreirecord".into(),
        did: ALICE.into(),
        collection: "app.bsky.feed.post".into(),
        rkey: "3kpost".into(),
        repo_rev: Some("3kabcdefghi22".into()),
        indexed_at: t,
        takedown_ref: Some("mod-action-1".into()),
    };
    record
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        records::Entity::find_by_id(uri.clone())
            .one(conn)
            .await
            .unwrap(),
        Some(record)
    );

    let blob = blobs::Model {
        did: ALICE.into(),
        cid: "bafkreiblob".into(),
        mime_type: "image/png".into(),
        size: 5_000_000_000,
        temp_key: Some("tmp-abc".into()),
        width: Some(1920),
        height: Some(1080),
        created_at: t,
        takedown_ref: Some("mod-action-2".into()),
    };
    blob.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        blobs::Entity::find_by_id((ALICE.to_owned(), "bafkreiblob".to_owned()))
            .one(conn)
            .await
            .unwrap(),
        Some(blob)
    );

    let reference = record_blobs::Model {
        blob_cid: "bafkreiblob".into(),
        record_uri: uri.clone(),
        did: ALICE.into(),
    };
    reference
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        record_blobs::Entity::find_by_id(("bafkreiblob".to_owned(), uri))
            .one(conn)
            .await
            .unwrap(),
        Some(reference)
    );

    let event = repo_seq::Model {
        seq: 42,
        did: ALICE.into(),
        event_type: RepoSeqEventType::Identity,
        event: NOT_UTF8.to_vec(),
        invalidated: true,
        sequenced_at: t,
    };
    event
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        repo_seq::Entity::find_by_id(42).one(conn).await.unwrap(),
        Some(event)
    );

    let app_password = app_passwords::Model {
        did: ALICE.into(),
        name: "phone".into(),
        password_scrypt: "$scrypt$1$salt$hash".into(),
        privileged: true,
        created_at: t,
    };
    app_password
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        app_passwords::Entity::find_by_id((ALICE.to_owned(), "phone".to_owned()))
            .one(conn)
            .await
            .unwrap(),
        Some(app_password)
    );
}

#[tokio::test]
async fn every_enum_value_round_trips() {
    use sea_orm::Iterable;
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    for (i, status) in AccountStatus::iter().enumerate() {
        conn.execute_unprepared(&account_sql(
            &format!("did:plc:{i}"),
            &format!("h{i}.test"),
            &format!("{i}@example.com"),
            None,
        ))
        .await
        .unwrap();
        let mut am = accounts::Entity::find_by_id(format!("did:plc:{i}"))
            .one(conn)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        am.status = sea_orm::Set(status);
        let saved = am.update(conn).await.unwrap();
        assert_eq!(saved.status, status);
    }
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    for (i, event_type) in RepoSeqEventType::iter().enumerate() {
        let seq = i as i64 + 1;
        let event = repo_seq::Model {
            seq,
            did: "did:plc:any".into(),
            event_type,
            event: vec![],
            invalidated: false,
            sequenced_at: t,
        };
        event
            .clone()
            .into_active_model()
            .insert(conn)
            .await
            .unwrap();
        assert_eq!(
            repo_seq::Entity::find_by_id(seq).one(conn).await.unwrap(),
            Some(event)
        );
    }
}

#[tokio::test]
async fn relations_load_in_both_directions() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Pds);
    two_populated_accounts(&db).await;
    let alice = accounts::Entity::find_by_id(ALICE)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let repo = alice
        .find_related(repos::Entity)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(repo.did, ALICE);
    assert_eq!(
        alice
            .find_related(repo_blocks::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        alice
            .find_related(plc_operations::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        alice
            .find_related(refresh_tokens::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .find_related(records::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .find_related(blobs::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .find_related(record_blobs::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .find_related(app_passwords::Entity)
            .all(conn)
            .await
            .unwrap()
            .len(),
        1
    );
    let owner = repo
        .find_related(accounts::Entity)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.did, ALICE);
    let record = alice
        .find_related(records::Entity)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let refs = record
        .find_related(record_blobs::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(refs.len(), 1);
    let back = refs[0]
        .find_related(records::Entity)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.uri, record.uri);
}

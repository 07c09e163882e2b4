//! Storage wiring: domain isolation, SQLite file settings, PostgreSQL schemas.

use std::collections::BTreeSet;

use api::{Databases, DbConfig};
use entity::Domain;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::{TestDb, tables};

async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
        .unwrap()
}

#[tokio::test]
async fn each_domain_sees_only_its_own_tables() {
    let db = TestDb::migrated().await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for domain in Domain::ALL {
        let own = tables(db.get(domain)).await;
        assert!(!own.is_empty(), "{domain} has tables");
        if domain == Domain::Orquestra {
            assert!(own.contains("projects"));
        }
        // Table names may repeat across domains (`users`), so compare whole sets.
        seen.insert(format!("{domain}:{own:?}"));
    }
    assert_eq!(seen.len(), 5);
    assert!(!tables(db.get(Domain::Atrarium)).await.contains("projects"));
    assert!(
        !tables(db.get(Domain::Orquestra))
            .await
            .contains("communities")
    );
}

#[tokio::test]
async fn postgres_puts_each_domain_in_its_own_schema() {
    let db = TestDb::migrated().await;
    if db.backend() != DbBackend::Postgres {
        // SQLite: a separate database per domain is proven by the isolation test.
        return;
    }
    for domain in Domain::ALL {
        assert_eq!(
            scalar(db.get(domain), "SELECT current_schema()::text").await,
            domain.name()
        );
    }
}

#[tokio::test]
async fn sqlite_files_are_configured_for_real_use() {
    // Always SQLite files, whatever backend the suite runs on: this is their settings.
    let dir = std::env::temp_dir().join(format!("mosaic-test-{}", uuid::Uuid::new_v4()));
    let dbs = Databases::connect(&DbConfig::sqlite_dir(&dir))
        .await
        .unwrap();
    for domain in Domain::ALL {
        assert!(
            dir.join(format!("{}.db", domain.name())).exists(),
            "{domain} file"
        );
        let conn = dbs.get(domain);
        assert_eq!(scalar(conn, "PRAGMA journal_mode").await, "wal");
        assert_eq!(scalar(conn, "PRAGMA foreign_keys").await, "1");
        assert_eq!(scalar(conn, "PRAGMA synchronous").await, "1", "NORMAL");
        // The busy timeout is the acquire timeout: how long a request waits for the
        // database before answering SERVICE_UNAVAILABLE.
        assert_eq!(
            scalar(conn, "PRAGMA busy_timeout").await,
            api::db::DEFAULT_ACQUIRE_TIMEOUT.as_millis().to_string()
        );
    }
    dbs.migrate_up().await.unwrap();
    assert!(tables(dbs.orquestra()).await.contains("projects"));
    dbs.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_domain_can_be_overridden_to_its_own_file() {
    let dir = std::env::temp_dir().join(format!("mosaic-test-{}", uuid::Uuid::new_v4()));
    let mut config = DbConfig::sqlite_dir(dir.join("shared"));
    let pds_file = dir.join("elsewhere").join("pds-own.sqlite");
    config
        .overrides
        .insert(Domain::Pds, format!("sqlite://{}", pds_file.display()));
    let dbs = Databases::connect(&config).await.unwrap();
    assert!(pds_file.exists());
    assert!(!dir.join("shared").join("pds.db").exists());
    assert!(dir.join("shared").join("bellamy.db").exists());
    dbs.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unsupported_urls_are_refused_with_a_clear_error() {
    let err = Databases::connect(&DbConfig::url("mysql://root:hunter2@db/x"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported database URL"), "{err}");
    assert!(!err.contains("hunter2"), "password redacted: {err}");
}

#[tokio::test]
async fn database_defaults_and_application_timestamps_compare_correctly() {
    use entity::orquestra::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    // On SQLite times are text: a default written in another format than the
    // application's would sort and compare wrongly against application-written times.
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Orquestra);
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    for (id, t) in [("old", yesterday), ("future", tomorrow)] {
        conn.execute_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            match conn.get_database_backend() {
                DbBackend::Postgres => {
                    "INSERT INTO users (id, github_id, username, email, created_at) VALUES ($1, $2, $1, $1, $3)"
                }
                _ => "INSERT INTO users (id, github_id, username, email, created_at) VALUES (?, ?, ?, ?, ?)",
            },
            match conn.get_database_backend() {
                DbBackend::Postgres => vec![id.into(), (id.len() as i64).into(), t.into()],
                _ => vec![id.into(), (id.len() as i64).into(), id.into(), id.into(), t.into()],
            },
        ))
        .await
        .unwrap();
    }
    conn.execute_unprepared(
        "INSERT INTO users (id, github_id, username, email) VALUES ('now', 99, 'now', 'now')",
    )
    .await
    .unwrap();
    let order: Vec<String> = users::Entity::find()
        .order_by_asc(users::Column::CreatedAt)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(order, ["old", "now", "future"]);
    let recent: Vec<String> = users::Entity::find()
        .filter(users::Column::CreatedAt.gt(chrono::Utc::now() - chrono::Duration::hours(1)))
        .filter(users::Column::CreatedAt.lt(tomorrow))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(recent, ["now"]);
}

/// The file-backed server (several pooled connections per SQLite file, WAL) takes 40
/// concurrent writes without a single "database is locked".
#[tokio::test]
async fn file_backed_storage_takes_concurrent_writes() {
    let app = std::sync::Arc::new(crate::helpers::TestApp::spawn_on_files().await);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = std::sync::Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            app.graphql(
                "mutation($c: String) { universeConnect(clientInfo: $c) { identity } }",
                serde_json::json!({ "c": format!("client-{i}") }),
            )
            .await
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.get("errors"), None, "{res}");
        assert_eq!(
            res["data"]["universeConnect"]["identity"]
                .as_str()
                .map(str::len),
            Some(64)
        );
    }
    assert_eq!(
        crate::helpers::count(app.db.get(Domain::Universe), "client_connection").await,
        40
    );
}

/// `record` numbers a write's changes in its insert: one head for every row, so several
/// changes get consecutive numbers, in order, right after the last write's.
#[tokio::test]
async fn record_numbers_many_changes_in_one_statement_consecutively() {
    use api::events::{Change, log};
    use entity::change_log;
    use sea_orm::{EntityTrait, QueryOrder};

    let db = TestDb::migrated_files().await;
    let store = db.dbs.store(Domain::Bellamy);
    let mut seqs = Vec::new();
    for n in [1usize, 3, 2] {
        let written = store
            .transaction(move |txn| {
                Box::pin(async move {
                    let changes = (0..n)
                        .map(|i| {
                            Change::new(format!("t:{n}"), "test.kind", format!("{n}.{i}"))
                                .with(serde_json::json!({ "i": i }))
                        })
                        .collect();
                    Ok(log::record(txn, Domain::Bellamy, Some("actor"), changes).await?)
                })
            })
            .await
            .unwrap();
        seqs.push(written.iter().map(|r| r.seq).collect::<Vec<_>>());
    }
    assert_eq!(seqs, [vec![1], vec![2, 3, 4], vec![5, 6]]);
    let stored: Vec<(i64, String, serde_json::Value, Option<String>)> = change_log::Entity::find()
        .order_by_asc(change_log::Column::Seq)
        .all(db.get(Domain::Bellamy))
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.seq, r.subject, r.data, r.actor))
        .collect();
    let expected: Vec<(i64, String, serde_json::Value, Option<String>)> = [
        (1, "1.0", 0),
        (2, "3.0", 0),
        (3, "3.1", 1),
        (4, "3.2", 2),
        (5, "2.0", 0),
        (6, "2.1", 1),
    ]
    .into_iter()
    .map(|(seq, subject, i)| {
        (
            seq,
            subject.to_owned(),
            serde_json::json!({ "i": i }),
            Some("actor".to_owned()),
        )
    })
    .collect();
    assert_eq!(stored, expected);
}

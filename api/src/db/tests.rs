//! Unit tests of the storage wiring.

use std::sync::atomic::Ordering;

use sea_orm::ConnectionTrait;

use super::pool::*;
use super::*;

#[test]
fn connections_idle_long_or_through_a_failure_are_tested_before_use() {
    let failures = Failures::new();
    let short = Duration::from_millis(50);
    assert!(!failures.suspect(short), "a hot connection is trusted");
    assert!(failures.suspect(PING_IF_IDLE), "a long idle one is tested");
    std::thread::sleep(Duration::from_millis(20));
    failures.failed();
    assert!(
        failures.suspect(short),
        "idle since before the failure: tested"
    );
    std::thread::sleep(Duration::from_millis(20));
    assert!(
        !failures.suspect(Duration::from_millis(5)),
        "returned after the failure: trusted"
    );
}

/// Continuous overlapping reads and 48 MB of writes over ~4 s: the log stays near its
/// limit (without the checkpointer it grows with every write).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_write_ahead_log_stays_bounded_under_continuous_reads() {
    let dir = std::env::temp_dir().join(format!("mosaic-wal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dbs = Databases::connect(&DbConfig::sqlite_dir(&dir))
        .await
        .unwrap();
    let db = dbs.orquestra().clone();
    db.execute_unprepared("CREATE TABLE filler (id INTEGER PRIMARY KEY, b BLOB)")
        .await
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        readers.push(tokio::spawn(async move {
            use sea_orm::TransactionTrait;
            while !stop.load(Ordering::Relaxed) {
                let txn = db.begin().await.unwrap();
                txn.execute_unprepared("SELECT count(*) FROM filler")
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(3)).await;
                txn.commit().await.unwrap();
            }
        }));
    }
    let store = dbs.store(Domain::Orquestra);
    let wal = dir.join("orquestra.db-wal");
    let mut largest = 0;
    for _ in 0..1_200 {
        store
            .transaction(|txn| {
                Box::pin(async move {
                    txn.execute_unprepared("INSERT INTO filler (b) VALUES (randomblob(40000))")
                        .await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        // At most ~13 MB/s of writes: the checkpointer looks every 500 ms, so on a fast,
        // quiet machine unpaced writes could add more than the bound's 12 MB between two
        // looks (seen in CI once: 35 MB). Paced, the log still gets 48 MB without it.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    dbs.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        largest <= WAL_LIMIT + 12 * 1024 * 1024,
        "the log grew to {largest} bytes"
    );
}

#[test]
fn shared_sqlite_url_names_a_directory() {
    let cfg = DbConfig::url("sqlite://var/lib/mosaic");
    assert_eq!(
        cfg.target(Domain::Pds).ok(),
        Some(Target::SqliteFile(PathBuf::from("var/lib/mosaic/pds.db")))
    );
}

#[test]
fn override_names_the_file() {
    let mut cfg = DbConfig::sqlite_dir("data");
    cfg.overrides
        .insert(Domain::Pds, "sqlite:///srv/pds.sqlite".to_owned());
    assert_eq!(
        cfg.target(Domain::Pds).ok(),
        Some(Target::SqliteFile(PathBuf::from("/srv/pds.sqlite")))
    );
    assert_eq!(
        cfg.target(Domain::Bellamy).ok(),
        Some(Target::SqliteFile(PathBuf::from("data/bellamy.db")))
    );
}

#[test]
fn memory_and_postgres_and_garbage() {
    assert_eq!(
        DbConfig::url("sqlite::memory:")
            .target(Domain::Atrarium)
            .ok(),
        Some(Target::SqliteMemory)
    );
    assert_eq!(
        DbConfig::url("postgres://u@h/db")
            .target(Domain::Atrarium)
            .ok(),
        Some(Target::Postgres("postgres://u@h/db".to_owned()))
    );
    assert!(matches!(
        DbConfig::url("mysql://x").target(Domain::Atrarium),
        Err(DbError::UnsupportedUrl(_))
    ));
}

/// sqlx closes a connection whose query future is dropped mid-statement; the pool then
/// opens a new one. An in-memory database must still hold its data afterwards.
#[tokio::test]
async fn in_memory_data_outlives_a_closed_connection() -> Result<(), Box<dyn std::error::Error>> {
    let config = DbConfig::url("sqlite::memory:");
    let (pool, anchor) = connect_domain(&config, Domain::Atrarium, &Failures::new()).await?;
    assert!(anchor.is_some());
    pool.execute_unprepared("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)")
        .await?;
    pool.get_sqlite_connection_pool()
        .acquire()
        .await?
        .close()
        .await?;
    let row = pool
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT x FROM t",
        ))
        .await?
        .ok_or("no row")?;
    assert_eq!(row.try_get::<i64>("", "x")?, 7);
    // Two pools are two databases.
    let (other, _anchor) = connect_domain(&config, Domain::Atrarium, &Failures::new()).await?;
    assert!(other.execute_unprepared("SELECT x FROM t").await.is_err());
    Ok(())
}

#[test]
fn redacts_passwords() {
    assert_eq!(
        redact("postgres://me:secret@db:5432/x"),
        "postgres://me:***@db:5432/x"
    );
    assert_eq!(redact("postgres://me@db/x"), "postgres://me@db/x");
}

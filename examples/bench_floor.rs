//! The bare-SQL floor of `bench/run` (see BENCHMARKS.md): an HTTP server answering the
//! benchmark's read workloads with the SQL statements Mosaic issues for them (same
//! shape: `LIMIT n+1`, one windowed `ROW_NUMBER()` statement per nested level, one
//! `GROUP BY` per `totalCount` level, the feed's keyset page, the history's recursive
//! walk; only the columns the query shows), serialised straight to JSON. No GraphQL, no
//! ORM: what the database and the HTTP stack alone cost.
//!
//! `DATABASE_URL=postgres://…/db PORT=8091 bench_floor`; routes `POST /typename`,
//! `/point`, `/nested`, `/nested_count`, `/feed`, `/history`, each taking the same body
//! as Mosaic (`{"query": …, "variables": {…}}`; only the variables are read). `/feed`
//! reads and writes Mosaic's cursors (base64url of `{"l": list, "k": [keys]}`), so the
//! benchmark pages through a feed with the same bodies on both.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sqlx::postgres::{PgArguments, PgPoolOptions};
use sea_orm::sqlx::{self, Arguments, PgPool, Row};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    variables: serde_json::Map<String, serde_json::Value>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8091);
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET search_path TO orquestra")
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    let app = Router::new()
        .route("/typename", post(typename))
        .route("/point", post(point))
        .route("/nested", post(nested))
        .route("/nested_count", post(nested_count))
        .route("/feed", post(feed))
        .route("/history", post(history))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

fn fail(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("{{\"errors\":[{{\"message\":{:?}}}]}}", e.to_string()),
    )
        .into_response()
}

fn json(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn typename() -> Response {
    json(r#"{"data":{"__typename":"Query"}}"#.to_owned())
}

#[derive(Serialize)]
struct User {
    id: String,
    username: String,
}

/// `orquestraUser(username: $username) { id username }`: one statement.
async fn point(State(pool): State<PgPool>, Json(body): Json<Body>) -> Response {
    let Some(username) = body.variables.get("username").and_then(|v| v.as_str()) else {
        return fail("variable username missing");
    };
    let row = sqlx::query("SELECT id, username FROM users WHERE username = $1 LIMIT 1")
        .bind(username)
        .fetch_optional(&pool)
        .await;
    match row {
        Ok(row) => {
            let user = row.map(|r| User {
                id: r.get(0),
                username: r.get(1),
            });
            match serde_json::to_string(&user) {
                Ok(u) => json(format!(r#"{{"data":{{"orquestraUser":{u}}}}}"#)),
                Err(e) => fail(e),
            }
        }
        Err(e) => fail(e),
    }
}

async fn nested(State(pool): State<PgPool>) -> Response {
    match tree(&pool, false).await {
        Ok(body) => json(body),
        Err(e) => fail(e),
    }
}

async fn nested_count(State(pool): State<PgPool>) -> Response {
    match tree(&pool, true).await {
        Ok(body) => json(body),
        Err(e) => fail(e),
    }
}

/// `$1, $2, …` for `n` values after `from` parameters.
fn placeholders(from: usize, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "${}", from + i + 1);
    }
    s
}

fn args(first: Option<bool>, keys: &[String]) -> Result<PgArguments, sqlx::error::BoxDynError> {
    let mut a = PgArguments::default();
    if let Some(b) = first {
        a.add(b)?;
    }
    for k in keys {
        a.add(k.as_str())?;
    }
    Ok(a)
}

/// Counts per parent: `SELECT parent, COUNT(id) … GROUP BY parent`.
async fn counts(
    pool: &PgPool,
    sql: String,
    public: Option<bool>,
    keys: &[String],
) -> Result<std::collections::HashMap<String, i64>, Box<dyn std::error::Error + Send + Sync>> {
    let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), args(public, keys)?)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

fn iso(t: Option<DateTime<Utc>>) -> serde_json::Value {
    t.map_or(serde_json::Value::Null, |t| {
        serde_json::Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    })
}

/// 10 users → each one's first 10 public projects → each project's first 5 IDL versions,
/// all by primary key: 3 statements (6 with `totalCount` at each level).
async fn tree(
    pool: &PgPool,
    with_counts: bool,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    use serde_json::{Value, json};
    let users = sqlx::query("SELECT id, username FROM users ORDER BY id ASC LIMIT 11")
        .fetch_all(pool)
        .await?;
    let users: Vec<(String, String)> = users
        .iter()
        .take(10)
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let user_ids: Vec<String> = users.iter().map(|u| u.0.clone()).collect();
    let sql = format!(
        "SELECT * FROM (SELECT id, name, program_id, user_id, ROW_NUMBER() OVER \
         (PARTITION BY user_id ORDER BY id ASC) AS __rn FROM projects WHERE is_public = $1 \
         AND user_id IN ({})) AS __page WHERE __rn <= 11 ORDER BY __rn ASC",
        placeholders(1, user_ids.len())
    );
    let projects = sqlx::query_with(sqlx::AssertSqlSafe(sql), args(Some(true), &user_ids)?)
        .fetch_all(pool)
        .await?;
    let mut by_user: std::collections::HashMap<String, Vec<(String, String, String)>> =
        Default::default();
    for r in &projects {
        let list = by_user.entry(r.get(3)).or_default();
        if list.len() < 10 {
            list.push((r.get(0), r.get(1), r.get(2)));
        }
    }
    let project_ids: Vec<String> = by_user
        .values()
        .flat_map(|ps| ps.iter().map(|p| p.0.clone()))
        .collect();
    let sql = format!(
        "SELECT * FROM (SELECT id, version, created_at, project_id, ROW_NUMBER() OVER \
         (PARTITION BY project_id ORDER BY id ASC) AS __rn FROM idl_versions WHERE \
         project_id IN ({})) AS __page WHERE __rn <= 6 ORDER BY __rn ASC",
        placeholders(0, project_ids.len())
    );
    let versions = if project_ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args(None, &project_ids)?)
            .fetch_all(pool)
            .await?
    };
    let mut by_project: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for r in &versions {
        let list = by_project.entry(r.get(3)).or_default();
        if list.len() < 5 {
            let id: String = r.get(0);
            let version: i32 = r.get(1);
            list.push(json!({"id": id, "version": version, "createdAt": iso(r.get(2))}));
        }
    }
    let (total_users, project_counts, version_counts) = if with_counts {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await?
            .get(0);
        let pc = counts(
            pool,
            format!(
                "SELECT user_id, COUNT(id) FROM projects WHERE is_public = $1 AND user_id \
                 IN ({}) GROUP BY user_id",
                placeholders(1, user_ids.len())
            ),
            Some(true),
            &user_ids,
        )
        .await?;
        let vc = if project_ids.is_empty() {
            Default::default()
        } else {
            counts(
                pool,
                format!(
                    "SELECT project_id, COUNT(id) FROM idl_versions WHERE project_id IN ({}) \
                     GROUP BY project_id",
                    placeholders(0, project_ids.len())
                ),
                None,
                &project_ids,
            )
            .await?
        };
        (Some(total), Some(pc), Some(vc))
    } else {
        (None, None, None)
    };
    let nodes: Vec<Value> = users
        .into_iter()
        .map(|(id, username)| {
            let projects: Vec<Value> = by_user
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|(pid, name, program_id)| {
                    let versions = by_project.remove(&pid).unwrap_or_default();
                    let mut conn = json!({"nodes": versions});
                    if let Some(vc) = &version_counts {
                        conn["totalCount"] = json!(vc.get(&pid).copied().unwrap_or(0));
                    }
                    json!({"id": pid, "name": name, "programId": program_id, "idlVersions": conn})
                })
                .collect();
            let mut conn = json!({"nodes": projects});
            if let Some(pc) = &project_counts {
                conn["totalCount"] = json!(pc.get(&id).copied().unwrap_or(0));
            }
            json!({"id": id, "username": username, "projects": conn})
        })
        .collect();
    let mut users = json!({ "nodes": nodes });
    if let Some(n) = total_users {
        users["totalCount"] = json!(n);
    }
    Ok(serde_json::to_string(
        &json!({"data": {"orquestraUsers": users}}),
    )?)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Mosaic's cursor: the list's name and the sort-key values of one row.
#[derive(Deserialize, Serialize)]
struct Cursor {
    l: String,
    k: Vec<CursorKey>,
}

/// One sort-key value of a cursor (the feed's are integers).
#[derive(Deserialize, Serialize)]
enum CursorKey {
    #[serde(rename = "i")]
    Int(i64),
}

/// `atrariumFeedSkeleton(feedUri: $feed, first: 100, after: $after) { cursor feed { post } }`:
/// two statements, the feed by its URI, then a keyset page of its posts, newest first.
async fn feed(State(pool): State<PgPool>, Json(body): Json<Body>) -> Response {
    match feed_page(&pool, &body).await {
        Ok(body) => json(body),
        Err(e) => fail(e),
    }
}

async fn feed_page(pool: &PgPool, body: &Body) -> Result<String, BoxError> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    const FIRST: i64 = 100;
    let uri = body
        .variables
        .get("feed")
        .and_then(|v| v.as_str())
        .ok_or("variable feed missing")?;
    let after = match body.variables.get("after").and_then(|v| v.as_str()) {
        Some(c) => {
            let cursor: Cursor = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c)?)?;
            match cursor.k.as_slice() {
                [CursorKey::Int(at), CursorKey::Int(id)] => Some((*at, *id)),
                _ => return Err("not a feed cursor".into()),
            }
        }
        None => None,
    };
    let feed_id: i64 =
        sqlx::query("SELECT id FROM atrarium.theme_feeds WHERE feed_uri = $1 LIMIT 1")
            .bind(uri)
            .fetch_optional(pool)
            .await?
            .ok_or("no such feed")?
            .get(0);
    let rows = match after {
        None => {
            sqlx::query(
                "SELECT id, uri, created_at FROM atrarium.post_index WHERE feed_id = $1 \
                 ORDER BY created_at DESC, id DESC LIMIT 101",
            )
            .bind(feed_id)
            .fetch_all(pool)
            .await?
        }
        Some((at, id)) => {
            sqlx::query(
                "SELECT id, uri, created_at FROM atrarium.post_index WHERE feed_id = $1 \
                 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
                 ORDER BY created_at DESC, id DESC LIMIT 101",
            )
            .bind(feed_id)
            .bind(at)
            .bind(id)
            .fetch_all(pool)
            .await?
        }
    };
    let more = rows.len() as i64 > FIRST;
    let mut out = String::from(r#"{"data":{"atrariumFeedSkeleton":{"cursor":"#);
    let shown = &rows[..rows.len().min(FIRST as usize)];
    match shown.last().filter(|_| more) {
        Some(last) => {
            let cursor = Cursor {
                l: format!("atrarium.feed_skeleton.{feed_id}:created_at-:id-"),
                k: vec![CursorKey::Int(last.get(2)), CursorKey::Int(last.get(0))],
            };
            let _ = write!(
                out,
                "\"{}\"",
                URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor)?)
            );
        }
        None => out.push_str("null"),
    }
    out.push_str(r#","feed":["#);
    for (i, r) in shown.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let uri: &str = r.get(1);
        let _ = write!(out, r#"{{"post":{}}}"#, serde_json::to_string(uri)?);
    }
    out.push_str("]}}}");
    Ok(out)
}

/// `universeVersionHistory(versionId: $v, maxDepth: 1000) { versionId parentVersionId
/// timestamp }`: one recursive statement walking the parents, nearest first.
async fn history(State(pool): State<PgPool>, Json(body): Json<Body>) -> Response {
    match history_walk(&pool, &body).await {
        Ok(body) => json(body),
        Err(e) => fail(e),
    }
}

async fn history_walk(pool: &PgPool, body: &Body) -> Result<String, BoxError> {
    let start = body
        .variables
        .get("v")
        .and_then(|v| v.as_str())
        .ok_or("variable v missing")?;
    let rows = sqlx::query(
        "WITH RECURSIVE walk(version_id, parent_id, depth) AS (\
         SELECT version_id, parent_version_id, 0 FROM universe.state_version \
         WHERE version_id = $1 \
         UNION ALL \
         SELECT sv.version_id, sv.parent_version_id, w.depth + 1 \
         FROM walk w JOIN universe.state_version sv ON sv.version_id = w.parent_id \
         WHERE w.depth < $2) \
         SELECT sv.version_id, sv.parent_version_id, sv.timestamp FROM walk w \
         JOIN universe.state_version sv ON sv.version_id = w.version_id \
         ORDER BY w.depth, sv.timestamp, sv.version_id",
    )
    .bind(start)
    .bind(1000_i32)
    .fetch_all(pool)
    .await?;
    let mut out = String::from(r#"{"data":{"universeVersionHistory":["#);
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let id: &str = r.get(0);
        let parent: Option<&str> = r.get(1);
        let at: DateTime<Utc> = r.get(2);
        let _ = write!(
            out,
            r#"{{"versionId":{},"parentVersionId":{},"timestamp":{}}}"#,
            serde_json::to_string(id)?,
            serde_json::to_string(&parent)?,
            iso(Some(at))
        );
    }
    out.push_str("]}}");
    Ok(out)
}

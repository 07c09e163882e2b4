//! Orquestra's read access rules through HTTP: private projects (and their versions,
//! socials, known addresses) for their owner and their API key only, API key rows for the
//! owner only, email addresses for their user only; from the owner, from another
//! signed-in user, anonymously and with an `X-API-Key`. Lists and counts leave hidden rows
//! out; direct reads answer `FORBIDDEN`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::Domain;
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, as_user, errors, forbidden, request};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()
}

/// The id of `p2`'s API key: long enough for its prefix to be cut.
const LONG_KEY: &str = "k2-0123456789abcdef";

/// Who asks.
#[derive(Clone, Copy, Debug)]
enum Who<'a> {
    Anonymous,
    User(&'a str),
    Key(&'a str),
}

async fn ask(app: &TestApp, who: Who<'_>, query: &str) -> Value {
    match who {
        Who::Anonymous => request(app, None, None, query).await,
        Who::User(u) => as_user(app, u, query).await,
        Who::Key(k) => request(app, None, Some(k), query).await,
    }
}

/// Users `u1` and `u2`. `u1` owns public `p1` and private `p2`; `u2` owns public `q1`,
/// private `q2` and `q3` whose visibility is unset (public, the seed's default). Versions:
/// p1 v1-v2, p2 v1, q1 v1, q2 v1-v2. Socials of p2 and q1; known addresses a-p2-1,
/// a-p2-2 and a-q1-1; one API key per project but q3. Returns p2's plaintext key.
async fn fixture(app: &TestApp) -> String {
    let db = app.db.get(Domain::Orquestra);
    for (n, id) in ["u1", "u2"].iter().enumerate() {
        users::Model {
            id: (*id).to_owned(),
            github_id: n as i64 + 1,
            username: format!("user-{id}"),
            email: format!("{id}@example.com"),
            avatar_url: None,
            created_at: Some(t0()),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    let projects = [
        ("p1", "u1", Some(true)),
        ("p2", "u1", Some(false)),
        ("q1", "u2", Some(true)),
        ("q2", "u2", Some(false)),
        ("q3", "u2", None),
    ];
    for (n, (id, user, public)) in projects.iter().enumerate() {
        projects::Model {
            id: (*id).to_owned(),
            user_id: (*user).to_owned(),
            name: format!("Project {id}"),
            description: None,
            program_id: format!("Prog{id}"),
            is_public: *public,
            custom_docs: None,
            created_at: Some(t0() + Duration::hours(n as i64)),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for (project, versions) in [("p1", 2), ("p2", 1), ("q1", 1), ("q2", 2)] {
        for v in 1..=versions {
            idl_versions::Model {
                id: format!("{project}-v{v}"),
                project_id: project.to_owned(),
                idl_json: "{}".to_owned(),
                cpi_md: None,
                version: v,
                created_at: Some(t0()),
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
        }
    }
    for project in ["p2", "q1"] {
        project_socials::Model {
            id: format!("s-{project}"),
            project_id: project.to_owned(),
            twitter: Some(format!("https://x.com/{project}")),
            discord: None,
            telegram: None,
            github: None,
            website: None,
            created_at: Some(t0()),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for id in ["a-p2-1", "a-p2-2", "a-q1-1"] {
        known_addresses::Model {
            id: id.to_owned(),
            project_id: id[2..4].to_owned(),
            label: "Treasury".to_owned(),
            address: format!("Addr{id}"),
            description: None,
            created_at: Some(t0()),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    let mut p2_key = String::new();
    for (id, project) in [("k1", "p1"), (LONG_KEY, "p2"), ("k3", "q1"), ("k4", "q2")] {
        let (plain, hash) = api::orquestra::service::api_keys::new_key(id).unwrap();
        if project == "p2" {
            p2_key = plain;
        }
        api_keys::Model {
            id: id.to_owned(),
            project_id: project.to_owned(),
            key: hash,
            last_used: None,
            created_at: Some(t0()),
            expires_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    p2_key
}

/// Every list and count, reduced to ids and numbers.
const LISTS: &str = r#"{
    projects: orquestraProjects { totalCount nodes { id } }
    directory: orquestraPublicProjects { totalCount nodes { id } }
    u1: orquestraUser(id: "u1") { projectCount versionCount projects { totalCount nodes { id } } }
    u2: orquestraUser(id: "u2") { projectCount versionCount projects { totalCount nodes { id } } }
    versions: orquestraIdlVersions { totalCount nodes { id } }
    socials: orquestraAllProjectSocials { totalCount nodes { id } }
    addresses: orquestraKnownAddresses { totalCount nodes { id } }
    keys: orquestraApiKeys { totalCount nodes { id } }
}"#;

fn conn(ids: &[&str]) -> Value {
    json!({ "totalCount": ids.len(), "nodes": ids.iter().map(|i| json!({ "id": i })).collect::<Vec<_>>() })
}

fn user(projects: &[&str], versions: usize) -> Value {
    json!({ "projectCount": projects.len(), "versionCount": versions, "projects": conn(projects) })
}

#[tokio::test]
async fn private_projects_are_absent_from_every_list_and_count_for_others() {
    let app = TestApp::spawn().await;
    let key = fixture(&app).await;
    let cases = [
        (
            Who::Anonymous,
            json!({
                "projects": conn(&["p1", "q1", "q3"]),
                "directory": conn(&["q3", "q1", "p1"]),
                "u1": user(&["p1"], 2),
                "u2": user(&["q3", "q1"], 1),
                "versions": conn(&["p1-v1", "p1-v2", "q1-v1"]),
                "socials": conn(&["s-q1"]),
                "addresses": conn(&["a-q1-1"]),
                "keys": conn(&[]),
            }),
        ),
        (
            Who::User("u1"),
            json!({
                "projects": conn(&["p1", "p2", "q1", "q3"]),
                "directory": conn(&["q3", "q1", "p1"]),
                "u1": user(&["p2", "p1"], 3),
                "u2": user(&["q3", "q1"], 1),
                "versions": conn(&["p1-v1", "p1-v2", "p2-v1", "q1-v1"]),
                "socials": conn(&["s-p2", "s-q1"]),
                "addresses": conn(&["a-p2-1", "a-p2-2", "a-q1-1"]),
                "keys": conn(&["k1", LONG_KEY]),
            }),
        ),
        (
            Who::User("u2"),
            json!({
                "projects": conn(&["p1", "q1", "q2", "q3"]),
                "directory": conn(&["q3", "q1", "p1"]),
                "u1": user(&["p1"], 2),
                "u2": user(&["q3", "q2", "q1"], 3),
                "versions": conn(&["p1-v1", "p1-v2", "q1-v1", "q2-v1", "q2-v2"]),
                "socials": conn(&["s-q1"]),
                "addresses": conn(&["a-q1-1"]),
                "keys": conn(&["k3", "k4"]),
            }),
        ),
        // p2's API key reads p2 (not its keys, which are the owner's business).
        (
            Who::Key(&key),
            json!({
                "projects": conn(&["p1", "p2", "q1", "q3"]),
                "directory": conn(&["q3", "q1", "p1"]),
                "u1": user(&["p2", "p1"], 3),
                "u2": user(&["q3", "q1"], 1),
                "versions": conn(&["p1-v1", "p1-v2", "p2-v1", "q1-v1"]),
                "socials": conn(&["s-p2", "s-q1"]),
                "addresses": conn(&["a-p2-1", "a-p2-2", "a-q1-1"]),
                "keys": conn(&[]),
            }),
        ),
    ];
    for (who, expected) in cases {
        let res = ask(&app, who, LISTS).await;
        assert_eq!(res, json!({ "data": expected }), "{who:?}");
    }
}

#[tokio::test]
async fn pages_and_filters_never_reach_hidden_projects() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    // Page one by one through u2's projects as someone else: q2 is never a page.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let args = if after.is_empty() {
            "first: 1".to_owned()
        } else {
            format!(r#"first: 1, after: "{after}""#)
        };
        let res = as_user(
            &app,
            "u1",
            &format!(
                r#"{{ orquestraUser(id: "u2") {{ projects({args}, orderBy: {{field: NAME}}) {{
                    totalCount nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }} }}"#
            ),
        )
        .await;
        let page = &res["data"]["orquestraUser"]["projects"];
        assert_eq!(page["totalCount"], 2, "{res}");
        seen.push(page["nodes"][0]["id"].as_str().unwrap().to_owned());
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    }
    assert_eq!(seen, ["q1", "q3"]);
    // Filtering on the visibility flag or the id finds nothing hidden.
    for filter in [
        "{isPublic: {eq: false}}",
        r#"{id: {eq: "q2"}}"#,
        r#"{not: {id: {in: ["p1", "q1", "q3"]}}}"#,
    ] {
        let res = request(
            &app,
            None,
            None,
            &format!(
                "{{ orquestraProjects(filter: {filter}) {{ totalCount nodes {{ id }} }} \
                 orquestraIdlVersions(filter: {{projectId: {{eq: \"q2\"}}}}) {{ totalCount }} }}"
            ),
        )
        .await;
        assert_eq!(
            res,
            json!({ "data": {
                "orquestraProjects": { "totalCount": 0, "nodes": [] },
                "orquestraIdlVersions": { "totalCount": 0 },
            } }),
            "{filter}"
        );
    }
}

const LOOKUPS: &str = r#"{
    project: orquestraProject(id: "p2") { id }
    version: orquestraIdlVersion(id: "p2-v1") { id }
    socialsByProject: orquestraProjectSocials(projectId: "p2") { id }
    socials: orquestraProjectSocials(id: "s-p2") { id }
    address: orquestraKnownAddress(id: "a-p2-1") { id }
    key: orquestraApiKey(id: "k1") { id }
    missing: orquestraProject(id: "nope") { id }
    public: orquestraProject(id: "p1") { id }
}"#;

#[tokio::test]
async fn hidden_rows_read_as_null_forbidden_on_lookup() {
    let app = TestApp::spawn().await;
    let key = fixture(&app).await;
    let hidden = json!({
        "project": null, "version": null, "socialsByProject": null, "socials": null,
        "address": null, "key": null, "missing": null, "public": { "id": "p1" },
    });
    for who in [Who::Anonymous, Who::User("u2")] {
        let res = ask(&app, who, LOOKUPS).await;
        assert_eq!(res["data"], hidden, "{who:?}");
        assert_eq!(
            errors(&res),
            forbidden(&[
                "project",
                "version",
                "socialsByProject",
                "socials",
                "address",
                "key"
            ]),
            "{who:?}"
        );
        let messages: Vec<(&str, &str)> = res["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["path"][0].as_str().unwrap(),
                    e["message"].as_str().unwrap(),
                )
            })
            .filter(|(p, _)| *p == "project" || *p == "key")
            .collect();
        let mut messages = messages;
        messages.sort();
        assert_eq!(
            messages,
            [
                ("key", "API keys are visible only to their project's owner"),
                ("project", "this project is private"),
            ]
        );
    }
    let res = as_user(&app, "u1", LOOKUPS).await;
    assert_eq!(
        res,
        json!({ "data": {
            "project": { "id": "p2" }, "version": { "id": "p2-v1" },
            "socialsByProject": { "id": "s-p2" }, "socials": { "id": "s-p2" },
            "address": { "id": "a-p2-1" }, "key": { "id": "k1" },
            "missing": null, "public": { "id": "p1" },
        } })
    );
    // p2's key reads p2 and its rows, but no API key row (k1 is p1's anyway).
    let res = ask(&app, Who::Key(&key), LOOKUPS).await;
    assert_eq!(
        res["data"],
        json!({
            "project": { "id": "p2" }, "version": { "id": "p2-v1" },
            "socialsByProject": { "id": "s-p2" }, "socials": { "id": "s-p2" },
            "address": { "id": "a-p2-1" }, "key": null,
            "missing": null, "public": { "id": "p1" },
        })
    );
    assert_eq!(errors(&res), forbidden(&["key"]));
    let res = ask(
        &app,
        Who::Key(&key),
        &format!(r#"{{ orquestraApiKey(id: "{LONG_KEY}") {{ id }} }}"#),
    )
    .await;
    assert_eq!(errors(&res), forbidden(&["orquestraApiKey"]));
}

#[tokio::test]
async fn an_api_key_reads_its_own_private_project() {
    let app = TestApp::spawn().await;
    let key = fixture(&app).await;
    let q = r#"{ orquestraProject(id: "p2") { name isPublic user { username }
        idlVersions { totalCount nodes { id project { id } } } latestIdl { id }
        versionCount socials { twitter project { id } }
        knownAddresses { totalCount nodes { project { id } } } } }"#;
    let expected = json!({ "data": { "orquestraProject": {
        "name": "Project p2", "isPublic": false, "user": { "username": "user-u1" },
        "idlVersions": { "totalCount": 1, "nodes": [{ "id": "p2-v1", "project": { "id": "p2" } }] },
        "latestIdl": { "id": "p2-v1" }, "versionCount": 1,
        "socials": { "twitter": "https://x.com/p2", "project": { "id": "p2" } },
        "knownAddresses": { "totalCount": 2, "nodes": [
            { "project": { "id": "p2" } }, { "project": { "id": "p2" } } ] },
    } } });
    assert_eq!(ask(&app, Who::Key(&key), q).await, expected);
    assert_eq!(ask(&app, Who::User("u1"), q).await, expected);
    let res = ask(&app, Who::User("u2"), q).await;
    assert_eq!(res["data"]["orquestraProject"], Value::Null);
    assert_eq!(errors(&res), forbidden(&["orquestraProject"]));
    // Another private project stays private to the key.
    let res = ask(
        &app,
        Who::Key(&key),
        r#"{ orquestraProject(id: "q2") { id } }"#,
    )
    .await;
    assert_eq!(errors(&res), forbidden(&["orquestraProject"]));
    // A signed-in user with the key sees both their own and the key's project.
    let res = request(
        &app,
        Some(&app.token(Domain::Orquestra, "u2").await),
        Some(&key),
        "{ orquestraProjects(filter: {isPublic: {eq: false}}) { nodes { id } } }",
    )
    .await;
    assert_eq!(
        res,
        json!({ "data": { "orquestraProjects": { "nodes": [{ "id": "p2" }, { "id": "q2" }] } } })
    );
}

#[tokio::test]
async fn api_key_rows_show_only_metadata_and_only_to_the_owner() {
    let app = TestApp::spawn().await;
    let key = fixture(&app).await;
    let q = r#"{ orquestraProjects { nodes { id
        apiKeys { totalCount nodes { id prefix createdAt expiresAt lastUsed } } } } }"#;
    let res = as_user(&app, "u1", q).await;
    let prefix = "oq_k2-012345678";
    assert!(key.starts_with(prefix), "{key}");
    assert_eq!(
        res["data"]["orquestraProjects"]["nodes"],
        json!([
            { "id": "p1", "apiKeys": { "totalCount": 1, "nodes": [
                { "id": "k1", "prefix": "oq_k1_", "createdAt": t0().to_rfc3339(),
                  "expiresAt": null, "lastUsed": null } ] } },
            { "id": "p2", "apiKeys": { "totalCount": 1, "nodes": [
                { "id": LONG_KEY, "prefix": prefix, "createdAt": t0().to_rfc3339(),
                  "expiresAt": null, "lastUsed": null } ] } },
            { "id": "q1", "apiKeys": null },
            { "id": "q3", "apiKeys": null },
        ])
    );
    assert_eq!(
        errors(&res),
        forbidden(&[
            "orquestraProjects.nodes.2.apiKeys",
            "orquestraProjects.nodes.3.apiKeys"
        ])
    );
    // A filter on the project reaches no other owner's key.
    let res = as_user(
        &app,
        "u1",
        r#"{ orquestraApiKeys(filter: {projectId: {in: ["p1", "q1", "q2"]}}) { totalCount nodes { id } } }"#,
    )
    .await;
    assert_eq!(
        res,
        json!({ "data": { "orquestraApiKeys": { "totalCount": 1, "nodes": [{ "id": "k1" }] } } })
    );
    // Public or not, keys are the owner's: not for others, anonymous or the key itself.
    let one = r#"{ orquestraProject(id: "p1") { id apiKeys { totalCount } } }"#;
    for who in [Who::Anonymous, Who::User("u2"), Who::Key(&key)] {
        let res = ask(&app, who, one).await;
        assert_eq!(
            res["data"],
            json!({ "orquestraProject": { "id": "p1", "apiKeys": null } }),
            "{who:?}"
        );
        assert_eq!(errors(&res), forbidden(&["orquestraProject.apiKeys"]));
        assert_eq!(
            res["errors"][0]["message"],
            "API keys are visible only to their project's owner"
        );
    }
    // Nothing of the stored key is a field, a filter or an order.
    let res = request(
        &app,
        None,
        None,
        r#"{ t: __type(name: "OrquestraApiKey") { fields { name } }
             f: __type(name: "OrquestraApiKeyFilter") { inputFields { name } }
             o: __type(name: "OrquestraApiKeyOrderField") { enumValues { name } } }"#,
    )
    .await;
    let names = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&res["data"]["t"], "fields"),
        [
            "id",
            "prefix",
            "projectId",
            "lastUsed",
            "createdAt",
            "expiresAt",
            "project"
        ]
    );
    assert_eq!(
        names(&res["data"]["f"], "inputFields"),
        [
            "id",
            "projectId",
            "lastUsed",
            "createdAt",
            "expiresAt",
            "and",
            "or",
            "not"
        ]
    );
    assert_eq!(
        names(&res["data"]["o"], "enumValues"),
        ["PRIMARY_KEY", "CREATED_AT", "EXPIRES_AT"]
    );
}

#[tokio::test]
async fn emails_show_only_to_their_user_and_cannot_be_filtered() {
    let app = TestApp::spawn().await;
    let key = fixture(&app).await;
    let q = "{ orquestraUsers { nodes { id username email } } }";
    let res = as_user(&app, "u2", q).await;
    assert_eq!(
        res["data"]["orquestraUsers"]["nodes"],
        json!([
            { "id": "u1", "username": "user-u1", "email": null },
            { "id": "u2", "username": "user-u2", "email": "u2@example.com" },
        ])
    );
    assert_eq!(errors(&res), forbidden(&["orquestraUsers.nodes.0.email"]));
    assert_eq!(
        res["errors"][0]["message"],
        "an email address is visible only to its user"
    );
    // A token naming no Orquestra user (another domain's token of the same subject, a
    // user that does not exist) names nobody: refused before anything runs.
    for res in [
        request(&app, Some(&app.token(Domain::Pds, "u1").await), None, q).await,
        as_user(&app, "nobody", q).await,
    ] {
        assert_eq!(
            errors(&res),
            vec![(String::new(), "UNAUTHENTICATED".to_owned())]
        );
    }
    // Anonymous, or with an API key.
    for res in [
        request(&app, None, None, q).await,
        request(&app, None, Some(&key), q).await,
    ] {
        assert_eq!(
            errors(&res),
            forbidden(&[
                "orquestraUsers.nodes.0.email",
                "orquestraUsers.nodes.1.email"
            ]),
            "{res}"
        );
    }
    for q in [
        r#"{ orquestraUsers(filter: {email: {startsWith: "u"}}) { nodes { id } } }"#,
        "{ orquestraUsers(orderBy: {field: EMAIL}) { nodes { id } } }",
    ] {
        let res = as_user(&app, "u1", q).await;
        assert_eq!(
            res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{q}: {res}"
        );
    }
}

#[tokio::test]
async fn owner_views_stay_batched_whatever_the_number_of_users() {
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Orquestra);
    let q = "{ orquestraUsers(first: 40) { nodes { id projectCount versionCount \
             projects(first: 5) { totalCount nodes { id idlVersions(first: 2) { totalCount nodes { id } } \
             apiKeys(first: 2) { totalCount nodes { prefix } } } } } } }";
    let mut costs = Vec::new();
    for n in 1..=30 {
        let user = format!("u{n:03}");
        users::Model {
            id: user.clone(),
            github_id: n,
            username: user.clone(),
            email: format!("{user}@example.com"),
            avatar_url: None,
            created_at: Some(t0()),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        for (p, public) in [(1, true), (2, false)] {
            let id = format!("{user}-p{p}");
            projects::Model {
                id: id.clone(),
                user_id: user.clone(),
                name: id.clone(),
                description: None,
                program_id: id.clone(),
                is_public: Some(public),
                custom_docs: None,
                created_at: Some(t0() + Duration::hours(p)),
                updated_at: None,
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
            idl_versions::Model {
                id: format!("{id}-v1"),
                project_id: id.clone(),
                idl_json: "{}".to_owned(),
                cpi_md: None,
                version: 1,
                created_at: Some(t0()),
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
            api_keys::Model {
                id: format!("{id}-k"),
                project_id: id,
                key: format!("sha256:{n}-{p}"),
                last_used: None,
                created_at: Some(t0()),
                expires_at: None,
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
        }
        if n == 5 || n == 30 {
            let before = app.db.dbs.metrics().statements(Domain::Orquestra);
            let res = as_user(&app, "u003", q).await;
            costs.push(app.db.dbs.metrics().statements(Domain::Orquestra) - before);
            let nodes = res["data"]["orquestraUsers"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{res}"));
            assert_eq!(nodes.len() as i64, n);
            for u in nodes {
                let mine = u["id"] == "u003";
                let projects = u["projects"]["nodes"].as_array().unwrap();
                assert_eq!(u["projectCount"], if mine { 2 } else { 1 }, "{u}");
                assert_eq!(u["versionCount"], if mine { 2 } else { 1 }, "{u}");
                assert_eq!(projects.len(), if mine { 2 } else { 1 }, "{u}");
                for p in projects {
                    assert_eq!(p["idlVersions"]["totalCount"], 1);
                    assert_eq!(p["apiKeys"].is_null(), !mine, "{p}");
                }
            }
            assert_eq!(
                nodes[2]["projects"]["nodes"],
                json!([
                    { "id": "u003-p2", "idlVersions": { "totalCount": 1, "nodes": [{ "id": "u003-p2-v1" }] },
                      "apiKeys": { "totalCount": 1, "nodes": [{ "prefix": "oq_u003-p2-k_" }] } },
                    { "id": "u003-p1", "idlVersions": { "totalCount": 1, "nodes": [{ "id": "u003-p1-v1" }] },
                      "apiKeys": { "totalCount": 1, "nodes": [{ "prefix": "oq_u003-p1-k_" }] } },
                ])
            );
            // One forbidden `apiKeys` per other user's (public) project.
            assert_eq!(errors(&res).len() as i64, n - 1);
        }
    }
    assert_eq!(costs[0], costs[1], "statements for 5 vs 30 users");
    // The viewer's check (the user still exists); users; project and version counts;
    // projects (+count); versions (+count); keys (+count).
    assert_eq!(costs[0], 1 + 9);
}

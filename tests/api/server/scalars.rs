//! Every custom scalar in every input position, found through introspection: a malformed
//! value is the client's error, never `INTERNAL`. GraphQL's `Int` is 32-bit; 64-bit
//! columns travel as the `BigInt` scalar.

use serde_json::{Map, Value, json};

use crate::helpers::TestApp;

const INTROSPECTION: &str = "{ __schema {
    queryType { name } mutationType { name }
    types { kind name
        fields { name args { name type { ...T } } type { ...T } }
        inputFields { name type { ...T } }
        enumValues { name }
    }
} }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A value of each custom scalar that does not parse, and one that does.
fn samples(scalar: &str) -> Option<(Value, Value)> {
    match scalar {
        "UUID" => Some((
            json!("not-a-uuid"),
            json!("00000000-0000-4000-8000-000000000000"),
        )),
        "DateTime" => Some((json!("yesterday"), json!("2020-01-01T00:00:00Z"))),
        "Base64" => Some((json!("!!!not base64!!!"), json!("AAAA"))),
        "BigInt" => Some((json!("12abc"), json!("1"))),
        _ => None,
    }
}

struct Schema {
    types: Map<String, Value>,
}

impl Schema {
    /// The named type under `ty`'s wrappers, and whether `ty` is non-null.
    fn named(ty: &Value) -> (&Value, bool) {
        let required = ty["kind"] == "NON_NULL";
        let mut t = ty;
        while t["kind"] == "NON_NULL" || t["kind"] == "LIST" {
            t = &t["ofType"];
        }
        (t, required)
    }

    fn is_list(ty: &Value) -> bool {
        let mut t = ty;
        while t["kind"] == "NON_NULL" {
            t = &t["ofType"];
        }
        t["kind"] == "LIST"
    }

    /// A valid value of `ty`, filling required input fields only.
    fn valid(&self, ty: &Value, depth: usize) -> Value {
        let (named, _) = Self::named(ty);
        let name = named["name"].as_str().unwrap_or_default();
        let value = match named["kind"].as_str() {
            Some("SCALAR") => match name {
                "Int" => json!(1),
                "Float" => json!(1.0),
                "Boolean" => json!(true),
                "String" | "ID" => json!("x"),
                "JSON" => json!({}),
                other => samples(other).map(|(_, ok)| ok).unwrap_or(json!("x")),
            },
            Some("ENUM") => self.types[name]["enumValues"][0]["name"].clone(),
            Some("INPUT_OBJECT") if depth < 6 => {
                let mut obj = Map::new();
                for f in self.types[name]["inputFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if Self::named(&f["type"]).1 {
                        obj.insert(
                            f["name"].as_str().unwrap().to_owned(),
                            self.valid(&f["type"], depth + 1),
                        );
                    }
                }
                Value::Object(obj)
            }
            _ => Value::Null,
        };
        if Self::is_list(ty) {
            json!([value])
        } else {
            value
        }
    }

    /// Every way to put a malformed custom scalar into a value of `ty`: (where, value).
    /// An input type already on the way there (a filter's `and`/`or`/`not`) is not
    /// entered again: its positions are tried at the outer level.
    fn malformed(&self, ty: &Value, path: &str, depth: usize) -> Vec<(String, Value)> {
        self.malformed_in(ty, path, depth, &mut Vec::new())
    }

    fn malformed_in(
        &self,
        ty: &Value,
        path: &str,
        depth: usize,
        on_path: &mut Vec<String>,
    ) -> Vec<(String, Value)> {
        let (named, _) = Self::named(ty);
        let name = named["name"].as_str().unwrap_or_default();
        if on_path.iter().any(|t| t == name) {
            return Vec::new();
        }
        let wrap = |v: Value| if Self::is_list(ty) { json!([v]) } else { v };
        match named["kind"].as_str() {
            Some("SCALAR") => samples(name)
                .map(|(bad, _)| vec![(format!("{path}: {name}"), wrap(bad))])
                .unwrap_or_default(),
            Some("INPUT_OBJECT") if depth < 6 => {
                let base = self.valid(&json!({ "kind": "INPUT_OBJECT", "name": name }), depth);
                let mut out = Vec::new();
                on_path.push(name.to_owned());
                for f in self.types[name]["inputFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let field = f["name"].as_str().unwrap();
                    let at = format!("{path}.{field}");
                    for (at, bad) in self.malformed_in(&f["type"], &at, depth + 1, on_path) {
                        let mut obj = base.clone();
                        obj[field] = bad;
                        out.push((at, wrap(obj)));
                    }
                }
                on_path.pop();
                out
            }
            _ => Vec::new(),
        }
    }

    /// `type` written as in a document (for variable definitions).
    fn sdl(ty: &Value) -> String {
        match ty["kind"].as_str() {
            Some("NON_NULL") => format!("{}!", Self::sdl(&ty["ofType"])),
            Some("LIST") => format!("[{}]", Self::sdl(&ty["ofType"])),
            _ => ty["name"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

#[tokio::test]
async fn no_malformed_custom_scalar_anywhere_is_ever_internal() {
    let app = TestApp::spawn().await;
    let res = app.graphql(INTROSPECTION, json!({})).await;
    let schema = &res["data"]["__schema"];
    let types: Map<String, Value> = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect();
    let schema_types = Schema { types };
    let mut tried = 0;
    for (root, keyword) in [
        (schema["queryType"]["name"].as_str().unwrap(), "query"),
        (schema["mutationType"]["name"].as_str().unwrap(), "mutation"),
    ] {
        for field in schema_types.types[root]["fields"].as_array().unwrap() {
            let fname = field["name"].as_str().unwrap();
            let args = field["args"].as_array().unwrap();
            let (ret, _) = Schema::named(&field["type"]);
            let selection = match ret["kind"].as_str() {
                Some("OBJECT" | "INTERFACE" | "UNION") => " { __typename }",
                _ => "",
            };
            for arg in args {
                let aname = arg["name"].as_str().unwrap();
                for (at, bad) in schema_types.malformed(&arg["type"], aname, 0) {
                    // Every argument goes in as a variable: the malformed one, and valid
                    // values for the other required ones.
                    let mut defs = Vec::new();
                    let mut uses = Vec::new();
                    let mut vars = Map::new();
                    for other in args {
                        let oname = other["name"].as_str().unwrap();
                        let value = if oname == aname {
                            bad.clone()
                        } else if Schema::named(&other["type"]).1 {
                            schema_types.valid(&other["type"], 0)
                        } else {
                            continue;
                        };
                        defs.push(format!("${oname}: {}", Schema::sdl(&other["type"])));
                        uses.push(format!("{oname}: ${oname}"));
                        vars.insert(oname.to_owned(), value);
                    }
                    let doc = format!(
                        "{keyword}({}) {{ {fname}({}){selection} }}",
                        defs.join(", "),
                        uses.join(", ")
                    );
                    let res = app.graphql(&doc, Value::Object(vars)).await;
                    for err in res["errors"].as_array().into_iter().flatten() {
                        assert_ne!(
                            err["extensions"]["code"], "INTERNAL",
                            "{fname}({at}): {doc}\n{res}"
                        );
                        assert!(
                            err["extensions"]["code"].is_string(),
                            "{fname}({at}): {res}"
                        );
                    }
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 50, "only {tried} positions found");
    eprintln!("{tried} malformed positions tried");
}

/// 2^40: a BIGINT id that does not fit GraphQL's 32-bit `Int`.
const BIG: i64 = 1_099_511_627_776;

/// The one error of `res`, which must have no data for `field`.
fn error_of<'a>(res: &'a Value, field: &str) -> &'a Value {
    assert!(
        res["data"].is_null() || res["data"][field].is_null(),
        "{res}"
    );
    let errors = res["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{res}");
    &errors[0]
}

/// An Atrarium community with id `id`, straight through the entity.
async fn community(app: &TestApp, id: i64, parent_id: Option<i64>) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    entity::atrarium::communities::Model {
        id,
        name: format!("c{id}"),
        stage: entity::atrarium::Stage::Theme,
        parent_id,
        feed_mix: Default::default(),
        health_metrics: Default::default(),
        member_count: 0,
        post_count: 0,
        created_at: 0,
        updated_at: 0,
    }
    .into_active_model()
    .insert(app.db.get(entity::Domain::Atrarium))
    .await
    .unwrap();
}

#[tokio::test]
async fn a_bigint_argument_takes_64_bit_values_as_a_number_or_a_string() {
    let app = TestApp::spawn().await;
    // Before BigInt, this `Int` argument took any 64-bit value; now it is a BigInt.
    let res = app
        .graphql("{ atrariumCommunity(id: 1099511627776) { id } }", json!({}))
        .await;
    assert_eq!(res, json!({ "data": { "atrariumCommunity": null } }));
    community(&app, BIG, None).await;
    community(&app, BIG + 1, Some(BIG)).await;
    let q = "query($id: BigInt!) { atrariumCommunity(id: $id) { id parentId memberCount } }";
    // A round trip of the id through a variable, as a string and as a number.
    for id in [json!(BIG + 1), json!((BIG + 1).to_string())] {
        let res = app.graphql(q, json!({ "id": id })).await;
        assert_eq!(
            res,
            json!({ "data": { "atrariumCommunity": {
                "id": "1099511627777", "parentId": "1099511627776", "memberCount": 0
            } } }),
            "{id}"
        );
    }
    // Literals, and a BigInt filter.
    let res = app
        .graphql(
            r#"{ a: atrariumCommunity(id: "1099511627776") { id }
                 atrariumCommunities(filter: { parentId: { in: ["1099511627776", 7] } }) {
                   nodes { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        res,
        json!({ "data": {
            "a": { "id": "1099511627776" },
            "atrariumCommunities": { "nodes": [{ "id": "1099511627777" }] }
        } })
    );
    // Negative values are BigInts too.
    let res = app
        .graphql(
            r#"{ atrariumCommunity(id: "-9223372036854775808") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(res, json!({ "data": { "atrariumCommunity": null } }));
}

#[tokio::test]
async fn a_malformed_or_out_of_range_bigint_is_bad_user_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    for (literal, why) in [
        (r#""12abc""#, "12abc"),
        (r#""""#, r#""""#),
        (r#"" 12""#, " 12"),
        (r#""1e3""#, "1e3"),
        (r#""9223372036854775808""#, "out of range"),
        ("9223372036854775808", "9223372036854775808"),
        ("1.5", "1.5"),
        ("true", "true"),
    ] {
        let res = app
            .graphql(
                &format!("{{ atrariumCommunity(id: {literal}) {{ id }} }}"),
                json!({}),
            )
            .await;
        let err = error_of(&res, "atrariumCommunity");
        assert_eq!(
            err["extensions"]["code"], "BAD_USER_INPUT",
            "{literal}: {res}"
        );
        assert_eq!(err["extensions"]["field"], "id", "{literal}: {res}");
        let message = err["message"].as_str().unwrap();
        assert!(
            message.contains("expected a 64-bit signed integer") && message.contains(why),
            "{literal}: {message}"
        );
    }
    // Through a variable, and inside an input object.
    let res = app
        .graphql(
            "query($id: BigInt!) { atrariumCommunity(id: $id) { id } }",
            json!({ "id": "12abc" }),
        )
        .await;
    let err = error_of(&res, "atrariumCommunity");
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{res}");
    let res = app
        .graphql(
            r#"{ atrariumCommunities(filter: { id: { gt: "12abc" } }) { nodes { id } } }"#,
            json!({}),
        )
        .await;
    let err = error_of(&res, "atrariumCommunities");
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{res}");
    assert_eq!(err["extensions"]["field"], "filter", "{res}");
}

#[tokio::test]
async fn an_int_beyond_32_bits_is_bad_user_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    let cases = [
        // A page size.
        (
            "atrariumCommunities",
            "{ atrariumCommunities(first: 4294967296) { nodes { id } } }",
            "first",
        ),
        // 2^31, one past the largest Int.
        (
            "orquestraUsers",
            "{ orquestraUsers(last: 2147483648) { nodes { id } } }",
            "last",
        ),
        (
            "universeVersionHistory",
            r#"{ universeVersionHistory(versionId: "v1", maxDepth: -2147483649) { versionId } }"#,
            "maxDepth",
        ),
        // An Int input field.
        (
            "orquestraIdlVersions",
            "{ orquestraIdlVersions(filter: { version: { eq: 2147483648 } }) { nodes { id } } }",
            "filter",
        ),
        (
            "universeDeleteEntity",
            r#"mutation { universeDeleteEntity(input: { id: "e1", expectedVersion: 2147483648 }) {
                 __typename } }"#,
            "input",
        ),
        (
            "atrariumCreateCommunity",
            r#"mutation { atrariumCreateCommunity(input: { name: "x",
                 feedMix: { own: 2147483648, parent: 0, global: 0 } }) { __typename } }"#,
            "input",
        ),
    ];
    for (field, doc, argument) in cases {
        let res = app.graphql(doc, json!({})).await;
        let err = error_of(&res, field);
        assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{doc}: {res}");
        assert_eq!(err["extensions"]["field"], argument, "{doc}: {res}");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("Only integers from -2147483648 to 2147483647 are accepted"),
            "{doc}: {res}"
        );
    }
    // Through a variable.
    let res = app
        .graphql(
            "query($n: Int) { atrariumCommunities(first: $n) { nodes { id } } }",
            json!({ "n": 2_147_483_648_i64 }),
        )
        .await;
    let err = error_of(&res, "atrariumCommunities");
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{res}");
    // The largest Int is an Int (and then too large a page).
    let res = app
        .graphql(
            "{ atrariumCommunities(first: 2147483647) { nodes { id } } }",
            json!({}),
        )
        .await;
    let err = error_of(&res, "atrariumCommunities");
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{res}");
    assert!(
        !err["message"].as_str().unwrap().contains("Only integers"),
        "{res}"
    );
}

#[tokio::test]
async fn no_int_in_the_schema_is_a_64_bit_column() {
    // The columns that hold 64-bit values are BigInt wherever they appear: as output
    // fields, arguments, input fields and filters.
    let app = TestApp::spawn().await;
    let res = app.graphql(INTROSPECTION, json!({})).await;
    let mut bigint = Vec::new();
    for ty in res["data"]["__schema"]["types"].as_array().unwrap() {
        let tname = ty["name"].as_str().unwrap();
        let mut check = |name: &str, t: &Value| {
            let (named, _) = Schema::named(t);
            let named = named["name"].as_str().unwrap_or_default();
            let is_64 = matches!(name, "seq" | "githubId")
                || (tname.starts_with("Atrarium")
                    && (matches!(
                        name,
                        "id" | "parentId" | "communityId" | "feedId" | "deletedId"
                    )));
            if is_64 && !tname.starts_with("Universe") && named != "ID" && named != "String" {
                assert!(
                    named == "BigInt" || named == "BigIntFilter",
                    "{tname}.{name} is {named}"
                );
                bigint.push(format!("{tname}.{name}"));
            }
        };
        for f in ty["fields"].as_array().into_iter().flatten() {
            check(f["name"].as_str().unwrap(), &f["type"]);
            for a in f["args"].as_array().into_iter().flatten() {
                check(a["name"].as_str().unwrap(), &a["type"]);
            }
        }
        for f in ty["inputFields"].as_array().into_iter().flatten() {
            check(f["name"].as_str().unwrap(), &f["type"]);
        }
    }
    assert!(bigint.len() > 30, "{bigint:?}");
}

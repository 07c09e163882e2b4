//! Every custom scalar in every input position, found through introspection: a malformed
//! value is the client's error, never `INTERNAL`.

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

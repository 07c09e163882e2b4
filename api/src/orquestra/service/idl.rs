//! The shape of an uploaded IDL: an Anchor IDL object, as Orquestra's instruction list and
//! account types (the seed's `api:{projectId}:instructions` and `api:{projectId}:accounts`)
//! read it from `idl_json`.
//!
//! Both Anchor formats are accepted:
//! - legacy (Anchor before 0.30): the program's `name` at the top; accounts flagged
//!   `isMut` / `isSigner`;
//! - current (0.30 and later): `metadata { name, version, spec }` and `address`; accounts
//!   flagged `writable` / `signer`.
//!
//! Required: the program's name (`name`, or `metadata.name`) and `instructions`, an array
//! of objects with a `name`, `accounts` (each an object with a `name`, or a group with a
//! `name` and `accounts` of its own) and `args` (each `{ name, type }`). Checked when
//! present: `accounts`, `types` and `events` (arrays of objects with a `name`), `errors`
//! (objects with an integer `code` and a `name`), `metadata` (an object). Instruction names
//! and account type names are unique. Anything else in the document is kept as uploaded.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// Deepest nesting of account groups inside an instruction's `accounts`.
pub const MAX_ACCOUNT_NESTING: usize = 8;

/// The account flags of either format; each must be a boolean when present.
const ACCOUNT_FLAGS: [&str; 6] = [
    "isMut",
    "isSigner",
    "isOptional",
    "writable",
    "signer",
    "optional",
];

/// Checks that `idl` (the input field `field`) is an Anchor IDL object; the error names the
/// offending path (`input.idl.instructions[2].name`).
pub fn check(field: &str, idl: &Value) -> ApiResult<()> {
    let root = object(field, idl)?;
    let metadata = match root.get("metadata") {
        Some(m) => Some(object(&format!("{field}.metadata"), m)?),
        None => None,
    };
    match (root.get("name"), metadata.and_then(|m| m.get("name"))) {
        (Some(n), _) => {
            name(&format!("{field}.name"), n)?;
        }
        (None, Some(n)) => {
            name(&format!("{field}.metadata.name"), n)?;
        }
        (None, None) => {
            let path = if metadata.is_some() {
                format!("{field}.metadata.name")
            } else {
                format!("{field}.name")
            };
            return Err(bad(
                &path,
                "the program's name is required (`metadata.name`, or `name` in a legacy IDL)",
            ));
        }
    }

    let instructions = required_array(root, field, "instructions")?;
    let mut seen = Names::default();
    for (i, ix) in instructions.iter().enumerate() {
        let path = format!("{field}.instructions[{i}]");
        let ix = object(&path, ix)?;
        let ix_name = named(ix, &path)?;
        seen.insert(&path, "instruction", ix_name, i)?;
        for (j, account) in required_array(ix, &path, "accounts")?.iter().enumerate() {
            instruction_account(&format!("{path}.accounts[{j}]"), account, 1)?;
        }
        for (j, arg) in required_array(ix, &path, "args")?.iter().enumerate() {
            let path = format!("{path}.args[{j}]");
            let arg = object(&path, arg)?;
            named(arg, &path)?;
            ty(&format!("{path}.type"), arg.get("type"))?;
        }
    }

    let mut seen = Names::default();
    for (i, account) in optional_array(root, field, "accounts")?.iter().enumerate() {
        let path = format!("{field}.accounts[{i}]");
        let n = named(object(&path, account)?, &path)?;
        seen.insert(&path, "account type", n, i)?;
    }
    for list in ["types", "events"] {
        for (i, item) in optional_array(root, field, list)?.iter().enumerate() {
            let path = format!("{field}.{list}[{i}]");
            named(object(&path, item)?, &path)?;
        }
    }
    for (i, error) in optional_array(root, field, "errors")?.iter().enumerate() {
        let path = format!("{field}.errors[{i}]");
        let error = object(&path, error)?;
        if !error.get("code").is_some_and(|c| c.is_i64() || c.is_u64()) {
            return Err(bad(&format!("{path}.code"), "must be an integer"));
        }
        named(error, &path)?;
    }
    Ok(())
}

fn bad(path: &str, problem: &str) -> ApiError {
    ApiError::bad_input(path, format!("{path}: {problem}"))
}

fn object<'v>(path: &str, v: &'v Value) -> ApiResult<&'v Map<String, Value>> {
    v.as_object().ok_or_else(|| bad(path, "must be an object"))
}

fn name<'v>(path: &str, v: &'v Value) -> ApiResult<&'v str> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(bad(path, "must be a non-empty string")),
    }
}

/// The `name` of `obj` (at `path`).
fn named<'v>(obj: &'v Map<String, Value>, path: &str) -> ApiResult<&'v str> {
    let path = format!("{path}.name");
    match obj.get("name") {
        Some(v) => name(&path, v),
        None => Err(bad(&path, "is required")),
    }
}

fn required_array<'v>(
    obj: &'v Map<String, Value>,
    path: &str,
    key: &str,
) -> ApiResult<&'v [Value]> {
    let path = format!("{path}.{key}");
    match obj.get(key) {
        Some(v) => v
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| bad(&path, "must be an array")),
        None => Err(bad(&path, "is required (an array)")),
    }
}

fn optional_array<'v>(
    obj: &'v Map<String, Value>,
    path: &str,
    key: &str,
) -> ApiResult<&'v [Value]> {
    match obj.get(key) {
        Some(_) => required_array(obj, path, key),
        None => Ok(&[]),
    }
}

/// An account of an instruction: `{ name, <flags> }`, or a group `{ name, accounts }`.
fn instruction_account(path: &str, v: &Value, depth: usize) -> ApiResult<()> {
    let account = object(path, v)?;
    named(account, path)?;
    for flag in ACCOUNT_FLAGS {
        if account.get(flag).is_some_and(|f| !f.is_boolean()) {
            return Err(bad(&format!("{path}.{flag}"), "must be a boolean"));
        }
    }
    if account.contains_key("accounts") {
        if depth >= MAX_ACCOUNT_NESTING {
            return Err(bad(
                &format!("{path}.accounts"),
                &format!("account groups nest at most {MAX_ACCOUNT_NESTING} levels deep"),
            ));
        }
        for (i, inner) in required_array(account, path, "accounts")?
            .iter()
            .enumerate()
        {
            instruction_account(&format!("{path}.accounts[{i}]"), inner, depth + 1)?;
        }
    }
    Ok(())
}

/// An argument's type: a name (`u64`, `pubkey`, ...) or a composite (`{ "vec": "u8" }`,
/// `{ "defined": ... }`, ...).
fn ty(path: &str, v: Option<&Value>) -> ApiResult<()> {
    match v {
        None => Err(bad(path, "is required")),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(()),
        Some(Value::Object(o)) if !o.is_empty() => Ok(()),
        Some(_) => Err(bad(path, "must be a type name or a non-empty type object")),
    }
}

/// Names already used in one list, with the index that used them.
#[derive(Default)]
struct Names<'v>(HashMap<&'v str, usize>);

impl<'v> Names<'v> {
    fn insert(&mut self, path: &str, what: &str, name: &'v str, index: usize) -> ApiResult<()> {
        if let Some(first) = self.0.insert(name, index) {
            return Err(bad(
                &format!("{path}.name"),
                &format!("duplicate {what} name `{name}` (also at index {first})"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field_of(idl: Value) -> String {
        match check("idl", &idl) {
            Err(ApiError::BadUserInput { field, .. }) => field.unwrap_or_default(),
            other => panic!("expected BAD_USER_INPUT for {idl}, got {other:?}"),
        }
    }

    fn legacy() -> Value {
        json!({
            "version": "0.1.0",
            "name": "counter",
            "instructions": [
                { "name": "initialize",
                  "accounts": [
                      { "name": "counter", "isMut": true, "isSigner": true },
                      { "name": "system", "accounts": [{ "name": "program", "isMut": false, "isSigner": false }] }
                  ],
                  "args": [{ "name": "start", "type": "u64" }] },
                { "name": "increment", "accounts": [], "args": [{ "name": "by", "type": { "option": "u8" } }] }
            ],
            "accounts": [{ "name": "Counter", "type": { "kind": "struct", "fields": [] } }],
            "types": [],
            "errors": [{ "code": 6000, "name": "Overflow", "msg": "too big" }]
        })
    }

    fn current() -> Value {
        json!({
            "address": "Count3AcZucFDPSFBAeHkQ6AvttieKUkyJ8HiQGhQwe",
            "metadata": { "name": "counter", "version": "0.1.0", "spec": "0.1.0" },
            "instructions": [
                { "name": "initialize", "discriminator": [175, 175, 109, 31, 13, 152, 155, 237],
                  "accounts": [{ "name": "counter", "writable": true, "signer": true }],
                  "args": [] }
            ],
            "accounts": [{ "name": "Counter", "discriminator": [255, 176, 4, 245, 188, 253, 124, 25] }],
            "types": [{ "name": "Counter", "type": { "kind": "struct", "fields": [] } }]
        })
    }

    #[test]
    fn both_anchor_formats_pass() {
        check("idl", &legacy()).unwrap();
        check("idl", &current()).unwrap();
    }

    #[test]
    fn each_defect_names_its_path() {
        let cases: Vec<(Value, &str)> = vec![
            (json!([]), "idl"),
            (json!({}), "idl.name"),
            (
                json!({ "metadata": {}, "instructions": [] }),
                "idl.metadata.name",
            ),
            (
                json!({ "metadata": "x", "instructions": [] }),
                "idl.metadata",
            ),
            (json!({ "name": "", "instructions": [] }), "idl.name"),
            (json!({ "name": "p" }), "idl.instructions"),
            (
                json!({ "name": "p", "instructions": {} }),
                "idl.instructions",
            ),
            (
                json!({ "name": "p", "instructions": [7] }),
                "idl.instructions[0]",
            ),
            (
                json!({ "name": "p", "instructions": [{ "accounts": [], "args": [] }] }),
                "idl.instructions[0].name",
            ),
            (
                json!({ "name": "p", "instructions": [{ "name": "a", "args": [] }] }),
                "idl.instructions[0].accounts",
            ),
            (
                json!({ "name": "p", "instructions": [{ "name": "a", "accounts": [] }] }),
                "idl.instructions[0].args",
            ),
            (
                json!({ "name": "p", "instructions": [
                    { "name": "a", "accounts": [], "args": [] },
                    { "name": "a", "accounts": [], "args": [] }
                ] }),
                "idl.instructions[1].name",
            ),
            (
                json!({ "name": "p", "instructions": [
                    { "name": "a", "accounts": [{ "name": "x", "isMut": "yes" }], "args": [] }
                ] }),
                "idl.instructions[0].accounts[0].isMut",
            ),
            (
                json!({ "name": "p", "instructions": [
                    { "name": "a", "accounts": [{ "name": "g", "accounts": [{}] }], "args": [] }
                ] }),
                "idl.instructions[0].accounts[0].accounts[0].name",
            ),
            (
                json!({ "name": "p", "instructions": [
                    { "name": "a", "accounts": [], "args": [{ "name": "n" }] }
                ] }),
                "idl.instructions[0].args[0].type",
            ),
            (
                json!({ "name": "p", "instructions": [], "accounts": [{ "type": {} }] }),
                "idl.accounts[0].name",
            ),
            (
                json!({ "name": "p", "instructions": [], "types": "none" }),
                "idl.types",
            ),
            (
                json!({ "name": "p", "instructions": [], "errors": [{ "name": "E" }] }),
                "idl.errors[0].code",
            ),
        ];
        for (idl, want) in cases {
            assert_eq!(field_of(idl.clone()), want, "{idl}");
        }
    }

    #[test]
    fn account_groups_nest_a_bounded_depth() {
        let mut account = json!({ "name": "leaf" });
        for _ in 0..MAX_ACCOUNT_NESTING {
            account = json!({ "name": "group", "accounts": [account] });
        }
        let idl = |account: &Value| json!({ "name": "p", "instructions": [{ "name": "a", "accounts": [account], "args": [] }] });
        assert!(field_of(idl(&account)).ends_with(".accounts"));
        let shallower = account["accounts"][0].clone();
        check("idl", &idl(&shallower)).unwrap();
    }
}

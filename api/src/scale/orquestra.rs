//! Orquestra scale data (see [`crate::scale`]): users, each with 5 projects; each project
//! with 5 IDL versions (Anchor 0.30 IDLs of about 2 KB that pass [`crate::orquestra::service::idl::check`]),
//! a socials row, 2 known addresses and an API key.

use chrono::Duration;
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use serde_json::{Value, json};

use crate::scale::{Batch, CHUNK, Plan, Rng, at, flush_all};

/// The data tables, checked for emptiness before seeding.
pub const TABLES: &[&str] = &[
    "users",
    "projects",
    "idl_versions",
    "project_socials",
    "known_addresses",
    "api_keys",
];

/// Projects per user.
pub const PROJECTS_PER_USER: u64 = 5;
/// IDL versions per project.
pub const VERSIONS_PER_PROJECT: u64 = 5;
/// Known addresses per project.
pub const ADDRESSES_PER_PROJECT: u64 = 2;

const WORDS: [&str; 24] = [
    "swap", "vault", "stake", "lend", "mint", "escrow", "oracle", "auction", "bridge", "pool",
    "farm", "dao", "vote", "lottery", "market", "perp", "bond", "treasury", "router", "drop",
    "claim", "guard", "relay", "ledger",
];
const ARG_TYPES: [&str; 8] = ["u8", "u16", "u32", "u64", "i64", "bool", "pubkey", "string"];

/// A base58 Solana address from the stream.
fn address(rng: &mut Rng) -> String {
    crate::codec::base58::encode(&rng.bytes::<32>())
}

/// An Anchor 0.30 IDL of about 2 KB for `program` at `version` (1-based): each version
/// adds an instruction.
pub fn idl(rng: &mut Rng, program: &str, address: &str, version: u64) -> Value {
    let instruction = |rng: &mut Rng, i: u64| {
        let verb = rng.pick(&WORDS);
        let accounts: Vec<Value> = (0..3 + rng.below(2))
            .map(|a| {
                json!({
                    "name": format!("{}_{a}", rng.pick(&WORDS)),
                    "writable": a == 0 || rng.percent(30),
                    "signer": a == 0,
                })
            })
            .collect();
        let args: Vec<Value> = (0..1 + rng.below(3))
            .map(|a| json!({ "name": format!("arg_{a}"), "type": rng.pick(&ARG_TYPES) }))
            .collect();
        json!({
            "name": format!("{verb}_{i}"),
            "discriminator": rng.bytes::<8>(),
            "accounts": accounts,
            "args": args,
        })
    };
    let instructions: Vec<Value> = (0..3 + version).map(|i| instruction(rng, i)).collect();
    json!({
        "address": address,
        "metadata": {
            "name": program,
            "version": format!("0.{version}.0"),
            "spec": "0.1.0",
            "description": format!("{program}: generated for benchmarks"),
        },
        "instructions": instructions,
        "accounts": [
            { "name": "State", "discriminator": rng.bytes::<8>() },
            { "name": "Position", "discriminator": rng.bytes::<8>() },
        ],
        "types": [
            { "name": "State", "type": { "kind": "struct", "fields": [
                { "name": "authority", "type": "pubkey" },
                { "name": "bump", "type": "u8" },
                { "name": "total", "type": "u64" },
            ]}},
            { "name": "Position", "type": { "kind": "struct", "fields": [
                { "name": "owner", "type": "pubkey" },
                { "name": "amount", "type": "u64" },
            ]}},
        ],
        "events": [{ "name": "Updated", "discriminator": rng.bytes::<8>() }],
        "errors": [
            { "code": 6000, "name": "Unauthorized", "msg": "signer is not the authority" },
            { "code": 6001, "name": "Overflow", "msg": "arithmetic overflow" },
        ],
    })
}

/// Writes Orquestra's scale data in one transaction; the rows per table.
pub async fn seed(
    db: &DatabaseConnection,
    plan: &Plan,
    seed: u64,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let mut rng = Rng::new(seed, 2);
    let txn = db.begin().await?;
    let mut users_out = Batch::<_, users::ActiveModel>::new(&txn);
    let mut projects_out = Batch::<_, projects::ActiveModel>::new(&txn);
    let mut idls_out = Batch::<_, idl_versions::ActiveModel>::new(&txn);
    let mut socials_out = Batch::<_, project_socials::ActiveModel>::new(&txn);
    let mut addresses_out = Batch::<_, known_addresses::ActiveModel>::new(&txn);
    let mut keys_out = Batch::<_, api_keys::ActiveModel>::new(&txn);
    for u in 0..plan.orquestra_users {
        let user_id = rng.uuid().to_string();
        let joined = at(u * 600);
        users_out.push(users::Model {
            id: user_id.clone(),
            github_id: 10_000_000 + i64::try_from(u).unwrap_or_default(),
            username: format!("dev-{u:06}"),
            email: format!("dev-{u:06}@scale.mosaic.test"),
            avatar_url: Some(format!("https://avatars.example.test/u/{u}")),
            created_at: Some(joined),
            updated_at: Some(joined),
        });
        for p in 0..PROJECTS_PER_USER {
            let project_id = rng.uuid().to_string();
            let name = format!("{}-{}-{u}-{p}", rng.pick(&WORDS), rng.pick(&WORDS));
            let program_id = address(&mut rng);
            let created = joined + Duration::hours(i64::try_from(p).unwrap_or_default() + 1);
            let last = created + Duration::days(i64::try_from(VERSIONS_PER_PROJECT).unwrap_or(0));
            projects_out.push(projects::Model {
                id: project_id.clone(),
                user_id: user_id.clone(),
                name: name.clone(),
                description: Some(format!("The {name} program")),
                program_id: program_id.clone(),
                is_public: Some(!rng.percent(20)),
                custom_docs: rng
                    .percent(30)
                    .then(|| format!("# {name}\n\nCall the instructions in order.")),
                created_at: Some(created),
                updated_at: Some(last),
            });
            for v in 1..=VERSIONS_PER_PROJECT {
                let idl = idl(&mut rng, &name.replace('-', "_"), &program_id, v);
                idls_out.push(idl_versions::Model {
                    id: rng.uuid().to_string(),
                    project_id: project_id.clone(),
                    idl_json: idl.to_string(),
                    cpi_md: (v == VERSIONS_PER_PROJECT)
                        .then(|| format!("## CPI\n\nInvoke `{name}` v{v} from your program.")),
                    version: i32::try_from(v).unwrap_or(i32::MAX),
                    created_at: Some(created + Duration::days(i64::try_from(v).unwrap_or(0))),
                });
            }
            socials_out.push(project_socials::Model {
                id: rng.uuid().to_string(),
                project_id: project_id.clone(),
                twitter: Some(format!("@{name}")),
                discord: rng
                    .percent(50)
                    .then(|| format!("https://discord.gg/{name}")),
                telegram: None,
                github: Some(format!("https://github.com/dev-{u:06}/{name}")),
                website: rng
                    .percent(40)
                    .then(|| format!("https://{name}.example.test")),
                created_at: Some(created),
                updated_at: Some(created),
            });
            for a in 0..ADDRESSES_PER_PROJECT {
                addresses_out.push(known_addresses::Model {
                    id: rng.uuid().to_string(),
                    project_id: project_id.clone(),
                    label: if a == 0 { "Treasury" } else { "Config" }.to_owned(),
                    address: address(&mut rng),
                    description: None,
                    created_at: Some(created),
                    updated_at: Some(created),
                });
            }
            let secret = rng.hex(64);
            keys_out.push(api_keys::Model {
                id: rng.uuid().to_string(),
                project_id: project_id.clone(),
                key: crate::orquestra::service::api_keys::hash_secret(&secret),
                last_used: None,
                created_at: Some(created),
                expires_at: None,
            });
        }
        if idls_out.pending() as u64 >= CHUNK {
            flush_all!(
                users_out,
                projects_out,
                idls_out,
                socials_out,
                addresses_out,
                keys_out
            );
        }
    }
    let tables = vec![
        users_out.finish().await?,
        projects_out.finish().await?,
        idls_out.finish().await?,
        socials_out.finish().await?,
        addresses_out.finish().await?,
        keys_out.finish().await?,
    ];
    txn.commit().await?;
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_idls_pass_the_upload_check_and_weigh_about_2_kb() {
        let mut rng = Rng::new(1, 2);
        for v in 1..=VERSIONS_PER_PROJECT {
            let doc = idl(&mut rng, "swap_pool", "11111111111111111111111111111111", v);
            assert!(
                crate::orquestra::service::idl::check("idl", &doc).is_ok(),
                "{doc}"
            );
            let len = doc.to_string().len();
            assert!((1_200..3_500).contains(&len), "{len} bytes");
        }
    }
}

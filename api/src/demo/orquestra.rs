//! Orquestra demo data: three GitHub users, their Solana programs, IDL histories, API
//! keys, social links and known addresses.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    TransactionTrait,
};

fn at(days: i64, hours: i64) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
        .single()
        .map(|t| t + Duration::days(days) + Duration::hours(hours))
}

fn idl(name: &str, version: i32, instructions: &[&str]) -> String {
    let ix: Vec<serde_json::Value> = instructions
        .iter()
        .map(|i| serde_json::json!({ "name": i, "accounts": [], "args": [] }))
        .collect();
    serde_json::json!({
        "version": format!("0.{version}.0"),
        "name": name,
        "instructions": ix,
        "accounts": [],
        "types": [],
    })
    .to_string()
}

/// Owner index, id, name, program id, public, instruction names per IDL version.
type DemoProgram = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static [&'static str]],
);

/// Inserts the demo data unless Orquestra already has users.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    if users::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let txn = db.begin().await?;
    let people = [
        (
            "0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d01",
            1_204_337,
            "solana-sam",
            "sam@mosaic.test",
        ),
        (
            "0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d02",
            5_871_002,
            "anchor-ana",
            "ana@mosaic.test",
        ),
        (
            "0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d03",
            9_120_455,
            "rustacean-raj",
            "raj@mosaic.test",
        ),
    ];
    for (i, (id, gh, name, email)) in people.iter().enumerate() {
        users::Model {
            id: (*id).into(),
            github_id: *gh,
            username: (*name).into(),
            email: (*email).into(),
            avatar_url: Some(format!("https://avatars.githubusercontent.com/u/{gh}")),
            created_at: at(i as i64, 0),
            updated_at: at(i as i64, 0),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    // (owner, id, name, program id, public, instructions per version)
    let programs: [DemoProgram; 5] = [
        (
            0,
            "9c1d2e3f-0000-4000-8000-000000000001",
            "Token Vault",
            "VauLt1111111111111111111111111111111111111",
            true,
            &[
                &["initialize", "deposit"],
                &["initialize", "deposit", "withdraw"],
                &["initialize", "deposit", "withdraw", "close"],
            ],
        ),
        (
            0,
            "9c1d2e3f-0000-4000-8000-000000000002",
            "Escrow",
            "EscRow111111111111111111111111111111111111",
            false,
            &[&["make_offer", "take_offer"]],
        ),
        (
            1,
            "9c1d2e3f-0000-4000-8000-000000000003",
            "NFT Mint",
            "NFTm1nt11111111111111111111111111111111111",
            true,
            &[
                &["create_collection", "mint"],
                &["create_collection", "mint", "burn"],
            ],
        ),
        (
            1,
            "9c1d2e3f-0000-4000-8000-000000000004",
            "Staking Pool",
            "Stake11111111111111111111111111111111111111",
            true,
            &[&["stake", "unstake", "claim"]],
        ),
        (
            2,
            "9c1d2e3f-0000-4000-8000-000000000005",
            "DAO Voting",
            "DAOv0te1111111111111111111111111111111111",
            true,
            &[],
        ),
    ];
    for (n, (owner, id, name, program, public, versions)) in programs.iter().enumerate() {
        let n = n as i64;
        projects::Model {
            id: (*id).into(),
            user_id: people[*owner].0.into(),
            name: (*name).into(),
            description: Some(format!("{name}: an Anchor program on Solana.")),
            program_id: (*program).into(),
            is_public: Some(*public),
            custom_docs: public.then(|| format!("# {name}\n\nCall `initialize` first.")),
            created_at: at(3 + n, 0),
            updated_at: at(3 + n, 0),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        for (v, ix) in versions.iter().enumerate() {
            let v = v as i32 + 1;
            idl_versions::Model {
                id: format!("{id}-v{v}"),
                project_id: (*id).into(),
                idl_json: idl(&name.to_lowercase().replace(' ', "_"), v, ix),
                cpi_md: Some(format!("## CPI\n\n{} instruction(s).", ix.len())),
                version: v,
                created_at: at(3 + n, i64::from(v)),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
        api_keys::Model {
            id: format!("{id}-key"),
            project_id: (*id).into(),
            // Demo hash of a key nobody holds: not a usable credential.
            key: format!("sha256:demo-{n:02}-0000000000000000000000000000000000000000000000000000"),
            last_used: at(10, n),
            created_at: at(4 + n, 0),
            expires_at: at(365, 0),
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        if *public {
            let slug = name.to_lowercase().replace(' ', "-");
            project_socials::Model {
                id: format!("{id}-socials"),
                project_id: (*id).into(),
                twitter: Some(format!("https://x.com/{slug}")),
                discord: Some(format!("https://discord.gg/{slug}")),
                telegram: None,
                github: Some(format!("https://github.com/{}/{slug}", people[*owner].2)),
                website: Some(format!("https://{slug}.example")),
                created_at: at(5 + n, 0),
                updated_at: at(5 + n, 0),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
            known_addresses::Model {
                id: format!("{id}-treasury"),
                project_id: (*id).into(),
                label: "Treasury".into(),
                address: format!("Treas{n}11111111111111111111111111111111111"),
                description: Some("Main treasury account".into()),
                created_at: at(5 + n, 1),
                updated_at: at(5 + n, 1),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await
}

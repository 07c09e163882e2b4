//! The input objects of Orquestra's mutations and their parsing into the service's
//! validated commands ([`super::service`]).

use async_graphql::{ID, InputObject, Json, MaybeUndefined};
use chrono::{DateTime, Utc};

use super::service::{
    ADDRESS_DESCRIPTION_MAX, AddressChanges, CUSTOM_DOCS_MAX, DESCRIPTION_MAX, LABEL_MAX, NAME_MAX,
    NewAddress, NewIdl, NewProject, ProjectChanges, Socials,
};
use crate::error::{ApiError, ApiResult};
use crate::inputs::change;
use crate::validate::{HttpUrl, Name, SolanaAddress, Text};

/// A new project.
#[derive(InputObject)]
pub struct OrquestraCreateProjectInput {
    /// Display name (1-100 characters).
    pub name: String,
    /// Description (at most 2000 characters).
    pub description: Option<String>,
    /// The Solana program address (base58); one project per program per user.
    pub program_id: String,
    /// Whether everyone may read the project (default true).
    pub is_public: Option<bool>,
    /// Owner-editable documentation (Markdown, at most 100000 characters).
    pub custom_docs: Option<String>,
}

/// Changes to a project: absent fields stay, `null` clears a clearable one.
#[derive(InputObject)]
pub struct OrquestraUpdateProjectInput {
    /// The project.
    pub id: ID,
    /// New display name (1-100 characters; not null).
    pub name: Option<String>,
    /// New description (`null` clears).
    pub description: MaybeUndefined<String>,
    /// New Solana program address (not null; one project per program per user).
    pub program_id: Option<String>,
    /// New visibility (not null).
    pub is_public: Option<bool>,
    /// New documentation (`null` clears).
    pub custom_docs: MaybeUndefined<String>,
}

/// A new IDL version of a project.
#[derive(InputObject)]
pub struct OrquestraUploadIdlInput {
    /// The project.
    pub project_id: ID,
    /// The IDL document: an Anchor IDL object of at most 1000000 bytes, in the legacy
    /// (`name`) or current (`metadata.name`) format, with `instructions` (each with a
    /// `name`, `accounts` and `args`); `BAD_USER_INPUT` names the first offending path
    /// (e.g. `input.idl.instructions[2].name`).
    pub idl: Json<serde_json::Value>,
    /// Generated CPI documentation (Markdown, at most 500000 characters).
    pub cpi_md: Option<String>,
}

/// A new API key of a project.
#[derive(InputObject)]
pub struct OrquestraCreateApiKeyInput {
    /// The project.
    pub project_id: ID,
    /// When the key stops working (must be in the future; never when absent).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A project's social links: each an absolute http(s) URL. The set replaces the
/// project's links; an absent or null link is cleared.
#[derive(InputObject)]
pub struct OrquestraUpsertProjectSocialsInput {
    /// The project.
    pub project_id: ID,
    /// Twitter / X profile URL.
    pub twitter: Option<String>,
    /// Discord invite URL.
    pub discord: Option<String>,
    /// Telegram URL.
    pub telegram: Option<String>,
    /// GitHub URL.
    pub github: Option<String>,
    /// Website URL.
    pub website: Option<String>,
}

/// A new known address of a project.
#[derive(InputObject)]
pub struct OrquestraCreateKnownAddressInput {
    /// The project.
    pub project_id: ID,
    /// Label (1-100 characters).
    pub label: String,
    /// The Solana address (base58); labelled once per project.
    pub address: String,
    /// Description (at most 1000 characters).
    pub description: Option<String>,
}

/// Changes to a known address: absent fields stay, `null` clears the description.
#[derive(InputObject)]
pub struct OrquestraUpdateKnownAddressInput {
    /// The known address.
    pub id: ID,
    /// New label (not null).
    pub label: Option<String>,
    /// New Solana address (not null).
    pub address: Option<String>,
    /// New description (`null` clears).
    pub description: MaybeUndefined<String>,
}

impl OrquestraCreateProjectInput {
    /// The validated new project (public unless `isPublic` is false).
    pub fn parse(self) -> ApiResult<NewProject> {
        Ok(NewProject {
            name: Name::parse("input.name", &self.name, NAME_MAX)?,
            description: self
                .description
                .map(|d| Text::parse("input.description", &d, DESCRIPTION_MAX))
                .transpose()?,
            program_id: SolanaAddress::parse("input.programId", &self.program_id)?,
            is_public: self.is_public.unwrap_or(true),
            custom_docs: self
                .custom_docs
                .map(|d| Text::parse("input.customDocs", &d, CUSTOM_DOCS_MAX))
                .transpose()?,
        })
    }
}

impl OrquestraUpdateProjectInput {
    /// The project's id and the validated changes.
    pub fn parse(self) -> ApiResult<(String, ProjectChanges)> {
        Ok((
            self.id.0,
            ProjectChanges {
                name: self
                    .name
                    .map(|n| Name::parse("input.name", &n, NAME_MAX))
                    .transpose()?,
                description: change(self.description, |d| {
                    Text::parse("input.description", &d, DESCRIPTION_MAX)
                })?,
                program_id: self
                    .program_id
                    .map(|p| SolanaAddress::parse("input.programId", &p))
                    .transpose()?,
                is_public: self.is_public,
                custom_docs: change(self.custom_docs, |d| {
                    Text::parse("input.customDocs", &d, CUSTOM_DOCS_MAX)
                })?,
            },
        ))
    }
}

impl OrquestraUploadIdlInput {
    /// The project's id and the checked IDL ([`NewIdl::parse`]).
    pub fn parse(self) -> ApiResult<(String, NewIdl)> {
        let idl = NewIdl::parse(
            "input.idl",
            &self.idl.0,
            "input.cpiMd",
            self.cpi_md.as_deref(),
        )?;
        Ok((self.project_id.0, idl))
    }
}

impl OrquestraCreateApiKeyInput {
    /// The project's id and the key's expiry, which must be in the future.
    pub fn parse(self) -> ApiResult<(String, Option<DateTime<Utc>>)> {
        if self.expires_at.is_some_and(|t| t <= Utc::now()) {
            return Err(ApiError::bad_input(
                "input.expiresAt",
                "input.expiresAt must be in the future",
            ));
        }
        Ok((self.project_id.0, self.expires_at))
    }
}

fn url(field: &str, v: Option<String>) -> ApiResult<Option<HttpUrl>> {
    v.map(|u| HttpUrl::parse(field, &u)).transpose()
}

impl OrquestraUpsertProjectSocialsInput {
    /// The project's id and its validated links.
    pub fn parse(self) -> ApiResult<(String, Socials)> {
        Ok((
            self.project_id.0,
            Socials {
                twitter: url("input.twitter", self.twitter)?,
                discord: url("input.discord", self.discord)?,
                telegram: url("input.telegram", self.telegram)?,
                github: url("input.github", self.github)?,
                website: url("input.website", self.website)?,
            },
        ))
    }
}

fn address_description(d: &str) -> ApiResult<Text> {
    Text::parse("input.description", d, ADDRESS_DESCRIPTION_MAX)
}

impl OrquestraCreateKnownAddressInput {
    /// The project's id and the validated new address.
    pub fn parse(self) -> ApiResult<(String, NewAddress)> {
        Ok((
            self.project_id.0,
            NewAddress {
                label: Name::parse("input.label", &self.label, LABEL_MAX)?,
                address: SolanaAddress::parse("input.address", &self.address)?,
                description: self
                    .description
                    .map(|d| address_description(&d))
                    .transpose()?,
            },
        ))
    }
}

impl OrquestraUpdateKnownAddressInput {
    /// The address's id and the validated changes.
    pub fn parse(self) -> ApiResult<(String, AddressChanges)> {
        Ok((
            self.id.0,
            AddressChanges {
                label: self
                    .label
                    .map(|l| Name::parse("input.label", &l, LABEL_MAX))
                    .transpose()?,
                address: self
                    .address
                    .map(|a| SolanaAddress::parse("input.address", &a))
                    .transpose()?,
                description: change(self.description, |d| address_description(&d))?,
            },
        ))
    }
}

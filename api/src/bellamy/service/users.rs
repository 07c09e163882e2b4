//! Accounts: registration and profile changes.

use entity::bellamy::users;
use sea_orm::entity::prelude::Uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::{acting_user, changes, now, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Email, HttpUrl, Name, Text};
use crate::write::Store;

/// Longest full name.
pub const FULL_NAME_MAX: usize = 255;
/// Longest bio.
pub const BIO_MAX: usize = 2_000;
/// Shortest username.
pub const USERNAME_MIN: usize = 3;
/// Longest username (the column holds 50).
pub const USERNAME_MAX: usize = 30;
/// Longest profile or cover picture URL (the columns hold 500).
pub const URL_MAX: usize = 500;

/// A username: 3-30 characters of `a-z`, `0-9`, `_` and `.`, stored lowercased, neither
/// starting nor ending with a dot. Unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Lowercases `raw` and checks it.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim().to_lowercase();
        let n = s.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&n) {
            return Err(ApiError::bad_input(
                field,
                format!("{field} must be {USERNAME_MIN} to {USERNAME_MAX} characters"),
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
            || s.starts_with('.')
            || s.ends_with('.')
        {
            return Err(ApiError::bad_input(
                field,
                format!("{field} may hold only letters, digits, '_' and '.' (not first or last)"),
            ));
        }
        Ok(Self(s))
    }

    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated registration.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Email address (unique).
    pub email: Email,
    /// Username (unique).
    pub username: Username,
    /// Full name.
    pub full_name: Name,
    /// The password hash (PHC scrypt), computed before the transaction.
    pub password_hash: String,
    /// Bio.
    pub bio: Option<Text>,
    /// Profile picture.
    pub profile_picture_url: Option<HttpUrl>,
    /// Cover photo.
    pub cover_photo_url: Option<HttpUrl>,
}

/// A validated profile change; `None` leaves a field, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct ProfileChanges {
    /// New username.
    pub username: Option<Username>,
    /// New full name.
    pub full_name: Option<Name>,
    /// New bio (or cleared).
    pub bio: Option<Option<Text>>,
    /// New profile picture (or cleared).
    pub profile_picture_url: Option<Option<HttpUrl>>,
    /// New cover photo (or cleared).
    pub cover_photo_url: Option<Option<HttpUrl>>,
}

impl ProfileChanges {
    /// The input fields given (as GraphQL names them), for the change log.
    pub fn fields(&self) -> Vec<&'static str> {
        crate::events::log::given(&[
            ("username", self.username.is_some()),
            ("fullName", self.full_name.is_some()),
            ("bio", self.bio.is_some()),
            ("profilePictureUrl", self.profile_picture_url.is_some()),
            ("coverPhotoUrl", self.cover_photo_url.is_some()),
        ])
    }
}

async fn check_email_free<C: ConnectionTrait>(txn: &C, email: &Email) -> ApiResult<()> {
    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(txn)
        .await?
        .is_some();
    if taken {
        return Err(ApiError::Conflict(
            "an account with this email address already exists".into(),
        ));
    }
    Ok(())
}

async fn check_username_free<C: ConnectionTrait>(
    txn: &C,
    username: &Username,
    except: Option<Uuid>,
) -> ApiResult<()> {
    let mut q = users::Entity::find().filter(users::Column::Username.eq(username.as_str()));
    if let Some(id) = except {
        q = q.filter(users::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "the username {} is taken",
            username.as_str()
        )));
    }
    Ok(())
}

/// Creates an account. `CONFLICT` when the email or the username is taken (also when a
/// concurrent registration takes it first: the unique indexes decide).
pub async fn register(store: &Store, new: NewUser) -> ApiResult<users::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                check_email_free(txn, &new.email).await?;
                check_username_free(txn, &new.username, None).await?;
                let t = now();
                let user = users::Model {
                    id: Uuid::new_v4(),
                    email: new.email.into_inner(),
                    username: new.username.0,
                    full_name: new.full_name.into_inner(),
                    password_hash: new.password_hash,
                    profile_picture_url: new.profile_picture_url.map(HttpUrl::into_inner),
                    cover_photo_url: new.cover_photo_url.map(HttpUrl::into_inner),
                    bio: new.bio.map(Text::into_inner),
                    created_at: t,
                    updated_at: t,
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, user.id, vec![changes::registered(&user)]).await?;
                Ok(user)
            })
        })
        .await
}

/// Changes the actor's profile.
pub async fn update_profile(
    store: &Store,
    actor: Uuid,
    changes: ProfileChanges,
) -> ApiResult<users::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let user = acting_user(txn, actor).await?;
                let fields = changes.fields();
                if let Some(u) = &changes.username {
                    check_username_free(txn, u, Some(actor)).await?;
                }
                let mut row = user.into_active_model();
                if let Some(v) = changes.username {
                    row.username = Set(v.0);
                }
                if let Some(v) = changes.full_name {
                    row.full_name = Set(v.into_inner());
                }
                if let Some(v) = changes.bio {
                    row.bio = Set(v.map(Text::into_inner));
                }
                if let Some(v) = changes.profile_picture_url {
                    row.profile_picture_url = Set(v.map(HttpUrl::into_inner));
                }
                if let Some(v) = changes.cover_photo_url {
                    row.cover_photo_url = Set(v.map(HttpUrl::into_inner));
                }
                row.updated_at = Set(now());
                let user = row.update(txn).await?;
                record(txn, actor, vec![changes::profile_updated(&user, &fields)]).await?;
                Ok(user)
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse("u", " Alice.B_2 ").unwrap().as_str(),
            "alice.b_2"
        );
        for bad in ["ab", ".alice", "alice.", "al ice", "alicé", &"a".repeat(31)] {
            let e = Username::parse("input.username", bad).unwrap_err();
            assert_eq!(e.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}

//! Bellamy's read access rules, in one place.
//!
//! For now every row is readable as stored (no privacy enforcement yet). Every list of a
//! privacy-sensitive table, top-level or nested, adds the condition returned here, so the
//! rules (post privacy vs. friendships, a user's own notifications and conversations)
//! are added by changing these functions only.

use sea_orm::Condition;

/// Which posts may be listed (later: `privacy` against the viewer's friendships).
pub fn posts() -> Condition {
    Condition::all()
}

/// Which comments may be listed (later: those on visible posts).
pub fn comments() -> Condition {
    Condition::all()
}

/// Which stories may be listed (later: unexpired stories of friends).
pub fn stories() -> Condition {
    Condition::all()
}

/// Which notifications may be listed (later: the viewer's own).
pub fn notifications() -> Condition {
    Condition::all()
}

/// Which messages may be listed (later: those of the viewer's conversations).
pub fn messages() -> Condition {
    Condition::all()
}

//! Column projection: lists and lookups read an entity's wide columns (documents, bodies,
//! blobs) only when the GraphQL selection shows them.
//!
//! Each entity declares its wide columns with [`Projected::WIDE`]: the column, the fields
//! of its GraphQL type that show it, and a placeholder of the column's type. A statement
//! made for a selection that shows none of those fields selects the placeholder in the
//! column's place (`SELECT ..., $1 AS idl_json`), so the row still decodes into the
//! entity's model while the database neither reads nor sends the column. Narrow columns
//! (keys, numbers, dates, short strings) are always read: relations, cursors and access
//! rules need many of them, and they cost far less than the documents beside them.

use async_graphql::Context;
use async_graphql::Lookahead;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, IdenStatic, Iterable, QuerySelect, Select, Value};

/// What a wide column holds in a row read without it: a value of the column's type that
/// no field shows (the fields that would show it caused the column to be read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder {
    /// `''` for a `TEXT NOT NULL` column.
    Text,
    /// `NULL` for a nullable text column.
    NullText,
    /// JSON `null` for a JSON column decoded as a JSON value.
    Json,
    /// `{}` for a JSON column decoded as a struct whose fields all have defaults.
    JsonObject,
    /// An empty byte string for a `BLOB`/`BYTEA` column.
    Bytes,
}

impl Placeholder {
    fn value(self) -> Value {
        match self {
            Placeholder::Text => Value::String(Some(String::new())),
            Placeholder::NullText => Value::String(None),
            Placeholder::Json => Value::Json(Some(Box::new(serde_json::Value::Null))),
            Placeholder::JsonObject => Value::Json(Some(Box::new(serde_json::Value::Object(
                Default::default(),
            )))),
            Placeholder::Bytes => Value::Bytes(Some(Vec::new())),
        }
    }
}

/// One wide column of an entity.
pub struct Wide<E: EntityTrait> {
    /// The column.
    pub column: E::Column,
    /// The fields of the entity's GraphQL type that show the column (GraphQL names).
    pub fields: &'static [&'static str],
    /// What the column holds when it is not read.
    pub placeholder: Placeholder,
}

/// An entity whose lists and lookups are projected: every entity served through
/// [`crate::context::root_connection`] or a nested connection declares its wide columns
/// (none for most).
pub trait Projected: EntityTrait {
    /// The wide columns, read only when a field showing them is selected.
    const WIDE: &'static [Wide<Self>] = &[];
}

/// Declares entities without wide columns: every column is always read.
#[macro_export]
macro_rules! narrow {
    ($($entity:path),+ $(,)?) => {
        $(impl $crate::projection::Projected for $entity {})+
    };
}

/// The wide columns one statement leaves out.
pub struct Columns<E: EntityTrait + 'static> {
    skip: Vec<&'static Wide<E>>,
}

impl<E: EntityTrait> Clone for Columns<E> {
    fn clone(&self) -> Self {
        Self {
            skip: self.skip.clone(),
        }
    }
}

impl<E: EntityTrait> Default for Columns<E> {
    fn default() -> Self {
        Self::all()
    }
}

impl<E: EntityTrait> std::fmt::Debug for Columns<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.skip.iter().map(|w| w.column.as_str()))
            .finish()
    }
}

impl<E: Projected> Columns<E> {
    /// The columns the current field's selection shows, the field returning one object
    /// of `E` (a lookup).
    pub fn of_object(ctx: &Context<'_>) -> Self {
        if E::WIDE.is_empty() {
            return Self::all();
        }
        let here = ctx.look_ahead();
        Self::unless(|field| here.field(field).exists())
    }

    /// The columns the current field's selection shows, the field returning a connection
    /// of `E` (through `nodes` or `edges { node }`).
    pub fn of_connection(ctx: &Context<'_>) -> Self {
        // Most entities have no wide column: no look-ahead on their (hot) list path.
        if E::WIDE.is_empty() {
            return Self::all();
        }
        let here = ctx.look_ahead();
        let nodes = here.field("nodes");
        let edges = here.field("edges").field("node");
        Self::unless(|field| shown(&nodes, field) || shown(&edges, field))
    }

    fn unless(shows: impl Fn(&str) -> bool) -> Self {
        Self {
            skip: E::WIDE
                .iter()
                .filter(|w| !w.fields.iter().any(|f| shows(f)))
                .collect(),
        }
    }
}

impl<E: EntityTrait> Columns<E> {
    /// Every column.
    pub fn all() -> Self {
        Self { skip: Vec::new() }
    }

    /// Keeps `column` whatever the selection (e.g. a sort key, which cursors read).
    pub fn keep(mut self, column: E::Column) -> Self {
        self.skip.retain(|w| w.column.as_str() != column.as_str());
        self
    }

    /// Whether every column is read.
    pub fn is_all(&self) -> bool {
        self.skip.is_empty()
    }

    /// `select` reading only these columns (the others as their placeholders).
    pub fn select(&self, select: Select<E>) -> Select<E> {
        if self.skip.is_empty() {
            return select;
        }
        let mut select = select.select_only();
        for column in E::Column::iter() {
            match self
                .skip
                .iter()
                .find(|w| w.column.as_str() == column.as_str())
            {
                Some(w) => {
                    select = select.expr_as(Expr::val(w.placeholder.value()), column.as_str())
                }
                None => select = select.column(column),
            }
        }
        select
    }
}

fn shown(at: &Lookahead<'_>, field: &str) -> bool {
    at.field(field).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{bellamy, orquestra, pds, universe};

    /// Whether the SDL's `type object` has a field `field`.
    fn has_field(sdl: &str, object: &str, field: &str) -> bool {
        let Some(start) = sdl.find(&format!("\ntype {object} {{")) else {
            return false;
        };
        let body = &sdl[start + 1..];
        let body = &body[..body.find("\n}").unwrap_or(body.len())];
        body.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with(&format!("{field}:")) || l.starts_with(&format!("{field}("))
        })
    }

    fn check<E: Projected>(sdl: &str, object: &str) {
        assert!(!E::WIDE.is_empty(), "{object}: no wide column declared");
        for w in E::WIDE {
            for f in w.fields {
                assert!(
                    has_field(sdl, object, f),
                    "{object} has no field {f} (declared for {})",
                    w.column.as_str()
                );
            }
        }
    }

    /// A wide column whose field names were misspelt would never be read, and its field
    /// would show the placeholder: every declared name is a field of the entity's type.
    #[test]
    fn every_wide_column_is_shown_by_fields_of_its_graphql_type() {
        let sdl = crate::schema::sdl();
        check::<orquestra::idl_versions::Entity>(&sdl, "OrquestraIdlVersion");
        check::<bellamy::posts::Entity>(&sdl, "BellamyPost");
        check::<bellamy::comments::Entity>(&sdl, "BellamyComment");
        check::<bellamy::messages::Entity>(&sdl, "BellamyMessage");
        check::<bellamy::notifications::Entity>(&sdl, "BellamyNotification");
        check::<bellamy::users::Entity>(&sdl, "BellamyUser");
        check::<pds::repo_blocks::Entity>(&sdl, "PdsRepoBlock");
        check::<pds::plc_operations::Entity>(&sdl, "PdsPlcOperation");
        check::<pds::repo_seq::Entity>(&sdl, "PdsRepoSeqEvent");
        check::<universe::event_log::Entity>(&sdl, "UniverseEvent");
        assert!(!has_field(&sdl, "OrquestraIdlVersion", "idl_json"));
    }

    /// A statement without the wide columns selects their placeholders under the
    /// columns' names, so the row still decodes into the model.
    #[test]
    fn a_projected_statement_selects_placeholders_in_place_of_wide_columns() {
        use sea_orm::{DbBackend, QueryTrait};
        let all = Columns::<orquestra::idl_versions::Entity>::all();
        let narrow = Columns::<orquestra::idl_versions::Entity>::unless(|_| false);
        let only_md = Columns::<orquestra::idl_versions::Entity>::unless(|f| f == "cpiMd");
        let sql = |c: &Columns<_>| {
            c.select(orquestra::idl_versions::Entity::find())
                .build(DbBackend::Postgres)
                .to_string()
        };
        assert!(sql(&all).contains(r#""idl_versions"."idl_json""#));
        let s = sql(&narrow);
        assert!(!s.contains(r#""idl_versions"."idl_json""#), "{s}");
        assert!(!s.contains(r#""idl_versions"."cpi_md""#), "{s}");
        assert!(s.contains(r#"'' AS "idl_json""#), "{s}");
        assert!(s.contains(r#"NULL AS "cpi_md""#), "{s}");
        assert!(s.contains(r#""idl_versions"."version""#), "{s}");
        let s = sql(&only_md);
        assert!(
            s.contains(r#""idl_versions"."cpi_md""#) && !s.contains(r#""idl_versions"."idl_json""#),
            "{s}"
        );
        // A sort key is always read.
        let kept = Columns::<orquestra::idl_versions::Entity>::unless(|_| false)
            .keep(orquestra::idl_versions::Column::IdlJson);
        assert!(sql(&kept).contains(r#""idl_versions"."idl_json""#));
    }
}

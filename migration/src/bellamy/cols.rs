//! Column and constraint builders used by Bellamy's migrations only (the shared ones are
//! in `crate::common`).

use sea_orm_migration::prelude::*;

/// A `UUID PRIMARY KEY` column.
pub fn uuid_pk(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}

/// A `UUID NOT NULL` column.
pub fn uuid(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}

/// A nullable `UUID` column.
pub fn uuid_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

/// A `VARCHAR(len) NOT NULL` column.
pub fn varchar(col: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().take()
}

/// A nullable `VARCHAR(len)` column.
pub fn varchar_null(col: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().take()
}

/// A `TEXT NOT NULL` column.
pub fn text(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

/// A `BOOLEAN NOT NULL DEFAULT FALSE` column.
pub fn flag(col: &'static str) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .take()
}

/// `CONSTRAINT name CHECK (a <> b)`: a row may not link a user to themself.
pub fn not_self(name: &'static str, a: &'static str, b: &'static str) -> Check {
    Check::named(name, Expr::col(a).ne(Expr::col(b)))
}

/// `PRIMARY KEY (a, b)`.
pub fn pk(a: &'static str, b: &'static str) -> IndexCreateStatement {
    Index::create().col(a).col(b).take()
}

/// An index column in descending order (`created_at DESC`).
pub fn desc(col: &'static str) -> IndexColumn {
    IndexColumn::from((col, IndexOrder::Desc))
}

/// An index column in the default (ascending) order.
pub fn asc(col: &'static str) -> IndexColumn {
    IndexColumn::from(col)
}

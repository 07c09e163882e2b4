//! The scalar filters: one input type per scalar kind, each turned into the conjunction
//! of the conditions it sets.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, Value};

use crate::error::ApiError;
use crate::scalars::BigInt;

use super::{Budget, MAX_IN_VALUES};

/// `BAD_USER_INPUT` when an `in` list is longer than [`MAX_IN_VALUES`].
pub(super) fn check_in<T>(values: &[T]) -> Result<(), ApiError> {
    if values.len() > MAX_IN_VALUES {
        return Err(ApiError::bad_input(
            "filter",
            format!("an `in` list holds at most {MAX_IN_VALUES} values"),
        ));
    }
    Ok(())
}

/// Builds the conjunction of the conditions a scalar filter sets.
pub(super) struct Terms<'b> {
    cond: Condition,
    budget: &'b mut Budget,
}

impl<'b> Terms<'b> {
    pub(super) fn new(budget: &'b mut Budget) -> Self {
        Self {
            cond: Condition::all(),
            budget,
        }
    }

    pub(super) fn add(&mut self, expr: SimpleExpr) -> Result<(), ApiError> {
        self.budget.spend(1)?;
        self.cond = std::mem::replace(&mut self.cond, Condition::all()).add(expr);
        Ok(())
    }

    pub(super) fn eq_ne_in<V: Into<Value> + Clone>(
        &mut self,
        col: SimpleExpr,
        eq: &Option<V>,
        ne: &Option<V>,
        is_in: &Option<Vec<V>>,
        not_in: &Option<Vec<V>>,
    ) -> Result<(), ApiError> {
        if let Some(v) = eq {
            self.add(col.clone().eq(v.clone()))?;
        }
        if let Some(v) = ne {
            self.add(col.clone().ne(v.clone()))?;
        }
        if let Some(vs) = is_in {
            check_in(vs)?;
            self.add(col.clone().is_in(vs.iter().cloned()))?;
        }
        if let Some(vs) = not_in {
            check_in(vs)?;
            self.add(col.is_not_in(vs.iter().cloned()))?;
        }
        Ok(())
    }

    pub(super) fn ranges<V: Into<Value> + Clone>(
        &mut self,
        col: SimpleExpr,
        gt: &Option<V>,
        gte: &Option<V>,
        lt: &Option<V>,
        lte: &Option<V>,
    ) -> Result<(), ApiError> {
        if let Some(v) = gt {
            self.add(col.clone().gt(v.clone()))?;
        }
        if let Some(v) = gte {
            self.add(col.clone().gte(v.clone()))?;
        }
        if let Some(v) = lt {
            self.add(col.clone().lt(v.clone()))?;
        }
        if let Some(v) = lte {
            self.add(col.lte(v.clone()))?;
        }
        Ok(())
    }

    pub(super) fn null(&mut self, col: SimpleExpr, is_null: Option<bool>) -> Result<(), ApiError> {
        match is_null {
            Some(true) => self.add(col.is_null()),
            Some(false) => self.add(col.is_not_null()),
            None => Ok(()),
        }
    }

    pub(super) fn done(self) -> Condition {
        self.cond
    }
}

pub(super) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Conditions on a text column. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to.
    pub ne: Option<String>,
    /// One of these values.
    #[graphql(name = "in")]
    pub is_in: Option<Vec<String>>,
    /// None of these values.
    pub not_in: Option<Vec<String>>,
    /// Starts with this prefix (case-sensitive).
    pub starts_with: Option<String>,
    /// Contains this text, ignoring ASCII case.
    pub contains: Option<String>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl StringFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        t.eq_ne_in(c.clone(), &self.eq, &self.ne, &self.is_in, &self.not_in)?;
        if let Some(prefix) = &self.starts_with {
            // i32: PostgreSQL has substr(text, int, int), not bigint.
            let n = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
            t.add(
                Func::cust("SUBSTR")
                    .arg(c.clone())
                    .arg(1i32)
                    .arg(n)
                    .eq(prefix.clone()),
            )?;
        }
        if let Some(needle) = &self.contains {
            let pattern = format!("%{}%", escape_like(&needle.to_lowercase()));
            t.add(Func::lower(c.clone()).like(LikeExpr::new(pattern).escape('\\')))?;
        }
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a 32-bit integer column (a count, a size, a version). All given
/// conditions must hold.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IntFilter {
    /// Equal to.
    pub eq: Option<i32>,
    /// Not equal to.
    pub ne: Option<i32>,
    /// One of these values.
    #[graphql(name = "in")]
    pub is_in: Option<Vec<i32>>,
    /// None of these values.
    pub not_in: Option<Vec<i32>>,
    /// Greater than.
    pub gt: Option<i32>,
    /// Greater than or equal to.
    pub gte: Option<i32>,
    /// Less than.
    pub lt: Option<i32>,
    /// Less than or equal to.
    pub lte: Option<i32>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl IntFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        t.eq_ne_in(c.clone(), &self.eq, &self.ne, &self.is_in, &self.not_in)?;
        t.ranges(c.clone(), &self.gt, &self.gte, &self.lt, &self.lte)?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a 64-bit integer column (a `BIGINT` id, a sequence number), compared as
/// `BigInt`s. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BigIntFilter {
    /// Equal to.
    pub eq: Option<BigInt>,
    /// Not equal to.
    pub ne: Option<BigInt>,
    /// One of these values.
    #[graphql(name = "in")]
    pub is_in: Option<Vec<BigInt>>,
    /// None of these values.
    pub not_in: Option<Vec<BigInt>>,
    /// Greater than.
    pub gt: Option<BigInt>,
    /// Greater than or equal to.
    pub gte: Option<BigInt>,
    /// Less than.
    pub lt: Option<BigInt>,
    /// Less than or equal to.
    pub lte: Option<BigInt>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl BigIntFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        t.eq_ne_in(c.clone(), &self.eq, &self.ne, &self.is_in, &self.not_in)?;
        t.ranges(c.clone(), &self.gt, &self.gte, &self.lt, &self.lte)?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a floating-point column. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default, PartialEq)]
pub struct FloatFilter {
    /// Greater than.
    pub gt: Option<f64>,
    /// Greater than or equal to.
    pub gte: Option<f64>,
    /// Less than.
    pub lt: Option<f64>,
    /// Less than or equal to.
    pub lte: Option<f64>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl FloatFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        t.ranges(c.clone(), &self.gt, &self.gte, &self.lt, &self.lte)?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a boolean column.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BooleanFilter {
    /// Equal to.
    pub eq: Option<bool>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl BooleanFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        if let Some(v) = self.eq {
            t.add(c.clone().eq(v))?;
        }
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a UUID column.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct UuidFilter {
    /// Equal to.
    pub eq: Option<uuid::Uuid>,
    /// Not equal to.
    pub ne: Option<uuid::Uuid>,
    /// One of these values.
    #[graphql(name = "in")]
    pub is_in: Option<Vec<uuid::Uuid>>,
    /// None of these values.
    pub not_in: Option<Vec<uuid::Uuid>>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl UuidFilter {
    /// The SQL condition on `col`.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        t.eq_ne_in(c.clone(), &self.eq, &self.ne, &self.is_in, &self.not_in)?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

/// Conditions on a point in time. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DateTimeFilter {
    /// At exactly this instant.
    pub eq: Option<DateTime<Utc>>,
    /// After this instant.
    pub gt: Option<DateTime<Utc>>,
    /// At or after this instant.
    pub gte: Option<DateTime<Utc>>,
    /// Before this instant.
    pub lt: Option<DateTime<Utc>>,
    /// At or before this instant.
    pub lte: Option<DateTime<Utc>>,
    /// `true`: the column is null; `false`: it is not.
    pub is_null: Option<bool>,
}

impl DateTimeFilter {
    /// The SQL condition on a timestamp column.
    pub fn condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        if let Some(v) = self.eq {
            t.add(c.clone().eq(v))?;
        }
        t.ranges(c.clone(), &self.gt, &self.gte, &self.lt, &self.lte)?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }

    /// The SQL condition on a column of Unix-epoch seconds. Bounds are rounded so that
    /// `gt`/`gte`/`lt`/`lte` keep their meaning at whole-second resolution.
    pub fn condition_epoch(
        &self,
        col: impl ColumnTrait,
        budget: &mut Budget,
    ) -> Result<Condition, ApiError> {
        let secs = |t: &Option<DateTime<Utc>>| t.map(|t| t.timestamp());
        let ceil = |t: &Option<DateTime<Utc>>| {
            t.map(|t| t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0))
        };
        let c: SimpleExpr = Expr::col(col);
        let mut t = Terms::new(budget);
        if let Some(v) = self.eq {
            // A fractional instant cannot equal a whole second.
            t.add(if v.timestamp_subsec_nanos() == 0 {
                c.clone().eq(v.timestamp())
            } else {
                Expr::val(1).eq(0)
            })?;
        }
        // Whole seconds x: x > 10.5 <=> x > 10; x >= 10.5 <=> x >= 11;
        // x < 10.5 <=> x < 11; x <= 10.5 <=> x <= 10.
        t.ranges(
            c.clone(),
            &secs(&self.gt),
            &ceil(&self.gte),
            &ceil(&self.lt),
            &secs(&self.lte),
        )?;
        t.null(c, self.is_null)?;
        Ok(t.done())
    }
}

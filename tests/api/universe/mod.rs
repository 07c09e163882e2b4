//! Inner Universe's tests.

mod mutations;
mod queries;
mod storage;
mod subscriptions;

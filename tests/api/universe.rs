//! universe storage tests (being written).

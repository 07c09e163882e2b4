//! pds storage tests (being written).

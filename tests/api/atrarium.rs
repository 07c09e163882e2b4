//! atrarium storage tests (being written).

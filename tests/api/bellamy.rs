//! bellamy storage tests (being written).

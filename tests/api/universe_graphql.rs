//! universe's read API through HTTP (being built).

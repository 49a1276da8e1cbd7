//! Credentials (placeholder).

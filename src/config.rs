//! Global configuration (placeholder).

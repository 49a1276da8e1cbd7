//! The ARM layer (placeholder).
pub mod error;
pub use error::{ArmError, ArmErrorKind, ErrorDetail};

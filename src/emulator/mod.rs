//! Local ARM emulator (placeholder).

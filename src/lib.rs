//! aksos: gets AKS clusters and node pools onto the right operating system.
//!
//! One core, three doors (see design.md): flags ([`cli`]) and the wizard fill a
//! request, [`core::preflight`] validates it against the [`core::catalog`], [`core::plan`] turns it
//! into steps from current state, and [`core::executor`] runs them through the
//! [`arm::ArmClient`] trait, which talks to Azure or to the local [`emulator`].

// Error values (ARM error objects, emulator responses) are large but only travel
// on failure paths; boxing them everywhere would cost clarity, not speed.
#![allow(clippy::result_large_err)]

pub mod apply;
pub mod arm;
pub mod auth;
pub mod cancel;
pub mod capabilities;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod core;
pub mod emulator;
pub mod error;
pub mod export;
pub mod fleet;
pub mod graph;
pub mod infile;
pub mod io;
pub mod names;
pub mod regions;
pub mod sanitize;
pub mod schema;
pub mod shellquote;
pub mod suggest;
#[cfg(test)]
pub mod testing;

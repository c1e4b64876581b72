//! tako-exec: a drop-in shell that parses every command an agent runs and decides
//! allow / ask / deny before anything executes.
//!
//! The pipeline is: [`parse`] (a bounded bash parser) → [`analyze`] (static expansion,
//! nesting and wrappers seen through, a model of every program run) → [`guard`] (the
//! built-in catalog) → [`policy`] (the strictest decision wins, with provenance).
// Conditions in the analyzer mirror the grammar they test; clippy's rewrites of them
// (`!(!a || b)`) and of nested matches read worse than the originals.
#![allow(clippy::nonminimal_bool, clippy::collapsible_match, clippy::manual_map)]

pub mod analyze;
pub mod app;
pub mod approve;
pub mod base64;
pub mod cli;
pub mod config;
pub mod context;
pub mod control;
pub mod egress;
pub mod error;
pub mod exec;
pub mod filter;
pub mod githooks;
pub mod guard;
pub mod operator;
pub mod outcome;
pub mod parse;
pub mod paths;
pub mod policy;
pub mod redact;
pub mod sensitive;
pub mod term;
pub mod users;

//! tako-exec library.
pub mod parse;

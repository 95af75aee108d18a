//! synthwatch: lab integration and early warning for synthetic opioids.
//!
//! This crate holds the application side (CLI, later adapters, store and
//! publishing); the parsers live in `synthwatch-parsers`.
#![forbid(unsafe_code)]

pub mod cli;

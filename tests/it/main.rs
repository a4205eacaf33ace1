//! The integration tests, one binary: each file of this folder is a module, so that
//! piao and Typst are linked once rather than once per file. One file's tests:
//! `cargo test --test it across::`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../../examples/synth/generator.rs"]
mod generator;

mod across;
mod annex;
mod changes;
mod check;
mod cli;
mod copy;
mod edit;
mod faults;
mod injection;
mod layout;
mod publication;
mod rewordings;
mod serve;
mod serve_write;
mod snapshots;
mod usage;

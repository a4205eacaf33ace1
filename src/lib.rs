//! `piao`: the annex of a PIAO variation, from TOML to PDF.
//!
//! The pipeline runs one way: [`load`] (TOML → [`model`]) → [`check`] (diagnostics,
//! typed changes, each kind defined once in `change`) → [`apply`] (the amended
//! schede, as typed data) → [`view`] (formatted, derived figures) → [`render`]
//! (MiniJinja → Typst sources) → [`typeset`] (Typst in-process → PDF) → [`publish`]
//! (atomic write, digest). [`pipeline`] sequences the stages; [`job`] resolves a command
//! line into what a run reads, selects and writes; [`commands`] implements the command
//! line on top of them. [`edit`] writes the content from the browser's forms.

pub mod apply;
pub(crate) mod change;
pub mod check;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod edit;
pub mod export;
pub mod fonts;
pub mod format;
pub(crate) mod hidden;
pub mod io_message;
pub mod job;
pub mod launch;
pub mod limits;
pub mod load;
pub mod measure;
pub mod model;
pub(crate) mod names;
pub(crate) mod output;
pub mod pipeline;
pub mod publish;
pub(crate) mod record;
pub mod render;
pub mod serve;
pub(crate) mod streams;
pub mod text;
pub mod typeset;
pub mod view;

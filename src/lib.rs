//! Stenogram: a self-hosted web archive of diplomatic transcripts.
pub mod config;
pub mod parse;
pub mod topics;

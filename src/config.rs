//! The command line: `serve`, `import`, `parse`, `reindex`, `user`, `token`.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Stenogram: a self-hosted web archive of diplomatic transcripts.
#[derive(Debug, Parser)]
#[command(name = "stenogram", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the database lives; every command that touches the archive takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArg {
    /// The SQLite database file; created, with its folder, when missing.
    #[arg(long, env = "STENOGRAM_DB", default_value = "data/stenogram.db")]
    pub db: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the archive over HTTP.
    Serve(ServeArgs),
    /// Import transcript files or folders (recursively: .txt, .md, .html, .htm).
    Import {
        #[command(flatten)]
        db: DbArg,
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Read one file and print its reading; touches no database.
    Parse {
        /// `json` (the contract in DESIGN.md) or `text` (an outline for a person).
        #[arg(long, value_enum, default_value = "json")]
        format: OutputFormat,
        file: PathBuf,
    },
    /// Re-read every stored source with this parser; permalinks keep working.
    Reindex {
        #[command(flatten)]
        db: DbArg,
    },
    /// Manage editor accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "STENOGRAM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DbArg,
    /// The largest upload accepted, in bytes.
    #[arg(long, env = "STENOGRAM_MAX_UPLOAD", default_value_t = 10 * 1024 * 1024)]
    pub max_upload: usize,
    /// Seconds a request may take before it is answered with 503.
    #[arg(long, env = "STENOGRAM_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// The most connections open at once; more are closed as they arrive.
    #[arg(long, env = "STENOGRAM_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add an editor; asks for the password, or reads it from standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        name: String,
        /// Read the password from standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an editor's password.
    Passwd {
        #[command(flatten)]
        db: DbArg,
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create an API token and print it once.
    Create {
        #[command(flatten)]
        db: DbArg,
        /// A name to recognise the token by.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Json,
    Text,
}

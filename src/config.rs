//! The command line: `serve`, `import`, `parse`, `reindex`, `backup`, `check`, `user`, `token`.

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
    /// Import transcript files or folders (recursively: .txt, .md, .html, .htm), or an export
    /// made by `stenogram export`.
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
    /// Write a consistent copy of the archive to a new file, while it serves and imports.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The new file (it must not exist yet).
        dest: PathBuf,
    },
    /// Write the whole archive as JSON Lines (sources, editors' choices, redirects); `stenogram
    /// import FILE` reads it back.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// The file to write (`-`: standard output); it must not exist yet.
        dest: PathBuf,
    },
    /// Check an archive: file integrity, foreign keys, search index, sources' hashes, turns.
    Check {
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
    /// The address readers reach the archive at (`https://archive.example.org`), used for
    /// canonical links, feeds, OpenGraph and citations; without it, the request's own host.
    #[arg(long, env = "STENOGRAM_BASE_URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Serve a copy of the archive (a replica) without writing to it: no sign-in, uploads or
    /// edits; nothing is created or migrated.
    #[arg(long, env = "STENOGRAM_READ_ONLY")]
    pub read_only: bool,
}

/// A base URL: `http` or `https`, a host, no query or fragment; kept without a trailing slash.
fn parse_base_url(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| format!("`{s}` does not start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(format!(
            "`{s}` is not a base URL; give one such as https://archive.example.org"
        ));
    }
    Ok(s.to_string())
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

use clap::Parser;
use stenogram::config::{Cli, Command, OutputFormat};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse { format, file } => {
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("stenogram: cannot read {}: {e}", file.display());
                    return ExitCode::FAILURE;
                }
            };
            match stenogram::parse::parse_bytes(&bytes, file.to_str()) {
                Ok(doc) => {
                    match format {
                        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&doc).expect("a document serialises")),
                        OutputFormat::Text => print!("{}", stenogram::parse::outline(&doc)),
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("stenogram: {}: {e}", file.display());
                    ExitCode::FAILURE
                }
            }
        }
        _ => todo_commands(),
    }
}

fn todo_commands() -> ExitCode {
    ExitCode::FAILURE
}

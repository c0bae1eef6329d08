use clap::Parser;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use stenogram::config::{Cli, Command, OutputFormat, TokenAction, UserAction};
use stenogram::{commands, store};

/// Asks the kernel for no transparent huge pages in this process. mimalloc asks for them where
/// the system lets a program choose, and then each 2 MiB page it touches at all counts whole:
/// a server at rest on an archive of 10,000 transcripts held 64 MiB of anonymous memory with
/// them and 17 MiB without, and an import zeroed huge pages it barely used.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes a flag of this
    // process; it reads and writes no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc gives memory freed after a large request (a transcript of 50,000 exchanges, a
/// bulk import) back to the system within milliseconds; the system allocator kept hundreds of
/// megabytes of it for the life of the server.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    stenogram::init_tracing();
    if let Command::Parse { format, file } = &cli.command {
        return parse(*format, file);
    }
    // The server runs on every core; a command is one task, which a single thread runs with
    // less handing over between threads (an import parses on threads of its own).
    let mut builder = if matches!(cli.command, Command::Serve(_)) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("stenogram: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<sqlx::Error>() {
                Some(db) => eprintln!("stenogram: {}", store::explain(db)),
                None => eprintln!("stenogram: {e}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn parse(format: OutputFormat, file: &std::path::Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("stenogram: cannot read {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    match stenogram::parse::parse_bytes(&bytes, file.to_str()) {
        Ok(doc) => {
            match format {
                OutputFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default())
                }
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

fn read_password(from_stdin: bool) -> Result<String, String> {
    let stdin = std::io::stdin();
    if !from_stdin && stdin.is_terminal() {
        eprint!("Password: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < 8 {
        return Err("the password must have at least 8 characters".into());
    }
    Ok(password)
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Parse { .. } => unreachable!("handled before the runtime starts"),
        Command::Serve(args) => {
            stenogram::serve(args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { db, paths } => {
            let pool = store::open(&db.db).await?;
            // Exports of an archive are read back whole; everything else is a transcript.
            let (exports, paths): (Vec<_>, Vec<_>) = paths.into_iter().partition(|p| {
                p.is_file()
                    && std::fs::File::open(p)
                        .and_then(|mut f| {
                            let mut head = [0u8; 200];
                            let n = std::io::Read::read(&mut f, &mut head)?;
                            Ok(store::portable::is_export(&head[..n]))
                        })
                        .unwrap_or(false)
            });
            let mut failed_exports = 0;
            for path in &exports {
                let file = std::io::BufReader::new(std::fs::File::open(path)?);
                match store::portable::import(&pool, file).await {
                    Ok(r) => {
                        println!(
                            "{}: imported {}, already present {}",
                            path.display(),
                            r.imported,
                            r.existing
                        );
                        for s in &r.skipped {
                            eprintln!("not restored: {s}");
                        }
                    }
                    Err(e) => {
                        failed_exports += 1;
                        eprintln!("failed: {}: {e}", path.display());
                    }
                }
            }
            if paths.is_empty() {
                commands::update_search_index(&db.db, &pool, false).await;
                pool.close().await;
                return Ok(if failed_exports == 0 {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                });
            }
            // The search index is fed as transcripts are stored, beside the readers and the
            // writer.
            let engine = commands::open_search_index(&db.db, &pool).await;
            let summary = commands::import_indexing(&pool, &paths, engine.clone()).await;
            if summary.repeats > 0 {
                println!(
                    "{} of the imported repeat the text of a transcript stored before them (listed above); each file stays a transcript of its own. An editor's upload adds such a text as another source of the transcript instead.",
                    summary.repeats
                );
            }
            println!(
                "imported {}, already present {}, failed {}",
                summary.imported,
                summary.existing,
                summary.failed.len()
            );
            for (path, reason) in &summary.failed {
                eprintln!("failed: {}: {reason}", path.display());
            }
            if let Some(reason) = &summary.index_failed {
                eprintln!(
                    "the search index stopped reading the new transcripts ({reason}); it reads them on its next catch-up"
                );
            }
            if let Some(engine) = engine {
                commands::catch_up_search_index(&engine, &pool, false, summary.indexed).await;
            }
            pool.close().await;
            Ok(if summary.failed.is_empty() && failed_exports == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Reindex { db } => {
            let pool = store::open(&db.db).await?;
            let report = store::write::reindex(&pool).await?;
            println!(
                "re-read {} transcripts, {} exchange addresses now redirect, {} emptied speakers redirect, {} failed",
                report.transcripts,
                report.redirects,
                report.speakers_redirected,
                report.failed.len()
            );
            for (slug, reason) in &report.failed {
                eprintln!("failed: {slug}: {reason}");
            }
            commands::update_search_index(&db.db, &pool, true).await;
            pool.close().await;
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Backup { db, dest } => {
            let done = store::maintain::backup(&db.db, &dest).await?;
            println!(
                "backed up {} transcripts ({:.1} MB) to {}",
                done.transcripts,
                done.bytes as f64 / 1e6,
                done.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { db, dest } => {
            if !db.db.exists() {
                anyhow::bail!(
                    "there is no archive at {}; give its path with --db",
                    db.db.display()
                );
            }
            let pool = store::open(&db.db).await?;
            let n = if dest.as_os_str() == "-" {
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                store::portable::export(&pool, &mut out).await?
            } else {
                if dest.exists() {
                    anyhow::bail!("{} exists already; give a new file name", dest.display());
                }
                let partial = dest.with_extension("partial");
                let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
                let n = store::portable::export(&pool, &mut out).await?;
                drop(out);
                std::fs::rename(&partial, &dest)?;
                eprintln!("exported {n} transcripts to {}", dest.display());
                n
            };
            pool.close().await;
            let _ = n;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { db } => {
            let findings = store::maintain::check(&db.db).await?;
            let mut ok = true;
            for f in &findings {
                match &f.problem {
                    None => println!("ok       {}: {}", f.what, f.detail),
                    Some(p) => {
                        ok = false;
                        println!("PROBLEM  {}: {p}", f.what);
                    }
                }
            }
            println!(
                "{}",
                if ok {
                    "the archive is sound"
                } else {
                    "the archive has problems (above); restore a backup or follow each line's advice"
                }
            );
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::User { action } => {
            let (db, name, stdin, add) = match action {
                UserAction::Add {
                    db,
                    name,
                    password_stdin,
                } => (db, name, password_stdin, true),
                UserAction::Passwd {
                    db,
                    name,
                    password_stdin,
                } => (db, name, password_stdin, false),
            };
            let password = read_password(stdin).map_err(anyhow::Error::msg)?;
            let pool = store::open(&db.db).await?;
            if add {
                store::editors::add_editor(&pool, &name, &password).await?;
                println!("added editor {name}");
            } else if store::editors::set_password(&pool, &name, &password).await? {
                println!("changed the password of {name}");
            } else {
                eprintln!("stenogram: no editor named {name}");
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            action: TokenAction::Create { db, name },
        } => {
            let pool = store::open(&db.db).await?;
            let token = store::editors::create_token(&pool, &name).await?;
            eprintln!("API token {name:?} created; it is shown once:");
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! `synthwatch ingest`, `results` and `quarantine`: one-shot ingest through
//! the daemon's pipeline, published results, and the quarantine.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::Serialize;
use time::OffsetDateTime;

use crate::ingest::{RawMessage, RawSink, Transport};
use crate::pipeline::{step, WorkerConfig};
use crate::store::{ResultFilter, ResultRow, SampleKind, SampleRef};

use super::runtime::{
    init_logging, load_config, open_store, pipeline_context, runtime, CliResult, StoreArgs,
};

/// Arguments of `synthwatch ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Store, configuration and logging options.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Source name stored with the files.
    #[arg(long, default_value = "cli")]
    pub source: String,
    /// Files to ingest (any format `parse` reads).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Arguments of `synthwatch results`.
#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    /// Store, configuration and logging options.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this sample (lab accession, police reference or drug-service code).
    #[arg(long)]
    pub sample: Option<String>,
    /// Only results published at or after this RFC 3339 time.
    #[arg(long)]
    pub since: Option<String>,
    /// Every version, not only each sample's latest.
    #[arg(long)]
    pub history: bool,
    /// One JSON object per result.
    #[arg(long)]
    pub json: bool,
}

/// `synthwatch quarantine …`.
#[derive(Debug, clap::Args)]
pub struct QuarantineArgs {
    /// Store, configuration and logging options.
    #[command(flatten)]
    pub store: StoreArgs,
    /// What to do.
    #[command(subcommand)]
    pub action: QuarantineAction,
}

/// Quarantine actions.
#[derive(Debug, clap::Subcommand)]
pub enum QuarantineAction {
    /// List quarantined input, newest first (sizes, digests and reasons;
    /// never the bytes).
    List {
        /// At most this many entries.
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Only entries with an id below this (the next page).
        #[arg(long)]
        before: Option<i64>,
    },
    /// Queue a quarantined raw message again (after a fix).
    Replay {
        /// Quarantine entry id (from `list`).
        id: i64,
    },
}

/// A published result as printed.
#[derive(Serialize)]
pub struct ResultLine<'a> {
    sample: &'a str,
    kind: &'a str,
    source: &'a str,
    status: &'a str,
    class_flags: &'a [String],
    summary: &'a str,
    caveats: &'a [String],
    evidential: bool,
    marking: &'a str,
    version: i64,
    published_at: String,
}

fn line(r: &ResultRow) -> ResultLine<'_> {
    ResultLine {
        sample: &r.sample.reference,
        kind: r.sample.kind.as_str(),
        source: &r.source,
        status: r.status.as_str(),
        class_flags: &r.class_flags,
        summary: &r.summary,
        caveats: &r.caveats,
        evidential: r.evidential,
        marking: &r.marking,
        version: r.version,
        published_at: r
            .published_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

fn finish(result: CliResult<i32>, command: &str) -> i32 {
    result.unwrap_or_else(|e| {
        eprintln!("synthwatch {command}: {e}");
        2
    })
}

/// `synthwatch ingest FILE…`: commit each file, then process the queue.
pub fn ingest(args: &IngestArgs) -> i32 {
    finish(
        load_config(&args.store).and_then(|config| {
            init_logging(&config);
            runtime()?.block_on(async {
                let store = open_store(&config).await?;
                let ctx = pipeline_context(&config, store.clone())?;
                let started = OffsetDateTime::now_utc();
                let mut failed = 0;
                let mut stored = Vec::new();
                for path in &args.files {
                    let bytes = match std::fs::read(path) {
                        Ok(b) => b,
                        Err(e) => {
                            eprintln!("{}: cannot read: {e}", path.display());
                            failed += 1;
                            continue;
                        }
                    };
                    let message = RawMessage {
                        source: args.source.clone(),
                        transport: Transport::Cli,
                        received_at: SystemTime::now(),
                        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
                        bytes,
                    };
                    match store.commit(message).await {
                        Ok(c) if c.duplicate => {
                            eprintln!("{}: already stored (raw {})", path.display(), c.id)
                        }
                        Ok(c) => {
                            eprintln!("{}: stored (raw {})", path.display(), c.id);
                            stored.push((path, c.id));
                        }
                        Err(e) => {
                            eprintln!("{}: not stored: {e}", path.display());
                            failed += 1;
                        }
                    }
                }
                let bar = progress(args.files.len());
                let config = WorkerConfig {
                    workers: 1,
                    retry_after: Duration::from_secs(config.pipeline.retry_after_secs),
                    idle_poll: Duration::ZERO,
                };
                while step(&ctx, "ingest", config).await {
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                }
                if let Some(b) = bar {
                    b.finish_and_clear();
                }
                for (path, id) in stored {
                    let note = store
                        .read_in_part_note(id)
                        .await
                        .map_err(|e| e.to_string())?;
                    if let Some(note) = note {
                        eprintln!("{}: {note}", path.display());
                    }
                }
                let filter = ResultFilter {
                    sample: None,
                    since: Some(started),
                    latest_only: true,
                };
                let mut rows = store.results(&filter).await.map_err(|e| e.to_string())?;
                if rows.is_empty() {
                    // Nothing new (everything was already stored): show what is published.
                    eprintln!("no new indication; the latest published ones follow");
                    let all = ResultFilter {
                        sample: None,
                        since: None,
                        latest_only: true,
                    };
                    rows = store.results(&all).await.map_err(|e| e.to_string())?;
                }
                print_results(&rows, true).map_err(|e| e.to_string())?;
                let counts = store.queue_counts().await.map_err(|e| e.to_string())?;
                if counts.quarantined > 0 {
                    eprintln!(
                        "{} message(s) in quarantine: `synthwatch quarantine list`",
                        counts.quarantined
                    );
                }
                Ok(i32::from(failed > 0))
            })
        }),
        "ingest",
    )
}

fn progress(n: usize) -> Option<indicatif::ProgressBar> {
    std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(n as u64))
}

/// `synthwatch results`.
pub fn results(args: &ResultsArgs) -> i32 {
    finish(
        load_config(&args.store).and_then(|config| {
            runtime()?.block_on(async {
                let store = open_store(&config).await?;
                let since = match &args.since {
                    Some(t) => Some(
                        OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                            .map_err(|e| {
                                format!(
                                    "--since {t}: expected RFC 3339 (2026-12-01T09:00:00Z): {e}"
                                )
                            })?,
                    ),
                    None => None,
                };
                let mut rows = Vec::new();
                let kinds = [
                    SampleKind::Clinical,
                    SampleKind::Seizure,
                    SampleKind::DrugChecking,
                ];
                let samples: Vec<Option<SampleRef>> = match &args.sample {
                    Some(r) => kinds
                        .iter()
                        .map(|&kind| {
                            Some(SampleRef {
                                kind,
                                reference: r.clone(),
                            })
                        })
                        .collect(),
                    None => vec![None],
                };
                for sample in samples {
                    let filter = ResultFilter {
                        sample,
                        since,
                        latest_only: !args.history,
                    };
                    rows.extend(store.results(&filter).await.map_err(|e| e.to_string())?);
                }
                print_results(&rows, args.json).map_err(|e| e.to_string())?;
                Ok(0)
            })
        }),
        "results",
    )
}

fn print_results(rows: &[ResultRow], json: bool) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for r in rows {
        let l = line(r);
        if json {
            writeln!(out, "{}", serde_json::to_string(&l).unwrap_or_default())?;
        } else {
            writeln!(
                out,
                "{} {} v{} [{}] {} — {}",
                l.kind, l.sample, l.version, l.status, l.summary, l.marking
            )?;
        }
    }
    Ok(())
}

/// `synthwatch quarantine list|replay`.
pub fn quarantine(args: &QuarantineArgs) -> i32 {
    finish(
        load_config(&args.store).and_then(|config| {
            runtime()?.block_on(async {
                let store = open_store(&config).await?;
                match args.action {
                    QuarantineAction::List { limit, before } => {
                        let entries = store
                            .list_quarantine_page(before, limit)
                            .await
                            .map_err(|e| e.to_string())?;
                        let full = entries.len() as i64 == limit;
                        let last = entries.last().map(|e| e.id);
                        for e in entries {
                            println!(
                                "{}\traw={}\tsource={}\tstage={}\tbytes={}\tsha256={}\treplayed={}\treason={}",
                                e.id,
                                e.raw_message_id.map_or("-".to_owned(), |r| r.to_string()),
                                e.source.as_deref().unwrap_or("-"),
                                e.stage,
                                e.byte_len,
                                e.sha256,
                                e.replayed_at.is_some(),
                                e.reason
                            );
                        }
                        if let (true, Some(last)) = (full, last) {
                            eprintln!("(more entries may follow: --before {last})");
                        }
                        Ok(0)
                    }
                    QuarantineAction::Replay { id } => {
                        let raw = store.replay(id).await.map_err(|e| e.to_string())?;
                        println!("quarantine entry {id}: raw message {raw} queued again");
                        Ok(0)
                    }
                }
            })
        }),
        "quarantine",
    )
}

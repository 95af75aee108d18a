//! What the daemon-side commands share: configuration with command-line
//! overrides, logging, opening the store, building the screener.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Config, FolderSource, SourceConfig};
use crate::library::Library;
use crate::matching::scores::Method;
use crate::matching::Tolerance;
use crate::pipeline::{Context, SampleKinds};
use crate::screen::{ScreenConfig, Screener, SearchKind};
use crate::store::{PatientKeyer, SampleKind, Store};

/// Options every store command takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArgs {
    /// Configuration file (TOML); without it the built-in default is used.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (embedded store, patient-key file, inbox).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database: `sqlite` (embedded in the data dir) or a `sqlite://…` / `postgres://…` URL.
    #[arg(long, global = true)]
    pub db: Option<String>,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    pub log_json: bool,
}

/// Load the configuration and apply the command-line overrides.
pub fn load_config(args: &StoreArgs) -> CliResult<Config> {
    let mut config = match &args.config {
        Some(path) => Config::load(path).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    if let Some(dir) = &args.data_dir {
        // Default folders follow the data dir when it moves.
        for s in &mut config.sources {
            if let SourceConfig::Folder(f) | SourceConfig::StripFolder(f) = s {
                if let Ok(rest) = f.inbox.strip_prefix(&config.data_dir) {
                    f.inbox = dir.join(rest);
                }
            }
        }
        config.data_dir = dir.clone();
    }
    if let Some(db) = &args.db {
        config.db = db.clone();
    }
    if args.log_json {
        config.log.format = "json".to_owned();
    }
    Ok(config)
}

/// A command's result; the error is the message for the operator.
pub type CliResult<T> = Result<T, String>;

/// Start logging once (human on a terminal, JSON when configured).
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if config.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Open the configured store (creating the data dir for the embedded one).
pub async fn open_store(config: &Config) -> CliResult<Store> {
    let store = if config.is_embedded() {
        Store::open_sqlite(&config.data_dir).await
    } else {
        Store::open_url(&config.db).await
    };
    store.map_err(|e| format!("cannot open the store ({}): {e}", db_label(config)))
}

/// Where the data lives, for messages (a URL's password is not shown).
pub fn db_label(config: &Config) -> String {
    if config.is_embedded() {
        config.data_dir.join("synthwatch.db").display().to_string()
    } else {
        match config.db.split_once('@') {
            Some((scheme_user, host)) => {
                let scheme = scheme_user.split("://").next().unwrap_or("db");
                format!("{scheme}://…@{host}")
            }
            None => config.db.clone(),
        }
    }
}

/// The screening configuration from the file.
pub fn screen_config(config: &Config) -> CliResult<ScreenConfig> {
    let m = &config.matching;
    let method: Method = m
        .method
        .parse()
        .map_err(|e| format!("matching.method: {e}"))?;
    let search = match m.search.as_str() {
        "identity" => SearchKind::Identity,
        "open" => SearchKind::Open,
        "hybrid" => SearchKind::Hybrid,
        other => {
            return Err(format!(
                "matching.search: unknown `{other}` (identity, open, hybrid)"
            ))
        }
    };
    Ok(ScreenConfig {
        method,
        search,
        top_n: m.top,
        min_score: m.min_score,
        precursor_tolerance: Tolerance::Ppm(m.precursor_ppm),
        fragment_tolerance: Tolerance::Da(m.fragment_da),
    })
}

/// Everything workers need.
pub fn pipeline_context(config: &Config, store: Store) -> CliResult<Arc<Context>> {
    let screen = screen_config(config)?;
    let library = if config.matching.libraries.is_empty() {
        None
    } else {
        Some(Library::load(&config.matching.libraries).map_err(|e| e.to_string())?)
    };
    let screener = Screener::new(library, screen).map_err(|e| e.to_string())?;
    let keyer = PatientKeyer::from_key_file(&config.patient_key_path()).map_err(|e| {
        format!(
            "patient-key file {}: {e}",
            config.patient_key_path().display()
        )
    })?;
    let mut kinds = SampleKinds::default();
    for s in &config.sources {
        if let SourceConfig::StripFolder(FolderSource { name, .. }) = s {
            kinds.0.insert(name.clone(), SampleKind::DrugChecking);
        }
    }
    let config_hash = format!(
        "{:016x}",
        crate::library::fnv1a(format!("{screen:?}|{}", screener.rules_version()).as_bytes())
    );
    Ok(Arc::new(Context {
        store,
        screener,
        keyer,
        kinds,
        config_hash,
    }))
}

/// A runtime for one command.
pub fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

//! `synthwatch serve` configuration: one TOML file, unknown keys rejected with
//! their name, sources as a tagged list, and a built-in default so that
//! `synthwatch serve` with no arguments runs on an embedded store in
//! `./synthwatch-data` with an inbox folder and loopback MLLP and ASTM listeners.

mod sources;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use sources::{FolderSource, MllpSource, SerialSource, SourceConfig, TcpAstmSource};

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the embedded store, the patient-key file and default folders live.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// `sqlite` (embedded, in `data_dir`) or a `sqlite://…` / `postgres://…` URL.
    #[serde(default = "default_db")]
    pub db: String,
    /// File holding the secret key for pseudonymous patient keys; created
    /// (0600) when missing. Default: `data_dir/patient-key`.
    #[serde(default)]
    pub patient_key_file: Option<PathBuf>,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
    /// Processing workers.
    #[serde(default)]
    pub pipeline: PipelineConfig,
    /// Matching.
    #[serde(default)]
    pub matching: MatchingConfig,
    /// Instrument and folder sources.
    #[serde(default = "default_sources")]
    pub sources: Vec<SourceConfig>,
}

/// Log output.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `human` (default on a terminal) or `json`.
    #[serde(default = "default_log_format")]
    pub format: String,
    /// `error`, `warn`, `info` (default), `debug`, `trace`, or a tracing filter.
    #[serde(default = "default_log_level")]
    pub level: String,
}

/// Workers that take stored raw messages through parse → match → publish.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Worker tasks.
    #[serde(default = "default_workers")]
    pub workers: usize,
    /// Attempts before a message that keeps failing goes to quarantine.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Seconds before a failed message is retried.
    #[serde(default = "default_retry")]
    pub retry_after_secs: u64,
}

/// Library search settings (as `synthwatch match`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MatchingConfig {
    /// Spectral library files.
    #[serde(default)]
    pub libraries: Vec<PathBuf>,
    /// `entropy`, `unweighted-entropy`, `cosine`, `nist-mf`, `nist-rmf`.
    #[serde(default = "default_method")]
    pub method: String,
    /// `identity`, `open` or `hybrid`.
    #[serde(default = "default_search")]
    pub search: String,
    /// Library hits kept.
    #[serde(default = "default_top")]
    pub top: usize,
    /// Lowest library score kept.
    #[serde(default)]
    pub min_score: f64,
    /// Precursor window, ppm.
    #[serde(default = "default_precursor_ppm")]
    pub precursor_ppm: f64,
    /// Fragment window, Da.
    #[serde(default = "default_fragment_da")]
    pub fragment_da: f64,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read configuration: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key (its name is in the message).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What toml said: the key, line and column.
        message: String,
    },
    /// Two sources share a name, or a value is out of range.
    #[error("{path}: {message}")]
    Inconsistent {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: default_data_dir(),
            db: default_db(),
            patient_key_file: None,
            log: LogConfig::default(),
            pipeline: PipelineConfig::default(),
            matching: MatchingConfig::default(),
            sources: default_sources(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: default_log_format(),
            level: default_log_level(),
        }
    }
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            workers: default_workers(),
            max_attempts: default_attempts(),
            retry_after_secs: default_retry(),
        }
    }
}

impl Default for MatchingConfig {
    fn default() -> Self {
        MatchingConfig {
            libraries: Vec::new(),
            method: default_method(),
            search: default_search(),
            top: default_top(),
            min_score: 0.0,
            precursor_ppm: default_precursor_ppm(),
            fragment_da: default_fragment_da(),
        }
    }
}

impl Config {
    /// Read and check a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: name.clone(),
            source,
        })?;
        Config::from_toml(&text, &name)
    }

    /// Parse and check TOML text; `name` labels errors.
    pub fn from_toml(text: &str, name: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: name.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.check(name)?;
        Ok(config)
    }

    fn check(&self, name: &str) -> Result<(), ConfigError> {
        let bad = |message: String| ConfigError::Inconsistent {
            path: name.to_owned(),
            message,
        };
        let mut seen = std::collections::HashSet::new();
        for s in &self.sources {
            if !seen.insert(s.name()) {
                return Err(bad(format!("two sources are named `{}`", s.name())));
            }
        }
        if self.pipeline.workers == 0 {
            return Err(bad("pipeline.workers must be at least 1".to_owned()));
        }
        if self.pipeline.max_attempts == 0 {
            return Err(bad("pipeline.max_attempts must be at least 1".to_owned()));
        }
        Ok(())
    }

    /// The patient-key file in use.
    pub fn patient_key_path(&self) -> PathBuf {
        self.patient_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("patient-key"))
    }

    /// The database URL in use (`sqlite` means the embedded store in `data_dir`).
    pub fn is_embedded(&self) -> bool {
        self.db == "sqlite"
    }
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("synthwatch-data")
}
fn default_db() -> String {
    "sqlite".to_owned()
}
fn default_log_format() -> String {
    "human".to_owned()
}
fn default_log_level() -> String {
    "info".to_owned()
}
fn default_workers() -> usize {
    2
}
fn default_attempts() -> u32 {
    5
}
fn default_retry() -> u64 {
    5
}
fn default_method() -> String {
    "entropy".to_owned()
}
fn default_search() -> String {
    "identity".to_owned()
}
fn default_top() -> usize {
    5
}
fn default_precursor_ppm() -> f64 {
    10.0
}
fn default_fragment_da() -> f64 {
    0.02
}

/// The built-in sources: an inbox folder in the data dir, MLLP on
/// 127.0.0.1:2575 and ASTM over TCP on 127.0.0.1:5200 (loopback only).
fn default_sources() -> Vec<SourceConfig> {
    sources::defaults()
}

#[cfg(test)]
mod tests;

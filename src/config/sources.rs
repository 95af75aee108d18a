//! Source entries of the configuration: a tagged list (`kind = "mllp"` …).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// One configured source.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceConfig {
    /// HL7 v2 over MLLP (TCP server).
    Mllp(MllpSource),
    /// ASTM E1381 over TCP (server; instruments connect to it).
    AstmTcp(TcpAstmSource),
    /// ASTM E1381 over an RS-232 serial port.
    AstmSerial(SerialSource),
    /// An export folder (instrument files).
    Folder(FolderSource),
    /// A strip-scanner folder (CSV exports and photos).
    StripFolder(FolderSource),
}

impl SourceConfig {
    /// The source's configured name.
    pub fn name(&self) -> &str {
        match self {
            SourceConfig::Mllp(s) => &s.name,
            SourceConfig::AstmTcp(s) => &s.name,
            SourceConfig::AstmSerial(s) => &s.name,
            SourceConfig::Folder(s) | SourceConfig::StripFolder(s) => &s.name,
        }
    }
}

/// `kind = "mllp"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MllpSource {
    /// Source name stored with every message.
    pub name: String,
    /// Listen address.
    pub addr: SocketAddr,
    /// Largest frame accepted, bytes.
    #[serde(default = "default_frame")]
    pub max_frame_bytes: usize,
    /// Most simultaneous connections.
    #[serde(default = "default_connections")]
    pub max_connections: usize,
    /// Seconds of silence before a connection is closed.
    #[serde(default = "default_idle")]
    pub idle_timeout_secs: u64,
}

/// `kind = "astm_tcp"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TcpAstmSource {
    /// Source name.
    pub name: String,
    /// Listen address.
    pub addr: SocketAddr,
    /// Most simultaneous connections.
    #[serde(default = "default_astm_connections")]
    pub max_connections: usize,
}

/// `kind = "astm_serial"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SerialSource {
    /// Source name.
    pub name: String,
    /// Device path (`/dev/ttyUSB0`, `/dev/serial/by-id/…` survives re-enumeration).
    pub path: String,
    /// Baud rate.
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// Data bits: 7 or 8.
    #[serde(default = "default_data_bits")]
    pub data_bits: u8,
    /// `none`, `even` or `odd`.
    #[serde(default = "default_parity")]
    pub parity: String,
    /// 1 or 2.
    #[serde(default = "default_stop_bits")]
    pub stop_bits: u8,
    /// `none`, `software` or `hardware`.
    #[serde(default = "default_flow")]
    pub flow_control: String,
    /// Seconds of silence before a warning.
    #[serde(default = "default_silence")]
    pub silence_warning_secs: u64,
}

/// `kind = "folder"` or `kind = "strip_folder"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FolderSource {
    /// Source name.
    pub name: String,
    /// Watched folder.
    pub inbox: PathBuf,
    /// Where stored files go (default: `inbox/../processed`).
    #[serde(default)]
    pub processed: Option<PathBuf>,
    /// Where unreadable files go (default: `inbox/../quarantine`).
    #[serde(default)]
    pub quarantine: Option<PathBuf>,
    /// Milliseconds a file's size must stay unchanged before it is read.
    #[serde(default = "default_settle")]
    pub settle_ms: u64,
}

impl FolderSource {
    /// The processed folder in use.
    pub fn processed_dir(&self) -> PathBuf {
        self.processed
            .clone()
            .unwrap_or_else(|| sibling(&self.inbox, "processed"))
    }

    /// The quarantine folder in use.
    pub fn quarantine_dir(&self) -> PathBuf {
        self.quarantine
            .clone()
            .unwrap_or_else(|| sibling(&self.inbox, "quarantine"))
    }
}

fn sibling(inbox: &std::path::Path, name: &str) -> PathBuf {
    inbox
        .parent()
        .map_or_else(|| PathBuf::from(name), |p| p.join(name))
}

fn default_frame() -> usize {
    1 << 20
}
fn default_connections() -> usize {
    16
}
fn default_astm_connections() -> usize {
    4
}
fn default_idle() -> u64 {
    600
}
fn default_baud() -> u32 {
    9600
}
fn default_data_bits() -> u8 {
    8
}
fn default_parity() -> String {
    "none".to_owned()
}
fn default_stop_bits() -> u8 {
    1
}
fn default_flow() -> String {
    "none".to_owned()
}
fn default_silence() -> u64 {
    3600
}
fn default_settle() -> u64 {
    1000
}

/// Inbox in `./synthwatch-data/inbox`, MLLP 127.0.0.1:2575, ASTM TCP 127.0.0.1:5200.
pub(super) fn defaults() -> Vec<SourceConfig> {
    vec![
        SourceConfig::Folder(FolderSource {
            name: "inbox".to_owned(),
            inbox: PathBuf::from("synthwatch-data/inbox"),
            processed: None,
            quarantine: None,
            settle_ms: default_settle(),
        }),
        SourceConfig::Mllp(MllpSource {
            name: "hl7".to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 2575)),
            max_frame_bytes: default_frame(),
            max_connections: default_connections(),
            idle_timeout_secs: default_idle(),
        }),
        SourceConfig::AstmTcp(TcpAstmSource {
            name: "astm".to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 5200)),
            max_connections: default_astm_connections(),
        }),
    ]
}

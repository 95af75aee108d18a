//! Pseudonymous patient keys: HMAC-SHA-256 of a normalised identifier under
//! a secret key held in a local file. Partnership tables only ever see the
//! key, so linking a patient's samples needs no identifier and the key file
//! is the one secret to guard.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Secret length in bytes when a key file is created.
const KEY_BYTES: usize = 32;

/// Why the key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading, creating or writing the key file failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file does not hold at least 32 bytes as hex.
    #[error("key file {0} must hold at least 64 hex digits")]
    Malformed(PathBuf),
    /// Group or others may read the key file (Unix); it must be 0600.
    #[error("key file {0} is readable by group or others; chmod 600 it")]
    Permissions(PathBuf),
}

/// Computes patient keys. The secret is never printed (`Debug` hides it).
#[derive(Clone)]
pub struct PatientKeyer {
    // The keyed state after absorbing the secret; cloned per identifier.
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for PatientKeyer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientKeyer { secret: <hidden> }")
    }
}

/// Normalises an identifier before keying: trimmed, upper-cased, all
/// whitespace removed, so "943 476 5919" and "9434765919 " key alike.
pub fn normalise_identifier(identifier: &str) -> String {
    identifier
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl PatientKeyer {
    /// Loads the secret from `path`: hex text (64+ digits; whitespace
    /// ignored). If the file does not exist it is created with mode 0600
    /// holding 32 bytes from `/dev/urandom`. An existing file readable by
    /// group or others is refused.
    pub fn from_key_file(path: &Path) -> Result<PatientKeyer, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        };
        if !path.exists() {
            create_key_file(path).map_err(io)?;
        }
        check_permissions(path)?;
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(io)?;
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let secret = hex::decode(&digits).map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
        if secret.len() < KEY_BYTES {
            return Err(KeyError::Malformed(path.to_path_buf()));
        }
        PatientKeyer::from_secret(&secret).ok_or_else(|| KeyError::Malformed(path.to_path_buf()))
    }

    fn from_secret(secret: &[u8]) -> Option<PatientKeyer> {
        let mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
        Some(PatientKeyer { mac })
    }

    /// The patient key: lowercase hex HMAC-SHA-256 of the normalised
    /// identifier. The identifier itself is neither stored nor logged.
    pub fn key(&self, identifier: &str) -> String {
        let normalised = normalise_identifier(identifier);
        let mut mac = self.mac.clone();
        mac.update(normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn create_key_file(path: &Path) -> std::io::Result<()> {
    let mut secret = [0u8; KEY_BYTES];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    // create_new: never overwrite a key another process just wrote.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{}", hex::encode(secret))?;
    file.sync_all()
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(KeyError::Permissions(path.to_path_buf()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_before_keying() {
        assert_eq!(normalise_identifier(" 943 476\t5919 "), "9434765919");
        assert_eq!(normalise_identifier("ab12 cd"), "AB12CD");
        let keyer = PatientKeyer::from_secret(&[7; 32]).unwrap();
        assert_eq!(keyer.key("ab 12"), keyer.key(" AB12"));
        assert_ne!(keyer.key("AB12"), keyer.key("AB13"));
        assert_eq!(keyer.key("x").len(), 64);
    }

    #[test]
    fn debug_hides_secret() {
        let keyer = PatientKeyer::from_secret(&[0xab; 32]).unwrap();
        assert!(!format!("{keyer:?}").contains("ab"));
    }
}

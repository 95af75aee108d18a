//! Samples and what workers derive from raw messages: observations,
//! spectra and findings.

use time::OffsetDateTime;

use super::types::{FindingKind, SampleKind};
use super::{clock, Store, StoreError, Unit};

/// A sample as the partnership knows it: its kind and the external
/// reference that kind carries (lab accession, police exhibit or seizure
/// reference, drug-service code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SampleRef {
    /// Kind of sample; selects which reference column is used.
    pub kind: SampleKind,
    /// The external reference.
    pub reference: String,
}

impl SampleRef {
    /// The column holding this kind's reference (a closed set, safe to splice).
    pub(crate) fn column(&self) -> &'static str {
        match self.kind {
            SampleKind::Clinical => "lab_accession",
            SampleKind::Seizure => "police_reference",
            SampleKind::DrugChecking => "drug_service_code",
        }
    }
}

/// A sample to find or create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSample {
    /// Kind and external reference (the lookup key).
    pub reference: SampleRef,
    /// Source that first reported it.
    pub source: String,
    /// Keyed pseudonym from [`super::PatientKeyer::key`] (64 hex digits); never an identifier.
    pub patient_key: Option<String>,
}

/// A lab result row to store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewObservation {
    /// The sample.
    pub sample_id: i64,
    /// The raw message it came from.
    pub raw_message_id: Option<i64>,
    /// Test code as sent (e.g. OBX-3 identifier).
    pub test_code: String,
    /// Test name as sent.
    pub test_name: Option<String>,
    /// Value as text.
    pub value: Option<String>,
    /// Units.
    pub units: Option<String>,
    /// Reference range as sent.
    pub reference_range: Option<String>,
    /// Abnormal flag as sent.
    pub abnormal_flag: Option<String>,
    /// Result status as sent (e.g. HL7 OBX-11 `F`, `C`).
    pub status: Option<String>,
    /// When observed.
    pub observed_at: Option<OffsetDateTime>,
    /// True for a correction of an earlier result.
    pub corrected: bool,
}

/// A mass spectrum to store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewSpectrum {
    /// The sample.
    pub sample_id: i64,
    /// The raw message it came from.
    pub raw_message_id: Option<i64>,
    /// Position within the raw message (0-based).
    pub index: i64,
    /// Title or scan description.
    pub title: Option<String>,
    /// Precursor m/z for MS/MS.
    pub precursor_mz: Option<f64>,
    /// (m/z, intensity) pairs.
    pub peaks: Vec<(f64, f64)>,
}

/// A finding to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// The sample.
    pub sample_id: i64,
    /// The spectrum it concerns, if any.
    pub spectrum_id: Option<i64>,
    /// The raw message it was derived from, if any.
    pub raw_message_id: Option<i64>,
    /// What kind of finding.
    pub kind: FindingKind,
    /// The evidence (scores, matched peaks, rule ids…) as JSON.
    pub evidence: serde_json::Value,
    /// Engine version that produced it.
    pub engine_version: String,
    /// Library content version, if a library was used.
    pub library_version: Option<String>,
    /// Hash of the matching configuration.
    pub config_hash: String,
}

/// Encodes peaks as little-endian f64 (m/z, intensity) pairs, 16 bytes each.
pub fn encode_peaks(peaks: &[(f64, f64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(peaks.len() * 16);
    for (mz, intensity) in peaks {
        out.extend_from_slice(&mz.to_le_bytes());
        out.extend_from_slice(&intensity.to_le_bytes());
    }
    out
}

/// Decodes [`encode_peaks`] output; `None` if the length is not a multiple of 16.
pub fn decode_peaks(bytes: &[u8]) -> Option<Vec<(f64, f64)>> {
    let chunks = bytes.chunks_exact(16);
    if !chunks.remainder().is_empty() {
        return None;
    }
    let f = |b: &[u8]| b.try_into().ok().map(f64::from_le_bytes);
    chunks.map(|c| Some((f(&c[..8])?, f(&c[8..])?))).collect()
}

fn is_patient_key(k: &str) -> bool {
    k.len() == 64
        && k.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Unit {
    /// Finds the sample by kind and reference, creating it if new, and
    /// returns its id. A patient key is added to a sample that lacks one.
    pub async fn upsert_sample(&mut self, sample: &NewSample) -> Result<i64, StoreError> {
        if let Some(k) = &sample.patient_key {
            if !is_patient_key(k) {
                // Guard against an identifier slipping in unkeyed.
                return Err(StoreError::Invalid(
                    "patient_key must be 64 lowercase hex digits".into(),
                ));
            }
        }
        let col = sample.reference.column();
        let insert = format!(
            "INSERT INTO samples (kind, source, {col}, patient_key, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id"
        );
        let select = format!("SELECT id FROM samples WHERE kind = $1 AND {col} = $2");
        let kind = sample.reference.kind.as_str();
        let now = clock::now();
        on_unit!(self, conn => {
            let inserted: Option<i64> = sqlx::query_scalar(&insert)
                .bind(kind)
                .bind(sample.source.as_str())
                .bind(sample.reference.reference.as_str())
                .bind(sample.patient_key.as_deref())
                .bind(now.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            let id = match inserted {
                Some(id) => id,
                None => {
                    let id: i64 = sqlx::query_scalar(&select)
                        .bind(kind)
                        .bind(sample.reference.reference.as_str())
                        .fetch_one(&mut *conn)
                        .await?;
                    if let Some(k) = &sample.patient_key {
                        sqlx::query("UPDATE samples SET patient_key = $2 WHERE id = $1 AND patient_key IS NULL")
                            .bind(id)
                            .bind(k.as_str())
                            .execute(&mut *conn)
                            .await?;
                    }
                    id
                }
            };
            Ok(id)
        })
    }

    /// Stores a lab result as the next version of (sample, test code) and
    /// returns `(observation id, version)`.
    pub async fn insert_observation(
        &mut self,
        o: &NewObservation,
    ) -> Result<(i64, i64), StoreError> {
        let now = clock::now();
        let observed_at = o.observed_at.map(clock::format);
        on_unit!(self, conn => {
            // Version and insert in one statement: one round trip per row.
            let (id, version): (i64, i64) = sqlx::query_as(
                "INSERT INTO observations (sample_id, raw_message_id, test_code, test_name, value, \
                 units, reference_range, abnormal_flag, status, observed_at, version, corrected, \
                 created_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                 COALESCE(MAX(version), 0) + 1, $11, $12 FROM observations \
                 WHERE sample_id = $1 AND test_code = $3 RETURNING id, version",
            )
            .bind(o.sample_id)
            .bind(o.raw_message_id)
            .bind(o.test_code.as_str())
            .bind(o.test_name.as_deref())
            .bind(o.value.as_deref())
            .bind(o.units.as_deref())
            .bind(o.reference_range.as_deref())
            .bind(o.abnormal_flag.as_deref())
            .bind(o.status.as_deref())
            .bind(observed_at.as_deref())
            .bind(o.corrected)
            .bind(now.as_str())
            .fetch_one(&mut *conn)
            .await?;
            Ok((id, version))
        })
    }

    /// The latest version of each test of a sample, as `(test code, test
    /// name, value)`, ordered by test code: the sample's current state when
    /// several messages (and corrections) report on it.
    pub async fn latest_observations(
        &mut self,
        sample_id: i64,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, StoreError> {
        let rows: Vec<(String, Option<String>, Option<String>)> = on_unit!(self, conn => {
            sqlx::query_as(
                "SELECT o.test_code, o.test_name, o.value FROM observations o \
                 WHERE o.sample_id = $1 AND o.version = (SELECT MAX(x.version) \
                 FROM observations x WHERE x.sample_id = o.sample_id AND x.test_code = o.test_code) \
                 ORDER BY o.test_code",
            )
            .bind(sample_id)
            .fetch_all(&mut *conn)
            .await?
        });
        Ok(rows)
    }

    /// The evidence (JSON) of a sample's findings of `kind` that came from
    /// raw messages other than `except_raw`, oldest first.
    pub async fn earlier_evidence(
        &mut self,
        sample_id: i64,
        kind: FindingKind,
        except_raw: i64,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        let rows: Vec<String> = on_unit!(self, conn => {
            sqlx::query_scalar(
                "SELECT evidence FROM findings WHERE sample_id = $1 AND kind = $2 \
                 AND (raw_message_id IS NULL OR raw_message_id <> $3) ORDER BY id",
            )
            .bind(sample_id)
            .bind(kind.as_str())
            .bind(except_raw)
            .fetch_all(&mut *conn)
            .await?
        });
        rows.iter()
            .map(|e| serde_json::from_str(e).map_err(StoreError::from))
            .collect()
    }

    /// Stores a spectrum and returns its id.
    pub async fn insert_spectrum(&mut self, s: &NewSpectrum) -> Result<i64, StoreError> {
        let now = clock::now();
        let peaks = encode_peaks(&s.peaks);
        Ok(on_unit!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO spectra (sample_id, raw_message_id, spectrum_index, title, \
                 precursor_mz, n_peaks, peaks, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(s.sample_id)
            .bind(s.raw_message_id)
            .bind(s.index)
            .bind(s.title.as_deref())
            .bind(s.precursor_mz)
            .bind(s.peaks.len() as i64)
            .bind(peaks.as_slice())
            .bind(now.as_str())
            .fetch_one(&mut *conn)
            .await?
        }))
    }

    /// Stores a finding and returns its id.
    pub async fn insert_finding(&mut self, f: &NewFinding) -> Result<i64, StoreError> {
        let now = clock::now();
        let evidence = serde_json::to_string(&f.evidence)?;
        Ok(on_unit!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO findings (sample_id, spectrum_id, raw_message_id, kind, evidence, \
                 engine_version, library_version, config_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(f.sample_id)
            .bind(f.spectrum_id)
            .bind(f.raw_message_id)
            .bind(f.kind.as_str())
            .bind(evidence.as_str())
            .bind(f.engine_version.as_str())
            .bind(f.library_version.as_deref())
            .bind(f.config_hash.as_str())
            .bind(now.as_str())
            .fetch_one(&mut *conn)
            .await?
        }))
    }

    /// Deletes the observations, spectra and findings derived from a raw
    /// message, so reprocessing it (after a crash or a replay) does not
    /// duplicate them. Published results are kept (they are versioned).
    pub async fn forget_derived(&mut self, raw_message_id: i64) -> Result<u64, StoreError> {
        on_unit!(self, conn => {
            let mut n = 0;
            for sql in [
                "DELETE FROM findings WHERE raw_message_id = $1 \
                 OR spectrum_id IN (SELECT id FROM spectra WHERE raw_message_id = $1)",
                "DELETE FROM spectra WHERE raw_message_id = $1",
                "DELETE FROM observations WHERE raw_message_id = $1",
            ] {
                n += sqlx::query(sql).bind(raw_message_id).execute(&mut *conn).await?.rows_affected();
            }
            Ok(n)
        })
    }
}

/// The same operations, each committed on its own.
impl Store {
    /// [`Unit::upsert_sample`] in its own transaction.
    pub async fn upsert_sample(&self, sample: &NewSample) -> Result<i64, StoreError> {
        in_own_unit!(self, |u| u.upsert_sample(sample))
    }

    /// [`Unit::insert_observation`] in its own transaction.
    pub async fn insert_observation(&self, o: &NewObservation) -> Result<(i64, i64), StoreError> {
        in_own_unit!(self, |u| u.insert_observation(o))
    }

    /// [`Unit::forget_derived`] in its own transaction.
    pub async fn forget_derived(&self, raw_message_id: i64) -> Result<u64, StoreError> {
        in_own_unit!(self, |u| u.forget_derived(raw_message_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_round_trip() {
        let peaks = vec![(91.054, 100.0), (188.143, 42.5)];
        let enc = encode_peaks(&peaks);
        assert_eq!(enc.len(), 32);
        assert_eq!(decode_peaks(&enc).unwrap(), peaks);
        assert!(decode_peaks(&enc[..31]).is_none());
    }
}

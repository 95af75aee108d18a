//! Published indications: versioned per sample, idempotent to re-publish,
//! never evidential.

use time::OffsetDateTime;

use super::samples::SampleRef;
use super::types::{ResultStatus, SampleKind};
use super::{clock, Store, StoreError, Unit};

/// The content of an indication to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedResult {
    /// Status.
    pub status: ResultStatus,
    /// Plain-language summary.
    pub summary: String,
    /// Caveats, each a plain-language sentence.
    pub caveats: Vec<String>,
    /// Drug class flags raised (e.g. `nitazene`).
    pub class_flags: Vec<String>,
}

/// What [`Store::publish_result`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The version now current for the sample.
    pub version: i64,
    /// False when the content equalled the latest version (nothing written).
    pub new: bool,
}

/// Which published results to list.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    /// Only this sample.
    pub sample: Option<SampleRef>,
    /// Only results published at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only each sample's latest version.
    pub latest_only: bool,
}

/// One published result with its sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// Sample id.
    pub sample_id: i64,
    /// Sample kind and external reference.
    pub sample: SampleRef,
    /// Source that first reported the sample.
    pub source: String,
    /// Version (1 for the first publication).
    pub version: i64,
    /// Status.
    pub status: ResultStatus,
    /// Plain-language summary.
    pub summary: String,
    /// Caveats.
    pub caveats: Vec<String>,
    /// Drug class flags.
    pub class_flags: Vec<String>,
    /// Always false: an indication is not evidence (schema CHECK).
    pub evidential: bool,
    /// The non-evidential marking to show with it.
    pub marking: String,
    /// When this version was published.
    pub published_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Latest {
    version: i64,
    status: String,
    summary: String,
    caveats: String,
    class_flags: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    sample_id: i64,
    kind: String,
    lab_accession: Option<String>,
    police_reference: Option<String>,
    drug_service_code: Option<String>,
    source: String,
    version: i64,
    status: String,
    summary: String,
    caveats: String,
    class_flags: String,
    evidential: bool,
    marking: String,
    published_at: String,
}

const LIST: &str = "SELECT r.sample_id, s.kind, s.lab_accession, s.police_reference, \
     s.drug_service_code, s.source, r.version, r.status, r.summary, r.caveats, r.class_flags, \
     r.evidential, r.marking, r.published_at \
     FROM results r JOIN samples s ON s.id = r.sample_id \
     WHERE ($1 IS NULL OR s.kind = $1) \
       AND ($2 IS NULL OR s.lab_accession = $2 OR s.police_reference = $2 OR s.drug_service_code = $2) \
       AND ($3 IS NULL OR r.published_at >= $3) \
       AND (NOT $4 OR r.version = (SELECT MAX(x.version) FROM results x WHERE x.sample_id = r.sample_id)) \
     ORDER BY r.published_at, r.sample_id, r.version";

impl Unit {
    /// Publishes an indication for a sample. Content equal to the latest
    /// version returns that version (idempotent); otherwise a new version is
    /// added and the history kept.
    pub async fn publish_result(
        &mut self,
        sample_id: i64,
        result: &PublishedResult,
    ) -> Result<Published, StoreError> {
        let caveats = serde_json::to_string(&result.caveats)?;
        let class_flags = serde_json::to_string(&result.class_flags)?;
        let now = clock::now();
        on_unit!(self, conn => {
            let latest: Option<Latest> = sqlx::query_as(
                "SELECT version, status, summary, caveats, class_flags FROM results \
                 WHERE sample_id = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(sample_id)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(l) = &latest {
                if l.status == result.status.as_str()
                    && l.summary == result.summary
                    && l.caveats == caveats
                    && l.class_flags == class_flags
                {
                    return Ok(Published { version: l.version, new: false });
                }
            }
            let version = latest.map_or(1, |l| l.version + 1);
            sqlx::query(
                "INSERT INTO results (sample_id, version, status, summary, caveats, class_flags, \
                 published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(sample_id)
            .bind(version)
            .bind(result.status.as_str())
            .bind(result.summary.as_str())
            .bind(caveats.as_str())
            .bind(class_flags.as_str())
            .bind(now.as_str())
            .execute(&mut *conn)
            .await?;
            Ok(Published { version, new: true })
        })
    }
}

impl Store {
    /// [`Unit::publish_result`] in its own transaction.
    pub async fn publish_result(
        &self,
        sample_id: i64,
        result: &PublishedResult,
    ) -> Result<Published, StoreError> {
        in_own_unit!(self, |u| u.publish_result(sample_id, result))
    }

    /// Lists published results matching `filter`, oldest first.
    pub async fn results(&self, filter: &ResultFilter) -> Result<Vec<ResultRow>, StoreError> {
        let kind = filter.sample.as_ref().map(|s| s.kind.as_str());
        let reference = filter.sample.as_ref().map(|s| s.reference.as_str());
        let since = filter.since.map(clock::format);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(LIST)
                .bind(kind)
                .bind(reference)
                .bind(since.as_deref())
                .bind(filter.latest_only)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(to_result_row).collect()
    }
}

fn to_result_row(r: Row) -> Result<ResultRow, StoreError> {
    let kind = SampleKind::parse(&r.kind)?;
    let reference = match kind {
        SampleKind::Clinical => r.lab_accession,
        SampleKind::Seizure => r.police_reference,
        SampleKind::DrugChecking => r.drug_service_code,
    }
    .ok_or_else(|| StoreError::Corrupt(format!("sample {} has no reference", r.sample_id)))?;
    let list = |s: &str| -> Result<Vec<String>, StoreError> {
        serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("JSON list: {e}")))
    };
    Ok(ResultRow {
        sample_id: r.sample_id,
        sample: SampleRef { kind, reference },
        source: r.source,
        version: r.version,
        status: ResultStatus::parse(&r.status)?,
        summary: r.summary,
        caveats: list(&r.caveats)?,
        class_flags: list(&r.class_flags)?,
        evidential: r.evidential,
        marking: r.marking,
        published_at: clock::parse(&r.published_at)?,
    })
}

//! One stored raw message → samples, observations, spectra, findings and
//! published indications.

use std::collections::HashMap;

use synthwatch_parsers::lab::{LabMessage, ResultStatus as LabStatus, ResultValue};
use synthwatch_parsers::spectrum::Spectrum;

use crate::decode::{decode, value_text, DecodedInput, Format};
use crate::screen::{
    earlier_comment_findings, LabFindings, Screener, SpectrumFindings, StripFindings,
    ENGINE_VERSION,
};
use crate::store::{
    FindingKind, NewFinding, NewObservation, NewSample, NewSpectrum, PatientKeyer, PublishedResult,
    QueuedMessage, ResultStatus, SampleKind, SampleRef, Stage, Store, StoreError, Unit,
};

use super::summary;

/// Which kind of sample each source's files describe (spectra and strip
/// photos carry no kind of their own); sources not listed give `seizure`.
#[derive(Debug, Clone, Default)]
pub struct SampleKinds(pub HashMap<String, SampleKind>);

impl SampleKinds {
    fn of(&self, source: &str) -> SampleKind {
        self.0.get(source).copied().unwrap_or(SampleKind::Seizure)
    }
}

/// What processing did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Samples touched.
    pub samples: usize,
    /// Indications that were new versions (not identical re-publications).
    pub new_versions: usize,
    /// The message was read only in part (say, an mzML file cut short): what
    /// was read is processed, and this note (the number of unread parts and
    /// the first error, positions and expectations only) is kept on the raw
    /// message as its `last_error`.
    pub read_in_part: Option<String>,
}

/// Why a message could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The content cannot be processed; retrying will not help.
    #[error("{stage} stage: {reason}")]
    Permanent {
        /// Where it failed.
        stage: Stage,
        /// Why (no patient data: positions and expectations only).
        reason: String,
    },
    /// The store failed; retry later.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Everything a worker needs, shared read-only.
pub struct Context {
    /// The store.
    pub store: Store,
    /// The screener (rules, references, library).
    pub screener: Screener,
    /// Patient keying.
    pub keyer: PatientKeyer,
    /// Sample kind per source.
    pub kinds: SampleKinds,
    /// Hash of the matching configuration.
    pub config_hash: String,
}

/// Process one stored raw message and mark it done, all in one unit of work:
/// the message's rows and its `done` mark commit together (one commit per
/// message), or not at all. Decoding and screening run first, outside the
/// transaction, so the SQLite write lock is held only for the writes.
pub async fn process_raw(ctx: &Context, raw: &QueuedMessage) -> Result<Outcome, ProcessError> {
    let plan = Plan::new(ctx, raw)?;
    let mut unit = ctx.store.begin().await?;
    // A crash or failed attempt may have left rows of an earlier attempt.
    unit.forget_derived(raw.id).await?;
    let mut outcome = Outcome {
        read_in_part: read_in_part(&plan.decoded),
        ..Outcome::default()
    };
    for (m, named) in plan.decoded.messages.iter().zip(plan.named) {
        lab_message(ctx, &mut unit, raw, &m.message, named, &mut outcome).await?;
    }
    if !plan.decoded.spectra.is_empty() {
        let found = &plan.spectra;
        spectra(
            ctx,
            &mut unit,
            raw,
            &plan.decoded.spectra,
            found,
            &mut outcome,
        )
        .await?;
    }
    for (reference, f) in &plan.strips {
        strip(ctx, &mut unit, raw, reference, f, &mut outcome).await?;
    }
    let control_id = plan
        .decoded
        .messages
        .iter()
        .find_map(|m| m.message.control_id.as_deref());
    unit.mark_done(raw.id, control_id, outcome.read_in_part.as_deref())
        .await?;
    unit.commit().await?;
    Ok(outcome)
}

/// The CPU half of processing: the decoded input and what screening found.
struct Plan {
    decoded: DecodedInput,
    /// Named-compound findings per lab message.
    named: Vec<Vec<LabFindings>>,
    /// Findings per spectrum.
    spectra: Vec<SpectrumFindings>,
    /// (sample reference, findings) per strip reading or photo.
    strips: Vec<(String, StripFindings)>,
}

impl Plan {
    fn new(ctx: &Context, raw: &QueuedMessage) -> Result<Plan, ProcessError> {
        let decoded = decode(&raw.bytes, Format::Auto);
        if decoded.messages.is_empty()
            && decoded.spectra.is_empty()
            && decoded.strip_readings.is_empty()
            && decoded.strip_photo.is_none()
        {
            let reason = decoded.errors.first().map_or_else(
                || "nothing readable in the input".to_owned(),
                ToString::to_string,
            );
            return Err(ProcessError::Permanent {
                stage: Stage::Parse,
                reason,
            });
        }
        let s = &ctx.screener;
        let named = decoded
            .messages
            .iter()
            .map(|m| s.screen_lab_message(&m.message))
            .collect();
        let spectra = decoded
            .spectra
            .iter()
            .map(|x| s.screen_spectrum(x))
            .collect();
        let readings = decoded
            .strip_readings
            .iter()
            .map(|r| (r.sample_id.clone(), s.screen_strip_reading(r)));
        let photo = decoded.strip_photo.iter().map(|p| {
            let target = synthwatch_parsers::strips::Target::Fentanyl;
            (file_reference(raw), s.screen_strip_photo(p, target))
        });
        let strips = readings.chain(photo).collect();
        Ok(Plan {
            named,
            spectra,
            strips,
            decoded,
        })
    }
}

/// The note for a message decoded with errors beside what it read.
fn read_in_part(decoded: &DecodedInput) -> Option<String> {
    let first = decoded.errors.first()?;
    Some(format!(
        "read in part: {} part(s) not read; first: {first}",
        decoded.errors.len()
    ))
}

/// The sample reference of a file: its name without the extension (and
/// without `.gz`: `seizure-17.mgf.gz` is `seizure-17`).
fn file_reference(raw: &QueuedMessage) -> String {
    raw.file_name
        .as_deref()
        .map(|n| {
            let n = n.strip_suffix(".gz").unwrap_or(n);
            n.rsplit_once('.').map_or(n, |(stem, _)| stem).to_owned()
        })
        .unwrap_or_else(|| format!("raw-{}", raw.id))
}

async fn lab_message(
    ctx: &Context,
    unit: &mut Unit,
    raw: &QueuedMessage,
    message: &LabMessage,
    named: Vec<LabFindings>,
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let reference = message
        .results
        .iter()
        .find_map(|r| r.specimen.clone())
        .or_else(|| message.control_id.clone())
        .unwrap_or_else(|| format!("raw-{}", raw.id));
    let patient_key = message
        .patient
        .as_ref()
        .and_then(|p| p.ids.first())
        .map(|id| ctx.keyer.key(id));
    let sample_id = sample(unit, raw, SampleKind::Clinical, reference, patient_key).await?;
    for r in &message.results {
        unit.insert_observation(&NewObservation {
            sample_id,
            raw_message_id: Some(raw.id),
            test_code: r.test_code.clone(),
            test_name: r.test_name.clone(),
            value: Some(stored_value(ctx, &r.value)),
            units: r.units.clone(),
            reference_range: r.reference_range.clone(),
            abnormal_flag: (!r.flags.is_empty()).then(|| r.flags.join("~")),
            status: Some(format!("{:?}", r.status)),
            observed_at: None,
            corrected: r.status == LabStatus::Corrected,
        })
        .await?;
    }
    let at = Attach {
        raw,
        sample_id,
        spectrum_id: None,
    };
    findings(ctx, unit, at, FindingKind::NamedCompound, &named).await?;
    // The indication is about the sample, not this message: earlier messages'
    // tests still count (a later xylazine report must not drop a fentanyl
    // result), corrections replace what they correct, and this message's
    // comments are added, as are the compounds earlier messages' own
    // comments named (kept as findings; the comment text is not stored).
    let current = unit.latest_observations(sample_id).await?;
    let mut for_summary = ctx.screener.screen_tests(&current);
    for_summary.extend(named.into_iter().map(|mut f| {
        f.named_compounds.retain(|n| n.field.contains("comment"));
        f
    }));
    let kind = FindingKind::NamedCompound;
    let earlier = unit.earlier_evidence(sample_id, kind, raw.id).await?;
    for_summary.extend(earlier_comment_findings(&earlier));
    let corrected = message
        .results
        .iter()
        .any(|r| r.status == LabStatus::Corrected);
    let summary = summary::lab_summary(current.len(), &for_summary, corrected);
    let preliminary = message
        .results
        .iter()
        .any(|r| matches!(r.status, LabStatus::Preliminary | LabStatus::Other));
    let status = if preliminary {
        ResultStatus::Preliminary
    } else {
        ResultStatus::Final
    };
    publish(unit, sample_id, status, summary, outcome).await
}

async fn spectra(
    ctx: &Context,
    unit: &mut Unit,
    raw: &QueuedMessage,
    spectra: &[Spectrum],
    found: &[SpectrumFindings],
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let kind = ctx.kinds.of(&raw.source);
    let sample_id = sample(unit, raw, kind, file_reference(raw), None).await?;
    for (i, (s, f)) in spectra.iter().zip(found).enumerate() {
        let spectrum_id = unit
            .insert_spectrum(&NewSpectrum {
                sample_id,
                raw_message_id: Some(raw.id),
                index: i as i64,
                title: s.title.clone(),
                precursor_mz: s.precursor_mz.map(|m| m.0),
                peaks: s.peaks.iter().map(|p| (p.x, p.intensity)).collect(),
            })
            .await?;
        let at = Attach {
            raw,
            sample_id,
            spectrum_id: Some(spectrum_id),
        };
        findings(ctx, unit, at, FindingKind::ClassFlag, &f.class_flags).await?;
        findings(ctx, unit, at, FindingKind::LibraryHit, &f.library_hits).await?;
        let refs = &f.reference_compounds;
        findings(ctx, unit, at, FindingKind::ReferenceMass, refs).await?;
    }
    let mut summary = summary::spectra_summary(found);
    // A file cut short or damaged part-way: what was read is screened, but a
    // clean result must not read as "the whole file is clean".
    let status = if outcome.read_in_part.is_some() {
        summary.1.push(summary::READ_IN_PART.to_owned());
        ResultStatus::Preliminary
    } else {
        ResultStatus::Final
    };
    publish(unit, sample_id, status, summary, outcome).await
}

async fn strip(
    ctx: &Context,
    unit: &mut Unit,
    raw: &QueuedMessage,
    reference: &str,
    f: &StripFindings,
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let kind = SampleKind::DrugChecking;
    let sample_id = sample(unit, raw, kind, reference.to_owned(), None).await?;
    let at = Attach {
        raw,
        sample_id,
        spectrum_id: None,
    };
    let one = std::slice::from_ref(f);
    findings(ctx, unit, at, FindingKind::StripCall, one).await?;
    let summary = summary::strip_summary(f);
    publish(unit, sample_id, ResultStatus::Final, summary, outcome).await
}

/// A result value as the partnership tables keep it: free text minimised
/// (see `screen::minimise`), everything else as reported.
fn stored_value(ctx: &Context, value: &ResultValue) -> String {
    match value {
        ResultValue::Text { text } => ctx.screener.minimise_text(text).text().to_owned(),
        other => value_text(other),
    }
}

/// Find or create the sample `kind`/`reference` first reported by `raw`'s source.
async fn sample(
    unit: &mut Unit,
    raw: &QueuedMessage,
    kind: SampleKind,
    reference: String,
    patient_key: Option<String>,
) -> Result<i64, ProcessError> {
    let sample = NewSample {
        reference: SampleRef { kind, reference },
        source: raw.source.clone(),
        patient_key,
    };
    Ok(unit.upsert_sample(&sample).await?)
}

/// What a finding is attached to.
#[derive(Clone, Copy)]
struct Attach<'a> {
    raw: &'a QueuedMessage,
    sample_id: i64,
    spectrum_id: Option<i64>,
}

/// Store each item as a finding of `kind` (its JSON is the evidence).
async fn findings<T: serde::Serialize>(
    ctx: &Context,
    unit: &mut Unit,
    at: Attach<'_>,
    kind: FindingKind,
    items: &[T],
) -> Result<(), ProcessError> {
    for item in items {
        let evidence = serde_json::to_value(item).map_err(|e| ProcessError::Permanent {
            stage: Stage::Match,
            reason: format!("finding not representable as JSON: {e}"),
        })?;
        unit.insert_finding(&NewFinding {
            sample_id: at.sample_id,
            spectrum_id: at.spectrum_id,
            raw_message_id: Some(at.raw.id),
            kind,
            evidence,
            engine_version: ENGINE_VERSION.to_owned(),
            library_version: ctx.screener.library_version(),
            config_hash: ctx.config_hash.clone(),
        })
        .await?;
    }
    Ok(())
}

/// Publishes `summary` (text, caveats, class flags) for the sample.
async fn publish(
    unit: &mut Unit,
    sample_id: i64,
    status: ResultStatus,
    summary: (String, Vec<String>, Vec<String>),
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let (summary, caveats, class_flags) = summary;
    let result = PublishedResult {
        status,
        summary,
        caveats,
        class_flags,
    };
    let published = unit.publish_result(sample_id, &result).await?;
    outcome.samples += 1;
    outcome.new_versions += usize::from(published.new);
    Ok(())
}

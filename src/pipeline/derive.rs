//! One stored raw message → samples, observations, spectra, findings and
//! published indications.

use std::collections::HashMap;

use synthwatch_parsers::lab::{LabMessage, ResultStatus as LabStatus};
use synthwatch_parsers::spectrum::Spectrum;

use crate::decode::{decode, value_text, DecodedInput, Format};
use crate::screen::{Screener, SpectrumFindings, ENGINE_VERSION};
use crate::store::{
    FindingKind, NewFinding, NewObservation, NewSample, NewSpectrum, PatientKeyer, PublishedResult,
    ResultStatus, SampleKind, SampleRef, Stage, Store, StoreError, StoredRaw,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Samples touched.
    pub samples: usize,
    /// Indications that were new versions (not identical re-publications).
    pub new_versions: usize,
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

/// Process one stored raw message.
pub async fn process_raw(ctx: &Context, raw: &StoredRaw) -> Result<Outcome, ProcessError> {
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
    // A crash may have left part of an earlier attempt: start clean.
    ctx.store.forget_derived(raw.id).await?;
    let mut outcome = Outcome::default();
    for m in &decoded.messages {
        lab_message(ctx, raw, &m.message, &mut outcome).await?;
    }
    if !decoded.spectra.is_empty() {
        spectra(ctx, raw, &decoded.spectra, &mut outcome).await?;
    }
    strips(ctx, raw, &decoded, &mut outcome).await?;
    if let Some(id) = decoded
        .messages
        .iter()
        .find_map(|m| m.message.control_id.clone())
    {
        ctx.store.set_control_id(raw.id, &id).await?;
    }
    Ok(outcome)
}

fn file_reference(raw: &StoredRaw) -> String {
    raw.file_name
        .as_deref()
        .map(|n| n.rsplit_once('.').map_or(n, |(stem, _)| stem).to_owned())
        .unwrap_or_else(|| format!("raw-{}", raw.id))
}

async fn lab_message(
    ctx: &Context,
    raw: &StoredRaw,
    message: &LabMessage,
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
    let sample_id = sample(ctx, raw, SampleKind::Clinical, reference, patient_key).await?;
    for r in &message.results {
        ctx.store
            .insert_observation(&NewObservation {
                sample_id,
                raw_message_id: Some(raw.id),
                test_code: r.test_code.clone(),
                test_name: r.test_name.clone(),
                value: Some(value_text(&r.value)),
                units: r.units.clone(),
                reference_range: r.reference_range.clone(),
                abnormal_flag: (!r.flags.is_empty()).then(|| r.flags.join("~")),
                status: Some(format!("{:?}", r.status)),
                observed_at: None,
                corrected: r.status == LabStatus::Corrected,
            })
            .await?;
    }
    let named = ctx.screener.screen_lab_message(message);
    findings(
        ctx,
        raw,
        sample_id,
        None,
        FindingKind::NamedCompound,
        &named,
    )
    .await?;
    // The indication is about the sample, not this message: earlier messages'
    // tests still count (a later xylazine report must not drop a fentanyl
    // result), corrections replace what they correct, and this message's
    // comments are added. Comments are not stored, so earlier ones are not.
    let current = ctx.store.latest_observations(sample_id).await?;
    let mut for_summary = ctx.screener.screen_tests(&current);
    for_summary.extend(named.into_iter().map(|mut f| {
        f.named_compounds.retain(|n| n.field.contains("comment"));
        f
    }));
    let corrected = message
        .results
        .iter()
        .any(|r| r.status == LabStatus::Corrected);
    let (text, caveats, classes) = summary::lab_summary(current.len(), &for_summary, corrected);
    let preliminary = message
        .results
        .iter()
        .any(|r| matches!(r.status, LabStatus::Preliminary | LabStatus::Other));
    let status = if preliminary {
        ResultStatus::Preliminary
    } else {
        ResultStatus::Final
    };
    publish(ctx, sample_id, status, text, caveats, classes, outcome).await
}

async fn spectra(
    ctx: &Context,
    raw: &StoredRaw,
    spectra: &[Spectrum],
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let sample_id = sample(
        ctx,
        raw,
        ctx.kinds.of(&raw.source),
        file_reference(raw),
        None,
    )
    .await?;
    let mut all: Vec<SpectrumFindings> = Vec::with_capacity(spectra.len());
    for (i, s) in spectra.iter().enumerate() {
        let spectrum_id = ctx
            .store
            .insert_spectrum(&NewSpectrum {
                sample_id,
                raw_message_id: Some(raw.id),
                index: i as i64,
                title: s.title.clone(),
                precursor_mz: s.precursor_mz.map(|m| m.0),
                peaks: s.peaks.iter().map(|p| (p.x, p.intensity)).collect(),
            })
            .await?;
        let f = ctx.screener.screen_spectrum(s);
        let at = Some(spectrum_id);
        findings(
            ctx,
            raw,
            sample_id,
            at,
            FindingKind::ClassFlag,
            &f.class_flags,
        )
        .await?;
        findings(
            ctx,
            raw,
            sample_id,
            at,
            FindingKind::LibraryHit,
            &f.library_hits,
        )
        .await?;
        let refs = &f.reference_compounds;
        findings(ctx, raw, sample_id, at, FindingKind::ReferenceMass, refs).await?;
        all.push(f);
    }
    let (text, caveats, classes) = summary::spectra_summary(&all);
    publish(
        ctx,
        sample_id,
        ResultStatus::Final,
        text,
        caveats,
        classes,
        outcome,
    )
    .await
}

async fn strips(
    ctx: &Context,
    raw: &StoredRaw,
    decoded: &DecodedInput,
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let readings = decoded
        .strip_readings
        .iter()
        .map(|r| (r.sample_id.clone(), ctx.screener.screen_strip_reading(r)));
    let photo = decoded.strip_photo.iter().map(|p| {
        let target = synthwatch_parsers::strips::Target::Fentanyl;
        (
            file_reference(raw),
            ctx.screener.screen_strip_photo(p, target),
        )
    });
    for (reference, f) in readings.chain(photo) {
        let sample_id = sample(ctx, raw, SampleKind::DrugChecking, reference, None).await?;
        findings(
            ctx,
            raw,
            sample_id,
            None,
            FindingKind::StripCall,
            std::slice::from_ref(&f),
        )
        .await?;
        let (text, caveats, classes) = summary::strip_summary(&f);
        publish(
            ctx,
            sample_id,
            ResultStatus::Final,
            text,
            caveats,
            classes,
            outcome,
        )
        .await?;
    }
    Ok(())
}

/// Find or create the sample `kind`/`reference` first reported by `raw`'s source.
async fn sample(
    ctx: &Context,
    raw: &StoredRaw,
    kind: SampleKind,
    reference: String,
    patient_key: Option<String>,
) -> Result<i64, ProcessError> {
    let sample = NewSample {
        reference: SampleRef { kind, reference },
        source: raw.source.clone(),
        patient_key,
    };
    Ok(ctx.store.upsert_sample(&sample).await?)
}

/// Store each item as a finding of `kind` (its JSON is the evidence).
async fn findings<T: serde::Serialize>(
    ctx: &Context,
    raw: &StoredRaw,
    sample_id: i64,
    spectrum_id: Option<i64>,
    kind: FindingKind,
    items: &[T],
) -> Result<(), ProcessError> {
    for item in items {
        let evidence = serde_json::to_value(item).map_err(|e| ProcessError::Permanent {
            stage: Stage::Match,
            reason: format!("finding not representable as JSON: {e}"),
        })?;
        ctx.store
            .insert_finding(&NewFinding {
                sample_id,
                spectrum_id,
                raw_message_id: Some(raw.id),
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

async fn publish(
    ctx: &Context,
    sample_id: i64,
    status: ResultStatus,
    summary: String,
    caveats: Vec<String>,
    class_flags: Vec<String>,
    outcome: &mut Outcome,
) -> Result<(), ProcessError> {
    let published = ctx
        .store
        .publish_result(
            sample_id,
            &PublishedResult {
                status,
                summary,
                caveats,
                class_flags,
            },
        )
        .await?;
    outcome.samples += 1;
    outcome.new_versions += usize::from(published.new);
    Ok(())
}

-- synthwatch partnership store: SQLite dialect.
-- Keep in step with ../postgres/0001_init.sql (tests/store_migrations.rs compares them).
--
-- Timestamps are UTC RFC 3339 text with microseconds and fixed width
-- ("2026-01-02T03:04:05.000006Z"), so text order is time order in both dialects.
-- JSON columns are text holding JSON.
-- Partnership tables hold no names, NHS numbers, dates of birth or addresses:
-- a patient appears only as a keyed pseudonym (samples.patient_key).

-- Configured inputs (instruments, folders). Descriptive: raw messages name
-- their source by text so that an unregistered source can never block a commit.
CREATE TABLE sources (
    name        TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    instrument  TEXT,
    created_at  TEXT NOT NULL
);

-- Raw input exactly as received. UNIQUE(source, sha256) is the idempotency key.
CREATE TABLE raw_messages (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    transport    TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    file_name    TEXT,
    bytes        BLOB NOT NULL,
    byte_len     INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    control_id   TEXT,
    state        TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'processing', 'done', 'quarantined')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    UNIQUE (source, sha256)
);
CREATE INDEX raw_messages_state ON raw_messages (state);

-- Work waiting for (or held by) a worker: one row per raw message in state
-- queued or processing. The attempt count lives in raw_messages.attempts.
CREATE TABLE processing_queue (
    raw_message_id  INTEGER PRIMARY KEY NOT NULL REFERENCES raw_messages (id),
    not_before      TEXT NOT NULL,
    worker          TEXT,
    claimed_at      TEXT
);
CREATE INDEX processing_queue_due ON processing_queue (not_before);

-- Input that could not be processed, kept for inspection and replay. Bytes are
-- copied only when there is no raw message (adapter-level rejects).
CREATE TABLE quarantine (
    id              INTEGER PRIMARY KEY,
    raw_message_id  INTEGER REFERENCES raw_messages (id),
    source          TEXT,
    bytes           BLOB,
    byte_len        INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    stage           TEXT NOT NULL
                    CHECK (stage IN ('parse', 'normalize', 'match', 'publish', 'adapter')),
    reason          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    replayed_at     TEXT,
    CHECK (raw_message_id IS NOT NULL OR bytes IS NOT NULL)
);

-- A physical sample, known by the external reference its kind carries.
CREATE TABLE samples (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('clinical', 'seizure', 'drug_checking')),
    source             TEXT NOT NULL,
    lab_accession      TEXT,
    police_reference   TEXT,
    drug_service_code  TEXT,
    patient_key        TEXT CHECK (patient_key IS NULL OR length(patient_key) = 64),
    created_at         TEXT NOT NULL,
    CHECK ((kind = 'clinical' AND lab_accession IS NOT NULL)
        OR (kind = 'seizure' AND police_reference IS NOT NULL)
        OR (kind = 'drug_checking' AND drug_service_code IS NOT NULL)),
    UNIQUE (kind, lab_accession),
    UNIQUE (kind, police_reference),
    UNIQUE (kind, drug_service_code)
);

-- Lab results as reported; a correction is a new version of (sample, test_code).
CREATE TABLE observations (
    id               INTEGER PRIMARY KEY,
    sample_id        INTEGER NOT NULL REFERENCES samples (id),
    raw_message_id   INTEGER REFERENCES raw_messages (id),
    test_code        TEXT NOT NULL,
    test_name        TEXT,
    value            TEXT,
    units            TEXT,
    reference_range  TEXT,
    abnormal_flag    TEXT,
    status           TEXT,
    observed_at      TEXT,
    version          INTEGER NOT NULL CHECK (version >= 1),
    corrected        BOOLEAN NOT NULL DEFAULT false,
    created_at       TEXT NOT NULL,
    UNIQUE (sample_id, test_code, version)
);
CREATE INDEX observations_raw ON observations (raw_message_id);

-- Mass spectra; peaks are little-endian f64 (m/z, intensity) pairs.
CREATE TABLE spectra (
    id              INTEGER PRIMARY KEY,
    sample_id       INTEGER NOT NULL REFERENCES samples (id),
    raw_message_id  INTEGER REFERENCES raw_messages (id),
    spectrum_index  INTEGER NOT NULL,
    title           TEXT,
    precursor_mz    REAL,
    n_peaks         INTEGER NOT NULL,
    peaks           BLOB NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX spectra_sample ON spectra (sample_id);
CREATE INDEX spectra_raw ON spectra (raw_message_id);

-- What the engine concluded, with the versions that make it reproducible.
CREATE TABLE findings (
    id               INTEGER PRIMARY KEY,
    sample_id        INTEGER NOT NULL REFERENCES samples (id),
    spectrum_id      INTEGER REFERENCES spectra (id),
    raw_message_id   INTEGER REFERENCES raw_messages (id),
    kind             TEXT NOT NULL
                     CHECK (kind IN ('class_flag', 'library_hit', 'named_compound',
                                     'strip_call', 'reference_mass')),
    evidence         TEXT NOT NULL,
    engine_version   TEXT NOT NULL,
    library_version  TEXT,
    config_hash      TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX findings_sample ON findings (sample_id);
CREATE INDEX findings_raw ON findings (raw_message_id);

-- The published indication per sample. Versions are never overwritten.
-- An indication is never evidence: the CHECK makes that a schema fact.
CREATE TABLE results (
    id            INTEGER PRIMARY KEY,
    sample_id     INTEGER NOT NULL REFERENCES samples (id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    status        TEXT NOT NULL CHECK (status IN ('preliminary', 'final', 'withdrawn')),
    summary       TEXT NOT NULL,
    caveats       TEXT NOT NULL DEFAULT '[]',
    class_flags   TEXT NOT NULL DEFAULT '[]',
    evidential    BOOLEAN NOT NULL DEFAULT false CHECK (evidential = false),
    marking       TEXT NOT NULL DEFAULT 'Non-evidential indication — not for use as evidence',
    published_at  TEXT NOT NULL,
    UNIQUE (sample_id, version)
);
CREATE INDEX results_published ON results (published_at);

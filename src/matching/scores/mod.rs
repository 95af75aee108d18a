//! Placeholder until this module lands (issue 4).

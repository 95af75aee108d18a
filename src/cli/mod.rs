//! Command-line interface.

/// Run the CLI; returns the process exit code.
pub fn run() -> anyhow::Result<i32> {
    Ok(0)
}

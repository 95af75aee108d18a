//! Replays the committed fuzz corpus and every fixture through the same entry
//! point the fuzz target drives, so a crash found once stays fixed without
//! needing nightly or cargo-fuzz in CI.

mod common;

use std::path::{Path, PathBuf};

use synthwatch::decode::decode;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn corpus_and_fixtures_never_panic_the_decoder() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("fuzz/corpus/decode"), &mut files);
    let corpus = files.len();
    files_under(&root.join("fixtures"), &mut files);
    assert!(corpus > 0, "the committed fuzz corpus is empty");
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        for format in common::all_formats() {
            let decoded = decode(&bytes, format);
            // Every input ends in messages or errors: nothing vanishes silently.
            if let Err(why) = common::check_decode_invariants(&bytes, format, &decoded) {
                panic!("{} ({format:?}): {why}", path.display());
            }
        }
    }
}

//! The whole-buffer path (libdeflate, used when the size is declared) must
//! give exactly what the streaming path gives, whatever the declared size.

use std::io::Write;

use proptest::prelude::*;

use super::{InflateError, Inflater};

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).expect("in-memory write");
    z.finish().expect("in-memory finish")
}

/// What `unzlib_into` yields, as a plain vector.
fn inflate(
    with: &mut Inflater,
    bytes: &[u8],
    hint: Option<usize>,
    out: &mut Vec<u8>,
) -> Result<Vec<u8>, String> {
    match with.unzlib_into(bytes, hint, out) {
        Ok(len) => Ok(out[..len].to_vec()),
        Err(InflateError::Corrupt { .. }) => Err("corrupt".into()),
        Err(InflateError::TooLarge { .. }) => Err("too large".into()),
    }
}

/// Some compressible bytes: little-endian doubles of a rising m/z axis.
fn mz_bytes(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| (100.0 + i as f64 * 0.01).to_le_bytes())
        .collect()
}

#[test]
fn every_declared_size_gives_the_same_bytes() {
    let data = mz_bytes(5_000);
    let z = zlib(&data);
    for hint in [
        None,
        Some(data.len()),
        Some(data.len() - 1),
        Some(10),
        Some(data.len() * 3),
    ] {
        let got = inflate(&mut Inflater::default(), &z, hint, &mut Vec::new());
        assert_eq!(got.as_deref(), Ok(&data[..]), "hint {hint:?}");
    }
}

#[test]
fn a_reused_longer_buffer_is_not_read_past_the_output() {
    let (long, short) = (mz_bytes(4_000), mz_bytes(100));
    let mut with = Inflater::default();
    let mut out = Vec::new();
    assert_eq!(
        inflate(&mut with, &zlib(&long), Some(long.len()), &mut out),
        Ok(long)
    );
    // Declared larger than it is: the stale tail of `out` must not show.
    let got = inflate(&mut with, &zlib(&short), Some(short.len() + 64), &mut out);
    assert_eq!(got, Ok(short));
}

#[test]
fn a_stream_cut_short_keeps_the_same_prefix_on_both_paths() {
    let data = mz_bytes(20_000);
    let z = zlib(&data);
    let cut = &z[..z.len() / 2];
    let streamed = inflate(&mut Inflater::default(), cut, None, &mut Vec::new());
    let declared = inflate(
        &mut Inflater::default(),
        cut,
        Some(data.len()),
        &mut Vec::new(),
    );
    assert_eq!(streamed, declared);
    let prefix = streamed.expect("a cut stream keeps its prefix");
    assert!(!prefix.is_empty() && prefix.len() < data.len());
    assert_eq!(&data[..prefix.len()], &prefix[..]);
}

#[test]
fn corrupt_data_is_an_error_on_both_paths() {
    let mut z = zlib(&mz_bytes(2_000));
    z[0] = 0x00; // not a zlib header
    for hint in [None, Some(16_000)] {
        let got = inflate(&mut Inflater::default(), &z, hint, &mut Vec::new());
        assert_eq!(got, Err("corrupt".to_string()), "hint {hint:?}");
    }
}

proptest! {
    #[test]
    fn declared_size_never_changes_the_result(
        data in proptest::collection::vec(0u8..8, 0..3_000),
        hint_delta in -64i64..64,
        declare in any::<bool>(),
        cut in proptest::option::of(0usize..200),
    ) {
        let mut z = zlib(&data);
        if let Some(c) = cut {
            z.truncate(z.len().saturating_sub(c));
        }
        let hint = declare.then(|| (data.len() as i64 + hint_delta).max(0) as usize);
        let reference = inflate(&mut Inflater::default(), &z, None, &mut Vec::new());
        let got = inflate(&mut Inflater::default(), &z, hint, &mut vec![0xAA; 100]);
        prop_assert_eq!(got, reference);
    }
}

#!/usr/bin/env python3
"""Time matchms on the same bytes as `benches/files/text.rs` and print MB/s.

    python3 benches/peers/matchms_peer.py [--rust-msp MBPS] [--rust-mgf MBPS] [--runs N]

Builds the identical inputs (all 109 NIST fentanyl MSP files sorted by path,
each followed by a newline, x20; mzdata-small.mgf x5), writes them to temp
files, times `list(load_from_msp(...))` / `list(load_from_mgf(...))` with
metadata_harmonization=False (matchms's fastest setting), checks the counts,
and prints the median MB/s (10^6 bytes) and, given the Rust MB/s, the ratio.
"""
import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from matchms.importing import load_from_mgf, load_from_msp

ROOT = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
MSP_REPEAT, MGF_REPEAT = 20, 5
MSP_COUNTS = (109 * MSP_REPEAT, 16_391 * MSP_REPEAT)
MGF_COUNTS = (35 * MGF_REPEAT, 25_350 * MGF_REPEAT)


def msp_input() -> bytes:
    files = sorted(p for p in (ROOT / "msp" / "nist-fentanyl-ei").rglob("*") if p.is_file())
    assert len(files) == 109, len(files)
    return b"".join(p.read_bytes() + b"\n" for p in files) * MSP_REPEAT


def mgf_input() -> bytes:
    return (ROOT / "mgf" / "mzdata-small.mgf").read_bytes() * MGF_REPEAT


def bench(name, data, loader, counts, runs, rust):
    with tempfile.NamedTemporaryFile(suffix="." + name, delete=False) as f:
        f.write(data)
        path = f.name
    try:
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            spectra = list(loader(path, metadata_harmonization=False))
            elapsed = time.perf_counter() - start
            got = (len(spectra), sum(len(s.peaks.mz) for s in spectra))
            assert got == counts, (name, got, counts)
            rates.append(len(data) / elapsed / 1e6)
    finally:
        os.unlink(path)
    median = statistics.median(rates)
    line = f"{name}: {len(data)} bytes, matchms median {median:.2f} MB/s over {runs} runs"
    if rust:
        line += f"; rust {rust:.1f} MB/s = {rust / median:.0f}x matchms"
    print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust-msp", type=float)
    ap.add_argument("--rust-mgf", type=float)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    bench("msp", msp_input(), load_from_msp, MSP_COUNTS, a.runs, a.rust_msp)
    bench("mgf", mgf_input(), load_from_mgf, MGF_COUNTS, a.runs, a.rust_mgf)


if __name__ == "__main__":
    main()

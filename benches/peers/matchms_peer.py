#!/usr/bin/env python3
"""Time matchms on the same bytes as `benches/files/text.rs` and print MB/s.

    python3 benches/peers/matchms_peer.py [--rust-msp MBPS] [--rust-mgf MBPS] [--runs N]
    python3 benches/peers/matchms_peer.py --alternate ROUNDS [--reader PATH]

Builds the identical inputs (all 109 NIST fentanyl MSP files sorted by path,
each followed by a newline, x20; mzdata-small.mgf x5), writes them to temp
files, times `list(load_from_msp(...))` / `list(load_from_mgf(...))` with
metadata_harmonization=False (matchms's fastest setting), checks the counts,
and prints the median MB/s (10^6 bytes) and, given the Rust MB/s, the ratio.

--alternate ROUNDS runs ours (the `read_repeat` example, built with
`cargo build --release -p synthwatch-parsers --example read_repeat`, timing
each read in-process) and matchms in turn, ROUNDS times, so both see the same
machine load, and prints each side's median and the ratio of the medians.
"""
import argparse
import os
import statistics
import subprocess
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


def ours_seconds(reader, fmt, path, reads, counts):
    out = subprocess.run([reader, fmt, path, str(reads)], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    spectra, _, peaks, _ = lines[0].split()
    assert (int(spectra), int(peaks)) == counts, (fmt, lines[0], counts)
    return float(lines[-1].split("=")[1])


def alternate(name, data, loader, counts, rounds, reader):
    with tempfile.NamedTemporaryFile(suffix="." + name, delete=False) as f:
        f.write(data)
        path = f.name
    try:
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(ours_seconds(reader, name, path, 15, counts))
            start = time.perf_counter()
            spectra = list(loader(path, metadata_harmonization=False))
            theirs.append(time.perf_counter() - start)
            assert (len(spectra), sum(len(s.peaks.mz) for s in spectra)) == counts
    finally:
        os.unlink(path)
    o, t = statistics.median(ours), statistics.median(theirs)
    print(f"{name}: {len(data)} bytes, {rounds} alternating rounds: synthwatch {len(data) / o / 1e6:.1f} MB/s, "
          f"matchms {len(data) / t / 1e6:.2f} MB/s, ratio {t / o:.1f}x")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust-msp", type=float)
    ap.add_argument("--rust-mgf", type=float)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--alternate", type=int, metavar="ROUNDS")
    ap.add_argument("--reader", default=str(Path(__file__).resolve().parents[2] / "target" / "release" / "examples" / "read_repeat"))
    a = ap.parse_args()
    if a.alternate:
        alternate("msp", msp_input(), load_from_msp, MSP_COUNTS, a.alternate, a.reader)
        alternate("mgf", mgf_input(), load_from_mgf, MGF_COUNTS, a.alternate, a.reader)
        return
    bench("msp", msp_input(), load_from_msp, MSP_COUNTS, a.runs, a.rust_msp)
    bench("mgf", mgf_input(), load_from_mgf, MGF_COUNTS, a.runs, a.rust_mgf)


if __name__ == "__main__":
    main()

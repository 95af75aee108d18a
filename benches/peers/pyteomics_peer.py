#!/usr/bin/env python3
"""Times pyteomics reading small.mzML and test.mzXML (all spectra, arrays
decoded) and prints the median against a Rust figure given on the command line.

    python3 benches/peers/pyteomics_peer.py [--mzml-ms RUST_MS] [--mzxml-us RUST_US] [--runs N]

The Rust figures are the criterion medians of `mzml/small.mzML/synthwatch`
(ms) and `mzxml/test.mzXML/synthwatch` (µs) from `cargo bench --bench files -- mzml`.
Needs: pip install pyteomics lxml numpy
"""
import argparse
import os
import statistics
import time

from pyteomics import mzml, mzxml

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "mzml")


def run(opener, path, spectra):
    t = time.perf_counter()
    n = peaks = 0
    with opener(path, read_schema=False, iterative=True) as r:
        for s in r:
            n += 1
            peaks += len(s["m/z array"]) + 0 * len(s["intensity array"])
    assert n == spectra, (path, n)
    return time.perf_counter() - t, peaks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mzml-ms", type=float)
    ap.add_argument("--mzxml-us", type=float)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    for label, opener, name, spectra, rust, unit, scale in [
        ("small.mzML", mzml.MzML, "mzdata-small.mzML", 48, a.mzml_ms, "ms", 1e3),
        ("test.mzXML", mzxml.MzXML, "pyteomics-test.mzXML", 2, a.mzxml_us, "us", 1e6),
    ]:
        path = os.path.join(DATA, name)
        times = [run(opener, path, spectra)[0] * scale for _ in range(a.runs)]
        med = statistics.median(times)
        line = f"pyteomics {label}: median {med:.2f} {unit} over {a.runs} runs"
        if rust:
            line += f"; Rust {rust:.2f} {unit}; pyteomics/Rust = {med / rust:.1f}x"
        print(line)


if __name__ == "__main__":
    main()

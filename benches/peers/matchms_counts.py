#!/usr/bin/env python3
"""Per-file spectrum and peak counts from the peer readers, as JSON.

Reads every MSP file under shared/data/msp/** with matchms.load_from_msp and
every MGF file under shared/data/mgf/ with matchms.load_from_mgf and
pyteomics.mgf.read, and prints {file: {peer: {spectra, peaks} | {error}}}.
The Rust tests compare against the committed output:

    python3 benches/peers/matchms_counts.py > parsers/tests/data/matchms_counts.json

Run from the repository root; data is found as ../shared/data (or $SHARED_DATA).
"""
import json
from importlib import metadata
import os
import sys
from pathlib import Path

import matchms
from matchms.importing import load_from_mgf, load_from_msp
from pyteomics import mgf as pyteomics_mgf

ROOT = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def counts(spectra, peaks_of):
    n = total = 0
    for s in spectra:
        n += 1
        total += peaks_of(s)
    return {"spectra": n, "peaks": total}


def attempt(fn):
    try:
        return fn()
    except Exception as e:  # the peer's failure is data for the comparison
        return {"error": f"{type(e).__name__}: {e}"[:200]}


def main():
    files = {}
    for path in sorted(p for p in (ROOT / "msp").rglob("*") if p.is_file()):
        rel = path.relative_to(ROOT).as_posix()
        files[rel] = {
            "matchms": attempt(
                lambda: counts(load_from_msp(str(path), metadata_harmonization=False), lambda s: len(s.peaks.mz))
            )
        }
    for path in sorted(p for p in (ROOT / "mgf").iterdir() if p.is_file()):
        rel = path.relative_to(ROOT).as_posix()
        files[rel] = {
            "matchms": attempt(
                lambda: counts(load_from_mgf(str(path), metadata_harmonization=False), lambda s: len(s.peaks.mz))
            ),
            "pyteomics": attempt(
                lambda: counts(pyteomics_mgf.read(str(path), use_index=False), lambda s: len(s["m/z array"]))
            ),
        }
    out = {
        "generated_by": "benches/peers/matchms_counts.py",
        "matchms_version": matchms.__version__,
        "pyteomics_version": metadata.version("pyteomics"),
        "files": files,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

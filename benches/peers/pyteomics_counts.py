#!/usr/bin/env python3
"""Per-file expectations from pyteomics (an independent reader) for the
mzML/mzXML files in ../shared/data/mzml: spectrum count, total peaks and the
first spectrum's first three m/z values, as JSON on stdout.

Run from the project root:
    python3 benches/peers/pyteomics_counts.py > parsers/tests/data/pyteomics_counts.json
Needs: pip install pyteomics lxml numpy
"""
import gzip
import json
import os
import sys

from pyteomics import mzml, mzxml, version

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "mzml")


def summarise(path):
    opener = mzxml.MzXML if path.endswith(".mzXML") else mzml.MzML
    src = gzip.open(path, "rb") if path.endswith(".gz") else path
    n, peaks, first = 0, 0, None
    with opener(src, read_schema=False, iterative=True) as reader:
        for spec in reader:
            mz = spec.get("m/z array")
            k = 0 if mz is None else len(mz)
            if first is None:
                first = [float(x) for x in (mz[:3] if k else [])]
            n += 1
            peaks += k
    return {"spectra": n, "peaks": peaks, "first_mz": first or []}


def main():
    out = {"pyteomics_version": str(version.__version__), "files": {}}
    for name in sorted(os.listdir(DATA)):
        if not (name.endswith(".mzML") or name.endswith(".mzML.gz") or name.endswith(".mzXML")):
            continue
        try:
            out["files"][name] = summarise(os.path.join(DATA, name))
        except Exception as e:  # recorded, so the Rust test can explain it
            out["files"][name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

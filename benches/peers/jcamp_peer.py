#!/usr/bin/env python3
"""Peer run for the JCAMP-DX reader: the established Python `jcamp` package
(`pip install jcamp`, tested with 1.3.2) over every file in shared/data/jcamp.

Prints one tab-separated line per file, sorted by path:

    <path>  OK    <points>  <spectra>  <y-check failures>  <x-check failures>  <length mismatches>
    <path>  FAIL  <exception>

`points` counts y values of the top-level spectrum plus every compound-file
child (the package returns children of `##DATA TYPE=LINK` files in
`children`). The package reports its own check failures only by printing, so
they are captured and counted here. The Rust test `parsers/tests/jcamp.rs`
holds a copy of this output (regenerate it with this script and paste).

Usage: python3 benches/peers/jcamp_peer.py [DATA_DIR]
       (default: ../shared/data/jcamp relative to the project root)
"""
import contextlib
import io
import os
import sys
import time

import jcamp

# Older releases call it `jcamp_readfile`; 1.3 renamed it `readfile`.
READFILE = getattr(jcamp, "jcamp_readfile", None) or jcamp.readfile


def points(d):
    """y values in a result dict and all of its compound-file children."""
    n = len(d.get("y", []))
    return n + sum(points(c) for c in d.get("children", []))


def spectra(d):
    own = 1 if len(d.get("y", [])) else 0
    return own + sum(spectra(c) for c in d.get("children", []))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "jcamp")
    files = []
    for dirpath, _, names in os.walk(data):
        for name in names:
            if name.upper().startswith(("LICENSE", "README")):
                continue
            files.append(os.path.join(dirpath, name))
    files.sort()
    failed, total_bytes = [], 0
    start = time.perf_counter()
    for path in files:
        rel = os.path.relpath(path, data)
        total_bytes += os.path.getsize(path)
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log):
                d = READFILE(path)
        except Exception as e:  # the package raises anything from IndexError to KeyError
            failed.append(rel)
            msg = f"{type(e).__name__}: {e}".replace("\t", " ").replace("\n", " ")
            print(f"{rel}\tFAIL\t{msg[:160]}")
            continue
        out = log.getvalue()
        print(
            f"{rel}\tOK\t{points(d)}\t{spectra(d)}\t{out.count('Y-Check failed')}"
            f"\t{out.count('X-Check failed')}\t{out.count('Mismatch of array lengths')}"
        )
    secs = time.perf_counter() - start
    print(f"# {len(files)} files, {len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    print(f"# {total_bytes / secs / 1e6:.2f} MB/s ({total_bytes} bytes in {secs:.2f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()

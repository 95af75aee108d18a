#!/usr/bin/env python3
"""ms_entropy FlashEntropySearch beside synthwatch's library index.

Same synthetic libraries as benches/match/synthetic.rs (counter-based
splitmix64, reimplemented here with NumPy uint64 arithmetic; only + - * on
float64, so values are bit-identical), cleaned by Flash's own defaults.

  python3 benches/peers/flash_peer.py --sizes 10000,100000,1000000
      time identity_search / open_search (default FlashEntropySearch params,
      single process) per query, median µs/query, and print the ratio against
      our criterion estimates ($CARGO_TARGET_DIR/criterion/index_<n>/<mode>/new).
      --run-ours runs `cargo bench --bench match -- index/<n>/` first.
  python3 benches/peers/flash_peer.py --rounds 5 --sizes 1000000
      back to back: per size, start `examples/index_timing <n> --serve` (build
      it first: cargo build --release --example index_timing), then per round
      and mode time one pass of ours and one pass of Flash over the same
      --queries queries (mean us/query per pass), alternating; print per-round
      figures and the medians of ours, Flash and the per-round ratio
      (--modes identity,open,hybrid to choose the modes).
  python3 benches/peers/flash_peer.py --verify
      run `cargo test --release --test match_index -- --ignored
      write_flash_peer_json` (our top-10 hits for 200 queries on 10^4 spectra,
      identity/open/hybrid weighted, open unweighted) and compare ids and
      scores with Flash on the same data.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from ms_entropy import FlashEntropySearch

from serving import ask, serve, stop

SEED = 42
PEAKS = 20
PHI = np.uint64(0x9E3779B97F4A7C15)
ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(seed, counters):
    with np.errstate(over="ignore"):
        z = mix(np.uint64(seed) + np.asarray(counters, dtype=np.uint64) * PHI)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / float(1 << 53))


def library_arrays(seed, idx):
    """Precursors (n,), m/z (n,20), intensities (n,20) of library spectra idx."""
    c = np.asarray(idx, dtype=np.uint64)[:, None] * np.uint64(64)
    j = np.arange(PEAKS, dtype=np.uint64)[None, :]
    prec = 100.0 + 900.0 * uniform(seed, c[:, 0])
    mz = 50.0 + (prec[:, None] - 52.0) * uniform(seed, c + np.uint64(1) + j)
    u = uniform(seed, c + np.uint64(21) + j)
    return prec, mz, 1.0 + 999.0 * (u * u)


def queries(seed, n, count):
    qs = seed ^ 0x5EED
    c = np.arange(count, dtype=np.uint64)[:, None] * np.uint64(64)
    j = np.arange(PEAKS, dtype=np.uint64)[None, :]
    src = np.minimum((uniform(qs, c[:, 0]) * n).astype(np.int64), n - 1)
    prec, mz, inten = library_arrays(seed, src)
    prec = prec + (uniform(qs, c[:, 0] + np.uint64(1)) - 0.5) * 0.004
    mz = mz + (uniform(qs, c + np.uint64(2) + j) - 0.5) * 0.01
    inten = inten * (0.5 + uniform(qs, c + np.uint64(22) + j))
    return src, prec, mz, inten


def build(n, intensity_weight="entropy"):
    prec, mz, inten = library_arrays(SEED, np.arange(n))
    lib = [
        {"id": i, "precursor_mz": float(prec[i]), "peaks": np.stack([mz[i], inten[i]], 1).astype(np.float32)}
        for i in range(n)
    ]
    flash = FlashEntropySearch(intensity_weight=intensity_weight)
    t = time.perf_counter()
    lib = flash.build_index(lib)
    build_s = time.perf_counter() - t
    ids = np.array([s["id"] for s in lib], dtype=np.int64)  # Flash position -> our id
    return flash, ids, build_s


def flash_memory(flash):
    core = flash.entropy_search
    return sum(a.nbytes for a in core.index) + flash.precursor_mz_array.nbytes, core.total_peaks_num


def clean_queries(flash, n, count):
    src, prec, mz, inten = queries(SEED, n, count)
    out = []
    for k in range(count):
        peaks = flash.clean_spectrum_for_search(float(prec[k]), np.stack([mz[k], inten[k]], 1).astype(np.float32))
        out.append((int(src[k]), float(prec[k]), peaks))
    return out


def ours_us(n, mode):
    f = TARGET / "criterion" / f"index_{n}" / mode / "new" / "estimates.json"
    if not f.exists():
        return None
    return json.loads(f.read_text())["median"]["point_estimate"] / 1000.0


def bench(args):
    for n in args.sizes:
        if args.run_ours:
            env = dict(os.environ, SYNTHWATCH_INDEX_SIZES=str(n), CARGO_TARGET_DIR=str(TARGET))
            subprocess.run(["cargo", "bench", "--bench", "match", "--", f"index/{n}/"], cwd=ROOT, env=env, check=True)
        flash, ids, build_s = build(n)
        mem, peaks = flash_memory(flash)
        qs = clean_queries(flash, n, args.queries)
        print(f"n={n}: Flash build {build_s:.1f} s, index {mem / peaks:.1f} B/peak")
        for mode in ("identity", "open"):
            times, correct = [], 0
            for src, prec, peaks in qs:
                t = time.perf_counter()
                if mode == "identity":
                    sim = flash.identity_search(precursor_mz=prec, peaks=peaks, ms1_tolerance_in_da=0.01, ms2_tolerance_in_da=0.02)
                else:
                    sim = flash.open_search(peaks=peaks, ms2_tolerance_in_da=0.02)
                times.append(time.perf_counter() - t)
                correct += ids[int(np.argmax(sim))] == src
            flash_us = statistics.median(times) * 1e6
            ours = ours_us(n, mode)
            ratio = f"{flash_us / ours:.1f}x" if ours else "n/a (run cargo bench first)"
            ours_s = f"{ours:.2f}" if ours else "-"
            print(f"  {mode:8} Flash {flash_us:9.1f} us/query (top hit = source {correct}/{len(qs)})"
                  f" | ours {ours_s} us/query | Flash/ours {ratio}")
        del flash


def flash_pass(flash, mode, qs):
    t = time.perf_counter()
    for _, prec, peaks in qs:
        if mode == "identity":
            flash.identity_search(precursor_mz=prec, peaks=peaks, ms1_tolerance_in_da=0.01, ms2_tolerance_in_da=0.02)
        elif mode == "hybrid":
            flash.hybrid_search(precursor_mz=prec, peaks=peaks, ms2_tolerance_in_da=0.02)
        else:
            flash.open_search(peaks=peaks, ms2_tolerance_in_da=0.02)
    return (time.perf_counter() - t) * 1e6 / len(qs)


def rounds(args):
    exe = Path(args.ours_bin) if args.ours_bin else TARGET / "release" / "examples" / "index_timing"
    print(f"load average {os.getloadavg()}")
    for n in args.sizes:
        ours, ready = serve(exe, n)
        flash, _, _ = build(n)
        qs = clean_queries(flash, n, args.queries)
        print(f"n={n}: ours {ready.split()[2]} B/peak, {len(qs)} queries per pass")

        def ours_pass(mode):
            return ask(ours, mode, 1, len(qs))

        for mode in args.modes:
            ours_pass(mode), flash_pass(flash, mode, qs[: max(1, len(qs) // 10)])  # warm up
            o, f = [], []
            for r in range(args.rounds):
                pair = [("ours", lambda: ours_pass(mode)), ("flash", lambda: flash_pass(flash, mode, qs))]
                for who, run in pair if r % 2 == 0 else pair[::-1]:
                    (o if who == "ours" else f).append(run())
                print(f"  {mode:8} round {r}: ours {o[-1]:8.2f} us  Flash {f[-1]:9.1f} us  ratio {f[-1] / o[-1]:5.1f}x")
            ratios = [b / a for a, b in zip(o, f)]
            print(f"  {mode:8} MEDIAN ours {statistics.median(o):8.2f} us/query  Flash {statistics.median(f):9.1f} us/query"
                  f"  Flash/ours {statistics.median(ratios):5.1f}x (min {min(ratios):.1f}x)  load {os.getloadavg()[0]:.2f}")
        stop([ours])
        del flash


def verify(args):
    out = TARGET / "flash_peer_ours.json"
    env = dict(os.environ, SYNTHWATCH_PEER_OUT=str(out), SYNTHWATCH_PEER_N=str(args.verify_n), CARGO_TARGET_DIR=str(TARGET))
    subprocess.run(["cargo", "test", "--release", "--test", "match_index", "--", "--ignored", "write_flash_peer_json"],
                   cwd=ROOT, env=env, check=True)
    ours = json.loads(out.read_text())
    n = ours["n"]
    engines = {"entropy": build(n, "entropy"), "none": build(n, None)}
    qs = clean_queries(engines["entropy"][0], n, 200)
    worst, checked, mismatched = 0.0, 0, []
    for row in ours["rows"]:
        src, prec, peaks = qs[row["query"]]
        weight = "none" if row["mode"] == "open_unweighted" else "entropy"
        flash, ids, _ = engines[weight]
        if row["mode"] == "identity":
            sim = flash.identity_search(precursor_mz=prec, peaks=peaks, ms1_tolerance_in_da=0.01, ms2_tolerance_in_da=0.02)
        elif row["mode"] == "hybrid":
            sim = flash.hybrid_search(precursor_mz=prec, peaks=peaks, ms2_tolerance_in_da=0.02)
        else:
            sim = flash.open_search(peaks=peaks, ms2_tolerance_in_da=0.02)
        by_id = np.zeros(n, dtype=np.float32)
        by_id[ids] = sim
        want = sorted(((-float(by_id[i]), int(i)) for i in np.nonzero(by_id > 0)[0]))[:10]
        got = [(-h["score"], h["id"]) for h in row["hits"]]
        for h in row["hits"]:
            worst = max(worst, abs(h["score"] - float(by_id[h["id"]])))
            checked += 1
        # Same top-10 ids up to ties within 1e-5.
        if [i for _, i in got] != [i for _, i in want]:
            close = len(got) == len(want) and all(abs(a[0] - b[0]) < 1e-5 for a, b in zip(got, want))
            if not close:
                mismatched.append((row["mode"], row["query"]))
    print(f"verify n={n}: {len(ours['rows'])} query×mode rows, {checked} hits compared, "
          f"max |ours − Flash| = {worst:.2e}, top-10 id mismatches: {len(mismatched)} {mismatched[:5]}")
    ok = worst <= 1e-5 and not mismatched
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--run-ours", action="store_true")
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--verify-n", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=0, help="alternate ours/Flash passes this many times per mode")
    ap.add_argument("--ours-bin", default=None, help="index_timing binary (default: $CARGO_TARGET_DIR/release/examples)")
    ap.add_argument("--modes", default="identity,open", type=lambda s: s.split(","), help="modes for --rounds (identity, open, hybrid)")
    args = ap.parse_args()
    if args.verify:
        sys.exit(verify(args))
    if args.rounds:
        rounds(args)
        return
    bench(args)


if __name__ == "__main__":
    main()

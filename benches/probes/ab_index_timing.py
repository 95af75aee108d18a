#!/usr/bin/env python3
"""A/B of two or more `examples/index_timing` binaries on the same machine.

  cargo build --release --example index_timing && cp target/release/examples/index_timing /tmp/new
  # (build the other version the same way into /tmp/old)
  python3 benches/probes/ab_index_timing.py --rounds 8 --modes open /tmp/old /tmp/new

Each binary is started once as `<bin> <n> --serve` (it builds its own index of
the synthetic library); then, per round and mode, each is asked in turn for one
timing line (`<mode> <passes> <queries>`: median over passes of the mean µs
per query), the order reversed every other round so neither always runs
first. Prints per binary and mode the median, the minimum, the median of
each round's ratio to the first binary (steadier than the ratio of medians
when the machine's speed drifts between rounds) and every round.
`--pollute GB` sweeps an array of that size before every timing, the way the
Python peer's passes evict our data from the caches in flash_peer.py.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "peers"))
from serving import ask, serve, stop  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--modes", default="open")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--pollute", type=float, default=0.0)
    a = ap.parse_args()
    hog = None
    if a.pollute > 0:
        import numpy as np

        hog = np.ones(int(a.pollute * 1e9 / 8), dtype=np.float64)
    procs = []
    for b in a.bins:
        p, ready = serve(b, a.size)
        print(b, ready, flush=True)
        procs.append(p)
    modes = a.modes.split(",")
    res = {(b, m): [] for b in a.bins for m in modes}
    for r in range(a.rounds):
        order = list(zip(a.bins, procs))
        if r % 2:
            order.reverse()
        for m in modes:
            for b, p in order:
                if hog is not None:
                    hog += 1.0
                res[(b, m)].append(ask(p, m, a.passes, a.queries))
    for m in modes:
        for b in a.bins:
            v = res[(b, m)]
            # Each round's ratio to the first binary in that round: the
            # machine's slow and fast phases last several rounds, so a
            # paired ratio is steadier than a ratio of medians.
            paired = [x / y for x, y in zip(v, res[(a.bins[0], m)])]
            print(f"{m:8} {b:24} median {statistics.median(v):9.2f}  min {min(v):9.2f}  "
                  f"paired ratio to the first {statistics.median(paired):.3f}  "
                  f"all {' '.join(f'{x:.1f}' for x in v)}")
    stop(procs)


if __name__ == "__main__":
    main()

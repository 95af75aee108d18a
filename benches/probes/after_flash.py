#!/usr/bin/env python3
"""Our open search right after a Flash pass, for the library-index design
notes (docs/design/open-search-performance.md, "Window spans", 2026-12-06).

  cargo build --release --example index_timing && cp target/release/examples/index_timing /tmp/new
  python3 benches/probes/after_flash.py --rounds 12 /tmp/old /tmp/new
      A/B: per round and binary (order reversed every other round), one
      Flash open-search pass over the queries, then one pass of ours; prints
      Flash's median and each binary's median, minimum and Flash/ours.
  python3 benches/probes/after_flash.py --passes /tmp/new
      per round: a Flash pass, then ours three times (right after it, again
      at once, after a 0.3 s sleep); prints the medians of each, to tell
      what Flash leaves behind from what idleness costs.

Each binary is `examples/index_timing <n> --serve`; the library, queries and
Flash engine are flash_peer.py's (same synthetic data, cleaned alike).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "peers"))
import flash_peer as fp  # noqa: E402
from serving import ask, serve, stop  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--passes", action="store_true", help="after Flash / again / after a sleep, first binary")
    a = ap.parse_args()
    procs = [serve(b, a.size)[0] for b in a.bins]
    flash, _, _ = fp.build(a.size)
    qs = fp.clean_queries(flash, a.size, a.queries)

    def ours(p):
        return ask(p, "open", 1, len(qs))

    if a.passes:
        res = {"after Flash": [], "again": [], "after 0.3 s sleep": []}
        for _ in range(a.rounds):
            fp.flash_pass(flash, "open", qs)
            res["after Flash"].append(ours(procs[0]))
            res["again"].append(ours(procs[0]))
            time.sleep(0.3)
            res["after 0.3 s sleep"].append(ours(procs[0]))
        for k, v in res.items():
            print(f"{k:18} median {statistics.median(v):7.1f} us/query  all {' '.join(f'{x:.0f}' for x in v)}")
    else:
        res, fl = [[] for _ in procs], []
        for r in range(a.rounds):
            order = range(len(procs)) if r % 2 == 0 else reversed(range(len(procs)))
            for i in order:
                fl.append(fp.flash_pass(flash, "open", qs))
                res[i].append(ours(procs[i]))
        print(f"Flash median {statistics.median(fl):.1f} us/query")
        for b, v in zip(a.bins, res):
            print(f"{b:24} median {statistics.median(v):7.1f}  min {min(v):7.1f}  "
                  f"Flash/ours {statistics.median(fl) / statistics.median(v):.2f}")
    stop(procs)


if __name__ == "__main__":
    main()

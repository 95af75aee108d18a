#!/usr/bin/env python3
"""Time python-hl7 (`pip install hl7`) on the corpus of the Rust `hl7` bench.

Same messages (the two NIST ELR files plus the same 200 generated ORU^R01,
built by the same formula as `hl7_generated` in benches/protocols.rs), same
work per message: parse, walk every segment, read MSH-10/9.2/3.1/12 and
OBX-2/3.1/5/6.1/11. Installs nothing. Usage:

    python3 benches/peers/hl7_peer.py [--rust-mbps N] [--run-cargo] [--repeats R]

With --run-cargo it runs `cargo bench --bench protocols -- hl7 --noplot`
first; in any case it then reads criterion's estimates.json median (under
$CARGO_TARGET_DIR or target/) and prints the Rust/Python ratio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_OBX = 6 + 900


def generated(i):
    m = (
        f"MSH|^~\\&|LIS{i % 5}|LAB{i % 3}|SYNTHWATCH|HUB|20240301{i % 24:02}{i % 60:02}00||ORU^R01^ORU_R01|GEN{i:06}|P|2.5.1\r"
        f"PID|1||PAT{i:08}^^^HOSP^MR||Doe^Jane^Q||19800101|F|||1 Main St^^Town^ST^12345\r"
        f"ORC|RE|PL{i}|FI{i}\r"
        f"OBR|1|PL{i}|FI{i}|TOX^Toxicology panel^L|||20240301\r"
    )
    for k in range(3 + i % 4):
        n = k + 1
        tail = f"|||F|||20240301120000||||DEV-{i % 3}|20240301121500\r"
        if k % 4 == 0:
            obx = f"OBX|{n}|NM|{1000 + k}-1^Fentanyl^LN||{(i * 7 + k) % 100}.{k}|ng/mL^nanogram per milliliter^UCUM|0.0-0.5|H{tail}"
        elif k % 4 == 1:
            obx = f"OBX|{n}|SN|{2000 + k}-2^Norfentanyl^LN||<^0.5|ng/mL|0.0-0.5|N{tail}"
        elif k % 4 == 2:
            obx = f"OBX|{n}|CWE|{3000 + k}-3^Xylazine^LN||260373001^Detected^SCT||Not detected|A{tail}"
        else:
            obx = f"OBX|{n}|ST|{4000 + k}-4^Comment^L||Specimen received \\T\\ processed||||{tail}NTE|1|L|Verified by second analyst\r"
        m += obx
    m += f"SPM|1|^SP{i}&LAB||BLD^Blood^HL70487\r"
    return m.encode("latin-1")


def corpus():
    data = ROOT.parent / "shared" / "data" / "hl7"
    msgs = [(data / f).read_bytes() for f in ("nist-elr-001-lead.hl7", "nist-elr-004-culture.hl7")]
    return msgs + [generated(i) for i in range(200)]


def part(v, i):
    """1-based child of a python-hl7 container; plain strings have only part 1."""
    return v(i) if callable(v) else (v if i == 1 else "")


def parse_typed(hl7, text):
    msg = hl7.parse(text)
    obx = total = 0
    for seg in msg:
        sid = str(seg[0])
        if sid == "MSH":
            total += len(str(seg(10))) + len(str(part(part(seg(9), 1), 2))) + len(str(part(part(seg(3), 1), 1))) + len(str(seg(12)))
        elif sid == "OBX":
            obx += 1
            total += len(str(seg(2))) + len(str(part(part(seg(3), 1), 1))) + len(str(seg(5)))
            total += len(str(part(part(seg(6), 1), 1))) + len(str(seg(11)))
    return obx, total


def rust_median_ns(target):
    est = Path(target) / "criterion" / "hl7" / "parse_typed_bytes" / "new" / "estimates.json"
    if not est.exists():
        return None
    return json.loads(est.read_text())["median"]["point_estimate"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust-mbps", type=float, help="Rust MB/s to compare against")
    ap.add_argument("--run-cargo", action="store_true", help="run the Rust bench first")
    ap.add_argument("--repeats", type=int, default=15, help="timed passes over the corpus")
    args = ap.parse_args()
    try:
        import hl7
    except ImportError:
        print("python-hl7 not installed (pip install hl7); nothing to compare", file=sys.stderr)
        return 2

    msgs = corpus()
    nbytes = sum(len(m) for m in msgs)
    # Decoding is done once up front: python-hl7 takes str, the Rust parser bytes.
    texts = [m.decode("latin-1") for m in msgs]
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        obx = sum(parse_typed(hl7, t)[0] for t in texts)
        times.append(time.perf_counter() - t0)
        assert obx == EXPECTED_OBX, f"python-hl7 saw {obx} OBX, expected {EXPECTED_OBX}"
    med = statistics.median(times)
    py_mbps = nbytes / med / 1e6
    print(f"python-hl7 {hl7.__version__ if hasattr(hl7, '__version__') else ''}: {len(msgs)} messages, "
          f"{nbytes} bytes; median {med * 1e3:.2f} ms/pass over {args.repeats} passes")
    print(f"python-hl7: {py_mbps:.2f} MB/s, {len(msgs) / med:,.0f} messages/s")

    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    if args.run_cargo:
        subprocess.run(["cargo", "bench", "--bench", "protocols", "--", "hl7", "--noplot"], cwd=ROOT, check=True)
    rust_mbps = args.rust_mbps
    if rust_mbps is None:
        ns = rust_median_ns(target)
        if ns is not None:
            rust_mbps = nbytes / (ns / 1e9) / 1e6
            print(f"rust (criterion median, {target}): {rust_mbps:.1f} MB/s, "
                  f"{len(msgs) / (ns / 1e9):,.0f} messages/s")
    if rust_mbps:
        print(f"ratio rust/python: {rust_mbps / py_mbps:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes small hand-made seeds into fuzz/corpus/decode/ (edge cases the fuzzer
should start from). Run from the repository root: python3 fuzz/make_seed_corpus.py
Files found by fuzzing are added beside them by `cargo fuzz run decode`."""
from pathlib import Path

out = Path(__file__).resolve().parent / "corpus" / "decode"
out.mkdir(parents=True, exist_ok=True)


def frame(fn, text, last=True):
    body = str(fn).encode() + text + (b"\x03" if last else b"\x17")
    return b"\x02" + body + f"{sum(body) % 256:02X}".encode() + b"\r\n"


seeds = {
    "enq-eot": b"\x05\x04",
    "astm-one-frame": frame(1, b"H|\\^&\rL|1\r"),
    "astm-etb-split": frame(1, b"H|\\^&\rR|1|^^^A|1", last=False) + frame(2, b".5|mg\rL|1\r"),
    "astm-wrap": b"".join(frame(i % 8, b"C|1|I|x\r", last=(i == 9)) for i in range(1, 10)),
    "astm-no-trailer": b"\x021H|\\^&\r\x0390",
    "astm-escape": b"H|\\^&\rR|1|^^^A|&X41&&F&&S&&R&&E&&Xzz&\rL|1\r",
    "astm-immulite-header": b"H|\\^||PW\rP|1\rL|1\r",
    "hl7-min": b"MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5\r",
    "hl7-trunc-char": b"MSH|^~\\&#|A\rOBX|1|SN|X||<=^0.06\r",
    "hl7-escapes": b"MSH|^~\\&|A\rNTE|1||\\F\\\\S\\\\T\\\\R\\\\E\\\\X41\\\\.br\\\\X\\\r",
    "mllp-two": b"\x0bMSH|^~\\&|A\r\x1c\r\x0bMSH|^~\\&|B\r\x1c\r",
    "mllp-open": b"\x0bMSH|^~\\&|A\r",
    "vidas-like": b"\x02mt|\x1e\x1dx|\x1e\x1d\x03",
}
for name, data in seeds.items():
    (out / name).write_bytes(data)
print(f"{len(seeds)} seeds in {out}")

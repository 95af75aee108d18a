"""Talking to `examples/index_timing <n> --serve`, shared by flash_peer.py and
the A/B probes in benches/probes/: start it, ask it for one timing line, stop
it. The example reads `<mode> <passes> <queries>` lines and answers each with
the median over `passes` passes of the mean µs per query over `queries`
queries (examples/index_timing.rs)."""
import subprocess


def serve(exe, n):
    """Start a serving index_timing on the synthetic library of n spectra;
    returns the process and its ready line (`ready <n> <bytes per peak>`)."""
    p = subprocess.Popen([str(exe), str(n), "--serve"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    return p, p.stdout.readline().strip()


def ask(p, mode, passes, queries):
    """One timing line: µs per query, median over `passes` passes."""
    p.stdin.write(f"{mode} {passes} {queries}\n")
    p.stdin.flush()
    return float(p.stdout.readline())


def stop(procs):
    """Close every server's input (it exits at end of input) and wait."""
    for p in procs:
        p.stdin.close()
        p.wait()

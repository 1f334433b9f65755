#!/usr/bin/env python3
"""Causal FFT convolution: shardfft against scipy.signal.fftconvolve, numpy and JAX (CPU).

    .venv/bin/python bench/peers/conv_peers.py [--cases conv-f32/8x64x4096] [--json]

Cases: x (B, C, N) f32 with one kernel per channel k (C, N), causal mode (the first N samples of
the full convolution along the last axis):
  conv-f32/8x64x4096, conv-f32/8x64x65536, conv-f32/1x4x1048576.
Peers (each call transforms the kernel too, as a free-function call does):
  scipy  scipy.signal.fftconvolve(x, k[None], axes=-1)[..., :N], under scipy.fft.set_workers(all cores)
  numpy  irfft(rfft(x, L) · rfft(k, L), L)[..., :N] with L = scipy.fft.next_fast_len(2N − 1, real=True)
  jax    the same in jax.numpy, jit-compiled, f32, block_until_ready
shardfft: `target/release/shardfft bench --json --suite conv --cases CASE`.
Round-robin repetitions, median (see peers.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

import numpy as np

from peers import CORES, DASH, DEFAULT_BIN, ensure_binary, fmt, log, median, rel_l2, round_robin, run_shardfft


@dataclass
class ConvCase:
    name: str
    b: int
    c: int
    n: int

    def inputs(self, seed=0):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((self.b, self.c, self.n), dtype=np.float32)
        k = rng.standard_normal((self.c, self.n), dtype=np.float32) / np.float32(np.sqrt(self.n))
        return x, k


CASES = [ConvCase(f"conv-f32/{b}x{c}x{n}", b, c, n) for b, c, n in ((8, 64, 4096), (8, 64, 65536), (1, 4, 1 << 20))]


def setups(case: ConvCase, x, k):
    import scipy.fft
    import scipy.signal

    n = case.n
    L = scipy.fft.next_fast_len(2 * n - 1, real=True)

    def run_scipy():
        with scipy.fft.set_workers(CORES):
            return scipy.signal.fftconvolve(x, k[None], axes=-1)[..., :n]

    def run_numpy():
        return np.fft.irfft(np.fft.rfft(x, n=L) * np.fft.rfft(k, n=L), n=L)[..., :n]

    import jax
    import jax.numpy as jnp

    f = jax.jit(lambda a, b: jnp.fft.irfft(jnp.fft.rfft(a, n=L) * jnp.fft.rfft(b, n=L), n=L)[..., :n])
    xj, kj = jax.device_put(x), jax.device_put(k)
    f(xj, kj).block_until_ready()

    def run_jax():
        return f(xj, kj).block_until_ready()

    return {"scipy": run_scipy, "numpy": run_numpy, "jax": run_jax}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", help="comma-separated case names or substrings")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--no-shardfft", action="store_true")
    ap.add_argument("--shardfft-bin", default=str(DEFAULT_BIN))
    args = ap.parse_args(argv)
    cases = CASES
    if args.cases:
        toks = [t.strip() for t in args.cases.split(",") if t.strip()]
        cases = [c for c in CASES if any(t == c.name or t in c.name for t in toks)]
        if not cases:
            sys.exit(f"conv_peers.py: no case matches; cases: {', '.join(c.name for c in CASES)}")
    from pathlib import Path

    binary = None if args.no_shardfft else Path(args.shardfft_bin)
    if binary is not None and ensure_binary(binary):
        binary = None
    rows = []
    for case in cases:
        log(f"{case.name} ...")
        x, k = case.inputs()
        runners = setups(case, x, k)
        # Every peer agrees with numpy (f32 rounding), untimed.
        want = runners["numpy"]()
        errs = {nm: rel_l2(np.asarray(fn()), want) for nm, fn in runners.items()}
        del want
        times = round_robin(runners, args.reps, args.warmup)
        ms = {nm: median(t) for nm, t in times.items()}
        runners.clear()
        del x, k
        note = ""
        if binary is not None:
            obj, note = run_shardfft(binary, "conv", case.name)
            ms["shardfft"] = obj.get("ms") if obj else None
        best_name = min((p for p in ms if p != "shardfft"), key=ms.get)
        best = ms[best_name]
        sf = ms.get("shardfft")
        row = {"case": case.name, "ms": ms, "best_peer": best_name, "best_peer_ms": best,
               "speedup_vs_best_peer": best / sf if sf else None,
               "meets_1_5x": (best / sf >= 1.5) if sf else None,
               "rel_l2_vs_numpy": errs, "note": note, "loadavg_1min_after": __import__("os").getloadavg()[0]}
        rows.append(row)
        log("  " + "  ".join(f"{k} {fmt(v)}" for k, v in ms.items()))
        if args.json:
            print(json.dumps(row), flush=True)
    if args.json:
        return
    cols = ["case", "scipy", "numpy", "jax", "shardfft", "best", "speedup", ">=1.5x"]
    w = [22, 9, 9, 9, 9, 6, 8, 6]
    print(" ".join(c.rjust(x) if i else c.ljust(x) for i, (c, x) in enumerate(zip(cols, w))))
    for r in rows:
        sp = r["speedup_vs_best_peer"]
        vals = [r["case"], fmt(r["ms"]["scipy"]), fmt(r["ms"]["numpy"]), fmt(r["ms"]["jax"]),
                fmt(r["ms"].get("shardfft")), r["best_peer"], fmt(sp) + ("x" if sp else ""),
                DASH if r["meets_1_5x"] is None else ("yes" if r["meets_1_5x"] else "NO")]
        print(" ".join(v.rjust(x) if i else v.ljust(x) for i, (v, x) in enumerate(zip(vals, w))))
    print()
    print("ms per call (median of round-robin repetitions, kernel transform included for the peers);"
          " speedup = fastest peer / shardfft; target >= 1.5x.")
    for r in rows:
        if r["note"]:
            print(f"note: {r['case']}: shardfft: {r['note']}")
        if r["loadavg_1min_after"] > CORES + 0.5:
            print(f"WARNING: {r['case']}: 1-min load average {r['loadavg_1min_after']:.1f} > {CORES} cores:"
                  " other processes were competing; rerun on a quiet machine.")
        for nm, e in r["rel_l2_vs_numpy"].items():
            if e > 1e-4:
                print(f"WARNING: {r['case']}: {nm} differs from numpy by rel L2 {e:.2e}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side timings of shardfft against numpy.fft, scipy.fft, JAX (CPU) and FFTW 3 (pyfftw).

Installs nothing: run it with the repository's virtual environment (see README.md):

    .venv/bin/python bench/peers/peers.py                  # every case, one table
    .venv/bin/python bench/peers/peers.py --cases c2c-f32/1024,r2c-f32/1024 --json

It measures two floors on this machine, before the cases and again after them (the higher
rate of the two measurements is the basis: this machine's speed drifts over minutes):
  * memory copy bandwidth: numpy copy of a 1 GiB array, on one thread and split over all cores
    (bytes read + written, STREAM convention, best of the repetitions);
  * compute: the GFLOP/s (5·n·log2 n) one core reaches on in-cache c2c n = 1024 (FFTW via pyfftw,
    one thread, in place, batch 32 = 256 KiB, FFTW_MEASURE; also f64 for the f64 case), and
    shardfft's own one-thread figure on c2c-f32/1024 for comparison; the larger is the basis.

Then, per case, it sets every peer up (plans, jit compilation, nothing timed), warms each up, runs
them round-robin (each round calls every implementation twice back to back and times the
second call; the starting implementation rotates each round) and keeps the median of --reps
rounds; shardfft runs as `target/release/shardfft bench --json --suite peers --cases CASE`
(its own median of 11; the process is spawned once per case, between the first and the second half
of the peers' rounds).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / "target" / "release" / "shardfft"
CORES = os.cpu_count() or 1
PEERS = ("numpy", "scipy", "jax", "fftw")
DASH = "—"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    name: str
    kind: str  # c2c, r2c, c2c64, fft2, axis0, roundtrip
    shape: tuple  # the input array's shape
    batch: int

    @property
    def n(self) -> int:
        """Transform length along the transformed axis (for fft2: the total points)."""
        if self.kind == "fft2":
            return self.shape[0] * self.shape[1]
        if self.kind == "axis0":
            return self.shape[0]
        return self.shape[-1]

    @property
    def real_dtype(self):
        return np.float64 if self.kind == "c2c64" else np.float32

    @property
    def complex_dtype(self):
        return np.complex128 if self.kind == "c2c64" else np.complex64

    @property
    def is_f64(self) -> bool:
        return self.kind == "c2c64"

    def flops(self) -> float:
        n = self.n
        nlogn = n * math.log2(n)
        if self.kind in ("c2c", "c2c64"):
            return 5 * nlogn * self.batch
        if self.kind == "r2c":
            return 2.5 * nlogn * self.batch
        if self.kind == "fft2":
            return 5 * nlogn
        if self.kind == "axis0":
            return 5 * nlogn * self.shape[1]
        if self.kind == "roundtrip":
            return 2 * 2.5 * nlogn * self.batch
        raise ValueError(self.kind)

    def bytes_moved(self) -> float:
        """Bytes read + written once: the input and the output, nothing in between."""
        pts = math.prod(self.shape)
        c = np.dtype(self.complex_dtype).itemsize
        r = np.dtype(self.real_dtype).itemsize
        if self.kind == "r2c":
            return pts * r + self.batch * (self.n // 2 + 1) * c
        if self.kind == "roundtrip":
            return 2 * pts * r
        return 2 * pts * c

    def make_input(self, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        if self.kind in ("r2c", "roundtrip"):
            return rng.standard_normal(self.shape, dtype=np.float32)
        rdt = self.real_dtype
        x = np.empty(self.shape, self.complex_dtype)
        x.real = rng.standard_normal(self.shape, dtype=rdt)
        x.imag = rng.standard_normal(self.shape, dtype=rdt)
        return x


def all_cases() -> list[Case]:
    cases = []
    for kind in ("c2c", "r2c"):
        for n in (256, 1024, 16384, 65536, 1 << 20):
            b = (1 << 22) // n
            cases.append(Case(f"{kind}-f32/{n}", kind, (b, n), b))
    for n in (1 << 22, 1 << 24):
        cases.append(Case(f"c2c-f32/{n}", "c2c", (1, n), 1))
    for n, b in ((1000, 4194), (10007, 419), (49152, 85), (1000003, 4)):
        cases.append(Case(f"c2c-f32/{n}", "c2c", (b, n), b))
    cases.append(Case("c2c-f64/65536", "c2c64", (64, 65536), 64))
    cases.append(Case("fft2-f32/4096x4096", "fft2", (4096, 4096), 1))
    cases.append(Case("c2c-f32-axis0/4096x1024", "axis0", (4096, 1024), 1))
    cases.append(Case("roundtrip-f32/65536", "roundtrip", (64, 65536), 64))
    return cases


def select(cases, spec: str | None):
    """Comma-separated tokens: an exact case name, or else a substring of names."""
    if not spec:
        return list(cases)
    names = {c.name for c in cases}
    out = []
    for tok in (t.strip() for t in spec.split(",")):
        if not tok:
            continue
        hit = [c for c in cases if (c.name == tok if tok in names else tok in c.name)]
        if not hit:
            sys.exit(f"peers.py: no case matches {tok!r}; cases: {', '.join(c.name for c in cases)}")
        out += [c for c in hit if c not in out]
    return out


# --------------------------------------------------------------------------------------------
# Timing helpers (shared with conv_peers.py)


def median(v):
    return statistics.median(v) if v else float("nan")


def round_robin(runners: dict, reps: int, warmup: int) -> dict:
    """runners: name -> zero-argument callable (returns when its result is ready).

    Warm-up calls of each, then `reps` rounds in which every runner runs twice back to back, the
    second call timed (so each is timed warm, after a call of its own, as shardfft's bench
    times its side), the first runner rotating by one each round. Returns name -> list of ms."""
    names = list(runners)
    for _ in range(warmup):
        for nm in names:
            out = runners[nm]()
            del out
    times = {nm: [] for nm in names}
    for r in range(reps):
        order = names[r % len(names):] + names[: r % len(names)]
        for nm in order:
            out = runners[nm]()
            del out
            t0 = time.perf_counter()
            out = runners[nm]()
            dt = time.perf_counter() - t0
            times[nm].append(dt * 1e3)
            del out
    return times


def rel_l2(a, b) -> float:
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return float("inf")
    a = a.astype(np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(b) else np.float64)
    b = b.astype(a.dtype)
    den = np.linalg.norm(b.ravel())
    return float(np.linalg.norm((a - b).ravel()) / (den if den else 1.0))


def ensure_binary(path: Path) -> str | None:
    """Builds target/release/shardfft if it is missing; returns an error text or None."""
    if path.exists():
        return None
    if path != DEFAULT_BIN:
        return f"{path} does not exist"
    log("peers.py: target/release/shardfft missing; running cargo build --release ...")
    r = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
    return None if r.returncode == 0 and path.exists() else "cargo build --release failed"


_SUITE_OK: dict = {}


def run_shardfft(binary: Path, suite: str | None, case: str, threads: int | None = None,
                 timeout: float = 900) -> tuple[dict | None, str]:
    """Runs `shardfft bench --json [--suite S] --cases CASE`; returns (the JSON object whose
    "case" is exactly CASE, or None; a note). Falls back to no --suite when the binary does not
    know the option yet."""
    err = ensure_binary(binary)
    if err:
        return None, err
    base = [str(binary)]
    if threads is not None:
        base += ["--threads", str(threads)]
    base += ["bench", "--json", "--cases", case]
    attempts = [base]
    if suite and _SUITE_OK.get(suite, True):
        attempts.insert(0, base + ["--suite", suite])
    note = ""
    for cmd in attempts:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:.0f} s"
        if r.returncode != 0:
            msg = (r.stderr.strip().splitlines() or ["?"])[-1].replace("shardfft: error: ", "")
            msg = msg if len(msg) < 90 else msg[:87] + "..."
            if "--suite" in cmd and "unexpected argument '--suite'" in r.stderr:
                _SUITE_OK[suite] = False
                note = "no --suite yet"
                continue
            note = msg
            break
        for line in r.stdout.splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if obj.get("case") == case:
                return obj, note
        return None, (note + "; " if note else "") + "case not in the bench"
    return None, note


# --------------------------------------------------------------------------------------------
# Floors


def copy_bandwidth(nbytes: int = 1 << 30, threads: int = 1, reps: int = 5) -> float:
    """GB/s of a numpy copy of `nbytes` (counting read + written bytes), best of `reps`,
    the copy split into `threads` contiguous pieces on as many threads (numpy releases the GIL)."""
    src = np.ones(nbytes // 8, np.float64)
    dst = np.zeros_like(src)
    bounds = np.linspace(0, src.size, threads + 1).astype(np.int64)
    pieces = [(dst[bounds[i]:bounds[i + 1]], src[bounds[i]:bounds[i + 1]]) for i in range(threads)]
    best = float("inf")
    for _ in range(reps):
        if threads == 1:
            t0 = time.perf_counter()
            np.copyto(dst, src)
            dt = time.perf_counter() - t0
        else:
            barrier = threading.Barrier(threads + 1)
            done = threading.Barrier(threads + 1)

            def work(d, s):
                barrier.wait()
                np.copyto(d, s)
                done.wait()

            ts = [threading.Thread(target=work, args=p) for p in pieces]
            for t in ts:
                t.start()
            barrier.wait()
            t0 = time.perf_counter()
            done.wait()
            dt = time.perf_counter() - t0
            for t in ts:
                t.join()
        best = min(best, dt)
    del src, dst
    return 2 * nbytes / best / 1e9


def fftw_incache_gflops(dtype, n: int = 1024, batch: int = 32, reps: int = 7) -> float:
    """One-thread FFTW GFLOP/s (5·n·log2 n) on an out-of-place in-cache c2c batch
    (f32: 2 × 256 KiB, fits in L2), FFTW_MEASURE, best of `reps` timed loops."""
    import pyfftw

    a = pyfftw.empty_aligned((batch, n), dtype)
    b = pyfftw.empty_aligned((batch, n), dtype)
    plan = pyfftw.FFTW(a, b, axes=(-1,), direction="FFTW_FORWARD", flags=("FFTW_MEASURE",), threads=1)
    rng = np.random.default_rng(1)
    a.real = rng.standard_normal((batch, n))
    a.imag = rng.standard_normal((batch, n))
    t0 = time.perf_counter()
    for _ in range(10):
        plan.execute()
    per = (time.perf_counter() - t0) / 10
    inner = max(10, int(0.05 / max(per, 1e-7)))
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            plan.execute()
        best = min(best, (time.perf_counter() - t0) / inner)
    return 5 * n * math.log2(n) * batch / best / 1e9


def measure_floors(binary: Path | None, quick: bool) -> dict:
    log("floors: memory copy bandwidth (1 GiB) ...")
    reps = 3 if quick else 5
    bw1 = copy_bandwidth(threads=1, reps=reps)
    bwn = copy_bandwidth(threads=CORES, reps=reps) if CORES > 1 else bw1
    log(f"floors: copy {bw1:.1f} GB/s on 1 thread, {bwn:.1f} GB/s on {CORES}")
    log("floors: one-core GFLOP/s on in-cache c2c n = 1024 ...")
    g32 = fftw_incache_gflops(np.complex64)
    g64 = fftw_incache_gflops(np.complex128)
    sf1 = None
    if binary is not None:
        obj, _ = run_shardfft(binary, None, "c2c-f32/1024", threads=1)
        if obj and obj.get("gflops") is not None:
            sf1 = float(obj["gflops"])
    basis32 = max(g32, sf1 or 0.0)
    src = "fftw in-cache" if basis32 == g32 else "shardfft --threads 1 c2c-f32/1024"
    log(f"floors: FFTW 1 thread in-cache: {g32:.1f} GFLOP/s f32, {g64:.1f} f64; "
        f"shardfft --threads 1 c2c-f32/1024 (batch 4096, out of cache): "
        f"{'—' if sf1 is None else f'{sf1:.1f}'} GFLOP/s; basis f32 = {basis32:.1f} ({src})")
    return {
        "copy_gbps_1thread": bw1,
        "copy_gbps_all": bwn,
        "cores": CORES,
        "fftw_1core_incache_gflops_f32": g32,
        "fftw_1core_incache_gflops_f64": g64,
        "shardfft_1thread_c2c1024_gflops": sf1,
        "core_gflops_f32": basis32,
        "core_gflops_f32_source": src,
        "core_gflops_f64": g64,
    }


def best_floors(first: dict, last: dict) -> dict:
    """The higher of each rate of two floor measurements (both kept under "runs")."""
    best = dict(first)
    for key in ("copy_gbps_1thread", "copy_gbps_all", "fftw_1core_incache_gflops_f32",
                "fftw_1core_incache_gflops_f64", "core_gflops_f32", "core_gflops_f64"):
        best[key] = max(first[key], last[key])
    if last["core_gflops_f32"] > first["core_gflops_f32"]:
        best["core_gflops_f32_source"] = last["core_gflops_f32_source"]
    sf = [v for v in (first["shardfft_1thread_c2c1024_gflops"], last["shardfft_1thread_c2c1024_gflops"]) if v]
    best["shardfft_1thread_c2c1024_gflops"] = max(sf) if sf else None
    best["runs"] = [{k: v for k, v in f.items() if k != "runs"} for f in (first, last)]
    log(f"floors: basis of the table (best of the start and end): copy {best['copy_gbps_all']:.1f} GB/s "
        f"on {CORES}, {best['core_gflops_f32']:.1f} GFLOP/s f32, {best['core_gflops_f64']:.1f} f64 per core")
    return best


# --------------------------------------------------------------------------------------------
# Peers


def _np_like(mod, case: Case, x, **kw):
    """The case's transform with a numpy.fft-like module (numpy.fft, scipy.fft, jax.numpy.fft)."""
    k = case.kind
    if k in ("c2c", "c2c64"):
        return mod.fft(x, axis=-1, **kw)
    if k == "r2c":
        return mod.rfft(x, axis=-1, **kw)
    if k == "fft2":
        return mod.fft2(x, **kw)
    if k == "axis0":
        return mod.fft(x, axis=0, **kw)
    if k == "roundtrip":
        return mod.irfft(mod.rfft(x, axis=-1, **kw), n=case.n, axis=-1, **kw)
    raise ValueError(k)


def setup_numpy(case, x, args):
    return lambda: _np_like(np.fft, case, x)


def setup_scipy(case, x, args):
    import scipy.fft

    return lambda: _np_like(scipy.fft, case, x, workers=CORES)


def setup_jax(case, x, args):
    import jax
    import jax.numpy as jnp

    with jax.enable_x64(case.is_f64):
        f = jax.jit(lambda a: _np_like(jnp.fft, case, a))
        xj = jax.device_put(x)
        f(xj).block_until_ready()  # compile

    def run():
        with jax.enable_x64(case.is_f64):
            return f(xj).block_until_ready()

    return run


def setup_fftw(case, x, args):
    import pyfftw

    flags = (args.fftw_effort,)
    kw = dict(flags=flags, threads=CORES, planning_timelimit=args.fftw_timelimit)
    a = pyfftw.empty_aligned(x.shape, x.dtype)
    t0 = time.perf_counter()
    if case.kind in ("c2c", "c2c64", "fft2", "axis0"):
        b = pyfftw.empty_aligned(x.shape, x.dtype)
        axes = {"fft2": (0, 1), "axis0": (0,)}.get(case.kind, (-1,))
        p = pyfftw.FFTW(a, b, axes=axes, direction="FFTW_FORWARD", **kw)
        run = lambda: (p.execute(), b)[1]
    elif case.kind == "r2c":
        b = pyfftw.empty_aligned(x.shape[:-1] + (case.n // 2 + 1,), case.complex_dtype)
        p = pyfftw.FFTW(a, b, axes=(-1,), direction="FFTW_FORWARD", **kw)
        run = lambda: (p.execute(), b)[1]
    elif case.kind == "roundtrip":
        b = pyfftw.empty_aligned(x.shape[:-1] + (case.n // 2 + 1,), case.complex_dtype)
        c = pyfftw.empty_aligned(x.shape, x.dtype)
        p1 = pyfftw.FFTW(a, b, axes=(-1,), direction="FFTW_FORWARD", **kw)
        p2 = pyfftw.FFTW(b, c, axes=(-1,), direction="FFTW_BACKWARD", **kw)
        scale = np.float32(1.0 / case.n)

        def run():
            p1.execute()
            p2.execute()  # unnormalized c2r: scale like numpy.fft.irfft
            np.multiply(c, scale, out=c)
            return c
    else:
        raise ValueError(case.kind)
    args._fftw_plan_s = time.perf_counter() - t0
    a[...] = x  # planning (MEASURE) overwrote the input
    return run


SETUPS = {"numpy": setup_numpy, "scipy": setup_scipy, "jax": setup_jax, "fftw": setup_fftw}


# --------------------------------------------------------------------------------------------
# One case


@dataclass
class Result:
    case: Case
    ms: dict = field(default_factory=dict)  # impl -> median ms (None: failed / missing)
    err: dict = field(default_factory=dict)  # impl -> rel L2 vs numpy
    notes: dict = field(default_factory=dict)
    shard: dict | None = None


def bench_case(case: Case, args, binary: Path | None) -> Result:
    res = Result(case)
    x = case.make_input()
    runners = {}
    for nm in args.impls:
        if nm == "shardfft":
            continue
        try:
            args._fftw_plan_s = None
            runners[nm] = SETUPS[nm](case, x, args)
            if nm == "fftw":
                res.notes["fftw_plan_s"] = round(args._fftw_plan_s, 2)
        except Exception as e:  # a peer that cannot run this case shows "—"
            res.ms[nm] = None
            res.notes[nm] = f"{type(e).__name__}: {e}"
            log(f"  {case.name}: {nm} failed: {e}")
    # Correctness check against numpy (catches a wrongly set-up peer), untimed.
    if args.check and runners:
        ref = np.fft  # noqa
        want = _np_like(np.fft, case, x)
        for nm, fn in runners.items():
            res.err[nm] = rel_l2(np.asarray(fn()), want)
        del want
    # The peers' rounds straddle shardfft's run (half before, half after), so that drift in the
    # machine's load hits shardfft and the peers alike.
    sf_wanted = "shardfft" in args.impls and binary is not None
    first = (args.reps + 1) // 2 if sf_wanted else args.reps
    times = round_robin(runners, first, args.warmup)
    if sf_wanted:
        obj, note = run_shardfft(binary, "peers", case.name)
        more = round_robin(runners, args.reps - first, 1)
        for nm in times:
            times[nm] += more[nm]
    for nm, t in times.items():
        res.ms[nm] = median(t)
    runners.clear()
    del x
    if sf_wanted:
        res.shard = obj
        if obj is not None:
            res.ms["shardfft"] = obj.get("ms")
            # The axis-0 case is one (4096, 1024) array; shardfft may count its 1024 lanes as the batch.
            ok = {case.batch, case.shape[1]} if case.kind == "axis0" else {case.batch}
            if int(obj.get("batch", case.batch)) not in ok:
                note = (note + "; " if note else "") + f"shardfft batch {obj.get('batch')} != {case.batch}"
        else:
            res.ms["shardfft"] = None
        if note:
            res.notes["shardfft"] = note
    return res


def summarize(res: Result, floors: dict | None) -> dict:
    case = res.case
    peers = {k: v for k, v in res.ms.items() if k != "shardfft" and v is not None}
    best_name = min(peers, key=peers.get) if peers else None
    best = peers[best_name] if best_name else None
    sf = res.ms.get("shardfft")
    flops = case.flops()
    row = {
        "case": case.name,
        "batch": case.batch,
        "flops": flops,
        "bytes": case.bytes_moved(),
        "ms": {k: v for k, v in res.ms.items()},
        "rel_l2_vs_numpy": res.err,
        "best_peer": best_name,
        "best_peer_ms": best,
        "speedup_vs_best_peer": (best / sf) if (best and sf) else None,
        "shardfft_gflops": flops / (sf * 1e6) if sf else None,
        "best_peer_gflops": flops / (best * 1e6) if best else None,
        "notes": res.notes,
    }
    apply_floors(row, floors)
    if res.shard:
        row["shardfft_json"] = res.shard
    row["loadavg_1min_after"] = os.getloadavg()[0]
    return row


def apply_floors(row: dict, floors: dict | None) -> dict:
    """Sets (or replaces) the row's memory and compute floors and shardfft's multiple of the
    larger one, from its bytes, flops and time and the given floors."""
    if floors:
        mem = row["bytes"] / (floors["copy_gbps_all"] * 1e9) * 1e3
        core = floors["core_gflops_f64"] if "-f64" in row["case"] else floors["core_gflops_f32"]
        cpu = row["flops"] / (floors["cores"] * core * 1e9) * 1e3
        sf = row["ms"].get("shardfft")
        row.update(mem_floor_ms=mem, compute_floor_ms=cpu,
                   shardfft_over_floor=(sf / max(mem, cpu)) if sf else None)
    return row


def fmt(v, spec=".2f"):
    return DASH if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, spec)


def print_table(rows, impls, floors):
    peers = [p for p in impls if p != "shardfft"]
    cols = ["case", "batch"] + peers + ["shardfft", "best", "speedup", "GF/s sf", "GF/s peer",
                                         "mem fl", "cpu fl", "sf/floor"]
    widths = [24, 6] + [9] * len(peers) + [9, 6, 8, 8, 9, 7, 7, 8]
    out = []
    out.append(" ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cols, widths))))
    for r in rows:
        vals = [r["case"], str(r["batch"])]
        vals += [fmt(r["ms"].get(p)) for p in peers]
        vals += [fmt(r["ms"].get("shardfft")), r["best_peer"] or DASH,
                 fmt(r["speedup_vs_best_peer"]) + ("x" if r["speedup_vs_best_peer"] else ""),
                 fmt(r["shardfft_gflops"], ".1f"), fmt(r["best_peer_gflops"], ".1f"),
                 fmt(r.get("mem_floor_ms")), fmt(r.get("compute_floor_ms")),
                 fmt(r.get("shardfft_over_floor")) + ("x" if r.get("shardfft_over_floor") else "")]
        out.append(" ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(vals, widths))))
    print("\n".join(out))
    print()
    print("ms per batched call, median of round-robin repetitions. speedup = fastest peer ms / shardfft ms"
          " (> 1: shardfft faster).")
    print("GF/s = 5·n·log2 n per complex (2.5· per real) transform × batch / time.")
    if floors:
        print(f"mem fl = (input + output bytes) / all-core copy bandwidth {floors['copy_gbps_all']:.1f} GB/s"
              f" (1 thread: {floors['copy_gbps_1thread']:.1f}); cpu fl = flops / ({floors['cores']} cores ×"
              f" {floors['core_gflops_f32']:.1f} GFLOP/s f32 [{floors['core_gflops_f32_source']}],"
              f" {floors['core_gflops_f64']:.1f} f64 [fftw in-cache]); sf/floor = shardfft / max(floors).")
    busy = [f"{r['case']} ({r['loadavg_1min_after']:.1f})" for r in rows
            if r.get("loadavg_1min_after", 0) > CORES + 0.5]
    if busy:
        print(f"WARNING: other processes were competing for the {CORES} cores (1-min load average after"
              f" the case): {', '.join(busy)}; rerun those cases on a quiet machine.")
    bad = [(r["case"], k, v) for r in rows for k, v in r["rel_l2_vs_numpy"].items() if v > 1e-4]
    for c, k, v in bad:
        print(f"WARNING: {c}: {k} differs from numpy by rel L2 {v:.2e}")
    for r in rows:
        for k, v in r["notes"].items():
            if k != "fftw_plan_s":
                print(f"note: {r['case']}: {k}: {v}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", help="comma-separated case names (exact) or substrings")
    ap.add_argument("--json", action="store_true", help="one JSON object per line on stdout")
    ap.add_argument("--impls", default="numpy,scipy,jax,fftw,shardfft",
                    help="comma-separated subset of numpy,scipy,jax,fftw,shardfft")
    ap.add_argument("--reps", type=int, default=7, help="timed round-robin rounds (median; >= 7)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed calls of each implementation first")
    ap.add_argument("--no-floors", action="store_true", help="skip the bandwidth / GFLOP/s floors")
    ap.add_argument("--no-check", dest="check", action="store_false", help="skip the accuracy check vs numpy")
    ap.add_argument("--fftw-effort", default="FFTW_MEASURE")
    ap.add_argument("--fftw-timelimit", type=float, default=120.0,
                    help="FFTW planning time limit per plan, seconds (planning is never timed)")
    ap.add_argument("--shardfft-bin", type=Path, default=DEFAULT_BIN)
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    ap.add_argument("--table", type=Path, metavar="JSONL",
                    help="print the table of a saved --json run and exit (runs nothing)")
    args = ap.parse_args(argv)
    if args.table:
        floors, rows = None, []
        for line in args.table.read_text().splitlines():
            if line.strip().startswith("{"):
                obj = json.loads(line)
                if "floors" in obj:
                    floors = obj["floors"]  # the last one: the run's final floors
                else:
                    rows.append(obj)
        impls = [p for p in PEERS + ("shardfft",) if any(p in r["ms"] for r in rows)]
        print_table([apply_floors(r, floors) for r in rows], impls, floors)
        return
    cases = select(all_cases(), args.cases)
    if args.list:
        print("\n".join(c.name for c in cases))
        return
    args.impls = [s.strip() for s in args.impls.split(",") if s.strip()]
    for s in args.impls:
        if s not in SETUPS and s != "shardfft":
            sys.exit(f"peers.py: unknown implementation {s!r}")
    binary = args.shardfft_bin if "shardfft" in args.impls else None
    if binary is not None:
        err = ensure_binary(binary)
        if err:
            log(f"peers.py: shardfft unavailable: {err}")
            binary = None
    floors = None if args.no_floors else measure_floors(binary, quick=False)
    if args.json and floors:
        print(json.dumps({"floors": floors}), flush=True)
    rows = []
    for c in cases:
        log(f"{c.name} (batch {c.batch}) ...")
        row = summarize(bench_case(c, args, binary), floors)
        rows.append(row)
        log("  " + "  ".join(f"{k} {fmt(v)}" for k, v in row["ms"].items()))
        if args.json:
            print(json.dumps(row), flush=True)
    if floors:
        # This machine's speed drifts over minutes: the floors are measured again after the
        # cases and the faster of the two measurements of each rate is the basis (the lower,
        # harder floor), so a slow spell at the start cannot flatter shardfft.
        floors = best_floors(floors, measure_floors(binary, quick=False))
        rows = [apply_floors(r, floors) for r in rows]
        if args.json:
            print(json.dumps({"floors": floors}), flush=True)
    if not args.json:
        print_table(rows, args.impls, floors)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the scipy-recorded convolution fixtures read by tests/integration/conv_scipy.rs.

    .venv/bin/python bench/peers/make_conv_fixtures.py      # rewrites tests/fixtures/conv/

Fixed seed, so a rerun with the same numpy/scipy reproduces the files (up to the last bits of
scipy's own FFT rounding). For each case it stores the inputs x and k (shared between cases that
use the same inputs) and scipy's output, and lists the case in `cases.txt`, one per line:

    name function mode axes dtype x_file k_file y_file

  function: fftconvolve | oaconvolve | correlate  (scipy.signal.*; correlate with method="fft")
  mode:     full | same | valid
  axes:     comma-separated axes ("-1", "0,1"), or "all" (scipy's axes=None)
  dtype:    f64 | c128 (x, k and y all have it)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import scipy
import scipy.signal as ss

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "conv"
SEED = 20261129


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.npy"):
        old.unlink()
    rng = np.random.default_rng(SEED)
    inputs: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def arr(shape, dtype):
        if dtype == "c128":
            return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        return rng.standard_normal(shape)

    def inp(name, xshape, kshape, dtype):
        if name not in inputs:
            x, k = arr(xshape, dtype), arr(kshape, dtype)
            inputs[name] = (x, k)
            np.save(out / f"in_{name}_x.npy", x)
            np.save(out / f"in_{name}_k.npy", k)
        return inputs[name]

    lines = []

    def case(name, func, mode, axes, iname, xshape, kshape, dtype):
        x, k = inp(iname, xshape, kshape, dtype)
        ax = None if axes == "all" else [int(a) for a in axes.split(",")]
        if func == "fftconvolve":
            y = ss.fftconvolve(x, k, mode=mode, axes=ax)
        elif func == "oaconvolve":
            y = ss.oaconvolve(x, k, mode=mode, axes=ax)
        elif func == "correlate":
            # scipy.signal.correlate has no axes argument: it correlates over every axis.
            assert axes == "all" or x.ndim == 1, name
            y = ss.correlate(x, k, mode=mode, method="fft")
        else:
            raise ValueError(func)
        want_dtype = np.complex128 if dtype == "c128" else np.float64
        assert y.dtype == want_dtype, (name, y.dtype)
        np.save(out / f"out_{name}.npy", y)
        lines.append(f"{name} {func} {mode} {axes} {dtype} in_{iname}_x.npy in_{iname}_k.npy out_{name}.npy")

    modes = ("full", "same", "valid")
    # 1-D, real: odd, even, prime lengths; K > N; K = 1; K = N.
    for m in modes:
        case(f"conv_odd_{m}", "fftconvolve", m, "-1", "r37_5", (37,), (5,), "f64")
        case(f"conv_even_{m}", "fftconvolve", m, "-1", "r64_8", (64,), (8,), "f64")
        case(f"conv_prime_{m}", "fftconvolve", m, "-1", "r101_13", (101,), (13,), "f64")
        case(f"conv_k_gt_n_{m}", "fftconvolve", m, "-1", "r7_19", (7,), (19,), "f64")
        case(f"conv_k_gt_n_even_{m}", "fftconvolve", m, "-1", "r10_16", (10,), (16,), "f64")
        case(f"conv_k1_{m}", "fftconvolve", m, "-1", "r50_1", (50,), (1,), "f64")
        case(f"conv_k_eq_n_{m}", "fftconvolve", m, "-1", "r12_12", (12,), (12,), "f64")
        # complex
        case(f"conv_c_{m}", "fftconvolve", m, "-1", "c45_9", (45,), (9,), "c128")
        case(f"conv_c_k_gt_n_{m}", "fftconvolve", m, "-1", "c6_11", (6,), (11,), "c128")
        # overlap-add in scipy
        case(f"oa_long_{m}", "oaconvolve", m, "-1", "r600_31", (600,), (31,), "f64")
        case(f"oa_c_{m}", "oaconvolve", m, "-1", "c200_17", (200,), (17,), "c128")
        # correlation (scipy.signal.correlate, method="fft")
        case(f"corr_{m}", "correlate", m, "-1", "r40_7", (40,), (7,), "f64")
        case(f"corr_even_{m}", "correlate", m, "-1", "r64_8", (64,), (8,), "f64")
        case(f"corr_c_{m}", "correlate", m, "-1", "c33_6", (33,), (6,), "c128")
        case(f"corr_k_gt_n_{m}", "correlate", m, "-1", "r7_19", (7,), (19,), "f64")
        case(f"corr_c_k_gt_n_{m}", "correlate", m, "-1", "c6_11", (6,), (11,), "c128")
        # 2-D over axes (0, 1)
        case(f"conv2d_{m}", "fftconvolve", m, "0,1", "r12x15_4x5", (12, 15), (4, 5), "f64")
        case(f"conv2d_c_{m}", "fftconvolve", m, "0,1", "c9x8_3x4", (9, 8), (3, 4), "c128")
        case(f"conv2d_all_{m}", "fftconvolve", m, "all", "r12x15_4x5", (12, 15), (4, 5), "f64")
        case(f"conv2d_k_gt_n_{m}", "fftconvolve", m, "0,1", "r5x6_8x9", (5, 6), (8, 9), "f64")
        case(f"oa2d_{m}", "oaconvolve", m, "0,1", "r24x20_5x3", (24, 20), (5, 3), "f64")
        case(f"corr2d_{m}", "correlate", m, "all", "r12x15_4x5", (12, 15), (4, 5), "f64")
        case(f"corr2d_c_{m}", "correlate", m, "all", "c9x8_3x4", (9, 8), (3, 4), "c128")
        # batched along the last axis, the kernel broadcast over the batch: k (1, K)
        case(f"batch_last_{m}", "fftconvolve", m, "-1", "r6x50_1x9", (6, 50), (1, 9), "f64")
        case(f"batch_last_c_{m}", "fftconvolve", m, "-1", "c4x30_1x7", (4, 30), (1, 7), "c128")
        # a kernel per channel: x (batch, channels, n), k (1, channels, K)
        case(f"batch_chan_{m}", "fftconvolve", m, "-1", "r2x3x40_1x3x7", (2, 3, 40), (1, 3, 7), "f64")
        # batched along axis 0, kernel (K, 1)
        case(f"batch_axis0_{m}", "fftconvolve", m, "0", "r30x4_5x1", (30, 4), (5, 1), "f64")
        case(f"oa_batch_{m}", "oaconvolve", m, "-1", "r3x200_1x21", (3, 200), (1, 21), "f64")
    # 2-D with the kernel longer along one axis only (scipy has no valid mode for it)
    for m in ("full", "same"):
        case(f"conv2d_mixed_{m}", "fftconvolve", m, "0,1", "r6x20_9x3", (6, 20), (9, 3), "f64")
        case(f"corr2d_mixed_{m}", "correlate", m, "all", "c6x20_9x3", (6, 20), (9, 3), "c128")
    (out / "cases.txt").write_text(
        f"# scipy {scipy.__version__}, numpy {np.__version__}; written by bench/peers/make_conv_fixtures.py "
        f"(seed {SEED})\n# name function mode axes dtype x_file k_file y_file\n" + "\n".join(lines) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"{len(lines)} cases, {len(list(out.iterdir()))} files, {size / 1024:.1f} KiB in {out}")


if __name__ == "__main__":
    main()

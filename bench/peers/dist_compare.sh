#!/usr/bin/env bash
# shardfft (examples/dist_bench.rs over MPI, and in-process with thread ranks) against FFTW-MPI
# (bench/peers/fftw_mpi.c), side by side in one run: 2-D 4096² and 1-D 2^24 c2c f32, natural
# and transposed/scrambled output, at P = 1, 2, 4 ranks (one thread per rank, oversubscribed
# past the core count). They are run alternately, ROUNDS times, and the table shows the median
# over rounds of each one's median time, and the ratio shardfft (MPI) / FFTW-MPI (below 1:
# shardfft is faster).
#
#   bash bench/peers/dist_compare.sh
#   ROUNDS=3 RANKS="1 2" FFTW_MEASURE=all bash bench/peers/dist_compare.sh
#
# Env: RANKS (default "1 2 4"), ROUNDS (default 1), REPS (timed repetitions per run, default 7),
# FFTW_MEASURE (which cases FFTW plans with FFTW_MEASURE: 2d (default), 1d, all or none; the
# others use FFTW_ESTIMATE — MEASURE planning of 1-D 2^24 takes about a minute per P).
# Needs: libopenmpi-dev openmpi-bin libfftw3-dev libfftw3-mpi-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
RANKS="${RANKS:-1 2 4}"
ROUNDS="${ROUNDS:-1}"
REPS="${REPS:-7}"
MEASURE="${FFTW_MEASURE:-2d}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
MPIRUN=(timeout -k 10 900 mpirun --allow-run-as-root --oversubscribe)

mkdir -p target/peers
mpicc -O2 -o target/peers/fftw_mpi bench/peers/fftw_mpi.c -lfftw3f_mpi -lfftw3f -lm
cargo build --release --features mpi --example dist_bench
rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT

echo "# $(uptime)"
for round in $(seq "$ROUNDS"); do
  for p in $RANKS; do
    echo "== round $round, P = $p"
    "${MPIRUN[@]}" -np "$p" target/peers/fftw_mpi --reps "$REPS" --measure "$MEASURE" | tee -a "$rows" | grep -v '^ROW'
    "${MPIRUN[@]}" -np "$p" "$TARGET_DIR/release/examples/dist_bench" --mpi --threads 1 --reps "$REPS" |
      tee -a "$rows" | grep -v '^ROW'
    # The in-process backend: P thread ranks sharing a pool of P threads (as many as MPI's).
    timeout -k 10 900 "$TARGET_DIR/release/examples/dist_bench" --ranks "$p" --threads "$p" --reps "$REPS" |
      tee -a "$rows" | grep -v '^ROW'
  done
done
echo "# $(uptime)"
echo
echo "shardfft (MPI ranks, and thread ranks in one process) vs FFTW-MPI (median ms over $ROUNDS round(s); FFTW planner: MEASURE for $MEASURE, else ESTIMATE); ratio = shardfft MPI / FFTW-MPI"
grep '^ROW' "$rows" | awk -F'\t' '
  { key = $4 "\t" $5 "\t" $3; v[$2, key] = v[$2, key] " " $6; keys[key] = 1 }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    if (n == 0) return -1
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-4s %-11s %3s %12s %12s %12s %8s\n", "case", "order", "P", "shardfft_ms", "threads_ms", "fftw-mpi_ms", "ratio"
    n = 0
    for (k in keys) order[++n] = k
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, f, "\t")
      s = median(v["shardfft", k]); t = median(v["threads", k]); w = median(v["fftw-mpi", k])
      ratio = (s > 0 && w > 0) ? sprintf("%.2f", s / w) : "-"
      printf "%-4s %-11s %3s %12s %12s %12s %8s\n", f[1], f[2], f[3], (s > 0 ? sprintf("%.1f", s) : "-"), (t > 0 ? sprintf("%.1f", t) : "-"), (w > 0 ? sprintf("%.1f", w) : "-"), ratio
    }
  }'

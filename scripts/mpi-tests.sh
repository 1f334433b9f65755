#!/usr/bin/env bash
# The MPI tests: the shared sharded-transform and sharded-convolution suite (tests/integration/dist_suite)
# on 2 and 4 MPI ranks (examples/mpi_check.rs), the demo's training on MPI ranks (batch split
# on 2, sequence split on 4: the loss must fall 100x, as tests/integration/demo.rs asks in-process), and a rank that panics mid-collective must end the job quickly with
# a message naming it (examples/mpi_fail.rs). Needs Open MPI (Debian: libopenmpi-dev
# openmpi-bin libclang-dev pkg-config). Prints PASS or FAIL; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Root is fine here (CI containers); oversubscription lets 4 ranks share 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

echo "== building the MPI examples and the CLI with MPI"
cargo build --release --features mpi --example mpi_check --example mpi_fail --bin shardfft
BIN="$TARGET_DIR/release/examples"

for np in 2 4; do
  echo "== mpi_check on $np ranks"
  # One rayon thread per rank: the ranks already fill the cores.
  if RAYON_NUM_THREADS=1 timeout -k 10 300 "${MPIRUN[@]}" -np "$np" "$BIN/mpi_check"; then
    echo "ok: mpi_check on $np ranks"
  else
    fail "mpi_check on $np ranks (exit status $?)"
  fi
done

plots="$(mktemp -d)"
trap 'rm -rf "$plots"' EXIT
for run in "2 batch" "4 sequence"; do
  read -r np split <<<"$run"
  echo "== shardfft demo on $np MPI ranks, --split $split"
  out="$(RAYON_NUM_THREADS=1 timeout -k 10 300 "${MPIRUN[@]}" -np "$np" "$TARGET_DIR/release/shardfft" demo \
    --length 2048 --steps 80 --split "$split" --json --out-dir "$plots" 2>&1)" || true
  echo "    $out" | tail -3
  ratio="$(sed -n 's/.*"loss_ratio":\([^,]*\),.*/\1/p' <<<"$out")"
  if ! grep -q "\"ranks\":$np," <<<"$out"; then
    fail "demo on $np MPI ranks did not report $np ranks"
  elif ! awk -v r="$ratio" 'BEGIN { exit !(r + 0 >= 100) }'; then
    fail "demo on $np MPI ranks: loss fell only ${ratio:-?}x (want >= 100x)"
  elif [ ! -s "$plots/demo-loss.svg" ] || [ ! -s "$plots/demo-kernel.svg" ]; then
    fail "demo on $np MPI ranks wrote no plots"
  else
    echo "ok: demo on $np MPI ranks ($split split), loss fell ${ratio}x"
  fi
done

echo "== mpi_fail: rank 1 panics mid-collective; the job must end within seconds, naming rank 1"
err="$(mktemp)"
trap 'rm -rf "$plots" "$err"' EXIT
start=$(date +%s)
set +e
RUST_BACKTRACE=0 timeout -k 5 60 "${MPIRUN[@]}" -np 2 "$BIN/mpi_fail" 2>"$err" >/dev/null
status=$?
set -e
elapsed=$(($(date +%s) - start))
sed 's/^/    /' "$err" | head -20
if [ "$status" -eq 0 ]; then
  fail "mpi_fail exited with status 0"
elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  fail "mpi_fail hung (killed by timeout after ${elapsed} s)"
elif [ "$elapsed" -gt 10 ]; then
  fail "mpi_fail took ${elapsed} s to end (status $status)"
elif ! grep -q "MPI rank 1 of 2 panicked" "$err"; then
  fail "mpi_fail's stderr does not name rank 1"
else
  echo "ok: mpi_fail ended in ${elapsed} s with status $status, naming rank 1"
fi

if [ "$failures" -eq 0 ]; then
  echo "MPI tests: PASS"
else
  echo "MPI tests: FAIL ($failures failed)"
  exit 1
fi

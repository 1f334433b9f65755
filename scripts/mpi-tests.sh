#!/usr/bin/env bash
# The MPI tests: the shared sharded-transform suite (tests/dist_suite) on 2 and 4 MPI ranks
# (examples/mpi_check.rs), and a rank that panics mid-collective must end the job quickly with
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

echo "== building the MPI examples"
cargo build --release --features mpi --example mpi_check --example mpi_fail
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

echo "== mpi_fail: rank 1 panics mid-collective; the job must end within seconds, naming rank 1"
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
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

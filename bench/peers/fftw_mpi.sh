#!/usr/bin/env bash
# FFTW-MPI peer of examples/dist_bench.rs: builds bench/peers/fftw_mpi.c with mpicc against
# FFTW's single-precision MPI library into target/peers/, and runs 2-D 4096² and 1-D 2^24 c2c
# (natural and TRANSPOSED_OUT / SCRAMBLED_OUT) at P = 1, 2, 4.
# Needs: libopenmpi-dev openmpi-bin libfftw3-dev libfftw3-mpi-dev.
#
#   bash bench/peers/fftw_mpi.sh [extra fftw_mpi flags, e.g. --reps 9 --measure all]
#
# Planning: FFTW_MEASURE for the 2-D cases; FFTW_ESTIMATE for 1-D 2^24, whose MEASURE
# planning takes about a minute per rank count (pass --measure all to measure it anyway).
# Env: RANKS (default "1 2 4").
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p target/peers
mpicc -O2 -o target/peers/fftw_mpi bench/peers/fftw_mpi.c -lfftw3f_mpi -lfftw3f -lm
for p in ${RANKS:-1 2 4}; do
  timeout -k 10 900 mpirun --allow-run-as-root --oversubscribe -np "$p" target/peers/fftw_mpi "$@"
done | awk '!/^impl/ || !seen++'

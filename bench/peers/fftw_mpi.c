/* FFTW-MPI peer for examples/dist_bench.rs: 2-D n×n and 1-D 2^k c2c single precision, split over
 * the MPI ranks, natural and TRANSPOSED_OUT / SCRAMBLED_OUT output, out of place.
 *
 *   mpicc -O2 fftw_mpi.c -lfftw3f_mpi -lfftw3f -lm -o fftw_mpi
 *   mpirun -np 2 ./fftw_mpi [--case 2d|1d|all] [--order natural|transposed|all] [--n2d 4096]
 *                           [--log2n 24] [--reps 7] [--warmup 2] [--measure 2d|1d|all|none]
 *
 * Prints the same table as dist_bench (median and minimum over the timed repetitions after
 * warm-up, GFLOP/s as 5·N·log2 N) and `ROW` lines for bench/peers/dist_compare.sh. Planning uses
 * FFTW_MEASURE for the cases named by --measure (default: 2d) and FFTW_ESTIMATE for the others;
 * the table says which. */
#include <fftw3-mpi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void fill(fftwf_complex *x, ptrdiff_t n, int rank) {
  unsigned s = 12345u + 7919u * (unsigned)rank;
  for (ptrdiff_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i][0] = (float)(s >> 8) / 16777216.0f - 0.5f;
    s = s * 1664525u + 1013904223u;
    x[i][1] = (float)(s >> 8) / 16777216.0f - 0.5f;
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  fftwf_mpi_init();
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int do2d = 1, do1d = 1, nat = 1, trans = 1, reps = 7, warmup = 2, log2n = 24;
  int measure2d = 1, measure1d = 0;
  ptrdiff_t n2d = 4096;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *f = argv[i], *v = argv[i + 1];
    if (!strcmp(f, "--case")) {
      do2d = !strcmp(v, "2d") || !strcmp(v, "all");
      do1d = !strcmp(v, "1d") || !strcmp(v, "all");
    } else if (!strcmp(f, "--order")) {
      nat = !strcmp(v, "natural") || !strcmp(v, "all");
      trans = !strcmp(v, "transposed") || !strcmp(v, "scrambled") || !strcmp(v, "all");
    } else if (!strcmp(f, "--n2d")) {
      n2d = atol(v);
    } else if (!strcmp(f, "--log2n")) {
      log2n = atoi(v);
    } else if (!strcmp(f, "--reps")) {
      reps = atoi(v) < 1 ? 1 : atoi(v);
    } else if (!strcmp(f, "--warmup")) {
      warmup = atoi(v);
    } else if (!strcmp(f, "--measure")) {
      measure2d = !strcmp(v, "2d") || !strcmp(v, "all");
      measure1d = !strcmp(v, "1d") || !strcmp(v, "all");
    } else {
      if (rank == 0) fprintf(stderr, "unknown flag %s\n", f);
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
  }
  if (rank == 0)
    printf("%-9s %2s %4s %-22s %-10s %9s %9s %8s %9s %s\n", "impl", "P", "thr", "case", "order", "median_ms",
           "min_ms", "GFLOP/s", "plan_s", "planner");
  double *t = malloc(sizeof(double) * (size_t)reps);
  for (int c = 0; c < 2; c++) {
    if ((c == 0 && !do2d) || (c == 1 && !do1d)) continue;
    for (int o = 0; o < 2; o++) {
      if ((o == 0 && !nat) || (o == 1 && !trans)) continue;
      int measure = c == 0 ? measure2d : measure1d;
      unsigned flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE;
      ptrdiff_t total, alloc, local_n = 0, l0, l1, l2, l3;
      char name[64];
      const char *order;
      if (c == 0) {
        total = n2d * n2d;
        if (o == 1) flags |= FFTW_MPI_TRANSPOSED_OUT;
        alloc = fftwf_mpi_local_size_2d_transposed(n2d, n2d, MPI_COMM_WORLD, &l0, &l1, &l2, &l3);
        local_n = l0 * n2d;
        snprintf(name, sizeof name, "2d-%tdx%td-c2c-f32", n2d, n2d);
        order = o == 0 ? "natural" : "transposed";
      } else {
        total = (ptrdiff_t)1 << log2n;
        if (o == 1) flags |= FFTW_MPI_SCRAMBLED_OUT;
        alloc = fftwf_mpi_local_size_1d(total, MPI_COMM_WORLD, FFTW_FORWARD, flags, &l0, &l1, &l2, &l3);
        local_n = l0;
        snprintf(name, sizeof name, "1d-2^%d-c2c-f32", log2n);
        order = o == 0 ? "natural" : "scrambled";
      }
      fftwf_complex *in = fftwf_alloc_complex(alloc > 0 ? alloc : 1);
      fftwf_complex *out = fftwf_alloc_complex(alloc > 0 ? alloc : 1);
      double p0 = MPI_Wtime();
      fftwf_plan plan =
          c == 0 ? fftwf_mpi_plan_dft_2d(n2d, n2d, in, out, MPI_COMM_WORLD, FFTW_FORWARD, flags)
                 : fftwf_mpi_plan_dft_1d(total, in, out, MPI_COMM_WORLD, FFTW_FORWARD, flags);
      double plan_s = MPI_Wtime() - p0;
      if (!plan) {
        if (rank == 0)
          printf("%-9s %2d %4d %-22s %-10s %9s %9s %8s %9.2f %s\n", "fftw-mpi", size, 1, name, order, "-", "-", "-",
                 plan_s, "(no plan)");
        fftwf_free(in);
        fftwf_free(out);
        continue;
      }
      fill(in, local_n, rank);
      for (int w = 0; w < warmup; w++) {
        MPI_Barrier(MPI_COMM_WORLD);
        fftwf_execute(plan);
      }
      for (int r = 0; r < reps; r++) {
        fill(in, local_n, rank);
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        fftwf_execute(plan);
        MPI_Barrier(MPI_COMM_WORLD);
        t[r] = MPI_Wtime() - t0;
      }
      qsort(t, (size_t)reps, sizeof(double), cmp_double);
      double med = t[reps / 2], mn = t[0];
      if (rank == 0) {
        double flops = 5.0 * (double)total * log2((double)total);
        printf("%-9s %2d %4d %-22s %-10s %9.2f %9.2f %8.2f %9.2f %s\n", "fftw-mpi", size, 1, name, order, med * 1e3,
               mn * 1e3, flops / med / 1e9, plan_s, measure ? "MEASURE" : "ESTIMATE");
        printf("ROW\tfftw-mpi\t%d\t%s\t%s\t%.3f\t%.3f\n", size, c == 0 ? "2d" : "1d", order, med * 1e3, mn * 1e3);
      }
      fflush(stdout);
      fftwf_destroy_plan(plan);
      fftwf_free(in);
      fftwf_free(out);
    }
  }
  free(t);
  fftwf_mpi_cleanup();
  MPI_Finalize();
  return 0;
}

//! One-core, in-cache timings of the 1-D kernels shardfft's planner picks against rustfft's
//! and realfft's own plans of the same length: `cargo bench --bench kernels [-- FILTER]`.
//!
//! Each case transforms eight lanes (the batch kernels' unit) that stay in L2, so what is
//! compared is the arithmetic and the in-cache data movement of the kernels, not memory
//! bandwidth or threading (those are what `shardfft bench` and `bench/peers/` measure).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};
use shardfft::Float;

const LANES: usize = 8;

/// Complex lengths: powers of two around the small-length cut-over, the batch kernel's
/// lengths (1000, 6000, 10000), and factors 3 (49152 = 3·2^14).
const COMPLEX: [usize; 9] = [256, 512, 1000, 1024, 4096, 6000, 10000, 16384, 49152];
/// Real lengths: the even lengths of the peer comparison that fit in cache.
const REAL: [usize; 5] = [256, 1024, 4096, 16384, 65536];

/// Flops of one batch as counted by `shardfft bench`: 5·n·log2 n per complex lane.
fn flops(n: usize, per_lane: f64) -> u64 {
    (per_lane * n as f64 * (n as f64).log2() * LANES as f64) as u64
}

fn run_complex(c: &mut Criterion, n: usize, name: &str, fft: Arc<dyn Fft<f32>>) {
    let mut data: Vec<Complex<f32>> = (0..n * LANES)
        .map(|i| Complex::new((i % 7) as f32, (i % 3) as f32))
        .collect();
    let mut scratch = vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()];
    let mut group = c.benchmark_group("c2c-f32");
    group.throughput(Throughput::Elements(flops(n, 5.0)));
    group.bench_function(BenchmarkId::new(name, n), |b| {
        b.iter(|| fft.process_with_scratch(black_box(&mut data), &mut scratch))
    });
    group.finish();
}

fn run_real(c: &mut Criterion, n: usize, name: &str, fft: Arc<dyn RealToComplex<f32>>) {
    let input: Vec<f32> = (0..n * LANES).map(|i| (i % 11) as f32).collect();
    let mut work = input.clone();
    let mut output = vec![Complex::new(0.0, 0.0); (n / 2 + 1) * LANES];
    let mut scratch = fft.make_scratch_vec();
    let mut group = c.benchmark_group("r2c-f32");
    group.throughput(Throughput::Elements(flops(n, 2.5)));
    group.bench_function(BenchmarkId::new(name, n), |b| {
        b.iter(|| {
            // realfft's contract lets a plan overwrite its input, so each lane starts afresh.
            work.copy_from_slice(&input);
            for (x, y) in work.chunks_exact_mut(n).zip(output.chunks_exact_mut(n / 2 + 1)) {
                fft.process_with_scratch(x, y, &mut scratch)
                    .expect("buffer lengths match the plan");
            }
        })
    });
    group.finish();
}

fn kernels(c: &mut Criterion) {
    let mut complex = FftPlanner::<f32>::new();
    let mut real = RealFftPlanner::<f32>::new();
    let plans = f32::plans();
    for n in COMPLEX {
        run_complex(c, n, "shardfft", plans.complex(n, false).expect("a small length plans"));
        run_complex(c, n, "rustfft", complex.plan_fft_forward(n));
    }
    for n in REAL {
        run_real(c, n, "shardfft", plans.r2c(n).expect("a small length plans"));
        run_real(c, n, "realfft", real.plan_fft_forward(n));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = kernels
}
criterion_main!(benches);

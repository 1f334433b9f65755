//! Plan-time timing (FFTW_MEASURE's idea): of two plans of one transform, keep the faster here.
//!
//! shardfft's own kernels beat rustfft's by 1.3–2.4× on some AVX-512 cores and lose by up to
//! half on others (measured with `cargo bench --bench kernels`: on a Zen 5 VM complex 1024–8192
//! points 1.34–1.46× rustfft's speed; on a Xeon VM of 2026-12-02 1000–1024 points 1.3–1.4×, but
//! 6000 0.67×, 10000 0.53×, 16384 0.84×, and real 2^20 points a third of realfft's speed in a
//! batch). No fixed rule of lengths fits both, so where shardfft has a kernel of its own the
//! planner runs it and the generic plan on one call's worth of lanes and keeps the faster.
//! A lone long lane is planned the same way: shardfft's own split of it over the cores
//! against the column split, or, below that split's lengths, the whole lane on one core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use num_complex::Complex;
use realfft::{ComplexToReal, RealToComplex};
use rustfft::Fft;

use crate::Float;
use crate::exec::{FourStep, try_filled};

/// The most complex values a timing run may hold (32 MiB of f32): longer plans are not timed,
/// and the first (shardfft's own) is kept.
const MAX_VALUES: usize = 1 << 22;
/// Values a timed call should at least process, so that short lengths are timed over many
/// calls rather than at the clock's resolution.
const MIN_VALUES_PER_TIMING: usize = 1 << 16;
/// Timed rounds (each plan once per round, alternating; the best of each counts).
const ROUNDS: usize = 3;
/// How long a plan on one core runs call after call in each round.
const SERIAL_BURST: Duration = Duration::from_millis(2);
/// How long a split over the cores runs call after call in each round: long enough for idle
/// cores to come up to speed (about 10 ms on the Xeon VM above).
const PARALLEL_BURST: Duration = Duration::from_millis(20);

/// `first` or `second`, whichever `run` (one call of a plan on the same data) finishes faster;
/// `first` on a tie or when `run` cannot run (it returns `false`, e.g. for want of memory).
///
/// The plans take turns for [`ROUNDS`] rounds; in each, a plan runs call after call for at
/// least `burst` (and twice), and its fastest call counts, so that it is timed on cores,
/// caches, pages and worker threads that a run of that plan itself has warmed. On a 2-core
/// Xeon VM a split of 2^18 points over both cores took 1.6 ms on its first call after
/// planning, 1.05 ms by its eighth and 0.6 ms once warm; timed on single calls, or taking turns
/// call by call with the whole lane on one core (which leaves the other core idle), it lost to
/// the whole lane (0.9 ms).
/// With `SHARDFFT_PLANNING=estimate` in the environment nothing is timed and `first` is kept
/// (FFTW_ESTIMATE's counterpart: the same plans on every run, for comparisons).
pub(crate) fn faster<P: ?Sized>(
    first: Arc<P>,
    second: Arc<P>,
    burst: Duration,
    mut run: impl FnMut(&P) -> bool,
) -> Arc<P> {
    if estimating() {
        return first;
    }
    let mut best = [Duration::MAX; 2];
    'rounds: for _ in 0..ROUNDS {
        for (slot, plan) in [&first, &second].into_iter().enumerate() {
            let start = Instant::now();
            for call in 0.. {
                let timed = Instant::now();
                if !run(plan) {
                    best = [Duration::ZERO, Duration::MAX];
                    break 'rounds;
                }
                best[slot] = best[slot].min(timed.elapsed());
                if call >= 1 && start.elapsed() >= burst {
                    break;
                }
            }
        }
    }
    if best[1] < best[0] { second } else { first }
}

/// Whether `SHARDFFT_PLANNING=estimate` switches the timing off (read once).
fn estimating() -> bool {
    static ESTIMATE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ESTIMATE.get_or_init(|| std::env::var_os("SHARDFFT_PLANNING").is_some_and(|v| v == "estimate"))
}

/// How many times a timed call repeats a plan of `values` values per pass.
fn repeats(values: usize) -> usize {
    MIN_VALUES_PER_TIMING.div_ceil(values.max(1))
}

/// The faster here of two complex plans of length `n`, timed on `lanes` lanes in place.
pub(crate) fn faster_complex<T: Float>(
    first: Arc<dyn Fft<T>>,
    second: Arc<dyn Fft<T>>,
    lanes: usize,
) -> Arc<dyn Fft<T>> {
    let values = first.len().saturating_mul(lanes.max(1));
    let scratch_len = first.get_inplace_scratch_len().max(second.get_inplace_scratch_len());
    let buffers = (values <= MAX_VALUES)
        .then(|| Some((try_filled(values, "").ok()?, try_filled(scratch_len, "").ok()?)))
        .flatten();
    let Some((mut data, mut scratch)) = buffers else {
        return first;
    };
    let repeats = repeats(values);
    // All-zero data stays zero through any number of transforms (no overflow, no subnormals).
    faster(first, second, SERIAL_BURST, |plan: &(dyn Fft<T> + 'static)| {
        for _ in 0..repeats {
            plan.process_with_scratch(&mut data, &mut scratch[..plan.get_inplace_scratch_len()]);
        }
        true
    })
}

/// The faster here of two real-to-complex plans of one length.
pub(crate) fn faster_r2c<T: Float>(
    first: Arc<dyn RealToComplex<T>>,
    second: Arc<dyn RealToComplex<T>>,
) -> Arc<dyn RealToComplex<T>> {
    let (n, scratch) = (first.len(), first.get_scratch_len().max(second.get_scratch_len()));
    faster_real(
        first,
        second,
        n,
        scratch,
        |plan: &(dyn RealToComplex<T> + 'static), reals, bins, s| plan.process_with_scratch(reals, bins, s).is_ok(),
    )
}

/// The faster here of two complex-to-real plans of one length.
pub(crate) fn faster_c2r<T: Float>(
    first: Arc<dyn ComplexToReal<T>>,
    second: Arc<dyn ComplexToReal<T>>,
) -> Arc<dyn ComplexToReal<T>> {
    let (n, scratch) = (first.len(), first.get_scratch_len().max(second.get_scratch_len()));
    faster_real(
        first,
        second,
        n,
        scratch,
        |plan: &(dyn ComplexToReal<T> + 'static), reals, bins, s| plan.process_with_scratch(bins, reals, s).is_ok(),
    )
}

/// [`faster`] for real plans of length `n` of either direction: `run` does one call of a plan
/// on `n` reals, `n/2 + 1` bins and `scratch` scratch values (all zero to start with). Too long
/// to time, or out of memory: `first`.
fn faster_real<T: Float, P: ?Sized>(
    first: Arc<P>,
    second: Arc<P>,
    n: usize,
    scratch: usize,
    run: impl Fn(&P, &mut [T], &mut [Complex<T>], &mut [Complex<T>]) -> bool,
) -> Arc<P> {
    let buffers = (n <= MAX_VALUES)
        .then(|| {
            Some((
                try_filled(n, "").ok()?,
                try_filled(n / 2 + 1, "").ok()?,
                try_filled(scratch, "").ok()?,
            ))
        })
        .flatten();
    let Some((mut reals, mut bins, mut scratch)) = buffers else {
        return first;
    };
    let repeats = repeats(n);
    faster(first, second, SERIAL_BURST, |plan: &P| {
        (0..repeats).all(|_| run(plan, &mut reals, &mut bins, &mut scratch))
    })
}

/// How a lone lane may run: split over the cores, or whole on one.
enum Lone<T: Float> {
    Split(Arc<FourStep<T>>),
    Whole(Arc<dyn Fft<T>>),
}

/// The faster here of shardfft's own split of a lone lane and the generic choice: the
/// `generic` split, or, where there is none, the `whole` lane on one core (gathered into the
/// destination and transformed there, as the executor runs it). `None` means run it whole.
/// Too long to time, or out of memory: `native`.
pub(crate) fn faster_four_step<T: Float>(
    native: Arc<FourStep<T>>,
    generic: Option<Arc<FourStep<T>>>,
    whole: Arc<dyn Fft<T>>,
) -> Option<Arc<FourStep<T>>> {
    let n = native.len();
    let scratch_len = whole.get_inplace_scratch_len();
    let buffers = (n <= MAX_VALUES)
        .then(|| {
            Some((
                try_filled::<Complex<T>>(n, "").ok()?,
                try_filled(n, "").ok()?,
                try_filled(native.temp_len().max(scratch_len), "").ok()?,
            ))
        })
        .flatten();
    let Some((src, mut dst, mut temp)) = buffers else {
        return Some(native);
    };
    let second = match generic {
        Some(split) => Lone::Split(split),
        None => Lone::Whole(whole),
    };
    let repeats = repeats(n);
    let kept = faster(
        Arc::new(Lone::Split(native)),
        Arc::new(second),
        PARALLEL_BURST,
        |lone: &Lone<T>| {
            (0..repeats).all(|_| match lone {
                // SAFETY: `src` holds `n` elements and does not overlap `dst`.
                Lone::Split(split) => {
                    unsafe { split.run(src.as_ptr(), n, &|c| c, &mut dst, &mut temp, &|_: &mut [_]| {}) }.is_ok()
                }
                Lone::Whole(fft) => {
                    dst.copy_from_slice(&src);
                    fft.process_with_scratch(&mut dst, &mut temp[..scratch_len]);
                    true
                }
            })
        },
    );
    match &*kept {
        Lone::Split(split) => Some(split.clone()),
        Lone::Whole(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustfft::{FftDirection, FftPlanner};

    /// A correct plan made slow on purpose: `inner`, then a pause.
    struct Slowed(Arc<dyn Fft<f32>>, Duration);

    impl Fft<f32> for Slowed {
        fn process_with_scratch(&self, buffer: &mut [Complex<f32>], scratch: &mut [Complex<f32>]) {
            self.0.process_with_scratch(buffer, scratch);
            std::thread::sleep(self.1);
        }
        fn process_outofplace_with_scratch(
            &self,
            input: &mut [Complex<f32>],
            output: &mut [Complex<f32>],
            scratch: &mut [Complex<f32>],
        ) {
            self.0.process_outofplace_with_scratch(input, output, scratch);
        }
        fn process_immutable_with_scratch(
            &self,
            input: &[Complex<f32>],
            output: &mut [Complex<f32>],
            scratch: &mut [Complex<f32>],
        ) {
            self.0.process_immutable_with_scratch(input, output, scratch);
        }
        fn get_inplace_scratch_len(&self) -> usize {
            self.0.get_inplace_scratch_len()
        }
        fn get_outofplace_scratch_len(&self) -> usize {
            self.0.get_outofplace_scratch_len()
        }
        fn get_immutable_scratch_len(&self) -> usize {
            self.0.get_immutable_scratch_len()
        }
    }

    impl rustfft::Length for Slowed {
        fn len(&self) -> usize {
            self.0.len()
        }
    }

    impl rustfft::Direction for Slowed {
        fn fft_direction(&self) -> FftDirection {
            self.0.fft_direction()
        }
    }

    #[test]
    fn the_faster_plan_is_kept_whichever_comes_first() {
        let plain = FftPlanner::<f32>::new().plan_fft_forward(4096);
        let slow: Arc<dyn Fft<f32>> = Arc::new(Slowed(plain.clone(), Duration::from_micros(200)));
        assert!(Arc::ptr_eq(&faster_complex(slow.clone(), plain.clone(), 1), &plain));
        assert!(Arc::ptr_eq(&faster_complex(plain.clone(), slow, 1), &plain));
    }

    #[test]
    fn a_run_that_cannot_run_keeps_the_first_plan() {
        let a: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        let b: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        assert!(Arc::ptr_eq(&faster(a.clone(), b, SERIAL_BURST, |_| false), &a));
    }

    #[test]
    fn lengths_too_long_to_time_keep_the_first_plan() {
        // No transform runs: the first plan is returned before any buffer is made.
        let plain = FftPlanner::<f32>::new().plan_fft_forward(4096);
        let slow: Arc<dyn Fft<f32>> = Arc::new(Slowed(plain.clone(), Duration::from_micros(200)));
        let lanes = MAX_VALUES / 4096 + 1;
        assert!(Arc::ptr_eq(&faster_complex(slow.clone(), plain, lanes), &slow));
    }

    #[test]
    fn a_lone_lane_is_split_where_running_it_whole_is_slower() {
        let n = 1 << 21;
        let split = Arc::new(FourStep::<f32>::generic(n, false).unwrap().unwrap());
        let whole = FftPlanner::<f32>::new().plan_fft_forward(n);
        let slow: Arc<dyn Fft<f32>> = Arc::new(Slowed(whole, Duration::from_millis(100)));
        let kept = faster_four_step(split.clone(), None, slow).expect("the split is faster");
        assert!(Arc::ptr_eq(&kept, &split));
    }

    #[test]
    fn lone_lanes_too_long_to_time_keep_the_first_split() {
        // Nothing is allocated or run: the first split is returned at once.
        let n = 1 << 23;
        let first = Arc::new(FourStep::<f32>::generic(n, false).unwrap().unwrap());
        let whole = FftPlanner::<f32>::new().plan_fft_forward(n);
        let kept = faster_four_step(first.clone(), None, whole).expect("the first split is kept");
        assert!(Arc::ptr_eq(&kept, &first));
    }
}

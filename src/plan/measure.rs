//! Plan-time timing (FFTW_MEASURE's idea): of two plans of one transform, keep the faster here.
//!
//! shardfft's own kernels beat rustfft's by 1.3–2.4× on some AVX-512 cores and lose by up to
//! half on others (measured with `cargo bench --bench kernels`: on a Zen 5 VM complex 1024–8192
//! points 1.34–1.46× rustfft's speed; on a Xeon VM of 2026-12-02 1000–1024 points 1.3–1.4×, but
//! 6000 0.67×, 10000 0.53×, 16384 0.84×, and real 2^20 points a third of realfft's speed in a
//! batch). No fixed rule of lengths fits both, so where shardfft has a kernel of its own the
//! planner runs it and the generic plan on one call's worth of lanes and keeps the faster.
//! Batches run a lane on every core at once, so kernels are timed that way too: on the 2-core
//! Xeon VM rustfft won 2^20 points on one core alone and lost by a third with both cores busy.
//! A lone long lane is planned the same way: shardfft's own split of it over the cores
//! against the column split, or, below that split's lengths, the whole lane on one core.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::time::{Duration, Instant};

use num_complex::Complex;
use realfft::{ComplexToReal, RealToComplex};
use rustfft::Fft;

use crate::Float;
use crate::exec::{FourStep, try_filled};
use crate::plan::BatchR2c;

/// The most complex values one timing run may hold (32 MiB of f32): longer plans are not
/// timed, and the first (shardfft's own) is kept.
const MAX_VALUES: usize = 1 << 22;
/// The most values all the threads of a timing may hold together; fewer threads time longer
/// plans.
const MAX_VALUES_ON_ALL_CORES: usize = 4 * MAX_VALUES;
/// Values a timed call should at least process, so that short lengths are timed over many
/// calls rather than at the clock's resolution.
const MIN_VALUES_PER_TIMING: usize = 1 << 16;
/// Bytes of lanes each timing thread cycles through, a lane (or call's worth of lanes) per call:
/// well past a core's L2, as a batch's lanes are, so kernels are timed on data that comes from
/// further out, as they run in batches. Timed on one lane in L2, the generic real plan of 2^16
/// points ran 7% faster than shardfft's (69 vs 74 µs on the Zen 4 VM, both cores busy) and was
/// kept, though in a batch of 64 lanes shardfft's ran 1.5× faster (2.4 vs 3.6 ms); cycling
/// through 8 MiB of lanes, shardfft's kernel timed 52–68 µs against 73–85.
const ROTATION_BYTES: usize = 8 << 20;
/// Timed rounds (each plan once per round, alternating; the best of each counts).
const ROUNDS: usize = 3;
/// How long a plan on one core runs call after call in each round.
const SERIAL_BURST: Duration = Duration::from_millis(2);
/// How much faster `second` must time to replace `first`: closer timings count as a tie,
/// which `first` (shardfft's own kernel, where there is one) keeps. Timings of one plan on the
/// 2-vCPU VMs swing by that much from turn to turn, so without the band the choice between
/// two near-equal plans flips from run to run; and a near tie in the planner's in-place
/// timing is often a clear difference in a batch: on the Zen 4 VM the AVX-512 split of 2^20
/// f32 points timed 3–12% faster than rustfft's plan in place, and 15–20% faster in a batch
/// of four lanes (one 8 MiB lane per core at a time, out of place); without the band rustfft's
/// plan won 1 of 23 plannings there (2026-12-06), and that run's batch took 25% longer.
const TIE: f64 = 0.05;
/// How long a split over the cores runs call after call in each round: long enough for idle
/// cores to come up to speed (about 10 ms on the Xeon VM above).
const PARALLEL_BURST: Duration = Duration::from_millis(20);

/// `first` or `second`, whichever runs faster on `threads` threads at once, each calling its
/// own runner from `runner` (which makes its buffers; `None` when it cannot, e.g. for want of
/// memory); a runner does one call of a plan and returns `false` if it could not. `first` on
/// a tie (within [`TIE`]) or when anything could not run.
///
/// The plans take turns for [`ROUNDS`] rounds; in each, the threads start together and a plan
/// runs call after call on each of them until one has run it for at least `burst` (and
/// twice). A turn's time is the mean over the threads of each one's fastest call that ended
/// while all of them were still busy, and a plan's time the best of its turns. So a plan is timed on cores, caches, pages and
/// worker threads that a run of that plan itself has warmed, and under the contention for
/// memory and shared cache that a batch on every core meets. On a 2-core Xeon VM a split of
/// 2^18 points over both cores took 1.6 ms on its first call after planning, 1.05 ms by its
/// eighth and 0.6 ms once warm; timed on single calls, or taking turns call by call with the
/// whole lane on one core (which leaves the other core idle), it lost to the whole lane
/// (0.9 ms). A panic in a runner is passed on once every thread has stopped.
///
/// With `SHARDFFT_PLANNING=estimate` in the environment nothing is timed and `first` is kept
/// (FFTW_ESTIMATE's counterpart: the same plans on every run, for comparisons).
pub(crate) fn faster<P, R>(
    first: Arc<P>,
    second: Arc<P>,
    burst: Duration,
    threads: usize,
    runner: impl Fn() -> Option<R> + Sync,
) -> Arc<P>
where
    P: ?Sized + Send + Sync,
    R: FnMut(&P) -> bool,
{
    if estimating() {
        return first;
    }
    let threads = threads.max(1);
    let timing = Timing {
        plans: [&*first, &*second],
        burst,
        start: Barrier::new(threads),
        done: std::array::from_fn(|_| AtomicBool::new(false)),
        failed: AtomicBool::new(false),
        panic: Mutex::new(None),
    };
    // Pinned one per CPU where they are as many (as the CLI's pool is), so plans are timed as
    // a batch runs them: left to the scheduler, the 2-vCPU guests of `pool.rs` stack both
    // timing threads on one vCPU now and then, and such a turn times the scheduler, not the
    // plan. (On 2026-12-06 the unpinned timing kept shardfft's 2^16-point real kernel only
    // thanks to such turns; pinned, the generic plan won every planning on one lane in L2,
    // which is what [`ROTATION_BYTES`] mends.) The caller's own thread is never pinned: every
    // timing thread is new.
    let cpus = crate::pool::cpus_for(threads);
    let bests: Vec<[Duration; 2 * ROUNDS]> = std::thread::scope(|scope| {
        let timers: Vec<_> = (0..threads)
            .map(|i| {
                let (timing, runner) = (&timing, &runner);
                let cpu = cpus.as_ref().map(|cpus| cpus[i]);
                scope.spawn(move || {
                    if let Some(cpu) = cpu {
                        // A refused pin leaves the thread where it was: pinning is about speed only.
                        let _ = core_affinity::set_for_current(cpu);
                    }
                    timing.time(runner)
                })
            })
            .collect();
        timers.into_iter().filter_map(|thread| thread.join().ok()).collect()
    });
    if let Some(panic) = timing.panic.into_inner().unwrap_or_else(PoisonError::into_inner) {
        resume_unwind(panic);
    }
    if timing.failed.into_inner() {
        return first;
    }
    // A turn's time is the mean over the threads; a plan's, the best of its turns.
    let turn = |turn: usize| bests.iter().map(|best| best[turn]).sum::<Duration>() / threads as u32;
    let plan = |slot: usize| (slot..2 * ROUNDS).step_by(2).map(turn).min();
    match (plan(0), plan(1)) {
        (Some(first_time), Some(second_time)) if replaces(first_time, second_time) => second,
        _ => first,
    }
}

/// Whether a plan timed at `second` replaces one timed at `first`: only if faster by more
/// than the [`TIE`] band.
fn replaces(first: Duration, second: Duration) -> bool {
    second < first.mul_f64(1.0 - TIE)
}

/// What the threads of one [`faster`] share.
struct Timing<'a, P: ?Sized> {
    plans: [&'a P; 2],
    burst: Duration,
    /// Where the threads meet before each turn of a plan.
    start: Barrier,
    /// Set, per turn, by the first thread to finish its burst.
    done: [AtomicBool; 2 * ROUNDS],
    /// Set by a thread whose runner could not be made or could not run.
    failed: AtomicBool,
    panic: Mutex<Option<Box<dyn std::any::Any + Send>>>,
}

impl<P: ?Sized> Timing<'_, P> {
    /// One thread's fastest call in each turn (plans alternate, `first` first). Every thread meets every barrier (one that
    /// fails or panics stops running plans, not meeting), so none waits for ever.
    fn time<R: FnMut(&P) -> bool>(&self, runner: &(impl Fn() -> Option<R> + Sync)) -> [Duration; 2 * ROUNDS] {
        let mut run = self.guarded(runner).flatten();
        if run.is_none() {
            self.failed.store(true, Ordering::Release);
        }
        let mut best = [Duration::MAX; 2 * ROUNDS];
        for (turn, best) in best.iter_mut().enumerate() {
            self.start.wait();
            let Some(run) = run.as_mut().filter(|_| !self.failed.load(Ordering::Acquire)) else {
                continue;
            };
            let done = &self.done[turn];
            let started = Instant::now();
            for call in 0.. {
                let timed = Instant::now();
                if self.guarded(|| run(self.plans[turn % 2])) != Some(true) {
                    self.failed.store(true, Ordering::Release);
                    break;
                }
                let took = timed.elapsed();
                let alone = done.load(Ordering::Acquire);
                if !alone || *best == Duration::MAX {
                    *best = (*best).min(took);
                }
                if alone {
                    break;
                }
                if call >= 1 && started.elapsed() >= self.burst {
                    done.store(true, Ordering::Release);
                    break;
                }
            }
        }
        best
    }

    /// `work()`, or `None` if it panicked (the first panic is kept to pass on).
    fn guarded<V>(&self, work: impl FnOnce() -> V) -> Option<V> {
        catch_unwind(AssertUnwindSafe(work))
            .map_err(|panic| {
                self.failed.store(true, Ordering::Release);
                self.panic
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert(panic);
            })
            .ok()
    }
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

/// How many sets of `per_set` elements of type `E` a timing thread cycles through: enough to
/// span [`ROTATION_BYTES`], at least one.
fn sets_for<E>(per_set: usize) -> usize {
    (ROTATION_BYTES / per_set.max(1).saturating_mul(std::mem::size_of::<E>().max(1))).max(1)
}

/// Threads to time a one-core plan of `values` values on: one per worker of the current rayon
/// pool (as a batch runs), as many as [`MAX_VALUES_ON_ALL_CORES`] allows.
fn threads_for(values: usize) -> usize {
    rayon::current_num_threads()
        .min(MAX_VALUES_ON_ALL_CORES / values.max(1))
        .max(1)
}

/// The faster here of two complex plans of length `n`, timed on `lanes` lanes in place at a
/// time, cycling through [`ROTATION_BYTES`] of them.
pub(crate) fn faster_complex<T: Float>(
    first: Arc<dyn Fft<T>>,
    second: Arc<dyn Fft<T>>,
    lanes: usize,
) -> Arc<dyn Fft<T>> {
    let values = first.len().saturating_mul(lanes.max(1));
    if values > MAX_VALUES {
        return first;
    }
    let scratch_len = first.get_inplace_scratch_len().max(second.get_inplace_scratch_len());
    let (repeats, sets) = (repeats(values), sets_for::<Complex<T>>(values));
    faster(first, second, SERIAL_BURST, threads_for(values), || {
        let mut data = try_filled(values.checked_mul(sets)?, "").ok()?;
        let mut scratch = try_filled(scratch_len, "").ok()?;
        let mut calls = 0;
        // All-zero data stays zero through any number of transforms (no overflow, no subnormals).
        Some(move |plan: &(dyn Fft<T> + 'static)| {
            for _ in 0..repeats {
                let set = &mut data[calls % sets * values..][..values];
                plan.process_with_scratch(set, &mut scratch[..plan.get_inplace_scratch_len()]);
                calls += 1;
            }
            true
        })
    })
}

/// The faster here of two real-to-complex plans of one length.
pub(crate) fn faster_r2c<T: Float, P: RealToComplex<T> + ?Sized>(first: Arc<P>, second: Arc<P>) -> Arc<P> {
    let (n, scratch) = (first.len(), first.get_scratch_len().max(second.get_scratch_len()));
    faster_real(first, second, n, scratch, |plan: &P, reals, bins, s| {
        plan.process_with_scratch(reals, bins, s).is_ok()
    })
}

/// The faster here of two batch real-to-complex plans of one length, timed on calls of the
/// lanes the first wants per call.
pub(crate) fn faster_r2c_lanes<T: Float>(
    first: Arc<dyn BatchR2c<T>>,
    second: Arc<dyn BatchR2c<T>>,
) -> Arc<dyn BatchR2c<T>> {
    let (n, lanes) = (first.lane_len(), first.lanes_per_call().max(1));
    let values = n.saturating_mul(lanes);
    if values > MAX_VALUES {
        return first;
    }
    let scratch_len = first.scratch_len().max(second.scratch_len());
    let (repeats, sets) = (repeats(values), sets_for::<T>(values));
    let bins_per_set = lanes * (n / 2 + 1);
    faster(first, second, SERIAL_BURST, threads_for(values), || {
        let mut reals = try_filled(values.checked_mul(sets)?, "").ok()?;
        let mut bins = try_filled(bins_per_set.checked_mul(sets)?, "").ok()?;
        let mut scratch = try_filled(scratch_len, "").ok()?;
        let mut calls = 0;
        Some(move |plan: &(dyn BatchR2c<T> + 'static)| {
            for _ in 0..repeats {
                let set = calls % sets;
                plan.process_lanes(
                    &mut reals[set * values..][..values],
                    &mut bins[set * bins_per_set..][..bins_per_set],
                    &mut scratch[..plan.scratch_len()],
                );
                calls += 1;
            }
            true
        })
    })
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
/// on `n` reals, `n/2 + 1` bins (the next of the sets cycled through) and `scratch` scratch
/// values (all zero to start with). Too long
/// to time, or out of memory: `first`.
fn faster_real<T: Float, P: ?Sized + Send + Sync>(
    first: Arc<P>,
    second: Arc<P>,
    n: usize,
    scratch: usize,
    run: impl Fn(&P, &mut [T], &mut [Complex<T>], &mut [Complex<T>]) -> bool + Sync,
) -> Arc<P> {
    if n > MAX_VALUES {
        return first;
    }
    let (repeats, sets, m) = (repeats(n), sets_for::<T>(n), n / 2 + 1);
    let run = &run;
    faster(first, second, SERIAL_BURST, threads_for(n), || {
        let mut reals = try_filled(n.checked_mul(sets)?, "").ok()?;
        let (mut bins, mut scratch) = (
            try_filled(m.checked_mul(sets)?, "").ok()?,
            try_filled(scratch, "").ok()?,
        );
        let mut calls = 0;
        Some(move |plan: &P| {
            (0..repeats).all(|_| {
                let set = calls % sets;
                calls += 1;
                run(
                    plan,
                    &mut reals[set * n..][..n],
                    &mut bins[set * m..][..m],
                    &mut scratch,
                )
            })
        })
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
    if n > MAX_VALUES {
        return Some(native);
    }
    let scratch_len = whole.get_inplace_scratch_len();
    let temp_len = native.temp_len().max(scratch_len);
    let second = match generic {
        Some(split) => Lone::Split(split),
        None => Lone::Whole(whole),
    };
    let repeats = repeats(n);
    // One thread: a split runs over the cores itself.
    let kept = faster(
        Arc::new(Lone::Split(native)),
        Arc::new(second),
        PARALLEL_BURST,
        1,
        || {
            let src = try_filled::<Complex<T>>(n, "").ok()?;
            let (mut dst, mut temp) = (try_filled(n, "").ok()?, try_filled(temp_len, "").ok()?);
            Some(move |lone: &Lone<T>| {
                (0..repeats).all(|_| match lone {
                    // SAFETY: `src` and `dst` hold `n` elements each and do not overlap.
                    Lone::Split(split) => {
                        unsafe { split.run(src.as_ptr(), n, &|c| c, dst.as_mut_ptr(), &mut temp, &|_: &mut [_]| {}) }
                            .is_ok()
                    }
                    Lone::Whole(fft) => {
                        dst.copy_from_slice(&src);
                        fft.process_with_scratch(&mut dst, &mut temp[..scratch_len]);
                        true
                    }
                })
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
    use std::sync::atomic::AtomicUsize;

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
    fn a_second_plan_within_the_tie_band_does_not_replace_the_first() {
        let first = Duration::from_millis(4);
        assert!(!replaces(first, first));
        assert!(!replaces(first, first.mul_f64(1.0 - TIE / 3.0)));
        assert!(!replaces(first, first.mul_f64(1.0 + TIE)));
        assert!(replaces(first, first.mul_f64(1.0 - 1.5 * TIE)));
    }

    #[test]
    fn a_clearly_faster_second_plan_replaces_the_first() {
        // Sleeps only ever overrun, so the 4 ms plan never times under 4 ms; a load on the
        // machine that overran every call of the faster plan by 0.9 ms would still leave it
        // ahead by more than the band.
        let runner = || {
            Some(|pause: &Duration| {
                std::thread::sleep(*pause);
                true
            })
        };
        let first = Arc::new(Duration::from_millis(4));
        let clearly = Arc::new(first.mul_f64(1.0 - 6.0 * TIE));
        assert!(Arc::ptr_eq(
            &faster(first, clearly.clone(), SERIAL_BURST, 2, runner),
            &clearly
        ));
    }

    #[test]
    fn timing_threads_are_pinned_one_per_cpu_and_the_caller_is_not() {
        let cpus = crate::pool::allowed_cpus().len();
        if cpus == 0 {
            return; // the platform cannot say
        }
        let masks = Mutex::new(Vec::new());
        let runner = || {
            masks.lock().unwrap().push(crate::pool::allowed_cpus());
            Some(|_: &u8| true)
        };
        faster(Arc::new(0u8), Arc::new(1u8), SERIAL_BURST, cpus, runner);
        let masks = masks.into_inner().unwrap();
        assert_eq!(masks.len(), cpus);
        let mut pinned_to: Vec<usize> = masks.iter().map(|m| m.iter().map(|c| c.id).sum()).collect();
        assert!(masks.iter().all(|m| m.len() == 1), "{masks:?}");
        pinned_to.sort_unstable();
        pinned_to.dedup();
        assert_eq!(pinned_to.len(), cpus, "each on a CPU of its own");
        assert_eq!(crate::pool::allowed_cpus().len(), cpus, "the caller keeps its mask");
    }

    #[test]
    fn a_run_that_cannot_run_keeps_the_first_plan() {
        let a: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        let b: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        let fails = || Some(|_: &(dyn Fft<f32> + 'static)| false);
        assert!(Arc::ptr_eq(&faster(a.clone(), b.clone(), SERIAL_BURST, 2, fails), &a));
        // One thread of three cannot make its buffers: nothing is timed on any of them.
        let made = AtomicUsize::new(0);
        let third_fails = || (made.fetch_add(1, Ordering::Relaxed) != 2).then_some(|_: &(dyn Fft<f32> + 'static)| true);
        assert!(Arc::ptr_eq(&faster(a.clone(), b, SERIAL_BURST, 3, third_fails), &a));
    }

    /// How a stand-in plan spends its call: a pause of its own, or work on something the
    /// threads share (as cores share memory bandwidth): a pause as many times longer as
    /// threads time it.
    enum Pace {
        Own(Duration),
        Shared(Duration),
    }

    #[test]
    fn plans_are_timed_as_fast_as_they_run_on_all_the_threads_at_once() {
        // The shared pace is set by how many timing threads there are, not by how their calls
        // happen to overlap: a test that relied on the overlap failed on a loaded CI machine,
        // where one thread can wait out a whole time slice. That they do run at once is checked
        // apart, on the most calls seen in flight together.
        let timers = AtomicUsize::new(0);
        let (in_flight, most_in_flight) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let own = Arc::new(Pace::Own(Duration::from_micros(2800)));
        let shared = Arc::new(Pace::Shared(Duration::from_millis(2)));
        let runner = || {
            timers.fetch_add(1, Ordering::SeqCst);
            Some(|pace: &Pace| {
                most_in_flight.fetch_max(in_flight.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                match pace {
                    Pace::Own(pause) => std::thread::sleep(*pause),
                    Pace::Shared(pause) => std::thread::sleep(*pause * timers.load(Ordering::SeqCst) as u32),
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
                true
            })
        };
        let alone = faster(own.clone(), shared.clone(), SERIAL_BURST, 1, runner);
        assert!(Arc::ptr_eq(&alone, &shared), "alone, the shared work is the quicker");
        assert_eq!(most_in_flight.load(Ordering::SeqCst), 1);
        for (first, second) in [(own.clone(), shared.clone()), (shared, own.clone())] {
            timers.store(0, Ordering::SeqCst);
            let together = faster(first, second, SERIAL_BURST, 2, runner);
            assert_eq!(timers.load(Ordering::SeqCst), 2, "one runner per thread");
            assert!(Arc::ptr_eq(&together, &own), "on two threads, sharing is the slower");
        }
        assert_eq!(most_in_flight.load(Ordering::SeqCst), 2, "the two threads run at once");
    }

    #[test]
    #[should_panic(expected = "a runner's own panic")]
    fn a_panic_while_timing_is_passed_on_without_leaving_threads_waiting() {
        let a: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        let b: Arc<dyn Fft<f32>> = FftPlanner::new().plan_fft_forward(8);
        let calls = AtomicUsize::new(0);
        let runner = || {
            Some(|_: &(dyn Fft<f32> + 'static)| {
                assert!(calls.fetch_add(1, Ordering::Relaxed) != 5, "a runner's own panic");
                true
            })
        };
        faster(a, b, SERIAL_BURST, 3, runner);
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

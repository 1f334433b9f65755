//! The planner: one plan per (length, kind, precision), made once and shared by every thread.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

use crate::exec::{FourStep, HalfFourStep, checked_len, try_filled, try_with_capacity};
use crate::{Float, Result};

#[cfg(target_arch = "x86_64")]
mod avx512;
mod block_split;
mod bluestein;
mod halves;
mod lanes;
mod measure;
pub mod native;
mod read_only;
mod slab_fft;

pub use block_split::{BlockSplit, LaneReader};
pub(crate) use bluestein::inner_len as bluestein_len;
pub use halves::{HalfC2r, HalfR2c};
pub(crate) use halves::{pair_middle, pair_runs};
pub use lanes::{BatchR2c, LaneByLane};
pub use read_only::{ReadOnlyC2r, ReadOnlyR2c};
pub use slab_fft::{SLAB_COLUMNS, SlabFft, TileRows};

#[cfg(target_arch = "x86_64")]
pub use avx512::{Avx512BatchFft, Avx512BatchR2c, Avx512C2r, Avx512Fft, Avx512Fft64, Avx512R2c, Avx512SlabFft};

/// The planners and what they made, behind one lock.
struct Planners<T: Float> {
    complex: FftPlanner<T>,
    real: RealFftPlanner<T>,
    c2c: HashMap<(usize, bool), Arc<dyn Fft<T>>>,
    /// The keys of `c2c` whose plan is rustfft's own (not shardfft's kernel or Bluestein).
    c2c_rustfft: HashSet<(usize, bool)>,
    r2c: HashMap<usize, Arc<dyn RealToComplex<T>>>,
    /// The plans of `r2c` that read their input without writing it (all but realfft's).
    r2c_read_only: HashMap<usize, Arc<dyn ReadOnlyR2c<T>>>,
    r2c_lanes: HashMap<usize, Arc<dyn BatchR2c<T>>>,
    c2r: HashMap<usize, Arc<dyn ComplexToReal<T>>>,
    /// The plans of `c2r` that read their input without writing it (shardfft's own).
    c2r_read_only: HashMap<usize, Arc<dyn ReadOnlyC2r<T>>>,
    four_step: HashMap<(usize, bool), Option<Arc<FourStep<T>>>>,
    half_four_step: HashMap<(usize, bool), Option<Arc<HalfFourStep<T>>>>,
    slabs: HashMap<(usize, bool), Option<SlabPlan<T>>>,
}

/// A shared slab plan (see [`SlabFft`]).
type SlabPlan<T> = Arc<dyn SlabFft<T>>;

/// The plan cached under `key`, or a new one from `make` once the memory for it is checked.
fn cached<K: std::hash::Hash + Eq, P: Clone, T>(
    map: &mut HashMap<K, P>,
    key: K,
    n: usize,
    make: impl FnOnce() -> P,
) -> Result<P> {
    if let Some(plan) = map.get(&key) {
        return Ok(plan.clone());
    }
    check_plan_memory::<T>(n)?;
    let plan = make();
    map.insert(key, plan.clone());
    Ok(plan)
}

/// Whether the memory a plan of length `n` needs can be had: twiddles, scratch and one lane
/// of data, a few lanes' worth of complex values. A length whose lanes cannot even be counted
/// in bytes is too large outright.
fn check_plan_memory<T>(n: usize) -> Result<()> {
    checked_len::<[Complex<T>; 4]>(&[n], "a transform length")?;
    drop(try_with_capacity::<Complex<T>>(4 * n, "a transform plan")?);
    Ok(())
}

/// A thread-safe cache of 1-D plans of one precision.
///
/// The lock is held only while looking up (or, once per length and kind, building) a plan,
/// never while a transform runs. Before building a plan of a new length the cache checks that
/// the memory a transform of that length needs can be had, so an absurd length is an
/// [`Error::Alloc`](crate::Error::Alloc), not an abort inside the planner.
///
/// ```
/// let plans = <f64 as shardfft::Float>::plans();
/// let a = plans.complex(12, false)?;
/// let b = plans.complex(12, false)?;
/// assert!(std::sync::Arc::ptr_eq(&a, &b));
/// assert!(plans.complex(1 << 60, false).is_err());
/// # Ok::<(), shardfft::Error>(())
/// ```
pub struct PlanCache<T: Float> {
    planners: Mutex<Planners<T>>,
    /// The temporary of the last four-step transform, kept for the next one (refaulting a
    /// fresh buffer of a huge length costs a fair share of the transform).
    spare: Mutex<Vec<Complex<T>>>,
}

impl<T: Float> PlanCache<T> {
    /// An empty cache.
    pub fn new() -> Self {
        PlanCache {
            planners: Mutex::new(Planners {
                complex: FftPlanner::new(),
                real: RealFftPlanner::new(),
                c2c: HashMap::new(),
                c2c_rustfft: HashSet::new(),
                r2c: HashMap::new(),
                r2c_read_only: HashMap::new(),
                r2c_lanes: HashMap::new(),
                c2r: HashMap::new(),
                c2r_read_only: HashMap::new(),
                four_step: HashMap::new(),
                half_four_step: HashMap::new(),
                slabs: HashMap::new(),
            }),
            spare: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Planners<T>> {
        self.planners.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The complex plan of length `n`: forward (e^{-2πi jk/n}) or inverse (e^{+2πi jk/n}), unscaled.
    ///
    /// Where shardfft has a kernel of its own for `n` ([`native`]), it is timed against
    /// rustfft's plan once, when the length is first planned, and the faster one on this
    /// machine is kept (as FFTW_MEASURE does). Lengths from 1024 with a prime factor above 100
    /// are offered, the same way, Bluestein's algorithm over an inner length from this cache
    /// (the shortest multiple of 64 made of 2, 3 and 5 that holds its convolution).
    pub fn complex(&self, n: usize, inverse: bool) -> Result<Arc<dyn Fft<T>>> {
        Ok(self.complex_with_origin(n, inverse)?.0)
    }

    /// [`complex`](Self::complex)'s plan and whether it is rustfft's own, from one look-up.
    pub(crate) fn complex_with_origin(&self, n: usize, inverse: bool) -> Result<(Arc<dyn Fft<T>>, bool)> {
        {
            let planners = self.lock();
            if let Some(plan) = planners.c2c.get(&(n, inverse)) {
                return Ok((plan.clone(), planners.c2c_rustfft.contains(&(n, inverse))));
            }
        }
        check_plan_memory::<T>(n)?;
        // Built unlocked: the Bluestein plan plans its inner length through this cache.
        let generic = self.lock().complex.plan_fft(n, direction(inverse));
        let plan = if let Some(native) = T::native_complex(n, inverse) {
            measure::faster_complex(native, generic.clone(), T::native_lanes_per_call(n))
        } else if let Some(bluestein) = bluestein::plan(self, n, inverse)? {
            measure::faster_complex(bluestein, generic.clone(), 1)
        } else {
            generic.clone()
        };
        let mut planners = self.lock();
        let kept = planners.c2c.entry((n, inverse)).or_insert(plan).clone();
        let rustfft = Arc::ptr_eq(&kept, &generic) || planners.c2c_rustfft.contains(&(n, inverse));
        if rustfft {
            planners.c2c_rustfft.insert((n, inverse));
        }
        Ok((kept, rustfft))
    }

    /// Whether [`complex`](Self::complex)'s plan of length `n` is rustfft's own (rather than
    /// shardfft's kernel or Bluestein's algorithm over an inner length).
    ///
    /// ```
    /// let plans = <f64 as shardfft::Float>::plans();
    /// assert!(plans.complex_is_rustfft(1, false)?);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn complex_is_rustfft(&self, n: usize, inverse: bool) -> Result<bool> {
        Ok(self.complex_with_origin(n, inverse)?.1)
    }

    /// The real-to-complex plan of real length `n` (n/2+1 outputs), unscaled; shardfft's own
    /// kernel, if it has one, only where it times faster here than the generic plan.
    pub fn r2c(&self, n: usize) -> Result<Arc<dyn RealToComplex<T>>> {
        let Planners {
            complex,
            real,
            r2c,
            r2c_read_only,
            ..
        } = &mut *self.lock();
        cached::<_, _, T>(r2c, n, n, || {
            // Even lengths have a plan that reads its input without writing it (shardfft's
            // kernel, or rustfft's of the half length); odd ones get realfft's.
            let half =
                HalfR2c::new(n, complex.plan_fft_forward(n / 2)).map(|half| Arc::new(half) as Arc<dyn ReadOnlyR2c<T>>);
            let read_only = match (T::native_r2c(n), half) {
                (Some(native), Some(half)) => measure::faster_r2c(native, half),
                (native, half) => match native.or(half) {
                    Some(plan) => plan,
                    None => return real.plan_fft_forward(n),
                },
            };
            r2c_read_only.insert(n, read_only.clone());
            read_only
        })
    }

    /// The real-to-complex plan of real length `n` for batches of contiguous lanes: shardfft's
    /// kernel that vectorizes across lanes where it has one and it times faster here, else
    /// [`r2c`](Self::r2c) run lane by lane.
    ///
    /// ```
    /// let plan = <f32 as shardfft::Float>::plans().r2c_lanes(64)?;
    /// assert_eq!(plan.lane_len(), 64);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn r2c_lanes(&self, n: usize) -> Result<Arc<dyn BatchR2c<T>>> {
        if let Some(plan) = self.lock().r2c_lanes.get(&n) {
            return Ok(plan.clone());
        }
        // Built unlocked: it plans the per-lane kernel through this cache.
        let single = self.r2c(n)?;
        let read_only = self.lock().r2c_read_only.get(&n).cloned();
        let lane_by_lane: Arc<dyn BatchR2c<T>> = match read_only {
            Some(plan) => Arc::new(LaneByLane::read_only(plan)),
            None => Arc::new(LaneByLane::new(single.clone())),
        };
        let plan = match T::native_batch_r2c(single) {
            Some(batch) => measure::faster_r2c_lanes(batch, lane_by_lane),
            None => lane_by_lane,
        };
        Ok(self.lock().r2c_lanes.entry(n).or_insert(plan).clone())
    }

    /// The four-step split of a lone complex lane of length `n`, or `None` when the lane runs
    /// faster whole (or `n` has no factor pair worth splitting). Planned once per length and
    /// direction; where shardfft has a split of its own it is timed against the generic
    /// choice (the column split, or the whole lane) and the faster one here is kept.
    pub(crate) fn four_step(&self, n: usize, inverse: bool) -> Result<Option<Arc<FourStep<T>>>> {
        if let Some(plan) = self.lock().four_step.get(&(n, inverse)) {
            return Ok(plan.clone());
        }
        // Built unlocked: it plans its two factor lengths (and the whole lane) through this cache.
        let generic = FourStep::generic(n, inverse)?.map(Arc::new);
        let plan = match FourStep::native(n, inverse) {
            Some(native) => measure::faster_four_step(Arc::new(native), generic, self.complex(n, inverse)?),
            None => generic,
        };
        self.lock().four_step.insert((n, inverse), plan.clone());
        Ok(plan)
    }

    /// The real transform of even length `n` (forward r2c, inverse c2r) that runs one lane on
    /// every core: the [`four_step`](Self::four_step) of `n/2` points and a parallel pairing
    /// pass; `None` where `n` is odd or `n/2` has no four-step.
    pub(crate) fn half_four_step(&self, n: usize, inverse: bool) -> Result<Option<Arc<HalfFourStep<T>>>> {
        if let Some(plan) = self.lock().half_four_step.get(&(n, inverse)) {
            return Ok(plan.clone());
        }
        let plan = if n.is_multiple_of(2) {
            // Planned unlocked: the four-step plans through this cache.
            self.four_step(n / 2, inverse)?
                .map(|half| Arc::new(HalfFourStep::new(half, inverse)))
        } else {
            None
        };
        Ok(self.lock().half_four_step.entry((n, inverse)).or_insert(plan).clone())
    }

    /// shardfft's own FFT of length `n` down slabs of neighbouring columns, or `None` where it
    /// has none for this precision and length. Planned once per length and direction.
    pub(crate) fn slabs(&self, n: usize, inverse: bool) -> Result<Option<Arc<dyn SlabFft<T>>>> {
        let Planners { slabs, .. } = &mut *self.lock();
        cached::<_, _, T>(slabs, (n, inverse), n, || T::native_slabs(n, inverse))
    }

    /// A buffer of at least `n` elements (contents unspecified): the spare one if it is large
    /// enough, else a new one. Give it back with [`put_spare`](Self::put_spare).
    pub(crate) fn take_spare(&self, n: usize) -> Result<Vec<Complex<T>>> {
        let spare = std::mem::take(&mut *self.spare.lock().unwrap_or_else(PoisonError::into_inner));
        if spare.len() >= n {
            return Ok(spare);
        }
        drop(spare);
        try_filled(n, "four-step temporary")
    }

    /// Keeps `buffer` as the spare (the larger of it and the current one).
    pub(crate) fn put_spare(&self, buffer: Vec<Complex<T>>) {
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if buffer.len() > spare.len() {
            *spare = buffer;
        }
    }

    /// The complex-to-real plan of real length `n` (n/2+1 inputs), unscaled; shardfft's own
    /// kernel, if it has one, only where it times faster here than the generic plan.
    pub fn c2r(&self, n: usize) -> Result<Arc<dyn ComplexToReal<T>>> {
        let Planners {
            complex,
            real,
            c2r,
            c2r_read_only,
            ..
        } = &mut *self.lock();
        cached::<_, _, T>(c2r, n, n, || {
            let generic = HalfC2r::new(n, complex.plan_fft_inverse(n / 2))
                .map(|half| Arc::new(half) as Arc<dyn ComplexToReal<T>>)
                .unwrap_or_else(|| real.plan_fft_inverse(n));
            match T::native_c2r(n) {
                Some(native) => {
                    let chosen = measure::faster_c2r(native.clone(), generic);
                    if std::ptr::addr_eq(Arc::as_ptr(&chosen), Arc::as_ptr(&native)) {
                        c2r_read_only.insert(n, native);
                    }
                    chosen
                }
                None => generic,
            }
        })
    }

    /// [`c2r`](Self::c2r)'s plan of real length `n` where it reads its input without writing
    /// it (shardfft's own kernel, where the planner kept it), so the executor may hand it the
    /// caller's lanes as they are.
    pub(crate) fn c2r_read_only(&self, n: usize) -> Result<Option<Arc<dyn ReadOnlyC2r<T>>>> {
        self.c2r(n)?;
        Ok(self.lock().c2r_read_only.get(&n).cloned())
    }
}

/// rustfft's name for the direction of a forward (`false`) or inverse (`true`) transform.
fn direction(inverse: bool) -> rustfft::FftDirection {
    if inverse {
        rustfft::FftDirection::Inverse
    } else {
        rustfft::FftDirection::Forward
    }
}

impl<T: Float> Default for PlanCache<T> {
    fn default() -> Self {
        Self::new()
    }
}

//! Real-to-complex plans that take many lanes per call: lane by lane through a realfft-style plan, or vectorized across lanes.

use std::sync::Arc;

use num_complex::Complex;
use realfft::RealToComplex;

use super::ReadOnlyR2c;
use crate::Float;

/// A real-to-complex FFT of real length `lane_len` (unscaled, `lane_len/2 + 1` bins per lane) that
/// transforms a batch of contiguous lanes per call. Kernels that vectorize across lanes
/// (eight lanes in one vector's slots) say how many lanes they want per call.
///
/// ```
/// use shardfft::plan::{BatchR2c, LaneByLane};
/// use shardfft::Complex;
///
/// let plan = LaneByLane::new(realfft::RealFftPlanner::<f64>::new().plan_fft_forward(4));
/// let mut x = vec![1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]; // two lanes: an impulse, ones
/// let mut y = vec![Complex::new(0.0, 0.0); 2 * 3];
/// plan.process_lanes(&mut x, &mut y, &mut vec![Complex::new(0.0, 0.0); plan.scratch_len()]);
/// assert_eq!(y[..3], [Complex::new(1.0, 0.0); 3]);
/// assert_eq!(y[3..], [Complex::new(4.0, 0.0), Complex::new(0.0, 0.0), Complex::new(0.0, 0.0)]);
/// ```
pub trait BatchR2c<T: Float>: Send + Sync {
    /// Real length of one lane.
    fn lane_len(&self) -> usize;
    /// Lanes a call should hold to run at full speed (any count is transformed correctly).
    fn lanes_per_call(&self) -> usize;
    /// Complex scratch values [`process_lanes`](Self::process_lanes) needs.
    fn scratch_len(&self) -> usize;
    /// Transforms the `input.len() / lane_len` lanes of `input` (which may be clobbered) into
    /// `output`, `lane_len/2 + 1` bins per lane.
    ///
    /// # Panics
    /// When `input` is not whole lanes, `output` does not hold their bins, or `scratch` is
    /// shorter than [`scratch_len`](Self::scratch_len) (as rustfft's plans do).
    fn process_lanes(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]);

    /// [`process_lanes`](Self::process_lanes) on lanes it reads without writing (a caller's
    /// array, with no copy first), where this plan can; `false`, with nothing done, where it
    /// cannot (its kernel uses its input as scratch, as realfft's do).
    ///
    /// # Panics
    /// As [`process_lanes`](Self::process_lanes), when it returns `true`.
    fn process_lanes_from(&self, input: &[T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> bool {
        let _ = (input, output, scratch);
        false
    }
}

/// Any [`RealToComplex`] plan run lane after lane; a [`ReadOnlyR2c`] plan also on lanes it
/// only reads ([`BatchR2c::process_lanes_from`]).
///
/// ```
/// use shardfft::plan::{BatchR2c, LaneByLane, native};
/// use shardfft::Complex;
///
/// if let Some(plan) = native::r2c(128) {
///     let lanes = LaneByLane::read_only(plan);
///     let x = vec![1.0f32; 2 * 128];
///     let mut y = vec![Complex::new(0.0, 0.0); 2 * 65];
///     let mut scratch = vec![Complex::new(0.0, 0.0); lanes.scratch_len()];
///     assert!(lanes.process_lanes_from(&x, &mut y, &mut scratch));
///     assert!((y[65].re - 128.0).abs() < 1e-4);
/// }
/// ```
pub struct LaneByLane<T: Float> {
    plan: Arc<dyn RealToComplex<T>>,
    read_only: Option<Arc<dyn ReadOnlyR2c<T>>>,
}

impl<T: Float> LaneByLane<T> {
    /// `plan` run lane after lane, on lanes it may clobber.
    pub fn new(plan: Arc<dyn RealToComplex<T>>) -> Self {
        LaneByLane { plan, read_only: None }
    }

    /// `plan` run lane after lane, also on lanes it only reads.
    pub fn read_only(plan: Arc<dyn ReadOnlyR2c<T>>) -> Self {
        LaneByLane {
            plan: plan.clone(),
            read_only: Some(plan),
        }
    }
}

/// The lane count of a batch call, checked against the plan's length (a panic on a mismatch,
/// as rustfft's plans do).
pub(crate) fn lane_count(len: usize, input: usize, output: usize, scratch: (usize, usize)) -> usize {
    let lanes = input / len.max(1);
    assert!(
        input == lanes * len && output == lanes * (len / 2 + 1) && scratch.0 >= scratch.1,
        "batch r2c of length {len}: {input} reals, {output} bins, {} scratch do not fit (scratch {} needed)",
        scratch.0,
        scratch.1
    );
    lanes
}

impl<T: Float> BatchR2c<T> for LaneByLane<T> {
    fn lane_len(&self) -> usize {
        self.plan.len()
    }

    fn lanes_per_call(&self) -> usize {
        1
    }

    fn scratch_len(&self) -> usize {
        self.plan.get_scratch_len()
    }

    fn process_lanes(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let n = self.lane_len();
        lane_count(n, input.len(), output.len(), (scratch.len(), self.scratch_len()));
        for (x, y) in input.chunks_exact_mut(n).zip(output.chunks_exact_mut(n / 2 + 1)) {
            let done = self.plan.process_with_scratch(x, y, scratch);
            debug_assert!(done.is_ok(), "lane lengths were checked above");
        }
    }

    fn process_lanes_from(&self, input: &[T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> bool {
        let Some(plan) = &self.read_only else {
            return false;
        };
        let n = self.lane_len();
        lane_count(n, input.len(), output.len(), (scratch.len(), self.scratch_len()));
        for (x, y) in input.chunks_exact(n).zip(output.chunks_exact_mut(n / 2 + 1)) {
            let done = plan.process_from(x, y, scratch);
            debug_assert!(done.is_ok(), "lane lengths were checked above");
        }
        true
    }
}

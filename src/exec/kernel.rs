//! The 1-D kernels the executor applies lane by lane: complex, real-to-complex, complex-to-real.

use std::sync::Arc;

use num_complex::Complex;
use realfft::ComplexToReal;
use rustfft::{Fft, FftDirection};

use super::fourstep::FourStep;
use super::halves::HalfFourStep;
use crate::plan::{BatchR2c, ReadOnlyC2r, SlabFft};
use crate::{Float, Result};

/// A 1-D transform that maps lanes of `in_len` elements to lanes of `out_len` elements.
pub(crate) trait LaneKernel<T: Float>: Sync {
    /// Element type read.
    type In: Copy + Default + Send + Sync + 'static;
    /// Element type written.
    type Out: Copy + Default + Send + Sync + 'static;
    /// Length of one input lane (after padding or truncation).
    fn in_len(&self) -> usize;
    /// Length of one output lane.
    fn out_len(&self) -> usize;
    /// Scratch (complex elements) one call of [`apply`](Self::apply) needs.
    fn scratch_len(&self) -> usize;
    /// Transforms `input.len() / in_len` lanes into `output`; `input` is clobbered.
    fn apply(&self, input: &mut [Self::In], output: &mut [Self::Out], scratch: &mut [Complex<T>]);
    /// [`apply`](Self::apply) on lanes read without being written (the caller's own, when the
    /// executor reads them as they are); `false`, with nothing done, for kernels that need
    /// their input writable.
    fn apply_from(&self, _input: &[Self::In], _output: &mut [Self::Out], _scratch: &mut [Complex<T>]) -> bool {
        false
    }
    /// Whether short lanes (below the executor's usual threshold for
    /// [`apply_from`](Self::apply_from)) are read where they are too: rustfft's butterflies
    /// are faster that way than after a copy.
    fn reads_short_lanes(&self) -> bool {
        false
    }
    /// Whether the kernel prefetches each lane's successor in a call while it transforms the
    /// lane, so a call's worth of lanes is best read where it lies (see
    /// [`native::reads_ahead`](crate::plan::native::reads_ahead)).
    fn reads_ahead(&self) -> bool {
        false
    }
    /// Whether [`apply_inplace`](Self::apply_inplace) works: `In == Out` and equal lane lengths.
    const IN_PLACE: bool = false;
    /// Transforms `data.len() / in_len` lanes in place (only called when `IN_PLACE`).
    fn apply_inplace(&self, _data: &mut [Self::In], _scratch: &mut [Complex<T>]) {}
    /// Lanes the kernel wants per [`apply`](Self::apply) or [`apply_inplace`](Self::apply_inplace)
    /// call (it is correct for any count; fewer may run slower).
    fn lanes_per_call(&self) -> usize {
        1
    }
    /// The four-step split that runs one lane of this kernel on every core, for kernels long
    /// enough to want one (long complex kernels of composite length, see [`PlanCache::four_step`](crate::plan::PlanCache::four_step)).
    fn four_step(&self) -> Result<Option<Arc<FourStep<T>>>> {
        Ok(None)
    }
    /// The real four-step that runs one long lane of this kernel on every core (real kernels
    /// of even length whose half length has a [`four_step`](Self::four_step) plan).
    fn half_four_step(&self) -> Result<Option<Arc<HalfFourStep<T>>>> {
        Ok(None)
    }
    /// The plan that transforms strided lanes of this kernel in slabs of neighbouring columns
    /// (complex kernels of unchanged length whose length shardfft's kernels plan that way);
    /// the same transform as this kernel.
    fn slabs(&self) -> Result<Option<Arc<dyn SlabFft<T>>>> {
        Ok(None)
    }
}

/// A complex FFT (forward or inverse, unscaled).
pub(crate) struct C2c<T: Float> {
    plan: Arc<dyn Fft<T>>,
    /// Whether `plan` is rustfft's own, whose butterflies read short lanes where they are
    /// faster than after a copy (see [`LaneKernel::reads_short_lanes`]).
    rustfft: bool,
    /// [`LaneKernel::lanes_per_call`]: shardfft's kernel's wish, one lane for rustfft's plans.
    lanes_per_call: usize,
    /// [`LaneKernel::reads_ahead`], settled when planned (the executor asks for every tile).
    reads_ahead: bool,
}

impl<T: Float> C2c<T> {
    /// The kernel of length `n` the planner keeps.
    pub(crate) fn planned(n: usize, inverse: bool) -> Result<Self> {
        let (plan, rustfft) = T::plans().complex_with_origin(n, inverse)?;
        let lanes_per_call = if rustfft { 1 } else { T::native_lanes_per_call(n) };
        let reads_ahead = !rustfft && T::native_reads_ahead(n);
        Ok(C2c {
            plan,
            rustfft,
            lanes_per_call,
            reads_ahead,
        })
    }
}

impl<T: Float> LaneKernel<T> for C2c<T> {
    type In = Complex<T>;
    type Out = Complex<T>;
    fn in_len(&self) -> usize {
        self.plan.len()
    }
    fn out_len(&self) -> usize {
        self.plan.len()
    }
    fn scratch_len(&self) -> usize {
        self.plan
            .get_outofplace_scratch_len()
            .max(self.plan.get_inplace_scratch_len())
            .max(self.plan.get_immutable_scratch_len())
    }
    fn apply(&self, input: &mut [Complex<T>], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        self.plan.process_outofplace_with_scratch(input, output, scratch);
    }
    fn apply_from(&self, input: &[Complex<T>], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> bool {
        let need = self.plan.get_immutable_scratch_len();
        self.plan
            .process_immutable_with_scratch(input, output, &mut scratch[..need]);
        true
    }
    fn reads_short_lanes(&self) -> bool {
        self.rustfft
    }
    fn reads_ahead(&self) -> bool {
        self.reads_ahead
    }
    const IN_PLACE: bool = true;
    fn apply_inplace(&self, data: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let need = self.plan.get_inplace_scratch_len();
        self.plan.process_with_scratch(data, &mut scratch[..need]);
    }
    fn lanes_per_call(&self) -> usize {
        self.lanes_per_call
    }
    fn four_step(&self) -> Result<Option<Arc<FourStep<T>>>> {
        T::plans().four_step(self.plan.len(), self.plan.fft_direction() == FftDirection::Inverse)
    }
    fn slabs(&self) -> Result<Option<Arc<dyn SlabFft<T>>>> {
        T::plans().slabs(self.plan.len(), self.plan.fft_direction() == FftDirection::Inverse)
    }
}

/// A real-to-complex FFT of real length n (n/2+1 outputs, unscaled), over batches of lanes.
pub(crate) struct R2c<T: Float>(pub Arc<dyn BatchR2c<T>>);

impl<T: Float> LaneKernel<T> for R2c<T> {
    type In = T;
    type Out = Complex<T>;
    fn in_len(&self) -> usize {
        self.0.lane_len()
    }
    fn out_len(&self) -> usize {
        self.0.lane_len() / 2 + 1
    }
    fn scratch_len(&self) -> usize {
        self.0.scratch_len()
    }
    fn apply(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        self.0.process_lanes(input, output, scratch);
    }
    fn apply_from(&self, input: &[T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> bool {
        self.0.process_lanes_from(input, output, scratch)
    }
    fn lanes_per_call(&self) -> usize {
        self.0.lanes_per_call()
    }
    fn half_four_step(&self) -> Result<Option<Arc<HalfFourStep<T>>>> {
        T::plans().half_four_step(self.0.lane_len(), false)
    }
}

/// A complex-to-real FFT of real length n (n/2+1 inputs, unscaled).
///
/// The imaginary parts of the DC bin and (for even n) the Nyquist bin are ignored, as numpy does.
pub(crate) struct C2r<T: Float> {
    plan: Arc<dyn ComplexToReal<T>>,
    /// `plan` where it reads its input without writing it.
    read_only: Option<Arc<dyn ReadOnlyC2r<T>>>,
}

impl<T: Float> C2r<T> {
    /// The kernel of real length `n` the planner keeps.
    pub(crate) fn planned(n: usize) -> Result<Self> {
        let plans = T::plans();
        Ok(C2r {
            plan: plans.c2r(n)?,
            read_only: plans.c2r_read_only(n)?,
        })
    }
}

impl<T: Float> LaneKernel<T> for C2r<T> {
    type In = Complex<T>;
    type Out = T;
    fn in_len(&self) -> usize {
        self.plan.len() / 2 + 1
    }
    fn out_len(&self) -> usize {
        self.plan.len()
    }
    fn scratch_len(&self) -> usize {
        self.plan.get_scratch_len()
    }
    fn apply(&self, input: &mut [Complex<T>], output: &mut [T], scratch: &mut [Complex<T>]) {
        let (m, n) = (self.in_len(), self.out_len());
        for (x, y) in input.chunks_exact_mut(m).zip(output.chunks_exact_mut(n)) {
            x[0].im = T::zero();
            if n % 2 == 0 {
                x[m - 1].im = T::zero();
            }
            let done = self.plan.process_with_scratch(x, y, scratch);
            debug_assert!(done.is_ok(), "lane lengths are set by the executor");
        }
    }
    fn apply_from(&self, input: &[Complex<T>], output: &mut [T], scratch: &mut [Complex<T>]) -> bool {
        let Some(plan) = &self.read_only else {
            return false;
        };
        let (m, n) = (self.in_len(), self.out_len());
        for (x, y) in input.chunks_exact(m).zip(output.chunks_exact_mut(n)) {
            let done = plan.process_from(x, y, scratch);
            debug_assert!(done.is_ok(), "lane lengths are set by the executor");
        }
        true
    }
    fn half_four_step(&self) -> Result<Option<Arc<HalfFourStep<T>>>> {
        T::plans().half_four_step(self.plan.len(), true)
    }
}

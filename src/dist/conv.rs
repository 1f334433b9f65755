//! Convolution of sharded signals with one replicated kernel, and its VJPs.
//!
//! A [`ShardedConvPlan`] reads the signal's [`Layout`] and picks the route:
//!
//! - **split along a batch or channel axis** (any axis that is not convolved), or one rank:
//!   each rank convolves its own block with a local [`ConvPlan`]: no communication at all.
//!   The kernel broadcasts along the split axis (one kernel shared by every rank) or has the
//!   split axis's full length (one kernel per channel: each rank takes its block of kernels).
//!   The kernel gradient is summed over the ranks with one all-reduce (data parallelism).
//! - **split along the convolved axis** (sequence parallelism; one axis only, convolution,
//!   not correlation): every lane is one long signal, zero-padded to an FFT length
//!   `n ≥ N + K − 1` and transformed by the sharded four-step algorithm
//!   ([`fft`](super::fft) with [`Out::Transposed`]), multiplied by the kernel's spectrum *in the
//!   scrambled order*, and transformed back ([`ifft`](super::ifft) reads the scrambled order
//!   directly): four all-to-alls per convolution instead of six. Real signals travel two lanes
//!   per complex transform (`x_a + i·x_b`; the kernel is real, so the two results are the real
//!   and imaginary parts). The zero padding never moves: the transforms read the signal from
//!   its own layout and pad in the first all-to-all, and the output keeps the inverse
//!   transform's blocks, cut to the mode's window ([`output_layout`](ShardedConvPlan::output_layout),
//!   an uneven split). The kernel's spectrum is computed once per plan by the same sharded
//!   transform; the kernel gradient costs one more inverse transform per kernel and one
//!   all-reduce.
//!
//! The kernel is replicated: every rank passes the same array. Every function here is
//! collective (all ranks call it, in the same order); the batch route's forward is the
//! exception that needs no other rank at all.
//!
//! ```
//! use ndarray::{Array1, Array3};
//! use shardfft::conv::{fftconvolve, Mode};
//! use shardfft::dist::{self, run_threads, Comm, Layout, Sharded};
//!
//! let x = Array3::from_shape_fn((2, 3, 100), |(b, c, t)| ((b + 2 * c + t) as f64 * 0.1).sin()).into_dyn();
//! let k = Array1::from_shape_fn(20, |j| 0.9f64.powi(j as i32)).into_dyn();
//! let want = fftconvolve(&x, &k, Mode::Causal, -1)?;
//! for split in [0, 2] {
//!     // split 0: data parallel (no communication); split 2: the sequence axis.
//!     for got in run_threads(3, |comm| {
//!         let xs = Sharded::from_global(&x, Layout::new(x.shape(), split, comm.size())?, comm.rank())?;
//!         dist::fftconvolve(comm, &xs, &k, Mode::Causal, -1)?.allgather(comm)
//!     }) {
//!         assert!((got? - &want).iter().all(|e| e.abs() < 1e-9));
//!     }
//! }
//! # Ok::<(), shardfft::Error>(())
//! ```

mod local;
mod sequence;

use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::{ArrayD, IxDyn};
use num_complex::Complex;

use super::Sharded;
use super::comm::{Comm, CommData, key_of};
use super::layout::{Layout, Order};
use super::redistribute::check_comm;
pub(crate) use crate::conv::expand_kernel_shape;
use crate::conv::{ConvScalar, ConvSpec, ConvTape, Mode};
use crate::transforms::normalize_axis;
use crate::{Error, Result};

/// An element the sharded convolution computes in: `f32`, `f64` or their complex types.
///
/// A shorthand for the bounds the communication needs; implemented for every
/// [`ConvScalar`] whose values and spectra can be moved between ranks.
///
/// ```
/// use shardfft::dist::{CommData, ConvData};
/// use shardfft::Complex;
/// // Generic code repeats the bounds on the real type (where-clauses are not implied).
/// fn takes<A: ConvData>()
/// where
///     A::Real: CommData,
///     Complex<A::Real>: CommData,
/// {
/// }
/// takes::<f32>();
/// takes::<Complex<f64>>();
/// ```
pub trait ConvData: ConvScalar + CommData
where
    Self::Real: CommData,
    Complex<Self::Real>: CommData,
{
}

impl<A> ConvData for A
where
    A: ConvScalar + CommData,
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A replicated kernel prepared for sharded signals of one layout; collective to build.
///
/// Built from the kernel (the same array on every rank), the signal's [`Layout`] and a
/// [`ConvSpec`] (mode, axes; correlation and N-D convolution only along unsplit axes).
/// Signals must then have exactly that layout. Outputs have
/// [`output_layout`](Self::output_layout); kernel gradients come back replicated, in the
/// kernel's shape.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use shardfft::conv::{ConvSpec, Mode};
/// use shardfft::dist::{run_threads, Comm, Layout, Sharded, ShardedConvPlan};
///
/// let x = Array2::from_shape_fn((4, 64), |(b, t)| ((b * 64 + t) as f32 * 0.05).cos()).into_dyn();
/// let k = Array1::from_shape_fn(8, |j| 1.0 / (1.0 + j as f32)).into_dyn();
/// let out = run_threads(2, |comm| {
///     let layout = Layout::new(&[4, 64], 1, comm.size())?; // the sequence axis is split
///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Full))?;
///     assert!(plan.is_sequence_split());
///     let xs = Sharded::from_global(&x, layout, comm.rank())?;
///     let y = plan.apply(comm, &xs)?;
///     assert_eq!(y.layout(), plan.output_layout());
///     y.allgather(comm)
/// });
/// assert_eq!(out[0].as_ref().unwrap().shape(), &[4, 71]);
/// ```
pub struct ShardedConvPlan<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    id: u64,
    x_layout: Layout,
    y_layout: Layout,
    kernel_shape: Vec<usize>,
    route: Route<A>,
}

enum Route<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    Local(local::Local<A>),
    Sequence(sequence::Sequence<A>),
}

/// What [`ShardedConvPlan::forward`] keeps for the gradients: the local plan's tape (batch
/// route) or the signal's scrambled spectra (sequence route).
///
/// ```
/// use ndarray::{Array1, Array2};
/// use shardfft::conv::{ConvSpec, Mode};
/// use shardfft::dist::{run_threads, Comm, Layout, Sharded, ShardedConvPlan};
///
/// let x = Array2::<f64>::ones((3, 40)).into_dyn();
/// let k = Array1::<f64>::ones(5).into_dyn();
/// for r in run_threads(2, |comm| {
///     let layout = Layout::new(&[3, 40], 1, comm.size())?;
///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
///     let xs = Sharded::from_global(&x, layout, comm.rank())?;
///     let (y, tape) = plan.forward(comm, &xs)?;
///     let gk = plan.vjp_kernel_tape(comm, &tape, &y)?; // L = ½‖y‖²
///     assert_eq!(gk.shape(), &[5]);
///     Ok(())
/// }) {
///     r?;
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub struct ShardedConvTape<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    plan_id: u64,
    data: TapeData<A>,
}

enum TapeData<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    Local(Option<ConvTape<A>>),
    Sequence(Vec<ArrayD<Complex<A::Real>>>),
}

/// The window `(start, len)` of the full convolution that `mode` returns for lengths `n`, `k`.
pub(crate) fn window(mode: Mode, n: usize, k: usize) -> Result<(usize, usize)> {
    let len = mode.output_len(n, k)?;
    let start = match mode {
        Mode::Full | Mode::Causal => 0,
        Mode::Same => (k - 1) / 2,
        Mode::Valid => n.min(k) - 1,
    };
    Ok((start, len))
}

/// The convolved axes of `spec` for a signal of rank `ndim`, normalized and ascending.
fn conv_axes(spec: &ConvSpec, ndim: usize) -> Result<Vec<usize>> {
    let mut axes = match spec.get_axes() {
        Some(a) => a.iter().map(|&a| normalize_axis(a, ndim)).collect::<Result<Vec<_>>>()?,
        None => (0..ndim).collect(),
    };
    axes.sort_unstable();
    Ok(axes)
}

/// A zero-filled array (fallible allocation).
pub(crate) fn zeros<X: Copy + Default>(shape: &[usize], what: &str) -> Result<ArrayD<X>> {
    let len = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| Error::TooLarge {
            what: what.into(),
            shape: shape.to_vec(),
        })?;
    let data = crate::exec::try_filled::<X>(len, what)?;
    ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|e| internal(format!("{what}: {e}")))
}

/// An internal inconsistency, as a value.
pub(crate) fn internal(msg: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("internal error in the sharded convolution: {msg}"))
}

impl<A: ConvData> ShardedConvPlan<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    /// Prepares `kernel` (replicated: the same on every rank) for signals of layout
    /// `x_layout`; collective.
    ///
    /// The route follows the layout: along a convolved axis split over more than one rank the
    /// sequence route (one convolved axis, convolution only; it computes the kernel's
    /// spectrum with a sharded transform), otherwise the local route (no communication beyond
    /// checking that every rank passed the same shapes). Errors: what
    /// [`ConvPlan::new`](crate::conv::ConvPlan::new) rejects, a scrambled layout, a kernel
    /// that neither broadcasts along the split axis nor has its full length, a sequence split
    /// with several convolved axes or a correlation, and ranks that disagree.
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, ShardedConvPlan};
    ///
    /// let k = Array2::<f64>::ones((4, 3)).into_dyn(); // one kernel per channel
    /// for r in run_threads(2, |comm| {
    ///     let by_channel = Layout::new(&[8, 4, 50], 1, comm.size())?; // (batch, channels, time)
    ///     let plan = ShardedConvPlan::new(comm, &k, &by_channel, &ConvSpec::new(Mode::Same))?;
    ///     assert!(!plan.is_sequence_split());
    ///     assert_eq!(plan.output_layout().shape(), &[8, 4, 50]);
    ///     Ok(())
    /// }) {
    ///     r?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn new<C: Comm>(comm: &C, kernel: &ArrayD<A>, x_layout: &Layout, spec: &ConvSpec) -> Result<Self> {
        check_comm(comm, x_layout)?;
        if x_layout.order() != Order::Natural {
            return Err(Error::InvalidArgument(
                "sharded convolution: the signal must be in natural order, not a scrambled spectrum".into(),
            ));
        }
        let axes = conv_axes(spec, x_layout.ndim())?;
        let split = x_layout.split_axis();
        let key = key_of(&("ShardedConvPlan::new", x_layout, kernel.shape(), format!("{spec:?}")));
        comm.agree("ShardedConvPlan::new", key)?;
        let sequence = x_layout.ranks() > 1 && axes.contains(&split);
        let (route, y_layout) = if sequence {
            let (s, y) = sequence::Sequence::new(comm, kernel, x_layout, &axes, spec)?;
            (Route::Sequence(s), y)
        } else {
            let (l, y) = local::Local::new(kernel, x_layout, &axes, spec, comm.rank())?;
            (Route::Local(l), y)
        };
        Ok(ShardedConvPlan {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            x_layout: x_layout.clone(),
            y_layout,
            kernel_shape: kernel.shape().to_vec(),
            route,
        })
    }

    /// Whether the plan runs the sequence route (the convolved axis is split).
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, ShardedConvPlan};
    /// let k = Array1::<f32>::ones(3).into_dyn();
    /// let routes = run_threads(2, |comm| {
    ///     let by_batch = Layout::new(&[6, 30], 0, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &by_batch, &ConvSpec::new(Mode::Full))?;
    ///     Ok(plan.is_sequence_split())
    /// });
    /// assert!(routes.into_iter().all(|r| !r.unwrap()));
    /// ```
    pub fn is_sequence_split(&self) -> bool {
        matches!(self.route, Route::Sequence(_))
    }

    /// The layout signals must have (the one the plan was built for).
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, ShardedConvPlan};
    /// let k = Array1::<f64>::ones(4).into_dyn();
    /// for r in run_threads(2, |comm| {
    ///     let layout = Layout::new(&[100], 0, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
    ///     assert_eq!(plan.signal_layout(), &layout);
    ///     Ok(())
    /// }) {
    ///     r?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn signal_layout(&self) -> &Layout {
        &self.x_layout
    }

    /// The layout of the output (and of the cotangents the VJPs take): the signal's split,
    /// with the mode's lengths along the convolved axes. On the sequence route its blocks are
    /// those of the inverse transform's balanced split of the FFT length, cut to the window
    /// (uneven, maybe with empty blocks).
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, ShardedConvPlan};
    /// let k = Array1::<f64>::ones(28).into_dyn();
    /// for r in run_threads(4, |comm| {
    ///     let layout = Layout::new(&[100], 0, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
    ///     // FFT length 128 = 4 blocks of 32; the causal output keeps the first 100 samples.
    ///     assert_eq!(plan.output_layout().bounds(), &[0, 32, 64, 96, 100]);
    ///     Ok(())
    /// }) {
    ///     r?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn output_layout(&self) -> &Layout {
        &self.y_layout
    }

    /// The FFT length of the sequence route (`None` on the batch route, whose local plan
    /// chooses its own).
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, ShardedConvPlan};
    /// let k = Array1::<f64>::ones(28).into_dyn();
    /// let lens = run_threads(2, |comm| {
    ///     let layout = Layout::new(&[100], 0, comm.size())?;
    ///     Ok(ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Full))?.fft_len())
    /// });
    /// assert_eq!(*lens[0].as_ref().unwrap(), Some(128));
    /// ```
    pub fn fft_len(&self) -> Option<usize> {
        match &self.route {
            Route::Sequence(s) => Some(s.fft_len()),
            Route::Local(_) => None,
        }
    }

    fn check_signal(&self, what: &str, x: &Sharded<A>) -> Result<()> {
        if x.layout() != &self.x_layout {
            return Err(Error::InvalidArgument(format!(
                "sharded convolution: the {what}'s layout {:?} is not the plan's signal layout {:?}",
                x.layout(),
                self.x_layout
            )));
        }
        Ok(())
    }

    fn check_cotangent(&self, g: &Sharded<A>) -> Result<()> {
        if g.layout() != &self.y_layout {
            return Err(Error::InvalidArgument(format!(
                "sharded convolution: the cotangent's layout {:?} is not the plan's output layout {:?}",
                g.layout(),
                self.y_layout
            )));
        }
        Ok(())
    }

    fn check_tape(&self, tape: &ShardedConvTape<A>) -> Result<()> {
        if tape.plan_id == self.id {
            Ok(())
        } else {
            Err(Error::InvalidArgument(
                "this ShardedConvTape was recorded by a different ShardedConvPlan".into(),
            ))
        }
    }

    fn wrap(&self, layout: &Layout, local: ArrayD<A>, rank: usize) -> Result<Sharded<A>> {
        Sharded::from_local(local, layout.clone(), rank)
    }

    /// Convolves `x` (of the plan's signal layout) with the kernel; collective on the sequence
    /// route, local on the batch route.
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use shardfft::conv::{fftconvolve, ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, Sharded, ShardedConvPlan};
    ///
    /// let x = Array2::from_shape_fn((5, 33), |(b, t)| (b as f64 - t as f64 * 0.2).tanh()).into_dyn();
    /// let k = Array1::from(vec![0.5, -0.25, 0.125]).into_dyn();
    /// let want = fftconvolve(&x, &k, Mode::Valid, -1)?;
    /// for got in run_threads(3, |comm| {
    ///     let layout = Layout::new(&[5, 33], 0, comm.size())?; // batch split
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Valid))?;
    ///     plan.apply(comm, &Sharded::from_global(&x, layout, comm.rank())?)?.allgather(comm)
    /// }) {
    ///     assert!((got? - &want).iter().all(|e| e.abs() < 1e-12));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn apply<C: Comm>(&self, comm: &C, x: &Sharded<A>) -> Result<Sharded<A>> {
        self.check_signal("signal", x)?;
        let y = match &self.route {
            Route::Local(l) => l.apply(x.local())?,
            Route::Sequence(s) => s.forward(comm, x.local(), false)?.0,
        };
        self.wrap(&self.y_layout, y, comm.rank())
    }

    /// [`apply`](Self::apply), also recording what the gradients need.
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, Sharded, ShardedConvPlan};
    /// let x = Array2::<f32>::ones((2, 20)).into_dyn();
    /// let k = Array1::<f32>::ones(4).into_dyn();
    /// for r in run_threads(2, |comm| {
    ///     let layout = Layout::new(&[2, 20], 1, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
    ///     let (y, tape) = plan.forward(comm, &Sharded::from_global(&x, layout, comm.rank())?)?;
    ///     let (gx, gk) = plan.vjp_tape(comm, &tape, &y)?;
    ///     assert_eq!((gx.layout().shape(), gk.shape()), (&[2, 20][..], &[4][..]));
    ///     Ok(())
    /// }) {
    ///     r?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn forward<C: Comm>(&self, comm: &C, x: &Sharded<A>) -> Result<(Sharded<A>, ShardedConvTape<A>)> {
        self.check_signal("signal", x)?;
        let (y, data) = match &self.route {
            Route::Local(l) => {
                let (y, tape) = l.forward(x.local())?;
                (y, TapeData::Local(tape))
            }
            Route::Sequence(s) => {
                let (y, spectra) = s.forward(comm, x.local(), true)?;
                (y, TapeData::Sequence(spectra))
            }
        };
        let tape = ShardedConvTape { plan_id: self.id, data };
        Ok((self.wrap(&self.y_layout, y, comm.rank())?, tape))
    }

    /// The gradients `(∂L/∂x, ∂L/∂k)` given the signal `x` and the cotangent `g = ∂L/∂y` (of
    /// the output layout); collective. `∂L/∂x` has the signal's layout; `∂L/∂k` is summed over
    /// every rank's lanes (one all-reduce) and replicated, in the kernel's shape.
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use shardfft::conv::{fftconvolve_vjp, Mode};
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Sharded, ShardedConvPlan};
    /// use shardfft::conv::ConvSpec;
    ///
    /// let x = Array2::from_shape_fn((4, 30), |(b, t)| ((b * 30 + t) as f64).sin()).into_dyn();
    /// let k = Array1::from_shape_fn(6, |j| j as f64 - 2.0).into_dyn();
    /// let g = Array2::from_shape_fn((4, 35), |(b, t)| ((b + t) as f64 * 0.3).cos()).into_dyn();
    /// let (want_gx, want_gk) = fftconvolve_vjp(&x, &k, &g, Mode::Full, -1)?;
    /// for r in run_threads(3, |comm| {
    ///     let layout = Layout::new(&[4, 30], 1, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Full))?;
    ///     let xs = Sharded::from_global(&x, layout, comm.rank())?;
    ///     let gs = Sharded::from_global(&g, plan.output_layout().clone(), comm.rank())?;
    ///     let (gx, gk) = plan.vjp(comm, &xs, &gs)?;
    ///     Ok((gx.allgather(comm)?, gk))
    /// }) {
    ///     let (gx, gk) = r?;
    ///     assert!((gx - &want_gx).iter().all(|e| e.abs() < 1e-9));
    ///     assert!((gk - &want_gk).iter().all(|e| e.abs() < 1e-9));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp<C: Comm>(&self, comm: &C, x: &Sharded<A>, g: &Sharded<A>) -> Result<(Sharded<A>, ArrayD<A>)> {
        self.check_signal("signal", x)?;
        self.check_cotangent(g)?;
        let (gx, gk) = match &self.route {
            Route::Local(l) => l.vjp(comm, x.local(), g.local(), true)?,
            Route::Sequence(s) => s.vjp(comm, &s.spectra(comm, x.local())?, g.local(), true)?,
        };
        self.finish_signal(gx, gk)
    }

    /// The kernel gradient only (replicated, in the kernel's shape); collective.
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use shardfft::conv::{ConvSpec, Mode};
    /// use shardfft::dist::{run_threads, Comm, Layout, Sharded, ShardedConvPlan};
    /// let x = Array2::<f64>::ones((6, 10)).into_dyn();
    /// let k = Array1::<f64>::ones(3).into_dyn();
    /// for r in run_threads(3, |comm| {
    ///     let layout = Layout::new(&[6, 10], 0, comm.size())?;
    ///     let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Valid))?;
    ///     let xs = Sharded::from_global(&x, layout, comm.rank())?;
    ///     let g = Sharded::from_global(&Array2::<f64>::ones((6, 8)).into_dyn(), plan.output_layout().clone(), comm.rank())?;
    ///     let gk = plan.vjp_kernel(comm, &xs, &g)?;
    ///     assert!(gk.iter().all(|v| (v - 48.0).abs() < 1e-9)); // 6 lanes × 8 outputs
    ///     Ok(())
    /// }) {
    ///     r?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp_kernel<C: Comm>(&self, comm: &C, x: &Sharded<A>, g: &Sharded<A>) -> Result<ArrayD<A>> {
        self.check_signal("signal", x)?;
        self.check_cotangent(g)?;
        let (_, gk) = match &self.route {
            Route::Local(l) => l.vjp(comm, x.local(), g.local(), false)?,
            Route::Sequence(s) => s.vjp(comm, &s.spectra(comm, x.local())?, g.local(), false)?,
        };
        self.kernel_shaped(gk)
    }

    /// Both gradients from a tape of [`forward`](Self::forward); collective. The sequence
    /// route reuses the recorded spectra: one forward transform of the cotangent per lane
    /// (pair), one inverse per lane for `∂L/∂x` and one per kernel for `∂L/∂k`.
    ///
    /// See [`forward`](Self::forward) for an example.
    pub fn vjp_tape<C: Comm>(
        &self,
        comm: &C,
        tape: &ShardedConvTape<A>,
        g: &Sharded<A>,
    ) -> Result<(Sharded<A>, ArrayD<A>)> {
        self.check_tape(tape)?;
        self.check_cotangent(g)?;
        let (gx, gk) = match (&self.route, &tape.data) {
            (Route::Local(l), TapeData::Local(t)) => l.vjp_tape(comm, t, g.local(), true)?,
            (Route::Sequence(s), TapeData::Sequence(sp)) => s.vjp(comm, sp, g.local(), true)?,
            _ => return Err(internal("a tape of the other route")),
        };
        self.finish_signal(gx, gk)
    }

    /// The kernel gradient only, from a tape of [`forward`](Self::forward); collective.
    ///
    /// See [`ShardedConvTape`] for an example.
    pub fn vjp_kernel_tape<C: Comm>(&self, comm: &C, tape: &ShardedConvTape<A>, g: &Sharded<A>) -> Result<ArrayD<A>> {
        self.check_tape(tape)?;
        self.check_cotangent(g)?;
        let (_, gk) = match (&self.route, &tape.data) {
            (Route::Local(l), TapeData::Local(t)) => l.vjp_tape(comm, t, g.local(), false)?,
            (Route::Sequence(s), TapeData::Sequence(sp)) => s.vjp(comm, sp, g.local(), false)?,
            _ => return Err(internal("a tape of the other route")),
        };
        self.kernel_shaped(gk)
    }

    fn finish_signal(&self, gx: Option<Sharded<A>>, gk: ArrayD<A>) -> Result<(Sharded<A>, ArrayD<A>)> {
        let gx = gx.ok_or_else(|| internal("missing signal gradient"))?;
        if gx.layout() != &self.x_layout {
            return Err(internal("signal gradient in the wrong layout"));
        }
        Ok((gx, self.kernel_shaped(gk)?))
    }

    fn kernel_shaped(&self, gk: ArrayD<A>) -> Result<ArrayD<A>> {
        let gk = if gk.is_standard_layout() {
            gk
        } else {
            gk.as_standard_layout().into_owned()
        };
        gk.into_shape_with_order(IxDyn(&self.kernel_shape))
            .map_err(|e| internal(format!("kernel gradient reshape: {e}")))
    }
}

/// Sharded [`fftconvolve`](crate::conv::fftconvolve) of `x` with the replicated kernel `k`
/// along `axis`; collective (local when `axis` is not split). See [`ShardedConvPlan`] for
/// the two routes.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use shardfft::conv::{fftconvolve, Mode};
/// use shardfft::dist::{self, run_threads, Comm, Layout, Sharded};
///
/// let x = Array1::from_shape_fn(1000, |t| ((t * t) % 17) as f64).into_dyn();
/// let k = Array1::from_shape_fn(300, |j| (-(j as f64) / 50.0).exp()).into_dyn();
/// let want = fftconvolve(&x, &k, Mode::Same, 0)?;
/// for got in run_threads(4, |comm| {
///     let xs = Sharded::from_global(&x, Layout::new(&[1000], 0, comm.size())?, comm.rank())?;
///     dist::fftconvolve(comm, &xs, &k, Mode::Same, 0)?.allgather(comm)
/// }) {
///     assert!((got? - &want).iter().all(|e| e.abs() < 1e-9));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftconvolve<C, A>(comm: &C, x: &Sharded<A>, k: &ArrayD<A>, mode: Mode, axis: isize) -> Result<Sharded<A>>
where
    C: Comm,
    A: ConvData,
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    ShardedConvPlan::new(comm, k, x.layout(), &ConvSpec::new(mode).axis(axis))?.apply(comm, x)
}

/// The gradients `(∂L/∂x, ∂L/∂k)` through [`fftconvolve`], given the cotangent `g` in the
/// output's layout ([`ShardedConvPlan::output_layout`]); collective. `∂L/∂k` is replicated.
///
/// ```
/// use ndarray::{Array1, Array3};
/// use shardfft::conv::{fftconvolve_vjp, Mode};
/// use shardfft::dist::{self, run_threads, Comm, Layout, Sharded};
///
/// let x = Array3::from_shape_fn((4, 2, 50), |(b, c, t)| ((b + c * 5 + t) as f64 * 0.2).sin()).into_dyn();
/// let k = Array1::from_shape_fn(10, |j| 1.0 / (j as f64 + 1.0)).into_dyn();
/// let g = x.mapv(|v| 2.0 * v); // cotangent of the causal output (same shape as x)
/// let (want_gx, want_gk) = fftconvolve_vjp(&x, &k, &g, Mode::Causal, -1)?;
/// for r in run_threads(2, |comm| {
///     let layout = Layout::new(&[4, 2, 50], 0, comm.size())?; // data parallel
///     let xs = Sharded::from_global(&x, layout.clone(), comm.rank())?;
///     let gs = Sharded::from_global(&g, layout, comm.rank())?;
///     let (gx, gk) = dist::fftconvolve_vjp(comm, &xs, &k, &gs, Mode::Causal, -1)?;
///     Ok((gx.allgather(comm)?, gk))
/// }) {
///     let (gx, gk) = r?;
///     assert!((gx - &want_gx).iter().all(|e| e.abs() < 1e-9));
///     assert!((gk - &want_gk).iter().all(|e| e.abs() < 1e-9));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn fftconvolve_vjp<C, A>(
    comm: &C,
    x: &Sharded<A>,
    k: &ArrayD<A>,
    g: &Sharded<A>,
    mode: Mode,
    axis: isize,
) -> Result<(Sharded<A>, ArrayD<A>)>
where
    C: Comm,
    A: ConvData,
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    ShardedConvPlan::new(comm, k, x.layout(), &ConvSpec::new(mode).axis(axis))?.vjp(comm, x, g)
}

//! The sharded-convolution part of the suite: `shardfft::dist::fftconvolve` and
//! `ShardedConvPlan`, forward and VJPs, equal the local convolution, split along a batch axis,
//! a channel axis and the sequence axis, with lengths that do not divide by the rank count.

use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shardfft::conv::{ConvSpec, Mode, fftconvolve, fftconvolve_vjp};
use shardfft::dist::{self, Comm, CommData, ConvData, Layout, Sharded, ShardedConvPlan};
use shardfft::{Complex, Result};

pub const MODES: [Mode; 4] = [Mode::Full, Mode::Same, Mode::Valid, Mode::Causal];

/// The element types under test: random values and a magnitude.
pub trait Elem: ConvData
where
    Self::Real: CommData,
    Complex<Self::Real>: CommData,
{
    fn random(rng: &mut StdRng) -> Self;
    fn mag(self) -> f64;
    fn dist(self, other: Self) -> f64;
}

impl Elem for f64 {
    fn random(rng: &mut StdRng) -> Self {
        rng.random_range(-1.0..1.0)
    }
    fn mag(self) -> f64 {
        self.abs()
    }
    fn dist(self, other: Self) -> f64 {
        (self - other).abs()
    }
}

impl Elem for f32 {
    fn random(rng: &mut StdRng) -> Self {
        rng.random_range(-1.0..1.0)
    }
    fn mag(self) -> f64 {
        self.abs() as f64
    }
    fn dist(self, other: Self) -> f64 {
        (self - other).abs() as f64
    }
}

impl Elem for Complex<f64> {
    fn random(rng: &mut StdRng) -> Self {
        Complex::new(rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0))
    }
    fn mag(self) -> f64 {
        self.norm()
    }
    fn dist(self, other: Self) -> f64 {
        (self - other).norm()
    }
}

pub fn random<A: Elem>(shape: &[usize], rng: &mut StdRng) -> ArrayD<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    ArrayD::from_shape_simple_fn(IxDyn(shape), || A::random(rng))
}

/// max |a − b| / max(1, max |b|).
pub fn rel_err<A: Elem>(a: &ArrayD<A>, b: &ArrayD<A>) -> f64
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    assert_eq!(a.shape(), b.shape());
    let scale = b.iter().map(|v| v.mag()).fold(1.0, f64::max);
    a.iter().zip(b).map(|(&x, &y)| x.dist(y)).fold(0.0, f64::max) / scale
}

/// One case: the global signal, kernel and cotangent, and what the local functions give.
pub struct Case<A: Elem>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    x: ArrayD<A>,
    k: ArrayD<A>,
    g: ArrayD<A>,
    mode: Mode,
    axis: isize,
    y: ArrayD<A>,
    gx: ArrayD<A>,
    gk: ArrayD<A>,
}

impl<A: Elem> Case<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    pub fn new(x_shape: &[usize], k_shape: &[usize], mode: Mode, axis: isize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let x = random::<A>(x_shape, &mut rng);
        let k = random::<A>(k_shape, &mut rng);
        let y = fftconvolve(&x, &k, mode, axis).expect("local convolution");
        let g = random::<A>(y.shape(), &mut rng);
        let (gx, gk) = fftconvolve_vjp(&x, &k, &g, mode, axis).expect("local vjp");
        Case {
            x,
            k,
            g,
            mode,
            axis,
            y,
            gx,
            gk,
        }
    }

    /// Runs the sharded convolution and VJPs on the ranks of `comm`, `x` split along `split`,
    /// and checks them against the local results (to `tol`) and that the route is the expected
    /// one (`sequence`: the split axis is the convolution's). Panics on a mismatch.
    pub fn check<C: Comm>(&self, comm: &C, split: usize, sequence: bool, tol: f64) -> Result<()> {
        let p = comm.size();
        let spec = ConvSpec::new(self.mode).axis(self.axis);
        let layout = Layout::new(self.x.shape(), split as isize, p)?;
        let plan = ShardedConvPlan::new(comm, &self.k, &layout, &spec)?;
        assert_eq!(plan.is_sequence_split(), sequence && p > 1);
        let xs = Sharded::from_global(&self.x, layout, comm.rank())?;
        let y = dist::fftconvolve(comm, &xs, &self.k, self.mode, self.axis)?;
        assert_eq!(y.layout(), plan.output_layout());
        let gs = Sharded::from_global(&self.g, plan.output_layout().clone(), comm.rank())?;
        let (gx, gk) = dist::fftconvolve_vjp(comm, &xs, &self.k, &gs, self.mode, self.axis)?;
        let (y2, tape) = plan.forward(comm, &xs)?;
        let (gx2, gk2) = plan.vjp_tape(comm, &tape, &gs)?;
        let gk3 = plan.vjp_kernel_tape(comm, &tape, &gs)?;
        let gk4 = plan.vjp_kernel(comm, &xs, &gs)?;
        assert_eq!(gx.layout(), xs.layout());
        let what = format!(
            "p={p} split={split} mode={:?} x{:?} k{:?}",
            self.mode,
            self.x.shape(),
            self.k.shape()
        );
        let outputs = [
            ("y", y.allgather(comm)?, &self.y),
            ("forward y", y2.allgather(comm)?, &self.y),
            ("gx", gx.allgather(comm)?, &self.gx),
            ("tape gx", gx2.allgather(comm)?, &self.gx),
            ("gk", gk, &self.gk),
            ("tape gk", gk2, &self.gk),
            ("kernel-only tape gk", gk3, &self.gk),
            ("kernel-only gk", gk4, &self.gk),
        ];
        for (name, got, want) in &outputs {
            let err = rel_err(got, want);
            assert!(err < tol, "{what}: {name} error {err:.2e}");
        }
        Ok(())
    }
}

/// Split along a batch axis: 7 lanes (uneven blocks, and empty ones beyond 7 ranks).
pub fn batch_split<C: Comm>(comm: &C) -> Result<()> {
    for (i, mode) in MODES.into_iter().enumerate() {
        Case::<f64>::new(&[7, 3, 45], &[9], mode, -1, 10 + i as u64).check(comm, 0, false, 1e-10)?;
    }
    Ok(())
}

/// Split along the channel axis, one kernel per channel: each rank takes its block of kernels.
pub fn channel_split<C: Comm>(comm: &C) -> Result<()> {
    for (i, mode) in MODES.into_iter().enumerate() {
        Case::<f64>::new(&[2, 5, 40], &[5, 6], mode, -1, 20 + i as u64).check(comm, 1, false, 1e-10)?;
    }
    Ok(())
}

/// Split along the sequence axis, every mode, kernels shorter, as long as and longer than the
/// signal, and K = 1.
pub fn sequence_split<C: Comm>(comm: &C) -> Result<()> {
    for (i, mode) in MODES.into_iter().enumerate() {
        for (n, k) in [(101, 13), (37, 37), (5, 11), (250, 1)] {
            Case::<f64>::new(&[3, n], &[k], mode, -1, 30 + i as u64 + n as u64).check(comm, 1, true, 1e-9)?;
        }
    }
    Ok(())
}

/// (batch, channels, time) split on time with one kernel per channel (an odd number of lanes
/// per kernel, so one lane of each group travels alone); and the sequence axis first.
pub fn sequence_split_of_batches<C: Comm>(comm: &C) -> Result<()> {
    Case::<f64>::new(&[3, 2, 77], &[2, 20], Mode::Causal, -1, 40).check(comm, 2, true, 1e-9)?;
    Case::<f64>::new(&[60, 3], &[7, 3], Mode::Full, 0, 41).check(comm, 0, true, 1e-9)
}

/// Complex and f32 signals split along the sequence.
pub fn sequence_split_complex_and_f32<C: Comm>(comm: &C) -> Result<()> {
    for mode in MODES {
        Case::<Complex<f64>>::new(&[2, 90], &[17], mode, -1, 50).check(comm, 1, true, 1e-9)?;
        Case::<f32>::new(&[4, 300], &[64], mode, -1, 51).check(comm, 1, true, 2e-4)?;
    }
    Ok(())
}

/// Every sharded-convolution check, for [`super::run_all`].
pub fn run_all<C: Comm>(comm: &C, log: &mut impl FnMut(&str)) -> Result<()> {
    log("conv: batch split");
    batch_split(comm)?;
    log("conv: channel split, per-channel kernels");
    channel_split(comm)?;
    log("conv: sequence split");
    sequence_split(comm)?;
    log("conv: sequence split of batches");
    sequence_split_of_batches(comm)?;
    log("conv: sequence split of complex and f32 signals");
    sequence_split_complex_and_f32(comm)
}

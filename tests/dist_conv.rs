//! Sharded convolution (`shardfft::dist::fftconvolve` and `ShardedConvPlan`) equals the local
//! one, forward and VJPs, for 1..=8 ranks, split along a batch axis, a channel axis and the
//! sequence axis, with lengths that do not divide by the rank count.

use std::cell::Cell;

use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shardfft::conv::{fftconvolve, fftconvolve_vjp, ConvSpec, Mode};
use shardfft::dist::{self, run_threads, Comm, CommData, ConvData, Layout, Sharded, ShardedConvPlan};
use shardfft::Complex;

const MODES: [Mode; 4] = [Mode::Full, Mode::Same, Mode::Valid, Mode::Causal];

/// The element types under test: random values and a magnitude.
trait Elem: ConvData
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

fn random<A: Elem>(shape: &[usize], rng: &mut StdRng) -> ArrayD<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    ArrayD::from_shape_simple_fn(IxDyn(shape), || A::random(rng))
}

/// max |a − b| / max(1, max |b|).
fn rel_err<A: Elem>(a: &ArrayD<A>, b: &ArrayD<A>) -> f64
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    assert_eq!(a.shape(), b.shape());
    let scale = b.iter().map(|v| v.mag()).fold(1.0, f64::max);
    a.iter().zip(b).map(|(&x, &y)| x.dist(y)).fold(0.0, f64::max) / scale
}

/// One case: the global signal, kernel and cotangent, and what the local functions give.
struct Case<A: Elem>
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
    fn new(x_shape: &[usize], k_shape: &[usize], mode: Mode, axis: isize, seed: u64) -> Self {
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

    /// Runs the sharded convolution and VJPs with `p` ranks, `x` split along `split`, and
    /// checks them against the local results (to `tol`), and that the route is the expected one.
    fn check(&self, p: usize, split: usize, sequence: bool, tol: f64) {
        let spec = ConvSpec::new(self.mode).axis(self.axis);
        let results = run_threads(p, |comm| {
            let layout = Layout::new(self.x.shape(), split as isize, comm.size())?;
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
            Ok((
                y.allgather(comm)?,
                gx.allgather(comm)?,
                gk,
                y2.allgather(comm)?,
                gx2.allgather(comm)?,
                [gk2, gk3, gk4],
            ))
        });
        let what = format!(
            "p={p} split={split} mode={:?} x{:?} k{:?}",
            self.mode,
            self.x.shape(),
            self.k.shape()
        );
        for r in results {
            let (y, gx, gk, y2, gx2, gks) = r.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(rel_err(&y, &self.y) < tol, "{what}: y err {}", rel_err(&y, &self.y));
            assert!(rel_err(&y2, &self.y) < tol, "{what}: forward y");
            assert!(
                rel_err(&gx, &self.gx) < tol,
                "{what}: gx err {}",
                rel_err(&gx, &self.gx)
            );
            assert!(rel_err(&gx2, &self.gx) < tol, "{what}: tape gx");
            assert!(
                rel_err(&gk, &self.gk) < tol,
                "{what}: gk err {}",
                rel_err(&gk, &self.gk)
            );
            for gk in &gks {
                assert!(rel_err(gk, &self.gk) < tol, "{what}: tape/kernel-only gk");
            }
        }
    }
}

#[test]
fn batch_split_matches_local_for_1_to_8_ranks() {
    for (i, mode) in MODES.into_iter().enumerate() {
        // 7 lanes over up to 8 ranks: uneven blocks and an empty one.
        let case = Case::<f64>::new(&[7, 3, 45], &[9], mode, -1, 10 + i as u64);
        for p in 1..=8 {
            case.check(p, 0, false, 1e-10);
        }
    }
}

#[test]
fn channel_split_with_per_channel_kernels_matches_local() {
    for (i, mode) in MODES.into_iter().enumerate() {
        // One kernel per channel: each rank takes its block of kernels.
        let case = Case::<f64>::new(&[2, 5, 40], &[5, 6], mode, -1, 20 + i as u64);
        for p in 1..=8 {
            case.check(p, 1, false, 1e-10);
        }
    }
}

#[test]
fn sequence_split_matches_local_for_1_to_8_ranks() {
    for (i, mode) in MODES.into_iter().enumerate() {
        for (n, k) in [(101, 13), (37, 37), (5, 11), (250, 1)] {
            let case = Case::<f64>::new(&[3, n], &[k], mode, -1, 30 + i as u64 + n as u64);
            for p in 1..=8 {
                case.check(p, 1, true, 1e-9);
            }
        }
    }
}

#[test]
fn sequence_split_of_batches_with_per_channel_kernels() {
    // (batch, channels, time) split on time, one kernel per channel; an odd number of lanes
    // per kernel, so one lane of each group travels alone.
    let case = Case::<f64>::new(&[3, 2, 77], &[2, 20], Mode::Causal, -1, 40);
    for p in [1, 2, 3, 5, 8] {
        case.check(p, 2, true, 1e-9);
    }
    // The sequence axis first: x (time, channels), one kernel per channel (K, channels).
    let case = Case::<f64>::new(&[60, 3], &[7, 3], Mode::Full, 0, 41);
    for p in [2, 4, 7] {
        case.check(p, 0, true, 1e-9);
    }
}

#[test]
fn sequence_split_of_complex_and_f32_signals() {
    for mode in MODES {
        let case = Case::<Complex<f64>>::new(&[2, 90], &[17], mode, -1, 50);
        for p in [1, 2, 3, 4, 6, 8] {
            case.check(p, 1, true, 1e-9);
        }
        let case = Case::<f32>::new(&[4, 300], &[64], mode, -1, 51);
        for p in [2, 3, 8] {
            case.check(p, 1, true, 2e-4);
        }
    }
}

/// A communicator that counts the all-to-alls and all-reduces of the ranks it wraps.
struct Counting<'a, C: Comm> {
    inner: &'a C,
    alltoalls: Cell<usize>,
    allreduces: Cell<usize>,
}

impl<C: Comm> Comm for Counting<'_, C> {
    fn rank(&self) -> usize {
        self.inner.rank()
    }
    fn size(&self) -> usize {
        self.inner.size()
    }
    fn alltoallv<T: CommData>(&self, send: &[T], sc: &[usize], recv: &mut [T], rc: &[usize]) -> shardfft::Result<()> {
        self.alltoalls.set(self.alltoalls.get() + 1);
        self.inner.alltoallv(send, sc, recv, rc)
    }
    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> shardfft::Result<()> {
        self.allreduces.set(self.allreduces.get() + 1);
        self.inner.allreduce_sum(data)
    }
    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> shardfft::Result<()> {
        self.inner.broadcast(data, root)
    }
    fn barrier(&self) -> shardfft::Result<()> {
        self.inner.barrier()
    }
    fn agree(&self, what: &str, key: u64) -> shardfft::Result<()> {
        self.inner.agree(what, key) // not counted: a check, not data movement
    }
}

#[test]
fn communication_counts() {
    // A long signal: forward = fft into the scrambled order (2 all-to-alls) + ifft out of it (2).
    let x = ArrayD::from_shape_fn(IxDyn(&[2, 1 << 12]), |i| ((i[0] + i[1]) as f64 * 0.01).sin());
    let k = ArrayD::from_shape_fn(IxDyn(&[100]), |i| 1.0 / (1.0 + i[0] as f64));
    let want = fftconvolve(&x, &k, Mode::Causal, -1).unwrap();
    for split in [0, 1] {
        let out = run_threads(4, |comm| {
            let comm = Counting {
                inner: comm,
                alltoalls: Cell::new(0),
                allreduces: Cell::new(0),
            };
            let layout = Layout::new(&[2, 1 << 12], split, comm.size())?;
            let plan = ShardedConvPlan::new(&comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
            let xs = Sharded::from_global(&x, layout, comm.rank())?;
            let before = (comm.alltoalls.get(), comm.allreduces.get());
            let (y, tape) = plan.forward(&comm, &xs)?;
            let forward = comm.alltoalls.get() - before.0;
            let gs = Sharded::from_global(&y.allgather(&comm)?, plan.output_layout().clone(), comm.rank())?;
            let before = (comm.alltoalls.get(), comm.allreduces.get());
            let _gk = plan.vjp_kernel_tape(&comm, &tape, &gs)?;
            let kernel_grad = (comm.alltoalls.get() - before.0, comm.allreduces.get() - before.1);
            Ok((y.allgather(&comm)?, forward, kernel_grad))
        });
        for r in out {
            let (y, forward, (a2a, reduces)) = r.unwrap();
            assert!(rel_err(&y, &want) < 1e-10);
            if split == 0 {
                // Data parallel: no communication forward, one all-reduce for the kernel gradient.
                assert_eq!((forward, a2a), (0, 0));
                assert_eq!(reduces, 1);
            } else {
                // Two real lanes travel as one complex signal: 4 all-to-alls forward; the kernel
                // gradient transforms the cotangent (2) and inverts the summed product (2).
                assert_eq!(forward, 4);
                assert_eq!(a2a, 4);
                assert!(reduces >= 1);
            }
        }
    }
}

#[test]
fn bad_kernels_and_layouts_are_errors() {
    let k = ArrayD::<f64>::ones(IxDyn(&[3, 4]));
    let out = run_threads(2, |comm| {
        // Kernels for 3 batch rows, but the split batch axis has 5.
        let layout = Layout::new(&[5, 3, 20], 0, comm.size())?;
        let k3 = ArrayD::<f64>::ones(IxDyn(&[3, 1, 4]));
        assert!(ShardedConvPlan::new(comm, &k3, &layout, &ConvSpec::new(Mode::Full)).is_err());
        // A correlation along the split axis.
        let layout = Layout::new(&[3, 20], 1, comm.size())?;
        let spec = ConvSpec::new(Mode::Full).correlation();
        assert!(ShardedConvPlan::new(comm, &k, &layout, &spec).is_err());
        // A signal of another layout than the plan's.
        let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Full))?;
        let other = Layout::new(&[3, 20], 0, comm.size())?;
        let xs = Sharded::from_global(&ArrayD::<f64>::ones(IxDyn(&[3, 20])), other, comm.rank())?;
        assert!(plan.apply(comm, &xs).is_err());
        Ok(())
    });
    for r in out {
        r.unwrap();
    }
}

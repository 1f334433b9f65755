//! Shared by the gradient tests: every transform behind one dispatcher, random data, layouts,
//! real inner products and error bookkeeping.

use std::collections::BTreeMap;
use std::fmt::Debug;

use ndarray::{ArrayD, IxDyn, Slice};
use num_complex::Complex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use shardfft::{Float, Norm, Result, grad};

pub const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

/// A fresh seed each run (or `SHARDFFT_SEED`), printed so a failure can be replayed.
pub fn seed() -> u64 {
    let seed = std::env::var("SHARDFFT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("seed = {seed} (replay with SHARDFFT_SEED={seed})");
    seed
}

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    Fft,
    Ifft,
    Rfft,
    Irfft,
    Hfft,
    Ihfft,
    Fftn,
    Ifftn,
    Fft2,
    Ifft2,
    Rfftn,
    Irfftn,
    Rfft2,
    Irfft2,
}

impl Op {
    pub const ONE_D: [Op; 6] = [Op::Fft, Op::Ifft, Op::Rfft, Op::Irfft, Op::Hfft, Op::Ihfft];
    pub const N_D: [Op; 8] = [
        Op::Fftn,
        Op::Ifftn,
        Op::Fft2,
        Op::Ifft2,
        Op::Rfftn,
        Op::Irfftn,
        Op::Rfft2,
        Op::Irfft2,
    ];
    /// The input is real (rfft, ihfft, rfftn, rfft2).
    pub fn real_input(self) -> bool {
        matches!(self, Op::Rfft | Op::Ihfft | Op::Rfftn | Op::Rfft2)
    }
    /// The input is a Hermitian half spectrum (irfft, hfft, irfftn, irfft2).
    pub fn half_input(self) -> bool {
        matches!(self, Op::Irfft | Op::Hfft | Op::Irfftn | Op::Irfft2)
    }
    /// The 2-D functions, whose `axes` default to the last two.
    pub fn is_2d(self) -> bool {
        matches!(self, Op::Fft2 | Op::Ifft2 | Op::Rfft2 | Op::Irfft2)
    }
}

#[derive(Clone, Debug)]
pub enum Args {
    One {
        n: Option<usize>,
        axis: isize,
    },
    Many {
        s: Option<Vec<usize>>,
        axes: Option<Vec<isize>>,
    },
}

/// One transform call: which, on what input shape, with which arguments.
#[derive(Clone, Debug)]
pub struct Case {
    pub op: Op,
    pub x_shape: Vec<usize>,
    pub args: Args,
    pub norm: Norm,
}

/// A real or complex array.
#[derive(Clone, Debug)]
pub enum Arr<T> {
    R(ArrayD<T>),
    C(ArrayD<Complex<T>>),
}

impl<T: Float> Arr<T> {
    pub fn shape(&self) -> &[usize] {
        match self {
            Arr::R(a) => a.shape(),
            Arr::C(a) => a.shape(),
        }
    }
    pub fn is_real(&self) -> bool {
        matches!(self, Arr::R(_))
    }
    /// The values in logical (row-major) order, widened to f64.
    pub fn values(&self) -> Vec<Complex<f64>> {
        let w = |v: T| v.to_f64().unwrap();
        match self {
            Arr::R(a) => a.iter().map(|&v| Complex::new(w(v), 0.0)).collect(),
            Arr::C(a) => a.iter().map(|z| Complex::new(w(z.re), w(z.im))).collect(),
        }
    }
    /// The real inner product Re⟨self, other⟩ = Re Σ conj(a)·b, in f64.
    pub fn re_dot(&self, other: &Arr<T>) -> f64 {
        assert_eq!(self.shape(), other.shape(), "re_dot of different shapes");
        let (a, b) = (self.values(), other.values());
        a.iter().zip(&b).map(|(a, b)| a.re * b.re + a.im * b.im).sum()
    }
    pub fn norm(&self) -> f64 {
        self.values().iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt()
    }
    pub fn map_layout(self, layout: Layout) -> Arr<T> {
        match self {
            Arr::R(a) => Arr::R(layout.apply(a)),
            Arr::C(a) => Arr::C(layout.apply(a)),
        }
    }
}

/// Random standard-normal data of `shape`, real or complex.
pub fn random<T: Float>(rng: &mut StdRng, shape: &[usize], real: bool) -> Arr<T>
where
    StandardNormal: Distribution<T>,
{
    let mut draw = || -> T { rng.sample(StandardNormal) };
    if real {
        Arr::R(ArrayD::from_shape_simple_fn(IxDyn(shape), &mut draw))
    } else {
        Arr::C(ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            Complex::new(draw(), draw())
        }))
    }
}

/// How an array is laid out in memory (the values are the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    C,
    Fortran,
    /// Every other element of an array twice as long along axis 0.
    Strided,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::C, Layout::Fortran, Layout::Strided];
    pub fn apply<A: Clone>(self, a: ArrayD<A>) -> ArrayD<A> {
        if a.is_empty() || a.ndim() == 0 {
            return a;
        }
        match self {
            Layout::C => a,
            Layout::Fortran => a.t().as_standard_layout().into_owned().reversed_axes(),
            Layout::Strided => {
                let mut shape = a.shape().to_vec();
                shape[0] *= 2;
                let mut big = ArrayD::from_elem(IxDyn(&shape), a.first().unwrap().clone());
                let step = |d: ndarray::AxisDescription| {
                    if d.axis.index() == 0 {
                        Slice::new(0, None, 2)
                    } else {
                        Slice::from(..)
                    }
                };
                big.slice_each_axis_mut(step).assign(&a);
                big.slice_each_axis_inplace(step);
                big
            }
        }
    }
}

/// The forward transform of `x` (`jvp`: through the `grad::*_jvp` entry points instead).
pub fn forward<T: Float>(c: &Case, x: &Arr<T>, jvp: bool) -> Result<Arr<T>> {
    use Arr::{C, R};
    let norm = c.norm;
    macro_rules! call {
        ($f:ident, $j:ident, $x:expr, $a:expr, $b:expr) => {
            if jvp {
                grad::$j($x, $a, $b, norm)
            } else {
                shardfft::$f($x, $a, $b, norm)
            }
        };
    }
    match (&c.args, x) {
        (&Args::One { n, axis }, C(x)) => match c.op {
            Op::Fft => call!(fft, fft_jvp, x, n, axis).map(C),
            Op::Ifft => call!(ifft, ifft_jvp, x, n, axis).map(C),
            Op::Irfft => call!(irfft, irfft_jvp, x, n, axis).map(R),
            Op::Hfft => call!(hfft, hfft_jvp, x, n, axis).map(R),
            op => panic!("{op:?} with complex 1-D input"),
        },
        (&Args::One { n, axis }, R(x)) => match c.op {
            Op::Rfft => call!(rfft, rfft_jvp, x, n, axis).map(C),
            Op::Ihfft => call!(ihfft, ihfft_jvp, x, n, axis).map(C),
            Op::Fft => call!(fft, fft_jvp, x, n, axis).map(C),
            op => panic!("{op:?} with real 1-D input"),
        },
        (Args::Many { s, axes }, C(x)) => {
            let (s, axes) = (s.as_deref(), axes.as_deref());
            match c.op {
                Op::Fftn => call!(fftn, fftn_jvp, x, s, axes).map(C),
                Op::Ifftn => call!(ifftn, ifftn_jvp, x, s, axes).map(C),
                Op::Fft2 => call!(fft2, fft2_jvp, x, s, axes).map(C),
                Op::Ifft2 => call!(ifft2, ifft2_jvp, x, s, axes).map(C),
                Op::Irfftn => call!(irfftn, irfftn_jvp, x, s, axes).map(R),
                Op::Irfft2 => call!(irfft2, irfft2_jvp, x, s, axes).map(R),
                op => panic!("{op:?} with complex N-D input"),
            }
        }
        (Args::Many { s, axes }, R(x)) => {
            let (s, axes) = (s.as_deref(), axes.as_deref());
            match c.op {
                Op::Rfftn => call!(rfftn, rfftn_jvp, x, s, axes).map(C),
                Op::Rfft2 => call!(rfft2, rfft2_jvp, x, s, axes).map(C),
                Op::Fftn => call!(fftn, fftn_jvp, x, s, axes).map(C),
                op => panic!("{op:?} with real N-D input"),
            }
        }
    }
}

/// The VJP of the case's transform at cotangent `g` (in whatever layout `g` has).
pub fn vjp<T: Float>(c: &Case, g: &Arr<T>) -> Result<Arr<T>> {
    use Arr::{C, R};
    let (xs, norm) = (&c.x_shape[..], c.norm);
    match (&c.args, g) {
        (&Args::One { n, axis }, C(g)) => match c.op {
            Op::Fft => grad::fft_vjp(xs, g, n, axis, norm).map(C),
            Op::Ifft => grad::ifft_vjp(xs, g, n, axis, norm).map(C),
            Op::Rfft => grad::rfft_vjp(xs, g, n, axis, norm).map(R),
            Op::Ihfft => grad::ihfft_vjp(xs, g, n, axis, norm).map(R),
            op => panic!("{op:?} with a complex 1-D cotangent"),
        },
        (&Args::One { n, axis }, R(g)) => match c.op {
            Op::Irfft => grad::irfft_vjp(xs, g, n, axis, norm).map(C),
            Op::Hfft => grad::hfft_vjp(xs, g, n, axis, norm).map(C),
            op => panic!("{op:?} with a real 1-D cotangent"),
        },
        (Args::Many { s, axes }, C(g)) => {
            let (s, axes) = (s.as_deref(), axes.as_deref());
            match c.op {
                Op::Fftn => grad::fftn_vjp(xs, g, s, axes, norm).map(C),
                Op::Ifftn => grad::ifftn_vjp(xs, g, s, axes, norm).map(C),
                Op::Fft2 => grad::fft2_vjp(xs, g, s, axes, norm).map(C),
                Op::Ifft2 => grad::ifft2_vjp(xs, g, s, axes, norm).map(C),
                Op::Rfftn => grad::rfftn_vjp(xs, g, s, axes, norm).map(R),
                Op::Rfft2 => grad::rfft2_vjp(xs, g, s, axes, norm).map(R),
                op => panic!("{op:?} with a complex N-D cotangent"),
            }
        }
        (Args::Many { s, axes }, R(g)) => {
            let (s, axes) = (s.as_deref(), axes.as_deref());
            match c.op {
                Op::Irfftn => grad::irfftn_vjp(xs, g, s, axes, norm).map(C),
                Op::Irfft2 => grad::irfft2_vjp(xs, g, s, axes, norm).map(C),
                op => panic!("{op:?} with a real N-D cotangent"),
            }
        }
    }
}

/// Transform lengths worth testing around `m`: small, odd, even, primes, powers of two.
pub const LENGTHS: &[usize] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 25, 31, 32, 49, 64, 97, 100, 127, 128, 243, 256, 1000, 1024,
];

/// `n` values for a 1-D case whose input has `m` elements along the axis: the default, and
/// padding and truncation around it (for a half-spectrum input, around the real lengths).
pub fn n_choices(op: Op, m: usize) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = if op.half_input() {
        let mut v = vec![Some(2 * m - 1), Some(m), Some(2 * m + 5), Some(1), Some(2), Some(3)];
        if m >= 2 {
            v.extend([None, Some(2 * m - 3)]);
        }
        v
    } else {
        vec![None, Some(m + 1), Some(2 * m + 3), Some(m.div_ceil(2)), Some(1)]
    };
    if !op.half_input() && m > 1 {
        out.push(Some(m - 1));
    }
    out.sort();
    out.dedup();
    out
}

/// Shapes embedding an axis of length `m` and the axis (as given to the call) that it is.
pub fn embeddings(m: usize) -> Vec<(Vec<usize>, isize)> {
    let mut out = vec![(vec![m], 0), (vec![m], -1)];
    if m <= 256 {
        out.extend([(vec![3, m], -1), (vec![m, 3], 0)]);
    }
    if m <= 64 {
        out.push((vec![2, m, 5], 1));
    }
    if m <= 17 {
        out.push((vec![2, m, 70], -2)); // wider than one strided tile
    }
    out
}

/// A random N-D case: 1 to 3 (4 for small) dimensions of 1 to 9, random axes and `s`.
pub fn random_nd_case(rng: &mut StdRng, op: Op, norm: Norm) -> Case {
    let ndim = rng.random_range(if op.is_2d() { 2 } else { 1 }..=4);
    let x_shape: Vec<usize> = (0..ndim)
        .map(|_| rng.random_range(1..=if ndim == 4 { 4 } else { 9 }))
        .collect();
    let axes: Option<Vec<isize>> = if rng.random_bool(0.25) {
        None
    } else {
        let mut all: Vec<usize> = (0..ndim).collect();
        // Random order, random count (at least one).
        for i in (1..all.len()).rev() {
            all.swap(i, rng.random_range(0..=i));
        }
        let count = if op.is_2d() { 2 } else { rng.random_range(1..=ndim) };
        let neg = |a: usize| {
            if rng.random_bool(0.5) {
                a as isize - ndim as isize
            } else {
                a as isize
            }
        };
        let picked: Vec<usize> = all[..count].to_vec();
        Some(picked.into_iter().map(neg).collect())
    };
    let s_given = rng.random_bool(0.5);
    let count = match (&axes, op.is_2d()) {
        (Some(a), _) => a.len(),
        (None, true) => 2,
        (None, false) if s_given => rng.random_range(1..=ndim),
        (None, false) => ndim,
    };
    let s = s_given.then(|| (0..count).map(|_| rng.random_range(1..=10)).collect());
    Case {
        op,
        x_shape,
        args: Args::Many { s, axes },
        norm,
    }
}

/// Worst errors seen, by label.
#[derive(Default)]
pub struct Worst(BTreeMap<String, (f64, String)>);

impl Worst {
    pub fn record(&mut self, label: impl Into<String>, err: f64, what: impl FnOnce() -> String) {
        let entry = self.0.entry(label.into()).or_insert((0.0, String::new()));
        if err > entry.0 || entry.1.is_empty() {
            *entry = (err.max(entry.0), what());
        }
    }
    pub fn report(&self, title: &str) {
        let mut text = format!("{title}:\n");
        for (label, (err, what)) in &self.0 {
            text += &format!("  {label:<14} worst {err:.2e}  ({what})\n");
        }
        eprint!("{text}");
    }
}

//! Helpers of the convolution tests: seeded random data, conversions to complex f64, and the
//! O(N·K) reference convolution with broadcasting, in f64.

use ndarray::{ArrayD, IxDyn};
use shardfft::Complex;
use shardfft::conv::{ConvScalar, Mode};

/// Complex f64, the reference precision.
pub use common::C64;

/// The four modes.
pub const MODES: [Mode; 4] = [Mode::Full, Mode::Same, Mode::Valid, Mode::Causal];

use crate::common;

/// The shared seeded generator of the integration tests.
pub use common::TestRng as Rng64;

/// Random arrays of any element type the convolution tests use.
pub trait RandomArray {
    /// A random array of `A` (complex types get random imaginary parts).
    fn array<A: TestElem>(&mut self, shape: &[usize]) -> ArrayD<A>;
}

impl RandomArray for Rng64 {
    fn array<A: TestElem>(&mut self, shape: &[usize]) -> ArrayD<A> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            let re = self.normal();
            let im = if A::IS_REAL { 0.0 } else { self.normal() };
            A::from_c64(C64::new(re, im))
        })
    }
}

/// Element types of the tests, convertible to and from complex f64.
pub trait TestElem: ConvScalar {
    /// Machine epsilon of the precision.
    const EPS: f64;
    /// The value as complex f64.
    fn c64(self) -> C64;
    /// A complex f64 rounded to this type (real types drop the imaginary part).
    fn from_c64(z: C64) -> Self;
}

impl TestElem for f32 {
    const EPS: f64 = f32::EPSILON as f64;
    fn c64(self) -> C64 {
        C64::new(self as f64, 0.0)
    }
    fn from_c64(z: C64) -> Self {
        z.re as f32
    }
}
impl TestElem for f64 {
    const EPS: f64 = f64::EPSILON;
    fn c64(self) -> C64 {
        C64::new(self, 0.0)
    }
    fn from_c64(z: C64) -> Self {
        z.re
    }
}
impl TestElem for Complex<f32> {
    const EPS: f64 = f32::EPSILON as f64;
    fn c64(self) -> C64 {
        C64::new(self.re as f64, self.im as f64)
    }
    fn from_c64(z: C64) -> Self {
        Complex::new(z.re as f32, z.im as f32)
    }
}
impl TestElem for Complex<f64> {
    const EPS: f64 = f64::EPSILON;
    fn c64(self) -> C64 {
        self
    }
    fn from_c64(z: C64) -> Self {
        z
    }
}

/// Any test array as complex f64.
pub fn to_c64<A: TestElem>(a: &ArrayD<A>) -> ArrayD<C64> {
    a.mapv(TestElem::c64)
}

/// `(start, len)` of a mode's window of the full convolution (scipy's definitions).
pub fn window(mode: Mode, n: usize, k: usize) -> (usize, usize) {
    match mode {
        Mode::Full => (0, n + k - 1),
        Mode::Same => ((k - 1) / 2, n),
        Mode::Valid => (n.min(k) - 1, n.max(k) - n.min(k) + 1),
        Mode::Causal => (0, n),
    }
}

/// The kernel shape expanded to the signal's rank by the module's rule.
pub fn expand(kshape: &[usize], ndim: usize, axes: &[usize]) -> Vec<usize> {
    if kshape.len() == 1 && axes.len() == 1 {
        let mut s = vec![1; ndim];
        s[axes[0]] = kshape[0];
        return s;
    }
    let mut s = vec![1; ndim - kshape.len()];
    s.extend_from_slice(kshape);
    s
}

/// The convolution (or correlation) by its definition, with broadcasting, in complex f64.
/// `axes` are normalized (non-negative); `k` has its given shape.
pub fn naive(x: &ArrayD<C64>, k: &ArrayD<C64>, axes: &[usize], mode: Mode, correlate: bool) -> ArrayD<C64> {
    let ndim = x.ndim();
    let kshape = expand(k.shape(), ndim, axes);
    let k = k.clone().into_shape_with_order(IxDyn(&kshape)).unwrap();
    let mut out_shape = vec![0; ndim];
    let mut win = vec![(0, 0); ndim];
    for d in 0..ndim {
        if axes.contains(&d) {
            win[d] = window(mode, x.shape()[d], kshape[d]);
            out_shape[d] = win[d].1;
        } else {
            let (a, b) = (x.shape()[d], kshape[d]);
            assert!(a == b || a == 1 || b == 1, "test shapes must broadcast");
            out_shape[d] = a.max(b);
        }
    }
    let mut out = ArrayD::<C64>::zeros(IxDyn(&out_shape));
    let kconv: Vec<usize> = axes.iter().map(|&a| kshape[a]).collect();
    for (idx, o) in out.indexed_iter_mut() {
        let mut acc = C64::new(0.0, 0.0);
        'tap: for s in ndarray::indices(kconv.as_slice()) {
            let mut xi = vec![0usize; ndim];
            let mut ki = vec![0usize; ndim];
            for d in 0..ndim {
                match axes.iter().position(|&a| a == d) {
                    Some(p) => {
                        let sd = s[p];
                        let f = (win[d].0 + idx[d]) as isize - sd as isize;
                        if f < 0 || f >= x.shape()[d] as isize {
                            continue 'tap;
                        }
                        xi[d] = f as usize;
                        ki[d] = if correlate { kshape[d] - 1 - sd } else { sd };
                    }
                    None => {
                        xi[d] = if x.shape()[d] == 1 { 0 } else { idx[d] };
                        ki[d] = if kshape[d] == 1 { 0 } else { idx[d] };
                    }
                }
            }
            let kv = k[IxDyn(&ki)];
            acc += x[IxDyn(&xi)] * if correlate { kv.conj() } else { kv };
        }
        *o = acc;
    }
    out
}

/// ‖a − b‖₂ / ‖b‖₂ (or ‖a − b‖₂ when b is zero).
pub fn rel_err(a: &ArrayD<C64>, b: &ArrayD<C64>) -> f64 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    let num: f64 = a.iter().zip(b).map(|(x, y)| (x - y).norm_sqr()).sum::<f64>().sqrt();
    let den: f64 = b.iter().map(|y| y.norm_sqr()).sum::<f64>().sqrt();
    if den > 0.0 { num / den } else { num }
}

/// The normwise error of a bilinear map: ‖y − want‖₂ / (‖x‖₂·‖k‖₂). Each output sample of a
/// convolution is bounded by the norms of its lane's signal and kernel, and the FFT's rounding
/// error by a small multiple of ε·log₂(L) of the same, at any mode and batch shape.
pub fn bilinear_err(y: &ArrayD<C64>, want: &ArrayD<C64>, x: &ArrayD<C64>, k: &ArrayD<C64>) -> f64 {
    assert_eq!(y.shape(), want.shape(), "shapes differ");
    let norm = |a: &ArrayD<C64>| a.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
    let num: f64 = y.iter().zip(want).map(|(a, b)| (a - b).norm_sqr()).sum::<f64>().sqrt();
    let den = norm(x) * norm(k);
    if den > 0.0 { num / den } else { num }
}

//! Shared helpers of the integration tests: seeded random data, an exact naive DFT in float64,
//! relative L2 errors and the accuracy bound.

use std::collections::BTreeMap;
use std::fmt::Debug;

use ndarray::{ArrayBase, ArrayD, Axis, Data, Dimension, IxDyn, ShapeBuilder, Slice};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use shardfft::{Complex, Float, Norm};

/// Complex float64, the precision of every reference.
pub type C64 = Complex<f64>;

/// The three normalization modes.
pub const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

// ---------------------------------------------------------------------------------------------
// Random data
// ---------------------------------------------------------------------------------------------

/// A random generator seeded from entropy (or from `SHARDFFT_TEST_SEED`), remembering its seed so
/// that every assertion message can name it.
pub struct TestRng {
    /// The generator.
    pub rng: StdRng,
    /// The seed it started from.
    pub seed: u64,
}

impl TestRng {
    /// A fresh generator for the test `name`; the seed is printed (shown by the harness when the
    /// test fails) and can be replayed with `SHARDFFT_TEST_SEED=<seed>`.
    pub fn new(name: &str) -> Self {
        let seed = std::env::var("SHARDFFT_TEST_SEED")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(rand::random::<u64>);
        eprintln!("[{name}] seed = {seed} (replay with SHARDFFT_TEST_SEED={seed})");
        TestRng {
            rng: StdRng::seed_from_u64(seed),
            seed,
        }
    }

    /// A standard normal value.
    pub fn normal(&mut self) -> f64 {
        self.rng.sample(StandardNormal)
    }

    /// A uniform integer in `lo..hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.random_range(lo..hi)
    }

    /// A complex value with independent standard normal parts.
    pub fn cnormal(&mut self) -> C64 {
        C64::new(self.normal(), self.normal())
    }

    /// A real array of standard normal values.
    pub fn real<T: Float>(&mut self, shape: &[usize]) -> ArrayD<T> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || from_f64(self.normal()))
    }

    /// A complex array of standard normal values.
    pub fn complex<T: Float>(&mut self, shape: &[usize]) -> ArrayD<Complex<T>> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            Complex::new(from_f64(self.normal()), from_f64(self.normal()))
        })
    }
}

/// `x` rounded to `T`.
pub fn from_f64<T: Float>(x: f64) -> T {
    T::from_f64(x).expect("f64 converts to every Float")
}

/// Machine epsilon of `T` as f64.
pub fn eps<T: Float>() -> f64 {
    T::epsilon().to_f64().expect("epsilon is finite")
}

// ---------------------------------------------------------------------------------------------
// Conversion of any element to C64
// ---------------------------------------------------------------------------------------------

/// Elements that can be compared in float64: real or complex f32/f64.
pub trait ToC64: Copy + Debug {
    /// The value as complex float64 (exactly).
    fn c64(self) -> C64;
}

impl ToC64 for f32 {
    fn c64(self) -> C64 {
        C64::new(self as f64, 0.0)
    }
}
impl ToC64 for f64 {
    fn c64(self) -> C64 {
        C64::new(self, 0.0)
    }
}
impl ToC64 for Complex<f32> {
    fn c64(self) -> C64 {
        C64::new(self.re as f64, self.im as f64)
    }
}
impl ToC64 for Complex<f64> {
    fn c64(self) -> C64 {
        self
    }
}

/// Any array as a dynamic-rank C-order complex float64 array.
pub fn to_c64<A: ToC64, S: Data<Elem = A>, D: Dimension>(a: &ArrayBase<S, D>) -> ArrayD<C64> {
    a.mapv(ToC64::c64).into_dyn()
}

// ---------------------------------------------------------------------------------------------
// Exact twiddles and the naive DFT
// ---------------------------------------------------------------------------------------------

/// Error-free sum: `s + c` tracks a running total to about twice the working precision.
#[derive(Clone, Copy, Default)]
struct Compensated {
    s: f64,
    c: f64,
}

impl Compensated {
    #[inline(always)]
    fn add(&mut self, v: f64) {
        // Knuth's TwoSum: t + e == s + v exactly.
        let t = self.s + v;
        let bp = t - self.s;
        let e = (self.s - (t - bp)) + (v - bp);
        self.s = t;
        self.c += e;
    }

    fn value(self) -> f64 {
        self.s + self.c
    }
}

/// e^{sign·2πi·m/n} to within about half an ulp: the angle is reduced to the first octant with
/// integer arithmetic (reflections are exact), so cos/sin only ever see arguments in [0, π/4].
pub fn twiddle(m: u128, n: u128, sign: f64) -> C64 {
    assert!(n > 0);
    // Angle 2π·mm/nn with nn = 8n so that every reflection point is an integer.
    let nn = 8 * n;
    let mut mm = 8 * (m % n);
    let (mut neg_sin, mut neg_cos, mut swap) = (false, false, false);
    if mm > nn / 2 {
        mm = nn - mm; // θ → 2π − θ
        neg_sin = true;
    }
    if mm > nn / 4 {
        mm = nn / 2 - mm; // θ → π − θ
        neg_cos = true;
    }
    if mm > nn / 8 {
        mm = nn / 4 - mm; // θ → π/2 − θ
        swap = true;
    }
    let theta = 2.0 * std::f64::consts::PI * (mm as f64) / (nn as f64);
    let (mut s, mut c) = theta.sin_cos();
    if swap {
        std::mem::swap(&mut s, &mut c);
    }
    if neg_cos {
        c = -c;
    }
    if neg_sin {
        s = -s;
    }
    C64::new(c, sign * s)
}

/// The `n` twiddles e^{∓2πi·m/n}, m = 0..n (minus sign for the forward transform).
pub fn twiddles(n: usize, inverse: bool) -> Vec<C64> {
    let sign = if inverse { 1.0 } else { -1.0 };
    (0..n).map(|m| twiddle(m as u128, n as u128, sign)).collect()
}

/// The unnormalized DFT of `x` (forward: e^{-2πi jk/n}; inverse: e^{+2πi jk/n}), by definition.
///
/// Twiddle indices j·k are reduced mod n in integers, twiddles are exact to half an ulp, and the
/// sums are compensated, so the result is accurate to about one ulp of its norm at any length.
pub fn dft(x: &[C64], inverse: bool) -> Vec<C64> {
    let n = x.len();
    let w = twiddles(n, inverse);
    (0..n)
        .map(|k| {
            let (mut re, mut im) = (Compensated::default(), Compensated::default());
            let mut idx = 0usize; // j·k mod n
            for &xj in x {
                let t = w[idx];
                re.add(xj.re * t.re);
                re.add(-(xj.im * t.im));
                im.add(xj.re * t.im);
                im.add(xj.im * t.re);
                idx += k;
                if idx >= n {
                    idx -= n;
                }
            }
            C64::new(re.value(), im.value())
        })
        .collect()
}

/// The float64 reference: the definition up to 4096, float64 rustfft beyond.
pub fn reference(x: &[C64], inverse: bool) -> Vec<C64> {
    if x.len() <= 4096 {
        return dft(x, inverse);
    }
    let dir = if inverse {
        rustfft::FftDirection::Inverse
    } else {
        rustfft::FftDirection::Forward
    };
    let mut y = x.to_vec();
    rustfft::FftPlanner::<f64>::new().plan_fft(x.len(), dir).process(&mut y);
    y
}

/// `a` zero-padded or truncated to length `len` along `axis`.
pub fn resize_axis(a: &ArrayD<C64>, axis: usize, len: usize) -> ArrayD<C64> {
    let mut shape = a.shape().to_vec();
    let keep = shape[axis].min(len);
    shape[axis] = len;
    let mut out = ArrayD::<C64>::zeros(IxDyn(&shape));
    out.slice_axis_mut(Axis(axis), Slice::from(..keep))
        .assign(&a.slice_axis(Axis(axis), Slice::from(..keep)));
    out
}

/// The naive DFT along one axis (after zero-padding or truncating it to `len`), unnormalized.
pub fn dft_axis(a: &ArrayD<C64>, axis: usize, len: usize, inverse: bool) -> ArrayD<C64> {
    let mut out = resize_axis(a, axis, len);
    for mut lane in out.lanes_mut(Axis(axis)) {
        let v = dft(&lane.to_vec(), inverse);
        lane.iter_mut().zip(v).for_each(|(o, v)| *o = v);
    }
    out
}

/// The naive N-D DFT over `axes` with lengths `lens`, unnormalized.
pub fn dft_nd(a: &ArrayD<C64>, axes: &[usize], lens: &[usize], inverse: bool) -> ArrayD<C64> {
    let mut out = a.clone();
    for (&axis, &len) in axes.iter().zip(lens) {
        out = dft_axis(&out, axis, len, inverse);
    }
    out
}

/// The full n-bin Hermitian spectrum that numpy's irfft reads from the half spectrum `h`:
/// bins 0..=n/2 from `h` (zero past its end), imaginary parts of DC and (even n) Nyquist dropped,
/// the rest mirrored as conjugates.
pub fn hermitian_extend(h: &[C64], n: usize) -> Vec<C64> {
    let mut full = vec![C64::new(0.0, 0.0); n];
    for (k, bin) in full.iter_mut().enumerate().take(n / 2 + 1) {
        *bin = h.get(k).copied().unwrap_or_default();
    }
    full[0].im = 0.0;
    if n.is_multiple_of(2) {
        full[n / 2].im = 0.0;
    }
    for k in n / 2 + 1..n {
        full[k] = full[n - k].conj();
    }
    full
}

/// Reference irfft (unnormalized: the plain inverse DFT of the Hermitian extension) of every
/// lane along `axis`, output length `n`.
pub fn c2r_axis_ref(a: &ArrayD<C64>, axis: usize, n: usize) -> ArrayD<C64> {
    let mut shape = a.shape().to_vec();
    shape[axis] = n;
    let mut out = ArrayD::<C64>::zeros(IxDyn(&shape));
    for (lane_in, mut lane_out) in a.lanes(Axis(axis)).into_iter().zip(out.lanes_mut(Axis(axis))) {
        let v = dft(&hermitian_extend(&lane_in.to_vec(), n), true);
        lane_out.iter_mut().zip(v).for_each(|(o, v)| *o = C64::new(v.re, 0.0));
    }
    out
}

/// The first `n/2 + 1` entries along `axis`.
pub fn half_spectrum(a: &ArrayD<C64>, axis: usize) -> ArrayD<C64> {
    let m = a.len_of(Axis(axis)) / 2 + 1;
    a.slice_axis(Axis(axis), Slice::from(..m)).to_owned()
}

/// The factor a transform of logical size `n` applies, computed independently of the library.
pub fn norm_factor(norm: Norm, n: usize, inverse: bool) -> f64 {
    let n = n as f64;
    match (norm, inverse) {
        (Norm::Backward, false) | (Norm::Forward, true) => 1.0,
        (Norm::Ortho, _) => 1.0 / n.sqrt(),
        (Norm::Backward, true) | (Norm::Forward, false) => 1.0 / n,
    }
}

/// `a` times a real factor.
pub fn scaled(a: &ArrayD<C64>, f: f64) -> ArrayD<C64> {
    a.mapv(|z| z * f)
}

// ---------------------------------------------------------------------------------------------
// Errors and bounds
// ---------------------------------------------------------------------------------------------

/// Relative L2 error ‖got − want‖ / ‖want‖, computed in float64; the shapes must be equal.
pub fn rel_l2<A: ToC64, S: Data<Elem = A>, D: Dimension>(got: &ArrayBase<S, D>, want: &ArrayD<C64>) -> f64 {
    assert_eq!(got.shape(), want.shape(), "shape of result vs reference");
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (g, w) in got.iter().zip(want.iter()) {
        num += (g.c64() - w).norm_sqr();
        den += w.norm_sqr();
    }
    if den == 0.0 {
        if num == 0.0 { 0.0 } else { f64::INFINITY }
    } else {
        (num / den).sqrt()
    }
}

/// max(log2 n, 1).
pub fn log2n(n: usize) -> f64 {
    (n as f64).log2().max(1.0)
}

/// The accuracy bound of a transform of total size `n` in precision `T`: 4·eps·max(log2 n, 1).
pub fn bound<T: Float>(n: usize) -> f64 {
    4.0 * eps::<T>() * log2n(n)
}

/// The worst error ratio (error / (eps·log2 n)) seen per (family, precision), for the report.
#[derive(Default)]
pub struct Worst {
    seen: BTreeMap<(String, &'static str), (f64, String)>,
}

impl Worst {
    /// Records one measured relative error `err` of a size-`n` transform in precision `T`.
    pub fn record<T: Float>(&mut self, family: &str, n: usize, err: f64, what: impl FnOnce() -> String) {
        let ratio = err / (eps::<T>() * log2n(n));
        let entry = self
            .seen
            .entry((family.to_string(), T::NAME))
            .or_insert((f64::NEG_INFINITY, String::new()));
        if ratio > entry.0 {
            *entry = (ratio, what());
        }
    }

    /// Prints one line per (family, precision): visible with `--nocapture`.
    pub fn print(&self, test: &str) {
        for ((family, prec), (ratio, what)) in &self.seen {
            println!("ACCURACY [{test}] {family:<14} {prec}: worst err/(eps*log2 n) = {ratio:.3} at {what}");
        }
    }
}

/// Asserts `err <= bound`, naming the case and the seed.
#[track_caller]
pub fn check_err(err: f64, bound: f64, seed: u64, what: impl FnOnce() -> String) {
    assert!(
        err <= bound,
        "{}: relative L2 error {err:.3e} exceeds bound {bound:.3e} (seed {seed}; replay with SHARDFFT_TEST_SEED={seed})",
        what()
    );
}

// ---------------------------------------------------------------------------------------------
// Memory layouts
// ---------------------------------------------------------------------------------------------

/// The same values as `a` in a Fortran-order (column-major) array.
pub fn fortran<A: Clone + Default>(a: &ArrayD<A>) -> ArrayD<A> {
    let mut f = ArrayD::<A>::default(IxDyn(a.shape()).f());
    f.assign(a);
    f
}

/// A backing array twice as long on every axis, whose every-other-element view (step 2) holds
/// `a`: take the view with `stepped_view`.
pub fn stepped_backing<A: Clone + Default>(a: &ArrayD<A>) -> ArrayD<A> {
    let shape: Vec<usize> = a.shape().iter().map(|&d| 2 * d).collect();
    let mut big = ArrayD::<A>::default(IxDyn(&shape));
    big.slice_each_axis_mut(|_| Slice::new(0, None, 2)).assign(a);
    big
}

/// The step-2 view of a `stepped_backing` array.
pub fn stepped_view<A>(big: &ArrayD<A>) -> ndarray::ArrayViewD<'_, A> {
    big.slice_each_axis(|_| Slice::new(0, None, 2))
}

/// A backing array holding `a` reversed along every axis: its view with step −1 on every axis
/// (`reversed_view`) equals `a` and has negative strides.
pub fn reversed_backing<A: Clone>(a: &ArrayD<A>) -> ArrayD<A> {
    a.slice_each_axis(|_| Slice::new(0, None, -1)).to_owned()
}

/// The all-axes-reversed view of `big`.
pub fn reversed_view<A>(big: &ArrayD<A>) -> ndarray::ArrayViewD<'_, A> {
    big.slice_each_axis(|_| Slice::new(0, None, -1))
}

/// The elements of `a` in logical (row-major) order.
pub fn flat<A: Clone, S: Data<Elem = A>, D: Dimension>(a: &ArrayBase<S, D>) -> Vec<A> {
    a.iter().cloned().collect()
}

/// Calls `f` with views equal to `x` in several memory layouts: C order, Fortran order, a step-2
/// slice of a bigger array, negative strides on every axis, the `.t()` of a C-order transpose,
/// and (rank ≥ 3) a permutation of axes that is neither C nor Fortran order.
pub fn for_each_layout<A: Clone + Default>(x: &ArrayD<A>, mut f: impl FnMut(&str, ndarray::ArrayViewD<'_, A>)) {
    f("C order", x.view());
    let fo = fortran(x);
    f("Fortran order", fo.view());
    let st = stepped_backing(x);
    f("step-2 slice", stepped_view(&st));
    let rv = reversed_backing(x);
    f("negative strides", reversed_view(&rv));
    let tb = x.t().as_standard_layout().into_owned();
    f(".t() of transpose", tb.t());
    if x.ndim() >= 3 {
        let nd = x.ndim();
        let perm: Vec<usize> = (1..nd).chain([0]).collect();
        let mut inv = vec![0; nd];
        for (i, &p) in perm.iter().enumerate() {
            inv[p] = i;
        }
        let pb = x.view().permuted_axes(perm).as_standard_layout().into_owned();
        f("permuted axes", pb.view().permuted_axes(inv));
    }
}

/// Runs `f` on a pool of two workers, so work that the library splits over the cores (a lone
/// lane, the tiles of a batch) is split over both whatever this machine's core count.
pub fn on_two_workers<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool of two workers")
        .install(f)
}

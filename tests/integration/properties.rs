//! Property tests over random shapes (rank 1–4, small dimensions including 1), axes (any
//! subset, any order, negative or not), lengths `s`, norms and memory layouts.
//!
//! proptest seeds itself from entropy on every run; each case also carries the seed of its
//! array data, so a failing case printed by proptest replays exactly.

use crate::common;

use common::*;
use ndarray::{ArrayD, ArrayViewD, Axis};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use rand::SeedableRng;
use shardfft::{Complex, Float, Norm, fft, fftn, hfft, ifftn, irfft, irfftn, rfft, rfftn};

/// One random N-D case.
#[derive(Debug, Clone)]
struct NdCase {
    shape: Vec<usize>,
    /// Distinct axes in `0..ndim`, in transform order.
    axes: Vec<usize>,
    /// Write axis `i` as `axis − ndim` when `neg[i]`.
    neg: Vec<bool>,
    /// Lengths for `s` (one per axis), used when a property wants padding or truncation.
    lens: Vec<usize>,
    norm: Norm,
    seed: u64,
}

impl NdCase {
    fn axes_arg(&self) -> Vec<isize> {
        let nd = self.shape.len() as isize;
        self.axes
            .iter()
            .zip(&self.neg)
            .map(|(&a, &neg)| if neg { a as isize - nd } else { a as isize })
            .collect()
    }

    fn natural_lens(&self) -> Vec<usize> {
        self.axes.iter().map(|&a| self.shape[a]).collect()
    }

    /// Fresh data generator for this case.
    fn rng(&self) -> TestRng {
        TestRng {
            rng: rand::rngs::StdRng::seed_from_u64(self.seed),
            seed: self.seed,
        }
    }
}

fn norm_strategy() -> impl Strategy<Value = Norm> {
    prop_oneof![Just(Norm::Backward), Just(Norm::Ortho), Just(Norm::Forward)]
}

fn nd_case() -> impl Strategy<Value = NdCase> {
    prop::collection::vec(1usize..=6, 1..=4).prop_flat_map(|shape| {
        let nd = shape.len();
        let axes = proptest::sample::subsequence((0..nd).collect::<Vec<_>>(), 1..=nd).prop_shuffle();
        (
            Just(shape),
            axes,
            prop::collection::vec(any::<bool>(), nd),
            norm_strategy(),
            any::<u64>(),
        )
            .prop_flat_map(|(shape, axes, neg, norm, seed)| {
                let k = axes.len();
                (
                    prop::collection::vec(1usize..=8, k),
                    Just((shape, axes, neg, norm, seed)),
                )
                    .prop_map(|(lens, (shape, axes, neg, norm, seed))| NdCase {
                        shape,
                        axes,
                        neg,
                        lens,
                        norm,
                        seed,
                    })
            })
    })
}

fn config() -> Config {
    Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    }
}

/// `Err` unless `err ≤ bound`.
fn within(err: f64, bound: f64, what: &str, case: &NdCase) -> Result<(), TestCaseError> {
    if err <= bound {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{what}: relative error {err:.3e} > {bound:.3e} for {case:?}"
        )))
    }
}

fn total(lens: &[usize]) -> usize {
    lens.iter().product()
}

// ---------------------------------------------------------------------------------------------

fn roundtrip_c2c<T>(case: &NdCase) -> Result<(), TestCaseError>
where
    T: Float,
    Complex<T>: ToC64,
{
    let x = case.rng().complex::<T>(&case.shape);
    let axes = case.axes_arg();
    let y = fftn(&x, None, Some(&axes), case.norm).unwrap();
    let back = ifftn(&y, None, Some(&axes), case.norm).unwrap();
    let n = total(&case.natural_lens());
    within(
        rel_l2(&back, &to_c64(&x)),
        2.0 * bound::<T>(n),
        &format!("ifftn(fftn) {}", T::NAME),
        case,
    )
}

fn roundtrip_real<T>(case: &NdCase) -> Result<(), TestCaseError>
where
    T: Float + ToC64,
{
    let x = case.rng().real::<T>(&case.shape);
    let axes = case.axes_arg();
    let lens = case.natural_lens();
    let y = rfftn(&x, None, Some(&axes), case.norm).unwrap();
    let back = irfftn(&y, Some(&lens), Some(&axes), case.norm).unwrap();
    within(
        rel_l2(&back, &to_c64(&x)),
        2.0 * bound::<T>(total(&lens)),
        &format!("irfftn(rfftn) {}", T::NAME),
        case,
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ifftn_inverts_fftn(case in nd_case()) {
        roundtrip_c2c::<f64>(&case)?;
        roundtrip_c2c::<f32>(&case)?;
    }

    #[test]
    fn irfftn_inverts_rfftn(case in nd_case()) {
        roundtrip_real::<f64>(&case)?;
        roundtrip_real::<f32>(&case)?;
    }

    /// Ortho is unitary: ‖fftn(x)‖ = ‖x‖, and for rfft the half spectrum counts every bin
    /// but DC (and Nyquist for even n) twice.
    #[test]
    fn parseval_with_ortho(case in nd_case()) {
        let mut rng = case.rng();
        let x = rng.complex::<f64>(&case.shape);
        let axes = case.axes_arg();
        let n = total(&case.natural_lens());
        let y = fftn(&x, None, Some(&axes), Norm::Ortho).unwrap();
        let (ex, ey) = (energy(&to_c64(&x)), energy(&to_c64(&y)));
        within((ey - ex).abs() / ex, 2.0 * bound::<f64>(n), "Parseval fftn", &case)?;

        let r = rng.real::<f64>(&case.shape);
        let axis = case.axes[0];
        let len = case.shape[axis];
        let h = rfft(&r, None, axes[0], Norm::Ortho).unwrap();
        let weighted: f64 = h
            .axis_iter(Axis(axis))
            .enumerate()
            .map(|(k, lane)| {
                let w = if k == 0 || (len % 2 == 0 && k == len / 2) { 1.0 } else { 2.0 };
                w * lane.iter().map(|z| z.norm_sqr()).sum::<f64>()
            })
            .sum();
        let er = energy(&to_c64(&r));
        within((weighted - er).abs() / er, 2.0 * bound::<f64>(len), "Parseval rfft", &case)?;
    }

    /// fftn over axes with s equals successive 1-D ffts (in any order) and the naive N-D DFT.
    #[test]
    fn fftn_is_successive_ffts(case in nd_case()) {
        let x = case.rng().complex::<f64>(&case.shape);
        let axes = case.axes_arg();
        let got = fftn(&x, Some(&case.lens), Some(&axes), case.norm).unwrap();
        let mut one_by_one = x.clone();
        for (&a, &n) in axes.iter().zip(&case.lens) {
            one_by_one = fft(&one_by_one, Some(n), a, case.norm).unwrap();
        }
        let b = bound::<f64>(total(&case.lens));
        within(rel_l2(&got, &to_c64(&one_by_one)), 2.0 * b, "fftn vs successive fft", &case)?;
        let want = scaled(
            &dft_nd(&to_c64(&x), &case.axes, &case.lens, false),
            norm_factor(case.norm, total(&case.lens), false),
        );
        within(rel_l2(&got, &want), b, "fftn vs naive N-D DFT", &case)?;
    }

    /// rfftn/irfftn with s against the naive reference: the last listed axis is the real one.
    #[test]
    fn rfftn_and_irfftn_with_s(case in nd_case()) {
        let mut rng = case.rng();
        let axes = case.axes_arg();
        let last = *case.axes.last().unwrap();
        let n_last = *case.lens.last().unwrap();
        let n = total(&case.lens);
        let x = rng.real::<f64>(&case.shape);
        let got = rfftn(&x, Some(&case.lens), Some(&axes), case.norm).unwrap();
        let want = half_spectrum(&dft_nd(&to_c64(&x), &case.axes, &case.lens, false), last)
            .mapv(|z| z * norm_factor(case.norm, n, false));
        prop_assert_eq!(got.len_of(Axis(last)), n_last / 2 + 1);
        within(rel_l2(&got, &want), bound::<f64>(n), "rfftn", &case)?;

        let h = rng.complex::<f64>(&case.shape);
        let got = irfftn(&h, Some(&case.lens), Some(&axes), case.norm).unwrap();
        let k = case.axes.len();
        let part = dft_nd(&to_c64(&h), &case.axes[..k - 1], &case.lens[..k - 1], true);
        let want = scaled(&c2r_axis_ref(&part, last, n_last), norm_factor(case.norm, n, true));
        within(rel_l2(&got, &want), bound::<f64>(n), "irfftn", &case)?;
    }

    /// Results do not depend on memory layout: C order, Fortran order, strided and reversed
    /// views, transposes and permutations all give the C-order result.
    #[test]
    fn layout_independence(case in nd_case()) {
        let mut rng = case.rng();
        let x = rng.complex::<f32>(&case.shape);
        let r = rng.real::<f64>(&case.shape);
        let axes = case.axes_arg();
        let lens = case.natural_lens();
        let b = bound::<f32>(total(&lens));
        let c_fft = to_c64(&fftn(&x, Some(&case.lens), Some(&axes), case.norm).unwrap());
        let c_irfft = to_c64(&irfftn(&x, Some(&case.lens), Some(&axes), case.norm).unwrap());
        let c_rfft = to_c64(&rfftn(&r, None, Some(&axes), case.norm).unwrap());
        let c_hfft = to_c64(&hfft(&x, Some(case.lens[0]), axes[0], case.norm).unwrap());
        let mut failure = None;
        for_each_layout(&x, |layout, v: ArrayViewD<'_, Complex<f32>>| {
            let e1 = rel_l2(&fftn(&v, Some(&case.lens), Some(&axes), case.norm).unwrap(), &c_fft);
            let e2 = rel_l2(&irfftn(&v, Some(&case.lens), Some(&axes), case.norm).unwrap(), &c_irfft);
            let e3 = rel_l2(&hfft(&v, Some(case.lens[0]), axes[0], case.norm).unwrap(), &c_hfft);
            if e1.max(e2).max(e3) > b && failure.is_none() {
                failure = Some(format!("{layout}: fftn {e1:e}, irfftn {e2:e}, hfft {e3:e}"));
            }
        });
        for_each_layout(&r, |layout, v: ArrayViewD<'_, f64>| {
            let e = rel_l2(&rfftn(&v, None, Some(&axes), case.norm).unwrap(), &c_rfft);
            if e > bound::<f64>(total(&lens)) && failure.is_none() {
                failure = Some(format!("{layout}: rfftn {e:e}"));
            }
        });
        prop_assert!(failure.is_none(), "{} for {:?}", failure.unwrap_or_default(), case);
    }

    /// 1-D transforms along any axis with any n (padding or truncating) against the reference.
    #[test]
    fn one_d_any_axis_any_n(case in nd_case(), n in 1usize..=12) {
        let mut rng = case.rng();
        let axis = case.axes[0];
        let ax = case.axes_arg()[0];
        let x = rng.complex::<f64>(&case.shape);
        let r = rng.real::<f64>(&case.shape);
        let (x64, r64) = (to_c64(&x), to_c64(&r));
        let b = bound::<f64>(n);
        let (fwd, inv) = (norm_factor(case.norm, n, false), norm_factor(case.norm, n, true));
        let got = fft(&x, Some(n), ax, case.norm).unwrap();
        within(rel_l2(&got, &scaled(&dft_axis(&x64, axis, n, false), fwd)), b, "fft", &case)?;
        let got = rfft(&r, Some(n), ax, case.norm).unwrap();
        let want = half_spectrum(&dft_axis(&r64, axis, n, false), axis).mapv(|z| z * fwd);
        within(rel_l2(&got, &want), b, "rfft", &case)?;
        let got = irfft(&x, Some(n), ax, case.norm).unwrap();
        within(rel_l2(&got, &scaled(&c2r_axis_ref(&x64, axis, n), inv)), b, "irfft", &case)?;
        let got = hfft(&x, Some(n), ax, case.norm).unwrap();
        let want = scaled(&c2r_axis_ref(&x64.mapv(|z| z.conj()), axis, n), fwd);
        within(rel_l2(&got, &want), b, "hfft", &case)?;
    }
}

fn energy(a: &ArrayD<C64>) -> f64 {
    a.iter().map(|z| z.norm_sqr()).sum()
}

/// The property harness must be able to fail: a wrong round trip is caught.
#[test]
fn properties_detect_a_wrong_roundtrip() {
    let case = NdCase {
        shape: vec![3, 4],
        axes: vec![1, 0],
        neg: vec![false, true],
        lens: vec![4, 3],
        norm: Norm::Ortho,
        seed: 1,
    };
    let x = case.rng().complex::<f64>(&case.shape);
    let y = fftn(&x, None, Some(&case.axes_arg()), Norm::Ortho).unwrap();
    let wrong = fftn(&y, None, Some(&case.axes_arg()), Norm::Ortho).unwrap(); // fft twice ≠ identity
    assert!(within(rel_l2(&wrong, &to_c64(&x)), 1e-6, "x", &case).is_err());
}

//! The dot-product (adjoint) identity Re⟨A x, y⟩ = Re⟨x, vjp(y)⟩ for every transform, norm,
//! padding/truncation case, axis choice and memory layout of the cotangent, on fresh random data.
//!
//! The error of a case is |Re⟨A x, y⟩ − Re⟨x, vjp(y)⟩| / max(‖A x‖‖y‖, ‖x‖‖vjp(y)‖): relative to
//! the Cauchy–Schwarz bound of both sides, so cancellation in the sums cannot hide or fake an error.
//! Run with `--nocapture` to see the worst error per transform.

use crate::grad_support;

use grad_support::*;
use ndarray::{Array1, Array2, Array3};
use num_complex::Complex;
use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};
use shardfft::{Error, Float, Norm, grad};

/// The adjoint error of one case with fresh random x and y, or `None` if the forward call is
/// invalid for these arguments.
fn adjoint_error<T: Float>(c: &Case, rng: &mut StdRng, layout: Layout, seed: u64) -> Option<f64>
where
    StandardNormal: Distribution<T>,
{
    let x = random::<T>(rng, &c.x_shape, c.op.real_input());
    let ax = forward(c, &x, false).ok()?;
    let y = random::<T>(rng, ax.shape(), ax.is_real()).map_layout(layout);
    let g = vjp(c, &y).unwrap_or_else(|e| panic!("seed {seed}: vjp failed for {c:?}: {e}"));
    assert_eq!(g.shape(), &c.x_shape[..], "seed {seed}: gradient shape for {c:?}");
    assert_eq!(g.is_real(), x.is_real(), "seed {seed}: gradient element type for {c:?}");
    let (lhs, rhs) = (ax.re_dot(&y), x.re_dot(&g));
    let bound = (ax.norm() * y.norm()).max(x.norm() * g.norm()).max(f64::MIN_POSITIVE);
    Some((lhs - rhs).abs() / bound)
}

fn check<T: Float>(seed: u64, worst: &mut Worst, c: &Case, rng: &mut StdRng, layout: Layout, tol: f64) -> bool
where
    StandardNormal: Distribution<T>,
{
    let Some(err) = adjoint_error::<T>(c, rng, layout, seed) else {
        return false;
    };
    assert!(
        err <= tol,
        "seed {seed}: adjoint error {err:.3e} > {tol:.0e} in {} for {c:?}, cotangent layout {layout:?}",
        T::NAME
    );
    worst.record(format!("{:?}", c.op), err, || format!("{c:?}, {layout:?}"));
    true
}

fn one_d<T: Float>(tol: f64)
where
    StandardNormal: Distribution<T>,
{
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    let mut cases = 0;
    for op in Op::ONE_D {
        for &m in LENGTHS {
            for n in n_choices(op, m) {
                for (x_shape, axis) in embeddings(m) {
                    for norm in NORMS {
                        let layout = Layout::ALL[rng.random_range(0..3)];
                        let args = Args::One { n, axis };
                        let case = Case {
                            op,
                            x_shape: x_shape.clone(),
                            args,
                            norm,
                        };
                        cases += usize::from(check::<T>(seed, &mut worst, &case, &mut rng, layout, tol));
                    }
                }
            }
        }
    }
    assert!(cases > 10_000, "only {cases} valid cases");
    worst.report(&format!("adjoint, 1-D, {} ({cases} cases, seed {seed})", T::NAME));
}

/// Larger N-D cases: several tiles per lane set, strided lanes wider than one tile, padding and
/// truncation on long axes.
fn big_nd_cases() -> Vec<Case> {
    let many = |op, x_shape: &[usize], s: Option<&[usize]>, axes: Option<&[isize]>| Case {
        op,
        x_shape: x_shape.to_vec(),
        args: Args::Many {
            s: s.map(<[usize]>::to_vec),
            axes: axes.map(<[isize]>::to_vec),
        },
        norm: Norm::Backward,
    };
    vec![
        many(Op::Fftn, &[1000, 70], Some(&[1200]), Some(&[0])),
        many(Op::Ifftn, &[1000, 70], Some(&[600, 71]), None),
        many(Op::Fft2, &[3, 64, 65], Some(&[60, 130]), None),
        many(Op::Ifft2, &[40, 3, 33], None, Some(&[2, 0])),
        many(Op::Rfftn, &[40, 60, 33], None, None),
        many(Op::Rfftn, &[40, 60, 33], Some(&[30, 64, 20]), None),
        many(Op::Rfftn, &[40, 60, 33], Some(&[41, 17]), Some(&[2, 0])),
        many(Op::Rfft2, &[257, 130], Some(&[256, 255]), None),
        many(Op::Irfftn, &[128, 65], Some(&[128, 130]), None),
        many(Op::Irfftn, &[128, 65], Some(&[100, 127]), None),
        many(Op::Irfftn, &[65, 128], None, Some(&[1, 0])),
        many(Op::Irfft2, &[2, 90, 46], Some(&[91, 89]), None),
        many(Op::Irfft2, &[2, 90, 46], None, Some(&[-1, -3])),
    ]
}

fn n_d<T: Float>(tol: f64)
where
    StandardNormal: Distribution<T>,
{
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    let mut cases = 0;
    for op in Op::N_D {
        for norm in NORMS {
            for _ in 0..150 {
                let case = random_nd_case(&mut rng, op, norm);
                let layout = Layout::ALL[rng.random_range(0..3)];
                cases += usize::from(check::<T>(seed, &mut worst, &case, &mut rng, layout, tol));
            }
        }
    }
    for mut case in big_nd_cases() {
        for norm in NORMS {
            case.norm = norm;
            let layout = Layout::ALL[rng.random_range(0..3)];
            assert!(
                check::<T>(seed, &mut worst, &case, &mut rng, layout, tol),
                "{case:?} is invalid"
            );
            cases += 1;
        }
    }
    assert!(cases > 3000, "only {cases} valid cases");
    worst.report(&format!("adjoint, N-D, {} ({cases} cases, seed {seed})", T::NAME));
}

#[test]
fn adjoint_1d_f64() {
    one_d::<f64>(1e-12);
}

#[test]
fn adjoint_1d_f32() {
    one_d::<f32>(1e-5);
}

#[test]
fn adjoint_nd_f64() {
    n_d::<f64>(1e-12);
}

#[test]
fn adjoint_nd_f32() {
    n_d::<f32>(1e-5);
}

/// Real input to a complex transform: the real part of the complex VJP is the gradient.
#[test]
fn adjoint_real_input_to_complex_transforms() {
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    for m in [1usize, 2, 5, 8, 13] {
        for n in [None, Some(m + 2), Some(m.div_ceil(2))] {
            for norm in NORMS {
                let case = Case {
                    op: Op::Fft,
                    x_shape: vec![3, m],
                    args: Args::One { n, axis: -1 },
                    norm,
                };
                let x = random::<f64>(&mut rng, &case.x_shape, true);
                let ax = forward(&case, &x, false).unwrap();
                let y = random::<f64>(&mut rng, ax.shape(), false);
                let Arr::C(g) = vjp(&case, &y).unwrap() else { panic!() };
                let g_real = Arr::R(g.mapv(|z| z.re));
                let err = (ax.re_dot(&y) - x.re_dot(&g_real)).abs() / (ax.norm() * y.norm());
                assert!(err < 1e-12, "seed {seed}: {err:.3e} for {case:?}");
                worst.record("fft (real x)", err, || format!("{case:?}"));
                let case = Case {
                    op: Op::Fftn,
                    args: Args::Many {
                        s: n.map(|n| vec![4, n]),
                        axes: None,
                    },
                    ..case
                };
                let ax = forward(&case, &x, false).unwrap();
                let y = random::<f64>(&mut rng, ax.shape(), false);
                let Arr::C(g) = vjp(&case, &y).unwrap() else { panic!() };
                let g_real = Arr::R(g.mapv(|z| z.re));
                let err = (ax.re_dot(&y) - x.re_dot(&g_real)).abs() / (ax.norm() * y.norm());
                assert!(err < 1e-12, "seed {seed}: {err:.3e} for {case:?}");
                worst.record("fftn (real x)", err, || format!("{case:?}"));
            }
        }
    }
    worst.report(&format!("adjoint, real input to complex transforms, f64 (seed {seed})"));
}

/// The DC and Nyquist bins: irfft ignores their imaginary parts, so their gradients are real.
#[test]
fn irfft_dc_and_nyquist_gradients_are_real() {
    let seed = seed();
    let mut rng = rng(seed);
    for n in 1..40 {
        for norm in NORMS {
            let g = Array1::from_shape_fn(n, |_| rng.sample::<f64, _>(StandardNormal));
            let m = n / 2 + 1;
            let dz = grad::irfft_vjp(&[m], &g, Some(n), 0, norm).unwrap();
            assert_eq!(dz[0].im, 0.0, "seed {seed}: DC, n = {n}");
            if n % 2 == 0 {
                assert_eq!(dz[m - 1].im, 0.0, "seed {seed}: Nyquist, n = {n}");
            }
            let dz = grad::hfft_vjp(&[m + 3], &g, Some(n), 0, norm).unwrap();
            assert_eq!(dz[0].im, 0.0, "seed {seed}: hfft DC, n = {n}");
            if n % 2 == 0 {
                assert_eq!(dz[m - 1].im, 0.0, "seed {seed}: hfft Nyquist, n = {n}");
            }
            // Bins past n/2 are cut off by the forward: zero gradient.
            assert!(
                dz.iter().skip(m).all(|z| *z == Complex::default()),
                "seed {seed}: n = {n}"
            );
        }
    }
}

fn expect_shape_mismatch<A: std::fmt::Debug>(r: shardfft::Result<A>, expected: &[usize], got: &[usize]) {
    match r {
        Err(Error::ShapeMismatch {
            what,
            expected: e,
            got: g,
        }) => {
            assert_eq!((&e[..], &g[..]), (expected, got), "{what}");
            assert!(what.starts_with("cotangent of"), "{what}");
            let text = Error::ShapeMismatch {
                what,
                expected: e,
                got: g,
            }
            .to_string();
            assert!(text.contains(&format!("{expected:?}")), "{text}");
        }
        other => panic!("expected a shape mismatch, got {other:?}"),
    }
}

#[test]
fn bad_cotangent_shapes_are_typed_errors() {
    let c = |shape: (usize, usize)| Array2::<Complex<f64>>::zeros(shape);
    let r = |shape: (usize, usize)| Array2::<f64>::zeros(shape);
    let c1 = Array1::<Complex<f64>>::zeros(4);
    expect_shape_mismatch(grad::fft_vjp(&[4], &c1, Some(6), 0, Norm::Backward), &[6], &[4]);
    expect_shape_mismatch(
        grad::ifft_vjp(&[2, 4], &c((2, 5)), None, 1, Norm::Ortho),
        &[2, 4],
        &[2, 5],
    );
    expect_shape_mismatch(
        grad::rfft_vjp(&[2, 7], &c((2, 7)), None, -1, Norm::Backward),
        &[2, 4],
        &[2, 7],
    );
    expect_shape_mismatch(
        grad::ihfft_vjp(&[7, 2], &c((7, 2)), None, 0, Norm::Backward),
        &[4, 2],
        &[7, 2],
    );
    expect_shape_mismatch(
        grad::irfft_vjp(&[2, 5], &r((2, 5)), None, -1, Norm::Backward),
        &[2, 8],
        &[2, 5],
    );
    expect_shape_mismatch(
        grad::hfft_vjp(&[2, 5], &r((2, 9)), Some(10), -1, Norm::Backward),
        &[2, 10],
        &[2, 9],
    );
    expect_shape_mismatch(
        grad::fftn_vjp(&[3, 4], &c((3, 4)), Some(&[5]), None, Norm::Backward),
        &[3, 5],
        &[3, 4],
    );
    expect_shape_mismatch(
        grad::ifftn_vjp(&[3, 4], &c((4, 3)), None, None, Norm::Backward),
        &[3, 4],
        &[4, 3],
    );
    expect_shape_mismatch(
        grad::fft2_vjp(&[3, 4], &c((3, 3)), None, None, Norm::Backward),
        &[3, 4],
        &[3, 3],
    );
    expect_shape_mismatch(
        grad::ifft2_vjp(&[3, 4], &c((2, 4)), Some(&[2, 5]), None, Norm::Backward),
        &[2, 5],
        &[2, 4],
    );
    expect_shape_mismatch(
        grad::rfftn_vjp(&[3, 6], &c((3, 6)), None, None, Norm::Backward),
        &[3, 4],
        &[3, 6],
    );
    expect_shape_mismatch(
        grad::rfft2_vjp(&[6, 3], &c((6, 2)), None, Some(&[1, 0]), Norm::Backward),
        &[4, 3],
        &[6, 2],
    );
    expect_shape_mismatch(
        grad::irfftn_vjp(&[3, 5], &r((3, 5)), None, None, Norm::Backward),
        &[3, 8],
        &[3, 5],
    );
    expect_shape_mismatch(
        grad::irfft2_vjp(&[3, 5], &r((4, 7)), Some(&[4, 6]), None, Norm::Backward),
        &[4, 6],
        &[4, 7],
    );
    // A cotangent of the wrong rank.
    let c3 = Array3::<Complex<f64>>::zeros((2, 3, 4));
    expect_shape_mismatch(
        grad::fft2_vjp(&[3, 4], &c3, None, None, Norm::Backward),
        &[3, 4],
        &[2, 3, 4],
    );
    expect_shape_mismatch(
        grad::fft_vjp(&[2, 3, 4, 1], &c3, None, 2, Norm::Backward),
        &[2, 3, 4, 1],
        &[2, 3, 4],
    );
}

#[test]
fn bad_arguments_fail_as_in_the_forward() {
    let c1 = Array1::<Complex<f64>>::zeros(4);
    let r1 = Array1::<f64>::zeros(4);
    let c2 = Array2::<Complex<f64>>::zeros((3, 4));
    let is = |r: shardfft::Result<_>, f: fn(&Error) -> bool| {
        let r: shardfft::Result<ndarray::ArrayD<Complex<f64>>> = r.map(|a: ndarray::Array1<Complex<f64>>| a.into_dyn());
        assert!(r.as_ref().is_err_and(f), "{r:?}");
    };
    is(grad::fft_vjp(&[4], &c1, Some(0), 0, Norm::Backward), |e| {
        matches!(e, Error::InvalidLength { .. })
    });
    is(grad::fft_vjp(&[4], &c1, None, 1, Norm::Backward), |e| {
        matches!(e, Error::AxisOutOfRange { .. })
    });
    is(grad::irfft_vjp(&[1], &r1, None, 0, Norm::Backward), |e| {
        matches!(e, Error::InvalidLength { .. })
    });
    // The forward rejects the same call.
    assert!(shardfft::irfft(&Array1::<Complex<f64>>::zeros(1), None, 0, Norm::Backward).is_err());
    let repeated = grad::fftn_vjp(&[3, 4], &c2, None, Some(&[1, -1]), Norm::Backward);
    assert!(matches!(repeated, Err(Error::RepeatedAxis { .. })), "{repeated:?}");
    let mismatch = grad::fftn_vjp(&[3, 4], &c2, Some(&[3]), Some(&[0, 1]), Norm::Backward);
    assert!(matches!(mismatch, Err(Error::ShapeAxesMismatch { .. })), "{mismatch:?}");
    let no_axes = grad::rfftn_vjp(&[3, 4], &c2, None, Some(&[]), Norm::Backward);
    assert!(matches!(no_axes, Err(Error::InvalidArgument(_))), "{no_axes:?}");
    assert!(shardfft::rfftn(&Array2::<f64>::zeros((3, 4)), None, Some(&[]), Norm::Backward).is_err());
    // fftn over no axes is the identity, and so is its VJP.
    let g = Array2::from_shape_fn((3, 4), |(i, j)| Complex::new(i as f64, j as f64));
    assert_eq!(grad::fftn_vjp(&[3, 4], &g, None, Some(&[]), Norm::Backward).unwrap(), g);
}

#[test]
fn zero_sized_inputs() {
    let norm = Norm::Backward;
    // A zero-length axis that is not transformed.
    let g = Array2::<Complex<f64>>::zeros((0, 4));
    assert_eq!(grad::fft_vjp(&[0, 4], &g, None, 1, norm).unwrap().shape(), &[0, 4]);
    // A zero-length transformed axis padded to n by the forward: the gradient is empty.
    let x = Array2::<Complex<f64>>::zeros((3, 0));
    if shardfft::fft(&x, Some(5), 1, norm).is_ok() {
        let g = Array2::<Complex<f64>>::ones((3, 5));
        assert_eq!(grad::fft_vjp(&[3, 0], &g, Some(5), 1, norm).unwrap().shape(), &[3, 0]);
        let g = Array2::<Complex<f64>>::ones((3, 3));
        assert_eq!(grad::rfft_vjp(&[3, 0], &g, Some(4), 1, norm).unwrap().shape(), &[3, 0]);
        let g = Array2::<f64>::ones((3, 4));
        assert_eq!(grad::irfft_vjp(&[3, 0], &g, Some(4), 1, norm).unwrap().shape(), &[3, 0]);
    }
}

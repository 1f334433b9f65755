//! Convolution and correlation against the O(N·K) definition in f64: every mode and method,
//! real and complex, odd/even/prime lengths, K > N and K = 1, batching and broadcasting, N-D.

use crate::conv_util;

use std::collections::BTreeMap;

use conv_util::{C64, MODES, RandomArray, Rng64, TestElem, bilinear_err, naive, rel_err, to_c64};
use ndarray::{Array1, Array2, Array3, ArrayD, Axis, IxDyn, s};
use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode, fftconvolve, fftconvolve_nd, fftcorrelate};
use shardfft::{Complex, Error};

/// The methods, each forced, plus overlap-add with small blocks (many blocks per lane).
const METHODS: [(Method, Option<usize>); 5] = [
    (Method::Auto, None),
    (Method::Direct, None),
    (Method::Fft, None),
    (Method::OverlapAdd, None),
    (Method::OverlapAdd, Some(3)),
];

/// Normalized axes.
fn norm_axes(axes: &[isize], ndim: usize) -> Vec<usize> {
    let mut v: Vec<usize> = axes
        .iter()
        .map(|&a| {
            if a < 0 {
                (a + ndim as isize) as usize
            } else {
                a as usize
            }
        })
        .collect();
    v.sort_unstable();
    v
}

/// One case: random x and k, the plan's output against the definition. Returns the normwise
/// error ‖y − y_ref‖₂ / (‖x‖₂·‖k‖₂).
#[allow(clippy::too_many_arguments)]
fn check<A: TestElem>(
    rng: &mut Rng64,
    x_shape: &[usize],
    k_shape: &[usize],
    axes: &[isize],
    mode: Mode,
    (method, block): (Method, Option<usize>),
    correlate: bool,
) -> f64 {
    let x: ArrayD<A> = rng.array(x_shape);
    let k: ArrayD<A> = rng.array(k_shape);
    let mut spec = ConvSpec::new(mode).axes(axes).method(method);
    if correlate {
        spec = spec.correlation();
    }
    if let Some(b) = block {
        spec = spec.block(b);
    }
    let ctx = format!(
        "seed {} x {x_shape:?} k {k_shape:?} axes {axes:?} {mode} {method} block {block:?} corr {correlate} {}",
        rng.seed,
        std::any::type_name::<A>()
    );
    let plan = ConvPlan::new(&k, x.shape(), &spec).unwrap_or_else(|e| panic!("{ctx}: plan: {e}"));
    let y = plan.apply(&x).unwrap_or_else(|e| panic!("{ctx}: apply: {e}"));
    let want = naive(
        &to_c64(&x),
        &to_c64(&k),
        &norm_axes(axes, x_shape.len()),
        mode,
        correlate,
    );
    assert_eq!(y.shape(), want.shape(), "{ctx}: shape");
    let err = bilinear_err(&to_c64(&y), &want, &to_c64(&x), &to_c64(&k));
    let size: usize = x_shape.iter().chain(k_shape).product();
    let tol = 16.0 * A::EPS * ((size as f64).log2() + 2.0);
    assert!(
        err <= tol,
        "{ctx}: error {err:e} > {tol:e} (method run: {})",
        plan.method()
    );
    err
}

/// Keeps the worst error per label and prints them (shown with --nocapture).
#[derive(Default)]
struct Worst(BTreeMap<String, f64>);

impl Worst {
    fn add(&mut self, label: impl Into<String>, err: f64) {
        let e = self.0.entry(label.into()).or_insert(0.0);
        *e = e.max(err);
    }
    fn print(&self, test: &str) {
        for (k, v) in &self.0 {
            eprintln!("[{test}] worst error ‖Δy‖/(‖x‖‖k‖) {k}: {v:.2e}");
        }
    }
}

#[test]
fn one_axis_every_mode_method_and_length_f64() {
    let mut rng = Rng64::new("one_axis_every_mode_method_and_length_f64");
    let mut worst = Worst::default();
    let ns = [1usize, 2, 3, 7, 8, 13, 16, 31, 64, 97, 100];
    let ks = [1usize, 2, 3, 5, 8, 13, 64, 150];
    for &n in &ns {
        for &k in &ks {
            for mode in MODES {
                for m in METHODS {
                    for corr in [false, true] {
                        let e = check::<f64>(&mut rng, &[n], &[k], &[-1], mode, m, corr);
                        worst.add(format!("f64 real {}", m.0), e);
                        let e = check::<Complex<f64>>(&mut rng, &[n], &[k], &[0], mode, m, corr);
                        worst.add(format!("f64 complex {}", m.0), e);
                    }
                }
            }
        }
    }
    worst.print("one_axis f64");
}

#[test]
fn one_axis_f32() {
    let mut rng = Rng64::new("one_axis_f32");
    let mut worst = Worst::default();
    for &(n, k) in &[
        (1usize, 1usize),
        (10, 3),
        (17, 17),
        (64, 5),
        (5, 64),
        (257, 31),
        (1000, 40),
    ] {
        for mode in MODES {
            for m in METHODS {
                let e = check::<f32>(&mut rng, &[2, n], &[k], &[-1], mode, m, false);
                worst.add(format!("f32 real {}", m.0), e);
                let e = check::<Complex<f32>>(&mut rng, &[n, 2], &[k], &[0], mode, m, true);
                worst.add(format!("f32 complex {}", m.0), e);
            }
        }
    }
    worst.print("one_axis f32");
}

#[test]
fn long_signals_choose_each_method() {
    // Long enough for the cost model to pick each method on its own; checked on a slice of
    // lanes against the definition.
    let mut rng = Rng64::new("long_signals_choose_each_method");
    let cases = [
        (20_000usize, 4usize, Method::Direct),
        (50_000, 300, Method::OverlapAdd),
        (3000, 2000, Method::Fft),
    ];
    for (n, k, want) in cases {
        for mode in MODES {
            let x: ArrayD<f64> = rng.array(&[2, n]);
            let kk: ArrayD<f64> = rng.array(&[k]);
            let plan = ConvPlan::new(&kk, x.shape(), &ConvSpec::new(mode)).unwrap();
            assert_eq!(plan.method(), want, "n {n} k {k} {mode}");
            let y = plan.apply(&x).unwrap();
            let forced = ConvPlan::new(&kk, x.shape(), &ConvSpec::new(mode).method(Method::Fft))
                .unwrap()
                .apply(&x)
                .unwrap();
            let err = rel_err(&to_c64(&y), &to_c64(&forced));
            assert!(err < 1e-12, "seed {} n {n} k {k} {mode}: {err:e}", rng.seed);
            // The definition at ~100 samples of one lane.
            let x0 = x.index_axis(Axis(0), 1);
            let got = y.index_axis(Axis(0), 1);
            let (start, len) = conv_util::window(mode, n, k);
            let scale = x0.iter().map(|v| v * v).sum::<f64>().sqrt() * kk.iter().map(|v| v * v).sum::<f64>().sqrt();
            for t in (0..len).step_by((len / 97).max(1)) {
                let f = start + t;
                let want: f64 = (0..k)
                    .filter(|&s| s <= f && f - s < n)
                    .map(|s| kk[[s]] * x0[f - s])
                    .sum();
                assert!(
                    (got[t] - want).abs() <= 1e-14 * scale,
                    "seed {} n {n} k {k} {mode} t {t}: {} vs {want}",
                    rng.seed,
                    got[t]
                );
            }
        }
    }
}

#[test]
fn batching_and_broadcasting() {
    let mut rng = Rng64::new("batching_and_broadcasting");
    let mut worst = Worst::default();
    // (signal shape, kernel shape, axes)
    let cases: &[(&[usize], &[usize], &[isize])] = &[
        (&[3, 4, 50], &[4, 7], &[-1]),    // a kernel per channel
        (&[3, 4, 50], &[7], &[-1]),       // one shared kernel
        (&[3, 4, 50], &[3, 4, 7], &[-1]), // a kernel per lane
        (&[3, 4, 50], &[1, 4, 7], &[-1]),
        (&[1, 4, 50], &[3, 4, 7], &[-1]), // the signal broadcasts
        (&[3, 1, 50], &[4, 7], &[-1]),    // both broadcast
        (&[4, 50, 3], &[7], &[1]),        // 1-D kernel along a middle axis
        (&[4, 50, 3], &[7, 3], &[-2]),    // right-aligned with a trailing batch axis
        (&[50, 3], &[60], &[0]),          // K > N along the first axis
        (&[2, 3, 50], &[2, 1, 7], &[-1]),
        (&[2, 3, 11], &[3, 1], &[2]), // K = 1
    ];
    for &(xs, ks, axes) in cases {
        for mode in MODES {
            for m in METHODS {
                for corr in [false, true] {
                    let e = check::<f64>(&mut rng, xs, ks, axes, mode, m, corr);
                    worst.add(format!("real {}", m.0), e);
                    let e = check::<Complex<f64>>(&mut rng, xs, ks, axes, mode, m, corr);
                    worst.add(format!("complex {}", m.0), e);
                }
            }
        }
    }
    worst.print("batching");
}

#[test]
fn several_axes() {
    let mut rng = Rng64::new("several_axes");
    let mut worst = Worst::default();
    let cases: &[(&[usize], &[usize], &[isize])] = &[
        (&[6, 9], &[3, 4], &[0, 1]),
        (&[2, 6, 9], &[3, 4], &[-2, -1]),
        (&[5, 2, 7], &[5, 1, 3], &[0, 2]), // non-adjacent axes, batch axis between
        (&[4, 5], &[6, 7], &[0, 1]),       // K > N along both
        (&[4, 5, 6], &[2, 3, 2], &[0, 1, 2]),
        (&[4, 5, 3], &[2, 2, 1], &[0, 1]),
        (&[7, 1, 13], &[3, 4, 1], &[-1, 0]), // K = 1 along one convolved axis
    ];
    for &(xs, ks, axes) in cases {
        for mode in MODES {
            for m in METHODS {
                for corr in [false, true] {
                    let e = check::<f64>(&mut rng, xs, ks, axes, mode, m, corr);
                    worst.add(format!("real {}", m.0), e);
                    let e = check::<Complex<f64>>(&mut rng, xs, ks, axes, mode, m, corr);
                    worst.add(format!("complex {}", m.0), e);
                }
            }
        }
        let e = check::<f32>(&mut rng, xs, ks, axes, Mode::Same, (Method::Auto, None), false);
        worst.add("f32 real auto", e);
    }
    worst.print("several_axes");
}

#[test]
fn free_functions_match_the_plan() {
    let mut rng = Rng64::new("free_functions_match_the_plan");
    let x: ArrayD<f64> = rng.array(&[3, 40]);
    let k: ArrayD<f64> = rng.array(&[9]);
    for mode in MODES {
        let y = fftconvolve(&x, &k, mode, -1).unwrap();
        let want = naive(&to_c64(&x), &to_c64(&k), &[1], mode, false);
        assert!(rel_err(&to_c64(&y), &want) < 1e-13, "seed {}", rng.seed);
        let z = fftcorrelate(&x, &k, mode, 1).unwrap();
        let want = naive(&to_c64(&x), &to_c64(&k), &[1], mode, true);
        assert!(rel_err(&to_c64(&z), &want) < 1e-13, "seed {}", rng.seed);
    }
    let img: ArrayD<Complex<f64>> = rng.array(&[8, 10]);
    let ker: ArrayD<Complex<f64>> = rng.array(&[3, 2]);
    let y = fftconvolve_nd(&img, &ker, Mode::Full, None).unwrap();
    let want = naive(&to_c64(&img), &to_c64(&ker), &[0, 1], Mode::Full, false);
    assert!(rel_err(&to_c64(&y), &want) < 1e-13, "seed {}", rng.seed);
}

#[test]
fn any_memory_layout_and_plan_reuse() {
    let mut rng = Rng64::new("any_memory_layout_and_plan_reuse");
    let k: ArrayD<f64> = rng.array(&[6, 4]);
    for m in METHODS {
        let spec = ConvSpec::new(Mode::Same).axis(1).method(m.0);
        let plan = ConvPlan::new(&k, &[1, 30, 4], &spec).unwrap();
        for batch in [1usize, 2, 5] {
            // A transposed, strided view: axes (batch, 30, 4) read from a (4, 60, batch) array.
            let big: ArrayD<f64> = rng.array(&[4, 60, batch]);
            let view = big.slice(s![.., ..;2, ..]).reversed_axes().into_dyn();
            let y = plan.apply(&view).unwrap();
            let want = naive(&to_c64(&view.to_owned()), &to_c64(&k), &[1], Mode::Same, false);
            assert!(
                rel_err(&to_c64(&y), &want) < 1e-13,
                "seed {} {} batch {batch}",
                rng.seed,
                m.0
            );
        }
    }
}

#[test]
fn empty_batches_give_empty_outputs() {
    let x = Array2::<f64>::zeros((0, 10));
    let k = Array1::<f64>::ones(3);
    for mode in MODES {
        for (m, _) in METHODS {
            let plan = ConvPlan::new(&k, &[1, 10], &ConvSpec::new(mode).method(m)).unwrap();
            let y = plan.apply(&x).unwrap();
            assert_eq!(y.shape(), &[0, mode.output_len(10, 3).unwrap()]);
            let (gx, gk) = plan.vjp(&x, &y).unwrap();
            assert_eq!(gx.shape(), &[0, 10]);
            assert!(gk.iter().all(|&v| v == 0.0));
        }
    }
}

#[test]
fn errors_are_values() {
    let x = Array3::<f64>::ones((2, 3, 10));
    let k = Array2::<f64>::ones((3, 4));
    let spec = ConvSpec::new(Mode::Full);
    // Bad, repeated and missing axes.
    assert!(matches!(
        ConvPlan::new(&k, x.shape(), &spec.clone().axis(3)),
        Err(Error::AxisOutOfRange { .. })
    ));
    assert!(matches!(
        ConvPlan::new(&k, x.shape(), &spec.clone().axes(&[2, -1])),
        Err(Error::RepeatedAxis { .. })
    ));
    assert!(matches!(
        ConvPlan::new(&k, x.shape(), &spec.clone().axes(&[])),
        Err(Error::InvalidArgument(_))
    ));
    // Zero lengths.
    assert!(matches!(
        fftconvolve(&Array2::<f64>::zeros((2, 0)), &Array1::<f64>::ones(3), Mode::Full, -1),
        Err(Error::InvalidLength { .. })
    ));
    assert!(matches!(
        fftconvolve(&x, &Array1::<f64>::ones(0), Mode::Full, -1),
        Err(Error::InvalidLength { .. })
    ));
    assert!(matches!(next_fast_len_zero(), Err(Error::InvalidLength { .. })));
    // Broadcast failures.
    assert!(matches!(
        fftconvolve(&x, &Array2::<f64>::ones((2, 4)), Mode::Full, -1),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        fftconvolve(&Array1::<f64>::ones(5), &Array2::<f64>::ones((2, 4)), Mode::Full, -1),
        Err(Error::InvalidArgument(_))
    ));
    // The kernel must contain every convolved axis.
    assert!(matches!(
        fftconvolve_nd(&x, &k, Mode::Full, Some(&[0, 2])),
        Err(Error::InvalidArgument(_))
    ));
    // Valid needs one input at least as long as the other along every axis.
    assert!(matches!(
        fftconvolve_nd(
            &Array2::<f64>::ones((3, 8)),
            &Array2::<f64>::ones((5, 2)),
            Mode::Valid,
            None
        ),
        Err(Error::InvalidArgument(_))
    ));
    // A zero overlap-add block.
    assert!(matches!(
        ConvPlan::new(&k, x.shape(), &spec.clone().method(Method::OverlapAdd).block(0)),
        Err(Error::InvalidLength { .. })
    ));
    // Signals that do not fit a plan.
    let plan = ConvPlan::new(&k, x.shape(), &spec).unwrap();
    assert!(matches!(
        plan.apply(&Array3::<f64>::ones((2, 3, 11))),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        plan.apply(&Array3::<f64>::ones((2, 2, 10))),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        plan.apply(&Array2::<f64>::ones((3, 10))),
        Err(Error::ShapeMismatch { .. })
    ));
    // Cotangents of the wrong shape, tapes of another plan.
    assert!(matches!(
        plan.vjp(&x, &Array3::<f64>::ones((2, 3, 12))),
        Err(Error::ShapeMismatch { .. })
    ));
    let other = ConvPlan::new(&k, x.shape(), &ConvSpec::new(Mode::Full)).unwrap();
    let (y, tape) = other.forward(&x).unwrap();
    assert!(matches!(plan.vjp_tape(&tape, &y), Err(Error::InvalidArgument(_))));
    // Parsing.
    assert!("sideways".parse::<Mode>().is_err());
    assert!("slow".parse::<Method>().is_err());
    assert_eq!("overlap-add".parse::<Method>().unwrap(), Method::OverlapAdd);
}

fn next_fast_len_zero() -> Result<usize, Error> {
    shardfft::next_fast_len(0)
}

#[test]
fn impulse_and_known_values() {
    // Convolving with a unit impulse delayed by d shifts the signal by d (causal mode).
    let x = Array1::from_shape_fn(20, |t| t as f64 + 1.0);
    let mut k = Array1::<f64>::zeros(5);
    k[3] = 1.0;
    for (m, _) in METHODS {
        let plan = ConvPlan::new(&k, &[20], &ConvSpec::new(Mode::Causal).method(m)).unwrap();
        let y = plan.apply(&x).unwrap();
        for t in 0..20 {
            let want = if t >= 3 { x[t - 3] } else { 0.0 };
            assert!((y[t] - want).abs() < 1e-12, "{m} t {t}");
        }
    }
    // Complex correlation conjugates the kernel.
    let x = Array1::from(vec![C64::new(0.0, 1.0)]);
    let k = Array1::from(vec![C64::new(0.0, 1.0)]);
    let z = fftcorrelate(&x, &k, Mode::Full, 0).unwrap();
    assert!((z[0] - C64::new(1.0, 0.0)).norm() < 1e-15);
    let _ = IxDyn(&[1]);
}

//! Gradients of convolution and correlation: the dot-product identity, f64 finite differences,
//! and agreement between methods and between the tape and no-tape paths, for signal and kernel
//! in every mode.

use crate::conv_util;

use conv_util::{C64, MODES, RandomArray, Rng64, TestElem};
use ndarray::{ArrayD, IxDyn};
use shardfft::Complex;
use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode, fftconvolve_vjp, fftcorrelate_vjp};

const METHODS: [(Method, Option<usize>); 4] = [
    (Method::Direct, None),
    (Method::Fft, None),
    (Method::OverlapAdd, None),
    (Method::OverlapAdd, Some(3)),
];

/// (signal shape, kernel shape, axes)
const SHAPES: &[(&[usize], &[usize], &[isize])] = &[
    (&[7], &[3], &[-1]),
    (&[8], &[8], &[-1]),
    (&[5], &[12], &[-1]), // K > N
    (&[1], &[1], &[-1]),
    (&[13], &[1], &[-1]),
    (&[1], &[6], &[-1]),
    (&[40], &[5], &[0]),
    (&[2, 3, 10], &[3, 4], &[-1]),    // a kernel per channel, summed over the batch
    (&[1, 3, 10], &[2, 3, 4], &[-1]), // the signal broadcasts, its gradient sums
    (&[2, 3, 11], &[4], &[-1]),       // one shared kernel
    (&[4, 9, 2], &[3], &[1]),         // along a middle axis
    (&[5, 6], &[2, 3], &[0, 1]),
    (&[2, 4, 5], &[3, 2], &[-2, -1]),
    (&[3, 4], &[5, 2], &[0, 1]),
];

/// Re⟨u, v⟩ = Re Σ conj(u)·v in f64.
fn dot<A: TestElem>(u: &ArrayD<A>, v: &ArrayD<A>) -> f64 {
    u.iter().zip(v).map(|(a, b)| (a.c64().conj() * b.c64()).re).sum()
}

fn norm<A: TestElem>(u: &ArrayD<A>) -> f64 {
    u.iter().map(|a| a.c64().norm_sqr()).sum::<f64>().sqrt()
}

fn spec(mode: Mode, axes: &[isize], (method, block): (Method, Option<usize>), corr: bool) -> ConvSpec {
    let mut s = ConvSpec::new(mode).axes(axes).method(method);
    if let Some(b) = block {
        s = s.block(b);
    }
    if corr { s.correlation() } else { s }
}

/// ⟨A(x, k), g⟩ = ⟨x, ∂x⟩ = ⟨k, ∂k⟩ (the map is linear in x, and linear or antilinear in k),
/// through every entry point. Returns the worst relative defect.
fn dot_identity<A: TestElem>(rng: &mut Rng64, tol: f64) -> f64 {
    let mut worst = 0.0f64;
    for &(xs, ks, axes) in SHAPES {
        for mode in MODES {
            if mode == Mode::Valid && !valid_ok(xs, ks, axes) {
                continue;
            }
            for m in METHODS {
                for corr in [false, true] {
                    let x: ArrayD<A> = rng.array(xs);
                    let k: ArrayD<A> = rng.array(ks);
                    let ctx = format!(
                        "seed {} x {xs:?} k {ks:?} {axes:?} {mode} {} {:?} corr {corr} {}",
                        rng.seed,
                        m.0,
                        m.1,
                        std::any::type_name::<A>()
                    );
                    let plan = ConvPlan::new(&k, x.shape(), &spec(mode, axes, m, corr)).unwrap();
                    let y = plan.apply(&x).unwrap();
                    let g: ArrayD<A> = rng.array(y.shape());
                    let (gx, gk) = plan.vjp(&x, &g).unwrap();
                    assert_eq!(gx.shape(), x.shape(), "{ctx}");
                    assert_eq!(gk.shape(), k.shape(), "{ctx}");
                    let scale = norm(&y).max(norm(&x) * norm(&k)) * norm(&g);
                    let lhs = dot(&y, &g);
                    let dx = (lhs - dot(&x, &gx)).abs() / scale;
                    let dk = (lhs - dot(&k, &gk)).abs() / scale;
                    assert!(dx <= tol, "{ctx}: signal defect {dx:e}");
                    assert!(dk <= tol, "{ctx}: kernel defect {dk:e}");
                    worst = worst.max(dx).max(dk);
                    // The other entry points give the same gradients.
                    let (y2, tape) = plan.forward(&x).unwrap();
                    assert!(close(&y2, &y, tol), "{ctx}: forward vs apply");
                    let (tx, tk) = plan.vjp_tape(&tape, &g).unwrap();
                    assert!(close(&tx, &gx, tol) && close(&tk, &gk, tol), "{ctx}: tape");
                    let sx = plan.vjp_signal(x.shape(), &g).unwrap();
                    let sk = plan.vjp_kernel(&x, &g).unwrap();
                    assert!(close(&sx, &gx, tol) && close(&sk, &gk, tol), "{ctx}: separate");
                }
            }
        }
    }
    worst
}

/// Whether Valid mode accepts these shapes (one input at least as long along every axis).
fn valid_ok(xs: &[usize], ks: &[usize], axes: &[isize]) -> bool {
    let nd = xs.len();
    let kexp = conv_util::expand(ks, nd, &norm_axes(axes, nd));
    let ax = norm_axes(axes, nd);
    ax.iter().all(|&a| xs[a] >= kexp[a]) || ax.iter().all(|&a| xs[a] <= kexp[a])
}

fn norm_axes(axes: &[isize], nd: usize) -> Vec<usize> {
    let mut v: Vec<usize> = axes
        .iter()
        .map(|&a| if a < 0 { (a + nd as isize) as usize } else { a as usize })
        .collect();
    v.sort_unstable();
    v
}

fn close<A: TestElem>(a: &ArrayD<A>, b: &ArrayD<A>, tol: f64) -> bool {
    a.shape() == b.shape() && {
        let d: f64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x.c64() - y.c64()).norm_sqr())
            .sum::<f64>()
            .sqrt();
        d <= tol * norm(b).max(1e-300) * 10.0
    }
}

#[test]
fn dot_product_identity_f64() {
    let mut rng = Rng64::new("dot_product_identity_f64");
    let wr = dot_identity::<f64>(&mut rng, 1e-13);
    let wc = dot_identity::<Complex<f64>>(&mut rng, 1e-13);
    eprintln!("[dot f64] worst relative defect: real {wr:.2e}, complex {wc:.2e}");
}

#[test]
fn dot_product_identity_f32() {
    let mut rng = Rng64::new("dot_product_identity_f32");
    let wr = dot_identity::<f32>(&mut rng, 2e-5);
    let wc = dot_identity::<Complex<f32>>(&mut rng, 2e-5);
    eprintln!("[dot f32] worst relative defect: real {wr:.2e}, complex {wc:.2e}");
}

/// L = Σ w·|y|² with fixed random weights; ∂L/∂y = 2·w·y.
fn loss<A: TestElem>(plan: &ConvPlan<A>, x: &ArrayD<A>, w: &ArrayD<f64>) -> f64 {
    let y = plan.apply(x).unwrap();
    y.iter().zip(w).map(|(v, w)| w * v.c64().norm_sqr()).sum()
}

/// Central differences of L along the real (and imaginary) direction of a few coordinates of
/// x and of k, against the VJP. Returns the worst relative difference.
fn finite_differences<A: TestElem>(rng: &mut Rng64) -> f64 {
    let h = 1e-6;
    let mut worst = 0.0f64;
    for &(xs, ks, axes) in SHAPES {
        for mode in MODES {
            if mode == Mode::Valid && !valid_ok(xs, ks, axes) {
                continue;
            }
            for corr in [false, true] {
                let m = METHODS[rng.range(0, METHODS.len())];
                let x: ArrayD<A> = rng.array(xs);
                let k: ArrayD<A> = rng.array(ks);
                let sp = spec(mode, axes, m, corr);
                let ctx = format!(
                    "seed {} x {xs:?} k {ks:?} {axes:?} {mode} {} corr {corr} {}",
                    rng.seed,
                    m.0,
                    std::any::type_name::<A>()
                );
                let plan = ConvPlan::new(&k, x.shape(), &sp).unwrap();
                let y = plan.apply(&x).unwrap();
                let w: ArrayD<f64> =
                    ArrayD::from_shape_simple_fn(IxDyn(y.shape()), || 0.5 + rng.range(0, 100) as f64 / 100.0);
                let g: ArrayD<A> =
                    ArrayD::from_shape_fn(IxDyn(y.shape()), |i| A::from_c64(y[&i].c64() * (2.0 * w[&i])));
                let (gx, gk) = plan.vjp(&x, &g).unwrap();
                let gscale = norm(&gx).max(norm(&gk)).max(1e-3);
                let dirs: &[C64] = if A::IS_REAL {
                    &[C64::new(1.0, 0.0)]
                } else {
                    &[C64::new(1.0, 0.0), C64::new(0.0, 1.0)]
                };
                for _ in 0..3 {
                    for &dir in dirs {
                        // Signal coordinate.
                        let j = rng.range(0, x.len());
                        let bump = |s: f64| {
                            let mut xp = x.clone();
                            let v = xp.as_slice_mut().unwrap();
                            v[j] = A::from_c64(v[j].c64() + dir * s);
                            loss(&plan, &xp, &w)
                        };
                        let fd = (bump(h) - bump(-h)) / (2.0 * h);
                        let an = (dir.conj() * gx.as_slice().unwrap()[j].c64()).re;
                        let e = (fd - an).abs() / gscale;
                        assert!(e < 1e-6, "{ctx}: ∂x[{j}] along {dir}: fd {fd} vs vjp {an}");
                        worst = worst.max(e);
                        // Kernel coordinate (a new plan per bumped kernel).
                        let j = rng.range(0, k.len());
                        let bump = |s: f64| {
                            let mut kp = k.clone();
                            let v = kp.as_slice_mut().unwrap();
                            v[j] = A::from_c64(v[j].c64() + dir * s);
                            loss(&ConvPlan::new(&kp, x.shape(), &sp).unwrap(), &x, &w)
                        };
                        let fd = (bump(h) - bump(-h)) / (2.0 * h);
                        let an = (dir.conj() * gk.as_slice().unwrap()[j].c64()).re;
                        let e = (fd - an).abs() / gscale;
                        assert!(e < 1e-6, "{ctx}: ∂k[{j}] along {dir}: fd {fd} vs vjp {an}");
                        worst = worst.max(e);
                    }
                }
            }
        }
    }
    worst
}

#[test]
fn finite_differences_f64() {
    let mut rng = Rng64::new("finite_differences_f64");
    let wr = finite_differences::<f64>(&mut rng);
    let wc = finite_differences::<Complex<f64>>(&mut rng);
    eprintln!("[finite differences f64] worst relative difference: real {wr:.2e}, complex {wc:.2e}");
}

#[test]
fn methods_agree_on_gradients() {
    let mut rng = Rng64::new("methods_agree_on_gradients");
    let x: ArrayD<Complex<f64>> = rng.array(&[2, 300]);
    let k: ArrayD<Complex<f64>> = rng.array(&[2, 17]);
    for mode in MODES {
        for corr in [false, true] {
            let grads: Vec<_> = METHODS
                .iter()
                .map(|&m| {
                    let plan = ConvPlan::new(&k, x.shape(), &spec(mode, &[-1], m, corr)).unwrap();
                    let y = plan.apply(&x).unwrap();
                    plan.vjp(&x, &y).unwrap()
                })
                .collect();
            for (i, (gx, gk)) in grads.iter().enumerate().skip(1) {
                assert!(
                    close(gx, &grads[0].0, 1e-13),
                    "seed {} {mode} corr {corr} method {i}",
                    rng.seed
                );
                assert!(
                    close(gk, &grads[0].1, 1e-13),
                    "seed {} {mode} corr {corr} method {i}",
                    rng.seed
                );
            }
        }
    }
}

#[test]
fn free_vjp_functions() {
    let mut rng = Rng64::new("free_vjp_functions");
    let x: ArrayD<f64> = rng.array(&[3, 20]);
    let k: ArrayD<f64> = rng.array(&[5]);
    for mode in MODES {
        let plan = ConvPlan::new(&k, x.shape(), &ConvSpec::new(mode)).unwrap();
        let g: ArrayD<f64> = rng.array(&plan.output_shape(x.shape()).unwrap());
        let (gx, gk) = fftconvolve_vjp(&x, &k, &g, mode, -1).unwrap();
        let (px, pk) = plan.vjp(&x, &g).unwrap();
        assert!(close(&gx, &px, 1e-14) && close(&gk, &pk, 1e-14), "seed {}", rng.seed);
        let cplan = ConvPlan::new(&k, x.shape(), &ConvSpec::new(mode).correlation()).unwrap();
        let (gx, gk) = fftcorrelate_vjp(&x, &k, &g, mode, -1).unwrap();
        let (px, pk) = cplan.vjp(&x, &g).unwrap();
        assert!(close(&gx, &px, 1e-14) && close(&gk, &pk, 1e-14), "seed {}", rng.seed);
        // A real correlation's kernel gradient is the convolution's, reversed.
        let rk = k.slice(ndarray::s![..;-1]).to_owned().into_dyn();
        let (_, ck) = fftconvolve_vjp(&x, &rk, &g, mode, -1).unwrap();
        let rev = ck.slice(ndarray::s![..;-1]).to_owned().into_dyn();
        assert!(close(&gk, &rev, 1e-13), "seed {}", rng.seed);
    }
}

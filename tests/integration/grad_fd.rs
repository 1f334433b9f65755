//! Central finite differences in f64 of a real scalar loss through every transform, against the
//! VJP; and the JVPs against the forward transforms and finite differences.
//!
//! The loss is L(x) = Σ w·|A x|² with fresh random positive weights w, whose gradient with
//! respect to the output is 2·w·(A x); the VJP turns that into the gradient with respect to x,
//! compared (relative L2 error) with the finite differences of L over every real component of x
//! (real and imaginary parts of a complex x). Run with `--nocapture` to see the worst errors.

use crate::grad_support;

use grad_support::*;
use ndarray::ArrayD;
use num_complex::Complex;
use rand::Rng;
use rand::rngs::StdRng;

/// Step of the central differences (L is quadratic, so the difference is exact up to rounding).
const H: f64 = 1e-3;

fn weighted_energy(y: &Arr<f64>, w: &[f64]) -> f64 {
    y.values().iter().zip(w).map(|(z, w)| w * z.norm_sqr()).sum()
}

/// x with `delta` added to its real component `i` (complex: 2k is Re x_k, 2k+1 is Im x_k).
fn nudge(x: &Arr<f64>, i: usize, delta: f64) -> Arr<f64> {
    let mut x = x.clone();
    match &mut x {
        Arr::R(a) => *a.iter_mut().nth(i).unwrap() += delta,
        Arr::C(a) => {
            let z = a.iter_mut().nth(i / 2).unwrap();
            if i.is_multiple_of(2) {
                z.re += delta;
            } else {
                z.im += delta;
            }
        }
    }
    x
}

/// Relative L2 error of the VJP of L against central differences, or `None` for an invalid call.
fn fd_error(c: &Case, rng: &mut StdRng, seed: u64) -> Option<f64> {
    let x = random::<f64>(rng, &c.x_shape, c.op.real_input());
    let y = forward(c, &x, false).ok()?;
    let w: Vec<f64> = (0..y.values().len()).map(|_| rng.random_range(0.5..1.5)).collect();
    let dy = match &y {
        Arr::R(a) => Arr::R(ArrayD::from_shape_vec(a.raw_dim(), w.clone()).unwrap() * a * 2.0),
        Arr::C(a) => Arr::C(
            a * &ArrayD::from_shape_vec(a.raw_dim(), w.iter().map(|&w| Complex::new(2.0 * w, 0.0)).collect()).unwrap(),
        ),
    };
    let g = vjp(c, &dy).unwrap_or_else(|e| panic!("seed {seed}: vjp failed for {c:?}: {e}"));
    let loss = |x: &Arr<f64>| weighted_energy(&forward(c, x, false).unwrap(), &w);
    let components = if x.is_real() { 1 } else { 2 } * x.values().len();
    let fd: Vec<f64> = (0..components)
        .map(|i| (loss(&nudge(&x, i, H)) - loss(&nudge(&x, i, -H))) / (2.0 * H))
        .collect();
    let analytic: Vec<f64> = g.values().iter().flat_map(|z| [z.re, z.im]).collect();
    let analytic: Vec<f64> = if x.is_real() {
        assert!(g.is_real(), "seed {seed}: complex gradient of a real input for {c:?}");
        analytic.into_iter().step_by(2).collect()
    } else {
        analytic
    };
    let diff: f64 = fd
        .iter()
        .zip(&analytic)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        .sqrt();
    let scale: f64 = analytic
        .iter()
        .map(|v| v * v)
        .sum::<f64>()
        .sqrt()
        .max(f64::MIN_POSITIVE);
    Some(diff / scale)
}

fn check(seed: u64, worst: &mut Worst, c: &Case, rng: &mut StdRng) -> bool {
    let Some(err) = fd_error(c, rng, seed) else {
        return false;
    };
    assert!(err < 1e-8, "seed {seed}: finite-difference error {err:.3e} for {c:?}");
    worst.record(format!("{:?}", c.op), err, || format!("{c:?}"));
    true
}

#[test]
fn finite_differences_1d() {
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    let mut cases = 0;
    for op in Op::ONE_D {
        for m in [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16] {
            for n in n_choices(op, m) {
                for norm in NORMS {
                    let (x_shape, axis) =
                        [(vec![m], -1), (vec![2, m], 1), (vec![m, 2], 0)][rng.random_range(0..3)].clone();
                    let case = Case {
                        op,
                        x_shape,
                        args: Args::One { n, axis },
                        norm,
                    };
                    cases += usize::from(check(seed, &mut worst, &case, &mut rng));
                }
            }
        }
    }
    assert!(cases > 800, "only {cases} valid cases");
    worst.report(&format!(
        "finite differences, 1-D, float64 ({cases} cases, seed {seed})"
    ));
}

#[test]
fn finite_differences_nd() {
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    let mut cases = 0;
    for op in Op::N_D {
        for norm in NORMS {
            let mut valid = 0;
            while valid < 25 {
                let case = random_nd_case(&mut rng, op, norm);
                if case.x_shape.iter().product::<usize>() > 48 {
                    continue;
                }
                valid += usize::from(check(seed, &mut worst, &case, &mut rng));
            }
            cases += valid;
        }
    }
    worst.report(&format!(
        "finite differences, N-D, float64 ({cases} cases, seed {seed})"
    ));
}

/// The JVP is the forward transform of the tangent, equals the directional finite difference
/// of the forward map, and pairs with the VJP: Re⟨jvp(t), y⟩ = Re⟨t, vjp(y)⟩.
#[test]
fn jvp_matches_forward_and_pairs_with_vjp() {
    let seed = seed();
    let mut rng = rng(seed);
    let mut worst = Worst::default();
    let mut cases = 0;
    let mut all = Vec::new();
    for op in Op::ONE_D {
        for m in [1, 2, 3, 4, 7, 8, 12] {
            for n in n_choices(op, m) {
                all.push(Case {
                    op,
                    x_shape: vec![2, m],
                    args: Args::One { n, axis: -1 },
                    norm: NORMS[rng.random_range(0..3)],
                });
            }
        }
    }
    for op in Op::N_D {
        for _ in 0..40 {
            let norm = NORMS[rng.random_range(0..3)];
            all.push(random_nd_case(&mut rng, op, norm));
        }
    }
    for c in &all {
        let x = random::<f64>(&mut rng, &c.x_shape, c.op.real_input());
        let t = random::<f64>(&mut rng, &c.x_shape, c.op.real_input());
        let Ok(ax) = forward(c, &x, false) else { continue };
        let jvp = forward(c, &t, true).unwrap_or_else(|e| panic!("seed {seed}: jvp failed for {c:?}: {e}"));
        let at = forward(c, &t, false).unwrap();
        assert_eq!(
            jvp.values(),
            at.values(),
            "seed {seed}: jvp is not the transform of the tangent for {c:?}"
        );
        // Directional finite difference (A(x + h t) − A(x − h t)) / 2h.
        let shift = |sign: f64| {
            let moved = match (&x, &t) {
                (Arr::R(x), Arr::R(t)) => Arr::R(x + &(t * (sign * H))),
                (Arr::C(x), Arr::C(t)) => Arr::C(x + &t.mapv(|z| z * (sign * H))),
                _ => unreachable!(),
            };
            forward(c, &moved, false).unwrap().values()
        };
        let (plus, minus) = (shift(1.0), shift(-1.0));
        let fd_err = plus
            .iter()
            .zip(&minus)
            .zip(jvp.values())
            .map(|((p, m), j)| ((p - m) / (2.0 * H) - j).norm_sqr())
            .sum::<f64>()
            .sqrt()
            / jvp.norm().max(f64::MIN_POSITIVE);
        assert!(
            fd_err < 1e-9,
            "seed {seed}: jvp vs finite differences {fd_err:.3e} for {c:?}"
        );
        worst.record(format!("{:?} jvp-fd", c.op), fd_err, || format!("{c:?}"));
        let y = random::<f64>(&mut rng, ax.shape(), ax.is_real());
        let g = vjp(c, &y).unwrap();
        let pair = (jvp.re_dot(&y) - t.re_dot(&g)).abs() / (jvp.norm() * y.norm()).max(t.norm() * g.norm());
        assert!(pair < 1e-12, "seed {seed}: jvp/vjp pairing {pair:.3e} for {c:?}");
        cases += 1;
    }
    assert!(cases > 300, "only {cases} valid cases");
    worst.report(&format!(
        "jvp vs finite differences, float64 ({cases} cases, seed {seed})"
    ));
}

//! FFTW-style self-test at large lengths, needing no O(n²) reference: on random inputs,
//!
//! - linearity:        F(a·x + b·y) = a·F(x) + b·F(y)
//! - impulse response: F(δ_k)[j] = e^{−2πi·jk/n}
//! - time shift:       F(roll(x, s))[k] = F(x)[k]·e^{−2πi·ks/n}
//!
//! A map that passes all three on random data is the DFT (Ergün's argument, as FFTW's self-test).
//! Run for c2c (fft, ifft), r2c (rfft) and c2r (irfft) at lengths up to 2^22 and large primes.
//! Tolerances are the reference bound 4·eps·log2 n scaled by how many transforms each identity
//! involves, plus one rounding of the combined input.

use crate::common;

use common::*;
use ndarray::Array1;
use shardfft::{Complex, Float, Norm, fft, ifft, irfft, rfft};

/// `x` rolled right by `s`: out[j] = x[(j − s) mod n].
fn roll<A: Copy>(x: &Array1<A>, s: usize) -> Array1<A> {
    let n = x.len();
    Array1::from_shape_fn(n, |j| x[(j + n - s % n) % n])
}

/// ‖a‖₂ in float64.
fn l2<A: ToC64>(a: &Array1<A>) -> f64 {
    a.iter().map(|v| v.c64().norm_sqr()).sum::<f64>().sqrt()
}

/// e^{sign·2πi·(a·b mod n)/n}.
fn w(a: usize, b: usize, n: usize, sign: f64) -> C64 {
    twiddle((a as u128 * b as u128) % n as u128, n as u128, sign)
}

/// Asserts `err ≤ allowed` and records the error ratio.
fn check<T: Float>(worst: &mut Worst, family: &str, n: usize, err: f64, allowed: f64, seed: u64, what: &str) {
    worst.record::<T>(family, n, err, || format!("{what} n={n}"));
    check_err(err, allowed, seed, || format!("{what} n={n} {}", T::NAME));
}

/// Linearity, impulse response and time shift of fft and ifft at length `n`.
fn c2c<T>(n: usize, rng: &mut TestRng, worst: &mut Worst)
where
    T: Float + ToC64,
    Complex<T>: ToC64,
{
    let (seed, b) = (rng.seed, bound::<T>(n));
    let norm = Norm::Backward;
    let x: Array1<Complex<T>> = rng.complex::<T>(&[n]).into_dimensionality().unwrap();
    let y: Array1<Complex<T>> = rng.complex::<T>(&[n]).into_dimensionality().unwrap();
    let (a, c) = (rng.cnormal(), rng.cnormal());
    let z = Array1::from_shape_fn(n, |j| {
        let v = a * x[j].c64() + c * y[j].c64();
        Complex::new(from_f64::<T>(v.re), from_f64::<T>(v.im))
    });
    let (fx, fy, fz) = (
        fft(&x, None, 0, norm).unwrap(),
        fft(&y, None, 0, norm).unwrap(),
        fft(&z, None, 0, norm).unwrap(),
    );
    let want = Array1::from_shape_fn(n, |k| a * fx[k].c64() + c * fy[k].c64()).into_dyn();
    let spread = (a.norm() * l2(&fx) + c.norm() * l2(&fy)) / l2(&fz);
    let err = rel_l2(&fz, &want);
    check::<T>(
        worst,
        "selftest c2c",
        n,
        err,
        b * (1.0 + spread) + eps::<T>(),
        seed,
        "fft linearity",
    );

    let k = rng.range(0, n);
    let mut delta = Array1::<Complex<T>>::zeros(n);
    delta[k] = Complex::new(T::one(), T::zero());
    let got = fft(&delta, None, 0, norm).unwrap();
    let want = Array1::from_shape_fn(n, |j| w(j, k, n, -1.0)).into_dyn();
    check::<T>(
        worst,
        "selftest c2c",
        n,
        rel_l2(&got, &want),
        b,
        seed,
        &format!("fft impulse k={k}"),
    );
    let got = ifft(&delta, None, 0, norm).unwrap();
    let want = Array1::from_shape_fn(n, |j| w(j, k, n, 1.0) / n as f64).into_dyn();
    check::<T>(
        worst,
        "selftest c2c",
        n,
        rel_l2(&got, &want),
        b,
        seed,
        &format!("ifft impulse k={k}"),
    );

    let s = rng.range(1, n.max(2));
    let got = fft(&roll(&x, s), None, 0, norm).unwrap();
    let want = Array1::from_shape_fn(n, |k| fx[k].c64() * w(k, s, n, -1.0)).into_dyn();
    check::<T>(
        worst,
        "selftest c2c",
        n,
        rel_l2(&got, &want),
        2.0 * b,
        seed,
        &format!("fft time shift s={s}"),
    );

    let back = ifft(&fz, None, 0, norm).unwrap();
    let want = z.mapv(ToC64::c64).into_dyn();
    check::<T>(
        worst,
        "selftest c2c",
        n,
        rel_l2(&back, &want),
        2.0 * b,
        seed,
        "ifft(fft)",
    );
}

/// Linearity, impulse response and time shift of rfft and irfft at length `n`.
fn real<T>(n: usize, rng: &mut TestRng, worst: &mut Worst)
where
    T: Float + ToC64,
    Complex<T>: ToC64,
{
    let (seed, b) = (rng.seed, bound::<T>(n));
    let norm = Norm::Backward;
    let m = n / 2 + 1;
    let x: Array1<T> = rng.real::<T>(&[n]).into_dimensionality().unwrap();
    let y: Array1<T> = rng.real::<T>(&[n]).into_dimensionality().unwrap();
    let (a, c) = (rng.normal(), rng.normal());
    let z = Array1::from_shape_fn(n, |j| from_f64::<T>(a * x[j].c64().re + c * y[j].c64().re));

    // r2c
    let (fx, fy, fz) = (
        rfft(&x, None, 0, norm).unwrap(),
        rfft(&y, None, 0, norm).unwrap(),
        rfft(&z, None, 0, norm).unwrap(),
    );
    let want = Array1::from_shape_fn(m, |k| fx[k].c64() * a + fy[k].c64() * c).into_dyn();
    let spread = (a.abs() * l2(&fx) + c.abs() * l2(&fy)) / l2(&fz);
    let err = rel_l2(&fz, &want);
    check::<T>(
        worst,
        "selftest r2c",
        n,
        err,
        b * (1.0 + spread) + eps::<T>(),
        seed,
        "rfft linearity",
    );

    let k = rng.range(0, n);
    let mut delta = Array1::<T>::zeros(n);
    delta[k] = T::one();
    let got = rfft(&delta, None, 0, norm).unwrap();
    let want = Array1::from_shape_fn(m, |j| w(j, k, n, -1.0)).into_dyn();
    check::<T>(
        worst,
        "selftest r2c",
        n,
        rel_l2(&got, &want),
        b,
        seed,
        &format!("rfft impulse k={k}"),
    );

    let s = rng.range(1, n.max(2));
    let got = rfft(&roll(&x, s), None, 0, norm).unwrap();
    let want = Array1::from_shape_fn(m, |k| fx[k].c64() * w(k, s, n, -1.0)).into_dyn();
    check::<T>(
        worst,
        "selftest r2c",
        n,
        rel_l2(&got, &want),
        2.0 * b,
        seed,
        &format!("rfft time shift s={s}"),
    );

    // c2r: linearity on the spectra just computed (real coefficients keep them Hermitian).
    let (gx, gy, gz) = (
        irfft(&fx, Some(n), 0, norm).unwrap(),
        irfft(&fy, Some(n), 0, norm).unwrap(),
        irfft(&fz, Some(n), 0, norm).unwrap(),
    );
    let want = Array1::from_shape_fn(n, |j| C64::new(a * gx[j].c64().re + c * gy[j].c64().re, 0.0)).into_dyn();
    let spread = (a.abs() * l2(&gx) + c.abs() * l2(&gy)) / l2(&gz);
    check::<T>(
        worst,
        "selftest c2r",
        n,
        rel_l2(&gz, &want),
        b * (1.0 + spread),
        seed,
        "irfft linearity",
    );
    let want = z.mapv(ToC64::c64).into_dyn();
    check::<T>(
        worst,
        "selftest c2r",
        n,
        rel_l2(&gz, &want),
        2.0 * b,
        seed,
        "irfft(rfft)",
    );

    // c2r impulse: one bin k strictly between DC and Nyquist stands for bins k and n−k.
    if n >= 3 {
        let k = rng.range(1, n.div_ceil(2));
        let mut bins = Array1::<Complex<T>>::zeros(m);
        bins[k] = Complex::new(T::one(), T::zero());
        let got = irfft(&bins, Some(n), 0, norm).unwrap();
        let want = Array1::from_shape_fn(n, |j| C64::new(2.0 * w(j, k, n, 1.0).re / n as f64, 0.0)).into_dyn();
        check::<T>(
            worst,
            "selftest c2r",
            n,
            rel_l2(&got, &want),
            b,
            seed,
            &format!("irfft impulse k={k}"),
        );
    }

    // c2r time shift: a phase ramp on the bins rolls the output.
    let s = rng.range(1, n.max(2));
    let ramp = Array1::from_shape_fn(m, |k| {
        let v = fx[k].c64() * w(k, s, n, -1.0);
        Complex::new(from_f64::<T>(v.re), from_f64::<T>(v.im))
    });
    let got = irfft(&ramp, Some(n), 0, norm).unwrap();
    let want = roll(&gx, s).mapv(ToC64::c64).into_dyn();
    check::<T>(
        worst,
        "selftest c2r",
        n,
        rel_l2(&got, &want),
        2.0 * b + eps::<T>(),
        seed,
        &format!("irfft time shift s={s}"),
    );
}

fn run(name: &str, lengths: &[usize], f: fn(usize, &mut TestRng, &mut Worst)) {
    let mut rng = TestRng::new(name);
    let mut worst = Worst::default();
    for &n in lengths {
        let t = std::time::Instant::now();
        f(n, &mut rng, &mut worst);
        println!("SELFTEST [{name}] n={n}: {:.2} s", t.elapsed().as_secs_f64());
    }
    worst.print(name);
}

#[test]
fn c2c_f64() {
    run(
        "c2c_f64",
        &[1 << 20, 65537, 1_000_003, 531_441, 1_000_000, 12_289],
        c2c::<f64>,
    );
}

#[test]
fn c2c_f32() {
    run("c2c_f32", &[1 << 22, 65537, 1_000_003, 999_999, 12_289], c2c::<f32>);
}

#[test]
fn real_f64() {
    run(
        "real_f64",
        &[1 << 20, 65537, 1_000_003, 1_000_000, 100_001],
        real::<f64>,
    );
}

#[test]
fn real_f32() {
    run("real_f32", &[1 << 22, 65537, 1_000_003, 100_001], real::<f32>);
}

/// The self-test must be able to fail: a transform with one wrong twiddle (here: the inverse in
/// place of the forward transform, or a perturbed output) breaks the impulse and shift identities.
#[test]
fn selftest_detects_wrong_transforms() {
    let mut rng = TestRng::new("selftest_detects_wrong_transforms");
    let n = 4096;
    let x: Array1<Complex<f64>> = rng.complex::<f64>(&[n]).into_dimensionality().unwrap();
    let fx = fft(&x, None, 0, Norm::Backward).unwrap();
    // ifft·n is linear and has the right magnitudes, but the wrong impulse response.
    let k = 1 + rng.range(0, n / 2 - 1);
    let mut delta = Array1::<Complex<f64>>::zeros(n);
    delta[k] = Complex::new(1.0, 0.0);
    let wrong = ifft(&delta, None, 0, Norm::Forward).unwrap();
    let want = Array1::from_shape_fn(n, |j| w(j, k, n, -1.0)).into_dyn();
    assert!(rel_l2(&wrong, &want) > 0.5);
    // A transform that permutes two output bins passes linearity and the impulse at k = 0 but
    // not the time shift.
    let s = 1 + rng.range(0, n - 1);
    let mut swapped = fft(&roll(&x, s), None, 0, Norm::Backward).unwrap();
    swapped.swap(3, 5);
    let want = Array1::from_shape_fn(n, |k| fx[k] * w(k, s, n, -1.0)).into_dyn();
    assert!(rel_l2(&swapped, &want) > 100.0 * bound::<f64>(n));
}

/// A batch of long lanes (8 MiB each: run one lane at a time, split over every core) gives each
/// lane exactly its transform alone, within the bound of float64 rustfft, with the post-scaling
/// of the orthonormal norm.
#[test]
fn batches_of_long_lanes_match_their_lanes_alone() {
    let mut rng = TestRng::new("batches of long lanes");
    let (lanes, n) = (5, 1 << 20);
    let x: ndarray::Array2<Complex<f32>> = rng.complex::<f32>(&[lanes, n]).into_dimensionality().unwrap();
    let batch = fft(&x, None, -1, Norm::Ortho).unwrap();
    for lane in [0, 3, 4] {
        let alone = fft(&x.row(lane), None, 0, Norm::Ortho).unwrap();
        assert!(batch.index_axis(ndarray::Axis(0), lane) == alone, "lane {lane}");
        let lane64: Vec<C64> = x.row(lane).iter().map(|v| v.c64()).collect();
        let want = scaled(
            &Array1::from(reference(&lane64, false)).into_dyn(),
            norm_factor(Norm::Ortho, n, false),
        );
        let err = rel_l2(&alone, &want);
        check_err(err, bound::<f32>(n), rng.seed, || format!("lane {lane}"));
    }
}

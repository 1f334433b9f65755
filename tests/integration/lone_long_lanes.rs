//! Lone long lanes, which run on every core: real ones (rfft, irfft and their `_into` forms) through the half-length four-step, complex ones through the four-step (read where they are) or, for prime lengths, the chirp split; against float64.

use crate::common;

use common::*;
use ndarray::{ArrayD, IxDyn};
use shardfft::{Complex, Float, Norm, fft, fft_inplace, fft_into, ifft, irfft, irfft_into, rfft, rfft_into};

/// rfft and irfft of one lane of `len` values cut or padded to `n`, in all three norms,
/// against float64 rustfft; then irfft(rfft(x)) against x.
fn check<T: Float + ToC64>(n: usize, len: usize, rng: &mut TestRng)
where
    Complex<T>: ToC64,
{
    let seed = rng.seed;
    let x = rng.real::<T>(&[len]);
    let bins = rng.complex::<T>(&[len / 2 + 1]);
    let x64 = resize_axis(&to_c64(&x), 0, n);
    let spectrum = reference(x64.as_slice().unwrap(), false);
    let bins64 = to_c64(&bins);
    let signal = reference(&hermitian_extend(bins64.as_slice().unwrap(), n), true);
    for norm in NORMS {
        let what = |op: &str| format!("{op} n={n} len={len} norm={norm:?} {}", T::NAME);
        let (fwd, inv) = (norm_factor(norm, n, false), norm_factor(norm, n, true));
        let want = ArrayD::from_shape_vec(
            IxDyn(&[n / 2 + 1]),
            spectrum[..=n / 2].iter().map(|z| z * fwd).collect(),
        )
        .unwrap();
        let got = on_two_workers(|| rfft(&x, Some(n), -1, norm)).unwrap();
        check_err(rel_l2(&got, &want), bound::<T>(n), seed, || what("rfft"));
        let mut into = ArrayD::<Complex<T>>::zeros(IxDyn(&[n / 2 + 1]));
        on_two_workers(|| rfft_into(&x, &mut into, Some(n), -1, norm)).unwrap();
        assert_eq!(into, got, "{}", what("rfft_into == rfft"));

        let want = ArrayD::from_shape_vec(
            IxDyn(&[n]),
            signal.iter().map(|z| Complex::new(z.re * inv, 0.0)).collect(),
        )
        .unwrap();
        let got = on_two_workers(|| irfft(&bins, Some(n), -1, norm)).unwrap();
        check_err(rel_l2(&got, &want), bound::<T>(n), seed, || what("irfft"));
        let mut into = ArrayD::<T>::zeros(IxDyn(&[n]));
        on_two_workers(|| irfft_into(&bins, &mut into, Some(n), -1, norm)).unwrap();
        assert_eq!(into, got, "{}", what("irfft_into == irfft"));

        let back = on_two_workers(|| irfft(&rfft(&x, Some(n), -1, norm).unwrap(), Some(n), -1, norm)).unwrap();
        check_err(rel_l2(&back, &x64), bound::<T>(n), seed, || what("irfft(rfft)"));
    }
}

#[test]
fn lone_long_lanes_match_float64_f32() {
    let mut rng = TestRng::new("lone_long_lanes_match_float64_f32");
    // Powers of two, a length of 2, 3 and 5, and twice a prime (its half-length transform is
    // the chirp split); whole, cut, padded (odd lengths too: an odd lane shorter than n runs on
    // the per-lane kernel).
    for (n, len) in [
        (1 << 22, 1 << 22),
        (1 << 21, 1_500_001),
        (1 << 21, 3_000_001),
        (2_400_000, 2_400_000),
        (2_000_006, 2_000_006),
    ] {
        check::<f32>(n, len, &mut rng);
    }
}

#[test]
fn lone_long_lanes_match_float64_f64() {
    let mut rng = TestRng::new("lone_long_lanes_match_float64_f64");
    for (n, len) in [(1 << 22, 1 << 22), (1 << 21, 2_000_000), (4_800_000, 4_800_001)] {
        check::<f64>(n, len, &mut rng);
    }
}

/// A lone complex lane of a prime length (Bluestein's chirp convolution around two four-steps),
/// forward and inverse, whole, cut and padded, against float64 rustfft.
#[test]
fn lone_prime_lanes_match_float64() {
    let mut rng = TestRng::new("lone_prime_lanes_match_float64");
    let n = 1_000_003;
    for len in [n, 999_000, 1_200_001] {
        let x = rng.complex::<f32>(&[len]);
        let x64 = resize_axis(&to_c64(&x), 0, n);
        for (inverse, norm) in [(false, Norm::Backward), (true, Norm::Ortho)] {
            let want = reference(x64.as_slice().unwrap(), inverse);
            let f = norm_factor(norm, n, inverse);
            let want = ArrayD::from_shape_vec(IxDyn(&[n]), want.iter().map(|z| z * f).collect()).unwrap();
            let got = on_two_workers(|| {
                if inverse {
                    ifft(&x, Some(n), -1, norm)
                } else {
                    fft(&x, Some(n), -1, norm)
                }
            })
            .unwrap();
            check_err(rel_l2(&got, &want), bound::<f32>(n), rng.seed, || {
                format!("n={n} len={len} inverse={inverse}")
            });
        }
    }
}

/// Lone long complex lanes (the four-step, which reads a lane of complex values where it is),
/// whole, cut and padded: `fft` against float64, `fft_into` and `fft_inplace` bit for bit
/// alike, the input untouched.
fn four_step_lanes<T: Float>(n: usize, len: usize, rng: &mut TestRng)
where
    Complex<T>: ToC64,
{
    let x = rng.complex::<T>(&[len]);
    let before = x.clone();
    let what = || format!("fft n={n} len={len} {}", T::NAME);
    let want = reference(resize_axis(&to_c64(&x), 0, n).as_slice().unwrap(), false);
    let want = ArrayD::from_shape_vec(IxDyn(&[n]), want).unwrap();
    let got = on_two_workers(|| fft(&x, Some(n), -1, Norm::Backward)).unwrap();
    assert!(x == before, "{} changed its input", what());
    check_err(rel_l2(&got, &want), bound::<T>(n), rng.seed, what);
    let mut into = ArrayD::<Complex<T>>::zeros(IxDyn(&[n]));
    on_two_workers(|| fft_into(&x, &mut into, Some(n), -1, Norm::Backward)).unwrap();
    assert!(x == before, "{}: fft_into changed its input", what());
    assert!(into == got, "{}: fft_into differs from fft", what());
    if len == n {
        let mut inplace = x.clone();
        on_two_workers(|| fft_inplace(&mut inplace, -1, Norm::Backward)).unwrap();
        assert!(inplace == got, "{}: fft_inplace differs from fft", what());
    }
}

#[test]
fn lone_long_complex_lanes_are_read_where_they_are() {
    let mut rng = TestRng::new("lone_long_complex_lanes_are_read_where_they_are");
    for (n, len) in [
        (1 << 21, 1 << 21),
        (1 << 21, 2_000_001),
        (1 << 21, 2_200_000),
        (3 << 20, 3 << 20),
    ] {
        four_step_lanes::<f32>(n, len, &mut rng);
    }
    for (n, len) in [(1 << 21, 1 << 21), (1 << 21, 1_900_000)] {
        four_step_lanes::<f64>(n, len, &mut rng);
    }
}

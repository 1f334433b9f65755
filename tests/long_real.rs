//! Lone long real lanes (rfft, irfft and their `_into` forms), which run on every core through the half-length four-step, against float64.

mod common;

use common::*;
use ndarray::{ArrayD, IxDyn};
use shardfft::{Complex, Float, irfft, irfft_into, rfft, rfft_into};

/// Runs `f` on a pool of two workers, so a lone lane is split over both whatever this
/// machine's core count.
fn on_two_workers<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool of two workers")
        .install(f)
}

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
    // Powers of two and a length of 2, 3 and 5; whole, cut, padded (odd lengths too: an odd
    // lane shorter than n runs on the per-lane kernel).
    for (n, len) in [
        (1 << 22, 1 << 22),
        (1 << 21, 1_500_001),
        (1 << 21, 3_000_001),
        (2_400_000, 2_400_000),
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

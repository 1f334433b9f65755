//! Every transform against a naive float64 DFT with exact twiddles, at every length 1..=256 and a
//! spread of larger ones, every norm, f32 and f64.
//!
//! Bound: relative L2 error ≤ 4·eps·max(log2 n, 1), where n is the transform's (total) size. f32
//! results are compared with the float64 DFT of the same (f32-rounded) input. The worst ratio
//! error / (eps·log2 n) per family is printed (`cargo test --release --test integration -- reference::
//! --nocapture | grep ACCURACY`).

use crate::common;

use common::*;
use ndarray::{ArrayD, Axis, IxDyn, Slice};
use shardfft::{
    Complex, Float, Norm, fft, fft2, fftn, hfft, ifft, ifft2, ifftn, ihfft, irfft, irfft2, irfftn, rfft, rfft2, rfftn,
};

/// Lengths past 256: primes, odd composites, and 2^k·3^j·5^i.
const LARGE: &[usize] = &[257, 360, 509, 999, 1000, 1009, 1155, 1536, 2048, 4096, 4099, 6000];

/// A 1-D float64 array from a vector.
fn arr(v: Vec<C64>) -> ArrayD<C64> {
    ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).expect("1-D")
}

/// The real part of every element (as complex).
fn real_part(a: &ArrayD<C64>) -> ArrayD<C64> {
    a.mapv(|z| C64::new(z.re, 0.0))
}

/// Records `err` and asserts it is within the bound for a transform of size `n`.
fn check<T: Float>(worst: &mut Worst, family: &str, n: usize, err: f64, seed: u64, what: &dyn Fn() -> String) {
    worst.record::<T>(family, n, err, what);
    check_err(err, bound::<T>(n), seed, what);
}

/// All six 1-D transforms and their round trips at length `n`, in precision `T`, every norm.
fn check_1d<T>(n: usize, rng: &mut TestRng, worst: &mut Worst)
where
    T: Float + ToC64,
    Complex<T>: ToC64,
{
    let seed = rng.seed;
    let m = n / 2 + 1;
    let r = rng.real::<T>(&[n]);
    let c = rng.complex::<T>(&[n]);
    let h = rng.complex::<T>(&[m]); // DC and Nyquist imaginary parts present: irfft must ignore them
    let (r64, c64, h64) = (to_c64(&r), to_c64(&c), to_c64(&h));
    let r_spec = arr(dft(&flat(&r64), false));
    let c_spec = arr(dft(&flat(&c64), false));
    let c_ispec = arr(dft(&flat(&c64), true));
    let herm = hermitian_extend(&flat(&h64), n);
    let h_inv = real_part(&arr(dft(&herm, true)));
    let h_fwd = real_part(&arr(dft(&herm, false)));
    let half = |a: &ArrayD<C64>| a.slice_axis(Axis(0), Slice::from(..m)).to_owned();

    for norm in NORMS {
        let what = |op: &str| format!("{op} n={n} norm={norm:?} {}", T::NAME);
        let fail = |op: &str, e: shardfft::Error| -> ! { panic!("{}: {e} (seed {seed})", what(op)) };
        let fwd = norm_factor(norm, n, false);
        let inv = norm_factor(norm, n, true);

        // c2c, real input read as complex.
        let got = fft(&r, None, -1, norm).unwrap_or_else(|e| fail("fft(real)", e));
        check::<T>(worst, "fft/ifft", n, rel_l2(&got, &scaled(&r_spec, fwd)), seed, &|| {
            what("fft(real)")
        });
        let got = fft(&c, None, 0, norm).unwrap_or_else(|e| fail("fft", e));
        check::<T>(worst, "fft/ifft", n, rel_l2(&got, &scaled(&c_spec, fwd)), seed, &|| {
            what("fft")
        });
        let got = ifft(&c, None, 0, norm).unwrap_or_else(|e| fail("ifft", e));
        check::<T>(
            worst,
            "fft/ifft",
            n,
            rel_l2(&got, &scaled(&c_ispec, inv)),
            seed,
            &|| what("ifft"),
        );
        let back = ifft(&fft(&c, None, -1, norm).unwrap(), None, -1, norm).unwrap();
        check::<T>(worst, "roundtrip", n, rel_l2(&back, &c64), seed, &|| what("ifft(fft)"));

        // Real transforms.
        let got = rfft(&r, None, -1, norm).unwrap_or_else(|e| fail("rfft", e));
        check::<T>(
            worst,
            "rfft/irfft",
            n,
            rel_l2(&got, &scaled(&half(&r_spec), fwd)),
            seed,
            &|| what("rfft"),
        );
        let got = irfft(&h, Some(n), -1, norm).unwrap_or_else(|e| fail("irfft", e));
        check::<T>(
            worst,
            "rfft/irfft",
            n,
            rel_l2(&got, &scaled(&h_inv, inv)),
            seed,
            &|| what("irfft"),
        );
        let back = irfft(&rfft(&r, None, 0, norm).unwrap(), Some(n), 0, norm).unwrap();
        check::<T>(worst, "roundtrip", n, rel_l2(&back, &r64), seed, &|| {
            what("irfft(rfft)")
        });

        // Hermitian transforms: hfft is a forward transform of the Hermitian extension, ihfft
        // the conjugated half of an inverse one.
        let got = hfft(&h, Some(n), -1, norm).unwrap_or_else(|e| fail("hfft", e));
        check::<T>(
            worst,
            "hfft/ihfft",
            n,
            rel_l2(&got, &scaled(&h_fwd, fwd)),
            seed,
            &|| what("hfft"),
        );
        let want = half(&r_spec).mapv(|z| z.conj() * inv);
        let got = ihfft(&r, None, -1, norm).unwrap_or_else(|e| fail("ihfft", e));
        check::<T>(worst, "hfft/ihfft", n, rel_l2(&got, &want), seed, &|| what("ihfft"));
        let back = hfft(&ihfft(&r, None, 0, norm).unwrap(), Some(n), 0, norm).unwrap();
        check::<T>(worst, "roundtrip", n, rel_l2(&back, &r64), seed, &|| {
            what("hfft(ihfft)")
        });
    }
}

fn sweep<T>(name: &str, lengths: impl IntoIterator<Item = usize>)
where
    T: Float + ToC64,
    Complex<T>: ToC64,
{
    let mut rng = TestRng::new(name);
    let mut worst = Worst::default();
    for n in lengths {
        check_1d::<T>(n, &mut rng, &mut worst);
    }
    worst.print(name);
}

#[test]
fn every_length_to_256_f32() {
    sweep::<f32>("every_length_to_256_f32", 1..=256);
}

#[test]
fn every_length_to_256_f64() {
    sweep::<f64>("every_length_to_256_f64", 1..=256);
}

#[test]
fn large_lengths_f32() {
    sweep::<f32>("large_lengths_f32", LARGE.iter().copied());
}

#[test]
fn large_lengths_f64() {
    sweep::<f64>("large_lengths_f64", LARGE.iter().copied());
}

// ---------------------------------------------------------------------------------------------
// N-D forms
// ---------------------------------------------------------------------------------------------

/// One N-D case: input shape, `s`, `axes`.
struct Case {
    shape: &'static [usize],
    s: Option<&'static [usize]>,
    axes: Option<&'static [isize]>,
}

const fn case(shape: &'static [usize], s: Option<&'static [usize]>, axes: Option<&'static [isize]>) -> Case {
    Case { shape, s, axes }
}

/// Complex N-D cases (also the real-input cases of rfftn).
const CASES: &[Case] = &[
    case(&[7], None, None),
    case(&[3, 4], None, None),
    case(&[1, 7], None, None),
    case(&[16, 15], None, None),
    case(&[5, 6, 7], None, None),
    case(&[2, 3, 4, 5], None, None),
    case(&[8, 1, 9], None, Some(&[0, 2])),
    case(&[4, 5, 6], None, Some(&[2, 0])),
    case(&[3, 4, 5], None, Some(&[-1, 0])),
    case(&[6, 5, 4], Some(&[7, 3]), Some(&[2, 0])),
    case(&[6, 5, 4], Some(&[4, 8]), None),
    case(&[4, 6], Some(&[3]), Some(&[-2])),
    case(&[2, 3, 4, 5], None, Some(&[1, 3, 0])),
    case(&[5, 1, 4], Some(&[1, 3]), Some(&[1, 2])),
    case(&[3, 4, 5], Some(&[5, 4, 9]), None),
];

/// numpy's resolution of (s, axes), written independently of the library: (axes, lengths).
fn resolve(
    shape: &[usize],
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    default_len: impl Fn(usize, bool) -> usize,
) -> (Vec<usize>, Vec<usize>) {
    let nd = shape.len() as isize;
    let axes: Vec<usize> = match (axes, s) {
        (Some(a), _) => a.iter().map(|&a| if a < 0 { a + nd } else { a } as usize).collect(),
        (None, Some(s)) => (shape.len() - s.len()..shape.len()).collect(),
        (None, None) => (0..shape.len()).collect(),
    };
    let lens = match s {
        Some(s) => s.to_vec(),
        None => axes
            .iter()
            .enumerate()
            .map(|(i, &a)| default_len(shape[a], i + 1 == axes.len()))
            .collect(),
    };
    (axes, lens)
}

fn check_nd<T>(name: &str)
where
    T: Float + ToC64,
    Complex<T>: ToC64,
{
    let mut rng = TestRng::new(name);
    let seed = rng.seed;
    let mut worst = Worst::default();
    for case in CASES {
        let (shape, s, axes_in) = (case.shape, case.s, case.axes);
        let (axes, lens) = resolve(shape, s, axes_in, |len, _| len);
        let total: usize = lens.iter().product();
        let x = rng.complex::<T>(shape);
        let r = rng.real::<T>(shape);
        let (x64, r64) = (to_c64(&x), to_c64(&r));
        let spec = dft_nd(&x64, &axes, &lens, false);
        let ispec = dft_nd(&x64, &axes, &lens, true);
        let (&last, last_len) = (axes.last().expect("every case has an axis"), lens[lens.len() - 1]);
        let rspec = dft_nd(&r64, &axes, &lens, false)
            .slice_axis(Axis(last), Slice::from(..last_len / 2 + 1))
            .to_owned();

        // irfftn input: random (not Hermitian) bins, with the shape rfftn would give.
        let mut hshape = shape.to_vec();
        hshape[last] = last_len / 2 + 1;
        let h = rng.complex::<T>(&hshape);
        let (_, hlens) = resolve(
            &hshape,
            s,
            axes_in,
            |len, is_last| if is_last { 2 * (len - 1) } else { len },
        );
        let htotal: usize = hlens.iter().product();
        let hpart = dft_nd(&to_c64(&h), &axes[..axes.len() - 1], &hlens[..hlens.len() - 1], true);
        let hinv = c2r_axis_ref(&hpart, last, hlens[hlens.len() - 1]);

        for norm in NORMS {
            let what = |op: &str| {
                format!(
                    "{op} shape={shape:?} s={s:?} axes={axes_in:?} norm={norm:?} {}",
                    T::NAME
                )
            };
            let fwd = norm_factor(norm, total, false);
            let inv = norm_factor(norm, total, true);
            let got = fftn(&x, s, axes_in, norm).unwrap();
            check::<T>(
                &mut worst,
                "N-D",
                total,
                rel_l2(&got, &scaled(&spec, fwd)),
                seed,
                &|| what("fftn"),
            );
            let got = ifftn(&x, s, axes_in, norm).unwrap();
            check::<T>(
                &mut worst,
                "N-D",
                total,
                rel_l2(&got, &scaled(&ispec, inv)),
                seed,
                &|| what("ifftn"),
            );
            let got = rfftn(&r, s, axes_in, norm).unwrap();
            check::<T>(
                &mut worst,
                "N-D",
                total,
                rel_l2(&got, &scaled(&rspec, fwd)),
                seed,
                &|| what("rfftn"),
            );
            let got = irfftn(&h, s, axes_in, norm).unwrap();
            let want = scaled(&hinv, norm_factor(norm, htotal, true));
            check::<T>(&mut worst, "N-D", htotal, rel_l2(&got, &want), seed, &|| what("irfftn"));
            if s.is_none() {
                let back = ifftn(&fftn(&x, None, axes_in, norm).unwrap(), None, axes_in, norm).unwrap();
                check::<T>(&mut worst, "roundtrip N-D", total, rel_l2(&back, &x64), seed, &|| {
                    what("ifftn(fftn)")
                });
                let back = irfftn(&rfftn(&r, None, axes_in, norm).unwrap(), Some(&lens), axes_in, norm).unwrap();
                check::<T>(&mut worst, "roundtrip N-D", total, rel_l2(&back, &r64), seed, &|| {
                    what("irfftn(rfftn)")
                });
            }
            // The 2-D forms on the last two axes (their default) when the rank allows.
            if shape.len() >= 2 && axes_in.is_none() && s.is_none() {
                let nd = shape.len();
                let two = [nd - 2, nd - 1];
                let lens2 = [shape[nd - 2], shape[nd - 1]];
                let total2 = lens2[0] * lens2[1];
                let (f2, i2) = (norm_factor(norm, total2, false), norm_factor(norm, total2, true));
                let got = fft2(&x, None, None, norm).unwrap();
                let want = scaled(&dft_nd(&x64, &two, &lens2, false), f2);
                check::<T>(&mut worst, "N-D", total2, rel_l2(&got, &want), seed, &|| what("fft2"));
                let got = ifft2(&x, None, None, norm).unwrap();
                let want = scaled(&dft_nd(&x64, &two, &lens2, true), i2);
                check::<T>(&mut worst, "N-D", total2, rel_l2(&got, &want), seed, &|| what("ifft2"));
                let got = rfft2(&r, None, None, norm).unwrap();
                let want = dft_nd(&r64, &two, &lens2, false)
                    .slice_axis(Axis(nd - 1), Slice::from(..lens2[1] / 2 + 1))
                    .mapv(|z| z * f2);
                check::<T>(&mut worst, "N-D", total2, rel_l2(&got, &want), seed, &|| what("rfft2"));
                let hlens2 = [hshape[nd - 2], 2 * (hshape[nd - 1] - 1)];
                if hlens2[1] > 0 {
                    let part = dft_axis(&to_c64(&h), nd - 2, hlens2[0], true);
                    let want = scaled(
                        &c2r_axis_ref(&part, nd - 1, hlens2[1]),
                        norm_factor(norm, hlens2[0] * hlens2[1], true),
                    );
                    let got = irfft2(&h, None, None, norm).unwrap();
                    check::<T>(
                        &mut worst,
                        "N-D",
                        hlens2[0] * hlens2[1],
                        rel_l2(&got, &want),
                        seed,
                        &|| what("irfft2"),
                    );
                }
            }
        }
    }
    worst.print(name);
}

#[test]
fn nd_forms_f32() {
    check_nd::<f32>("nd_forms_f32");
}

#[test]
fn nd_forms_f64() {
    check_nd::<f64>("nd_forms_f64");
}

// ---------------------------------------------------------------------------------------------
// The reference itself
// ---------------------------------------------------------------------------------------------

/// The naive DFT must be accurate to well below the bound: a pure tone of random frequency has a
/// known spectrum (n at one bin, zero elsewhere), and its twiddles obey exact symmetries.
#[test]
fn naive_dft_is_exact_on_closed_forms() {
    let mut rng = TestRng::new("naive_dft_is_exact_on_closed_forms");
    for &n in &[1usize, 2, 3, 5, 7, 12, 97, 256, 1009, 4099, 6000] {
        let f = rng.range(0, n);
        let amp = rng.cnormal();
        let tone: Vec<C64> = (0..n).map(|j| amp * twiddle((j * f) as u128, n as u128, 1.0)).collect();
        let mut want = vec![C64::new(0.0, 0.0); n];
        want[f] = amp * n as f64;
        let err = rel_l2(&arr(dft(&tone, false)), &arr(want));
        assert!(
            err <= 2.0 * f64::EPSILON,
            "naive DFT of a tone n={n} f={f}: relative error {err:e} (seed {})",
            rng.seed
        );
        println!("REFERENCE tone n={n}: err/eps = {:.3}", err / f64::EPSILON);
        for m in 0..n as u128 {
            let w = twiddle(m, n as u128, -1.0);
            let direct = (-2.0 * std::f64::consts::PI * m as f64 / n as f64).sin_cos();
            assert!(
                (w.re - direct.1).abs() < 4e-15 && (w.im - direct.0).abs() < 4e-15,
                "twiddle {m}/{n}"
            );
            assert_eq!(
                twiddle(n as u128 - m, n as u128, -1.0),
                if m == 0 { w } else { w.conj() }
            );
            assert!((w.norm_sqr() - 1.0).abs() <= 2.0 * f64::EPSILON);
        }
    }
}

/// The reference checker must be able to fail: a transform off by one ulp-scale perturbation
/// passes, one with a wrong twiddle sign or a wrong normalization does not.
#[test]
fn checker_rejects_wrong_transforms() {
    let mut rng = TestRng::new("checker_rejects_wrong_transforms");
    let n = 64;
    let x = rng.complex::<f64>(&[n]);
    let want = arr(dft(&flat(&to_c64(&x)), false));
    let got = fft(&x, None, 0, Norm::Backward).unwrap();
    assert!(rel_l2(&got, &want) <= bound::<f64>(n));
    let conj_sign = ifft(&x, None, 0, Norm::Forward).unwrap();
    assert!(rel_l2(&conj_sign, &want) > 0.1);
    let wrong_scale = fft(&x, None, 0, Norm::Ortho).unwrap();
    assert!(rel_l2(&wrong_scale, &want) > 0.1);
    let mut one_bin = got.clone();
    one_bin[5] += Complex::new(1e-9 * want[5].norm(), 0.0);
    assert!(rel_l2(&one_bin, &want) > bound::<f64>(n));
}

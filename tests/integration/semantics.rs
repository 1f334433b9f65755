//! numpy.fft semantics: padding and truncation, norm modes, irfft's lengths and ignored
//! imaginary parts, the hfft/ihfft identities, axes and `s`, memory layouts, empty axes, real
//! input to complex transforms, fftfreq/rfftfreq and fftshift/ifftshift. Values marked "numpy"
//! were computed with numpy 2.4.

use crate::common;

use common::*;
use ndarray::{Array1, ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice, array};
use shardfft::{
    Complex, Norm, fft, fft2, fftfreq, fftn, fftshift, hfft, ifft, ifft2, ifftn, ifftshift, ihfft, irfft, irfft2,
    irfftn, rfft, rfft2, rfftfreq, rfftn,
};

const TIGHT: f64 = 1e-14;

fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

/// Asserts that a result equals numpy's values to within `TIGHT` (relative L2).
#[track_caller]
fn assert_numpy<A: ToC64>(got: &ArrayD<A>, want: &[C64], shape: &[usize], what: &str) {
    assert_eq!(got.shape(), shape, "{what}: shape");
    let want = ArrayD::from_shape_vec(IxDyn(shape), want.to_vec()).unwrap();
    let err = rel_l2(got, &want);
    assert!(
        err <= TIGHT,
        "{what}: relative error {err:e} vs numpy\n got {got:?}\nwant {want:?}"
    );
}

fn reals(v: &[f64]) -> Vec<C64> {
    v.iter().map(|&x| c(x, 0.0)).collect()
}

fn d1<A: Clone>(v: &[A]) -> ArrayD<A> {
    ArrayD::from_shape_vec(IxDyn(&[v.len()]), v.to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Values checked against numpy
// ---------------------------------------------------------------------------------------------

#[test]
fn numpy_values_1d() {
    let b = Norm::Backward;
    let x5 = d1(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    let got = fft(&x5, None, -1, b).unwrap();
    let want = [
        c(15.0, 0.0),
        c(-2.5, 3.4409548011779334),
        c(-2.5, 0.8122992405822659),
        c(-2.5, -0.8122992405822659),
        c(-2.5, -3.4409548011779334),
    ];
    assert_numpy(&got, &want, &[5], "fft([1..5])");

    let got = fft(&d1(&[1.0, -2.0, 0.5]), Some(5), -1, b).unwrap();
    let want = [
        c(-0.5, 0.0),
        c(-0.022542485937368628, 1.6082204064440706),
        c(2.7725424859373686, 1.651098762732523),
        c(2.7725424859373686, -1.651098762732523),
        c(-0.022542485937368628, -1.6082204064440706),
    ];
    assert_numpy(&got, &want, &[5], "fft(n=5) zero-padding");

    let got = fft(&d1(&[1.0, -2.0, 0.5, 4.0, 3.0]), Some(3), -1, Norm::Ortho).unwrap();
    let want = [
        c(-0.2886751345948129, 0.0),
        c(1.0103629710818451, 1.25),
        c(1.0103629710818451, -1.25),
    ];
    assert_numpy(&got, &want, &[3], "fft(n=3, ortho) truncation");

    let z = d1(&[c(1.0, 1.0), c(2.0, -1.0), c(-3.0, 0.5), c(0.0, 0.25)]);
    let got = ifft(&z, None, 0, Norm::Forward).unwrap();
    let want = [c(0.0, 0.75), c(5.25, 2.5), c(-4.0, 2.25), c(2.75, -1.5)];
    assert_numpy(&got, &want, &[4], "ifft(norm=forward)");

    let got = rfft(&d1(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]), None, -1, b).unwrap();
    let want = [
        c(28.0, 0.0),
        c(-3.5, 7.267824888003178),
        c(-3.499999999999999, 2.7911568610884143),
        c(-3.4999999999999996, 0.7988521603655246),
    ];
    assert_numpy(&got, &want, &[4], "rfft([1..7])");

    let h = d1(&[c(1.0, 0.0), c(2.0, 1.0), c(3.0, -2.0)]);
    let got = irfft(&h, Some(5), -1, b).unwrap();
    let want = reals(&[
        2.2,
        -0.43380120243406195,
        -1.072352516203133,
        0.9195661117030911,
        -0.6134123930658961,
    ]);
    assert_numpy(&got, &want, &[5], "irfft(n=5), odd length");

    let h5 = d1(&[c(1.0, 5.0), c(2.0, 1.0), c(3.0, -2.0)]);
    let got = irfft(&h5, None, -1, b).unwrap();
    assert_numpy(
        &got,
        &reals(&[2.0, -1.0, 0.0, 0.0]),
        &[4],
        "irfft default n=2(m-1), DC/Nyquist imag ignored",
    );
    let got = irfft(&d1(&[c(1.0, 5.0), c(2.0, 1.0)]), Some(4), -1, b).unwrap();
    assert_numpy(
        &got,
        &reals(&[1.25, -0.25, -0.75, 0.75]),
        &[4],
        "irfft(n=4) bin padding",
    );

    let got = hfft(&h, None, -1, b).unwrap();
    assert_numpy(&got, &reals(&[8.0, 0.0, 0.0, -4.0]), &[4], "hfft default length");
    let got = hfft(&h, Some(5), -1, Norm::Ortho).unwrap();
    let want = reals(&[
        4.919349550499537,
        -1.3716318091361641,
        2.0562123355732767,
        -2.3978531220731503,
        -0.9700089773637097,
    ]);
    assert_numpy(&got, &want, &[5], "hfft(n=5, ortho)");

    let got = ihfft(&x5, None, -1, b).unwrap();
    let want = [c(3.0, 0.0), c(-0.5, -0.6881909602355867), c(-0.5, -0.1624598481164532)];
    assert_numpy(&got, &want, &[3], "ihfft([1..5])");
}

#[test]
fn numpy_values_nd() {
    let b = Norm::Backward;
    let x = ArrayD::from_shape_fn(IxDyn(&[2, 3]), |i| (i[0] * 3 + i[1] + 1) as f64);
    let got = fft2(&x, None, None, b).unwrap();
    let r3 = 1.7320508075688772;
    let want = [
        c(21.0, 0.0),
        c(-3.0, r3),
        c(-3.0, -r3),
        c(-9.0, 0.0),
        c(0.0, 0.0),
        c(0.0, 0.0),
    ];
    assert_numpy(&got, &want, &[2, 3], "fft2(2x3)");

    // rfftn over axes (2, 0): the LAST listed axis (0) is the real one.
    let y = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4]), |i| (i[0] * 12 + i[1] * 4 + i[2]) as f64);
    let got = rfftn(&y, None, Some(&[2, 0]), b).unwrap();
    let row = |d: f64| [c(d, 0.0), c(-4.0, 4.0), c(-4.0, 0.0), c(-4.0, -4.0)];
    let zero = [c(-48.0, 0.0), c(0.0, 0.0), c(0.0, 0.0), c(0.0, 0.0)];
    let want: Vec<C64> = [row(60.0), row(92.0), row(124.0), zero, zero, zero].concat();
    assert_numpy(&got, &want, &[2, 3, 4], "rfftn(axes=(2,0))");

    let got = rfftn(&y, Some(&[3, 3]), Some(&[2, 0]), b).unwrap();
    let want = [
        c(42.0, 0.0),
        c(-3.0, r3),
        c(-3.0, -r3),
        c(66.0, 0.0),
        c(-3.0, r3),
        c(-3.0, -r3),
        c(90.0, 0.0),
        c(-3.0, r3),
        c(-3.0, -r3),
        c(-16.5, -33.77499074759311),
        c(4.440892098500626e-16, r3),
        c(-1.5000000000000004, 0.8660254037844387),
        c(-10.5, -44.16729559300637),
        c(-9.992007221626409e-16, r3),
        c(-1.4999999999999991, 0.8660254037844387),
        c(-4.5, -54.55960043841963),
        c(-9.992007221626409e-16, r3),
        c(-1.4999999999999991, 0.8660254037844387),
    ];
    assert_numpy(&got, &want, &[2, 3, 3], "rfftn(s=(3,3), axes=(2,0))");

    let full = rfftn(&y, None, Some(&[2, 0]), b).unwrap();
    let back = irfftn(&full, Some(&[4, 3]), Some(&[2, 0]), b).unwrap();
    assert_eq!(back.shape(), &[3, 3, 4], "irfftn(s=(4,3), axes=(2,0)) shape (numpy)");
    let back = irfftn(&full, Some(&[4, 2]), Some(&[2, 0]), b).unwrap();
    assert!(
        rel_l2(&back, &to_c64(&y)) <= 1e-15,
        "irfftn(rfftn(y)) along axes (2, 0)"
    );
}

// ---------------------------------------------------------------------------------------------
// Padding and truncation
// ---------------------------------------------------------------------------------------------

/// fft/ifft/rfft/ihfft with n shorter and longer than the axis, and irfft/hfft with n whose
/// n/2+1 bins are fewer or more than given, on both axes of a 2-D array.
#[test]
fn padding_and_truncation_1d() {
    let mut rng = TestRng::new("padding_and_truncation_1d");
    let seed = rng.seed;
    let shape = [6, 9];
    let x = rng.complex::<f64>(&shape);
    let r = rng.real::<f64>(&shape);
    let (x64, r64) = (to_c64(&x), to_c64(&r));
    for axis in [0usize, 1] {
        let len = shape[axis];
        for n in [1, 2, len - 1, len + 1, 2 * len + 3] {
            let what = |op: &str| format!("{op} axis={axis} n={n} (seed {seed})");
            let b = bound::<f64>(n);
            let want = dft_axis(&x64, axis, n, false);
            let err = rel_l2(&fft(&x, Some(n), axis as isize, Norm::Backward).unwrap(), &want);
            assert!(err <= b, "{}: {err:e}", what("fft"));
            let want = scaled(&dft_axis(&x64, axis, n, true), 1.0 / n as f64);
            let err = rel_l2(&ifft(&x, Some(n), axis as isize, Norm::Backward).unwrap(), &want);
            assert!(err <= b, "{}: {err:e}", what("ifft"));
            let spec = dft_axis(&r64, axis, n, false);
            let half = spec.slice_axis(Axis(axis), Slice::from(..n / 2 + 1)).to_owned();
            let err = rel_l2(&rfft(&r, Some(n), axis as isize, Norm::Backward).unwrap(), &half);
            assert!(err <= b, "{}: {err:e}", what("rfft"));
            let want = half.mapv(|z| z.conj() / n as f64);
            let err = rel_l2(&ihfft(&r, Some(n), axis as isize, Norm::Backward).unwrap(), &want);
            assert!(err <= b, "{}: {err:e}", what("ihfft"));
            // x has `len` bins along axis; n/2+1 may be fewer (truncate) or more (pad).
            let want = scaled(&c2r_axis_ref(&x64, axis, n), 1.0 / n as f64);
            let got = irfft(&x, Some(n), axis as isize, Norm::Backward).unwrap();
            let err = rel_l2(&got, &want);
            assert!(err <= b, "{}: {err:e}", what("irfft"));
            // hfft (Backward) is the unnormalized DFT of the Hermitian extension.
            let want = c2r_axis_ref(&x64.mapv(|z| z.conj()), axis, n);
            let got = hfft(&x, Some(n), axis as isize, Norm::Backward).unwrap();
            let err = rel_l2(&got, &want);
            assert!(err <= b, "{}: {err:e}", what("hfft"));
        }
    }
}

/// fftn/rfftn/irfftn/fft2 with `s` padding one axis and truncating another.
#[test]
fn padding_and_truncation_nd() {
    let mut rng = TestRng::new("padding_and_truncation_nd");
    let seed = rng.seed;
    let x = rng.complex::<f64>(&[5, 6, 7]);
    let r = rng.real::<f64>(&[5, 6, 7]);
    let (x64, r64) = (to_c64(&x), to_c64(&r));
    let b = bound::<f64>(8 * 4);
    let got = fftn(&x, Some(&[8, 4]), None, Norm::Backward).unwrap();
    assert_eq!(got.shape(), &[5, 8, 4]);
    let err = rel_l2(&got, &dft_nd(&x64, &[1, 2], &[8, 4], false));
    assert!(err <= b, "fftn s=[8,4]: {err:e} (seed {seed})");
    let got = fft2(&x, Some(&[3, 9]), Some(&[0, 2]), Norm::Backward).unwrap();
    assert_eq!(got.shape(), &[3, 6, 9]);
    let err = rel_l2(&got, &dft_nd(&x64, &[0, 2], &[3, 9], false));
    assert!(err <= b, "fft2 s=[3,9]: {err:e} (seed {seed})");
    // rfftn with s: the real (last listed) axis 1 is cut to 4 then halved to 3 bins.
    let got = rfftn(&r, Some(&[9, 4]), Some(&[2, 1]), Norm::Backward).unwrap();
    assert_eq!(got.shape(), &[5, 3, 9]);
    let want = dft_nd(&r64, &[2, 1], &[9, 4], false)
        .slice_axis(Axis(1), Slice::from(..3))
        .to_owned();
    let err = rel_l2(&got, &want);
    assert!(err <= b, "rfftn s=[9,4] axes=[2,1]: {err:e} (seed {seed})");
    // irfftn with s: axis 0 complex, cut to 3; axis 2 a real output of odd length 11, which
    // reads 11/2+1 = 6 of the 7 bins given.
    let got = irfftn(&x, Some(&[3, 11]), Some(&[0, 2]), Norm::Backward).unwrap();
    assert_eq!(got.shape(), &[3, 6, 11]);
    let want = scaled(&c2r_axis_ref(&dft_axis(&x64, 0, 3, true), 2, 11), 1.0 / 33.0);
    let err = rel_l2(&got, &want);
    assert!(err <= b, "irfftn s=[3,11] axes=[0,2]: {err:e} (seed {seed})");
}

// ---------------------------------------------------------------------------------------------
// Norm modes and the hfft/ihfft identities
// ---------------------------------------------------------------------------------------------

#[test]
fn norm_modes() {
    let mut rng = TestRng::new("norm_modes");
    let seed = rng.seed;
    for n in [1usize, 2, 7, 12, 97] {
        let x = rng.complex::<f64>(&[n]);
        let r = rng.real::<f64>(&[n]);
        let x64 = to_c64(&x);
        let b = bound::<f64>(n);
        let spec = arr_dft(&x64, false);
        let ispec = arr_dft(&x64, true);
        let sq = (n as f64).sqrt();
        for (norm, f_fwd, f_inv) in [
            (Norm::Backward, 1.0, 1.0 / n as f64),
            (Norm::Ortho, 1.0 / sq, 1.0 / sq),
            (Norm::Forward, 1.0 / n as f64, 1.0),
        ] {
            let msg = format!("n={n} {norm:?} (seed {seed})");
            let got = fft(&x, None, 0, norm).unwrap();
            assert!(rel_l2(&got, &scaled(&spec, f_fwd)) <= b, "fft {msg}");
            let got = ifft(&x, None, 0, norm).unwrap();
            assert!(rel_l2(&got, &scaled(&ispec, f_inv)) <= b, "ifft {msg}");
            // Each pair inverts itself...
            let back = ifft(&fft(&x, None, 0, norm).unwrap(), None, 0, norm).unwrap();
            assert!(rel_l2(&back, &x64) <= 2.0 * b, "ifft(fft) {msg}");
            let back = irfft(&rfft(&r, None, 0, norm).unwrap(), Some(n), 0, norm).unwrap();
            assert!(rel_l2(&back, &to_c64(&r)) <= 2.0 * b, "irfft(rfft) {msg}");
            let back = hfft(&ihfft(&r, None, 0, norm).unwrap(), Some(n), 0, norm).unwrap();
            assert!(rel_l2(&back, &to_c64(&r)) <= 2.0 * b, "hfft(ihfft) {msg}");
            // ... and hfft/ihfft are the swapped-norm conjugates of irfft/rfft (numpy).
            let h = rng.complex::<f64>(&[n / 2 + 1]);
            let swapped = match norm {
                Norm::Backward => Norm::Forward,
                Norm::Ortho => Norm::Ortho,
                Norm::Forward => Norm::Backward,
            };
            let got = hfft(&h, Some(n), 0, norm).unwrap();
            let want = irfft(&h.mapv(|z| z.conj()), Some(n), 0, swapped).unwrap();
            assert!(
                rel_l2(&got, &to_c64(&want)) <= b,
                "hfft = irfft(conj x, swapped norm) {msg}"
            );
            let got = ihfft(&r, None, 0, norm).unwrap();
            let want = rfft(&r, None, 0, swapped).unwrap().mapv(|z| z.conj());
            assert!(
                rel_l2(&got, &to_c64(&want)) <= b,
                "ihfft = conj(rfft(x, swapped norm)) {msg}"
            );
        }
        // The identities as the issue states them (Backward): hfft(x, n) = n·irfft(conj x, n)
        // and ihfft(x) = conj(rfft(x))/n.
        let h = rng.complex::<f64>(&[n / 2 + 1]);
        let got = hfft(&h, Some(n), 0, Norm::Backward).unwrap();
        let want = irfft(&h.mapv(|z| z.conj()), Some(n), 0, Norm::Backward).unwrap();
        assert!(
            rel_l2(&got, &to_c64(&want.mapv(|v| v * n as f64))) <= b,
            "hfft identity n={n}"
        );
        let got = ihfft(&r, None, 0, Norm::Backward).unwrap();
        let want = rfft(&r, None, 0, Norm::Backward).unwrap().mapv(|z| z.conj() / n as f64);
        assert!(rel_l2(&got, &to_c64(&want)) <= b, "ihfft identity n={n}");
        // Ortho is unitary: Parseval.
        let y = fft(&x, None, 0, Norm::Ortho).unwrap();
        let (ey, ex) = (l2sq(&to_c64(&y)), l2sq(&x64));
        assert!((ey - ex).abs() <= 2.0 * b * ex, "Parseval n={n}: {ey} vs {ex}");
        // Mixed directions: Forward then Backward scales by 1/n.
        let back = ifft(&fft(&x, None, 0, Norm::Forward).unwrap(), None, 0, Norm::Backward).unwrap();
        assert!(
            rel_l2(&back, &scaled(&x64, 1.0 / n as f64)) <= 2.0 * b,
            "mixed norms n={n}"
        );
    }
}

fn arr_dft(x: &ArrayD<C64>, inverse: bool) -> ArrayD<C64> {
    d1(&dft(&flat(x), inverse))
}

fn l2sq(a: &ArrayD<C64>) -> f64 {
    a.iter().map(|z| z.norm_sqr()).sum()
}

// ---------------------------------------------------------------------------------------------
// irfft lengths and ignored imaginary parts
// ---------------------------------------------------------------------------------------------

#[test]
fn odd_length_irfft_and_default_length() {
    let mut rng = TestRng::new("odd_length_irfft_and_default_length");
    let seed = rng.seed;
    for n in [1usize, 3, 5, 7, 9, 15, 101] {
        let x = rng.real::<f64>(&[4, n]);
        let spec = rfft(&x, None, -1, Norm::Backward).unwrap();
        let m = n / 2 + 1;
        assert_eq!(spec.shape(), &[4, m]);
        let back = irfft(&spec, Some(n), -1, Norm::Backward).unwrap();
        let err = rel_l2(&back, &to_c64(&x));
        assert!(
            err <= 2.0 * bound::<f64>(n),
            "irfft(rfft(x), n={n}): {err:e} (seed {seed})"
        );
        if m >= 2 {
            // numpy's default length is 2(m−1) = n−1 for odd n: the odd length is lost.
            let short = irfft(&spec, None, -1, Norm::Backward).unwrap();
            assert_eq!(short.shape(), &[4, 2 * (m - 1)], "default irfft length for m={m}");
            let explicit = irfft(&spec, Some(2 * (m - 1)), -1, Norm::Backward).unwrap();
            assert_eq!(short, explicit);
            let h = hfft(&spec, None, -1, Norm::Backward).unwrap();
            assert_eq!(h.shape(), &[4, 2 * (m - 1)], "default hfft length for m={m}");
        }
    }
    let y = rng.complex::<f64>(&[3, 5]);
    assert_eq!(irfftn(&y, None, None, Norm::Backward).unwrap().shape(), &[3, 8]);
    assert_eq!(irfft2(&y, None, None, Norm::Backward).unwrap().shape(), &[3, 8]);
    assert_eq!(
        irfftn(&y, None, Some(&[1, 0]), Norm::Backward).unwrap().shape(),
        &[4, 5]
    );
}

#[test]
fn irfft_ignores_imaginary_dc_and_nyquist() {
    let mut rng = TestRng::new("irfft_ignores_imaginary_dc_and_nyquist");
    let seed = rng.seed;
    for m in [2usize, 3, 9, 33] {
        let h: Array1<Complex<f64>> = rng.complex::<f64>(&[m]).into_dimensionality().unwrap();
        let mut h2 = h.clone();
        h2[0].im += 1.0 + rng.normal();
        h2[m - 1].im -= 2.0;
        for norm in NORMS {
            // Even n = 2(m−1): bin m−1 is the Nyquist bin.
            let n = 2 * (m - 1);
            let a = irfft(&h, Some(n), 0, norm).unwrap();
            let b = irfft(&h2, Some(n), 0, norm).unwrap();
            assert!(
                rel_l2(&b, &to_c64(&a)) <= 1e-15,
                "irfft n={n} must ignore Im DC/Nyquist (seed {seed})"
            );
            let a = hfft(&h, Some(n), 0, norm).unwrap();
            let b = hfft(&h2, Some(n), 0, norm).unwrap();
            assert!(
                rel_l2(&b, &to_c64(&a)) <= 1e-15,
                "hfft n={n} must ignore Im DC/Nyquist (seed {seed})"
            );
            // Odd n = 2m−1: bin m−1 is an ordinary bin, its imaginary part counts.
            let n = 2 * m - 1;
            let a = irfft(&h, Some(n), 0, norm).unwrap();
            let b = irfft(&h2, Some(n), 0, norm).unwrap();
            assert!(
                rel_l2(&b, &to_c64(&a)) > 1e-3,
                "irfft n={n}: Im of the last bin must count (seed {seed})"
            );
            let mut h3 = h.clone();
            h3[0].im = 7.0;
            let b = irfft(&h3, Some(n), 0, norm).unwrap();
            assert!(
                rel_l2(&b, &to_c64(&a)) <= 1e-15,
                "irfft n={n} must ignore Im DC (seed {seed})"
            );
        }
        // Truncation: with n = 4 only bins 0..=2 are read, bin 2 being the Nyquist bin.
        if m > 3 {
            let mut h4 = h.clone();
            h4[2].im = 123.0;
            let a = irfft(&h, Some(4), 0, Norm::Backward).unwrap();
            let b = irfft(&h4, Some(4), 0, Norm::Backward).unwrap();
            assert!(
                rel_l2(&b, &to_c64(&a)) <= 1e-15,
                "irfft n=4 from m={m} bins: Nyquist bin 2 (seed {seed})"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Axes
// ---------------------------------------------------------------------------------------------

#[test]
fn multiple_axes_with_s_in_any_order() {
    let mut rng = TestRng::new("multiple_axes_with_s_in_any_order");
    let seed = rng.seed;
    let x = rng.complex::<f64>(&[4, 5, 6]);
    let r = rng.real::<f64>(&[4, 5, 6]);
    let (x64, r64) = (to_c64(&x), to_c64(&r));
    let b = bound::<f64>(1000);
    for (axes, s, shape) in [
        (vec![2isize, 0], vec![7usize, 3], [3usize, 5, 7]),
        (vec![0, 2], vec![3, 7], [3, 5, 7]),
        (vec![-1, -3, 1], vec![2, 5, 4], [5, 4, 2]),
        (vec![1, -1], vec![8, 6], [4, 8, 6]),
    ] {
        let norm_axes: Vec<usize> = axes.iter().map(|&a| a.rem_euclid(3) as usize).collect();
        let got = fftn(&x, Some(&s), Some(&axes), Norm::Backward).unwrap();
        assert_eq!(got.shape(), &shape, "fftn axes={axes:?} s={s:?}");
        let want = dft_nd(&x64, &norm_axes, &s, false);
        let err = rel_l2(&got, &want);
        assert!(err <= b, "fftn axes={axes:?} s={s:?}: {err:e} (seed {seed})");
        let got = ifftn(&x, Some(&s), Some(&axes), Norm::Ortho).unwrap();
        let total: usize = s.iter().product();
        let want = scaled(&dft_nd(&x64, &norm_axes, &s, true), 1.0 / (total as f64).sqrt());
        let err = rel_l2(&got, &want);
        assert!(err <= b, "ifftn axes={axes:?} s={s:?}: {err:e} (seed {seed})");

        // rfftn: the last listed axis is the real one.
        let real_axis = *norm_axes.last().unwrap();
        let real_len = *s.last().unwrap();
        let mut rshape = shape;
        rshape[real_axis] = real_len / 2 + 1;
        let got = rfftn(&r, Some(&s), Some(&axes), Norm::Backward).unwrap();
        assert_eq!(
            got.shape(),
            &rshape,
            "rfftn axes={axes:?} s={s:?}: real axis is {real_axis}"
        );
        let want = dft_nd(&r64, &norm_axes, &s, false)
            .slice_axis(Axis(real_axis), Slice::from(..real_len / 2 + 1))
            .to_owned();
        let err = rel_l2(&got, &want);
        assert!(err <= b, "rfftn axes={axes:?} s={s:?}: {err:e} (seed {seed})");
        // ... and irfftn inverts it when given the real lengths.
        let full = rfftn(&r, None, Some(&axes), Norm::Forward).unwrap();
        let lens: Vec<usize> = norm_axes.iter().map(|&a| r.shape()[a]).collect();
        let back = irfftn(&full, Some(&lens), Some(&axes), Norm::Forward).unwrap();
        let err = rel_l2(&back, &r64);
        assert!(err <= 2.0 * b, "irfftn(rfftn) axes={axes:?}: {err:e} (seed {seed})");
    }
    // N-D defaults: s alone names the last len(s) axes; nothing names every axis.
    let got = fftn(&x, Some(&[5, 6]), None, Norm::Backward).unwrap();
    assert!(rel_l2(&got, &dft_nd(&x64, &[1, 2], &[5, 6], false)) <= b);
    let got = fftn(&x, None, None, Norm::Backward).unwrap();
    assert!(rel_l2(&got, &dft_nd(&x64, &[0, 1, 2], &[4, 5, 6], false)) <= b);
    let got = ifft2(&x, None, None, Norm::Backward).unwrap();
    assert!(rel_l2(&got, &scaled(&dft_nd(&x64, &[1, 2], &[5, 6], true), 1.0 / 30.0)) <= b);
    let got = rfft2(&r, None, Some(&[2, 1]), Norm::Backward).unwrap();
    assert_eq!(got.shape(), &[4, 3, 6]);
    // An empty axes list transforms nothing (numpy returns the input).
    let got = fftn(&x, None, Some(&[]), Norm::Backward).unwrap();
    assert_eq!(got, x);
}

// ---------------------------------------------------------------------------------------------
// Memory layouts
// ---------------------------------------------------------------------------------------------

/// Every transform on views in every layout (see `for_each_layout`), against the reference.
#[test]
fn non_contiguous_views() {
    let mut rng = TestRng::new("non_contiguous_views");
    let seed = rng.seed;
    for shape in [vec![7usize], vec![6, 5], vec![3, 4, 5], vec![2, 3, 2, 5]] {
        let nd = shape.len();
        let x = rng.complex::<f64>(&shape);
        let r = rng.real::<f64>(&shape);
        let (x64, r64) = (to_c64(&x), to_c64(&r));
        let b = bound::<f64>(shape.iter().product());
        for axis in 0..nd {
            let len = shape[axis];
            let want_fft = dft_axis(&x64, axis, len, false);
            let want_ifft = scaled(&dft_axis(&x64, axis, len, true), 1.0 / len as f64);
            let want_rfft = half_spectrum(&dft_axis(&r64, axis, len, false), axis);
            let n_out = 2 * len + 1;
            let want_irfft = scaled(&c2r_axis_ref(&x64, axis, n_out), 1.0 / n_out as f64);
            let want_hfft = c2r_axis_ref(&x64.mapv(|z| z.conj()), axis, n_out);
            let ax = axis as isize - nd as isize; // negative form, for variety
            for_each_layout(&x, |layout, v: ArrayViewD<'_, Complex<f64>>| {
                let msg = format!("{layout} shape={shape:?} axis={axis} (seed {seed})");
                assert_eq!(v, x.view(), "{msg}: the view must equal the data");
                let e = rel_l2(&fft(&v, None, ax, Norm::Backward).unwrap(), &want_fft);
                assert!(e <= b, "fft {msg}: {e:e}");
                let e = rel_l2(&ifft(&v, None, axis as isize, Norm::Backward).unwrap(), &want_ifft);
                assert!(e <= b, "ifft {msg}: {e:e}");
                let e = rel_l2(&irfft(&v, Some(n_out), ax, Norm::Backward).unwrap(), &want_irfft);
                assert!(e <= b, "irfft {msg}: {e:e}");
                let e = rel_l2(&hfft(&v, Some(n_out), ax, Norm::Backward).unwrap(), &want_hfft);
                assert!(e <= b, "hfft {msg}: {e:e}");
            });
            for_each_layout(&r, |layout, v: ArrayViewD<'_, f64>| {
                let msg = format!("{layout} shape={shape:?} axis={axis} (seed {seed})");
                let e = rel_l2(&rfft(&v, None, ax, Norm::Backward).unwrap(), &want_rfft);
                assert!(e <= b, "rfft {msg}: {e:e}");
                let want = want_rfft.mapv(|z| z.conj() / len as f64);
                let e = rel_l2(&ihfft(&v, None, axis as isize, Norm::Backward).unwrap(), &want);
                assert!(e <= b, "ihfft {msg}: {e:e}");
                let e = rel_l2(
                    &fft(&v, None, ax, Norm::Backward).unwrap(),
                    &dft_axis(&r64, axis, len, false),
                );
                assert!(e <= b, "fft(real) {msg}: {e:e}");
            });
        }
        // N-D over all axes, and over the first and last axes in reverse order.
        let all: Vec<usize> = (0..nd).collect();
        let want_fftn = dft_nd(&x64, &all, &shape, false);
        let last = nd - 1;
        let want_rfftn = half_spectrum(&dft_nd(&r64, &all, &shape, false), last);
        let sub_axes = [last as isize, 0];
        let sub: Vec<usize> = if nd > 1 { vec![last, 0] } else { vec![0] };
        let sub_lens: Vec<usize> = sub.iter().map(|&a| shape[a]).collect();
        let want_sub = dft_nd(&x64, &sub, &sub_lens, false);
        for_each_layout(&x, |layout, v: ArrayViewD<'_, Complex<f64>>| {
            let msg = format!("{layout} shape={shape:?} (seed {seed})");
            let e = rel_l2(&fftn(&v, None, None, Norm::Backward).unwrap(), &want_fftn);
            assert!(e <= b, "fftn {msg}: {e:e}");
            let e = rel_l2(
                &fftn(&v, None, Some(&sub_axes[..sub.len()]), Norm::Backward).unwrap(),
                &want_sub,
            );
            assert!(e <= b, "fftn axes={sub:?} {msg}: {e:e}");
            if nd >= 2 {
                let two = [nd - 2, nd - 1];
                let want = dft_nd(&x64, &two, &[shape[nd - 2], shape[nd - 1]], false);
                let e = rel_l2(&fft2(&v, None, None, Norm::Backward).unwrap(), &want);
                assert!(e <= b, "fft2 {msg}: {e:e}");
            }
            // irfftn of the view, against irfftn of a contiguous copy checked in reference.rs.
            let got = irfftn(&v, Some(&shape), None, Norm::Backward).unwrap();
            let copy = irfftn(&x, Some(&shape), None, Norm::Backward).unwrap();
            let e = rel_l2(&got, &to_c64(&copy));
            assert!(e <= b, "irfftn {msg}: {e:e}");
        });
        for_each_layout(&r, |layout, v: ArrayViewD<'_, f64>| {
            let msg = format!("{layout} shape={shape:?} (seed {seed})");
            let e = rel_l2(&rfftn(&v, None, None, Norm::Backward).unwrap(), &want_rfftn);
            assert!(e <= b, "rfftn {msg}: {e:e}");
            let back = irfftn(
                &rfftn(&v, None, None, Norm::Ortho).unwrap(),
                Some(&shape),
                None,
                Norm::Ortho,
            )
            .unwrap();
            let e = rel_l2(&back, &r64);
            assert!(e <= 2.0 * b, "irfftn(rfftn) {msg}: {e:e}");
        });
    }
}

/// Slices with steps, `.t()` and negative strides spelled out with `s!`, on an f32 array.
#[test]
fn explicit_views_f32() {
    use ndarray::s;
    let mut rng = TestRng::new("explicit_views_f32");
    let seed = rng.seed;
    let big = rng
        .complex::<f32>(&[9, 16])
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap();
    let b = bound::<f32>(16);
    let views = [
        ("s![..;2, 1..;3]", big.slice(s![..;2, 1..;3])),
        ("s![..;-1, ..;-2]", big.slice(s![..;-1, ..;-2])),
        ("t()", big.t()),
        ("s![2..7, ..].t()", big.slice(s![2..7, ..]).reversed_axes()),
    ];
    for (name, v) in views {
        let copy = v.to_owned().into_dyn();
        let c64 = to_c64(&copy);
        for axis in 0..2 {
            let len = copy.shape()[axis];
            let got = fft(&v, None, axis as isize, Norm::Ortho).unwrap();
            let want = scaled(&dft_axis(&c64, axis, len, false), 1.0 / (len as f64).sqrt());
            let e = rel_l2(&got, &want);
            assert!(e <= b, "fft of {name} axis {axis}: {e:e} (seed {seed})");
        }
        let got = fftn(&v, None, None, Norm::Backward).unwrap();
        let want = dft_nd(&c64, &[0, 1], copy.shape(), false);
        let e = rel_l2(&got, &want);
        assert!(e <= bound::<f32>(copy.len()), "fftn of {name}: {e:e} (seed {seed})");
    }
}

// ---------------------------------------------------------------------------------------------
// Empty axes
// ---------------------------------------------------------------------------------------------

#[test]
fn zero_length_untransformed_axes() {
    let b = Norm::Backward;
    let x = ArrayD::<f64>::zeros(IxDyn(&[0, 8]));
    let z = ArrayD::<Complex<f64>>::zeros(IxDyn(&[0, 5]));
    assert_eq!(fft(&x, None, -1, b).unwrap().shape(), &[0, 8]);
    assert_eq!(fft(&x, Some(5), 1, b).unwrap().shape(), &[0, 5]);
    assert_eq!(ifft(&z, Some(3), -1, b).unwrap().shape(), &[0, 3]);
    assert_eq!(rfft(&x, None, -1, b).unwrap().shape(), &[0, 5]);
    assert_eq!(rfft(&x, Some(3), -1, b).unwrap().shape(), &[0, 2]);
    assert_eq!(ihfft(&x, None, -1, b).unwrap().shape(), &[0, 5]);
    assert_eq!(irfft(&z, None, -1, b).unwrap().shape(), &[0, 8]);
    assert_eq!(irfft(&z, Some(7), -1, b).unwrap().shape(), &[0, 7]);
    assert_eq!(hfft(&z, None, -1, b).unwrap().shape(), &[0, 8]);

    let y = ArrayD::<f32>::zeros(IxDyn(&[3, 0, 4]));
    assert_eq!(fftn(&y, None, Some(&[0, 2]), b).unwrap().shape(), &[3, 0, 4]);
    assert_eq!(fftn(&y, Some(&[5, 2]), Some(&[2, 0]), b).unwrap().shape(), &[2, 0, 5]);
    assert_eq!(ifftn(&y, None, Some(&[-1]), b).unwrap().shape(), &[3, 0, 4]);
    assert_eq!(fft2(&y, None, Some(&[0, 2]), b).unwrap().shape(), &[3, 0, 4]);
    assert_eq!(rfftn(&y, None, Some(&[0, 2]), b).unwrap().shape(), &[3, 0, 3]);
    assert_eq!(rfftn(&y, None, Some(&[2, 0]), b).unwrap().shape(), &[2, 0, 4]);
    let yc = ArrayD::<Complex<f32>>::zeros(IxDyn(&[3, 0, 3]));
    assert_eq!(irfftn(&yc, None, Some(&[0, 2]), b).unwrap().shape(), &[3, 0, 4]);
    assert_eq!(
        irfftn(&yc, Some(&[2, 5]), Some(&[0, 2]), b).unwrap().shape(),
        &[2, 0, 5]
    );

    // Fortran order and a zero-length leading axis of a 2-D transform's batch.
    let f = ArrayD::<f64>::zeros(IxDyn(&[4, 0, 6]).f());
    assert_eq!(fft(&f, None, 0, b).unwrap().shape(), &[4, 0, 6]);
    assert_eq!(rfft2(&f, None, Some(&[0, 2]), b).unwrap().shape(), &[4, 0, 4]);
    assert_eq!(irfft2(&f, None, Some(&[0, 2]), b).unwrap().shape(), &[4, 0, 10]);
    assert_eq!(
        ifft2(&ArrayD::<f64>::zeros(IxDyn(&[0, 2, 3])), None, None, b)
            .unwrap()
            .shape(),
        &[0, 2, 3]
    );

    // Shifts of empty arrays are empty.
    assert_eq!(fftshift(&x, None).unwrap().shape(), &[0, 8]);
    assert_eq!(ifftshift(&y, Some(&[1])).unwrap().shape(), &[3, 0, 4]);
}

// ---------------------------------------------------------------------------------------------
// Real input to complex transforms
// ---------------------------------------------------------------------------------------------

#[test]
fn real_input_to_complex_transforms() {
    let mut rng = TestRng::new("real_input_to_complex_transforms");
    let seed = rng.seed;
    let r = rng.real::<f64>(&[5, 12]);
    let rc = r.mapv(|v| Complex::new(v, 0.0));
    let r64 = to_c64(&r);
    let b = bound::<f64>(60);
    for norm in NORMS {
        let msg = format!("{norm:?} (seed {seed})");
        let got = fft(&r, None, -1, norm).unwrap();
        let same = fft(&rc, None, -1, norm).unwrap();
        assert!(rel_l2(&got, &to_c64(&same)) <= b, "fft(real) = fft(complex) {msg}");
        let want = scaled(&dft_axis(&r64, 1, 12, false), norm_factor(norm, 12, false));
        assert!(rel_l2(&got, &want) <= b, "fft(real) vs reference {msg}");
        let got = ifft(&r, Some(10), 0, norm).unwrap();
        let want = scaled(&dft_axis(&r64, 0, 10, true), norm_factor(norm, 10, true));
        assert!(rel_l2(&got, &want) <= b, "ifft(real) {msg}");
        let got = fftn(&r, None, None, norm).unwrap();
        let want = scaled(&dft_nd(&r64, &[0, 1], &[5, 12], false), norm_factor(norm, 60, false));
        assert!(rel_l2(&got, &want) <= b, "fftn(real) {msg}");
        let got = ifft2(&r, None, None, norm).unwrap();
        let want = scaled(&dft_nd(&r64, &[0, 1], &[5, 12], true), norm_factor(norm, 60, true));
        assert!(rel_l2(&got, &want) <= b, "ifft2(real) {msg}");
        // Real bins given to irfft and hfft are read as complex with zero imaginary part.
        let got = irfft(&r, Some(9), -1, norm).unwrap();
        let want = irfft(&rc, Some(9), -1, norm).unwrap();
        assert!(rel_l2(&got, &to_c64(&want)) <= b, "irfft(real) {msg}");
        let got = hfft(&r, None, -1, norm).unwrap();
        let want = hfft(&rc, None, -1, norm).unwrap();
        assert!(rel_l2(&got, &to_c64(&want)) <= b, "hfft(real) {msg}");
    }
    // f32 real input gives complex f32 output.
    let r32 = rng.real::<f32>(&[16]);
    let got: ArrayD<Complex<f32>> = fft(&r32, None, 0, Norm::Backward).unwrap();
    let want = dft_axis(&to_c64(&r32), 0, 16, false);
    assert!(rel_l2(&got, &want) <= bound::<f32>(16), "fft(f32 real) (seed {seed})");
}

// ---------------------------------------------------------------------------------------------
// Frequencies and shifts
// ---------------------------------------------------------------------------------------------

#[test]
fn fftfreq_and_rfftfreq_values() {
    let close = |got: &Array1<f64>, want: &[f64], what: &str| {
        assert_eq!(got.len(), want.len(), "{what}: length");
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= 2.0 * f64::EPSILON * w.abs(),
                "{what}: {got} vs {want:?}"
            );
        }
    };
    // numpy
    close(
        &fftfreq(8, 0.1).unwrap(),
        &[0.0, 1.25, 2.5, 3.75, -5.0, -3.75, -2.5, -1.25],
        "fftfreq(8, 0.1)",
    );
    let sev = [
        0.0,
        0.14285714285714285,
        0.2857142857142857,
        0.42857142857142855,
        -0.42857142857142855,
        -0.2857142857142857,
        -0.14285714285714285,
    ];
    close(&fftfreq(7, 1.0).unwrap(), &sev, "fftfreq(7)");
    close(&fftfreq(1, 1.0).unwrap(), &[0.0], "fftfreq(1)");
    close(
        &rfftfreq(8, 0.5).unwrap(),
        &[0.0, 0.25, 0.5, 0.75, 1.0],
        "rfftfreq(8, 0.5)",
    );
    let nine = [
        0.0,
        0.1111111111111111,
        0.2222222222222222,
        0.3333333333333333,
        0.4444444444444444,
    ];
    close(&rfftfreq(9, 1.0).unwrap(), &nine, "rfftfreq(9)");
    close(&rfftfreq(1, 1.0).unwrap(), &[0.0], "rfftfreq(1)");
    close(&rfftfreq(2, 1.0).unwrap(), &[0.0, 0.5], "rfftfreq(2)");

    // The formula at many even and odd n, f32 and f64, random spacing.
    let mut rng = TestRng::new("fftfreq_and_rfftfreq_values");
    for n in (1..=40).chain([99, 100, 1001]) {
        let d = 0.01 + rng.normal().abs();
        let f = fftfreq(n, d).unwrap();
        let f32s = fftfreq(n, d as f32).unwrap();
        assert_eq!(f.len(), n);
        for k in 0..n {
            let j = if k < n.div_ceil(2) {
                k as f64
            } else {
                k as f64 - n as f64
            };
            let want = j / (d * n as f64);
            assert!(
                (f[k] - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
                "fftfreq({n},{d})[{k}]"
            );
            assert!(
                (f32s[k] as f64 - want).abs() <= 4.0 * f32::EPSILON as f64 * want.abs(),
                "fftfreq f32 ({n})[{k}]"
            );
        }
        let rf = rfftfreq(n, d).unwrap();
        assert_eq!(rf.len(), n / 2 + 1);
        for k in 0..=n / 2 {
            let want = k as f64 / (d * n as f64);
            assert!(
                (rf[k] - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
                "rfftfreq({n},{d})[{k}]"
            );
        }
        // fftshift sorts fftfreq ascending (numpy), for even and odd n.
        let shifted = fftshift(&f, None).unwrap();
        assert!(
            shifted.windows(2).into_iter().all(|w| w[0] < w[1]),
            "fftshift(fftfreq({n}))"
        );
        assert_eq!(ifftshift(&shifted, None).unwrap(), f);
    }
}

#[test]
fn fftshift_values_and_inverses() {
    // numpy
    let a = Array1::from_iter(0..7i64);
    assert_eq!(fftshift(&a, None).unwrap(), array![4, 5, 6, 0, 1, 2, 3]);
    assert_eq!(ifftshift(&a, None).unwrap(), array![3, 4, 5, 6, 0, 1, 2]);
    let z = ndarray::Array2::from_shape_fn((3, 5), |(i, j)| (i * 5 + j) as i64);
    assert_eq!(
        fftshift(&z, None).unwrap(),
        array![[13, 14, 10, 11, 12], [3, 4, 0, 1, 2], [8, 9, 5, 6, 7]]
    );
    assert_eq!(
        fftshift(&z, Some(&[1])).unwrap(),
        array![[3, 4, 0, 1, 2], [8, 9, 5, 6, 7], [13, 14, 10, 11, 12]]
    );
    assert_eq!(
        ifftshift(&z, Some(&[-2])).unwrap(),
        array![[5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [0, 1, 2, 3, 4]]
    );

    // Inverses and the definition (a roll by ⌊len/2⌋) on random 3-D data with odd and even axes.
    let mut rng = TestRng::new("fftshift_values_and_inverses");
    let seed = rng.seed;
    for shape in [[1usize, 2, 3], [4, 5, 6], [7, 1, 8]] {
        let x = ArrayD::from_shape_simple_fn(IxDyn(&shape), || rng.range(0, 1000) as i64);
        let axis_sets: [Option<&[isize]>; 6] =
            [None, Some(&[0]), Some(&[-1]), Some(&[2, 0]), Some(&[1, -1]), Some(&[])];
        for axes in axis_sets {
            let msg = format!("shape={shape:?} axes={axes:?} (seed {seed})");
            let s = fftshift(&x, axes).unwrap();
            assert_eq!(ifftshift(&s, axes).unwrap(), x, "ifftshift(fftshift) {msg}");
            assert_eq!(
                fftshift(&ifftshift(&x, axes).unwrap(), axes).unwrap(),
                x,
                "fftshift(ifftshift) {msg}"
            );
            let listed: Vec<usize> = match axes {
                None => (0..3).collect(),
                Some(a) => a.iter().map(|&a| a.rem_euclid(3) as usize).collect(),
            };
            let want = ArrayD::from_shape_fn(IxDyn(&shape), |idx| {
                let mut src = idx.clone();
                for &a in &listed {
                    let len = shape[a];
                    src[a] = (idx[a] + len - len / 2) % len; // out[i] = x[(i − ⌊len/2⌋) mod len]
                }
                x[src]
            });
            assert_eq!(s, want, "fftshift definition {msg}");
        }
    }
    // On a non-contiguous view.
    let big = ArrayD::from_shape_fn(IxDyn(&[6, 10]), |i| (i[0] * 10 + i[1]) as i64);
    let v = big.slice_each_axis(|_| Slice::new(0, None, -2));
    let owned = v.to_owned();
    assert_eq!(fftshift(&v, None).unwrap(), fftshift(&owned, None).unwrap());
}

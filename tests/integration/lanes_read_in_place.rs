//! Lanes that the kernels read where they are, in the caller's array, instead of a copy (long
//! contiguous ones, contiguous lanes of any length under rustfft's complex plans, and the rows
//! of strided tiles under shardfft's slab plans): the results against the float64 reference, bit for bit the same as the copying
//! path's, and the caller's input left exactly as it was.

use crate::common;

use common::*;
use ndarray::{ArrayD, IxDyn};
use shardfft::{Complex, Float, Norm, fft, fft_inplace, fft_into, irfft, irfft_into, rfft, rfft_into, zeros};

/// `rows` lanes of `n` values along the last axis (fewer and more lanes than a 2-core pool's
/// workers), as numpy would hold them.
const ROWS: [usize; 2] = [1, 5];

/// The float64 reference of every lane of `x` (`rows × n`) along its last axis.
fn lanes_reference(x: &ArrayD<C64>) -> ArrayD<C64> {
    let (rows, n) = (x.shape()[0], x.shape()[1]);
    let flat: Vec<C64> = x
        .as_slice()
        .unwrap()
        .chunks(n)
        .flat_map(|lane| reference(lane, false))
        .collect();
    ArrayD::from_shape_vec(IxDyn(&[rows, n]), flat).unwrap()
}

/// Real lanes of length `n`: `rfft` and `rfft_into` against the reference, the input untouched.
fn real_lanes<T: Float + ToC64>(rng: &mut TestRng, n: usize)
where
    Complex<T>: ToC64,
{
    for rows in ROWS {
        let x = rng.real::<T>(&[rows, n]);
        let before = x.clone();
        let want = half_spectrum(&lanes_reference(&to_c64(&x)), 1);
        let got = rfft(&x, None, -1, Norm::Backward).unwrap();
        let mut into = zeros::<Complex<T>, _>(IxDyn(&[rows, n / 2 + 1])).unwrap();
        rfft_into(&x, &mut into, None, -1, Norm::Backward).unwrap();
        let what = || format!("rfft {} n={n} rows={rows}", T::NAME);
        assert!(x == before, "{} changed its input", what());
        check_err(rel_l2(&got, &want), bound::<T>(n), rng.seed, what);
        assert!(got == into, "{}: rfft and rfft_into differ", what());
    }
}

/// Complex lanes of length `n`: `fft_into` (read where they are) bit for bit as `fft` (which
/// gathers them into its fresh output first), against the reference, the input untouched.
fn complex_lanes<T: Float>(rng: &mut TestRng, n: usize)
where
    Complex<T>: ToC64,
{
    for rows in ROWS {
        let x = rng.complex::<T>(&[rows, n]);
        let before = x.clone();
        let want = lanes_reference(&to_c64(&x));
        let got = fft(&x, None, -1, Norm::Backward).unwrap();
        let mut into = zeros::<Complex<T>, _>(IxDyn(&[rows, n])).unwrap();
        fft_into(&x, &mut into, None, -1, Norm::Backward).unwrap();
        let what = || format!("fft {} n={n} rows={rows}", T::NAME);
        assert!(x == before, "{} changed its input", what());
        check_err(rel_l2(&into, &want), bound::<T>(n), rng.seed, what);
        assert!(got == into, "{}: fft and fft_into differ", what());
    }
}

/// Half spectra of real length `n`, junk in the imaginary parts of the first and last bins
/// (which irfft ignores): `irfft` and `irfft_into` against the reference, the input untouched.
fn half_spectra<T: Float + ToC64>(rng: &mut TestRng, n: usize)
where
    Complex<T>: ToC64,
{
    let m = n / 2 + 1;
    for rows in ROWS {
        let mut x = rng.complex::<T>(&[rows, m]);
        for mut lane in x.rows_mut() {
            lane[0].im = from_f64(7.0);
            lane[m - 1].im = from_f64(-3.0);
        }
        let before = x.clone();
        let lanes = to_c64(&x);
        let flat: Vec<C64> = lanes
            .as_slice()
            .unwrap()
            .chunks(m)
            .flat_map(|lane| reference(&hermitian_extend(lane, n), true))
            .map(|v| C64::new(v.re / n as f64, 0.0))
            .collect();
        let want = ArrayD::from_shape_vec(IxDyn(&[rows, n]), flat).unwrap();
        let got = irfft(&x, Some(n), -1, Norm::Backward).unwrap();
        let mut into = zeros::<T, _>(IxDyn(&[rows, n])).unwrap();
        irfft_into(&x, &mut into, Some(n), -1, Norm::Backward).unwrap();
        let what = || format!("irfft {} n={n} rows={rows}", T::NAME);
        assert!(x == before, "{} changed its input", what());
        check_err(rel_l2(&got, &want), bound::<T>(n), rng.seed, what);
        assert!(got == into, "{}: irfft and irfft_into differ", what());
    }
}

#[test]
fn long_half_spectra_are_read_in_place_and_left_as_they_were() {
    let mut rng = TestRng::new("half spectra read in place");
    // f32 spectra of 4097 bins (32 KiB) and more are read in place; odd lengths run realfft's
    // plans (which write their input) and f64 the half-length plan over rustfft's: copied.
    for n in [4096, 8192, 12288, 65536, 1 << 20, 8191] {
        half_spectra::<f32>(&mut rng, n);
    }
    for n in [8192, 8191] {
        half_spectra::<f64>(&mut rng, n);
    }
}

#[test]
fn long_real_lanes_are_read_in_place_and_left_as_they_were() {
    let mut rng = TestRng::new("real lanes read in place");
    // 2^12 f32 reals (16 KiB) are copied first; from 2^13 (32 KiB) read in place; odd and
    // prime lengths run realfft's plans, which write their input, and are always copied.
    for n in [4096, 8192, 12288, 8194, 65536, 1 << 20, 8191, 30011] {
        real_lanes::<f32>(&mut rng, n);
    }
    for n in [4096, 8192, 40000, 65536, 8191] {
        real_lanes::<f64>(&mut rng, n);
    }
}

#[test]
fn long_complex_lanes_are_read_in_place_and_left_as_they_were() {
    let mut rng = TestRng::new("complex lanes read in place");
    // f32 lanes of 2^13 points (64 KiB) and more are read in place; 10007 is prime (Bluestein).
    for n in [4096, 8192, 12288, 10007, 65536, 1 << 19] {
        complex_lanes::<f32>(&mut rng, n);
    }
    for n in [4096, 6000, 10007, 65536] {
        complex_lanes::<f64>(&mut rng, n);
    }
}

#[test]
fn short_complex_lanes_of_rustfft_plans_are_read_in_place_and_left_as_they_were() {
    let mut rng = TestRng::new("short complex lanes read in place");
    // Lanes under rustfft's plans are read in place up to 4 KiB; the planner keeps
    // rustfft's for at least the lengths below 8 and the primes below 1024 (shardfft has no
    // kernel of its own there and Bluestein is offered only from 1024).
    for n in [1, 2, 3, 5, 7, 8, 16, 64, 97, 100, 128, 256, 1000, 1021] {
        if n < 8 || n == 97 || n == 1021 {
            assert!(f32::plans().complex_is_rustfft(n, false).unwrap(), "f32 n={n}");
            assert!(f64::plans().complex_is_rustfft(n, false).unwrap(), "f64 n={n}");
        }
        complex_lanes::<f32>(&mut rng, n);
        complex_lanes::<f64>(&mut rng, n);
    }
}

/// Strided columns (the first axis, whole, cut and padded; a multiple of eight columns and
/// not): `fft` against the naive float64 DFT, `fft_into` and `fft_inplace` bit for bit alike,
/// the input untouched. f32 lengths of shardfft's slab plans read their tiles' rows where
/// they are; f64 runs the generic column tiles.
fn strided_columns<T: Float>(rng: &mut TestRng, rows: usize, n: usize, cols: usize)
where
    Complex<T>: ToC64,
{
    let x = rng.complex::<T>(&[rows, cols]);
    let before = x.clone();
    let what = || format!("fft axis 0 {} rows={rows} n={n} cols={cols}", T::NAME);
    let want = dft_axis(&to_c64(&x), 0, n, false);
    let got = fft(&x, Some(n), 0, Norm::Backward).unwrap();
    assert!(x == before, "{} changed its input", what());
    check_err(rel_l2(&got, &want), bound::<T>(n), rng.seed, what);
    let mut into = zeros::<Complex<T>, _>(IxDyn(&[n, cols])).unwrap();
    fft_into(&x, &mut into, Some(n), 0, Norm::Backward).unwrap();
    assert!(x == before, "{}: fft_into changed its input", what());
    assert!(got == into, "{}: fft and fft_into differ", what());
    if rows == n {
        let mut inplace = x.clone();
        fft_inplace(&mut inplace, 0, Norm::Backward).unwrap();
        assert!(got == inplace, "{}: fft and fft_inplace differ", what());
    }
}

#[test]
fn strided_complex_columns_are_read_in_place_and_left_as_they_were() {
    let mut rng = TestRng::new("strided columns read in place");
    for (rows, n, cols) in [
        (512, 512, 24),
        (1024, 1024, 16),
        (1000, 1024, 16),
        (1100, 1024, 8),
        (512, 512, 13),
    ] {
        strided_columns::<f32>(&mut rng, rows, n, cols);
    }
    for (rows, n, cols) in [(512, 512, 16), (700, 512, 9)] {
        strided_columns::<f64>(&mut rng, rows, n, cols);
    }
}

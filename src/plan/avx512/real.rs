//! Real-input f32 FFTs of length n (n/2 a length [`Avx512Fft`] plans) on AVX-512: the n/2-point complex
//! plan plus one vectorized pass that splits (r2c) or joins (c2r) the spectra of the even and
//! odd samples.
//!
//! With `h = n/2` and `Z` the `h`-point transform of `z[j] = x[2j] + i·x[2j+1]`, both
//! directions pair bin `k` with bin `h − k` (1 ≤ k ≤ h/2): from their sum `s` and difference `d`,
//! `c = (s.re, d.im)` and `t = (s.im, −d.re)·w_k`, the new bins are `a·c + t` and `conj(a·c − t)`;
//! r2c uses `a = 1/2`, `w_k = e^{−2πik/n}/2`, and c2r `a = 1`, `w_k = −e^{+2πik/n}` (realfft's
//! formulas, rearranged for vectors).

use std::arch::x86_64::*;

use num_complex::Complex;
use realfft::{ComplexToReal, FftError, RealToComplex};

use crate::plan::halves::{as_complex, as_complex_ref, check, pair_bins};
use crate::plan::{ReadOnlyC2r, ReadOnlyR2c};
use rustfft::{Fft, FftDirection};

use super::Avx512Fft;
use super::passes::cmul_interleaved;

/// What both directions hold: the half-length complex plan and the pairing pass's twiddles.
struct Halves {
    len: usize,
    fft: Avx512Fft,
    /// `w_k` for k = 1..=n/4.
    twiddles: Vec<Complex<f32>>,
    /// `a` of the pairing pass.
    scale: f32,
}

impl Halves {
    fn new(len: usize, direction: FftDirection) -> Option<Self> {
        // Halves with a whole first pass only: the pairing pass was built and timed on those.
        if !len.is_multiple_of(2) || !super::whole_lanes(len / 2) {
            return None;
        }
        let fft = Avx512Fft::new(len / 2, direction)?;
        let inverse = direction == FftDirection::Inverse;
        let twiddles = (1..=len / 4)
            .map(|k| {
                let angle = std::f64::consts::TAU * k as f64 / len as f64;
                let (re, im) = if inverse {
                    (-angle.cos(), -angle.sin())
                } else {
                    (0.5 * angle.cos(), -0.5 * angle.sin())
                };
                Complex::new(re as f32, im as f32)
            })
            .collect();
        let scale = if inverse { 1.0 } else { 0.5 };
        Some(Halves {
            len,
            fft,
            twiddles,
            scale,
        })
    }

    /// The pairing pass over bins `1..=h/2` of `z` (`h + 1` bins), in place.
    fn pair(&self, z: &mut [Complex<f32>]) {
        let h = self.len / 2;
        debug_assert_eq!(z.len(), h + 1);
        let at = z.as_mut_ptr() as *mut f32;
        // SAFETY: AVX-512F was detected when `fft` was planned; `z` holds h + 1 bins.
        let first = unsafe { pair_vectors(at, at, h, &self.twiddles, self.scale) };
        pair_bins(z, first, &self.twiddles, self.scale);
    }

    /// The same pass from `bins` (left as they are) into `z` (both `h + 1` long); bins 0 and
    /// `h` of `z` are not written.
    fn pair_into(&self, bins: &[Complex<f32>], z: &mut [Complex<f32>]) {
        let h = self.len / 2;
        debug_assert!(bins.len() == h + 1 && z.len() == h + 1);
        // SAFETY: AVX-512F was detected when `fft` was planned; both hold h + 1 bins and are
        // distinct borrows.
        let first = unsafe {
            pair_vectors(
                bins.as_ptr() as *const f32,
                z.as_mut_ptr() as *mut f32,
                h,
                &self.twiddles,
                self.scale,
            )
        };
        // The bins the scalar loop pairs (first..=h − first), paired in place after a copy.
        if first <= h - first {
            z[first..=h - first].copy_from_slice(&bins[first..=h - first]);
        }
        pair_bins(z, first, &self.twiddles, self.scale);
    }
}

/// The pairing pass on the blocks of eight bins whose mirror blocks do not meet them, read
/// from `src` and written to `dst` at the same places (`src == dst`: in place); returns the
/// first bin left for the scalar loop.
///
/// # Safety
/// AVX-512F must be available; `src` and `dst` valid for `h + 1` complex values, the same or
/// not overlapping; `twiddles` holds `h/2` of them.
#[target_feature(enable = "avx512f")]
unsafe fn pair_vectors(src: *const f32, dst: *mut f32, h: usize, twiddles: &[Complex<f32>], scale: f32) -> usize {
    let reverse = _mm512_set_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    let odd: __mmask16 = 0xAAAA;
    let imag_sign = _mm512_set1_epi64(0x8000_0000_0000_0000_u64 as i64);
    let flip = |v: __m512| _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), imag_sign));
    let mirror = |v: __m512| _mm512_castpd_ps(_mm512_permutexvar_pd(reverse, _mm512_castps_pd(v)));
    let swap = |v: __m512| _mm512_permute_ps::<0b1011_0001>(v);
    let a = _mm512_set1_ps(scale);
    let mut k = 1;
    while 2 * k + 14 < h {
        // SAFETY: bins k..k+8 and h−k−7..=h−k lie in 1..h and do not overlap (2k + 14 < h);
        // twiddles k−1..k+7 exist since k + 7 < h/2.
        unsafe {
            let (lo, hi) = (2 * k, 2 * (h - k - 7));
            let zk = _mm512_loadu_ps(src.add(lo));
            let zm = mirror(_mm512_loadu_ps(src.add(hi)));
            let (s, d) = (_mm512_add_ps(zk, zm), _mm512_sub_ps(zk, zm));
            let c = _mm512_mask_blend_ps(odd, s, d);
            let e = flip(_mm512_mask_blend_ps(odd, swap(s), swap(d)));
            let t = cmul_interleaved(e, _mm512_loadu_ps(twiddles.as_ptr().add(k - 1) as *const f32));
            _mm512_storeu_ps(dst.add(lo), _mm512_fmadd_ps(c, a, t));
            _mm512_storeu_ps(dst.add(hi), mirror(flip(_mm512_fmsub_ps(c, a, t))));
        }
        k += 8;
    }
    k
}

/// A real-to-complex FFT of even length n (n/2 a length [`Avx512Fft`] plans), unscaled, on AVX-512F:
/// realfft's `RealToComplex` contract (n reals in, n/2+1 bins out).
///
/// ```
/// use realfft::RealToComplex;
/// use shardfft::plan::Avx512R2c;
///
/// if let Some(r2c) = Avx512R2c::new(128) {
///     let mut x = vec![1.0f32; 128];
///     let mut y = r2c.make_output_vec();
///     r2c.process(&mut x, &mut y).unwrap();
///     assert!((y[0].re - 128.0).abs() < 1e-4 && y[1].norm() < 1e-4);
/// }
/// ```
pub struct Avx512R2c(Halves);

impl Avx512R2c {
    /// The plan for `len`, or `None` when `len / 2` is no length [`Avx512Fft`] plans or this
    /// processor lacks AVX-512F.
    pub fn new(len: usize) -> Option<Self> {
        Halves::new(len, FftDirection::Forward).map(Avx512R2c)
    }
}

/// A complex-to-real FFT of even length n (n/2 a length [`Avx512Fft`] plans), unscaled, on AVX-512F:
/// realfft's `ComplexToReal` contract, except that nonzero imaginary parts of the first and
/// last bins are ignored (as numpy does) rather than reported.
///
/// ```
/// use realfft::ComplexToReal;
/// use shardfft::plan::Avx512C2r;
///
/// if let Some(c2r) = Avx512C2r::new(128) {
///     let mut y = c2r.make_input_vec();
///     y[0].re = 1.0; // unscaled: a DC bin of 1 is 1 at every sample
///     let mut x = c2r.make_output_vec();
///     c2r.process(&mut y, &mut x).unwrap();
///     assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-5));
/// }
/// ```
pub struct Avx512C2r(Halves);

impl Avx512C2r {
    /// The plan for `len`, or `None` when `len / 2` is no length [`Avx512Fft`] plans or this
    /// processor lacks AVX-512F.
    pub fn new(len: usize) -> Option<Self> {
        Halves::new(len, FftDirection::Inverse).map(Avx512C2r)
    }
}

impl RealToComplex<f32> for Avx512R2c {
    fn process(&self, input: &mut [f32], output: &mut [Complex<f32>]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    fn process_with_scratch(
        &self,
        input: &mut [f32],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        self.process_from(input, output, scratch)
    }

    fn get_scratch_len(&self) -> usize {
        self.0.fft.get_immutable_scratch_len()
    }

    fn len(&self) -> usize {
        self.0.len
    }

    fn make_input_vec(&self) -> Vec<f32> {
        vec![0.0; self.0.len]
    }

    fn make_output_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::default(); self.0.len / 2 + 1]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::default(); self.get_scratch_len()]
    }
}

impl ReadOnlyR2c<f32> for Avx512R2c {
    fn process_from(
        &self,
        input: &[f32],
        output: &mut [Complex<f32>],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let Halves { len, fft, .. } = &self.0;
        let need = fft.get_immutable_scratch_len();
        check((input.len(), *len), (output.len(), len / 2 + 1), (scratch.len(), need))?;
        let h = len / 2;
        fft.process_immutable_with_scratch(as_complex_ref(input), &mut output[..h], scratch);
        let z0 = output[0];
        output[0] = Complex::new(z0.re + z0.im, 0.0);
        output[h] = Complex::new(z0.re - z0.im, 0.0);
        self.0.pair(output);
        Ok(())
    }
}

impl ReadOnlyC2r<f32> for Avx512C2r {
    fn process_from(
        &self,
        input: &[Complex<f32>],
        output: &mut [f32],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        let Halves { len, fft, .. } = &self.0;
        let h = len / 2;
        check(
            (input.len(), h + 1),
            (output.len(), *len),
            (scratch.len(), self.get_scratch_len()),
        )?;
        let (z, rest) = scratch.split_at_mut(h + 1);
        self.0.pair_into(input, z);
        let (first, last) = (input[0].re, input[h].re);
        z[0] = Complex::new(first + last, first - last);
        fft.process_immutable_with_scratch(&z[..h], as_complex(output), rest);
        Ok(())
    }
}

impl ComplexToReal<f32> for Avx512C2r {
    fn process(&self, input: &mut [Complex<f32>], output: &mut [f32]) -> Result<(), FftError> {
        self.process_with_scratch(input, output, &mut self.make_scratch_vec())
    }

    fn process_with_scratch(
        &self,
        input: &mut [Complex<f32>],
        output: &mut [f32],
        scratch: &mut [Complex<f32>],
    ) -> Result<(), FftError> {
        self.process_from(input, output, scratch)
    }

    /// The half-length transform's scratch and the paired bins (`n/2 + 1`).
    fn get_scratch_len(&self) -> usize {
        self.0.fft.get_immutable_scratch_len() + self.0.len / 2 + 1
    }

    fn len(&self) -> usize {
        self.0.len
    }

    fn make_input_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::default(); self.0.len / 2 + 1]
    }

    fn make_output_vec(&self) -> Vec<f32> {
        vec![0.0; self.0.len]
    }

    fn make_scratch_vec(&self) -> Vec<Complex<f32>> {
        vec![Complex::default(); self.get_scratch_len()]
    }
}

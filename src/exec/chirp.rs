//! Lone long lanes of lengths with a large prime factor on every core: Bluestein's chirp convolution around two four-steps of a smooth length.
//!
//! With `w_k = e^(∓πi·k²/n)`, `X[k] = w_k · Σ_j (x[j]·w_j) · conj(w_(k−j))`: a cyclic
//! convolution of length `m ≥ 2n − 1` (`plan::bluestein` picks `m`, a multiple of 64 made of 2,
//! 3 and 5), i.e. a forward and an inverse `m`-point transform around a product with the
//! precomputed spectrum of the chirp. The per-lane Bluestein plan (rustfft's, with shardfft's
//! kernels inside) runs all of it on one core; for a lone lane this runs the two transforms as
//! four-steps over every core and the three elementwise passes in chunks over every core.

use std::sync::Arc;

use num_complex::Complex;
use rayon::prelude::*;

use super::buffer::SyncPtr;
use super::fourstep::{FourStep, rounded};
use crate::{Float, Result};

/// Values per parallel chunk of the elementwise passes.
const CHUNK: usize = 1 << 14;

/// Bluestein's algorithm for one length and direction, its inner transforms four-steps.
pub(crate) struct ChirpSplit<T: Float> {
    n: usize,
    /// The inner `m`-point transforms, forward and inverse.
    forward: Arc<FourStep<T>>,
    inverse: Arc<FourStep<T>>,
    /// `w_k` for `k < n`, rounded from f64.
    chirp: Vec<Complex<T>>,
    /// The `m`-point forward transform of `conj(w_d)` placed at `d mod m` for `|d| < n`,
    /// divided by `m` (the inverse transform's scale), computed in f64.
    spectrum: Vec<Complex<T>>,
}

impl<T: Float> ChirpSplit<T> {
    /// The chirp split of a length-`n` transform around `m`-point four-steps (`m ≥ 2n − 1`).
    pub(crate) fn new(n: usize, inverse: bool, forward_m: Arc<FourStep<T>>, inverse_m: Arc<FourStep<T>>) -> Self {
        let m = forward_m.len();
        assert!(m >= 2 * n - 1 && inverse_m.len() == m, "a chirp split needs m ≥ 2n − 1");
        let sign = if inverse { 1.0 } else { -1.0 };
        // w_k = e^(sign·πi·k²/n), with k² taken mod 2n (exact in integers) so the angle stays small.
        let root = |k: usize| {
            let r = (k as u128 * k as u128 % (2 * n) as u128) as f64;
            let (s, c) = (std::f64::consts::PI * r / n as f64).sin_cos();
            Complex::new(c, sign * s)
        };
        let chirp64: Vec<Complex<f64>> = (0..n).map(root).collect();
        let mut b = vec![Complex::<f64>::default(); m];
        b[0] = chirp64[0].conj();
        for d in 1..n {
            b[d] = chirp64[d].conj();
            b[m - d] = chirp64[d].conj();
        }
        rustfft::FftPlanner::<f64>::new().plan_fft_forward(m).process(&mut b);
        let scale = 1.0 / m as f64;
        ChirpSplit {
            n,
            forward: forward_m,
            inverse: inverse_m,
            chirp: chirp64.into_iter().map(rounded).collect(),
            spectrum: b.into_iter().map(|v| rounded(v * scale)).collect(),
        }
    }

    /// The transform length `n`.
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// Elements of the temporary [`run`](Self::run) needs: the `m`-point work lane and the
    /// inner four-steps' temporary.
    pub(crate) fn temp_len(&self) -> usize {
        self.forward.len() + self.forward.temp_len().max(self.inverse.temp_len())
    }

    /// As [`FourStep::run`].
    ///
    /// # Safety
    /// As [`FourStep::run`]; `temp` holds [`temp_len`](Self::temp_len) elements.
    pub(crate) unsafe fn run<A, L, P>(
        &self,
        src: *const A,
        len_src: usize,
        load: &L,
        dst: *mut Complex<T>,
        temp: &mut [Complex<T>],
        post: &P,
    ) -> Result<()>
    where
        A: Copy + Send + Sync,
        L: Fn(A) -> Complex<T> + Sync,
        P: Fn(&mut [Complex<T>]) + Sync,
    {
        let (n, m) = (self.n, self.forward.len());
        let (work, inner) = temp.split_at_mut(m);
        let copy = len_src.min(n);
        let src = SyncPtr(src as *mut A);
        // a[j] = x[j]·w_j, zero past the lane.
        work.par_chunks_mut(CHUNK).enumerate().for_each(|(c, chunk)| {
            for (i, v) in chunk.iter_mut().enumerate() {
                let j = c * CHUNK + i;
                // SAFETY: `j < copy ≤ len_src`, inside the source.
                *v = if j < copy {
                    load(unsafe { *src.get().add(j) }) * self.chirp[j]
                } else {
                    Complex::default()
                };
            }
        });
        // A function pointer, not a closure: the inner runs then instantiate one `run_values`
        // (a closure type per level would make the generic recursion endless).
        let no_post: fn(&mut [Complex<T>]) = |_| {};
        let lane = work.as_mut_ptr();
        // SAFETY: `work` holds `m` values and is transformed in place; `inner` is the
        // four-steps' temporary, apart from it.
        unsafe { self.forward.run_values(lane, m, lane, inner, &no_post)? };
        work.par_chunks_mut(CHUNK)
            .zip(self.spectrum.par_chunks(CHUNK))
            .for_each(|(chunk, b)| chunk.iter_mut().zip(b).for_each(|(v, &b)| *v = *v * b));
        // SAFETY: as above.
        unsafe { self.inverse.run_values(lane, m, lane, inner, &no_post)? };
        // X[k] = w_k · c[k], written to `dst`, which nothing here reads (the source was read
        // whole by the first pass).
        let dst = SyncPtr(dst);
        work[..n].par_chunks(CHUNK).enumerate().for_each(|(c, chunk)| {
            // SAFETY: `dst` holds `n` values; chunks are disjoint.
            let out = unsafe { std::slice::from_raw_parts_mut(dst.get().add(c * CHUNK), chunk.len()) };
            for ((o, &v), &w) in out.iter_mut().zip(chunk).zip(&self.chirp[c * CHUNK..]) {
                *o = v * w;
            }
            post(out);
        });
        Ok(())
    }
}

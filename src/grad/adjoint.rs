//! The adjoint of one transform along one axis, as lane kernels for the shared executor.
//!
//! A forward transform along an axis is `c · K ∘ Resize_{m→n}`: the input lane (length m) is
//! zero-padded or truncated to the kernel length n, transformed by the unscaled kernel K, and
//! scaled by the norm factor c. Its adjoint is `Resize_{n→m} ∘ c · K*`: the adjoint kernel, the
//! same factor, and the output lane truncated or zero-padded back to m (the adjoint of padding is
//! truncation and vice versa). The kernels below fold the resize, the factor and the Hermitian
//! bin weights into the lane loop, so an adjoint costs one pass, like its forward transform.
//!
//! With the real inner product Re⟨u, v⟩ (PyTorch's gradient convention):
//! - complex FFT, either direction: K* is the unscaled FFT of the opposite direction;
//! - real-to-complex (rfft, n real → h = n/2+1 bins): the bins 1..h (less the Nyquist bin of an
//!   even n) each stand for a conjugate pair of the full spectrum and appear once, so
//!   K* = c2r ∘ diag(1, ½, …, ½, 1) (DC and Nyquist weight 1, their imaginary parts dropped);
//! - complex-to-real (irfft, h bins → n real): the interior bins enter the output twice, so
//!   K* = diag(1, 2, …, 2, 1) ∘ r2c, with the DC and Nyquist gradients purely real (the forward
//!   ignores those imaginary parts).

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD, Axis};
use num_complex::Complex;
use realfft::{ComplexToReal, RealToComplex};
use rustfft::Fft;

use crate::exec::{C2c, LaneKernel, map_axis, map_axis_inplace};
use crate::transforms::scale;
use crate::{Float, Result};

/// The adjoint of a complex transform of length `g.len_of(axis)` along `axis`, whose forward read
/// lanes of length `m` and ran in direction `inverse` with scale `factor`.
pub(super) fn c2c<T: Float>(
    g: ArrayViewD<'_, Complex<T>>,
    axis: usize,
    m: usize,
    inverse: bool,
    factor: T,
) -> Result<ArrayD<Complex<T>>> {
    let n = g.len_of(Axis(axis));
    if m == n {
        map_axis(g, axis, &C2c::planned(n, !inverse)?, |z| z, scale(factor))
    } else {
        let fft = T::plans().complex(n, !inverse)?;
        map_axis(g, axis, &C2cResized { fft, out_len: m }, |z| z, scale(factor))
    }
}

/// [`c2c`] on an owned array, in place when the length is unchanged.
pub(super) fn c2c_owned<T: Float>(
    mut g: ArrayD<Complex<T>>,
    axis: usize,
    m: usize,
    inverse: bool,
    factor: T,
) -> Result<ArrayD<Complex<T>>> {
    let n = g.len_of(Axis(axis));
    if m == n && map_axis_inplace(g.view_mut(), axis, &C2c::planned(n, !inverse)?, scale(factor))? {
        return Ok(g);
    }
    c2c(g.view(), axis, m, inverse, factor)
}

/// The adjoint of a real-to-complex transform of real length `n` along `axis` (`g` holds its
/// n/2+1 bins there), whose forward read real lanes of length `m`, scaled by `factor`, and
/// conjugated its output when `conj` (ihfft).
pub(super) fn r2c<T: Float>(
    g: ArrayViewD<'_, Complex<T>>,
    axis: usize,
    n: usize,
    m: usize,
    factor: T,
    conj: bool,
) -> Result<ArrayD<T>> {
    let kernel = R2cAdjoint {
        c2r: T::plans().c2r(n)?,
        out_len: m,
        factor,
        conj,
    };
    map_axis(g, axis, &kernel, |z| z, |_: &mut [T]| {})
}

/// The adjoint of a complex-to-real transform of real length `g.len_of(axis)` along `axis`,
/// whose forward read lanes of `m` bins, scaled by `factor`, and conjugated its input when
/// `conj` (hfft).
pub(super) fn c2r<T: Float>(
    g: ArrayViewD<'_, T>,
    axis: usize,
    m: usize,
    factor: T,
    conj: bool,
) -> Result<ArrayD<Complex<T>>> {
    let kernel = C2rAdjoint {
        r2c: T::plans().r2c(g.len_of(Axis(axis)))?,
        out_len: m,
        factor,
        conj,
    };
    map_axis(g, axis, &kernel, |v| v, |_: &mut [Complex<T>]| {})
}

/// Weighs the leading bins of the half spectrum of a real signal of length `n`: the DC bin and
/// (for even `n`) the Nyquist bin by `edge`, keeping only their real parts; the others by
/// `interior`, conjugated when `conj`.
fn weigh<T: Float>(bins: &mut [Complex<T>], n: usize, edge: T, interior: T, conj: bool) {
    let nyquist = if n.is_multiple_of(2) { n / 2 } else { usize::MAX };
    for (k, z) in bins.iter_mut().enumerate() {
        *z = if k == 0 || k == nyquist {
            Complex::new(z.re * edge, T::zero())
        } else if conj {
            Complex::new(z.re * interior, -z.im * interior)
        } else {
            z.scale(interior)
        };
    }
}

/// Copies the leading values of `src` that fit into `dst` and zeroes the rest of `dst`.
fn resize_into<V: Copy + Default>(src: &[V], dst: &mut [V]) {
    let k = src.len().min(dst.len());
    dst[..k].copy_from_slice(&src[..k]);
    dst[k..].fill(V::default());
}

/// `k` complex values seen as the `2k` reals they are made of.
fn as_reals<T: Float>(z: &mut [Complex<T>]) -> &mut [T] {
    // SAFETY: `Complex<T>` is `#[repr(C)]` with exactly two fields of type `T` (num-complex
    // documents it as layout-compatible with `[T; 2]`), so `k` of them are `2k` initialized,
    // properly aligned `T`s; the returned slice borrows `z` mutably, so nothing aliases it.
    unsafe { std::slice::from_raw_parts_mut(z.as_mut_ptr().cast::<T>(), 2 * z.len()) }
}

/// A complex FFT whose output lanes are truncated or zero-padded to `out_len`.
struct C2cResized<T: Float> {
    fft: Arc<dyn Fft<T>>,
    out_len: usize,
}

impl<T: Float> LaneKernel<T> for C2cResized<T> {
    type In = Complex<T>;
    type Out = Complex<T>;
    fn in_len(&self) -> usize {
        self.fft.len()
    }
    fn out_len(&self) -> usize {
        self.out_len
    }
    fn scratch_len(&self) -> usize {
        self.fft.get_inplace_scratch_len()
    }
    fn apply(&self, input: &mut [Complex<T>], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        self.fft.process_with_scratch(input, scratch);
        let lanes = input.chunks_exact(self.in_len());
        for (x, y) in lanes.zip(output.chunks_exact_mut(self.out_len)) {
            resize_into(x, y);
        }
    }
}

/// The adjoint of `factor · r2c_n` (optionally conjugated): weighted half spectrum in (n/2+1
/// bins), c2r of length n, real lanes out truncated or zero-padded to `out_len`.
struct R2cAdjoint<T: Float> {
    c2r: Arc<dyn ComplexToReal<T>>,
    out_len: usize,
    factor: T,
    conj: bool,
}

impl<T: Float> LaneKernel<T> for R2cAdjoint<T> {
    type In = Complex<T>;
    type Out = T;
    fn in_len(&self) -> usize {
        self.c2r.len() / 2 + 1
    }
    fn out_len(&self) -> usize {
        self.out_len
    }
    fn scratch_len(&self) -> usize {
        let n = self.c2r.len();
        // A lane of n reals (as complex pairs) when the output is shorter than n.
        self.c2r.get_scratch_len() + if self.out_len < n { n.div_ceil(2) } else { 0 }
    }
    fn apply(&self, input: &mut [Complex<T>], output: &mut [T], scratch: &mut [Complex<T>]) {
        let (bins, n, m) = (self.in_len(), self.c2r.len(), self.out_len);
        let (scratch, spare) = scratch.split_at_mut(self.c2r.get_scratch_len());
        let half = self.factor / (T::one() + T::one());
        for (x, y) in input.chunks_exact_mut(bins).zip(output.chunks_exact_mut(m)) {
            weigh(x, n, self.factor, half, self.conj);
            let done = if m >= n {
                y[n..].fill(T::zero());
                self.c2r.process_with_scratch(x, &mut y[..n], scratch)
            } else {
                let full = &mut as_reals(spare)[..n];
                let done = self.c2r.process_with_scratch(x, full, scratch);
                y.copy_from_slice(&full[..m]);
                done
            };
            debug_assert!(done.is_ok(), "lane lengths are set by the executor");
        }
    }
}

/// The adjoint of `factor · c2r_n` (optionally of the conjugated input): real lanes of n in, r2c,
/// weighted bins out, truncated or zero-padded to `out_len` bins.
struct C2rAdjoint<T: Float> {
    r2c: Arc<dyn RealToComplex<T>>,
    out_len: usize,
    factor: T,
    conj: bool,
}

impl<T: Float> LaneKernel<T> for C2rAdjoint<T> {
    type In = T;
    type Out = Complex<T>;
    fn in_len(&self) -> usize {
        self.r2c.len()
    }
    fn out_len(&self) -> usize {
        self.out_len
    }
    fn scratch_len(&self) -> usize {
        let bins = self.r2c.len() / 2 + 1;
        // A lane of all the bins when fewer are kept.
        self.r2c.get_scratch_len() + if self.out_len < bins { bins } else { 0 }
    }
    fn apply(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let (n, m) = (self.r2c.len(), self.out_len);
        let bins = n / 2 + 1;
        let (scratch, spare) = scratch.split_at_mut(self.r2c.get_scratch_len());
        let twice = self.factor + self.factor;
        for (x, y) in input.chunks_exact_mut(n).zip(output.chunks_exact_mut(m)) {
            let done = if m >= bins {
                y[bins..].fill(Complex::default());
                self.r2c.process_with_scratch(x, &mut y[..bins], scratch)
            } else {
                let full = &mut spare[..bins];
                let done = self.r2c.process_with_scratch(x, full, scratch);
                y.copy_from_slice(&full[..m]);
                done
            };
            debug_assert!(done.is_ok(), "lane lengths are set by the executor");
            weigh(&mut y[..m.min(bins)], n, self.factor, twice, self.conj);
        }
    }
}

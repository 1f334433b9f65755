//! The spectral path: forward transforms along the convolved axes, products of spectra (with
//! broadcasting and its adjoint, summation), inverse transforms and circular window reads.
//!
//! Real signals use a real transform along the last convolved axis and complex transforms along
//! the others (rfftn's layout); complex signals use complex transforms along every axis. All
//! transforms are unscaled: the 1/L factor travels with the kernel spectrum.

use ndarray::{ArrayD, ArrayViewD, Axis, CowArray, IxDyn, Zip};
use num_complex::Complex;

use super::array::{Run, apply_runs, circular_runs, internal, reduce_to, zeros};
use super::mode::Window;
use super::scalar::ConvScalar;
use super::shape::broadcast_shapes;
use crate::exec::{C2c, C2r, R2c, map_axis, map_axis_inplace};
use crate::{Float, Result};

/// Samples back from an inverse transform: real for real signals, complex otherwise.
pub(crate) enum Samples<T: Float> {
    Real(ArrayD<T>),
    Complex(ArrayD<Complex<T>>),
}

impl<T: Float> Samples<T> {
    pub fn shape(&self) -> &[usize] {
        match self {
            Samples::Real(a) => a.shape(),
            Samples::Complex(a) => a.shape(),
        }
    }
}

/// A spectrum with what it takes to use it: the transform lengths and the scale it carries.
#[derive(Clone)]
pub(crate) struct SpecRef<'a, T: Float> {
    /// The spectrum (rank of the signal; real layout when the signal is real).
    pub spec: ArrayViewD<'a, Complex<T>>,
    /// Transform length along each convolved axis.
    pub lens: &'a [usize],
    /// A factor still to apply to products with this spectrum (1 when it is folded in).
    pub scale: T,
}

/// The unscaled forward transform of `a` along `axes` at lengths `lens` (zero-padded).
pub(crate) fn forward<A: ConvScalar>(
    a: ArrayViewD<'_, A>,
    axes: &[usize],
    lens: &[usize],
) -> Result<ArrayD<Complex<A::Real>>> {
    for (&ax, &l) in axes.iter().zip(lens) {
        if a.len_of(Axis(ax)) > l {
            return Err(internal(format!(
                "transform length {l} shorter than axis {ax} of {:?}",
                a.shape()
            )));
        }
    }
    let plans = A::Real::plans();
    let last = axes.len() - 1;
    let none = |_: &mut [Complex<A::Real>]| {};
    let mut y = if A::IS_REAL {
        map_axis(a, axes[last], &R2c(plans.r2c_lanes(lens[last])?), A::real_part, none)?
    } else {
        map_axis(a, axes[last], &C2c::planned(lens[last], false)?, A::to_complex, none)?
    };
    for i in (0..last).rev() {
        y = c2c_owned(y, axes[i], lens[i], false)?;
    }
    Ok(y)
}

/// The unscaled inverse of [`forward`]: complex inverse transforms, then (real signals) a
/// complex-to-real transform along the last axis.
pub(crate) fn inverse<T: Float>(
    mut p: ArrayD<Complex<T>>,
    axes: &[usize],
    lens: &[usize],
    real: bool,
) -> Result<Samples<T>> {
    let last = axes.len() - 1;
    for i in 0..last {
        p = c2c_owned(p, axes[i], lens[i], true)?;
    }
    if real {
        let kernel = C2r::<T>::planned(lens[last])?;
        Ok(Samples::Real(map_axis(
            p.view(),
            axes[last],
            &kernel,
            |z| z,
            |_: &mut [T]| {},
        )?))
    } else {
        Ok(Samples::Complex(c2c_owned(p, axes[last], lens[last], true)?))
    }
}

/// A complex transform along `axis`, in place when the length allows.
fn c2c_owned<T: Float>(
    mut y: ArrayD<Complex<T>>,
    axis: usize,
    len: usize,
    inverse: bool,
) -> Result<ArrayD<Complex<T>>> {
    let kernel = C2c::planned(len, inverse)?;
    let none = |_: &mut [Complex<T>]| {};
    if y.len_of(Axis(axis)) == len && map_axis_inplace(y.view_mut(), axis, &kernel, none)? {
        return Ok(y);
    }
    map_axis(y.view(), axis, &kernel, |z| z, none)
}

/// `a · op(b) · scale`, broadcast, then summed down to `target` (the adjoint of broadcasting);
/// `op` conjugates when `conj`. Works in place on `a` when it is owned and already `target`.
pub(crate) fn multiply<T: Float>(
    a: CowArray<'_, Complex<T>, IxDyn>,
    b: ArrayViewD<'_, Complex<T>>,
    conj: bool,
    scale: T,
    target: &[usize],
) -> Result<ArrayD<Complex<T>>> {
    let co = broadcast_shapes(a.shape(), b.shape())
        .ok_or_else(|| internal(format!("spectra {:?} and {:?} do not broadcast", a.shape(), b.shape())))?;
    let one = scale == T::one();
    let op = move |x: Complex<T>, y: Complex<T>| {
        let y = if conj { y.conj() } else { y };
        if one { x * y } else { x * y.scale(scale) }
    };
    if a.is_owned() && a.shape() == co.as_slice() && co.as_slice() == target {
        let mut a = a.into_owned();
        Zip::from(&mut a).and_broadcast(&b).par_for_each(|x, &y| *x = op(*x, y));
        return Ok(a);
    }
    let av = a.broadcast(co.clone()).ok_or_else(|| internal("broadcast"))?;
    let bv = b.broadcast(co.clone()).ok_or_else(|| internal("broadcast"))?;
    let mut p = zeros::<Complex<T>>(&co, "spectral product")?;
    Zip::from(&mut p)
        .and(&av)
        .and(&bv)
        .par_for_each(|p, &x, &y| *p = op(x, y));
    reduce_to(p, target)
}

/// Reads windows of circular length `periods[i]` at `offsets[i]` (mod the period) along each
/// convolved axis into a new C-order array of the signal's element type.
pub(crate) fn read_circular<A: ConvScalar>(
    s: &Samples<A::Real>,
    axes: &[usize],
    periods: &[usize],
    offsets: &[isize],
    lens: &[usize],
) -> Result<ArrayD<A>> {
    let mut shape = s.shape().to_vec();
    let mut runs: Vec<Vec<Run>> = Vec::with_capacity(axes.len());
    for (i, &ax) in axes.iter().enumerate() {
        if shape[ax] != periods[i] || lens[i] > periods[i] {
            return Err(internal(format!(
                "window {} of a period {} axis of {:?}",
                lens[i], periods[i], shape
            )));
        }
        shape[ax] = lens[i];
        runs.push(circular_runs(offsets[i], lens[i], periods[i]));
    }
    let mut out = zeros::<A>(&shape, "convolution output")?;
    match s {
        Samples::Real(r) => apply_runs(&mut out.view_mut(), &r.view(), axes, &runs, &|o: &mut A, v| {
            *o = A::from_real(v)
        }),
        Samples::Complex(c) => apply_runs(&mut out.view_mut(), &c.view(), axes, &runs, &|o: &mut A, v| {
            *o = A::from_complex(v)
        }),
    }
    Ok(out)
}

/// Checks that a circular convolution of length `l` gives the window `w` of the linear
/// convolution of lengths `na` and `nb` exactly: no sample of the window aliases another.
pub(crate) fn window_fits(l: usize, na: usize, nb: usize, w: Window) -> bool {
    let full = (na + nb - 1) as isize;
    let l = l as isize;
    l >= w.start + w.len as isize && l >= full - w.start
}

/// The window `windows` of the convolution of `a` (spectrum `a_hat`, signal lengths from
/// `a_lens`) with the operand whose spectrum is `b` (of lengths `b_lens`), or with its reversed
/// conjugate when `conj`; summed down to the batch shape of `target` (the output's shape).
#[allow(clippy::too_many_arguments)]
pub(crate) fn convolve_spectra<A: ConvScalar>(
    a_hat: CowArray<'_, Complex<A::Real>, IxDyn>,
    a_lens: &[usize],
    b: SpecRef<'_, A::Real>,
    b_lens: &[usize],
    conj: bool,
    axes: &[usize],
    windows: &[Window],
    target: &[usize],
) -> Result<ArrayD<A>> {
    for i in 0..axes.len() {
        if !window_fits(b.lens[i], a_lens[i], b_lens[i], windows[i]) {
            return Err(internal(format!(
                "transform length {} too short for window {:?} of lengths {} and {}",
                b.lens[i], windows[i], a_lens[i], b_lens[i]
            )));
        }
    }
    let mut spectral_target = target.to_vec();
    for &ax in axes {
        spectral_target[ax] = a_hat.len_of(Axis(ax));
    }
    let p = multiply(a_hat, b.spec, conj, b.scale, &spectral_target)?;
    let s = inverse(p, axes, b.lens, A::IS_REAL)?;
    // The conjugated spectrum is that of the reversed operand shifted back by its length − 1.
    let offsets: Vec<isize> = (0..axes.len())
        .map(|i| windows[i].start - if conj { b_lens[i] as isize - 1 } else { 0 })
        .collect();
    let lens: Vec<usize> = windows.iter().map(|w| w.len).collect();
    read_circular::<A>(&s, axes, b.lens, &offsets, &lens)
}

//! The four-step algorithm for one long 1-D signal split over the ranks.
//!
//! With `n = n1·n2`, index the input as `x[n2·j1 + j2]` (an n1 × n2 matrix, row-major) and the
//! output as `X[k1 + n1·k2]`. Then
//!
//! `X[k1 + n1·k2] = Σ_j2 W_n2^(j2·k2) · W_n^(j2·k1) · (Σ_j1 x[n2·j1 + j2] · W_n1^(j1·k1))`
//!
//! and [`to_scrambled`] computes it in four steps: (A) move the input so each rank holds whole
//! columns j2; (B) n1-point transforms down the columns, times the twiddles `W_n^(j2·k1)` (and
//! the norm factor); (C) transpose so each rank holds whole rows k1; (D) n2-point transforms
//! along the rows. The result is in the scrambled order `Z[k1][k2]` split by rows k1; one more
//! move puts it in natural order. [`from_scrambled`] runs the adjoint sequence (each step's
//! adjoint, in reverse), which is the transform of the opposite direction read from scrambled
//! order: the inverse of a scrambled spectrum costs two moves, not three.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex, PoisonError};

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use num_complex::Complex;
use rayon::prelude::*;

use super::comm::{Comm, CommData};
use super::layout::balanced_bounds;
use super::pool;
use super::redistribute::{Dist1, runs_exchange};
use crate::transforms::{c2c_axis, c2c_axis_into, c2c_axis_owned};
use crate::{Error, Float, Norm, Result, Scalar};

/// `n = n1·n2` with n1 the largest divisor of n not above √n (n1 = 1 for a prime: the
/// transform then runs on one rank, correct but serial).
pub(crate) fn factors(n: usize) -> (usize, usize) {
    let mut n1 = 1;
    let mut d = 1;
    while d * d <= n {
        if n.is_multiple_of(d) {
            n1 = d;
        }
        d += 1;
    }
    (n1, n / n1)
}

/// The norm under which a transform of direction `inverse` is unscaled.
fn unscaled(inverse: bool) -> Norm {
    if inverse { Norm::Forward } else { Norm::Backward }
}

fn shape_err(e: ndarray::ShapeError) -> Error {
    Error::InvalidArgument(format!("internal: {e}"))
}

/// The twiddles `factor · W_n^(±k1·j2)` (sign + for `inverse`) of columns `c0..c0+w` of the
/// n1 × n2 matrix, column by column. Each is the product of two entries of short f64 tables
/// (W^e = W^(e − e mod b) · W^(e mod b), b a power of two near √n, the factor folded into the
/// first table), rounded once to `T`.
fn twiddle_table<T: Float>(n1: usize, n: usize, c0: usize, w: usize, inverse: bool, factor: T) -> Vec<Complex<T>> {
    let sign = if inverse { 1.0 } else { -1.0 };
    let log_b = ((n as f64).sqrt().ceil() as usize)
        .max(1)
        .next_power_of_two()
        .trailing_zeros();
    let b = 1usize << log_b;
    let mask = b - 1;
    let angle = |e: usize| sign * 2.0 * std::f64::consts::PI * (e as f64) / (n as f64);
    let factor = factor.to_f64().unwrap_or(1.0);
    let lo: Vec<Complex<f64>> = (0..b).map(|t| Complex::from_polar(1.0, angle(t))).collect();
    let hi: Vec<Complex<f64>> = (0..n.div_ceil(b))
        .map(|u| Complex::from_polar(factor, angle(u * b)))
        .collect();
    let cast = |v: f64| T::from_f64(v).unwrap_or_else(T::zero);
    let mut table = vec![Complex::new(T::zero(), T::zero()); n1 * w];
    table.par_chunks_mut(n1.max(1)).enumerate().for_each(|(j, column)| {
        let step = (c0 + j) % n;
        let mut e = 0;
        for t in column.iter_mut() {
            let v = hi[e >> log_b] * lo[e & mask];
            *t = Complex::new(cast(v.re), cast(v.im));
            e += step;
            if e >= n {
                e -= n;
            }
        }
    });
    table
}

/// Which twiddle table: (n, n1, c0, w, inverse, factor's bits, element type).
type TwiddleKey = (usize, usize, usize, usize, bool, u64, TypeId);

/// Recently used twiddle tables (like a plan's, computed once per transform and rank).
#[allow(clippy::type_complexity)]
static TWIDDLES: Mutex<Vec<(TwiddleKey, usize, Arc<dyn Any + Send + Sync>)>> = Mutex::new(Vec::new());
/// The most bytes of twiddle tables kept.
const TWIDDLE_BYTES: usize = 256 << 20;

/// Multiplies `y` (columns `c0..c0+w` of the n1 × n2 matrix, each column of n1 elements
/// contiguous) by `factor · W_n^(±k1·j2)`, from a cached table (see [`twiddle_table`]).
fn twiddle<T: Float>(y: &mut [Complex<T>], n1: usize, n: usize, c0: usize, inverse: bool, factor: T) {
    if n1 == 0 || y.is_empty() {
        return;
    }
    let w = y.len() / n1;
    let bits = factor.to_f64().unwrap_or(1.0).to_bits();
    let key: TwiddleKey = (n, n1, c0, w, inverse, bits, TypeId::of::<T>());
    let cached = {
        let cache = TWIDDLES.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .iter()
            .find(|(k, _, _)| *k == key)
            .and_then(|(_, _, t)| t.clone().downcast::<Vec<Complex<T>>>().ok())
    };
    let table = match cached {
        Some(t) => t,
        None => {
            let t = Arc::new(twiddle_table(n1, n, c0, w, inverse, factor));
            let size = t.len() * std::mem::size_of::<Complex<T>>();
            if size <= TWIDDLE_BYTES {
                let mut cache = TWIDDLES.lock().unwrap_or_else(PoisonError::into_inner);
                cache.push((key, size, t.clone()));
                while cache.iter().map(|e| e.1).sum::<usize>() > TWIDDLE_BYTES {
                    cache.remove(0);
                }
            }
            t
        }
    };
    y.par_chunks_mut(1 << 14)
        .zip(table.par_chunks(1 << 14))
        .for_each(|(ys, ts)| ys.iter_mut().zip(ts).for_each(|(z, t)| *z = *z * *t));
}

/// The column layout of the n1 × n2 matrix (step A's destination) over `p` ranks, and its
/// block boundaries over `0..n2`.
fn columns(n1: usize, n2: usize, p: usize) -> (Dist1, Vec<usize>) {
    let bounds = balanced_bounds(n2, p);
    (
        Dist1::Columns {
            n1,
            n2,
            bounds: bounds.clone(),
        },
        bounds,
    )
}

/// The elements of an array in C order, without a copy when it already is.
pub(crate) fn into_flat<A: Clone>(a: ArrayD<A>) -> Vec<A> {
    if !a.is_standard_layout() {
        return a.as_standard_layout().iter().cloned().collect();
    }
    let len = a.len();
    let (mut v, offset) = a.into_raw_vec_and_offset();
    let offset = offset.unwrap_or(0);
    v.drain(..offset.min(v.len()));
    v.truncate(len);
    v
}
/// Transforms (length `n`, direction `inverse`, scaled by `factor`) this rank's elements
/// `src` of a 1-D signal distributed as `from` (of any length: it is zero-padded or truncated
/// to `n`), into the scrambled order. Returns the local block and its distribution.
pub(crate) fn to_scrambled<C, A, T>(
    comm: &C,
    src: &[A],
    from: &Dist1,
    n: usize,
    inverse: bool,
    factor: T,
) -> Result<(Vec<Complex<T>>, Dist1)>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (me, p) = (comm.rank(), comm.size());
    let (n1, n2) = factors(n);
    let (cols, cb) = columns(n1, n2, p);
    let (c0, w) = (cb[me], cb[me + 1] - cb[me]);
    // (A) whole columns j2 on each rank, each column contiguous (the exchange's unpacking is
    // the local transpose).
    let m = runs_exchange(comm, src, from, &cols)?;
    // (B) n1-point transforms of the columns (in place for a complex signal, which saves a
    // fresh block), then twiddles and the norm factor.
    let mut y = match (Box::new(m) as Box<dyn Any>).downcast::<Vec<Complex<T>>>() {
        Ok(m) => {
            let m = ArrayD::from_shape_vec(IxDyn(&[w, n1]), *m).map_err(shape_err)?;
            c2c_axis_owned(m, 1, n1, inverse, unscaled(inverse))?
        }
        Err(m) => {
            let m = m
                .downcast::<Vec<A>>()
                .map_err(|_| Error::InvalidArgument("internal: block type".into()))?;
            let mview = ArrayViewD::from_shape(IxDyn(&[w, n1]), &m[..]).map_err(shape_err)?;
            let y = c2c_axis(mview, 1, n1, inverse, unscaled(inverse))?;
            pool::give(*m);
            y
        }
    };
    if let Some(s) = y.as_slice_mut() {
        twiddle(s, n1, n, c0, inverse, factor);
    }
    // (C) transpose: whole rows k1 on each rank (the exchange's packing is the local transpose).
    let rows = by_rows(n1, n2, &balanced_bounds(n1, p));
    let flat = into_flat(y);
    let z = runs_exchange(comm, &flat, &cols, &rows)?;
    pool::give(flat);
    let row_bounds = balanced_bounds(n1, p);
    let h = row_bounds[me + 1] - row_bounds[me];
    let z = ArrayD::from_shape_vec(IxDyn(&[h, n2]), z).map_err(shape_err)?;
    // (D) n2-point transforms along the rows.
    let z = c2c_axis_owned(z, 1, n2, inverse, unscaled(inverse))?;
    let dist = Dist1::Scrambled {
        n1,
        n2,
        bounds: row_bounds,
    };
    Ok((into_flat(z), dist))
}

/// The rows `bounds[r]..bounds[r+1]` of the n1 × n2 matrix on rank r, row-major: a natural
/// distribution of its flat index space.
fn by_rows(n1: usize, n2: usize, bounds: &[usize]) -> Dist1 {
    Dist1::Natural {
        len: n1 * n2,
        bounds: bounds.iter().map(|&b| b * n2).collect(),
    }
}

/// The adjoint of [`to_scrambled`] in direction `!inverse`: transforms (direction `inverse`,
/// scaled by `factor`) a scrambled signal into balanced natural order.
pub(crate) fn from_scrambled<C, T>(
    comm: &C,
    src: &[Complex<T>],
    n1: usize,
    n2: usize,
    row_bounds: &[usize],
    inverse: bool,
    factor: T,
) -> Result<(Vec<Complex<T>>, Dist1)>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (me, p) = (comm.rank(), comm.size());
    let h = row_bounds[me + 1] - row_bounds[me];
    // (D*) n2-point transforms along the rows.
    let zview = ArrayViewD::from_shape(IxDyn(&[h, n2]), src).map_err(shape_err)?;
    let mut z = ArrayD::from_shape_vec(IxDyn(&[h, n2]), pool::take(h * n2, "block")?).map_err(shape_err)?;
    c2c_axis_into(zview, 1, n2, inverse, unscaled(inverse), z.view_mut())?;
    // (C*) back to whole columns, each contiguous.
    let (cols, cb) = columns(n1, n2, p);
    let flat = into_flat(z);
    let y = runs_exchange(comm, &flat, &by_rows(n1, n2, row_bounds), &cols)?;
    pool::give(flat);
    // (T*, B*) twiddles, then n1-point transforms of the columns.
    let (c0, w) = (cb[me], cb[me + 1] - cb[me]);
    let mut y = ArrayD::from_shape_vec(IxDyn(&[w, n1]), y).map_err(shape_err)?;
    if let Some(s) = y.as_slice_mut() {
        twiddle(s, n1, n1 * n2, c0, inverse, factor);
    }
    let m = c2c_axis_owned(y, 1, n1, inverse, unscaled(inverse))?;
    // (A*) to natural order.
    let natural = Dist1::Natural {
        len: n1 * n2,
        bounds: balanced_bounds(n1 * n2, p),
    };
    let flat = into_flat(m);
    let out = runs_exchange(comm, &flat, &cols, &natural)?;
    pool::give(flat);
    Ok((out, natural))
}

/// A local block as a 1-D `ArrayD`.
pub(crate) fn to_array<A>(v: Vec<A>) -> Result<ArrayD<A>> {
    let n = v.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(shape_err)
}

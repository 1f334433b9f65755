//! Checking and resolving numpy-style arguments: axes, `n`, `s`.

use ndarray::{Array, ArrayD, Dimension};

use crate::{Error, Result};

/// `axis` (negative counts from the end) as an index in `0..ndim`.
pub(crate) fn normalize_axis(axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if (-n..n).contains(&axis) {
        Ok(if axis < 0 { axis + n } else { axis } as usize)
    } else {
        Err(Error::AxisOutOfRange { axis, ndim })
    }
}

/// The transform length: `n` if given, else `default`; zero is an error.
pub(crate) fn length(n: Option<usize>, default: usize, what: &str) -> Result<usize> {
    match n.unwrap_or(default) {
        0 => Err(Error::InvalidLength {
            what: what.to_string(),
            len: 0,
        }),
        len => Ok(len),
    }
}

/// numpy's resolution of `s` and `axes` for an N-D transform.
///
/// Returns the normalized axes and, for each, the length given in `s` (or `None`).
/// `axes = None` means the last `s.len()` axes when `s` is given, else every axis.
pub(crate) fn resolve_axes(
    ndim: usize,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
) -> Result<(Vec<usize>, Vec<Option<usize>>)> {
    let given: Vec<isize> = match (axes, s) {
        (Some(axes), _) => axes.to_vec(),
        (None, Some(s)) => {
            if s.len() > ndim {
                return Err(Error::ShapeAxesMismatch {
                    s_len: s.len(),
                    axes_len: ndim,
                });
            }
            (ndim - s.len()..ndim).map(|a| a as isize).collect()
        }
        (None, None) => (0..ndim).map(|a| a as isize).collect(),
    };
    if let Some(s) = s {
        if s.len() != given.len() {
            return Err(Error::ShapeAxesMismatch {
                s_len: s.len(),
                axes_len: given.len(),
            });
        }
        if let Some(i) = s.iter().position(|&len| len == 0) {
            return Err(Error::InvalidLength {
                what: format!("s[{i}]"),
                len: 0,
            });
        }
    }
    let mut resolved = Vec::with_capacity(given.len());
    for &axis in &given {
        let a = normalize_axis(axis, ndim)?;
        if resolved.contains(&a) {
            return Err(Error::RepeatedAxis { axis: a, axes: given });
        }
        resolved.push(a);
    }
    let lens = match s {
        Some(s) => s.iter().map(|&len| Some(len)).collect(),
        None => vec![None; resolved.len()],
    };
    Ok((resolved, lens))
}

/// The default axes of the 2-D functions.
pub(crate) const LAST_TWO: &[isize] = &[-2, -1];

/// A dynamic-dimensional result back in the caller's dimension type.
pub(crate) fn into_dim<A, D: Dimension>(a: ArrayD<A>) -> Result<Array<A, D>> {
    a.into_dimensionality::<D>()
        .map_err(|e| Error::InvalidArgument(format!("internal: result has the wrong rank ({e})")))
}

//! Resolving the arguments of a convolution: axes, the kernel's broadcasting, output shapes.
//!
//! The broadcasting rule: the kernel's dimensions are aligned with the signal's from the right
//! (numpy's rule) and every convolved axis must fall inside the kernel; a missing leading
//! dimension or a dimension of length 1 broadcasts. One exception for convenience: a 1-D kernel
//! convolved along a single axis always lies along that axis (one kernel shared by every lane).

use super::mode::{Mode, Window};
use crate::transforms::normalize_axis;
use crate::{Error, Result};

/// The resolved geometry of a convolution for signals of rank `ndim`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Geometry {
    /// Rank of the signal (and of the output, and of the expanded kernel).
    pub ndim: usize,
    /// The convolved axes, ascending.
    pub axes: Vec<usize>,
    /// Signal length along each convolved axis.
    pub n: Vec<usize>,
    /// Kernel length along each convolved axis.
    pub k: Vec<usize>,
    /// The output window along each convolved axis.
    pub windows: Vec<Window>,
    /// The kernel's shape expanded to rank `ndim`.
    pub kshape: Vec<usize>,
    /// The kernel's shape as given.
    pub kshape_given: Vec<usize>,
}

impl Geometry {
    /// Resolves `axes` (None: every axis) for a signal shaped like `x_shape` and a kernel shaped
    /// `k_shape`, in `mode`.
    pub fn new(x_shape: &[usize], k_shape: &[usize], axes: Option<&[isize]>, mode: Mode) -> Result<Self> {
        let ndim = x_shape.len();
        if ndim == 0 {
            return Err(Error::InvalidArgument(
                "a convolution needs a signal of at least one dimension".into(),
            ));
        }
        let given: Vec<isize> = match axes {
            Some(a) => a.to_vec(),
            None => (0..ndim as isize).collect(),
        };
        if given.is_empty() {
            return Err(Error::InvalidArgument("a convolution needs at least one axis".into()));
        }
        let mut resolved = Vec::with_capacity(given.len());
        for &a in &given {
            let a = normalize_axis(a, ndim)?;
            if resolved.contains(&a) {
                return Err(Error::RepeatedAxis { axis: a, axes: given });
            }
            resolved.push(a);
        }
        resolved.sort_unstable();
        let kshape = expand_kernel_shape(ndim, k_shape, &resolved)?;
        let n: Vec<usize> = resolved.iter().map(|&a| x_shape[a]).collect();
        let k: Vec<usize> = resolved.iter().map(|&a| kshape[a]).collect();
        for (i, &a) in resolved.iter().enumerate() {
            if n[i] == 0 {
                return Err(Error::InvalidLength {
                    what: format!("signal length along axis {a}"),
                    len: 0,
                });
            }
            if k[i] == 0 {
                return Err(Error::InvalidLength {
                    what: format!("kernel length along axis {a}"),
                    len: 0,
                });
            }
        }
        if mode == Mode::Valid {
            let x_ge = n.iter().zip(&k).all(|(n, k)| n >= k);
            let k_ge = n.iter().zip(&k).all(|(n, k)| k >= n);
            if !x_ge && !k_ge {
                return Err(Error::InvalidArgument(format!(
                    "mode valid needs the signal (lengths {n:?}) or the kernel (lengths {k:?}) to be at \
                     least as long as the other along every convolved axis"
                )));
            }
        }
        let windows = n
            .iter()
            .zip(&k)
            .map(|(&n, &k)| mode.window(n, k))
            .collect::<Result<Vec<_>>>()?;
        let geom = Geometry {
            ndim,
            axes: resolved,
            n,
            k,
            windows,
            kshape,
            kshape_given: k_shape.to_vec(),
        };
        geom.batch_shape(x_shape)?;
        Ok(geom)
    }

    /// Whether axis `a` is convolved, and if so its position in `axes`.
    pub fn conv_index(&self, a: usize) -> Option<usize> {
        self.axes.iter().position(|&b| b == a)
    }

    /// Checks a signal of shape `x_shape` against the geometry and returns the broadcast shape
    /// of signal and kernel (convolved axes: the signal's lengths).
    pub fn batch_shape(&self, x_shape: &[usize]) -> Result<Vec<usize>> {
        let mismatch = || Error::ShapeMismatch {
            what: "signal (its convolved axes must keep the planned lengths, its other axes must \
                   broadcast against the kernel)"
                .into(),
            expected: self.expected_signal_shape(),
            got: x_shape.to_vec(),
        };
        if x_shape.len() != self.ndim {
            return Err(mismatch());
        }
        let mut out = x_shape.to_vec();
        for (a, (&xd, &kd)) in x_shape.iter().zip(&self.kshape).enumerate() {
            match self.conv_index(a) {
                Some(i) => {
                    if xd != self.n[i] {
                        return Err(mismatch());
                    }
                }
                None => {
                    out[a] = broadcast_dim(xd, kd).ok_or_else(|| Error::ShapeMismatch {
                        what: format!(
                            "kernel of shape {:?} (aligned to the signal's dimensions from the right, it \
                             must broadcast against the signal on axis {a})",
                            self.kshape_given
                        ),
                        expected: x_shape.to_vec(),
                        got: self.kshape.clone(),
                    })?;
                }
            }
        }
        Ok(out)
    }

    /// The output shape for a signal of shape `x_shape`.
    pub fn output_shape(&self, x_shape: &[usize]) -> Result<Vec<usize>> {
        let mut out = self.batch_shape(x_shape)?;
        for (i, &a) in self.axes.iter().enumerate() {
            out[a] = self.windows[i].len;
        }
        Ok(out)
    }

    /// A signal shape that fits (for error messages): the kernel's batch with the planned lengths.
    fn expected_signal_shape(&self) -> Vec<usize> {
        let mut s = self.kshape.clone();
        for (i, &a) in self.axes.iter().enumerate() {
            s[a] = self.n[i];
        }
        s
    }

    /// The window of the signal-gradient problem: the gradient with respect to the signal is
    /// this window of `conv(g, reverse(conj(kernel)))`, `g` being the output's cotangent.
    pub fn signal_grad_windows(&self) -> Vec<Window> {
        (0..self.axes.len())
            .map(|i| Window {
                start: self.k[i] as isize - 1 - self.windows[i].start,
                len: self.n[i],
            })
            .collect()
    }

    /// The window of the kernel-gradient problem: this window of `conv(g, reverse(conj(x)))`.
    pub fn kernel_grad_windows(&self) -> Vec<Window> {
        (0..self.axes.len())
            .map(|i| Window {
                start: self.n[i] as isize - 1 - self.windows[i].start,
                len: self.k[i],
            })
            .collect()
    }
}

/// numpy's broadcasting of two dimension lengths.
pub(crate) fn broadcast_dim(a: usize, b: usize) -> Option<usize> {
    if a == b || b == 1 {
        Some(a)
    } else if a == 1 {
        Some(b)
    } else {
        None
    }
}

/// The co-broadcast shape of two shapes of equal rank, or `None`.
pub(crate) fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    if a.len() != b.len() {
        return None;
    }
    a.iter().zip(b).map(|(&a, &b)| broadcast_dim(a, b)).collect()
}

/// The kernel's shape expanded to rank `ndim` by the module's broadcasting rule: aligned from
/// the right; a 1-D kernel convolved along one axis lies along it.
pub(crate) fn expand_kernel_shape(ndim: usize, k_shape: &[usize], axes: &[usize]) -> Result<Vec<usize>> {
    let kd = k_shape.len();
    if kd == 1 && axes.len() == 1 {
        let mut s = vec![1; ndim];
        s[axes[0]] = k_shape[0];
        return Ok(s);
    }
    if kd > ndim || kd == 0 || axes.is_empty() || ndim - kd > axes[0] {
        return Err(Error::InvalidArgument(format!(
            "a kernel of shape {k_shape:?} does not fit a {ndim}-D signal convolved along axes {axes:?}: \
             aligned from the right, the kernel must have every convolved axis and at most the signal's \
             number of dimensions"
        )));
    }
    let mut s = vec![1; ndim - kd];
    s.extend_from_slice(k_shape);
    Ok(s)
}

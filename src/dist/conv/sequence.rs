//! The sequence route: the convolved axis is split, so every lane is one long sharded signal.
//!
//! Per lane (or pair of real lanes packed as `x_a + i·x_b`): the sharded four-step forward
//! transform at length `n` into the scrambled order (two all-to-alls; the first one also pads
//! the signal with zeros), the product with the kernel's spectrum in that same order, and the
//! inverse transform read straight from the scrambled order (two all-to-alls). The output
//! keeps the inverse transform's balanced blocks of `0..n`, cut to the mode's window.
//!
//! Gradients (PyTorch's convention; `ĝ` the cotangent embedded at the window's start):
//! `x̄ = ifft(Ĝ·conj(K̂))[0..N)`, `k̄ = ifft(Σ_lanes conj(X̂)·Ĝ)[0..K)`. With `n ≥ N + K − 1`
//! neither wraps around. For packed real lanes `conj(Ẑ)·Ĥ` holds both lanes' correlations in
//! its real part (the cross terms are purely imaginary after the inverse transform).

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1, Axis, IxDyn, Zip};
use num_complex::Complex;
use num_traits::Zero;

use super::local::Grads;
use super::{ConvData, expand_kernel_shape, internal, window, zeros};
use crate::conv::{ConvSpec, next_fast_len};
use crate::dist::{Comm, CommData, Layout, Out, Redistribute, Sharded, fft, ifft};
use crate::{Error, Norm, Result};

/// One forward transform: lane `a` (and lane `b`, packed as the imaginary part, for real
/// signals), convolved with kernel lane `kernel`.
#[derive(Debug, Clone, Copy)]
struct Unit {
    a: usize,
    b: Option<usize>,
    kernel: usize,
}

/// The sequence route's plan.
pub(crate) struct Sequence<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    axis: usize,
    /// The FFT length (`≥ N + K − 1`).
    n: usize,
    /// The output window of the full convolution.
    start: usize,
    len: usize,
    nx: usize,
    nk: usize,
    rank: usize,
    /// One lane of the signal, of the output, of the cotangent embedded at `start`, and of the
    /// signal gradient as the inverse transform leaves it.
    x_line: Layout,
    g_line: Layout,
    x_layout: Layout,
    grad_layout: Layout,
    y_local_shape: Vec<usize>,
    /// The balanced blocks of `0..n` (the inverse transform's output).
    inv_bounds: Vec<usize>,
    units: Vec<Unit>,
    /// The kernel's shape expanded to the signal's rank, and its lanes' spectra (this rank's
    /// part, scrambled order, scaled by nothing: the inverse transform carries `1/n`).
    kshape: Vec<usize>,
    kspec: Vec<ArrayD<Complex<A::Real>>>,
    spec_layout: Layout,
}

/// This rank's parts of the scrambled spectra of a block's lanes, one per [`Unit`].
type Spectra<T> = Vec<ArrayD<Complex<T>>>;

/// `v` clamped to `lo..=hi`.
fn clamp(v: usize, lo: usize, hi: usize) -> usize {
    v.max(lo).min(hi)
}

/// A vector as a 1-D block.
fn line<X>(v: Vec<X>) -> Result<ArrayD<X>> {
    let n = v.len();
    ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(internal)
}

impl<A: ConvData> Sequence<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    /// Plans the route and transforms the kernel (collective); returns the output layout.
    pub fn new<C: Comm>(
        comm: &C,
        kernel: &ArrayD<A>,
        x_layout: &Layout,
        axes: &[usize],
        spec: &ConvSpec,
    ) -> Result<(Self, Layout)> {
        if axes.len() != 1 || spec.is_correlation() {
            return Err(Error::InvalidArgument(
                "sharded convolution along a split axis: only a convolution (not a correlation) along that one \
                 axis is supported; split another axis for N-D convolutions or correlations"
                    .into(),
            ));
        }
        let (rank, p) = (comm.rank(), comm.size());
        let axis = axes[0];
        let shape = x_layout.shape();
        let ndim = shape.len();
        let kshape = expand_kernel_shape(ndim, kernel.shape(), axes)?;
        let (nx, nk) = (shape[axis], kshape[axis]);
        let (start, len) = window(spec.get_mode(), nx, nk)?;
        let n = next_fast_len(nx + nk - 1)?;
        for a in (0..ndim).filter(|&a| a != axis) {
            if kshape[a] != 1 && kshape[a] != shape[a] {
                return Err(Error::ShapeMismatch {
                    what: format!(
                        "kernel of shape {:?} (aligned to the signal's dimensions from the right, it must \
                         broadcast into the signal on axis {a})",
                        kernel.shape()
                    ),
                    expected: shape.to_vec(),
                    got: kshape.clone(),
                });
            }
        }
        let inv_bounds = Layout::new(&[n], 0, p)?.bounds().to_vec();
        let cut =
            |lo: usize, l: usize| -> Vec<usize> { inv_bounds.iter().map(|&b| clamp(b, lo, lo + l) - lo).collect() };
        let y_bounds = cut(start, len);
        let mut y_shape = shape.to_vec();
        y_shape[axis] = len;
        let y_layout = Layout::with_bounds(&y_shape, axis as isize, &y_bounds)?;
        let mut g_bounds: Vec<usize> = y_bounds.iter().map(|&o| o + start).collect();
        g_bounds[0] = 0;
        let g_line = Layout::with_bounds(&[start + len], 0, &g_bounds)?;
        let x_line = Layout::with_bounds(&[nx], 0, x_layout.bounds())?;
        let grad_layout = Layout::with_bounds(shape, axis as isize, &cut(0, nx))?;

        // Lanes (C order over the other axes) and the kernel lane each one uses.
        let other: Vec<usize> = (0..ndim).filter(|&a| a != axis).collect();
        let lane_shape: Vec<usize> = other.iter().map(|&a| shape[a]).collect();
        let klane_shape: Vec<usize> = other.iter().map(|&a| kshape[a]).collect();
        let lanes: usize = lane_shape.iter().product();
        let klanes: usize = klane_shape.iter().product();
        let mut by_kernel: Vec<Vec<usize>> = vec![Vec::new(); klanes];
        for lane in 0..lanes {
            let (mut rest, mut j, mut kstride) = (lane, 0, 1);
            for i in (0..other.len()).rev() {
                let m = rest % lane_shape[i];
                rest /= lane_shape[i];
                if klane_shape[i] > 1 {
                    j += m * kstride;
                }
                kstride *= klane_shape[i];
            }
            by_kernel[j].push(lane);
        }
        let mut units = Vec::new();
        for (kernel, group) in by_kernel.iter().enumerate() {
            if A::IS_REAL {
                units.extend(group.chunks(2).map(|c| Unit {
                    a: c[0],
                    b: c.get(1).copied(),
                    kernel,
                }));
            } else {
                units.extend(group.iter().map(|&a| Unit { a, b: None, kernel }));
            }
        }

        // The kernel lanes' spectra, by the same sharded transform as the signals'.
        let kexp = kernel
            .as_standard_layout()
            .into_shape_with_order(IxDyn(&kshape))
            .map_err(|e| internal(format!("kernel reshape: {e}")))?
            .into_owned();
        let k_line = Layout::new(&[nk], 0, p)?;
        let kb = k_line.block(rank);
        let mut kspec = Vec::with_capacity(klanes);
        let mut spec_layout = None;
        for lane in kexp.lanes(Axis(axis)) {
            let part: Vec<A> = lane.iter().skip(kb.start).take(kb.len()).copied().collect();
            let ks = Sharded::from_local(line(part)?, k_line.clone(), rank)?;
            let s = fft(comm, &ks, Some(n), 0, Norm::Backward, Out::Transposed)?;
            spec_layout.get_or_insert_with(|| s.layout().clone());
            kspec.push(s.into_local());
        }
        let spec_layout = spec_layout.ok_or_else(|| internal("a kernel without lanes"))?;
        let plan = Sequence {
            axis,
            n,
            start,
            len,
            nx,
            nk,
            rank,
            x_line,
            g_line,
            x_layout: x_layout.clone(),
            grad_layout,
            y_local_shape: y_layout.local_shape(rank),
            inv_bounds,
            units,
            kshape,
            kspec,
            spec_layout,
        };
        Ok((plan, y_layout))
    }

    /// The FFT length.
    pub fn fft_len(&self) -> usize {
        self.n
    }

    /// Lane `u.a` (+ i·lane `u.b`) of a block as one complex line, after `pad` zeros.
    fn pack(&self, lanes: &[ArrayView1<'_, A>], u: Unit, pad: usize) -> Vec<Complex<A::Real>> {
        let a = &lanes[u.a];
        let mut z = Vec::with_capacity(pad + a.len());
        z.resize(pad, Complex::zero());
        match u.b {
            Some(b) => z.extend(
                a.iter()
                    .zip(lanes[b].iter())
                    .map(|(&va, &vb)| Complex::new(va.real_part(), vb.real_part())),
            ),
            None => z.extend(a.iter().map(|&v| v.to_complex())),
        }
        z
    }

    /// Writes `r` back into lane `u.a` (and `u.b`: real signals' imaginary part).
    fn unpack(out: &mut [ArrayViewMut1<'_, A>], u: Unit, r: &[Complex<A::Real>]) {
        for (o, z) in out[u.a].iter_mut().zip(r) {
            *o = A::from_complex(*z);
        }
        if let Some(b) = u.b {
            for (o, z) in out[b].iter_mut().zip(r) {
                *o = A::from_real(z.im);
            }
        }
    }

    /// The sharded forward transform of one line (of layout `line`) into the scrambled order.
    fn transform<C: Comm>(
        &self,
        comm: &C,
        z: Vec<Complex<A::Real>>,
        line_layout: &Layout,
    ) -> Result<ArrayD<Complex<A::Real>>> {
        let zs = Sharded::from_local(line(z)?, line_layout.clone(), self.rank)?;
        let s = fft(comm, &zs, Some(self.n), 0, Norm::Backward, Out::Transposed)?;
        if s.layout() != &self.spec_layout {
            return Err(internal("the signal's spectrum is not in the kernel spectrum's order"));
        }
        Ok(s.into_local())
    }

    /// The inverse transform of this rank's part of a scrambled spectrum: this rank's
    /// balanced block of `0..n`, in natural order, and its global start.
    fn inverse<C: Comm>(&self, comm: &C, p: ArrayD<Complex<A::Real>>) -> Result<(ArrayD<Complex<A::Real>>, usize)> {
        let ps = Sharded::from_local(p, self.spec_layout.clone(), self.rank)?;
        let r = ifft(comm, &ps, None, 0, Norm::Backward, Out::Natural)?;
        if r.layout().bounds() != self.inv_bounds.as_slice() {
            return Err(internal("the inverse transform's blocks are not the balanced ones"));
        }
        Ok((r.into_local(), self.inv_bounds[self.rank]))
    }

    /// The part of `r` (this rank's block starting at global `b0`) inside `lo..hi`.
    fn cut(r: &ArrayD<Complex<A::Real>>, b0: usize, lo: usize, hi: usize) -> Result<&[Complex<A::Real>]> {
        let s = r
            .as_slice()
            .ok_or_else(|| internal("inverse transform not contiguous"))?;
        let b1 = b0 + s.len();
        let (lo, hi) = (clamp(lo, b0, b1), clamp(hi, b0, b1));
        Ok(&s[lo - b0..hi - b0])
    }

    /// The convolution of this rank's signal block, and the spectra when `keep`.
    pub fn forward<C: Comm>(&self, comm: &C, x: &ArrayD<A>, keep: bool) -> Result<(ArrayD<A>, Spectra<A::Real>)> {
        let lanes: Vec<ArrayView1<'_, A>> = x.lanes(Axis(self.axis)).into_iter().collect();
        let mut y = zeros::<A>(&self.y_local_shape, "convolution output")?;
        let mut out: Vec<ArrayViewMut1<'_, A>> = y.lanes_mut(Axis(self.axis)).into_iter().collect();
        let mut kept = Vec::with_capacity(if keep { self.units.len() } else { 0 });
        for &u in &self.units {
            let zhat = self.transform(comm, self.pack(&lanes, u, 0), &self.x_line)?;
            let mut p = zhat.clone();
            Zip::from(&mut p)
                .and(&self.kspec[u.kernel])
                .par_for_each(|p, &k| *p = *p * k);
            let (r, b0) = self.inverse(comm, p)?;
            Self::unpack(&mut out, u, Self::cut(&r, b0, self.start, self.start + self.len)?);
            if keep {
                kept.push(zhat);
            }
        }
        drop(out);
        Ok((y, kept))
    }

    /// The signal's spectra (one per unit), for gradients without a tape.
    pub fn spectra<C: Comm>(&self, comm: &C, x: &ArrayD<A>) -> Result<Spectra<A::Real>> {
        let lanes: Vec<ArrayView1<'_, A>> = x.lanes(Axis(self.axis)).into_iter().collect();
        self.units
            .iter()
            .map(|&u| self.transform(comm, self.pack(&lanes, u, 0), &self.x_line))
            .collect()
    }

    /// The gradients from the signal's spectra and this rank's cotangent block.
    pub fn vjp<C: Comm>(
        &self,
        comm: &C,
        spectra: &[ArrayD<Complex<A::Real>>],
        g: &ArrayD<A>,
        want_x: bool,
    ) -> Result<Grads<A>> {
        if spectra.len() != self.units.len() {
            return Err(internal("a tape of another plan"));
        }
        let lanes: Vec<ArrayView1<'_, A>> = g.lanes(Axis(self.axis)).into_iter().collect();
        let pad = if self.rank == 0 { self.start } else { 0 };
        let mut gx = if want_x {
            Some(zeros::<A>(&self.grad_layout.local_shape(self.rank), "signal gradient")?)
        } else {
            None
        };
        let mut gx_lanes: Vec<ArrayViewMut1<'_, A>> = match gx.as_mut() {
            Some(a) => a.lanes_mut(Axis(self.axis)).into_iter().collect(),
            None => Vec::new(),
        };
        let mut acc: Vec<Option<ArrayD<Complex<A::Real>>>> = vec![None; self.kspec.len()];
        for (&u, zhat) in self.units.iter().zip(spectra) {
            let ghat = self.transform(comm, self.pack(&lanes, u, pad), &self.g_line)?;
            let a = acc[u.kernel].get_or_insert_with(|| ArrayD::zeros(ghat.raw_dim()));
            Zip::from(a)
                .and(zhat)
                .and(&ghat)
                .par_for_each(|a, &z, &g| *a = *a + z.conj() * g);
            if want_x {
                let mut p = ghat;
                Zip::from(&mut p)
                    .and(&self.kspec[u.kernel])
                    .par_for_each(|p, &k| *p = *p * k.conj());
                let (r, b0) = self.inverse(comm, p)?;
                Self::unpack(&mut gx_lanes, u, Self::cut(&r, b0, 0, self.nx)?);
            }
        }
        drop(gx_lanes);
        // The kernel gradient: one inverse transform per kernel lane, then one all-reduce.
        let mut gk = zeros::<A>(&self.kshape, "kernel gradient")?;
        {
            let mut gk_lanes: Vec<ArrayViewMut1<'_, A>> = gk.lanes_mut(Axis(self.axis)).into_iter().collect();
            for (j, a) in acc.into_iter().enumerate() {
                let Some(a) = a else { continue };
                let (r, b0) = self.inverse(comm, a)?;
                let part = Self::cut(&r, b0, 0, self.nk)?;
                for (i, z) in part.iter().enumerate() {
                    gk_lanes[j][b0 + i] = A::from_complex(*z);
                }
            }
        }
        let data = gk
            .as_slice_mut()
            .ok_or_else(|| internal("kernel gradient not contiguous"))?;
        comm.allreduce_sum(data)?;
        let gx = match gx {
            None => None,
            Some(local) => Some(self.to_signal_layout(comm, local)?),
        };
        Ok((gx, gk))
    }

    /// The signal gradient (blocks of the inverse transform) in the signal's own layout: no
    /// move when the blocks agree, one all-to-all otherwise.
    fn to_signal_layout<C: Comm>(&self, comm: &C, local: ArrayD<A>) -> Result<Sharded<A>> {
        if self.grad_layout.bounds() == self.x_layout.bounds() {
            return Sharded::from_local(local, self.x_layout.clone(), self.rank);
        }
        let grad = Sharded::from_local(local, self.grad_layout.clone(), self.rank)?;
        Redistribute::new(&self.grad_layout, &self.x_layout)?.apply(comm, &grad)
    }
}

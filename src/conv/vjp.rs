//! Vector-Jacobian products of a convolution with respect to the signal and the kernel.
//!
//! With `y = W(x ∗ k)` (`W` the mode's window of the full convolution) and `g` the cotangent
//! of `y`, the adjoint maps are correlations (PyTorch's convention, so the complex case
//! conjugates; see [`crate::grad`]):
//!
//! - signal: `x̄[u] = Σ_s conj(k[s])·ĝ[u + s]`, the window `[K−1−start, +N)` of `g ∗ rev(conj k)`;
//! - kernel: `k̄[s] = Σ_u conj(x[u])·ĝ[u + s]`, the window `[N−1−start, +K)` of `g ∗ rev(conj x)`;
//!
//! where `ĝ` is `g` embedded (zero-padded) at `start` in the full output. Both then sum over
//! the batch axes their input was broadcast along. Spectrally, `rev(conj k)` is `conj(k̂)`
//! shifted by `K−1`, so a plan's kernel spectrum serves the signal gradient as it is, and a
//! [`ConvTape`] from [`ConvPlan::forward`] keeps `x̂` for the kernel gradient: one forward
//! transform of `g` and two inverse transforms in all. The one-FFT lengths of the forward
//! convolution are long enough for both gradients to be exact.

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, CowArray, Data, Dimension};
use num_complex::Complex;
use num_traits::One;

use super::array::{reverse_conj, zeros};
use super::direct::direct;
use super::method::Method;
use super::plan::{ConvPlan, Operand, inv_prod};
use super::scalar::ConvScalar;
use super::spectral::{SpecRef, convolve_spectra, forward};
use crate::transforms::into_dim;
use crate::{Error, Result};

/// What [`ConvPlan::forward`] keeps of the signal for the gradients: its spectrum when the
/// plan runs [`Method::Fft`], otherwise the signal itself.
///
/// ```
/// use ndarray::Array1;
/// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
/// let plan = ConvPlan::new(&Array1::<f64>::ones(50), &[300], &ConvSpec::new(Mode::Full))?;
/// let (_y, tape) = plan.forward(&Array1::<f64>::ones(300))?;
/// assert_eq!(tape.signal_shape(), &[300]);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub struct ConvTape<A: ConvScalar> {
    plan_id: u64,
    x_shape: Vec<usize>,
    data: TapeData<A>,
}

enum TapeData<A: ConvScalar> {
    Spectrum(ArrayD<Complex<A::Real>>),
    Signal(ArrayD<A>),
}

/// The signal gradient and the kernel gradient, each computed only when asked for.
type Grads<A> = (Option<ArrayD<A>>, Option<ArrayD<A>>);

impl<A: ConvScalar> ConvTape<A> {
    /// The shape of the signal the tape was recorded for.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&Array2::<f32>::ones((1, 3)), &[2, 9], &ConvSpec::new(Mode::Same))?;
    /// let (_y, tape) = plan.forward(&Array2::<f32>::ones((4, 9)))?;
    /// assert_eq!(tape.signal_shape(), &[4, 9]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn signal_shape(&self) -> &[usize] {
        &self.x_shape
    }
}

/// The signal as the kernel gradient reads it.
enum XRef<'a, A: ConvScalar> {
    Signal(ArrayViewD<'a, A>),
    Spectrum(ArrayViewD<'a, Complex<A::Real>>),
}

impl<A: ConvScalar, DK: Dimension> ConvPlan<A, DK> {
    /// Applies the plan like [`apply`](Self::apply) and records what the gradients need.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let k = Array1::from_shape_fn(40, |j| (j as f64 * 0.3).cos());
    /// let x = Array1::from_shape_fn(500, |t| (t as f64 * 0.1).sin());
    /// let plan = ConvPlan::new(&k, &[500], &ConvSpec::new(Mode::Causal))?;
    /// let (y, tape) = plan.forward(&x)?;
    /// let (gx, gk) = plan.vjp_tape(&tape, &y)?; // gradients of ½‖y‖²
    /// assert_eq!((gx.len(), gk.len()), (500, 40));
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn forward<S, D>(&self, x: &ArrayBase<S, D>) -> Result<(Array<A, D>, ConvTape<A>)>
    where
        S: Data<Elem = A>,
        D: Dimension,
    {
        let out_shape = self.geom.output_shape(x.shape())?;
        let xv = x.view().into_dyn();
        let (y, data) = match &self.operand {
            Operand::Fft(kspec) if !out_shape.contains(&0) && !xv.is_empty() => {
                let lens = &self.choice.fft_lens;
                let x_hat = forward(xv, &self.geom.axes, lens)?;
                let b = SpecRef {
                    spec: kspec.view(),
                    lens,
                    scale: A::Real::one(),
                };
                let y = convolve_spectra::<A>(
                    CowArray::from(x_hat.view()),
                    &self.geom.n,
                    b,
                    &self.geom.k,
                    false,
                    &self.geom.axes,
                    &self.geom.windows,
                    &out_shape,
                )?;
                (y, TapeData::Spectrum(x_hat))
            }
            _ => {
                let y = self.run(xv.view(), false, &self.geom.windows, &out_shape)?;
                let mut copy = zeros::<A>(x.shape(), "tape")?;
                copy.assign(&xv);
                (y, TapeData::Signal(copy))
            }
        };
        let tape = ConvTape {
            plan_id: self.id,
            x_shape: x.shape().to_vec(),
            data,
        };
        Ok((into_dim(y)?, tape))
    }

    /// The gradients with respect to the signal and the kernel, given the signal `x` and the
    /// cotangent `g` of the output (PyTorch's convention: the VJP is the adjoint).
    ///
    /// ```
    /// use ndarray::{array, Array1};
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let k = array![1.0f64, 2.0];
    /// let plan = ConvPlan::new(&k, &[3], &ConvSpec::new(Mode::Full))?;
    /// let x = array![1.0, 0.0, 0.0];
    /// let g = Array1::from_elem(4, 1.0); // L = Σ y
    /// let (gx, gk) = plan.vjp(&x, &g)?;
    /// assert!(gx.iter().all(|v| (v - 3.0).abs() < 1e-12)); // ∂L/∂x[u] = Σ k
    /// assert!((gk[0] - 1.0).abs() < 1e-12 && (gk[1] - 1.0).abs() < 1e-12); // Σ x
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp<S1, S2, D>(&self, x: &ArrayBase<S1, D>, g: &ArrayBase<S2, D>) -> Result<(Array<A, D>, Array<A, DK>)>
    where
        S1: Data<Elem = A>,
        S2: Data<Elem = A>,
        D: Dimension,
    {
        let (gx, gk) = self.grads(
            x.shape(),
            Some(XRef::Signal(x.view().into_dyn())),
            g.view().into_dyn(),
            true,
        )?;
        self.finish(gx, gk)
    }

    /// The gradient with respect to the signal only; it needs the kernel (kept by the plan)
    /// but not the signal, only its shape `x_shape`.
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![0.5f64, 0.5], &[1, 4], &ConvSpec::new(Mode::Same))?;
    /// let gx: Array2<f64> = plan.vjp_signal(&[3, 4], &Array2::<f64>::ones((3, 4)))?;
    /// assert_eq!(gx.shape(), &[3, 4]);
    /// assert!((gx[[0, 0]] - 1.0).abs() < 1e-12 && (gx[[0, 3]] - 0.5).abs() < 1e-12);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp_signal<S, D>(&self, x_shape: &[usize], g: &ArrayBase<S, D>) -> Result<Array<A, D>>
    where
        S: Data<Elem = A>,
        D: Dimension,
    {
        let (gx, _) = self.grads(x_shape, None, g.view().into_dyn(), true)?;
        into_dim(gx.ok_or_else(|| super::array::internal("missing signal gradient"))?)
    }

    /// The gradient with respect to the kernel only, in the kernel's shape (summed over the
    /// batch axes it was broadcast along).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![1.0f64, 1.0], &[5, 3], &ConvSpec::new(Mode::Valid))?;
    /// let x = Array2::from_elem((5, 3), 1.0);
    /// let gk = plan.vjp_kernel(&x, &Array2::from_elem((5, 2), 1.0))?;
    /// assert_eq!(gk.shape(), &[2]); // the shared kernel's gradient sums the 5 lanes
    /// assert!((gk[0] - 10.0).abs() < 1e-12);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp_kernel<S1, S2, D>(&self, x: &ArrayBase<S1, D>, g: &ArrayBase<S2, D>) -> Result<Array<A, DK>>
    where
        S1: Data<Elem = A>,
        S2: Data<Elem = A>,
        D: Dimension,
    {
        let (_, gk) = self.grads(
            x.shape(),
            Some(XRef::Signal(x.view().into_dyn())),
            g.view().into_dyn(),
            false,
        )?;
        self.kernel_shaped(gk.ok_or_else(|| super::array::internal("missing kernel gradient"))?)
    }

    /// Both gradients from a [`ConvTape`] recorded by [`forward`](Self::forward) of this
    /// plan: the FFT method reuses the recorded signal spectrum and the plan's kernel spectrum,
    /// so the gradients cost one forward and two inverse transforms.
    ///
    /// ```
    /// use ndarray::{Array1, Array3};
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let k = Array1::from_shape_fn(64, |j| 1.0 / (1.0 + j as f32));
    /// let plan = ConvPlan::new(&k, &[2, 3, 256], &ConvSpec::new(Mode::Same))?;
    /// let x = Array3::from_shape_fn((2, 3, 256), |(b, c, t)| ((b * 7 + c * 3 + t) as f32).sin());
    /// let (y, tape) = plan.forward(&x)?;
    /// let (gx, gk) = plan.vjp_tape(&tape, &y.mapv(|v| 2.0 * v))?; // L = ‖y‖²
    /// assert_eq!(gx.shape(), x.shape());
    /// assert_eq!(gk.shape(), k.shape());
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn vjp_tape<S, D>(&self, tape: &ConvTape<A>, g: &ArrayBase<S, D>) -> Result<(Array<A, D>, Array<A, DK>)>
    where
        S: Data<Elem = A>,
        D: Dimension,
    {
        self.check_id(tape.plan_id)?;
        let x = match &tape.data {
            TapeData::Spectrum(s) => XRef::Spectrum(s.view()),
            TapeData::Signal(x) => XRef::Signal(x.view()),
        };
        let (gx, gk) = self.grads(&tape.x_shape, Some(x), g.view().into_dyn(), true)?;
        self.finish(gx, gk)
    }

    /// Both gradients in the caller's types.
    fn finish<D: Dimension>(
        &self,
        gx: Option<ArrayD<A>>,
        gk: Option<ArrayD<A>>,
    ) -> Result<(Array<A, D>, Array<A, DK>)> {
        let missing = || super::array::internal("missing gradient");
        Ok((
            into_dim(gx.ok_or_else(missing)?)?,
            self.kernel_shaped(gk.ok_or_else(missing)?)?,
        ))
    }

    /// The signal gradient (when `want_x`) and the kernel gradient (when `x` is given, in the
    /// expanded kernel shape, un-reversed for a correlation).
    fn grads(&self, x_shape: &[usize], x: Option<XRef<'_, A>>, g: ArrayViewD<'_, A>, want_x: bool) -> Result<Grads<A>> {
        let geom = &self.geom;
        let out_shape = geom.output_shape(x_shape)?;
        if g.shape() != out_shape.as_slice() {
            return Err(Error::ShapeMismatch {
                what: "cotangent (the gradient with respect to the convolution's output)".into(),
                expected: out_shape,
                got: g.shape().to_vec(),
            });
        }
        if let Some(XRef::Signal(xv)) = &x
            && xv.shape() != x_shape
        {
            return Err(Error::ShapeMismatch {
                what: "signal recorded for the gradient".into(),
                expected: x_shape.to_vec(),
                got: xv.shape().to_vec(),
            });
        }
        let axes = &geom.axes;
        let sw = geom.signal_grad_windows();
        let kw = geom.kernel_grad_windows();
        let kshape = &geom.kshape;
        let empty = g.is_empty() || x_shape.contains(&0);
        let (gx, gk) = match &self.operand {
            Operand::Fft(kspec) if !empty => {
                let lens = &self.choice.fft_lens;
                let g_lens: Vec<usize> = geom.windows.iter().map(|w| w.len).collect();
                let g_hat = forward(g, axes, lens)?;
                let gk = match x {
                    None => None,
                    Some(xr) => {
                        let owned;
                        let x_hat = match xr {
                            XRef::Spectrum(s) => s,
                            XRef::Signal(xv) => {
                                owned = forward(xv, axes, lens)?;
                                owned.view()
                            }
                        };
                        let b = SpecRef {
                            spec: x_hat,
                            lens,
                            scale: inv_prod(lens),
                        };
                        let gk = convolve_spectra::<A>(
                            CowArray::from(g_hat.view()),
                            &g_lens,
                            b,
                            &geom.n,
                            true,
                            axes,
                            &kw,
                            kshape,
                        )?;
                        Some(gk)
                    }
                };
                let gx = if want_x {
                    let b = SpecRef {
                        spec: kspec.view(),
                        lens,
                        scale: A::Real::one(),
                    };
                    Some(convolve_spectra::<A>(
                        CowArray::from(g_hat),
                        &g_lens,
                        b,
                        &geom.k,
                        true,
                        axes,
                        &sw,
                        x_shape,
                    )?)
                } else {
                    None
                };
                (gx, gk)
            }
            _ => {
                let gx = if want_x {
                    Some(self.run(g.view(), true, &sw, x_shape)?)
                } else {
                    None
                };
                let gk = match x {
                    None => None,
                    Some(XRef::Spectrum(_)) => {
                        return Err(super::array::internal("a spectrum tape for a non-FFT plan"));
                    }
                    Some(XRef::Signal(_)) if empty => Some(zeros::<A>(kshape, "kernel gradient")?),
                    Some(XRef::Signal(xv)) => Some(self.kernel_grad_from_signal(xv, g)?),
                };
                (gx, gk)
            }
        };
        let gk = match gk {
            Some(gk) if self.spec.is_correlation() => Some(reverse_conj(gk.view(), axes)?),
            other => other,
        };
        Ok((gx, gk))
    }

    /// The kernel gradient of a direct or overlap-add plan: direct when the plan is direct
    /// (tiny kernels), otherwise one FFT at the plan's one-FFT lengths.
    fn kernel_grad_from_signal(&self, x: ArrayViewD<'_, A>, g: ArrayViewD<'_, A>) -> Result<ArrayD<A>> {
        let geom = &self.geom;
        let axes = &geom.axes;
        let kw = geom.kernel_grad_windows();
        if self.choice.method == Method::Direct {
            let rx = reverse_conj(x, axes)?;
            return direct(g, rx.view(), axes, &kw, &geom.kshape);
        }
        let lens = &self.choice.fft_lens;
        let g_lens: Vec<usize> = geom.windows.iter().map(|w| w.len).collect();
        let x_hat = forward(x, axes, lens)?;
        let g_hat = forward(g, axes, lens)?;
        let b = SpecRef {
            spec: x_hat.view(),
            lens,
            scale: inv_prod(lens),
        };
        convolve_spectra::<A>(
            CowArray::from(g_hat),
            &g_lens,
            b,
            &geom.n,
            true,
            axes,
            &kw,
            &geom.kshape,
        )
    }
}

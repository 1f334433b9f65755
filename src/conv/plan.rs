//! `ConvSpec` (what to compute) and `ConvPlan` (a kernel prepared once, applied to many signals).

use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::{Array, ArrayBase, ArrayD, ArrayViewD, CowArray, Data, Dimension, IxDyn};
use num_complex::Complex;
use num_traits::One;

use super::array::{internal, reverse_conj, zeros};
use super::direct::direct;
use super::fused;
use super::method::{Choice, Method, choose};
use super::mode::{Mode, Window};
use super::overlap::overlap_add;
use super::scalar::ConvScalar;
use super::shape::Geometry;
use super::spectral::{SpecRef, convolve_spectra, forward, window_fits};
use crate::transforms::into_dim;
use crate::{Float, Result};

/// What a convolution computes: the mode, the axes, the method, convolution or correlation.
///
/// Built from [`ConvSpec::new`] (last axis, [`Method::Auto`], convolution) and adjusted with
/// the builder methods.
///
/// ```
/// use shardfft::conv::{ConvSpec, Method, Mode};
/// let spec = ConvSpec::new(Mode::Valid).axes(&[-2, -1]).method(Method::Fft).correlation();
/// assert_eq!(spec.get_mode(), Mode::Valid);
/// assert!(spec.is_correlation());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvSpec {
    mode: Mode,
    axes: Option<Vec<isize>>,
    method: Method,
    correlate: bool,
    block: Option<usize>,
}

impl ConvSpec {
    /// A convolution along the last axis in `mode`, method chosen by cost.
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// let spec = ConvSpec::new(Mode::Causal);
    /// assert_eq!(spec.get_axes(), Some(&[-1isize][..]));
    /// ```
    pub fn new(mode: Mode) -> Self {
        ConvSpec {
            mode,
            axes: Some(vec![-1]),
            method: Method::Auto,
            correlate: false,
            block: None,
        }
    }

    /// Convolve along `axis` only (negative counts from the end).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Full).axis(0).get_axes(), Some(&[0isize][..]));
    /// ```
    pub fn axis(mut self, axis: isize) -> Self {
        self.axes = Some(vec![axis]);
        self
    }

    /// Convolve along each of `axes` (an N-D convolution; order does not matter).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Full).axes(&[1, 2]).get_axes(), Some(&[1isize, 2][..]));
    /// ```
    pub fn axes(mut self, axes: &[isize]) -> Self {
        self.axes = Some(axes.to_vec());
        self
    }

    /// Convolve along every axis of the signal (scipy's default `axes=None`).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Full).all_axes().get_axes(), None);
    /// ```
    pub fn all_axes(mut self) -> Self {
        self.axes = None;
        self
    }

    /// Force a method (default [`Method::Auto`]).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Method, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Full).method(Method::Direct).get_method(), Method::Direct);
    /// ```
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Compute a correlation instead: the convolution with the kernel reversed along the
    /// convolved axes and conjugated (scipy.signal.correlate's definition).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert!(ConvSpec::new(Mode::Full).correlation().is_correlation());
    /// ```
    pub fn correlation(mut self) -> Self {
        self.correlate = true;
        self
    }

    /// Overlap-add blocks of `block` signal samples along every convolved axis (fewer where
    /// the signal is shorter), instead of the length the cost model picks. Only used by
    /// [`Method::OverlapAdd`]; zero is an error when the plan is built.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode};
    /// let spec = ConvSpec::new(Mode::Full).method(Method::OverlapAdd).block(100);
    /// let plan = ConvPlan::new(&Array1::<f64>::ones(10), &[1000], &spec)?;
    /// assert_eq!(plan.blocks().unwrap().0, &[100]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn block(mut self, block: usize) -> Self {
        self.block = Some(block);
        self
    }

    /// The mode.
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Same).get_mode(), Mode::Same);
    /// ```
    pub fn get_mode(&self) -> Mode {
        self.mode
    }

    /// The axes as given (`None`: every axis).
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Same).get_axes(), Some(&[-1isize][..]));
    /// ```
    pub fn get_axes(&self) -> Option<&[isize]> {
        self.axes.as_deref()
    }

    /// The requested method.
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Method, Mode};
    /// assert_eq!(ConvSpec::new(Mode::Same).get_method(), Method::Auto);
    /// ```
    pub fn get_method(&self) -> Method {
        self.method
    }

    /// Whether this is a correlation.
    ///
    /// ```
    /// use shardfft::conv::{ConvSpec, Mode};
    /// assert!(!ConvSpec::new(Mode::Same).is_correlation());
    /// ```
    pub fn is_correlation(&self) -> bool {
        self.correlate
    }
}

/// The kernel as the chosen method keeps it (reversed and conjugated for a correlation).
pub(super) enum Operand<A: ConvScalar> {
    /// The kernel itself, expanded to the signal's rank.
    Direct(ArrayD<A>),
    /// Its spectrum at the one-FFT lengths, scaled by 1/∏L.
    Fft(ArrayD<Complex<A::Real>>),
    /// Its spectrum at the block transform lengths, scaled by 1/∏L.
    OverlapAdd(ArrayD<Complex<A::Real>>),
}

static NEXT_PLAN_ID: AtomicU64 = AtomicU64::new(1);

/// A kernel prepared once for signals of a given length, applied to any number of signals.
///
/// The plan fixes the kernel, the signal lengths along the convolved axes, the mode and the
/// method, and precomputes what the method needs: for the FFT methods the kernel's spectrum
/// (at the smallest fast length the mode allows, see [`fft_lens`](Self::fft_lens)). In training
/// the same kernel meets many batches: build the plan once, then [`apply`](Self::apply) it and
/// take its gradients ([`vjp`](Self::vjp), or [`forward`](Self::forward) + [`vjp_tape`](Self::vjp_tape),
/// which reuses the forward spectra) per batch.
///
/// # Shapes and broadcasting
///
/// Signals have the rank of `signal_shape` and its lengths along the convolved axes; their other
/// (batch) axes may have any length that broadcasts against the kernel. The kernel is aligned
/// with the signal from the right, numpy-style, and must contain every convolved axis; missing
/// leading axes and axes of length 1 broadcast. So with a signal `(batch, channels, n)`
/// convolved along the last axis, a kernel `(channels, k)` is one kernel per channel, `(k,)` one
/// kernel for every lane, `(batch, channels, k)` one kernel per lane, and `(channels, 1, k)`
/// would need a signal with a matching axis. A 1-D kernel convolved along one axis always lies
/// along that axis, whichever it is. The output has the broadcast batch shape and the mode's
/// lengths along the convolved axes.
///
/// ```
/// use ndarray::{Array2, Array3};
/// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
///
/// let kernels = Array2::from_shape_fn((4, 33), |(c, j)| ((c + 1) * j) as f64 * 0.01); // per channel
/// let plan = ConvPlan::new(&kernels, &[8, 4, 1000], &ConvSpec::new(Mode::Same))?;
/// for step in 0..3 {
///     let x = Array3::from_shape_fn((8, 4, 1000), |(b, c, t)| ((b + c + t + step) as f64).sin());
///     let y = plan.apply(&x)?;
///     assert_eq!(y.shape(), &[8, 4, 1000]);
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub struct ConvPlan<A: ConvScalar, DK: Dimension = IxDyn> {
    pub(super) id: u64,
    pub(super) spec: ConvSpec,
    pub(super) geom: Geometry,
    pub(super) kernel_dim: DK,
    pub(super) choice: Choice,
    pub(super) operand: Operand<A>,
}

impl<A: ConvScalar, DK: Dimension> std::fmt::Debug for ConvPlan<A, DK> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvPlan")
            .field("spec", &self.spec)
            .field("axes", &self.geom.axes)
            .field("signal_lens", &self.geom.n)
            .field("kernel_shape", &self.geom.kshape_given)
            .field("method", &self.choice.method)
            .field("fft_lens", &self.choice.fft_lens)
            .finish()
    }
}

/// `1/∏lens` in `T`.
pub(super) fn inv_prod<T: Float>(lens: &[usize]) -> T {
    let p = lens.iter().map(|&l| l as f64).product::<f64>();
    T::one() / T::from_f64(p).unwrap_or_else(T::one)
}

impl<A: ConvScalar, DK: Dimension> ConvPlan<A, DK> {
    /// Prepares `kernel` for signals shaped like `signal_shape` (only its rank and its lengths
    /// along the convolved axes are binding; its other axes are checked against the kernel).
    ///
    /// Errors: a bad or repeated axis, a zero length, a kernel that does not broadcast against
    /// the signal (see the type's documentation), or a `Valid` mode whose inputs are each longer
    /// than the other along some axis.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![1.0f32, -1.0], &[5], &ConvSpec::new(Mode::Valid))?;
    /// let y = plan.apply(&array![1.0f32, 4.0, 9.0, 16.0, 25.0])?;
    /// assert_eq!(y.len(), 4);
    /// assert!((y[0] - 3.0).abs() < 1e-5 && (y[3] - 9.0).abs() < 1e-5);
    /// assert!(ConvPlan::new(&array![1.0f32], &[5], &ConvSpec::new(Mode::Valid).axis(1)).is_err());
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn new<S>(kernel: &ArrayBase<S, DK>, signal_shape: &[usize], spec: &ConvSpec) -> Result<Self>
    where
        S: Data<Elem = A>,
    {
        let geom = Geometry::new(signal_shape, kernel.shape(), spec.axes.as_deref(), spec.mode)?;
        let mut b = zeros::<A>(&geom.kshape, "kernel")?;
        b.iter_mut().zip(kernel.iter()).for_each(|(d, &s)| *d = s);
        if spec.correlate {
            b = reverse_conj(b.view(), &geom.axes)?;
        }
        let elem_bytes = std::mem::size_of::<Complex<A::Real>>();
        let choice = choose(&geom, A::IS_REAL, elem_bytes, spec.method, spec.block)?;
        let spectrum = |lens: &[usize]| -> Result<ArrayD<Complex<A::Real>>> {
            let mut s = forward(b.view(), &geom.axes, lens)?;
            let f = inv_prod::<A::Real>(lens);
            s.mapv_inplace(|z| z.scale(f));
            Ok(s)
        };
        let operand = match choice.method {
            Method::Fft => Operand::Fft(spectrum(&choice.fft_lens)?),
            Method::OverlapAdd => Operand::OverlapAdd(spectrum(&choice.block_lens)?),
            _ => Operand::Direct(b),
        };
        Ok(ConvPlan {
            id: NEXT_PLAN_ID.fetch_add(1, Ordering::Relaxed),
            spec: spec.clone(),
            geom,
            kernel_dim: kernel.raw_dim(),
            choice,
            operand,
        })
    }

    /// Convolves (or correlates) `x` with the plan's kernel.
    ///
    /// `x` must have the planned rank and lengths along the convolved axes; its other axes
    /// broadcast against the kernel's. Anything else is an [`Error::ShapeMismatch`](crate::Error::ShapeMismatch).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![1.0f64, 1.0], &[1, 3], &ConvSpec::new(Mode::Full))?;
    /// let y = plan.apply(&Array2::from_elem((5, 3), 1.0))?; // any batch length
    /// assert_eq!(y.shape(), &[5, 4]);
    /// assert!((y[[4, 1]] - 2.0).abs() < 1e-12);
    /// assert!(plan.apply(&Array2::<f64>::ones((5, 4))).is_err()); // wrong signal length
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn apply<S, D>(&self, x: &ArrayBase<S, D>) -> Result<Array<A, D>>
    where
        S: Data<Elem = A>,
        D: Dimension,
    {
        let out_shape = self.geom.output_shape(x.shape())?;
        let windows = self.geom.windows.clone();
        into_dim(self.run(x.view().into_dyn(), false, &windows, &out_shape)?)
    }

    /// The method this plan runs (never [`Method::Auto`]).
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode};
    /// let plan = ConvPlan::new(&Array1::<f64>::ones(500), &[600], &ConvSpec::new(Mode::Full))?;
    /// assert_eq!(plan.method(), Method::Fft);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn method(&self) -> Method {
        self.choice.method
    }

    /// The one-FFT transform lengths along the convolved axes (ascending axis order): the
    /// smallest fast lengths at which the circular convolution gives the mode's window exactly
    /// — `N+K−1` rounded up for `Full` and `Causal`, less for `Same` and `Valid` (down to `N`).
    /// Real signals get an even length along the last convolved axis. Used by the `Fft` method
    /// and by the kernel gradient.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let k = Array1::<f64>::ones(100);
    /// assert_eq!(ConvPlan::new(&k, &[1000], &ConvSpec::new(Mode::Full))?.fft_lens(), &[1120]); // 2^5·5·7 ≥ 1099
    /// assert_eq!(ConvPlan::new(&k, &[1000], &ConvSpec::new(Mode::Valid))?.fft_lens(), &[1000]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn fft_lens(&self) -> &[usize] {
        &self.choice.fft_lens
    }

    /// The overlap-add `(block lengths, block transform lengths)` when the plan runs
    /// [`Method::OverlapAdd`].
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode};
    /// let spec = ConvSpec::new(Mode::Full).method(Method::OverlapAdd);
    /// let plan = ConvPlan::new(&Array1::<f64>::ones(64), &[1 << 20], &spec)?;
    /// let (blocks, lens) = plan.blocks().unwrap();
    /// assert!(blocks[0] + 63 <= lens[0] && lens[0] < 1 << 16);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn blocks(&self) -> Option<(&[usize], &[usize])> {
        matches!(self.choice.method, Method::OverlapAdd).then_some((&self.choice.blocks, &self.choice.block_lens))
    }

    /// The convolved axes, normalized and ascending.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&Array2::<f64>::ones((2, 2)), &[3, 8, 8], &ConvSpec::new(Mode::Same).axes(&[-1, -2]))?;
    /// assert_eq!(plan.axes(), &[1, 2]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn axes(&self) -> &[usize] {
        &self.geom.axes
    }

    /// The signal lengths along the convolved axes.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![1.0f64, 2.0], &[4, 7], &ConvSpec::new(Mode::Same))?;
    /// assert_eq!(plan.signal_lens(), &[7]);
    /// assert_eq!(plan.kernel_lens(), &[2]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn signal_lens(&self) -> &[usize] {
        &self.geom.n
    }

    /// The kernel lengths along the convolved axes.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&array![[1.0f64, 2.0, 3.0]], &[2, 9], &ConvSpec::new(Mode::Full))?;
    /// assert_eq!(plan.kernel_lens(), &[3]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn kernel_lens(&self) -> &[usize] {
        &self.geom.k
    }

    /// The specification the plan was built from.
    ///
    /// ```
    /// use ndarray::array;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let spec = ConvSpec::new(Mode::Causal);
    /// let plan = ConvPlan::new(&array![1.0f64], &[4], &spec)?;
    /// assert_eq!(plan.spec(), &spec);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn spec(&self) -> &ConvSpec {
        &self.spec
    }

    /// The output shape for a signal of shape `x_shape` (an error if it does not fit the plan).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Mode};
    /// let plan = ConvPlan::new(&Array2::<f64>::ones((3, 5)), &[3, 20], &ConvSpec::new(Mode::Valid))?;
    /// assert_eq!(plan.output_shape(&[3, 20])?, vec![3, 16]);
    /// assert!(plan.output_shape(&[3, 21]).is_err()); // not the planned signal length
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn output_shape(&self, x_shape: &[usize]) -> Result<Vec<usize>> {
        self.geom.output_shape(x_shape)
    }

    /// The kernel's spectrum when the plan runs [`Method::Fft`]: the transform of the kernel
    /// (reversed and conjugated for a correlation) expanded to the signal's rank, zero-padded to
    /// [`fft_lens`](Self::fft_lens), scaled by `1/∏fft_lens`; real kernels keep the
    /// non-negative frequencies of the last convolved axis. For a caller (the sharded
    /// convolution) that runs the transforms itself: `y = ifft(fft(x) · spectrum)·∏fft_lens`.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode};
    /// let spec = ConvSpec::new(Mode::Full).method(Method::Fft);
    /// let plan = ConvPlan::new(&Array1::<f64>::ones(3), &[6], &spec)?;
    /// let s = plan.kernel_spectrum().unwrap();
    /// assert_eq!(s.shape(), &[plan.fft_lens()[0] / 2 + 1]);
    /// assert!((s[0].re * plan.fft_lens()[0] as f64 - 3.0).abs() < 1e-12);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn kernel_spectrum(&self) -> Option<ArrayViewD<'_, Complex<A::Real>>> {
        match &self.operand {
            Operand::Fft(s) => Some(s.view()),
            _ => None,
        }
    }

    /// The windows of the full convolution `conv(a, operand)` (its reversed conjugate when
    /// `conj`), summed to `target`, by the plan's method.
    pub(super) fn run(
        &self,
        a: ArrayViewD<'_, A>,
        conj: bool,
        windows: &[Window],
        target: &[usize],
    ) -> Result<ArrayD<A>> {
        if target.contains(&0) || a.is_empty() {
            return zeros(target, "convolution output");
        }
        let axes = &self.geom.axes;
        let klens = &self.geom.k;
        match &self.operand {
            Operand::Direct(b) => {
                if conj {
                    let rb = reverse_conj(b.view(), axes)?;
                    direct(a, rb.view(), axes, windows, target)
                } else {
                    direct(a, b.view(), axes, windows, target)
                }
            }
            Operand::Fft(spec) => {
                let lens = &self.choice.fft_lens;
                if let ([axis], [len], [window], [klen]) = (&axes[..], &lens[..], windows, &klens[..])
                    && fused::applies(a.shape(), spec.shape(), *axis, target)
                    && window_fits(*len, a.shape()[*axis], *klen, *window)
                {
                    // The conjugated spectrum is that of the reversed operand shifted back
                    // by its length − 1.
                    let offset = window.start - if conj { *klen as isize - 1 } else { 0 };
                    let one = A::Real::one();
                    return fused::convolve_lanes(a, spec.view(), *axis, *len, conj, one, offset, target);
                }
                let a_lens: Vec<usize> = axes.iter().map(|&ax| a.shape()[ax]).collect();
                let a_hat = forward(a, axes, lens)?;
                let b = SpecRef {
                    spec: spec.view(),
                    lens,
                    scale: A::Real::one(),
                };
                convolve_spectra(CowArray::from(a_hat), &a_lens, b, klens, conj, axes, windows, target)
            }
            Operand::OverlapAdd(spec) => {
                let b = SpecRef {
                    spec: spec.view(),
                    lens: &self.choice.block_lens,
                    scale: A::Real::one(),
                };
                overlap_add(a, b, &self.choice.blocks, klens, conj, axes, windows, target)
            }
        }
    }

    /// Checks that `id` names this plan.
    pub(super) fn check_id(&self, id: u64) -> Result<()> {
        if id == self.id {
            Ok(())
        } else {
            Err(crate::Error::InvalidArgument(
                "this ConvTape was recorded by a different ConvPlan".into(),
            ))
        }
    }

    /// A gradient of the expanded kernel's shape in the kernel's own shape.
    pub(super) fn kernel_shaped(&self, gk: ArrayD<A>) -> Result<Array<A, DK>> {
        let gk = if gk.is_standard_layout() {
            gk
        } else {
            gk.as_standard_layout().into_owned()
        };
        gk.into_shape_with_order(self.kernel_dim.clone())
            .map_err(|e| internal(format!("kernel gradient reshape: {e}")))
    }
}

//! The batch route: the split axis is not convolved, so each rank convolves its own block.

use std::ops::Range;

use ndarray::{ArrayD, Axis, IxDyn, Slice};
use num_complex::Complex;

use super::{ConvData, expand_kernel_shape, internal, window, zeros};
use crate::conv::{ConvPlan, ConvSpec, ConvTape};
use crate::dist::{Comm, CommData, Layout, Sharded};
use crate::{Error, Result};

/// A local [`ConvPlan`] for this rank's block, and what it takes to sum kernel gradients.
pub(crate) struct Local<A: ConvData>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    /// The plan (built for a block of one lane when this rank's block is empty).
    plan: ConvPlan<A>,
    /// Whether this rank's block is empty (its results are empty arrays).
    empty: bool,
    rank: usize,
    x_layout: Layout,
    /// The kernel's shape expanded to the signal's rank.
    kshape: Vec<usize>,
    /// `(split axis, this rank's block)` when the kernel has the split axis's full length.
    slice: Option<(usize, Range<usize>)>,
    y_local_shape: Vec<usize>,
}

/// The gradient pair of a route: the signal's (when asked for, in its layout) and the kernel's
/// (summed over the ranks, in the expanded kernel shape).
pub(crate) type Grads<A> = (Option<Sharded<A>>, ArrayD<A>);

impl<A: ConvData> Local<A>
where
    A::Real: CommData,
    Complex<A::Real>: CommData,
{
    /// The plan of `rank`'s block and the output layout.
    pub fn new(
        kernel: &ArrayD<A>,
        x_layout: &Layout,
        axes: &[usize],
        spec: &ConvSpec,
        rank: usize,
    ) -> Result<(Self, Layout)> {
        let ndim = x_layout.ndim();
        let shape = x_layout.shape();
        let kshape = expand_kernel_shape(ndim, kernel.shape(), axes)?;
        let split = x_layout.split_axis();
        let ranks = x_layout.ranks();
        let block = x_layout.block(rank);
        let sliced = !axes.contains(&split) && kshape[split] != 1;
        if sliced && kshape[split] != shape[split] {
            return Err(Error::InvalidArgument(format!(
                "sharded convolution: the kernel (shape {:?}, expanded to {kshape:?}) must have length 1 or \
                 the signal's length {} along the split axis {split}",
                kernel.shape(),
                shape[split]
            )));
        }
        // The output's global shape: mode lengths along the convolved axes, broadcast elsewhere.
        let mut y_shape = shape.to_vec();
        for (a, d) in y_shape.iter_mut().enumerate() {
            if axes.contains(&a) {
                *d = window(spec.get_mode(), shape[a], kshape[a])?.1;
            } else if *d == 1 {
                *d = kshape[a];
            }
        }
        let y_layout = if ranks == 1 || axes.contains(&split) {
            Layout::new(&y_shape, split as isize, ranks)?
        } else {
            Layout::with_bounds(&y_shape, split as isize, x_layout.bounds())?
        };
        let y_local_shape = y_layout.local_shape(rank);
        // An empty block still builds a plan (one lane), so every rank checks the arguments.
        let empty = block.is_empty();
        let mut local_shape = x_layout.local_shape(rank);
        let kexp = kernel
            .as_standard_layout()
            .into_shape_with_order(IxDyn(&kshape))
            .map_err(|e| internal(format!("kernel reshape: {e}")))?
            .into_owned();
        let plan_block = if empty { 0..1 } else { block.clone() };
        if empty {
            local_shape[split] = 1;
        }
        let klocal = if sliced {
            kexp.slice_axis(Axis(split), Slice::from(plan_block.clone())).to_owned()
        } else {
            kexp
        };
        let plan = ConvPlan::new(&klocal, &local_shape, spec)?;
        Ok((
            Local {
                plan,
                empty,
                rank,
                x_layout: x_layout.clone(),
                kshape,
                slice: sliced.then_some((split, block)),
                y_local_shape,
            },
            y_layout,
        ))
    }

    /// Convolves this rank's block.
    pub fn apply(&self, x: &ArrayD<A>) -> Result<ArrayD<A>> {
        if self.empty {
            return zeros(&self.y_local_shape, "convolution output");
        }
        self.plan.apply(x)
    }

    /// Convolves this rank's block and records the local tape.
    pub fn forward(&self, x: &ArrayD<A>) -> Result<(ArrayD<A>, Option<ConvTape<A>>)> {
        if self.empty {
            return Ok((zeros(&self.y_local_shape, "convolution output")?, None));
        }
        let (y, tape) = self.plan.forward(x)?;
        Ok((y, Some(tape)))
    }

    /// Both gradients from the signal block (the kernel's summed over the ranks).
    pub fn vjp<C: Comm>(&self, comm: &C, x: &ArrayD<A>, g: &ArrayD<A>, want_x: bool) -> Result<Grads<A>> {
        let (gx, gk) = if self.empty {
            (None, None)
        } else if want_x {
            let (gx, gk) = self.plan.vjp(x, g)?;
            (Some(gx), Some(gk))
        } else {
            (None, Some(self.plan.vjp_kernel(x, g)?))
        };
        self.finish(comm, gx, gk, want_x)
    }

    /// Both gradients from a tape of [`forward`](Self::forward).
    pub fn vjp_tape<C: Comm>(
        &self,
        comm: &C,
        tape: &Option<ConvTape<A>>,
        g: &ArrayD<A>,
        want_x: bool,
    ) -> Result<Grads<A>> {
        let (gx, gk) = match (self.empty, tape) {
            (true, _) => (None, None),
            (false, Some(t)) => {
                let (gx, gk) = self.plan.vjp_tape(t, g)?;
                (Some(gx), Some(gk))
            }
            (false, None) => return Err(internal("an empty tape for a non-empty block")),
        };
        self.finish(comm, gx, gk, want_x)
    }

    /// Wraps the signal gradient and sums the kernel gradient over the ranks (one all-reduce).
    fn finish<C: Comm>(
        &self,
        comm: &C,
        gx: Option<ArrayD<A>>,
        gk: Option<ArrayD<A>>,
        want_x: bool,
    ) -> Result<Grads<A>> {
        let mut full = match (&self.slice, gk) {
            (None, Some(gk)) => gk
                .as_standard_layout()
                .into_owned()
                .into_shape_with_order(IxDyn(&self.kshape))
                .map_err(|e| internal(format!("kernel gradient reshape: {e}")))?,
            (Some((axis, block)), Some(gk)) => {
                let mut full = zeros::<A>(&self.kshape, "kernel gradient")?;
                full.slice_axis_mut(Axis(*axis), Slice::from(block.clone())).assign(&gk);
                full
            }
            (_, None) => zeros::<A>(&self.kshape, "kernel gradient")?,
        };
        let data = full
            .as_slice_mut()
            .ok_or_else(|| internal("kernel gradient not contiguous"))?;
        comm.allreduce_sum(data)?;
        let gx = if want_x {
            let gx = match gx {
                Some(gx) => gx,
                None => zeros(&self.x_layout.local_shape(self.rank), "signal gradient")?,
            };
            Some(Sharded::from_local(gx, self.x_layout.clone(), self.rank)?)
        } else {
            None
        };
        Ok((gx, full))
    }
}

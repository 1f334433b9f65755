//! Planning and running a sharded N-D transform: a list of moves and local 1-D transforms,
//! and its adjoint (the same list reversed, each step replaced by its adjoint).

use std::any::Any;

use ndarray::ArrayD;
use num_complex::Complex;

use super::comm::{Comm, CommData};
use super::layout::Layout;
use super::ops::Out;
use super::pool;
use super::redistribute::exchange;
use crate::transforms::{c2c_axis_into, c2c_axis_owned, c2r_axis, r2c_axis};
use crate::{Error, Float, Norm, Result, Scalar, grad};

/// A local 1-D transform along an axis that is not split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    C2c { inverse: bool },
    R2c,
    C2r,
}

impl Kind {
    /// The output length along the axis for transform length `n`.
    fn out_len(self, n: usize) -> usize {
        match self {
            Kind::R2c => n / 2 + 1,
            Kind::C2c { .. } | Kind::C2r => n,
        }
    }
}

/// One step of a plan, with the layout it starts from.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Move {
        from: Layout,
        to: Layout,
    },
    Local {
        at: Layout,
        axis: usize,
        n: usize,
        kind: Kind,
    },
}

/// The steps of a sharded transform and the layout it ends in.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
    pub out: Layout,
}

impl Plan {
    /// Whether running the plan communicates.
    pub fn communicates(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Move { .. }))
    }
}

/// Where to move the split when `axis` (now split) must be transformed: an axis with nothing
/// left to transform if there is one (the longest), else the one transformed last.
fn move_target(layout: &Layout, axis: usize, rest: &[usize]) -> Option<usize> {
    let shape = layout.shape();
    let free = (0..shape.len())
        .filter(|&a| a != axis && !rest.contains(&a))
        .max_by_key(|&a| (shape[a], std::cmp::Reverse(a)));
    free.or_else(|| rest.iter().rev().copied().find(|&a| a != axis))
}

/// Plans the transforms `ops` = (axis, length, kind), in order, starting from `layout`.
pub(crate) fn plan(layout: &Layout, ops: &[(usize, usize, Kind)], out: Out) -> Result<Plan> {
    let mut cur = layout.clone();
    let mut steps = Vec::new();
    for (i, &(axis, n, kind)) in ops.iter().enumerate() {
        if cur.splits(axis) {
            let rest: Vec<usize> = ops[i + 1..].iter().map(|o| o.0).collect();
            let target = move_target(&cur, axis, &rest)
                .ok_or_else(|| Error::InvalidArgument("internal: no axis to move the split to".into()))?;
            let to = cur.with_split(target as isize)?;
            steps.push(Step::Move {
                from: cur.clone(),
                to: to.clone(),
            });
            cur = to;
        }
        steps.push(Step::Local {
            at: cur.clone(),
            axis,
            n,
            kind,
        });
        let mut shape = cur.shape().to_vec();
        shape[axis] = kind.out_len(n);
        cur = cur.reshaped(shape);
    }
    if out == Out::Natural && cur.split_axis() != cur.home_axis() {
        let home = cur.home_axis();
        let to = if layout.split_axis() == home && layout.shape()[home] == cur.shape()[home] {
            Layout::with_bounds(cur.shape(), home as isize, layout.bounds())?
        } else {
            cur.with_split(home as isize)?
        };
        steps.push(Step::Move {
            from: cur.clone(),
            to: to.clone(),
        });
        cur = to;
    }
    Ok(Plan { steps, out: cur })
}

/// A block of either element type.
pub(crate) enum Block<T> {
    Real(ArrayD<T>),
    Cplx(ArrayD<Complex<T>>),
}

impl<T: Float> Block<T> {
    /// An owned array of a [`Scalar`] type as a block.
    pub fn of<A: Scalar<Real = T>>(a: ArrayD<A>) -> Result<Block<T>> {
        let any: Box<dyn Any> = Box::new(a);
        match any.downcast::<ArrayD<T>>() {
            Ok(r) => Ok(Block::Real(*r)),
            Err(any) => match any.downcast::<ArrayD<Complex<T>>>() {
                Ok(c) => Ok(Block::Cplx(*c)),
                Err(_) => Err(Error::InvalidArgument("internal: unknown element type".into())),
            },
        }
    }

    /// The complex block (real blocks are promoted).
    pub fn complex(self) -> ArrayD<Complex<T>> {
        match self {
            Block::Real(r) => r.mapv(|v| Complex::new(v, T::zero())),
            Block::Cplx(c) => c,
        }
    }

    /// The real block, or an internal error.
    pub fn real(self) -> Result<ArrayD<T>> {
        match self {
            Block::Real(r) => Ok(r),
            Block::Cplx(_) => Err(Error::InvalidArgument("internal: expected a real block".into())),
        }
    }

    fn moved<C: Comm>(self, comm: &C, from: &Layout, to: &Layout) -> Result<Block<T>>
    where
        T: CommData,
        Complex<T>: CommData,
    {
        // The moved block's storage goes back to the exchange pool for the next move.
        Ok(match self {
            Block::Real(r) => {
                let moved = exchange(comm, r.view(), from, to)?;
                pool::give_array(r);
                Block::Real(moved)
            }
            Block::Cplx(c) => {
                let moved = exchange(comm, c.view(), from, to)?;
                pool::give_array(c);
                Block::Cplx(moved)
            }
        })
    }
}

/// The complex transform of `x` along `axis` into a block from the exchange pool (a fresh
/// block would cost a page fault per page: a third of a sharded 2-D transform's time).
fn c2c_pooled<A: Scalar + CommData>(
    x: &ArrayD<A>,
    axis: usize,
    n: usize,
    inverse: bool,
    norm: Norm,
) -> Result<ArrayD<Complex<A::Real>>>
where
    Complex<A::Real>: CommData,
{
    let mut shape = x.shape().to_vec();
    shape[axis] = n;
    let mut out = pool::take_array(&shape, "block")?;
    c2c_axis_into(x.view(), axis, n, inverse, norm, out.view_mut())?;
    Ok(out)
}

/// One local transform of an owned block.
fn local<T>(block: Block<T>, axis: usize, n: usize, kind: Kind, norm: Norm) -> Result<Block<T>>
where
    T: Float + CommData,
    Complex<T>: CommData,
{
    Ok(match (kind, block) {
        (Kind::C2c { inverse }, Block::Real(r)) => {
            let out = c2c_pooled(&r, axis, n, inverse, norm)?;
            pool::give_array(r);
            Block::Cplx(out)
        }
        (Kind::C2c { inverse }, Block::Cplx(c)) => Block::Cplx(c2c_axis_owned(c, axis, n, inverse, norm)?),
        (Kind::R2c, Block::Real(r)) => Block::Cplx(r2c_axis(r.view(), axis, n, norm, false)?),
        (Kind::C2r, Block::Cplx(c)) => Block::Real(c2r_axis(c.view(), axis, n, norm, false)?),
        (Kind::C2r, Block::Real(r)) => Block::Real(c2r_axis(r.view(), axis, n, norm, false)?),
        (Kind::R2c, Block::Cplx(_)) => return Err(Error::InvalidArgument("internal: r2c of complex data".into())),
    })
}

/// Runs `plan` on this rank's block `x` (borrowed: a plan that starts with a local transform
/// reads it in place, one that starts with a move sends it as it is).
pub(crate) fn run<C, A, T>(comm: &C, plan: &Plan, x: &ArrayD<A>, norm: Norm) -> Result<Block<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let mut steps = plan.steps.iter();
    let mut block = match steps.next() {
        None => Block::of(x.clone())?,
        Some(Step::Move { from, to }) => Block::of(exchange(comm, x.view(), from, to)?)?,
        Some(&Step::Local { axis, n, kind, .. }) => match kind {
            Kind::C2c { inverse } => Block::Cplx(c2c_pooled(x, axis, n, inverse, norm)?),
            Kind::C2r => Block::Real(c2r_axis(x.view(), axis, n, norm, false)?),
            Kind::R2c => {
                let real = (x as &dyn Any)
                    .downcast_ref::<ArrayD<T>>()
                    .ok_or_else(|| Error::InvalidArgument("internal: r2c of complex data".into()))?;
                Block::Cplx(r2c_axis(real.view(), axis, n, norm, false)?)
            }
        },
    };
    for step in steps {
        block = match step {
            Step::Move { from, to } => block.moved(comm, from, to)?,
            &Step::Local { axis, n, kind, .. } => local(block, axis, n, kind, norm)?,
        };
    }
    Ok(block)
}

/// Runs the adjoint of `plan` on the cotangent block `g` (of the plan's output layout): the
/// steps in reverse, each move undone and each local transform replaced by its VJP.
pub(crate) fn run_adjoint<C, T>(comm: &C, plan: &Plan, g: Block<T>, norm: Norm) -> Result<Block<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let me = comm.rank();
    let mut block = g;
    for step in plan.steps.iter().rev() {
        block = match step {
            Step::Move { from, to } => block.moved(comm, to, from)?,
            Step::Local { at, axis, n, kind } => {
                let x_shape = at.local_shape(me);
                let (axis, n) = (*axis as isize, Some(*n));
                match kind {
                    Kind::C2c { inverse: false } => {
                        Block::Cplx(grad::fft_vjp(&x_shape, &block.complex(), n, axis, norm)?)
                    }
                    Kind::C2c { inverse: true } => {
                        Block::Cplx(grad::ifft_vjp(&x_shape, &block.complex(), n, axis, norm)?)
                    }
                    Kind::R2c => Block::Real(grad::rfft_vjp(&x_shape, &block.complex(), n, axis, norm)?),
                    Kind::C2r => Block::Cplx(grad::irfft_vjp(&x_shape, &block.real()?, n, axis, norm)?),
                }
            }
        };
    }
    Ok(block)
}

//! [`Sharded`]: one rank's block of a global array, with the array's layout.

use ndarray::{ArrayD, ArrayViewD, IxDyn, Slice};

use super::comm::{Comm, CommData, key_of};
use super::layout::{Layout, Order};
use super::pool;
use super::redistribute::{check_comm, exchange};
use crate::exec::try_filled;
use crate::{Error, Result};

/// One rank's block of a sharded array, with the [`Layout`] of the whole.
///
/// Build one from a global array every rank has ([`Sharded::from_global`]), from rank 0's
/// array ([`Sharded::scatter`]), from per-rank blocks ([`Sharded::from_blocks`],
/// [`Sharded::from_local`]); get the global array back with [`gather`](Sharded::gather) or
/// [`allgather`](Sharded::allgather).
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{run_threads, Comm, Sharded};
///
/// let out = run_threads(2, |comm| {
///     let global = (comm.rank() == 0).then(|| Array2::<f64>::ones((5, 3)).into_dyn());
///     let x = Sharded::scatter(comm, global.as_ref().map(|g| g.view()), 0, 0)?;
///     assert_eq!(x.local().shape(), if comm.rank() == 0 { &[3, 3] } else { &[2, 3] });
///     x.gather(comm, 0)
/// });
/// assert_eq!(out[0].as_ref().unwrap().as_ref().unwrap().shape(), &[5, 3]);
/// assert!(out[1].as_ref().unwrap().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sharded<A> {
    local: ArrayD<A>,
    layout: Layout,
    rank: usize,
}

impl<A: CommData> Sharded<A> {
    /// Wraps `rank`'s block; its shape must be `layout.local_shape(rank)`.
    ///
    /// ```
    /// use ndarray::ArrayD;
    /// use shardfft::dist::{Layout, Sharded};
    /// let layout = Layout::new(&[5, 2], 0, 2)?;
    /// let block = Sharded::from_local(ArrayD::<f32>::zeros(vec![2, 2]), layout, 1)?;
    /// assert_eq!(block.rank(), 1);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn from_local(local: ArrayD<A>, layout: Layout, rank: usize) -> Result<Sharded<A>> {
        if rank >= layout.ranks() {
            return Err(Error::InvalidArgument(format!(
                "rank {rank} is not one of the layout's {} ranks",
                layout.ranks()
            )));
        }
        let expected = layout.local_shape(rank);
        if local.shape() != expected.as_slice() {
            return Err(Error::ShapeMismatch {
                what: format!("block of rank {rank}"),
                expected,
                got: local.shape().to_vec(),
            });
        }
        Ok(Sharded { local, layout, rank })
    }

    /// `rank`'s block of `global` (which every rank has) under `layout`. No communication.
    ///
    /// ```
    /// use ndarray::{array, Array1};
    /// use shardfft::dist::{Layout, Sharded};
    /// let global = array![0.0f64, 1.0, 2.0, 3.0, 4.0].into_dyn();
    /// let x = Sharded::from_global(&global, Layout::new(&[5], 0, 2)?, 1)?;
    /// assert_eq!(x.local().as_slice().unwrap(), &[3.0, 4.0]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn from_global(global: &ArrayD<A>, layout: Layout, rank: usize) -> Result<Sharded<A>> {
        if global.shape() != layout.shape() {
            return Err(Error::ShapeMismatch {
                what: "global array".into(),
                expected: layout.shape().to_vec(),
                got: global.shape().to_vec(),
            });
        }
        if rank >= layout.ranks() {
            return Err(Error::InvalidArgument(format!(
                "rank {rank} is not one of the layout's {} ranks",
                layout.ranks()
            )));
        }
        let local = block_of(global.view(), &layout, rank)?;
        Sharded::from_local(local, layout, rank)
    }

    /// Splits rank `root`'s `global` array along `split` over the ranks (balanced blocks);
    /// collective. The other ranks pass `None`.
    ///
    /// See the example on [`Sharded`].
    pub fn scatter<C: Comm>(
        comm: &C,
        global: Option<ArrayViewD<'_, A>>,
        split: isize,
        root: usize,
    ) -> Result<Sharded<A>> {
        let (me, p) = (comm.rank(), comm.size());
        if root >= p {
            return Err(Error::InvalidArgument(format!("root {root} is not a rank of {p}")));
        }
        comm.agree("scatter", key_of(&("scatter", split, root)))?;
        let global = match (me == root, global) {
            (true, Some(g)) => Some(g),
            (true, None) => {
                return Err(Error::InvalidArgument(
                    "scatter: the root rank must pass the global array".into(),
                ));
            }
            (false, _) => None,
        };
        let mut ndim = [global.as_ref().map_or(0, |g| g.ndim() as u64)];
        comm.broadcast(&mut ndim, root)?;
        let mut shape: Vec<u64> = match &global {
            Some(g) => g.shape().iter().map(|&n| n as u64).collect(),
            None => vec![0; ndim[0] as usize],
        };
        comm.broadcast(&mut shape, root)?;
        let shape: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
        let layout = Layout::new(&shape, split, p)?;
        let recv_len = layout.local_shape(me).iter().product();
        let mut recv_counts = vec![0; p];
        recv_counts[root] = recv_len;
        let (send, send_counts) = match &global {
            Some(g) => {
                let mut send = crate::exec::try_with_capacity(g.len(), "send buffer")?;
                let mut counts = Vec::with_capacity(p);
                for r in 0..p {
                    let block = block_of(g.view(), &layout, r)?;
                    counts.push(block.len());
                    send.extend(block.iter().copied());
                }
                (send, counts)
            }
            None => (Vec::new(), vec![0; p]),
        };
        let mut recv = try_filled(recv_len, "block")?;
        comm.alltoallv(&send, &send_counts, &mut recv, &recv_counts)?;
        let local = ArrayD::from_shape_vec(IxDyn(&layout.local_shape(me)), recv)
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        Sharded::from_local(local, layout, me)
    }

    /// Builds a sharded array from one block per rank, stacked along `split` in rank order;
    /// collective. The blocks may have any lengths along `split` (empty ones too) but must
    /// agree on every other axis; the layout records the given boundaries.
    ///
    /// ```
    /// use ndarray::ArrayD;
    /// use shardfft::dist::{run_threads, Comm, Sharded};
    /// let out = run_threads(3, |comm| {
    ///     let rows = [1, 0, 4][comm.rank()];
    ///     let block = ArrayD::<f64>::from_elem(vec![rows, 2], comm.rank() as f64);
    ///     let x = Sharded::from_blocks(comm, block, 0)?;
    ///     Ok(x.layout().shape().to_vec())
    /// });
    /// assert!(out.iter().all(|s| s.as_ref().unwrap() == &vec![5, 2]));
    /// ```
    pub fn from_blocks<C: Comm>(comm: &C, local: ArrayD<A>, split: isize) -> Result<Sharded<A>> {
        let (me, p) = (comm.rank(), comm.size());
        let axis = crate::transforms::normalize_axis(split, local.ndim())?;
        let mut others = local.shape().to_vec();
        others[axis] = 0;
        comm.agree(
            "from_blocks (shape off the split axis)",
            key_of(&("from_blocks", axis, &others)),
        )?;
        let mut lens = vec![0u64; p];
        lens[me] = local.shape()[axis] as u64;
        comm.allreduce_sum(&mut lens)?;
        let mut bounds = vec![0usize];
        for &n in &lens {
            bounds.push(bounds[bounds.len() - 1] + n as usize);
        }
        let mut shape = local.shape().to_vec();
        shape[axis] = bounds[p];
        let layout = Layout::with_bounds(&shape, axis as isize, &bounds)?;
        Sharded::from_local(local, layout, me)
    }

    /// Hands this block's memory to the calling thread's exchange buffers, for the next
    /// sharded operation on this thread to reuse instead of faulting in fresh pages.
    ///
    /// A loop that transforms and drops large sharded arrays otherwise pays the kernel's page
    /// zeroing for every new block: measured at 2^24 points over 2 ranks, 14% of the time of a
    /// 1-D transform. (Free the kept buffers with
    /// [`release_exchange_buffers`](super::release_exchange_buffers).)
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{fft, Complex, Norm};
    ///
    /// let global = Array1::from_shape_fn(4096, |i| Complex::new((i % 7) as f64, 0.0)).into_dyn();
    /// let want = fft(&global, None, 0, Norm::Backward)?;
    /// for result in run_threads(2, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[4096], 0, comm.size())?, comm.rank())?;
    ///     for _ in 0..3 {
    ///         let y = dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural)?;
    ///         assert!((y.allgather(comm)? - &want).iter().all(|e| e.norm() < 1e-9));
    ///         y.recycle();
    ///     }
    ///     Ok(())
    /// }) {
    ///     result?;
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn recycle(self) {
        pool::give_array(self.local);
    }

    /// The whole array on rank `root` (`None` on the others); collective.
    ///
    /// See the example on [`Sharded`].
    pub fn gather<C: Comm>(&self, comm: &C, root: usize) -> Result<Option<ArrayD<A>>> {
        let p = comm.size();
        if root >= p {
            return Err(Error::InvalidArgument(format!("root {root} is not a rank of {p}")));
        }
        self.collect(comm, |r| r == root)
    }

    /// The whole array on every rank; collective.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::dist::{run_threads, Comm, Layout, Sharded};
    /// let global = Array1::from_shape_fn(7, |i| i as f32).into_dyn();
    /// let out = run_threads(3, |comm| {
    ///     Sharded::from_global(&global, Layout::new(&[7], 0, 3)?, comm.rank())?.allgather(comm)
    /// });
    /// assert!(out.into_iter().all(|g| g.unwrap() == global));
    /// ```
    pub fn allgather<C: Comm>(&self, comm: &C) -> Result<ArrayD<A>> {
        self.collect(comm, |_| true)?
            .ok_or_else(|| Error::InvalidArgument("internal: allgather lost its result".into()))
    }

    fn collect<C: Comm>(&self, comm: &C, receives: impl Fn(usize) -> bool) -> Result<Option<ArrayD<A>>> {
        check_comm(comm, &self.layout)?;
        let (me, p) = (comm.rank(), comm.size());
        comm.agree("gather", key_of(&("gather", &self.layout)))?;
        // A scrambled array is first put in natural order.
        let natural = match self.layout.order() {
            Order::Natural => None,
            Order::Scrambled { .. } => {
                let to = Layout::new(self.layout.shape(), 0, p)?;
                Some(Sharded::from_local(
                    exchange(comm, self.local.view(), &self.layout, &to)?,
                    to,
                    me,
                )?)
            }
        };
        let this = natural.as_ref().unwrap_or(self);
        let local = this.local.as_standard_layout();
        let block = local
            .as_slice()
            .ok_or_else(|| Error::InvalidArgument("internal: block not contiguous".into()))?;
        let send_counts: Vec<usize> = (0..p).map(|d| if receives(d) { block.len() } else { 0 }).collect();
        let mut send = Vec::with_capacity(block.len() * send_counts.iter().filter(|&&c| c > 0).count());
        for &c in &send_counts {
            if c > 0 {
                send.extend_from_slice(block);
            }
        }
        let layout = &this.layout;
        let recv_counts: Vec<usize> = (0..p)
            .map(|s| {
                if receives(me) {
                    layout.local_shape(s).iter().product()
                } else {
                    0
                }
            })
            .collect();
        let mut recv = try_filled(recv_counts.iter().sum(), "receive buffer")?;
        comm.alltoallv(&send, &send_counts, &mut recv, &recv_counts)?;
        if !receives(me) {
            return Ok(None);
        }
        let mut global = ArrayD::from_shape_vec(IxDyn(layout.shape()), try_filled(layout.len(), "global array")?)
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let mut at = 0;
        for (s, &count) in recv_counts.iter().enumerate() {
            let part = ArrayViewD::from_shape(IxDyn(&layout.local_shape(s)), &recv[at..at + count])
                .map_err(|e| Error::InvalidArgument(e.to_string()))?;
            let split = layout.split_axis();
            global
                .slice_axis_mut(ndarray::Axis(split), Slice::from(layout.block(s)))
                .assign(&part);
            at += count;
        }
        Ok(Some(global))
    }
}

impl<A> Sharded<A> {
    /// This rank's block.
    pub fn local(&self) -> &ArrayD<A> {
        &self.local
    }

    /// This rank's block, mutable (its shape is fixed by the layout).
    pub fn local_mut(&mut self) -> ndarray::ArrayViewMutD<'_, A> {
        self.local.view_mut()
    }

    /// The block, consuming the sharded array.
    pub fn into_local(self) -> ArrayD<A> {
        self.local
    }

    /// The layout of the whole array.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The rank this block belongs to.
    pub fn rank(&self) -> usize {
        self.rank
    }
}

/// `rank`'s block of a global array under `layout` (a copy).
fn block_of<A: Copy>(global: ArrayViewD<'_, A>, layout: &Layout, rank: usize) -> Result<ArrayD<A>> {
    match layout.order() {
        Order::Natural => Ok(global
            .slice_axis(ndarray::Axis(layout.split_axis()), Slice::from(layout.block(rank)))
            .to_owned()),
        Order::Scrambled { .. } => {
            let flat = global.as_standard_layout();
            let flat = flat
                .as_slice()
                .ok_or_else(|| Error::InvalidArgument("internal: not contiguous".into()))?;
            let len: usize = layout.local_shape(rank).iter().product();
            let data: Vec<A> = (0..len).map(|i| flat[layout.global_index(rank, i)]).collect();
            Ok(ArrayD::from_shape_vec(IxDyn(&[len]), data).map_err(|e| Error::InvalidArgument(e.to_string()))?)
        }
    }
}

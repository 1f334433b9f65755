//! Redistribution between two layouts of one global array: the all-to-all transpose.
//!
//! Two ways to describe which elements move where:
//! - N-D layouts in natural order are boxes: rank `r` holds the block of the split axis, all of
//!   the other axes. What rank `s` sends rank `d` is the intersection of two boxes, packed as a
//!   C-order sub-block (contiguous runs along the last axis) and unpacked the same way.
//! - 1-D layouts (natural, scrambled, and the four-step's internal column layout) are lists of
//!   *runs*: stretches of consecutive global indices with their local offsets and strides.
//!   What `s` sends `d` is the sorted intersection of their runs; both sides walk it in order.
//!
//! Either way one `alltoallv` moves each element that changes rank exactly once.

use std::ops::Range;

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, IxDyn, Slice};

use super::comm::{key_of, Comm, CommData};
use super::layout::{Layout, Order};
use super::Sharded;
use crate::exec::try_filled;
use crate::{Error, Result};

/// A planned redistribution of a sharded array from one layout to another of the same global
/// shape and number of ranks (heFFTe's "reshape", FFTW-MPI's transpose), as a separate object.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{run_threads, Comm, Layout, Redistribute, Sharded};
///
/// let global = Array2::from_shape_fn((6, 5), |(i, j)| (10 * i + j) as f64).into_dyn();
/// let out = run_threads(3, |comm| {
///     let rows = Layout::new(&[6, 5], 0, comm.size())?;
///     let x = Sharded::from_global(&global, rows.clone(), comm.rank())?;
///     let to_cols = Redistribute::new(&rows, &rows.with_split(1)?)?;
///     let y = to_cols.apply(comm, &x)?; // now split along the columns
///     assert_eq!(y.local().shape()[0], 6);
///     y.allgather(comm)
/// });
/// for r in out {
///     assert_eq!(r?, global);
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redistribute {
    from: Layout,
    to: Layout,
}

impl Redistribute {
    /// Plans the move from `from` to `to`; they must have the same global shape and ranks.
    pub fn new(from: &Layout, to: &Layout) -> Result<Redistribute> {
        if from.shape() != to.shape() || from.ranks() != to.ranks() {
            return Err(Error::InvalidArgument(format!(
                "cannot redistribute between layouts of shapes {:?} and {:?} over {} and {} ranks",
                from.shape(),
                to.shape(),
                from.ranks(),
                to.ranks()
            )));
        }
        Ok(Redistribute {
            from: from.clone(),
            to: to.clone(),
        })
    }

    /// The source layout.
    pub fn from(&self) -> &Layout {
        &self.from
    }

    /// The destination layout.
    pub fn to(&self) -> &Layout {
        &self.to
    }

    /// How many elements `rank` sends to each rank (itself included).
    ///
    /// ```
    /// use shardfft::dist::{Layout, Redistribute};
    /// let rows = Layout::new(&[4, 4], 0, 2)?;
    /// let plan = Redistribute::new(&rows, &rows.with_split(1)?)?;
    /// assert_eq!(plan.send_counts(0), vec![4, 4]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn send_counts(&self, rank: usize) -> Vec<usize> {
        let p = self.from.ranks();
        (0..p)
            .map(|d| Movement::new(&self.from, &self.to).count(rank, d))
            .collect()
    }

    /// The number of elements that change rank (summed over all ranks): the bytes an
    /// all-to-all must move are this times the element size.
    ///
    /// ```
    /// use shardfft::dist::{Layout, Redistribute};
    /// let rows = Layout::new(&[4, 4], 0, 2)?;
    /// assert_eq!(Redistribute::new(&rows, &rows.with_split(1)?)?.elements_moved(), 8);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn elements_moved(&self) -> usize {
        let p = self.from.ranks();
        let m = Movement::new(&self.from, &self.to);
        (0..p)
            .flat_map(|s| (0..p).filter(move |&d| d != s).map(move |d| (s, d)))
            .map(|(s, d)| m.count(s, d))
            .sum()
    }

    /// Moves `x` (which must have the source layout) to the destination layout; collective.
    ///
    /// Every rank must call it with the same plan; ranks that disagree get [`Error::Mismatch`].
    pub fn apply<C: Comm, A: CommData>(&self, comm: &C, x: &Sharded<A>) -> Result<Sharded<A>> {
        if x.layout() != &self.from {
            return Err(Error::InvalidArgument(format!(
                "redistribute: the array's layout {:?} is not the plan's source layout {:?}",
                x.layout(),
                self.from
            )));
        }
        check_comm(comm, &self.from)?;
        comm.agree("redistribute", key_of(&("redistribute", &self.from, &self.to)))?;
        let local = exchange(comm, x.local().view(), &self.from, &self.to)?;
        Sharded::from_local(local, self.to.clone(), comm.rank())
    }
}

/// Checks that a communicator fits a layout.
pub(crate) fn check_comm<C: Comm>(comm: &C, layout: &Layout) -> Result<()> {
    if comm.size() != layout.ranks() {
        return Err(Error::InvalidArgument(format!(
            "the layout is for {} ranks but the communicator has {}",
            layout.ranks(),
            comm.size()
        )));
    }
    Ok(())
}

/// Moves this rank's block from layout `from` to layout `to` (no agreement check).
pub(crate) fn exchange<C: Comm, A: CommData>(
    comm: &C,
    src: ArrayViewD<'_, A>,
    from: &Layout,
    to: &Layout,
) -> Result<ArrayD<A>> {
    let me = comm.rank();
    if from == to || (comm.size() == 1 && from.order() == to.order() && from.shape() == to.shape()) {
        return Ok(src.to_owned());
    }
    match Movement::new(from, to) {
        Movement::Boxes(from, to) => box_exchange(comm, src, from, to),
        Movement::Runs(a, b) => {
            let src = src.as_standard_layout();
            let flat = src
                .as_slice()
                .ok_or_else(|| Error::InvalidArgument("internal: block not contiguous".into()))?;
            let out = runs_exchange(comm, flat, &a, &b)?;
            ArrayD::from_shape_vec(IxDyn(&to.local_shape(me)), out).map_err(|e| Error::InvalidArgument(e.to_string()))
        }
    }
}

/// How a redistribution is described: boxes (N-D natural) or runs (1-D, any order).
enum Movement<'a> {
    Boxes(&'a Layout, &'a Layout),
    Runs(Dist1, Dist1),
}

impl<'a> Movement<'a> {
    fn new(from: &'a Layout, to: &'a Layout) -> Movement<'a> {
        if from.ndim() == 1 {
            Movement::Runs(Dist1::of(from), Dist1::of(to))
        } else {
            Movement::Boxes(from, to)
        }
    }

    /// Elements rank `s` sends rank `d`.
    fn count(&self, s: usize, d: usize) -> usize {
        match self {
            Movement::Boxes(from, to) => boxes_meet(from, s, to, d).iter().map(|r| r.len()).product(),
            Movement::Runs(a, b) => meet(&a.runs(s), &b.runs(d)).iter().map(|p| p.len).sum(),
        }
    }
}

/// The global index ranges (one per axis) of `rank`'s block under `layout`.
fn block_box(layout: &Layout, rank: usize) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = layout.shape().iter().map(|&n| 0..n).collect();
    ranges[layout.split_axis()] = layout.block(rank);
    ranges
}

/// The intersection of rank `s`'s block under `from` and rank `d`'s block under `to`.
fn boxes_meet(from: &Layout, s: usize, to: &Layout, d: usize) -> Vec<Range<usize>> {
    block_box(from, s)
        .into_iter()
        .zip(block_box(to, d))
        .map(|(a, b)| a.start.max(b.start)..a.end.min(b.end).max(a.start.max(b.start)))
        .collect()
}

/// `ranges` made relative to the block `origin`.
fn relative(ranges: &[Range<usize>], origin: &[Range<usize>]) -> Vec<Range<usize>> {
    ranges
        .iter()
        .zip(origin)
        .map(|(r, o)| r.start - o.start..r.end - o.start)
        .collect()
}

fn sub_view<'a, A>(view: &'a ArrayViewD<'_, A>, ranges: &[Range<usize>]) -> ArrayViewD<'a, A> {
    view.slice_each_axis(|ax| Slice::from(ranges[ax.axis.index()].clone()))
}

/// Appends `view` to `out` in C order, a contiguous lane at a time.
fn pack<A: Copy>(view: ArrayViewD<'_, A>, out: &mut Vec<A>) {
    if view.is_empty() {
        return;
    }
    if let Some(s) = view.as_slice() {
        out.extend_from_slice(s);
        return;
    }
    let last = Axis(view.ndim() - 1);
    for lane in view.lanes(last) {
        match lane.as_slice() {
            Some(s) => out.extend_from_slice(s),
            None => out.extend(lane.iter().copied()),
        }
    }
}

/// Fills `view` in C order from `data`.
fn unpack<A: Copy>(mut view: ArrayViewMutD<'_, A>, data: &[A]) {
    if view.is_empty() {
        return;
    }
    if let Some(s) = view.as_slice_mut() {
        s.copy_from_slice(data);
        return;
    }
    let last = Axis(view.ndim() - 1);
    let n = view.len_of(last);
    for (mut lane, chunk) in view.lanes_mut(last).into_iter().zip(data.chunks_exact(n)) {
        match lane.as_slice_mut() {
            Some(s) => s.copy_from_slice(chunk),
            None => lane.iter_mut().zip(chunk).for_each(|(d, &s)| *d = s),
        }
    }
}

fn box_exchange<C: Comm, A: CommData>(
    comm: &C,
    src: ArrayViewD<'_, A>,
    from: &Layout,
    to: &Layout,
) -> Result<ArrayD<A>> {
    let (me, p) = (comm.rank(), comm.size());
    let my_from = block_box(from, me);
    let my_to = block_box(to, me);
    let send_counts: Vec<usize> = (0..p)
        .map(|d| boxes_meet(from, me, to, d).iter().map(|r| r.len()).product())
        .collect();
    let recv_counts: Vec<usize> = (0..p)
        .map(|s| boxes_meet(from, s, to, me).iter().map(|r| r.len()).product())
        .collect();
    let mut send: Vec<A> = crate::exec::try_with_capacity(send_counts.iter().sum(), "send buffer")?;
    for d in 0..p {
        let meet = boxes_meet(from, me, to, d);
        pack(sub_view(&src, &relative(&meet, &my_from)), &mut send);
    }
    let mut recv: Vec<A> = try_filled(recv_counts.iter().sum(), "receive buffer")?;
    comm.alltoallv(&send, &send_counts, &mut recv, &recv_counts)?;
    drop(send);
    let mut out: ArrayD<A> = ArrayD::from_shape_vec(
        IxDyn(&to.local_shape(me)),
        try_filled(to.local_shape(me).iter().product(), "block")?,
    )
    .map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let mut at = 0;
    for (s, &count) in recv_counts.iter().enumerate() {
        let meet = relative(&boxes_meet(from, s, to, me), &my_to);
        let view = out.slice_each_axis_mut(|ax| Slice::from(meet[ax.axis.index()].clone()));
        unpack(view, &recv[at..at + count]);
        at += count;
    }
    Ok(out)
}

/// A distribution of a 1-D index space `0..len` over the ranks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dist1 {
    /// Rank r holds `bounds[r]..bounds[r+1]` in order.
    Natural { len: usize, bounds: Vec<usize> },
    /// Index `k1 + n1·k2` lives with the owner of `k1` (bounds over `0..n1`), at local
    /// `(k1 − start)·n2 + k2`.
    Scrambled { n1: usize, n2: usize, bounds: Vec<usize> },
    /// Index `n2·j1 + j2` lives with the owner of `j2` (bounds over `0..n2`), at local
    /// `j1·width + (j2 − start)`: the columns of the n1 × n2 matrix, row-major.
    Columns { n1: usize, n2: usize, bounds: Vec<usize> },
}

/// A stretch of consecutive global indices `g..g+len` at local `loc, loc+stride, ...`.
#[derive(Debug, Clone, Copy)]
struct Run {
    g: usize,
    len: usize,
    loc: usize,
    stride: usize,
}

/// One piece of the intersection of two run lists.
#[derive(Debug, Clone, Copy)]
struct Piece {
    len: usize,
    loc_a: usize,
    stride_a: usize,
    loc_b: usize,
    stride_b: usize,
}

impl Dist1 {
    /// The distribution of a 1-D layout.
    pub(crate) fn of(layout: &Layout) -> Dist1 {
        match layout.order() {
            Order::Natural => Dist1::Natural {
                len: layout.shape()[0],
                bounds: layout.bounds().to_vec(),
            },
            Order::Scrambled { n1, n2 } => Dist1::Scrambled {
                n1,
                n2,
                bounds: layout.bounds().to_vec(),
            },
        }
    }

    fn bounds(&self) -> &[usize] {
        match self {
            Dist1::Natural { bounds, .. } | Dist1::Scrambled { bounds, .. } | Dist1::Columns { bounds, .. } => bounds,
        }
    }

    /// Elements rank `r` stores.
    pub(crate) fn local_len(&self, r: usize) -> usize {
        let b = self.bounds();
        let w = b[r + 1] - b[r];
        match self {
            Dist1::Natural { .. } => w,
            Dist1::Scrambled { n2, .. } => w * n2,
            Dist1::Columns { n1, .. } => w * n1,
        }
    }

    /// Rank `r`'s runs, sorted by global index.
    fn runs(&self, r: usize) -> Vec<Run> {
        let b = self.bounds();
        let (start, w) = (b[r], b[r + 1] - b[r]);
        if w == 0 {
            return Vec::new();
        }
        match *self {
            Dist1::Natural { .. } => vec![Run {
                g: start,
                len: w,
                loc: 0,
                stride: 1,
            }],
            Dist1::Scrambled { n1, n2, .. } => (0..n2)
                .map(|k2| Run {
                    g: start + n1 * k2,
                    len: w,
                    loc: k2,
                    stride: n2,
                })
                .collect(),
            Dist1::Columns { n1, n2, .. } => (0..n1)
                .map(|j1| Run {
                    g: n2 * j1 + start,
                    len: w,
                    loc: j1 * w,
                    stride: 1,
                })
                .collect(),
        }
    }
}

/// The sorted intersection of two sorted run lists.
fn meet(a: &[Run], b: &[Run]) -> Vec<Piece> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let (ra, rb) = (a[i], b[j]);
        let (lo, hi) = (ra.g.max(rb.g), (ra.g + ra.len).min(rb.g + rb.len));
        if lo < hi {
            out.push(Piece {
                len: hi - lo,
                loc_a: ra.loc + (lo - ra.g) * ra.stride,
                stride_a: ra.stride,
                loc_b: rb.loc + (lo - rb.g) * rb.stride,
                stride_b: rb.stride,
            });
        }
        if ra.g + ra.len <= rb.g + rb.len {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Moves this rank's elements from distribution `a` to `b` of the same index space (or of a
/// shorter or longer one: indices only one side has are dropped, or left zero).
pub(crate) fn runs_exchange<C: Comm, A: CommData>(comm: &C, src: &[A], a: &Dist1, b: &Dist1) -> Result<Vec<A>> {
    let (me, p) = (comm.rank(), comm.size());
    let mine_a = a.runs(me);
    let mine_b = b.runs(me);
    let outgoing: Vec<Vec<Piece>> = (0..p).map(|d| meet(&mine_a, &b.runs(d))).collect();
    let incoming: Vec<Vec<Piece>> = (0..p).map(|s| meet(&a.runs(s), &mine_b)).collect();
    let send_counts: Vec<usize> = outgoing.iter().map(|ps| ps.iter().map(|p| p.len).sum()).collect();
    let recv_counts: Vec<usize> = incoming.iter().map(|ps| ps.iter().map(|p| p.len).sum()).collect();
    let mut send: Vec<A> = crate::exec::try_with_capacity(send_counts.iter().sum(), "send buffer")?;
    for piece in outgoing.iter().flatten() {
        if piece.stride_a == 1 {
            send.extend_from_slice(&src[piece.loc_a..piece.loc_a + piece.len]);
        } else {
            send.extend((0..piece.len).map(|i| src[piece.loc_a + i * piece.stride_a]));
        }
    }
    let mut recv: Vec<A> = try_filled(recv_counts.iter().sum(), "receive buffer")?;
    comm.alltoallv(&send, &send_counts, &mut recv, &recv_counts)?;
    drop(send);
    let mut out: Vec<A> = try_filled(b.local_len(me), "block")?;
    let mut at = 0;
    for piece in incoming.iter().flatten() {
        let data = &recv[at..at + piece.len];
        if piece.stride_b == 1 {
            out[piece.loc_b..piece.loc_b + piece.len].copy_from_slice(data);
        } else {
            for (i, &v) in data.iter().enumerate() {
                out[piece.loc_b + i * piece.stride_b] = v;
            }
        }
        at += piece.len;
    }
    Ok(out)
}

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
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, IxDyn, Slice};

use super::comm::{Comm, CommData, key_of};
use super::layout::{Layout, Order};
use super::{Sharded, pool};
use crate::exec::transpose;
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

/// What the all-to-all exchanges of this process have cost since the last
/// [`reset_exchange_stats`]: a cheap timing hook for benchmarks (a few atomic additions per
/// exchange).
///
/// The counters are per process: under MPI they describe one rank; with
/// [`run_threads`](super::run_threads) they add up every thread rank of the process.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, exchange_stats, reset_exchange_stats, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{Complex, Norm};
///
/// let global = Array2::<Complex<f32>>::zeros((8, 8)).into_dyn();
/// reset_exchange_stats();
/// run_threads(2, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[8, 8], 0, 2)?, comm.rank())?;
///     dist::fft2(comm, &x, None, None, Norm::Backward, Out::Transposed)
/// });
/// let stats = exchange_stats();
/// // One transpose: each of the 2 ranks sends a quarter of the array to the other.
/// assert_eq!(stats.exchanges, 2);
/// assert_eq!(stats.bytes_sent, 2 * 16 * 8);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExchangeStats {
    /// Exchanges made (one per rank per all-to-all).
    pub exchanges: u64,
    /// Bytes sent to other ranks (a rank's data for itself is not counted).
    pub bytes_sent: u64,
    /// Time in exchanges: packing, the all-to-all itself, and unpacking.
    pub exchange_time: Duration,
    /// Time in the backend's all-to-all call alone.
    pub alltoall_time: Duration,
}

static EXCHANGES: AtomicU64 = AtomicU64::new(0);
static BYTES_SENT: AtomicU64 = AtomicU64::new(0);
static EXCHANGE_NANOS: AtomicU64 = AtomicU64::new(0);
static ALLTOALL_NANOS: AtomicU64 = AtomicU64::new(0);

/// The exchange counters of this process (see [`ExchangeStats`]).
///
/// ```
/// let s = shardfft::dist::exchange_stats();
/// assert!(s.exchange_time >= s.alltoall_time || s.exchanges > 0);
/// ```
pub fn exchange_stats() -> ExchangeStats {
    ExchangeStats {
        exchanges: EXCHANGES.load(Ordering::Relaxed),
        bytes_sent: BYTES_SENT.load(Ordering::Relaxed),
        exchange_time: Duration::from_nanos(EXCHANGE_NANOS.load(Ordering::Relaxed)),
        alltoall_time: Duration::from_nanos(ALLTOALL_NANOS.load(Ordering::Relaxed)),
    }
}

/// Sets the exchange counters of this process to zero.
///
/// ```
/// shardfft::dist::reset_exchange_stats();
/// assert_eq!(shardfft::dist::exchange_stats().exchanges, 0);
/// ```
pub fn reset_exchange_stats() {
    for c in [&EXCHANGES, &BYTES_SENT, &EXCHANGE_NANOS, &ALLTOALL_NANOS] {
        c.store(0, Ordering::Relaxed);
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Records one exchange that started at `start`.
fn record<A>(start: Instant, alltoall: Duration, send_counts: &[usize], me: usize) {
    let elements: usize = send_counts
        .iter()
        .enumerate()
        .filter(|&(d, _)| d != me)
        .map(|(_, &c)| c)
        .sum();
    EXCHANGES.fetch_add(1, Ordering::Relaxed);
    BYTES_SENT.fetch_add((elements * std::mem::size_of::<A>()) as u64, Ordering::Relaxed);
    EXCHANGE_NANOS.fetch_add(nanos(start.elapsed()), Ordering::Relaxed);
    ALLTOALL_NANOS.fetch_add(nanos(alltoall), Ordering::Relaxed);
}

/// The backend's all-to-all, timed.
fn timed_alltoallv<C: Comm, A: CommData>(
    comm: &C,
    send: &[A],
    send_counts: &[usize],
    recv: &mut [A],
    recv_counts: &[usize],
) -> Result<Duration> {
    let t = Instant::now();
    comm.alltoallv(send, send_counts, recv, recv_counts)?;
    Ok(t.elapsed())
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

/// `ranges` made relative to the block `origin`. A range that misses the block (the empty
/// overlap of blocks that do not meet) becomes an empty range inside it.
fn relative(ranges: &[Range<usize>], origin: &[Range<usize>]) -> Vec<Range<usize>> {
    ranges
        .iter()
        .zip(origin)
        .map(|(r, o)| {
            let start = r.start.saturating_sub(o.start).min(o.len());
            start..r.end.saturating_sub(o.start).clamp(start, o.len())
        })
        .collect()
}

fn sub_view<'a, A>(view: &'a ArrayViewD<'_, A>, ranges: &[Range<usize>]) -> ArrayViewD<'a, A> {
    view.slice_each_axis(|ax| Slice::from(ranges[ax.axis.index()].clone()))
}

/// Writes `view` into `out` (of the same length) in C order, a contiguous lane at a time.
fn pack<A: Copy>(view: ArrayViewD<'_, A>, out: &mut [A]) {
    if view.is_empty() {
        return;
    }
    if let Some(s) = view.as_slice() {
        out.copy_from_slice(s);
        return;
    }
    let last = Axis(view.ndim() - 1);
    let n = view.len_of(last);
    for (lane, chunk) in view.lanes(last).into_iter().zip(out.chunks_exact_mut(n)) {
        match lane.as_slice() {
            Some(s) => chunk.copy_from_slice(s),
            None => chunk.iter_mut().zip(lane.iter()).for_each(|(d, &s)| *d = s),
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

/// The offset of `range` (one range per axis) in a C-order array of `shape` if it is one
/// contiguous stretch of it, else `None` (empty boxes are contiguous anywhere: offset 0).
fn contiguous_offset(range: &[Range<usize>], shape: &[usize]) -> Option<usize> {
    if range.iter().any(|r| r.is_empty()) {
        return Some(0);
    }
    // The last axis not taken whole; every axis before it must be one index wide.
    let partial = (0..shape.len()).rev().find(|&a| range[a] != (0..shape[a]));
    if let Some(k) = partial
        && range[..k].iter().any(|r| r.len() != 1)
    {
        return None;
    }
    let mut offset = 0;
    for (r, &n) in range.iter().zip(shape) {
        offset = offset * n + r.start;
    }
    Some(offset)
}

/// Whether the boxes, packed one after the other in C order, are exactly an array of `shape`
/// in memory order (so the array itself can be the send or receive buffer).
fn boxes_in_memory_order(boxes: &[Vec<Range<usize>>], shape: &[usize]) -> bool {
    let mut at = 0;
    for b in boxes {
        let count: usize = b.iter().map(|r| r.len()).product();
        if count == 0 {
            continue;
        }
        match contiguous_offset(b, shape) {
            Some(offset) if offset == at => at += count,
            _ => return false,
        }
    }
    at == shape.iter().product::<usize>()
}

fn box_exchange<C: Comm, A: CommData>(
    comm: &C,
    src: ArrayViewD<'_, A>,
    from: &Layout,
    to: &Layout,
) -> Result<ArrayD<A>> {
    let start = Instant::now();
    let (me, p) = (comm.rank(), comm.size());
    let my_from = block_box(from, me);
    let my_to = block_box(to, me);
    let out_shape = to.local_shape(me);
    let out_len: usize = out_shape.iter().product();
    let send_boxes: Vec<Vec<Range<usize>>> = (0..p)
        .map(|d| relative(&boxes_meet(from, me, to, d), &my_from))
        .collect();
    let recv_boxes: Vec<Vec<Range<usize>>> = (0..p).map(|s| relative(&boxes_meet(from, s, to, me), &my_to)).collect();
    let count = |b: &Vec<Range<usize>>| b.iter().map(|r| r.len()).product::<usize>();
    let send_counts: Vec<usize> = send_boxes.iter().map(count).collect();
    let recv_counts: Vec<usize> = recv_boxes.iter().map(count).collect();
    // Send straight from the block when the pieces for ranks 0, 1, ... follow each other in it.
    let direct = src
        .as_slice()
        .filter(|_| boxes_in_memory_order(&send_boxes, src.shape()));
    let mut packed = None;
    let send: &[A] = match direct {
        Some(s) => s,
        None => {
            let mut buf = pool::take(send_counts.iter().sum(), "send buffer")?;
            let mut at = 0;
            for (b, &n) in send_boxes.iter().zip(&send_counts) {
                pack(sub_view(&src, b), &mut buf[at..at + n]);
                at += n;
            }
            &packed.insert(buf)[..]
        }
    };
    let mut out = pool::take::<A>(out_len, "block")?;
    let a2a = if boxes_in_memory_order(&recv_boxes, &out_shape) {
        // Receive straight into the output block.
        timed_alltoallv(comm, send, &send_counts, &mut out, &recv_counts)?
    } else {
        let mut recv = pool::take(recv_counts.iter().sum(), "receive buffer")?;
        let a2a = timed_alltoallv(comm, send, &send_counts, &mut recv, &recv_counts)?;
        let mut view = ArrayViewMutD::from_shape(IxDyn(&out_shape), &mut out[..])
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let mut at = 0;
        for (b, &n) in recv_boxes.iter().zip(&recv_counts) {
            let sub = view.slice_each_axis_mut(|ax| Slice::from(b[ax.axis.index()].clone()));
            unpack(sub, &recv[at..at + n]);
            at += n;
        }
        pool::give(recv);
        a2a
    };
    if let Some(buf) = packed {
        pool::give(buf);
    }
    record::<A>(start, a2a, &send_counts, me);
    ArrayD::from_shape_vec(IxDyn(&out_shape), out).map_err(|e| Error::InvalidArgument(e.to_string()))
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
    /// `(j2 − start)·n1 + j1`: the columns of the n1 × n2 matrix, each one contiguous.
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
                    loc: j1,
                    stride: n1,
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

/// One stretch of a piece list: `count` pieces of `len` elements with stride `stride` whose
/// start positions are `loc, loc + 1, ...` on the strided side (a `len × count` matrix stored
/// column by column there, row by row on the packed side), at `at` on the packed side.
struct Group {
    count: usize,
    len: usize,
    loc: usize,
    stride: usize,
    at: usize,
}

/// Splits pieces `(len, loc, stride)` into groups (see [`Group`]), in order.
fn groups(pieces: &[(usize, usize, usize)]) -> Vec<Group> {
    let mut out = Vec::new();
    let (mut at, mut i) = (0, 0);
    while i < pieces.len() {
        let (len, loc, stride) = pieces[i];
        let mut j = i + 1;
        if stride != 1 && len > 1 {
            while j < pieces.len() && pieces[j] == (len, loc + (j - i), stride) {
                j += 1;
            }
        }
        out.push(Group {
            count: j - i,
            len,
            loc,
            stride,
            at,
        });
        at += (j - i) * len;
        i = j;
    }
    out
}

/// Copies the pieces' elements, in order, from the strided buffer `src` into the packed `dst`
/// (`to_packed`), or back from the packed `src` into the strided `dst`. Groups of pieces are
/// copied as blocked transposes, so neither side is walked one cache line per element.
fn copy_pieces<A: Copy>(pieces: &[(usize, usize, usize)], src: &[A], dst: &mut [A], to_packed: bool) -> Result<()> {
    for g in groups(pieces) {
        if g.count == 0 || g.len == 0 {
            continue;
        }
        let strided_end = g.loc + (g.count - 1) + (g.len - 1) * g.stride + 1;
        let packed_end = g.at + g.count * g.len;
        let (src_end, dst_end) = if to_packed {
            (strided_end, packed_end)
        } else {
            (packed_end, strided_end)
        };
        if src_end > src.len() || dst_end > dst.len() {
            return Err(Error::InvalidArgument("internal: exchange piece out of bounds".into()));
        }
        if g.stride == 1 {
            // One piece, contiguous on both sides.
            let (s, d) = if to_packed { (g.loc, g.at) } else { (g.at, g.loc) };
            dst[d..d + g.len].copy_from_slice(&src[s..s + g.len]);
            continue;
        }
        // packed[at + c·len + k] = strided[loc + k·stride + c], or back: (offset, stride) of
        // the source and destination rows, and the rows × columns the transpose walks.
        let ((s, s_stride), (d, d_stride), rows, cols) = if to_packed {
            ((g.loc, g.stride), (g.at, g.len), g.len, g.count)
        } else {
            ((g.at, g.len), (g.loc, g.stride), g.count, g.len)
        };
        // SAFETY: c < count and k < len stay below the ends checked against the buffers'
        // lengths above; src and dst are distinct buffers (a shared and a mutable borrow).
        unsafe {
            transpose(
                src.as_ptr().add(s),
                s_stride,
                dst.as_mut_ptr().add(d),
                d_stride,
                rows,
                cols,
                &|v| v,
            )
        };
    }
    Ok(())
}

/// Moves this rank's elements from distribution `a` to `b` of the same index space (or of a
/// shorter or longer one: indices only one side has are dropped, or left zero).
pub(crate) fn runs_exchange<C: Comm, A: CommData>(comm: &C, src: &[A], a: &Dist1, b: &Dist1) -> Result<Vec<A>> {
    let start = Instant::now();
    let (me, p) = (comm.rank(), comm.size());
    let mine_a = a.runs(me);
    let mine_b = b.runs(me);
    let outgoing: Vec<Vec<Piece>> = (0..p).map(|d| meet(&mine_a, &b.runs(d))).collect();
    let incoming: Vec<Vec<Piece>> = (0..p).map(|s| meet(&a.runs(s), &mine_b)).collect();
    let send_counts: Vec<usize> = outgoing.iter().map(|ps| ps.iter().map(|p| p.len).sum()).collect();
    let recv_counts: Vec<usize> = incoming.iter().map(|ps| ps.iter().map(|p| p.len).sum()).collect();
    let out_len = b.local_len(me);
    let send_side: Vec<(usize, usize, usize)> = outgoing
        .iter()
        .flatten()
        .map(|p| (p.len, p.loc_a, p.stride_a))
        .collect();
    let recv_side: Vec<(usize, usize, usize)> = incoming
        .iter()
        .flatten()
        .map(|p| (p.len, p.loc_b, p.stride_b))
        .collect();
    let mut packed = None;
    let send: &[A] = if in_memory_order(&send_side, src.len()) {
        src
    } else {
        let mut buf: Vec<A> = pool::take(send_counts.iter().sum(), "send buffer")?;
        copy_pieces(&send_side, src, &mut buf, true)?;
        &packed.insert(buf)[..]
    };
    let mut out: Vec<A> = pool::take(out_len, "block")?;
    let a2a = if in_memory_order(&recv_side, out_len) {
        timed_alltoallv(comm, send, &send_counts, &mut out, &recv_counts)?
    } else {
        let received: usize = recv_counts.iter().sum();
        if received < out_len {
            // Indices only the destination has are zero.
            out.iter_mut().for_each(|v| *v = A::default());
        }
        let mut recv: Vec<A> = pool::take(received, "receive buffer")?;
        let a2a = timed_alltoallv(comm, send, &send_counts, &mut recv, &recv_counts)?;
        copy_pieces(&recv_side, &recv, &mut out, false)?;
        pool::give(recv);
        a2a
    };
    if let Some(buf) = packed {
        pool::give(buf);
    }
    record::<A>(start, a2a, &send_counts, me);
    Ok(out)
}

/// Whether pieces `(len, loc, stride)` are, in order, exactly `0..len` of a buffer.
fn in_memory_order(pieces: &[(usize, usize, usize)], len: usize) -> bool {
    let mut at = 0;
    for &(n, loc, stride) in pieces {
        if n == 0 {
            continue;
        }
        if loc != at || (stride != 1 && n > 1) {
            return false;
        }
        at += n;
    }
    at == len
}

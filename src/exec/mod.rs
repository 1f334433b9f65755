//! The one executor: apply a 1-D kernel along one axis of an N-D array, in parallel tiles of lanes.
//!
//! An array seen along `axis` is a grid `(outer, len, inner)`: `outer` blocks of `len` rows of
//! `inner` contiguous elements. A lane is one column of a block. When `inner == 1` lanes are
//! contiguous and a tile is a run of whole lanes; otherwise a tile is up to [`MAX_TILE_COLS`]
//! neighbouring columns of one block, gathered row by row (so every read uses whole cache lines)
//! into a contiguous work buffer, transformed there, and scattered back the same way. Tiles run
//! in parallel on rayon's pool; each worker owns its work and scratch buffers.

mod blocks;
mod buffer;
mod chirp;
mod fourstep;
mod halves;
mod kernel;
mod slabs;
mod stream;
mod transpose;

use buffer::{Reused, reused};
pub(crate) use buffer::{checked_len, give, release, take, try_filled, try_with_capacity};
pub(crate) use fourstep::FourStep;
pub(crate) use halves::HalfFourStep;
pub(crate) use kernel::{C2c, C2r, LaneKernel, R2c};

use ndarray::{ArrayBase, ArrayD, ArrayViewD, ArrayViewMutD, Data, IxDyn};
use num_complex::Complex;
use rayon::prelude::*;

use crate::alloc::written_array;
use crate::plan::SLAB_COLUMNS;
use crate::{Error, Float, Result};
use buffer::SyncPtr;
pub(crate) use transpose::{prefetch_run, transpose};

/// Bytes of input one contiguous tile aims at (a few lanes in L1/L2).
const TILE_BYTES: usize = 64 << 10;
/// Bytes of input one strided tile aims at: half a core's L2, so the gathered lanes stay there
/// until they are written back, and row reads are as long as that allows.
const STRIDED_TILE_BYTES: usize = 1 << 20;
/// Lanes from which a batch of any size runs one lane at a time, each split over every core
/// (where the kernel has a four-step plan), rather than whole lanes side by side, one per
/// core: at 8 MiB a lane, its temporary and its result per core no longer fit in the shared
/// L3 together. Measured here, four lanes of 2^20 points (c2c f32) on 2 cores, four
/// alternations: 10.9-11.0 ms lane per core, 9.0-9.4 ms split.
const SPLIT_LANE_BYTES: usize = 8 << 20;
/// Lanes of a real kernel (r2c input reals, c2r input bins) from which a batch of fewer lanes
/// than cores runs each lane on every core ([`halves`]) rather than one per core. Measured on
/// the Zen 4 VM, 2 cores, f32, the two paths alternating in one process (medians of 15),
/// rfft / irfft of one lane: 2^21 4.2 / 4.5 ms against 4.9 / 4.9, 2^22 8.0 / 10.2 against
/// 11.0 / 13.7, 2^24 34 / 41 against 47 / 50; 2^20 alike, 2^19 mixed. Batches of at least one
/// lane per core stay one lane per core: 2^22 x 2 and 2^21 x 4 alike for rfft and 15-30%
/// slower for irfft through the split, and 2^20 x 2 25-50% slower.
const REAL_SPLIT_LANE_BYTES: usize = 8 << 20;
/// Bytes from which a contiguous lane that the kernel can read without writing
/// ([`LaneKernel::apply_from`]) is read where it is rather than copied into the work buffer
/// first. Measured on the Zen 4 VM (r2c f32, 2 workers, the two ways alternating in one
/// process, 16 MiB batches, medians of 30): 2^13-point lanes (32 KiB) 2.14–2.42 against
/// 2.44–2.64 ms, 2^14 2.13 against 2.54, 2^16 1.86–2.01 against 2.25–2.34, 2^20 3.92–4.02
/// against 4.96–5.08; but 2^12 3.06 against 2.79 and 2^10 2.41 against 1.84: a short lane's
/// first pass reads eight runs of a few cache lines each from memory, too short for the
/// prefetchers, where the copy streams it.
const READ_IN_PLACE_BYTES: usize = 32 << 10;
/// [`READ_IN_PLACE_BYTES`] for in-place kernels, whose other way copies the lane into the
/// destination that the kernel writes anyway. Measured alike (c2c f32): 2^13 points (64 KiB)
/// 3.58–3.60 against 3.84–3.88 ms, 2^15 3.58 against 4.04, 2^16 alike, 2^20 × 4 (the lanes
/// of the split) 6.94 against 8.60; 2^12 (32 KiB) 3.81–3.87 against 3.44–3.46. Not for
/// rustfft's own plans of lanes up to [`READ_SHORT_LANES_MAX_BYTES`].
const READ_OVER_DESTINATION_BYTES: usize = 64 << 10;
/// Bytes up to which a lane under rustfft's own plan ([`LaneKernel::reads_short_lanes`]) is
/// read where it is, however short: its hard-coded butterflies read a short lane faster from
/// the source than from a copy. Measured on the 2-vCPU Xeon VM of 2026-12-07 (f32, 2^22
/// values, fft_into, the two ways alternating in one process, twice, a busy host): n = 16
/// 3.93 / 3.44 against 4.81 / 4.56 ms, 32 2.87 / 2.75 against 3.50 / 3.52, 64 2.37 / 2.57
/// against 2.83 / 2.89, 128 3.30 / 3.23 against 3.53 / 3.58, 256 3.64 / 3.45 against 3.94 /
/// 3.98; but at 1000 (rustfft's mixed radix) 6.96 / 6.88 against 7.03 / 7.05, and lanes
/// timed alone on both cores read slower at 1000 and 1024 (3.4–7.3 against 3.2–5.1 ms per
/// 16 MiB), so longer lanes keep the copy.
const READ_SHORT_LANES_MAX_BYTES: usize = 4 << 10;
/// Bytes from which a short lane read where it is ([`READ_SHORT_LANES_MAX_BYTES`]) has the
/// next group of lanes prefetched while it is transformed: rustfft's butterflies read a lane
/// of a few hundred points out of order, which the hardware prefetchers do not follow from one
/// lane to the next. Measured on the 2-vCPU Xeon VM of 2026-12-07 (f32, 2^22 values,
/// fft_into, the two ways alternating in one process, a quiet host): n = 128 1.84–2.12
/// against 2.16–2.48 ms, 256 2.02–2.57 against 2.53–3.30, 240 3.14–3.34 against 3.28–3.58,
/// 300 4.57–4.75 against 5.39–5.49, 384 3.18–3.51 against 4.12–4.13, 500 6.95–7.17 against
/// 7.80–8.34; 64 and 200 alike, 16 worse (3.00 against 2.79: lanes of two cache lines the
/// prefetchers do follow). Copied lanes (1000, 1024, 2048) were alike or worse with it.
const PREFETCH_NEXT_LANE_MIN_BYTES: usize = 1 << 10;
/// Longest lanes (in bytes) that [`streams_lanes`] transforms in the work buffer.
const STREAM_LANES_MAX_BYTES: usize = 32 << 10;
/// Fewest columns a strided tile gathers, so a row read fills at least part of a cache line.
const MIN_TILE_COLS: usize = 4;
/// Most columns a strided tile gathers.
const MAX_TILE_COLS: usize = 64;

/// Where a lane operation reads and writes: `(outer, len, inner)` grids over raw buffers.
struct Grid {
    outer: usize,
    len_in: usize,
    inner: usize,
    /// Whether the destination already holds initialized values (a caller's array), so
    /// lanes need no zeroing before a kernel writes them.
    dst_init: bool,
}

/// Applies `kernel` along `axis` of `src` (any layout) into a new C-order array.
///
/// Each input lane is read through `load`, zero-padded or truncated to `kernel.in_len()`,
/// transformed, passed through `post` (scaling, conjugation) and written.
pub(crate) fn map_axis<T, A, K, L, P>(
    src: ArrayViewD<'_, A>,
    axis: usize,
    kernel: &K,
    load: L,
    post: P,
) -> Result<ArrayD<K::Out>>
where
    T: Float,
    A: Copy + Send + Sync,
    K: LaneKernel<T>,
    L: Fn(A) -> K::In + Sync + 'static,
    P: Fn(&mut [K::Out]) + Sync,
{
    let ndim = src.ndim();
    if ndim > 1 && !src.is_standard_layout() && src.t().is_standard_layout() {
        // Fortran order: the reversed view is C order; transform it and reverse the result.
        let out = map_axis(src.reversed_axes(), ndim - 1 - axis, kernel, load, post)?;
        return Ok(out.reversed_axes());
    }
    // Copies only a view that is neither C- nor Fortran-contiguous.
    let src = src.as_standard_layout();
    let (grid, out_shape, src_slice) = grid_of(&src, axis, kernel.out_len())?;
    // SAFETY: `src_slice` holds outer·len_in·inner elements and the output outer·len_out·inner;
    // `run_grid` writes every one of those.
    unsafe {
        written_array(&out_shape, "output array", |out| {
            run_grid(src_slice.as_ptr(), SyncPtr(out), &grid, kernel, &load, &post)
        })
    }
}

/// Like [`map_axis`], but writes into `out`, which must have the result's shape.
///
/// A C-contiguous `out` is written directly (no allocation at all for in-place kernels on
/// contiguous lanes); any other layout goes through a temporary.
pub(crate) fn map_axis_into<T, A, K, L, P>(
    src: ArrayViewD<'_, A>,
    axis: usize,
    kernel: &K,
    load: L,
    post: P,
    mut out: ArrayViewMutD<'_, K::Out>,
) -> Result<()>
where
    T: Float,
    A: Copy + Send + Sync,
    K: LaneKernel<T>,
    L: Fn(A) -> K::In + Sync + 'static,
    P: Fn(&mut [K::Out]) + Sync,
{
    let mut want = src.shape().to_vec();
    want[axis] = kernel.out_len();
    if out.shape() != want.as_slice() {
        return Err(Error::ShapeMismatch {
            what: "output array".into(),
            expected: want,
            got: out.shape().to_vec(),
        });
    }
    if !out.is_standard_layout() {
        let y = map_axis(src, axis, kernel, load, post)?;
        out.assign(&y);
        return Ok(());
    }
    let src = src.as_standard_layout();
    let (mut grid, _, src_slice) = grid_of(&src, axis, kernel.out_len())?;
    grid.dst_init = true;
    let dst = out
        .as_slice_mut()
        .ok_or_else(|| Error::InvalidArgument("internal: standard layout without a slice".into()))?;
    if !dst.is_empty() {
        // SAFETY: `src_slice` holds outer·len_in·inner elements, `dst` exactly outer·len_out·inner
        // (its shape was checked), and the two cannot overlap (`out` is borrowed mutably).
        unsafe {
            run_grid(
                src_slice.as_ptr(),
                SyncPtr(dst.as_mut_ptr()),
                &grid,
                kernel,
                &load,
                &post,
            )?
        };
    }
    Ok(())
}

/// The `(outer, len, inner)` grid of a standard-layout `src` along `axis`, the output shape
/// with `len_out` along `axis`, and `src`'s elements.
fn grid_of<A, S: Data<Elem = A>>(
    src: &ArrayBase<S, IxDyn>,
    axis: usize,
    len_out: usize,
) -> Result<(Grid, Vec<usize>, &[A])> {
    let shape = src.shape();
    let src_slice = src
        .as_slice()
        .ok_or_else(|| Error::InvalidArgument("internal: standard layout without a slice".into()))?;
    let mut out_shape = shape.to_vec();
    out_shape[axis] = len_out;
    let grid = Grid {
        outer: shape[..axis].iter().product(),
        len_in: shape[axis],
        inner: shape[axis + 1..].iter().product(),
        dst_init: false,
    };
    Ok((grid, out_shape, src_slice))
}

/// Applies a complex kernel of unchanged length along `axis` of a C- or Fortran-contiguous
/// array, in place. Returns `Ok(false)`, touching nothing, when the array is not contiguous.
pub(crate) fn map_axis_inplace<T, K, P>(
    data: ArrayViewMutD<'_, Complex<T>>,
    axis: usize,
    kernel: &K,
    post: P,
) -> Result<bool>
where
    T: Float,
    K: LaneKernel<T, In = Complex<T>, Out = Complex<T>>,
    P: Fn(&mut [Complex<T>]) + Sync,
{
    let ndim = data.ndim();
    if ndim > 1 && !data.is_standard_layout() && data.t().is_standard_layout() {
        return map_axis_inplace(data.reversed_axes(), ndim - 1 - axis, kernel, post);
    }
    let shape = data.shape().to_vec();
    debug_assert_eq!(shape[axis], kernel.in_len());
    debug_assert_eq!(kernel.in_len(), kernel.out_len());
    let grid = Grid {
        outer: shape[..axis].iter().product(),
        len_in: shape[axis],
        inner: shape[axis + 1..].iter().product(),
        dst_init: true,
    };
    let Some(buf) = data.into_slice() else {
        return Ok(false);
    };
    if !buf.is_empty() {
        let ptr = buf.as_mut_ptr();
        // SAFETY: source and destination are the same initialized buffer; every tile reads its
        // own lanes completely before writing the same lanes, and tiles are disjoint.
        unsafe { run_grid(ptr as *const Complex<T>, SyncPtr(ptr), &grid, kernel, &same, &post)? };
    }
    Ok(true)
}

/// Per-worker buffers (reused from the worker's earlier calls).
struct Work<I: 'static, O: 'static, C: 'static> {
    input: Reused<I>,
    output: Reused<O>,
    scratch: Reused<C>,
    /// The slabs of a strided tile, for kernels that run strided lanes in slabs.
    slabs: Reused<C>,
}

/// Runs every tile of `grid` in parallel.
///
/// # Safety
/// `src` must be valid for reads of `outer·len_in·inner` elements and `dst` for writes of
/// `outer·len_out·inner`; `dst` may equal `src` only when `len_in == len_out`. On success every
/// destination element has been written.
unsafe fn run_grid<T, A, K, L, P>(
    src: *const A,
    dst: SyncPtr<K::Out>,
    grid: &Grid,
    kernel: &K,
    load: &L,
    post: &P,
) -> Result<()>
where
    T: Float,
    A: Copy + Send + Sync,
    K: LaneKernel<T>,
    L: Fn(A) -> K::In + Sync + 'static,
    P: Fn(&mut [K::Out]) + Sync,
{
    // A batch of at least two lanes per worker is faster lane by lane than split lane by lane,
    // unless the lanes are so long that one per worker no longer fits in cache.
    let lane_bytes = kernel.in_len().max(1) * std::mem::size_of::<K::In>().max(1);
    let threads = rayon::current_num_threads();
    if grid.inner == 1
        && (grid.outer < 2 * threads || lane_bytes >= SPLIT_LANE_BYTES)
        && let Some(plan) = kernel.four_step()?
        && (grid.outer < threads || plan.splits_batches())
    {
        // SAFETY: forwarded from the caller.
        return unsafe { run_four_step(src, dst, grid, &plan, load, post) };
    }
    // Long real lanes fewer than the cores: each on every core (see `REAL_SPLIT_LANE_BYTES`).
    if grid.inner == 1
        && grid.outer < threads
        && lane_bytes >= REAL_SPLIT_LANE_BYTES
        && let Some(plan) = kernel.half_four_step()?
        // SAFETY: forwarded from the caller.
        && unsafe { halves::run_halves(src, dst, grid, &plan, load, post)? }
    {
        return Ok(());
    }
    let src = SyncPtr(src as *mut A);
    let n_in = kernel.in_len();
    let n_out = kernel.out_len();
    // Strided complex lanes run in slabs of neighbouring columns where the kernels plan that.
    let slab_plan = match complex_ends::<T, A, K::In, K::Out, L, P>(load, post) {
        Some(ends) if grid.inner >= SLAB_COLUMNS && n_in == n_out => kernel.slabs()?.map(|plan| (plan, ends)),
        _ => None,
    };
    let (tile_lanes, tiles_per_block) = if grid.inner == 1 {
        // Whole groups of the lanes the kernel takes per call.
        let per_call = kernel.lanes_per_call().max(1);
        let lanes = (TILE_BYTES / lane_bytes).max(1).next_multiple_of(per_call);
        (lanes.clamp(1, grid.outer.max(1)), 1)
    } else {
        let cols = match &slab_plan {
            Some((plan, _)) => {
                let out_bytes = grid.outer * plan.len() * grid.inner * std::mem::size_of::<Complex<T>>();
                SLAB_COLUMNS * slabs::slabs_per_tile(plan.as_ref(), out_bytes)
            }
            None => (STRIDED_TILE_BYTES / lane_bytes).clamp(MIN_TILE_COLS, MAX_TILE_COLS),
        }
        .min(grid.inner);
        (cols, grid.inner.div_ceil(cols))
    };
    let tiles = if grid.inner == 1 {
        grid.outer.div_ceil(tile_lanes)
    } else {
        grid.outer * tiles_per_block
    };
    // Lanes a strided tile gathers whole: all of them, or with slabs only the columns left
    // over past the last whole slab of a block.
    let gathered = match slab_plan {
        Some(_) if grid.inner.is_multiple_of(SLAB_COLUMNS) => 0,
        Some(_) => SLAB_COLUMNS - 1,
        None => tile_lanes,
    };
    let init = || -> Result<Work<K::In, K::Out, Complex<T>>> {
        Ok(Work {
            // Contiguous in-place lanes are gathered straight into the output; other
            // contiguous lanes go a kernel call's worth at a time; strided tiles gather whole.
            input: reused(
                match (grid.inner, in_place::<T, K>()) {
                    (1, true) if streams_lanes::<K::Out>(grid, n_out) => n_in * kernel.lanes_per_call().max(1),
                    (1, true) => 0,
                    (1, false) => n_in * kernel.lanes_per_call().max(1),
                    _ => gathered * n_in,
                },
                "work buffer",
            )?,
            // Contiguous lanes write straight out; in-place kernels reuse the input.
            output: reused(
                if grid.inner == 1 || in_place::<T, K>() {
                    0
                } else {
                    gathered * n_out
                },
                "work buffer",
            )?,
            scratch: reused(kernel.scratch_len(), "scratch buffer")?,
            slabs: reused(
                slab_plan
                    .as_ref()
                    .map_or(0, |(plan, _)| slabs::work_len(plan.as_ref(), tile_lanes / SLAB_COLUMNS)),
                "slab buffer",
            )?,
        })
    };
    (0..tiles).into_par_iter().try_for_each_init(init, |work, tile| {
        let work = work.as_mut().map_err(|e| e.clone())?;
        // SAFETY: forwarded from the caller; tiles are disjoint.
        unsafe {
            if grid.inner == 1 {
                run_lane_tile(src, dst, grid, kernel, load, post, work, tile * tile_lanes, tile_lanes);
                return Ok(());
            }
            let block = tile / tiles_per_block;
            let col = (tile % tiles_per_block) * tile_lanes;
            let Some((plan, (load_c, post_c))) = &slab_plan else {
                run_column_tile(src, dst, grid, kernel, load, post, work, block, col, tile_lanes);
                return Ok(());
            };
            let cols = tile_lanes.min(grid.inner - col);
            let groups = cols / SLAB_COLUMNS;
            if groups > 0 {
                let dst_c = SyncPtr(dst.0 as *mut Complex<T>);
                slabs::run_slab_tile(
                    src,
                    dst_c,
                    grid,
                    plan.as_ref(),
                    load_c,
                    post_c,
                    &mut work.slabs,
                    block,
                    col,
                    groups,
                    reads_as_they_are::<T, K::In, L>(),
                );
            }
            if cols % SLAB_COLUMNS > 0 {
                let rest = col + groups * SLAB_COLUMNS;
                run_column_tile(
                    src,
                    dst,
                    grid,
                    kernel,
                    load,
                    post,
                    work,
                    block,
                    rest,
                    cols % SLAB_COLUMNS,
                );
            }
        }
        Ok(())
    })
}

/// `load` and `post` retyped for a kernel whose `In` and `Out` are both `Complex<T>`, or
/// `None` when they are not.
#[allow(clippy::type_complexity)]
fn complex_ends<'a, T, A, I, O, L, P>(
    load: &'a L,
    post: &'a P,
) -> Option<(
    impl Fn(A) -> Complex<T> + Sync + 'a,
    impl Fn(&mut [Complex<T>]) + Sync + 'a,
)>
where
    T: Float,
    I: 'static,
    O: 'static,
    L: Fn(A) -> I + Sync,
    P: Fn(&mut [O]) + Sync,
{
    if !same_type::<I, Complex<T>>() || !same_type::<O, Complex<T>>() {
        return None;
    }
    // SAFETY: `I` is `Complex<T>` (checked above), so this copy is the identity.
    let load = move |a: A| unsafe { std::mem::transmute_copy::<I, Complex<T>>(&load(a)) };
    // SAFETY: `O` is `Complex<T>` (checked above).
    let post = move |lane: &mut [Complex<T>]| {
        post(unsafe { std::slice::from_raw_parts_mut(lane.as_mut_ptr() as *mut O, lane.len()) })
    };
    Some((load, post))
}

/// Every lane of a contiguous grid, one after the other, each split by `plan` over every core.
///
/// # Safety
/// As [`run_grid`]; the kernel's `In` and `Out` must be `Complex<T>` (the only kernels with a
/// four-step plan are complex).
unsafe fn run_four_step<T, A, I, O, L, P>(
    src: *const A,
    dst: SyncPtr<O>,
    grid: &Grid,
    plan: &FourStep<T>,
    load: &L,
    post: &P,
) -> Result<()>
where
    T: Float,
    A: Copy + Send + Sync,
    I: 'static,
    O: 'static,
    L: Fn(A) -> I + Sync + 'static,
    P: Fn(&mut [O]) + Sync,
{
    let as_they_are = reads_as_they_are::<T, I, L>();
    let Some((load, post)) = complex_ends::<T, A, I, O, L, P>(load, post) else {
        return Err(Error::InvalidArgument(
            "internal: a four-step plan for a non-complex kernel".into(),
        ));
    };
    let n = plan.len();
    let plans = T::plans();
    let mut temp = plans.take_spare(plan.temp_len())?;
    let result = (0..grid.outer).try_for_each(|lane| {
        // SAFETY: lane `lane` of the source and of the destination lie inside their buffers
        // (the caller's contract), and the destination is `Complex<T>`.
        unsafe {
            let out = (dst.0 as *mut Complex<T>).add(lane * n);
            let from = src.add(lane * grid.len_in);
            if as_they_are {
                // `A` is `I`, which is `Complex<T>`; the lane is read as it is.
                plan.run_values(from as *const Complex<T>, grid.len_in, out, &mut temp, &post)
            } else {
                plan.run(from, grid.len_in, &load, out, &mut temp, &post)
            }
        }
    });
    plans.put_spare(temp);
    result
}

/// Contiguous lanes `first..first+count` (clipped to the grid), one lane at a time: gather,
/// transform, post-process, so the lane stays in L1 from the copy to the write (a tile of
/// short lanes gathered whole would spill to L2 between the passes: 25% slower at n = 256).
///
/// A kernel that works in place gathers straight into the destination lane and transforms it
/// there (no work-buffer round trip); others gather into the work buffer and write out.
#[allow(clippy::too_many_arguments)]
unsafe fn run_lane_tile<T, A, K, L, P>(
    src: SyncPtr<A>,
    dst: SyncPtr<K::Out>,
    grid: &Grid,
    kernel: &K,
    load: &L,
    post: &P,
    work: &mut Work<K::In, K::Out, Complex<T>>,
    first: usize,
    count: usize,
) where
    T: Float,
    A: Copy,
    K: LaneKernel<T>,
    L: Fn(A) -> K::In + 'static,
    P: Fn(&mut [K::Out]),
{
    let (n_in, n_out) = (kernel.in_len(), kernel.out_len());
    let end = first + count.min(grid.outer - first);
    // Groups of the lanes the kernel takes per call (one; eight for kernels that vectorize
    // across lanes; a few KiB's worth for kernels that read ahead).
    let group = kernel.lanes_per_call().max(1);
    // Lanes the loader passes as they are, as long as the kernel's and long enough (any
    // length for kernels that read short lanes well), go to a kernel that reads them where
    // they are; the others are gathered first (into the
    // destination for in-place kernels, else the work buffer).
    let lane_bytes = n_in * std::mem::size_of::<K::In>();
    let short_lanes = kernel.reads_short_lanes() && lane_bytes <= READ_SHORT_LANES_MAX_BYTES;
    let stream_out = in_place::<T, K>() && streams_lanes::<K::Out>(grid, n_out);
    // A kernel that prefetches each lane's successor reads a call's worth of lanes where they
    // lie (into the work buffer, on their way to a streamed destination) faster than after a
    // copy: `fft_into` of 2^22 f32 values on both cores of the Xeon VM (2026-12-07, night, the
    // two ways alternating in one process) 1024 points 3.03 against 3.73 ms, 512 2.74 against
    // 3.67; the kernel's prefetch alone is worth 2.92 against 3.18 and 2.68 against 2.86.
    let least = if short_lanes || (stream_out && kernel.reads_ahead()) {
        0
    } else if in_place::<T, K>() {
        READ_OVER_DESTINATION_BYTES
    } else {
        READ_IN_PLACE_BYTES
    };
    let as_they_are = reads_as_they_are::<T, K::In, L>() && grid.len_in == n_in && lane_bytes >= least;
    // Short lanes read in place are complex to complex, so only this branch prefetches.
    let prefetch_next = as_they_are && short_lanes && lane_bytes >= PREFETCH_NEXT_LANE_MIN_BYTES;
    if in_place::<T, K>() {
        // Each group gathered straight into the destination (or read from the source by the
        // kernel, into an initialized destination); or, for a large output, transformed in
        // the work buffer and streamed to the destination.
        for start in (first..end).step_by(group) {
            let lanes = group.min(end - start);
            let src_lane = unsafe { src.0.add(start * grid.len_in) };
            if prefetch_next && start + group < end {
                prefetch_run(
                    src_lane.wrapping_add(lanes * n_in),
                    group.min(end - start - group) * n_in,
                );
            }
            let out_ptr = unsafe { dst.0.add(start * n_out) };
            let apart = !std::ptr::addr_eq(src_lane, out_ptr);
            let streamed = stream_out && apart && stream::whole_lines(out_ptr, lanes * n_out, n_out);
            // Where the lanes are transformed: the work buffer (initialized, `init` sized it
            // for a group when `stream_out`) or the destination.
            let lanes_at = if streamed {
                work.input.as_mut_ptr() as *mut K::Out
            } else {
                out_ptr
            };
            let read = apart
                && as_they_are
                && (grid.dst_init || streamed)
                // SAFETY: `A` is `K::In` (`as_they_are`), the source holds these lanes whole
                // (`len_in == n_in`) and nothing writes them during the call; the lanes
                // written are initialized and this tile's (or its work buffer's) alone.
                && kernel.apply_from(
                    unsafe { read_as::<A, K::In>(src_lane, lanes * n_in) },
                    unsafe { std::slice::from_raw_parts_mut(lanes_at, lanes * n_out) },
                    &mut work.scratch,
                );
            if !read {
                // SAFETY: `K::In` and `K::Out` are the same type; the lanes are this tile's
                // (or its work buffer's) alone.
                let data = unsafe { std::slice::from_raw_parts_mut(lanes_at as *mut K::In, lanes * n_in) };
                if apart {
                    unsafe { gather_lanes(src_lane, grid.len_in, data, n_in, load) };
                }
                kernel.apply_inplace(data, &mut work.scratch);
            }
            for lane in 0..lanes {
                // SAFETY: every element of these lanes is now initialized.
                post(unsafe { std::slice::from_raw_parts_mut(lanes_at.add(lane * n_out), n_out) });
            }
            if streamed {
                // SAFETY: the work buffer holds the group's lanes; their destination is this
                // tile's, whole aligned cache lines (`whole_lines`), apart from the buffer.
                unsafe { stream::copy_lines(lanes_at, out_ptr, lanes * n_out) };
            }
        }
        if stream_out {
            stream::fence();
        }
        return;
    }
    // Each group gathered into the work buffer and transformed into the destination, unless
    // the kernel reads it where it is.
    for start in (first..end).step_by(group) {
        let lanes = group.min(end - start);
        let src_lane = unsafe { src.0.add(start * grid.len_in) };
        let out_ptr = unsafe { dst.0.add(start * n_out) };
        if !grid.dst_init {
            for i in 0..lanes * n_out {
                // SAFETY: inside this tile's destination lanes, which no other tile touches.
                unsafe { out_ptr.add(i).write(K::Out::default()) };
            }
        }
        // SAFETY: initialized (by the caller or just above), exclusively this tile's.
        let output = unsafe { std::slice::from_raw_parts_mut(out_ptr, lanes * n_out) };
        // SAFETY: as in the in-place branch above (apart: a kernel that is not in place may
        // still be run over one buffer, by `map_axis_inplace`).
        let read = as_they_are
            && !std::ptr::addr_eq(src_lane, out_ptr)
            && kernel.apply_from(
                unsafe { read_as::<A, K::In>(src_lane, lanes * n_in) },
                output,
                &mut work.scratch,
            );
        if !read {
            let input = &mut work.input[..lanes * n_in];
            unsafe { gather_lanes(src_lane, grid.len_in, input, n_in, load) };
            kernel.apply(input, output, &mut work.scratch);
        }
        for lane in 0..lanes {
            // SAFETY: every element of the lane's destination is now initialized.
            post(unsafe { std::slice::from_raw_parts_mut(out_ptr.add(lane * n_out), n_out) });
        }
    }
}

/// Whether contiguous lanes (`grid.inner == 1`, as both callers hold) of complex-to-complex
/// kernels are transformed in the work buffer and streamed to a destination of `grid.outer` lanes of `n_out` values (at least
/// [`stream::STREAM_MIN_BYTES`]), rather than transformed where they are written: each
/// destination line is then written once, without being read from memory first. Measured on
/// the 2-vCPU Xeon VM of 2026-12-07 (c2c f32, 2^22 values, fft_into into `zeros`, the two ways
/// alternating in one process): n = 512 3.27 against 4.36 ms, 1024 3.51–3.92 against
/// 4.31–4.40, 2048 3.89–3.94 against 4.81–4.82, 4096 4.50–4.51 against 4.80–4.82, 600 4.40–4.45
/// against 4.83–4.92, 1000 5.10–6.00 against 5.57–5.96.
/// Only lanes up to [`STREAM_LANES_MAX_BYTES`]: longer ones would leave the work buffer for
/// L2 between the kernel and the copy (2^14 points 4.93 against 4.76 ms, 2^16 alike).
fn streams_lanes<O>(grid: &Grid, n_out: usize) -> bool {
    let lane_bytes = n_out.saturating_mul(std::mem::size_of::<O>());
    lane_bytes <= STREAM_LANES_MAX_BYTES && grid.outer.saturating_mul(lane_bytes) >= stream::STREAM_MIN_BYTES
}

/// The loader of lanes read as they are: with it, kernels that can read the source's lanes in
/// place do ([`LaneKernel::apply_from`]), with no copy first.
pub(crate) fn same<X>(x: X) -> X {
    x
}

/// Whether the loader `L` is [`same`] or the complex scalars' `to_complex` (so lanes of `I`
/// are read as they are).
fn reads_as_they_are<T: Float, I: 'static, L: 'static>() -> bool {
    fn type_of<F: 'static>(_: &F) -> std::any::TypeId {
        std::any::TypeId::of::<F>()
    }
    let load = std::any::TypeId::of::<L>();
    load == type_of(&same::<I>)
        || (same_type::<I, Complex<T>>() && load == type_of(&<Complex<T> as crate::Scalar>::to_complex))
}

/// The `len` values at `src` seen as values of `I`.
///
/// # Safety
/// `A` must be `I`, and `src` valid for reads of `len` values that nothing writes while the
/// slice lives.
unsafe fn read_as<'a, A, I>(src: *const A, len: usize) -> &'a [I] {
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(src as *const I, len) }
}

/// Whether `K` transforms lanes in place (its `apply_inplace` works and `In` is `Out`).
fn in_place<T: Float, K: LaneKernel<T>>() -> bool {
    K::IN_PLACE && same_type::<K::In, K::Out>()
}

/// Whether two element types are the same type.
fn same_type<X: 'static, Y: 'static>() -> bool {
    std::any::TypeId::of::<X>() == std::any::TypeId::of::<Y>()
}

/// Copies source lanes of length `len_src` into `lanes` of length `n`, converting each element
/// with `load` and zero-padding or truncating to `n`.
///
/// # Safety
/// `src` must be valid for reads of `lanes.len() / n` lanes of `len_src` elements and must not
/// overlap `lanes`.
#[inline(always)]
unsafe fn gather_lanes<A: Copy, I: Copy + Default, L: Fn(A) -> I>(
    src: *const A,
    len_src: usize,
    lanes: &mut [I],
    n: usize,
    load: &L,
) {
    let copy = len_src.min(n);
    for (lane, row) in lanes.chunks_exact_mut(n).enumerate() {
        // SAFETY: lane `lane` lies inside the source, per the contract.
        let from = unsafe { std::slice::from_raw_parts(src.add(lane * len_src), copy) };
        for (w, &x) in row[..copy].iter_mut().zip(from) {
            *w = load(x);
        }
        row[copy..].fill(I::default());
    }
}

/// Columns `col..col+count` (clipped) of block `block`: gather rows, transform, scatter rows.
#[allow(clippy::too_many_arguments)]
unsafe fn run_column_tile<T, A, K, L, P>(
    src: SyncPtr<A>,
    dst: SyncPtr<K::Out>,
    grid: &Grid,
    kernel: &K,
    load: &L,
    post: &P,
    work: &mut Work<K::In, K::Out, Complex<T>>,
    block: usize,
    col: usize,
    count: usize,
) where
    T: Float,
    A: Copy,
    K: LaneKernel<T>,
    L: Fn(A) -> K::In,
    P: Fn(&mut [K::Out]),
{
    let (n_in, n_out) = (kernel.in_len(), kernel.out_len());
    let cols = count.min(grid.inner - col);
    let copy = grid.len_in.min(n_in);
    let input = &mut work.input[..cols * n_in];
    let base_in = block * grid.len_in * grid.inner + col;
    // SAFETY: rows 0..copy, columns col..col+cols of this block lie inside the source grid.
    unsafe {
        transpose(
            src.0.add(base_in),
            grid.inner,
            input.as_mut_ptr(),
            n_in,
            copy,
            cols,
            load,
        )
    };
    for lane in input.chunks_exact_mut(n_in) {
        lane[copy..].fill(K::In::default());
    }
    let output: &mut [K::Out] = if in_place::<T, K>() {
        kernel.apply_inplace(input, &mut work.scratch);
        // SAFETY: `K::In` and `K::Out` are the same type (checked just above).
        unsafe { std::slice::from_raw_parts_mut(input.as_mut_ptr() as *mut K::Out, input.len()) }
    } else {
        let output = &mut work.output[..cols * n_out];
        kernel.apply(input, output, &mut work.scratch);
        output
    };
    post(output);
    let base_out = block * n_out * grid.inner + col;
    for k in 0..n_out {
        let to = unsafe { dst.0.add(base_out + k * grid.inner) };
        for c in 0..cols {
            // SAFETY: this tile's own columns of the destination grid.
            unsafe { to.add(c).write(output[c * n_out + k]) };
        }
    }
}

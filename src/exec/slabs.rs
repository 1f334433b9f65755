//! Strided tiles through slabs: neighbouring columns copied row by row into slabs of eight, transformed down the slabs, copied back.
//!
//! A row of a slab is one cache line of the strided array, so the gather and the scatter move
//! whole lines with no transpose at all; the kernel's passes run across the eight columns.
//! Plans that can ([`SlabFft::gather_run`]) read the rows themselves and run their first pass
//! as the rows arrive: fft2 of 4096² 28.8–29.9 ms against 32.1–33.3, axis 0 of 4096 × 1024
//! 4.25–4.35 against 4.47–4.58 (Zen 4 VM, 2026-12-07, alternating in one process).

use num_complex::Complex;

use super::buffer::SyncPtr;
use super::stream::{self, STREAM_MIN_BYTES};
use super::{Grid, prefetch_run};
use crate::Float;
use crate::plan::{SLAB_COLUMNS, SlabFft, TileRows};

/// Most slabs one tile gathers (so each row read is a run of up to 8 cache lines).
pub(super) const MAX_SLABS: usize = 8;

/// How many rows ahead the gather prefetches (into L2, as the split's gather): the hardware
/// prefetchers do not follow a tile's rows, which lie a whole row of the array apart.
const AHEAD: usize = 64;

/// Outputs from which every tile takes [`MAX_SLABS`] slabs, however long its columns: twice
/// the L3, where each row of the source and of the output is a fresh trip to memory, and
/// 512-byte runs per row beat a tile that fits in L2 (one slab at a time is transformed, so
/// only the slab and its spare need to). Measured on the Zen 4 VM (2026-12-07), axis 0 on 2
/// cores, the two tilings alternating in one process (medians of 16–24), 8 slabs against as
/// many as fit in 1 MiB: 4096² 19.4–20.0 vs 21.7–22.3 ms, 8192 × 2048 24.1 vs 29.6, 2048 ×
/// 4096 8.8 vs 9.7, 4096 × 2048 10.5 vs 11.1; but at 32 MiB, partly in L3, 4096 × 1024 6.7 vs
/// 6.1–6.3 and 16384 × 256 10.6 vs 7.5 (2048² alike).
pub(super) const WIDE_TILE_MIN_BYTES: usize = 64 << 20;

/// Bytes of slabs a tile below [`WIDE_TILE_MIN_BYTES`] gathers: a little more than the L2
/// of 1 MiB. Since the first pass runs during the gather ([`SlabFft::gather_run`]), a block a
/// quarter past L2 pays less for it than shorter row runs cost; timed on the Zen 4 VM
/// (2026-12-07, busy host, alternating in one process, medians of 15) against as many slabs
/// as fit in 1 MiB, axis 0 of 4096 × 1024 (4 slabs against 3) 4.9–5.8 ms against 5.6–6.3 in
/// four runs, 8192 × 512 (2 against 1) 6.4–6.5 against 8.4–9.1, 2048 × 2048 (8 against 7)
/// 4.6–5.8 against 5.0–6.2; but 16384 × 256 with 2 slabs of 1 MiB against 1: 7.4–8.6
/// against 7.3–8.0, hence a quarter past L2 and not twice it.
const TILE_SLAB_BYTES: usize = 5 << 18;

/// Slabs per tile: [`MAX_SLABS`] for outputs of [`WIDE_TILE_MIN_BYTES`] and more, otherwise
/// as many as fit in [`TILE_SLAB_BYTES`] (at least one, at most [`MAX_SLABS`]).
pub(super) fn slabs_per_tile<T: Float>(plan: &dyn SlabFft<T>, out_bytes: usize) -> usize {
    if out_bytes >= WIDE_TILE_MIN_BYTES {
        return MAX_SLABS;
    }
    (TILE_SLAB_BYTES / (plan.slab_stride() * std::mem::size_of::<Complex<T>>())).clamp(1, MAX_SLABS)
}

/// Complex values of work space a tile of `slabs` slabs needs: the slabs and the spare.
pub(super) fn work_len<T>(plan: &dyn SlabFft<T>, slabs: usize) -> usize {
    (slabs + 1) * plan.slab_stride()
}

/// Columns `col..col + 8·groups` of block `block` of `grid` (each lane read through `load`,
/// zero-padded or truncated to the plan's length), transformed by `plan`, passed through
/// `post` (element by element) and written to the same columns of `dst`.
///
/// # Safety
/// `src` valid for reads of the grid's `outer·len_in·inner` elements and `dst` for writes of
/// `outer·n·inner` (`n` the plan's length); the columns lie inside a block; no other thread
/// touches them; `dst` may equal `src` (every column is read before any is written) only when
/// `len_in == n`; `work` holds at least [`work_len`] values for `groups ≤ MAX_SLABS` slabs;
/// `as_they_are` only where `load` is the identity (so `A` is `Complex<T>`), whose rows the
/// plan then reads where they are.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn run_slab_tile<T, A, L, P>(
    src: SyncPtr<A>,
    dst: SyncPtr<Complex<T>>,
    grid: &Grid,
    plan: &dyn SlabFft<T>,
    load: &L,
    post: &P,
    work: &mut [Complex<T>],
    block: usize,
    col: usize,
    groups: usize,
    as_they_are: bool,
) where
    T: Float,
    A: Copy,
    L: Fn(A) -> Complex<T>,
    P: Fn(&mut [Complex<T>]),
{
    const C: usize = SLAB_COLUMNS;
    let n = plan.len();
    let stride = plan.slab_stride();
    let copy = grid.len_in.min(n);
    let width = groups * C;
    let base_in = block * grid.len_in * grid.inner + col;
    // Past the tile's last rows, the next tile's first: the tiles of a block go to the
    // workers in runs, so the next tile is most often this worker's next (medians 2–5% faster
    // than no prefetch across tiles, on the sizes above).
    let next = (col + width < grid.inner).then(|| (col + width, width.min(grid.inner - col - width)));
    let rows = TileSource {
        src,
        base: base_in,
        inner: grid.inner,
        rows: copy,
        len: n,
        width,
        next: next.map(|(next_col, next_width)| (base_in - col + next_col, next_width)),
        load,
        as_they_are,
    };
    let mut homes = [0; MAX_SLABS];
    let homes = &mut homes[..groups];
    if !plan.gather_run(&rows, work, homes) {
        for r in 0..copy {
            rows.prefetch(r + AHEAD);
            for (g, values) in rows.source_row(r).chunks_exact(C).enumerate() {
                let to = &mut work[g * stride + r * C..][..C];
                for (w, &x) in to.iter_mut().zip(values) {
                    *w = load(x);
                }
            }
        }
        for g in 0..groups {
            work[g * stride + copy * C..g * stride + n * C].fill(Complex::default());
        }
        plan.run(work, homes);
    }
    for &home in homes.iter() {
        post(&mut work[home..home + n * C]);
    }
    let base_out = block * n * grid.inner + col;
    let out_bytes = grid.outer * n * grid.inner * std::mem::size_of::<Complex<T>>();
    let streamed = out_bytes >= STREAM_MIN_BYTES && stream::whole_lines(dst.0.wrapping_add(base_out), C, grid.inner);
    for k in 0..n {
        for (g, &home) in homes.iter().enumerate() {
            // SAFETY: row `k`'s columns of this tile lie inside the destination, this tile's
            // alone; the slab row lies inside `work`, which does not overlap it; streamed rows
            // are whole aligned lines (checked).
            unsafe {
                let (from, to) = (
                    work.as_ptr().add(home + k * C),
                    dst.0.add(base_out + k * grid.inner + g * C),
                );
                if streamed {
                    stream::copy_lines(from, to, C);
                } else {
                    std::ptr::copy_nonoverlapping(from, to, C);
                }
            }
        }
    }
    if streamed {
        stream::fence();
    }
}

/// A tile's rows in the strided source, for [`SlabFft::gather_run`]: `width` columns from
/// `base`, a row every `inner` elements, each value through `load`.
struct TileSource<'a, A, L> {
    src: SyncPtr<A>,
    base: usize,
    inner: usize,
    /// Rows the source has (the rest up to `len` read as zeros).
    rows: usize,
    /// The column length.
    len: usize,
    width: usize,
    /// Where the next tile of the block starts and its width, if there is one.
    next: Option<(usize, usize)>,
    load: &'a L,
    /// Whether `load` is the identity (`A` is `Complex<T>`): rows are then read where they
    /// are, not copied through it first. Measured on the Xeon VM of 2026-12-07 (f32 axis 0, 2 workers,
    /// the two ways alternating in one process, twice, a busy host): 4096 × 1024 13.1–13.7
    /// against 14.7–15.5 ms, 4096 × 4096 66.7–66.8 against 73.1–73.8, 16384 × 256 22.9–23.5
    /// against 25.1–25.8.
    as_they_are: bool,
}

impl<A, L> TileSource<'_, A, L> {
    /// Row `r` (below `rows`) of the tile's columns in the source, before `load`.
    fn source_row(&self, r: usize) -> &[A] {
        debug_assert!(r < self.rows);
        // SAFETY: row `r`'s columns of this tile lie inside the source (the caller's contract
        // on `run_slab_tile`, which builds this source).
        unsafe { std::slice::from_raw_parts(self.src.0.add(self.base + r * self.inner), self.width) }
    }
}

impl<T, A, L> TileRows<T> for TileSource<'_, A, L>
where
    T: Float,
    A: Copy,
    L: Fn(A) -> Complex<T>,
{
    fn read<'a>(&'a self, r: usize, run: &'a mut [Complex<T>]) -> &'a [Complex<T>] {
        let run = &mut run[..self.width];
        if self.as_they_are && r < self.rows {
            let row = self.source_row(r);
            // SAFETY: `A` is `Complex<T>` (`as_they_are`); the row lies inside the source,
            // which nothing writes while the tile is gathered.
            return unsafe { super::read_as(row.as_ptr(), row.len()) };
        }
        if r < self.rows {
            for (v, &x) in run.iter_mut().zip(self.source_row(r)) {
                *v = (self.load)(x);
            }
        } else {
            run.fill(Complex::default());
        }
        run
    }

    fn prefetch(&self, r: usize) {
        if r < self.rows {
            prefetch_run(self.src.0.wrapping_add(self.base + r * self.inner), self.width);
        } else if let Some((next, width)) = self.next
            && r >= self.len
            && r - self.len < self.rows
        {
            prefetch_run(self.src.0.wrapping_add(next + (r - self.len) * self.inner), width);
        }
    }
}

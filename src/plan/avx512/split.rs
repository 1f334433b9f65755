//! Long lanes in two cache-sized halves: `n = S·L` as `L/8` slabs of `S×8` and `S/8` slabs of
//! `L×8`, each transformed in L2, so a lane crosses memory twice instead of once per pass.
//!
//! With `j = j1 + L·j2` and `k = k1 + S·k2` (`j1, k2 < L`, `j2, k1 < S`),
//! `X[k1 + S·k2] = Σ_j1 w_L^{j1·k2} · w_n^{j1·k1} · Σ_j2 w_S^{j2·k1} · x[j1 + L·j2]`:
//!
//! 1. for eight neighbouring `j1` at a time: gather their `S` rows (one 64-byte load each),
//!    running the first radix-8 pass as they arrive ([`Columns::gather_run`]), run the rest of
//!    the `S`-point transform of the eight columns with the strided passes (vectorized across
//!    the columns), multiply by `w_n^{j1·k1}`, and store row `k1` of the temporary
//!    (`tmp[k1·L + j1]`, 64 bytes per store);
//! 2. for eight neighbouring `k1` at a time: load their rows of the temporary, transpose 8×8
//!    blocks into a slab, run the `L`-point transforms, and store `X[k1 + S·k2]` (64 bytes per
//!    store).

use std::arch::x86_64::*;

use num_complex::Complex;

use super::columns::{AHEAD, Columns};
use super::passes::{LANES, cmul_interleaved, transpose8};
use super::{root, strided_radices};
use crate::alloc::CACHE_LINE;
use crate::plan::{BlockSplit, LaneReader};

/// A length `n = rows · cols` transform in two halves.
pub(super) struct Split {
    /// `S`: the length of phase 1's transforms.
    rows: usize,
    /// `L`: the length of phase 2's transforms.
    cols: usize,
    by_rows: Columns,
    by_cols: Columns,
    /// `w_n^{c·k1}` for `k1 < S`, `c < 8`: row `k1` is one vector.
    near: Vec<f32>,
    /// `w_n^{8b·k1}` for `b < L/8`, `k1 < S`: one complex value per row of slab `b`.
    far: Vec<f32>,
    /// Whether the lane is long enough for streaming stores ([`STREAM_MIN_LEN`]).
    stream: bool,
}

/// Slabs of eight columns a block moves together, so each row access is a run of
/// `64·WIDE` bytes.
const WIDE: usize = 8;

/// Lone lanes from which the split is offered to the four-step, to run its blocks on every
/// core (the planner then times it against the lane whole on one core).
pub(super) const SPLIT_MIN_LEN: usize = 1 << 17;

/// Lanes from which [`Avx512Fft`](super::Avx512Fft) runs each lane (on one core) as the split
/// rather than as passes over the whole lane. Measured on the Zen 4 VM (2026-12-07), the two
/// plans alternating in one process on lanes of varied values, medians of 30 per lane, split vs
/// whole: one thread 2^17 0.31 vs 0.21 ms, 2^18 0.69 vs 0.46, 2^19 1.51 vs 1.03, 2^20 3.66 vs
/// 3.30; two threads at once, each on its own lanes, 2^19 1.91-2.46 vs 1.55-1.84, 2^20
/// 3.92-3.94 vs 4.00-4.14. (The 2^17 threshold before this was timed on untouched, all-zero
/// inputs, which read from one shared zero page and flattered the split's strided gather.)
pub(super) const LANE_SPLIT_MIN_LEN: usize = 1 << 20;

/// Lanes from which both phases write with non-temporal (streaming) stores, where the target
/// is 64-byte aligned: the temporary and the result then go straight to memory, with no read
/// of each line before it is overwritten and no eviction of the block being transformed.
/// Measured here, one lane in one process, phases alternating between normal and streaming
/// stores (medians of 11): 2^17 0.38 vs 0.33 ms, 2^19 1.58 vs 1.45, 2^20 4.03 vs 3.35, 2^21
/// 9.13 vs 7.40 (one core); 2^22 12.6-13.8 vs 9.3-11.1 and 2^24 51.6-52.7 vs 40.2-40.4 (two
/// cores). Below 2^20 the temporary read back from cache is the faster (streaming it alone lost
/// 5-10% at 2^17-2^19), and a result that fits in cache is left there for the caller.
const STREAM_MIN_LEN: usize = 1 << 20;

impl Split {
    /// The split of `n` into two factors near √n that the strided passes can run, if any.
    pub(super) fn new(n: usize, sign: f64) -> Option<Self> {
        let root_n = (n as f64).sqrt() as usize;
        let rows = (64..=root_n)
            .rev()
            .filter(|&s| s.is_multiple_of(64) && n.is_multiple_of(s) && (n / s).is_multiple_of(64))
            .filter(|&s| s.is_multiple_of(LANES * WIDE) && (n / s).is_multiple_of(LANES * WIDE))
            .find(|&s| strided_radices(s).is_some() && strided_radices(n / s).is_some())?;
        let cols = n / rows;
        let near = (0..rows)
            .flat_map(|k1| (0..LANES).flat_map(move |c| root(c * k1, n, sign)))
            .collect();
        let far = (0..cols / LANES)
            .flat_map(|b| (0..rows).flat_map(move |k1| root((LANES * b * k1) % n, n, sign)))
            .collect();
        Some(Split {
            rows,
            cols,
            by_rows: Columns::padded(rows, sign)?,
            by_cols: Columns::padded(cols, sign)?,
            near,
            far,
            stream: n >= STREAM_MIN_LEN,
        })
    }

    /// Complex values of work space [`run`](Self::run) needs besides the temporary: the
    /// [`WIDE`] slabs of a block and one more for the passes' ping-pong.
    pub(super) fn slab_len(&self) -> usize {
        (WIDE + 1) * self.stride() / 2
    }

    /// Floats from one slab to the next: a slab and two cache lines, so that the same row of
    /// neighbouring slabs falls in different cache sets (one 2^22-point lane on two cores:
    /// 3–8% faster in four alternations than slabs back to back).
    fn stride(&self) -> usize {
        2 * self.slab() + 32
    }

    /// Complex values of one slab: the longer columns' buffer, padded between passes.
    fn slab(&self) -> usize {
        self.by_rows.buffer_len().max(self.by_cols.buffer_len())
    }

    /// Phase 1's and phase 2's block counts.
    fn block_counts(&self) -> [usize; 2] {
        [self.cols / (LANES * WIDE), self.rows / (LANES * WIDE)]
    }

    /// One lane from `src` to `dst` (which may be equal) through `tmp` (`n` values) and `slabs`
    /// ([`slab_len`](Self::slab_len) values).
    ///
    /// # Safety
    /// AVX-512F; the pointers valid for those lengths; `tmp` and `slabs` overlapping nothing.
    pub(super) unsafe fn run(&self, src: *const f32, dst: *mut f32, tmp: *mut f32, slabs: *mut f32) {
        let [first, second] = self.block_counts();
        // SAFETY: forwarded; the blocks run in order on this thread.
        unsafe {
            let lane = std::slice::from_raw_parts(src as *const Complex<f32>, self.rows * self.cols);
            for block in 0..first {
                self.phase1_block(block, &lane, tmp, slabs);
            }
            for block in 0..second {
                self.phase2_block(block, tmp, dst, &|_| {}, slabs);
            }
        }
    }

    /// Phase-1 block `block`: columns `j1 = 64·block..+64` of the lane (as `S` rows of `L`)
    /// into rows `k1` of `tmp`, twiddled.
    ///
    /// # Safety
    /// AVX-512F; `tmp` valid for `n` values and `slabs` for [`slab_len`](Self::slab_len).
    #[target_feature(enable = "avx512f")]
    unsafe fn phase1_block(&self, block: usize, lane: &dyn LaneReader<f32>, tmp: *mut f32, slabs: *mut f32) {
        let (s, l) = (self.rows, self.cols);
        let stride = self.stride();
        let j1 = LANES * WIDE * block;
        // SAFETY: rows j2 < S of columns j1..j1+8·WIDE lie inside the lane (S·L values); each
        // slab holds 8·S values; `near` holds S vectors and `far` L/8·S values.
        unsafe {
            let mut homes = [0; WIDE];
            let mut run = [Complex::<f32>::default(); LANES * WIDE];
            let read = |row: usize, run: &mut [Complex<f32>]| lane.read(j1 + l * row, run).as_ptr() as *const f32;
            // Rows past the last are the next block's.
            let prefetch = |row: usize| match row.checked_sub(s) {
                None => lane.prefetch(j1 + l * row, LANES * WIDE),
                Some(next) if j1 + LANES * WIDE < l => lane.prefetch(j1 + LANES * WIDE + l * next, LANES * WIDE),
                Some(_) => {}
            };
            if !self.by_rows.gather_run(slabs, stride, &mut homes, &read, &prefetch) {
                for j2 in 0..s {
                    prefetch(j2 + AHEAD);
                    let row = read(j2, &mut run);
                    for w in 0..WIDE {
                        let v = _mm512_loadu_ps(row.add(2 * LANES * w));
                        _mm512_storeu_ps(slabs.add(w * stride + 2 * LANES * j2), v);
                    }
                }
                self.by_rows.run_slabs(slabs, stride, &mut homes);
            }
            // Every store below starts a multiple of 64 values into `tmp`.
            let stream = self.stream && (tmp as usize).is_multiple_of(CACHE_LINE);
            for k1 in 0..s {
                let near = _mm512_loadu_ps(self.near.as_ptr().add(2 * LANES * k1));
                for (w, home) in homes.iter().enumerate() {
                    let far = self.far.as_ptr().add(2 * s * (WIDE * block + w)) as *const f64;
                    let far = _mm512_castpd_ps(_mm512_set1_pd(far.add(k1).read_unaligned()));
                    let v = _mm512_loadu_ps(slabs.add(home + 2 * LANES * k1));
                    let v = cmul_interleaved(v, cmul_interleaved(near, far));
                    store(tmp.add(2 * (k1 * l + j1 + LANES * w)), v, stream);
                }
            }
            if stream {
                _mm_sfence();
            }
        }
    }

    /// Phase-2 block `block`: rows `k1 = 64·block..+64` of `tmp` (`L` long) into
    /// `X[k1 + S·k2]`, then `post` on each run of 64 results.
    ///
    /// # Safety
    /// AVX-512F; `tmp` and `dst` valid for `n` values, `slabs` for [`slab_len`](Self::slab_len).
    #[target_feature(enable = "avx512f")]
    unsafe fn phase2_block(
        &self,
        block: usize,
        tmp: *const f32,
        dst: *mut f32,
        post: &dyn Fn(&mut [Complex<f32>]),
        slabs: *mut f32,
    ) {
        let (s, l) = (self.rows, self.cols);
        let stride = self.stride();
        let k1 = LANES * WIDE * block;
        // SAFETY: rows k1..k1+8·WIDE of tmp (L values each) lie inside it; each slab holds
        // 8·L values; X[k1 + S·k2 .. +8·WIDE] lies inside dst (S·L values).
        unsafe {
            for w in 0..WIDE {
                for j1 in (0..l).step_by(LANES) {
                    let mut rows = [_mm512_setzero_ps(); LANES];
                    for (c, row) in rows.iter_mut().enumerate() {
                        *row = _mm512_loadu_ps(tmp.add(2 * ((k1 + LANES * w + c) * l + j1)));
                    }
                    for (jj, v) in transpose8(rows).iter().enumerate() {
                        _mm512_storeu_ps(slabs.add(w * stride + 2 * LANES * (j1 + jj)), *v);
                    }
                }
            }
            let mut homes = [0; WIDE];
            self.by_cols.run_slabs(slabs, stride, &mut homes);
            // Every run below starts a multiple of 64 values into `dst`.
            let stream = self.stream && (dst as usize).is_multiple_of(CACHE_LINE);
            // Streamed results get `post` in this run first (reading back a streamed line
            // would wait for it to reach memory).
            let mut run = Run([Complex::default(); LANES * WIDE]);
            for k2 in 0..l {
                let out = dst.add(2 * (k1 + s * k2));
                let staged = if stream { run.0.as_mut_ptr() as *mut f32 } else { out };
                for (w, home) in homes.iter().enumerate() {
                    let v = _mm512_loadu_ps(slabs.add(home + 2 * LANES * k2));
                    _mm512_storeu_ps(staged.add(2 * LANES * w), v);
                }
                post(std::slice::from_raw_parts_mut(
                    staged as *mut Complex<f32>,
                    LANES * WIDE,
                ));
                if stream {
                    for w in 0..WIDE {
                        store(out.add(2 * LANES * w), _mm512_load_ps(staged.add(2 * LANES * w)), true);
                    }
                }
            }
            if stream {
                _mm_sfence();
            }
        }
    }
}

/// One run of a phase-2 block's results, aligned for the vector loads that stream it out.
#[repr(align(64))]
struct Run([Complex<f32>; LANES * WIDE]);

/// Stores `v` at `p`: streaming (`p` 64-byte aligned, the caller fences) or not.
///
/// # Safety
/// AVX-512F; `p` valid for 16 floats, and 64-byte aligned when `stream`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn store(p: *mut f32, v: __m512, stream: bool) {
    // SAFETY: the caller's contract.
    unsafe {
        if stream {
            _mm512_stream_ps(p, v);
        } else {
            _mm512_storeu_ps(p, v);
        }
    }
}

impl BlockSplit<f32> for Split {
    fn len(&self) -> usize {
        self.rows * self.cols
    }

    fn blocks(&self) -> [usize; 2] {
        self.block_counts()
    }

    fn work_len(&self) -> usize {
        self.slab_len()
    }

    unsafe fn rows_block(
        &self,
        block: usize,
        lane: &dyn LaneReader<f32>,
        temp: *mut Complex<f32>,
        work: &mut [Complex<f32>],
    ) {
        assert!(block < self.block_counts()[0] && work.len() >= self.slab_len());
        // SAFETY: the caller's contract; AVX-512F was detected when the plan was made.
        unsafe { self.phase1_block(block, lane, temp as *mut f32, work.as_mut_ptr() as *mut f32) }
    }

    unsafe fn cols_block(
        &self,
        block: usize,
        temp: *const Complex<f32>,
        dst: *mut Complex<f32>,
        post: &dyn Fn(&mut [Complex<f32>]),
        work: &mut [Complex<f32>],
    ) {
        assert!(block < self.block_counts()[1] && work.len() >= self.slab_len());
        // SAFETY: as above.
        unsafe {
            self.phase2_block(
                block,
                temp as *const f32,
                dst as *mut f32,
                post,
                work.as_mut_ptr() as *mut f32,
            )
        }
    }
}

//! FFTs down the eight columns of `len × 8` slabs: the strided passes vectorized across columns.
//!
//! One vector holds one row of a slab (eight columns' value `j`), so every pass runs whole
//! vectors whatever the column length is (a multiple of 8 made of 2, 3 and 5). The batch
//! kernel, the two-halves split and [`Avx512SlabFft`] (strided axes) all run their columns here.

use num_complex::Complex;

use std::arch::x86_64::__m512;

use super::passes::{LANES, Layout, NextLane, radix8_rows_into_slabs};
use super::{Pass, run_pass_in, strided_passes, strided_radices};
use crate::plan::{SlabFft, TileRows};

/// The `len`-point transforms of the eight columns of a `len × 8` slab.
pub(super) struct Columns {
    len: usize,
    passes: Vec<Pass>,
    inverse: bool,
    /// The layout of the values between passes (the first pass reads and the last writes
    /// dense slabs).
    between: Layout,
}

impl Columns {
    /// The plan for columns of `len` points (`len` a multiple of 8 made of 2, 3 and 5).
    pub(super) fn new(len: usize, sign: f64) -> Option<Self> {
        let radices = strided_radices(len)?;
        Some(Columns {
            len,
            passes: strided_passes(radices, len, sign),
            inverse: sign > 0.0,
            between: Layout::DENSE,
        })
    }

    /// As [`new`](Self::new), with the values between passes padded ([`Layout`]): each slab
    /// buffer then needs [`buffer_len`](Self::buffer_len) values. The butterflies of every pass
    /// read eight rows `len/8` apart, a power-of-two multiple of 4 KiB for 2^k-point columns
    /// of 512 points and more, i.e. eight lines of one L1 set; padded, they spread over eight
    /// sets. What pointed here: dense, 1920-point columns (no power-of-two strides) ran 1.4×
    /// faster per flop than 2048-point ones. On the Zen 4 VM (2026-12-07) axis 0 of 4096 × 1024
    /// took 5.4–6.2 ms against 5.8–6.6 dense (7 of 10 alternations faster), one 2048-point slab
    /// 16 against 23 µs. The two-halves split (`split.rs`) runs padded slabs too: timed in one
    /// process against dense slabs with the slab stride it had before (2026-12-07, varied
    /// values, medians of 11, eight alternations), one 2^22-point lane on two cores 6.9–7.4 ms
    /// against 7.4–7.8 (8 of 8 faster), 2^20-point lanes one per core 4.31–4.33 against
    /// 4.40–4.48 ms per lane; an earlier trial had timed them alike.
    pub(super) fn padded(len: usize, sign: f64) -> Option<Self> {
        Some(Columns {
            between: Layout::padded::<__m512>(),
            ..Self::new(len, sign)?
        })
    }

    /// Complex values each of the two buffers of [`run`](Self::run) must hold.
    pub(super) fn buffer_len(&self) -> usize {
        self.between.padded_len::<__m512>(LANES * self.len)
    }

    /// Runs the passes on the slab in `a`, using `b`; returns the buffer holding the result.
    ///
    /// # Safety
    /// AVX-512F; `a` and `b` valid for [`buffer_len`](Self::buffer_len) complex values each,
    /// not overlapping.
    pub(super) unsafe fn run(&self, a: *mut f32, b: *mut f32) -> *mut f32 {
        // SAFETY: forwarded.
        unsafe { self.run_from(0, a, b) }
    }

    /// [`run`](Self::run) from pass `start` on (the slab in `a` holding pass `start − 1`'s
    /// output, in the layout between passes).
    ///
    /// # Safety
    /// As [`run`](Self::run).
    unsafe fn run_from(&self, start: usize, a: *mut f32, b: *mut f32) -> *mut f32 {
        let (mut from, mut to) = (a, b);
        let last = self.passes.len().saturating_sub(1);
        for (i, pass) in self.passes.iter().enumerate().skip(start) {
            let layouts = [
                if i == 0 { Layout::DENSE } else { self.between },
                if i == last { Layout::DENSE } else { self.between },
            ];
            // SAFETY: the caller's contract; `from` and `to` are the two distinct slabs.
            unsafe {
                run_pass_in::<__m512>(
                    pass,
                    self.inverse,
                    from,
                    to,
                    LANES * self.len,
                    layouts,
                    &mut NextLane::none(),
                )
            };
            std::mem::swap(&mut from, &mut to);
        }
        from
    }

    /// Runs the passes on each of `homes.len()` slabs at `slabs` (slab `w` at `w·stride`
    /// floats, a spare slab after them) and sets `homes[w]` to the float offset of slab `w`'s
    /// result. A result that ends in the spare slab stays there, and the slab it came from
    /// becomes the next spare, so an odd number of passes (512-point columns take three) costs
    /// no copy back.
    ///
    /// # Safety
    /// AVX-512F; `slabs` valid for `(homes.len() + 1)·stride` floats, `stride ≥ 2·buffer_len`.
    pub(super) unsafe fn run_slabs(&self, slabs: *mut f32, stride: usize, homes: &mut [usize]) {
        // SAFETY: forwarded.
        unsafe { self.run_slabs_from(0, slabs, stride, homes) }
    }

    /// [`run_slabs`](Self::run_slabs) from pass `start` on.
    ///
    /// # Safety
    /// As [`run_slabs`](Self::run_slabs).
    unsafe fn run_slabs_from(&self, start: usize, slabs: *mut f32, stride: usize, homes: &mut [usize]) {
        let mut spare = homes.len() * stride;
        for (w, home) in homes.iter_mut().enumerate() {
            *home = w * stride;
            // SAFETY: forwarded; slab `w` and the spare slab are distinct.
            let res = unsafe { self.run_from(start, slabs.add(*home), slabs.add(spare)) };
            if std::ptr::eq(res, slabs.wrapping_add(spare)) {
                std::mem::swap(home, &mut spare);
            }
        }
    }

    /// Gathers `homes.len()` (at most [`MAX_WIDE`]) slabs from the rows of their columns and
    /// transforms them as [`run_slabs`](Self::run_slabs) does, running the first pass as the
    /// rows arrive: each step reads the eight rows `p + r·len/8` one radix-8 butterfly
    /// combines (`read(row, run)` returns row `row` of the slabs side by side, from the
    /// source or written into `run`) and writes the pass's output rows into the slabs, so the
    /// block is written once before the remaining passes instead of gathered and then read and
    /// written again. `prefetch(row)` is asked [`AHEAD`] rows ahead of the reads in each of
    /// the eight streams (rows from `len` on: the next block's `row − len`). Returns `false`,
    /// having done nothing, where the first pass is not radix 8 or is the only one.
    ///
    /// Measured on the Zen 4 VM (2026-12-07), against gathering every row and then running
    /// all passes, alternating in one process (results bit for bit the same): through the
    /// two-halves split, one 2^22-point lane on two cores 7.3–7.8 ms against 8.2–8.9, 2^24
    /// 33.1–34.3 against 38.4–38.9, 2^20 × 4 7.5–8.4 against 8.3–8.9.
    ///
    /// # Safety
    /// AVX-512F; `slabs` valid for `(homes.len() + 1)·stride` floats, `stride ≥
    /// 2·buffer_len`; each pointer `read` returns valid for `16·homes.len()` floats.
    pub(super) unsafe fn gather_run(
        &self,
        slabs: *mut f32,
        stride: usize,
        homes: &mut [usize],
        read: &dyn Fn(usize, &mut [Complex<f32>]) -> *const f32,
        prefetch: &dyn Fn(usize),
    ) -> bool {
        let twiddles = match self.passes.first() {
            Some(Pass::Strided { radix: 8, twiddles, .. }) if self.passes.len() > 1 => twiddles,
            _ => return false,
        };
        let wide = homes.len();
        assert!(wide <= MAX_WIDE, "at most {MAX_WIDE} slabs, not {wide}");
        let m = self.len / 8;
        let mut runs = [[Complex::<f32>::default(); LANES * MAX_WIDE]; 8];
        // Each step reads one row of each stream: that many steps ahead is AHEAD rows ahead
        // in every stream (4 to 16 steps timed alike).
        let ahead = AHEAD / 8;
        for p in 0..m {
            let q = p + ahead;
            for r in 0..8 {
                prefetch(if q < m { q + m * r } else { self.len + q - m + m * r });
            }
            let mut rows = [std::ptr::null(); 8];
            for (r, run) in runs.iter_mut().enumerate() {
                rows[r] = read(p + m * r, &mut run[..LANES * wide]);
            }
            // SAFETY: the caller's contract; p < len/8 and `twiddles` is the first pass's.
            unsafe {
                if self.inverse {
                    radix8_rows_into_slabs::<true>(&rows, wide, p, twiddles, slabs, stride, self.between);
                } else {
                    radix8_rows_into_slabs::<false>(&rows, wide, p, twiddles, slabs, stride, self.between);
                }
            }
        }
        // SAFETY: forwarded; the slabs now hold the first pass's output.
        unsafe { self.run_slabs_from(1, slabs, stride, homes) };
        true
    }
}

/// Most slabs [`Columns::gather_run`] gathers at once (so each row read is a run of up to
/// eight cache lines).
pub(super) const MAX_WIDE: usize = 8;

/// Rows ahead of the reads a gather of slabs prefetches (into L2:
/// [`prefetch_run`](crate::exec::prefetch_run) says why and what it measured): the hardware
/// prefetchers do not follow streams of rows this far apart. In the two-halves split's
/// gather, 64 and 128 rows timed alike, both ahead of 16; prefetching the next block's rows
/// instead, a whole block ahead, let them be evicted again once a block outgrew L2, at 2^21
/// points and up; spreading them over the block's passes gained nothing on two cores.
pub(super) const AHEAD: usize = 64;

/// FFTs (forward or inverse, unscaled) down strided columns of `f32` values on AVX-512F,
/// eight columns per slab, for column lengths that are multiples of 8 made of 2, 3 and 5.
///
/// ```
/// use shardfft::plan::{Avx512SlabFft, SlabFft, SLAB_COLUMNS};
/// use shardfft::Complex;
///
/// if let Some(fft) = Avx512SlabFft::new(40, false) {
///     let stride = fft.slab_stride();
///     let mut slabs = vec![Complex::new(0.0f32, 0.0); 2 * stride]; // one slab and the spare
///     slabs[SLAB_COLUMNS + 3] = Complex::new(1.0, 0.0); // column 3: an impulse at row 1
///     let mut homes = [0];
///     fft.run(&mut slabs, &mut homes);
///     let bin = slabs[homes[0] + 10 * SLAB_COLUMNS + 3]; // column 3, bin 10: e^{-2πi·10/40} = -i
///     assert!((bin - Complex::new(0.0, -1.0)).norm() < 1e-6);
/// }
/// ```
pub struct Avx512SlabFft {
    columns: Columns,
}

impl Avx512SlabFft {
    /// The plan for columns of `len` points, or `None` when `len` is not a multiple of 8 made
    /// of the primes 2, 3 and 5, or this processor lacks AVX-512F.
    pub fn new(len: usize, inverse: bool) -> Option<Self> {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return None;
        }
        Some(Avx512SlabFft {
            columns: Columns::padded(len, if inverse { 1.0 } else { -1.0 })?,
        })
    }
}

impl Avx512SlabFft {
    /// The slab stride, once `slabs` is checked to hold `homes.len()` slabs and the spare.
    fn checked_stride(&self, slabs: &[Complex<f32>], homes: &[usize]) -> usize {
        let stride = self.slab_stride();
        assert!(
            slabs.len() >= (homes.len() + 1) * stride,
            "Avx512SlabFft: {} values hold fewer than {} slabs and a spare",
            slabs.len(),
            homes.len()
        );
        stride
    }
}

impl SlabFft<f32> for Avx512SlabFft {
    fn len(&self) -> usize {
        self.columns.len
    }

    /// A slab with room for the padded layout between passes, and two cache lines, so the same
    /// row of neighbouring slabs falls in different cache sets (as the two-halves split's slabs).
    fn slab_stride(&self) -> usize {
        self.columns.buffer_len() + 16
    }

    fn run(&self, slabs: &mut [Complex<f32>], homes: &mut [usize]) {
        let stride = self.checked_stride(slabs, homes);
        // SAFETY: the slabs and the spare lie inside `slabs` (checked); AVX-512F was detected
        // when the plan was made.
        unsafe {
            self.columns
                .run_slabs(slabs.as_mut_ptr() as *mut f32, 2 * stride, homes)
        };
        homes.iter_mut().for_each(|home| *home /= 2);
    }

    fn gather_run(&self, rows: &dyn TileRows<f32>, slabs: &mut [Complex<f32>], homes: &mut [usize]) -> bool {
        let stride = self.checked_stride(slabs, homes);
        let read = |row: usize, run: &mut [Complex<f32>]| rows.read(row, run).as_ptr() as *const f32;
        // SAFETY: the slabs and the spare lie inside `slabs` (checked); each row read is
        // 8 values per slab; AVX-512F was detected when the plan was made.
        let ran = unsafe {
            self.columns
                .gather_run(slabs.as_mut_ptr() as *mut f32, 2 * stride, homes, &read, &|row| {
                    rows.prefetch(row)
                })
        };
        if ran {
            homes.iter_mut().for_each(|home| *home /= 2);
        }
        ran
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Padding the values between passes moves them, not the arithmetic: the padded plan's
    /// result is bit for bit the dense one's, at lengths with one pass, with power-of-two
    /// strides past 4 KiB, and with factors 3 and 5.
    #[test]
    fn padded_passes_give_the_dense_passes_result_bit_for_bit() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return;
        }
        for len in [8, 40, 512, 1920, 2048, 4096] {
            for sign in [-1.0, 1.0] {
                let (dense, padded) = (Columns::new(len, sign).unwrap(), Columns::padded(len, sign).unwrap());
                assert!(padded.buffer_len() > dense.buffer_len() || len < 512);
                let values: Vec<f32> = (0..2 * LANES * len)
                    .map(|i| ((i * 7919) % 1013) as f32 / 1013.0 - 0.5)
                    .collect();
                let run = |columns: &Columns| {
                    let mut a = vec![f32::NAN; 2 * columns.buffer_len()];
                    let mut b = vec![f32::NAN; 2 * columns.buffer_len()];
                    a[..values.len()].copy_from_slice(&values);
                    // SAFETY: AVX-512F is present; both buffers hold buffer_len values.
                    let res = unsafe { columns.run(a.as_mut_ptr(), b.as_mut_ptr()) };
                    let res = if std::ptr::eq(res, a.as_ptr()) { a } else { b };
                    res[..values.len()].to_vec()
                };
                let (want, got) = (run(&dense), run(&padded));
                assert!(want.iter().all(|v| v.is_finite()), "len {len}");
                assert_eq!(want, got, "len {len}, sign {sign}");
            }
        }
    }
}

//! FFTs down the eight columns of `len × 8` slabs: the strided passes vectorized across columns.
//!
//! One vector holds one row of a slab (eight columns' value `j`), so every pass runs whole
//! vectors whatever the column length is (a multiple of 8 made of 2, 3 and 5). The batch
//! kernel, the two-halves split and [`Avx512SlabFft`] (strided axes) all run their columns here.

use num_complex::Complex;

use super::passes::LANES;
use super::{Pass, run_pass, strided_passes, strided_radices};
use crate::plan::SlabFft;

/// The `len`-point transforms of the eight columns of a `len × 8` slab.
pub(super) struct Columns {
    len: usize,
    passes: Vec<Pass>,
    inverse: bool,
}

impl Columns {
    /// The plan for columns of `len` points (`len` a multiple of 8 made of 2, 3 and 5).
    pub(super) fn new(len: usize, sign: f64) -> Option<Self> {
        let radices = strided_radices(len)?;
        Some(Columns {
            len,
            passes: strided_passes(radices, len, sign),
            inverse: sign > 0.0,
        })
    }

    /// Runs the passes on the slab in `a`, using `b`; returns the buffer holding the result.
    ///
    /// # Safety
    /// AVX-512F; `a` and `b` valid for `8·len` complex values each, not overlapping.
    pub(super) unsafe fn run(&self, a: *mut f32, b: *mut f32) -> *mut f32 {
        let (mut from, mut to) = (a, b);
        for pass in &self.passes {
            // SAFETY: the caller's contract; `from` and `to` are the two distinct slabs.
            unsafe { run_pass::<std::arch::x86_64::__m512>(pass, self.inverse, from, to, LANES * self.len) };
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
    /// AVX-512F; `slabs` valid for `(homes.len() + 1)·stride` floats, `stride ≥ 16·len`.
    pub(super) unsafe fn run_slabs(&self, slabs: *mut f32, stride: usize, homes: &mut [usize]) {
        let mut spare = homes.len() * stride;
        for (w, home) in homes.iter_mut().enumerate() {
            *home = w * stride;
            // SAFETY: forwarded; slab `w` and the spare slab are distinct.
            let res = unsafe { self.run(slabs.add(*home), slabs.add(spare)) };
            if std::ptr::eq(res, slabs.wrapping_add(spare)) {
                std::mem::swap(home, &mut spare);
            }
        }
    }
}

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
            columns: Columns::new(len, if inverse { 1.0 } else { -1.0 })?,
        })
    }
}

impl SlabFft<f32> for Avx512SlabFft {
    fn len(&self) -> usize {
        self.columns.len
    }

    /// A slab and two cache lines, so the same row of neighbouring slabs falls in different
    /// cache sets (as the two-halves split's slabs).
    fn slab_stride(&self) -> usize {
        LANES * self.columns.len + 16
    }

    fn run(&self, slabs: &mut [Complex<f32>], homes: &mut [usize]) {
        let stride = self.slab_stride();
        assert!(
            slabs.len() >= (homes.len() + 1) * stride,
            "Avx512SlabFft: {} values hold fewer than {} slabs and a spare",
            slabs.len(),
            homes.len()
        );
        // SAFETY: the slabs and the spare lie inside `slabs` (checked); AVX-512F was detected
        // when the plan was made.
        unsafe {
            self.columns
                .run_slabs(slabs.as_mut_ptr() as *mut f32, 2 * stride, homes)
        };
        homes.iter_mut().for_each(|home| *home /= 2);
    }
}

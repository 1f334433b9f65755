//! Real-to-complex f32 FFTs of short even lengths on AVX-512, eight lanes at a time, every pass on whole vectors.
//!
//! For real length `n = 2h`, lane `c`'s `z[j] = x[2j] + i·x[2j+1]` are transposed (8×8 blocks
//! in registers) into an `h × 8` slab, so each vector holds one point of every lane; the
//! strided passes run the eight `h`-point transforms down the slab (as the batch complex
//! kernel does), and the pairing of bin `k` with bin `h − k` (`real.rs`, realfft's formulas)
//! then works on two whole rows, with no mirrored loads. Per-lane real kernels pair within a
//! lane, where bin `h − k` runs backwards; at short lengths that pass and the per-lane calls
//! cost as much as the transform itself.

use std::arch::x86_64::*;
use std::sync::Arc;

use num_complex::Complex;
use realfft::RealToComplex;

use super::columns::Columns;
use super::passes::{LANES, cmul_interleaved, lanes_to_slab, slab_to_lanes};
use crate::plan::lanes::{BatchR2c, lane_count};

/// The longest real length taken. Measured on one core (Zen 4, 2026-12-04), ns per lane
/// against the per-lane kernel the planner had chosen, over 16 MiB of lanes (each group of
/// eight copied into L1 first, as the executor gathers them): 16 8.5 vs 20.5, 32 27 vs 38, 48
/// 47 vs 72, 64 71 vs 88, 80 67 vs 78, but 96 82 vs 72, 128 125 vs 100 and 256 286 vs 208. In
/// cache it wins to 256 (104 vs 152) and loses from 512 on, where the whole-lane passes are
/// faster (1024: 902 vs 497); the planner times in cache, so the out-of-cache losses are kept
/// out here. Staging a group's output to write it in one run did not change them.
const BATCH_R2C_MAX_LEN: usize = 80;

/// A real-to-complex f32 FFT (unscaled) on AVX-512F that transforms its lanes eight at a
/// time, for even lengths up to 80 whose half is a multiple of 8 made of
/// 2, 3 and 5 (16, 32, 48, 64, 80). Lanes left over when fewer than eight remain go
/// to the per-lane plan it is given.
///
/// ```
/// use shardfft::plan::{Avx512BatchR2c, BatchR2c};
/// use shardfft::Complex;
///
/// let single = realfft::RealFftPlanner::<f32>::new().plan_fft_forward(16);
/// if let Some(plan) = Avx512BatchR2c::new(16, single) {
///     let mut x = vec![1.0f32; 9 * 16]; // nine lanes of ones: eight in a slab, one alone
///     let mut y = vec![Complex::new(0.0, 0.0); 9 * 9];
///     plan.process_lanes(&mut x, &mut y, &mut vec![Complex::new(0.0, 0.0); plan.scratch_len()]);
///     for lane in y.chunks(9) {
///         assert_eq!(lane[0], Complex::new(16.0, 0.0));
///         assert!(lane[1..].iter().all(|b| b.norm() < 1e-5));
///     }
/// }
/// ```
pub struct Avx512BatchR2c {
    len: usize,
    columns: Columns,
    /// `w_k = e^{−2πik/n}/2` for k = 1..=n/4.
    twiddles: Vec<Complex<f32>>,
    /// The per-lane plan, for the lanes left over when fewer than eight remain.
    single: Arc<dyn RealToComplex<f32>>,
}

impl Avx512BatchR2c {
    /// The plan for real length `len` with `single` (a plan of the same length) for leftover
    /// lanes, or `None` when `len` is out of range, `single` has another length, or this
    /// processor lacks AVX-512F.
    pub fn new(len: usize, single: Arc<dyn RealToComplex<f32>>) -> Option<Self> {
        let h = len / 2;
        if len == 0
            || len > BATCH_R2C_MAX_LEN
            || !len.is_multiple_of(2 * LANES)
            || single.len() != len
            || !std::arch::is_x86_feature_detected!("avx512f")
        {
            return None;
        }
        let twiddles = (1..=h / 2)
            .map(|k| {
                let angle = std::f64::consts::TAU * k as f64 / len as f64;
                Complex::new((0.5 * angle.cos()) as f32, (-0.5 * angle.sin()) as f32)
            })
            .collect();
        Some(Avx512BatchR2c {
            len,
            columns: Columns::new(h, -1.0)?,
            twiddles,
            single,
        })
    }

    /// Floats of one slab of eight lanes' half-length transforms.
    fn slab(&self) -> usize {
        LANES * self.len
    }

    /// Eight lanes from `src` (`8·n` reals) into `dst` (`8·(n/2 + 1)` bins) through the two
    /// slabs at `slabs`.
    ///
    /// # Safety
    /// AVX-512F; the pointers valid for those lengths; `slabs` for two slabs, overlapping neither.
    #[target_feature(enable = "avx512f")]
    unsafe fn run_group(&self, src: *const f32, dst: *mut f32, slabs: *mut f32) {
        let h = self.len / 2;
        let (a, b) = (slabs, slabs.wrapping_add(self.slab()));
        let odd: __mmask16 = 0xAAAA;
        let imag_sign = _mm512_set1_epi64(0x8000_0000_0000_0000_u64 as i64);
        let flip = |v: __m512| _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), imag_sign));
        let swap = |v: __m512| _mm512_permute_ps::<0b1011_0001>(v);
        let half = _mm512_set1_ps(0.5);
        // SAFETY: lane c's z[j..j+8] lie at 2·(c·h + j) floats in `src`, its bins j..j+8 at
        // 2·(c·(h+1) + j) in `dst`; slab row j at 16·j floats in `a` and `b`; `twiddles`
        // holds h/2 values (the caller's contract and the plan's construction).
        unsafe {
            lanes_to_slab(src, h, h, a);
            let z = self.columns.run(a, b);
            let row = |k: usize| z.add(2 * LANES * k);
            // Bins 0 and h from z[0]: (re + im, 0) and (re − im, 0).
            let z0 = _mm512_loadu_ps(row(0));
            let nyquist = _mm512_maskz_sub_ps(!odd, z0, swap(z0));
            _mm512_storeu_ps(row(0), _mm512_maskz_add_ps(!odd, z0, swap(z0)));
            let twiddles = self.twiddles.as_ptr() as *const f64;
            for k in 1..=h / 2 {
                let (zk, zm) = (_mm512_loadu_ps(row(k)), _mm512_loadu_ps(row(h - k)));
                let (s, d) = (_mm512_add_ps(zk, zm), _mm512_sub_ps(zk, zm));
                let c = _mm512_mask_blend_ps(odd, s, d);
                let e = flip(_mm512_mask_blend_ps(odd, swap(s), swap(d)));
                let w = _mm512_castpd_ps(_mm512_set1_pd(twiddles.add(k - 1).read_unaligned()));
                let t = cmul_interleaved(e, w);
                // At k = h/2 (its own mirror) both give conj(z[k]).
                _mm512_storeu_ps(row(h - k), flip(_mm512_fmsub_ps(c, half, t)));
                _mm512_storeu_ps(row(k), _mm512_fmadd_ps(c, half, t));
            }
            slab_to_lanes(z, h, dst, h + 1);
            let mut last = [0.0f32; 2 * LANES];
            _mm512_storeu_ps(last.as_mut_ptr(), nyquist);
            for c in 0..LANES {
                let bin = dst.add(2 * (c * (h + 1) + h));
                bin.write(last[2 * c]);
                bin.add(1).write(0.0);
            }
        }
    }
}

impl BatchR2c<f32> for Avx512BatchR2c {
    fn lane_len(&self) -> usize {
        self.len
    }

    fn lanes_per_call(&self) -> usize {
        LANES
    }

    fn scratch_len(&self) -> usize {
        // Two slabs (`slab()` floats each), then the per-lane plan's scratch.
        self.slab() + self.single.get_scratch_len()
    }

    fn process_lanes(&self, input: &mut [f32], output: &mut [Complex<f32>], scratch: &mut [Complex<f32>]) {
        let (n, m) = (self.len, self.len / 2 + 1);
        let lanes = lane_count(n, input.len(), output.len(), (scratch.len(), self.scratch_len()));
        let (slabs, rest) = scratch.split_at_mut(self.slab());
        let groups = lanes / LANES;
        for group in 0..groups {
            // SAFETY: group `group`'s lanes lie inside `input` and `output` (counted above);
            // the slabs are a separate borrow; AVX-512F was detected when the plan was made.
            unsafe {
                self.run_group(
                    input.as_ptr().add(group * LANES * n),
                    output.as_mut_ptr().add(group * LANES * m) as *mut f32,
                    slabs.as_mut_ptr() as *mut f32,
                )
            };
        }
        let done = groups * LANES;
        for (x, y) in input[done * n..]
            .chunks_exact_mut(n)
            .zip(output[done * m..].chunks_exact_mut(m))
        {
            let fine = self.single.process_with_scratch(x, y, rest);
            debug_assert!(fine.is_ok(), "lane lengths were checked above");
        }
    }
}

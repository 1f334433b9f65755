//! The bench's reference: plain single-threaded rustfft/realfft loops over preallocated buffers.
//!
//! Each loop plans once (outside the timing), then per run copies every input lane into its
//! preallocated output lane and transforms it there with `process_with_scratch`; the input is
//! left intact, as the shardfft call it is compared with leaves it.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};
use shardfft::Complex;

use crate::error::CliError;

/// Batched complex transforms of length `n` along the last axis (lanes of a row-major buffer).
pub struct C2cLoop {
    fft: Arc<dyn Fft<f32>>,
    out: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

impl C2cLoop {
    /// Plans the length-`n` forward transform for `total` elements (a multiple of `n`).
    pub fn new(n: usize, total: usize) -> Self {
        let fft = FftPlanner::new().plan_fft_forward(n);
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        C2cLoop {
            fft,
            out: vec![Complex::default(); total],
            scratch,
        }
    }

    /// Transforms every lane of `input` into the output buffer.
    pub fn run(&mut self, input: &[Complex<f32>]) {
        let n = self.fft.len();
        for (src, dst) in input.chunks_exact(n).zip(self.out.chunks_exact_mut(n)) {
            dst.copy_from_slice(src);
            self.fft.process_with_scratch(dst, &mut self.scratch);
        }
    }

    /// Transforms every lane of `buffer` in place.
    fn run_in_place(&mut self, buffer: &mut [Complex<f32>]) {
        for lane in buffer.chunks_exact_mut(self.fft.len()) {
            self.fft.process_with_scratch(lane, &mut self.scratch);
        }
    }

    /// The result of the last run.
    pub fn output(&self) -> &[Complex<f32>] {
        &self.out
    }
}

/// Batched real-to-complex transforms of length `n` along the last axis.
pub struct R2cLoop {
    fft: Arc<dyn RealToComplex<f32>>,
    lane: Vec<f32>,
    out: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

impl R2cLoop {
    /// Plans the length-`n` real transform for `batch` lanes.
    pub fn new(n: usize, batch: usize) -> Self {
        let fft = RealFftPlanner::new().plan_fft_forward(n);
        let scratch = fft.make_scratch_vec();
        let out = vec![Complex::default(); fft.complex_len() * batch];
        R2cLoop {
            lane: vec![0.0; n],
            fft,
            out,
            scratch,
        }
    }

    /// Transforms every lane of `input`; realfft destroys its input, hence the copy to `lane`.
    pub fn run(&mut self, input: &[f32]) -> Result<(), CliError> {
        let m = self.fft.complex_len();
        for (src, dst) in input.chunks_exact(self.lane.len()).zip(self.out.chunks_exact_mut(m)) {
            self.lane.copy_from_slice(src);
            self.fft
                .process_with_scratch(&mut self.lane, dst, &mut self.scratch)
                .map_err(|e| CliError::new(format!("realfft baseline: {e}")))?;
        }
        Ok(())
    }

    /// The result of the last run.
    pub fn output(&self) -> &[Complex<f32>] {
        &self.out
    }
}

/// A square 2-D transform: rows, a blocked transpose, rows again, and a transpose back.
pub struct Fft2Loop {
    rows: C2cLoop,
    side: usize,
    transposed: Vec<Complex<f32>>,
}

impl Fft2Loop {
    /// Plans a `side` x `side` transform.
    pub fn new(side: usize) -> Self {
        Fft2Loop {
            rows: C2cLoop::new(side, side * side),
            side,
            transposed: vec![Complex::default(); side * side],
        }
    }

    /// Transforms the row-major `side` x `side` `input` into the output buffer.
    pub fn run(&mut self, input: &[Complex<f32>]) {
        self.rows.run(input);
        transpose(&self.rows.out, &mut self.transposed, self.side);
        let mut columns = std::mem::take(&mut self.transposed);
        self.rows.run_in_place(&mut columns);
        transpose(&columns, &mut self.rows.out, self.side);
        self.transposed = columns;
    }

    /// The result of the last run.
    pub fn output(&self) -> &[Complex<f32>] {
        self.rows.output()
    }
}

/// `dst = srcᵀ` for square row-major matrices, in 32 x 32 tiles to stay in cache.
fn transpose(src: &[Complex<f32>], dst: &mut [Complex<f32>], side: usize) {
    const TILE: usize = 32;
    for r0 in (0..side).step_by(TILE) {
        for c0 in (0..side).step_by(TILE) {
            for r in r0..(r0 + TILE).min(side) {
                for c in c0..(c0 + TILE).min(side) {
                    dst[c * side + r] = src[r * side + c];
                }
            }
        }
    }
}

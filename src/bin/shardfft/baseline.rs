//! The bench's reference: plain single-threaded rustfft/realfft loops, what a user writes by hand.
//!
//! Each loop plans once (outside the timing). `run` writes into a preallocated output (as the
//! shardfft `*_into` calls do); `run_fresh` allocates its output per call (as the allocating
//! shardfft calls do). Inputs are left intact, as shardfft leaves them. Preallocated outputs
//! come from [`shardfft::zeros`] (huge pages), like the arrays the shardfft side writes into.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftNum, FftPlanner};
use shardfft::Complex;

use crate::error::CliError;

/// A preallocated output of `len` zeros, backed by huge pages and starting on a cache line like
/// the shardfft side's arrays.
fn output<T: Copy + Default>(len: usize) -> Result<Output<T>, CliError> {
    let (data, start) = shardfft::zeros::<T, _>(len)?.into_raw_vec_and_offset();
    Ok(Output {
        data,
        start: start.unwrap_or(0),
        len,
    })
}

/// An output buffer: `data[start..start + len]` (a [`shardfft::zeros`] array starts at an
/// offset in its `Vec`, on a cache line).
#[derive(Default)]
pub struct Output<T> {
    data: Vec<T>,
    start: usize,
    len: usize,
}

impl<T> From<Vec<T>> for Output<T> {
    fn from(data: Vec<T>) -> Self {
        let len = data.len();
        Output { data, start: 0, len }
    }
}

impl<T> Deref for Output<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.data[self.start..self.start + self.len]
    }
}

impl<T> DerefMut for Output<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.data[self.start..self.start + self.len]
    }
}

fn realfft_error(e: realfft::FftError) -> CliError {
    CliError::new(format!("realfft baseline: {e}"))
}

/// Batched complex transforms of length `n` along the last axis (lanes of a row-major buffer).
pub struct C2cLoop<T: FftNum> {
    fft: Arc<dyn Fft<T>>,
    pub out: Output<Complex<T>>,
    scratch: Vec<Complex<T>>,
}

impl<T: FftNum + Default> C2cLoop<T> {
    /// Plans the length-`n` forward transform for `total` elements (a multiple of `n`).
    pub fn new(n: usize, total: usize) -> Result<Self, CliError> {
        let fft = FftPlanner::new().plan_fft_forward(n);
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        Ok(C2cLoop {
            fft,
            out: output(total)?,
            scratch,
        })
    }

    /// Transforms every lane of `input` into the preallocated output.
    pub fn run(&mut self, input: &[Complex<T>]) {
        self.out.copy_from_slice(input);
        self.run_in_place_out();
    }

    /// Transforms every lane of `input` into a freshly allocated output.
    pub fn run_fresh(&mut self, input: &[Complex<T>]) {
        self.out = input.to_vec().into();
        self.run_in_place_out();
    }

    fn run_in_place_out(&mut self) {
        for lane in self.out.chunks_exact_mut(self.fft.len()) {
            self.fft.process_with_scratch(lane, &mut self.scratch);
        }
    }
}

/// Batched real-to-complex transforms of length `n` along the last axis.
pub struct R2cLoop {
    fft: Arc<dyn RealToComplex<f32>>,
    lane: Vec<f32>,
    pub out: Output<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

impl R2cLoop {
    /// Plans the length-`n` real transform for `batch` lanes.
    pub fn new(n: usize, batch: usize) -> Result<Self, CliError> {
        let fft = RealFftPlanner::new().plan_fft_forward(n);
        let scratch = fft.make_scratch_vec();
        let out = output(fft.complex_len() * batch)?;
        Ok(R2cLoop {
            lane: vec![0.0; n],
            fft,
            out,
            scratch,
        })
    }

    /// Transforms every lane of `input`; realfft destroys its input, hence the copy to `lane`.
    pub fn run(&mut self, input: &[f32]) -> Result<(), CliError> {
        let m = self.fft.complex_len();
        for (src, dst) in input.chunks_exact(self.lane.len()).zip(self.out.chunks_exact_mut(m)) {
            self.lane.copy_from_slice(src);
            self.fft
                .process_with_scratch(&mut self.lane, dst, &mut self.scratch)
                .map_err(realfft_error)?;
        }
        Ok(())
    }

    /// [`run`](Self::run) into a freshly allocated output.
    pub fn run_fresh(&mut self, input: &[f32]) -> Result<(), CliError> {
        self.out = vec![Complex::default(); self.out.len()].into();
        self.run(input)
    }
}

/// Batched complex-to-real transforms of real length `n` (unnormalized, as realfft gives them).
pub struct C2rLoop {
    fft: Arc<dyn ComplexToReal<f32>>,
    lane: Vec<Complex<f32>>,
    pub out: Output<f32>,
    scratch: Vec<Complex<f32>>,
}

impl C2rLoop {
    /// Plans the real-length-`n` inverse transform for `batch` lanes.
    pub fn new(n: usize, batch: usize) -> Result<Self, CliError> {
        let fft = RealFftPlanner::new().plan_fft_inverse(n);
        Ok(C2rLoop {
            lane: fft.make_input_vec(),
            scratch: fft.make_scratch_vec(),
            out: output(n * batch)?,
            fft,
        })
    }

    /// Transforms every lane of `input` (n/2+1 bins each) into the output, scaled by 1/n.
    pub fn run(&mut self, input: &[Complex<f32>]) -> Result<(), CliError> {
        let n = self.fft.len();
        let scale = 1.0 / n as f32;
        for (src, dst) in input.chunks_exact(self.lane.len()).zip(self.out.chunks_exact_mut(n)) {
            self.lane.copy_from_slice(src);
            self.lane[0].im = 0.0;
            if n % 2 == 0 {
                self.lane[n / 2].im = 0.0;
            }
            self.fft
                .process_with_scratch(&mut self.lane, dst, &mut self.scratch)
                .map_err(realfft_error)?;
            dst.iter_mut().for_each(|v| *v *= scale);
        }
        Ok(())
    }
}

/// Complex transforms of length `rows` down the columns of a row-major `rows` x `cols` array,
/// one column at a time through a lane buffer (the hand-written way).
pub struct ColumnLoop {
    fft: Arc<dyn Fft<f32>>,
    cols: usize,
    lane: Vec<Complex<f32>>,
    pub out: Output<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

impl ColumnLoop {
    /// Plans the column transform of a `rows` x `cols` array.
    pub fn new(rows: usize, cols: usize) -> Result<Self, CliError> {
        let fft = FftPlanner::new().plan_fft_forward(rows);
        Ok(ColumnLoop {
            scratch: vec![Complex::default(); fft.get_inplace_scratch_len()],
            fft,
            cols,
            lane: vec![Complex::default(); rows],
            out: output(rows * cols)?,
        })
    }

    /// Transforms every column of `input` into the output.
    pub fn run(&mut self, input: &[Complex<f32>]) {
        let cols = self.cols;
        for c in 0..cols {
            for (r, v) in self.lane.iter_mut().enumerate() {
                *v = input[r * cols + c];
            }
            self.fft.process_with_scratch(&mut self.lane, &mut self.scratch);
            for (r, v) in self.lane.iter().enumerate() {
                self.out[r * cols + c] = *v;
            }
        }
    }
}

/// A square 2-D transform: rows, a blocked transpose, rows again, and a transpose back.
pub struct Fft2Loop {
    rows: C2cLoop<f32>,
    side: usize,
    transposed: Output<Complex<f32>>,
}

impl Fft2Loop {
    /// Plans a `side` x `side` transform.
    pub fn new(side: usize) -> Result<Self, CliError> {
        Ok(Fft2Loop {
            rows: C2cLoop::new(side, side * side)?,
            side,
            transposed: output(side * side)?,
        })
    }

    /// Transforms the row-major `side` x `side` `input` into the output buffer.
    pub fn run(&mut self, input: &[Complex<f32>]) {
        self.rows.run(input);
        transpose(&self.rows.out, &mut self.transposed, self.side);
        let mut columns = std::mem::take(&mut self.transposed);
        for lane in columns.chunks_exact_mut(self.side) {
            self.rows.fft.process_with_scratch(lane, &mut self.rows.scratch);
        }
        transpose(&columns, &mut self.rows.out, self.side);
        self.transposed = columns;
    }

    /// The result of the last run.
    pub fn output(&self) -> &[Complex<f32>] {
        &self.rows.out
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

/// Causal convolution of `(batch, channels, n)` signals with per-channel `(channels, n)`
/// kernels: per channel one kernel rfft, per lane rfft, multiply, irfft at length `len`.
pub struct ConvLoop {
    n: usize,
    channels: usize,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    real: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    kernels: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    pub out: Output<f32>,
}

impl ConvLoop {
    /// Plans the transforms of length `len` (≥ 2n−1) for `total` signal samples.
    pub fn new(n: usize, channels: usize, len: usize, total: usize) -> Result<Self, CliError> {
        let mut planner = RealFftPlanner::new();
        let forward = planner.plan_fft_forward(len);
        let inverse = planner.plan_fft_inverse(len);
        let m = forward.complex_len();
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        Ok(ConvLoop {
            n,
            channels,
            real: vec![0.0; len],
            spectrum: vec![Complex::default(); m],
            kernels: vec![Complex::default(); m * channels],
            scratch: vec![Complex::default(); scratch_len],
            out: output(total)?,
            forward,
            inverse,
        })
    }

    /// Convolves every lane of `x` with its channel's kernel from `k`, keeping the first n samples.
    pub fn run(&mut self, x: &[f32], k: &[f32]) -> Result<(), CliError> {
        let (n, m) = (self.n, self.spectrum.len());
        let scale = 1.0 / self.real.len() as f32;
        for (kernel, spec) in k.chunks_exact(n).zip(self.kernels.chunks_exact_mut(m)) {
            self.real[..n].copy_from_slice(kernel);
            self.real[n..].fill(0.0);
            self.forward
                .process_with_scratch(&mut self.real, spec, &mut self.scratch)
                .map_err(realfft_error)?;
        }
        for (lane, (src, dst)) in x.chunks_exact(n).zip(self.out.chunks_exact_mut(n)).enumerate() {
            self.real[..n].copy_from_slice(src);
            self.real[n..].fill(0.0);
            self.forward
                .process_with_scratch(&mut self.real, &mut self.spectrum, &mut self.scratch)
                .map_err(realfft_error)?;
            let c = lane % self.channels;
            for (s, kk) in self.spectrum.iter_mut().zip(&self.kernels[c * m..(c + 1) * m]) {
                *s = *s * *kk * scale;
            }
            self.spectrum[0].im = 0.0;
            if self.real.len().is_multiple_of(2) {
                self.spectrum[m - 1].im = 0.0;
            }
            self.inverse
                .process_with_scratch(&mut self.spectrum, &mut self.real, &mut self.scratch)
                .map_err(realfft_error)?;
            dst.copy_from_slice(&self.real[..n]);
        }
        Ok(())
    }
}

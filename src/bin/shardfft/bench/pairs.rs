//! For each case, the shardfft call and the baseline loop it is timed against, and a check that
//! both computed the same thing.

use ndarray::{Array2, Array3};
use shardfft::conv::Mode;
use shardfft::{Complex, Norm};

use super::cases::{Case, Kind};
use crate::baseline::{C2cLoop, C2rLoop, ColumnLoop, ConvLoop, Fft2Loop, R2cLoop};
use crate::error::CliError;

/// A shardfft call and its baseline, each run as often as the timing loop wants.
pub trait Pair {
    /// One shardfft call.
    fn shard(&mut self) -> Result<(), CliError>;
    /// One run of the baseline loop.
    fn base(&mut self) -> Result<(), CliError>;
    /// ‖shardfft − baseline‖ / ‖baseline‖ of the last results.
    fn rel_diff(&self) -> Result<f64, CliError>;
}

/// Builds the pair of `case`, inputs included (untimed).
pub fn build(case: Case) -> Result<Box<dyn Pair>, CliError> {
    let Case {
        kind,
        n,
        batch,
        channels,
    } = case;
    Ok(match kind {
        Kind::C2c | Kind::C2cAlloc => Box::new(C2cPair {
            x: complex_input(batch, n)?,
            y: shardfft::zeros((batch, n))?,
            base: C2cLoop::new(n, batch * n)?,
            alloc: kind == Kind::C2cAlloc,
        }),
        Kind::C2c64 => Box::new(C2cPair {
            x: {
                let mut x = shardfft::zeros((batch, n))?;
                x.zip_mut_with(&complex_input(batch, n)?, |v: &mut Complex<f64>, z| {
                    *v = Complex::new(z.re.into(), z.im.into())
                });
                x
            },
            y: shardfft::zeros((batch, n))?,
            base: C2cLoop::new(n, batch * n)?,
            alloc: false,
        }),
        Kind::R2c | Kind::R2cAlloc => Box::new(R2cPair {
            x: real_input(batch, n)?,
            y: shardfft::zeros((batch, n / 2 + 1))?,
            base: R2cLoop::new(n, batch)?,
            alloc: kind == Kind::R2cAlloc,
        }),
        Kind::Fft2 => Box::new(Fft2Pair {
            x: complex_input(n, n)?,
            y: shardfft::zeros((n, n))?,
            base: Fft2Loop::new(n)?,
        }),
        Kind::Axis0 => Box::new(Axis0Pair {
            x: complex_input(n, batch)?,
            y: shardfft::zeros((n, batch))?,
            base: ColumnLoop::new(n, batch)?,
        }),
        Kind::RoundTrip => Box::new(RoundTripPair {
            x: real_input(batch, n)?,
            spectrum: shardfft::zeros((batch, n / 2 + 1))?,
            y: shardfft::zeros((batch, n))?,
            r2c: R2cLoop::new(n, batch)?,
            c2r: C2rLoop::new(n, batch)?,
        }),
        Kind::Conv => {
            let len = shardfft::next_fast_len(2 * n - 1)?;
            Box::new(ConvPair {
                x: real_input(batch * channels, n)?
                    .into_shape_with_order((batch, channels, n))
                    .map_err(shape_error)?,
                k: real_input(channels, n)? / n as f32,
                y: shardfft::zeros((batch, channels, n))?,
                base: ConvLoop::new(n, channels, len, batch * channels * n)?,
            })
        }
    })
}

fn shape_error(e: ndarray::ShapeError) -> CliError {
    CliError::new(format!("internal: bench input shape: {e}"))
}

fn slice_of<T, D: ndarray::Dimension>(a: &ndarray::Array<T, D>) -> Result<&[T], CliError> {
    a.as_slice()
        .ok_or_else(|| CliError::new("internal: bench array is not contiguous"))
}

/// A deterministic pseudo-random value in [-1, 1) for index `i`.
fn noise(i: usize) -> f32 {
    let h = (i as u64 ^ 0x5851_F42D_4C95_7F2D).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

/// Inputs live in huge pages, as numpy's arrays (and the outputs here) do.
fn complex_input(rows: usize, cols: usize) -> Result<Array2<Complex<f32>>, CliError> {
    let mut x = shardfft::zeros((rows, cols))?;
    for (i, v) in x.iter_mut().enumerate() {
        *v = Complex::new(noise(2 * i), noise(2 * i + 1));
    }
    Ok(x)
}

fn real_input(rows: usize, cols: usize) -> Result<Array2<f32>, CliError> {
    let mut x = shardfft::zeros((rows, cols))?;
    for (i, v) in x.iter_mut().enumerate() {
        *v = noise(i);
    }
    Ok(x)
}

/// A value seen as the complex number (re, im) in f64.
trait AsComplex: Copy {
    fn parts(self) -> (f64, f64);
}

impl AsComplex for f32 {
    fn parts(self) -> (f64, f64) {
        (f64::from(self), 0.0)
    }
}

impl AsComplex for Complex<f32> {
    fn parts(self) -> (f64, f64) {
        (f64::from(self.re), f64::from(self.im))
    }
}

impl AsComplex for Complex<f64> {
    fn parts(self) -> (f64, f64) {
        (self.re, self.im)
    }
}

/// ‖a − b‖ / ‖b‖ in f64.
fn rel_diff<V: AsComplex>(a: &[V], b: &[V]) -> Result<f64, CliError> {
    if a.len() != b.len() {
        return Err(CliError::new(format!(
            "internal: shardfft gave {} values, the baseline {}",
            a.len(),
            b.len()
        )));
    }
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let ((xr, xi), (yr, yi)) = (x.parts(), y.parts());
        num += (xr - yr).powi(2) + (xi - yi).powi(2);
        den += yr * yr + yi * yi;
    }
    Ok((num / den.max(f64::MIN_POSITIVE)).sqrt())
}

struct C2cPair<T: shardfft::Float> {
    x: Array2<Complex<T>>,
    y: Array2<Complex<T>>,
    base: C2cLoop<T>,
    alloc: bool,
}

impl<T: shardfft::Float> Pair for C2cPair<T>
where
    Complex<T>: AsComplex,
{
    fn shard(&mut self) -> Result<(), CliError> {
        if self.alloc {
            self.y = shardfft::fft(&self.x, None, -1, Norm::Backward)?;
        } else {
            shardfft::fft_into(&self.x, &mut self.y, None, -1, Norm::Backward)?;
        }
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        let x = slice_of(&self.x)?;
        if self.alloc {
            self.base.run_fresh(x);
        } else {
            self.base.run(x);
        }
        Ok(())
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, &self.base.out)
    }
}

struct R2cPair {
    x: Array2<f32>,
    y: Array2<Complex<f32>>,
    base: R2cLoop,
    alloc: bool,
}

impl Pair for R2cPair {
    fn shard(&mut self) -> Result<(), CliError> {
        if self.alloc {
            self.y = shardfft::rfft(&self.x, None, -1, Norm::Backward)?;
        } else {
            shardfft::rfft_into(&self.x, &mut self.y, None, -1, Norm::Backward)?;
        }
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        let x = slice_of(&self.x)?;
        if self.alloc {
            self.base.run_fresh(x)
        } else {
            self.base.run(x)
        }
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, &self.base.out)
    }
}

struct Fft2Pair {
    x: Array2<Complex<f32>>,
    y: Array2<Complex<f32>>,
    base: Fft2Loop,
}

impl Pair for Fft2Pair {
    fn shard(&mut self) -> Result<(), CliError> {
        shardfft::fft2_into(&self.x, &mut self.y, None, None, Norm::Backward)?;
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        self.base.run(slice_of(&self.x)?);
        Ok(())
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, self.base.output())
    }
}

struct Axis0Pair {
    x: Array2<Complex<f32>>,
    y: Array2<Complex<f32>>,
    base: ColumnLoop,
}

impl Pair for Axis0Pair {
    fn shard(&mut self) -> Result<(), CliError> {
        shardfft::fft_into(&self.x, &mut self.y, None, 0, Norm::Backward)?;
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        self.base.run(slice_of(&self.x)?);
        Ok(())
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, &self.base.out)
    }
}

struct RoundTripPair {
    x: Array2<f32>,
    spectrum: Array2<Complex<f32>>,
    y: Array2<f32>,
    r2c: R2cLoop,
    c2r: C2rLoop,
}

impl Pair for RoundTripPair {
    fn shard(&mut self) -> Result<(), CliError> {
        let n = self.x.ncols();
        shardfft::rfft_into(&self.x, &mut self.spectrum, None, -1, Norm::Backward)?;
        shardfft::irfft_into(&self.spectrum, &mut self.y, Some(n), -1, Norm::Backward)?;
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        self.r2c.run(slice_of(&self.x)?)?;
        self.c2r.run(&self.r2c.out)
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, &self.c2r.out)
    }
}

struct ConvPair {
    x: Array3<f32>,
    k: Array2<f32>,
    y: Array3<f32>,
    base: ConvLoop,
}

impl Pair for ConvPair {
    fn shard(&mut self) -> Result<(), CliError> {
        self.y = shardfft::conv::fftconvolve(&self.x, &self.k, Mode::Causal, -1)?;
        Ok(())
    }
    fn base(&mut self) -> Result<(), CliError> {
        self.base.run(slice_of(&self.x)?, slice_of(&self.k)?)
    }
    fn rel_diff(&self) -> Result<f64, CliError> {
        rel_diff(slice_of(&self.y)?, &self.base.out)
    }
}

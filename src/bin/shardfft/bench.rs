//! `shardfft bench`: times shardfft's public API against plain single-threaded rustfft/realfft loops.

use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::Array2;
use shardfft::{Complex, Norm};

use crate::baseline::{C2cLoop, Fft2Loop, R2cLoop};
use crate::error::CliError;
use crate::report::Row;

/// Options of `shardfft bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Fewer repetitions (a smoke run, not a measurement)
    #[arg(long)]
    quick: bool,
    /// Print one JSON object per case instead of a table
    #[arg(long)]
    json: bool,
    /// Run only the cases whose name contains this text, e.g. "r2c" or "c2c-f32/1024"
    #[arg(long, value_name = "TEXT")]
    cases: Option<String>,
}

/// What a case transforms (all in f32, along the last axis or, for `Fft2`, both axes).
#[derive(Clone, Copy, Debug)]
enum Kind {
    C2c,
    R2c,
    Fft2,
}

/// One benchmark case: `batch` transforms of length `n` (for `Fft2`, one `n` x `n` transform).
#[derive(Clone, Copy, Debug)]
struct Case {
    kind: Kind,
    n: usize,
    batch: usize,
}

impl Case {
    fn transform(self) -> &'static str {
        match self.kind {
            Kind::C2c => "c2c-f32",
            Kind::R2c => "r2c-f32",
            Kind::Fft2 => "fft2-f32",
        }
    }

    fn size(self) -> String {
        match self.kind {
            Kind::Fft2 => format!("{0}x{0}", self.n),
            _ => self.n.to_string(),
        }
    }

    fn name(self) -> String {
        format!("{}/{}", self.transform(), self.size())
    }

    /// Nominal flop count: 5·N·log2 N per complex transform of N points, half that for real.
    fn flops(self) -> f64 {
        let nlogn = |n: f64| n * n.log2();
        match self.kind {
            Kind::C2c => 5.0 * nlogn(self.n as f64) * self.batch as f64,
            Kind::R2c => 2.5 * nlogn(self.n as f64) * self.batch as f64,
            Kind::Fft2 => 5.0 * nlogn((self.n * self.n) as f64),
        }
    }
}

/// Batched lengths with batch·n = 2^22, one long prime length, and a 4096² 2-D transform.
fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for kind in [Kind::C2c, Kind::R2c] {
        for n in [1 << 10, 1 << 14, 1 << 16, 1 << 20] {
            cases.push(Case {
                kind,
                n,
                batch: (1 << 22) / n,
            });
        }
    }
    cases.push(Case {
        kind: Kind::C2c,
        n: 1_000_003,
        batch: 4,
    });
    cases.push(Case {
        kind: Kind::Fft2,
        n: 4096,
        batch: 1,
    });
    cases
}

/// Runs the selected cases and prints the table (or JSON lines) on stdout, progress on stderr.
pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    let cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| args.cases.as_ref().is_none_or(|f| c.name().contains(f.as_str())))
        .collect();
    if cases.is_empty() {
        let names: Vec<String> = all_cases().into_iter().map(Case::name).collect();
        return Err(CliError::new(format!(
            "no bench case matches --cases {:?}; the cases are {}",
            args.cases.as_deref().unwrap_or(""),
            names.join(", ")
        )));
    }
    let reps = if args.quick { 2 } else { 7 };
    let threads = rayon::current_num_threads();
    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !args.json {
        bar.suspend(|| crate::report::print_header(reps, threads));
    }
    for case in cases {
        bar.set_message(case.name());
        let (shard_ms, base_ms, rel_diff) = measure(case, reps)?;
        let row = Row {
            transform: case.transform(),
            size: case.size(),
            batch: case.batch,
            flops: case.flops(),
            shard_ms,
            base_ms,
            rel_diff,
            threads,
        };
        bar.suspend(|| {
            if args.json {
                row.print_json()
            } else {
                row.print_table_line()
            }
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

/// A deterministic pseudo-random value in [-1, 1) for index `i`.
fn noise(i: usize) -> f32 {
    let h = (i as u64 ^ 0x5851_F42D_4C95_7F2D).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

fn complex_input(rows: usize, cols: usize) -> Array2<Complex<f32>> {
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let k = 2 * (r * cols + c);
        Complex::new(noise(k), noise(k + 1))
    })
}

/// Median shardfft time, median baseline time (ms), and the relative L2 difference of results.
fn measure(case: Case, reps: usize) -> Result<(f64, f64, f64), CliError> {
    let Case { kind, n, batch } = case;
    let contiguous = || CliError::new("internal: bench input is not contiguous");
    match kind {
        Kind::C2c => {
            let x = complex_input(batch, n);
            let flat = x.as_slice().ok_or_else(contiguous)?;
            let mut base = C2cLoop::new(n, x.len());
            let (t, tb, y) = interleave(
                reps,
                || Ok(shardfft::fft(&x, None, -1, Norm::Backward)?),
                || {
                    base.run(flat);
                    Ok(())
                },
            )?;
            Ok((t, tb, rel_diff(y.iter(), base.output())))
        }
        Kind::R2c => {
            let x = Array2::from_shape_fn((batch, n), |(r, c)| noise(r * n + c));
            let flat = x.as_slice().ok_or_else(contiguous)?;
            let mut base = R2cLoop::new(n, batch);
            let (t, tb, y) = interleave(
                reps,
                || Ok(shardfft::rfft(&x, None, -1, Norm::Backward)?),
                || base.run(flat),
            )?;
            Ok((t, tb, rel_diff(y.iter(), base.output())))
        }
        Kind::Fft2 => {
            let x = complex_input(n, n);
            let flat = x.as_slice().ok_or_else(contiguous)?;
            let mut base = Fft2Loop::new(n);
            let (t, tb, y) = interleave(
                reps,
                || Ok(shardfft::fft2(&x, None, None, Norm::Backward)?),
                || {
                    base.run(flat);
                    Ok(())
                },
            )?;
            Ok((t, tb, rel_diff(y.iter(), base.output())))
        }
    }
}

/// One untimed warm-up of each, then `reps` alternating timed runs; returns both medians (ms)
/// and shardfft's last result. Dropping the previous result happens outside the timing.
fn interleave<Y>(
    reps: usize,
    mut shard: impl FnMut() -> Result<Y, CliError>,
    mut base: impl FnMut() -> Result<(), CliError>,
) -> Result<(f64, f64, Y), CliError> {
    let mut last = shard()?;
    base()?;
    let (mut ts, mut tb) = (Vec::with_capacity(reps), Vec::with_capacity(reps));
    for _ in 0..reps {
        let start = Instant::now();
        let y = shard()?;
        ts.push(start.elapsed().as_secs_f64() * 1e3);
        last = y;
        let start = Instant::now();
        base()?;
        tb.push(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok((median(ts), median(tb), last))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => v[len / 2],
        len => 0.5 * (v[len / 2 - 1] + v[len / 2]),
    }
}

/// ‖a − b‖ / ‖b‖ in f64 (infinite when the lengths differ).
fn rel_diff<'a>(a: impl ExactSizeIterator<Item = &'a Complex<f32>>, b: &[Complex<f32>]) -> f64 {
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (x, y) in a.zip(b) {
        let (dr, di) = (f64::from(x.re) - f64::from(y.re), f64::from(x.im) - f64::from(y.im));
        num += dr * dr + di * di;
        den += f64::from(y.re).powi(2) + f64::from(y.im).powi(2);
    }
    (num / den.max(f64::MIN_POSITIVE)).sqrt()
}

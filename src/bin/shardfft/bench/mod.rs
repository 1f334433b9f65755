//! `shardfft bench`: times shardfft's public API against plain single-threaded rustfft/realfft loops.

mod cases;
mod pairs;

use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::CliError;
use crate::report::Row;
use cases::{Case, Suite};
use pairs::Pair;

/// Options of `shardfft bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Fewer repetitions (a smoke run, not a measurement)
    #[arg(long)]
    quick: bool,
    /// Timed runs of each side per case, alternating, each straight after an untimed run of the
    /// same side (the median is reported); more runs steady the figures on a noisy machine
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(1..=1000))]
    reps: u32,
    /// Print one JSON object per case instead of a table
    #[arg(long)]
    json: bool,
    /// Which group of cases to run
    #[arg(long, value_enum, default_value = "main")]
    suite: Suite,
    /// Run only the cases whose name contains this text, e.g. "r2c" or "c2c-f32/1024"
    #[arg(long, value_name = "TEXT")]
    cases: Option<String>,
}

/// Runs the selected cases and prints the table (or JSON lines) on stdout, progress on stderr.
pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    let all = Case::suite(args.suite);
    let cases: Vec<Case> = all
        .iter()
        .copied()
        .filter(|c| args.cases.as_ref().is_none_or(|f| c.name().contains(f.as_str())))
        .collect();
    if cases.is_empty() {
        let names: Vec<String> = all.into_iter().map(Case::name).collect();
        return Err(CliError::new(format!(
            "no bench case matches --cases {:?}; the cases of this suite are {}",
            args.cases.as_deref().unwrap_or(""),
            names.join(", ")
        )));
    }
    let reps = if args.quick { 2 } else { args.reps as usize };
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
        let mut pair = pairs::build(case)?;
        let (shard_ms, base_ms) = interleave(reps, pair.as_mut())?;
        let row = Row {
            transform: case.transform(),
            size: case.size(),
            batch: case.batch,
            flops: case.flops(),
            shard_ms,
            base_ms,
            rel_diff: pair.rel_diff()?,
            threads,
        };
        drop(pair);
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

/// `reps` alternating timed runs of each side; every timed run comes straight after an untimed
/// call of the same side, so each is timed warm (caches, pages and idle cores brought up by a run
/// of its own, as in a loop of calls or criterion's back-to-back iterations) and neither side
/// inherits the other's state. Returns both medians (ms).
fn interleave(reps: usize, pair: &mut dyn Pair) -> Result<(f64, f64), CliError> {
    let (mut ts, mut tb) = (Vec::with_capacity(reps), Vec::with_capacity(reps));
    for _ in 0..reps {
        ts.push(warm_ms(|| pair.shard())?);
        tb.push(warm_ms(|| pair.base())?);
    }
    Ok((median(ts), median(tb)))
}

/// Milliseconds of the second of two back-to-back calls of `run`.
fn warm_ms(mut run: impl FnMut() -> Result<(), CliError>) -> Result<f64, CliError> {
    run()?;
    let start = Instant::now();
    run()?;
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => v[len / 2],
        len => 0.5 * (v[len / 2 - 1] + v[len / 2]),
    }
}

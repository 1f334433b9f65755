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
    /// Rounds over the cases; each round times each case's two sides once, each straight after
    /// an untimed run of the same side (medians are reported); more rounds steady the figures
    /// on a noisy machine
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
    let bar = ProgressBar::new((reps * cases.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !args.json {
        bar.suspend(|| crate::report::print_header(reps, threads));
    }
    bar.set_message("planning and filling inputs");
    let mut pairs = cases
        .iter()
        .map(|&case| pairs::build(case))
        .collect::<Result<Vec<_>, _>>()?;
    let times = in_rounds(reps, &mut pairs, &bar)?;
    bar.finish_and_clear();
    for ((case, pair), (shard, base)) in cases.into_iter().zip(&pairs).zip(times) {
        let row = Row {
            transform: case.transform(),
            size: case.size(),
            batch: case.batch,
            flops: case.flops(),
            shard_ms: median(shard),
            base_ms: median(base),
            rel_diff: pair.rel_diff()?,
            threads,
        };
        if args.json {
            row.print_json()
        } else {
            row.print_table_line()
        }
    }
    Ok(())
}

/// One case's times in ms: shardfft's and the baseline's.
type Samples = (Vec<f64>, Vec<f64>);

/// Times every pair `reps` times, in rounds that visit each case once: a stretch of time in
/// which the machine is slow (this project's 2-vCPU guests lose most of one vCPU for 0.3–1 s
/// now and then) costs each case a sample or two instead of all of one case's samples. Within a
/// round a case runs shardfft then its baseline, each timed warm: straight after an untimed call
/// of the same side, so each is timed on caches, pages and idle cores brought up by a run of its
/// own (as in a loop of calls or criterion's back-to-back iterations) and neither side inherits
/// the other's state.
fn in_rounds(reps: usize, pairs: &mut [Box<dyn Pair>], bar: &ProgressBar) -> Result<Vec<Samples>, CliError> {
    let mut times = vec![(Vec::with_capacity(reps), Vec::with_capacity(reps)); pairs.len()];
    for round in 1..=reps {
        bar.set_message(format!("round {round} of {reps}"));
        for (pair, (shard, base)) in pairs.iter_mut().zip(&mut times) {
            shard.push(warm_ms(|| pair.shard())?);
            base.push(warm_ms(|| pair.base())?);
            bar.inc(1);
        }
    }
    Ok(times)
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

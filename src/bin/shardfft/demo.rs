//! `shardfft demo`: learn an unknown 65,536-tap causal filter by gradient descent through the
//! sharded FFT convolution, on P in-process ranks or the ranks of an `mpirun` job.
//!
//! The model is one filter `k` shared by every channel, starting at zero; each step convolves
//! the batch with it ([`shardfft::dist::ShardedConvPlan`]), takes the mean squared error against
//! the targets, and the kernel gradient through the convolution's VJP, summed over the ranks
//! with one all-reduce; every rank then takes the same Adam step.

mod adam;
mod data;
mod launch;
mod plot;
mod timing;
mod train;

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::CliError;
use train::{Config, Split};

/// Options of `shardfft demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Filter and signal length (taps = samples), up to 2^20
    #[arg(long, default_value_t = 65_536)]
    length: usize,
    /// Signals in the batch
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// Channels per signal (the filter is shared by all of them)
    #[arg(long, default_value_t = 4)]
    channels: usize,
    /// Adam steps
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Adam's peak learning rate, cosine-decayed to 1/1000 of it [default: 0.03, times
    /// sqrt(65536/length) above 65,536 taps]
    #[arg(long)]
    lr: Option<f64>,
    /// Ranks the batch or sequence is split over: in-process threads [default: 4]; under
    /// mpirun (built with `--features mpi`) the MPI processes, so leave it out or give -np's P
    #[arg(long)]
    ranks: Option<usize>,
    /// Which axis the ranks split: batch (data parallel) or sequence (sequence parallel)
    #[arg(long, value_enum, default_value_t = Split::Batch)]
    split: Split,
    /// Seed of the data and the unknown filter
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Folder for demo-loss.svg and demo-kernel.svg
    #[arg(long, value_name = "DIR", default_value = ".")]
    out_dir: PathBuf,
    /// Print the figures as one JSON object (and no progress bar)
    #[arg(long)]
    json: bool,
}

/// Runs the demo.
pub fn run(args: &DemoArgs) -> Result<(), CliError> {
    if args.length == 0 || args.length > 1 << 20 {
        return Err(CliError::new("--length must be between 1 and 1048576"));
    }
    if args.batch == 0 || args.channels == 0 {
        return Err(CliError::new("--batch and --channels must be at least 1"));
    }
    // Adam moves every tap by about the rate at first: keep that first move's norm the same
    // for longer filters.
    let lr = args
        .lr
        .unwrap_or(0.03 * (65_536.0 / args.length as f64).sqrt().min(1.0));
    if !(lr > 0.0 && lr.is_finite()) {
        return Err(CliError::new("--lr must be a positive number"));
    }
    let ranks = launch::choose(args.ranks)?;
    let (size, root) = ranks.size_and_root();
    if root {
        std::fs::create_dir_all(&args.out_dir)
            .map_err(|e| CliError::new(format!("cannot create {}: {e}", args.out_dir.display())))?;
    }
    let say = |s: String| {
        if root && !args.json {
            println!("{s}");
        }
    };
    say(format!(
        "shardfft demo: learn a {}-tap causal filter from {}×{} signals of {} samples, {} {} ranks splitting the {}",
        args.length,
        args.batch,
        args.channels,
        args.length,
        size,
        ranks.kind(),
        match args.split {
            Split::Batch => "batch (data parallel)",
            Split::Sequence => "sequence (sequence parallel)",
        }
    ));
    let problem = data::make(args.batch, args.channels, args.length, args.seed)?;
    let x = problem.x.into_dyn();
    let y = problem.y.into_dyn();
    let progress = if args.json || !root {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(Some(args.steps as u64 + 1), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {msg}  [{elapsed_precise}]")
            .map_err(|e| CliError::new(e.to_string()))?;
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    };
    let cfg = Config {
        steps: args.steps,
        lr,
        split: args.split,
    };
    let out = train::train(&ranks, &x, &y, &cfg, &progress)?;
    progress.finish_and_clear();
    // Only the reporting rank goes on (MPI ranks other than 0 are done).
    let Some(out) = out else {
        return Ok(());
    };

    let k_true = &problem.k_true;
    let diff = &out.kernel - k_true;
    let rel_error = (diff.dot(&diff) as f64).sqrt() / (k_true.dot(k_true) as f64).sqrt();
    let initial = out.losses.first().copied().unwrap_or(f64::NAN);
    let fin = out.losses.last().copied().unwrap_or(f64::NAN);
    let secs = out.elapsed.as_secs_f64();
    let steps_per_s = args.steps as f64 / secs;
    let samples_per_s = steps_per_s * (args.batch * args.channels) as f64;
    let busy = out.conv_s + out.comm_s + out.other_s;
    let share = |v: f64| 100.0 * v / busy.max(1e-12);

    let loss_svg = args.out_dir.join("demo-loss.svg");
    let kernel_svg = args.out_dir.join("demo-kernel.svg");
    plot::loss(&loss_svg, &out.losses)?;
    let k_learned = out.kernel.to_vec();
    plot::kernel(&kernel_svg, k_true.as_slice().unwrap_or(&k_true.to_vec()), &k_learned)?;

    if args.json {
        println!(
            "{{\"length\":{},\"steps\":{},\"ranks\":{},\"split\":\"{:?}\",\"initial_loss\":{initial:e},\
             \"final_loss\":{fin:e},\"loss_ratio\":{:e},\"rel_error\":{rel_error:e},\"seconds\":{secs:.3},\
             \"steps_per_s\":{steps_per_s:.3},\"samples_per_s\":{samples_per_s:.1},\
             \"conv_share\":{:.1},\"comm_share\":{:.1},\"other_share\":{:.1},\
             \"loss_svg\":\"{}\",\"kernel_svg\":\"{}\"}}",
            args.length,
            args.steps,
            size,
            args.split,
            initial / fin,
            share(out.conv_s),
            share(out.comm_s),
            share(out.other_s),
            loss_svg.display(),
            kernel_svg.display()
        );
    } else {
        println!(
            "loss       {initial:.3e} -> {fin:.3e}  ({:.0}x lower; noise floor {:.1e})",
            initial / fin,
            data::NOISE * data::NOISE
        );
        println!("filter     relative error ||k - k_true|| / ||k_true|| = {rel_error:.2e}");
        println!(
            "speed      {} steps in {secs:.1} s: {steps_per_s:.2} steps/s, {samples_per_s:.0} samples/s",
            args.steps
        );
        println!(
            "time       convolutions (FFTs, spectral products) {:.0}%, communication {:.0}%, loss and Adam {:.0}%",
            share(out.conv_s),
            share(out.comm_s),
            share(out.other_s)
        );
        println!("wrote      {} and {}", loss_svg.display(), kernel_svg.display());
    }
    Ok(())
}

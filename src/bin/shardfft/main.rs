//! The `shardfft` command: numpy.fft transforms on .npy files, and a benchmark.

mod args;
mod baseline;
mod bench;
mod demo;
mod error;
mod npy_io;
mod ops;
mod report;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

use crate::args::TransformArgs;
use crate::bench::BenchArgs;
use crate::demo::DemoArgs;
use crate::error::CliError;
use crate::ops::{Op, Op1, OpN, Transform};

/// Fast, exact FFTs with numpy.fft's semantics, on .npy files.
///
/// Every failure prints one line `shardfft: error: ...` on stderr and exits with status 2;
/// the output file is then left as it was.
#[derive(Parser, Debug)]
#[command(name = "shardfft", version)]
struct Cli {
    /// Size of the worker thread pool [default: RAYON_NUM_THREADS, else one per core]
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,
    /// Leave the workers to the OS scheduler (by default, a pool of one worker per CPU pins
    /// each to its own CPU; see shardfft::pinned_pool_builder)
    #[arg(long, global = true)]
    unpinned: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 1-D discrete Fourier transform (numpy.fft.fft)
    Fft(TransformArgs),
    /// 1-D inverse DFT (numpy.fft.ifft)
    Ifft(TransformArgs),
    /// 1-D DFT of real input, non-negative frequencies (numpy.fft.rfft)
    Rfft(TransformArgs),
    /// Inverse of rfft, real output (numpy.fft.irfft)
    Irfft(TransformArgs),
    /// DFT of a Hermitian signal given by its first half, real output (numpy.fft.hfft)
    Hfft(TransformArgs),
    /// Inverse of hfft, real input (numpy.fft.ihfft)
    Ihfft(TransformArgs),
    /// 2-D DFT (numpy.fft.fft2)
    Fft2(TransformArgs),
    /// 2-D inverse DFT (numpy.fft.ifft2)
    Ifft2(TransformArgs),
    /// N-D DFT (numpy.fft.fftn)
    Fftn(TransformArgs),
    /// N-D inverse DFT (numpy.fft.ifftn)
    Ifftn(TransformArgs),
    /// 2-D DFT of real input (numpy.fft.rfft2)
    Rfft2(TransformArgs),
    /// Inverse of rfft2 (numpy.fft.irfft2)
    Irfft2(TransformArgs),
    /// N-D DFT of real input (numpy.fft.rfftn)
    Rfftn(TransformArgs),
    /// Inverse of rfftn (numpy.fft.irfftn)
    Irfftn(TransformArgs),
    /// Time shardfft against a plain single-threaded rustfft/realfft loop
    Bench(BenchArgs),
    /// Learn an unknown 65,536-tap filter through the sharded FFT convolution (start here)
    Demo(DemoArgs),
}

impl Command {
    /// Runs the command.
    fn run(self) -> Result<(), CliError> {
        let (op, args) = match self {
            Command::Fft(a) => (Op::One(Op1::Fft), a),
            Command::Ifft(a) => (Op::One(Op1::Ifft), a),
            Command::Rfft(a) => (Op::One(Op1::Rfft), a),
            Command::Irfft(a) => (Op::One(Op1::Irfft), a),
            Command::Hfft(a) => (Op::One(Op1::Hfft), a),
            Command::Ihfft(a) => (Op::One(Op1::Ihfft), a),
            Command::Fft2(a) => (Op::Many(OpN::Fft2), a),
            Command::Ifft2(a) => (Op::Many(OpN::Ifft2), a),
            Command::Fftn(a) => (Op::Many(OpN::Fftn), a),
            Command::Ifftn(a) => (Op::Many(OpN::Ifftn), a),
            Command::Rfft2(a) => (Op::Many(OpN::Rfft2), a),
            Command::Irfft2(a) => (Op::Many(OpN::Irfft2), a),
            Command::Rfftn(a) => (Op::Many(OpN::Rfftn), a),
            Command::Irfftn(a) => (Op::Many(OpN::Irfftn), a),
            Command::Bench(b) => return bench::run(&b),
            Command::Demo(d) => return demo::run(&d),
        };
        let transform = Transform::new(op, &args)?;
        let x = npy_io::read(&args.input)?;
        let y = transform.apply(&x).map_err(|e| e.context(op.name()))?;
        drop(x);
        npy_io::write_atomically(&args.output, &y)
    }
}

/// Starts rayon's global pool: `threads` workers (`None`: rayon's default), pinned one per CPU
/// unless `unpinned`.
fn start_pool(threads: Option<usize>, unpinned: bool) -> Result<(), CliError> {
    if threads == Some(0) {
        return Err(CliError::new("--threads must be at least 1"));
    }
    let threads = threads.unwrap_or(0);
    let builder = if unpinned {
        rayon::ThreadPoolBuilder::new().num_threads(threads)
    } else {
        shardfft::pinned_pool_builder(threads)
    };
    builder
        .build_global()
        .map_err(|e| CliError::new(format!("cannot start the worker threads: {e}")))
}

/// clap's message on one line, without the usage and "for more information" lines.
fn clap_one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l));
    lines.fold(String::new(), |acc, l| match acc.chars().last() {
        None => l.to_string(),
        Some(':') => format!("{acc} {l}"),
        Some(_) => format!("{acc}; {l}"),
    })
}

/// Lets a closed stdout (`shardfft bench | head`) end the process quietly, as it ends `cat`:
/// Rust's runtime ignores SIGPIPE, which turns the next print into a panic.
#[cfg(target_os = "linux")]
fn end_quietly_on_closed_stdout() {
    // SAFETY: restoring the default action of a signal, before any other thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

#[cfg(not(target_os = "linux"))]
fn end_quietly_on_closed_stdout() {}

fn main() -> ExitCode {
    end_quietly_on_closed_stdout();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => e.exit(),
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        Err(e) => {
            eprintln!("shardfft: error: {}", clap_one_line(&e));
            return ExitCode::from(2);
        }
    };
    let result = start_pool(cli.threads, cli.unpinned).and_then(|()| cli.command.run());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shardfft: error: {e}");
            ExitCode::from(2)
        }
    }
}

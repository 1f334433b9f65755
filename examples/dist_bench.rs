//! Benchmark of the sharded transforms: 2-D 4096×4096 and 1-D 2^24 c2c f32 split over P ranks,
//! natural and transposed/scrambled output, and (case "rows") the transform along the 2-D
//! array's unsplit axis against `fft_into` of the same block.
//!
//! In-process (P ranks as threads of this process):
//!     cargo run --release --example dist_bench -- --ranks 2
//! Over MPI (one rank per process):
//!     cargo build --release --features mpi --example dist_bench
//!     mpirun -np 2 target/release/examples/dist_bench --mpi
//!
//! Each output goes back to the exchange buffers (`Sharded::recycle`), as a training loop would
//! do, so the timings do not include faulting in a fresh output block each call (FFTW-MPI writes
//! into preallocated arrays).
//!
//! Prints, per case: the median and minimum time over the timed repetitions (after warm-up),
//! GFLOP/s counted as 5·N·log2 N, the share of the time spent in all-to-all exchanges (packing
//! included, and the backend's all-to-all alone), and the bytes each rank sent to other ranks
//! against the minimum (one all-to-all of the array per transpose). Rows starting with `ROW`
//! are for scripts (bench/peers/dist_compare.sh).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shardfft::dist::{self, Comm, Layout, Out, Sharded, exchange_stats, reset_exchange_stats};
use shardfft::{Complex, Norm, Result};

type C32 = Complex<f32>;

#[derive(Debug, Clone)]
struct Args {
    mpi: bool,
    ranks: usize,
    reps: usize,
    warmup: usize,
    threads: Option<usize>,
    cases: Vec<String>,
    orders: Vec<Out>,
    n2d: usize,
    log2n: u32,
}

fn usage() -> ! {
    eprintln!(
        "usage: dist_bench [--mpi] [--ranks P] [--reps R] [--warmup W] [--threads T] \
         [--case 2d|1d|rows|all] [--order natural|transposed|all] [--n2d 4096] [--log2n 24]"
    );
    std::process::exit(2)
}

fn parse() -> Args {
    let mut a = Args {
        mpi: false,
        ranks: 2,
        reps: 7,
        warmup: 2,
        threads: None,
        cases: vec!["2d".into(), "1d".into(), "rows".into()],
        orders: vec![Out::Natural, Out::Transposed],
        n2d: 4096,
        log2n: 24,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        let num = |v: String| v.parse::<usize>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--mpi" => a.mpi = true,
            "--ranks" => a.ranks = num(val()).max(1),
            "--reps" => a.reps = num(val()).max(1),
            "--warmup" => a.warmup = num(val()),
            "--threads" => a.threads = Some(num(val()).max(1)),
            "--n2d" => a.n2d = num(val()).max(1),
            "--log2n" => a.log2n = num(val()) as u32,
            "--case" => {
                a.cases = match val().as_str() {
                    "all" => vec!["2d".into(), "1d".into(), "rows".into()],
                    c @ ("2d" | "1d" | "rows") => vec![c.into()],
                    _ => usage(),
                }
            }
            "--order" => {
                a.orders = match val().as_str() {
                    "all" => vec![Out::Natural, Out::Transposed],
                    "natural" => vec![Out::Natural],
                    "transposed" | "scrambled" => vec![Out::Transposed],
                    _ => usage(),
                }
            }
            _ => usage(),
        }
    }
    a
}

/// One rank's result of one case: per-repetition wall times and exchange counters.
struct Sample {
    times: Vec<Duration>,
    exchange: Duration,
    alltoall: Duration,
    bytes: u64,
}

/// Whether the exchange counters are shared by every rank of the process (thread backend).
struct Counters {
    shared: bool,
}

impl Counters {
    fn reset<C: Comm>(&self, comm: &C) -> Result<()> {
        comm.barrier()?;
        if !self.shared || comm.rank() == 0 {
            reset_exchange_stats();
        }
        comm.barrier()
    }

    /// (exchange time, all-to-all time, bytes sent), summed over all ranks.
    fn total<C: Comm>(&self, comm: &C) -> Result<(f64, f64, f64)> {
        comm.barrier()?;
        let s = exchange_stats();
        let mut v = [
            s.exchange_time.as_secs_f64(),
            s.alltoall_time.as_secs_f64(),
            s.bytes_sent as f64,
        ];
        if self.shared {
            comm.broadcast(&mut v, 0)?;
        } else {
            comm.allreduce_sum(&mut v)?;
        }
        Ok((v[0], v[1], v[2]))
    }
}

fn random_block(shape: &[usize], seed: u64) -> ArrayD<C32> {
    let mut r = StdRng::seed_from_u64(seed);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        Complex::new(r.random::<f32>() - 0.5, r.random::<f32>() - 0.5)
    })
}

fn time_case<C: Comm>(comm: &C, args: &Args, counters: &Counters, op: &dyn Fn(&C) -> Result<()>) -> Result<Sample> {
    for _ in 0..args.warmup {
        comm.barrier()?;
        op(comm)?;
    }
    counters.reset(comm)?;
    let mut times = Vec::with_capacity(args.reps);
    for _ in 0..args.reps {
        comm.barrier()?;
        let t = Instant::now();
        op(comm)?;
        comm.barrier()?;
        times.push(t.elapsed());
    }
    let (exchange, alltoall, bytes) = counters.total(comm)?;
    let p = comm.size() as f64;
    let per = args.reps as f64 * p;
    Ok(Sample {
        times,
        exchange: Duration::from_secs_f64(exchange / per),
        alltoall: Duration::from_secs_f64(alltoall / per),
        bytes: (bytes / per) as u64,
    })
}

/// The "rows" case: the sharded transform along the axis that is not split (no communication)
/// against `fft_into` of the same block, side by side; prints both and their ratio.
fn unsplit_axis<C: Comm>(comm: &C, args: &Args, counters: &Counters, backend: &str) -> Result<()> {
    let (me, p, n) = (comm.rank(), comm.size(), args.n2d);
    let layout = Layout::new(&[n, n], 0, p)?;
    let x = Sharded::from_local(random_block(&layout.local_shape(me), me as u64), layout, me)?;
    let sharded = |c: &C| dist::fft(c, &x, None, 1, Norm::Backward, Out::Natural).map(Sharded::recycle);
    let s = time_case(comm, args, counters, &sharded)?;
    let y = RefCell::new(shardfft::zeros::<C32, _>(IxDyn(x.local().shape()))?);
    let local = |_: &C| shardfft::fft_into(x.local(), &mut *y.borrow_mut(), None, 1, Norm::Backward);
    let l = time_case(comm, args, counters, &local)?;
    if me == 0 {
        let (ms, ml) = (median(s.times).as_secs_f64() * 1e3, median(l.times).as_secs_f64() * 1e3);
        println!(
            "{backend:<9} {p:>2} {:>4} rows-{n}x{n}-c2c-f32 along the unsplit axis: sharded {ms:.2} ms, \
             fft_into of the block {ml:.2} ms, ratio {:.2}",
            rayon::current_num_threads(),
            ms / ml
        );
        println!("ROW\t{backend}\t{p}\trows\tnatural\t{ms:.3}\t{ms:.3}");
        println!("ROW\tlocal\t{p}\trows\tnatural\t{ml:.3}\t{ml:.3}");
    }
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench<C: Comm>(comm: &C, args: &Args, counters: &Counters, backend: &str) -> Result<()> {
    let (me, p) = (comm.rank(), comm.size());
    if me == 0 {
        println!(
            "{:<9} {:>2} {:>4} {:<22} {:<10} {:>9} {:>9} {:>8} {:>6} {:>6} {:>11} {:>11} {:>5}",
            "impl",
            "P",
            "thr",
            "case",
            "order",
            "median_ms",
            "min_ms",
            "GFLOP/s",
            "xchg%",
            "a2a%",
            "MB/rank",
            "min_MB",
            "ratio"
        );
    }
    let threads = rayon::current_num_threads();
    for case in &args.cases {
        for &out in &args.orders {
            if case == "rows" {
                if out == Out::Natural {
                    unsplit_axis(comm, args, counters, backend)?;
                }
                continue;
            }
            let (name, n_total, transposes, sample) = if case == "2d" {
                let n = args.n2d;
                let layout = Layout::new(&[n, n], 0, p)?;
                let x = Sharded::from_local(random_block(&layout.local_shape(me), me as u64), layout, me)?;
                let op = |c: &C| dist::fft2(c, &x, None, None, Norm::Backward, out).map(Sharded::recycle);
                let s = time_case(comm, args, counters, &op)?;
                let t = if out == Out::Natural { 2 } else { 1 };
                (format!("2d-{n}x{n}-c2c-f32"), n * n, t, s)
            } else {
                let n = 1usize << args.log2n;
                let layout = Layout::new(&[n], 0, p)?;
                let x = Sharded::from_local(random_block(&layout.local_shape(me), me as u64), layout, me)?;
                let op = |c: &C| dist::fft(c, &x, None, 0, Norm::Backward, out).map(Sharded::recycle);
                let s = time_case(comm, args, counters, &op)?;
                let t = if out == Out::Natural { 3 } else { 2 };
                (format!("1d-2^{}-c2c-f32", args.log2n), n, t, s)
            };
            if me != 0 {
                continue;
            }
            let med = median(sample.times.clone()).as_secs_f64();
            let min = sample.times.iter().min().copied().unwrap_or_default().as_secs_f64();
            let flops = 5.0 * n_total as f64 * (n_total as f64).log2();
            let elem = std::mem::size_of::<C32>() as f64;
            // One all-to-all of the array: each rank sends (P-1)/P of its N/P elements.
            let min_bytes = transposes as f64 * n_total as f64 * elem * (p as f64 - 1.0) / (p * p) as f64;
            let mb = sample.bytes as f64 / 1e6;
            let order = match out {
                Out::Natural => "natural",
                Out::Transposed => {
                    if case == "2d" {
                        "transposed"
                    } else {
                        "scrambled"
                    }
                }
            };
            let ratio = if min_bytes > 0.0 {
                format!("{:.2}", sample.bytes as f64 / min_bytes)
            } else {
                "-".into()
            };
            let mean_wall = sample.times.iter().map(Duration::as_secs_f64).sum::<f64>() / sample.times.len() as f64;
            println!(
                "{:<9} {:>2} {:>4} {:<22} {:<10} {:>9.2} {:>9.2} {:>8.2} {:>6.1} {:>6.1} {:>11.1} {:>11.1} {:>5}",
                backend,
                p,
                threads,
                name,
                order,
                med * 1e3,
                min * 1e3,
                flops / med / 1e9,
                100.0 * sample.exchange.as_secs_f64() / mean_wall,
                100.0 * sample.alltoall.as_secs_f64() / mean_wall,
                mb,
                min_bytes / 1e6,
                ratio
            );
            println!(
                "ROW\t{backend}\t{p}\t{case}\t{order}\t{:.3}\t{:.3}",
                med * 1e3,
                min * 1e3
            );
        }
    }
    Ok(())
}

fn main() {
    let args = parse();
    #[cfg(not(feature = "mpi"))]
    if args.mpi {
        eprintln!("dist_bench: --mpi needs the cargo feature `mpi`");
        std::process::exit(2);
    }
    if args.mpi {
        #[cfg(feature = "mpi")]
        {
            use shardfft::dist::MpiComm;
            MpiComm::run(|comm| {
                let p = comm.size();
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                let threads = args.threads.unwrap_or((cores / p).max(1));
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build_global()
                    .map_err(|e| shardfft::Error::InvalidArgument(e.to_string()))?;
                if comm.rank() == 0 {
                    println!(
                        "# MPI backend: {}",
                        MpiComm::library_version().lines().next().unwrap_or("")
                    );
                }
                bench(comm, &args, &Counters { shared: false }, "shardfft")
            });
        }
        return;
    }
    if let Some(t) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .expect("rayon pool");
    }
    println!("# in-process backend: {} thread ranks", args.ranks);
    let out = dist::run_threads(args.ranks, |comm| {
        bench(comm, &args, &Counters { shared: true }, "threads")
    });
    for (r, res) in out.into_iter().enumerate() {
        if let Err(e) = res {
            eprintln!("rank {r}: {e}");
            std::process::exit(1);
        }
    }
}

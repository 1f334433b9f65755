//! The training loop: P ranks (threads or MPI processes), each with its shard of the batch (or
//! of the sequence), a replicated kernel, and Adam on the all-reduced kernel gradient.

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use ndarray::{Array1, ArrayD, Ix1};
use shardfft::conv::{ConvSpec, Method, Mode};
use shardfft::dist::{Comm, Layout, Sharded, ShardedConvPlan, run_threads};

use super::adam::Adam;
use super::launch::Ranks;
use super::timing::TimedComm;
use crate::error::CliError;

/// Which axis the ranks split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    /// Data parallel: each rank takes a block of the batch; no communication but the
    /// all-reduce of the kernel gradient.
    Batch,
    /// Sequence parallel: every signal is split along time; sharded four-step transforms.
    Sequence,
}

/// What to train.
pub struct Config {
    pub steps: usize,
    pub lr: f64,
    pub split: Split,
}

/// What training gave.
pub struct Outcome {
    /// The loss before each step, and after the last one.
    pub losses: Vec<f64>,
    pub kernel: Array1<f32>,
    pub elapsed: Duration,
    /// Seconds per rank (averaged over ranks) in the convolutions and their gradients
    /// (transforms, spectral products), in communication, and in the rest (loss, Adam).
    pub conv_s: f64,
    pub comm_s: f64,
    pub other_s: f64,
}

/// One rank's result.
struct RankOut {
    losses: Vec<f64>,
    kernel: Option<Array1<f32>>,
    conv: Duration,
    comm: Duration,
    total: Duration,
}

/// Trains the kernel on `x` (batch, channels, len) → `y` on `ranks`; `progress` ticks once per
/// step. Returns the outcome on the rank that reports (every in-process run; rank 0 of an MPI
/// job), `None` on the other MPI ranks. An MPI rank that fails aborts the job, naming itself.
pub fn train(
    ranks: &Ranks,
    x: &ArrayD<f32>,
    y: &ArrayD<f32>,
    cfg: &Config,
    progress: &ProgressBar,
) -> Result<Option<Outcome>, CliError> {
    let start = Instant::now();
    match ranks {
        Ranks::Threads(p) => {
            let results = run_threads(*p, |comm| train_rank(comm, x, y, cfg, progress));
            let elapsed = start.elapsed();
            let mut outs = Vec::with_capacity(results.len());
            for r in results {
                outs.push(r.map_err(|e| CliError::new(format!("training failed: {e}")))?);
            }
            let mut seconds = [0.0; 3];
            for o in &outs {
                for (s, v) in seconds.iter_mut().zip(o.seconds()) {
                    *s += v;
                }
            }
            summarize(outs.swap_remove(0), elapsed, seconds, *p).map(Some)
        }
        #[cfg(feature = "mpi")]
        Ranks::Mpi(comm) => {
            // A rank that stopped early would leave the others waiting in a collective.
            let out = match train_rank(comm, x, y, cfg, progress) {
                Ok(out) => out,
                Err(e) => comm.abort(&format!("training failed: {e}"), 2),
            };
            let elapsed = start.elapsed();
            let mut seconds = out.seconds();
            if let Err(e) = comm.allreduce_sum(&mut seconds) {
                comm.abort(&format!("training failed: {e}"), 2)
            }
            if comm.rank() == 0 {
                summarize(out, elapsed, seconds, comm.size()).map(Some)
            } else {
                Ok(None)
            }
        }
    }
}

/// One rank's training: its shard of the data, the whole kernel.
fn train_rank<C: Comm>(
    comm: &C,
    x: &ArrayD<f32>,
    y: &ArrayD<f32>,
    cfg: &Config,
    progress: &ProgressBar,
) -> shardfft::Result<RankOut> {
    let shape = x.shape().to_vec();
    let len = shape[2];
    let total = x.len() as f64;
    let split_axis = match cfg.split {
        Split::Batch => 0,
        Split::Sequence => 2,
    };
    let spec = ConvSpec::new(Mode::Causal).method(Method::Fft);
    let comm = TimedComm::new(comm);
    let me = comm.rank();
    let layout = Layout::new(&shape, split_axis, comm.size())?;
    let xs = Sharded::from_global(x, layout.clone(), me)?;
    let mut ys: Option<Sharded<f32>> = None;
    let mut k = Array1::<f32>::zeros(len);
    let mut adam = Adam::new(len, cfg.lr, cfg.steps);
    let mut losses = Vec::with_capacity(cfg.steps + 1);
    let mut conv = Duration::ZERO;
    let mut conv_comm = Duration::ZERO;
    let t_start = Instant::now();
    for step in 0..=cfg.steps {
        let (t0, c0) = (Instant::now(), comm.spent());
        let kd = k.view().into_dyn().to_owned();
        let plan = ShardedConvPlan::new(&comm, &kd, &layout, &spec)?;
        if ys.is_none() {
            // The targets in the output's layout (on the sequence route, the inverse
            // transform's blocks).
            ys = Some(Sharded::from_global(y, plan.output_layout().clone(), me)?);
        }
        let target = ys
            .as_ref()
            .ok_or_else(|| shardfft::Error::InvalidArgument("no targets".into()))?;
        let (pred, tape) = plan.forward(&comm, &xs)?;
        let mut resid = pred.into_local();
        resid -= target.local();
        let local_loss: f64 = resid.iter().map(|&r| (r as f64) * (r as f64)).sum();
        let grad = if step < cfg.steps {
            resid.mapv_inplace(|r| r * (2.0 / total) as f32);
            let g = Sharded::from_local(resid, plan.output_layout().clone(), me)?;
            Some(plan.vjp_kernel_tape(&comm, &tape, &g)?)
        } else {
            None
        };
        drop(tape);
        conv += t0.elapsed();
        conv_comm += comm.spent() - c0;
        let mut l = [local_loss];
        comm.allreduce_sum(&mut l)?;
        let loss = l[0] / total;
        losses.push(loss);
        if me == 0 {
            progress.set_message(format!("loss {loss:.3e}"));
            progress.inc(1);
        }
        if let Some(gk) = grad {
            let gk = gk
                .into_dimensionality::<Ix1>()
                .map_err(|e| shardfft::Error::InvalidArgument(e.to_string()))?;
            adam.step(&mut k, &gk);
        }
    }
    Ok(RankOut {
        losses,
        kernel: (me == 0).then_some(k),
        conv: conv.saturating_sub(conv_comm),
        comm: comm.spent(),
        total: t_start.elapsed(),
    })
}

impl RankOut {
    /// Seconds in convolutions, in communication, and in all.
    fn seconds(&self) -> [f64; 3] {
        [
            self.conv.as_secs_f64(),
            self.comm.as_secs_f64(),
            self.total.as_secs_f64(),
        ]
    }
}

/// The outcome from the reporting rank's result and the per-rank `seconds` summed over `p` ranks.
fn summarize(first: RankOut, elapsed: Duration, seconds: [f64; 3], p: usize) -> Result<Outcome, CliError> {
    let [conv_s, comm_s, total_s] = seconds.map(|s| s / p as f64);
    Ok(Outcome {
        losses: first.losses,
        kernel: first.kernel.ok_or_else(|| CliError::new("rank 0 returned no kernel"))?,
        elapsed,
        conv_s,
        comm_s,
        other_s: (total_s - conv_s - comm_s).max(0.0),
    })
}

//! Worker threads pinned one per CPU, for schedulers that stack busy threads on one core.
//!
//! shardfft runs its batches on rayon's current pool and leaves the pool to the caller. Some
//! schedulers do not spread that pool's workers: the 2-vCPU Firecracker guests this project is
//! measured on (kernel 6.18 with a `sched_vcpu_pack` knob) often put both of rayon's workers on
//! one vCPU when a call starts after the pool sat idle for a few milliseconds, and leave them
//! there for the whole call. Measured there on r2c of 16384 × 256 f32, a call alternating with
//! 7.6 ms of single-threaded work (or a sleep) took 1.7–3.2 ms, the slow ones exactly those whose
//! two workers last ran on the same vCPU, against 1.6 ms call after call; with the workers
//! pinned, 1.59–1.69 ms in every case. [`pinned_pool_builder`] builds such a pool; the
//! `shardfft` command uses one unless given `--unpinned`.

/// The CPUs the calling thread may run on (empty where the platform does not say).
pub(crate) fn allowed_cpus() -> Vec<core_affinity::CoreId> {
    core_affinity::get_core_ids().unwrap_or_default()
}

/// A CPU for each of `threads` threads when they are exactly as many as the CPUs the calling
/// thread may run on; `None` otherwise, or where the platform cannot say. Fewer threads are
/// left to the scheduler: processes do not coordinate, so several of them (MPI ranks with one
/// worker each, say) would all pin to the first CPU; more threads than CPUs would forbid the
/// scheduler to spread them.
pub(crate) fn cpus_for(threads: usize) -> Option<Vec<core_affinity::CoreId>> {
    let cpus = allowed_cpus();
    (threads > 0 && cpus.len() == threads).then_some(cpus)
}

/// A rayon pool builder of `threads` workers (0: rayon's default, `RAYON_NUM_THREADS` or one
/// per CPU) that, when they are exactly one per CPU the calling thread may run on (its affinity
/// mask, so a `taskset`, cgroup or `mpirun --bind-to` limit is kept), pins each to a CPU of
/// its own. Otherwise nothing is pinned (see `cpus_for` in the source for why), and a pin the
/// system refuses leaves that worker unpinned. The calling thread itself is never pinned.
///
/// Build it with `.build_global()` before the first transform (shardfft uses the current
/// pool), or `.build()` for a pool of your own to `install` around shardfft calls. See the
/// module documentation for when this pays.
///
/// ```
/// use shardfft::{fft, pinned_pool_builder, Complex, Norm};
/// let pool = pinned_pool_builder(2).build().expect("a pool of two threads");
/// let x = ndarray::Array2::from_elem((64, 1024), Complex::new(1.0f32, 0.0));
/// let y = pool.install(|| fft(&x, None, -1, Norm::Backward))?;
/// assert_eq!(y[[7, 0]], Complex::new(1024.0, 0.0));
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn pinned_pool_builder(threads: usize) -> rayon::ThreadPoolBuilder {
    let workers = if threads == 0 { default_workers() } else { threads };
    let cpus = cpus_for(workers);
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .start_handler(move |worker| {
            if let Some(&cpu) = cpus.as_ref().and_then(|cpus| cpus.get(worker)) {
                // A refused pin leaves the worker where it was: pinning is about speed only.
                let _ = core_affinity::set_for_current(cpu);
            }
        })
}

/// rayon's default pool size: `RAYON_NUM_THREADS` when it is a positive number, else the
/// number of CPUs this thread may run on.
fn default_workers() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each worker's affinity mask after start: one CPU, all different, when there are enough.
    #[test]
    fn workers_are_pinned_one_per_cpu() {
        let threads = allowed_cpus().len();
        let pool = pinned_pool_builder(threads).build().unwrap();
        let masks: Vec<Vec<usize>> = pool.broadcast(|_| allowed_cpus().into_iter().map(|c| c.id).collect());
        assert_eq!(masks.len(), threads);
        if cfg!(target_os = "linux") {
            let mut pinned: Vec<usize> = masks
                .iter()
                .map(|m| {
                    assert_eq!(m.len(), 1, "worker mask {m:?}");
                    m[0]
                })
                .collect();
            pinned.sort_unstable();
            pinned.dedup();
            assert_eq!(pinned.len(), threads, "workers share a CPU: {masks:?}");
        }
    }

    /// More workers than CPUs, or fewer: none is pinned, so the scheduler may still spread them.
    #[test]
    fn pools_not_one_per_cpu_are_left_unpinned() {
        let cpus = allowed_cpus().len();
        for threads in [cpus + 1, cpus.saturating_sub(1).max(1)] {
            if threads == cpus {
                continue;
            }
            let pool = pinned_pool_builder(threads).build().unwrap();
            let sizes: Vec<usize> = pool.broadcast(|_| allowed_cpus().len());
            assert_eq!(sizes, vec![cpus; threads]);
            assert!(cpus_for(threads).is_none());
        }
        assert!(cpus_for(0).is_none());
    }
}

//! Sharded convolution on the in-process backend: the checks of `tests/integration/dist_suite/conv.rs`
//! (shared with the MPI run, `examples/mpi_check.rs`) on 1 to 8 thread ranks, then what only
//! this backend checks: how many collectives a convolution makes, and bad plans.

use crate::dist_suite as suite;

use std::cell::Cell;

use ndarray::{ArrayD, IxDyn};
use shardfft::conv::{ConvSpec, Mode, fftconvolve};
use shardfft::dist::{Comm, CommData, Layout, Sharded, ShardedConvPlan, run_threads};
use suite::conv::{self, rel_err};
use suite::on_ranks;

#[test]
fn batch_split_matches_local_for_1_to_8_ranks() {
    on_ranks(1..=8, conv::batch_split);
}

#[test]
fn channel_split_with_per_channel_kernels_matches_local() {
    on_ranks(1..=8, conv::channel_split);
}

#[test]
fn sequence_split_matches_local_for_1_to_8_ranks() {
    on_ranks(1..=8, conv::sequence_split);
}

#[test]
fn sequence_split_of_batches_with_per_channel_kernels() {
    on_ranks([1, 2, 3, 4, 5, 7, 8], conv::sequence_split_of_batches);
}

#[test]
fn sequence_split_of_complex_and_f32_signals() {
    on_ranks([1, 2, 3, 4, 6, 8], conv::sequence_split_complex_and_f32);
}

/// A communicator that counts the all-to-alls and all-reduces of the ranks it wraps.
struct Counting<'a, C: Comm> {
    inner: &'a C,
    alltoalls: Cell<usize>,
    allreduces: Cell<usize>,
}

impl<C: Comm> Comm for Counting<'_, C> {
    fn rank(&self) -> usize {
        self.inner.rank()
    }
    fn size(&self) -> usize {
        self.inner.size()
    }
    fn alltoallv<T: CommData>(&self, send: &[T], sc: &[usize], recv: &mut [T], rc: &[usize]) -> shardfft::Result<()> {
        self.alltoalls.set(self.alltoalls.get() + 1);
        self.inner.alltoallv(send, sc, recv, rc)
    }
    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> shardfft::Result<()> {
        self.allreduces.set(self.allreduces.get() + 1);
        self.inner.allreduce_sum(data)
    }
    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> shardfft::Result<()> {
        self.inner.broadcast(data, root)
    }
    fn barrier(&self) -> shardfft::Result<()> {
        self.inner.barrier()
    }
    fn agree(&self, what: &str, key: u64) -> shardfft::Result<()> {
        self.inner.agree(what, key) // not counted: a check, not data movement
    }
}

#[test]
fn communication_counts() {
    // A long signal: forward = fft into the scrambled order (2 all-to-alls) + ifft out of it (2).
    let x = ArrayD::from_shape_fn(IxDyn(&[2, 1 << 12]), |i| ((i[0] + i[1]) as f64 * 0.01).sin());
    let k = ArrayD::from_shape_fn(IxDyn(&[100]), |i| 1.0 / (1.0 + i[0] as f64));
    let want = fftconvolve(&x, &k, Mode::Causal, -1).unwrap();
    for split in [0, 1] {
        let out = run_threads(4, |comm| {
            let comm = Counting {
                inner: comm,
                alltoalls: Cell::new(0),
                allreduces: Cell::new(0),
            };
            let layout = Layout::new(&[2, 1 << 12], split, comm.size())?;
            let plan = ShardedConvPlan::new(&comm, &k, &layout, &ConvSpec::new(Mode::Causal))?;
            let xs = Sharded::from_global(&x, layout, comm.rank())?;
            let before = (comm.alltoalls.get(), comm.allreduces.get());
            let (y, tape) = plan.forward(&comm, &xs)?;
            let forward = comm.alltoalls.get() - before.0;
            let gs = Sharded::from_global(&y.allgather(&comm)?, plan.output_layout().clone(), comm.rank())?;
            let before = (comm.alltoalls.get(), comm.allreduces.get());
            let _gk = plan.vjp_kernel_tape(&comm, &tape, &gs)?;
            let kernel_grad = (comm.alltoalls.get() - before.0, comm.allreduces.get() - before.1);
            Ok((y.allgather(&comm)?, forward, kernel_grad))
        });
        for r in out {
            let (y, forward, (a2a, reduces)) = r.unwrap();
            assert!(rel_err(&y, &want) < 1e-10);
            if split == 0 {
                // Data parallel: no communication forward, one all-reduce for the kernel gradient.
                assert_eq!((forward, a2a), (0, 0));
                assert_eq!(reduces, 1);
            } else {
                // Two real lanes travel as one complex signal: 4 all-to-alls forward; the kernel
                // gradient transforms the cotangent (2) and inverts the summed product (2).
                assert_eq!(forward, 4);
                assert_eq!(a2a, 4);
                assert!(reduces >= 1);
            }
        }
    }
}

#[test]
fn bad_kernels_and_layouts_are_errors() {
    let k = ArrayD::<f64>::ones(IxDyn(&[3, 4]));
    let out = run_threads(2, |comm| {
        // Kernels for 3 batch rows, but the split batch axis has 5.
        let layout = Layout::new(&[5, 3, 20], 0, comm.size())?;
        let k3 = ArrayD::<f64>::ones(IxDyn(&[3, 1, 4]));
        assert!(ShardedConvPlan::new(comm, &k3, &layout, &ConvSpec::new(Mode::Full)).is_err());
        // A correlation along the split axis.
        let layout = Layout::new(&[3, 20], 1, comm.size())?;
        let spec = ConvSpec::new(Mode::Full).correlation();
        assert!(ShardedConvPlan::new(comm, &k, &layout, &spec).is_err());
        // A signal of another layout than the plan's.
        let plan = ShardedConvPlan::new(comm, &k, &layout, &ConvSpec::new(Mode::Full))?;
        let other = Layout::new(&[3, 20], 0, comm.size())?;
        let xs = Sharded::from_global(&ArrayD::<f64>::ones(IxDyn(&[3, 20])), other, comm.rank())?;
        assert!(plan.apply(comm, &xs).is_err());
        Ok(())
    });
    for r in out {
        r.unwrap();
    }
}

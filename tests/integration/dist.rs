//! Sharded arrays on the in-process backend.
//!
//! The transform checks live in `tests/integration/dist_suite/mod.rs`, shared with the MPI backend
//! (`examples/mpi_check.rs`, run by `scripts/mpi-tests.sh`): here every check runs on 1 to 8
//! thread ranks. The tests below the suite's are the ones only the in-process backend can make:
//! failures turned into errors on every rank, timeouts, and a communicator that refuses to
//! communicate.

use crate::dist_suite as suite;

use std::time::{Duration, Instant};

use shardfft::dist::{self, Comm, CommData, Layout, Out, Sharded, run_threads, run_threads_with_timeout};
use shardfft::{Error, Norm, Result};
use suite::{cplx, on_ranks, ranks};

// ---------------------------------------------------------------------------------------------
// The shared suite (the same checks examples/mpi_check.rs runs on MPI ranks).

#[test]
fn collectives_on_1_to_8_ranks() {
    on_ranks(1..=8, suite::collectives);
}

#[test]
fn mismatched_shapes_are_an_error_on_every_rank() {
    let t = Instant::now();
    on_ranks(1..=4, suite::mismatched_shapes_are_errors);
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn scatter_gather_and_blocks_round_trip() {
    on_ranks(1..=8, suite::scatter_gather_round_trip);
}

#[test]
fn redistribute_between_every_pair_of_splits() {
    on_ranks(1..=8, suite::redistribute_every_pair_of_splits);
}

#[test]
fn redistribute_custom_bounds_and_scrambled_1d() {
    on_ranks(1..=5, suite::redistribute_custom_bounds_and_scrambled_1d);
}

#[test]
fn c2c_2d_and_3d_on_every_split() {
    on_ranks(1..=8, suite::c2c_2d_and_3d_on_every_split);
}

#[test]
fn real_2d_and_3d_on_every_split() {
    on_ranks([1, 2, 3, 8], suite::real_2d_and_3d_on_every_split);
}

#[test]
fn f32_2d_transposed_round_trip() {
    on_ranks([1, 2, 5], suite::f32_2d_transposed_round_trip);
}

#[test]
fn four_step_1d_c2c() {
    on_ranks(1..=8, |c| suite::four_step_1d_c2c(c, &[1, 2, 7, 12, 60, 1009, 1024]));
}

#[test]
fn four_step_1d_real() {
    on_ranks([1, 2, 4, 7], |c| suite::four_step_1d_real(c, &[2, 9, 16, 1009, 1000]));
}

#[test]
fn four_step_1d_long() {
    on_ranks([3, 4], |c| suite::four_step_1d_long(c, 1 << 20));
    on_ranks([2], |c| suite::four_step_1d_c2c(c, &[1 << 16]));
}

#[test]
fn vjps_pass_the_dot_product_test() {
    let mut worst: f64 = 0.0;
    for p in [1, 2, 3, 5] {
        let w = ranks(p, |c| suite::vjps_pass_the_dot_product_test(c, &suite::vjp_cases()));
        worst = worst.max(w[0]);
    }
    eprintln!("worst relative dot-product mismatch: {worst:e}");
}

#[test]
fn vjps_match_the_local_gradients() {
    on_ranks([1, 2, 4], suite::vjps_match_the_local_gradients);
}

// ---------------------------------------------------------------------------------------------
// Collectives and failures.

#[test]
fn mismatched_collectives_are_an_error_on_every_rank() {
    let t = Instant::now();
    // Different operations in the same step.
    let out = run_threads(3, |comm| {
        if comm.rank() == 0 {
            comm.barrier()
        } else {
            comm.allreduce_sum(&mut [1.0f64])
        }
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    // Different transforms (axis 0 needs communication, axis 1 does not).
    let global = cplx(&[8, 8], 2);
    let out = run_threads(2, |comm| {
        let x = Sharded::from_global(&global, Layout::new(&[8, 8], 0, 2)?, comm.rank())?;
        let axis = if comm.rank() == 0 { 0 } else { 1 };
        dist::fft(comm, &x, None, axis, Norm::Backward, Out::Natural).map(|_| ())
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    // Counts that do not match.
    let out = run_threads(2, |comm| {
        let mut recv = vec![0.0f32; 2];
        comm.alltoallv(
            &[1.0f32, 2.0],
            &[1, 1],
            &mut recv,
            &[
                if comm.rank() == 0 { 2 } else { 1 },
                if comm.rank() == 0 { 0 } else { 1 },
            ],
        )
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_panicking_rank_fails_every_rank_quickly() {
    for p in [2, 3, 8] {
        let t = Instant::now();
        let out = run_threads(p, |comm| {
            comm.barrier()?;
            if comm.rank() == p - 1 {
                panic!("rank exploded");
            }
            // The others wait in collectives that can never complete.
            comm.barrier()?;
            comm.barrier()
        });
        assert!(t.elapsed() < Duration::from_secs(5));
        for (r, res) in out.iter().enumerate() {
            match res {
                Err(Error::RankFailed { rank, message }) => {
                    assert_eq!(*rank, p - 1, "rank {r}");
                    assert!(message.contains("rank exploded"), "{message}");
                }
                other => panic!("rank {r}: expected RankFailed, got {other:?}"),
            }
        }
    }
}

#[test]
fn an_erroring_rank_fails_every_rank_inside_a_transform() {
    let global = cplx(&[64, 64], 1);
    let t = Instant::now();
    let out = run_threads(4, |comm| {
        let x = Sharded::from_global(&global, Layout::new(&[64, 64], 0, 4)?, comm.rank())?;
        if comm.rank() == 2 {
            return Err(Error::InvalidArgument("bad input on rank 2".into()));
        }
        dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural)?;
        Ok(())
    });
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(matches!(&out[2], Err(Error::InvalidArgument(_))));
    for r in [0, 1, 3] {
        assert!(
            matches!(&out[r], Err(Error::RankFailed { rank: 2, .. })),
            "rank {r}: {:?}",
            out[r]
        );
    }
}

#[test]
fn the_timeout_turns_a_deadlock_into_errors() {
    let t = Instant::now();
    let out = run_threads_with_timeout(2, Duration::from_millis(300), |comm| {
        if comm.rank() == 0 {
            std::thread::sleep(Duration::from_secs(2));
            return Ok(());
        }
        comm.barrier()
    });
    assert!(out.iter().all(|r| r.is_err()), "{out:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// A communicator that refuses to communicate: proves a call is purely local.
struct NoComm(usize, usize);

impl Comm for NoComm {
    fn rank(&self) -> usize {
        self.0
    }
    fn size(&self) -> usize {
        self.1
    }
    fn alltoallv<T: CommData>(&self, _: &[T], _: &[usize], _: &mut [T], _: &[usize]) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn allreduce_sum<T: CommData>(&self, _: &mut [T]) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn broadcast<T: CommData>(&self, _: &mut [T], _: usize) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn barrier(&self) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
}

#[test]
fn transforms_along_unsplit_axes_do_not_communicate() {
    let global = cplx(&[6, 10, 4], 3);
    let p = 4;
    for rank in 0..p {
        let comm = NoComm(rank, p);
        let layout = Layout::new(&[6, 10, 4], 0, p).unwrap();
        let x = Sharded::from_global(&global, layout.clone(), rank).unwrap();
        let y = dist::fft(&comm, &x, Some(7), 2, Norm::Ortho, Out::Natural).unwrap();
        let want = shardfft::fft(x.local(), Some(7), 2, Norm::Ortho).unwrap();
        assert_eq!(y.local(), &want);
        let z = dist::fftn(&comm, &x, None, Some(&[1, 2]), Norm::Backward, Out::Natural).unwrap();
        assert_eq!(z.layout().split_axis(), 0);
        let xr = Sharded::from_global(&global.mapv(|z| z.re), layout.clone(), rank).unwrap();
        let r = dist::rfftn(&comm, &xr, None, Some(&[1, 2]), Norm::Backward, Out::Natural).unwrap();
        assert_eq!(r.layout().shape(), &[6, 10, 3]);
        assert!(dist::fft(&comm, &x, None, 0, Norm::Backward, Out::Natural).is_err());
    }
}

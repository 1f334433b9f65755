//! Sharded arrays and their transforms, over threads of one process or MPI ranks.
//!
//! A [`Sharded`] array is one rank's block of a global array plus the array's [`Layout`]: the
//! global shape, the axis split over the ranks, the block boundaries, and whether the data is
//! in natural or transposed/scrambled order. The transforms here have the local functions'
//! arguments (`n`/`s`, axes, norm) plus the output layout [`Out`], and read layouts to plan
//! their own communication:
//!
//! - along an axis that is not split, a transform is the local transform of each block: no
//!   communication at all;
//! - along the split axis of an N-D array, one all-to-all ([`Redistribute`]) moves the split
//!   to another axis, the transform runs locally, and with [`Out::Natural`] a second one moves
//!   it back ([`Out::Transposed`] skips it and records the new split in the output's layout);
//! - one long 1-D signal split over the ranks runs the four-step algorithm (`n = n1·n2`), whose
//!   natural output costs three all-to-alls and scrambled output ([`Out::Transposed`]) two.
//!
//! Every rank calls every function here, in the same order (they are collective).
//! The communication goes through the [`Comm`] trait; [`run_threads`] runs P ranks as threads
//! of this process, and with the cargo feature `mpi`, `MpiComm` runs them as MPI processes
//! under `mpirun`. A rank that fails makes every rank return an error instead of hanging; ranks
//! that call with different shapes, layouts or arguments get [`Error::Mismatch`](crate::Error).
//!
//! Each transform has a VJP (`*_vjp`) with [`grad`](crate::grad)'s conventions: the adjoint,
//! i.e. the transform of the opposite direction with the input and output layouts swapped.
//!
//! ```
//! use ndarray::Array2;
//! use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
//! use shardfft::{fft2, Complex, Norm};
//!
//! let global = Array2::from_shape_fn((64, 48), |(i, j)| Complex::new((i * j % 7) as f64, 0.0)).into_dyn();
//! let want = fft2(&global, None, None, Norm::Backward)?;
//! let results = run_threads(4, |comm| {
//!     // Every rank takes its block of rows; scatter/from_blocks work too.
//!     let x = Sharded::from_global(&global, Layout::new(&[64, 48], 0, comm.size())?, comm.rank())?;
//!     let y = dist::fft2(comm, &x, None, None, Norm::Backward, Out::Natural)?;
//!     y.gather(comm, 0)
//! });
//! let got = results[0].as_ref().unwrap().as_ref().unwrap();
//! assert!((got - &want).iter().all(|e| e.norm() < 1e-9));
//! # Ok::<(), shardfft::Error>(())
//! ```

mod comm;
mod conv;
mod fourstep;
mod layout;
#[cfg(feature = "mpi")]
mod mpi;
mod ops;
mod plan;
mod pool;
mod redistribute;
mod sharded;
mod threads;

pub use comm::{Comm, CommData};
pub use conv::{ConvData, ShardedConvPlan, ShardedConvTape, fftconvolve, fftconvolve_vjp};
pub use layout::{Layout, Order, balanced_block};
#[cfg(feature = "mpi")]
pub use mpi::MpiComm;
pub use ops::{
    Out, fft, fft_vjp, fft2, fft2_vjp, fftn, fftn_vjp, ifft, ifft_vjp, ifft2, ifft2_vjp, ifftn, ifftn_vjp, irfft,
    irfft_vjp, irfft2, irfft2_vjp, irfftn, irfftn_vjp, local_flat, rfft, rfft_vjp, rfft2, rfft2_vjp, rfftn, rfftn_vjp,
};
pub use pool::release_exchange_buffers;
pub use redistribute::{ExchangeStats, Redistribute, exchange_stats, reset_exchange_stats};
pub use sharded::Sharded;
pub use threads::{ThreadComm, run_threads, run_threads_with_timeout};

//! The one trait a communication backend implements: [`Comm`].

use std::hash::{Hash, Hasher};

use num_complex::Complex;

use crate::{Error, Result};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
    impl Sealed for num_complex::Complex<f32> {}
    impl Sealed for num_complex::Complex<f64> {}
    impl Sealed for u64 {}
}

/// The element types collectives move: `f32`, `f64`, their complex forms, and `u64`.
///
/// ```
/// use shardfft::dist::CommData;
/// assert_eq!(2.0f64.sum(3.0), 5.0);
/// ```
#[cfg(not(feature = "mpi"))]
pub trait CommData: Copy + Default + Send + Sync + 'static + sealed::Sealed {
    /// `self + other` (all-reduce's sum).
    fn sum(self, other: Self) -> Self;
}

/// The element types collectives move: `f32`, `f64`, their complex forms, and `u64`.
///
/// ```
/// use shardfft::dist::CommData;
/// assert_eq!(2.0f64.sum(3.0), 5.0);
/// ```
#[cfg(feature = "mpi")]
pub trait CommData: Copy + Default + Send + Sync + 'static + sealed::Sealed + mpi::datatype::Equivalence {
    /// `self + other` (all-reduce's sum).
    fn sum(self, other: Self) -> Self;
}

macro_rules! comm_data {
    ($($t:ty),*) => {$(
        impl CommData for $t {
            #[inline(always)]
            fn sum(self, other: Self) -> Self {
                self + other
            }
        }
    )*};
}
comm_data!(f32, f64, Complex<f32>, Complex<f64>);

impl CommData for u64 {
    #[inline(always)]
    fn sum(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
}

/// A communicator: the ranks of one sharded computation and the collectives among them.
///
/// Every method is collective: all ranks call it, in the same order, with matching arguments.
/// A backend turns a failure on another rank into an error here rather than blocking forever
/// ([`Error::RankFailed`], [`Error::Mismatch`], [`Error::Comm`]).
///
/// Two backends implement it: [`ThreadComm`](super::ThreadComm) (ranks as threads of one
/// process, see [`run_threads`](super::run_threads)) and, with the cargo feature `mpi`,
/// `MpiComm` (ranks as MPI processes).
///
/// ```
/// use shardfft::dist::{run_threads, Comm};
/// let sums = run_threads(3, |comm| {
///     let mut v = [comm.rank() as f64 + 1.0];
///     comm.allreduce_sum(&mut v)?;
///     Ok(v[0])
/// });
/// assert!(sums.iter().all(|s| *s.as_ref().unwrap() == 6.0));
/// ```
pub trait Comm {
    /// This rank, in `0..size()`.
    fn rank(&self) -> usize;

    /// The number of ranks.
    fn size(&self) -> usize;

    /// All-to-all with per-rank counts (MPI's `alltoallv` with packed displacements).
    ///
    /// `send` holds, one after the other, `send_counts[d]` elements for each rank `d` in rank
    /// order; `recv` receives, one after the other, `recv_counts[s]` elements from each rank
    /// `s`. `send_counts[d]` on rank `s` must equal `recv_counts[s]` on rank `d`.
    fn alltoallv<T: CommData>(
        &self,
        send: &[T],
        send_counts: &[usize],
        recv: &mut [T],
        recv_counts: &[usize],
    ) -> Result<()>;

    /// Element-wise sum of `data` over all ranks, left in `data` on every rank (summed in rank
    /// order, so every rank gets the same bits).
    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> Result<()>;

    /// Copies `data` from rank `root` into `data` on every rank (same length everywhere).
    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> Result<()>;

    /// Waits until every rank has called it.
    fn barrier(&self) -> Result<()>;

    /// Checks that every rank passes the same `key` for the step described by `what`, and
    /// reports the ranks that differ as [`Error::Mismatch`] on every rank.
    ///
    /// The sharded operations call this with a hash of (operation, layout, arguments) before
    /// they communicate, so ranks that disagree get an error instead of garbage or a hang.
    ///
    /// ```
    /// use shardfft::dist::{run_threads, Comm};
    /// let out = run_threads(2, |comm| comm.agree("demo", comm.rank() as u64));
    /// assert!(out.iter().all(|r| matches!(r, Err(shardfft::Error::Mismatch { .. }))));
    /// ```
    fn agree(&self, what: &str, key: u64) -> Result<()> {
        let mut keys = vec![0u64; self.size()];
        keys[self.rank()] = key;
        self.allreduce_sum(&mut keys)?;
        let differ: Vec<usize> = (0..keys.len()).filter(|&r| keys[r] != keys[0]).collect();
        if differ.is_empty() {
            Ok(())
        } else {
            Err(Error::Mismatch {
                detail: format!("{what}: ranks {differ:?} were called with arguments that differ from rank 0's"),
            })
        }
    }
}

/// A stable hash of anything hashable (the same in every process of one build).
pub(crate) fn key_of(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Checks per-rank counts against a buffer length.
pub(crate) fn check_counts(what: &str, counts: &[usize], len: usize, size: usize) -> Result<()> {
    if counts.len() != size {
        return Err(Error::InvalidArgument(format!(
            "{what}: {} counts for {size} ranks",
            counts.len()
        )));
    }
    let total: usize = counts.iter().sum();
    if total != len {
        return Err(Error::InvalidArgument(format!(
            "{what}: counts sum to {total} but the buffer holds {len} elements"
        )));
    }
    Ok(())
}

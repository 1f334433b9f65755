//! Per-thread buffers reused from one exchange to the next.
//!
//! A fresh buffer of tens of MiB costs a page fault (and the kernel's zeroing) per page on its
//! first touch, which for a 64 MiB block is as slow as the all-to-all itself. So exchanges take
//! their send, receive and output buffers from this thread's pool and give back the ones they
//! are done with (and the sharded transforms give back the blocks they consume): in steady state
//! a repeated transform touches no fresh memory there.

use ndarray::{ArrayD, IxDyn};

use super::comm::CommData;
use crate::exec::checked_len;
pub(crate) use crate::exec::{give, take};
use crate::{Error, Result};

/// A C-order array of `shape` on a buffer from [`take`] (so its elements are arbitrary values:
/// the caller writes every one).
pub(crate) fn take_array<A: CommData>(shape: &[usize], what: &str) -> Result<ArrayD<A>> {
    let len = checked_len::<A>(shape, what)?;
    ArrayD::from_shape_vec(IxDyn(shape), take(len, what)?).map_err(|e| Error::InvalidArgument(e.to_string()))
}

/// Gives an array's storage back to this thread's pool.
pub(crate) fn give_array<A: CommData>(a: ArrayD<A>) {
    let (v, _) = a.into_raw_vec_and_offset();
    give(v);
}

/// Frees the exchange buffers the calling thread keeps for reuse.
///
/// Sharded transforms keep their largest exchange buffers per thread (up to six, shared with the
/// executor's work buffers), so that repeating a transform touches no fresh memory (FFTW's
/// plans hold their buffers the same way). Call this to hand that memory back once the
/// transforms are done.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, release_exchange_buffers, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{Complex, Norm};
///
/// let global = Array2::<Complex<f64>>::zeros((256, 256)).into_dyn();
/// run_threads(2, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[256, 256], 0, 2)?, comm.rank())?;
///     let y = dist::fft2(comm, &x, None, None, Norm::Backward, Out::Natural)?;
///     release_exchange_buffers();
///     Ok(y)
/// });
/// ```
pub fn release_exchange_buffers() {
    crate::exec::release();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_cut_shorter_serves_a_longer_request_again() {
        release_exchange_buffers();
        let big = 1 << 20;
        let a: Vec<f64> = take(big, "a").unwrap();
        let at = a.as_ptr();
        give(a);
        let b: Vec<f64> = take(big / 2, "b").unwrap();
        assert_eq!((b.as_ptr(), b.len()), (at, big / 2));
        give(b);
        let c: Vec<f64> = take(big, "c").unwrap();
        assert_eq!((c.as_ptr(), c.len()), (at, big));
        // Another element type never gets this buffer.
        give(c);
        let d: Vec<f32> = take(16, "d").unwrap();
        assert_ne!(d.as_ptr() as usize, at as usize);
        release_exchange_buffers();
    }

    #[test]
    fn pooled_arrays_have_the_shape_asked_for() {
        let a: ArrayD<f32> = take_array(&[3, 5, 7], "a").unwrap();
        assert_eq!(a.shape(), &[3, 5, 7]);
        assert!(take_array::<f32>(&[usize::MAX, 2], "huge").is_err());
    }
}

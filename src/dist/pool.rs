//! Per-thread buffers reused from one exchange to the next.
//!
//! A fresh buffer of tens of MiB costs a page fault (and the kernel's zeroing) per page on its
//! first touch, which for a 64 MiB block is as slow as the all-to-all itself. So exchanges take
//! their send, receive and output buffers from this thread's pool and give back the ones they
//! are done with (and the sharded transforms give back the blocks they consume): in steady state
//! a repeated transform touches no fresh memory there.

use std::any::Any;
use std::cell::RefCell;

use ndarray::{ArrayD, IxDyn};

use super::comm::CommData;
use crate::exec::{checked_len, try_filled};
use crate::{Error, Result};

/// Buffers this small are not worth keeping (malloc serves them from its free lists).
const MIN_POOLED: usize = 1 << 16;
/// Most buffers kept per thread.
const KEEP: usize = 4;

thread_local! {
    static POOL: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of exactly `len` elements: a pooled one when one is large enough (its contents
/// are then arbitrary values), else a fresh zeroed one.
pub(crate) fn take<A: CommData>(len: usize, what: &str) -> Result<Vec<A>> {
    if len >= MIN_POOLED / std::mem::size_of::<A>().max(1) {
        let found = POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            let best = pool
                .iter()
                .enumerate()
                .filter_map(|(i, b)| b.downcast_ref::<Vec<A>>().map(|v| (i, v.capacity())))
                .filter(|&(_, n)| n >= len)
                .min_by_key(|&(_, n)| n);
            best.map(|(i, _)| pool.swap_remove(i))
        });
        if let Some(Ok(mut v)) = found.map(|b| b.downcast::<Vec<A>>()) {
            // Matched by capacity: a buffer once cut to a shorter length serves a longer one
            // again (by length, each such cut was a fresh 64 MiB block for the next exchange).
            v.resize(len, A::default());
            return Ok(*v);
        }
    }
    try_filled(len, what)
}

/// A C-order array of `shape` on a buffer from [`take`] (so its elements are arbitrary values:
/// the caller writes every one).
pub(crate) fn take_array<A: CommData>(shape: &[usize], what: &str) -> Result<ArrayD<A>> {
    let len = checked_len::<A>(shape, what)?;
    ArrayD::from_shape_vec(IxDyn(shape), take(len, what)?).map_err(|e| Error::InvalidArgument(e.to_string()))
}

/// Gives a buffer back to this thread's pool (dropping the smallest one when it is full).
pub(crate) fn give<A: CommData>(v: Vec<A>) {
    if v.capacity() * std::mem::size_of::<A>() < MIN_POOLED {
        return;
    }
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        pool.push(Box::new(v));
        if pool.len() > KEEP {
            let smallest = pool
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| bytes(b.as_ref()))
                .map(|(i, _)| i);
            if let Some(i) = smallest {
                pool.swap_remove(i);
            }
        }
    });
}

/// Gives an array's storage back to this thread's pool.
pub(crate) fn give_array<A: CommData>(a: ArrayD<A>) {
    let (v, _) = a.into_raw_vec_and_offset();
    give(v);
}

fn bytes(b: &dyn Any) -> usize {
    fn of<A: 'static>(b: &dyn Any) -> Option<usize> {
        b.downcast_ref::<Vec<A>>()
            .map(|v| v.capacity() * std::mem::size_of::<A>())
    }
    of::<f32>(b)
        .or_else(|| of::<f64>(b))
        .or_else(|| of::<num_complex::Complex<f32>>(b))
        .or_else(|| of::<num_complex::Complex<f64>>(b))
        .or_else(|| of::<u64>(b))
        .unwrap_or(0)
}

/// Frees the exchange buffers the calling thread keeps for reuse.
///
/// Sharded transforms keep up to four of their largest exchange buffers per thread, so that
/// repeating a transform touches no fresh memory (FFTW's plans hold their buffers the same
/// way). Call this to hand that memory back once the transforms are done.
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
    POOL.with(|pool| pool.borrow_mut().clear());
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

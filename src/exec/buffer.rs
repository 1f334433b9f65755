//! Fallible buffer allocation, per-thread reuse of large buffers, and the raw pointer that lets disjoint tiles share one output.

use std::any::Any;
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

use crate::{Error, Result};

/// A `Vec` of `len` default values, or [`Error::Alloc`] if the allocator refuses.
pub(crate) fn try_filled<T: Copy + Default>(len: usize, what: &str) -> Result<Vec<T>> {
    let mut v = try_with_capacity(len, what)?;
    v.resize(len, T::default());
    Ok(v)
}

/// An empty `Vec` with room for `len` values, or [`Error::Alloc`] if the allocator refuses.
pub(crate) fn try_with_capacity<T>(len: usize, what: &str) -> Result<Vec<T>> {
    let bytes = len.saturating_mul(std::mem::size_of::<T>());
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::Alloc {
        what: what.to_string(),
        bytes,
    })?;
    advise_huge_pages(&mut v);
    Ok(v)
}

/// Asks the kernel to back a large fresh buffer with 2 MiB pages.
///
/// A new output array is first touched by the transform itself; with 4 KiB pages that first
/// touch costs more than the transform (measured: 14 ms to fault in 32 MiB, 3.5 ms with huge
/// pages). Linux's default transparent-huge-page mode is "madvise", so the buffer must ask.
/// No crate wraps this one call, hence libc directly.
#[cfg(target_os = "linux")]
fn advise_huge_pages<T>(v: &mut Vec<T>) {
    const HUGE: usize = 2 << 20;
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes < 2 * HUGE {
        return;
    }
    let start = v.as_mut_ptr() as usize;
    let first = start.next_multiple_of(HUGE);
    let end = (start + bytes) & !(HUGE - 1);
    if end > first {
        // SAFETY: the range lies inside this Vec's allocation; MADV_HUGEPAGE only changes how
        // the kernel backs the pages and never their contents. Failure is harmless (a hint).
        unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages<T>(_v: &mut Vec<T>) {}

/// The element count of `shape`, or [`Error::TooLarge`] if its byte size overflows `isize`.
pub(crate) fn checked_len<T>(shape: &[usize], what: &str) -> Result<usize> {
    let too_large = || Error::TooLarge {
        what: what.to_string(),
        shape: shape.to_vec(),
    };
    let len = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(too_large)?;
    let bytes = len.checked_mul(std::mem::size_of::<T>().max(1)).ok_or_else(too_large)?;
    if bytes > isize::MAX as usize {
        return Err(too_large());
    }
    Ok(len)
}

/// A raw pointer that may cross threads.
///
/// Safety contract (upheld by the executor): tasks that share one `SyncPtr` touch disjoint
/// index sets, and the buffer outlives every task.
#[derive(Clone, Copy)]
pub(crate) struct SyncPtr<T>(pub *mut T);

impl<T> SyncPtr<T> {
    /// The pointer (a method, so closures capture the whole `SyncPtr`, not its field).
    pub(crate) fn get(self) -> *mut T {
        self.0
    }
}
// SAFETY: see the type's contract; the pointer is only dereferenced on disjoint ranges.
unsafe impl<T: Send> Send for SyncPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for SyncPtr<T> {}

thread_local! {
    /// This thread's spare buffers (see [`take`]), of any element type, with their sizes in bytes.
    static SPARES: RefCell<Vec<(usize, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Buffers this small are not worth keeping (malloc serves them from its free lists).
const MIN_KEPT_BYTES: usize = 1 << 16;
/// Most buffers one thread keeps: an exchange's send, receive and output blocks and the
/// executor's three work buffers per worker.
const KEPT_PER_THREAD: usize = 6;

/// A buffer of exactly `len` elements: one this thread gave back earlier (see [`give`]) when
/// one is large enough, its contents then arbitrary values; else a fresh zeroed one.
///
/// Fresh buffers of a few MiB and more are faulted in page by page on first touch (and zeroed
/// by the kernel): for a 64 MiB exchange block as slow as the all-to-all itself, and a sixth of
/// the time of a batch of four 2^20-point real transforms when the executor's work buffers
/// were fresh on every call. Buffers are matched by capacity, so one cut to a shorter length
/// serves a longer request again.
pub(crate) fn take<E: Copy + Default + 'static>(len: usize, what: &str) -> Result<Vec<E>> {
    if len.saturating_mul(std::mem::size_of::<E>()) >= MIN_KEPT_BYTES {
        let found = SPARES
            .try_with(|spares| {
                let mut spares = spares.borrow_mut();
                let best = spares
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (_, b))| b.downcast_ref::<Vec<E>>().map(|v| (i, v.capacity())))
                    .filter(|&(_, cap)| cap >= len)
                    .min_by_key(|&(_, cap)| cap);
                best.map(|(i, _)| spares.swap_remove(i).1)
            })
            .ok()
            .flatten();
        if let Some(Ok(mut v)) = found.map(|b| b.downcast::<Vec<E>>()) {
            v.resize(len, E::default());
            return Ok(*v);
        }
    }
    try_filled(len, what)
}

/// Gives a buffer back to this thread's spares (dropping the smallest when they are full).
pub(crate) fn give<E: 'static>(v: Vec<E>) {
    let bytes = v.capacity() * std::mem::size_of::<E>();
    if bytes < MIN_KEPT_BYTES {
        return;
    }
    // A thread being torn down has no spares to return to: the buffer is freed instead.
    let _ = SPARES.try_with(|spares| {
        let mut spares = spares.borrow_mut();
        spares.push((bytes, Box::new(v)));
        if spares.len() > KEPT_PER_THREAD {
            let smallest = spares.iter().enumerate().min_by_key(|(_, (b, _))| *b).map(|(i, _)| i);
            if let Some(i) = smallest {
                spares.swap_remove(i);
            }
        }
    });
}

/// Frees every buffer the calling thread keeps.
pub(crate) fn release() {
    let _ = SPARES.try_with(|spares| spares.borrow_mut().clear());
}

/// A buffer from [`take`] that goes back through [`give`] when dropped.
pub(crate) struct Reused<E: 'static>(Vec<E>);

/// [`take`] as a [`Reused`].
pub(crate) fn reused<E: Copy + Default + 'static>(len: usize, what: &str) -> Result<Reused<E>> {
    take(len, what).map(Reused)
}

impl<E> Deref for Reused<E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.0
    }
}

impl<E> DerefMut for Reused<E> {
    fn deref_mut(&mut self) -> &mut [E] {
        &mut self.0
    }
}

impl<E: 'static> Drop for Reused<E> {
    fn drop(&mut self) {
        give(std::mem::take(&mut self.0));
    }
}

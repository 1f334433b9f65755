//! Fallible buffer allocation and the raw pointer that lets disjoint tiles share one output.

use std::any::Any;
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

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

/// Buffers kept from one call to the next, so a hot path does not allocate (and fault in)
/// fresh memory each time: the four-step's per-thread tiles are 1 MiB each, and faulting
/// them in afresh cost about 2 ms of a 40 ms one-thread 2^22 transform.
pub(crate) struct BufferPool<E> {
    free: Mutex<Vec<Vec<E>>>,
}

/// Buffers a pool keeps at most (more than any thread pool leases at once).
const POOL_SIZE: usize = 64;

impl<E: Copy + Default> BufferPool<E> {
    /// An empty pool.
    pub(crate) fn new() -> Self {
        BufferPool {
            free: Mutex::new(Vec::new()),
        }
    }

    /// A buffer of `len` elements with unspecified contents, back in the pool when dropped.
    pub(crate) fn lease(&self, len: usize, what: &str) -> Result<Lease<'_, E>> {
        let spare = self.free.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let buf = match spare {
            Some(buf) if buf.len() >= len => buf,
            _ => try_filled(len, what)?,
        };
        Ok(Lease { buf, len, pool: self })
    }
}

/// A buffer leased from a [`BufferPool`]; derefs to its `len` elements.
pub(crate) struct Lease<'a, E> {
    buf: Vec<E>,
    len: usize,
    pool: &'a BufferPool<E>,
}

impl<E> Deref for Lease<'_, E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.buf[..self.len]
    }
}

impl<E> DerefMut for Lease<'_, E> {
    fn deref_mut(&mut self) -> &mut [E] {
        &mut self.buf[..self.len]
    }
}

impl<E> Drop for Lease<'_, E> {
    fn drop(&mut self) {
        let mut free = self.pool.free.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() < POOL_SIZE {
            free.push(std::mem::take(&mut self.buf));
        }
    }
}

thread_local! {
    /// This thread's spare work buffers (see [`reused`]), of any element type.
    static SPARES: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Spare buffers one thread keeps at most (the executor's workers lease three at once).
const SPARES_PER_THREAD: usize = 6;
/// Largest buffer kept: beyond it a thread would hold on to too much memory between calls.
const SPARE_MAX_BYTES: usize = 64 << 20;

/// A work buffer of `len` elements with unspecified contents: one this thread used before
/// if it has one large enough, else a new one. It goes back to the thread's spares when
/// dropped.
///
/// The executor's workers lease their lane and scratch buffers here on every call; fresh ones
/// of a few MiB are faulted in page by page (with 2 MiB pages, zeroed by the kernel), which
/// took a sixth of the time of a batch of four 2^20-point real transforms.
pub(crate) fn reused<E: Copy + Default + 'static>(len: usize, what: &str) -> Result<Reused<E>> {
    if len == 0 {
        return Ok(Reused { buf: Vec::new(), len });
    }
    let spare = SPARES
        .try_with(|spares| {
            let mut spares = spares.borrow_mut();
            let at = spares
                .iter()
                .position(|b| b.downcast_ref::<Vec<E>>().is_some_and(|v| v.len() >= len))?;
            spares.swap_remove(at).downcast::<Vec<E>>().ok()
        })
        .ok()
        .flatten();
    let buf = match spare {
        Some(buf) => *buf,
        None => try_filled(len, what)?,
    };
    Ok(Reused { buf, len })
}

/// A buffer from [`reused`]; derefs to its `len` elements.
pub(crate) struct Reused<E: 'static> {
    buf: Vec<E>,
    len: usize,
}

impl<E> Deref for Reused<E> {
    type Target = [E];
    fn deref(&self) -> &[E] {
        &self.buf[..self.len]
    }
}

impl<E> DerefMut for Reused<E> {
    fn deref_mut(&mut self) -> &mut [E] {
        &mut self.buf[..self.len]
    }
}

impl<E: 'static> Drop for Reused<E> {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.buf);
        if buf.is_empty() || std::mem::size_of_val(buf.as_slice()) > SPARE_MAX_BYTES {
            return;
        }
        // A thread being torn down has no spares to return to: the buffer is freed instead.
        let _ = SPARES.try_with(|spares| {
            let mut spares = spares.borrow_mut();
            if spares.len() >= SPARES_PER_THREAD {
                spares.remove(0);
            }
            spares.push(Box::new(buf));
        });
    }
}

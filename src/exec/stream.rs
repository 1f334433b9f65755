//! Non-temporal (streaming) copies of whole cache lines, for outputs too large to stay in cache.
//!
//! An ordinary store to a line that is not in cache first reads the line from memory (to own
//! it), then writes it back when it is evicted: a large output costs its bytes twice on the
//! memory bus, plus the eviction of data still in use. A streaming store writes the line to
//! memory directly. The standard library has no such copy, hence the intrinsics (SSE2, which
//! every x86_64 processor has).

use crate::alloc::CACHE_LINE;

/// Outputs of at least this many bytes are written with streaming stores where they can be:
/// half of this machine's 32 MiB L3, so that a result that fits in cache is left there for the
/// caller. Measured on the strided tiles (`exec::slabs`), axis 0 of a 4096×1024 c2c f32 array
/// (32 MiB out) on 2 cores: 6.8-7.2 ms with ordinary stores, 5.5-5.6 streamed. (The
/// two-halves split streams by lane length, its temporary included: `plan::avx512::split`.)
pub(crate) const STREAM_MIN_BYTES: usize = 16 << 20;

/// Whether runs of `count` values of `T`, starting at `first` and at every multiple of
/// `step` values after it, are whole aligned cache lines that [`copy_lines`] can stream.
pub(crate) fn whole_lines<T>(first: *const T, count: usize, step: usize) -> bool {
    let size = std::mem::size_of::<T>();
    cfg!(target_arch = "x86_64")
        && (first as usize).is_multiple_of(CACHE_LINE)
        && (count * size).is_multiple_of(CACHE_LINE)
        && (step * size).is_multiple_of(CACHE_LINE)
        && count > 0
}

/// Copies `count` values from `src` to `dst` with streaming stores; the caller calls
/// [`fence`] once its streaming copies are done, before the data is read elsewhere.
///
/// # Safety
/// `src` valid for reads and `dst` for writes of `count` values, not overlapping; `dst`
/// 64-byte aligned and `count` values a whole number of cache lines ([`whole_lines`]).
#[inline]
pub(crate) unsafe fn copy_lines<T>(src: *const T, dst: *mut T, count: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_stream_si128};
        let chunks = count * std::mem::size_of::<T>() / 16;
        let (src, dst) = (src as *const __m128i, dst as *mut __m128i);
        for i in 0..chunks {
            // SAFETY: the caller's contract; `dst` is 16-byte aligned as it is 64-byte aligned.
            unsafe { _mm_stream_si128(dst.add(i), _mm_loadu_si128(src.add(i))) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: the caller's contract.
    unsafe {
        std::ptr::copy_nonoverlapping(src, dst, count)
    };
}

/// Orders this thread's streaming stores before its later stores (so another thread that
/// synchronizes with it afterwards sees them).
#[inline]
pub(crate) fn fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE, which every x86_64 processor has.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

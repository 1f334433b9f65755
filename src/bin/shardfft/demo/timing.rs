//! A communicator that times the collectives of the rank it wraps.

use std::cell::Cell;
use std::time::{Duration, Instant};

use shardfft::Result;
use shardfft::dist::{Comm, CommData};

/// Delegates to `inner` and adds up the time spent in all-to-alls and all-reduces (waiting for
/// the other ranks included: that is what communication costs a rank).
pub struct TimedComm<'a, C: Comm> {
    inner: &'a C,
    spent: Cell<Duration>,
}

impl<'a, C: Comm> TimedComm<'a, C> {
    /// Wraps `inner`.
    pub fn new(inner: &'a C) -> Self {
        TimedComm {
            inner,
            spent: Cell::new(Duration::ZERO),
        }
    }

    /// Time spent in collectives so far.
    pub fn spent(&self) -> Duration {
        self.spent.get()
    }

    fn timed<R>(&self, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        self.spent.set(self.spent.get() + t.elapsed());
        r
    }
}

impl<C: Comm> Comm for TimedComm<'_, C> {
    fn rank(&self) -> usize {
        self.inner.rank()
    }
    fn size(&self) -> usize {
        self.inner.size()
    }
    fn alltoallv<T: CommData>(&self, send: &[T], sc: &[usize], recv: &mut [T], rc: &[usize]) -> Result<()> {
        self.timed(|| self.inner.alltoallv(send, sc, recv, rc))
    }
    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> Result<()> {
        self.timed(|| self.inner.allreduce_sum(data))
    }
    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> Result<()> {
        self.timed(|| self.inner.broadcast(data, root))
    }
    fn barrier(&self) -> Result<()> {
        self.timed(|| self.inner.barrier())
    }
}

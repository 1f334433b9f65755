//! The in-process backend: P ranks as threads of one process, sharing memory.
//!
//! A collective is a rendezvous on one mutex and condition variable: each rank posts a
//! description of its buffers, the last to arrive checks that every rank called the same
//! collective with matching element types and counts, then every rank copies what it needs
//! straight out of the others' buffers and waits until all are done reading. A rank that fails
//! (returns an error or panics) poisons the communicator, which wakes every waiting rank with
//! [`Error::RankFailed`]; every later collective fails at once.

use std::any::TypeId;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::comm::{Comm, CommData, check_counts};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Alltoallv,
    AllreduceSum,
    Broadcast,
    Barrier,
}

/// What one rank brought to a collective.
#[derive(Clone)]
struct Post {
    op: Op,
    ty: TypeId,
    ty_name: &'static str,
    /// Address of the buffer the others read (send buffer, contribution, broadcast source).
    addr: usize,
    len: usize,
    send_counts: Vec<usize>,
    recv_counts: Vec<usize>,
    root: usize,
}

struct State {
    failure: Option<Error>,
    round: u64,
    arrived: usize,
    finished: usize,
    ready: bool,
    posts: Vec<Option<Post>>,
    exited: Vec<bool>,
}

struct Shared {
    size: usize,
    timeout: Option<Duration>,
    state: Mutex<State>,
    cv: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `failure` unless an earlier one is already recorded, and wakes every rank.
    fn fail(&self, st: &mut State, failure: Error) -> Error {
        let first = st.failure.get_or_insert(failure).clone();
        self.cv.notify_all();
        first
    }

    /// Called once a rank's closure has returned (or panicked).
    fn exit(&self, rank: usize, error: Option<&Error>) {
        let mut st = self.lock();
        st.exited[rank] = true;
        match error {
            Some(e) => {
                let failure = match e {
                    Error::RankFailed { .. } | Error::Mismatch { .. } | Error::Comm(_) => e.clone(),
                    other => Error::RankFailed {
                        rank,
                        message: other.to_string(),
                    },
                };
                self.fail(&mut st, failure);
            }
            None if st.arrived > 0 && !st.ready => {
                let waiting: Vec<usize> = (0..self.size).filter(|&r| st.posts[r].is_some()).collect();
                let detail =
                    format!("rank {rank} returned while ranks {waiting:?} wait in a collective it never called");
                self.fail(&mut st, Error::Mismatch { detail });
            }
            None => self.cv.notify_all(),
        }
    }

    /// Checks that the posts of one round match; the error names the ranks that differ.
    fn validate(&self, posts: &[Post], round: u64) -> Result<()> {
        let first = &posts[0];
        for (r, p) in posts.iter().enumerate() {
            if p.op != first.op || p.ty != first.ty {
                return Err(Error::Mismatch {
                    detail: format!(
                        "collective #{round}: rank 0 called {:?}<{}> but rank {r} called {:?}<{}>",
                        first.op, first.ty_name, p.op, p.ty_name
                    ),
                });
            }
            let same = match p.op {
                Op::AllreduceSum => p.len == first.len,
                Op::Broadcast => p.len == first.len && p.root == first.root,
                Op::Barrier | Op::Alltoallv => true,
            };
            if !same {
                return Err(Error::Mismatch {
                    detail: format!(
                        "collective #{round} ({:?}): rank 0 passed {} elements (root {}), rank {r} passed {} (root {})",
                        p.op, first.len, first.root, p.len, p.root
                    ),
                });
            }
        }
        if first.op == Op::Alltoallv {
            for s in 0..posts.len() {
                for d in 0..posts.len() {
                    let (sent, expected) = (posts[s].send_counts[d], posts[d].recv_counts[s]);
                    if sent != expected {
                        return Err(Error::Mismatch {
                            detail: format!(
                                "collective #{round} (alltoallv): rank {s} sends {sent} elements to rank {d}, which expects {expected}"
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// One rank of an in-process communicator (see [`run_threads`]).
pub struct ThreadComm {
    rank: usize,
    shared: Arc<Shared>,
}

impl ThreadComm {
    /// Posts this rank's part of a collective, waits for every rank, runs `read` on all posts
    /// (the buffers they point at stay valid until every rank has finished reading), then waits
    /// until every rank is done.
    fn collective<R>(&self, post: Post, read: impl FnOnce(&[Post]) -> R) -> Result<R> {
        let sh = &*self.shared;
        let mut st = sh.lock();
        if let Some(e) = &st.failure {
            return Err(e.clone());
        }
        if let Some(gone) = st.exited.iter().position(|&e| e) {
            let detail = format!("rank {} called {:?} after rank {gone} had returned", self.rank, post.op);
            return Err(sh.fail(&mut st, Error::Mismatch { detail }));
        }
        let op = post.op;
        st.posts[self.rank] = Some(post);
        st.arrived += 1;
        if st.arrived == sh.size {
            let posts: Vec<Post> = st.posts.iter().flatten().cloned().collect();
            if let Err(e) = sh.validate(&posts, st.round) {
                return Err(sh.fail(&mut st, e));
            }
            st.ready = true;
            sh.cv.notify_all();
        } else {
            let deadline = sh.timeout.map(|t| Instant::now() + t);
            while !st.ready && st.failure.is_none() {
                st = match deadline {
                    None => sh.cv.wait(st).unwrap_or_else(PoisonError::into_inner),
                    Some(deadline) => {
                        let left = deadline.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            let missing: Vec<usize> = (0..sh.size).filter(|&r| st.posts[r].is_none()).collect();
                            let detail = format!(
                                "rank {} waited more than {:?} in {op:?}: ranks {missing:?} never arrived",
                                self.rank,
                                sh.timeout.unwrap_or_default()
                            );
                            sh.fail(&mut st, Error::Comm(detail));
                            break;
                        }
                        sh.cv.wait_timeout(st, left).unwrap_or_else(PoisonError::into_inner).0
                    }
                };
            }
            if !st.ready {
                return Err(st
                    .failure
                    .clone()
                    .unwrap_or_else(|| Error::Comm("collective abandoned".into())));
            }
        }
        let posts: Vec<Post> = st.posts.iter().flatten().cloned().collect();
        let round = st.round;
        drop(st);
        let out = read(&posts);
        let mut st = sh.lock();
        st.finished += 1;
        if st.finished == sh.size {
            st.finished = 0;
            st.arrived = 0;
            st.ready = false;
            st.posts.iter_mut().for_each(|p| *p = None);
            st.round += 1;
            sh.cv.notify_all();
        } else {
            // Every rank is past the rendezvous and only copies memory: this wait is short.
            while st.round == round {
                st = sh.cv.wait(st).unwrap_or_else(PoisonError::into_inner);
            }
        }
        Ok(out)
    }

    fn post<T: 'static>(&self, op: Op, addr: *const T, len: usize) -> Post {
        Post {
            op,
            ty: TypeId::of::<T>(),
            ty_name: std::any::type_name::<T>(),
            addr: addr as usize,
            len,
            send_counts: Vec::new(),
            recv_counts: Vec::new(),
            root: 0,
        }
    }
}

impl Comm for ThreadComm {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.shared.size
    }

    fn alltoallv<T: CommData>(
        &self,
        send: &[T],
        send_counts: &[usize],
        recv: &mut [T],
        recv_counts: &[usize],
    ) -> Result<()> {
        let size = self.size();
        check_counts("alltoallv send", send_counts, send.len(), size)?;
        check_counts("alltoallv receive", recv_counts, recv.len(), size)?;
        let mut post = self.post(Op::Alltoallv, send.as_ptr(), send.len());
        post.send_counts = send_counts.to_vec();
        post.recv_counts = recv_counts.to_vec();
        let me = self.rank;
        self.collective(post, |posts| {
            let mut at = 0;
            for p in posts {
                let displ: usize = p.send_counts[..me].iter().sum();
                let count = p.send_counts[me];
                // SAFETY: validated: every post has element type T, its buffer holds the sum of
                // its send counts, and it stays alive and unwritten until every rank is done.
                let src = unsafe { std::slice::from_raw_parts((p.addr as *const T).add(displ), count) };
                recv[at..at + count].copy_from_slice(src);
                at += count;
            }
        })
    }

    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> Result<()> {
        let contribution = data.to_vec();
        let post = self.post(Op::AllreduceSum, contribution.as_ptr(), contribution.len());
        self.collective(post, |posts| {
            let parts: Vec<&[T]> = posts
                .iter()
                // SAFETY: as in alltoallv; every contribution has `data.len()` elements.
                .map(|p| unsafe { std::slice::from_raw_parts(p.addr as *const T, p.len) })
                .collect();
            for (i, v) in data.iter_mut().enumerate() {
                *v = parts[1..].iter().fold(parts[0][i], |acc, part| acc.sum(part[i]));
            }
        })
    }

    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> Result<()> {
        if root >= self.size() {
            return Err(Error::InvalidArgument(format!(
                "broadcast root {root} is not a rank of {}",
                self.size()
            )));
        }
        let mut post = self.post(Op::Broadcast, data.as_ptr(), data.len());
        post.root = root;
        let me = self.rank;
        self.collective(post, |posts| {
            if me != root {
                let p = &posts[root];
                // SAFETY: as in alltoallv; the root does not write its buffer meanwhile.
                let src = unsafe { std::slice::from_raw_parts(p.addr as *const T, p.len) };
                data.copy_from_slice(src);
            }
        })
    }

    fn barrier(&self) -> Result<()> {
        let post = self.post::<u8>(Op::Barrier, std::ptr::null(), 0);
        self.collective(post, |_| ())
    }
}

/// Runs `f` on `ranks` threads, each with its own rank of one in-process communicator, and
/// returns each rank's result in rank order.
///
/// If any rank fails (returns an error or panics), every rank's result is an error: the
/// failing rank's own, and [`Error::RankFailed`] naming it on the others, whose pending and
/// later collectives return at once instead of blocking. A rank that returns while others
/// still wait for it in a collective, or that calls a different collective than the others,
/// makes every rank's result an [`Error::Mismatch`]. `ranks` need not match the core count.
///
/// ```
/// use shardfft::dist::{run_threads, Comm};
/// let ranks = run_threads(4, |comm| Ok(comm.rank() * 10));
/// assert_eq!(ranks.into_iter().map(Result::unwrap).collect::<Vec<_>>(), vec![0, 10, 20, 30]);
///
/// // A panicking rank turns into an error on every rank.
/// let out = run_threads(3, |comm| {
///     if comm.rank() == 1 {
///         panic!("boom");
///     }
///     comm.barrier()
/// });
/// assert!(out.iter().all(|r| r.is_err()));
/// ```
pub fn run_threads<R, F>(ranks: usize, f: F) -> Vec<Result<R>>
where
    R: Send,
    F: Fn(&ThreadComm) -> Result<R> + Sync,
{
    run(ranks, None, f)
}

/// [`run_threads`] with a deadlock guard: a rank that waits more than `timeout` in one
/// collective fails every rank with [`Error::Comm`].
///
/// ```
/// use std::time::Duration;
/// use shardfft::dist::{run_threads_with_timeout, Comm};
/// let out = run_threads_with_timeout(2, Duration::from_millis(200), |comm| {
///     if comm.rank() == 0 {
///         std::thread::sleep(Duration::from_secs(1)); // never late in real code
///     }
///     comm.barrier()
/// });
/// assert!(out.iter().all(|r| r.is_err()));
/// ```
pub fn run_threads_with_timeout<R, F>(ranks: usize, timeout: Duration, f: F) -> Vec<Result<R>>
where
    R: Send,
    F: Fn(&ThreadComm) -> Result<R> + Sync,
{
    run(ranks, Some(timeout), f)
}

fn run<R, F>(ranks: usize, timeout: Option<Duration>, f: F) -> Vec<Result<R>>
where
    R: Send,
    F: Fn(&ThreadComm) -> Result<R> + Sync,
{
    let shared = Arc::new(Shared {
        size: ranks,
        timeout,
        state: Mutex::new(State {
            failure: None,
            round: 0,
            arrived: 0,
            finished: 0,
            ready: false,
            posts: vec![None; ranks],
            exited: vec![false; ranks],
        }),
        cv: Condvar::new(),
    });
    let f = &f;
    let results: Vec<Result<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..ranks)
            .map(|rank| {
                let comm = ThreadComm {
                    rank,
                    shared: Arc::clone(&shared),
                };
                std::thread::Builder::new()
                    .name(format!("shardfft-rank-{rank}"))
                    .spawn_scoped(scope, move || {
                        let result = catch_unwind(AssertUnwindSafe(|| f(&comm))).unwrap_or_else(|payload| {
                            Err(Error::RankFailed {
                                rank,
                                message: format!("panicked: {}", panic_message(payload.as_ref())),
                            })
                        });
                        comm.shared.exit(rank, result.as_ref().err());
                        result
                    })
            })
            .collect();
        handles
            .into_iter()
            .enumerate()
            .map(|(rank, h)| match h {
                Ok(h) => h.join().unwrap_or_else(|payload| {
                    Err(Error::RankFailed {
                        rank,
                        message: format!("panicked: {}", panic_message(payload.as_ref())),
                    })
                }),
                Err(e) => Err(Error::Comm(format!("could not start the thread of rank {rank}: {e}"))),
            })
            .collect()
    });
    let failure = shared.lock().failure.clone();
    match failure {
        None => results,
        Some(failure) => results
            .into_iter()
            .map(|r| r.and_then(|_| Err(failure.clone())))
            .collect(),
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".into())
}

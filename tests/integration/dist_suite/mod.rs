//! The sharded-transform and sharded-convolution test suite, generic over the communication
//! backend.
//!
//! Every check is an SPMD function: all ranks of `comm` call it, build the same global arrays
//! from fixed seeds, run the sharded operation, gather the result and compare it with the local
//! library's answer on the gathered array. A failed check panics (with the in-process backend
//! that becomes an error on every rank; under MPI the panic hook aborts the job naming the
//! rank). Included by `tests/integration/dist.rs` (thread ranks, `run_threads`) and by
//! `examples/mpi_check.rs` (MPI ranks), so both backends pass one suite.

#![allow(dead_code)]

pub mod conv;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

use shardfft::dist::{
    self, Comm, CommData, Layout, Order, Out, Redistribute, Sharded, ThreadComm, run_threads_with_timeout,
};
use shardfft::{Complex, Error, Norm, Result};

pub type C64 = Complex<f64>;

pub const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];
pub const OUTS: [Out; 2] = [Out::Natural, Out::Transposed];

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub fn real(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut r = rng(seed);
    ArrayD::from_shape_fn(IxDyn(shape), |_| r.random::<f64>() - 0.5)
}

pub fn cplx(shape: &[usize], seed: u64) -> ArrayD<C64> {
    let mut r = rng(seed);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        Complex::new(r.random::<f64>() - 0.5, r.random::<f64>() - 0.5)
    })
}

/// Runs `f` on `p` thread ranks (with a deadlock guard) and unwraps every rank's result.
pub fn ranks<R: Send>(p: usize, f: impl Fn(&ThreadComm) -> Result<R> + Sync) -> Vec<R> {
    run_threads_with_timeout(p, Duration::from_secs(120), f)
        .into_iter()
        .enumerate()
        .map(|(r, x)| x.unwrap_or_else(|e| panic!("rank {r} of {p}: {e}")))
        .collect()
}

/// Runs a suite check on each number of thread ranks in `ps` (the in-process tests).
pub fn on_ranks<R: Send>(ps: impl IntoIterator<Item = usize>, check: impl Fn(&ThreadComm) -> Result<R> + Sync) {
    for p in ps {
        ranks(p, &check);
    }
}

/// Relative L2 distance of two arrays of the same shape.
pub fn rel<A: Copy + Into<C64>>(got: &ArrayD<A>, want: &ArrayD<A>) -> f64 {
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    let (mut num, mut den) = (0.0, 0.0);
    for (&g, &w) in got.iter().zip(want) {
        let (g, w): (C64, C64) = (g.into(), w.into());
        num += (g - w).norm_sqr();
        den += w.norm_sqr();
    }
    if den == 0.0 { num.sqrt() } else { (num / den).sqrt() }
}

/// Fails every rank unless all ranks hold the same `value`.
pub fn same_everywhere<C: Comm>(comm: &C, what: &str, value: &impl Hash) -> Result<()> {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    comm.agree(what, h.finish())
}

/// Splits `global` along `split` over the ranks, applies `op`, and returns the gathered output
/// and its layout (checked to be the same on every rank).
pub fn sharded<C, A, B>(
    comm: &C,
    global: &ArrayD<A>,
    split: usize,
    op: impl Fn(&C, &Sharded<A>) -> Result<Sharded<B>>,
) -> Result<(ArrayD<B>, Layout)>
where
    C: Comm,
    A: CommData,
    B: CommData,
{
    let layout = Layout::new(global.shape(), split as isize, comm.size())?;
    let x = Sharded::from_global(global, layout, comm.rank())?;
    let y = op(comm, &x)?;
    same_everywhere(comm, "output layout", y.layout())?;
    Ok((y.allgather(comm)?, y.layout().clone()))
}

// ---------------------------------------------------------------------------------------------
// Collectives, layouts, redistribution.

/// alltoallv with uneven per-rank counts, all-reduce, broadcast and barrier, over every type.
pub fn collectives<C: Comm>(comm: &C) -> Result<()> {
    let (me, p) = (comm.rank(), comm.size());
    // alltoallv: rank s sends s + d + 1 copies of (s, d) to rank d.
    let send_counts: Vec<usize> = (0..p).map(|d| me + d + 1).collect();
    let send: Vec<u64> = (0..p)
        .flat_map(|d| std::iter::repeat_n((me * 100 + d) as u64, me + d + 1))
        .collect();
    let recv_counts: Vec<usize> = (0..p).map(|s| s + me + 1).collect();
    let mut recv = vec![0u64; recv_counts.iter().sum()];
    comm.alltoallv(&send, &send_counts, &mut recv, &recv_counts)?;
    let want: Vec<u64> = (0..p)
        .flat_map(|s| std::iter::repeat_n((s * 100 + me) as u64, s + me + 1))
        .collect();
    assert_eq!(recv, want);
    // Empty blocks: only rank 0 sends, only to the last rank.
    let n = if me == 0 { 5 } else { 0 };
    let send: Vec<C64> = (0..n).map(|i| Complex::new(i as f64, -1.0)).collect();
    let mut counts = vec![0; p];
    counts[p - 1] = n;
    let mut rc = vec![0; p];
    if me == p - 1 {
        rc[0] = 5;
    }
    let mut recv = vec![C64::default(); rc.iter().sum()];
    comm.alltoallv(&send, &counts, &mut recv, &rc)?;
    if me == p - 1 {
        assert_eq!(recv, (0..5).map(|i| Complex::new(i as f64, -1.0)).collect::<Vec<_>>());
    }
    let mut v = [Complex::new(me as f32, 1.0)];
    comm.allreduce_sum(&mut v)?;
    assert_eq!(v[0], Complex::new((p * (p - 1) / 2) as f32, p as f32));
    let mut v = [me as f64 * 0.5, 1.0];
    comm.allreduce_sum(&mut v)?;
    assert_eq!(v, [(p * (p - 1)) as f64 / 4.0, p as f64]);
    let mut v = [u64::MAX, me as u64];
    comm.allreduce_sum(&mut v)?;
    assert_eq!(v, [u64::MAX.wrapping_mul(p as u64), (p * (p - 1) / 2) as u64]);
    let mut v = [1.0f32; 3];
    comm.allreduce_sum(&mut v)?;
    assert_eq!(v, [p as f32; 3]);
    let mut b = [me as f64; 3];
    comm.broadcast(&mut b, p - 1)?;
    assert_eq!(b, [(p - 1) as f64; 3]);
    let mut b = [Complex::new(me as f32, 2.0); 2];
    comm.broadcast(&mut b, 0)?;
    assert_eq!(b, [Complex::new(0.0f32, 2.0); 2]);
    comm.barrier()?;
    // A wrong broadcast root is an error on every rank, not a hang.
    assert!(comm.broadcast(&mut [0u64], p).is_err());
    Ok(())
}

/// Ranks that call a transform with different global shapes all get an error.
pub fn mismatched_shapes_are_errors<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    if p < 2 {
        return Ok(());
    }
    // Rank 1 believes the array is longer.
    let rows = if comm.rank() == 1 { 13 } else { 12 };
    let layout = Layout::new(&[rows, 4], 0, p)?;
    let x = Sharded::from_local(
        ArrayD::<C64>::zeros(layout.local_shape(comm.rank())),
        layout,
        comm.rank(),
    )?;
    let res = dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural);
    assert!(
        matches!(res, Err(Error::Mismatch { .. })),
        "rank {}: {res:?}",
        comm.rank()
    );
    // Different arguments on different ranks for one transform.
    let global = cplx(&[8, 8], 2);
    let x = Sharded::from_global(&global, Layout::new(&[8, 8], 0, p)?, comm.rank())?;
    let n = if comm.rank() == 0 { 8 } else { 6 };
    let res = dist::fft(comm, &x, Some(n), 0, Norm::Backward, Out::Natural);
    assert!(
        matches!(res, Err(Error::Mismatch { .. })),
        "rank {}: {res:?}",
        comm.rank()
    );
    let norm = if comm.rank() == p - 1 {
        Norm::Ortho
    } else {
        Norm::Backward
    };
    let res = dist::fft2(comm, &x, None, None, norm, Out::Transposed);
    assert!(
        matches!(res, Err(Error::Mismatch { .. })),
        "rank {}: {res:?}",
        comm.rank()
    );
    // (Ranks that make different collectives altogether, e.g. one transforms an unsplit axis
    // and communicates nothing, are caught by the in-process backend only: MPI cannot.)
    // The communicator still works afterwards.
    comm.barrier()
}

pub fn scatter_gather_round_trip<C: Comm>(comm: &C) -> Result<()> {
    let global = real(&[7, 3, 2], 4);
    for split in 0..3 {
        let g = (comm.rank() == 0).then(|| global.view());
        let x = Sharded::scatter(comm, g, split as isize, 0)?;
        assert_eq!(x.layout(), &Layout::new(&[7, 3, 2], split as isize, comm.size())?);
        let back = x.gather(comm, 0)?;
        assert_eq!(back.is_some(), comm.rank() == 0);
        if let Some(back) = back {
            assert_eq!(back, global);
        }
        let y = Sharded::from_blocks(comm, x.local().clone(), split as isize)?;
        assert_eq!(y.layout().bounds(), x.layout().bounds());
        assert_eq!(y.allgather(comm)?, global);
    }
    Ok(())
}

pub fn redistribute_every_pair_of_splits<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    for shape in [vec![5usize, 7], vec![3, 4, 5], vec![2, 9, 1]] {
        let global = cplx(&shape, 5);
        for a in 0..shape.len() {
            for b in 0..shape.len() {
                let from = Layout::new(&shape, a as isize, p)?;
                let to = from.with_split(b as isize)?;
                let x = Sharded::from_global(&global, from.clone(), comm.rank())?;
                let plan = Redistribute::new(&from, &to)?;
                let y = plan.apply(comm, &x)?;
                assert_eq!(y, Sharded::from_global(&global, to.clone(), comm.rank())?);
                if a == b || p == 1 {
                    assert_eq!(plan.elements_moved(), 0);
                }
            }
        }
    }
    // A 2-D transpose over P ranks moves (P-1)/P of the array: the minimum.
    let from = Layout::new(&[64, 48], 0, p)?;
    let plan = Redistribute::new(&from, &from.with_split(1)?)?;
    let mut moved = 0;
    for s in 0..p {
        for d in 0..p {
            if s != d {
                moved += dist::balanced_block(64, p, s).len() * dist::balanced_block(48, p, d).len();
            }
        }
    }
    assert_eq!(plan.elements_moved(), moved);
    Ok(())
}

pub fn redistribute_custom_bounds_and_scrambled_1d<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    let global = cplx(&[12], 6);
    // Rank 0 empty, the rest balanced over ranks 1.. (one rank: everything).
    let mut bounds = vec![0];
    if p > 1 {
        bounds.push(0);
        for r in 1..p {
            bounds.push(dist::balanced_block(12, p - 1, r - 1).end);
        }
    } else {
        bounds.push(12);
    }
    let uneven = Layout::with_bounds(&[12], 0, &bounds)?;
    let x = Sharded::from_global(&global, uneven.clone(), comm.rank())?;
    let even = Layout::new(&[12], 0, p)?;
    let y = Redistribute::new(&uneven, &even)?.apply(comm, &x)?;
    assert_eq!(y, Sharded::from_global(&global, even.clone(), comm.rank())?);
    // To the scrambled order of a four-step transform (12 = 3 · 4) and back.
    let s = dist::fft(comm, &y, None, 0, Norm::Backward, Out::Transposed)?
        .layout()
        .clone();
    if p > 1 {
        assert!(matches!(s.order(), Order::Scrambled { n1: 3, n2: 4 }), "{s:?}");
    }
    let z = Redistribute::new(&even, &s)?.apply(comm, &y)?;
    for (i, v) in z.local().iter().enumerate() {
        assert_eq!(*v, global[s.global_index(comm.rank(), i)]);
    }
    let back = Redistribute::new(&s, &even)?.apply(comm, &z)?;
    assert_eq!(back, y);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Transforms against the local library.

/// Checks a c2c transform of `global` split along `split`, in both output layouts, against `want`.
pub fn check_c2c<C: Comm>(
    comm: &C,
    global: &ArrayD<C64>,
    split: usize,
    want: &ArrayD<C64>,
    tol: f64,
    op: impl Fn(&C, &Sharded<C64>, Out) -> Result<Sharded<C64>>,
) -> Result<()> {
    let p = comm.size();
    for out in OUTS {
        let (got, layout) = sharded(comm, global, split, |c, x| op(c, x, out))?;
        let e = rel(&got, want);
        assert!(
            e < tol,
            "p={p} split={split} {out:?}: error {e:e} (shape {:?})",
            global.shape()
        );
        if out == Out::Natural {
            assert!(
                !layout.is_transposed(),
                "p={p}: natural output is transposed: {layout:?}"
            );
        }
    }
    Ok(())
}

/// fft, ifft (with resizing), fftn, ifft2 of 2-D and 3-D arrays (divisible and not) split on
/// every axis.
pub fn c2c_2d_and_3d_on_every_split<C: Comm>(comm: &C) -> Result<()> {
    for shape in [vec![6usize, 10], vec![8, 12], vec![7, 5], vec![3, 9], vec![4, 5, 6]] {
        let global = cplx(&shape, 7);
        for split in 0..shape.len() {
            for axis in 0..shape.len() as isize {
                let want = shardfft::fft(&global, None, axis, Norm::Backward)?;
                check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                    dist::fft(c, x, None, axis, Norm::Backward, o)
                })?;
                let want = shardfft::ifft(&global, Some(4), axis, Norm::Ortho)?;
                check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                    dist::ifft(c, x, Some(4), axis, Norm::Ortho, o)
                })?;
            }
            let want = shardfft::fftn(&global, None, None, Norm::Forward)?;
            check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                dist::fftn(c, x, None, None, Norm::Forward, o)
            })?;
            let want = shardfft::ifftn(&global, None, None, Norm::Backward)?;
            check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                dist::ifftn(c, x, None, None, Norm::Backward, o)
            })?;
            let want = shardfft::fft2(&global, None, None, Norm::Ortho)?;
            check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                dist::fft2(c, x, None, None, Norm::Ortho, o)
            })?;
            let want = shardfft::ifft2(&global, Some(&[3, 8]), None, Norm::Backward)?;
            check_c2c(comm, &global, split, &want, 1e-13, |c, x, o| {
                dist::ifft2(c, x, Some(&[3, 8]), None, Norm::Backward, o)
            })?;
            // Round trip through the transposed layout, which the inverse reads directly.
            let (back, layout) = sharded(comm, &global, split, |c, x| {
                let y = dist::fftn(c, x, None, None, Norm::Ortho, Out::Transposed)?;
                dist::ifftn(c, &y, None, None, Norm::Ortho, Out::Natural)
            })?;
            assert!(rel(&back, &global) < 1e-13, "fftn round trip {shape:?} split {split}");
            assert_eq!(layout, Layout::new(&shape, split as isize, comm.size())?);
        }
    }
    Ok(())
}

/// rfftn/irfftn, rfft, irfft2 of 2-D and 3-D real arrays split on every axis, both outputs.
pub fn real_2d_and_3d_on_every_split<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    for shape in [vec![6usize, 10], vec![7, 5], vec![4, 5, 6]] {
        let global = real(&shape, 8);
        for split in 0..shape.len() {
            for out in OUTS {
                let want = shardfft::rfftn(&global, None, None, Norm::Ortho)?;
                let (got, layout) = sharded(comm, &global, split, |c, x| {
                    dist::rfftn(c, x, None, None, Norm::Ortho, out)
                })?;
                assert!(rel(&got, &want) < 1e-13, "rfftn p={p} split={split} {out:?}");
                // The inverse of the (possibly transposed) spectrum returns the original layout.
                let n = shape.clone();
                let (back, back_layout) = sharded(comm, &global, split, |c, x| {
                    let z = dist::rfftn(c, x, None, None, Norm::Ortho, out)?;
                    assert_eq!(z.layout(), &layout);
                    dist::irfftn(c, &z, Some(&n), None, Norm::Ortho, Out::Natural)
                })?;
                assert!(
                    rel(&back, &global) < 1e-13,
                    "irfftn round trip p={p} split={split} {out:?}"
                );
                assert_eq!(back_layout, Layout::new(&shape, split as isize, p)?);
                let last = shape.len() as isize - 1;
                let want = shardfft::rfft(&global, Some(9), last, Norm::Backward)?;
                let (got, _) = sharded(comm, &global, split, |c, x| {
                    dist::rfft(c, x, Some(9), last, Norm::Backward, out)
                })?;
                assert!(rel(&got, &want) < 1e-13, "rfft p={p} split={split} {out:?}");
                let spec = shardfft::rfft2(&global, None, Some(&[0, 1]), Norm::Backward)?;
                let want = shardfft::irfft2(&spec, Some(&[shape[0], 7]), Some(&[0, 1]), Norm::Forward)?;
                let (got, _) = sharded(comm, &spec, split, |c, x| {
                    dist::irfft2(c, x, Some(&[shape[0], 7]), Some(&[0, 1]), Norm::Forward, out)
                })?;
                assert!(rel(&got, &want) < 1e-13, "irfft2 p={p} split={split} {out:?}");
                let want = shardfft::irfft(&spec, None, 0, Norm::Ortho)?;
                let (got, _) = sharded(comm, &spec, split, |c, x| dist::irfft(c, x, None, 0, Norm::Ortho, out))?;
                assert!(rel(&got, &want) < 1e-13, "irfft p={p} split={split} {out:?}");
            }
        }
    }
    Ok(())
}

/// A single-precision 2-D transform to the transposed layout and back.
pub fn f32_2d_transposed_round_trip<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    let global = cplx(&[33, 40], 9).mapv(|z| Complex::new(z.re as f32, z.im as f32));
    let want = shardfft::fft2(&global, None, None, Norm::Backward)?;
    let (got, layout) = sharded(comm, &global, 0, |c, x| {
        dist::fft2(c, x, None, None, Norm::Backward, Out::Transposed)
    })?;
    if p > 1 {
        assert_eq!(layout.split_axis(), 1);
    }
    let (e, scale) = (&got - &want, want.iter().map(|z| z.norm_sqr()).sum::<f32>().sqrt());
    assert!(e.iter().map(|z| z.norm_sqr()).sum::<f32>().sqrt() / scale < 1e-6);
    let (back, layout) = sharded(comm, &global, 0, |c, x| {
        let y = dist::fft2(c, x, None, None, Norm::Backward, Out::Transposed)?;
        dist::ifft2(c, &y, None, None, Norm::Backward, Out::Natural)
    })?;
    assert_eq!(layout, Layout::new(&[33, 40], 0, p)?);
    let e = &back - &global;
    assert!(e.iter().map(|z| z.norm()).fold(0.0f32, f32::max) < 1e-5);
    Ok(())
}

/// The 1-D four-step c2c transform of each length in `lens`: natural and scrambled output,
/// resizing, and the round trip through the scrambled order.
pub fn four_step_1d_c2c<C: Comm>(comm: &C, lens: &[usize]) -> Result<()> {
    let p = comm.size();
    for &n in lens {
        let global = cplx(&[n], n as u64);
        let tol = 1e-12;
        let want = shardfft::fft(&global, None, 0, Norm::Backward)?;
        check_c2c(comm, &global, 0, &want, tol, |c, x, o| {
            dist::fft(c, x, None, 0, Norm::Backward, o)
        })?;
        let want = shardfft::ifft(&global, Some(n + 5), 0, Norm::Ortho)?;
        check_c2c(comm, &global, 0, &want, tol, |c, x, o| {
            dist::ifft(c, x, Some(n + 5), 0, Norm::Ortho, o)
        })?;
        let (back, layout) = sharded(comm, &global, 0, |c, x| {
            let y = dist::fft(c, x, None, 0, Norm::Forward, Out::Transposed)?;
            dist::ifft(c, &y, None, 0, Norm::Forward, Out::Natural)
        })?;
        assert!(rel(&back, &global) < tol, "n={n} p={p}");
        assert_eq!(layout, Layout::new(&[n], 0, p)?);
    }
    Ok(())
}

/// The 1-D real transforms (rfft, irfft, with every norm and with resizing).
pub fn four_step_1d_real<C: Comm>(comm: &C, lens: &[usize]) -> Result<()> {
    let p = comm.size();
    for &n in lens {
        let global = real(&[n], 10 + n as u64);
        for norm in NORMS {
            let want = shardfft::rfft(&global, None, 0, norm)?;
            let (got, _) = sharded(comm, &global, 0, |c, x| dist::rfft(c, x, None, 0, norm, Out::Natural))?;
            assert!(rel(&got, &want) < 1e-12, "rfft n={n} p={p}");
            let want_back = shardfft::irfft(&want, Some(n), 0, norm)?;
            let (back, _) = sharded(comm, &want, 0, |c, x| dist::irfft(c, x, Some(n), 0, norm, Out::Natural))?;
            assert!(rel(&back, &want_back) < 1e-12, "irfft n={n} p={p}");
            assert!(rel(&back, &global) < 1e-12, "irfft round trip n={n} p={p}");
        }
        // Resizing on the way in and a spectrum with an imaginary DC part.
        let spec = cplx(&[n / 2 + 3], 11);
        let want = shardfft::irfft(&spec, Some(n), 0, Norm::Backward)?;
        let (got, _) = sharded(comm, &spec, 0, |c, x| {
            dist::irfft(c, x, Some(n), 0, Norm::Backward, Out::Natural)
        })?;
        assert!(rel(&got, &want) < 1e-12, "irfft resize n={n} p={p}");
    }
    Ok(())
}

/// A long 1-D c2c four-step transform, natural and scrambled.
pub fn four_step_1d_long<C: Comm>(comm: &C, n: usize) -> Result<()> {
    let global = cplx(&[n], 12);
    let want = shardfft::fft(&global, None, 0, Norm::Backward)?;
    for out in OUTS {
        let (got, _) = sharded(comm, &global, 0, |c, x| dist::fft(c, x, None, 0, Norm::Backward, out))?;
        let e = rel(&got, &want);
        assert!(e < 1e-13, "n={n} p={} {out:?}: {e:e}", comm.size());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// VJPs: the dot-product identity Re⟨A x, g⟩ = Re⟨x, A* g⟩.

pub fn dot<A: Copy + Into<C64>, B: Copy + Into<C64>>(a: &ArrayD<A>, b: &ArrayD<B>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter().zip(b).map(|(&a, &b)| (a.into().conj() * b.into()).re).sum()
}

/// Runs forward and VJP on the ranks; returns the dot-product mismatch relative to the
/// Cauchy-Schwarz bound.
pub fn dot_test<C, A, B>(
    comm: &C,
    x: &ArrayD<A>,
    split: usize,
    seed: u64,
    g_of: impl Fn(&[usize], u64) -> ArrayD<B>,
    fwd: impl Fn(&C, &Sharded<A>) -> Result<Sharded<B>>,
    vjp: impl Fn(&C, &Layout, &Sharded<B>) -> Result<Sharded<A>>,
) -> Result<f64>
where
    C: Comm,
    A: CommData + Into<C64>,
    B: CommData + Into<C64>,
{
    let xs = Sharded::from_global(x, Layout::new(x.shape(), split as isize, comm.size())?, comm.rank())?;
    let y = fwd(comm, &xs)?;
    let g = g_of(y.layout().shape(), seed);
    let gs = Sharded::from_global(&g, y.layout().clone(), comm.rank())?;
    let dx = vjp(comm, xs.layout(), &gs)?;
    assert_eq!(dx.layout(), xs.layout());
    let (y, dx) = (y.allgather(comm)?, dx.allgather(comm)?);
    let (lhs, rhs) = (dot(&y, &g), dot(x, &dx));
    Ok((lhs - rhs).abs() / (dot(&y, &y) * dot(&g, &g)).sqrt().max(1e-300))
}

/// The dot-product test of every VJP, for the given (shape, split) cases; returns the worst
/// mismatch.
pub fn vjps_pass_the_dot_product_test<C: Comm>(comm: &C, cases: &[(Vec<usize>, usize)]) -> Result<f64> {
    let p = comm.size();
    let mut worst: f64 = 0.0;
    for (shape, split) in cases {
        let (shape, split) = (shape.clone(), *split);
        for out in OUTS {
            for norm in NORMS {
                let xc = cplx(&shape, 20);
                let xr = real(&shape, 21);
                let nd = shape.len() > 1;
                let ax = 0isize;
                let s: Vec<usize> = shape.iter().map(|&n| n + 1).collect();
                let s = if nd { Some(&s[..]) } else { None };
                let n0 = Some(shape[0] + 2);
                let mut errs = vec![
                    dot_test(
                        comm,
                        &xc,
                        split,
                        1,
                        cplx,
                        |c, x| dist::fft(c, x, n0, ax, norm, out),
                        |c, l, g| dist::fft_vjp(c, l, g, n0, ax, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xc,
                        split,
                        2,
                        cplx,
                        |c, x| dist::ifft(c, x, None, ax, norm, out),
                        |c, l, g| dist::ifft_vjp(c, l, g, None, ax, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xc,
                        split,
                        3,
                        cplx,
                        |c, x| dist::fftn(c, x, s, None, norm, out),
                        |c, l, g| dist::fftn_vjp(c, l, g, s, None, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xc,
                        split,
                        4,
                        cplx,
                        |c, x| dist::ifftn(c, x, None, None, norm, out),
                        |c, l, g| dist::ifftn_vjp(c, l, g, None, None, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xr,
                        split,
                        5,
                        cplx,
                        |c, x| dist::rfftn(c, x, s, None, norm, out),
                        |c, l, g| dist::rfftn_vjp(c, l, g, s, None, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xr,
                        split,
                        6,
                        cplx,
                        |c, x| dist::rfft(c, x, None, -1, norm, out),
                        |c, l, g| dist::rfft_vjp(c, l, g, None, -1, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xc,
                        split,
                        7,
                        real,
                        |c, x| dist::irfftn(c, x, None, None, norm, out),
                        |c, l, g| dist::irfftn_vjp(c, l, g, None, None, norm, out),
                    )?,
                    dot_test(
                        comm,
                        &xc,
                        split,
                        8,
                        real,
                        |c, x| dist::irfft(c, x, Some(9), -1, norm, out),
                        |c, l, g| dist::irfft_vjp(c, l, g, Some(9), -1, norm, out),
                    )?,
                ];
                if nd {
                    errs.push(dot_test(
                        comm,
                        &xc,
                        split,
                        9,
                        cplx,
                        |c, x| dist::fft2(c, x, None, None, norm, out),
                        |c, l, g| dist::fft2_vjp(c, l, g, None, None, norm, out),
                    )?);
                    errs.push(dot_test(
                        comm,
                        &xc,
                        split,
                        10,
                        cplx,
                        |c, x| dist::ifft2(c, x, None, None, norm, out),
                        |c, l, g| dist::ifft2_vjp(c, l, g, None, None, norm, out),
                    )?);
                    errs.push(dot_test(
                        comm,
                        &xr,
                        split,
                        11,
                        cplx,
                        |c, x| dist::rfft2(c, x, None, None, norm, out),
                        |c, l, g| dist::rfft2_vjp(c, l, g, None, None, norm, out),
                    )?);
                    errs.push(dot_test(
                        comm,
                        &xc,
                        split,
                        12,
                        real,
                        |c, x| dist::irfft2(c, x, None, None, norm, out),
                        |c, l, g| dist::irfft2_vjp(c, l, g, None, None, norm, out),
                    )?);
                }
                for (i, e) in errs.iter().enumerate() {
                    assert!(
                        *e < 1e-11,
                        "shape {shape:?} split {split} p={p} {out:?} {norm:?}: check {i} off by {e:e}"
                    );
                    worst = worst.max(*e);
                }
            }
        }
    }
    Ok(worst)
}

/// The VJP cases of the full suite.
pub fn vjp_cases() -> Vec<(Vec<usize>, usize)> {
    vec![
        (vec![6, 10], 0),
        (vec![7, 5], 1),
        (vec![4, 5, 6], 2),
        (vec![30], 0),
        (vec![1009], 0),
    ]
}

/// The sharded VJP equals the local gradient of the gathered array; a cotangent in the wrong
/// layout is an error on every rank.
pub fn vjps_match_the_local_gradients<C: Comm>(comm: &C) -> Result<()> {
    let p = comm.size();
    let x_shape = [6usize, 10];
    let g = cplx(&[6, 12], 30);
    let want = shardfft::grad::fftn_vjp(&x_shape, &g, Some(&[6, 12]), None, Norm::Ortho)?;
    let x_layout = Layout::new(&x_shape, 0, p)?;
    let gs = Sharded::from_global(&g, Layout::new(&[6, 12], 0, p)?, comm.rank())?;
    let got = dist::fftn_vjp(comm, &x_layout, &gs, Some(&[6, 12]), None, Norm::Ortho, Out::Natural)?.allgather(comm)?;
    assert!(rel(&got, &want) < 1e-13);
    if p > 1 {
        let gs = Sharded::from_global(&g, Layout::new(&[6, 12], 1, p)?, comm.rank())?;
        let res = dist::fftn_vjp(comm, &x_layout, &gs, Some(&[6, 12]), None, Norm::Ortho, Out::Natural);
        assert!(matches!(res, Err(Error::InvalidArgument(_))), "{res:?}");
    }
    comm.barrier()
}

/// Every check of the suite in one call (what `examples/mpi_check.rs` runs); `log` is called
/// with each check's name before it runs.
pub fn run_all<C: Comm>(comm: &C, mut log: impl FnMut(&str)) -> Result<()> {
    log("collectives");
    collectives(comm)?;
    log("mismatched shapes are errors on every rank");
    mismatched_shapes_are_errors(comm)?;
    log("scatter/gather round trip");
    scatter_gather_round_trip(comm)?;
    log("redistribute between every pair of splits");
    redistribute_every_pair_of_splits(comm)?;
    log("redistribute: custom bounds and scrambled 1-D");
    redistribute_custom_bounds_and_scrambled_1d(comm)?;
    log("c2c 2-D and 3-D on every split");
    c2c_2d_and_3d_on_every_split(comm)?;
    log("real 2-D and 3-D on every split");
    real_2d_and_3d_on_every_split(comm)?;
    log("f32 2-D transposed round trip");
    f32_2d_transposed_round_trip(comm)?;
    log("four-step 1-D c2c (1, 2, 7, 12, 60, 1009, 1024, 2^16)");
    four_step_1d_c2c(comm, &[1, 2, 7, 12, 60, 1009, 1024, 1 << 16])?;
    log("four-step 1-D real (2, 9, 16, 1009, 1000)");
    four_step_1d_real(comm, &[2, 9, 16, 1009, 1000])?;
    log("four-step 1-D c2c 2^20");
    four_step_1d_long(comm, 1 << 20)?;
    log("VJP dot-product tests");
    let worst = vjps_pass_the_dot_product_test(comm, &vjp_cases())?;
    log(&format!("(worst relative dot-product mismatch {worst:.1e})"));
    log("VJPs match the local gradients");
    vjps_match_the_local_gradients(comm)?;
    conv::run_all(comm, &mut log)
}

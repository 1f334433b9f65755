//! Sharded arrays on the in-process backend: collectives, failure propagation, redistribution,
//! every sharded transform against the local transform of the gathered array, and the VJPs'
//! dot-product identity.

use std::time::{Duration, Instant};

use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shardfft::dist::{
    self, run_threads, run_threads_with_timeout, Comm, CommData, Layout, Order, Out, Redistribute, Sharded, ThreadComm,
};
use shardfft::{Complex, Error, Norm, Result};

type C64 = Complex<f64>;

const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn real(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut r = rng(seed);
    ArrayD::from_shape_fn(IxDyn(shape), |_| r.random::<f64>() - 0.5)
}

fn cplx(shape: &[usize], seed: u64) -> ArrayD<C64> {
    let mut r = rng(seed);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        Complex::new(r.random::<f64>() - 0.5, r.random::<f64>() - 0.5)
    })
}

/// Relative L2 distance of two arrays of the same shape.
fn rel<A: Copy + Into<C64>>(got: &ArrayD<A>, want: &ArrayD<A>) -> f64 {
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    let (mut num, mut den) = (0.0, 0.0);
    for (&g, &w) in got.iter().zip(want) {
        let (g, w): (C64, C64) = (g.into(), w.into());
        num += (g - w).norm_sqr();
        den += w.norm_sqr();
    }
    if den == 0.0 {
        num.sqrt()
    } else {
        (num / den).sqrt()
    }
}

/// Runs `f` on `p` thread ranks (with a deadlock guard) and unwraps every rank's result.
fn ranks<R: Send>(p: usize, f: impl Fn(&ThreadComm) -> Result<R> + Sync) -> Vec<R> {
    run_threads_with_timeout(p, Duration::from_secs(60), f)
        .into_iter()
        .enumerate()
        .map(|(r, x)| x.unwrap_or_else(|e| panic!("rank {r} of {p}: {e}")))
        .collect()
}

/// Splits `global` along `split` over `p` ranks, applies `op`, and returns (gathered output,
/// output layout) as rank 0 sees them, checking that every rank agrees on the layout.
fn sharded<A, B>(
    global: &ArrayD<A>,
    split: usize,
    p: usize,
    op: impl Fn(&ThreadComm, &Sharded<A>) -> Result<Sharded<B>> + Sync,
) -> (ArrayD<B>, Layout)
where
    A: CommData,
    B: CommData,
{
    let out = ranks(p, |comm| {
        let x = Sharded::from_global(
            global,
            Layout::new(global.shape(), split as isize, comm.size())?,
            comm.rank(),
        )?;
        let y = op(comm, &x)?;
        Ok((y.allgather(comm)?, y.layout().clone()))
    });
    for (r, (_, layout)) in out.iter().enumerate() {
        assert_eq!(layout, &out[0].1, "rank {r} disagrees on the output layout");
    }
    out.into_iter().next().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Collectives and failures.

#[test]
fn collectives_on_1_to_8_ranks() {
    for p in 1..=8 {
        let out = ranks(p, |comm| {
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
            let mut v = [Complex::new(me as f32, 1.0)];
            comm.allreduce_sum(&mut v)?;
            assert_eq!(v[0], Complex::new((p * (p - 1) / 2) as f32, p as f32));
            let mut b = [me as f64; 3];
            comm.broadcast(&mut b, p - 1)?;
            assert_eq!(b, [(p - 1) as f64; 3]);
            comm.barrier()?;
            Ok(me)
        });
        assert_eq!(out, (0..p).collect::<Vec<_>>());
    }
}

#[test]
fn a_panicking_rank_fails_every_rank_quickly() {
    for p in [2, 3, 8] {
        let t = Instant::now();
        let out = run_threads(p, |comm| {
            comm.barrier()?;
            if comm.rank() == p - 1 {
                panic!("rank exploded");
            }
            // The others wait in collectives that can never complete.
            comm.barrier()?;
            comm.barrier()
        });
        assert!(t.elapsed() < Duration::from_secs(5));
        for (r, res) in out.iter().enumerate() {
            match res {
                Err(Error::RankFailed { rank, message }) => {
                    assert_eq!(*rank, p - 1, "rank {r}");
                    assert!(message.contains("rank exploded"), "{message}");
                }
                other => panic!("rank {r}: expected RankFailed, got {other:?}"),
            }
        }
    }
}

#[test]
fn an_erroring_rank_fails_every_rank_inside_a_transform() {
    let global = cplx(&[64, 64], 1);
    let t = Instant::now();
    let out = run_threads(4, |comm| {
        let x = Sharded::from_global(&global, Layout::new(&[64, 64], 0, 4)?, comm.rank())?;
        if comm.rank() == 2 {
            return Err(Error::InvalidArgument("bad input on rank 2".into()));
        }
        dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural)?;
        Ok(())
    });
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(matches!(&out[2], Err(Error::InvalidArgument(_))));
    for r in [0, 1, 3] {
        assert!(
            matches!(&out[r], Err(Error::RankFailed { rank: 2, .. })),
            "rank {r}: {:?}",
            out[r]
        );
    }
}

#[test]
fn mismatched_shapes_are_an_error_on_every_rank() {
    let t = Instant::now();
    let out = run_threads(3, |comm| {
        // Rank 1 believes the array is longer.
        let rows = if comm.rank() == 1 { 13 } else { 12 };
        let layout = Layout::new(&[rows, 4], 0, 3)?;
        let x = Sharded::from_local(
            ArrayD::<C64>::zeros(layout.local_shape(comm.rank())),
            layout,
            comm.rank(),
        )?;
        dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural).map(|_| ())
    });
    assert!(t.elapsed() < Duration::from_secs(5));
    for (r, res) in out.iter().enumerate() {
        assert!(matches!(res, Err(Error::Mismatch { .. })), "rank {r}: {res:?}");
    }
}

#[test]
fn mismatched_collectives_are_an_error_on_every_rank() {
    let t = Instant::now();
    // Different operations in the same step.
    let out = run_threads(3, |comm| {
        if comm.rank() == 0 {
            comm.barrier()
        } else {
            comm.allreduce_sum(&mut [1.0f64])
        }
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    // Different transforms (axis 0 needs communication, axis 1 does not).
    let global = cplx(&[8, 8], 2);
    let out = run_threads(2, |comm| {
        let x = Sharded::from_global(&global, Layout::new(&[8, 8], 0, 2)?, comm.rank())?;
        let axis = if comm.rank() == 0 { 0 } else { 1 };
        dist::fft(comm, &x, None, axis, Norm::Backward, Out::Natural).map(|_| ())
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    // Counts that do not match.
    let out = run_threads(2, |comm| {
        let mut recv = vec![0.0f32; 2];
        comm.alltoallv(
            &[1.0f32, 2.0],
            &[1, 1],
            &mut recv,
            &[
                if comm.rank() == 0 { 2 } else { 1 },
                if comm.rank() == 0 { 0 } else { 1 },
            ],
        )
    });
    assert!(out.iter().all(|r| matches!(r, Err(Error::Mismatch { .. }))), "{out:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_timeout_turns_a_deadlock_into_errors() {
    let t = Instant::now();
    let out = run_threads_with_timeout(2, Duration::from_millis(300), |comm| {
        if comm.rank() == 0 {
            std::thread::sleep(Duration::from_secs(2));
            return Ok(());
        }
        comm.barrier()
    });
    assert!(out.iter().all(|r| r.is_err()), "{out:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

/// A communicator that refuses to communicate: proves a call is purely local.
struct NoComm(usize, usize);

impl Comm for NoComm {
    fn rank(&self) -> usize {
        self.0
    }
    fn size(&self) -> usize {
        self.1
    }
    fn alltoallv<T: CommData>(&self, _: &[T], _: &[usize], _: &mut [T], _: &[usize]) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn allreduce_sum<T: CommData>(&self, _: &mut [T]) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn broadcast<T: CommData>(&self, _: &mut [T], _: usize) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
    fn barrier(&self) -> Result<()> {
        Err(Error::Comm("communicated".into()))
    }
}

#[test]
fn transforms_along_unsplit_axes_do_not_communicate() {
    let global = cplx(&[6, 10, 4], 3);
    let p = 4;
    for rank in 0..p {
        let comm = NoComm(rank, p);
        let layout = Layout::new(&[6, 10, 4], 0, p).unwrap();
        let x = Sharded::from_global(&global, layout.clone(), rank).unwrap();
        let y = dist::fft(&comm, &x, Some(7), 2, Norm::Ortho, Out::Natural).unwrap();
        let want = shardfft::fft(x.local(), Some(7), 2, Norm::Ortho).unwrap();
        assert_eq!(y.local(), &want);
        let z = dist::fftn(&comm, &x, None, Some(&[1, 2]), Norm::Backward, Out::Natural).unwrap();
        assert_eq!(z.layout().split_axis(), 0);
        let xr = Sharded::from_global(&global.mapv(|z| z.re), layout.clone(), rank).unwrap();
        let r = dist::rfftn(&comm, &xr, None, Some(&[1, 2]), Norm::Backward, Out::Natural).unwrap();
        assert_eq!(r.layout().shape(), &[6, 10, 3]);
        assert!(dist::fft(&comm, &x, None, 0, Norm::Backward, Out::Natural).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Layouts, scatter/gather, redistribution.

#[test]
fn scatter_gather_and_blocks_round_trip() {
    let global = real(&[7, 3, 2], 4);
    for p in 1..=8 {
        for split in 0..3 {
            let out = ranks(p, |comm| {
                let g = (comm.rank() == 0).then(|| global.view());
                let x = Sharded::scatter(comm, g, split as isize, 0)?;
                assert_eq!(x.layout(), &Layout::new(&[7, 3, 2], split as isize, p)?);
                let back = x.gather(comm, 0)?;
                assert_eq!(back.is_some(), comm.rank() == 0);
                let y = Sharded::from_blocks(comm, x.local().clone(), split as isize)?;
                assert_eq!(y.layout().bounds(), x.layout().bounds());
                Ok(back)
            });
            assert_eq!(out[0].as_ref().unwrap(), &global);
        }
    }
}

#[test]
fn redistribute_between_every_pair_of_splits() {
    for shape in [vec![5usize, 7], vec![3, 4, 5], vec![2, 9, 1]] {
        let global = cplx(&shape, 5);
        for p in 1..=8 {
            for a in 0..shape.len() {
                for b in 0..shape.len() {
                    let out = ranks(p, |comm| {
                        let from = Layout::new(&shape, a as isize, p)?;
                        let to = from.with_split(b as isize)?;
                        let x = Sharded::from_global(&global, from.clone(), comm.rank())?;
                        let plan = Redistribute::new(&from, &to)?;
                        let y = plan.apply(comm, &x)?;
                        assert_eq!(y, Sharded::from_global(&global, to.clone(), comm.rank())?);
                        Ok(plan.elements_moved())
                    });
                    if a == b || p == 1 {
                        assert_eq!(out[0], 0);
                    }
                }
            }
        }
    }
}

#[test]
fn redistribute_custom_bounds_and_scrambled_1d() {
    let global = cplx(&[12], 6);
    let out = ranks(3, |comm| {
        let uneven = Layout::with_bounds(&[12], 0, &[0, 0, 9, 12])?;
        let x = Sharded::from_global(&global, uneven.clone(), comm.rank())?;
        let even = Layout::new(&[12], 0, 3)?;
        let y = Redistribute::new(&uneven, &even)?.apply(comm, &x)?;
        assert_eq!(y, Sharded::from_global(&global, even.clone(), comm.rank())?);
        // To the scrambled order of a four-step transform (12 = 3 · 4) and back.
        let s = dist::fft(comm, &y, None, 0, Norm::Backward, Out::Transposed)?
            .layout()
            .clone();
        assert!(matches!(s.order(), Order::Scrambled { n1: 3, n2: 4 }));
        let z = Redistribute::new(&even, &s)?.apply(comm, &y)?;
        for (i, v) in z.local().iter().enumerate() {
            assert_eq!(*v, global[s.global_index(comm.rank(), i)]);
        }
        let back = Redistribute::new(&s, &even)?.apply(comm, &z)?;
        assert_eq!(back, y);
        Ok(())
    });
    assert_eq!(out.len(), 3);
}

#[test]
fn redistribution_moves_each_element_once() {
    // A 2-D transpose over P ranks moves (P-1)/P of the array: the minimum for the decomposition.
    let from = Layout::new(&[64, 48], 0, 4).unwrap();
    let plan = Redistribute::new(&from, &from.with_split(1).unwrap()).unwrap();
    assert_eq!(plan.elements_moved(), 64 * 48 * 3 / 4);
}

// ---------------------------------------------------------------------------------------------
// Transforms against the local library.

/// Checks a c2c transform of `global` split along `split` over 1..=8 ranks against `want`.
fn check_c2c(
    global: &ArrayD<C64>,
    split: usize,
    want: &ArrayD<C64>,
    tol: f64,
    op: impl Fn(&ThreadComm, &Sharded<C64>, Out) -> Result<Sharded<C64>> + Sync,
) {
    for p in 1..=8 {
        for out in [Out::Natural, Out::Transposed] {
            let (got, layout) = sharded(global, split, p, |comm, x| op(comm, x, out));
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
    }
}

#[test]
fn c2c_2d_and_3d_on_every_split() {
    for shape in [vec![6usize, 10], vec![7, 5], vec![3, 9], vec![4, 5, 6]] {
        let global = cplx(&shape, 7);
        for split in 0..shape.len() {
            for axis in 0..shape.len() as isize {
                let want = shardfft::fft(&global, None, axis, Norm::Backward).unwrap();
                check_c2c(&global, split, &want, 1e-13, |c, x, o| {
                    dist::fft(c, x, None, axis, Norm::Backward, o)
                });
                let want = shardfft::ifft(&global, Some(4), axis, Norm::Ortho).unwrap();
                check_c2c(&global, split, &want, 1e-13, |c, x, o| {
                    dist::ifft(c, x, Some(4), axis, Norm::Ortho, o)
                });
            }
            let want = shardfft::fftn(&global, None, None, Norm::Forward).unwrap();
            check_c2c(&global, split, &want, 1e-13, |c, x, o| {
                dist::fftn(c, x, None, None, Norm::Forward, o)
            });
            let want = shardfft::ifft2(&global, Some(&[3, 8]), None, Norm::Backward).unwrap();
            check_c2c(&global, split, &want, 1e-13, |c, x, o| {
                dist::ifft2(c, x, Some(&[3, 8]), None, Norm::Backward, o)
            });
        }
    }
}

#[test]
fn real_2d_and_3d_on_every_split() {
    for shape in [vec![6usize, 10], vec![7, 5], vec![4, 5, 6]] {
        let global = real(&shape, 8);
        for split in 0..shape.len() {
            for p in [1, 2, 3, 8] {
                for out in [Out::Natural, Out::Transposed] {
                    let want = shardfft::rfftn(&global, None, None, Norm::Ortho).unwrap();
                    let (got, layout) = sharded(&global, split, p, |c, x| {
                        dist::rfftn(c, x, None, None, Norm::Ortho, out)
                    });
                    assert!(rel(&got, &want) < 1e-13, "rfftn p={p} split={split} {out:?}");
                    // The inverse of the (possibly transposed) spectrum returns the original layout.
                    let n = shape.clone();
                    let (back, back_layout) = sharded(&global, split, p, |c, x| {
                        let z = dist::rfftn(c, x, None, None, Norm::Ortho, out)?;
                        assert_eq!(z.layout(), &layout);
                        dist::irfftn(c, &z, Some(&n), None, Norm::Ortho, Out::Natural)
                    });
                    assert!(
                        rel(&back, &global) < 1e-13,
                        "irfftn round trip p={p} split={split} {out:?}"
                    );
                    assert_eq!(back_layout, Layout::new(&shape, split as isize, p).unwrap());
                    let last = shape.len() as isize - 1;
                    let want = shardfft::rfft(&global, Some(9), last, Norm::Backward).unwrap();
                    let (got, _) = sharded(&global, split, p, |c, x| {
                        dist::rfft(c, x, Some(9), last, Norm::Backward, out)
                    });
                    assert!(rel(&got, &want) < 1e-13, "rfft p={p} split={split} {out:?}");
                    let spec = shardfft::rfft2(&global, None, Some(&[0, 1]), Norm::Backward).unwrap();
                    let want = shardfft::irfft2(&spec, Some(&[shape[0], 7]), Some(&[0, 1]), Norm::Forward).unwrap();
                    let (got, _) = sharded(&spec, split, p, |c, x| {
                        dist::irfft2(c, x, Some(&[shape[0], 7]), Some(&[0, 1]), Norm::Forward, out)
                    });
                    assert!(rel(&got, &want) < 1e-13, "irfft2 p={p} split={split} {out:?}");
                }
            }
        }
    }
}

#[test]
fn f32_2d_transposed_round_trip() {
    let global = cplx(&[33, 40], 9).mapv(|z| Complex::new(z.re as f32, z.im as f32));
    let want = shardfft::fft2(&global, None, None, Norm::Backward).unwrap();
    for p in [2, 5] {
        let (got, layout) = sharded(&global, 0, p, |c, x| {
            dist::fft2(c, x, None, None, Norm::Backward, Out::Transposed)
        });
        assert_eq!(layout.split_axis(), 1);
        let (e, scale) = (&got - &want, want.iter().map(|z| z.norm_sqr()).sum::<f32>().sqrt());
        assert!(e.iter().map(|z| z.norm_sqr()).sum::<f32>().sqrt() / scale < 1e-6);
        let (back, layout) = sharded(&global, 0, p, |c, x| {
            let y = dist::fft2(c, x, None, None, Norm::Backward, Out::Transposed)?;
            dist::ifft2(c, &y, None, None, Norm::Backward, Out::Natural)
        });
        assert_eq!(layout, Layout::new(&[33, 40], 0, p).unwrap());
        let e = &back - &global;
        assert!(e.iter().map(|z| z.norm()).fold(0.0f32, f32::max) < 1e-5);
    }
}

#[test]
fn four_step_1d_c2c() {
    for n in [1usize, 2, 7, 12, 60, 1009, 1024] {
        let global = cplx(&[n], n as u64);
        let want = shardfft::fft(&global, None, 0, Norm::Backward).unwrap();
        check_c2c(&global, 0, &want, 1e-12, |c, x, o| {
            dist::fft(c, x, None, 0, Norm::Backward, o)
        });
        let want = shardfft::ifft(&global, Some(n + 5), 0, Norm::Ortho).unwrap();
        check_c2c(&global, 0, &want, 1e-12, |c, x, o| {
            dist::ifft(c, x, Some(n + 5), 0, Norm::Ortho, o)
        });
        // Round trip through the scrambled order, which the inverse reads directly.
        for p in [2, 3, 8] {
            let (back, layout) = sharded(&global, 0, p, |c, x| {
                let y = dist::fft(c, x, None, 0, Norm::Forward, Out::Transposed)?;
                dist::ifft(c, &y, None, 0, Norm::Forward, Out::Natural)
            });
            assert!(rel(&back, &global) < 1e-12, "n={n} p={p}");
            assert_eq!(layout, Layout::new(&[n], 0, p).unwrap());
        }
    }
}

#[test]
fn four_step_1d_real() {
    for n in [2usize, 9, 16, 1009, 1000] {
        let global = real(&[n], 10 + n as u64);
        for p in [1, 2, 4, 7] {
            for norm in NORMS {
                let want = shardfft::rfft(&global, None, 0, norm).unwrap();
                let (got, _) = sharded(&global, 0, p, |c, x| dist::rfft(c, x, None, 0, norm, Out::Natural));
                assert!(rel(&got, &want) < 1e-12, "rfft n={n} p={p}");
                let want_back = shardfft::irfft(&want, Some(n), 0, norm).unwrap();
                let (back, _) = sharded(&want, 0, p, |c, x| dist::irfft(c, x, Some(n), 0, norm, Out::Natural));
                assert!(rel(&back, &want_back) < 1e-12, "irfft n={n} p={p}");
                assert!(rel(&back, &global) < 1e-12, "irfft round trip n={n} p={p}");
            }
            // Resizing on the way in and a spectrum with an imaginary DC part.
            let spec = cplx(&[n / 2 + 3], 11);
            let want = shardfft::irfft(&spec, Some(n), 0, Norm::Backward).unwrap();
            let (got, _) = sharded(&spec, 0, p, |c, x| {
                dist::irfft(c, x, Some(n), 0, Norm::Backward, Out::Natural)
            });
            assert!(rel(&got, &want) < 1e-12, "irfft resize n={n} p={p}");
        }
    }
}

#[test]
fn four_step_1d_long() {
    let n = 1 << 20;
    let global = cplx(&[n], 12);
    let want = shardfft::fft(&global, None, 0, Norm::Backward).unwrap();
    for p in [3, 4] {
        for out in [Out::Natural, Out::Transposed] {
            let (got, _) = sharded(&global, 0, p, |c, x| dist::fft(c, x, None, 0, Norm::Backward, out));
            let e = rel(&got, &want);
            assert!(e < 1e-13, "2^20 p={p} {out:?}: {e:e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// VJPs: the dot-product identity Re⟨A x, g⟩ = Re⟨x, A* g⟩.

fn dot<A: Copy + Into<C64>, B: Copy + Into<C64>>(a: &ArrayD<A>, b: &ArrayD<B>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter().zip(b).map(|(&a, &b)| (a.into().conj() * b.into()).re).sum()
}

/// Runs forward and VJP on `p` ranks: returns (x, A x, g, A* g) as global arrays.
fn dot_test<A, B>(
    x: &ArrayD<A>,
    split: usize,
    p: usize,
    seed: u64,
    g_of: impl Fn(&[usize], u64) -> ArrayD<B> + Sync,
    fwd: impl Fn(&ThreadComm, &Sharded<A>) -> Result<Sharded<B>> + Sync,
    vjp: impl Fn(&ThreadComm, &Layout, &Sharded<B>) -> Result<Sharded<A>> + Sync,
) -> f64
where
    A: CommData + Into<C64>,
    B: CommData + Into<C64>,
{
    let out = ranks(p, |comm| {
        let xs = Sharded::from_global(x, Layout::new(x.shape(), split as isize, p)?, comm.rank())?;
        let y = fwd(comm, &xs)?;
        let g = g_of(y.layout().shape(), seed);
        let gs = Sharded::from_global(&g, y.layout().clone(), comm.rank())?;
        let dx = vjp(comm, xs.layout(), &gs)?;
        assert_eq!(dx.layout(), xs.layout());
        Ok((y.allgather(comm)?, g, dx.allgather(comm)?))
    });
    let (y, g, dx) = &out[0];
    let (lhs, rhs) = (dot(y, g), dot(x, dx));
    // Relative to the Cauchy-Schwarz bound, so a small inner product by chance is no trouble.
    (lhs - rhs).abs() / (dot(y, y) * dot(g, g)).sqrt().max(1e-300)
}

#[test]
fn vjps_pass_the_dot_product_test() {
    let mut worst: f64 = 0.0;
    for (shape, split) in [
        (vec![6usize, 10], 0usize),
        (vec![7, 5], 1),
        (vec![4, 5, 6], 2),
        (vec![30], 0),
        (vec![1009], 0),
    ] {
        for p in [1, 2, 3, 5] {
            for out in [Out::Natural, Out::Transposed] {
                for norm in NORMS {
                    let xc = cplx(&shape, 20);
                    let xr = real(&shape, 21);
                    let nd = shape.len() > 1;
                    let ax = 0isize;
                    let s: Vec<usize> = shape.iter().map(|&n| n + 1).collect();
                    let s = if nd { Some(&s[..]) } else { None };
                    let mut errs = vec![
                        dot_test(
                            &xc,
                            split,
                            p,
                            1,
                            cplx,
                            |c, x| dist::fft(c, x, Some(shape[0] + 2), ax, norm, out),
                            |c, l, g| dist::fft_vjp(c, l, g, Some(shape[0] + 2), ax, norm, out),
                        ),
                        dot_test(
                            &xc,
                            split,
                            p,
                            2,
                            cplx,
                            |c, x| dist::ifft(c, x, None, ax, norm, out),
                            |c, l, g| dist::ifft_vjp(c, l, g, None, ax, norm, out),
                        ),
                        dot_test(
                            &xc,
                            split,
                            p,
                            3,
                            cplx,
                            |c, x| dist::fftn(c, x, s, None, norm, out),
                            |c, l, g| dist::fftn_vjp(c, l, g, s, None, norm, out),
                        ),
                        dot_test(
                            &xc,
                            split,
                            p,
                            4,
                            cplx,
                            |c, x| dist::ifftn(c, x, None, None, norm, out),
                            |c, l, g| dist::ifftn_vjp(c, l, g, None, None, norm, out),
                        ),
                        dot_test(
                            &xr,
                            split,
                            p,
                            5,
                            cplx,
                            |c, x| dist::rfftn(c, x, s, None, norm, out),
                            |c, l, g| dist::rfftn_vjp(c, l, g, s, None, norm, out),
                        ),
                        dot_test(
                            &xr,
                            split,
                            p,
                            6,
                            cplx,
                            |c, x| dist::rfft(c, x, None, -1, norm, out),
                            |c, l, g| dist::rfft_vjp(c, l, g, None, -1, norm, out),
                        ),
                        dot_test(
                            &xc,
                            split,
                            p,
                            7,
                            real,
                            |c, x| dist::irfftn(c, x, None, None, norm, out),
                            |c, l, g| dist::irfftn_vjp(c, l, g, None, None, norm, out),
                        ),
                        dot_test(
                            &xc,
                            split,
                            p,
                            8,
                            real,
                            |c, x| dist::irfft(c, x, Some(9), -1, norm, out),
                            |c, l, g| dist::irfft_vjp(c, l, g, Some(9), -1, norm, out),
                        ),
                    ];
                    if nd {
                        errs.push(dot_test(
                            &xc,
                            split,
                            p,
                            9,
                            cplx,
                            |c, x| dist::fft2(c, x, None, None, norm, out),
                            |c, l, g| dist::fft2_vjp(c, l, g, None, None, norm, out),
                        ));
                        errs.push(dot_test(
                            &xc,
                            split,
                            p,
                            10,
                            cplx,
                            |c, x| dist::ifft2(c, x, None, None, norm, out),
                            |c, l, g| dist::ifft2_vjp(c, l, g, None, None, norm, out),
                        ));
                        errs.push(dot_test(
                            &xr,
                            split,
                            p,
                            11,
                            cplx,
                            |c, x| dist::rfft2(c, x, None, None, norm, out),
                            |c, l, g| dist::rfft2_vjp(c, l, g, None, None, norm, out),
                        ));
                        errs.push(dot_test(
                            &xc,
                            split,
                            p,
                            12,
                            real,
                            |c, x| dist::irfft2(c, x, None, None, norm, out),
                            |c, l, g| dist::irfft2_vjp(c, l, g, None, None, norm, out),
                        ));
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
    }
    eprintln!("worst relative dot-product mismatch: {worst:e}");
}

#[test]
fn vjps_match_the_local_gradients() {
    let x_shape = [6usize, 10];
    let g = cplx(&[6, 12], 30);
    let want = shardfft::grad::fftn_vjp(&x_shape, &g, Some(&[6, 12]), None, Norm::Ortho).unwrap();
    for p in [2, 4] {
        let out = ranks(p, |comm| {
            let x_layout = Layout::new(&x_shape, 0, p)?;
            let gs = Sharded::from_global(&g, Layout::new(&[6, 12], 0, p)?, comm.rank())?;
            dist::fftn_vjp(comm, &x_layout, &gs, Some(&[6, 12]), None, Norm::Ortho, Out::Natural)?.allgather(comm)
        });
        assert!(rel(&out[0], &want) < 1e-13);
    }
    // A cotangent in the wrong layout is an error, not garbage.
    let out = run_threads(2, |comm| {
        let x_layout = Layout::new(&x_shape, 0, 2)?;
        let gs = Sharded::from_global(&g, Layout::new(&[6, 12], 1, 2)?, comm.rank())?;
        dist::fftn_vjp(comm, &x_layout, &gs, Some(&[6, 12]), None, Norm::Ortho, Out::Natural).map(|_| ())
    });
    assert!(
        out.iter().all(|r| matches!(r, Err(Error::InvalidArgument(_)))),
        "{out:?}"
    );
}

//! shardfft's own AVX-512 kernels, tested directly (not only through the planner): against the
//! float64 DFT by definition up to 4096, against float64 rustfft/realfft (independent code, 2^-52
//! precision) up to 2^20, at every power of two and at lengths with factors 3 and 5 (the f64
//! kernel likewise, plus its round trip; the batch
//! kernel at lengths that are not multiples of 64 and the batch real kernel, with leftover lanes;
//! the slab kernel of strided axes with any number of slabs), every way of calling them (in
//! place, out of place, immutable, several lanes at once), and the buffer-length errors of the
//! real ones.
//!
//! On a processor without AVX-512F the kernels do not exist (`new` gives `None`); these tests
//! then check only that, and say so.
#![cfg(target_arch = "x86_64")]

use crate::common;

use common::*;
use realfft::{ComplexToReal, FftError, RealFftPlanner, RealToComplex};
use rustfft::{Direction, Fft, FftDirection, Length};
use shardfft::Complex;
use shardfft::plan::{
    Avx512BatchFft, Avx512BatchR2c, Avx512C2r, Avx512Fft, Avx512Fft64, Avx512R2c, Avx512SlabFft, BatchR2c,
    SLAB_COLUMNS, SlabFft, TileRows,
};

type C32 = Complex<f32>;

fn has_avx512() -> bool {
    let yes = std::arch::is_x86_feature_detected!("avx512f");
    if !yes {
        eprintln!("no AVX-512F here: only the refusal to plan is tested");
        assert!(Avx512Fft::new(1024, FftDirection::Forward).is_none());
        assert!(Avx512Fft64::new(1024, FftDirection::Forward).is_none());
        assert!(Avx512R2c::new(1024).is_none());
    }
    yes
}

fn to32(x: &[C64]) -> Vec<C32> {
    x.iter().map(|v| C32::new(v.re as f32, v.im as f32)).collect()
}

fn rel<A: ToC64 + Clone>(got: &[A], want: &[C64]) -> f64 {
    let got: ndarray::ArrayD<A> = ndarray::Array1::from(got.to_vec()).into_dyn();
    rel_l2(&got, &ndarray::Array1::from(want.to_vec()).into_dyn())
}

/// `fft` applied to the lanes of `x` in place, out of place and immutably, which must agree bit
/// for bit; returns the result.
fn three_ways<T: rustfft::FftNum>(fft: &dyn Fft<T>, x: &[Complex<T>]) -> Vec<Complex<T>> {
    let n = fft.len();
    let zero = Complex::new(T::zero(), T::zero());
    let mut scratch = vec![zero; fft.get_inplace_scratch_len()];
    let mut inplace = x.to_vec();
    fft.process_with_scratch(&mut inplace, &mut scratch);
    let mut oop = vec![zero; x.len()];
    fft.process_outofplace_with_scratch(&mut x.to_vec(), &mut oop, &mut scratch);
    let mut immutable = vec![zero; x.len()];
    fft.process_immutable_with_scratch(x, &mut immutable, &mut scratch);
    assert_eq!(inplace, oop, "in place and out of place differ, n={n}");
    assert_eq!(inplace, immutable, "in place and immutable differ, n={n}");
    inplace
}

/// A few lanes of `n` random complex values (three up to 4096 points, two beyond).
fn random_lanes(rng: &mut TestRng, n: usize) -> Vec<Vec<C64>> {
    let lanes = if n <= 4096 { 3 } else { 2 };
    (0..lanes).map(|_| (0..n).map(|_| rng.cnormal()).collect()).collect()
}

/// The lengths the whole-lane kernels plan that these tests try: every power of two from 64
/// to 2^20, and multiples of 64 with factors 3 and 5.
fn whole_lane_lengths() -> impl Iterator<Item = usize> {
    let powers = (6..=20).map(|k| 1usize << k);
    let mixed = [3, 5, 6, 9, 10, 15, 25, 27, 45, 75, 125, 768, 960, 12288].map(|m| 64 * m);
    powers.chain(mixed)
}

/// The lengths the f32 whole-lane kernel plans besides those, below 2^20: multiples of 8
/// whose eighth is odd or four times odd (made of 3 and 5), so the first pass ends in a
/// partial block of butterflies (72 = 8·9, 1000 = 8·125, 4000 = 8·4·125, 375000 = 8·3·5^6).
const PARTIAL_FIRST_PASS_LENGTHS: [usize; 12] = [72, 96, 120, 160, 200, 360, 600, 1000, 3000, 4000, 25000, 375_000];

/// The lengths the whole-lane kernels refuse (f64 also refuses [`PARTIAL_FIRST_PASS_LENGTHS`]).
const NOT_WHOLE_LANE_LENGTHS: [usize; 13] = [0, 1, 2, 32, 48, 56, 144, 448, 2000, 1023, 1025, 64 * 49, 64 * 11 * 3];

fn direction(inverse: bool) -> FftDirection {
    if inverse {
        FftDirection::Inverse
    } else {
        FftDirection::Forward
    }
}

#[test]
fn refuses_lengths_it_has_no_kernel_for() {
    for n in NOT_WHOLE_LANE_LENGTHS {
        assert!(Avx512Fft::new(n, FftDirection::Forward).is_none(), "n={n}");
        assert!(Avx512Fft64::new(n, FftDirection::Inverse).is_none(), "n={n}");
    }
    for n in PARTIAL_FIRST_PASS_LENGTHS {
        assert!(Avx512Fft64::new(n, FftDirection::Inverse).is_none(), "n={n}");
    }
    for n in [0, 1, 64, 100, 126, 1001, 1 << 20 | 2, 2 * 448, 2000] {
        assert!(Avx512R2c::new(n).is_none() && Avx512C2r::new(n).is_none(), "n={n}");
    }
}

#[test]
fn complex_matches_the_dft_at_every_length_it_plans() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("native complex");
    let mut worst = Worst::default();
    for n in whole_lane_lengths().chain(PARTIAL_FIRST_PASS_LENGTHS) {
        for inverse in [false, true] {
            let dir = direction(inverse);
            let fft = Avx512Fft::new(n, dir).expect("planned");
            assert_eq!((fft.len(), fft.fft_direction()), (n, dir));
            let x64 = random_lanes(&mut rng, n);
            let want: Vec<Vec<C64>> = x64.iter().map(|x| reference(x, inverse)).collect();
            let x: Vec<C32> = x64.iter().flat_map(|x| to32(x)).collect();
            let inplace = three_ways(&fft, &x);

            for (lane, want) in inplace.chunks_exact(n).zip(&want) {
                let err = rel(lane, want);
                let what = || format!("Avx512Fft n={n} inverse={inverse}");
                worst.record::<f32>("native c2c", n, err, what);
                check_err(err, bound::<f32>(n), rng.seed, what);
            }
        }
    }
    worst.print("native_kernels");
}

/// The f64 kernel against the DFT (float64 rustfft past 4096 points), and its round trip.
#[test]
fn complex_f64_matches_the_dft_at_every_length_it_plans() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("native complex f64");
    let mut worst = Worst::default();
    for n in whole_lane_lengths() {
        let x = random_lanes(&mut rng, n);
        let flat: Vec<C64> = x.concat();
        for inverse in [false, true] {
            let dir = direction(inverse);
            let fft = Avx512Fft64::new(n, dir).expect("planned");
            assert_eq!((fft.len(), fft.fft_direction()), (n, dir));
            let got = three_ways(&fft, &flat);
            let back = three_ways(&Avx512Fft64::new(n, direction(!inverse)).expect("planned"), &got);
            for (lane, x) in x.iter().enumerate() {
                let what = || format!("Avx512Fft64 n={n} inverse={inverse} lane={lane}");
                let err = rel(&got[lane * n..(lane + 1) * n], &reference(x, inverse));
                worst.record::<f64>("native c2c", n, err, what);
                check_err(err, bound::<f64>(n), rng.seed, what);
                let scaled: Vec<C64> = back[lane * n..(lane + 1) * n].iter().map(|v| v / n as f64).collect();
                let err = rel(&scaled, x);
                worst.record::<f64>("native round trip", n, err, what);
                check_err(err, bound::<f64>(n), rng.seed, what);
            }
        }
    }
    worst.print("native_kernels");
}

/// The batch kernel at lengths the whole-lane kernel cannot take, with lane counts that leave
/// 0 to 7 lanes over for rustfft.
#[test]
fn batch_kernel_matches_the_dft_with_any_lane_count() {
    if !has_avx512() {
        return;
    }
    for n in [0, 4, 12, 20, 1001, 8 * 7] {
        assert!(Avx512BatchFft::new(n, FftDirection::Forward).is_none(), "n={n}");
    }
    let mut rng = TestRng::new("native batch");
    let mut worst = Worst::default();
    for (n, lanes) in [
        (8, 9),
        (24, 8),
        (40, 17),
        (120, 3),
        (360, 16),
        (1000, 11),
        (6000, 8),
        (12000, 9),
    ] {
        for inverse in [false, true] {
            let dir = if inverse {
                FftDirection::Inverse
            } else {
                FftDirection::Forward
            };
            let fft = Avx512BatchFft::new(n, dir).expect("planned");
            assert_eq!((fft.len(), fft.fft_direction()), (n, dir));
            let x64: Vec<Vec<C64>> = (0..lanes).map(|_| (0..n).map(|_| rng.cnormal()).collect()).collect();
            let want: Vec<Vec<C64>> = x64.iter().map(|x| reference(x, inverse)).collect();
            let x: Vec<C32> = x64.iter().flat_map(|x| to32(x)).collect();
            let inplace = three_ways(&fft, &x);

            for (lane, want) in inplace.chunks_exact(n).zip(&want) {
                let err = rel(lane, want);
                let what = || format!("Avx512BatchFft n={n} lanes={lanes} inverse={inverse}");
                worst.record::<f32>("native batch c2c", n, err, what);
                check_err(err, bound::<f32>(n), rng.seed, what);
            }
        }
    }
    worst.print("native_kernels");
}

#[test]
fn batch_r2c_matches_the_dft_with_any_lane_count() {
    if !has_avx512() {
        return;
    }
    let mut planner = RealFftPlanner::<f32>::new();
    for n in [0, 8, 24, 56, 96, 100, 256] {
        let single = planner.plan_fft_forward(n.max(1));
        assert!(Avx512BatchR2c::new(n, single).is_none(), "n={n}");
    }
    assert!(
        Avx512BatchR2c::new(32, planner.plan_fft_forward(64)).is_none(),
        "length mismatch"
    );
    let mut rng = TestRng::new("native batch r2c");
    let mut worst = Worst::default();
    for (n, lanes) in [(16, 9), (32, 3), (48, 8), (64, 16), (80, 17)] {
        let plan = Avx512BatchR2c::new(n, planner.plan_fft_forward(n)).expect("planned");
        assert_eq!((plan.lane_len(), plan.lanes_per_call()), (n, 8));
        let x64: Vec<Vec<f64>> = (0..lanes).map(|_| (0..n).map(|_| rng.normal()).collect()).collect();
        let mut x: Vec<f32> = x64.iter().flatten().map(|&v| v as f32).collect();
        let m = n / 2 + 1;
        let mut y = vec![C32::new(f32::NAN, f32::NAN); lanes * m];
        plan.process_lanes(&mut x, &mut y, &mut vec![C32::default(); plan.scratch_len()]);
        for (lane, (got, x)) in y.chunks_exact(m).zip(&x64).enumerate() {
            let want = dft(&x.iter().map(|&v| C64::new(v, 0.0)).collect::<Vec<_>>(), false);
            assert_eq!((got[0].im, got[m - 1].im), (0.0, 0.0), "n={n} lane={lane}");
            let err = rel(got, &want[..m]);
            let what = || format!("Avx512BatchR2c n={n} lanes={lanes} lane={lane}");
            worst.record::<f32>("native batch r2c", n, err, what);
            check_err(err, bound::<f32>(n), rng.seed, what);
        }
    }
    worst.print("native_kernels");
}

#[test]
#[should_panic(expected = "do not fit")]
fn batch_r2c_refuses_buffers_that_are_not_whole_lanes() {
    let planner = || RealFftPlanner::<f32>::new().plan_fft_forward(64);
    let plan: Box<dyn BatchR2c<f32>> = match Avx512BatchR2c::new(64, planner()) {
        Some(plan) => Box::new(plan),
        None => Box::new(shardfft::plan::LaneByLane::new(planner())),
    };
    let mut scratch = vec![C32::default(); plan.scratch_len()];
    plan.process_lanes(&mut [0.0; 8 * 64], &mut [C32::default(); 8 * 32], &mut scratch);
}

#[test]
fn batched_real_lanes_through_rfft() {
    let mut rng = TestRng::new("native batch rfft");
    for (n, lanes) in [(16, 8), (48, 21), (64, 37), (80, 9), (96, 9)] {
        let x64 = ndarray::Array2::from_shape_simple_fn((lanes, n), || rng.normal()).into_dyn();
        let x = x64.mapv(|v| v as f32);
        let want = dft_axis(&x64.mapv(|v| C64::new(v, 0.0)), 1, n, false);
        let want = want.slice_axis(ndarray::Axis(1), (0..n / 2 + 1).into()).to_owned();
        for norm in [shardfft::Norm::Backward, shardfft::Norm::Ortho] {
            let got = shardfft::rfft(&x, None, -1, norm).unwrap();
            let scale = if norm == shardfft::Norm::Ortho {
                (n as f64).sqrt()
            } else {
                1.0
            };
            let err = rel_l2(&got, &want.mapv(|v| v / scale));
            check_err(err, bound::<f32>(n), rng.seed, || {
                format!("rfft n={n} lanes={lanes} {norm:?}")
            });
        }
    }
}

#[test]
fn real_transforms_match_the_dft_at_every_length_they_plan() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("native real");
    let mut worst = Worst::default();
    let powers = (7..=20).map(|k| 1usize << k);
    let mixed = [3, 5, 15, 45, 768].map(|m| 128 * m);
    for n in powers.chain(mixed) {
        let x64: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let x: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let want = if n <= 4096 {
            dft(&x64.iter().map(|&v| C64::new(v, 0.0)).collect::<Vec<_>>(), false)[..n / 2 + 1].to_vec()
        } else {
            let mut out = vec![C64::default(); n / 2 + 1];
            RealFftPlanner::<f64>::new()
                .plan_fft_forward(n)
                .process(&mut x64.clone(), &mut out)
                .unwrap();
            out
        };
        let r2c = Avx512R2c::new(n).expect("planned");
        assert_eq!(r2c.len(), n);
        let mut spectrum = r2c.make_output_vec();
        let mut input = x.clone();
        r2c.process(&mut input, &mut spectrum).unwrap();
        assert_eq!(input, x, "r2c changed its input, n={n}");
        assert_eq!((spectrum[0].im, spectrum[n / 2].im), (0.0, 0.0));
        let err = rel(&spectrum, &want);
        worst.record::<f32>("native r2c", n, err, || format!("Avx512R2c n={n}"));
        check_err(err, bound::<f32>(n), rng.seed, || format!("Avx512R2c n={n}"));

        // c2r of the exact spectrum, with junk in the imaginary parts it must ignore.
        let c2r = Avx512C2r::new(n).expect("planned");
        let mut bins = to32(&want);
        bins[0].im = 7.0;
        bins[n / 2].im = -3.0;
        let mut back = c2r.make_output_vec();
        c2r.process(&mut bins, &mut back).unwrap();
        let scaled: Vec<C32> = back.iter().map(|&v| C32::new(v / n as f32, 0.0)).collect();
        let x_c: Vec<C64> = x64.iter().map(|&v| C64::new(v, 0.0)).collect();
        let err = rel(&scaled, &x_c);
        worst.record::<f32>("native c2r", n, err, || format!("Avx512C2r n={n}"));
        check_err(err, bound::<f32>(n), rng.seed, || format!("Avx512C2r n={n}"));
    }
    worst.print("native_kernels");
}

#[test]
fn real_transforms_agree_with_realfft_on_random_data() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("native vs realfft");
    let mut planner = RealFftPlanner::<f32>::new();
    for k in 7..=16 {
        let n = 1usize << k;
        let x: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let mut ours = vec![C32::default(); n / 2 + 1];
        let mut theirs = ours.clone();
        Avx512R2c::new(n).unwrap().process(&mut x.clone(), &mut ours).unwrap();
        planner
            .plan_fft_forward(n)
            .process(&mut x.clone(), &mut theirs)
            .unwrap();
        let theirs64: Vec<C64> = theirs.iter().map(|v| C64::new(v.re as f64, v.im as f64)).collect();
        let err = rel(&ours, &theirs64);
        check_err(err, 2.0 * bound::<f32>(n), rng.seed, || format!("r2c vs realfft n={n}"));
    }
}

#[test]
fn real_transforms_report_wrong_buffer_lengths() {
    if !has_avx512() {
        return;
    }
    let r2c = Avx512R2c::new(256).unwrap();
    let c2r = Avx512C2r::new(256).unwrap();
    // c2r pairs its bins into scratch of its own (n/2 + 1 values) before the half transform.
    let (need, need_c2r) = (r2c.get_scratch_len(), c2r.get_scratch_len());
    assert_eq!(need_c2r, need + 129);
    let mut scratch = vec![C32::default(); need_c2r];
    let (mut real, mut bins) = (vec![0.0f32; 256], vec![C32::default(); 129]);
    assert!(matches!(
        r2c.process_with_scratch(&mut vec![0.0; 255], &mut bins, &mut scratch),
        Err(FftError::InputBuffer(256, 255))
    ));
    assert!(matches!(
        r2c.process_with_scratch(&mut real, &mut vec![C32::default(); 128], &mut scratch),
        Err(FftError::OutputBuffer(129, 128))
    ));
    assert!(matches!(
        r2c.process_with_scratch(&mut real, &mut bins, &mut scratch[..need - 1]),
        Err(FftError::ScratchBuffer(n, m)) if n == need && m == need - 1
    ));
    assert!(matches!(
        c2r.process_with_scratch(&mut vec![C32::default(); 130], &mut real, &mut scratch),
        Err(FftError::InputBuffer(129, 130))
    ));
    assert!(matches!(
        c2r.process_with_scratch(&mut bins, &mut vec![0.0; 254], &mut scratch),
        Err(FftError::OutputBuffer(256, 254))
    ));
    assert!(matches!(
        c2r.process_with_scratch(&mut bins, &mut real, &mut scratch[..need_c2r - 1]),
        Err(FftError::ScratchBuffer(n, m)) if n == need_c2r && m == need_c2r - 1
    ));
    assert!(r2c.process_with_scratch(&mut real, &mut bins, &mut scratch).is_ok());
    assert!(c2r.process_with_scratch(&mut bins, &mut real, &mut scratch).is_ok());
}

/// Through the public API: batches along the last axis (contiguous lanes in groups of eight)
/// and along the first (strided tiles) at lengths the batch kernel takes, with lane counts that
/// are not multiples of eight.
#[test]
fn batched_lengths_through_fft_along_either_axis() {
    let mut rng = TestRng::new("native batch fft");
    for (n, lanes) in [(40, 29), (200, 9), (1000, 19)] {
        let x64 = ndarray::Array2::from_shape_simple_fn((lanes, n), || rng.cnormal()).into_dyn();
        let x = x64.mapv(|v| C32::new(v.re as f32, v.im as f32));
        for (axis, len) in [(1, n), (0, lanes)] {
            let got = shardfft::fft(&x, None, axis as isize, shardfft::Norm::Backward).unwrap();
            let want = dft_axis(&x64, axis, len, false);
            let err = rel_l2(&got, &want);
            check_err(err, bound::<f32>(len), rng.seed, || {
                format!("fft n={n} lanes={lanes} axis={axis}")
            });
            let back = shardfft::ifft(&got, None, axis as isize, shardfft::Norm::Backward).unwrap();
            let err = rel_l2(&back, &x64);
            check_err(err, 2.0 * bound::<f32>(len), rng.seed, || {
                format!("ifft(fft) n={n} axis={axis}")
            });
        }
    }
    let xt = ndarray::Array2::from_shape_simple_fn((1000, 19), || rng.cnormal());
    let x = xt.mapv(|v| C32::new(v.re as f32, v.im as f32)).into_dyn();
    let got = shardfft::fft(&x, None, 0, shardfft::Norm::Backward).unwrap();
    let err = rel_l2(&got, &dft_axis(&xt.into_dyn(), 0, 1000, false));
    check_err(err, bound::<f32>(1000), rng.seed, || {
        "fft n=1000 along axis 0 of 1000 x 19".into()
    });
}

#[test]
fn slab_kernel_matches_the_dft_with_any_slab_count() {
    if !has_avx512() {
        return;
    }
    for n in [0, 4, 12, 20, 1001, 8 * 7] {
        assert!(Avx512SlabFft::new(n, false).is_none(), "n={n}");
    }
    let mut rng = TestRng::new("native slabs");
    let mut worst = Worst::default();
    let c = SLAB_COLUMNS;
    for (n, count) in [
        (8, 3),
        (16, 1),
        (24, 8),
        (40, 2),
        (48, 5),
        (64, 8),
        (120, 3),
        (512, 4),
        (1000, 2),
        (4096, 3),
        (6000, 1),
    ] {
        for inverse in [false, true] {
            let fft = Avx512SlabFft::new(n, inverse).expect("planned");
            assert_eq!(fft.len(), n);
            let stride = fft.slab_stride();
            assert!(stride >= c * n, "n={n}: slab stride {stride}");
            let columns: Vec<Vec<C64>> = (0..count * c)
                .map(|_| (0..n).map(|_| rng.cnormal()).collect())
                .collect();
            // Slab s holds columns s·8..s·8+8; the padding between slabs and the spare slab hold
            // garbage that must not leak into any result.
            let mut slabs = vec![C32::new(f32::NAN, 7.0); (count + 1) * stride];
            for (k, column) in columns.iter().enumerate() {
                for (j, v) in to32(column).into_iter().enumerate() {
                    slabs[(k / c) * stride + j * c + k % c] = v;
                }
            }
            let mut homes = vec![usize::MAX; count];
            fft.run(&mut slabs, &mut homes);
            let mut sorted = homes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), count, "n={n}: two slabs' results in one place: {homes:?}");
            for (k, column) in columns.iter().enumerate() {
                let home = homes[k / c];
                assert!(
                    home.is_multiple_of(stride) && home <= count * stride,
                    "n={n}: home {home}"
                );
                let got: Vec<C32> = (0..n).map(|j| slabs[home + j * c + k % c]).collect();
                let err = rel(&got, &reference(column, inverse));
                let what = || format!("Avx512SlabFft n={n} slabs={count} column={k} inverse={inverse}");
                worst.record::<f32>("native slab c2c", n, err, what);
                check_err(err, bound::<f32>(n), rng.seed, what);
            }
        }
    }
    worst.print("native_kernels");
}

/// The slab kernel's gather (the first pass run as the rows arrive, where that pass is radix 8
/// and others follow) gives the values of gathering the slabs first and running them, bit for
/// bit, at every slab count; where the first pass is not radix 8, or is the only one, it
/// declines and leaves the slabs alone. Rows past the source's read as zeros.
#[test]
fn slab_gather_runs_the_first_pass_as_the_rows_arrive() {
    if !has_avx512() {
        return;
    }
    /// `rows` rows of `width` values (the rest zeros), row-major, counting the prefetches.
    struct Rows {
        values: Vec<C32>,
        rows: usize,
        width: usize,
        prefetched: std::cell::Cell<usize>,
    }
    impl TileRows<f32> for Rows {
        fn read<'a>(&'a self, r: usize, run: &'a mut [C32]) -> &'a [C32] {
            assert_eq!(run.len(), self.width);
            match self.values.get(r * self.width..(r + 1) * self.width) {
                Some(row) if r < self.rows => run.copy_from_slice(row),
                _ => run.fill(C32::default()),
            }
            run
        }
        fn prefetch(&self, _r: usize) {
            self.prefetched.set(self.prefetched.get() + 1);
        }
    }
    let mut rng = TestRng::new("native slab gather");
    let c = SLAB_COLUMNS;
    for (n, fused) in [
        (8, false),
        (24, false),
        (40, false),
        (64, true),
        (512, true),
        (1024, true),
        (4096, true),
    ] {
        for count in [1, 3, 8] {
            for inverse in [false, true] {
                let fft = Avx512SlabFft::new(n, inverse).expect("planned");
                let stride = fft.slab_stride();
                let rows = if count == 3 { n - n / 4 } else { n };
                let width = count * c;
                let values: Vec<C32> = (0..rows * width).map(|_| to32(&[rng.cnormal()])[0]).collect();
                let source = Rows {
                    values,
                    rows,
                    width,
                    prefetched: 0.into(),
                };
                let mut gathered = vec![C32::new(f32::NAN, 3.0); (count + 1) * stride];
                let mut homes = vec![usize::MAX; count];
                let ran = fft.gather_run(&source, &mut gathered, &mut homes);
                assert_eq!(ran, fused, "n={n}: whether the gather runs the first pass");
                if !ran {
                    assert!(homes.iter().all(|&h| h == usize::MAX) && gathered.iter().all(|v| v.re.is_nan()));
                    continue;
                }
                assert_eq!(source.prefetched.get(), 8 * n / 8, "n={n}: one prefetch per row read");
                let mut slabs = vec![C32::new(f32::NAN, 3.0); (count + 1) * stride];
                for g in 0..count {
                    for r in 0..n {
                        let mut run = vec![C32::default(); width];
                        let row = source.read(r, &mut run).to_vec();
                        slabs[g * stride + r * c..][..c].copy_from_slice(&row[g * c..][..c]);
                    }
                }
                let mut want_homes = vec![usize::MAX; count];
                fft.run(&mut slabs, &mut want_homes);
                for g in 0..count {
                    let got = &gathered[homes[g]..homes[g] + n * c];
                    let want = &slabs[want_homes[g]..want_homes[g] + n * c];
                    assert!(got == want, "n={n} slabs={count} inverse={inverse}: slab {g} differs");
                }
            }
        }
    }
}

#[test]
#[should_panic(expected = "fewer than 2 slabs and a spare")]
fn slab_kernel_refuses_too_small_a_work_buffer() {
    let Some(fft) = Avx512SlabFft::new(64, false) else {
        panic!("fewer than 2 slabs and a spare (no AVX-512F here: nothing to test)");
    };
    let mut slabs = vec![C32::default(); 2 * fft.slab_stride()];
    fft.run(&mut slabs, &mut [0, 0]);
}

/// Strided axes of the lengths the slab kernel plans, through the public functions: column
/// counts with and without columns past the last whole slab, padding and truncation, real
/// input, norms, in place, Fortran order and 3-D blocks.
#[test]
fn strided_axes_through_slabs() {
    use ndarray::{Array2, Array3};
    use shardfft::Norm;
    let mut rng = TestRng::new("native slabs fft");
    for (n, inner) in [(8, 8), (48, 13), (1000, 67), (4096, 13), (64, 200), (120, 1000)] {
        let x64 = Array2::from_shape_simple_fn((n, inner), || rng.cnormal()).into_dyn();
        let x = x64.mapv(|v| C32::new(v.re as f32, v.im as f32));
        let got = shardfft::fft(&x, None, 0, Norm::Backward).unwrap();
        let want = dft_axis(&x64, 0, n, false);
        check_err(rel_l2(&got, &want), bound::<f32>(n), rng.seed, || {
            format!("fft axis 0 of {n} x {inner}")
        });
        // Inverse, orthonormal, in place: must give the input back.
        let mut y = got.clone();
        shardfft::ifft_inplace(&mut y, 0, Norm::Forward).unwrap();
        check_err(
            rel_l2(&y, &scaled(&x64, n as f64)),
            2.0 * bound::<f32>(n),
            rng.seed,
            || format!("ifft_inplace(fft) axis 0 of {n} x {inner}"),
        );
        // Padded from fewer rows and truncated from more, with an orthonormal inverse.
        for rows in [n / 2 + 1, n + 5] {
            let src64 = Array2::from_shape_simple_fn((rows, inner), || rng.cnormal()).into_dyn();
            let src = src64.mapv(|v| C32::new(v.re as f32, v.im as f32));
            let got = shardfft::ifft(&src, Some(n), 0, Norm::Ortho).unwrap();
            let want = scaled(&dft_axis(&src64, 0, n, true), 1.0 / (n as f64).sqrt());
            check_err(rel_l2(&got, &want), bound::<f32>(n), rng.seed, || {
                format!("ifft n={n} of {rows} x {inner} rows, ortho")
            });
        }
        // Real input, and the same array in Fortran order.
        let re = x.mapv(|z| z.re);
        let got = shardfft::fft(&re, None, 0, Norm::Backward).unwrap();
        let want = dft_axis(&re.mapv(|v| C64::new(v as f64, 0.0)), 0, n, false);
        check_err(rel_l2(&got, &want), bound::<f32>(n), rng.seed, || {
            format!("fft of real {n} x {inner}")
        });
        let got = shardfft::fft(&fortran(&x), None, 0, Norm::Backward).unwrap();
        check_err(
            rel_l2(&got, &dft_axis(&x64, 0, n, false)),
            bound::<f32>(n),
            rng.seed,
            || format!("fft axis 0 of Fortran-order {n} x {inner}"),
        );
    }
    // The middle axis of a 3-D array: several blocks of strided columns.
    let x64 = Array3::from_shape_simple_fn((3, 40, 19), || rng.cnormal()).into_dyn();
    let x = x64.mapv(|v| C32::new(v.re as f32, v.im as f32));
    let got = shardfft::fft(&x, None, 1, Norm::Backward).unwrap();
    check_err(
        rel_l2(&got, &dft_axis(&x64, 1, 40, false)),
        bound::<f32>(40),
        rng.seed,
        || "fft axis 1 of 3 x 40 x 19".into(),
    );
    // Both axes of a square (fft2's second pass is the strided one).
    let x64 = Array2::from_shape_simple_fn((256, 256), || rng.cnormal()).into_dyn();
    let x = x64.mapv(|v| C32::new(v.re as f32, v.im as f32));
    let got = shardfft::fft2(&x, None, None, Norm::Backward).unwrap();
    check_err(
        rel_l2(&got, &dft_nd(&x64, &[0, 1], &[256, 256], false)),
        bound::<f32>(256 * 256),
        rng.seed,
        || "fft2 of 256 x 256".into(),
    );
}

/// `len` values of `buf` from element `skip`, and whether they start on a cache line.
fn lane_at(buf: &mut [C32], skip: usize, len: usize) -> (&mut [C32], bool) {
    let lane = &mut buf[skip..skip + len];
    let aligned = (lane.as_ptr() as usize).is_multiple_of(64);
    (lane, aligned)
}

/// Lanes of 2^20 points and more write their temporary and their result with streaming stores
/// where those start on a cache line, and with ordinary stores elsewhere: every combination
/// (in place and out of place, result aligned or not, scratch aligned or not) gives the same
/// values bit for bit, within the bound of the float64 reference.
#[test]
fn long_lanes_agree_whether_or_not_their_buffers_are_aligned() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("long lanes aligned");
    // 3·2^20 splits as 1536 × 2048: its first pass (radix 3) runs after the gather, not in it.
    for n in [1 << 20, 1536 * 1024, 3 << 20] {
        let inverse = n != 1536 * 1024;
        let fft = Avx512Fft::new(n, direction(inverse)).expect("planned");
        let x64: Vec<C64> = (0..n).map(|_| rng.cnormal()).collect();
        let want = reference(&x64, inverse);
        let x = to32(&x64);
        let need = fft.get_inplace_scratch_len().max(fft.get_outofplace_scratch_len());
        let mut results = Vec::new();
        for (out_skip, scratch_skip) in [(0, 0), (1, 0), (0, 1), (1, 3)] {
            let mut out = shardfft::zeros::<C32, _>(n + 1).unwrap();
            let mut scratch = shardfft::zeros::<C32, _>(need + 3).unwrap();
            let (out, out_aligned) = lane_at(out.as_slice_mut().unwrap(), out_skip, n);
            assert_eq!(out_aligned, out_skip == 0, "zeros starts on a cache line");
            let scratch = &mut scratch.as_slice_mut().unwrap()[scratch_skip..scratch_skip + need];
            fft.process_outofplace_with_scratch(&mut x.clone(), out, scratch);
            results.push(out.to_vec());
            out.copy_from_slice(&x);
            fft.process_with_scratch(out, scratch);
            results.push(out.to_vec());
        }
        for (i, got) in results.iter().enumerate() {
            assert!(got == &results[0], "n={n}: result {i} differs from result 0");
        }
        let err = rel(&results[0], &want);
        check_err(err, bound::<f32>(n), rng.seed, || format!("Avx512Fft n={n}"));
    }
}

/// The block split of one lane (what the four-step runs on every core) likewise, with a `post`
/// that scales each run of results: streamed runs get it before they leave the core.
#[test]
fn block_split_streams_post_processed_results() {
    if !has_avx512() {
        return;
    }
    let mut rng = TestRng::new("block split aligned");
    let n = 1 << 21;
    let split = shardfft::plan::native::split(n, false).expect("planned");
    let x64: Vec<C64> = (0..n).map(|_| rng.cnormal()).collect();
    let want: Vec<C64> = reference(&x64, false).iter().map(|v| v * 0.5).collect();
    let x = to32(&x64);
    let halve = |run: &mut [C32]| run.iter_mut().for_each(|v| *v *= 0.5);
    let [rows, cols] = split.blocks();
    let mut work = vec![C32::default(); split.work_len()];
    let mut results = Vec::new();
    for (dst_skip, temp_skip) in [(0, 0), (1, 0), (0, 1)] {
        let (mut dst, mut temp) = (
            shardfft::zeros::<C32, _>(n + 1).unwrap(),
            shardfft::zeros::<C32, _>(n + 1).unwrap(),
        );
        let (dst, dst_aligned) = lane_at(dst.as_slice_mut().unwrap(), dst_skip, n);
        let (temp, temp_aligned) = lane_at(temp.as_slice_mut().unwrap(), temp_skip, n);
        assert_eq!((dst_aligned, temp_aligned), (dst_skip == 0, temp_skip == 0));
        // SAFETY: `temp` and `dst` hold a lane each and overlap nothing; phase 1 ends before
        // phase 2 starts; the blocks run one at a time.
        unsafe {
            for block in 0..rows {
                split.rows_block(block, &x.as_slice(), temp.as_mut_ptr(), &mut work);
            }
            for block in 0..cols {
                split.cols_block(block, temp.as_ptr(), dst.as_mut_ptr(), &halve, &mut work);
            }
        }
        results.push(dst.to_vec());
    }
    for (i, got) in results.iter().enumerate() {
        assert!(got == &results[0], "result {i} differs from result 0");
    }
    let err = rel(&results[0], &want);
    check_err(err, bound::<f32>(n), rng.seed, || format!("block split n={n}"));
}

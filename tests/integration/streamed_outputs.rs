//! Large outputs of short complex lanes, which the executor transforms in its work buffer and
//! streams to the caller's array (whole aligned cache lines, outputs of 16 MiB and more):
//! against the float64 reference, bit for bit the same as into a destination that is not
//! line-aligned (written the ordinary way), the allocating form alike, the input untouched.

use crate::common;

use common::*;
use ndarray::{ArrayD, ArrayViewMutD, IxDyn};
use shardfft::{Complex, Float, Norm, fft, fft_into, zeros};

/// Every lane of `x` (`lanes × n`) through float64 rustfft (independent code, 2^-52
/// precision; the naive DFT would take minutes over millions of values).
fn lanes_reference(x: &ArrayD<C64>, inverse: bool) -> ArrayD<C64> {
    let n = x.shape()[1];
    let direction = if inverse {
        rustfft::FftDirection::Inverse
    } else {
        rustfft::FftDirection::Forward
    };
    let plan = rustfft::FftPlanner::<f64>::new().plan_fft(n, direction);
    let mut y = x.as_standard_layout().into_owned();
    plan.process(y.as_slice_mut().unwrap());
    y
}

/// `lanes` complex lanes of `n` values of `T` forward and inverse, into an aligned array, into
/// one offset by one value from a cache line, and allocated.
fn check<T: Float + ToC64>(rng: &mut TestRng, n: usize, lanes: usize)
where
    Complex<T>: ToC64,
{
    let seed = rng.seed;
    let x = rng.complex::<T>(&[lanes, n]);
    let before = x.clone();
    let x64 = to_c64(&x);
    for (inverse, norm) in [(false, Norm::Backward), (true, Norm::Ortho)] {
        let what = |op: &str| format!("{op} n={n} lanes={lanes} inverse={inverse} {}", T::NAME);
        let scale = norm_factor(norm, n, inverse);
        let want = lanes_reference(&x64, inverse).mapv(|z| z * scale);
        let run = |out: &mut ArrayViewMutD<'_, Complex<T>>| {
            on_two_workers(|| {
                if inverse {
                    shardfft::ifft_into(&x, out, None, -1, norm)
                } else {
                    fft_into(&x, out, None, -1, norm)
                }
            })
            .unwrap()
        };

        let mut aligned: ArrayD<Complex<T>> = zeros(IxDyn(&[lanes, n])).unwrap();
        assert_eq!(
            aligned.as_ptr() as usize % 64,
            0,
            "shardfft::zeros gives cache-line-aligned arrays"
        );
        run(&mut aligned.view_mut());
        check_err(rel_l2(&aligned, &want), bound::<T>(n), seed, || {
            what("fft_into, aligned")
        });

        let mut backing = vec![Complex::new(T::zero(), T::zero()); lanes * n + 1];
        let mut offset = ArrayViewMutD::from_shape(IxDyn(&[lanes, n]), &mut backing[1..]).unwrap();
        run(&mut offset);
        assert!(offset == aligned, "{}", what("fft_into, offset == aligned"));

        let fresh = on_two_workers(|| {
            if inverse {
                shardfft::ifft(&x, None, -1, norm)
            } else {
                fft(&x, None, -1, norm)
            }
        })
        .unwrap();
        check_err(rel_l2(&fresh, &want), bound::<T>(n), seed, || what("allocating"));
    }
    assert!(x == before, "the input changed (n={n})");
}

#[test]
fn streamed_short_lanes_f32() {
    let mut rng = TestRng::new("streamed_short_lanes_f32");
    // 16 MiB of output and a little more, so the last tile is short: rustfft's plans read in
    // place (16, 256), shardfft's kernels copied (512, 1024, 4096), rustfft's copied (1000).
    for (n, lanes) in [
        (16, (1 << 20) + 3),
        (256, 8195),
        (512, 4097),
        (1000, 2101),
        (1024, 2049),
        (4096, 513),
    ] {
        check::<f32>(&mut rng, n, lanes);
    }
}

#[test]
fn streamed_short_lanes_f64() {
    let mut rng = TestRng::new("streamed_short_lanes_f64");
    for (n, lanes) in [(256, 4099), (1000, 1050)] {
        check::<f64>(&mut rng, n, lanes);
    }
}

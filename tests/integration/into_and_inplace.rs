//! The variants that write into a caller's array (`fft_into`, `fftn_into`, `fft2_into`, ...)
//! and the in-place ones (`fft_inplace`, `fftn_inplace`, ...): against the naive float64 DFT for
//! every output layout (C order, Fortran order, a strided view), with every element of the
//! output overwritten, and their errors leaving the caller's array untouched.

use crate::common;

use common::*;
use ndarray::{ArrayD, ArrayViewMutD, IxDyn, ShapeBuilder, Slice};
use shardfft::{
    Complex, Error, Float, Norm, fft_inplace, fft_into, fft2_into, fftn_inplace, fftn_into, ifft_inplace, ifft_into,
    ifft2_into, ifftn_inplace, ifftn_into, irfft_into, rfft_into,
};

const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

/// Runs `run` on an output of `shape` in three layouts, each filled with NaN first: C order,
/// Fortran order, and the step-2 view of a larger array (whose other elements must stay NaN).
fn each_out_layout<A: Nan>(shape: &[usize], mut run: impl FnMut(&str, ArrayViewMutD<'_, A>)) {
    let fill = A::nan();
    run("C order", ArrayD::from_elem(IxDyn(shape), fill.clone()).view_mut());
    run(
        "Fortran order",
        ArrayD::from_elem(IxDyn(shape).f(), fill.clone()).view_mut(),
    );
    let big: Vec<usize> = shape.iter().map(|&d| 2 * d).collect();
    let mut backing = ArrayD::from_elem(IxDyn(&big), fill.clone());
    run("step-2 view", backing.slice_each_axis_mut(|_| Slice::new(0, None, 2)));
    let untouched = backing.slice_each_axis(|_| Slice::new(1, None, 2));
    assert!(
        untouched.iter().all(A::is_nan),
        "an into-call wrote outside its strided output view"
    );
}

/// Values an output is filled with before a call, so that any element it fails to write shows.
trait Nan: Clone {
    fn nan() -> Self;
    fn is_nan(&self) -> bool;
}

impl Nan for f64 {
    fn nan() -> Self {
        f64::NAN
    }
    fn is_nan(&self) -> bool {
        f64::is_nan(*self)
    }
}

impl<T: Float> Nan for Complex<T> {
    fn nan() -> Self {
        Complex::new(T::nan(), T::nan())
    }
    fn is_nan(&self) -> bool {
        self.re.is_nan() && self.im.is_nan()
    }
}

fn nan_c<T: Float>() -> Complex<T> {
    Nan::nan()
}

/// The axes a numpy N-D transform resolves to (non-negative) and the length along each.
fn resolved(shape: &[usize], axes: Option<&[isize]>, s: Option<&[usize]>) -> (Vec<usize>, Vec<usize>) {
    let nd = shape.len() as isize;
    let axes: Vec<usize> = match (axes, s) {
        (Some(a), _) => a.iter().map(|&a| ((a + nd) % nd) as usize).collect(),
        (None, Some(s)) => (shape.len() - s.len()..shape.len()).collect(),
        (None, None) => (0..shape.len()).collect(),
    };
    let lens = match s {
        Some(s) => s.to_vec(),
        None => axes.iter().map(|&a| shape[a]).collect(),
    };
    (axes, lens)
}

/// The naive N-D DFT in numpy's order (last listed axis first) with `norm`'s factors.
fn nd_reference(x: &ArrayD<C64>, axes: &[usize], lens: &[usize], inverse: bool, norm: Norm) -> ArrayD<C64> {
    let (rev_axes, rev_lens): (Vec<usize>, Vec<usize>) = axes.iter().zip(lens).rev().map(|(&a, &l)| (a, l)).unzip();
    let factor: f64 = lens.iter().map(|&n| norm_factor(norm, n, inverse)).product();
    scaled(&dft_nd(x, &rev_axes, &rev_lens, inverse), factor)
}

type NdCase = (&'static [usize], Option<&'static [isize]>, Option<&'static [usize]>);

/// Shapes, axes and `s`: unchanged lengths, only the first-transformed axis padded or truncated
/// (every pass in the output), other axes resized (through temporaries), no axes at all.
const ND_CASES: &[NdCase] = &[
    (&[1], None, None),
    (&[7], None, Some(&[12])),
    (&[3, 5], None, None),
    (&[6, 10], Some(&[0]), Some(&[9])),
    (&[4, 6, 5], None, Some(&[4, 6, 8])),
    (&[5, 3, 4], Some(&[2, 0]), Some(&[4, 8])),
    (&[2, 9, 1], Some(&[1]), Some(&[4])),
    (&[4, 6, 5], Some(&[-1, 0]), Some(&[3, 7])),
    (&[3, 8, 13], Some(&[1, -1]), Some(&[11, 13])),
    (&[16, 24], Some(&[0, 1]), None),
    (&[3, 4], Some(&[]), None),
];

fn c2c_nd_into_matches_the_dft<T: Float>(rng: &mut TestRng)
where
    Complex<T>: ToC64,
{
    for (i, &(shape, axes, s)) in ND_CASES.iter().enumerate() {
        let x = rng.complex::<T>(shape);
        let (ax, lens) = resolved(shape, axes, s);
        let mut out_shape = shape.to_vec();
        ax.iter().zip(&lens).for_each(|(&a, &l)| out_shape[a] = l);
        let size: usize = lens.iter().product();
        for inverse in [false, true] {
            let norm = NORMS[(i + inverse as usize) % 3];
            let want = nd_reference(&to_c64(&x), &ax, &lens, inverse, norm);
            each_out_layout(&out_shape, |layout, mut out| {
                let call = if inverse { ifftn_into } else { fftn_into };
                call(&x, &mut out, s, axes, norm).expect("valid call");
                let err = rel_l2(&out, &want);
                check_err(err, bound::<T>(size), rng.seed, || {
                    format!(
                        "{} {shape:?} axes {axes:?} s {s:?} {norm:?} into {layout} ({})",
                        if inverse { "ifftn_into" } else { "fftn_into" },
                        T::NAME
                    )
                });
            });
        }
    }
}

#[test]
fn fftn_into_and_ifftn_into_match_the_dft_in_every_output_layout() {
    let mut rng = TestRng::new("fftn_into");
    c2c_nd_into_matches_the_dft::<f32>(&mut rng);
    c2c_nd_into_matches_the_dft::<f64>(&mut rng);
}

#[test]
fn fft2_into_transforms_the_last_two_axes_of_real_or_complex_input() {
    let mut rng = TestRng::new("fft2_into");
    // Large enough that the strided pass runs through slabs of columns.
    for shape in [[2usize, 9, 16], [3, 64, 40], [1, 1, 1]] {
        let x = rng.real::<f32>(&shape);
        let want = nd_reference(&to_c64(&x), &[1, 2], &shape[1..], false, Norm::Backward);
        each_out_layout(&shape, |layout, mut out| {
            fft2_into(&x, &mut out, None, None, Norm::Backward).expect("valid call");
            let err = rel_l2(&out, &want);
            check_err(err, bound::<f32>(shape[1] * shape[2]), rng.seed, || {
                format!("fft2_into {shape:?} {layout}")
            });
        });
        let spectrum = rng.complex::<f64>(&shape);
        let want = nd_reference(&to_c64(&spectrum), &[0, 2], &[5, shape[2]], true, Norm::Ortho);
        let out_shape = [5, shape[1], shape[2]];
        each_out_layout(&out_shape, |layout, mut out| {
            ifft2_into(&spectrum, &mut out, Some(&[5, shape[2]]), Some(&[0, 2]), Norm::Ortho).expect("valid call");
            let err = rel_l2(&out, &want);
            check_err(err, bound::<f64>(5 * shape[2]), rng.seed, || {
                format!("ifft2_into {shape:?} axes [0, 2] {layout}")
            });
        });
    }
}

#[test]
fn one_axis_into_variants_match_the_dft_in_every_output_layout() {
    let mut rng = TestRng::new("fft_into");
    for (shape, axis, n) in [
        ([1usize, 1], 0isize, 1usize),
        ([6, 5], 0, 9),
        ([6, 5], -1, 3),
        ([40, 17], 0, 40),
        ([3, 1000], 1, 1000),
    ] {
        let a = ((axis + 2) % 2) as usize;
        let mut out_shape = shape.to_vec();
        out_shape[a] = n;
        let x = rng.complex::<f32>(&shape);
        for (inverse, norm) in [(false, Norm::Backward), (true, Norm::Ortho), (true, Norm::Forward)] {
            let want = scaled(&dft_axis(&to_c64(&x), a, n, inverse), norm_factor(norm, n, inverse));
            each_out_layout(&out_shape, |layout, mut out| {
                let call = if inverse { ifft_into } else { fft_into };
                call(&x, &mut out, Some(n), axis, norm).expect("valid call");
                let err = rel_l2(&out, &want);
                check_err(err, bound::<f32>(n), rng.seed, || {
                    format!("c2c into {shape:?} axis {axis} n {n} inverse {inverse} {layout}")
                });
            });
        }
        let real = rng.real::<f64>(&shape);
        let mut half_shape = shape.to_vec();
        half_shape[a] = n / 2 + 1;
        let want = half_spectrum(&dft_axis(&to_c64(&real), a, n, false), a);
        each_out_layout(&half_shape, |layout, mut out| {
            rfft_into(&real, &mut out, Some(n), axis, Norm::Backward).expect("valid call");
            let err = rel_l2(&out, &want);
            check_err(err, bound::<f64>(n), rng.seed, || {
                format!("rfft_into {shape:?} axis {axis} n {n} {layout}")
            });
        });
        let spectrum = rng.complex::<f64>(&shape);
        let want = scaled(&c2r_axis_ref(&to_c64(&spectrum), a, n), 1.0 / n as f64);
        each_out_layout(&out_shape, |layout, mut out| {
            irfft_into(&spectrum, &mut out, Some(n), axis, Norm::Backward).expect("valid call");
            let err = rel_l2(&out, &want);
            check_err(err, bound::<f64>(n), rng.seed, || {
                format!("irfft_into {shape:?} axis {axis} n {n} {layout}")
            });
        });
    }
}

#[test]
fn inplace_variants_match_the_dft_in_every_layout() {
    let mut rng = TestRng::new("inplace");
    for shape in [vec![1usize], vec![13], vec![8, 24], vec![3, 40, 19], vec![64, 16]] {
        let x = rng.complex::<f64>(&shape);
        let all: Vec<usize> = (0..shape.len()).collect();
        let want_n = nd_reference(&to_c64(&x), &all, &shape, false, Norm::Ortho);
        let want_0 = scaled(&dft_axis(&to_c64(&x), 0, shape[0], true), 1.0 / shape[0] as f64);
        let size: usize = shape.iter().product();
        for layout in ["C order", "Fortran order", "step-2 view"] {
            let run = |f: &dyn Fn(&mut ArrayViewMutD<'_, Complex<f64>>)| -> ArrayD<Complex<f64>> {
                let mut c = x.clone();
                let mut fo = fortran(&x);
                let mut big = stepped_backing(&x);
                let mut view = match layout {
                    "C order" => c.view_mut(),
                    "Fortran order" => fo.view_mut(),
                    _ => big.slice_each_axis_mut(|_| Slice::new(0, None, 2)),
                };
                f(&mut view);
                view.to_owned()
            };
            let got = run(&|v| fftn_inplace(v, None, Norm::Ortho).expect("valid call"));
            check_err(rel_l2(&got, &want_n), bound::<f64>(size), rng.seed, || {
                format!("fftn_inplace {shape:?} {layout}")
            });
            let got = run(&|v| ifft_inplace(v, 0, Norm::Backward).expect("valid call"));
            check_err(rel_l2(&got, &want_0), bound::<f64>(shape[0]), rng.seed, || {
                format!("ifft_inplace {shape:?} {layout}")
            });
            let back = run(&|v| {
                fft_inplace(v, -1, Norm::Forward).expect("valid call");
                ifftn_inplace(v, Some(&[-1]), Norm::Forward).expect("valid call");
            });
            check_err(rel_l2(&back, &to_c64(&x)), bound::<f64>(size), rng.seed, || {
                format!("ifftn_inplace(fft_inplace) {shape:?} {layout}")
            });
        }
    }
}

#[test]
fn into_errors_leave_the_output_untouched() {
    let x = ArrayD::from_elem(IxDyn(&[4, 6]), Complex::new(1.0f32, 2.0));
    let untouched = |out: &ArrayD<Complex<f32>>| out.iter().all(|z| z.re.is_nan() && z.im.is_nan());
    let mut out = ArrayD::from_elem(IxDyn(&[4, 5]), nan_c::<f32>());
    let err = fftn_into(&x, &mut out, None, None, Norm::Backward).unwrap_err();
    assert!(
        matches!(&err, Error::ShapeMismatch { expected, got, .. } if expected == &[4, 6] && got == &[4, 5]),
        "{err}"
    );
    assert!(untouched(&out));
    // Only the second pass would find the wrong length: nothing may be written before the check.
    let mut out = ArrayD::from_elem(IxDyn(&[4, 8]), nan_c::<f32>());
    let err = fft2_into(&x, &mut out, Some(&[5, 8]), None, Norm::Backward).unwrap_err();
    assert!(
        matches!(&err, Error::ShapeMismatch { expected, .. } if expected == &[5, 8]),
        "{err}"
    );
    assert!(untouched(&out));
    let err = ifftn_into(&x, &mut out, Some(&[4, 0]), None, Norm::Backward).unwrap_err();
    assert!(matches!(err, Error::InvalidLength { len: 0, .. }), "{err}");
    let err = fftn_into(&x, &mut out, None, Some(&[1, -1]), Norm::Backward).unwrap_err();
    assert!(matches!(err, Error::RepeatedAxis { axis: 1, .. }), "{err}");
    let err = ifft2_into(&x, &mut out, None, Some(&[0, 2]), Norm::Backward).unwrap_err();
    assert!(matches!(err, Error::AxisOutOfRange { axis: 2, ndim: 2 }), "{err}");
    let err = fftn_into(&x, &mut out, Some(&[4, 8, 2]), Some(&[0, 1]), Norm::Backward).unwrap_err();
    assert!(
        matches!(err, Error::ShapeAxesMismatch { s_len: 3, axes_len: 2 }),
        "{err}"
    );
    assert!(untouched(&out));
    // A zero-length axis cannot be transformed in place; the array is left as it was.
    let mut empty = ArrayD::from_elem(IxDyn(&[3, 0]), Complex::new(1.0f64, 0.0));
    assert!(matches!(
        fftn_inplace(&mut empty, None, Norm::Backward),
        Err(Error::InvalidLength { len: 0, .. })
    ));
    let mut y = ArrayD::from_elem(IxDyn(&[3, 4]), Complex::new(1.0f64, 0.0));
    assert!(matches!(
        fftn_inplace(&mut y, Some(&[0, 5]), Norm::Backward),
        Err(Error::AxisOutOfRange { axis: 5, .. })
    ));
    assert!(y.iter().all(|z| *z == Complex::new(1.0, 0.0)));
}

/// A transform along the first axis of an output of 16 MiB and more writes each row of its
/// tiles with streaming stores where the rows are whole aligned cache lines (an array from
/// `shardfft::zeros`), and with ordinary stores elsewhere (a view starting one element in): the
/// two agree bit for bit, and sampled columns match the float64 reference.
#[test]
fn large_strided_outputs_agree_whether_or_not_they_are_aligned() {
    let mut rng = TestRng::new("large strided outputs");
    let (rows, cols) = (1024, 2048);
    let x: ndarray::Array2<Complex<f32>> = rng.complex::<f32>(&[rows, cols]).into_dimensionality().unwrap();
    let mut aligned = shardfft::zeros::<Complex<f32>, _>((rows, cols)).unwrap();
    let mut backing = shardfft::zeros::<Complex<f32>, _>((rows, cols + 1)).unwrap();
    let mut shifted = backing.slice_mut(ndarray::s![.., 1..]);
    assert!((aligned.as_ptr() as usize).is_multiple_of(64) && !(shifted.as_ptr() as usize).is_multiple_of(64));
    fft_into(&x, &mut aligned, None, 0, Norm::Ortho).unwrap();
    fft_into(&x, &mut shifted, None, 0, Norm::Ortho).unwrap();
    assert!(aligned == shifted, "aligned and shifted outputs differ");
    for _ in 0..16 {
        let c = rng.range(0, cols);
        let col: Vec<C64> = x.column(c).iter().map(|v| v.c64()).collect();
        let want = ndarray::Array1::from(reference(&col, false)).into_dyn();
        let want = scaled(&want, norm_factor(Norm::Ortho, rows, false));
        let err = rel_l2(&aligned.column(c), &want);
        check_err(err, bound::<f32>(rows), rng.seed, || format!("column {c}"));
    }
}

/// An N-D output of 64 MiB and more runs its contiguous last axis last (the strided pass first,
/// from the source): the same transform, to rounding, as the passes in numpy's order run one
/// by one, and the allocating form computes it the same way, bit for bit. Sampled rows match
/// the float64 reference of the row-wise DFT of the column-wise one.
#[test]
fn large_nd_outputs_transform_the_contiguous_axis_last_with_the_same_result() {
    let mut rng = TestRng::new("large nd outputs");
    let (rows, cols) = (2048, 4096);
    let x: ndarray::Array2<Complex<f32>> = rng.complex::<f32>(&[rows, cols]).into_dimensionality().unwrap();
    let mut out = shardfft::zeros::<Complex<f32>, _>((rows, cols)).unwrap();
    fft2_into(&x, &mut out, None, None, Norm::Backward).unwrap();
    assert!(
        out == shardfft::fft2(&x, None, None, Norm::Backward).unwrap(),
        "fft2 and fft2_into differ"
    );
    let by_rows = shardfft::fft(&x, None, -1, Norm::Backward).unwrap();
    let numpy_order = shardfft::fft(&by_rows, None, 0, Norm::Backward).unwrap();
    let err = rel_l2(&out, &to_c64(&numpy_order));
    check_err(err, bound::<f32>(rows * cols), rng.seed, || {
        "against numpy's order".into()
    });
    let by_cols = shardfft::fft(&x, None, 0, Norm::Backward).unwrap();
    for _ in 0..4 {
        let r = rng.range(0, rows);
        let row: Vec<C64> = by_cols.row(r).iter().map(|v| v.c64()).collect();
        let want = ndarray::Array1::from(reference(&row, false)).into_dyn();
        let err = rel_l2(&out.row(r), &want);
        check_err(err, bound::<f32>(rows * cols), rng.seed, || format!("row {r}"));
    }
}

/// Axis 0 of an output past twice the L3 runs in tiles of eight slabs (64 columns) with the
/// next tile's rows prefetched: a width that is no multiple of 64 or of 8 leaves a partial
/// last tile and loose columns. Sampled columns (among them the last ones) match the float64
/// reference, and the same columns cut out and transformed alone (an array far below the
/// threshold) give the same values.
#[test]
fn wide_strided_tiles_match_the_reference_at_the_ragged_edge() {
    let mut rng = TestRng::new("wide strided tiles");
    let (rows, cols) = (2048, 4100);
    assert!(rows * cols * 8 >= 64 << 20, "the case must reach the wide tiles");
    let x: ndarray::Array2<Complex<f32>> = rng.complex::<f32>(&[rows, cols]).into_dimensionality().unwrap();
    let mut out = shardfft::zeros::<Complex<f32>, _>((rows, cols)).unwrap();
    fft_into(&x, &mut out, None, 0, Norm::Ortho).unwrap();
    let mut picks: Vec<usize> = (0..5).map(|_| rng.range(0, cols)).collect();
    picks.extend([0, 4031, 4032, 4095, 4096, 4099]);
    for c in picks {
        let col: Vec<C64> = x.column(c).iter().map(|v| v.c64()).collect();
        let scale = 1.0 / (rows as f64).sqrt();
        let want = ndarray::Array1::from(reference(&col, false))
            .mapv(|v| v * scale)
            .into_dyn();
        check_err(rel_l2(&out.column(c), &want), bound::<f32>(rows), rng.seed, || {
            format!("column {c}")
        });
    }
    let narrow = x.slice(ndarray::s![.., 4032..]).to_owned();
    let alone = shardfft::fft(&narrow, None, 0, Norm::Ortho).unwrap();
    let diff = rel_l2(&out.slice(ndarray::s![.., 4032..]), &to_c64(&alone));
    check_err(diff, bound::<f32>(rows), rng.seed, || {
        "the last 68 columns alone".into()
    });
}

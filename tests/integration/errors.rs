//! Every error path returns the right `shardfft::Error` variant, whose message names the
//! offending value; nothing panics. Sizes that overflow or cannot be allocated run in a child
//! process (this test binary, re-run with a filter) under a 4 GiB address-space limit and a
//! timeout, so that an abort or a hang inside the library is reported as a test failure instead
//! of killing the whole test binary.

use std::fmt::Debug;

use ndarray::{Array1, Array2, ArrayD, IxDyn, arr0, array};
use shardfft::{
    Complex, Error, Norm, fft, fft2, fftfreq, fftn, fftshift, hfft, ifft, ifft2, ifftn, ifftshift, ihfft, irfft,
    irfft2, irfftn, rfft, rfft2, rfftfreq, rfftn,
};

const B: Norm = Norm::Backward;

/// Asserts that `r` is an error matching `want`, whose Display contains every one of `needles`.
#[track_caller]
fn expect_err<T: Debug>(r: shardfft::Result<T>, want: impl Fn(&Error) -> bool, needles: &[&str], what: &str) {
    match r {
        Ok(v) => panic!("{what}: expected an error, got Ok({v:?})"),
        Err(e) => {
            assert!(want(&e), "{what}: wrong error variant or fields: {e:?}");
            let msg = e.to_string();
            for needle in needles {
                assert!(msg.contains(needle), "{what}: message {msg:?} does not name {needle:?}");
            }
        }
    }
}

fn zero_len(e: &Error, field: &str) -> bool {
    matches!(e, Error::InvalidLength { what, len: 0 } if what.contains(field))
}

#[test]
fn zero_n() {
    let x = Array2::<f64>::ones((3, 4));
    let z = Array2::<Complex<f32>>::zeros((3, 4));
    for axis in [0isize, -1] {
        let what = |op: &str| format!("{op}(n=0, axis={axis})");
        let is_n = |e: &Error| zero_len(e, "n");
        expect_err(fft(&x, Some(0), axis, B), is_n, &["n", "0"], &what("fft"));
        expect_err(ifft(&z, Some(0), axis, B), is_n, &["n", "0"], &what("ifft"));
        expect_err(rfft(&x, Some(0), axis, B), is_n, &["n", "0"], &what("rfft"));
        expect_err(irfft(&z, Some(0), axis, B), is_n, &["n", "0"], &what("irfft"));
        expect_err(hfft(&z, Some(0), axis, Norm::Ortho), is_n, &["n", "0"], &what("hfft"));
        expect_err(ihfft(&x, Some(0), axis, B), is_n, &["n", "0"], &what("ihfft"));
    }
    expect_err(fftfreq::<f64>(0, 1.0), |e| zero_len(e, "n"), &["0"], "fftfreq(0)");
    expect_err(rfftfreq::<f32>(0, 1.0), |e| zero_len(e, "n"), &["0"], "rfftfreq(0)");
}

#[test]
fn s_containing_zero() {
    let x = ArrayD::<f64>::ones(IxDyn(&[3, 4, 5]));
    let z = ArrayD::<Complex<f64>>::ones(IxDyn(&[3, 4, 5]));
    let s1 = |e: &Error| zero_len(e, "s[1]");
    expect_err(fftn(&x, Some(&[3, 0]), None, B), s1, &["s[1]", "0"], "fftn s=[3,0]");
    expect_err(ifftn(&z, Some(&[2, 0, 2]), None, B), s1, &["s[1]"], "ifftn s=[2,0,2]");
    expect_err(
        rfftn(&x, Some(&[3, 0]), Some(&[2, 0]), B),
        s1,
        &["s[1]"],
        "rfftn s=[3,0]",
    );
    expect_err(irfftn(&z, Some(&[1, 0]), None, B), s1, &["s[1]"], "irfftn s=[1,0]");
    let s0 = |e: &Error| zero_len(e, "s[0]");
    expect_err(fft2(&x, Some(&[0, 4]), None, B), s0, &["s[0]"], "fft2 s=[0,4]");
    expect_err(ifft2(&z, Some(&[0, 4]), None, B), s0, &["s[0]"], "ifft2 s=[0,4]");
    expect_err(rfft2(&x, Some(&[0, 1]), None, B), s0, &["s[0]"], "rfft2 s=[0,1]");
    expect_err(irfft2(&z, Some(&[0, 8]), None, B), s0, &["s[0]"], "irfft2 s=[0,8]");
}

#[test]
fn axis_out_of_range() {
    let x = Array2::<f64>::ones((3, 4));
    let z = Array2::<Complex<f64>>::ones((3, 4));
    for axis in [2isize, -3, 7, isize::MIN, isize::MAX] {
        let name = axis.to_string();
        let bad = |e: &Error| matches!(e, Error::AxisOutOfRange { axis: a, ndim: 2 } if *a == axis);
        let needles = [name.as_str()];
        expect_err(fft(&x, None, axis, B), bad, &needles, &format!("fft axis={axis}"));
        expect_err(ifft(&z, None, axis, B), bad, &needles, &format!("ifft axis={axis}"));
        expect_err(rfft(&x, None, axis, B), bad, &needles, &format!("rfft axis={axis}"));
        expect_err(irfft(&z, None, axis, B), bad, &needles, &format!("irfft axis={axis}"));
        expect_err(hfft(&z, Some(4), axis, B), bad, &needles, &format!("hfft axis={axis}"));
        expect_err(
            ihfft(&x, Some(4), axis, B),
            bad,
            &needles,
            &format!("ihfft axis={axis}"),
        );
        let axes = [0, axis];
        expect_err(
            fftn(&x, None, Some(&axes), B),
            bad,
            &needles,
            &format!("fftn axes={axes:?}"),
        );
        expect_err(
            ifftn(&z, Some(&[2, 2]), Some(&axes), B),
            bad,
            &needles,
            &format!("ifftn axes={axes:?}"),
        );
        expect_err(
            rfftn(&x, None, Some(&axes), B),
            bad,
            &needles,
            &format!("rfftn axes={axes:?}"),
        );
        expect_err(
            irfftn(&z, None, Some(&axes), B),
            bad,
            &needles,
            &format!("irfftn axes={axes:?}"),
        );
        expect_err(
            fft2(&x, None, Some(&axes), B),
            bad,
            &needles,
            &format!("fft2 axes={axes:?}"),
        );
        expect_err(
            rfft2(&x, None, Some(&[axis, 1]), B),
            bad,
            &needles,
            &format!("rfft2 axes=[{axis},1]"),
        );
        expect_err(
            fftshift(&x, Some(&[axis])),
            bad,
            &needles,
            &format!("fftshift axes=[{axis}]"),
        );
        expect_err(
            ifftshift(&x, Some(&[axis])),
            bad,
            &needles,
            &format!("ifftshift axes=[{axis}]"),
        );
    }
    // The message also names the dimension count.
    let e = fft(&x, None, 5, B).unwrap_err();
    assert!(e.to_string().contains('2'), "{e}");
}

#[test]
fn repeated_axes() {
    let x = ArrayD::<f64>::ones(IxDyn(&[2, 3, 4]));
    let z = ArrayD::<Complex<f64>>::ones(IxDyn(&[2, 3, 4]));
    let rep = |axis: usize| move |e: &Error| matches!(e, Error::RepeatedAxis { axis: a, .. } if *a == axis);
    expect_err(fftn(&x, None, Some(&[0, 0]), B), rep(0), &["[0, 0]"], "fftn axes=[0,0]");
    // -1 and ndim−1 name the same axis.
    expect_err(
        fftn(&x, None, Some(&[-1, 2]), B),
        rep(2),
        &["[-1, 2]"],
        "fftn axes=[-1,2]",
    );
    expect_err(
        ifftn(&z, Some(&[3, 3]), Some(&[2, -1]), B),
        rep(2),
        &["[2, -1]"],
        "ifftn axes=[2,-1]",
    );
    expect_err(
        rfftn(&x, None, Some(&[1, 0, -2]), B),
        rep(1),
        &["[1, 0, -2]"],
        "rfftn axes=[1,0,-2]",
    );
    expect_err(
        irfftn(&z, None, Some(&[-3, 0]), B),
        rep(0),
        &["[-3, 0]"],
        "irfftn axes=[-3,0]",
    );
    expect_err(fft2(&x, None, Some(&[1, 1]), B), rep(1), &["[1, 1]"], "fft2 axes=[1,1]");
    expect_err(
        ifft2(&z, None, Some(&[-1, 2]), B),
        rep(2),
        &["[-1, 2]"],
        "ifft2 axes=[-1,2]",
    );
    expect_err(
        rfft2(&x, None, Some(&[0, -3]), B),
        rep(0),
        &["[0, -3]"],
        "rfft2 axes=[0,-3]",
    );
    expect_err(
        irfft2(&z, None, Some(&[2, 2]), B),
        rep(2),
        &["[2, 2]"],
        "irfft2 axes=[2,2]",
    );
    expect_err(
        fftshift(&x, Some(&[0, -3])),
        rep(0),
        &["[0, -3]"],
        "fftshift axes=[0,-3]",
    );
    expect_err(
        ifftshift(&x, Some(&[-1, 2])),
        rep(2),
        &["[-1, 2]"],
        "ifftshift axes=[-1,2]",
    );
}

#[test]
fn s_and_axes_lengths_differ() {
    let x = ArrayD::<f64>::ones(IxDyn(&[2, 3, 4]));
    let z = ArrayD::<Complex<f32>>::ones(IxDyn(&[2, 3, 4]));
    let mis = |s: usize, a: usize| move |e: &Error| matches!(e, Error::ShapeAxesMismatch { s_len, axes_len } if *s_len == s && *axes_len == a);
    expect_err(
        fftn(&x, Some(&[2, 3]), Some(&[0]), B),
        mis(2, 1),
        &["2", "1"],
        "fftn s=[2,3] axes=[0]",
    );
    expect_err(
        ifftn(&z, Some(&[2]), Some(&[0, 1]), B),
        mis(1, 2),
        &["1", "2"],
        "ifftn s=[2] axes=[0,1]",
    );
    expect_err(
        rfftn(&x, Some(&[2, 3, 4]), Some(&[1, 2]), B),
        mis(3, 2),
        &["3", "2"],
        "rfftn",
    );
    expect_err(
        irfftn(&z, Some(&[5]), Some(&[0, 2]), B),
        mis(1, 2),
        &["1", "2"],
        "irfftn",
    );
    // The 2-D forms have two axes by default.
    expect_err(fft2(&x, Some(&[4]), None, B), mis(1, 2), &["1", "2"], "fft2 s=[4]");
    expect_err(
        ifft2(&z, Some(&[4, 4, 4]), None, B),
        mis(3, 2),
        &["3", "2"],
        "ifft2 s=[4,4,4]",
    );
    expect_err(rfft2(&x, Some(&[4]), None, B), mis(1, 2), &["1", "2"], "rfft2 s=[4]");
    expect_err(irfft2(&z, Some(&[4]), None, B), mis(1, 2), &["1", "2"], "irfft2 s=[4]");
}

#[test]
fn s_longer_than_ndim() {
    let x = Array2::<f64>::ones((3, 4));
    let z = Array2::<Complex<f64>>::ones((3, 4));
    let mis = |e: &Error| matches!(e, Error::ShapeAxesMismatch { s_len: 3, axes_len: 2 });
    expect_err(
        fftn(&x, Some(&[2, 2, 2]), None, B),
        mis,
        &["3", "2"],
        "fftn s of 3 on 2-D",
    );
    expect_err(
        ifftn(&z, Some(&[2, 2, 2]), None, B),
        mis,
        &["3", "2"],
        "ifftn s of 3 on 2-D",
    );
    expect_err(
        rfftn(&x, Some(&[2, 2, 2]), None, B),
        mis,
        &["3", "2"],
        "rfftn s of 3 on 2-D",
    );
    expect_err(
        irfftn(&z, Some(&[2, 2, 2]), None, B),
        mis,
        &["3", "2"],
        "irfftn s of 3 on 2-D",
    );
    let one = Array1::<f64>::ones(5);
    let mis1 = |e: &Error| matches!(e, Error::ShapeAxesMismatch { s_len: 2, axes_len: 1 });
    expect_err(
        fftn(&one, Some(&[5, 5]), None, B),
        mis1,
        &["2", "1"],
        "fftn s of 2 on 1-D",
    );
    // Two axes on a 1-D array: the second is out of range, or repeats the first.
    expect_err(
        fft2(&one, None, None, B),
        |e| matches!(e, Error::AxisOutOfRange { axis: -2, ndim: 1 }),
        &["-2"],
        "fft2 on 1-D",
    );
    expect_err(
        fftn(&one, None, Some(&[0, -1]), B),
        |e| matches!(e, Error::RepeatedAxis { axis: 0, .. }),
        &["[0, -1]"],
        "fftn axes=[0,-1] on 1-D",
    );
}

#[test]
fn transform_of_empty_axis() {
    let e1 = Array1::<f64>::zeros(0);
    let e2 = Array2::<f64>::zeros((3, 0));
    let z2 = Array2::<Complex<f64>>::zeros((3, 0));
    let zero = |e: &Error| matches!(e, Error::InvalidLength { len: 0, .. });
    expect_err(fft(&e1, None, 0, B), zero, &["0"], "fft of length 0");
    expect_err(
        ifft(&e2, None, 1, B),
        zero,
        &["0"],
        "ifft of a (3,0) array along axis 1",
    );
    expect_err(rfft(&e2, None, -1, B), zero, &["0"], "rfft of length 0");
    expect_err(ihfft(&e1, None, 0, B), zero, &["0"], "ihfft of length 0");
    expect_err(irfft(&z2, None, -1, B), zero, &["0"], "irfft of 0 bins");
    expect_err(hfft(&z2, None, -1, B), zero, &["0"], "hfft of 0 bins");
    expect_err(fftn(&e2, None, None, B), zero, &["0"], "fftn over an empty axis");
    expect_err(
        ifftn(&z2, None, Some(&[1]), B),
        zero,
        &["0"],
        "ifftn over an empty axis",
    );
    expect_err(rfftn(&e2, None, None, B), zero, &["0"], "rfftn over an empty axis");
    expect_err(
        rfftn(&e2.t(), None, None, B),
        zero,
        &["0"],
        "rfftn over an empty first axis",
    );
    expect_err(irfftn(&z2, None, None, B), zero, &["0"], "irfftn over an empty axis");
    expect_err(fft2(&e2, None, None, B), zero, &["0"], "fft2 over an empty axis");
    // An explicit n pads the empty axis instead (numpy): zeros, not an error.
    let padded = fft(&e1, Some(4), 0, B).unwrap();
    assert_eq!(padded, Array1::<Complex<f64>>::zeros(4));
    assert_eq!(irfft(&z2, Some(3), -1, B).unwrap(), Array2::<f64>::zeros((3, 3)));
    assert_eq!(
        fftn(&e2, Some(&[2]), None, B).unwrap(),
        Array2::<Complex<f64>>::zeros((3, 2))
    );
}

#[test]
fn irfft_of_one_bin_without_n() {
    let h = array![Complex::new(2.5f64, 1.0)];
    let zero = |e: &Error| matches!(e, Error::InvalidLength { len: 0, .. });
    expect_err(irfft(&h, None, 0, B), zero, &["0"], "irfft of 1 bin, n=None");
    expect_err(hfft(&h, None, 0, B), zero, &["0"], "hfft of 1 bin, n=None");
    let h2 = Array2::<Complex<f32>>::ones((4, 1));
    expect_err(
        irfftn(&h2, None, None, B),
        zero,
        &["0"],
        "irfftn with 1 bin on the last axis",
    );
    expect_err(
        irfft2(&h2, None, None, B),
        zero,
        &["0"],
        "irfft2 with 1 bin on the last axis",
    );
    // With n = 1 it is fine: the DC bin's real part.
    assert_eq!(irfft(&h, Some(1), 0, B).unwrap(), array![2.5]);
}

#[test]
fn zero_dimensional_arrays() {
    let x = arr0(1.5f64);
    let z = arr0(Complex::new(1.5f64, -1.0));
    let no_axis = |e: &Error| matches!(e, Error::AxisOutOfRange { axis: -1, ndim: 0 });
    expect_err(fft(&x, None, -1, B), no_axis, &["-1", "0"], "fft of 0-d");
    expect_err(ifft(&z, None, -1, B), no_axis, &["-1"], "ifft of 0-d");
    expect_err(rfft(&x, None, -1, B), no_axis, &["-1"], "rfft of 0-d");
    expect_err(irfft(&z, Some(2), -1, B), no_axis, &["-1"], "irfft of 0-d");
    expect_err(hfft(&z, None, -1, B), no_axis, &["-1"], "hfft of 0-d");
    expect_err(ihfft(&x, None, -1, B), no_axis, &["-1"], "ihfft of 0-d");
    expect_err(
        fft(&x, Some(4), 0, B),
        |e| matches!(e, Error::AxisOutOfRange { axis: 0, ndim: 0 }),
        &["0"],
        "fft of 0-d, axis 0",
    );
    let two = |e: &Error| matches!(e, Error::AxisOutOfRange { ndim: 0, .. });
    expect_err(fft2(&x, None, None, B), two, &["-2"], "fft2 of 0-d");
    expect_err(rfft2(&x, None, None, B), two, &["-2"], "rfft2 of 0-d");
    expect_err(
        fftn(&x, Some(&[2]), None, B),
        |e| matches!(e, Error::ShapeAxesMismatch { s_len: 1, axes_len: 0 }),
        &["1"],
        "fftn s=[2] of 0-d",
    );
    // A real N-D transform needs an axis to be real along.
    assert!(rfftn(&x, None, None, B).is_err(), "rfftn of 0-d");
    assert!(irfftn(&z, None, None, B).is_err(), "irfftn of 0-d");
    // No axes at all is not an error for the complex N-D forms and the shifts (numpy returns
    // the input unchanged).
    assert_eq!(fftn(&x, None, None, B).unwrap(), arr0(Complex::new(1.5, 0.0)));
    assert_eq!(fftshift(&x, None).unwrap(), x);
}

// ---------------------------------------------------------------------------------------------
// Sizes that overflow or cannot be allocated, in a child process
// ---------------------------------------------------------------------------------------------

const CHILD_ENV: &str = "SHARDFFT_ERRORS_CHILD";
const CHILD_OK: &str = "CHILD-CASE-OK";
/// Address-space limit of the child (KiB): far below any of the sizes tried, far above what a
/// correct implementation needs to return an error.
const CHILD_VMEM_KIB: u64 = 4 << 20;
const CHILD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The size cases: name → (what runs, the length(s) whose message must be named).
fn size_case(name: &str) -> Option<shardfft::Result<String>> {
    let x64 = array![1.0f64, 2.0];
    let x32 = array![1.0f32, 2.0];
    let z64 = array![Complex::new(1.0f64, 0.0), Complex::new(0.5, 0.5)];
    let half = usize::MAX / 2;
    let t = 1usize << 40;
    let shape = |r: shardfft::Result<Vec<usize>>| r.map(|s| format!("{s:?}"));
    Some(match name {
        "fft_f64_max_half" => shape(fft(&x64, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "fft_f32_max_half" => shape(fft(&x32, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "fft_f64_max" => shape(fft(&x64, Some(usize::MAX), 0, B).map(|a| a.shape().to_vec())),
        "ifft_c64_max_half" => shape(ifft(&z64, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "rfft_f64_max_half" => shape(rfft(&x64, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "irfft_c64_max_half" => shape(irfft(&z64, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "hfft_c64_max_half" => shape(hfft(&z64, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "ihfft_f32_max_half" => shape(ihfft(&x32, Some(half), 0, B).map(|a| a.shape().to_vec())),
        "fft_f64_2p40" => shape(fft(&x64, Some(t), 0, B).map(|a| a.shape().to_vec())),
        "rfft_f64_2p40" => shape(rfft(&x64, Some(t), 0, B).map(|a| a.shape().to_vec())),
        "irfft_c64_2p40" => shape(irfft(&z64, Some(t), 0, B).map(|a| a.shape().to_vec())),
        "fftn_s_product_overflows" => {
            let x = Array2::<f64>::ones((2, 2));
            shape(fftn(&x, Some(&[1 << 33, 1 << 33]), None, B).map(|a| a.shape().to_vec()))
        }
        "fftn_batch_times_n_too_big" => {
            // Each axis alone is modest, the output (2^21 · 2^21 values) is not.
            let x = Array2::<f64>::ones((1 << 21, 1));
            shape(fft(&x, Some(1 << 21), 1, B).map(|a| a.shape().to_vec()))
        }
        _ => return None,
    })
}

/// The lengths a size case's message should name (any one of them, or its byte count).
fn size_case_lengths(name: &str) -> Vec<usize> {
    match name {
        n if n.ends_with("max_half") => vec![usize::MAX / 2],
        "fft_f64_max" => vec![usize::MAX],
        n if n.ends_with("2p40") => vec![1 << 40],
        "fftn_s_product_overflows" => vec![1 << 33],
        "fftn_batch_times_n_too_big" => vec![1 << 21],
        _ => vec![],
    }
}

/// Entry point of the child process: runs the case named by `SHARDFFT_ERRORS_CHILD` and checks
/// it in-process (the parent sees a panic as a failed exit status).
#[test]
#[ignore = "run by the size tests in a child process"]
fn size_case_child() {
    let Ok(name) = std::env::var(CHILD_ENV) else { return };
    let result = size_case(&name).unwrap_or_else(|| panic!("unknown case {name}"));
    match result {
        Ok(shape) => panic!("{name}: expected Error::TooLarge or Error::Alloc, got Ok(shape {shape})"),
        Err(e) => {
            let msg = e.to_string();
            let named = |v: usize| msg.contains(&v.to_string());
            let lens = size_case_lengths(&name);
            let ok_variant = match &e {
                Error::TooLarge { shape, .. } => lens.iter().any(|l| shape.contains(l)),
                // A byte count names the size if it is the real one for the length (a multiple
                // of it), not a saturated placeholder (usize::MAX).
                Error::Alloc { bytes, .. } => {
                    *bytes != usize::MAX && lens.iter().any(|&l| named(l) || (bytes % l == 0 && *bytes >= l))
                }
                _ => false,
            };
            assert!(
                ok_variant,
                "{name}: expected TooLarge or Alloc naming the size {lens:?}, got {e:?} ({msg})"
            );
            println!("{CHILD_OK} {name}: {msg}");
        }
    }
}

/// Runs `cases` in child processes (in parallel) and fails if any panicked, aborted, was killed,
/// hung, or returned the wrong error.
#[cfg(unix)]
fn run_children(cases: &[&str]) {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let exe = std::env::current_exe().expect("test executable");
    let mut running = Vec::new();
    for &case in cases {
        assert!(size_case(case).is_some() || case.is_empty(), "unknown case {case}");
        // `ulimit -v` bounds the child's address space so an attempt to build a huge plan or
        // buffer fails fast instead of swapping the machine.
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {CHILD_VMEM_KIB} 2>/dev/null; exec \"$0\" \"$@\""))
            .arg(&exe)
            .args([
                "--exact",
                "errors::size_case_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, case)
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn child");
        running.push((case, child));
    }
    let start = Instant::now();
    let mut failures = Vec::new();
    for (case, mut child) in running {
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if start.elapsed() > CHILD_TIMEOUT {
                child.kill().ok();
                child.wait().ok();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let out = child.wait_with_output().expect("child output");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail = |s: &str| {
            s.lines()
                .rev()
                .take(6)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join(" | ")
        };
        match status {
            None => failures.push(format!("{case}: HUNG (killed after {CHILD_TIMEOUT:?})")),
            Some(st) if st.success() && stdout.contains(CHILD_OK) => {
                let line = stdout.lines().find(|l| l.contains(CHILD_OK)).unwrap_or_default();
                println!("{line}");
            }
            Some(st) => {
                use std::os::unix::process::ExitStatusExt;
                let how = match st.signal() {
                    Some(sig) => format!("killed by signal {sig} (6 = abort)"),
                    None => format!("exit status {st}"),
                };
                // The child's own assertion message names the case; else show what it printed.
                let said = match stderr.lines().find(|l| l.starts_with(case)) {
                    Some(line) => line.to_string(),
                    None => format!("stdout: {}; stderr: {}", tail(&stdout), tail(&stderr)),
                };
                failures.push(format!("{case}: {how}: {said}"));
            }
        }
    }
    assert!(failures.is_empty(), "size cases failed:\n{}", failures.join("\n"));
}

/// Lengths whose byte count overflows usize: Error::TooLarge or Error::Alloc, never a panic,
/// an abort or a hang.
#[cfg(unix)]
#[test]
fn overflowing_sizes_are_errors() {
    run_children(&[
        "fft_f64_max_half",
        "fft_f32_max_half",
        "fft_f64_max",
        "ifft_c64_max_half",
        "rfft_f64_max_half",
        "irfft_c64_max_half",
        "hfft_c64_max_half",
        "ihfft_f32_max_half",
        "fftn_s_product_overflows",
    ]);
}

/// Sizes that fit in usize but no machine can hold (2^40 complex f64 = 16 TiB): an error too.
#[cfg(unix)]
#[test]
fn impossible_sizes_are_errors() {
    run_children(&[
        "fft_f64_2p40",
        "rfft_f64_2p40",
        "irfft_c64_2p40",
        "fftn_batch_times_n_too_big",
    ]);
}

/// The child harness itself must be able to fail: an unknown case panics in the child.
#[cfg(unix)]
#[test]
fn child_harness_reports_failures() {
    let r = std::panic::catch_unwind(|| run_children(&[""]));
    assert!(r.is_err(), "an unknown case must fail");
}

/// `shardfft::zeros` reports sizes it cannot allocate instead of aborting.
#[test]
fn zeros_of_impossible_sizes_are_errors() {
    let r = shardfft::zeros::<f64, _>((usize::MAX / 4, 4));
    assert!(matches!(r, Err(Error::TooLarge { .. })), "{r:?}");
    // Representable, but 2^60 bytes: the allocator refuses.
    let r = shardfft::zeros::<u8, _>(1usize << 60);
    assert!(matches!(r, Err(Error::Alloc { .. })), "{r:?}");
    let z = shardfft::zeros::<Complex<f32>, _>((3, 0, 2)).unwrap();
    assert_eq!(z.shape(), &[3, 0, 2]);
}

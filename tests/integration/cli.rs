//! The `shardfft` command line: .npy round trips against the library, and every error path.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ndarray::{Array, ArrayD, Dimension, IxDyn, ShapeBuilder};
use ndarray_npy::{ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shardfft::{Complex, Norm, Scalar};

const BIN: &str = env!("CARGO_BIN_EXE_shardfft");

/// A scratch folder holding `in.npy` and (maybe) `out.npy`.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn input(&self) -> PathBuf {
        self.path("in.npy")
    }

    fn output(&self) -> PathBuf {
        self.path("out.npy")
    }

    /// Runs `shardfft OP in.npy out.npy ARGS...`.
    fn run(&self, op: &str, args: &[&str]) -> Output {
        let (input, output) = (self.input(), self.output());
        Command::new(BIN)
            .arg(op)
            .arg(&input)
            .arg(&output)
            .args(args)
            .output()
            .expect("run shardfft")
    }

    /// Runs a transform that must succeed and returns its output array.
    fn transform<B: ReadableElement>(&self, op: &str, args: &[&str]) -> ArrayD<B> {
        let out = self.run(op, args);
        assert!(
            out.status.success(),
            "{op} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        load(&self.output())
    }

    /// Runs a command that must fail: status 2, one `shardfft: error:` line, no output file,
    /// no temporary left behind. Returns the message.
    fn fails(&self, op: &str, args: &[&str]) -> String {
        let out = self.run(op, args);
        let message = assert_clean_failure(&out);
        assert!(!self.output().exists(), "{op} {args:?} created the output");
        self.assert_no_temporaries();
        message
    }

    fn assert_no_temporaries(&self) {
        let stray: Vec<_> = fs::read_dir(self.dir.path())
            .expect("list scratch")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "temporaries left behind: {stray:?}");
    }
}

/// Status 2 and exactly one line `shardfft: error: ...` on stderr; returns that line.
fn assert_clean_failure(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr is not one line: {stderr:?}");
    assert!(stderr.starts_with("shardfft: error: "), "stderr: {stderr:?}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr.trim_end().to_string()
}

fn save<A: WritableElement, D: Dimension>(path: &Path, a: &Array<A, D>) {
    let file = BufWriter::new(File::create(path).expect("create npy"));
    a.write_npy(file).expect("write npy");
}

fn load<A: ReadableElement>(path: &Path) -> ArrayD<A> {
    ArrayD::<A>::read_npy(File::open(path).expect("open npy")).expect("read npy")
}

/// Random values in [-1, 1), C order or (with `fortran`) Fortran order.
fn random<A>(shape: &[usize], fortran: bool, seed: u64, make: impl Fn(&mut StdRng) -> A) -> ArrayD<A> {
    let mut rng = StdRng::seed_from_u64(seed);
    let data: Vec<A> = (0..shape.iter().product()).map(|_| make(&mut rng)).collect();
    let shape = IxDyn(shape);
    let a = if fortran {
        Array::from_shape_vec(shape.f(), data)
    } else {
        Array::from_shape_vec(shape, data)
    };
    a.expect("shape matches data")
}

fn real<T: From<f32>>(shape: &[usize], fortran: bool, seed: u64) -> ArrayD<T> {
    random(shape, fortran, seed, |r| T::from(r.random_range(-1.0f32..1.0)))
}

fn complex<T: From<f32>>(shape: &[usize], fortran: bool, seed: u64) -> ArrayD<Complex<T>> {
    random(shape, fortran, seed, |r| {
        Complex::new(
            T::from(r.random_range(-1.0f32..1.0)),
            T::from(r.random_range(-1.0f32..1.0)),
        )
    })
}

/// Asserts equal shapes and max |got − want| ≤ tol · max |want|.
fn assert_close<A>(got: &ArrayD<A>, want: &ArrayD<A>, tol: f64)
where
    A: Scalar,
    A::Real: Into<f64>,
{
    assert_eq!(got.shape(), want.shape());
    let mag = |z: Complex<A::Real>| -> f64 { z.norm().into() };
    let scale = want
        .iter()
        .map(|v| mag(v.to_complex()))
        .fold(f64::MIN_POSITIVE, f64::max);
    let err = got
        .iter()
        .zip(want)
        .map(|(a, b)| mag(a.to_complex() - b.to_complex()))
        .fold(0.0, f64::max);
    assert!(err <= tol * scale, "max error {err} > {tol} * {scale}");
}

const F32_TOL: f64 = 1e-6;
const F64_TOL: f64 = 1e-14;

#[test]
fn fft_f64_along_a_negative_axis_with_n_and_norm() {
    let s = Scratch::new();
    let x = real::<f64>(&[5, 8, 3], false, 1);
    save(&s.input(), &x);
    let got: ArrayD<Complex<f64>> = s.transform("fft", &["--axis", "-2", "--n", "11", "--norm", "ortho"]);
    let want = shardfft::fft(&x, Some(11), -2, Norm::Ortho).unwrap();
    assert_close(&got, &want, F64_TOL);
}

#[test]
fn ifft_c8_fortran_order() {
    let s = Scratch::new();
    let x = complex::<f32>(&[6, 7], true, 2);
    save(&s.input(), &x);
    let header = fs::read(s.input()).unwrap();
    assert!(String::from_utf8_lossy(&header[..128]).contains("'fortran_order': True"));
    let got: ArrayD<Complex<f32>> = s.transform("ifft", &["--axis", "0", "--norm", "forward"]);
    let want = shardfft::ifft(&x, None, 0, Norm::Forward).unwrap();
    assert_close(&got, &want, F32_TOL);
}

#[test]
fn rfft_f32_fortran_then_irfft_c8_back() {
    let s = Scratch::new();
    let x = real::<f32>(&[4, 9], true, 3);
    save(&s.input(), &x);
    let spectrum: ArrayD<Complex<f32>> = s.transform("rfft", &[]);
    assert_close(
        &spectrum,
        &shardfft::rfft(&x, None, -1, Norm::Backward).unwrap(),
        F32_TOL,
    );

    save(&s.input(), &spectrum);
    let back: ArrayD<f32> = s.transform("irfft", &["--n", "9"]);
    assert_close(
        &back,
        &shardfft::irfft(&spectrum, Some(9), -1, Norm::Backward).unwrap(),
        F32_TOL,
    );
    assert_close(&back, &x, 1e-5);
}

#[test]
fn hfft_c16_and_ihfft_f64() {
    let s = Scratch::new();
    let x = complex::<f64>(&[3, 5], false, 4);
    save(&s.input(), &x);
    let got: ArrayD<f64> = s.transform("hfft", &["--axis", "1", "--norm", "ortho"]);
    assert_close(&got, &shardfft::hfft(&x, None, 1, Norm::Ortho).unwrap(), F64_TOL);

    let r = real::<f64>(&[7, 2], true, 5);
    save(&s.input(), &r);
    let got: ArrayD<Complex<f64>> = s.transform("ihfft", &["--axis", "0", "--n", "6"]);
    assert_close(&got, &shardfft::ihfft(&r, Some(6), 0, Norm::Backward).unwrap(), F64_TOL);
}

#[test]
fn fft2_of_real_f32_input_is_complex64() {
    let s = Scratch::new();
    let x = real::<f32>(&[2, 6, 10], false, 6);
    save(&s.input(), &x);
    let got: ArrayD<Complex<f32>> = s.transform("fft2", &[]);
    assert_close(&got, &shardfft::fft2(&x, None, None, Norm::Backward).unwrap(), F32_TOL);
}

#[test]
fn fftn_and_ifftn_c16_with_negative_axes_and_s() {
    let s = Scratch::new();
    let x = complex::<f64>(&[4, 3, 5], true, 7);
    save(&s.input(), &x);
    let got: ArrayD<Complex<f64>> = s.transform("fftn", &["--axes", "-1,0", "--s", "8,3"]);
    let want = shardfft::fftn(&x, Some(&[8, 3]), Some(&[-1, 0]), Norm::Backward).unwrap();
    assert_close(&got, &want, F64_TOL);

    let got: ArrayD<Complex<f64>> = s.transform("ifftn", &["--norm", "ortho"]);
    assert_close(&got, &shardfft::ifftn(&x, None, None, Norm::Ortho).unwrap(), F64_TOL);
}

#[test]
fn rfftn_f64_and_irfft2_c8() {
    let s = Scratch::new();
    let x = real::<f64>(&[3, 4, 6], false, 8);
    save(&s.input(), &x);
    let got: ArrayD<Complex<f64>> = s.transform("rfftn", &["--axes", "0,2"]);
    assert_close(
        &got,
        &shardfft::rfftn(&x, None, Some(&[0, 2]), Norm::Backward).unwrap(),
        F64_TOL,
    );

    let z = complex::<f32>(&[5, 4], false, 9);
    save(&s.input(), &z);
    let got: ArrayD<f32> = s.transform("irfft2", &["--s", "5,7", "--norm", "forward"]);
    assert_close(
        &got,
        &shardfft::irfft2(&z, Some(&[5, 7]), None, Norm::Forward).unwrap(),
        F32_TOL,
    );
}

#[test]
fn rfft2_then_irfftn_round_trip() {
    let s = Scratch::new();
    let x = real::<f32>(&[6, 5], false, 10);
    save(&s.input(), &x);
    let spectrum: ArrayD<Complex<f32>> = s.transform("rfft2", &[]);
    save(&s.input(), &spectrum);
    let back: ArrayD<f32> = s.transform("irfftn", &["--s", "6,5"]);
    assert_close(&back, &x, 1e-5);
}

#[test]
fn success_replaces_an_existing_output() {
    let s = Scratch::new();
    save(&s.input(), &real::<f64>(&[8], false, 11));
    fs::write(s.output(), b"old contents").unwrap();
    let got: ArrayD<Complex<f64>> = s.transform("fft", &[]);
    assert_eq!(got.shape(), &[8]);
    s.assert_no_temporaries();
}

/// A valid f64 input of shape (3, 4) for the error tests.
fn good_input(s: &Scratch) {
    save(&s.input(), &real::<f64>(&[3, 4], false, 12));
}

#[test]
fn missing_input_file() {
    let s = Scratch::new();
    let message = s.fails("fft", &[]);
    assert!(message.contains("in.npy"), "{message}");
}

#[test]
fn input_that_is_not_npy() {
    let s = Scratch::new();
    fs::write(s.input(), "this is a text file, not an array\n").unwrap();
    assert!(s.fails("fft", &[]).contains("not a valid .npy"));
    fs::write(s.input(), "").unwrap();
    assert!(s.fails("fft", &[]).contains("not a .npy"));
}

#[test]
fn unsupported_dtypes() {
    let s = Scratch::new();
    save(&s.input(), &Array::from_vec(vec![1i32, 2, 3]));
    assert!(s.fails("fft", &[]).contains("<i4"));
    save(&s.input(), &Array::from_vec(vec![true, false]));
    assert!(s.fails("fft", &[]).contains("not supported"));

    // The same file with a big-endian descriptor (same length, so the header stays valid).
    good_input(&s);
    let bytes = fs::read(s.input()).unwrap();
    let at = bytes.windows(3).position(|w| w == b"<f8").unwrap();
    let mut big = bytes.clone();
    big[at] = b'>';
    fs::write(s.input(), big).unwrap();
    assert!(s.fails("fft", &[]).contains(">f8"));
}

#[test]
fn truncated_and_padded_data() {
    let s = Scratch::new();
    good_input(&s);
    let bytes = fs::read(s.input()).unwrap();
    fs::write(s.input(), &bytes[..bytes.len() - 5]).unwrap();
    assert!(s.fails("fft", &[]).contains("truncated"));
    let mut padded = bytes;
    padded.extend_from_slice(b"xyz");
    fs::write(s.input(), padded).unwrap();
    assert!(s.fails("fft", &[]).contains("extra bytes"));
}

#[test]
fn bad_options() {
    let s = Scratch::new();
    good_input(&s);
    let cases: &[(&str, &[&str], &str)] = &[
        ("fft", &["--norm", "bogus"], "bogus"),
        ("fft", &["--n", "0"], "n of 0"),
        ("fft", &["--n", "-3"], "-3"),
        ("fft", &["--n", "many"], "many"),
        ("fft", &["--axis", "2"], "out of range"),
        ("rfft", &["--axis", "-3"], "out of range"),
        ("fftn", &["--axes", "0,0"], "more than once"),
        ("fftn", &["--axes", "-1,-3"], "out of range"),
        ("fftn", &["--s", "4,4,4"], "must match"),
        ("fft2", &["--s", "4,0"], "s[1]"),
        ("irfftn", &["--axes", "0,x"], "\"x\""),
        ("fft", &["--axes", "0"], "1-D transform"),
        ("fft2", &["--axis", "0"], "N-D transform"),
        ("fft", &["--bogus"], "--bogus"),
        ("transmogrify", &[], "transmogrify"),
    ];
    for (op, args, needle) in cases {
        let message = s.fails(op, args);
        assert!(message.contains(needle), "{op} {args:?}: {message:?} lacks {needle:?}");
    }
}

#[test]
fn real_only_ops_reject_complex_input() {
    let s = Scratch::new();
    save(&s.input(), &complex::<f64>(&[4, 4], false, 13));
    for op in ["rfft", "ihfft", "rfft2", "rfftn"] {
        assert!(s.fails(op, &[]).contains("real input"), "{op}");
    }
}

#[test]
fn zero_dimensional_input() {
    let s = Scratch::new();
    save(&s.input(), &ndarray::arr0(1.5f64));
    assert!(s.fails("fft", &[]).contains("out of range"));
}

#[test]
fn unwritable_output() {
    let s = Scratch::new();
    good_input(&s);
    let out = Command::new(BIN)
        .arg("fft")
        .arg(s.input())
        .arg(s.path("no/such/folder/out.npy"))
        .output()
        .unwrap();
    assert!(assert_clean_failure(&out).contains("cannot write"));
    s.assert_no_temporaries();
}

#[test]
fn an_existing_output_survives_every_failure() {
    let s = Scratch::new();
    good_input(&s);
    let old = b"precious bytes".to_vec();
    for args in [
        &["--n", "0"][..],
        &["--axis", "9"],
        &["--norm", "bogus"],
        &["--axes", "0"],
    ] {
        fs::write(s.output(), &old).unwrap();
        assert_clean_failure(&s.run("fft", args));
        assert_eq!(fs::read(s.output()).unwrap(), old, "{args:?}");
    }
    fs::write(s.input(), "not npy at all, really").unwrap();
    assert_clean_failure(&s.run("fft", &[]));
    assert_eq!(fs::read(s.output()).unwrap(), old);
    s.assert_no_temporaries();
}

#[test]
fn bench_smoke_one_small_case_as_json() {
    let out = Command::new(BIN)
        .args([
            "bench",
            "--quick",
            "--json",
            "--cases",
            "c2c-f32/1024",
            "--threads",
            "2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let line = lines[0];
    for key in [
        "\"case\":\"c2c-f32/1024\"",
        "\"transform\":\"c2c-f32\"",
        "\"n\":\"1024\"",
        "\"batch\":4096",
        "\"threads\":2",
        "\"speedup\":",
    ] {
        assert!(line.contains(key), "{line} lacks {key}");
    }
    let rel_diff: f64 = line
        .rsplit("\"rel_diff\":")
        .next()
        .and_then(|v| v.trim_end_matches('}').parse().ok())
        .expect("rel_diff");
    assert!(rel_diff < 1e-5, "{line}");
}

#[test]
fn bench_with_an_unknown_case_fails_cleanly() {
    let out = Command::new(BIN)
        .args(["bench", "--cases", "nothing-like-this"])
        .output()
        .unwrap();
    assert!(assert_clean_failure(&out).contains("c2c-f32/1024"));
}

#[test]
fn bench_reports_every_selected_case_in_suite_order() {
    let out = Command::new(BIN)
        .args(["bench", "--quick", "--json", "--cases", "/1024", "--threads", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let cases: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('"').nth(3).expect("a case name"))
        .collect();
    assert_eq!(
        cases,
        [
            "c2c-f32/1024",
            "c2c-f32+alloc/1024",
            "r2c-f32/1024",
            "r2c-f32+alloc/1024"
        ],
        "{stdout}"
    );
}

#[test]
fn a_closed_stdout_ends_the_bench_without_a_panic() {
    let mut child = Command::new(BIN)
        .args(["bench", "--quick", "--cases", "r2c-f32/1024"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

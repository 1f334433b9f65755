//! Convolution and correlation against scipy.signal's own outputs, recorded in f64 / complex128
//! by `bench/peers/make_conv_fixtures.py` into `tests/fixtures/conv/` (`cases.txt` lists them:
//! `name function mode axes dtype x_file k_file y_file`).
//!
//! Each case runs through the free function (`fftconvolve`, `fftconvolve_nd`, `fftcorrelate`,
//! `fftcorrelate_nd`, method chosen by cost) and through a [`ConvPlan`] with each method forced;
//! every result must have scipy's shape and a relative L2 error ≤ 1e-12. All failures are
//! collected and reported together.

use std::path::{Path, PathBuf};

use ndarray::ArrayD;
use ndarray_npy::{ReadableElement, read_npy};
use shardfft::Complex;
use shardfft::conv::{
    ConvPlan, ConvScalar, ConvSpec, Method, Mode, fftconvolve, fftconvolve_nd, fftcorrelate, fftcorrelate_nd,
};

/// The largest relative L2 error accepted (f64 FFTs reach ~1e-15 on these sizes).
const TOL: f64 = 1e-12;

/// The methods forced through a plan, after the free function's own choice.
const FORCED: [Method; 3] = [Method::Direct, Method::OverlapAdd, Method::Fft];

/// scipy.signal's function a case was recorded with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Func {
    /// `fftconvolve` or `oaconvolve` (same result; scipy's method differs).
    Convolve,
    /// `correlate(method="fft")`.
    Correlate,
}

/// One line of `cases.txt`.
#[derive(Debug)]
struct Case {
    name: String,
    scipy_fn: String,
    func: Func,
    mode: Mode,
    /// `None`: every axis.
    axes: Option<Vec<isize>>,
    dtype: String,
    x: String,
    k: String,
    y: String,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("conv")
}

fn parse_cases() -> Vec<Case> {
    let path = fixture_dir().join("cases.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 8, "cases.txt line {}: expected 8 fields, got {line:?}", i + 1);
        let func = match f[1] {
            "fftconvolve" | "oaconvolve" => Func::Convolve,
            "correlate" => Func::Correlate,
            other => panic!("cases.txt line {}: unknown function {other:?}", i + 1),
        };
        let mode: Mode = f[2].parse().unwrap_or_else(|e| panic!("cases.txt line {}: {e}", i + 1));
        let axes = if f[3] == "all" {
            None
        } else {
            Some(
                f[3].split(',')
                    .map(|a| {
                        a.parse::<isize>()
                            .unwrap_or_else(|e| panic!("cases.txt line {}: {e}", i + 1))
                    })
                    .collect(),
            )
        };
        cases.push(Case {
            name: f[0].to_string(),
            scipy_fn: f[1].to_string(),
            func,
            mode,
            axes,
            dtype: f[4].to_string(),
            x: f[5].to_string(),
            k: f[6].to_string(),
            y: f[7].to_string(),
        });
    }
    cases
}

/// The element types of the fixtures, seen as complex f64 for the error.
trait Elem: ConvScalar + ReadableElement {
    fn c(self) -> Complex<f64>;
}

impl Elem for f64 {
    fn c(self) -> Complex<f64> {
        Complex::new(self, 0.0)
    }
}

impl Elem for Complex<f64> {
    fn c(self) -> Complex<f64> {
        self
    }
}

fn load<A: Elem>(file: &str) -> ArrayD<A> {
    let path = fixture_dir().join(file);
    read_npy(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// ‖got − want‖₂ / ‖want‖₂ (infinite on a shape mismatch).
fn rel_l2<A: Elem>(got: &ArrayD<A>, want: &ArrayD<A>) -> f64 {
    if got.shape() != want.shape() {
        return f64::INFINITY;
    }
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (&g, &w) in got.iter().zip(want.iter()) {
        num += (g.c() - w.c()).norm_sqr();
        den += w.c().norm_sqr();
    }
    if den == 0.0 { num.sqrt() } else { (num / den).sqrt() }
}

/// The spec a case runs with (method not set).
fn spec(case: &Case) -> ConvSpec {
    let s = match &case.axes {
        Some(a) => ConvSpec::new(case.mode).axes(a),
        None => ConvSpec::new(case.mode).all_axes(),
    };
    if case.func == Func::Correlate {
        s.correlation()
    } else {
        s
    }
}

/// Runs one case every way; returns the failures and the worst error seen.
fn run_case<A: Elem>(case: &Case, failures: &mut Vec<String>) -> f64 {
    let x: ArrayD<A> = load(&case.x);
    let k: ArrayD<A> = load(&case.k);
    let want: ArrayD<A> = load(&case.y);
    let mut worst = 0.0f64;
    let mut check = |label: &str, got: shardfft::Result<ArrayD<A>>| match got {
        Err(e) => failures.push(format!("{} ({}) [{label}]: error: {e}", case.name, case.scipy_fn)),
        Ok(y) => {
            let err = rel_l2(&y, &want);
            worst = worst.max(err);
            if y.shape() != want.shape() {
                failures.push(format!(
                    "{} ({}) [{label}]: shape {:?}, scipy {:?}",
                    case.name,
                    case.scipy_fn,
                    y.shape(),
                    want.shape()
                ));
            } else if err.is_nan() || err > TOL {
                failures.push(format!(
                    "{} ({}) [{label}]: rel L2 error {err:.3e}",
                    case.name, case.scipy_fn
                ));
            }
        }
    };
    // The free functions (method by cost).
    let free = match (&case.axes, case.func) {
        (Some(a), Func::Convolve) if a.len() == 1 => fftconvolve(&x, &k, case.mode, a[0]),
        (Some(a), Func::Correlate) if a.len() == 1 => fftcorrelate(&x, &k, case.mode, a[0]),
        (axes, Func::Convolve) => fftconvolve_nd(&x, &k, case.mode, axes.as_deref()),
        (axes, Func::Correlate) => fftcorrelate_nd(&x, &k, case.mode, axes.as_deref()),
    };
    check("free fn", free);
    // Each method forced through a plan.
    for m in FORCED {
        let got = ConvPlan::new(&k, x.shape(), &spec(case).method(m)).and_then(|p| p.apply(&x));
        check(&format!("{m}"), got);
    }
    worst
}

#[test]
fn scipy_fixtures_match() {
    let cases = parse_cases();
    assert!(cases.len() >= 50, "only {} cases in cases.txt", cases.len());
    let mut failures = Vec::new();
    let mut worst = (0.0f64, String::new());
    for case in &cases {
        let w = match case.dtype.as_str() {
            "f64" => run_case::<f64>(case, &mut failures),
            "c128" => run_case::<Complex<f64>>(case, &mut failures),
            other => panic!("{}: unknown dtype {other:?}", case.name),
        };
        if w > worst.0 {
            worst = (w, case.name.clone());
        }
    }
    eprintln!(
        "conv_scipy: {} cases x {} ways, worst rel L2 error {:.2e} ({})",
        cases.len(),
        1 + FORCED.len(),
        worst.0,
        worst.1
    );
    assert!(
        failures.is_empty(),
        "{} of {} checks differ from scipy:\n{}",
        failures.len(),
        cases.len() * (1 + FORCED.len()),
        failures.join("\n")
    );
}

/// The manifest and the files it names agree (catches a fixture set written half-way).
#[test]
fn manifest_files_exist() {
    for case in parse_cases() {
        for f in [&case.x, &case.k, &case.y] {
            assert!(fixture_dir().join(f).is_file(), "{}: missing {f}", case.name);
        }
    }
}

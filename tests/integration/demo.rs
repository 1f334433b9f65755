//! `shardfft demo` in a small configuration: the loss falls by at least 100×, the SVGs are
//! written, and the sequence split trains the same way.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_shardfft");

/// Runs the demo with `extra` arguments into a fresh folder; returns the JSON line and the folder.
fn demo(extra: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(BIN)
        .args(["demo", "--length", "2048", "--steps", "80", "--json", "--out-dir"])
        .arg(dir.path())
        .args(extra)
        .output()
        .expect("run shardfft demo");
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let line = stdout.lines().last().expect("a JSON line").to_string();
    (line, dir)
}

/// The number after `"key":` in a flat JSON object.
fn field(json: &str, key: &str) -> f64 {
    let at = json
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("no {key} in {json}"));
    let rest = &json[at + key.len() + 3..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end]
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{key} in {json}: {e}"))
}

#[test]
fn demo_learns_the_filter_and_draws_it() {
    let (json, dir) = demo(&[]);
    let (initial, fin) = (field(&json, "initial_loss"), field(&json, "final_loss"));
    assert!(initial / fin >= 100.0, "loss fell only {initial} -> {fin}: {json}");
    assert!(field(&json, "rel_error") < 0.1, "{json}");
    for svg in ["demo-loss.svg", "demo-kernel.svg"] {
        let text = std::fs::read_to_string(dir.path().join(svg)).expect(svg);
        assert!(text.contains("<svg") && text.len() > 1000, "{svg} is not a picture");
    }
}

#[test]
fn sequence_split_trains_the_same_way() {
    let (batch, _d1) = demo(&["--ranks", "3"]);
    let (sequence, dir) = demo(&["--ranks", "3", "--split", "sequence"]);
    let ratio = field(&sequence, "initial_loss") / field(&sequence, "final_loss");
    assert!(ratio >= 100.0, "{sequence}");
    // The same data and model: the two splits follow the same trajectory to rounding.
    let (a, b) = (field(&batch, "final_loss"), field(&sequence, "final_loss"));
    assert!((a - b).abs() <= 1e-2 * a, "batch {a} vs sequence {b}");
    assert!(dir.path().join("demo-kernel.svg").exists());
}

#[test]
fn bad_demo_arguments_are_one_line_errors() {
    let out = Command::new(BIN)
        .args(["demo", "--length", "0"])
        .output()
        .expect("run shardfft demo");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("shardfft: error:") && err.lines().count() == 1, "{err}");
}

/// Started by mpirun (as the launcher's variables say) but built without MPI, every process
/// would train alone: the demo refuses, naming the build command.
#[cfg(not(feature = "mpi"))]
#[test]
fn mpirun_without_the_mpi_feature_is_an_error() {
    for var in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"] {
        let out = Command::new(BIN)
            .args(["demo", "--length", "64", "--steps", "1"])
            .env(var, "2")
            .output()
            .expect("run shardfft demo");
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--features mpi") && err.lines().count() == 1, "{err}");
    }
    let out = Command::new(BIN)
        .args(["demo", "--ranks", "0"])
        .output()
        .expect("run shardfft demo");
    assert_eq!(out.status.code(), Some(2));
}

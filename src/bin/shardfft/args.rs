//! The options of the transform subcommands (`--n`, `--axis`, `--s`, `--axes`, `--norm`) and their parsers.

use std::path::PathBuf;
use std::str::FromStr;

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use shardfft::Norm;

/// Options shared by every transform subcommand (numpy's defaults when left out).
#[derive(Args, Debug)]
pub struct TransformArgs {
    /// Input .npy file: <f4, <f8, <c8 or <c16, C or Fortran order, any rank
    pub input: PathBuf,
    /// Output .npy file (replaced only once the result is complete)
    pub output: PathBuf,
    /// 1-D ops: transform length; zero-pads or truncates the input along --axis
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_length)]
    pub n: Option<usize>,
    /// 1-D ops: the axis to transform; negative counts from the end [default: -1]
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub axis: Option<isize>,
    /// N-D ops: lengths along the transformed axes, comma separated
    #[arg(long, value_name = "N,..", allow_hyphen_values = true, value_parser = parse_lengths)]
    pub s: Option<List<usize>>,
    /// N-D ops: axes to transform, comma separated [default: -2,-1 for *2 ops; else all, or the last len(s)]
    #[arg(long, value_name = "A,..", allow_hyphen_values = true, value_parser = parse_axes)]
    pub axes: Option<List<isize>>,
    /// Where the 1/n factor goes
    #[arg(long, default_value = "backward", value_parser = PossibleValuesParser::new(["backward", "ortho", "forward"])
        .try_map(|s| s.parse::<Norm>()))]
    pub norm: Norm,
}

/// A comma-separated list from the command line (empty text is the empty list, as numpy's `[]`).
#[derive(Clone, Debug)]
pub struct List<T>(pub Vec<T>);

/// Splits `text` at commas and parses each entry, naming `what` was expected on failure.
fn parse_list<T: FromStr>(text: &str, what: &str) -> Result<List<T>, String> {
    if text.trim().is_empty() {
        return Ok(List(Vec::new()));
    }
    let entry = |e: &str| e.trim().parse().map_err(|_| format!("expected {what}, got {e:?}"));
    text.split(',').map(entry).collect::<Result<_, _>>().map(List)
}

/// `--n`: a non-negative integer (zero is left to the library to reject, as numpy does).
fn parse_length(text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| "expected a non-negative integer".to_string())
}

/// `--s`: comma-separated non-negative integers.
fn parse_lengths(text: &str) -> Result<List<usize>, String> {
    parse_list(text, "comma-separated non-negative integers")
}

/// `--axes`: comma-separated integers, negative counting from the end.
fn parse_axes(text: &str) -> Result<List<isize>, String> {
    parse_list(text, "comma-separated integers")
}

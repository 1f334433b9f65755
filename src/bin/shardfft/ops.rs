//! The fourteen numpy.fft transforms as CLI operations: option checks and dtype dispatch.

use ndarray::ArrayD;
use shardfft::{Complex, Float, Norm, Scalar};

use crate::args::TransformArgs;
use crate::error::CliError;
use crate::npy_io::NpyArray;

/// A transform along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op1 {
    Fft,
    Ifft,
    Rfft,
    Irfft,
    Hfft,
    Ihfft,
}

/// A transform over several axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpN {
    Fft2,
    Ifft2,
    Fftn,
    Ifftn,
    Rfft2,
    Irfft2,
    Rfftn,
    Irfftn,
}

/// Any of the fourteen operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    One(Op1),
    Many(OpN),
}

impl Op {
    /// The numpy name of the operation.
    pub fn name(self) -> &'static str {
        match self {
            Op::One(op) => match op {
                Op1::Fft => "fft",
                Op1::Ifft => "ifft",
                Op1::Rfft => "rfft",
                Op1::Irfft => "irfft",
                Op1::Hfft => "hfft",
                Op1::Ihfft => "ihfft",
            },
            Op::Many(op) => match op {
                OpN::Fft2 => "fft2",
                OpN::Ifft2 => "ifft2",
                OpN::Fftn => "fftn",
                OpN::Ifftn => "ifftn",
                OpN::Rfft2 => "rfft2",
                OpN::Irfft2 => "irfft2",
                OpN::Rfftn => "rfftn",
                OpN::Irfftn => "irfftn",
            },
        }
    }
}

/// One checked transform request.
#[derive(Debug)]
pub enum Transform {
    /// A 1-D operation along `axis` with optional length `n`.
    Along {
        op: Op1,
        n: Option<usize>,
        axis: isize,
        norm: Norm,
    },
    /// An N-D operation over `axes` with optional lengths `s`.
    Over {
        op: OpN,
        s: Option<Vec<usize>>,
        axes: Option<Vec<isize>>,
        norm: Norm,
    },
}

impl Transform {
    /// Checks that the options suit the operation (`--n/--axis` for 1-D, `--s/--axes` for N-D).
    pub fn new(op: Op, args: &TransformArgs) -> Result<Self, CliError> {
        let name = op.name();
        match op {
            Op::One(op) => {
                if args.s.is_some() || args.axes.is_some() {
                    return Err(CliError::new(format!(
                        "{name} is a 1-D transform: use --n and --axis (--s and --axes are for fft2, fftn, ...)"
                    )));
                }
                Ok(Transform::Along {
                    op,
                    n: args.n,
                    axis: args.axis.unwrap_or(-1),
                    norm: args.norm,
                })
            }
            Op::Many(op) => {
                if args.n.is_some() || args.axis.is_some() {
                    return Err(CliError::new(format!(
                        "{name} is an N-D transform: use --s and --axes (--n and --axis are for fft, rfft, ...)"
                    )));
                }
                Ok(Transform::Over {
                    op,
                    s: args.s.clone().map(|l| l.0),
                    axes: args.axes.clone().map(|l| l.0),
                    norm: args.norm,
                })
            }
        }
    }

    /// Runs the transform in the input's precision: f4/c8 in f32, f8/c16 in f64.
    ///
    /// Errors carry no operation name; the caller adds it.
    pub fn apply(&self, x: &NpyArray) -> Result<NpyArray, CliError> {
        match x {
            NpyArray::F4(a) => self.real_input(a),
            NpyArray::F8(a) => self.real_input(a),
            NpyArray::C8(a) => self.any_input(a),
            NpyArray::C16(a) => self.any_input(a),
        }
    }

    /// The operations that need real input, then the rest.
    fn real_input<T>(&self, x: &ArrayD<T>) -> Result<NpyArray, CliError>
    where
        T: Float,
        NpyArray: From<ArrayD<T>> + From<ArrayD<Complex<T>>>,
    {
        Ok(match self {
            &Transform::Along { op, n, axis, norm } => match op {
                Op1::Rfft => shardfft::rfft(x, n, axis, norm)?.into(),
                Op1::Ihfft => shardfft::ihfft(x, n, axis, norm)?.into(),
                _ => return self.any_input(x),
            },
            Transform::Over { op, s, axes, norm } => {
                let (s, axes, norm) = (s.as_deref(), axes.as_deref(), *norm);
                match op {
                    OpN::Rfft2 => shardfft::rfft2(x, s, axes, norm)?.into(),
                    OpN::Rfftn => shardfft::rfftn(x, s, axes, norm)?.into(),
                    _ => return self.any_input(x),
                }
            }
        })
    }

    /// The operations that accept real or complex input; the real-input ones fail here.
    fn any_input<A>(&self, x: &ArrayD<A>) -> Result<NpyArray, CliError>
    where
        A: Scalar,
        NpyArray: From<ArrayD<A::Real>> + From<ArrayD<Complex<A::Real>>>,
    {
        let needs_real = || CliError::new("needs real input (float32 or float64), got complex data");
        Ok(match self {
            &Transform::Along { op, n, axis, norm } => match op {
                Op1::Fft => shardfft::fft(x, n, axis, norm)?.into(),
                Op1::Ifft => shardfft::ifft(x, n, axis, norm)?.into(),
                Op1::Irfft => shardfft::irfft(x, n, axis, norm)?.into(),
                Op1::Hfft => shardfft::hfft(x, n, axis, norm)?.into(),
                Op1::Rfft | Op1::Ihfft => return Err(needs_real()),
            },
            Transform::Over { op, s, axes, norm } => {
                let (s, axes, norm) = (s.as_deref(), axes.as_deref(), *norm);
                match op {
                    OpN::Fft2 => shardfft::fft2(x, s, axes, norm)?.into(),
                    OpN::Ifft2 => shardfft::ifft2(x, s, axes, norm)?.into(),
                    OpN::Fftn => shardfft::fftn(x, s, axes, norm)?.into(),
                    OpN::Ifftn => shardfft::ifftn(x, s, axes, norm)?.into(),
                    OpN::Irfft2 => shardfft::irfft2(x, s, axes, norm)?.into(),
                    OpN::Irfftn => shardfft::irfftn(x, s, axes, norm)?.into(),
                    OpN::Rfft2 | OpN::Rfftn => return Err(needs_real()),
                }
            }
        })
    }
}

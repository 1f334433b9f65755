//! The one error type every public function returns.

/// Everything that can go wrong in shardfft, as a value.
///
/// ```
/// use ndarray::array;
/// let x = array![1.0f64, 2.0, 3.0];
/// let err = shardfft::fft(&x, Some(0), -1, shardfft::Norm::Backward).unwrap_err();
/// assert!(matches!(err, shardfft::Error::InvalidLength { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A transform length (or `n`, or an entry of `s`) of zero.
    #[error("invalid {what} of {len}: transform lengths must be at least 1")]
    InvalidLength {
        /// What the length was for (e.g. "n", "s\[1\]", "output length").
        what: String,
        /// The length given.
        len: usize,
    },
    /// An axis outside `-ndim..ndim`.
    #[error("axis {axis} is out of range for an array of {ndim} dimension(s) (expected {lo}..{ndim})", lo = -(*ndim as isize))]
    AxisOutOfRange {
        /// The axis given.
        axis: isize,
        /// The number of dimensions of the array.
        ndim: usize,
    },
    /// The same axis named twice in `axes`.
    #[error("axis {axis} appears more than once in axes {axes:?}; each axis may be transformed once")]
    RepeatedAxis {
        /// The repeated axis, normalized to `0..ndim`.
        axis: usize,
        /// The axes as given.
        axes: Vec<isize>,
    },
    /// `s` and `axes` of different lengths, or more axes than the array has.
    #[error("s has {s_len} entries but {axes_len} axes are transformed; they must match")]
    ShapeAxesMismatch {
        /// Number of entries in `s`.
        s_len: usize,
        /// Number of axes transformed.
        axes_len: usize,
    },
    /// An array of the wrong shape (a cotangent, a kernel, a block).
    #[error("{what}: expected shape {expected:?}, got {got:?}")]
    ShapeMismatch {
        /// What the array was.
        what: String,
        /// The shape expected.
        expected: Vec<usize>,
        /// The shape given.
        got: Vec<usize>,
    },
    /// A size whose byte count overflows `usize`.
    #[error("{what} of shape {shape:?} is too large: its size overflows the address space")]
    TooLarge {
        /// What was being sized.
        what: String,
        /// The requested shape.
        shape: Vec<usize>,
    },
    /// The allocator refused a buffer.
    #[error("could not allocate {bytes} bytes for {what}")]
    Alloc {
        /// What the buffer was for.
        what: String,
        /// The number of bytes asked for.
        bytes: usize,
    },
    /// Any other argument outside its allowed range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Another rank of a sharded computation failed (returned an error or panicked), so this
    /// rank's collective could not complete.
    #[error("rank {rank} failed: {message}")]
    RankFailed {
        /// The rank that failed first.
        rank: usize,
        /// Its error or panic message.
        message: String,
    },
    /// The ranks of a sharded computation disagree: different operations, shapes, layouts or
    /// counts in the same collective step.
    #[error("ranks disagree: {detail}")]
    Mismatch {
        /// What differed, and on which ranks.
        detail: String,
    },
    /// A failure of the communication backend itself (a timeout, an MPI error).
    #[error("communication failed: {0}")]
    Comm(String),
}

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

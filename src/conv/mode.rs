//! Output modes (which part of the full convolution is returned) and the fast-length helper.

use crate::{Error, Result};

/// Which part of the full convolution a call returns (scipy.signal's `mode`, plus `Causal`).
///
/// With a signal of length `n` and a kernel of length `k` along a convolved axis, the full
/// convolution has `n + k − 1` samples, `y[t] = Σ_s k[s]·x[t − s]`. Each mode is a window of it:
///
/// | mode     | length               | first sample of the full output |
/// |----------|----------------------|---------------------------------|
/// | `Full`   | `n + k − 1`          | `0`                             |
/// | `Same`   | `n`                  | `(k − 1) / 2` (centered, as scipy) |
/// | `Valid`  | `max(n, k) − min(n, k) + 1` | `min(n, k) − 1`          |
/// | `Causal` | `n`                  | `0` (so `y[t] = Σ_{s≤t} k[s]·x[t−s]`) |
///
/// `Valid` over several axes needs one input at least as large as the other along every
/// convolved axis (scipy's rule). A correlation uses the same windows on the convolution with
/// the reversed, conjugated kernel (scipy.signal.correlate's definition).
///
/// ```
/// use shardfft::conv::Mode;
/// assert_eq!(Mode::Same.output_len(10, 4)?, 10);
/// assert_eq!(Mode::Valid.output_len(3, 7)?, 5);
/// assert_eq!("causal".parse::<Mode>()?, Mode::Causal);
/// # Ok::<(), shardfft::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// The whole convolution, `n + k − 1` samples.
    #[default]
    Full,
    /// The central `n` samples (the signal's length), as scipy's `"same"`.
    Same,
    /// Only the samples computed without zero padding, `|n − k| + 1` of them.
    Valid,
    /// The first `n` samples: each output depends on the current and past inputs only.
    Causal,
}

/// A window `[start, start + len)` of the full convolution along one axis. `start` may be
/// negative and the window may run past the end: samples outside the full output are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub start: isize,
    pub len: usize,
}

impl Mode {
    /// The output length along an axis where the signal has `n` samples and the kernel `k`.
    ///
    /// Zero lengths are an [`Error::InvalidLength`].
    ///
    /// ```
    /// use shardfft::conv::Mode;
    /// assert_eq!(Mode::Full.output_len(5, 3)?, 7);
    /// assert!(Mode::Causal.output_len(0, 3).is_err());
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn output_len(self, n: usize, k: usize) -> Result<usize> {
        Ok(self.window(n, k)?.len)
    }

    /// The window of the full convolution this mode returns.
    pub(crate) fn window(self, n: usize, k: usize) -> Result<Window> {
        for (what, len) in [("signal length", n), ("kernel length", k)] {
            if len == 0 {
                return Err(Error::InvalidLength {
                    what: what.to_string(),
                    len,
                });
            }
        }
        let full = n.checked_add(k - 1).ok_or_else(|| Error::TooLarge {
            what: "full convolution".into(),
            shape: vec![n, k],
        })?;
        let (start, len) = match self {
            Mode::Full => (0, full),
            Mode::Same => ((k - 1) / 2, n),
            Mode::Valid => (n.min(k) - 1, n.max(k) - n.min(k) + 1),
            Mode::Causal => (0, n),
        };
        Ok(Window {
            start: start as isize,
            len,
        })
    }
}

impl std::str::FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "full" => Ok(Mode::Full),
            "same" => Ok(Mode::Same),
            "valid" => Ok(Mode::Valid),
            "causal" => Ok(Mode::Causal),
            other => Err(Error::InvalidArgument(format!(
                "mode must be one of full, same, valid, causal; got {other:?}"
            ))),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Full => "full",
            Mode::Same => "same",
            Mode::Valid => "valid",
            Mode::Causal => "causal",
        })
    }
}

/// The smallest `2^a·3^b·5^c·7^d ≥ n` (scipy.fft.next_fast_len): a length the FFT runs fast at.
///
/// `n = 0` is an [`Error::InvalidLength`]; a target whose answer would not fit in `usize` is an
/// [`Error::TooLarge`].
///
/// ```
/// use shardfft::conv::next_fast_len;
/// assert_eq!(next_fast_len(1000)?, 1000);
/// assert_eq!(next_fast_len(1001)?, 1008); // 2^4·3^2·7
/// assert_eq!(next_fast_len(11)?, 12);
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn next_fast_len(n: usize) -> Result<usize> {
    if n == 0 {
        return Err(Error::InvalidLength {
            what: "next_fast_len target".into(),
            len: 0,
        });
    }
    if n > usize::MAX >> 3 {
        return Err(Error::TooLarge {
            what: "next_fast_len target".into(),
            shape: vec![n],
        });
    }
    if n <= 10 {
        return Ok(n); // 1..=10 are all 7-smooth
    }
    let mut best = n.next_power_of_two();
    let mut p7 = 1usize;
    while p7 < best {
        let mut p75 = p7;
        while p75 < best {
            let mut p = p75;
            while p < best {
                // p = 7^d·5^c·3^b; the smallest p·2^a ≥ n.
                let q = if p >= n {
                    p
                } else {
                    p * n.div_ceil(p).next_power_of_two()
                };
                best = best.min(q);
                p *= 3;
            }
            p75 *= 5;
        }
        p7 *= 7;
    }
    Ok(best)
}

/// The smallest even fast length ≥ `n` (real transforms of odd length cost twice as much).
pub(crate) fn next_fast_len_real(n: usize) -> Result<usize> {
    if n <= 2 {
        return next_fast_len(n);
    }
    Ok(2 * next_fast_len(n.div_ceil(2))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smooth(mut n: usize) -> bool {
        for p in [2, 3, 5, 7] {
            while n.is_multiple_of(p) {
                n /= p;
            }
        }
        n == 1
    }

    #[test]
    fn fast_len_is_the_next_smooth_number() {
        for n in 1..5000 {
            let want = (n..).find(|&m| smooth(m)).unwrap();
            assert_eq!(next_fast_len(n).unwrap(), want, "n = {n}");
            let real = next_fast_len_real(n).unwrap();
            assert!(
                real >= n && smooth(real) && (real.is_multiple_of(2) || real <= 2),
                "n = {n}"
            );
        }
        assert!(next_fast_len(0).is_err());
        assert!(next_fast_len(usize::MAX).is_err());
        assert_eq!(next_fast_len(1 << 40).unwrap(), 1 << 40);
    }
}

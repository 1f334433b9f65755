//! Normalization modes of a transform pair, numpy's `norm=` argument.

use crate::{Error, Float};

/// Where the 1/n factor of a transform pair goes (numpy's `norm`).
///
/// ```
/// use shardfft::Norm;
/// assert_eq!("ortho".parse::<Norm>().unwrap(), Norm::Ortho);
/// assert_eq!(Norm::default(), Norm::Backward);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Norm {
    /// Forward unscaled, inverse scaled by 1/n (numpy's default).
    #[default]
    Backward,
    /// Both directions scaled by 1/√n (unitary).
    Ortho,
    /// Forward scaled by 1/n, inverse unscaled.
    Forward,
}

impl Norm {
    /// The factor a transform of logical length `n` applies in direction `inverse`.
    ///
    /// ```
    /// use shardfft::Norm;
    /// assert_eq!(Norm::Backward.factor::<f64>(4, true), 0.25);
    /// assert_eq!(Norm::Ortho.factor::<f64>(4, false), 0.5);
    /// ```
    pub fn factor<T: Float>(self, n: usize, inverse: bool) -> T {
        let n = T::from_usize(n).unwrap_or_else(T::one);
        match (self, inverse) {
            (Norm::Backward, false) | (Norm::Forward, true) => T::one(),
            (Norm::Ortho, _) => T::one() / n.sqrt(),
            (Norm::Backward, true) | (Norm::Forward, false) => T::one() / n,
        }
    }

    /// The mode with the directions swapped (used by hfft/ihfft and by adjoints).
    ///
    /// ```
    /// use shardfft::Norm;
    /// assert_eq!(Norm::Forward.swapped(), Norm::Backward);
    /// ```
    pub fn swapped(self) -> Norm {
        match self {
            Norm::Backward => Norm::Forward,
            Norm::Ortho => Norm::Ortho,
            Norm::Forward => Norm::Backward,
        }
    }
}

impl std::str::FromStr for Norm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "backward" => Ok(Norm::Backward),
            "ortho" => Ok(Norm::Ortho),
            "forward" => Ok(Norm::Forward),
            other => Err(Error::InvalidArgument(format!(
                "norm must be one of backward, ortho, forward; got {other:?}"
            ))),
        }
    }
}

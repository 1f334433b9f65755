//! The element types a convolution accepts: real or complex, f32 or f64.

use std::fmt::Debug;
use std::ops::{Add, Mul};

use num_complex::Complex;
use num_traits::Zero;

use crate::{Float, Scalar};

mod sealed {
    pub trait Sealed {}
    impl<T: crate::Float> Sealed for T {}
    impl<T: crate::Float> Sealed for num_complex::Complex<T> {}
}

/// An element a convolution computes in: `f32`, `f64`, `Complex<f32>` or `Complex<f64>`.
///
/// Signal, kernel and result share one element type. Real inputs go through real transforms
/// (half the work and memory of complex ones). The trait is sealed.
///
/// ```
/// use shardfft::conv::ConvScalar;
/// use shardfft::Complex;
/// assert!(<f32 as ConvScalar>::IS_REAL);
/// assert_eq!(Complex::new(1.0f64, 2.0).conj_val(), Complex::new(1.0, -2.0));
/// ```
pub trait ConvScalar:
    Scalar + Default + Debug + PartialEq + Zero + Add<Output = Self> + Mul<Output = Self> + sealed::Sealed
{
    /// Whether the type is real (so its transforms can be real-to-complex).
    const IS_REAL: bool;
    /// The complex conjugate (the value itself for a real type).
    fn conj_val(self) -> Self;
    /// A real value of the same precision as this type.
    fn from_real(re: Self::Real) -> Self;
    /// The real part of this value (the value itself for a real type).
    fn real_part(self) -> Self::Real;
    /// A complex value as this type (its real part for a real type).
    fn from_complex(z: Complex<Self::Real>) -> Self;
}

impl<T: Float> ConvScalar for T {
    const IS_REAL: bool = true;
    #[inline(always)]
    fn conj_val(self) -> Self {
        self
    }
    #[inline(always)]
    fn from_real(re: T) -> Self {
        re
    }
    #[inline(always)]
    fn real_part(self) -> T {
        self
    }
    #[inline(always)]
    fn from_complex(z: Complex<T>) -> Self {
        z.re
    }
}

impl<T: Float> ConvScalar for Complex<T> {
    const IS_REAL: bool = false;
    #[inline(always)]
    fn conj_val(self) -> Self {
        self.conj()
    }
    #[inline(always)]
    fn from_real(re: T) -> Self {
        Complex::new(re, T::zero())
    }
    #[inline(always)]
    fn real_part(self) -> T {
        self.re
    }
    #[inline(always)]
    fn from_complex(z: Complex<T>) -> Self {
        z
    }
}

//! The element types shardfft computes in (f32, f64) and accepts (real or complex).

use num_complex::Complex;

use crate::plan::PlanCache;

/// A real floating-point type transforms compute in: `f32` or `f64`.
///
/// ```
/// fn eps<T: shardfft::Float>() -> T { T::epsilon() }
/// assert_eq!(eps::<f32>(), f32::EPSILON);
/// ```
pub trait Float: rustfft::FftNum + num_traits::Float + Default + std::fmt::Display + std::fmt::LowerExp {
    /// The name numpy gives this type ("float32" or "float64").
    const NAME: &'static str;
    /// The process-wide plan cache for this precision.
    #[doc(hidden)]
    fn plans() -> &'static PlanCache<Self>;
}

macro_rules! float_impl {
    ($t:ty, $name:literal) => {
        impl Float for $t {
            const NAME: &'static str = $name;
            fn plans() -> &'static PlanCache<Self> {
                static CACHE: std::sync::OnceLock<PlanCache<$t>> = std::sync::OnceLock::new();
                CACHE.get_or_init(PlanCache::new)
            }
        }
    };
}
float_impl!(f32, "float32");
float_impl!(f64, "float64");

/// An element a transform accepts as input: real (`f32`, `f64`) or complex.
///
/// Real input to a complex transform is read as complex with zero imaginary part, as in numpy.
///
/// ```
/// use shardfft::{Scalar, Complex};
/// assert_eq!(2.0f64.to_complex(), Complex::new(2.0, 0.0));
/// ```
pub trait Scalar: Copy + Send + Sync + 'static {
    /// The real type of the same precision.
    type Real: Float;
    /// This value as a complex number.
    fn to_complex(self) -> Complex<Self::Real>;
}

impl<T: Float> Scalar for T {
    type Real = T;
    #[inline(always)]
    fn to_complex(self) -> Complex<T> {
        Complex::new(self, T::zero())
    }
}

impl<T: Float> Scalar for Complex<T> {
    type Real = T;
    #[inline(always)]
    fn to_complex(self) -> Complex<T> {
        self
    }
}

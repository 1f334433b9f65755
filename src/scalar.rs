//! The element types shardfft computes in (f32, f64) and accepts (real or complex).

use std::sync::Arc;

use crate::plan::{ReadOnlyC2r, ReadOnlyR2c};
use num_complex::Complex;
use realfft::RealToComplex;
use rustfft::Fft;

use crate::plan::{BatchR2c, BlockSplit, PlanCache, SlabFft};

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
    /// shardfft's own complex kernel of length `n` for this type, if it has one
    /// ([`plan::native`](crate::plan::native)).
    #[doc(hidden)]
    fn native_complex(n: usize, inverse: bool) -> Option<Arc<dyn Fft<Self>>>;
    /// shardfft's own real-to-complex kernel of length `n` for this type, if it has one.
    #[doc(hidden)]
    fn native_r2c(_n: usize) -> Option<Arc<dyn ReadOnlyR2c<Self>>> {
        None
    }
    /// shardfft's own complex-to-real kernel of length `n` for this type, if it has one.
    #[doc(hidden)]
    fn native_c2r(_n: usize) -> Option<Arc<dyn ReadOnlyC2r<Self>>> {
        None
    }
    /// shardfft's own real-to-complex kernel across lanes of `single`'s length for this type,
    /// if it has one (`single` takes the lanes left over).
    #[doc(hidden)]
    fn native_batch_r2c(_single: Arc<dyn RealToComplex<Self>>) -> Option<Arc<dyn BatchR2c<Self>>> {
        None
    }
    /// shardfft's own block split of one lane of length `n` for this type, if it has one.
    #[doc(hidden)]
    fn native_split(_n: usize, _inverse: bool) -> Option<Arc<dyn BlockSplit<Self>>> {
        None
    }
    /// shardfft's own FFT of length `n` down slabs of columns for this type, if it has one.
    #[doc(hidden)]
    fn native_slabs(_n: usize, _inverse: bool) -> Option<Arc<dyn SlabFft<Self>>> {
        None
    }
    /// How many lanes shardfft's own complex kernel of length `n` wants per call (1 if none).
    #[doc(hidden)]
    fn native_lanes_per_call(_n: usize) -> usize {
        1
    }
    /// Whether shardfft's own complex kernel of length `n` prefetches each lane's successor
    /// in a call (so lanes are best handed to it where they lie).
    #[doc(hidden)]
    fn native_reads_ahead(_n: usize) -> bool {
        false
    }
}

macro_rules! float_impl {
    ($t:ty, $name:literal, complex: $complex:path $(, $native:ident)?) => {
        impl Float for $t {
            const NAME: &'static str = $name;
            fn plans() -> &'static PlanCache<Self> {
                static CACHE: std::sync::OnceLock<PlanCache<$t>> = std::sync::OnceLock::new();
                CACHE.get_or_init(PlanCache::new)
            }
            fn native_complex(n: usize, inverse: bool) -> Option<Arc<dyn Fft<Self>>> {
                $complex(n, inverse)
            }
            $(
                fn native_r2c(n: usize) -> Option<Arc<dyn ReadOnlyR2c<Self>>> {
                    crate::plan::$native::r2c(n)
                }
                fn native_c2r(n: usize) -> Option<Arc<dyn ReadOnlyC2r<Self>>> {
                    crate::plan::$native::c2r(n)
                }
                fn native_batch_r2c(single: Arc<dyn RealToComplex<Self>>) -> Option<Arc<dyn BatchR2c<Self>>> {
                    crate::plan::$native::batch_r2c(single)
                }
                fn native_split(n: usize, inverse: bool) -> Option<Arc<dyn BlockSplit<Self>>> {
                    crate::plan::$native::split(n, inverse)
                }
                fn native_slabs(n: usize, inverse: bool) -> Option<Arc<dyn SlabFft<Self>>> {
                    crate::plan::$native::slabs(n, inverse)
                }
                fn native_lanes_per_call(n: usize) -> usize {
                    crate::plan::$native::lanes_per_call(n)
                }
                fn native_reads_ahead(n: usize) -> bool {
                    crate::plan::$native::reads_ahead(n)
                }
            )?
        }
    };
}
float_impl!(f32, "float32", complex: crate::plan::native::complex, native);
float_impl!(f64, "float64", complex: crate::plan::native::complex64);

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

//! The numpy.fft function set on ndarray arrays.

mod args;
mod complex;
mod freq;
mod inplace;
mod real;

pub(crate) use self::{args::{into_dim, length, normalize_axis, resolve_axes, LAST_TWO}, complex::scale};
pub use complex::{fft, fft2, fftn, ifft, ifft2, ifftn};
pub use freq::{fftfreq, fftshift, ifftshift, rfftfreq};
pub use inplace::{fft_inplace, fftn_inplace, ifft_inplace, ifftn_inplace};
pub use real::{hfft, ihfft, irfft, irfft2, irfftn, rfft, rfft2, rfftn};

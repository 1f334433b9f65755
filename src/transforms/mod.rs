//! The numpy.fft function set on ndarray arrays.

mod args;
mod complex;
mod freq;
mod inplace;
mod into;
mod real;

pub(crate) use self::{
    args::{LAST_TWO, into_dim, length, normalize_axis, resolve_axes},
    complex::scale,
};
pub(crate) use complex::{c2c_axis, c2c_axis_into, c2c_axis_owned};
pub use complex::{fft, fft2, fftn, ifft, ifft2, ifftn};
pub use freq::{fftfreq, fftshift, ifftshift, rfftfreq};
pub use inplace::{fft_inplace, fftn_inplace, ifft_inplace, ifftn_inplace};
pub use into::{fft_into, fft2_into, fftn_into, ifft_into, ifft2_into, ifftn_into, irfft_into, rfft_into};
pub(crate) use real::{c2r_axis, r2c_axis};
pub use real::{hfft, ihfft, irfft, irfft2, irfftn, rfft, rfft2, rfftn};

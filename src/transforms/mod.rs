//! The numpy.fft function set on ndarray arrays.

mod args;
mod complex;
mod freq;
mod real;

pub use complex::{fft, fft2, fftn, ifft, ifft2, ifftn};
pub use freq::{fftfreq, fftshift, ifftshift, rfftfreq};
pub use real::{hfft, ihfft, irfft, irfft2, irfftn, rfft, rfft2, rfftn};

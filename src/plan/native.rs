//! shardfft's own kernels, chosen over rustfft's and realfft's where they are faster here.
//!
//! Each function returns `None` where shardfft has no kernel of its own for that length on
//! this processor, or when the environment variable `SHARDFFT_NO_AVX512` is set (then every
//! plan is rustfft's or realfft's, for comparisons).

use std::sync::Arc;

use realfft::RealToComplex;
use rustfft::Fft;

/// Whether shardfft's AVX-512 kernels may be used: AVX-512F present and not switched off.
#[cfg(target_arch = "x86_64")]
fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var_os("SHARDFFT_NO_AVX512").is_none() && std::arch::is_x86_feature_detected!("avx512f")
    })
}

/// The shortest complex length given to [`Avx512Fft`](super::Avx512Fft): below it rustfft's
/// hard-coded butterflies are as fast (measured in cache, one core: 64–256 points 0.87–1.02×
/// of rustfft, 1024–8192 points 1.34–1.46×). The real kernels use it from 64 complex points
/// (r2c of 128 and 256 reals: 1.4× realfft).
pub const COMPLEX_MIN_LEN: usize = 512;

/// The shortest length given to [`Avx512BatchFft`](super::Avx512BatchFft), which takes the
/// lengths [`Avx512Fft`](super::Avx512Fft) does not plan from [`COMPLEX_MIN_LEN`] on (2000,
/// 6000, 10000; and all below 512) when they have a factor 5 or exceed 512. Measured in cache,
/// one core, time against rustfft's (Zen 5 VM): 40 0.55–0.68, 80 0.90, 200 0.57, 360
/// 0.93–1.2, 480 0.83, 600 0.87, 1000 0.64–0.72, 2000 0.63–0.74, 6000 0.87, 10000 0.74–0.93;
/// but rustfft's hard-coded butterflies win at 8–32 (1.05–1.8), 48 (1.6), 72 (1.35), and at
/// the multiples of 64 below [`COMPLEX_MIN_LEN`] (64–320: 1.1–1.5). On the Xeon VM of
/// 2026-12-07 `Avx512Fft` on 1000 points (first pass ending in a partial block) ran 2^22
/// values in cache on both cores in 2.01 ms, this kernel in 2.81 and rustfft's in 2.96; 4000
/// 2.38, 2.97, 2.95; 600 2.04, 2.08, 2.07.
pub const BATCH_MIN_LEN: usize = 40;

/// Which of shardfft's complex kernels takes length `n`, if any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ComplexKernel {
    WholeLanes,
    Batched,
}

fn complex_kernel(n: usize) -> Option<ComplexKernel> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        if n >= COMPLEX_MIN_LEN && super::avx512::f32_whole_lanes(n) {
            return Some(ComplexKernel::WholeLanes);
        }
        let wanted = !n.is_multiple_of(64) && (n.is_multiple_of(5) || n > 512);
        if n >= BATCH_MIN_LEN && wanted && super::avx512::batched_lanes(n) {
            return Some(ComplexKernel::Batched);
        }
    }
    let _ = n;
    None
}

/// The f32 complex kernel of length `n`: [`Avx512Fft`](super::Avx512Fft) for the lengths ≥
/// [`COMPLEX_MIN_LEN`] it plans (multiples of 64 made of the primes 2, 3 and 5, and multiples
/// of 8 whose eighth is odd or four times odd, such as 1000), else
/// [`Avx512BatchFft`](super::Avx512BatchFft) for the other multiples of 8 made of them from
/// [`BATCH_MIN_LEN`] that have a factor 5 or exceed 512.
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::complex(1001, false).is_none()); // 7 · 11 · 13: rustfft's
/// if let Some(fft) = native::complex(1000, false) {
///     assert_eq!(fft.len(), 1000);
/// }
/// ```
pub fn complex(n: usize, inverse: bool) -> Option<Arc<dyn Fft<f32>>> {
    let kernel = complex_kernel(n)?;
    #[cfg(target_arch = "x86_64")]
    {
        let direction = super::direction(inverse);
        match kernel {
            ComplexKernel::WholeLanes => {
                super::Avx512Fft::new(n, direction).map(|plan| Arc::new(plan) as Arc<dyn Fft<f32>>)
            }
            ComplexKernel::Batched => {
                super::Avx512BatchFft::new(n, direction).map(|plan| Arc::new(plan) as Arc<dyn Fft<f32>>)
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (kernel, inverse);
        None
    }
}

/// The shortest length given to [`Avx512Fft64`](super::Avx512Fft64). Measured on the Zen 4 VM,
/// one core, in cache, time against rustfft's (AVX2 f64): 64–256 points 1.07–1.32 (rustfft's
/// hard-coded butterflies win), 512 1.01, 1024 0.89, 2048 0.88, 3840 0.58, 65536 0.78.
pub const COMPLEX64_MIN_LEN: usize = 1024;

/// The f64 complex kernel of length `n`: [`Avx512Fft64`](super::Avx512Fft64) for the lengths
/// ≥ [`COMPLEX64_MIN_LEN`] it plans (multiples of 64 made of the primes 2, 3 and 5).
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::complex64(1001, false).is_none()); // 7 · 11 · 13: rustfft's
/// assert!(native::complex64(256, false).is_none()); // short: rustfft's butterflies
/// if let Some(fft) = native::complex64(65536, true) {
///     assert_eq!(fft.len(), 65536);
/// }
/// ```
pub fn complex64(n: usize, inverse: bool) -> Option<Arc<dyn Fft<f64>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() && n >= COMPLEX64_MIN_LEN {
        return super::Avx512Fft64::new(n, super::direction(inverse)).map(|plan| Arc::new(plan) as Arc<dyn Fft<f64>>);
    }
    let _ = (n, inverse);
    None
}

/// Bytes of lanes a call of a kernel that [`reads_ahead`] gets at a time: each lane but the
/// last of a call has its successor prefetched, and the call's lanes stay in L1 on their way
/// to a streamed destination. Measured on the 2-vCPU Xeon VM of 2026-12-07 (2^22 values on
/// both cores, out of place, each call's lanes streamed out): 1024 points in calls of 1, 2, 4,
/// 8 lanes 3.37, 3.22, 3.11, 3.11 ms; 512 points 2.62, 2.48, 2.53, 2.48; `fft_into` with 64
/// KiB calls against these: 1024 2.94 against 2.82 ms, 512 2.84 against 2.55, 2048 3.15
/// against 3.01, 1000 alike.
const READ_AHEAD_CALL_BYTES: usize = 32 << 10;

/// How many lanes the f32 complex kernel of length `n` wants per call: 8 for
/// [`Avx512BatchFft`](super::Avx512BatchFft) (fewer go to rustfft), enough to fill
/// 32 KiB for kernels that [`reads_ahead`], else 1.
///
/// ```
/// use shardfft::plan::native;
/// assert_eq!(native::lanes_per_call(1001), 1);
/// assert!([1, 8].contains(&native::lanes_per_call(2000))); // the batch kernel's
/// assert!([1, 4].contains(&native::lanes_per_call(1024))); // 32 KiB of lanes
/// assert!([1, 4].contains(&native::lanes_per_call(1000)));
/// ```
pub fn lanes_per_call(n: usize) -> usize {
    if complex_kernel(n) == Some(ComplexKernel::Batched) {
        8
    } else if reads_ahead(n) {
        (READ_AHEAD_CALL_BYTES / (n * std::mem::size_of::<num_complex::Complex<f32>>())).max(1)
    } else {
        1
    }
}

/// Whether the f32 complex kernel of length `n` prefetches each lane's successor in a call
/// while it transforms the lane ([`Avx512Fft`](super::Avx512Fft) on lanes up to 16 KiB), so
/// the executor hands it lanes where they lie, a call's worth at a time, rather than copied.
///
/// ```
/// use shardfft::plan::native;
/// assert!(!native::reads_ahead(1001)); // rustfft's
/// assert!(!native::reads_ahead(1 << 16)); // 512 KiB lanes stream by themselves
/// ```
pub fn reads_ahead(n: usize) -> bool {
    complex_kernel(n) == Some(ComplexKernel::WholeLanes) && {
        #[cfg(target_arch = "x86_64")]
        {
            super::Avx512Fft::prefetches_next_lane(n)
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

/// The f32 real-to-complex kernel of length `n`: [`Avx512R2c`](super::Avx512R2c) where `n` is
/// even and [`Avx512Fft`](super::Avx512Fft) plans `n/2`.
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::r2c(1001).is_none()); // odd: realfft's
/// ```
pub fn r2c(n: usize) -> Option<Arc<dyn super::ReadOnlyR2c<f32>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        return super::Avx512R2c::new(n).map(|plan| Arc::new(plan) as Arc<dyn super::ReadOnlyR2c<f32>>);
    }
    let _ = n;
    None
}

/// The f32 real-to-complex kernel across lanes of `single`'s length:
/// [`Avx512BatchR2c`](super::Avx512BatchR2c) where it takes that length (`single` runs the
/// lanes left over).
///
/// ```
/// use shardfft::plan::native;
/// let single = realfft::RealFftPlanner::<f32>::new().plan_fft_forward(100);
/// assert!(native::batch_r2c(single).is_none()); // 50 is not a multiple of 8
/// ```
pub fn batch_r2c(single: Arc<dyn RealToComplex<f32>>) -> Option<Arc<dyn super::BatchR2c<f32>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        return super::Avx512BatchR2c::new(single.len(), single)
            .map(|plan| Arc::new(plan) as Arc<dyn super::BatchR2c<f32>>);
    }
    let _ = single;
    None
}

/// The f32 complex-to-real kernel of length `n`: [`Avx512C2r`](super::Avx512C2r) where `n` is
/// even and [`Avx512Fft`](super::Avx512Fft) plans `n/2`.
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::c2r(100).is_none()); // 50 is not a multiple of 64: realfft's
/// ```
pub fn c2r(n: usize) -> Option<Arc<dyn super::ReadOnlyC2r<f32>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        return super::Avx512C2r::new(n).map(|plan| Arc::new(plan) as Arc<dyn super::ReadOnlyC2r<f32>>);
    }
    let _ = n;
    None
}

/// The f32 block split of one lane of `n` points that the four-step runs on every core: the
/// AVX-512 kernels' two-halves split ([`BlockSplit`](super::BlockSplit)) for lengths of at
/// least 2^17 made of 2, 3 and 5 whose factors near √n are multiples of 64.
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::split(1 << 10, false).is_none()); // short lanes are not split
/// if let Some(split) = native::split(1 << 20, true) {
///     assert_eq!(split.len(), 1 << 20);
/// }
/// ```
pub fn split(n: usize, inverse: bool) -> Option<Arc<dyn super::BlockSplit<f32>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        return super::avx512::block_split(n, inverse);
    }
    let _ = (n, inverse);
    None
}

/// The f32 FFT of length `n` down slabs of eight neighbouring columns
/// ([`Avx512SlabFft`](super::Avx512SlabFft)), for strided axes of lengths that are multiples of
/// 8 made of 2, 3 and 5.
///
/// ```
/// use shardfft::plan::native;
/// assert!(native::slabs(1001, false).is_none()); // not a multiple of 8
/// if let Some(fft) = native::slabs(4096, true) {
///     assert_eq!(fft.len(), 4096);
/// }
/// ```
pub fn slabs(n: usize, inverse: bool) -> Option<Arc<dyn super::SlabFft<f32>>> {
    #[cfg(target_arch = "x86_64")]
    if enabled() {
        return super::Avx512SlabFft::new(n, inverse).map(|plan| Arc::new(plan) as Arc<dyn super::SlabFft<f32>>);
    }
    let _ = (n, inverse);
    None
}

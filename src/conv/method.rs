//! How a convolution is computed: direct, overlap-add or one FFT, chosen by an estimated cost
//! (or forced), and the transform and block lengths each method uses.

use super::mode::{next_fast_len, next_fast_len_real};
use super::shape::Geometry;
use crate::{Error, Result};

/// The algorithm a convolution runs: all give the same result to rounding.
///
/// `Auto` (the default) estimates the cost of each for the plan's lengths and picks the
/// cheapest: in practice direct for kernels of a few taps, overlap-add when the kernel is much
/// shorter than the signal, one FFT otherwise.
///
/// ```
/// use shardfft::conv::{ConvPlan, ConvSpec, Method, Mode};
/// use ndarray::Array1;
/// let k = Array1::from(vec![0.25f64, 0.5, 0.25]);
/// let plan = ConvPlan::new(&k, &[100_000], &ConvSpec::new(Mode::Same))?;
/// assert_eq!(plan.method(), Method::Direct); // three taps: direct wins
/// let forced = ConvPlan::new(&k, &[100_000], &ConvSpec::new(Mode::Same).method(Method::Fft))?;
/// assert_eq!(forced.method(), Method::Fft);
/// # Ok::<(), shardfft::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// Pick by estimated cost.
    #[default]
    Auto,
    /// The O(N·K) sum, no transforms.
    Direct,
    /// Blocks of the signal convolved by short FFTs and added up.
    OverlapAdd,
    /// One FFT of (about) the full output length.
    Fft,
}

impl std::str::FromStr for Method {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(Method::Auto),
            "direct" => Ok(Method::Direct),
            "overlap-add" | "oa" => Ok(Method::OverlapAdd),
            "fft" => Ok(Method::Fft),
            other => Err(Error::InvalidArgument(format!(
                "method must be one of auto, direct, overlap-add, fft; got {other:?}"
            ))),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Auto => "auto",
            Method::Direct => "direct",
            Method::OverlapAdd => "overlap-add",
            Method::Fft => "fft",
        })
    }
}

// The cost model: estimated nanoseconds per output lane, single thread (every method spreads
// lanes and tiles over threads alike, so the ratio is what matters). Constants measured with
// `cargo run --release --example conv_methods` (f64, one lane, see the numbers below).

/// ns per real multiply-add of the direct method.
const DIRECT_NS_PER_MAC_REAL: f64 = 0.25;
/// ns per complex multiply-add of the direct method.
const DIRECT_NS_PER_MAC_COMPLEX: f64 = 1.0;
/// ns per point·log2(points) of a complex FFT whose data fits in cache.
const FFT_NS_PER_NLOGN: f64 = 0.5;
/// Factor on the FFT cost once its data leaves the cache.
const FFT_OUT_OF_CACHE: f64 = 1.5;
/// Bytes of transform data past which [`FFT_OUT_OF_CACHE`] applies.
const FFT_CACHE_BYTES: usize = 1 << 20;
/// ns per point of one element-wise pass (spectral product, window copy, block copy).
const PASS_NS_PER_POINT: f64 = 0.5;
/// Overlap-add is considered along an axis only when the signal is at least this many times
/// longer than the kernel.
pub(crate) const OA_MIN_RATIO: usize = 8;

/// A resolved method with its lengths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// Direct, OverlapAdd or Fft (never Auto).
    pub method: Method,
    /// Transform length of the one-FFT method along each convolved axis (also used by the
    /// kernel gradient of the overlap-add method).
    pub fft_lens: Vec<usize>,
    /// Overlap-add block lengths and block transform lengths along each axis.
    pub blocks: Vec<usize>,
    /// Overlap-add transform lengths along each axis.
    pub block_lens: Vec<usize>,
}

/// The transform length along axis `i` of a real (when `real` and `i` is the last axis) or
/// complex transform of at least `need` points.
fn fast(need: usize, real_axis: bool) -> Result<usize> {
    if real_axis {
        next_fast_len_real(need)
    } else {
        next_fast_len(need)
    }
}

/// Estimated ns of one forward (or inverse) transform over `points` points.
fn fft_ns(points: usize, real: bool, elem_bytes: usize) -> f64 {
    let p = points.max(2) as f64;
    let mut t = FFT_NS_PER_NLOGN * p * p.log2();
    if real {
        t *= 0.5;
    }
    if points.saturating_mul(elem_bytes) > FFT_CACHE_BYTES {
        t *= FFT_OUT_OF_CACHE;
    }
    t
}

/// The one-FFT method's transform lengths: the shortest fast lengths at which the circular
/// convolution equals the mode's window of the linear one (the full length N+K−1 for `Full`
/// and `Causal`, less for `Same` and `Valid`). The same lengths serve both gradients.
pub(crate) fn fft_lens(geom: &Geometry, real: bool) -> Result<Vec<usize>> {
    let last = geom.axes.len() - 1;
    (0..geom.axes.len())
        .map(|i| {
            let w = geom.windows[i];
            let full = (geom.n[i] + geom.k[i] - 1) as isize;
            // Both inputs must also fit (a kernel longer than the window's needs, in `Same`).
            let need = ((w.start + w.len as isize).max(full - w.start) as usize)
                .max(geom.n[i])
                .max(geom.k[i]);
            fast(need, real && i == last)
        })
        .collect()
}

/// Overlap-add blocks along one axis: `(block, transform length)` minimizing the estimated
/// cost of the blocks' transforms; one block when the signal is not much longer than the kernel.
fn oa_axis(n: usize, k: usize, real_axis: bool, elem_bytes: usize) -> Result<(usize, usize)> {
    let single = (n, fast(n + k - 1, real_axis)?);
    if n < OA_MIN_RATIO * k {
        return Ok(single);
    }
    let mut best = single;
    let mut best_cost = fft_ns(single.1, real_axis, elem_bytes);
    let mut l = fast((2 * k).max(16), real_axis)?;
    while l < single.1 {
        let block = l - k + 1;
        let cost = n.div_ceil(block) as f64 * (fft_ns(l, real_axis, elem_bytes) + PASS_NS_PER_POINT * l as f64);
        if cost < best_cost {
            best = (block, l);
            best_cost = cost;
        }
        // Geometric steps keep the search short at any length.
        l = fast(l + l / 16 + 1, real_axis)?;
    }
    Ok(best)
}

/// Resolves `requested` for `geom` (real or complex, elements of `elem_bytes` bytes as complex).
pub(crate) fn choose(
    geom: &Geometry,
    real: bool,
    elem_bytes: usize,
    requested: Method,
    block: Option<usize>,
) -> Result<Choice> {
    if block == Some(0) {
        return Err(Error::InvalidLength {
            what: "overlap-add block".into(),
            len: 0,
        });
    }
    let m = geom.axes.len();
    let last = m - 1;
    let fft_lens = fft_lens(geom, real)?;
    let mut blocks = Vec::with_capacity(m);
    let mut block_lens = Vec::with_capacity(m);
    for i in 0..m {
        let real_axis = real && i == last;
        let (b, l) = match block {
            Some(b) => {
                let b = b.min(geom.n[i]);
                (b, fast(b + geom.k[i] - 1, real_axis)?)
            }
            None => oa_axis(geom.n[i], geom.k[i], real_axis, elem_bytes)?,
        };
        blocks.push(b);
        block_lens.push(l);
    }
    let method = match requested {
        Method::Auto => {
            let prod = |v: &[usize]| v.iter().product::<usize>();
            let direct = {
                let macs: f64 = (0..m)
                    .map(|i| {
                        let (w, n, k) = (geom.windows[i].len as f64, geom.n[i] as f64, geom.k[i] as f64);
                        (w * k).min(n * k).min(w * n)
                    })
                    .product();
                macs * if real {
                    DIRECT_NS_PER_MAC_REAL
                } else {
                    DIRECT_NS_PER_MAC_COMPLEX
                }
            };
            let fft = {
                let l = prod(&fft_lens);
                2.0 * fft_ns(l, real, elem_bytes) + 2.0 * PASS_NS_PER_POINT * l as f64
            };
            let oa = if blocks.iter().zip(&geom.n).any(|(b, n)| b < n) {
                let nblocks: usize = (0..m).map(|i| geom.n[i].div_ceil(blocks[i])).product();
                let l = prod(&block_lens);
                let n = prod(&geom.n);
                nblocks as f64 * (2.0 * fft_ns(l, real, elem_bytes) + PASS_NS_PER_POINT * l as f64)
                    + 2.0 * PASS_NS_PER_POINT * n as f64
            } else {
                f64::INFINITY
            };
            if direct <= fft && direct <= oa {
                Method::Direct
            } else if oa < fft {
                Method::OverlapAdd
            } else {
                Method::Fft
            }
        }
        forced => forced,
    };
    Ok(Choice {
        method,
        fft_lens,
        blocks,
        block_lens,
    })
}

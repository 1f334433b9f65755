//! The demo's data: an unknown causal filter, random inputs and the noisy targets it makes.

use ndarray::{Array1, Array3, Axis};
use shardfft::conv::{Mode, fftconvolve};

/// A small, fixed-seed random generator (SplitMix64), so the demo needs no RNG crate and the
/// same seed gives the same data everywhere.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// A standard normal sample (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The problem: inputs `x` (batch, channels, length), targets `y = causal_conv(x, k_true) + noise`.
pub struct Problem {
    pub k_true: Array1<f32>,
    pub x: Array3<f32>,
    pub y: Array3<f32>,
}

/// Standard deviation of the noise added to the targets.
pub const NOISE: f64 = 0.01;

/// The unknown filter, like a room's impulse response: a few strong early echoes, then a
/// random tail decaying over an eighth of the length; unit norm.
pub fn true_filter(len: usize, rng: &mut Rng) -> Array1<f32> {
    let tau = (len as f64 / 8.0).max(1.0);
    let mut k: Array1<f64> = Array1::from_shape_fn(len, |s| rng.normal() * (-(s as f64) / tau).exp());
    let echoes = [
        (0, 1.0),
        (len / 300 + 1, -0.7),
        (len / 90 + 2, 0.5),
        (len / 25 + 3, -0.35),
    ];
    for (tap, gain) in echoes {
        if tap < len {
            k[tap] += gain * tau.sqrt();
        }
    }
    let norm = k.dot(&k).sqrt();
    k.mapv(|v| (v / norm) as f32)
}

/// Draws the problem for `seed`: `batch × channels` input signals of `len` samples.
pub fn make(batch: usize, channels: usize, len: usize, seed: u64) -> shardfft::Result<Problem> {
    let mut rng = Rng::new(seed);
    let k_true = true_filter(len, &mut rng);
    let x = Array3::from_shape_simple_fn((batch, channels, len), || rng.normal() as f32);
    let mut y = fftconvolve(&x, &k_true, Mode::Causal, -1)?;
    for mut lane in y.lanes_mut(Axis(2)) {
        lane.mapv_inplace(|v| v + (NOISE * rng.normal()) as f32);
    }
    Ok(Problem { k_true, x, y })
}

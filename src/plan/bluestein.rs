//! Bluestein's algorithm for lengths with a large prime factor, on an inner length the fast kernels take.
//!
//! rustfft already runs such lengths (a prime of a million points, say) as Bluestein's
//! convolution, but over an inner FFT of the next power of two past 2n − 1 that it plans
//! itself. shardfft builds the same algorithm (rustfft's `BluesteinsAlgorithm`, so nothing of
//! the method is written again here) over an inner plan from its own cache: the shortest
//! multiple of 64 made of 2, 3 and 5 that holds the convolution, a length shardfft's AVX-512
//! kernels take where the processor has them. The planner times the result against rustfft's
//! own plan and keeps the faster.

use std::sync::Arc;

use rustfft::Fft;
use rustfft::algorithm::BluesteinsAlgorithm;

use super::PlanCache;
use crate::{Float, Result};

/// shardfft's Bluestein plan of length `n` over an inner plan from `plans`, or `None` for the
/// lengths left to rustfft (see [`inner_len`]).
pub(super) fn plan<T: Float>(plans: &PlanCache<T>, n: usize, inverse: bool) -> Result<Option<Arc<dyn Fft<T>>>> {
    let Some(inner) = inner_len(n) else {
        return Ok(None);
    };
    Ok(Some(Arc::new(BluesteinsAlgorithm::new(
        n,
        plans.complex(inner, inverse)?,
    ))))
}

/// Lengths below this are left to rustfft: its Rader and Bluestein plans of short primes cost
/// little, and timing a second plan at every short length would cost more than it saves.
pub const MIN_LEN: usize = 1024;

/// A length is offered the inner plan here when it has a prime factor above this: rustfft's
/// hard-coded butterflies and mixed-radix plans take the smaller ones directly.
const MIN_PRIME_FACTOR: usize = 100;

/// The inner length of the Bluestein plan for `n`, or `None` when `n` is left to rustfft
/// (shorter than [`MIN_LEN`] or without a prime factor above 100).
///
/// The inner length is the shortest multiple of 64 made of 2, 3 and 5 that is at least
/// 2n − 1 (the length of the linear convolution Bluestein's algorithm computes).
pub(crate) fn inner_len(n: usize) -> Option<usize> {
    if n < MIN_LEN || largest_prime_factor(n) <= MIN_PRIME_FACTOR {
        return None;
    }
    let mut blocks = (n.checked_mul(2)? - 1).div_ceil(64);
    while largest_prime_factor(blocks) > 5 {
        blocks += 1;
    }
    blocks.checked_mul(64)
}

/// The largest prime factor of `n ≥ 1` (1 for 1), by trial division (lengths are planned once).
fn largest_prime_factor(mut n: usize) -> usize {
    let mut largest = 1;
    let mut p = 2;
    while p * p <= n {
        while n.is_multiple_of(p) {
            largest = p;
            n /= p;
        }
        p += 1;
    }
    if n > 1 { n } else { largest }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex;

    /// The plan against float64 rustfft (its own Bluestein over a power-of-two inner length),
    /// within the accuracy bound 4·eps·log2 n, both directions, f32 and f64.
    fn matches_rustfft<T: Float>() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut noise = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for n in [1031, 4099, 65537] {
            for inverse in [false, true] {
                let plan = plan(T::plans(), n, inverse).unwrap().expect("planned");
                let x: Vec<Complex<f64>> = (0..n).map(|_| Complex::new(noise(), noise())).collect();
                let mut got: Vec<Complex<T>> = x
                    .iter()
                    .map(|v| Complex::new(T::from(v.re).unwrap(), T::from(v.im).unwrap()))
                    .collect();
                plan.process(&mut got);
                let mut want = x;
                rustfft::FftPlanner::<f64>::new()
                    .plan_fft(n, super::super::direction(inverse))
                    .process(&mut want);
                let err: f64 = got
                    .iter()
                    .zip(&want)
                    .map(|(g, w)| (Complex::new(g.re.to_f64().unwrap(), g.im.to_f64().unwrap()) - w).norm_sqr())
                    .sum();
                let norm: f64 = want.iter().map(|w| w.norm_sqr()).sum();
                let rel = (err / norm).sqrt();
                let bound = 4.0 * T::epsilon().to_f64().unwrap() * (n as f64).log2();
                assert!(
                    rel <= bound,
                    "{} n={n} inverse={inverse}: {rel:.2e} > {bound:.2e}",
                    T::NAME
                );
            }
        }
    }

    #[test]
    fn plans_match_rustfft_in_f32_and_f64() {
        matches_rustfft::<f32>();
        matches_rustfft::<f64>();
    }

    #[test]
    fn largest_prime_factors() {
        let cases = [
            (1, 1),
            (2, 2),
            (12, 3),
            (97, 97),
            (1000, 5),
            (1_000_003, 1_000_003),
            (2 * 10007, 10007),
        ];
        for (n, p) in cases {
            assert_eq!(largest_prime_factor(n), p, "n={n}");
        }
    }

    #[test]
    fn inner_lengths_are_smooth_multiples_of_64_holding_the_convolution() {
        assert_eq!(inner_len(1013), None, "short");
        assert_eq!(inner_len(64 * 97), None, "largest prime factor 97");
        assert_eq!(inner_len(10007), Some(20480)); // 2^12·5 ≥ 20013
        assert_eq!(inner_len(1_000_003), Some(2_048_000)); // 64·2^8·5^3 ≥ 2,000,005
        for n in [1031, 4099, 2 * 1031, 65537, 999_983] {
            let m = inner_len(n).expect("planned");
            assert!(
                m >= 2 * n - 1 && m.is_multiple_of(64) && largest_prime_factor(m / 64) <= 5,
                "n={n} m={m}"
            );
            // No smaller such length.
            let shorter = (2 * n - 1).div_ceil(64)..m / 64;
            assert!(shorter.into_iter().all(|k| largest_prime_factor(k) > 5), "n={n} m={m}");
        }
    }
}

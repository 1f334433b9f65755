//! The planner: one plan per (length, kind, precision), made once and shared by every thread.

use std::sync::{Arc, Mutex, PoisonError};

use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

use crate::Float;

/// A thread-safe cache of 1-D plans of one precision.
///
/// rustfft's and realfft's planners already memoize plans by length; they need `&mut self`, so
/// this wraps each in a mutex. The lock is held only while looking up (or, once per length,
/// building) a plan, never while a transform runs.
///
/// ```
/// let plans = <f64 as shardfft::Float>::plans();
/// let a = plans.complex(12, false);
/// let b = plans.complex(12, false);
/// assert!(std::sync::Arc::ptr_eq(&a, &b));
/// ```
pub struct PlanCache<T: Float> {
    complex: Mutex<FftPlanner<T>>,
    real: Mutex<RealFftPlanner<T>>,
}

impl<T: Float> PlanCache<T> {
    /// An empty cache.
    pub fn new() -> Self {
        PlanCache {
            complex: Mutex::new(FftPlanner::new()),
            real: Mutex::new(RealFftPlanner::new()),
        }
    }

    /// The complex plan of length `n`: forward (e^{-2πi jk/n}) or inverse (e^{+2πi jk/n}), unscaled.
    pub fn complex(&self, n: usize, inverse: bool) -> Arc<dyn Fft<T>> {
        let mut planner = self.complex.lock().unwrap_or_else(PoisonError::into_inner);
        if inverse {
            planner.plan_fft_inverse(n)
        } else {
            planner.plan_fft_forward(n)
        }
    }

    /// The real-to-complex plan of real length `n` (n/2+1 outputs), unscaled.
    pub fn r2c(&self, n: usize) -> Arc<dyn RealToComplex<T>> {
        let mut planner = self.real.lock().unwrap_or_else(PoisonError::into_inner);
        planner.plan_fft_forward(n)
    }

    /// The complex-to-real plan of real length `n` (n/2+1 inputs), unscaled.
    pub fn c2r(&self, n: usize) -> Arc<dyn ComplexToReal<T>> {
        let mut planner = self.real.lock().unwrap_or_else(PoisonError::into_inner);
        planner.plan_fft_inverse(n)
    }
}

impl<T: Float> Default for PlanCache<T> {
    fn default() -> Self {
        Self::new()
    }
}

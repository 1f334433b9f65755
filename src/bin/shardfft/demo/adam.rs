//! Adam with a cosine learning-rate schedule.

use ndarray::{Array1, Zip};

/// Adam's state for one parameter vector (β1 = 0.9, β2 = 0.999, ε = 1e-12 relative).
pub struct Adam {
    lr: f64,
    steps: usize,
    t: i32,
    m: Array1<f32>,
    v: Array1<f32>,
}

impl Adam {
    /// An optimizer for `len` parameters: peak rate `lr`, decayed over `steps` steps.
    pub fn new(len: usize, lr: f64, steps: usize) -> Self {
        Adam {
            lr,
            steps: steps.max(1),
            t: 0,
            m: Array1::zeros(len),
            v: Array1::zeros(len),
        }
    }

    /// The rate of the current step: cosine from `lr` down to `lr/1000`.
    pub fn rate(&self) -> f64 {
        let frac = (self.t as f64 / self.steps as f64).min(1.0);
        let floor = 1e-3;
        self.lr * (floor + (1.0 - floor) * 0.5 * (1.0 + (std::f64::consts::PI * frac).cos()))
    }

    /// One update of `p` against the gradient `g`.
    pub fn step(&mut self, p: &mut Array1<f32>, g: &Array1<f32>) {
        let (b1, b2) = (0.9f64, 0.999f64);
        let lr = self.rate();
        self.t += 1;
        let c1 = 1.0 / (1.0 - b1.powi(self.t));
        let c2 = 1.0 / (1.0 - b2.powi(self.t));
        // ε relative to the gradient's scale, so the optimizer does not depend on the loss's units.
        let scale = g.iter().fold(0.0f32, |a, &v| a.max(v.abs())) as f64;
        let eps = (1e-12 * scale).max(f64::MIN_POSITIVE);
        Zip::from(p)
            .and(&mut self.m)
            .and(&mut self.v)
            .and(g)
            .for_each(|p, m, v, &g| {
                let g = g as f64;
                let mm = b1 * *m as f64 + (1.0 - b1) * g;
                let vv = b2 * *v as f64 + (1.0 - b2) * g * g;
                *m = mm as f32;
                *v = vv as f32;
                *p -= (lr * (mm * c1) / ((vv * c2).sqrt() + eps)) as f32;
            });
    }
}

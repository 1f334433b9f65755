//! The bench's cases: what each one transforms, its name, its nominal flops, and the suites.

use clap::ValueEnum;

/// What a case computes (f32 unless named otherwise, along the last axis unless named otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `fft_into` a preallocated output, against a loop into a preallocated output.
    C2c,
    /// `fft` (fresh output), against a loop that allocates its output.
    C2cAlloc,
    /// `rfft_into`, against a realfft loop into a preallocated output.
    R2c,
    /// `rfft` (fresh output), against a realfft loop that allocates its output.
    R2cAlloc,
    /// `fft_into` in f64.
    C2c64,
    /// `fft2_into` a preallocated square array (the baseline writes into its own buffer too).
    Fft2,
    /// `fft` along the first axis of a `(n, batch)` array.
    Axis0,
    /// `irfft(rfft(x))`.
    RoundTrip,
    /// Causal `fftconvolve` of `(batch, channels, n)` with a per-channel `(channels, n)` kernel.
    Conv,
}

/// One benchmark case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub kind: Kind,
    /// Transform length (for `Fft2`, the side; for `Conv`, the signal and kernel length).
    pub n: usize,
    /// Number of transforms (for `Axis0`, the number of columns; for `Conv`, the batch).
    pub batch: usize,
    /// Channels of a `Conv` case (1 otherwise).
    pub channels: usize,
}

/// Groups of cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    /// Batched c2c and r2c (into and allocating), a long prime, a 2-D 4096² transform, one long real signal forward and back, one long prime-length signal
    Main,
    /// The cases the peer comparison (bench/peers/peers.py) runs
    Peers,
    /// Causal long convolutions (bench/peers/conv_peers.py)
    Conv,
}

impl Case {
    fn new(kind: Kind, n: usize, batch: usize) -> Case {
        Case {
            kind,
            n,
            batch,
            channels: 1,
        }
    }

    /// The transform column of the table.
    pub fn transform(self) -> &'static str {
        match self.kind {
            Kind::C2c => "c2c-f32",
            Kind::C2cAlloc => "c2c-f32+alloc",
            Kind::R2c => "r2c-f32",
            Kind::R2cAlloc => "r2c-f32+alloc",
            Kind::C2c64 => "c2c-f64",
            Kind::Fft2 => "fft2-f32",
            Kind::Axis0 => "c2c-f32-axis0",
            Kind::RoundTrip => "roundtrip-f32",
            Kind::Conv => "conv-f32",
        }
    }

    /// The size column: the length, or the array shape where one length does not say it.
    pub fn size(self) -> String {
        match self.kind {
            Kind::Fft2 => format!("{0}x{0}", self.n),
            Kind::Axis0 => format!("{}x{}", self.n, self.batch),
            Kind::Conv => format!("{}x{}x{}", self.batch, self.channels, self.n),
            _ => self.n.to_string(),
        }
    }

    /// `transform/size`, what `--cases` matches.
    pub fn name(self) -> String {
        format!("{}/{}", self.transform(), self.size())
    }

    /// Nominal flops: 5·N·log2 N per complex transform of N points, half that per real one.
    pub fn flops(self) -> f64 {
        let nlogn = |n: usize| n as f64 * (n as f64).log2();
        let b = self.batch as f64;
        match self.kind {
            Kind::C2c | Kind::C2cAlloc | Kind::C2c64 | Kind::Axis0 => 5.0 * nlogn(self.n) * b,
            Kind::R2c | Kind::R2cAlloc => 2.5 * nlogn(self.n) * b,
            Kind::RoundTrip => 5.0 * nlogn(self.n) * b,
            Kind::Fft2 => 5.0 * nlogn(self.n * self.n),
            Kind::Conv => {
                // One forward real transform per lane and per kernel, one inverse per lane, at
                // the padded length.
                let len = shardfft::next_fast_len(2 * self.n - 1).unwrap_or(2 * self.n);
                let lanes = (self.batch * self.channels) as f64;
                2.5 * nlogn(len) * (2.0 * lanes + self.channels as f64)
            }
        }
    }

    /// The cases of `suite`.
    pub fn suite(suite: Suite) -> Vec<Case> {
        let batched =
            |kind, lens: &[usize]| -> Vec<Case> { lens.iter().map(|&n| Case::new(kind, n, (1 << 22) / n)).collect() };
        match suite {
            Suite::Main => {
                let lens = [1 << 10, 1 << 14, 1 << 16, 1 << 20];
                let mut cases = Vec::new();
                for (into, alloc) in [(Kind::C2c, Kind::C2cAlloc), (Kind::R2c, Kind::R2cAlloc)] {
                    for &n in &lens {
                        cases.push(Case::new(into, n, (1 << 22) / n));
                        cases.push(Case::new(alloc, n, (1 << 22) / n));
                    }
                }
                cases.push(Case::new(Kind::C2c, 1_000_003, 4));
                cases.push(Case::new(Kind::Fft2, 4096, 1));
                // One long signal (real, forward and back; of prime length): split over every core.
                cases.push(Case::new(Kind::R2c, 1 << 22, 1));
                cases.push(Case::new(Kind::RoundTrip, 1 << 22, 1));
                cases.push(Case::new(Kind::C2c, 1_000_003, 1));
                cases
            }
            Suite::Peers => {
                let lens = [256, 1 << 10, 1 << 14, 1 << 16, 1 << 20];
                let mut cases = batched(Kind::C2c, &lens);
                cases.extend(batched(Kind::R2c, &lens));
                cases.push(Case::new(Kind::C2c, 1 << 22, 1));
                cases.push(Case::new(Kind::C2c, 1 << 24, 1));
                cases.extend(batched(Kind::C2c, &[1000, 10007, 49152, 1_000_003]));
                cases.push(Case::new(Kind::C2c64, 1 << 16, 64));
                cases.push(Case::new(Kind::Fft2, 4096, 1));
                cases.push(Case::new(Kind::Axis0, 4096, 1024));
                cases.push(Case::new(Kind::RoundTrip, 1 << 16, 64));
                cases
            }
            Suite::Conv => [(8, 64, 4096), (8, 64, 1 << 16), (1, 4, 1 << 20)]
                .into_iter()
                .map(|(batch, channels, n)| Case {
                    kind: Kind::Conv,
                    n,
                    batch,
                    channels,
                })
                .collect(),
        }
    }
}

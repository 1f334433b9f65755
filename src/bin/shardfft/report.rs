//! The bench's output: a table for people, or JSON lines for comparison scripts.

/// One measured case.
pub struct Row {
    pub transform: &'static str,
    pub size: String,
    pub batch: usize,
    /// Nominal flops of the whole batch.
    pub flops: f64,
    /// Median time of the shardfft call, ms.
    pub shard_ms: f64,
    /// Median time of the single-threaded rustfft/realfft loop, ms.
    pub base_ms: f64,
    /// ‖shardfft − baseline‖ / ‖baseline‖.
    pub rel_diff: f64,
    pub threads: usize,
}

/// GFLOP/s of `flops` done in `ms` milliseconds.
fn gflops(flops: f64, ms: f64) -> f64 {
    flops / (ms * 1e6)
}

/// The table's title and column heads.
pub fn print_header(reps: usize, threads: usize) {
    println!(
        "# shardfft bench: median of {reps} rounds over the cases, each run straight after an untimed one, rayon pool of {threads} threads; \
         baseline = single-threaded rustfft/realfft loop into a preallocated output (+alloc rows: both allocate their output)"
    );
    println!(
        "{:<14} {:>12} {:>6} {:>12} {:>9} {:>12} {:>9} {:>8} {:>9}",
        "transform", "n", "batch", "shardfft ms", "GFLOP/s", "baseline ms", "GFLOP/s", "speedup", "rel diff"
    );
}

impl Row {
    /// One line of the table.
    pub fn print_table_line(&self) {
        println!(
            "{:<14} {:>12} {:>6} {:>12.3} {:>9.2} {:>12.3} {:>9.2} {:>7.2}x {:>9.1e}",
            self.transform,
            self.size,
            self.batch,
            self.shard_ms,
            gflops(self.flops, self.shard_ms),
            self.base_ms,
            gflops(self.flops, self.base_ms),
            self.base_ms / self.shard_ms,
            self.rel_diff
        );
    }

    /// One JSON object on one line (every string here is plain ASCII, so `{:?}` quotes it).
    pub fn print_json(&self) {
        println!(
            "{{\"case\":\"{}/{}\",\"transform\":{:?},\"n\":{:?},\"batch\":{},\"threads\":{},\"ms\":{},\"gflops\":{},\
             \"baseline_ms\":{},\"baseline_gflops\":{},\"speedup\":{},\"rel_diff\":{}}}",
            self.transform,
            self.size,
            self.transform,
            self.size,
            self.batch,
            self.threads,
            json_number(self.shard_ms),
            json_number(gflops(self.flops, self.shard_ms)),
            json_number(self.base_ms),
            json_number(gflops(self.flops, self.base_ms)),
            json_number(self.base_ms / self.shard_ms),
            json_number(self.rel_diff)
        );
    }
}

/// A float as JSON: non-finite values become null.
fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

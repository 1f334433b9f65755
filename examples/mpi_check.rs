//! The sharded-transform test suite of `tests/integration/dist.rs` on MPI ranks: every check of
//! `tests/integration/dist_suite/mod.rs` runs on the MPI world communicator.
//!
//!     cargo build --release --features mpi --example mpi_check
//!     mpirun -np 4 target/release/examples/mpi_check
//!
//! Rank 0 prints each check as it starts and `mpi_check: PASS` at the end. A failed check
//! panics, and `MpiComm`'s panic hook aborts the job with the failing rank named; an error
//! returned by a check aborts it the same way (`MpiComm::run`).

#[path = "../tests/integration/dist_suite/mod.rs"]
mod suite;

use std::time::Instant;

use shardfft::dist::{Comm, MpiComm};

fn main() {
    MpiComm::run(|comm| {
        let (me, p) = (comm.rank(), comm.size());
        let start = Instant::now();
        if me == 0 {
            println!(
                "mpi_check: {p} ranks, {}",
                MpiComm::library_version().lines().next().unwrap_or("")
            );
        }
        suite::run_all(comm, |name| {
            if me == 0 {
                println!("  [{:6.2} s] {name}", start.elapsed().as_secs_f64());
            }
        })?;
        comm.barrier()?;
        if me == 0 {
            println!("mpi_check: PASS on {p} ranks in {:.1} s", start.elapsed().as_secs_f64());
        }
        Ok(())
    });
}

//! Rank 1 panics in the middle of a collective: the MPI job must end at once (non-zero exit
//! status, a message naming rank 1) instead of leaving the other ranks waiting forever.
//!
//!     mpirun -np 2 target/release/examples/mpi_fail

use shardfft::dist::{Comm, MpiComm};

fn main() {
    MpiComm::run(|comm| {
        let (me, p) = (comm.rank(), comm.size());
        comm.barrier()?;
        let counts = vec![1 << 16; p];
        let send = vec![me as f64; (1 << 16) * p];
        let mut recv = vec![0.0f64; (1 << 16) * p];
        for round in 0..1000 {
            if me == 1 && round == 3 {
                panic!("rank 1 fails on purpose in round {round}");
            }
            comm.alltoallv(&send, &counts, &mut recv, &counts)?;
        }
        // Only reached when rank 1 does not exist (one rank).
        println!("rank {me}: no rank 1 to fail");
        Ok(())
    });
}

//! Where the demo's ranks live: threads of this process, or the processes of an `mpirun` job.

use crate::error::CliError;

/// The ranks the training runs on.
pub enum Ranks {
    /// P in-process ranks (threads).
    Threads(usize),
    /// The MPI world: this process is one rank of an `mpirun -np P` job.
    #[cfg(feature = "mpi")]
    Mpi(shardfft::dist::MpiComm),
}

impl Ranks {
    /// What the ranks are, in words.
    pub fn kind(&self) -> &'static str {
        match self {
            Ranks::Threads(_) => "in-process",
            #[cfg(feature = "mpi")]
            Ranks::Mpi(_) => "MPI",
        }
    }

    /// The rank count, and whether this process prints and plots (rank 0, or in-process).
    pub fn size_and_root(&self) -> (usize, bool) {
        match self {
            Ranks::Threads(p) => (*p, true),
            #[cfg(feature = "mpi")]
            Ranks::Mpi(comm) => {
                use shardfft::dist::Comm;
                (comm.size(), comm.rank() == 0)
            }
        }
    }
}

/// The job size an MPI launcher announces to each process it starts (Open MPI, then the PMI
/// variable of MPICH's Hydra), if any.
fn launcher_world_size() -> Option<usize> {
    ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.trim().parse().ok())
}

/// Picks the ranks: under `mpirun` (with the `mpi` feature) the MPI world, whose size
/// `--ranks`, when given, must equal; otherwise `--ranks` threads (default 4).
///
/// Started by `mpirun -np P` with P > 1 but built without the feature, every process would
/// train alone on the whole batch: that is an error naming the build command instead.
pub fn choose(requested: Option<usize>) -> Result<Ranks, CliError> {
    if requested == Some(0) {
        return Err(CliError::new("--ranks must be at least 1"));
    }
    match launcher_world_size() {
        #[cfg(feature = "mpi")]
        Some(world) => {
            if let Some(p) = requested.filter(|&p| p != world) {
                return Err(CliError::new(format!(
                    "--ranks {p} but mpirun started {world} processes: leave --ranks out under mpirun or give -np {p}"
                )));
            }
            Ok(Ranks::Mpi(shardfft::dist::MpiComm::init()?))
        }
        #[cfg(not(feature = "mpi"))]
        Some(world) if world > 1 => Err(CliError::new(format!(
            "started by mpirun with {world} processes, but this shardfft was built without MPI: \
             build it with `cargo build --release --features mpi`"
        ))),
        _ => Ok(Ranks::Threads(requested.unwrap_or(4))),
    }
}

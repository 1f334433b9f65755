//! The MPI backend (cargo feature `mpi`): ranks as MPI processes, through rsmpi.

use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

use mpi::Count;
use mpi::collective::SystemOperation;
use mpi::datatype::{Partition, PartitionMut};
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use super::comm::{Comm, CommData, check_counts};
use crate::{Error, Result};

/// The MPI world as a [`Comm`]: one rank per MPI process, started by `mpirun -np P`.
///
/// [`MpiComm::init`] initializes MPI (once per process) and installs a panic hook that calls
/// `MPI_Abort` after printing the panic, so a rank that panics ends the whole job at once with
/// a message naming it (without the hook the other ranks would wait in their next collective
/// forever). [`MpiComm::run`] also aborts the job when the closure returns an error. Dropping
/// the communicator finalizes MPI.
///
/// Counts are MPI `int`s: one exchange moves at most 2³¹−1 elements per rank.
///
/// ```no_run
/// use shardfft::dist::{self, Comm, Layout, MpiComm, Out, Sharded};
/// use shardfft::{Complex, Norm};
///
/// // mpirun -np 4 target/release/examples/my_program
/// MpiComm::run(|comm| {
///     let layout = Layout::new(&[1024, 1024], 0, comm.size())?;
///     let block = ndarray::ArrayD::<Complex<f32>>::zeros(layout.local_shape(comm.rank()));
///     let x = Sharded::from_local(block, layout, comm.rank())?;
///     let y = dist::fft2(comm, &x, None, None, Norm::Backward, Out::Transposed)?;
///     println!("rank {} holds {:?}", comm.rank(), y.local().shape());
///     Ok(())
/// });
/// ```
pub struct MpiComm {
    world: SimpleCommunicator,
    rank: usize,
    size: usize,
    _universe: Universe,
}

/// Whether MPI is initialized and not yet finalized (the panic hook aborts only then).
static MPI_LIVE: AtomicBool = AtomicBool::new(false);

/// Below this many elements (gathered over all ranks), [`Comm::allreduce_sum`] gathers every
/// rank's contribution and adds them in rank order itself, so every rank gets the same bits.
const ORDERED_SUM_LIMIT: usize = 1 << 20;

impl MpiComm {
    /// Initializes MPI and returns the world communicator; an error if MPI was already
    /// initialized in this process.
    ///
    /// Installs the panic hook described above (it runs the previous hook first, so the panic
    /// message is printed as usual); a panic on any thread of this process, rayon's workers
    /// included, then ends the whole job.
    ///
    /// ```no_run
    /// use shardfft::dist::{Comm, MpiComm};
    /// let comm = MpiComm::init()?;
    /// println!("rank {} of {}", comm.rank(), comm.size());
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn init() -> Result<MpiComm> {
        let universe =
            mpi::initialize().ok_or_else(|| Error::Comm("MPI is already initialized in this process".into()))?;
        let world = universe.world();
        let (rank, size) = (world.rank() as usize, world.size() as usize);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            if MPI_LIVE.load(Ordering::SeqCst) {
                eprintln!("shardfft: MPI rank {rank} of {size} panicked; aborting the job");
                SimpleCommunicator::world().abort(101);
            }
        }));
        MPI_LIVE.store(true, Ordering::SeqCst);
        Ok(MpiComm {
            world,
            rank,
            size,
            _universe: universe,
        })
    }

    /// Initializes MPI, runs `f` on the world communicator, and returns its value; if `f`
    /// returns an error, prints it with this rank's number and aborts the whole job (exit
    /// status 1), so no rank is left waiting. Finalizes MPI before returning.
    ///
    /// ```no_run
    /// use shardfft::dist::{Comm, MpiComm};
    /// // mpirun -np 2 target/release/examples/my_program
    /// let total = MpiComm::run(|comm| {
    ///     let mut v = [comm.rank() as u64];
    ///     comm.allreduce_sum(&mut v)?;
    ///     Ok(v[0])
    /// });
    /// println!("sum of the ranks: {total}");
    /// ```
    pub fn run<R>(f: impl FnOnce(&MpiComm) -> Result<R>) -> R {
        let comm = match MpiComm::init() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("shardfft: {e}");
                std::process::exit(1);
            }
        };
        match f(&comm) {
            Ok(v) => v,
            Err(e) => comm.abort(&format!("{e}"), 1),
        }
    }

    /// Prints `message` naming this rank and aborts every rank of the job (`MPI_Abort`).
    ///
    /// ```no_run
    /// use shardfft::dist::MpiComm;
    /// let comm = MpiComm::init()?;
    /// comm.abort("giving up", 2);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn abort(&self, message: &str, code: c_int) -> ! {
        eprintln!(
            "shardfft: MPI rank {} of {} failed: {message}; aborting the job",
            self.rank, self.size
        );
        self.world.abort(code)
    }

    /// The MPI library's version string (trimmed of MPI's trailing NUL and newlines).
    ///
    /// ```no_run
    /// println!("{}", shardfft::dist::MpiComm::library_version());
    /// ```
    pub fn library_version() -> String {
        mpi::environment::library_version()
            .unwrap_or_default()
            .trim_end_matches(['\0', '\n', ' '])
            .to_string()
    }
}

impl Drop for MpiComm {
    fn drop(&mut self) {
        // The universe (dropped right after) finalizes MPI: from then on a panic must not
        // call MPI_Abort.
        MPI_LIVE.store(false, Ordering::SeqCst);
    }
}

fn counts(v: &[usize]) -> Result<(Vec<Count>, Vec<Count>)> {
    let too_large = || Error::TooLarge {
        what: "MPI exchange (counts are 32-bit)".into(),
        shape: v.to_vec(),
    };
    let c = v
        .iter()
        .map(|&n| Count::try_from(n).map_err(|_| too_large()))
        .collect::<Result<Vec<_>>>()?;
    let mut displs = Vec::with_capacity(c.len());
    let mut at: Count = 0;
    for &n in &c {
        displs.push(at);
        at = at.checked_add(n).ok_or_else(too_large)?;
    }
    Ok((c, displs))
}

impl Comm for MpiComm {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn alltoallv<T: CommData>(
        &self,
        send: &[T],
        send_counts: &[usize],
        recv: &mut [T],
        recv_counts: &[usize],
    ) -> Result<()> {
        check_counts("alltoallv send", send_counts, send.len(), self.size)?;
        check_counts("alltoallv receive", recv_counts, recv.len(), self.size)?;
        let (sc, sd) = counts(send_counts)?;
        let (rc, rd) = counts(recv_counts)?;
        let partition = Partition::new(send, &sc[..], &sd[..]);
        let mut partition_mut = PartitionMut::new(recv, &rc[..], &rd[..]);
        self.world.all_to_all_varcount_into(&partition, &mut partition_mut);
        Ok(())
    }

    fn allreduce_sum<T: CommData>(&self, data: &mut [T]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if data.len().saturating_mul(self.size) <= ORDERED_SUM_LIMIT {
            // Gather every contribution and add them in rank order: the same bits everywhere.
            let mut all = vec![T::default(); data.len() * self.size];
            self.world.all_gather_into(&data[..], &mut all[..]);
            let mut chunks = all.chunks_exact(data.len());
            if let Some(first) = chunks.next() {
                data.copy_from_slice(first);
            }
            for chunk in chunks {
                data.iter_mut().zip(chunk).for_each(|(d, &c)| *d = d.sum(c));
            }
        } else {
            let contribution = data.to_vec();
            self.world
                .all_reduce_into(&contribution[..], data, SystemOperation::sum());
        }
        Ok(())
    }

    fn broadcast<T: CommData>(&self, data: &mut [T], root: usize) -> Result<()> {
        if root >= self.size {
            return Err(Error::InvalidArgument(format!(
                "broadcast root {root} is not a rank of {}",
                self.size
            )));
        }
        self.world.process_at_rank(root as mpi::Rank).broadcast_into(data);
        Ok(())
    }

    fn barrier(&self) -> Result<()> {
        self.world.barrier();
        Ok(())
    }
}

//! The allocator the `jixiao` binary and the benchmarks run on, and its options.
//!
//! jemalloc, with one arena per core, and freed pages handed back to the system a second
//! after their last use. A batch frees and refills its row-group buffers several times a
//! second, on whichever worker appends, and frees them again on whichever compresses
//! them; what decides peak memory is whether what one thread frees is soon reused or
//! returned.
//! With mimalloc (its purge delay at 10 ms), resident memory drifted up over a run
//! while the live heap did not (counted at one job: a peak of 17.2 MB over 2,000 text
//! exports, 17.3 MB over 17,939), and in the throughput benchmark peak RSS grew by 7–13%
//! from 2,000 to 20,000 generated documents (text at one thread 34 → 38 MB, at two
//! 45 → 51 MB). With jemalloc and these options it grew by 4–8% over five runs, from a
//! lower start (text at one thread 30–32 → 32–34 MB, at two 37–38 → 39–41 MB);
//! twenty later runs (J–AC in docs/BENCHMARKS.md), printing tenths of a MB, found −0.6% to
//! +11.5%. jemalloc takes more instructions (callgrind, one thread, before the
//! thread-cache options below: +7.9% over 500 text exports, +2.6% over 500 DOCX) and more
//! system calls to return memory (see docs/BENCHMARKS.md).

use std::os::raw::c_char;

/// The global allocator's type. The binary and each benchmark declare it, and export
/// [`OPTIONS`] as `_rjem_malloc_conf`: the name jemalloc, as the `tikv-jemallocator`
/// crate builds it, reads its options from before `main` (the attribute needs the name
/// spelt out; a CLI test checks that the binary runs with these options).
pub type Allocator = tikv_jemallocator::Jemalloc;

/// jemalloc's options:
/// - `percpu_arena:percpu`: one arena per core, shared by the threads running on it (by
///   default there are four per core, so each of a run's threads had one of its own:
///   peak RSS at two jobs over 17,939 text exports 41.5 MB against 38);
/// - `dirty_decay_ms:1000`: freed pages go back to the system a second after their last use,
///   not 10 s (and for good: jemalloc's default skips the stage where they would first be
///   lent back, counted as resident until the kernel needs them). Each return is a system
///   call that, in a process with threads on two cores, interrupts the other core to flush
///   its TLB, so the shorter the decay, the more two jobs pay that one job and two processes
///   do not. Per two-job run over 2,000 generated text exports there were 2,770 calls at
///   10 ms, 2,034 at 30 and 1,213 at 100. Taking turns sixteen times over 12,070 generated
///   text exports (`jixiao synth --docs 20000 --seed 3`), two jobs took 1.201 s at the
///   fastest and 1.283 s by the median at 1 s against 1.293 and 1.379 s at 100 ms (two
///   one-job processes side by side, each on half: 1.180 and 1.271 s), one job 2.291 and
///   2.447 s against 2.302 and 2.518 s, for peaks at two jobs 2.4 MB higher (40.0 against
///   37.6 MB). In another session of turns, the peak at two jobs was 38.1 MB against 35.4
///   over 2,000 of those exports and 41.1 against 38.3 over all of them: it grows with the
///   corpus by as much as before (8%). Over the DOCX of the same corpus, no difference in
///   time; peaks 1.1–3.3 MB higher. Twelve turns with 300 ms and 3 s as well put 300 ms
///   between 100 ms and 1 s, and 3 s level with 1 s (two jobs 1.312 and 1.274 s by the
///   median, against 1.357 at 100 ms and 1.296 at 1 s). Earlier comparisons, with fewer
///   turns: 10 ms against 30 (fastest of eight runs at 2,000 documents, of three at 20,000):
///   text at two jobs 1.72× and 1.75× faster than at one against 1.86× and 1.82×; 100 ms
///   against 30: two jobs faster at 100 ms in three comparisons, one job unchanged;
/// - `lg_tcache_nslots_mul:2,tcache_nslots_small_max:800`: each thread caches more small
///   blocks per size (twice jemalloc's count, up to 800 instead of 200) before handing
///   them back to the arena: 2.0% fewer instructions over 500 text exports, the same
///   peak RSS.
///
/// `_RJEM_MALLOC_CONF` in the environment is read after these and wins, so other
/// settings can be measured without a rebuild.
pub const OPTIONS: Options = Options(OPTIONS_TEXT.as_ptr().cast());

const OPTIONS_TEXT: &str = concat!(
    "percpu_arena:percpu,",
    "dirty_decay_ms:1000,",
    "lg_tcache_nslots_mul:2,",
    "tcache_nslots_small_max:800",
    "\0",
);

/// A C string jemalloc reads as its options (a `const char *`).
#[repr(transparent)]
pub struct Options(pub *const c_char);

// SAFETY: the pointer is to a string literal, never written.
unsafe impl Sync for Options {}

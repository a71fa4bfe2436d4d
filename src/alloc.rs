//! The allocator the `jixiao` binary and the benchmarks run on, and its one tuning.

/// mimalloc: documents are thousands of small strings, allocated and freed by several
/// threads, and it handles that far better than the system allocator.
pub type Allocator = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, which its header (v2 and v3 alike) declares just
/// before `mi_option_use_numa_nodes`; the bindings name only the latter.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Milliseconds before memory freed by a flush goes back to the system. mimalloc keeps it
/// for a second by default, and a batch frees and refills its row-group buffers several
/// times a second. Measured over 2,000 text exports and over the same 2,000 six times
/// (12,000), peak RSS fell from 68/82 MB to 55/61 MB at one worker and from 81/111 MB to
/// 68/76 MB at two; one-worker DOCX time was unchanged.
const PURGE_DELAY_MS: std::os::raw::c_long = 10;

/// Applies the tuning; call it first thing in `main`. A `MIMALLOC_PURGE_DELAY` set in the
/// environment wins, so the setting can be measured against others without a rebuild.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: sets one of mimalloc's runtime options; any value is valid for it.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: reads one of mimalloc's options.
        let get = || unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // mimalloc 3's default purge delay, a second, is no neighbouring option's.
        assert_eq!(get(), 1000);
        super::tune();
        assert_eq!(get(), super::PURGE_DELAY_MS);
    }
}

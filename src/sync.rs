//! Locking that outlives a panic. The threads of a batch share state (the order of
//! results, the queue of row groups) that is updated in steps each leaving it whole, and
//! a panic is reported where it happened: caught per document or job, or raised again
//! when the threads' scope ends. So a thread that finds a lock poisoned goes on rather
//! than panicking in turn and hiding the first panic.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Locks a mutex, even one a panicking thread held.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits on a condition variable, as [`lock`] locks.
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(|e| e.into_inner())
}

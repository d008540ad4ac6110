//! A bound on the memory Markdown rendering takes at once, across threads.
//!
//! Rendering a body costs up to [`COST_PER_BYTE`] times its size while it runs (parser
//! events, the HTML, and the sanitiser's DOM of one node per element: a dense table of 1 MiB
//! is some 200 MB at its peak). Bodies are rendered on every core; without a bound, a site of
//! a few large bodies on a machine of many cores would add up to gigabytes. Each render takes
//! a share of [`BUDGET`] sized by its body and waits while the shares of others leave too
//! little. Ordinary write-ups (under 100 KB) take a few megabytes and never wait; only
//! several near-limit bodies at once take turns.
//!
//! A render holds its share only while it runs and starts no parallel work, so a thread
//! waiting here never holds what another needs.

use std::sync::{Condvar, Mutex};

/// Memory all renders in progress may take together, in bytes (estimated).
pub const BUDGET: usize = 512 << 20;

/// Estimated peak bytes per byte of Markdown, for the worst shapes measured (RELIABILITY.md).
pub const COST_PER_BYTE: usize = 250;

struct Gate {
    used: Mutex<usize>,
    freed: Condvar,
}

static GATE: Gate = Gate {
    used: Mutex::new(0),
    freed: Condvar::new(),
};

/// A share of the budget, given back when dropped.
pub struct Share(usize);

/// Takes the share of a render of `markdown_len` bytes, waiting until it fits. A share is at
/// most the whole budget, so one body alone always runs.
pub fn take(markdown_len: usize) -> Share {
    let cost = markdown_len.saturating_mul(COST_PER_BYTE).clamp(1, BUDGET);
    let mut used = GATE.used.lock().unwrap_or_else(|e| e.into_inner());
    while *used + cost > BUDGET {
        used = GATE.freed.wait(used).unwrap_or_else(|e| e.into_inner());
    }
    *used += cost;
    Share(cost)
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut used = GATE.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.0;
        GATE.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn large_renders_take_turns_and_small_ones_share() {
        static MAX_AT_ONCE: AtomicUsize = AtomicUsize::new(0);
        static NOW: AtomicUsize = AtomicUsize::new(0);
        // Bodies of 1.5 MiB would cost 375 MB each: one at a time within 512 MB.
        let big = 3 * 512 * 1024;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(move || {
                    let _share = take(big);
                    let n = NOW.fetch_add(1, Ordering::SeqCst) + 1;
                    MAX_AT_ONCE.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    NOW.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(MAX_AT_ONCE.load(Ordering::SeqCst), 1);
        // Small ones do not wait for each other; a body over the budget still runs.
        let shares: Vec<Share> = (0..100).map(|_| take(4096)).collect();
        drop(shares);
        drop(take(usize::MAX));
    }
}

//! The chain clock (spec §5.6, §8.1, §8.7): block height advancing one block every
//! 6 s × `time_scale` of real time, plus any time a test adds with
//! [`crate::SimHandle::advance_clock`] (tests never sleep for the chain).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Seconds per block on the DBC chain.
pub const BLOCK_SECS: u64 = 6;
/// Blocks in a committee verification window (`(v, v + 2400]`, 4 h at 6 s).
pub const VERIFY_WINDOW_BLOCKS: u64 = 2400;

/// Block height as a function of time. Shared by every node of a simulator.
#[derive(Debug)]
pub(crate) struct ChainClock {
    start: Instant,
    start_block: u64,
    /// Real milliseconds per block.
    block_ms: f64,
    /// Blocks added by `advance`.
    advanced: AtomicU64,
}

impl ChainClock {
    /// A clock at `start_block` now, a block every `6 s × time_scale`.
    pub(crate) fn new(start_block: u64, time_scale: f64) -> ChainClock {
        ChainClock {
            start: Instant::now(),
            start_block,
            block_ms: (BLOCK_SECS as f64 * 1000.0 * time_scale).max(0.001),
            advanced: AtomicU64::new(0),
        }
    }

    /// The current block height.
    pub(crate) fn block(&self) -> u64 {
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        let elapsed = (ms / self.block_ms) as u64;
        self.start_block
            .saturating_add(elapsed)
            .saturating_add(self.advanced.load(Ordering::Relaxed))
    }

    /// Moves the chain forward by `blocks`.
    pub(crate) fn advance_blocks(&self, blocks: u64) {
        let _ = self
            .advanced
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_add(blocks))
            });
    }

    /// Moves the chain forward by `d` of chain time (6 s per block, rounded down).
    pub(crate) fn advance(&self, d: Duration) {
        self.advance_blocks(d.as_secs() / BLOCK_SECS);
    }

    /// Real time per block.
    pub(crate) fn block_time(&self) -> Duration {
        Duration::from_secs_f64(self.block_ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_the_height_without_sleeping() {
        let c = ChainClock::new(100, 1.0);
        assert_eq!(c.block(), 100);
        c.advance(Duration::from_secs(60));
        assert_eq!(c.block(), 110);
        c.advance_blocks(5);
        assert_eq!(c.block(), 115);
        assert_eq!(c.block_time(), Duration::from_secs(6));
        let fast = ChainClock::new(0, 0.001);
        assert_eq!(fast.block_time(), Duration::from_millis(6));
    }
}

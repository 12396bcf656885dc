//! Whole-request deadlines without one runtime timer per request.
//!
//! `tokio::time::timeout` clones the runtime handle (one reference count shared by every core)
//! and registers each request in the runtime's timer wheel behind one runtime-wide lock, then
//! takes that lock again when the request finishes: per request, several cache lines move
//! between the cores that send requests. Requests with a long timeout (at least
//! [`MIN_WATCHED`]; the default is 45 s) are registered in a per-transport table instead,
//! sharded by thread so two cores rarely touch the same lock, and one watchdog task — alive
//! only while some request is registered — wakes each request whose deadline has passed. The
//! watchdog never sleeps past the earliest deadline it knows of, nor longer than [`MAX_NAP`],
//! and a watched deadline is at least `MIN_WATCHED` away when registered, so a timeout fires on
//! time (up to scheduling delay). Shorter timeouts use tokio's timer.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Timeouts at least this long are watched by the shared watchdog.
pub(crate) const MIN_WATCHED: Duration = Duration::from_secs(1);
/// The longest the watchdog sleeps between two looks at the table.
pub(crate) const MAX_NAP: Duration = Duration::from_millis(250);
const NONE: usize = usize::MAX;

/// Per-transport table of pending deadlines and the state of its watchdog.
pub(crate) struct Deadlines {
    shards: Box<[Shard]>,
    /// True while a watchdog task is running (or about to be spawned).
    watchdog: AtomicBool,
}

/// One lock per 128 bytes, so shards used by different cores never share a cache line.
#[repr(align(128))]
struct Shard(Mutex<Table>);

/// A small slab: entries keep their index until removed; vacant slots form a free list.
struct Table {
    slots: Vec<Slot>,
    free: usize,
    len: usize,
}

enum Slot {
    Vacant(usize),
    Taken(Entry),
}

struct Entry {
    deadline: Instant,
    waker: Waker,
    /// The watchdog has woken this entry's waker after its deadline passed.
    woken: bool,
}

impl Table {
    const fn new() -> Self {
        Table {
            slots: Vec::new(),
            free: NONE,
            len: 0,
        }
    }

    fn insert(&mut self, entry: Entry) -> usize {
        self.len += 1;
        if let Some(Slot::Vacant(next)) = self.slots.get(self.free) {
            let key = self.free;
            self.free = *next;
            self.slots[key] = Slot::Taken(entry);
            key
        } else {
            self.slots.push(Slot::Taken(entry));
            self.slots.len() - 1
        }
    }

    fn remove(&mut self, key: usize) {
        if let Some(slot @ Slot::Taken(_)) = self.slots.get_mut(key) {
            *slot = Slot::Vacant(self.free);
            self.free = key;
            self.len -= 1;
        }
    }

    fn entry_mut(&mut self, key: usize) -> Option<&mut Entry> {
        match self.slots.get_mut(key) {
            Some(Slot::Taken(e)) => Some(e),
            _ => None,
        }
    }
}

impl Shard {
    fn lock(&self) -> MutexGuard<'_, Table> {
        // Nothing panics while the lock is held; a poisoned table is still consistent.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

thread_local! {
    static THREAD_INDEX: Cell<usize> = const { Cell::new(NONE) };
}
static NEXT_THREAD_INDEX: AtomicUsize = AtomicUsize::new(0);

/// A small number fixed per thread, to pick the shard a thread registers in.
fn thread_index() -> usize {
    THREAD_INDEX
        .try_with(|c| {
            let mut i = c.get();
            if i == NONE {
                i = NEXT_THREAD_INDEX.fetch_add(1, Ordering::Relaxed);
                c.set(i);
            }
            i
        })
        .unwrap_or(0)
}

impl Deadlines {
    pub(crate) fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(4, |n| n.get());
        let shards = (cores * 4).clamp(4, 256);
        Deadlines {
            shards: (0..shards)
                .map(|_| Shard(Mutex::new(Table::new())))
                .collect(),
            watchdog: AtomicBool::new(false),
        }
    }

    /// Number of registered (unfinished) deadlines.
    #[cfg(test)]
    pub(crate) fn registered(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len).sum()
    }

    /// True while a watchdog task is alive.
    #[cfg(test)]
    pub(crate) fn watchdog_running(&self) -> bool {
        self.watchdog.load(Ordering::SeqCst)
    }

    fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.lock().len == 0)
    }

    /// Makes sure a watchdog runs; called after an entry was inserted.
    fn ensure_watchdog(self: &Arc<Self>) {
        if self.watchdog.load(Ordering::SeqCst)
            || self
                .watchdog
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(watchdog(Arc::clone(self)));
            }
            // Not inside a Tokio runtime: nothing could be sent either. Leave the flag clear
            // so the next registration from inside a runtime starts the watchdog.
            Err(_) => self.watchdog.store(false, Ordering::SeqCst),
        }
    }

    /// Wakes every entry whose deadline has passed; returns whether any entry is registered
    /// and the earliest deadline not yet passed.
    fn sweep(&self, now: Instant) -> (bool, Option<Instant>) {
        let mut any = false;
        let mut earliest: Option<Instant> = None;
        let mut due: Vec<Waker> = Vec::new();
        for shard in self.shards.iter() {
            let mut table = shard.lock();
            if table.len == 0 {
                continue;
            }
            any = true;
            for slot in table.slots.iter_mut() {
                let Slot::Taken(e) = slot else { continue };
                if e.deadline <= now {
                    if !e.woken {
                        e.woken = true;
                        due.push(e.waker.clone());
                    }
                } else if earliest.is_none_or(|t| e.deadline < t) {
                    earliest = Some(e.deadline);
                }
            }
        }
        // wake outside the locks: a woken request removes its entry
        for w in due {
            w.wake();
        }
        (any, earliest)
    }
}

/// Clears the watchdog flag if the watchdog task is dropped while running (for example when
/// its runtime shuts down), so a later request starts a new one.
struct Running<'a> {
    flag: &'a AtomicBool,
    armed: bool,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.flag.store(false, Ordering::SeqCst);
        }
    }
}

async fn watchdog(d: Arc<Deadlines>) {
    let mut running = Running {
        flag: &d.watchdog,
        armed: true,
    };
    loop {
        let now = Instant::now();
        let (any, earliest) = d.sweep(now);
        if !any {
            // Stop, unless an entry was registered while the flag was still set (its
            // registrant saw `true` and spawned nobody).
            d.watchdog.store(false, Ordering::SeqCst);
            if d.is_empty()
                || d.watchdog
                    .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                    .is_err()
            {
                running.armed = false;
                return;
            }
            continue;
        }
        let nap = earliest.map_or(MAX_NAP, |t| t.saturating_duration_since(now).min(MAX_NAP));
        tokio::time::sleep(nap).await;
    }
}

/// A request's registration: removed from the table when dropped.
struct Watch<'a> {
    deadlines: &'a Arc<Deadlines>,
    deadline: Instant,
    /// shard, key, and the waker stored in the entry
    slot: Option<(usize, usize, Waker)>,
}

impl Watch<'_> {
    /// Registers or refreshes the waker; true once the deadline has passed.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let d = self.deadlines;
        match &mut self.slot {
            None => {
                // registered at least MIN_WATCHED before the deadline: no need to look at
                // the clock yet
                let shard = thread_index() % d.shards.len();
                let key = d.shards[shard].lock().insert(Entry {
                    deadline: self.deadline,
                    waker: cx.waker().clone(),
                    woken: false,
                });
                self.slot = Some((shard, key, cx.waker().clone()));
                d.ensure_watchdog();
                false
            }
            Some((shard, key, waker)) => {
                if Instant::now() >= self.deadline {
                    return true;
                }
                if !waker.will_wake(cx.waker()) {
                    waker.clone_from(cx.waker());
                    let mut table = d.shards[*shard].lock();
                    if let Some(e) = table.entry_mut(*key) {
                        e.waker.clone_from(cx.waker());
                        if e.woken {
                            // the old waker was woken in between: pass the wake on
                            e.woken = false;
                            cx.waker().wake_by_ref();
                        }
                    }
                }
                false
            }
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if let Some((shard, key, _)) = self.slot.take() {
            self.deadlines.shards[shard].lock().remove(key);
        }
    }
}

pin_project_lite::pin_project! {
    /// Runs a future until it completes (`Some`) or its timeout has elapsed (`None`); see
    /// [`within`].
    pub(crate) struct Within<'a, F> {
        #[pin]
        fut: F,
        bound: Bound<'a>,
    }
}

enum Bound<'a> {
    /// A watched deadline (registered on first pending poll).
    Watched(Watch<'a>),
    /// A short timeout: tokio's timer (boxed: rare, and keeps this future small).
    Timer(Pin<Box<tokio::time::Sleep>>),
    /// Further away than the clock can represent: no deadline at all.
    Unbounded,
}

/// Bounds `fut` by `after`. Must be created and polled inside a Tokio runtime.
pub(crate) fn within<F: Future>(
    deadlines: &Arc<Deadlines>,
    after: Duration,
    fut: F,
) -> Within<'_, F> {
    let bound = match Instant::now().checked_add(after) {
        None => Bound::Unbounded,
        Some(deadline) if after >= MIN_WATCHED => Bound::Watched(Watch {
            deadlines,
            deadline,
            slot: None,
        }),
        Some(deadline) => Bound::Timer(Box::pin(tokio::time::sleep_until(deadline.into()))),
    };
    Within { fut, bound }
}

impl<F: Future> Future for Within<'_, F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(v) = this.fut.poll(cx) {
            return Poll::Ready(Some(v));
        }
        let expired = match this.bound {
            Bound::Watched(w) => w.poll_expired(cx),
            Bound::Timer(sleep) => sleep.as_mut().poll(cx).is_ready(),
            Bound::Unbounded => false,
        };
        if expired {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending_forever() -> impl Future<Output = ()> {
        std::future::pending::<()>()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_watched_deadline_fires_on_time_and_unregisters() {
        let d = Arc::new(Deadlines::new());
        let start = Instant::now();
        let r = within(&d, Duration::from_millis(1200), pending_forever()).await;
        let took = start.elapsed();
        assert!(r.is_none());
        assert!(took >= Duration::from_millis(1200), "{took:?}");
        assert!(took < Duration::from_millis(1200) + MAX_NAP, "{took:?}");
        assert_eq!(d.registered(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_deadlines_fire_in_order_and_the_watchdog_then_stops() {
        let d = Arc::new(Deadlines::new());
        let start = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..200u64 {
            let d = d.clone();
            let after = Duration::from_millis(1000 + (i % 10) * 50);
            tasks.push(tokio::spawn(async move {
                let r = within(&d, after, pending_forever()).await;
                (after, r.is_none(), Instant::now())
            }));
        }
        for t in tasks {
            let (after, timed_out, at) = t.await.unwrap();
            assert!(timed_out);
            let took = at - start;
            assert!(took >= after, "{took:?} < {after:?}");
            assert!(
                took < after + Duration::from_millis(500),
                "{took:?} vs {after:?}"
            );
        }
        assert_eq!(d.registered(), 0);
        // the watchdog notices the empty table within one nap and stops
        tokio::time::sleep(MAX_NAP * 2).await;
        assert!(!d.watchdog_running());
        // ... and a new registration starts it again
        let start = Instant::now();
        let r = within(&d, MIN_WATCHED, pending_forever()).await;
        assert!(r.is_none());
        assert!(start.elapsed() < MIN_WATCHED + MAX_NAP);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn finished_and_dropped_requests_leave_no_entry() {
        let d = Arc::new(Deadlines::new());
        let r = within(&d, Duration::from_secs(30), async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            7
        })
        .await;
        assert_eq!(r, Some(7));
        assert_eq!(d.registered(), 0);

        let d2 = d.clone();
        let h =
            tokio::spawn(
                async move { within(&d2, Duration::from_secs(30), pending_forever()).await },
            );
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(d.registered(), 1);
        h.abort();
        let _ = h.await;
        assert_eq!(d.registered(), 0);
    }

    #[test]
    fn a_new_runtime_gets_a_new_watchdog() {
        let d = Arc::new(Deadlines::new());
        // a runtime that shuts down while a request is pending kills its watchdog
        {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let d2 = d.clone();
            rt.spawn(async move { within(&d2, Duration::from_secs(60), pending_forever()).await });
            rt.block_on(async { tokio::time::sleep(Duration::from_millis(50)).await });
            assert!(d.watchdog_running());
        }
        assert!(
            !d.watchdog_running(),
            "the dropped watchdog cleared its flag"
        );
        assert_eq!(d.registered(), 0);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let start = Instant::now();
        let r = rt.block_on(async { within(&d, MIN_WATCHED, pending_forever()).await });
        assert!(r.is_none());
        assert!(start.elapsed() < MIN_WATCHED + MAX_NAP);
    }

    #[tokio::test]
    async fn short_and_unrepresentable_timeouts() {
        let d = Arc::new(Deadlines::new());
        let start = Instant::now();
        assert!(within(&d, Duration::from_millis(30), pending_forever())
            .await
            .is_none());
        assert!(start.elapsed() < Duration::from_millis(500));
        assert_eq!(d.registered(), 0, "short timeouts use tokio's timer");
        assert_eq!(within(&d, Duration::MAX, async { 1 }).await, Some(1));
    }

    #[test]
    fn the_table_reuses_slots() {
        let waker = Waker::noop().clone();
        let mut t = Table::new();
        let e = |w: &Waker| Entry {
            deadline: Instant::now(),
            waker: w.clone(),
            woken: false,
        };
        let a = t.insert(e(&waker));
        let b = t.insert(e(&waker));
        t.remove(a);
        t.remove(a); // twice is harmless
        assert_eq!(t.len, 1);
        let c = t.insert(e(&waker));
        assert_eq!(c, a);
        t.remove(b);
        t.remove(c);
        assert_eq!(t.len, 0);
        assert_eq!(t.slots.len(), 2);
    }
}

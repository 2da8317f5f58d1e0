//! One tool call under the server's limits: it runs on a blocking thread
//! (on a fork of its session, which the caller prepares), the async side
//! watches the thread's CPU time and answers when the call returns or goes
//! over [`Limits::call_time`], whichever comes first.
//!
//! A thread cannot be stopped from outside, so a call that is cut off
//! computes on until it returns. Three things keep that harmless:
//!
//! - its result is discarded: the session was never handed to it (it got
//!   a fork), so the session is exactly as it was before the call;
//! - its session refuses new calls until the thread has returned (each
//!   session has at most one thread), saying why;
//! - the thread holds one of the server's [`Limits::max_calls`] permits
//!   until it returns, so the threads computing calls (cut off or not) on
//!   the server never number more than that; a call that finds no permit
//!   within `call_time` is refused with a tool error.
//!
//! Other sessions go on being served throughout: nothing here is shared
//! between sessions but the permits.
//!
//! Each session's [`Slot`] moves through four states: idle → running (a
//! call admitted) → finished (its thread returned; the caller stores the
//! result, then the slot is idle again) or cut off (its thread is still
//! computing; the thread makes the slot idle when it returns). Every
//! transition out of *running* is a compare-and-swap, so a call that
//! returns just as it is cut off is either stored or discarded, never both.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::cpu::ThreadClock;
use crate::limits::Limits;

const IDLE: u8 = 0;
const RUNNING: u8 = 1;
const FINISHED: u8 = 2;
const CUT_OFF: u8 = 3;

/// How often, at least, a call past its first `call_time` of wall-clock
/// time has its CPU time read again.
const POLL: Duration = Duration::from_millis(1);

/// The calls computing on one server, all sessions together.
pub(crate) struct Calls {
    permits: Arc<Semaphore>,
    max: usize,
    /// Calls cut off whose threads have not yet returned.
    cut_off: Arc<AtomicUsize>,
}

/// One session's call state (see the module documentation).
#[derive(Clone, Default)]
pub(crate) struct Slot(Arc<AtomicU8>);

/// A call that returned within its limits: store its value, then drop
/// the [`Release`]; the session's next call may start only then.
pub(crate) type Done<T> = (T, Release);

/// Why a call gave no result. Nothing of it is kept.
#[derive(Debug)]
pub(crate) enum NotDone {
    /// The call's thread panicked.
    Failed(String),
    /// The call was not started.
    Refused(Refusal),
    /// The call went over its limit and was cut off.
    CutOff(Over),
}

/// Which limit a call went over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Over {
    /// Its CPU time reached this.
    Cpu(Duration),
    /// Its wall-clock time reached this.
    Wall(Duration),
}

/// Why a call was not started.
#[derive(Debug, Clone)]
pub(crate) enum Refusal {
    /// Another call of the session has not returned yet.
    SessionBusy,
    /// The session's previous call was cut off and is still computing.
    SessionCutOff,
    /// Every permit is taken.
    ServerFull {
        /// The server's limit.
        max: usize,
        /// How many of the calls holding permits were cut off.
        cut_off: usize,
    },
}

/// Makes the session's slot idle when dropped: after the caller stored the
/// result of a call that returned in time.
pub(crate) struct Release(Slot);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.0.store(IDLE, SeqCst);
    }
}

impl Calls {
    pub(crate) fn new(max: usize) -> Calls {
        Calls {
            permits: Arc::new(Semaphore::new(max)),
            max,
            cut_off: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Calls that were cut off and whose threads are still computing.
    pub(crate) fn cut_off(&self) -> usize {
        self.cut_off.load(SeqCst)
    }

    /// Runs the work `make` returns on a blocking thread under `limits`.
    /// `make` is called only once the call is admitted (the session idle,
    /// a permit held), so it is where the caller forks the session.
    pub(crate) async fn run<T, W>(
        &self,
        slot: &Slot,
        limits: &Limits,
        make: impl FnOnce() -> W,
    ) -> Result<Done<T>, NotDone>
    where
        W: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        if let Err(state) = slot.0.compare_exchange(IDLE, RUNNING, SeqCst, SeqCst) {
            return Err(NotDone::Refused(if state == CUT_OFF {
                Refusal::SessionCutOff
            } else {
                Refusal::SessionBusy
            }));
        }
        let mut pending = Pending {
            slot: slot.clone(),
            cut_off: self.cut_off.clone(),
            spawned: false,
            settled: false,
        };
        let permit = match tokio::time::timeout(
            limits.call_time,
            self.permits.clone().acquire_owned(),
        )
        .await
        {
            Ok(Ok(permit)) => permit,
            // Timed out (or the semaphore closed, which it never is).
            _ => {
                return Err(NotDone::Refused(Refusal::ServerFull {
                    max: self.max,
                    cut_off: self.cut_off(),
                }));
            }
        };
        let work = make();
        let clock = Arc::new(OnceLock::new());
        let end = WorkerEnd {
            slot: slot.clone(),
            cut_off: self.cut_off.clone(),
            _permit: permit,
        };
        let worker_clock = clock.clone();
        let mut task = tokio::task::spawn_blocking(move || {
            let end = end;
            if end.slot.0.load(SeqCst) == CUT_OFF {
                // Cut off before a thread took it up: do not start.
                return None;
            }
            let _ = worker_clock.set(ThreadClock::start());
            Some(work())
        });
        pending.spawned = true;
        let started = tokio::time::Instant::now();
        let wall = limits.wall_time();
        // CPU time cannot outrun wall-clock time on one thread, so nothing
        // is read before `call_time` has passed: a call that returns by
        // then costs one timer.
        let mut check_at = limits.call_time.min(wall);
        loop {
            tokio::select! {
                biased;
                joined = &mut task => return pending.settle(joined),
                () = tokio::time::sleep_until(started + check_at) => {}
            }
            let elapsed = started.elapsed();
            let used = match clock.get() {
                // Not on a thread yet: no CPU used.
                None => Duration::ZERO,
                // No per-thread statistics: wall-clock time stands in.
                Some(c) => c.used().unwrap_or(elapsed),
            };
            let over = if used >= limits.call_time {
                Some(Over::Cpu(limits.call_time))
            } else if elapsed >= wall {
                Some(Over::Wall(wall))
            } else {
                None
            };
            if let Some(over) = over {
                // Counted before the swap, so the thread's decrement on
                // return can never come first.
                self.cut_off.fetch_add(1, SeqCst);
                if slot
                    .0
                    .compare_exchange(RUNNING, CUT_OFF, SeqCst, SeqCst)
                    .is_ok()
                {
                    pending.settled = true;
                    return Err(NotDone::CutOff(over));
                }
                // It returned as it was being cut off: take its result.
                self.cut_off.fetch_sub(1, SeqCst);
                let joined = (&mut task).await;
                return pending.settle(joined);
            }
            check_at = (elapsed + (limits.call_time - used).max(POLL)).min(wall);
        }
    }
}

/// The async side's hold on an admitted call. Dropped unsettled (the
/// request was cancelled and its future dropped), it treats the call as
/// cut off, so the session never stays busy.
struct Pending {
    slot: Slot,
    cut_off: Arc<AtomicUsize>,
    spawned: bool,
    settled: bool,
}

impl Pending {
    fn settle<T>(
        &mut self,
        joined: Result<Option<T>, tokio::task::JoinError>,
    ) -> Result<Done<T>, NotDone> {
        self.settled = true;
        match joined {
            Ok(Some(value)) => Ok((value, Release(self.slot.clone()))),
            Ok(None) => {
                self.slot.0.store(IDLE, SeqCst);
                Err(NotDone::Failed("the call was not started".into()))
            }
            Err(e) => {
                self.slot.0.store(IDLE, SeqCst);
                Err(NotDone::Failed(e.to_string()))
            }
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if !self.spawned {
            self.slot.0.store(IDLE, SeqCst);
            return;
        }
        self.cut_off.fetch_add(1, SeqCst);
        if self
            .slot
            .0
            .compare_exchange(RUNNING, CUT_OFF, SeqCst, SeqCst)
            .is_err()
        {
            // It had returned; nobody is left to take the result.
            self.cut_off.fetch_sub(1, SeqCst);
            self.slot.0.store(IDLE, SeqCst);
        }
    }
}

/// Held by the thread running a call, dropped when it returns (or
/// unwinds): marks the call finished, or, when it was cut off, makes the
/// session idle and uncounts it; then gives the permit back.
struct WorkerEnd {
    slot: Slot,
    cut_off: Arc<AtomicUsize>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for WorkerEnd {
    fn drop(&mut self) {
        if self
            .slot
            .0
            .compare_exchange(RUNNING, FINISHED, SeqCst, SeqCst)
            .is_err()
        {
            self.slot.0.store(IDLE, SeqCst);
            self.cut_off.fetch_sub(1, SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(call_time: Duration) -> Limits {
        Limits {
            call_time,
            max_calls: 2,
            ..Limits::default()
        }
    }

    /// A thread that sleeps uses no CPU: it is not cut off by the CPU limit
    /// (only the wall-clock backstop would). One that spins is, and holds
    /// its session and permit until it returns.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_is_not_cpu_time_and_cut_off_threads_keep_their_permit() {
        let calls = Calls::new(2);
        let slot = Slot::default();
        if ThreadClock::start().used().is_some() {
            let out = calls
                .run(&slot, &limits(Duration::from_millis(20)), || {
                    || {
                        std::thread::sleep(Duration::from_millis(300));
                        7
                    }
                })
                .await;
            let Ok((7, release)) = out else {
                panic!("a call asleep for 300 ms used next to no cpu time and returns");
            };
            drop(release);
        }
        // A spinning call is cut off; its session and permit stay taken
        // until it returns; then both are free again.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin = stop.clone();
        let out = calls
            .run(&slot, &limits(Duration::from_millis(20)), move || {
                move || {
                    while !spin.load(SeqCst) {
                        std::hint::spin_loop();
                    }
                }
            })
            .await;
        assert!(matches!(out, Err(NotDone::CutOff(Over::Cpu(_)))));
        assert_eq!(calls.cut_off(), 1);
        assert_eq!(calls.permits.available_permits(), 1);
        let again = calls
            .run(&slot, &limits(Duration::from_millis(20)), || || ())
            .await;
        assert!(matches!(
            again,
            Err(NotDone::Refused(Refusal::SessionCutOff))
        ));
        stop.store(true, SeqCst);
        for _ in 0..500 {
            if calls.cut_off() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(calls.cut_off(), 0);
        assert_eq!(calls.permits.available_permits(), 2);
        let again = calls
            .run(&slot, &limits(Duration::from_millis(20)), || || 1)
            .await;
        assert!(matches!(again, Ok((1, _))));
    }
}

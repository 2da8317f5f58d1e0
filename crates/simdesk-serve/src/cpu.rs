//! The CPU time a thread has used, read from another thread: how the
//! per-call limit measures a call while it runs.
//!
//! A thread's own CPU clock (`CLOCK_THREAD_CPUTIME_ID`) can only be read by
//! the thread itself, and a thread running a tool call is busy until the
//! call returns. So the thread notes its clock when the call starts
//! ([`ThreadClock::start`]), and the watcher reads the same counter from
//! outside through Linux's `/proc/self/task/<tid>/schedstat`, whose first
//! field is the thread's time on a CPU in nanoseconds (both are the
//! scheduler's `sum_exec_runtime`; the procfs value lags by at most the
//! slice the thread is running now, one scheduler tick). Where that file is
//! missing or reads zero (other systems, kernels without scheduler
//! statistics), [`ThreadClock::used`] says so and the caller falls back to
//! wall-clock time, which is never less than the CPU time of one thread.

use std::time::Duration;

/// Where a thread's CPU time can be read from another thread, and what it
/// was when the work being measured started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ThreadClock {
    #[cfg(target_os = "linux")]
    tid: i32,
    #[cfg(target_os = "linux")]
    start: Duration,
}

impl ThreadClock {
    /// The calling thread's clock, read now. Cheap: one `gettid` and one
    /// `clock_gettime`, no file is opened.
    pub(crate) fn start() -> ThreadClock {
        #[cfg(target_os = "linux")]
        {
            let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
            ThreadClock {
                tid: rustix::thread::gettid().as_raw_nonzero().get(),
                start: timespec(now),
            }
        }
        #[cfg(not(target_os = "linux"))]
        ThreadClock {}
    }

    /// CPU time the thread has used since [`ThreadClock::start`], or `None`
    /// where it cannot be read from outside the thread.
    ///
    /// Only meaningful while the thread is still doing the measured work:
    /// afterwards it may have moved on to other work (or ended, and its id
    /// been reused), so callers read it only while the work is known to be
    /// running and discard a reading taken as the work ended.
    pub(crate) fn used(&self) -> Option<Duration> {
        #[cfg(target_os = "linux")]
        {
            let text =
                std::fs::read_to_string(format!("/proc/self/task/{}/schedstat", self.tid)).ok()?;
            let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
            // Zero means the kernel keeps no scheduler statistics.
            (ns > 0).then(|| Duration::from_nanos(ns).saturating_sub(self.start))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

#[cfg(target_os = "linux")]
fn timespec(t: rustix::time::Timespec) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(t.tv_nsec).unwrap_or(0);
    Duration::new(secs, nanos)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Spins until the thread's own clock has advanced by `d`.
    fn spin(d: Duration) {
        let from = timespec(rustix::time::clock_gettime(
            rustix::time::ClockId::ThreadCPUTime,
        ));
        let mut x = 0u64;
        while timespec(rustix::time::clock_gettime(
            rustix::time::ClockId::ThreadCPUTime,
        ))
        .saturating_sub(from)
            < d
        {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    }

    /// The watcher sees the CPU a busy thread burns, and not the time a
    /// sleeping thread spends waiting: it measures CPU, not wall-clock time.
    #[test]
    fn another_thread_reads_cpu_time_not_wall_time() {
        let (tx, rx) = mpsc::channel();
        let (go_on, wait) = mpsc::channel::<()>();
        let worker = std::thread::spawn(move || {
            let clock = ThreadClock::start();
            tx.send(clock).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            wait.recv().unwrap();
            spin(Duration::from_millis(200));
            wait.recv().unwrap();
        });
        let clock = rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let Some(asleep) = clock.used() else {
            eprintln!("no per-thread scheduler statistics here; the wall clock stands in");
            go_on.send(()).unwrap();
            go_on.send(()).unwrap();
            worker.join().unwrap();
            return;
        };
        assert!(asleep < Duration::from_millis(50), "asleep: {asleep:?}");
        go_on.send(()).unwrap();
        // Wait until the spin is over (the worker blocks on the channel then).
        let mut busy = Duration::ZERO;
        for _ in 0..400 {
            std::thread::sleep(Duration::from_millis(25));
            busy = clock.used().unwrap();
            if busy >= Duration::from_millis(190) {
                break;
            }
        }
        assert!(busy >= Duration::from_millis(190), "busy: {busy:?}");
        assert!(busy < Duration::from_millis(400), "busy: {busy:?}");
        go_on.send(()).unwrap();
        worker.join().unwrap();
    }
}

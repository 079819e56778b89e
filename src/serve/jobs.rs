//! Background jobs of the server: bounded, cancellable, polled.
//!
//! A job runs on its own thread and does its simulation work inside the
//! server's rayon pool; it publishes a result after every step (a larger
//! batch of replications), so the page shows a first answer soon and a
//! refined one later. Bounds, so a browser cannot exhaust the machine:
//!
//! * at most [`MAX_RUNNING`] jobs run at once: starting another cancels
//!   the oldest running one;
//! * a job started with `supersedes` cancels that job (the page's
//!   previous question, now out of date);
//! * at most [`MAX_KEPT`] jobs are remembered for polling; older ones are
//!   forgotten;
//! * a cancelled job stops at its next replication.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value as Json;

/// Most jobs running at once.
pub const MAX_RUNNING: usize = 2;
/// Most jobs remembered (running or finished).
pub const MAX_KEPT: usize = 16;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Done,
    /// Superseded by a newer question, or pushed out by the job limit.
    Cancelled,
}

/// What a poll returns.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub id: u64,
    pub kind: &'static str,
    pub state: State,
    /// Units of work finished (replications, or runs of a tornado) and
    /// planned.
    pub done: usize,
    pub target: usize,
    /// Milliseconds from the start to the first result, and to the latest.
    pub first_result_ms: Option<u64>,
    pub latest_result_ms: Option<u64>,
    /// The latest result.
    pub result: Option<Json>,
}

/// One job.
pub struct Job {
    pub id: u64,
    cancel: AtomicBool,
    started: Instant,
    progress: Mutex<Progress>,
}

impl Job {
    /// Whether the job should stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Publishes a result after `done` of `target` units.
    pub fn publish(&self, done: usize, target: usize, result: Json) {
        let ms = self.started.elapsed().as_millis() as u64;
        let mut p = self.progress.lock().expect("job lock");
        p.done = done;
        p.target = target;
        p.first_result_ms.get_or_insert(ms);
        p.latest_result_ms = Some(ms);
        p.result = Some(result);
    }

    /// The job's progress as a poll sees it.
    pub fn progress(&self) -> Progress {
        let mut p = self.progress.lock().expect("job lock").clone();
        if p.state == State::Running && self.cancelled() {
            p.state = State::Cancelled;
        }
        p
    }

    fn finish(&self) {
        let mut p = self.progress.lock().expect("job lock");
        p.state = if self.cancelled() {
            State::Cancelled
        } else {
            State::Done
        };
    }

    fn running(&self) -> bool {
        !self.cancelled() && self.progress.lock().expect("job lock").state == State::Running
    }
}

/// The server's jobs.
#[derive(Default)]
pub struct Jobs {
    table: Mutex<(u64, VecDeque<Arc<Job>>)>,
}

impl Jobs {
    /// Starts `work` as a new job of `kind` with `target` units, first
    /// cancelling `supersedes` and, when [`MAX_RUNNING`] jobs run, the
    /// oldest of them. Returns the new job's id.
    pub fn start(
        &self,
        kind: &'static str,
        supersedes: Option<u64>,
        target: usize,
        work: impl FnOnce(&Job) + Send + 'static,
    ) -> u64 {
        let job = {
            let mut table = self.table.lock().expect("jobs lock");
            let (next, jobs) = &mut *table;
            if let Some(old) = supersedes.and_then(|id| jobs.iter().find(|j| j.id == id)) {
                old.cancel();
            }
            let running: Vec<&Arc<Job>> = jobs.iter().filter(|j| j.running()).collect();
            for old in running
                .iter()
                .take((running.len() + 1).saturating_sub(MAX_RUNNING))
            {
                old.cancel();
            }
            *next += 1;
            let job = Arc::new(Job {
                id: *next,
                cancel: AtomicBool::new(false),
                started: Instant::now(),
                progress: Mutex::new(Progress {
                    id: *next,
                    kind,
                    state: State::Running,
                    done: 0,
                    target,
                    first_result_ms: None,
                    latest_result_ms: None,
                    result: None,
                }),
            });
            jobs.push_back(Arc::clone(&job));
            while jobs.len() > MAX_KEPT {
                if let Some(old) = jobs.pop_front() {
                    old.cancel();
                }
            }
            job
        };
        let id = job.id;
        std::thread::spawn(move || {
            work(&job);
            job.finish();
        });
        id
    }

    /// A remembered job's progress.
    pub fn progress(&self, id: u64) -> Option<Progress> {
        let table = self.table.lock().expect("jobs lock");
        table.1.iter().find(|j| j.id == id).map(|j| j.progress())
    }

    /// Jobs running now (for tests of the bounds).
    pub fn running(&self) -> usize {
        let table = self.table.lock().expect("jobs lock");
        table.1.iter().filter(|j| j.running()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A job that publishes once and then waits until it is cancelled.
    fn until_cancelled(job: &Job) {
        job.publish(1, 2, Json::from(1));
        while !job.cancelled() {
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn wait_for(f: impl Fn() -> bool) {
        let t = Instant::now();
        while !f() {
            assert!(t.elapsed() < Duration::from_secs(10), "timed out");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_superseded_job_is_cancelled() {
        let jobs = Jobs::default();
        let first = jobs.start("answer", None, 2, until_cancelled);
        let second = jobs.start("answer", Some(first), 2, until_cancelled);
        wait_for(|| jobs.progress(first).unwrap().state == State::Cancelled);
        assert_eq!(jobs.progress(second).unwrap().state, State::Running);
        assert_eq!(jobs.running(), 1);
        jobs.start("answer", Some(second), 2, |_| {});
    }

    #[test]
    fn no_more_than_the_limit_run_at_once() {
        let jobs = Jobs::default();
        let ids: Vec<u64> = (0..MAX_RUNNING + 3)
            .map(|_| jobs.start("answer", None, 2, until_cancelled))
            .collect();
        assert!(jobs.running() <= MAX_RUNNING);
        // The newest run; the oldest were cancelled.
        let last = *ids.last().unwrap();
        assert_eq!(jobs.progress(last).unwrap().state, State::Running);
        assert_eq!(jobs.progress(ids[0]).unwrap().state, State::Cancelled);
        for id in ids.iter().rev().take(MAX_RUNNING) {
            jobs.start("answer", Some(*id), 1, |_| {});
        }
    }

    #[test]
    fn only_the_newest_jobs_are_remembered() {
        let jobs = Jobs::default();
        let ids: Vec<u64> = (0..MAX_KEPT + 2)
            .map(|_| jobs.start("answer", None, 1, |j| j.publish(1, 1, Json::Null)))
            .collect();
        assert!(jobs.progress(ids[0]).is_none());
        let last = *ids.last().unwrap();
        wait_for(|| jobs.progress(last).unwrap().state == State::Done);
        let p = jobs.progress(last).unwrap();
        assert_eq!((p.done, p.target), (1, 1));
        assert!(p.first_result_ms.is_some());
    }
}

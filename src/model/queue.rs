//! M1 Store day, the queue: customers in arrival order take the employee on
//! the floor who can start soonest among those whose shift is running when
//! they arrive, or leave when the wait would exceed their patience. Staff
//! serve the customers who came in during their shift, and serving past its
//! end is overtime.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::encounter::EncounterConstants;
use super::store::Store;
use super::StoreDay;

/// A server (an index into the day's on-duty list) busy until `free_at`.
/// Ordered by time, then by index, so the heap's least is the server who
/// can start soonest and, of equals, the first on the list.
#[derive(Debug, Clone, Copy)]
struct Busy {
    free_at: f64,
    server: usize,
}

impl PartialEq for Busy {
    fn eq(&self, other: &Busy) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Busy {}
impl PartialOrd for Busy {
    fn partial_cmp(&self, other: &Busy) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Busy {
    fn cmp(&self, other: &Busy) -> Ordering {
        self.free_at
            .total_cmp(&other.free_at)
            .then(self.server.cmp(&other.server))
    }
}

/// Who on the floor can take the next customer, for arrivals in time order:
/// the server with the soonest start `max(free_at, arrival)` among those
/// whose shift has not ended by the arrival, ties to the first on the list.
/// A customer who came in during a shift is served even if that means
/// starting after it ends (overtime): a shop serves the customers in it at
/// a shift change and at closing.
///
/// A floor of a few servers is scanned. A larger one (a large store has a
/// hundred staff on it, where the scan took a quarter of the run) keeps
/// each server *idle* (free by the current arrival: a bit in `idle`) or
/// *busy* (free later: in the heap), which costs O(log n) an arrival and
/// chooses the same: an idle server starts at the arrival, before any busy
/// one, and of idle servers the first bit is the first on the list. A
/// server whose shift is over by an arrival is dropped for good, which
/// arrivals in time order make safe.
#[derive(Debug, Clone, Default)]
pub(super) struct Floor {
    /// When each server is free next; at the end of the day, when they
    /// finished.
    pub(super) free_at: Vec<f64>,
    ends: Vec<f64>,
    /// Whether the floor is large enough for the heap.
    indexed: bool,
    busy: BinaryHeap<Reverse<Busy>>,
    idle: Vec<u64>,
}

/// Servers up to which a scan is faster than the heap.
const SCANNED_SERVERS: usize = 16;

/// The server chosen for an arrival.
#[derive(Debug, Clone, Copy)]
struct Choice {
    server: usize,
    start: f64,
    was_idle: bool,
}

impl Floor {
    /// Today's servers with their shifts (start, end), each free from the
    /// start of their shift.
    fn open(&mut self, shifts: impl Iterator<Item = (f64, f64)>) {
        self.free_at.clear();
        self.ends.clear();
        for (start, end) in shifts {
            self.free_at.push(start);
            self.ends.push(end);
        }
        self.index(self.free_at.len() > SCANNED_SERVERS);
    }

    /// Sets up the heap and the idle bits, or not for a scanned floor.
    fn index(&mut self, indexed: bool) {
        self.indexed = indexed;
        self.busy.clear();
        self.idle.clear();
        if self.indexed {
            self.busy.extend(
                self.free_at
                    .iter()
                    .enumerate()
                    .map(|(server, &free_at)| Reverse(Busy { free_at, server })),
            );
            self.idle.resize(self.free_at.len().div_ceil(64), 0);
        }
    }

    /// The server who can start soonest on a customer arriving at
    /// `arrival` (no earlier than any previous arrival) during their
    /// shift, or none.
    fn choose(&mut self, arrival: f64) -> Option<Choice> {
        if !self.indexed {
            // Written as selects, not branches: which server is best is
            // as unpredictable as the draws that made the queue. Times
            // are never NaN, so the comparison is `max`.
            let (mut best, mut best_start) = (usize::MAX, f64::INFINITY);
            for (server, (&free, &end)) in self.free_at.iter().zip(&self.ends).enumerate() {
                let start = if free > arrival { free } else { arrival };
                let better = (arrival < end) & (start < best_start);
                best_start = if better { start } else { best_start };
                best = if better { server } else { best };
            }
            return (best != usize::MAX).then_some(Choice {
                server: best,
                start: best_start,
                was_idle: false,
            });
        }
        while let Some(&Reverse(b)) = self.busy.peek() {
            if b.free_at > arrival {
                break;
            }
            self.busy.pop();
            self.idle[b.server / 64] |= 1 << (b.server % 64);
        }
        for (w, word) in self.idle.iter_mut().enumerate() {
            while *word != 0 {
                let server = w * 64 + word.trailing_zeros() as usize;
                if arrival < self.ends[server] {
                    return Some(Choice {
                        server,
                        start: arrival,
                        was_idle: true,
                    });
                }
                *word &= *word - 1;
            }
        }
        while let Some(&Reverse(b)) = self.busy.peek() {
            if arrival < self.ends[b.server] {
                return Some(Choice {
                    server: b.server,
                    start: b.free_at,
                    was_idle: false,
                });
            }
            // The shift ended before this arrival: never serves again today.
            self.busy.pop();
        }
        None
    }

    /// The chosen server is busy until `free_at`.
    fn serve(&mut self, choice: Choice, free_at: f64) {
        self.free_at[choice.server] = free_at;
        if !self.indexed {
            return;
        }
        if choice.was_idle {
            self.idle[choice.server / 64] &= !(1 << (choice.server % 64));
        } else {
            self.busy.pop();
        }
        self.busy.push(Reverse(Busy {
            free_at,
            server: choice.server,
        }));
    }
}

impl Store {
    pub(super) fn serve_queue(&mut self, day: u32, out: &mut StoreDay) {
        // Departures happen at the end of a day, so every arrival's Heskett
        // check can run up front; doing them in one pass also loads the
        // day's customer records with many misses in flight at once.
        for idx in 0..self.todays.len() {
            self.heskett_check(self.todays[idx]);
        }
        self.servers.clear();
        self.servers
            .extend((0..self.staff.positions()).filter(|&i| self.staff.on_duty(i)));
        let shifts = &self.staff.shift;
        let floor_hours: f64 = self.servers.iter().map(|&i| shifts[i].hours()).sum();
        let k = EncounterConstants::of(self, self.todays.len() as f64, floor_hours);
        self.floor.open(
            self.servers
                .iter()
                .map(|&i| (shifts[i].start, shifts[i].end)),
        );

        let mut previous = f64::NEG_INFINITY;
        for idx in 0..self.todays.len() {
            let slot = self.todays[idx];
            // Arrival times are sorted; the max only guards against an
            // interpolation rounding a time one ulp below the one before.
            let arrival = self.times[idx].max(previous);
            previous = arrival;
            let choice = self.floor.choose(arrival);
            let wait = choice.map_or(f64::INFINITY, |c| c.start - arrival);
            let h = f64::from(self.customers[slot as usize].happiness);
            let impatience = 1.0 - self.config.customer.impatience * (1.0 - h);
            let patience = k.patience_hours * impatience * self.encounter_rng.exp1();
            let Some(choice) = choice.filter(|_| wait <= patience) else {
                out.balked += 1.0;
                out.wait_hours_balked += if choice.is_none() { 0.0 } else { patience };
                let e = self.config.customer.balk_experience;
                self.after_visit(slot, day, e, false, None, out);
                continue;
            };
            let employee = self.servers[choice.server];
            // Someone is already waiting when this service starts: the
            // employee works at the standard, not at a quiet week's pace.
            let queued = self.times.get(idx + 1).is_some_and(|&t| t <= choice.start);
            let duration = self.encounter(day, slot, employee, wait, queued, &k, out);
            self.floor.serve(choice, choice.start + duration);
            self.staff.busy_hours[employee] += duration;
            out.wait_hours += wait;
            out.service_hours += duration;
            out.served += 1.0;
        }
        for (j, &employee) in self.servers.iter().enumerate() {
            let end = self.staff.shift[employee].end;
            self.staff.overtime_hours[employee] = (self.floor.free_at[j] - end).max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    /// A customer who comes in before the shift ends is served, even if
    /// service starts after the end (overtime); one who comes in after it
    /// is not, on both the scanned and the indexed floor.
    #[test]
    fn customers_in_the_shop_at_the_end_of_a_shift_are_served() {
        for indexed in [false, true] {
            let mut floor = Floor::default();
            floor.open([(0.0, 8.0)].into_iter());
            floor.index(indexed);
            let first = floor.choose(7.9).expect("the shift is running");
            assert_eq!(first.start, 7.9);
            floor.serve(first, 8.4);
            let second = floor.choose(7.95).expect("came in during the shift");
            assert_eq!(second.start, 8.4, "served after the end of the shift");
            floor.serve(second, 8.9);
            assert!(floor.choose(8.0).is_none(), "came in after the shift ended");
        }
    }

    /// The heap and bits choose what the scan chooses, arrival after
    /// arrival, on floors with ties, finished shifts and queues.
    #[test]
    fn indexed_floor_chooses_as_the_scan() {
        let mut rng = Stream::new(9, 0, 0, Purpose::Setup);
        for _ in 0..200 {
            let n = 1 + rng.index(80);
            // Whole hours make ties between servers common.
            let shifts: Vec<(f64, f64)> = (0..n)
                .map(|_| {
                    let start = rng.index(6) as f64;
                    (start, start + 1.0 + rng.index(8) as f64)
                })
                .collect();
            let (mut scanned, mut indexed) = (Floor::default(), Floor::default());
            scanned.open(shifts.iter().copied());
            scanned.index(false);
            indexed.open(shifts.iter().copied());
            indexed.index(true);
            let mut arrival = 0.0;
            for _ in 0..300 {
                arrival += 0.05 * rng.exp1();
                let (a, b) = (scanned.choose(arrival), indexed.choose(arrival));
                assert_eq!(
                    a.map(|c| (c.server, c.start)),
                    b.map(|c| (c.server, c.start))
                );
                if let (Some(a), Some(b)) = (a, b) {
                    let duration = (4.0 * rng.uniform()).round() / 4.0;
                    scanned.serve(a, a.start + duration);
                    indexed.serve(b, b.start + duration);
                }
            }
            assert_eq!(scanned.free_at, indexed.free_at);
        }
    }
}

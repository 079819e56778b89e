//! M1 Store day, the queue: customers in arrival order take the employee on
//! the floor who can start soonest within their shift, or leave when the
//! wait would exceed their patience. Serving past the end of a shift is
//! overtime.

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

/// Who on the floor can take the next customer, for arrivals in time order.
/// A server is *idle* (free by the current arrival: a bit in `idle`) or
/// *busy* (free later: in the heap). The choice equals a scan of every
/// server for the soonest start `max(free_at, arrival)` before the end of
/// the shift, ties to the first on the list: an idle server starts at the
/// arrival, before any busy one, and of idle servers the first bit is the
/// first on the list. A server whose shift is over is dropped for good,
/// which arrivals in time order make safe. Each arrival costs O(log n), not
/// a scan of the floor: a large store has a hundred staff on it.
#[derive(Debug, Clone, Default)]
pub(super) struct Floor {
    busy: BinaryHeap<Reverse<Busy>>,
    idle: Vec<u64>,
}

/// The server chosen for an arrival.
#[derive(Debug, Clone, Copy)]
struct Choice {
    server: usize,
    start: f64,
    was_idle: bool,
}

impl Floor {
    /// Today's servers, each free from the start of their shift.
    fn open(&mut self, starts: &[f64]) {
        self.busy.clear();
        self.busy.extend(
            starts
                .iter()
                .enumerate()
                .map(|(server, &free_at)| Reverse(Busy { free_at, server })),
        );
        self.idle.clear();
        self.idle.resize(starts.len().div_ceil(64), 0);
    }

    /// The server who can start soonest on a customer arriving at
    /// `arrival` (no earlier than any previous arrival) within their shift
    /// (`ends`), or none.
    fn choose(&mut self, arrival: f64, ends: &[f64]) -> Option<Choice> {
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
                if arrival < ends[server] {
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
            if b.free_at < ends[b.server] {
                return Some(Choice {
                    server: b.server,
                    start: b.free_at,
                    was_idle: false,
                });
            }
            // Free only after the shift ends: never serves again today.
            self.busy.pop();
        }
        None
    }

    /// The chosen server is busy until `free_at`.
    fn serve(&mut self, choice: Choice, free_at: f64) {
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
        let k = EncounterConstants::of(self);
        // Departures happen at the end of a day, so every arrival's Heskett
        // check can run up front; doing them in one pass also loads the
        // day's customer records with many misses in flight at once.
        for idx in 0..self.todays.len() {
            self.heskett_check(self.todays[idx]);
        }
        self.servers.clear();
        self.servers
            .extend((0..self.staff.positions()).filter(|&i| self.staff.on_duty(i)));
        self.free_at.clear();
        self.free_at
            .extend(self.servers.iter().map(|&i| self.staff.shift[i].start));
        self.shift_ends.clear();
        self.shift_ends
            .extend(self.servers.iter().map(|&i| self.staff.shift[i].end));
        self.floor.open(&self.free_at);

        let mut previous = f64::NEG_INFINITY;
        for idx in 0..self.todays.len() {
            let slot = self.todays[idx];
            // Arrival times are sorted; the max only guards against an
            // interpolation rounding a time one ulp below the one before.
            let arrival = self.times[idx].max(previous);
            previous = arrival;
            let choice = self.floor.choose(arrival, &self.shift_ends);
            let wait = choice.map_or(f64::INFINITY, |c| c.start - arrival);
            let h = self.customers[slot as usize].happiness;
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
            let duration = self.encounter(day, slot, employee, wait, &k, out);
            let free_at = choice.start + duration;
            self.free_at[choice.server] = free_at;
            self.floor.serve(choice, free_at);
            self.staff.busy_hours[employee] += duration;
            out.wait_hours += wait;
            out.service_hours += duration;
            out.served += 1.0;
        }
        for (j, &employee) in self.servers.iter().enumerate() {
            let end = self.staff.shift[employee].end;
            self.staff.overtime_hours[employee] = (self.free_at[j] - end).max(0.0);
        }
    }
}

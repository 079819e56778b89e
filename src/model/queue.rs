//! M1 Store day, the queue: customers in arrival order take the employee on
//! the floor who can start soonest within their shift, or leave when the
//! wait would exceed their patience. Serving past the end of a shift is
//! overtime.

use super::encounter::EncounterConstants;
use super::store::Store;
use super::StoreDay;

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

        for idx in 0..self.todays.len() {
            let slot = self.todays[idx];
            let arrival = self.times[idx];
            // The employee who can start soonest: free and still on shift.
            // A linear scan: a store has a handful of staff on the floor.
            let mut best = usize::MAX;
            let mut best_start = f64::INFINITY;
            for (j, &free) in self.free_at.iter().enumerate() {
                let start = free.max(arrival);
                if start < self.staff.shift[self.servers[j]].end && start < best_start {
                    best_start = start;
                    best = j;
                }
            }
            let wait = best_start - arrival;
            let h = self.customers[slot as usize].happiness;
            let impatience = 1.0 - self.config.customer.impatience * (1.0 - h);
            let patience = k.patience_hours * impatience * self.encounter_rng.exp1();
            if best == usize::MAX || wait > patience {
                out.balked += 1.0;
                out.wait_hours_balked += if best == usize::MAX { 0.0 } else { patience };
                let e = self.config.customer.balk_experience;
                self.after_visit(slot, day, e, false, None, out);
                continue;
            }
            let employee = self.servers[best];
            let duration = self.encounter(day, slot, employee, wait, &k, out);
            self.free_at[best] = best_start + duration;
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

//! M4 Customer state: happiness with memory and asymmetry, the bond with
//! one employee, and what the employee's departure does to it (Heskett et
//! al. 1994); loyalty, convex in happiness and raised by the bond; doubt,
//! the trust a failure or a disappointment costs apart from happiness (de
//! Matos et al. 2007; Anderson & Sullivan 1993), which holds loyalty back.

use super::customers::NO_EMPLOYEE;
use super::store::Store;

impl Store {
    /// Heskett et al.: when a customer's own employee has left, the bond is
    /// lost and happiness drops in proportion to it.
    #[inline]
    pub(super) fn heskett_check(&mut self, slot: u32) {
        let i = slot as usize;
        let fav = self.customers[i].favourite;
        if fav != NO_EMPLOYEE
            && self.staff.generation[fav as usize] != self.customers[i].favourite_generation
        {
            let loss = self.config.customer.departure_loss * f64::from(self.customers[i].bond);
            let h = f64::from(self.customers[i].happiness) * (1.0 - loss);
            self.customers.set_happiness(slot, h);
            self.customers[i].bond = 0.0;
            self.customers[i].favourite = NO_EMPLOYEE;
        }
    }

    /// Loyalty 0..1: convex in happiness, raised by the bond, held back by
    /// doubt.
    #[inline]
    pub(super) fn loyalty(&self, i: usize) -> f64 {
        let cu = &self.config.customer;
        let l = self
            .happiness_power
            .at(f64::from(self.customers[i].happiness));
        let l = if self.customers[i].relationship {
            l + cu.bond_weight * f64::from(self.customers[i].bond) * (1.0 - l)
        } else {
            l
        };
        // Doubt (trust lost) holds loyalty back apart from happiness.
        l * (1.0 - f64::from(self.customers[i].doubt))
    }

    /// Happiness learns from the experience, faster from a bad one; a
    /// relationship customer's bond grows with the employee who serves them.
    pub(super) fn update_customer(
        &mut self,
        slot: u32,
        experience: f64,
        failure: bool,
        employee: Option<usize>,
    ) {
        let cu = &self.config.customer;
        let i = slot as usize;
        let h = f64::from(self.customers[i].happiness);
        // Doubt: a shortfall against expectation (happiness) or a failure
        // adds to it, whatever the recovery; it fades with each visit.
        let hit = (cu.doubt_gain * (h - experience).max(0.0)
            + if failure { cu.failure_doubt } else { 0.0 })
        .min(1.0);
        let c = &mut self.customers[i];
        let kept = f64::from(c.doubt) * (1.0 - cu.doubt_fade);
        c.doubt = (kept + (1.0 - kept) * hit) as f32;
        c.visits = c.visits.saturating_add(1);
        let weight = if experience > h {
            cu.learn_up
        } else {
            cu.learn_down
        };
        self.customers
            .set_happiness(slot, h + weight * (experience - h));

        let Some(e) = employee else { return };
        if !self.customers[i].relationship {
            return;
        }
        let fav = self.customers[i].favourite;
        let same = fav == e as u32;
        if same
            || fav == NO_EMPLOYEE
            || f64::from(self.customers[i].bond) < cu.bond_switch_threshold
        {
            if !same {
                self.customers[i].favourite = e as u32;
                self.customers[i].favourite_generation = self.staff.generation[e];
            }
            let b = &mut self.customers[i].bond;
            *b = (f64::from(*b) + cu.bond_rate * (experience - 0.5)).clamp(0.0, 1.0) as f32;
        }
    }
}

//! M5 Repeat visits, defection, word of mouth: after every visit, served or
//! not, the customer tells others about a bad or a delightful experience,
//! then defects (to the online rival or another store) or books the next
//! visit, less often the less loyal they are. A customer refused service
//! under warn-then-refuse leaves for good.

use crate::config::AbuseResponse;

use super::arrivals::DAYS_PER_YEAR;
use super::customers::{band, Origin, MAX_INTERVAL_DAYS};
use super::store::Store;
use super::StoreDay;

impl Store {
    /// Mean days to the next visit for a customer with the given loyalty.
    pub(super) fn interval_days(&self, slot: u32, loyalty: f64) -> f64 {
        let m = &self.config.market;
        let base = if self.customers[slot as usize].relationship {
            m.visit_interval_days
        } else {
            m.transactional_interval_days
        };
        base / (m.min_visit_rate + (1.0 - m.min_visit_rate) * loyalty)
    }

    /// Happiness and bond, word of mouth, then defection or the next visit.
    pub(super) fn after_visit(
        &mut self,
        slot: u32,
        day: u32,
        experience: f64,
        failure: bool,
        employee: Option<usize>,
        out: &mut StoreDay,
    ) {
        self.update_customer(slot, experience, failure, employee);
        out.shopper_happiness_sum += f64::from(self.customers[slot as usize].happiness);
        let cu = &self.config.customer;
        if experience < cu.wom_negative_threshold {
            out.told_negative += cu.wom_negative_contacts;
        } else if experience > cu.wom_positive_threshold {
            out.told_positive += cu.wom_positive_contacts;
        }

        let i = slot as usize;
        if self.customers[i].origin == Origin::WalkIn {
            self.customers.remove(slot);
            return;
        }
        if self.config.policy.abuse_response == AbuseResponse::WarnThenRefuse
            && self.customers[i].strikes >= 2
        {
            out.refused += 1.0;
            self.customers.remove(slot);
            return;
        }
        let loyalty = self.loyalty(i);
        // Returning visits follow the season and the weekday profile: the
        // interval is exponential in the visit clock (M5), counted from the
        // middle of today's stretch of it, and the visit falls on the day
        // the clock then reaches (tomorrow at the soonest).
        let mean = self.interval_days(slot, loyalty);
        let ahead = mean * self.customer_rng.exp1();
        let today = 0.5 * (self.clock_at(day) + self.clock_at(day + 1));
        let days = (self.day_at(today + ahead) - f64::from(day)).max(1.0);
        // A customer not back within three years lapses: at risk of
        // defecting until then, and gone on that day if not before.
        let lapses = days > f64::from(MAX_INTERVAL_DAYS);
        let at_risk = days.min(f64::from(MAX_INTERVAL_DAYS));
        // Defection is a hazard in calendar time (Bolton 1998): the rates
        // are per year, and the customer is at risk over the days until
        // the next visit. A defection time drawn before that visit ends the
        // relationship on its day, and the customer is a customer until
        // then (removing them now would shorten every lifetime by part of
        // a gap, so that how often customers come would still set their
        // churn). How often customers come changes neither their yearly
        // churn nor whether a loyal customer's extra visits are extra
        // chances to leave.
        let m = &self.config.market;
        let hazard_per_year = (if self.customers[i].relationship {
            cu.defection_per_year
        } else {
            cu.transactional_defection_per_year
        } + m.online_pull_per_year * self.profile.local_competition)
            * (1.0 - loyalty);
        // Per 365 days, as the KPIs count a year (`annual_retention`): the
        // defection time is 365 E / hazard days, E a unit exponential.
        let e = self.customer_rng.exp1();
        if e * 365.0 < hazard_per_year * at_risk {
            count_return_share(self.customers[i].happiness, 0.0, out);
            let leaving = (e * 365.0 / hazard_per_year) as u32;
            self.customers.schedule_leaving(slot, day, leaving.max(1));
            return;
        }
        if lapses {
            count_return_share(self.customers[i].happiness, 0.0, out);
            self.customers
                .schedule_leaving(slot, day, MAX_INTERVAL_DAYS);
            return;
        }
        let visit = day + days as u32;
        let back = if visit - day <= DAYS_PER_YEAR {
            1.0
        } else {
            0.0
        };
        count_return_share(self.customers[i].happiness, back, out);
        self.customers.schedule(slot, day, visit - day);
    }

    /// The customer defects or lapses, on the day booked for it at the last
    /// visit: counted in total and by the satisfaction band
    /// the customer leaves from, and the slot is recycled.
    pub(super) fn defect(&mut self, slot: u32, out: &mut StoreDay) {
        let happiness = self.customers[slot as usize].happiness;
        out.defections += 1.0;
        match band(happiness) {
            0 => out.defections_low += 1.0,
            1 => out.defections_satisfied += 1.0,
            _ => out.defections_topbox += 1.0,
        }
        self.customers.remove(slot);
    }

    /// Word of mouth, smoothed over about a month.
    pub(super) fn smooth_word_of_mouth(&mut self, out: &StoreDay) {
        let days = self.config.customer.wom_memory_days;
        self.positive_tellings += (out.told_positive - self.positive_tellings) / days;
        self.negative_tellings += (out.told_negative - self.negative_tellings) / days;
    }
}

/// Return behaviour by satisfaction band (Jones & Sasser 1995): a visit
/// that leaves the customer in a 5-point scale's top two fifths, and
/// `back` (1 or 0) whether a return within a year follows it.
fn count_return_share(happiness: f32, back: f64, out: &mut StoreDay) {
    match band(happiness) {
        2 => {
            out.topbox_visits += 1.0;
            out.topbox_returns += back;
        }
        1 => {
            out.satisfied_visits += 1.0;
            out.satisfied_returns += back;
        }
        _ => {}
    }
}

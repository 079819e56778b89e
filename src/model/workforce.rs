//! M7 Workforce: the day of each employee (exhaustion from the demands of
//! the shift, buffered by control; rest on days off; learning; quitting,
//! which exhaustion predicts; burnout absence), vacancies and hiring, the
//! weekly roster, and the staffing rule that follows demand.

use crate::config::{Config, StaffingRule};

use super::roster::{Planned, Roster};
use super::store::{StaffingReview, Store};
use super::StoreDay;

/// The day-only positions of `policy.extra_staff_by_weekday`, as
/// (weekday, contract hours): one shift a week of the day's opening hours,
/// at most `workforce.max_shift_hours`. They are people, not hours: the
/// chain's staffing ratio does not scale them.
pub(super) fn day_contracts(config: &Config) -> Vec<(usize, f64)> {
    (0..7)
        .flat_map(|d| {
            let hours = config.store.opening_hours[d].min(config.workforce.max_shift_hours);
            std::iter::repeat_n((d, hours), config.policy.extra_staff_by_weekday[d] as usize)
        })
        .collect()
}

/// Floor hours a week that the roster plans for a contract of
/// `contract_hours`: paid annual leave, taken evenly over the year, and
/// training are paid time off the floor (M1, "Staffing"; M7).
pub(super) fn weekly_floor_hours(config: &Config, contract_hours: f64) -> f64 {
    (contract_hours * rostered_share(config) - training_per_week(config)).max(0.0)
}

/// Training hours a week per employee (`policy.training_hours` is per
/// four weeks).
fn training_per_week(config: &Config) -> f64 {
    config.policy.training_hours / 4.0
}

/// Share of contract hours not taken as annual leave.
fn rostered_share(config: &Config) -> f64 {
    1.0 - config.workforce.annual_leave_weeks / 52.0
}

impl Store {
    /// Matches the open day-only positions to `config`'s (the policy
    /// switch of `compare`): missing ones open as vacancies (filled after
    /// the hiring delay, at the hiring cost), surplus ones end at once (a
    /// day-only contract is flexible: its holder leaves like a quitter).
    pub(super) fn switch_day_positions(&mut self, config: &Config) {
        let wanted = day_contracts(config);
        for d in 0..7 {
            let hours: Vec<f64> = wanted
                .iter()
                .filter(|(day, _)| *day == d)
                .map(|(_, h)| *h)
                .collect();
            let have: Vec<usize> = (0..self.staff.positions())
                .filter(|&i| self.staff.open[i] && self.staff.only_on[i] == Some(d))
                .collect();
            for (k, &i) in have.iter().enumerate() {
                match hours.get(k) {
                    Some(&h) => self.staff.contract_hours[i] = h,
                    None => {
                        if self.staff.is_filled(i) {
                            self.staff.quit(i, 0.0);
                        }
                        self.staff.open[i] = false;
                    }
                }
            }
            for &h in hours.iter().skip(have.len()) {
                let i = self
                    .staff
                    .add_vacancy(h, config.workforce.hiring_delay_days);
                self.staff.only_on[i] = Some(d);
            }
        }
    }

    /// Plans the week's roster for the filled positions.
    pub(super) fn plan_roster(&mut self) {
        let planned: Vec<Planned> = (0..self.staff.positions())
            .map(|i| Planned {
                floor_hours: if self.staff.is_filled(i) {
                    weekly_floor_hours(&self.config, self.staff.contract_hours[i])
                } else {
                    0.0
                },
                only_on: self.staff.only_on[i],
            })
            .collect();
        // The plan is a function of the config and the positions alone, and
        // most weeks' positions are last week's: then so is the plan.
        if self.roster_planned.as_ref() != Some(&planned) {
            self.roster = Roster::plan(&self.config, &self.intraday, &planned);
            self.roster_planned = Some(planned);
        }
    }

    /// Vacancies count down; a new hire starts when the delay is over.
    pub(super) fn fill_vacancies(&mut self, out: &mut StoreDay) {
        let w = &self.config.workforce;
        for i in 0..self.staff.positions() {
            if self.staff.open[i] && !self.staff.is_filled(i) {
                self.staff.vacancy_days[i] -= 1.0;
                if self.staff.vacancy_days[i] <= 0.0 {
                    self.staff.hire(i, w.new_hire_skill, w.initial_satisfaction);
                    out.hires += 1.0;
                    out.cost_hiring += self.config.economics.hiring_cost;
                }
            }
        }
    }

    /// Every employee's day: strain and rest, satisfaction, learning,
    /// quitting and tomorrow's absence; then the pay of the day.
    pub(super) fn workforce_day(&mut self, out: &mut StoreDay) {
        let c = &self.config;
        let w = &c.workforce;
        let training_per_day = c.policy.training_hours / 28.0;
        let quit_base = w.quit_rate / 365.0;
        let harm = self.abuse_harm();
        // Learning closes the share 1 - exp(-rate) of the skill gap; the
        // rate is one of two values (worked or not), so the `exp` is taken
        // for each once a day rather than once per employee.
        let closed_share = [false, true].map(|worked| {
            let rate = f64::from(u8::from(worked)) / w.learning_days
                + w.training_skill_gain * training_per_day;
            1.0 - libm::exp(-rate)
        });
        let mut busy = 0.0;
        let mut floor_hours = 0.0;
        for i in 0..self.staff.positions() {
            if !self.staff.is_filled(i) {
                continue;
            }
            out.paid_hours += self.staff.contract_hours[i] / 7.0;
            out.training_hours += training_per_day;
            let worked = self.staff.on_duty(i);
            if worked {
                let shift = self.staff.shift[i].hours();
                floor_hours += shift;
                busy += self.staff.busy_hours[i];
                let overtime = self.staff.overtime_hours[i];
                out.overtime_hours += overtime;
                let utilisation = (self.staff.busy_hours[i] / shift).min(w.utilisation_cap);
                let abuse = f64::from(self.staff.abuse[i]) * harm;
                // Karasek / JD-R: demands raise exhaustion, control buffers.
                let latitude = c.policy.latitude;
                let pressure = 1.0 + c.policy.productivity_target;
                // Hogreve et al.: past a point latitude burdens (role
                // ambiguity), more so for staff with low growth need.
                let strain = w.demand_weight
                    * utilisation
                    * pressure
                    * (1.0 - w.control_buffer * latitude)
                    + w.ambiguity_strain * latitude * latitude * (1.0 - self.profile.growth_need)
                    + w.overtime_strain * overtime
                    + w.abuse_strain * abuse;
                let ex = &mut self.staff.exhaustion[i];
                *ex += (strain.min(1.0) - *ex) / w.exhaustion_days;
                let target = self.satisfaction_target(i);
                let s = &mut self.staff.satisfaction[i];
                *s += (target - *s) / w.satisfaction_days;
            } else {
                // A day off or a sick day rests.
                self.staff.exhaustion[i] *= 1.0 - 1.0 / w.exhaustion_days;
            }
            // Learning by doing and by training: the share 1 - exp(-rate)
            // of the gap closes, so any rate keeps skill in [0, 1].
            self.staff.skill[i] += (1.0 - self.staff.skill[i]) * closed_share[usize::from(worked)];
            // Quitting: exhaustion (burnout) and dissatisfaction drive it.
            let hazard = quit_base
                * crate::rng::exp(
                    w.quit_exhaustion * (self.staff.exhaustion[i] - w.exhaustion_reference)
                        + w.quit_dissatisfaction * (0.5 - self.staff.satisfaction[i]),
                );
            if self.workforce_rng.chance(hazard) {
                out.quits += 1.0;
                self.staff.quit(i, w.hiring_delay_days);
                if self.review.pending_closures > 0 && self.staff.only_on[i].is_none() {
                    self.review.pending_closures -= 1;
                    self.staff.open[i] = false;
                }
                continue;
            }
            out.headcount += 1.0;
            out.satisfaction_sum += self.staff.satisfaction[i];
            out.exhaustion_sum += self.staff.exhaustion[i];
            let ex = self.staff.exhaustion[i];
            self.staff.absent[i] = self
                .workforce_rng
                .chance(w.sick_rate + w.absence_rate * ex * ex);
        }
        out.floor_hours = floor_hours;
        self.utilisation = if floor_hours > 0.0 {
            busy / floor_hours
        } else {
            1.0
        };
        self.week_capacity += floor_hours * c.store.productive_share;
    }

    /// Under `follows_demand`, every `staffing_review_weeks`: the floor
    /// hours the recent demand needs at the target utilisation, against the
    /// planned hours; a part-time position is added (filled after the
    /// hiring delay) or the next one to fall vacant is closed.
    pub(super) fn review_staffing(&mut self) {
        let p = &self.config.policy;
        self.review.weeks += 1;
        if p.staffing_rule != StaffingRule::FollowsDemand
            || self.review.weeks < p.staffing_review_weeks
        {
            return;
        }
        let r = self.review;
        self.review = StaffingReview {
            pending_closures: r.pending_closures,
            ..Default::default()
        };
        if r.served <= 0.0 {
            return;
        }
        let hours_per_visit = r.service_hours / r.served;
        // Contract hours whose floor hours (less leave and training, as the
        // roster plans them) serve the recent demand at the target.
        let needed = (r.visits / f64::from(r.weeks) * hours_per_visit / p.target_utilisation
            + training_per_week(&self.config) * self.staff.headcount() as f64)
            / rostered_share(&self.config);
        let planned = self.staff.planned_hours();
        let w = &self.config.workforce;
        let part_time = w.part_time_hours * self.profile.staffing_ratio;
        if needed > planned + 0.5 * part_time {
            let delay = w.hiring_delay_days;
            match (0..self.staff.positions())
                .find(|&i| !self.staff.open[i] && self.staff.only_on[i].is_none())
            {
                Some(i) => {
                    self.staff.open[i] = true;
                    self.staff.contract_hours[i] = part_time;
                    self.staff.vacancy_days[i] = delay.max(f64::MIN_POSITIVE);
                }
                None => {
                    self.staff.add_vacancy(part_time, delay);
                }
            }
            self.review.pending_closures = 0;
        } else if needed < planned - part_time && self.staff.headcount() > 1 {
            // Close a vacancy now if there is one, else the next to fall
            // vacant: nobody is laid off.
            match (0..self.staff.positions()).find(|&i| {
                self.staff.open[i] && !self.staff.is_filled(i) && self.staff.only_on[i].is_none()
            }) {
                Some(i) => self.staff.open[i] = false,
                None => self.review.pending_closures = 1,
            }
        } else {
            self.review.pending_closures = 0;
        }
    }
}

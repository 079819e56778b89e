//! M2 Service encounter: the need and the time it takes, resolution,
//! purchase and basket, and the perceived quality of the service; a failure
//! or a provoked conflict is handed to M3 (`recovery`).

use crate::config::ServiceApproach;

use super::customers::Origin;
use super::store::Store;
use super::StoreDay;

/// Per-encounter constants derived once a day from the config and state.
pub(super) struct EncounterConstants {
    /// Base service time when nobody waits: the last week's T (M8).
    pub base_hours: f64,
    /// Base service time when a customer is waiting: T, but no more than
    /// the standard T*, since slack time goes only where nobody waits.
    pub queued_hours: f64,
    pub time_quality: f64,
    pub queued_time_quality: f64,
    pub centric: bool,
    pub latitude: f64,
    pub fail_p: f64,
    pub wait_share: f64,
    pub differentiation: f64,
    pub patience_hours: f64,
    pub on_spot_budget_share: f64,
    pub showrooming: f64,
    pub delight_target: u32,
}

impl EncounterConstants {
    /// The constants of a day with `visits` visits and `floor_hours` hours
    /// on duty: the time per order is the standard under the day's own
    /// work pressure (M8), `T* p^alpha` with `p` the day's visits at the
    /// standard over its productive floor hours.
    pub(super) fn of(store: &Store, visits: f64, floor_hours: f64) -> EncounterConstants {
        let c = &store.config;
        let kept = 1.0 - c.policy.productivity_target;
        let standard = store.standard.standard;
        let actual = store.standard.time_under(
            visits * standard,
            floor_hours * c.store.productive_share / super::erosion::need_mix(c),
            standard,
        );
        let base_hours = actual * kept;
        let queued_hours = actual.min(store.standard.standard) * kept;
        let time_quality = |hours: f64| {
            libm::pow(
                (hours / c.erosion.standard_hours).min(1.0),
                c.service.time_quality_exponent,
            )
        };
        EncounterConstants {
            base_hours,
            queued_hours,
            time_quality: time_quality(base_hours),
            queued_time_quality: time_quality(queued_hours),
            centric: c.policy.service_approach == ServiceApproach::CustomerCentric,
            latitude: c.policy.latitude,
            fail_p: (c.service.failure_rate
                * (1.0 + c.service.unpredictability_failure_gain * c.market.unpredictability))
                .min(1.0),
            wait_share: c.service.wait_weight
                * (1.0 - c.service.wait_relief * c.market.differentiation),
            differentiation: c.market.differentiation,
            patience_hours: c.market.patience_minutes / 60.0,
            on_spot_budget_share: if c.recovery.on_spot_cost_mean > 0.0 {
                1.0 - libm::exp(-c.policy.discretion_budget / c.recovery.on_spot_cost_mean)
            } else {
                1.0
            },
            showrooming: c.market.showrooming * c.market.online_price_gap,
            delight_target: c.policy.delight_target,
        }
    }
}

/// What the recovery of a failure or conflict did to the visit.
pub(super) struct Trouble {
    /// Extra service time (hours).
    pub extra_hours: f64,
    /// Probability of keeping the sale (1 without trouble).
    pub keep_sale: f64,
    /// A discount is owed.
    pub discount_owed: bool,
    /// The visit had a service failure.
    pub failure: bool,
}

/// Visit counts whose tenure is tabulated: nearly every customer's, so the
/// `exp` is paid once per store rather than once per encounter.
const TABULATED_VISITS: usize = 1024;

/// `tenure(v) = 1 − exp(−v / tenure_visits)` for `v < TABULATED_VISITS`.
pub(super) fn tenure_table(config: &crate::config::Config) -> Vec<f64> {
    let tenure_visits = config.service.tenure_visits;
    super::store::tabulated(super::store::Table::Tenure, &[tenure_visits], || {
        (0..TABULATED_VISITS)
            .map(|v| tenure_of(v as f64, tenure_visits))
            .collect()
    })
}

fn tenure_of(visits: f64, tenure_visits: f64) -> f64 {
    1.0 - libm::exp(-visits / tenure_visits)
}

/// The share of the staff-satisfaction-to-quality link an encounter keeps:
/// all of it when nobody waits behind the customer, `1 − loss` when
/// someone does (Rafaeli & Sutton 1990: busy clerks display less positive
/// emotion; the displayed part of the link is lost).
#[inline]
pub(super) fn busy_link(queued: bool, loss: f64) -> f64 {
    if queued {
        1.0 - loss
    } else {
        1.0
    }
}

impl Store {
    /// Reichheld & Sasser: how well a customer with `visits` visits knows
    /// the store, 0..1.
    #[inline]
    fn tenure(&self, visits: u16) -> f64 {
        match self.tenure.get(usize::from(visits)) {
            Some(&t) => t,
            None => tenure_of(f64::from(visits), self.config.service.tenure_visits),
        }
    }

    /// One service encounter; returns its duration in hours. `queued`:
    /// another customer is already waiting when it starts.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn encounter(
        &mut self,
        day: u32,
        slot: u32,
        employee: usize,
        wait: f64,
        queued: bool,
        k: &EncounterConstants,
        out: &mut StoreDay,
    ) -> f64 {
        let c = &self.config;
        let sv = &c.service;
        let i = slot as usize;
        let tenure = self.tenure(self.customers[i].visits);
        let rng = &mut self.encounter_rng;
        let skill = self.staff.skill[employee];
        // Ton & Huckman 2008: process conformance narrows the gap between
        // a novice and an expert (the skill the processes let them show).
        let shown = skill + (1.0 - skill) * c.workforce.process_conformance;
        let novice = sv.novice_quality + (1.0 - sv.novice_quality) * shown;

        // Need and time.
        let nonroutine = rng.chance(c.market.nonroutine_share);
        let mut time_factor = 1.0 + sv.latitude_time_cost * k.latitude;
        if nonroutine {
            time_factor *= sv.nonroutine_time_factor;
        }
        if k.centric {
            time_factor *= sv.centric_time_factor;
        }
        time_factor *= 1.0 + sv.novice_slowdown * (1.0 - shown);
        // Reichheld & Sasser: a long-tenure customer knows the store and
        // buys more.
        time_factor *= 1.0 - sv.tenure_time_saving * tenure;
        // Service time: a fixed part plus an exponential part, mean 1 and
        // coefficient of variation time_cv.
        let noise = 1.0 + sv.time_cv * (rng.exp1() - 1.0);
        // Slack (T > T*, M8) lengthens service only while nobody waits: under
        // a queue staff work at the standard (Kc & Terwiesch 2009).
        let (base_hours, time_quality) = if queued {
            (k.queued_hours, k.queued_time_quality)
        } else {
            (k.base_hours, k.time_quality)
        };
        let mut duration = base_hours * time_factor * noise;
        // Seed 002: staff short of today's delight target take extra time.
        let delight_effort = self.staff.delighted[employee] < k.delight_target;
        if delight_effort {
            duration += sv.delight_minutes / 60.0;
        }

        // Resolution: cutting corners (time below what the need takes)
        // lowers it; latitude lets staff solve non-routine needs.
        let mut resolve = if nonroutine {
            sv.resolve_nonroutine + sv.latitude_resolve_gain * k.latitude * skill
        } else {
            sv.resolve_routine
        };
        if k.centric {
            resolve += sv.centric_resolve_gain;
        }
        resolve = (resolve * time_quality * novice).min(1.0);
        let resolved = rng.chance(resolve);

        // Purchase and basket; showrooming: without loyalty, the online
        // rival's price gap takes part of the purchases.
        let loyalty = self.loyalty(i);
        let mut buy_p = sv.conversion
            * if resolved {
                1.0
            } else {
                sv.unresolved_conversion
            }
            * (1.0 - k.showrooming * (1.0 - loyalty)).max(0.0);
        let mut basket_factor = (1.0 + sv.bond_basket_gain * f64::from(self.customers[i].bond))
            * (1.0 + sv.tenure_basket_gain * tenure);
        if k.centric {
            buy_p *= 1.0 + sv.centric_conversion_gain;
            basket_factor *= 1.0 + sv.centric_basket_gain;
        }
        let rng = &mut self.encounter_rng;
        let buy_draw = rng.uniform();
        // The basket's draw is always taken (so streams stay aligned across
        // policies) but only turned into money, an `exp`, when it is bought.
        let basket_z = rng.normal();

        // Experience before any failure: perceived service quality (Brown &
        // Lam: the main path from staff to customer), then the wait, then a
        // small direct contagion of the employee's mood that fades when busy.
        let satisfaction = self.staff.satisfaction[employee];
        let own_employee = self.customers[i].favourite == employee as u32;
        // Rafaeli & Sutton 1990: with a line waiting, clerks display less
        // positive emotion; the displayed part of the link is lost.
        let busy_link = busy_link(queued, sv.busy_display_loss);
        let mut quality = sv.quality_base
            + sv.quality_resolved * f64::from(u8::from(resolved))
            + sv.quality_time * time_quality * novice
            + sv.quality_latitude * k.latitude * skill * k.differentiation
            + sv.quality_satisfaction * busy_link * (satisfaction - 0.5)
            // M12: what the store offers (assortment, prices, premises), the
            // same for every visit whoever serves it.
            + self.profile.offer_quality;
        if k.centric {
            quality += sv.quality_centric;
        }
        if own_employee {
            quality += sv.quality_bond * f64::from(self.customers[i].bond);
        }
        if delight_effort {
            quality += sv.delight_quality;
        }
        let wait_penalty = (wait / k.patience_hours).min(1.0);
        let contagion = sv.contagion * (satisfaction - 0.5) * (1.0 - self.utilisation).max(0.0);
        let before_trouble = quality - k.wait_share * wait_penalty + contagion;

        let (experience, trouble) = self.trouble(slot, employee, before_trouble, k, out);
        duration += trouble.extra_hours;

        let bought = buy_draw < buy_p * trouble.keep_sale;
        let mut basket = 0.0;
        if bought {
            let sigma = self.config.service.basket_sigma;
            basket = self.config.service.basket_mean
                * basket_factor
                * crate::rng::exp(sigma * basket_z - 0.5 * sigma * sigma);
            out.purchases += 1.0;
            out.revenue += basket;
            if trouble.failure {
                out.revenue_failure += basket;
            }
            if self.customers[i].origin == Origin::Initial {
                out.revenue_initial_base += basket;
            }
        }
        if trouble.discount_owed {
            // Off the basket when the customer buys, else as a voucher worth
            // the same share of a mean basket.
            let value = if bought {
                basket
            } else {
                self.config.service.basket_mean
            };
            out.cost_discounts += self.config.policy.discount_share * value;
        }
        if resolved {
            out.resolved += 1.0;
        }
        // Small goodwill gestures (a cable, a waived fee) staff make with
        // latitude, booked at their expected value.
        out.cost_giveaways += self.config.service.goodwill_per_customer * k.latitude;
        let experience = experience.clamp(0.0, 1.0);
        self.staff.served[employee] += 1;
        self.staff.experience_sum[employee] += experience;
        if experience > self.config.customer.wom_positive_threshold {
            self.staff.delighted[employee] += 1;
            out.delighted += 1.0;
        }
        self.after_visit(slot, day, experience, trouble.failure, Some(employee), out);
        duration
    }
}

#[cfg(test)]
mod tests {
    use super::{busy_link, EncounterConstants};
    use crate::config::Config;
    use crate::model::{Store, StoreProfile};

    /// A day is served at its own pressure: with the floor hours its visits
    /// need at the standard, at the standard; with twice those hours, at
    /// `T* 0.5^alpha`; whatever the week before was like.
    #[test]
    fn the_time_per_customer_follows_the_days_own_pressure() {
        let config = Config::default();
        let store = Store::new(&config, StoreProfile::typical(&config), 1, 0, 0);
        let t_star = store.standard.standard;
        let mix = super::super::erosion::need_mix(&config);
        let needed = |visits: f64| visits * t_star * mix / config.store.productive_share;
        let balanced = EncounterConstants::of(&store, 70.0, needed(70.0));
        assert!((balanced.base_hours - t_star).abs() < 1e-12);
        let slack = EncounterConstants::of(&store, 70.0, 2.0 * needed(70.0));
        let expected = t_star * 0.5f64.powf(config.erosion.alpha);
        assert!(
            (slack.base_hours - expected).abs() < 1e-12,
            "{}",
            slack.base_hours
        );
        // With a customer waiting the slack is not taken (M2).
        assert!((slack.queued_hours - t_star).abs() < 1e-12);
        // Under pressure every encounter is shorter, queue or not.
        let rushed = EncounterConstants::of(&store, 70.0, 0.5 * needed(70.0));
        assert!(rushed.base_hours < t_star && rushed.queued_hours == rushed.base_hours);
    }

    #[test]
    fn the_quality_slope_on_staff_satisfaction_is_lower_with_a_line_waiting() {
        // Quality gained per unit of staff satisfaction: quality_satisfaction
        // times the link kept.
        let slope = |queued| 0.4 * busy_link(queued, 0.4);
        assert!(slope(true) < slope(false));
        assert!((slope(false) - 0.4).abs() < 1e-12);
        assert!((slope(true) - 0.24).abs() < 1e-12);
        // No loss: busyness does not moderate the link.
        assert_eq!(busy_link(true, 0.0), 1.0);
    }
}

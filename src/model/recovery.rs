//! M3 Service failures and recovery: a visit may hit a failure (price
//! error, broken product), or a customer who learnt that conflict pays may
//! provoke one (seed 004). Latitude solves failures on the spot within the
//! discretion budget; otherwise the recovery policy applies. Failures met
//! technically can escalate into abuse of the employee, mostly by the few
//! customers prone to it; under warn-then-refuse a second incident ends the
//! customer's service.

use crate::config::{AbuseResponse, RecoveryPolicy};

use super::encounter::{EncounterConstants, Trouble};
use super::store::Store;
use super::StoreDay;

impl Store {
    /// Draws the visit's failure or conflict and its recovery; returns the
    /// experience after it and what it did to the visit.
    pub(super) fn trouble(
        &mut self,
        slot: u32,
        employee: usize,
        experience: f64,
        k: &EncounterConstants,
        out: &mut StoreDay,
    ) -> (f64, Trouble) {
        let i = slot as usize;
        let draw = self.encounter_rng.uniform();
        let provocation = f64::from(self.customers[i].provocation);
        let mut t = Trouble {
            extra_hours: 0.0,
            keep_sale: 1.0,
            discount_owed: false,
            failure: false,
        };
        if draw < k.fail_p {
            t.failure = true;
            out.failures += 1.0;
            let recovery_quality = self.recover_failure(slot, employee, k, &mut t, out);
            t.keep_sale = recovery_quality;
            let w = self.config.customer.recovery_weight;
            return ((1.0 - w) * experience + w * recovery_quality, t);
        }
        if provocation > 0.0 && draw < k.fail_p + (1.0 - k.fail_p) * provocation {
            out.provoked += 1.0;
            let w = self.config.customer.conflict_weight;
            let response = if self.config.policy.recovery == RecoveryPolicy::Discount {
                t.discount_owed = true;
                self.learn_that_conflict_pays(i);
                self.config.recovery.discount_quality
            } else {
                let rate = self.config.recovery.provoker_abuse_rate;
                if self.encounter_rng.chance(rate) {
                    self.abuse_incident(slot, employee, out);
                }
                // Conflict did not pay: the habit fades.
                self.customers[i].provocation *= self.config.customer.provocation_fade as f32;
                self.config.recovery.technical_quality
            };
            return ((1.0 - w) * experience + w * response, t);
        }
        (experience, t)
    }

    /// The recovery of a failure; returns its quality.
    fn recover_failure(
        &mut self,
        slot: u32,
        employee: usize,
        k: &EncounterConstants,
        t: &mut Trouble,
        out: &mut StoreDay,
    ) -> f64 {
        let rec = self.config.recovery.clone();
        let skill = self.staff.skill[employee];
        let on_spot_p = rec.on_spot_rate * k.latitude * skill * k.on_spot_budget_share;
        if self.encounter_rng.chance(on_spot_p) {
            // The cases solved on the spot are those whose cost fits the
            // budget: exponential costs truncated at the budget.
            let u = self.encounter_rng.uniform();
            let cost = -rec.on_spot_cost_mean * libm::log(1.0 - u * k.on_spot_budget_share);
            out.cost_giveaways += cost;
            out.on_spot += 1.0;
            t.extra_hours += rec.on_spot_minutes / 60.0;
            return rec.on_spot_quality;
        }
        let abusive = self.customers[slot as usize].abusive;
        let escalation = if abusive {
            rec.abusive_escalation
        } else {
            rec.escalation_rate
        };
        match self.config.policy.recovery {
            RecoveryPolicy::TechnicalFirst | RecoveryPolicy::EmotionFirst => {
                let emotion = self.config.policy.recovery == RecoveryPolicy::EmotionFirst;
                let (quality, p) = if emotion {
                    t.extra_hours += rec.emotion_minutes / 60.0;
                    (rec.emotion_quality, escalation * rec.emotion_escalation)
                } else {
                    (rec.technical_quality, escalation)
                };
                if self.encounter_rng.chance(p) {
                    let factor = self.config.recovery.escalated_quality;
                    self.abuse_incident(slot, employee, out);
                    quality * factor
                } else {
                    quality
                }
            }
            RecoveryPolicy::Discount => {
                t.discount_owed = true;
                self.learn_that_conflict_pays(slot as usize);
                // A discount buys most, not all, of the peace.
                if self
                    .encounter_rng
                    .chance(escalation * rec.discount_escalation)
                {
                    self.abuse_incident(slot, employee, out);
                    rec.discount_quality * rec.escalated_quality
                } else {
                    rec.discount_quality
                }
            }
        }
    }

    /// Seed 004: a discount teaches an opportunist that conflict pays.
    fn learn_that_conflict_pays(&mut self, i: usize) {
        if !self.customers[i].opportunist {
            return;
        }
        let learning = self.config.customer.provocation_learning;
        let p = &mut self.customers[i].provocation;
        *p += learning as f32 * (1.0 - *p);
    }

    /// An abusive incident against the employee; under warn-then-refuse the
    /// customer's second incident ends their service.
    fn abuse_incident(&mut self, slot: u32, employee: usize, out: &mut StoreDay) {
        self.staff.abuse[employee] += 1;
        out.abuse += 1.0;
        if self.config.policy.abuse_response == AbuseResponse::WarnThenRefuse {
            let c = &mut self.customers[slot as usize];
            c.strikes = c.strikes.saturating_add(1);
        }
    }
}

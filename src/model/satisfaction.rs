//! M6 Employee satisfaction: the target an employee's satisfaction moves to
//! on a worked day: autonomy (latitude, by growth need: Bowen & Lawler;
//! Humphrey et al. 2007), the manager, the satisfaction mirror of the
//! customers served, exhaustion and abuse.

use crate::config::AbuseResponse;

use super::store::Store;

impl Store {
    /// Share of an abusive incident's harm that reaches the employee (less
    /// when management backs staff by refusing abusive customers).
    pub(super) fn abuse_harm(&self) -> f64 {
        match self.config.policy.abuse_response {
            AbuseResponse::Tolerate => 1.0,
            AbuseResponse::WarnThenRefuse => 1.0 - self.config.workforce.backing_relief,
        }
    }

    /// Where employee `i`'s satisfaction is heading after today's work.
    pub(super) fn satisfaction_target(&self, i: usize) -> f64 {
        let w = &self.config.workforce;
        let latitude = self.config.policy.latitude;
        // Latitude pleases staff with growth need above the neutral one and
        // burdens the others (Bowen & Lawler's "people" contingency).
        let autonomy =
            w.autonomy_weight * latitude * (self.profile.growth_need - w.growth_need_neutral);
        let manager = w.manager_weight * self.profile.manager_quality;
        let served = self.staff.served[i];
        let mirror = if served > 0 {
            self.staff.experience_sum[i] / f64::from(served) - 0.5
        } else {
            0.0
        };
        let abuse = f64::from(self.staff.abuse[i]) * self.abuse_harm();
        (w.base_satisfaction + autonomy + manager + w.mirror_weight * mirror
            - w.exhaustion_weight * self.staff.exhaustion[i]
            - w.abuse_weight * abuse)
            .clamp(0.0, 1.0)
    }
}

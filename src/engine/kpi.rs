//! What the engine reports: the KPIs of a replication and the daily series.
//!
//! Both are declared once by a table macro so that names, units and
//! descriptions used by every export come from one place.

use super::{ratio, Totals};
use crate::model::StoreDay;

/// Name, unit and meaning of one reported value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueDef {
    /// The name in files and in `RunResults::kpi` (`profit`).
    pub name: &'static str,
    /// The unit (`EUR`, `fraction`, `visits`).
    pub unit: &'static str,
    /// What it measures, in a few words.
    pub doc: &'static str,
}

macro_rules! value_table {
    ($(#[doc = $sdoc:literal])* $name:ident, $defs:ident { $( $field:ident, $unit:literal, $doc:literal; )* }) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct $name {
            $( #[doc = $doc] pub $field: f64, )*
        }

        /// Names, units and meanings, in field order.
        pub const $defs: &[ValueDef] = &[
            $( ValueDef { name: stringify!($field), unit: $unit, doc: $doc }, )*
        ];

        impl $name {
            /// Values in the order of the definitions table.
            pub fn values(&self) -> Vec<f64> {
                vec![$( self.$field, )*]
            }

            /// The value with the given name, if there is one.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($field) => Some(self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

value_table! {
    /// Key performance indicators of one replication (or one store), over
    /// the days after the warm-up. Money is in EUR over that window.
    Kpis, KPI_DEFS {
        profit, "EUR", "gross margin minus all costs";
        revenue, "EUR", "value of all baskets sold";
        profit_margin, "fraction", "profit / revenue";
        gross_margin, "EUR", "revenue times the gross margin rate";
        cost_wages, "EUR", "regular wages";
        cost_overtime, "EUR", "overtime wages with premium";
        cost_giveaways, "EUR", "discretionary spend: on-the-spot solutions and goodwill gestures";
        cost_discounts, "EUR", "discounts given in recoveries and conflicts";
        cost_hiring, "EUR", "hiring and onboarding";
        cost_training, "EUR", "training (trainees' wages and trainer cost)";
        cost_fixed, "EUR", "rent, energy and other fixed store costs";
        visits, "visits", "customers who came, served or not";
        served, "visits", "customers served";
        balked, "visits", "customers who left the queue unserved";
        lost_visit_share, "fraction", "balked / visits";
        arrivals_returning, "visits", "visits by customers who had been before";
        arrivals_market, "visits", "first visits from the market";
        arrivals_referral, "visits", "first visits sent by word of mouth";
        arrivals_walkin, "visits", "one-off walk-ins of a demand pulse";
        purchases, "visits", "served customers who bought";
        conversion, "fraction", "purchases / served";
        mean_basket, "EUR", "revenue / purchases";
        revenue_failure, "EUR", "revenue from visits that had a service failure";
        resolution_rate, "fraction", "served customers whose need was resolved / served";
        failures, "count", "service failures";
        on_spot_recoveries, "count", "failures solved on the spot using latitude";
        provoked_conflicts, "count", "conflicts provoked to get a discount";
        abuse_incidents, "count", "abusive incidents against staff";
        abuse_per_employee_year, "incidents/employee/year", "abusive incidents per employee (mean headcount) per year";
        refused_customers, "customers", "customers refused further service after a second incident";
        delighted_share, "fraction", "served customers with a delightful experience / served";
        defections, "customers", "customers who defected";
        topbox_return_share, "fraction", "visits leaving a customer totally satisfied (happiness >= 0.8) followed by a return within a year / such visits";
        satisfied_return_share, "fraction", "visits leaving a customer satisfied (happiness 0.6 to 0.8) followed by a return within a year / such visits";
        defection_low, "fraction/year", "annual defection rate of customers below happiness 0.6 (defections leaving from the band / customer-years in it)";
        defection_satisfied, "fraction/year", "annual defection rate of satisfied customers (happiness 0.6 to 0.8)";
        defection_topbox, "fraction/year", "annual defection rate of totally satisfied customers (happiness >= 0.8)";
        share_low, "fraction", "share of living customers below happiness 0.6, averaged over days";
        share_topbox, "fraction", "share of living customers at happiness >= 0.8, averaged over days";
        active_customers, "customers", "living customers at the end";
        market_share, "fraction", "living customers at the end / the most the catchment allows";
        annual_retention, "fraction/year", "share of customers kept per year, from the defection rate";
        mean_happiness, "0-1", "mean customer happiness, averaged over days";
        shopper_happiness, "0-1", "mean happiness of the visitors just after their visit, over all visits (a survey of the period's shoppers)";
        staff_satisfaction, "0-1", "mean staff satisfaction, averaged over days";
        exhaustion, "0-1", "mean staff exhaustion, averaged over days";
        headcount, "employees", "filled positions, mean over days";
        paid_hours_per_employee_week, "hours/week", "paid hours (contract and overtime) per employee (mean headcount) per week";
        quits, "employees", "employees who quit";
        annual_turnover, "fraction/year", "quits per filled position per year";
        time_per_customer, "minutes", "mean service time of a served customer";
        service_standard, "minutes", "service standard T* at the end (mean over stores)";
        queue_wait, "minutes", "mean wait of a served customer";
        overtime_hours, "hours", "overtime worked";
        margin_per_customer, "EUR/year", "gross margin per living customer per year";
        clv_multiple, "multiple", "r / (1 + i - r) with r the annual retention and i the discount rate";
        customer_base_value, "EUR", "active customers x margin per customer x CLV multiple";
        revenue_growth, "%", "revenue of the last 364 days over the 364 before (or, in a window shorter than two years, of its second half over its first), minus 1";
    }
}

value_table! {
    /// The main state variables of one simulated day (chain totals or
    /// means over stores and agents).
    DailyPoint, DAILY_DEFS {
        profit, "EUR", "profit of the day";
        revenue, "EUR", "revenue of the day";
        visits, "visits", "customers who came";
        served, "visits", "customers served";
        balked, "visits", "customers who left unserved";
        active_customers, "customers", "living customers";
        happiness, "0-1", "mean customer happiness";
        staff_satisfaction, "0-1", "mean staff satisfaction";
        exhaustion, "0-1", "mean staff exhaustion";
        turnover, "employees", "employees who quit that day";
        time_per_customer, "minutes", "mean service time";
        service_standard, "minutes", "service standard T* (mean over stores)";
        queue_wait, "minutes", "mean wait of served customers";
    }
}

impl DailyPoint {
    pub(crate) fn from_day(d: &StoreDay, stores: f64) -> DailyPoint {
        DailyPoint {
            profit: d.profit,
            revenue: d.revenue,
            visits: d.visits,
            served: d.served,
            balked: d.balked,
            active_customers: d.active_customers,
            happiness: ratio(d.happiness_sum, d.active_customers),
            staff_satisfaction: ratio(d.satisfaction_sum, d.headcount),
            exhaustion: ratio(d.exhaustion_sum, d.headcount),
            turnover: d.quits,
            time_per_customer: 60.0 * ratio(d.service_hours, d.served),
            service_standard: 60.0 * d.standard_hours / stores,
            queue_wait: 60.0 * ratio(d.wait_hours, d.served),
        }
    }
}

impl Kpis {
    pub(crate) fn from_totals(t: &Totals, discount_rate: f64) -> Kpis {
        let s = &t.sum;
        let days = t.days.max(1.0);
        let per_year = 365.0 / days;
        let weeks = days / 7.0;
        let mean_active = ratio(s.active_customers, days);
        let mean_headcount = ratio(s.headcount, days);
        let defection_rate = ratio(s.defections, mean_active * days);
        let annual_retention = libm::exp(-365.0 * defection_rate);
        let margin_per_customer = ratio(s.gross_margin, mean_active) * per_year;
        let clv_multiple = annual_retention / (1.0 + discount_rate - annual_retention);
        Kpis {
            profit: s.profit,
            revenue: s.revenue,
            profit_margin: ratio(s.profit, s.revenue),
            gross_margin: s.gross_margin,
            cost_wages: s.cost_wages,
            cost_overtime: s.cost_overtime,
            cost_giveaways: s.cost_giveaways,
            cost_discounts: s.cost_discounts,
            cost_hiring: s.cost_hiring,
            cost_training: s.cost_training,
            cost_fixed: s.cost_fixed,
            visits: s.visits,
            served: s.served,
            balked: s.balked,
            lost_visit_share: ratio(s.balked, s.visits),
            arrivals_returning: s.arrivals_returning,
            arrivals_market: s.arrivals_market,
            arrivals_referral: s.arrivals_referral,
            arrivals_walkin: s.arrivals_walkin,
            purchases: s.purchases,
            conversion: ratio(s.purchases, s.served),
            mean_basket: ratio(s.revenue, s.purchases),
            revenue_failure: s.revenue_failure,
            resolution_rate: ratio(s.resolved, s.served),
            failures: s.failures,
            on_spot_recoveries: s.on_spot,
            provoked_conflicts: s.provoked,
            abuse_incidents: s.abuse,
            abuse_per_employee_year: ratio(s.abuse, mean_headcount) * per_year,
            refused_customers: s.refused,
            delighted_share: ratio(s.delighted, s.served),
            defections: s.defections,
            topbox_return_share: ratio(s.topbox_returns, s.topbox_visits),
            satisfied_return_share: ratio(s.satisfied_returns, s.satisfied_visits),
            defection_low: 365.0 * ratio(s.defections_low, s.band_low),
            defection_satisfied: 365.0 * ratio(s.defections_satisfied, s.band_satisfied),
            defection_topbox: 365.0 * ratio(s.defections_topbox, s.band_topbox),
            share_low: ratio(s.band_low, s.active_customers),
            share_topbox: ratio(s.band_topbox, s.active_customers),
            active_customers: t.last.active_customers,
            market_share: ratio(t.last.active_customers, t.last.potential_customers),
            annual_retention,
            mean_happiness: t.happiness_mean_sum / days,
            shopper_happiness: ratio(s.shopper_happiness_sum, s.visits),
            staff_satisfaction: t.satisfaction_mean_sum / days,
            exhaustion: t.exhaustion_mean_sum / days,
            headcount: mean_headcount,
            paid_hours_per_employee_week: ratio(s.paid_hours, mean_headcount) / weeks,
            quits: s.quits,
            annual_turnover: ratio(s.quits, mean_headcount) * per_year,
            time_per_customer: 60.0 * ratio(s.service_hours, s.served),
            service_standard: 60.0 * t.last.standard_hours / t.stores.max(1.0),
            queue_wait: 60.0 * ratio(s.wait_hours, s.served),
            overtime_hours: s.overtime_hours,
            margin_per_customer,
            clv_multiple,
            customer_base_value: t.last.active_customers * margin_per_customer * clv_multiple,
            revenue_growth: 100.0 * (ratio(t.second_half_revenue, t.first_half_revenue) - 1.0),
        }
    }
}

/// The headline KPIs, in the order a reader sees them: the table of a run's
/// or a comparison's report and the table `effectchain compare` prints.
/// (A sweep keeps its own default columns, `experiment::sweep::DEFAULT_KPIS`,
/// part of the `points.csv` contract.)
pub const HEADLINE_KPIS: &[&str] = &[
    "profit",
    "revenue",
    "visits",
    "served",
    "lost_visit_share",
    "active_customers",
    "annual_retention",
    "mean_happiness",
    "staff_satisfaction",
    "exhaustion",
    "annual_turnover",
    "time_per_customer",
    "service_standard",
    "queue_wait",
    "customer_base_value",
];

#[cfg(test)]
mod headline_tests {
    use super::*;

    #[test]
    fn every_headline_kpi_is_a_kpi_listed_once() {
        for (i, name) in HEADLINE_KPIS.iter().enumerate() {
            assert!(KPI_DEFS.iter().any(|d| d.name == *name), "{name}");
            assert!(!HEADLINE_KPIS[..i].contains(name), "{name}");
        }
    }
}

//! The model: agents (employees, customers) and the rules of a store day.
//!
//! **Architecture invariant:** this module knows nothing of files, threads,
//! progress, output formats or plots. It is given a validated
//! [`Config`](crate::config::Config) and random [`Stream`](crate::rng::Stream)s
//! and, stepped one day at a time by the engine, returns a [`StoreDay`]
//! record per day. All its randomness comes from the streams it was built
//! with, so a store's history is a function of (config, seed, replication,
//! store index) alone.

// In the order of docs/MODEL.md's sections (see `store.rs` for the map).
mod arrivals;
mod customer_state;
mod economics;
mod encounter;
pub mod erosion;
mod profile;
mod queue;
mod recovery;
mod roster;
mod satisfaction;
mod visits;
mod workforce;

mod customers;
mod staff;
mod store;

pub use arrivals::DAYS_PER_YEAR;
pub use profile::StoreProfile;
pub use roster::{intraday_mass, WEEKDAYS};
pub use store::{Store, WeekLoad};

macro_rules! store_day {
    ($( $(#[doc = $doc:literal])+ $field:ident, )*) => {
        /// What happened in one store on one day. Every field is additive
        /// across stores (sums, not means), so a chain's day is the field-wise
        /// sum of its stores' days; means are formed by the engine.
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct StoreDay {
            $( $(#[doc = $doc])+ pub $field: f64, )*
        }

        impl StoreDay {
            /// Adds another store's day field by field.
            pub fn add(&mut self, other: &StoreDay) {
                $( self.$field += other.$field; )*
            }
        }
    };
}

store_day! {
    /// Profit: gross margin minus all costs (EUR).
    profit,
    /// Revenue: value of all baskets sold (EUR).
    revenue,
    /// Revenue from visits that had a service failure (EUR).
    revenue_failure,
    /// Revenue from customers of the initial base, the cohort the store
    /// started with (EUR; for customer lifetime value).
    revenue_initial_base,
    /// Revenue times the gross margin (EUR).
    gross_margin,
    /// Regular wages (EUR).
    cost_wages,
    /// Overtime wages with premium (EUR).
    cost_overtime,
    /// Discretionary spend: on-the-spot solutions and goodwill (EUR).
    cost_giveaways,
    /// Discounts given to recover failures or calm conflicts (EUR).
    cost_discounts,
    /// Hiring and onboarding (EUR).
    cost_hiring,
    /// Rent, energy and other fixed store costs (EUR).
    cost_fixed,
    /// Training: trainees' wages and trainer cost (EUR).
    cost_training,
    /// Visits: every customer who came (served or not).
    visits,
    /// Visits by customers who had been before.
    arrivals_returning,
    /// First visits of customers from the market.
    arrivals_market,
    /// First visits of customers sent by word of mouth.
    arrivals_referral,
    /// One-off walk-ins of a demand pulse.
    arrivals_walkin,
    /// Customers served.
    served,
    /// Customers who left the queue unserved.
    balked,
    /// Served customers whose need was resolved.
    resolved,
    /// Served customers who bought.
    purchases,
    /// Service failures.
    failures,
    /// Conflicts provoked by customers after a discount.
    provoked,
    /// Failures solved on the spot using latitude.
    on_spot,
    /// Abusive incidents against staff.
    abuse,
    /// Customers refused further service after a second incident.
    refused,
    /// Served customers whose experience was a delight.
    delighted,
    /// People told about a bad experience.
    told_negative,
    /// People told about a delightful experience.
    told_positive,
    /// Customers who defected.
    defections,
    /// Of those, customers below the satisfied band (happiness under 0.6)
    /// when they defected.
    defections_low,
    /// Of those, customers in the satisfied band (0.6 to 0.8).
    defections_satisfied,
    /// Of those, customers in the top band (at least 0.8).
    defections_topbox,
    /// Living customers below happiness 0.6 at the end of the day.
    band_low,
    /// Living customers with happiness 0.6 to 0.8 at the end of the day.
    band_satisfied,
    /// Living customers with happiness at least 0.8 at the end of the day.
    band_topbox,
    /// Visits (not walk-ins) that left the customer in the top
    /// satisfaction band (happiness at least 0.8, "totally satisfied").
    topbox_visits,
    /// Of those, visits followed by a return within a year.
    topbox_returns,
    /// Visits that left the customer in the next band (0.6 to 0.8,
    /// "satisfied").
    satisfied_visits,
    /// Of those, visits followed by a return within a year.
    satisfied_returns,
    /// Employees who quit.
    quits,
    /// Employees hired.
    hires,
    /// Filled positions at the end of the day.
    headcount,
    /// Overtime hours worked.
    overtime_hours,
    /// Paid hours: contract hours of the filled positions plus overtime.
    paid_hours,
    /// Paid training hours (off the floor; part of the paid hours).
    training_hours,
    /// Hours staff were rostered on the floor and present.
    floor_hours,
    /// Most customers the catchment allows (summed over stores).
    potential_customers,
    /// Sum of queue waits of served customers (hours).
    wait_hours,
    /// Sum of the waits of customers who gave up (hours).
    wait_hours_balked,
    /// Sum of service times (hours).
    service_hours,
    /// Living customers at the end of the day.
    active_customers,
    /// Sum of happiness over living customers.
    happiness_sum,
    /// Sum over the day's visits (served or not) of the visitor's happiness
    /// just after the visit: what a survey of the day's shoppers reads.
    shopper_happiness_sum,
    /// Sum of satisfaction over employed staff.
    satisfaction_sum,
    /// Sum of exhaustion over employed staff.
    exhaustion_sum,
    /// Service standard T* (hours per customer; summed over stores).
    standard_hours,
    /// Time per customer T from the last weekly update (hours; summed).
    actual_hours,
    /// Work pressure p from the last weekly update (summed over stores).
    pressure,
}

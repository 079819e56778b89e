//! M9 Economics: the day's money. Wages are paid for the contract hours of
//! the filled positions (training hours are paid time off the floor and
//! booked as training), overtime with its premium; rent and other fixed
//! store costs accrue daily.

use super::store::Store;
use super::StoreDay;

impl Store {
    pub(super) fn book_the_day(&self, out: &mut StoreDay) {
        let e = &self.config.economics;
        let wage = e.wage_per_hour;
        // The contract hours before overtime is added (subtracting it back
        // would round, and wages would differ in their last bits with the
        // overtime worked).
        let contract = out.paid_hours;
        out.paid_hours += out.overtime_hours;
        out.cost_wages = (contract - out.training_hours).max(0.0) * wage;
        out.cost_training = out.training_hours * (wage + e.training_cost_per_hour);
        out.cost_overtime = out.overtime_hours * wage * (1.0 + e.overtime_premium);
        out.cost_fixed = e.fixed_costs_per_year / 365.0;
        out.gross_margin = out.revenue * e.gross_margin;
        out.profit = out.gross_margin
            - out.cost_wages
            - out.cost_overtime
            - out.cost_giveaways
            - out.cost_discounts
            - out.cost_hiring
            - out.cost_training
            - out.cost_fixed;
    }
}

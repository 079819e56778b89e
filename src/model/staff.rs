//! The employees of one store, struct-of-arrays, one slot per position.
//!
//! A position is open (on the establishment plan) or closed (left unfilled
//! by the staffing rule), and an open position is filled or vacant (after a
//! quit, until the hiring delay has passed). Each departure bumps the
//! slot's generation, so customers bonded to the previous holder can tell
//! that their employee left.

use super::roster::Shift;

/// Employee state, one entry per position.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Contract hours per week of the position.
    pub contract_hours: Vec<f64>,
    /// The one weekday a day-only position works (`policy.
    /// extra_staff_by_weekday`); `None` for a regular position.
    pub only_on: Vec<Option<usize>>,
    /// On the establishment plan (a closed position is never filled).
    pub open: Vec<bool>,
    /// Job satisfaction, 0..1.
    pub satisfaction: Vec<f64>,
    /// Emotional exhaustion, 0..1.
    pub exhaustion: Vec<f64>,
    /// Skill, 0..1 (1 = expert).
    pub skill: Vec<f64>,
    /// Hire generation of the slot.
    pub generation: Vec<u32>,
    /// Days until the vacancy is filled; 0 when the slot is filled.
    pub vacancy_days: Vec<f64>,
    /// Absent today (a sick day: ordinary illness or burnout, M7).
    pub absent: Vec<bool>,
    /// Today's planned shift (from the week's roster).
    pub shift: Vec<Shift>,
    /// Today's tallies, reset each morning.
    pub busy_hours: Vec<f64>,
    pub overtime_hours: Vec<f64>,
    pub served: Vec<u32>,
    pub experience_sum: Vec<f64>,
    pub abuse: Vec<u32>,
    pub delighted: Vec<u32>,
}

impl Staff {
    /// Filled positions with the given contract hours, all starting with
    /// the given satisfaction and exhaustion.
    pub fn new(contract_hours: Vec<f64>, satisfaction: f64, exhaustion: f64) -> Staff {
        let n = contract_hours.len();
        Staff {
            contract_hours,
            only_on: vec![None; n],
            open: vec![true; n],
            satisfaction: vec![satisfaction; n],
            exhaustion: vec![exhaustion; n],
            skill: vec![1.0; n],
            generation: vec![0; n],
            vacancy_days: vec![0.0; n],
            absent: vec![false; n],
            shift: vec![Shift::OFF; n],
            busy_hours: vec![0.0; n],
            overtime_hours: vec![0.0; n],
            served: vec![0; n],
            experience_sum: vec![0.0; n],
            abuse: vec![0; n],
            delighted: vec![0; n],
        }
    }

    pub fn positions(&self) -> usize {
        self.satisfaction.len()
    }

    #[inline]
    pub fn is_filled(&self, i: usize) -> bool {
        self.open[i] && self.vacancy_days[i] <= 0.0
    }

    /// On the floor today: filled, not absent, and rostered.
    #[inline]
    pub fn on_duty(&self, i: usize) -> bool {
        self.is_filled(i) && !self.absent[i] && self.shift[i].hours() > 0.0
    }

    pub fn reset_day(&mut self) {
        self.busy_hours.fill(0.0);
        self.overtime_hours.fill(0.0);
        self.served.fill(0);
        self.experience_sum.fill(0.0);
        self.abuse.fill(0);
        self.delighted.fill(0);
    }

    /// The employee leaves; the slot is vacant for `delay_days`.
    pub fn quit(&mut self, i: usize, delay_days: f64) {
        // A zero delay still leaves the slot empty for the rest of the day.
        self.vacancy_days[i] = delay_days.max(f64::MIN_POSITIVE);
        self.absent[i] = false;
        // The employee is gone now: customers bonded to them notice at
        // their next visit, even while the position is vacant.
        self.generation[i] = self.generation[i].wrapping_add(1);
    }

    /// A new hire fills the slot.
    pub fn hire(&mut self, i: usize, skill: f64, satisfaction: f64) {
        self.vacancy_days[i] = 0.0;
        self.skill[i] = skill;
        self.satisfaction[i] = satisfaction;
        self.exhaustion[i] = 0.0;
        self.absent[i] = false;
    }

    /// Adds an open, vacant position (filled after `delay_days`) and
    /// returns its slot.
    pub fn add_vacancy(&mut self, contract_hours: f64, delay_days: f64) -> usize {
        self.push(
            contract_hours,
            [0.0, 0.0, 0.0],
            delay_days.max(f64::MIN_POSITIVE),
        )
    }

    /// Adds a filled day-only position working on `weekday`, its holder
    /// starting as the initial staff do (expert, with the given
    /// satisfaction and exhaustion), and returns its slot.
    pub fn add_day_position(
        &mut self,
        contract_hours: f64,
        weekday: usize,
        satisfaction: f64,
        exhaustion: f64,
    ) -> usize {
        let i = self.push(contract_hours, [satisfaction, exhaustion, 1.0], 0.0);
        self.only_on[i] = Some(weekday);
        i
    }

    /// Appends an open position with `[satisfaction, exhaustion, skill]`.
    fn push(&mut self, contract_hours: f64, state: [f64; 3], vacancy_days: f64) -> usize {
        let [satisfaction, exhaustion, skill] = state;
        self.contract_hours.push(contract_hours);
        self.only_on.push(None);
        self.open.push(true);
        self.satisfaction.push(satisfaction);
        self.exhaustion.push(exhaustion);
        self.skill.push(skill);
        self.generation.push(0);
        self.vacancy_days.push(vacancy_days);
        self.absent.push(false);
        self.shift.push(Shift::OFF);
        self.busy_hours.push(0.0);
        self.overtime_hours.push(0.0);
        self.served.push(0);
        self.experience_sum.push(0.0);
        self.abuse.push(0);
        self.delighted.push(0);
        self.positions() - 1
    }

    /// Filled positions now.
    pub fn headcount(&self) -> usize {
        (0..self.positions()).filter(|&i| self.is_filled(i)).count()
    }

    /// Contract hours per week of the open positions, filled or vacant.
    pub fn planned_hours(&self) -> f64 {
        (0..self.positions())
            .filter(|&i| self.open[i])
            .map(|i| self.contract_hours[i])
            .sum()
    }
}

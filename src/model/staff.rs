//! The employees of one store, struct-of-arrays, one slot per position on
//! the payroll. A slot is either filled or vacant (after a quit, until the
//! hiring delay has passed). Each departure bumps the slot's generation, so
//! customers bonded to the previous holder can tell that their employee left.

/// Employee state, one entry per position.
#[derive(Debug)]
pub struct Staff {
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
    /// Absent today (burnout sick day).
    pub absent: Vec<bool>,
    /// Today's tallies, reset each morning.
    pub busy_hours: Vec<f64>,
    pub overtime_hours: Vec<f64>,
    pub served: Vec<u32>,
    pub experience_sum: Vec<f64>,
    pub abuse: Vec<u32>,
}

impl Staff {
    pub fn new(positions: usize, satisfaction: f64) -> Staff {
        Staff {
            satisfaction: vec![satisfaction; positions],
            exhaustion: vec![0.2; positions],
            skill: vec![1.0; positions],
            generation: vec![0; positions],
            vacancy_days: vec![0.0; positions],
            absent: vec![false; positions],
            busy_hours: vec![0.0; positions],
            overtime_hours: vec![0.0; positions],
            served: vec![0; positions],
            experience_sum: vec![0.0; positions],
            abuse: vec![0; positions],
        }
    }

    pub fn positions(&self) -> usize {
        self.satisfaction.len()
    }

    #[inline]
    pub fn is_filled(&self, i: usize) -> bool {
        self.vacancy_days[i] <= 0.0
    }

    #[inline]
    pub fn on_duty(&self, i: usize) -> bool {
        self.is_filled(i) && !self.absent[i]
    }

    pub fn reset_day(&mut self) {
        self.busy_hours.fill(0.0);
        self.overtime_hours.fill(0.0);
        self.served.fill(0);
        self.experience_sum.fill(0.0);
        self.abuse.fill(0);
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
}

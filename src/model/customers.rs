//! The customers of one store, struct-of-arrays, and the visit calendar.
//!
//! A customer is a slot index. Slots of defected customers are recycled
//! through a free list, so memory follows the active customer base, not the
//! horizon. Each living customer sits in exactly one calendar bucket: the
//! day of their next visit. Days are kept in a ring of [`CALENDAR_DAYS`]
//! buckets, so scheduling and draining are O(1) per visit and nothing ever
//! scans the whole base.

/// Longest interval between two visits, in days; the ring is one longer.
pub const MAX_INTERVAL_DAYS: u32 = 364;
const CALENDAR_DAYS: usize = MAX_INTERVAL_DAYS as usize + 1;

/// Marker for "no favourite employee".
pub const NO_EMPLOYEE: u32 = u32::MAX;

/// How a customer first came to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Origin {
    /// In the base when the simulation started.
    Initial = 0,
    /// Came from the market (advertising, passing by).
    Market = 1,
    /// Came on a friend's recommendation (word of mouth).
    Referral = 2,
    /// A one-off walk-in of a demand pulse; never returns.
    WalkIn = 3,
}

/// Customer state, one entry per slot.
#[derive(Debug, Default)]
pub struct Customers {
    /// Happiness with the store, 0..1.
    pub happiness: Vec<f64>,
    /// Bond with the favourite employee, 0..1.
    pub bond: Vec<f64>,
    /// Favourite employee slot, or [`NO_EMPLOYEE`].
    pub favourite: Vec<u32>,
    /// The favourite's hire generation when the bond formed; a different
    /// generation in that slot now means the employee has left.
    pub favourite_generation: Vec<u32>,
    /// Propensity to provoke conflict for a discount, 0..1.
    pub provocation: Vec<f64>,
    /// Seeks a relationship (true) or a transaction (false).
    pub relationship: Vec<bool>,
    /// Has visited before (the next visit is a returning one).
    pub returning: Vec<bool>,
    pub origin: Vec<Origin>,
    pub alive: Vec<bool>,
    free: Vec<u32>,
    calendar: Vec<Vec<u32>>,
    /// Living customers.
    pub active: u32,
    /// Sum of happiness over living customers (kept incrementally).
    pub happiness_sum: f64,
}

impl Customers {
    pub fn new() -> Customers {
        Customers {
            calendar: (0..CALENDAR_DAYS).map(|_| Vec::new()).collect(),
            ..Customers::default()
        }
    }

    /// Adds a customer and returns the slot.
    pub fn add(&mut self, happiness: f64, relationship: bool, origin: Origin) -> u32 {
        self.active += 1;
        self.happiness_sum += happiness;
        if let Some(slot) = self.free.pop() {
            let i = slot as usize;
            self.happiness[i] = happiness;
            self.bond[i] = 0.0;
            self.favourite[i] = NO_EMPLOYEE;
            self.favourite_generation[i] = 0;
            self.provocation[i] = 0.0;
            self.relationship[i] = relationship;
            self.returning[i] = false;
            self.origin[i] = origin;
            self.alive[i] = true;
            slot
        } else {
            self.happiness.push(happiness);
            self.bond.push(0.0);
            self.favourite.push(NO_EMPLOYEE);
            self.favourite_generation.push(0);
            self.provocation.push(0.0);
            self.relationship.push(relationship);
            self.returning.push(false);
            self.origin.push(origin);
            self.alive.push(true);
            (self.happiness.len() - 1) as u32
        }
    }

    /// Sets a customer's happiness, keeping the running sum.
    #[inline]
    pub fn set_happiness(&mut self, slot: u32, value: f64) {
        let i = slot as usize;
        self.happiness_sum += value - self.happiness[i];
        self.happiness[i] = value;
    }

    /// The customer defects or leaves for good; the slot is recycled.
    pub fn remove(&mut self, slot: u32) {
        let i = slot as usize;
        debug_assert!(self.alive[i]);
        self.alive[i] = false;
        self.active -= 1;
        self.happiness_sum -= self.happiness[i];
        self.free.push(slot);
    }

    /// Books the next visit `days_ahead` (1..=MAX_INTERVAL_DAYS) after `today`.
    #[inline]
    pub fn schedule(&mut self, slot: u32, today: u32, days_ahead: u32) {
        let day = (today + days_ahead.clamp(1, MAX_INTERVAL_DAYS)) as usize % CALENDAR_DAYS;
        self.calendar[day].push(slot);
    }

    /// Books a visit on `day`, which must be within MAX_INTERVAL_DAYS of
    /// the current day (used to spread the initial base).
    pub fn schedule_at(&mut self, slot: u32, day: u32) {
        let day = day.min(MAX_INTERVAL_DAYS) as usize % CALENDAR_DAYS;
        self.calendar[day].push(slot);
    }

    /// Moves today's booked visits into `into` (appending).
    pub fn take_visits(&mut self, today: u32, into: &mut Vec<u32>) {
        let bucket = &mut self.calendar[today as usize % CALENDAR_DAYS];
        into.extend_from_slice(bucket);
        bucket.clear();
    }

    /// Recomputes the happiness sum exactly, dropping accumulated rounding.
    pub fn resum_happiness(&mut self) {
        self.happiness_sum = self
            .happiness
            .iter()
            .zip(&self.alive)
            .filter(|(_, alive)| **alive)
            .map(|(h, _)| *h)
            .sum();
    }
}

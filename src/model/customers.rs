//! The customers of one store and the visit calendar.
//!
//! Customers are stored array-of-structs: a visit touches every field of
//! one customer, and its 32-byte record, aligned to 32 bytes, lies in one
//! 64-byte cache line, where separate arrays would cost a cache miss per
//! field (and a 40-byte record straddled two lines in every other slot).
//! A customer is a slot index; slots of defected customers are recycled through a free list, so memory
//! follows the active customer base, not the horizon. Each living customer
//! sits in exactly one calendar bucket: the day of their next visit, or,
//! for a customer who will defect before it, the day they leave (a second
//! ring of buckets, threaded through the same links, M5). Days are
//! kept in a ring of `MAX_INTERVAL_DAYS + 1` buckets, so scheduling and
//! draining are O(1) per visit and nothing ever scans the whole base. A
//! bucket is a list threaded through `next_booked`, one `u32` per slot:
//! booking writes two words already in cache and allocates nothing, where a
//! `Vec` per bucket cost a cache miss on a far bucket and grew on busy days.

/// Longest interval between two visits, in days (three years; a customer
/// not back by then has lapsed); the ring is one longer.
pub const MAX_INTERVAL_DAYS: u32 = 1095;
const CALENDAR_DAYS: usize = MAX_INTERVAL_DAYS as usize + 1;

/// Marker for "no favourite employee".
pub const NO_EMPLOYEE: u32 = u32::MAX;

/// End of a calendar bucket's list.
const END: u32 = u32::MAX;

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

/// The fixed traits a customer is drawn with at the first visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    pub relationship: bool,
    pub abusive: bool,
    pub opportunist: bool,
}

/// One customer's state (32 bytes, aligned to 32: one cache line). The
/// 0..1 states are held in `f32` (a relative precision of 6e-8, far below
/// any effect in the model) and computed in `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(align(32))]
pub struct Customer {
    /// Happiness with the store, 0..1.
    pub happiness: f32,
    /// Bond with the favourite employee, 0..1.
    pub bond: f32,
    /// Propensity to provoke conflict for a discount, 0..1.
    pub provocation: f32,
    /// Doubt, 0..1: trust lost to failures and to experiences worse than
    /// expected, apart from happiness (M4); it lowers loyalty's effect on
    /// behaviour and fades with visits that meet expectations.
    pub doubt: f32,
    /// Favourite employee slot, or [`NO_EMPLOYEE`].
    pub favourite: u32,
    /// The favourite's hire generation when the bond formed; a different
    /// generation in that slot now means the employee has left.
    pub favourite_generation: u32,
    /// Seeks a relationship (true) or a transaction (false).
    pub relationship: bool,
    /// Prone to abuse staff when something goes wrong.
    pub abusive: bool,
    /// Would exploit a compensation policy: learns that conflict pays.
    pub opportunist: bool,
    /// Visits so far (tenure, saturating): basket and service time change
    /// with it (Reichheld & Sasser 1990).
    pub visits: u16,
    /// Abusive incidents since the last warning policy started counting.
    pub strikes: u8,
    pub origin: Origin,
    pub alive: bool,
}

// The record must stay one 32-byte slot: a field more would make it 64
// bytes under `align(32)` and halve the records per cache line.
const _: () = assert!(std::mem::size_of::<Customer>() == 32);

/// All customers of a store, living and recycled.
#[derive(Debug, Clone)]
pub struct Customers {
    list: Vec<Customer>,
    free: Vec<u32>,
    /// First slot booked for each day of the ring, or `END`.
    first_booked: Vec<u32>,
    /// First slot booked to leave on each day of the ring, or `END`: a
    /// customer who will defect before the next visit stays a customer
    /// until the day of the defection (M5).
    first_leaving: Vec<u32>,
    /// The slot booked after this one on the same day (for a visit or for
    /// leaving: a slot is on one list at a time), or `END`.
    next_booked: Vec<u32>,
    /// Living customers.
    pub active: u32,
    /// Sum of happiness over living customers (kept incrementally).
    pub happiness_sum: f64,
    /// Living customers in each satisfaction band ([`band`]), kept
    /// incrementally.
    pub band_count: [u32; 3],
}

/// Satisfaction band of a happiness (held as `f32`): 0 below 0.6
/// (dissatisfied or indifferent, 1-3 on a 5-point scale), 1 from 0.6 to
/// 0.8 ("satisfied", 4), 2 from 0.8 ("totally satisfied", 5; Jones &
/// Sasser 1995).
#[inline]
pub fn band(happiness: f32) -> usize {
    let h = f64::from(happiness);
    usize::from(h >= 0.6) + usize::from(h >= 0.8)
}

impl Customers {
    pub fn new() -> Customers {
        Customers {
            list: Vec::new(),
            free: Vec::new(),
            first_booked: vec![END; CALENDAR_DAYS],
            first_leaving: vec![END; CALENDAR_DAYS],
            next_booked: Vec::new(),
            active: 0,
            happiness_sum: 0.0,
            band_count: [0; 3],
        }
    }

    /// Room for `additional` more customers without reallocating.
    pub fn reserve(&mut self, additional: usize) {
        self.list.reserve(additional);
        self.next_booked.reserve(additional);
    }

    /// Adds a customer and returns the slot.
    pub fn add(&mut self, happiness: f64, traits: Traits, origin: Origin) -> u32 {
        self.active += 1;
        let happiness = happiness as f32;
        self.happiness_sum += f64::from(happiness);
        self.band_count[band(happiness)] += 1;
        let customer = Customer {
            happiness,
            bond: 0.0,
            provocation: 0.0,
            doubt: 0.0,
            visits: 0,
            favourite: NO_EMPLOYEE,
            favourite_generation: 0,
            relationship: traits.relationship,
            abusive: traits.abusive,
            opportunist: traits.opportunist,
            strikes: 0,
            origin,
            alive: true,
        };
        if let Some(slot) = self.free.pop() {
            self.list[slot as usize] = customer;
            slot
        } else {
            self.list.push(customer);
            self.next_booked.push(END);
            (self.list.len() - 1) as u32
        }
    }

    /// Sets a customer's happiness (held as `f32`), keeping the running
    /// sum of the values held.
    #[inline]
    pub fn set_happiness(&mut self, slot: u32, value: f64) {
        let c = &mut self.list[slot as usize];
        let value = value as f32;
        self.happiness_sum += f64::from(value) - f64::from(c.happiness);
        self.band_count[band(c.happiness)] -= 1;
        self.band_count[band(value)] += 1;
        c.happiness = value;
    }

    /// The customer defects or leaves for good; the slot is recycled.
    pub fn remove(&mut self, slot: u32) {
        let c = &mut self.list[slot as usize];
        debug_assert!(c.alive);
        c.alive = false;
        self.active -= 1;
        self.happiness_sum -= f64::from(c.happiness);
        self.band_count[band(c.happiness)] -= 1;
        self.free.push(slot);
    }

    /// Books the next visit `days_ahead` (clamped to 1..=MAX_INTERVAL_DAYS)
    /// after `today`.
    #[inline]
    pub fn schedule(&mut self, slot: u32, today: u32, days_ahead: u32) {
        push(
            &mut self.first_booked,
            &mut self.next_booked,
            slot,
            ring_day(today, days_ahead),
        );
    }

    /// Books a visit on `day` (at most MAX_INTERVAL_DAYS; used on day 0 to
    /// spread the initial base).
    pub fn schedule_at(&mut self, slot: u32, day: u32) {
        let day = day.min(MAX_INTERVAL_DAYS) as usize % CALENDAR_DAYS;
        push(&mut self.first_booked, &mut self.next_booked, slot, day);
    }

    /// Books the customer's defection `days_ahead` (clamped to
    /// 1..=MAX_INTERVAL_DAYS) after `today`, instead of a next visit.
    pub fn schedule_leaving(&mut self, slot: u32, today: u32, days_ahead: u32) {
        push(
            &mut self.first_leaving,
            &mut self.next_booked,
            slot,
            ring_day(today, days_ahead),
        );
    }

    /// Moves the customers booked to leave today into `into` (appending).
    pub fn take_leaving(&mut self, today: u32, into: &mut Vec<u32>) {
        drain(&mut self.first_leaving, &self.next_booked, today, into);
    }

    /// Moves today's booked visits into `into` (appending; the latest
    /// booked first, the arrival order is shuffled afterwards).
    pub fn take_visits(&mut self, today: u32, into: &mut Vec<u32>) {
        drain(&mut self.first_booked, &self.next_booked, today, into);
    }
}

/// The ring day `days_ahead` (clamped to 1..=MAX_INTERVAL_DAYS) after
/// `today`.
#[inline]
fn ring_day(today: u32, days_ahead: u32) -> usize {
    (today + days_ahead.clamp(1, MAX_INTERVAL_DAYS)) as usize % CALENDAR_DAYS
}

/// Puts `slot` at the head of ring day `day`'s list in one of the two rings
/// (`heads`), threaded through `links`.
#[inline]
fn push(heads: &mut [u32], links: &mut [u32], slot: u32, day: usize) {
    links[slot as usize] = heads[day];
    heads[day] = slot;
}

/// Empties ring day `today`'s list of one of the two rings into `into`
/// (appending; the latest booked first).
#[inline]
fn drain(heads: &mut [u32], links: &[u32], today: u32, into: &mut Vec<u32>) {
    let mut slot = std::mem::replace(&mut heads[today as usize % CALENDAR_DAYS], END);
    while slot != END {
        into.push(slot);
        slot = links[slot as usize];
    }
}

impl std::ops::Index<usize> for Customers {
    type Output = Customer;
    #[inline]
    fn index(&self, slot: usize) -> &Customer {
        &self.list[slot]
    }
}

/// Mutable access to a customer; change happiness only through
/// [`Customers::set_happiness`] so the running sum stays right.
impl std::ops::IndexMut<usize> for Customers {
    #[inline]
    fn index_mut(&mut self, slot: usize) -> &mut Customer {
        &mut self.list[slot]
    }
}

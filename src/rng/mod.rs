//! The one place random number generators are made.
//!
//! Every random draw in the model comes from a [`Stream`]: xoshiro256++
//! (Blackman & Vigna 2021), a small-state generator whose output is defined
//! by its 256-bit state alone, seeded with SplitMix64. Both are a few lines
//! of integer arithmetic written out here, so the sequence for a given key
//! is the same on every platform and with every dependency version.
//!
//! A replication does not have one generator but several *streams*, one per
//! purpose and store, keyed by `(master seed, replication, store, purpose)`;
//! a daily stream is re-seeded at the start of each simulated day from that
//! key and the day ([`Stream::start_day`]):
//!
//! * replication k's draws depend on `(seed, k)` alone, never on the thread
//!   that ran it or on other replications;
//! * two policies run with the same seed and replication draw from the same
//!   streams (common random numbers): day `d`'s sequence of each stream is
//!   identical, and a draw means the same thing in both runs as long as
//!   both took the same draws before it that day. Streams drift apart where
//!   a policy changes how many draws are taken (a different number of
//!   visits, failures or quits), which happens within days for arrivals and
//!   encounters; the paired difference still carries roughly half the noise
//!   of two independent runs.
//!
//! Transcendental functions go through `libm` (a pure-Rust port of musl's
//! libm), so the same draws give the same floating-point values on every
//! platform, not only on this one.
//!
//! **Invariant:** no other generator (`rand`'s `StdRng`, `SmallRng`,
//! thread-local generators) appears in the crate; this module is the only
//! constructor of generators.

mod exp;
mod ziggurat;

pub use exp::exp;

/// What a stream is used for. Separate streams keep the draws of one
/// mechanism aligned between policies even when another mechanism takes a
/// different number of draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    /// Store heterogeneity drawn once per store (manager quality, market).
    Setup = 0,
    /// New-customer arrivals, demand noise, arrival order and times.
    Arrivals = 1,
    /// Service encounters: needs, times, outcomes, baskets, failures.
    Encounters = 2,
    /// Customers' next visits, defection and word of mouth.
    Customers = 3,
    /// Employees: absence and quitting.
    Workforce = 4,
    /// Sweep designs (Latin hypercube strata and positions); the
    /// "replication" is 0 for the strata and the point id for a point.
    Design = 5,
}

/// The SplitMix64 output function (Steele, Lea & Flood 2014): a bijection
/// of `u64` whose outputs for consecutive inputs look independent.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64's increment (the golden ratio in 64 bits).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Folds one more key component into a hash of the earlier ones. Mixing
/// after every component makes keys that differ in any component give
/// unrelated hashes.
#[inline]
fn fold(hash: u64, part: u64) -> u64 {
    mix(hash ^ mix(part.wrapping_add(GOLDEN_GAMMA)))
}

/// A random stream with the few distributions the model needs.
#[derive(Debug, Clone)]
pub struct Stream {
    /// xoshiro256++ state; never all zero.
    state: [u64; 4],
    /// Hash of (seed, replication, store, purpose): the stream's identity,
    /// from which every day's state is derived.
    key: u64,
    /// The ziggurat tables, looked up once here rather than through their
    /// `OnceLock` at every draw.
    exp_tables: &'static ziggurat::Tables,
    normal_tables: &'static ziggurat::Tables,
}

impl Stream {
    /// The stream for one purpose of one store in one replication, at the
    /// block of draws made while building the store (before day 0).
    pub fn new(seed: u64, replication: u64, store: u32, purpose: Purpose) -> Stream {
        let key = [replication, u64::from(store), purpose as u64]
            .into_iter()
            .fold(mix(seed), fold);
        let mut stream = Stream {
            state: [0; 4],
            key,
            exp_tables: ziggurat::exp_tables(),
            normal_tables: ziggurat::normal_tables(),
        };
        stream.reseed(0);
        stream
    }

    /// Moves to the draws reserved for simulated day `day`: the state is
    /// derived afresh from the stream's key and the day. Starting every day
    /// from its own state keeps two policies' draws aligned day by day: a
    /// difference in how many draws one day took does not shift the draws
    /// of any later day.
    pub fn start_day(&mut self, day: u32) {
        // Block 0 is left to draws made while building the store.
        self.reseed(u64::from(day) + 1);
    }

    /// xoshiro256++ seeded, as its authors recommend, with four SplitMix64
    /// outputs; SplitMix64 starts from the hash of the key and the block.
    fn reseed(&mut self, block: u64) {
        let mut x = fold(self.key, block);
        for word in &mut self.state {
            x = x.wrapping_add(GOLDEN_GAMMA);
            *word = mix(x);
        }
        // SplitMix64 is a bijection on consecutive inputs, so the four words
        // are never all zero (xoshiro's one forbidden state).
        debug_assert!(self.state != [0; 4]);
    }

    /// The next 64 random bits (xoshiro256++).
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1): the 53 high bits of one `u64`.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        ziggurat::unit(self.next_u64())
    }

    /// True with probability `p`.
    #[inline(always)]
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Exponential with mean 1 (ziggurat).
    #[inline(always)]
    pub fn exp1(&mut self) -> f64 {
        let tables = self.exp_tables;
        ziggurat::exp1(tables, || self.next_u64())
    }

    /// Standard normal (ziggurat).
    #[inline(always)]
    pub fn normal(&mut self) -> f64 {
        let tables = self.normal_tables;
        ziggurat::normal(tables, || self.next_u64())
    }

    /// Uniform index in `0..n` (0 < n <= 2^32), unbiased, from the high 32
    /// bits of one `u64` by Lemire's multiply-and-reject (2019); through
    /// `u32` so the value does not depend on the pointer width.
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        debug_assert!(n > 0 && n <= u32::MAX as usize);
        let n = n as u64;
        let mut product = (self.next_u64() >> 32) * n;
        if (product as u32 as u64) < n {
            // Rejecting the lowest 2^32 mod n fractions makes every index
            // equally likely; this branch is rare for small n.
            let threshold = (1u64 << 32) % n;
            while (product as u32 as u64) < threshold {
                product = (self.next_u64() >> 32) * n;
            }
        }
        (product >> 32) as usize
    }

    /// Poisson count with the given mean, by counting exponential gaps in a
    /// unit interval: exact, and cheap for the means a store day sees.
    pub fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 500.0 {
            // Normal approximation for very large means (chains of large
            // stores); the error is far below the model's own noise.
            let x = mean + libm::sqrt(mean) * self.normal();
            return libm::round(x).max(0.0) as u32;
        }
        let mut t = self.exp1();
        let mut n = 0;
        while t < mean {
            n += 1;
            t += self.exp1();
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let draws = |seed, replication, store, purpose| -> Vec<f64> {
            let mut s = Stream::new(seed, replication, store, purpose);
            (0..4).map(|_| s.uniform()).collect()
        };
        let a = draws(7, 3, 0, Purpose::Encounters);
        assert_eq!(a, draws(7, 3, 0, Purpose::Encounters));
        for other in [
            draws(8, 3, 0, Purpose::Encounters),
            draws(7, 4, 0, Purpose::Encounters),
            draws(7, 3, 1, Purpose::Encounters),
            draws(7, 3, 0, Purpose::Customers),
        ] {
            assert_ne!(a, other);
        }
    }

    /// Day `d`'s draws are the same whatever was drawn before, and differ
    /// from day to day and from the building block.
    #[test]
    fn days_start_at_fixed_states() {
        let day_draws = |earlier: usize, day: u32| -> Vec<u64> {
            let mut s = Stream::new(5, 2, 1, Purpose::Arrivals);
            for _ in 0..earlier {
                s.next_u64();
            }
            s.start_day(day);
            (0..3).map(|_| s.next_u64()).collect()
        };
        assert_eq!(day_draws(0, 9), day_draws(1000, 9));
        assert_ne!(day_draws(0, 9), day_draws(0, 10));
        let mut building = Stream::new(5, 2, 1, Purpose::Arrivals);
        let first: Vec<u64> = (0..3).map(|_| building.next_u64()).collect();
        assert_ne!(first, day_draws(0, 0));
    }

    /// The generator itself against the reference implementation's output
    /// (xoshiro256plusplus.c, state 1, 2, 3, 4).
    #[test]
    fn xoshiro_matches_the_reference() {
        let mut s = Stream::new(0, 0, 0, Purpose::Setup);
        s.state = [1, 2, 3, 4];
        let v: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        assert_eq!(v, [41_943_041, 58_720_359, 3_588_806_011_781_223]);
    }

    /// Value stability: these numbers change only if the generator, its
    /// seeding or the stream layout changes, which changes every result.
    #[test]
    fn value_stability() {
        let mut s = Stream::new(42, 0, 0, Purpose::Arrivals);
        let v: Vec<u64> = (0..3).map(|_| (s.uniform() * 1e9) as u64).collect();
        assert_eq!(v, GOLDEN);
    }
    const GOLDEN: [u64; 3] = [893_555_352, 781_461_260, 448_994_656];

    #[test]
    fn index_is_uniform_and_in_range() {
        let mut s = Stream::new(3, 0, 0, Purpose::Arrivals);
        let n = 7;
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[s.index(n)] += 1;
        }
        // Each count is Binomial(70000, 1/7): mean 10000, sd about 93.
        assert!(
            counts.iter().all(|&c| (9_600..=10_400).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(s.index(1), 0);
    }

    #[test]
    fn poisson_mean_is_right() {
        let mut s = Stream::new(1, 0, 0, Purpose::Arrivals);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| u64::from(s.poisson(12.5))).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 12.5).abs() < 0.1, "{mean}");
    }

    #[test]
    fn exponential_moments() {
        let mut s = Stream::new(1, 0, 0, Purpose::Encounters);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.exp1()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        let tail = xs.iter().filter(|x| **x > 3.0).count() as f64 / n as f64;
        assert!(
            (mean - 1.0).abs() < 0.01 && (var - 1.0).abs() < 0.03,
            "{mean} {var}"
        );
        assert!((tail - (-3.0f64).exp()).abs() < 0.003, "{tail}");
    }

    #[test]
    fn normal_moments() {
        let mut s = Stream::new(1, 0, 0, Purpose::Encounters);
        let n = 40_000;
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.02 && (var - 1.0).abs() < 0.03,
            "{mean} {var}"
        );
    }
}

//! M12 Chain of stores: what makes one store differ from the template.

use crate::config::Config;
use crate::rng::{Purpose, Stream};

/// What makes one store of a chain differ from the configured template:
/// several independent drivers, each drawn with its own spread
/// (`[chain]`), so that no single driver sets both staff satisfaction and
/// the latitude in use by construction (docs/MODEL.md, M12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoreProfile {
    /// Manager quality, centred on 0: shifts staff satisfaction (support,
    /// fair rosters); it does not change the latitude in use.
    pub manager_quality: f64,
    /// Multiplier on the store's catchment (households in reach).
    pub market_size: f64,
    /// Multiplier on the pull of competitors (the online rival and other
    /// stores) on this store's customers.
    pub local_competition: f64,
    /// Growth need strength of this store's staff (0-1).
    pub growth_need: f64,
    /// Multiplier on the contracted staff hours (the staffing ratio).
    pub staffing_ratio: f64,
    /// Share of this store's new customers who seek a relationship.
    pub relationship_mix: f64,
    /// The store's offer and premises (assortment, price perception, store
    /// condition), centred on 0: shifts the quality customers perceive in
    /// every served visit, whoever serves them (M2).
    pub offer_quality: f64,
    /// This store's standard-normal draw for a turnaround programme: at a
    /// switch to a config with `chain.manager_change_sd > 0`, its manager
    /// quality moves by `manager_change_sd` times this draw.
    pub programme_draw: f64,
    /// This store's standard-normal draws behind `growth_need` and
    /// `relationship_mix`, kept so that a switch to a config with another
    /// growth need or relationship share moves the store by the same
    /// change (its own deviation from the template stays).
    pub growth_need_draw: f64,
    pub relationship_draw: f64,
}

impl StoreProfile {
    /// Names of the drivers, in the order of [`StoreProfile::values`] (the
    /// driver columns of `stores.csv`).
    pub const DRIVERS: [&'static str; 7] = [
        "manager_quality",
        "market_size",
        "local_competition",
        "growth_need",
        "staffing_ratio",
        "relationship_mix",
        "offer_quality",
    ];

    /// The drivers' values, in the order of [`StoreProfile::DRIVERS`].
    pub fn values(&self) -> [f64; 7] {
        [
            self.manager_quality,
            self.market_size,
            self.local_competition,
            self.growth_need,
            self.staffing_ratio,
            self.relationship_mix,
            self.offer_quality,
        ]
    }

    /// Draws store `index`'s profile from the chain's spreads: normal for
    /// manager quality and the offer, log-normal with mean 1 for the
    /// multipliers, and normal clamped to [0, 1] for the shares. The offer
    /// and the programme draw come after the first six, so adding them left
    /// the other drivers' draws as they were.
    #[doc(hidden)]
    pub fn draw(config: &Config, seed: u64, replication: u64, index: u32) -> StoreProfile {
        let ch = &config.chain;
        let mut s = Stream::new(seed, replication, index, Purpose::Setup);
        let lognormal = |sd: f64, z: f64| libm::exp(sd * z - 0.5 * sd * sd);
        let z: [f64; 8] = std::array::from_fn(|_| s.normal());
        StoreProfile {
            manager_quality: ch.manager_quality_sd * z[0],
            market_size: lognormal(ch.market_size_sd, z[1]),
            local_competition: lognormal(ch.competition_sd, z[2]),
            growth_need: (config.workforce.growth_need + ch.growth_need_sd * z[3]).clamp(0.0, 1.0),
            staffing_ratio: lognormal(ch.staffing_sd, z[4]),
            relationship_mix: (config.market.relationship + ch.relationship_sd * z[5])
                .clamp(0.0, 1.0),
            offer_quality: ch.offer_quality_sd * z[6],
            programme_draw: z[7],
            growth_need_draw: z[3],
            relationship_draw: z[5],
        }
    }

    /// The template store itself.
    #[doc(hidden)]
    pub fn typical(config: &Config) -> StoreProfile {
        StoreProfile {
            manager_quality: 0.0,
            market_size: 1.0,
            local_competition: 1.0,
            growth_need: config.workforce.growth_need,
            staffing_ratio: 1.0,
            relationship_mix: config.market.relationship,
            offer_quality: 0.0,
            programme_draw: 0.0,
            growth_need_draw: 0.0,
            relationship_draw: 0.0,
        }
    }

    /// The profile after a switch to `config`: the staff's growth need and
    /// the relationship share of new customers follow `config`'s template
    /// values, each store keeping its own drawn deviation (so a B with the
    /// same template gives the same bits); a turnaround programme
    /// (`chain.manager_change_sd > 0`) moves manager quality by its spread
    /// times this store's programme draw. The other drivers (catchment,
    /// competition, staffing, offer) are the store's own and do not change.
    /// A single store keeps the template's values whatever the spreads.
    pub fn after_switch(&self, config: &Config) -> StoreProfile {
        let ch = &config.chain;
        let mut p = *self;
        p.growth_need = (config.workforce.growth_need + ch.growth_need_sd * self.growth_need_draw)
            .clamp(0.0, 1.0);
        p.relationship_mix = (config.market.relationship
            + ch.relationship_sd * self.relationship_draw)
            .clamp(0.0, 1.0);
        p.with_programme(config)
    }

    /// The profile once `config`'s turnaround programme has started: manager
    /// quality moved by `chain.manager_change_sd` times this store's
    /// programme draw (unchanged without a programme or in a single store).
    /// `compare` starts it at the switch in each arm whose config has one,
    /// so `compare X X` is zero whatever X's programme.
    pub fn with_programme(&self, config: &Config) -> StoreProfile {
        let ch = &config.chain;
        let mut p = *self;
        if ch.stores > 1 {
            p.manager_quality += ch.manager_change_sd * self.programme_draw;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::StoreProfile;
    use crate::config::Config;

    #[test]
    fn a_switch_moves_growth_need_and_relationship_by_b_s_change_and_keeps_the_rest() {
        let mut a = Config::default();
        a.chain.stores = 3;
        a.chain.growth_need_sd = 0.1;
        a.chain.relationship_sd = 0.1;
        a.chain.market_size_sd = 0.3;
        let p = StoreProfile::draw(&a, 7, 0, 1);
        // The same config gives back the same profile, bit for bit.
        assert_eq!(p.after_switch(&a), p);
        let mut b = a.clone();
        b.workforce.growth_need = a.workforce.growth_need + 0.1;
        b.market.relationship = a.market.relationship - 0.1;
        let q = p.after_switch(&b);
        assert!((q.growth_need - (p.growth_need + 0.1)).abs() < 1e-12);
        assert!((q.relationship_mix - (p.relationship_mix - 0.1)).abs() < 1e-12);
        assert_eq!(
            (q.market_size, q.offer_quality, q.manager_quality),
            (p.market_size, p.offer_quality, p.manager_quality)
        );
    }
}

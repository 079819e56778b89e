//! Property and regression tests of the model: random valid configs give
//! KPIs inside their documented ranges, and the bugs of issue 8 stay fixed.

use effectchain::config::Config;
use effectchain::engine::{run_replication, Kpis};
use proptest::prelude::*;

/// A small store, measured from day 0 so each case is fast.
fn small() -> Config {
    let mut c = Config::default();
    c.simulation.days = 56;
    c.simulation.burn_in_min_years = 0;
    c.simulation.burn_in_max_years = 0;
    c.store.initial_customers = 400;
    c.market.households = 4_000.0;
    c.policy.staff = 4;
    c
}

/// Every KPI is finite; shares are in [0, 1]; times, counts and costs are
/// not negative.
fn assert_in_range(k: &Kpis) {
    for (def, v) in effectchain::engine::KPI_DEFS.iter().zip(k.values()) {
        assert!(v.is_finite(), "{} = {v}", def.name);
        let share = def.unit == "fraction" && def.name != "profit_margin";
        if share || def.unit == "0-1" {
            assert!(
                (0.0..=1.0).contains(&v),
                "{} = {v} outside [0, 1]",
                def.name
            );
        }
        let non_negative = def.name.starts_with("cost_")
            || matches!(
                def.unit,
                "minutes" | "hours" | "visits" | "count" | "customers" | "employees" | "hours/week"
            );
        if non_negative {
            assert!(v >= 0.0, "{} = {v} is negative", def.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_configs_give_kpis_in_range(
        latitude in 0.0..=1.0f64,
        staff in 1u32..8,
        full_time in 0.0..=1.0f64,
        training in 0.0..=160.0f64,
        skill_gain in 0.0..=1.0f64,
        quit_rate in 0.0..=10.0f64,
        growth in 0.0..=1.0f64,
        neutral in 0.0..=1.0f64,
        productivity in 0.0..=0.9f64,
        budget in 0.0..=2_000.0f64,
        failure in 0.0..=1.0f64,
        delight in 0u32..5,
        seed in 0u64..1_000,
    ) {
        let mut c = small();
        c.policy.latitude = latitude;
        c.policy.staff = staff;
        c.policy.full_time_share = full_time;
        c.policy.training_hours = training;
        c.workforce.training_skill_gain = skill_gain;
        c.workforce.quit_rate = quit_rate;
        c.workforce.growth_need = growth;
        c.workforce.growth_need_neutral = neutral;
        c.policy.productivity_target = productivity;
        c.policy.discretion_budget = budget;
        c.service.failure_rate = failure;
        c.policy.delight_target = delight;
        prop_assume!(c.validate().is_ok());
        let r = run_replication(&c, seed, 0);
        assert_in_range(&r.kpis);
        prop_assert!(r.kpis.headcount <= f64::from(staff) + 1e-9);
    }
}

#[test]
fn fast_training_keeps_skill_exhaustion_and_service_time_in_range() {
    // Issue 8: `s += (1 - s) * rate` diverged for rates above 2.
    let mut c = small();
    c.workforce.training_skill_gain = 0.5;
    c.policy.training_hours = 160.0;
    c.workforce.quit_rate = 5.0;
    let k = run_replication(&c, 1, 0).kpis;
    assert_in_range(&k);
    // 40 training hours a week leave the part-timers no floor time at all.
    assert!(k.time_per_customer < 120.0, "{}", k.time_per_customer);
}

#[test]
fn autonomy_is_continuous_near_a_neutral_growth_need_of_one() {
    // Issue 8: the autonomy term divided by 1 - growth_need_neutral.
    let satisfaction = |neutral: f64| {
        let mut c = small();
        c.workforce.growth_need = 1.0;
        c.workforce.growth_need_neutral = neutral;
        c.policy.latitude = 1.0;
        run_replication(&c, 2, 0).kpis.staff_satisfaction
    };
    let (a, b) = (satisfaction(0.999), satisfaction(1.0));
    assert!((a - b).abs() < 0.01, "{a} vs {b}");
}

#[test]
fn delighted_share_counts_served_visits_only() {
    // Issue 8: balked visits were counted as delighted.
    let mut c = small();
    c.policy.staff = 1;
    c.market.patience_minutes = 0.1;
    c.customer.balk_experience = 1.0;
    let k = run_replication(&c, 3, 0).kpis;
    assert!(k.balked > 0.0);
    assert!(k.delighted_share <= 1.0, "{}", k.delighted_share);
}

#[test]
fn a_pulse_of_size_zero_draws_like_no_pulse() {
    // Issue 8: pulse_size 0 was a sentinel that changed the draws.
    let mut a = small();
    a.simulation.days = 70;
    let mut b = a.clone();
    b.market.pulse_start_week = 4;
    b.market.pulse_weeks = 2;
    b.market.pulse_size = 0.0;
    assert_eq!(
        run_replication(&a, 4, 0).kpis,
        run_replication(&b, 4, 0).kpis
    );
}

#[test]
fn headcount_does_not_count_the_days_leavers() {
    let mut c = small();
    c.workforce.quit_rate = 10.0;
    c.workforce.hiring_delay_days = 3_650.0;
    let r = run_replication(&c, 5, 0);
    // Everyone quits within the run and nobody is hired back: the last
    // day's filled positions are none, and the mean is below the payroll.
    assert!(r.kpis.headcount < f64::from(c.policy.staff));
}

/// The encounter applies `service.busy_display_loss` (M2): with a line
/// waiting, staff satisfaction above neutral lifts quality less, so losing
/// all of the link leaves customers less happy than losing none of it.
/// (The unit test of `busy_link` checks the factor, not that the encounter
/// uses it.)
#[test]
fn a_line_waiting_weakens_the_lift_of_satisfied_staff() {
    let mut keep = small();
    // A busy store, so that many encounters start with a line waiting, and
    // very satisfied staff, so that the link carries much of the quality
    // (at the default satisfaction of 0.6 it is 0.04 of it, below the
    // noise of three short replications whose histories diverge).
    keep.policy.staff = 3;
    keep.workforce.base_satisfaction = 0.95;
    keep.workforce.initial_satisfaction = 0.95;
    keep.service.busy_display_loss = 0.0;
    let mut lose = keep.clone();
    lose.service.busy_display_loss = 1.0;
    for replication in 0..3 {
        let (k, l) = (
            run_replication(&keep, 8, replication).kpis,
            run_replication(&lose, 8, replication).kpis,
        );
        assert!(
            k.staff_satisfaction > 0.5,
            "satisfied staff: {}",
            k.staff_satisfaction
        );
        assert!(
            l.mean_happiness < k.mean_happiness,
            "replication {replication}: {} (loss 1) vs {} (loss 0)",
            l.mean_happiness,
            k.mean_happiness
        );
    }
}

/// Ordinary sick days (`workforce.sick_rate`, M7) take staff off the floor
/// whatever their state: at a rate of 1 everyone is absent from the second
/// day on, so only the first day's visitors are served; a small rate loses
/// some service and costs no wages (absent staff are paid).
#[test]
fn sick_days_take_staff_off_the_floor_and_stay_paid() {
    let mut healthy = small();
    healthy.workforce.sick_rate = 0.0;
    // Nobody quits, so the payroll is the same positions in every run.
    healthy.workforce.quit_rate = 0.0;
    let mut all_sick = healthy.clone();
    all_sick.workforce.sick_rate = 1.0;
    let (h, s) = (
        run_replication(&healthy, 3, 0).kpis,
        run_replication(&all_sick, 3, 0).kpis,
    );
    // 56 days measured; at most the first day's visits are served.
    assert!(
        s.served > 0.0 && s.served < h.served / 20.0,
        "{} vs {}",
        s.served,
        h.served
    );
    assert_eq!(s.cost_wages, h.cost_wages, "absent staff are still paid");
    let mut some_sick = healthy.clone();
    some_sick.workforce.sick_rate = 0.2;
    let m = run_replication(&some_sick, 3, 0).kpis;
    assert!(
        m.lost_visit_share > h.lost_visit_share,
        "{} vs {}",
        m.lost_visit_share,
        h.lost_visit_share
    );
}

/// Returning visits, most of a settled store's visits, follow the season
/// with its full amplitude (docs/MODEL.md M5: intervals exponential in
/// seasonal time). Scaling the interval by the season around its expected
/// end, as the model once did, gave the default store four-week visit
/// means of only 0.95 to 1.06 for an amplitude of 0.15.
#[test]
fn visits_follow_the_season_with_its_amplitude() {
    let mut config = Config::default();
    config.simulation.days = effectchain::model::DAYS_PER_YEAR;
    let mut blocks = [0.0; 13];
    for index in 0..4 {
        // The burn-in is whole years, so the measured day d is day d of the
        // year, whose season peaks on `store.season_peak_day` (350).
        let daily = run_replication(&config, 7, index).daily;
        for (day, point) in daily.iter().enumerate() {
            blocks[day / 28] += point.visits;
        }
    }
    let mean = blocks.iter().sum::<f64>() / 13.0;
    let peak = blocks[12] / mean;
    let trough = blocks[6] / mean;
    // The cosine's means over the two blocks are 1.15 and 0.854.
    assert!(peak > 1.10, "peak four weeks {peak:.3} of the mean");
    assert!(trough < 0.90, "trough four weeks {trough:.3} of the mean");
}

/// A customer who never defects and always comes back at the base rate
/// visits once every `market.visit_interval_days` on average, short
/// intervals included (docs/MODEL.md M5). A visit booked a calendar day
/// late and snapped into the weekday profile's week, as once, made the
/// realised interval 1.22 times the nominal at 7 days and 4.2 times at 1.
/// (Below a week the day's granularity shows: a visit comes tomorrow at
/// the soonest, and at 3.5 days the realised interval is 3.64, at 1 day
/// 1.37; those are not tested here.)
#[test]
fn the_realised_visit_interval_is_the_nominal_one() {
    for interval in [7.0, 14.0, 45.0] {
        let mut config = Config::default();
        config.simulation.days = effectchain::model::DAYS_PER_YEAR;
        config.market.relationship = 1.0;
        config.market.min_visit_rate = 1.0;
        config.market.online_pull_per_year = 0.0;
        config.market.acquisition_rate = 0.0;
        // No first visits by referral either: every visit is a return.
        config.customer.referral_conversion = 0.0;
        config.customer.defection_per_year = 0.0;
        config.market.visit_interval_days = interval;
        // The same daily load as the default store.
        config.market.households *= interval / 45.0;
        config.store.initial_customers =
            (f64::from(config.store.initial_customers) * interval / 45.0) as u32;
        let daily = run_replication(&config, 11, 0).daily;
        let visits: f64 = daily.iter().map(|d| d.visits).sum();
        let customer_days: f64 = daily.iter().map(|d| d.active_customers).sum();
        let realised = customer_days / visits;
        assert!(
            (realised / interval - 1.0).abs() < 0.03,
            "nominal interval {interval} days, realised {realised:.2}"
        );
    }
}

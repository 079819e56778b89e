//! `policy.extra_staff_by_weekday`: the roster puts the extra people's
//! hours on their day, the queue on that day shortens, and their wages
//! appear in the costs (docs/MODEL.md, M1 and M9).

use effectchain::config::Config;
use effectchain::model::{Store, StoreDay, StoreProfile, WEEKDAYS};

const SATURDAY: usize = 5;
const YEAR: u32 = 364;

/// The default store with nobody quitting or absent, so the two arms
/// employ the same people every day and differ only by the Saturday job.
fn config(saturday_extra: u32) -> Config {
    let mut text = String::from(
        "[workforce]\nquit_rate = 0.0\nabsence_rate = 0.0\nsick_rate = 0.0\n[policy]\nextra_staff_by_weekday = ",
    );
    text.push_str(&format!("[0, 0, 0, 0, 0, {saturday_extra}, 0]\n"));
    Config::from_toml_str(&text, "weekday.toml").unwrap()
}

/// One store-year per replication, day by day.
fn days(config: &Config, replication: u64) -> Vec<StoreDay> {
    let mut store = Store::new(config, StoreProfile::typical(config), 11, replication, 0);
    (0..YEAR).map(|d| store.step(d)).collect()
}

/// Per weekday: (floor hours, wait hours, served, balked), summed.
fn by_weekday(days: &[StoreDay]) -> [[f64; 4]; 7] {
    let mut out = [[0.0; 4]; 7];
    for (d, day) in days.iter().enumerate() {
        let w = &mut out[d % 7];
        w[0] += day.floor_hours;
        w[1] += day.wait_hours;
        w[2] += day.served;
        w[3] += day.balked;
    }
    out
}

#[test]
fn one_more_person_on_saturdays_works_saturdays_and_is_paid() {
    let (without, with) = (config(0), config(1));
    let weeks = f64::from(YEAR / 7);
    let mut sum_a = [[0.0; 4]; 7];
    let mut sum_b = [[0.0; 4]; 7];
    let replications = 3;
    for r in 0..replications {
        let (a, b) = (days(&without, r), days(&with, r));
        for (d, (x, y)) in a.iter().zip(&b).enumerate() {
            let weekday = d % 7;
            // The roster: 8 contract hours (a Saturday of 8.5 hours, capped
            // at the 8-hour shift) less 4.8 weeks' annual leave spread over
            // the year (0.74 h a week) and half an hour of training leave
            // 6.76 hours, planned as 7 whole half hours on the floor, every
            // Saturday and only then.
            let extra = if weekday == SATURDAY { 7.0 } else { 0.0 };
            assert!(
                (y.floor_hours - x.floor_hours - extra).abs() < 1e-9,
                "day {d} ({}): floor hours {} without, {} with",
                WEEKDAYS[weekday],
                x.floor_hours,
                y.floor_hours
            );
            // The wage bill: 8 hours a week paid daily (8/7 h), less the
            // training share, at 22 EUR an hour; training at wage plus
            // trainer cost.
            let training = 2.0 / 28.0;
            let wages = (8.0 / 7.0 - training) * 22.0;
            assert!(
                (y.cost_wages - x.cost_wages - wages).abs() < 1e-6,
                "day {d}: wages {} vs {}",
                y.cost_wages,
                x.cost_wages
            );
            assert!(
                (y.cost_training - x.cost_training - training * 52.0).abs() < 1e-6,
                "day {d}: training {} vs {}",
                y.cost_training,
                x.cost_training
            );
            assert_eq!(y.headcount, x.headcount + 1.0, "day {d}");
        }
        for (sum, series) in [(&mut sum_a, &a), (&mut sum_b, &b)] {
            for (s, w) in sum.iter_mut().zip(by_weekday(series)) {
                for k in 0..4 {
                    s[k] += w[k];
                }
            }
        }
    }
    let minutes = |w: &[f64; 4]| 60.0 * w[1] / w[2];
    let mut lines = Vec::new();
    for d in 0..7 {
        let (a, b) = (&sum_a[d], &sum_b[d]);
        lines.push(format!(
            "{:<9} floor h/day {:>5.1} -> {:>5.1}; mean wait {:>5.2} -> {:>5.2} min; \
             served/day {:>6.1} -> {:>6.1}; left unserved/day {:>5.1} -> {:>5.1}",
            WEEKDAYS[d],
            a[0] / weeks / replications as f64,
            b[0] / weeks / replications as f64,
            minutes(a),
            minutes(b),
            a[2] / weeks / replications as f64,
            b[2] / weeks / replications as f64,
            a[3] / weeks / replications as f64,
            b[3] / weeks / replications as f64,
        ));
    }
    let table = lines.join("\n");
    eprintln!("{table}");
    // The queue: the Saturday wait falls by more than a tenth, and by at
    // least twice the relative change of any other day's wait (those days
    // keep the same staff; only their customers differ, through what
    // happened on Saturdays and the streams that diverge with it).
    let change = |d: usize| minutes(&sum_b[d]) / minutes(&sum_a[d]) - 1.0;
    let saturday = change(SATURDAY);
    assert!(
        saturday < -0.1,
        "the Saturday wait does not fall by a tenth:\n{table}"
    );
    for d in (0..7).filter(|&d| d != SATURDAY) {
        assert!(
            change(d).abs() < saturday.abs() / 2.0,
            "{} moved as much as Saturday:\n{table}",
            WEEKDAYS[d]
        );
    }
    // Fewer customers leave unserved on Saturdays.
    assert!(sum_b[SATURDAY][3] < sum_a[SATURDAY][3], "{table}");
}

/// Annual leave (docs/MODEL.md M1): the default payroll of 234 contract
/// hours a week plans 213 floor hours with 4.8 weeks' leave (full-timers
/// 5 shifts of 7 hours, part-timers 3 of 6) and 229.5 without leave; the
/// 5-hour Sunday cuts the shifts placed on it, so 209 and 222.5 are on the
/// floor. The wage bill is the same: leave is paid.
#[test]
fn annual_leave_is_paid_time_off_the_floor() {
    let week = |leave: f64| {
        let mut c = config(0);
        c.workforce.annual_leave_weeks = leave;
        let days = days(&c, 0);
        let floor: f64 = days[..7].iter().map(|d| d.floor_hours).sum();
        let wages: f64 = days[..7].iter().map(|d| d.cost_wages).sum();
        (floor, wages)
    };
    let (with_leave, wages_with) = week(4.8);
    let (without, wages_without) = week(0.0);
    assert!((with_leave - 209.0).abs() < 1e-9, "{with_leave}");
    assert!((without - 222.5).abs() < 1e-9, "{without}");
    assert!((wages_with - wages_without).abs() < 1e-6);
}

#[test]
fn bad_weekday_staff_names_the_key_the_day_and_the_range() {
    let err = |value: &str| {
        Config::from_toml_str(
            &format!("[policy]\nextra_staff_by_weekday = {value}\n"),
            "w.toml",
        )
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        err("[0, 0, 0, 0, 0, 101, 0]"),
        "w.toml:2:1: key `policy.extra_staff_by_weekday`: expected a whole number from 0 \
         to 100 (extra employees) on Saturday, found 101"
    );
    let e = err("[0, 0, 0, 0, 0, 1.5, 0]");
    assert!(e.starts_with("w.toml:2:"), "{e}");
    assert!(
        e.contains(
            "key `policy.extra_staff_by_weekday[5]`: expected a whole number from 0 to 100 \
             (extra employees) on Saturday, found floating point `1.5`"
        ),
        "{e}"
    );
    let e = err("[0, -1, 0, 0, 0, 0, 0]");
    assert!(e.contains("on Tuesday, found integer `-1`"), "{e}");
    assert_eq!(
        err("[0, 0, 1]"),
        "w.toml:2:1: key `policy.extra_staff_by_weekday`: expected 7 whole numbers \
         (Monday to Sunday), found 3"
    );
    let closed = Config::from_toml_str(
        "[store]\nopening_hours = [8.5, 8.5, 8.5, 8.5, 11.5, 8.5, 0.0]\n\
         [policy]\nextra_staff_by_weekday = [0, 0, 0, 0, 0, 0, 2]\n",
        "c.toml",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        closed,
        "c.toml:4:1: key `policy.extra_staff_by_weekday`: expected 0 on Sunday, a day the \
         store is closed (store.opening_hours is 0), found 2"
    );
}

#[test]
fn the_cli_refuses_bad_weekday_staff_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[policy]\nextra_staff_by_weekday = [0, 0, 0, 0, 0, 101, 0]\n",
    )
    .unwrap();
    let out = crate::util::effectchain()
        .arg("run")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "bad.toml:2:1: key `policy.extra_staff_by_weekday`: expected a whole number from 0 \
             to 100 (extra employees) on Saturday, found 101"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

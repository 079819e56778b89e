//! What a policy switch is worth over time: the analysis of the paired
//! daily profit differences of a comparison.
//!
//! `compare` starts A and B from the same settled state and runs both for
//! `simulation.years_after_switch` years of 364 days. Replication k gives a
//! series `x_k[t]` (t = 0, 1, ...): B's profit minus A's on day `t + 1`
//! after the switch (EUR, chain total). This module turns those series into
//! the four answers a manager asks for, each with a 95% CI across
//! replications ([`Stats`]):
//!
//! * **by year** ([`SwitchAnalysis::by_year`]): `x_k` summed over year y
//!   (days `364 (y-1) + 1 ..= 364 y`), summarised over k. A trailing part
//!   year, if the horizon is not a whole number of years, is a last entry
//!   with fewer days ([`YearDifference::days`]); the entries always add up
//!   to the total difference over the horizon.
//! * **payback** ([`Payback`]): let `C_k(d)` be the cumulative difference
//!   up to day d and `C(d)` its [`Stats`] over k (mean and 95% CI band).
//!   The payback day is the first day d such that the mean `C(t) > 0` for
//!   every t from d to the end of the horizon (so a curve that turns
//!   positive and falls back does not count as paid). The same rule
//!   applied to the upper band gives the early end of its CI and applied to
//!   the lower band the late end; either may be "not within the horizon".
//!   With the upper band never positive at the end, neither is the mean:
//!   the switch does not pay within the horizon.
//! * **long run** ([`LongRun`]): the per-year difference once both arms
//!   have settled: per replication, the mean of the yearly sums over the
//!   last `max(1, floor(N/2))` whole years of the N (years 4 and 5 of 5),
//!   then summarised over k. The first half of the horizon is left out as
//!   the transient of the switch (staff, customers and the service
//!   standard adapting to B's policy).
//! * **NPV** ([`SwitchAnalysis::npv`]): per replication,
//!   `sum_t x_k[t] (1 + i)^(-(t + 1) / 364)` with i the annual discount
//!   rate (day d = t + 1 is discounted at the end of that day), then
//!   summarised over k.
//!
//! **Invariant:** everything is reduced sequentially, day by day and in
//! replication order, so the analysis is bit-identical whatever the thread
//! count.

use super::stats::Stats;

/// Days in one year of the analysis (52 weeks, the model's calendar).
pub const DAYS_PER_YEAR: usize = crate::model::DAYS_PER_YEAR as usize;

/// The profit difference B - A summed over one year after the switch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearDifference {
    /// Year after the switch, from 1.
    pub year: usize,
    /// Days it covers: 364, or fewer for a trailing part year.
    pub days: usize,
    /// The paired difference summed over the year (EUR), across
    /// replications.
    pub difference: Stats,
}

/// When the cumulative profit difference turns positive for good.
///
/// Days count from the switch: day 1 is the first day after it. `None`
/// means "not within the horizon".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payback {
    /// First day from which the mean cumulative difference stays above
    /// zero to the end of the horizon.
    pub day: Option<usize>,
    /// The same day for the upper edge of the 95% CI band: the early end
    /// of the payback day's CI.
    pub ci_early: Option<usize>,
    /// The same day for the lower edge of the band: the late end of the CI
    /// (`None`: the band's lower edge never stays positive, so a payback
    /// within the horizon is not certain).
    pub ci_late: Option<usize>,
}

impl Payback {
    /// Whether the mean cumulative difference pays back within the horizon.
    pub fn pays_within_horizon(&self) -> bool {
        self.day.is_some()
    }
}

/// The per-year profit difference once both arms have settled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongRun {
    /// First year after the switch counted (from 1).
    pub first_year: usize,
    /// Last year counted.
    pub last_year: usize,
    /// Mean yearly paired difference over those years (EUR/year).
    pub per_year: Stats,
}

/// Everything the analysis of a switch reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SwitchAnalysis {
    /// Days after the switch in the series (the horizon).
    pub days: usize,
    /// The annual discount rate the NPV uses.
    pub discount_rate: f64,
    /// Per year after the switch, in order.
    pub by_year: Vec<YearDifference>,
    /// The paired difference summed over the whole horizon (EUR).
    pub total: Stats,
    /// Per day d = 1..=days (index d - 1): the cumulative paired
    /// difference up to day d, across replications (EUR).
    pub cumulative: Vec<Stats>,
    pub payback: Payback,
    /// `None` when the horizon holds no whole year.
    pub long_run: Option<LongRun>,
    /// Net present value of the daily paired difference (EUR).
    pub npv: Stats,
}

impl SwitchAnalysis {
    /// Analyses per-replication daily differences B - A (`differences[k][t]`
    /// for replication k, day t + 1 after the switch), given in replication
    /// order. Series of unequal length are cut to the shortest.
    pub fn of(differences: &[Vec<f64>], discount_rate: f64) -> SwitchAnalysis {
        let days = differences.iter().map(Vec::len).min().unwrap_or(0);
        let series: Vec<&[f64]> = differences.iter().map(|x| &x[..days]).collect();
        let across = |f: &dyn Fn(&[f64]) -> f64| -> Stats {
            Stats::of(&series.iter().map(|x| f(x)).collect::<Vec<_>>())
        };
        let sum = |x: &[f64]| x.iter().sum::<f64>();

        let by_year: Vec<YearDifference> = (0..days.div_ceil(DAYS_PER_YEAR))
            .map(|y| {
                let (from, to) = (y * DAYS_PER_YEAR, ((y + 1) * DAYS_PER_YEAR).min(days));
                YearDifference {
                    year: y + 1,
                    days: to - from,
                    difference: across(&|x| sum(&x[from..to])),
                }
            })
            .collect();
        let total = across(&|x| sum(x));

        let mut running = vec![0.0; series.len()];
        let cumulative: Vec<Stats> = (0..days)
            .map(|t| {
                for (c, x) in running.iter_mut().zip(&series) {
                    *c += x[t];
                }
                Stats::of(&running)
            })
            .collect();
        let payback = Payback {
            day: pays_from(cumulative.iter().map(|s| s.mean)),
            ci_early: pays_from(cumulative.iter().map(|s| s.ci_high)),
            ci_late: pays_from(cumulative.iter().map(|s| s.ci_low)),
        };

        let whole_years = days / DAYS_PER_YEAR;
        let long_run = (whole_years > 0).then(|| {
            let counted = (whole_years / 2).max(1);
            let first = whole_years - counted;
            let (from, to) = (first * DAYS_PER_YEAR, whole_years * DAYS_PER_YEAR);
            LongRun {
                first_year: first + 1,
                last_year: whole_years,
                per_year: across(&|x| sum(&x[from..to]) / counted as f64),
            }
        });

        let factors: Vec<f64> = (1..=days)
            .map(|d| (1.0 + discount_rate).powf(-(d as f64) / DAYS_PER_YEAR as f64))
            .collect();
        let npv = across(&|x| x.iter().zip(&factors).map(|(v, f)| v * f).sum());

        SwitchAnalysis {
            days,
            discount_rate,
            by_year,
            total,
            cumulative,
            payback,
            long_run,
            npv,
        }
    }
}

/// The first day d (from 1) such that the curve (day d at index d - 1) is
/// above zero from d to its end; `None` if its last value is not.
pub fn pays_from(curve: impl DoubleEndedIterator<Item = f64> + ExactSizeIterator) -> Option<usize> {
    let len = curve.len();
    let positive_tail = curve.rev().take_while(|v| *v > 0.0).count();
    (positive_tail > 0).then(|| len - positive_tail + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn pays_from_finds_the_start_of_the_positive_tail() {
        assert_eq!(pays_from([-1.0, 2.0, -0.5, 1.0, 3.0].into_iter()), Some(4));
        assert_eq!(pays_from([1.0, 2.0].into_iter()), Some(1));
        assert_eq!(pays_from([1.0, 0.0].into_iter()), None);
        assert_eq!(pays_from(std::iter::empty::<f64>()), None);
    }

    /// Two replications over two years: a switch that costs 10 EUR a day in
    /// the first 100 days and earns 5 (replication 0) or 7 (replication 1)
    /// a day afterwards.
    fn hand_made() -> Vec<Vec<f64>> {
        let series = |gain: f64| -> Vec<f64> {
            (0..2 * DAYS_PER_YEAR)
                .map(|t| if t < 100 { -10.0 } else { gain })
                .collect()
        };
        vec![series(5.0), series(7.0)]
    }

    #[test]
    fn by_year_long_run_and_total_by_hand() {
        let a = SwitchAnalysis::of(&hand_made(), 0.0);
        assert_eq!(a.days, 728);
        assert_eq!(a.by_year.len(), 2);
        // Year 1: 100 x -10 + 264 x gain = 320 or 848; year 2: 364 x gain.
        let y1 = a.by_year[0].difference;
        assert_eq!((a.by_year[0].year, a.by_year[0].days), (1, 364));
        assert!(close(y1.mean, 584.0), "{y1:?}");
        let y2 = a.by_year[1].difference;
        assert!(close(y2.mean, 364.0 * 6.0));
        // sd of {1820, 2548} = 728 / sqrt 2; CI = mean +- 12.706 sd / sqrt 2.
        assert!(close(y2.half_width(), 12.706 * 364.0));
        let long = a.long_run.unwrap();
        assert_eq!((long.first_year, long.last_year), (2, 2));
        assert!(close(long.per_year.mean, 2184.0));
        let sum: f64 = a.by_year.iter().map(|y| y.difference.mean).sum();
        assert!(close(sum, a.total.mean));
        assert!(close(a.cumulative[727].mean, a.total.mean));
        // Without discounting the NPV is the total.
        assert!(close(a.npv.mean, a.total.mean));
    }

    #[test]
    fn payback_by_hand() {
        let a = SwitchAnalysis::of(&hand_made(), 0.0);
        // Mean: -1000 after day 100, then +6 a day: C(d) = -1000 + 6 (d - 100)
        // > 0 from d = 267 (C(266) = -4, C(267) = 2).
        assert_eq!(a.payback.day, Some(267));
        assert!(a.payback.pays_within_horizon());
        // The band: sd of C_k(d) is sqrt 2 (d - 100), so the half-width is
        // 12.706 (d - 100). The upper edge -1000 + 18.706 (d - 100) turns
        // positive at d - 100 = 54; the lower edge, -1000 - 6.706 (d - 100),
        // never does.
        assert_eq!(a.payback.ci_early, Some(154));
        assert_eq!(a.payback.ci_late, None);
        // Paying back needs the mean above zero to the end: a curve that
        // falls back below zero on the last day has not paid.
        let mut dips = hand_made();
        for x in &mut dips {
            x[727] = -1e6;
        }
        assert_eq!(SwitchAnalysis::of(&dips, 0.0).payback.day, None);
    }

    #[test]
    fn identical_replications_have_a_degenerate_band() {
        let series: Vec<f64> = (0..3 * DAYS_PER_YEAR + 10)
            .map(|t| if t < 30 { -1.0 } else { 1.0 })
            .collect();
        let a = SwitchAnalysis::of(&[series.clone(), series], 0.0);
        // C(d) = -30 + (d - 30) > 0 from d = 61.
        assert_eq!(a.payback.day, Some(61));
        assert_eq!(a.payback.ci_early, Some(61));
        assert_eq!(a.payback.ci_late, Some(61));
        // Three whole years and a 10-day part year; the long run is the
        // last floor(3 / 2) = 1 whole year.
        assert_eq!(a.by_year.len(), 4);
        assert_eq!(a.by_year[3].days, 10);
        assert!(close(a.by_year[3].difference.mean, 10.0));
        let long = a.long_run.unwrap();
        assert_eq!((long.first_year, long.last_year), (3, 3));
        assert!(close(long.per_year.mean, 364.0));
        assert_eq!(long.per_year.half_width(), 0.0);
    }

    #[test]
    fn npv_discounts_each_day_by_its_distance_from_the_switch() {
        // 1 EUR on day 364 only, and 1 EUR on every day of one year.
        let mut one = vec![0.0; DAYS_PER_YEAR];
        one[DAYS_PER_YEAR - 1] = 1.0;
        let a = SwitchAnalysis::of(&[one], 0.1);
        assert!(close(a.npv.mean, 1.0 / 1.1));
        let flat = SwitchAnalysis::of(&[vec![1.0; DAYS_PER_YEAR]], 0.1);
        let v = 1.1f64.powf(-1.0 / 364.0);
        let expected = v * (1.0 - v.powi(364)) / (1.0 - v);
        assert!(close(flat.npv.mean, expected), "{}", flat.npv.mean);
        assert!(flat.npv.mean < 364.0 && flat.npv.mean > 364.0 / 1.1);
    }

    #[test]
    fn zero_differences_never_pay() {
        let a = SwitchAnalysis::of(&[vec![0.0; 728], vec![0.0; 728]], 0.1);
        assert!(a.by_year.iter().all(|y| y.difference.mean == 0.0));
        assert_eq!(
            a.payback,
            Payback {
                day: None,
                ci_early: None,
                ci_late: None
            }
        );
        assert_eq!(a.npv.mean, 0.0);
        assert_eq!(a.long_run.unwrap().per_year.mean, 0.0);
    }

    #[test]
    fn an_empty_horizon_reports_nothing() {
        let a = SwitchAnalysis::of(&[], 0.1);
        assert_eq!(a.days, 0);
        assert!(a.by_year.is_empty() && a.long_run.is_none());
        assert!(!a.payback.pays_within_horizon());
    }
}

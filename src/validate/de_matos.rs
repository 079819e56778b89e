//! The recovery paradox (de Matos, Henrique & Rossi 2007, meta-analysis):
//! after a failure with a good recovery, satisfaction may exceed the
//! no-failure level, but repurchase intention does not. In the settled
//! store, with recoveries made excellent and free of extra time (latitude
//! 1, an ample discretion budget, every recovery of quality 1), a store
//! with the default failure rate is compared with one without failures:
//! satisfaction (the visitors' happiness just after their visits, as the
//! studies' customer surveys read it) may be at or above the no-failure
//! level; return visits must not be above it (CI not entirely above zero).

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::{Config, RecoveryPolicy};
use crate::experiment::compare::compare_runs;
use crate::output::columns;

pub const NAME: &str = "de_matos";
pub const TITLE: &str = "de Matos et al.: the recovery paradox";

fn store(failures: bool) -> Config {
    let mut c = Config::default();
    c.policy.latitude = 1.0;
    c.policy.discretion_budget = 10_000.0;
    c.policy.recovery = RecoveryPolicy::EmotionFirst;
    c.recovery.on_spot_rate = 1.0;
    c.recovery.on_spot_quality = 1.0;
    c.recovery.on_spot_minutes = 0.0;
    c.recovery.emotion_quality = 1.0;
    c.recovery.emotion_minutes = 0.0;
    c.recovery.emotion_escalation = 0.0;
    if !failures {
        c.service.failure_rate = 0.0;
    }
    c
}

pub fn run(size: Size) -> Outcome {
    let replications = size.pick(40, 8);
    let seed = 2007;
    let runs = compare_runs(&store(false), &store(true), seed, replications, &|| {});
    let dh = runs
        .comparison
        .difference_of("shopper_happiness")
        .expect("a KPI");
    let dv = runs
        .comparison
        .difference_of("arrivals_returning")
        .expect("a KPI");
    let base_v = runs.a.kpi("arrivals_returning").expect("a KPI").mean;
    let dr = runs
        .comparison
        .difference_of("annual_retention")
        .expect("a KPI");
    let sat = Figure::from(dh);
    let rep = Figure {
        value: 100.0 * dv.mean / base_v,
        ci_low: 100.0 * dv.ci_low / base_v,
        ci_high: 100.0 * dv.ci_high / base_v,
    };
    Outcome {
        name: NAME,
        title: TITLE,
        source: "de Matos, Henrique & Rossi (2007), Journal of Service Research: a recovery \
                 paradox on satisfaction, none on repurchase intention",
        criteria: vec![
            Criterion {
                measure: "shoppers' happiness after their visit, failures with excellent recovery \
                          minus no failures"
                    .into(),
                target: "may be at or above zero; pass: CI reaches zero or above".into(),
                obtained: sat,
                pass: sat.ci_high >= 0.0,
            },
            Criterion {
                measure:
                    "return visits, failures with excellent recovery over no failures (% change)"
                        .into(),
                target: "not above zero; pass: CI not entirely above zero".into(),
                obtained: rep,
                pass: rep.ci_low <= 0.0,
            },
        ],
        setup: format!(
            "{replications} paired replications of the settled default store with latitude 1, \
             discretion budget 10000 EUR, emotion-first recovery, every recovery of quality 1 and \
             no extra time; switch: failure rate 0 -> the default; annual retention change \
             {:+.4} (95% CI {:+.4} to {:+.4})",
            dr.mean, dr.ci_low, dr.ci_high
        ),
        data: vec![DataSet {
            name: "de-matos".into(),
            title: "Failure with excellent recovery against no failure".into(),
            kind: PlotKind::Bars,
            x_label: "".into(),
            y_label: "difference".into(),
            categories: vec!["happiness (x100)".into(), "return visits (%)".into()],
            columns: columns::value_with_interval("measure", "difference"),
            rows: vec![
                vec![
                    0.0,
                    100.0 * sat.value,
                    100.0 * sat.ci_low,
                    100.0 * sat.ci_high,
                ],
                vec![1.0, rep.value, rep.ci_low, rep.ci_high],
            ],
        }],
    }
}

//! The controls of the what-if page and the two configs they make.
//!
//! The page sends its control values as a map from dotted config key to a
//! JSON value (`{"policy.latitude": 0.7}`); only the keys in [`CONTROLS`]
//! are accepted. The store controls ("what kind of store is this") change
//! both arms, the policy controls only the what-if:
//!
//! ```text
//! today   = base config + store controls
//! what-if = today        + policy controls
//! ```
//!
//! Values are written into the base config's TOML tree and the result is
//! parsed by [`Config::from_toml_str`], the path every config file takes,
//! so a bad value gets the same message as the CLI gives for it in a file.

use serde::Serialize;
use serde_json::Value as Json;

use crate::config::{Config, ConfigError};

/// Most entries a request's change map may hold (there are fewer controls).
pub const MAX_CHANGES: usize = 64;

/// File stem and verdict label of the reference arm (the downloaded
/// `today.toml`).
pub const TODAY: &str = "today";
/// File stem and verdict label of the changed arm (`what-if.toml`).
pub const WHAT_IF: &str = "what-if";

/// Which arms a control changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// A lever of the policy: changes the what-if only.
    Policy,
    /// What kind of store this is (Bowen & Lawler contingencies): changes
    /// the store both policies run in.
    Store,
}

/// How a control is shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Widget {
    /// A slider with a number box; `step` is the slider's step (the box
    /// takes any number, which the config check then judges).
    Number { min: f64, max: f64, step: f64 },
    /// A choice among the key's TOML values, each with its words.
    Choice {
        options: &'static [(&'static str, &'static str)],
    },
    /// Seven whole-number boxes, Monday to Sunday (a list key); the
    /// boxes' arrows step by 1 from `min` to `max`.
    Weekdays { min: f64, max: f64 },
}

/// One control of the page.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Control {
    /// Dotted config key.
    pub key: &'static str,
    pub group: Group,
    /// What a manager calls it.
    pub label: &'static str,
    /// One sentence: what it means, with the unit.
    pub help: &'static str,
    /// The unit shown next to the number.
    pub unit: &'static str,
    pub widget: Widget,
}

const fn number(min: f64, max: f64, step: f64) -> Widget {
    Widget::Number { min, max, step }
}

/// Every control, in page order. Slider ranges are what a store plausibly
/// sets; the number box accepts anything and the config check decides.
pub const CONTROLS: &[Control] = &[
    Control {
        key: "policy.latitude",
        group: Group::Policy,
        label: "Latitude for staff",
        help: "How much room staff have to decide and act for the customer without asking: 0 = follow the script, 1 = decide freely.",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
    Control {
        key: "policy.staff",
        group: Group::Policy,
        label: "Staff on the payroll",
        help: "Employees employed. The roster puts each one's contract hours on the days and hours with the most customers per person on the floor.",
        unit: "employees",
        widget: number(2.0, 30.0, 1.0),
    },
    Control {
        key: "policy.extra_staff_by_weekday",
        group: Group::Policy,
        label: "Extra people on the floor, by day",
        help: "People added for one day a week only (a Saturday job, say), on top of the staff above: each works one shift that day (the day's opening hours, up to 8 hours) at the busiest times and is paid the hourly wage for it. In the what-if they are new hires: a few weeks to hire, and the hiring cost.",
        unit: "employees",
        widget: Widget::Weekdays {
            min: 0.0,
            max: 10.0,
        },
    },
    Control {
        key: "policy.full_time_share",
        group: Group::Policy,
        label: "Share on full-time contracts",
        help: "Share of the staff on 38-hour contracts; the others work 20 hours a week (0.333: one in three full time).",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.01),
    },
    Control {
        key: "policy.min_floor_staff",
        group: Group::Policy,
        label: "Fewest staff on the floor",
        help: "The roster never plans fewer people on the floor in any open hour.",
        unit: "employees",
        widget: number(1.0, 6.0, 1.0),
    },
    Control {
        key: "policy.staffing_rule",
        group: Group::Policy,
        label: "Hours follow demand?",
        help: "Fixed: the contracted staff, whatever demand does. Follows demand: every quarter a part-time position is added or left unfilled when demand needs it.",
        unit: "",
        widget: Widget::Choice {
            options: &[
                ("fixed", "Fixed headcount"),
                ("follows_demand", "Hours follow demand"),
            ],
        },
    },
    Control {
        key: "policy.service_approach",
        group: Group::Policy,
        label: "Service approach",
        help: "Friendly: scripted politeness, the customer leads. Customer-centric: observe, discover the real need, help decide (takes longer per customer).",
        unit: "",
        widget: Widget::Choice {
            options: &[
                ("friendly", "Friendly (scripted)"),
                ("customer_centric", "Customer-centric"),
            ],
        },
    },
    Control {
        key: "policy.recovery",
        group: Group::Policy,
        label: "When something goes wrong",
        help: "How staff recover a service failure (a price error, a broken product).",
        unit: "",
        widget: Widget::Choice {
            options: &[
                ("technical_first", "Fix the problem first"),
                ("emotion_first", "Acknowledge the customer first, then fix"),
                ("discount", "Give a discount"),
            ],
        },
    },
    Control {
        key: "policy.discount_share",
        group: Group::Policy,
        label: "Discount given",
        help: "Under the discount recovery: the discount as a share of the basket (0.15 = 15%).",
        unit: "share of basket",
        widget: number(0.0, 0.5, 0.01),
    },
    Control {
        key: "policy.abuse_response",
        group: Group::Policy,
        label: "Abusive customers",
        help: "Tolerate: staff take it. Warn, then refuse: a first incident earns a warning, a second a refusal of service, and management backs the employee.",
        unit: "",
        widget: Widget::Choice {
            options: &[
                ("tolerate", "Tolerate"),
                ("warn_then_refuse", "Warn, then refuse service"),
            ],
        },
    },
    Control {
        key: "policy.discretion_budget",
        group: Group::Policy,
        label: "Discretion budget",
        help: "Most an employee may spend on one incident without approval (0 = nothing).",
        unit: "EUR per incident",
        widget: number(0.0, 500.0, 10.0),
    },
    Control {
        key: "policy.training_hours",
        group: Group::Policy,
        label: "Training",
        help: "Paid training per employee, off the floor.",
        unit: "hours per 4 weeks",
        widget: number(0.0, 16.0, 0.5),
    },
    Control {
        key: "policy.productivity_target",
        group: Group::Policy,
        label: "Productivity target",
        help: "Cut of the time per customer that management demands below the service standard (0 = none, 0.2 = 20% less time).",
        unit: "0 to 0.9",
        widget: number(0.0, 0.5, 0.01),
    },
    Control {
        key: "policy.delight_target",
        group: Group::Policy,
        label: "Daily delight target",
        help: "Customers each employee aims to make truly happy per day, with extra time and attention (0 = no target).",
        unit: "customers per employee per day",
        widget: number(0.0, 10.0, 1.0),
    },
    Control {
        key: "market.differentiation",
        group: Group::Store,
        label: "Competes on",
        help: "0 = low prices (customers weigh speed and price), 1 = service (customers weigh service quality).",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
    Control {
        key: "market.relationship",
        group: Group::Store,
        label: "Customers who want a relationship",
        help: "Share of new customers who come back often and bond with staff, rather than buy once.",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
    Control {
        key: "market.nonroutine_share",
        group: Group::Store,
        label: "Visits with an unusual need",
        help: "Share of visits that need more than a routine answer.",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
    Control {
        key: "market.unpredictability",
        group: Group::Store,
        label: "How unpredictable the days are",
        help: "0 = predictable, 1 = unpredictable: more day-to-day swings in demand and more failures that need judgement.",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
    Control {
        key: "workforce.growth_need",
        group: Group::Store,
        label: "Staff who want to grow",
        help: "How much the staff want challenge and responsibility: staff low on it gain little from latitude and dislike the ambiguity.",
        unit: "0 to 1",
        widget: number(0.0, 1.0, 0.05),
    },
];

/// The control of a dotted key.
pub fn control(key: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.key == key)
}

/// A control value the config check refused, for the page to show next
/// to its control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// The control's dotted key (or `""` for an error of the request
    /// itself).
    pub key: String,
    /// The message the CLI gives for the same value in a config file,
    /// without the file and position (`expected a number from 0 to 1
    /// (0-1 index), found 1.5`).
    pub message: String,
}

impl FieldError {
    fn request(message: impl Into<String>) -> FieldError {
        FieldError {
            key: String::new(),
            message: message.into(),
        }
    }
}

/// The two configs of a what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The store under today's policy (the reference arm, A).
    pub today: Config,
    /// The store under the changed policy (B).
    pub what_if: Config,
    /// The controls that differ from the base, in [`CONTROLS`] order, as
    /// `key = value` TOML lines.
    pub changed: Vec<String>,
}

/// The base config's value of a control, as JSON (for the page).
pub fn base_value(base: &Config, key: &str) -> Option<Json> {
    let tree = toml::Value::try_from(base).ok()?;
    let (section, name) = key.split_once('.')?;
    let v = tree.get(section)?.get(name)?;
    serde_json::to_value(v).ok()
}

fn to_toml(v: &Json) -> Option<toml::Value> {
    Some(match v {
        Json::Bool(b) => toml::Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Json::String(s) => toml::Value::String(s.clone()),
        // Arrays and tables are no control's value; the config check
        // names the type found.
        Json::Array(items) => toml::Value::Array(items.iter().map(to_toml).collect::<Option<_>>()?),
        Json::Object(_) | Json::Null => return None,
    })
}

/// `base` with `changes` written into its TOML tree, parsed and validated
/// as a config file is.
fn with_changes(base: &Config, changes: &[(&str, toml::Value)]) -> Result<Config, ConfigError> {
    let mut tree = toml::Value::try_from(base).expect("a Config serialises to TOML");
    for (key, value) in changes {
        let (section, name) = key.split_once('.').expect("controls are dotted keys");
        if let Some(table) = tree.get_mut(section).and_then(|t| t.as_table_mut()) {
            table.insert(name.to_string(), value.clone());
        }
    }
    let text = toml::to_string(&tree).expect("a TOML tree serialises");
    Config::from_toml_str(&text, WHAT_IF)
}

/// The two configs for the control values `changes` on `base`, or every
/// refused value with the CLI's message for it.
pub fn build(
    base: &Config,
    changes: &serde_json::Map<String, Json>,
) -> Result<Scenario, Vec<FieldError>> {
    if changes.len() > MAX_CHANGES {
        return Err(vec![FieldError::request(format!(
            "expected at most {MAX_CHANGES} control values, found {}",
            changes.len()
        ))]);
    }
    let mut errors = Vec::new();
    let mut store = Vec::new();
    let mut policy = Vec::new();
    // In CONTROLS order, so the result does not depend on the order of
    // the request's keys.
    for c in CONTROLS {
        let Some(v) = changes.get(c.key) else {
            continue;
        };
        let Some(value) = to_toml(v) else {
            errors.push(FieldError {
                key: c.key.to_string(),
                message: "expected a value, found nothing".into(),
            });
            continue;
        };
        // Each value alone first, so every bad one is named at once.
        if let Err(e) = with_changes(base, &[(c.key, value.clone())]) {
            errors.push(FieldError {
                // An element of a list key (`...[5]`) is its control's.
                key: e
                    .key
                    .filter(|k| k.split('[').next() != Some(c.key))
                    .unwrap_or_else(|| c.key.to_string()),
                message: e.message,
            });
            continue;
        }
        match c.group {
            Group::Store => store.push((c.key, value)),
            Group::Policy => policy.push((c.key, value)),
        }
    }
    for key in changes.keys() {
        if control(key).is_none() {
            errors.push(FieldError::request(format!(
                "unknown control `{}`",
                crate::input::quote(key)
            )));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let field = |e: ConfigError| {
        vec![FieldError {
            key: e.key.unwrap_or_default(),
            message: e.message,
        }]
    };
    let today = with_changes(base, &store).map_err(field)?;
    let all: Vec<(&str, toml::Value)> = store.iter().chain(&policy).cloned().collect();
    let what_if = with_changes(base, &all).map_err(field)?;
    // Compared as parsed, so `0` and `0.0` for a float key are the same.
    let changed = CONTROLS
        .iter()
        .filter_map(|c| {
            let now = base_value(&what_if, c.key)?;
            if Some(&now) == base_value(base, c.key).as_ref() {
                return None;
            }
            Some(format!("{} = {}", c.key, to_toml(&now)?))
        })
        .collect();
    Ok(Scenario {
        today,
        what_if,
        changed,
    })
}

/// A config file for one arm, loadable by `effectchain run`: a comment
/// saying where it comes from and what was changed, then every key.
pub fn config_file(scenario: &Scenario, base_name: &str, side: &str) -> String {
    let (config, what) = if side == WHAT_IF {
        (
            &scenario.what_if,
            "the what-if: the store with the changed policy",
        )
    } else {
        (&scenario.today, "the store under today's policy")
    };
    let mut text = format!(
        "# {side}.toml: {what}, written by `effectchain serve` from {}.\n",
        crate::input::clean_message(base_name)
    );
    let changes: Vec<&String> = if side == WHAT_IF {
        scenario.changed.iter().collect()
    } else {
        scenario
            .changed
            .iter()
            .filter(|l| {
                control(l.split(' ').next().unwrap_or("")).is_some_and(|c| c.group == Group::Store)
            })
            .collect()
    };
    if changes.is_empty() {
        text.push_str("# Changed from it: nothing.\n");
    } else {
        text.push_str("# Changed from it:\n");
        for line in changes {
            text.push_str(&format!("#   {line}\n"));
        }
    }
    text.push_str(&format!(
        "# Compare: effectchain compare {TODAY}.toml {WHAT_IF}.toml\n\n"
    ));
    text.push_str(&config.to_toml());
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(pairs: &[(&str, Json)]) -> serde_json::Map<String, Json> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn every_control_is_a_config_key_with_a_valid_base_value() {
        let base = Config::default();
        for c in CONTROLS {
            let v = base_value(&base, c.key).unwrap_or_else(|| panic!("{}", c.key));
            let s = build(&base, &changes(&[(c.key, v)])).unwrap();
            assert_eq!(s.today, base, "{}", c.key);
            assert_eq!(s.what_if, base, "{}", c.key);
            assert!(s.changed.is_empty());
            if let Widget::Choice { options } = c.widget {
                for (value, _) in options {
                    build(&base, &changes(&[(c.key, Json::from(*value))]))
                        .unwrap_or_else(|e| panic!("{}: {e:?}", c.key));
                }
            }
        }
    }

    #[test]
    fn policy_changes_the_what_if_and_store_type_both() {
        let base = Config::default();
        let s = build(
            &base,
            &changes(&[
                ("policy.latitude", Json::from(0.7)),
                ("policy.staff", Json::from(10)),
                ("market.differentiation", Json::from(0.3)),
            ]),
        )
        .unwrap();
        assert_eq!(s.today.market.differentiation, 0.3);
        assert_eq!(s.today.policy, base.policy);
        assert_eq!(s.what_if.policy.latitude, 0.7);
        assert_eq!(s.what_if.policy.staff, 10);
        assert_eq!(s.what_if.market.differentiation, 0.3);
        assert_eq!(
            s.changed,
            [
                "policy.latitude = 0.7",
                "policy.staff = 10",
                "market.differentiation = 0.3"
            ]
        );
        // The file reads back as the same config.
        let text = config_file(&s, "expert-store.toml", WHAT_IF);
        assert_eq!(Config::from_toml_str(&text, "w").unwrap(), s.what_if);
        let text = config_file(&s, "expert-store.toml", TODAY);
        assert_eq!(Config::from_toml_str(&text, "t").unwrap(), s.today);
        assert!(!text.contains("policy.latitude"), "{text}");
    }

    #[test]
    fn saturday_staff_goes_into_the_what_if_and_its_errors_to_its_control() {
        let base = Config::default();
        let saturday = Json::from(vec![0, 0, 0, 0, 0, 1, 0]);
        let s = build(
            &base,
            &changes(&[
                ("policy.latitude", Json::from(0.7)),
                ("policy.extra_staff_by_weekday", saturday),
            ]),
        )
        .unwrap();
        assert_eq!(s.today.policy, base.policy);
        assert_eq!(
            s.what_if.policy.extra_staff_by_weekday,
            [0, 0, 0, 0, 0, 1, 0]
        );
        assert_eq!(
            s.changed[1],
            "policy.extra_staff_by_weekday = [0, 0, 0, 0, 0, 1, 0]"
        );
        let text = config_file(&s, "expert-store.toml", WHAT_IF);
        assert_eq!(Config::from_toml_str(&text, "w").unwrap(), s.what_if);
        let file = |text: &str| Config::from_toml_str(text, "f.toml").unwrap_err().message;
        for (value, toml) in [
            (json!([0, 0, 0, 0, 0, 1.5, 0]), "[0, 0, 0, 0, 0, 1.5, 0]"),
            (json!([0, 0, 0, 0, 0, 101, 0]), "[0, 0, 0, 0, 0, 101, 0]"),
            (json!([0, 0, 0, 0, 0, "x", 0]), "[0, 0, 0, 0, 0, \"x\", 0]"),
        ] {
            let errors =
                build(&base, &changes(&[("policy.extra_staff_by_weekday", value)])).unwrap_err();
            assert_eq!(
                errors,
                [FieldError {
                    key: "policy.extra_staff_by_weekday".into(),
                    message: file(&format!("[policy]\nextra_staff_by_weekday = {toml}\n")),
                }]
            );
            assert!(errors[0].message.contains("on Saturday"), "{errors:?}");
        }
    }

    #[test]
    fn bad_values_get_the_messages_of_a_config_file() {
        let base = Config::default();
        let errors = build(
            &base,
            &changes(&[
                ("policy.latitude", Json::from(1.5)),
                ("policy.staff", Json::from(9.5)),
                ("policy.recovery", Json::from("shout")),
                ("policy.bogus", Json::from(1)),
            ]),
        )
        .unwrap_err();
        let file = |text: &str| Config::from_toml_str(text, "f.toml").unwrap_err().message;
        assert_eq!(
            errors[0],
            FieldError {
                key: "policy.latitude".into(),
                message: file("[policy]\nlatitude = 1.5\n"),
            }
        );
        assert_eq!(
            errors[0].message,
            "expected a number from 0 to 1 (0-1 index), found 1.5"
        );
        assert_eq!(errors[1].key, "policy.staff");
        assert_eq!(errors[1].message, file("[policy]\nstaff = 9.5\n"));
        assert_eq!(errors[2].key, "policy.recovery");
        assert_eq!(errors[2].message, file("[policy]\nrecovery = \"shout\"\n"));
        assert_eq!(errors[3].key, "");
        assert!(errors[3].message.contains("policy.bogus"));
        assert_eq!(errors.len(), 4);
    }
}

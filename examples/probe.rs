//! Throwaway calibration probe: `probe REPS key=value... -- key=value...`
//! runs the base (default config + first overrides) for each latitude in
//! LATS and prints profit and chain variables.
use effectchain::config::Config;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reps: u32 = args[0].parse().unwrap();
    let mut c = Config::default();
    c.simulation.replications = reps;
    let mut lats = vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
    for kv in &args[1..] {
        let (k, v) = kv.split_once('=').unwrap();
        if k == "lats" {
            lats = v.split(',').map(|x| x.parse().unwrap()).collect();
            continue;
        }
        let val: toml::Value = if let Ok(f) = v.parse::<f64>() {
            toml::Value::Float(f)
        } else {
            toml::Value::String(v.into())
        };
        c.set(k, val).unwrap();
    }
    println!(
        "{:>5} {:>10} {:>8} {:>8} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6}",
        "lat",
        "profit",
        "ci",
        "revenue",
        "visits",
        "balk%",
        "happy",
        "sat",
        "exh",
        "turn",
        "ret",
        "time",
        "giveaw",
        "std"
    );
    for l in lats {
        let mut c2 = c.clone();
        c2.policy.latitude = l;
        let r = effectchain::experiment::run(&c2, &|| {});
        let g = |n: &str| r.kpi(n).unwrap();
        println!("{:5.2} {:10.0} {:8.0} {:8.0} {:7.0} {:6.3} {:6.3} {:6.3} {:6.3} {:6.3} {:6.3} {:6.1} {:7.0} {:6.2}", l, g("profit").mean, g("profit").half_width(), g("revenue").mean/1000.0, g("visits").mean, g("lost_visit_share").mean*100.0, g("mean_happiness").mean, g("staff_satisfaction").mean, g("exhaustion").mean, g("annual_turnover").mean, g("annual_retention").mean, g("time_per_customer").mean, g("cost_giveaways").mean, g("service_standard").mean);
    }
}

use effectchain::config::Config;
use effectchain::engine::KPI_DEFS;
fn main() {
    let path = std::env::args().nth(1);
    let mut config = match path {
        Some(p) if !p.is_empty() => Config::from_file(p.as_ref()).unwrap(),
        _ => Config::default(),
    };
    if let Some(r) = std::env::args().nth(2) {
        config.simulation.replications = r.parse().unwrap();
    }
    let t = std::time::Instant::now();
    let r = effectchain::experiment::run(&config, &|| {});
    let served: f64 = r.replications.iter().map(|x| x.kpis.served).sum();
    eprintln!(
        "{:?} {:.0} enc/s",
        t.elapsed(),
        served / t.elapsed().as_secs_f64()
    );
    for (d, s) in KPI_DEFS.iter().zip(&r.kpis) {
        println!("{:22} {:>14.3} ± {:.3}", d.name, s.mean, s.half_width());
    }
}

//! Any text as a sweep file (with a small valid base config beside it)
//! loads or is refused; it never panics or allocates past the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("base.toml"),
        "[simulation]\ndays = 14\nwarmup_days = 7\nreplications = 2\n[store]\ninitial_customers = 50\n",
    )
    .expect("base written");
    let file = dir.path().join("s.toml");
    std::fs::write(&file, data).expect("sweep written");
    if let Ok(sweep) = effectchain::experiment::sweep::Sweep::from_file(&file) {
        let n = sweep.points();
        assert!(n >= 1 && n <= effectchain::experiment::sweep::MAX_POINTS);
        // Every point's config is valid (first and last few).
        for id in (0..n.min(3)).chain(n.saturating_sub(3)..n) {
            sweep.configs(&sweep.point(id)).expect("a sweep point is a valid config");
        }
    }
});

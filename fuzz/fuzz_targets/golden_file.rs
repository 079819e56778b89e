//! Any text as a golden file loads (with finite expectations) or is
//! refused; it never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("base.toml"), "[simulation]\ndays = 14\nwarmup_days = 7\n")
        .expect("base written");
    let file = dir.path().join("g.toml");
    std::fs::write(&file, data).expect("golden written");
    if let Ok(golden) = effectchain::experiment::check::load(&file) {
        assert!(golden.replications >= 1);
        for e in golden.expected.values() {
            assert!(e.mean.is_finite() && e.sd.is_finite() && e.sd >= 0.0);
        }
        let _ = effectchain::experiment::check::config_of(&file, &golden);
    }
});

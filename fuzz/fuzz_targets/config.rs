//! Any text parsed as a config either loads or gives a one-line error that
//! names the origin; it never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match effectchain::config::Config::from_toml_str(text, "fuzz.toml") {
        Ok(config) => {
            config.validate().expect("a loaded config is valid");
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("fuzz.toml"), "{message}");
            let cleaned = effectchain::input::clean_message(&message);
            assert!(!cleaned.contains('\u{1b}'));
        }
    }
});

//! `effectchain serve`: the what-if page for store managers.
//!
//! A small local web server (axum on a single-threaded tokio runtime)
//! serves one page, embedded in the binary (`assets/`: plain HTML, CSS and
//! JavaScript, no build step, nothing fetched from elsewhere), and a JSON
//! API it calls:
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the page (and `/app.js`, `/style.css`) |
//! | `GET /api/setup` | the store's facts, the controls with today's values, the replications |
//! | `POST /api/answer` | starts a what-if: `{"changes": {key: value}, "supersedes": id}` |
//! | `POST /api/hinges` | starts the tornado of the what-if's assumptions |
//! | `GET /api/job/{id}` | a job's progress and latest result |
//! | `POST /api/config` | one arm as a config file (`"side": "today"` or `"what-if"`) |
//! | `POST /api/report` | the comparison's `report.html`, as `compare` writes it |
//!
//! The answer is the library's comparison ([`crate::experiment::compare`])
//! of the two configs of [`scenario::build`], run in growing batches of
//! replications: after `n` pairs it is what `effectchain compare today.toml
//! what-if.toml -r n` reports. The server reads no path from a request and
//! writes nothing but the temporary folder of a requested report.

pub mod answer;
pub mod jobs;
pub mod scenario;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::engine::{switch, Replication, Start};
use crate::experiment::compare::compare_runs;
use crate::experiment::switch::DAYS_PER_YEAR;
use crate::output::comparison::{self, Side};

use jobs::{Job, Jobs};
use scenario::{FieldError, Scenario, TODAY, WHAT_IF};

/// Largest request body (bytes): a change map is a few hundred.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most replications an answer refines to.
pub const MAX_REPLICATIONS: u32 = 1_000;
/// Replications of each run of the tornado (at most the answer's).
pub const HINGE_REPLICATIONS: u32 = 20;

/// The replication counts at which an answer is shown: a first answer
/// from a few pairs, refined as more finish, ending at the target. Fixed
/// (not tied to the thread count), so the sequence of answers is a
/// function of the inputs alone.
const STEPS: &[u32] = &[4, 10, 25, 50, 100, 200, 400, 1_000];

/// What the server was started with.
pub struct Settings {
    /// The store as the config file describes it.
    pub base: Config,
    /// The config file's name, for the page and the downloaded files.
    pub base_name: String,
    /// Replications each answer refines to (1 to [`MAX_REPLICATIONS`]).
    pub replications: u32,
    /// The worker pool simulations run in.
    pub pool: rayon::ThreadPool,
    /// The address the server listens on. On a loopback address requests
    /// must name it (or `localhost`) as their Host, so another site's page
    /// cannot drive it through the browser (DNS rebinding); an address
    /// opened to a network (`--bind`) takes any Host.
    pub address: SocketAddr,
}

struct App {
    settings: Settings,
    jobs: Jobs,
    /// One report at a time: it runs a full comparison.
    report_busy: AtomicBool,
    reports: AtomicU64,
}

type Shared = Arc<App>;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Serves the page on `listener` until the process ends.
pub fn serve(listener: std::net::TcpListener, settings: Settings) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let app = router(settings);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app).await
    })
}

/// The routes.
fn router(settings: Settings) -> Router {
    let app: Shared = Arc::new(App {
        settings,
        jobs: Jobs::default(),
        report_busy: AtomicBool::new(false),
        reports: AtomicU64::new(0),
    });
    Router::new()
        .route(
            "/",
            get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { page(STYLE_CSS, "text/css; charset=utf-8") }),
        )
        .route("/api/setup", get(setup))
        .route("/api/answer", post(start_answer))
        .route("/api/hinges", post(start_hinges))
        .route("/api/job/{id}", get(job))
        .route("/api/config", post(config_file))
        .route("/api/report", post(report))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), check_host))
        .with_state(app)
}

fn page(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Nothing but this server: no network access from the page.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Refuses requests whose Host is not this server's address or
/// `localhost` on its port.
async fn check_host(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if !app.settings.address.ip().is_loopback() {
        return next.run(request).await;
    }
    let port = app.settings.address.port();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let allowed = [
        app.settings.address.to_string(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ];
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
        next.run(request).await
    } else {
        (StatusCode::FORBIDDEN, "unknown Host").into_response()
    }
}

async fn setup(State(app): State<Shared>) -> Json<Value> {
    let s = &app.settings;
    let base = &s.base;
    let controls: Vec<Value> = scenario::CONTROLS
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).expect("controls serialise");
            v["today"] = scenario::base_value(base, c.key).unwrap_or(Value::Null);
            v
        })
        .collect();
    let p = &base.policy;
    let full_time = (p.full_time_share * f64::from(p.staff)).round() as u32;
    let week_hours: f64 = base.store.opening_hours.iter().sum();
    let saturday = base.store.opening_hours[5];
    let facts = vec![
        format!(
            "{} staff: {} full time (38 h), {} part time (20 h)",
            p.staff,
            full_time,
            p.staff.saturating_sub(full_time)
        ),
        format!(
            "Open {} hours a week ({} on Saturday)",
            answer::grouped(week_hours, 1).trim_end_matches(".0"),
            answer::grouped(saturday, 1).trim_end_matches(".0")
        ),
        format!(
            "{} households in reach; average purchase {}",
            answer::grouped(base.market.households, 0),
            comparison::eur(base.service.basket_mean)
        ),
        format!(
            "{}% gross margin; wages {} an hour",
            answer::grouped(100.0 * base.economics.gross_margin, 0),
            comparison::eur(base.economics.wage_per_hour)
        ),
    ];
    Json(json!({
        "store": s.base_name,
        "facts": facts,
        "controls": controls,
        "replications": s.replications,
        "seed": base.simulation.seed,
        "years_after_switch": base.simulation.years_after_switch,
        "days_per_year": DAYS_PER_YEAR,
        "hinge_replications": HINGE_REPLICATIONS.min(s.replications),
    }))
}

/// A request naming control values.
#[derive(Deserialize)]
struct Ask {
    #[serde(default)]
    changes: serde_json::Map<String, Value>,
    #[serde(default)]
    supersedes: Option<u64>,
    #[serde(default)]
    side: Option<String>,
}

/// A refused value is an answer for the page to show next to its
/// control, not a failure of the request: 200 with `errors` (a 4xx would
/// also be logged as an error in the browser's console).
fn refused(errors: Vec<FieldError>) -> Response {
    Json(json!({ "errors": errors })).into_response()
}

fn build(app: &App, ask: &Ask) -> Result<Scenario, Vec<FieldError>> {
    scenario::build(&app.settings.base, &ask.changes)
}

async fn start_answer(State(app): State<Shared>, Json(ask): Json<Ask>) -> Response {
    let scenario = match build(&app, &ask) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    let target = app.settings.replications;
    let worker = Arc::clone(&app);
    let id = app
        .jobs
        .start("answer", ask.supersedes, target as usize, move |job| {
            answer_job(&worker, job, &scenario, target);
        });
    Json(json!({ "job": id })).into_response()
}

/// Runs replication pairs `from..to` of a what-if in the pool, from
/// `start` (today's [`Start`]); `None` when the job was cancelled on the
/// way.
fn pairs(
    app: &App,
    job: &Job,
    s: &Scenario,
    start: &Start,
    (from, to): (u32, u32),
) -> Option<Vec<(Replication, Replication)>> {
    let seed = s.today.simulation.seed;
    let batch: Vec<Option<(Replication, Replication)>> = app.settings.pool.install(|| {
        (u64::from(from)..u64::from(to))
            .into_par_iter()
            .map(|k| (!job.cancelled()).then(|| switch(&s.today, &s.what_if, start, seed, k)))
            .collect()
    });
    batch.into_iter().collect()
}

/// Today's [`Start`] for a scenario's pairs, made in the pool.
fn start_of(app: &App, s: &Scenario) -> Start {
    app.settings
        .pool
        .install(|| Start::of(&s.today, s.today.simulation.seed))
}

fn answer_job(app: &App, job: &Job, s: &Scenario, target: u32) {
    let seed = s.today.simulation.seed;
    // With today's `simulation.shared_burn_in`, its one burn-in, made once
    // for every batch of the job (it is the same state for each).
    let start = start_of(app, s);
    let mut done: Vec<(Replication, Replication)> = Vec::new();
    let ends = STEPS
        .iter()
        .copied()
        .filter(|&n| n < target)
        .chain([target]);
    for end in ends {
        let Some(batch) = pairs(app, job, s, &start, (done.len() as u32, end)) else {
            return;
        };
        if job.cancelled() {
            return;
        }
        done.extend(batch);
        let a = answer::of(&done, &s.today, &s.what_if, seed);
        let mut value = serde_json::to_value(&a).expect("answers serialise");
        value["changed"] = json!(s.changed);
        job.publish(done.len(), target as usize, value);
    }
}

/// Assumptions of the model whose values are least pinned down by
/// evidence, each tried at half and one and a half times its value (in
/// its valid range) in both arms: (key, what it says).
pub const HINGES: &[(&str, &str)] = &[
    ("workforce.autonomy_weight", "how much staff enjoy latitude"),
    (
        "service.latitude_resolve_gain",
        "unusual needs latitude solves",
    ),
    ("service.latitude_time_cost", "extra time latitude takes"),
    // The third of the constants whose plausible range holds the latitude
    // answer's break-even (docs/VALIDATION.md, "How sure is the sign"); the
    // tornado's half and one and a half times the default (0.75 to 2.25
    // EUR) do not reach it (3.21), as they do not reach the time cost's.
    (
        "service.goodwill_per_customer",
        "cost of latitude's goodwill gestures",
    ),
    ("customer.loyalty_exponent", "happiness needed for loyalty"),
    ("market.online_pull_per_year", "pull of the online rival"),
    (
        "workforce.quit_exhaustion",
        "how exhaustion makes staff quit",
    ),
    (
        "customer.referral_conversion",
        "new customers per recommendation",
    ),
];

/// The per-year profit difference a comparison headlines: the long run
/// once both have settled, or over the horizon when it is under a year.
fn headline(pairs: &[(Replication, Replication)], s: &Scenario) -> f64 {
    let a = answer::of(pairs, &s.today, &s.what_if, s.today.simulation.seed);
    a.long_run
        .map_or(a.profit_difference_per_year.mean, |l| l.mean)
}

async fn start_hinges(State(app): State<Shared>, Json(ask): Json<Ask>) -> Response {
    let scenario = match build(&app, &ask) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    let replications = HINGE_REPLICATIONS.min(app.settings.replications);
    let worker = Arc::clone(&app);
    let runs = 1 + 2 * HINGES.len();
    let id = app.jobs.start("hinges", ask.supersedes, runs, move |job| {
        hinges_job(&worker, job, &scenario, replications);
    });
    Json(json!({ "job": id })).into_response()
}

fn hinges_job(app: &App, job: &Job, s: &Scenario, replications: u32) {
    let runs = 1 + 2 * HINGES.len();
    let Some(central) = pairs(app, job, s, &start_of(app, s), (0, replications)) else {
        return;
    };
    let central = headline(&central, s);
    let mut rows: Vec<Value> = Vec::new();
    let mut done = 1;
    for (key, words) in HINGES {
        let Some(info) = s.today.params().into_iter().find(|p| p.path() == *key) else {
            continue;
        };
        let mut ends = Vec::new();
        for factor in [0.5, 1.5] {
            let value = (info.value * factor).clamp(info.min, info.max);
            let mut varied = s.clone();
            let set = |c: &mut Config| c.set(key, toml::Value::Float(value));
            if set(&mut varied.today).is_err() || set(&mut varied.what_if).is_err() {
                continue;
            }
            let start = start_of(app, &varied);
            let Some(p) = pairs(app, job, &varied, &start, (0, replications)) else {
                return;
            };
            ends.push(json!({
                "value": value,
                "difference": headline(&p, &varied),
                "text": comparison::eur(headline(&p, &varied)),
            }));
            done += 1;
        }
        rows.push(json!({
            "key": key,
            "label": words,
            "today": info.value,
            "low": ends.first(),
            "high": ends.get(1),
        }));
        job.publish(
            done,
            runs,
            json!({
                "replications": replications,
                "central": central,
                "central_text": comparison::eur(central),
                "rows": rows,
            }),
        );
    }
}

async fn job(State(app): State<Shared>, Path(id): Path<u64>) -> Response {
    match app.jobs.progress(id) {
        Some(p) => Json(p).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "errors": [{ "key": "", "message": "no such job (it was replaced by newer ones)" }] })),
        )
            .into_response(),
    }
}

fn attachment(body: String, content_type: &'static str, name: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    (headers, body).into_response()
}

async fn config_file(State(app): State<Shared>, Json(ask): Json<Ask>) -> Response {
    let scenario = match build(&app, &ask) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    let side = if ask.side.as_deref() == Some(TODAY) {
        TODAY
    } else {
        WHAT_IF
    };
    let text = scenario::config_file(&scenario, &app.settings.base_name, side);
    attachment(
        text,
        "application/toml; charset=utf-8",
        &format!("{side}.toml"),
    )
}

async fn report(State(app): State<Shared>, Json(ask): Json<Ask>) -> Response {
    let scenario = match build(&app, &ask) {
        Ok(s) => s,
        Err(errors) => return refused(errors),
    };
    if app.report_busy.swap(true, Ordering::SeqCst) {
        return refused(vec![FieldError {
            key: String::new(),
            message: "a report is being prepared; try again when it is done".into(),
        }]);
    }
    let worker = Arc::clone(&app);
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let result = report_html(&worker, &scenario);
        worker.report_busy.store(false, Ordering::SeqCst);
        let _ = tx.send(result);
    });
    match rx.await {
        Ok(Ok(html)) => attachment(html, "text/html; charset=utf-8", "what-if-report.html"),
        Ok(Err(message)) => (StatusCode::INTERNAL_SERVER_ERROR, message).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the report was not prepared",
        )
            .into_response(),
    }
}

/// The comparison's folder, as `effectchain compare today.toml
/// what-if.toml -r N` writes it, drawn into a temporary folder that is
/// removed again; returns its `report.html`.
fn report_html(app: &App, s: &Scenario) -> Result<String, String> {
    let seed = s.today.simulation.seed;
    let n = app.settings.replications;
    let runs = app
        .settings
        .pool
        .install(|| compare_runs(&s.today, &s.what_if, seed, n, &|| {}));
    let side = |label: &str, config| Side {
        label: label.to_string(),
        config_path: format!("{label}.toml"),
        config,
    };
    let command_line: Vec<String> = [
        "effectchain",
        "compare",
        "today.toml",
        "what-if.toml",
        "--replications",
        &n.to_string(),
    ]
    .map(String::from)
    .to_vec();
    let files = comparison::render(
        &runs,
        &side(TODAY, &s.today),
        &side(WHAT_IF, &s.what_if),
        &command_line,
    )
    .map_err(|e| e.to_string())?;
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "effectchain-serve-{}-{}",
        std::process::id(),
        app.reports.fetch_add(1, Ordering::SeqCst)
    ));
    let result = (|| {
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
        }
        crate::plot::render_folder(&dir).map_err(|e| e.to_string())?;
        std::fs::read_to_string(dir.join(crate::plot::REPORT_FILE)).map_err(|e| e.to_string())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

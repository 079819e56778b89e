//! Plots and a one-page report for an output folder.
//!
//! [`render_folder`] looks at the files a folder holds, draws the figures
//! that suit them and writes each as PNG and SVG beside the results, plus a
//! self-contained `report.html` (inline SVGs, no network) that tells the
//! story to someone who never read the code:
//!
//! * a run folder (`summary.json`, `daily.csv`): daily series with 95% CI
//!   ribbons and the distribution of profit across replications;
//! * a comparison folder (`comparison.json`, `cumulative-difference.csv`,
//!   `daily-a.csv`, `daily-b.csv`): the cumulative profit difference after
//!   the switch with its payback day, both policies' series overlaid and a
//!   waterfall of the profit difference by term;
//! * a sweep folder (`points.csv`): KPIs against one parameter with CI
//!   bands, a heatmap with the break-even contour for two, main effects for
//!   more;
//! * a validation folder (`validation.json` and one CSV per data set): each
//!   data set drawn as its specification asks (lines with CI bands, points
//!   with a least-squares line, bars with error bars, a heatmap) and a
//!   PASS/FAIL report of every experiment against the literature.
//!
//! Like Mesa's and MASON's charts, plots read results, never the model:
//! any folder can be re-plotted later with `effectchain plot DIR`. Text is
//! drawn from an embedded font ([`font`]), so the pictures are the same on
//! every machine. Each figure is laid out once by plotters as SVG
//! ([`canvas`], [`svg`]); the PNG is that SVG rendered by resvg. Rendering
//! is deterministic.
//!
//! **Invariant:** the library never prints; errors are [`PlotError`]s.

mod best;
mod canvas;
mod chart;
mod compare;
mod data;
mod discover;
mod effects;
mod font;
mod heatmap;
mod optimize;
mod prim;
mod report;
mod run;
mod sensitivity;
mod series;
pub(crate) mod style;
mod svg;
mod sweep;
mod validation;
mod waterfall;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use canvas::Drawing;

/// The report's file name.
pub const REPORT_FILE: &str = "report.html";

/// Prefix of every plot file (`plot-profit.png`, `plot-profit.svg`, ...).
pub const PLOT_PREFIX: &str = "plot-";

/// Why a folder could not be plotted.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The folder holds none of the result sets this module knows.
    #[error(
        "`{}` holds no effectchain results to plot: expected summary.json and daily.csv (a run), \
         comparison.json (a comparison), points.csv (a sweep) or validation.json \
         (a validation)",
        path.display()
    )]
    NoResults {
        /// The folder given.
        path: PathBuf,
    },
    /// A result file exists but cannot be read or parsed.
    #[error("cannot read `{}`: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A plot or the report cannot be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Laying a chart out failed (not expected for readable results).
    #[error("cannot draw the plot `{plot}`: {message}")]
    Draw {
        /// The figure's file stem.
        plot: String,
        /// What went wrong.
        message: String,
    },
    /// The embedded fonts cannot be parsed (a broken build).
    #[error("the plot fonts embedded in effectchain cannot be loaded")]
    Fonts,
}

impl PlotError {
    /// Whether the error is the caller's input (a folder without results,
    /// or result files that cannot be parsed) rather than a failure of the
    /// system.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, PlotError::NoResults { .. } | PlotError::Read { .. })
    }
}

/// What a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `effectchain run`: summary.json, daily.csv, replications.csv.
    Run,
    /// `effectchain compare`: comparison.json, daily-a.csv, daily-b.csv.
    Compare,
    /// `effectchain sweep`: points.csv.
    Sweep,
    /// `effectchain validate`: validation.json and one CSV per data set.
    Validation,
}

/// Which results `dir` holds, if any.
pub fn detect(dir: &Path) -> Option<Kind> {
    let has = |f: &str| dir.join(f).is_file();
    if has(compare::COMPARISON_FILE) {
        Some(Kind::Compare)
    } else if has(sweep::POINTS_FILE) {
        Some(Kind::Sweep)
    } else if has(validation::VALIDATION_FILE) {
        Some(Kind::Validation)
    } else if has(run::SUMMARY_FILE) && has(run::DAILY_FILE) {
        Some(Kind::Run)
    } else {
        None
    }
}

/// One drawn figure.
pub(crate) struct Figure {
    /// File stem (`plot-profit`).
    pub name: String,
    /// What it shows, for the SVG title and the report's alt text.
    pub title: String,
    /// One or two sentences under the figure in the report.
    pub caption: String,
    /// Shown full width near the top of the report.
    pub primary: bool,
    pub drawing: Drawing,
}

impl Figure {
    /// Lays a figure out with `draw` on the standard canvas.
    pub fn draw(
        name: &str,
        title: &str,
        caption: impl Into<String>,
        primary: bool,
        draw: impl FnOnce(&canvas::Area) -> canvas::DrawResult,
    ) -> Result<Figure, PlotError> {
        let faces = font::faces().ok_or(PlotError::Fonts)?;
        let drawing =
            canvas::record(faces, style::SIZE, draw).map_err(|message| PlotError::Draw {
                plot: name.to_string(),
                message,
            })?;
        Ok(Figure {
            name: format!("{PLOT_PREFIX}{name}"),
            title: title.to_string(),
            caption: caption.into(),
            primary,
            drawing,
        })
    }
}

/// Renders the plots and the report of the results in `dir`, writing them
/// into `dir`, and returns the paths written (PNG and SVG of every figure,
/// then `report.html`).
///
/// Returns [`PlotError::NoResults`] when the folder holds no known results
/// and [`PlotError::Read`] when a result file cannot be parsed; the result
/// files themselves are never modified.
pub fn render_folder(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    render_folder_as(dir, None)
}

/// [`render_folder`] for a folder known to hold results of `kind` (from
/// its ownership marker), or of the kind its files show when `None`: a
/// sweep folder is always drawn as a sweep, whatever other files it holds.
pub fn render_folder_as(dir: &Path, kind: Option<Kind>) -> Result<Vec<PathBuf>, PlotError> {
    let faces = font::faces().ok_or(PlotError::Fonts)?;
    let kind = kind
        .or_else(|| detect(dir))
        .ok_or_else(|| PlotError::NoResults {
            path: dir.to_path_buf(),
        })?;
    let (story, figures) = match kind {
        Kind::Run => run::build(dir)?,
        Kind::Compare => compare::build(dir)?,
        Kind::Sweep => sweep::build(dir)?,
        Kind::Validation => validation::build(dir)?,
    };
    // Each figure is rendered, written and dropped in its own task, so
    // memory holds a figure's SVG and PNG only while it is written; the
    // report takes each SVG back from its file.
    let mut figures = figures;
    let drawings: Vec<canvas::Drawing> = figures
        .iter_mut()
        .map(|f| std::mem::take(&mut f.drawing))
        .collect();
    let rendered: Vec<Result<(), PlotError>> = drawings
        .into_par_iter()
        .zip(figures.par_iter())
        .map(|(drawing, f)| {
            let failed = |e: svg::RenderError| PlotError::Draw {
                plot: f.name.clone(),
                message: e.to_string(),
            };
            let svg = svg::render(&drawing, faces, &f.name, &f.title);
            let png = svg::png(&svg, drawing.width, drawing.height).map_err(failed)?;
            drop(drawing);
            write_atomic(&dir.join(format!("{}.png", f.name)), &png)?;
            write_atomic(&dir.join(format!("{}.svg", f.name)), svg.as_bytes())
        })
        .collect();
    let mut written = Vec::new();
    for (figure, result) in figures.iter().zip(rendered) {
        result?;
        written.push(dir.join(format!("{}.png", figure.name)));
        written.push(dir.join(format!("{}.svg", figure.name)));
    }
    // The page with a marker where each SVG goes, then written with the
    // SVG files copied in at the markers.
    let marker = |i: usize| format!("\u{1}effectchain-svg-{i}\u{1}");
    let markers: Vec<String> = (0..figures.len()).map(marker).collect();
    let html = report::html(&story, &figures, &markers);
    let report_path = dir.join(REPORT_FILE);
    write_atomic_with(&report_path, |out| {
        let mut rest = html.as_str();
        while let Some(start) = rest.find("\u{1}effectchain-svg-") {
            out.write_all(&rest.as_bytes()[..start])?;
            let after = &rest[start + 1..];
            let end = after.find('\u{1}').map_or(after.len(), |e| e + 1);
            let i: usize = after["effectchain-svg-".len()..end - 1]
                .parse()
                .map_err(|_| std::io::Error::other("a damaged report marker"))?;
            let svg = dir.join(format!("{}.svg", figures[i].name));
            std::io::copy(&mut fs::File::open(svg)?, out)?;
            rest = &after[end..];
        }
        out.write_all(rest.as_bytes())
    })?;
    written.push(report_path);
    Ok(written)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a
/// reader never sees a half-written plot. (Not synced: plots can always be
/// drawn again from the results, which are.)
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes (buffered).
fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> std::io::Result<()>,
) -> Result<(), PlotError> {
    let fail = |source| PlotError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(fs::File::create(&temp)?);
        write(&mut out)?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(fail)
}

//! `report.html`: one self-contained page (inline SVGs and CSS, no scripts,
//! no network) that tells a manager what was asked, the answer in one
//! sentence, the key plots and numbers, and how the results were made and
//! can be made again.

use std::fmt::Write as _;

/// Escapes text for the page, keeping a minus sign with its amount
/// (`−€1,234` never breaks after the sign).
fn escape(text: &str) -> String {
    super::svg::escape(text).replace("−€", "−\u{2060}€")
}
use super::Figure;
use crate::output::VERSION;

/// What a report says, gathered by the run, compare or sweep module.
#[derive(Debug, Clone, Default)]
pub struct Story {
    /// What kind of result this is (`Simulation run`, ...).
    pub kind: String,
    /// The page heading.
    pub heading: String,
    /// The question the results answer.
    pub question: String,
    /// The answer in one sentence, built from the numbers.
    pub verdict: String,
    /// Supporting sentences.
    pub facts: Vec<String>,
    /// Tables of numbers.
    pub tables: Vec<HtmlTable>,
    /// Settings as (name, value) pairs (seed, replications, days, ...).
    pub settings: Vec<(String, String)>,
    /// Configs used, as (heading, text) (TOML or JSON).
    pub configs: Vec<(String, String)>,
    /// Commands that re-create the results.
    pub rerun: Vec<String>,
    /// Notes on how to read the numbers.
    pub notes: Vec<String>,
    /// Heading over [`Story::sections`] (`Experiments`).
    pub sections_title: String,
    /// Self-contained parts (one per validation experiment), each with its
    /// own text, tables and figures; shown after the key numbers.
    pub sections: Vec<Section>,
}

/// A part of the report with its own text, tables and figures.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Anchor of the section (`#sears`).
    pub id: String,
    pub heading: String,
    /// A PASS or FAIL badge beside the heading, if any.
    pub pass: Option<bool>,
    /// Labelled paragraphs (`Source`, `Setup`).
    pub facts: Vec<(String, String)>,
    pub tables: Vec<HtmlTable>,
    /// File stems of the figures shown in the section (`plot-balance`).
    pub figures: Vec<String>,
}

/// A table in the report.
#[derive(Debug, Clone, Default)]
pub struct HtmlTable {
    pub title: String,
    pub intro: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Folded away by default (long reference tables).
    pub collapsed: bool,
}

const CSS: &str = r#"
:root { --ink: #222; --muted: #555; --line: #ddd; --accent: #0072b2; --soft: #f2f7fb; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 "DejaVu Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 64px; }
header .kind { margin: 0; color: var(--muted); font-size: 14px; letter-spacing: .04em; text-transform: uppercase; }
h1 { font-size: 30px; line-height: 1.25; margin: 4px 0 20px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; }
.answer { background: var(--soft); border-left: 6px solid var(--accent); padding: 16px 22px; border-radius: 4px; }
.answer .question { margin: 0 0 8px; color: var(--muted); }
.answer .verdict { margin: 0; font-size: 21px; line-height: 1.4; font-weight: bold; }
.answer ul { margin: 12px 0 0; padding-left: 22px; }
figure { margin: 20px 0 28px; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
figcaption a { color: var(--accent); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(700px, 1fr)); gap: 8px 24px; }
.grid figure { margin: 8px 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0 16px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f6f6f6; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: var(--accent); font-weight: bold; }
pre { background: #f6f6f6; border: 1px solid var(--line); border-radius: 4px; padding: 12px 14px;
  overflow-x: auto; font: 13px/1.45 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 16px; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; }
.notes { color: var(--muted); font-size: 14px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 4px; color: #fff; font-size: 13px;
  font-weight: bold; letter-spacing: .04em; vertical-align: 2px; }
.badge.pass { background: #007a5a; }
.badge.fail { background: #c04f00; }
section.part { margin: 8px 0 36px; }
section.part h3 { font-size: 19px; margin: 32px 0 8px; }
section.part h3 .badge { margin-left: 10px; }
section.part h4 { font-size: 15px; margin: 16px 0 6px; }
section.part dl.settings { grid-template-columns: 70px 1fr; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
@media print { main { max-width: none; padding: 0; } figure, table { break-inside: avoid; } }
"#;

/// Renders the report page. `svgs[i]` is the SVG of `figures[i]`.
pub fn html(story: &Story, figures: &[Figure], svgs: &[String]) -> String {
    let mut h = String::with_capacity(svgs.iter().map(String::len).sum::<usize>() + 32_768);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"effectchain {VERSION}\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&story.heading)
    );
    let _ = write!(
        h,
        "<header>\n<p class=\"kind\">{}</p>\n<h1>{}</h1>\n</header>\n",
        escape(&story.kind),
        escape(&story.heading)
    );

    h.push_str("<section class=\"answer\" id=\"answer\">\n");
    if !story.question.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"question\"><strong>Question:</strong> {}</p>",
            escape(&story.question)
        );
    }
    let _ = writeln!(h, "<p class=\"verdict\">{}</p>", escape(&story.verdict));
    if !story.facts.is_empty() {
        h.push_str("<ul>\n");
        for fact in &story.facts {
            let _ = writeln!(h, "<li>{}</li>", escape(fact));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");

    let in_section = |i: usize| {
        story
            .sections
            .iter()
            .any(|s| s.figures.contains(&figures[i].name))
    };
    let primary: Vec<usize> = (0..figures.len())
        .filter(|&i| figures[i].primary && !in_section(i))
        .collect();
    let secondary: Vec<usize> = (0..figures.len())
        .filter(|&i| !figures[i].primary && !in_section(i))
        .collect();
    if !primary.is_empty() {
        h.push_str("<h2>Key plots</h2>\n");
        for &i in &primary {
            figure(&mut h, &figures[i], &svgs[i]);
        }
    }
    let (open, folded): (Vec<&HtmlTable>, Vec<&HtmlTable>) =
        story.tables.iter().partition(|t| !t.collapsed);
    if !open.is_empty() {
        h.push_str("<h2>Key numbers</h2>\n");
        for t in open {
            table(&mut h, t, 3);
        }
    }
    if !story.sections.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2>", escape(&story.sections_title));
        for s in &story.sections {
            section(&mut h, s, figures, svgs);
        }
    }
    if !secondary.is_empty() {
        h.push_str("<h2>More plots</h2>\n<div class=\"grid\">\n");
        for &i in &secondary {
            figure(&mut h, &figures[i], &svgs[i]);
        }
        h.push_str("</div>\n");
    }
    if !folded.is_empty() {
        h.push_str("<h2>All numbers</h2>\n");
        for t in folded {
            table(&mut h, t, 3);
        }
    }
    if !story.notes.is_empty() {
        h.push_str("<h2>How to read the numbers</h2>\n<ul class=\"notes\">\n");
        for note in &story.notes {
            let _ = writeln!(h, "<li>{}</li>", escape(note));
        }
        h.push_str("</ul>\n");
    }

    h.push_str("<h2>How these results were made</h2>\n");
    if !story.settings.is_empty() {
        h.push_str("<dl class=\"settings\">\n");
        for (k, v) in &story.settings {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        h.push_str("</dl>\n");
    }
    h.push_str("<h3>Re-create them</h3>\n");
    if story.rerun.is_empty() {
        h.push_str("<p>The results do not record the command that made them.</p>\n");
    } else {
        h.push_str(
            "<p>The same command with the same config and seed gives the same numbers, \
             byte for byte:</p>\n",
        );
        let _ = writeln!(h, "<pre>{}</pre>", escape(&story.rerun.join("\n")));
    }
    for (title, text) in &story.configs {
        let _ = writeln!(
            h,
            "<details>\n<summary>{}</summary>\n<pre>{}</pre>\n</details>",
            escape(title),
            escape(text)
        );
    }
    let _ = write!(
        h,
        "<footer>Made by effectchain {VERSION}. This page is self-contained: the plots are \
         inline and also saved beside it as PNG and SVG files.</footer>\n</main>\n</body>\n</html>\n"
    );
    h
}

fn figure(h: &mut String, f: &Figure, svg: &str) {
    let _ = write!(
        h,
        "<figure id=\"{0}\">\n{svg}<figcaption>{1} <a href=\"{0}.png\">PNG</a> · \
         <a href=\"{0}.svg\">SVG</a></figcaption>\n</figure>\n",
        escape(&f.name),
        escape(&f.caption)
    );
}

/// A PASS or FAIL badge.
fn badge(pass: bool) -> &'static str {
    if pass {
        "<span class=\"badge pass\">PASS</span>"
    } else {
        "<span class=\"badge fail\">FAIL</span>"
    }
}

fn section(h: &mut String, s: &Section, figures: &[Figure], svgs: &[String]) {
    let _ = write!(
        h,
        "<section class=\"part\" id=\"{}\">\n<h3>{}",
        escape(&s.id),
        escape(&s.heading)
    );
    if let Some(pass) = s.pass {
        h.push_str(badge(pass));
    }
    h.push_str("</h3>\n");
    if !s.facts.is_empty() {
        h.push_str("<dl class=\"settings\">\n");
        for (k, v) in &s.facts {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        h.push_str("</dl>\n");
    }
    for t in &s.tables {
        table(h, t, 4);
    }
    for name in &s.figures {
        if let Some(i) = figures.iter().position(|f| &f.name == name) {
            figure(h, &figures[i], &svgs[i]);
        }
    }
    h.push_str("</section>\n");
}

/// Writes a table; `level` is its heading's (3 for `<h3>`). Cells that
/// read `PASS` or `FAIL` are shown as badges.
fn table(h: &mut String, t: &HtmlTable, level: u8) {
    if t.collapsed {
        let _ = writeln!(h, "<details>\n<summary>{}</summary>", escape(&t.title));
    } else if !t.title.is_empty() {
        let _ = writeln!(h, "<h{level}>{}</h{level}>", escape(&t.title));
    }
    if !t.intro.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", escape(&t.intro));
    }
    h.push_str("<table>\n<thead><tr>");
    for c in &t.header {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            if c == "PASS" || c == "FAIL" {
                let _ = write!(h, "<td>{}</td>", badge(c == "PASS"));
            } else if numeric(c) {
                let _ = write!(h, "<td class=\"num\">{}</td>", escape(c));
            } else {
                let _ = write!(h, "<td>{}</td>", escape(c));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if t.collapsed {
        h.push_str("</details>\n");
    }
}

/// Whether a cell reads as a number (right-aligned).
fn numeric(c: &str) -> bool {
    let c = c.trim_start_matches(['+', '-', '−', '€', '(', '[']);
    c.starts_with(|ch: char| ch.is_ascii_digit()) || c == "n/a"
}

/// Quotes a command-line argument for a POSIX shell when it needs it.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_story_is_a_valid_page() {
        let story = Story {
            verdict: "B <wins>".into(),
            ..Story::default()
        };
        let page = html(&story, &[], &[]);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("B &lt;wins&gt;"));
        assert!(page.trim_end().ends_with("</html>"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn shell_arguments_are_quoted_when_needed() {
        assert_eq!(shell_quote("configs/a.toml"), "configs/a.toml");
        assert_eq!(shell_quote("my file"), "'my file'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn numbers_are_right_aligned() {
        assert!(numeric("€1,234") && numeric("-0.5") && numeric("+3%"));
        assert!(!numeric("profit"));
    }
}

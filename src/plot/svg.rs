//! Turns a [`Drawing`] into a standalone SVG document and that document into
//! a PNG.
//!
//! Text is written as glyph outlines, not as `<text>`: usvg lays every text
//! of the drawing out with the embedded DejaVu Sans (its font database holds
//! nothing else) and gives the outlines, written here as one `<path>` per
//! text that keeps its words in an `aria-label` for screen readers and
//! search. So the SVG looks the same without any font installed, and the
//! PNG, which is that very SVG rendered by resvg, matches it by
//! construction. Element ids carry a per-figure prefix, so several SVGs can
//! be inlined in one HTML page.

use std::fmt::Write as _;

use resvg::tiny_skia::{self, PathSegment, Pixmap, Transform};
use resvg::usvg::{self, Group, Node};

use super::canvas::{n, trim, Drawing, Item, Text};
use super::font::{Faces, FAMILY};

/// Why a drawing could not be turned into SVG or PNG (not expected: the
/// SVG is written by this module).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// usvg rejected the SVG.
    #[error("the SVG does not parse: {0}")]
    Parse(#[from] usvg::Error),
    /// The canvas has no pixels.
    #[error("a {0} x {1} pixel canvas cannot be drawn")]
    Size(u32, u32),
    /// The PNG encoder failed.
    #[error("the PNG cannot be encoded: {0}")]
    Encode(String),
}

/// Renders `drawing` as SVG. `id_prefix` makes element ids unique within a
/// page; `title` becomes the SVG's accessible title. The SVG is displayed at
/// half its pixel size (its coordinates are those of the PNG).
pub fn render(
    drawing: &Drawing,
    faces: &Faces,
    id_prefix: &str,
    title: &str,
) -> Result<String, RenderError> {
    let outlines = outlines(drawing, faces)?;
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{id_prefix}-title">"#,
        drawing.width / 2,
        drawing.height / 2,
        drawing.width,
        drawing.height
    );
    let _ = writeln!(
        out,
        r#"<title id="{id_prefix}-title">{}</title>"#,
        escape(title)
    );
    let mut outlines = outlines.into_iter();
    for item in &drawing.items {
        match item {
            Item::Shape(element) => {
                out.push_str(element);
                out.push('\n');
            }
            Item::Text(text) => {
                let d = outlines.next().unwrap_or_default();
                if !d.is_empty() {
                    let _ = writeln!(
                        out,
                        r#"<path aria-label="{}" d="{d}"{}/>"#,
                        escape(&text.text),
                        text.paint
                    );
                }
            }
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// The glyph outlines of each text of `drawing`, in order, as SVG path data
/// in the drawing's pixels.
fn outlines(drawing: &Drawing, faces: &Faces) -> Result<Vec<String>, RenderError> {
    let texts: Vec<&Text> = drawing
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text(t) => Some(t),
            Item::Shape(_) => None,
        })
        .collect();
    let mut doc = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}">"#,
        drawing.width, drawing.height
    );
    for (i, t) in texts.iter().enumerate() {
        let rotation = if t.rotation != 0.0 {
            format!(" rotate({})", n(t.rotation))
        } else {
            String::new()
        };
        let _ = write!(
            doc,
            r#"<text id="t{i}" transform="translate({} {}){rotation}" y="{}" font-family="{FAMILY}" font-size="{}" font-weight="{}" text-anchor="{}" xml:space="preserve">{}</text>"#,
            n(t.at.0),
            n(t.at.1),
            trim(t.baseline, 3),
            trim(t.size, 3),
            if t.bold { 700 } else { 400 },
            t.anchor,
            escape(&t.text)
        );
    }
    doc.push_str("</svg>");
    let options = usvg::Options {
        fontdb: faces.database(),
        font_family: FAMILY.to_string(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&doc, &options)?;
    let mut found = vec![String::new(); texts.len()];
    collect_texts(tree.root(), &mut found);
    Ok(found)
}

/// Finds the texts `t0`, `t1`, ... under `group` and writes their outlines
/// into `found`.
fn collect_texts(group: &Group, found: &mut [String]) {
    for node in group.children() {
        match node {
            Node::Group(g) => collect_texts(g, found),
            Node::Text(text) => {
                let slot = text
                    .id()
                    .strip_prefix('t')
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| found.get_mut(i));
                if let Some(d) = slot {
                    path_data(text.flattened(), d);
                }
            }
            Node::Path(_) | Node::Image(_) => {}
        }
    }
}

/// Appends the outlines of the paths under `group` to `d`, in the
/// drawing's pixels rounded to tenths and written relative to the previous
/// point (short, and without drift: each step is taken between rounded
/// points).
fn path_data(group: &Group, d: &mut String) {
    for node in group.children() {
        match node {
            Node::Group(g) => path_data(g, d),
            Node::Path(path) => {
                if let Some(data) = path.data().clone().transform(path.abs_transform()) {
                    Pen::default().write(&data, d);
                }
            }
            Node::Text(_) | Node::Image(_) => {}
        }
    }
}

/// The current point and subpath start of a path being written, in tenths
/// of a pixel.
#[derive(Default)]
struct Pen {
    at: (i64, i64),
    start: (i64, i64),
}

impl Pen {
    fn write(&mut self, data: &tiny_skia::Path, d: &mut String) {
        for segment in data.segments() {
            match segment {
                PathSegment::MoveTo(a) => {
                    d.push('m');
                    let a = self.step(a, d);
                    self.at = a;
                    self.start = a;
                }
                PathSegment::LineTo(a) => {
                    d.push('l');
                    self.at = self.step(a, d);
                }
                PathSegment::QuadTo(a, b) => {
                    d.push('q');
                    self.step(a, d);
                    d.push(' ');
                    self.at = self.step(b, d);
                }
                PathSegment::CubicTo(a, b, c) => {
                    d.push('c');
                    self.step(a, d);
                    d.push(' ');
                    self.step(b, d);
                    d.push(' ');
                    self.at = self.step(c, d);
                }
                PathSegment::Close => {
                    d.push('z');
                    self.at = self.start;
                }
            }
        }
    }

    /// Writes `p` relative to the current point and returns it rounded.
    fn step(&self, p: tiny_skia::Point, d: &mut String) -> (i64, i64) {
        let tenths = |v: f32| (f64::from(v) * 10.0).round() as i64;
        let q = (tenths(p.x), tenths(p.y));
        let _ = write!(d, "{} {}", tenth(q.0 - self.at.0), tenth(q.1 - self.at.1));
        q
    }
}

/// A count of tenths written as a decimal (`-12` as `-1.2`, `30` as `3`).
fn tenth(v: i64) -> String {
    let (sign, a) = if v < 0 { ("-", -v) } else { ("", v) };
    if a % 10 == 0 {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// Renders an SVG written by [`render`] as PNG bytes at the drawing's pixel
/// size (`width` x `height`).
pub fn png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())?;
    let mut pixmap = Pixmap::new(width, height).ok_or(RenderError::Size(width, height))?;
    let size = tree.size();
    let transform =
        Transform::from_scale(width as f32 / size.width(), height as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Encode(e.to_string()))
}

/// Escapes text for XML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_are_short() {
        assert_eq!(tenth(-12), "-1.2");
        assert_eq!(tenth(30), "3");
        assert_eq!(tenth(-5), "-0.5");
        assert_eq!(tenth(0), "0");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}

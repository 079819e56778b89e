//! Writes a recorded [`Drawing`] as a standalone SVG document.
//!
//! Text is written as glyph outlines from the embedded font (each glyph
//! defined once in `<defs>`, placed with `<use>`), not as `<text>`, so the
//! SVG looks the same without any font installed and matches the PNG. Each
//! text keeps its words in an `aria-label` for screen readers and search.
//! Element ids carry a per-figure prefix, so several SVGs can be inlined in
//! one HTML page.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::canvas::{lay_out, Drawing, Op, Pt, Rgba};
use super::font::{Curve, Faces};

/// Renders `drawing` as SVG. `id_prefix` makes element ids unique within a
/// page; `title` becomes the SVG's accessible title. The SVG is displayed at
/// half its pixel size (its coordinates are those of the PNG).
pub fn render(drawing: &Drawing, faces: &Faces, id_prefix: &str, title: &str) -> String {
    let mut body = String::new();
    let mut glyphs: BTreeMap<(bool, u16), String> = BTreeMap::new();
    for op in &drawing.ops {
        match op {
            Op::Fill { points, color } => {
                if let Some((x, y, w, h)) = axis_rect(points) {
                    let _ = writeln!(
                        body,
                        r#"<rect x="{}" y="{}" width="{}" height="{}"{}/>"#,
                        n(x),
                        n(y),
                        n(w),
                        n(h),
                        fill(color)
                    );
                } else {
                    let _ = writeln!(
                        body,
                        r#"<polygon points="{}"{}/>"#,
                        points_attr(points),
                        fill(color)
                    );
                }
            }
            Op::Stroke {
                points,
                width,
                color,
                closed,
            } => {
                let tag = if *closed { "polygon" } else { "polyline" };
                let _ = writeln!(
                    body,
                    r#"<{tag} points="{}" fill="none"{}/>"#,
                    points_attr(points),
                    stroke(color, *width)
                );
            }
            Op::Circle {
                center,
                radius,
                color,
                fill: filled,
                width,
            } => {
                let paint = if *filled {
                    fill(color)
                } else {
                    format!(r#" fill="none"{}"#, stroke(color, *width))
                };
                let _ = writeln!(
                    body,
                    r#"<circle cx="{}" cy="{}" r="{}"{paint}/>"#,
                    n(center.0),
                    n(center.1),
                    n(*radius)
                );
            }
            Op::Text {
                text,
                at,
                size,
                color,
                bold,
                place,
            } => {
                let laid = lay_out(faces, text, *size, *bold, place);
                let face = faces.get(*bold);
                let k = face.scale(*size);
                let rotation = if place.rotation != 0.0 {
                    format!(" rotate({})", n(place.rotation))
                } else {
                    String::new()
                };
                let _ = write!(
                    body,
                    r#"<g transform="translate({} {}){rotation}" aria-label="{}"{}>"#,
                    n(at.0),
                    n(at.1),
                    escape(text),
                    fill(color)
                );
                for (id, x, y) in laid.glyphs {
                    let key = (*bold, id.0);
                    if let Entry::Vacant(slot) = glyphs.entry(key) {
                        let curves = face.outline(id);
                        if curves.is_empty() {
                            continue;
                        }
                        slot.insert(path_data(&curves));
                    }
                    let _ = write!(
                        body,
                        r##"<use xlink:href="#{}" transform="matrix({} 0 0 {} {} {})"/>"##,
                        glyph_id(id_prefix, key),
                        trim(k, 5),
                        trim(-k, 5),
                        n(x),
                        n(y)
                    );
                }
                body.push_str("</g>\n");
            }
        }
    }
    let mut out = String::with_capacity(body.len() + 4096);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{id_prefix}-title">"#,
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
    if !glyphs.is_empty() {
        out.push_str("<defs>\n");
        for (key, d) in &glyphs {
            let _ = writeln!(out, r#"<path id="{}" d="{d}"/>"#, glyph_id(id_prefix, *key));
        }
        out.push_str("</defs>\n");
    }
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

fn glyph_id(prefix: &str, (bold, id): (bool, u16)) -> String {
    format!("{prefix}-{}{id}", if bold { "b" } else { "r" })
}

/// SVG path data of a glyph outline in font units (y up).
fn path_data(curves: &[Curve]) -> String {
    let mut d = String::new();
    let mut last: Option<ab_glyph::Point> = None;
    let p = |pt: ab_glyph::Point| format!("{} {}", trim(pt.x, 1), trim(pt.y, 1));
    for curve in curves {
        let (start, end) = match curve {
            Curve::Line(a, b) => (*a, *b),
            Curve::Quad(a, _, c) => (*a, *c),
            Curve::Cubic(a, _, _, d) => (*a, *d),
        };
        if last != Some(start) {
            if last.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{}", p(start));
        }
        match curve {
            Curve::Line(_, b) => {
                let _ = write!(d, "L{}", p(*b));
            }
            Curve::Quad(_, b, c) => {
                let _ = write!(d, "Q{} {}", p(*b), p(*c));
            }
            Curve::Cubic(_, b, c, e) => {
                let _ = write!(d, "C{} {} {}", p(*b), p(*c), p(*e));
            }
        }
        last = Some(end);
    }
    if last.is_some() {
        d.push('Z');
    }
    d
}

/// `(x, y, width, height)` if the polygon is an axis-aligned rectangle.
fn axis_rect(points: &[Pt]) -> Option<(f32, f32, f32, f32)> {
    if points.len() != 4 {
        return None;
    }
    let [a, b, c, d] = [points[0], points[1], points[2], points[3]];
    let aligned = (a.1 == b.1 && b.0 == c.0 && c.1 == d.1 && d.0 == a.0)
        || (a.0 == b.0 && b.1 == c.1 && c.0 == d.0 && d.1 == a.1);
    if !aligned {
        return None;
    }
    let x = a.0.min(c.0);
    let y = a.1.min(c.1);
    Some((x, y, (a.0 - c.0).abs(), (a.1 - c.1).abs()))
}

fn points_attr(points: &[Pt]) -> String {
    let mut s = String::with_capacity(points.len() * 12);
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", n(p.0), n(p.1));
    }
    s
}

fn hex(c: &Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.rgb.0, c.rgb.1, c.rgb.2)
}

fn fill(c: &Rgba) -> String {
    if c.alpha >= 1.0 {
        format!(r#" fill="{}""#, hex(c))
    } else {
        format!(r#" fill="{}" fill-opacity="{}""#, hex(c), trim(c.alpha, 3))
    }
}

fn stroke(c: &Rgba, width: f32) -> String {
    let opacity = if c.alpha >= 1.0 {
        String::new()
    } else {
        format!(r#" stroke-opacity="{}""#, trim(c.alpha, 3))
    };
    format!(
        r#" stroke="{}"{opacity} stroke-width="{}" stroke-linejoin="round""#,
        hex(c),
        n(width)
    )
}

/// A coordinate with at most one decimal.
fn n(v: f32) -> String {
    trim(v, 1)
}

/// `v` with at most `decimals` decimals, trailing zeros removed.
fn trim(v: f32, decimals: usize) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
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
    fn numbers_are_short() {
        assert_eq!(trim(1.25, 1), "1.2");
        assert_eq!(trim(3.0, 1), "3");
        assert_eq!(trim(-0.01, 1), "0");
        assert_eq!(trim(f32::NAN, 1), "0");
    }

    #[test]
    fn rectangles_are_recognised() {
        let r = [(1.0, 2.0), (5.0, 2.0), (5.0, 7.0), (1.0, 7.0)];
        assert_eq!(axis_rect(&r), Some((1.0, 2.0, 4.0, 5.0)));
        assert_eq!(
            axis_rect(&[(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (1.0, -1.0)]),
            None
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}

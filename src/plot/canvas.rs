//! A plotters drawing backend that writes what a chart draws as SVG
//! elements. Shapes become `<rect>`, `<polygon>`, `<polyline>` and
//! `<circle>`; each text is kept as a [`Text`] until [`super::svg`] turns
//! it into glyph outlines, so one layout gives both the SVG and, rendered by
//! resvg from that SVG, the PNG.
//!
//! Plotters works in whole pixels; strokes and polygons go through pixel
//! centres (`x + 0.5`), filled rectangles cover whole pixels.

use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::style::Color as _;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

use super::font::Faces;

/// A point in pixels (x to the right, y down).
type Pt = (f32, f32);

/// One line of text, placed: drawn at `(0, baseline)` with `anchor`, then
/// rotated clockwise by `rotation` degrees and moved to `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub text: String,
    pub at: Pt,
    pub baseline: f32,
    /// Which point of the line is at `(0, baseline)`.
    pub anchor: Anchor,
    pub rotation: f32,
    pub size: f32,
    pub bold: bool,
    /// The SVG paint attributes (` fill="#222222"`).
    pub paint: String,
}

/// Where a line of text is anchored horizontally (as SVG's `text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One part of a drawing, in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A shape, as one SVG element.
    Shape(String),
    Text(Text),
}

/// A finished drawing: its size in pixels and its items in order.
#[derive(Debug, Clone, Default)]
pub struct Drawing {
    pub width: u32,
    pub height: u32,
    pub items: Vec<Item>,
}

/// The SVG-writing backend.
pub struct Canvas {
    size: (u32, u32),
    items: Rc<RefCell<Vec<Item>>>,
    faces: &'static Faces,
}

/// What a chart-drawing function returns.
pub type DrawResult = Result<(), DrawingAreaErrorKind<Infallible>>;

/// The root drawing area of a chart.
pub type Area = DrawingArea<Canvas, Shift>;

/// Lets `draw` lay a chart out on a `width` x `height` canvas and returns
/// what it drew.
pub fn record(
    faces: &'static Faces,
    (width, height): (u32, u32),
    draw: impl FnOnce(&Area) -> DrawResult,
) -> Result<Drawing, String> {
    let items = Rc::new(RefCell::new(Vec::new()));
    let canvas = Canvas {
        size: (width, height),
        items: Rc::clone(&items),
        faces,
    };
    let root = canvas.into_drawing_area();
    draw(&root).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    drop(root);
    let items = items.take();
    Ok(Drawing {
        width,
        height,
        items,
    })
}

fn centre(p: BackendCoord) -> Pt {
    (p.0 as f32 + 0.5, p.1 as f32 + 0.5)
}

fn width_of<S: BackendStyle>(style: &S) -> f32 {
    style.stroke_width().max(1) as f32
}

impl Canvas {
    fn push(&self, element: String) {
        self.items.borrow_mut().push(Item::Shape(element));
    }

    fn polygon(&self, points: &[Pt], color: BackendColor) {
        self.push(format!(
            r#"<polygon points="{}"{}/>"#,
            points_attr(points),
            fill(color)
        ));
    }

    fn polyline(&self, points: &[Pt], color: BackendColor, width: f32, closed: bool) {
        let tag = if closed { "polygon" } else { "polyline" };
        self.push(format!(
            r#"<{tag} points="{}" fill="none"{}/>"#,
            points_attr(points),
            stroke(color, width)
        ));
    }

    fn rect(&self, (x, y): Pt, (w, h): Pt, color: BackendColor) {
        self.push(format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"{}/>"#,
            n(x),
            n(y),
            n(w),
            n(h),
            fill(color)
        ));
    }
}

/// Filled, non-overlapping cells (a large heatmap's), drawn as one
/// `<path>` per colour in order of first use instead of one `<rect>` each:
/// the same pixels at a fraction of the elements, which keeps the SVG and
/// its rendering small.
pub struct Cells {
    /// Opposite corners of each cell, in chart coordinates.
    corners: Vec<(f64, f64)>,
    colors: Vec<plotters::style::RGBColor>,
}

impl Cells {
    pub fn new() -> Cells {
        Cells {
            corners: Vec::new(),
            colors: Vec::new(),
        }
    }

    pub fn push(&mut self, a: (f64, f64), b: (f64, f64), color: plotters::style::RGBColor) {
        self.corners.extend([a, b]);
        self.colors.push(color);
    }
}

impl<'a> PointCollection<'a, (f64, f64)> for &'a Cells {
    type Point = &'a (f64, f64);
    type IntoIter = &'a [(f64, f64)];
    fn point_iter(self) -> &'a [(f64, f64)] {
        &self.corners
    }
}

impl Drawable<Canvas> for Cells {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut Canvas,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let mut paths: Vec<(plotters::style::RGBColor, String)> = Vec::new();
        let mut by_color: std::collections::BTreeMap<(u8, u8, u8), usize> = Default::default();
        for color in &self.colors {
            let (Some(a), Some(b)) = (points.next(), points.next()) else {
                break;
            };
            // The pixels `draw_rect` fills for the same corners.
            let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
            let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
            let slot = *by_color
                .entry((color.0, color.1, color.2))
                .or_insert_with(|| {
                    paths.push((*color, String::new()));
                    paths.len() - 1
                });
            let d = &mut paths[slot].1;
            let _ = write!(
                d,
                "M{x0} {y0}h{}v{}h-{}z",
                x1 - x0 + 1,
                y1 - y0 + 1,
                x1 - x0 + 1
            );
        }
        for (color, d) in paths {
            backend.push(format!(
                r#"<path d="{d}"{}/>"#,
                fill(color.to_backend_color())
            ));
        }
        Ok(())
    }
}

impl DrawingBackend for Canvas {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if color.alpha > 0.0 {
            self.rect((p.0 as f32, p.1 as f32), (1.0, 1.0), color);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha > 0.0 {
            self.polyline(
                &[centre(from), centre(to)],
                style.color(),
                width_of(style),
                false,
            );
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let (x0, x1) = (ul.0.min(br.0), ul.0.max(br.0));
        let (y0, y1) = (ul.1.min(br.1), ul.1.max(br.1));
        if fill {
            self.rect(
                (x0 as f32, y0 as f32),
                ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32),
                style.color(),
            );
        } else {
            let (a, b) = (centre((x0, y0)), centre((x1, y1)));
            self.polyline(
                &[a, (b.0, a.1), b, (a.0, b.1)],
                style.color(),
                width_of(style),
                true,
            );
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let points: Vec<Pt> = path.into_iter().map(centre).collect();
        if style.color().alpha > 0.0 && points.len() >= 2 {
            self.polyline(&points, style.color(), width_of(style), false);
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        filled: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        if color.alpha > 0.0 {
            let paint = if filled {
                fill(color)
            } else {
                format!(r#" fill="none"{}"#, stroke(color, width_of(style)))
            };
            let (x, y) = centre(center);
            self.push(format!(
                r#"<circle cx="{}" cy="{}" r="{}"{paint}/>"#,
                n(x),
                n(y),
                n(radius as f32)
            ));
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let points: Vec<Pt> = vert.into_iter().map(centre).collect();
        if style.color().alpha > 0.0 && points.len() >= 3 {
            self.polygon(&points, style.color());
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        if color.alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let size = style.size() as f32;
        let bold = matches!(style.style(), FontStyle::Bold);
        let face = self.faces.get(bold);
        let (ascent, descent) = (face.ascent(size), face.descent(size));
        let top = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -(ascent + descent) / 2.0,
            VPos::Bottom => -(ascent + descent),
        };
        let anchor = match style.anchor().h_pos {
            HPos::Left => Anchor::Start,
            HPos::Center => Anchor::Middle,
            HPos::Right => Anchor::End,
        };
        let rotation = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        };
        self.items.borrow_mut().push(Item::Text(Text {
            text: text.to_string(),
            at: (pos.0 as f32, pos.1 as f32),
            baseline: top + ascent,
            anchor,
            rotation,
            size,
            bold,
            paint: fill(color),
        }));
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let face = self.faces.get(matches!(style.style(), FontStyle::Bold));
        let (w, h) = face.measure(text, style.size() as f32);
        Ok((w.ceil() as u32, h.ceil() as u32))
    }
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

fn hex(c: BackendColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.rgb.0, c.rgb.1, c.rgb.2)
}

fn opacity(c: BackendColor) -> f32 {
    c.alpha.clamp(0.0, 1.0) as f32
}

fn fill(c: BackendColor) -> String {
    if opacity(c) >= 1.0 {
        format!(r#" fill="{}""#, hex(c))
    } else {
        format!(
            r#" fill="{}" fill-opacity="{}""#,
            hex(c),
            trim(opacity(c), 3)
        )
    }
}

fn stroke(c: BackendColor, width: f32) -> String {
    let alpha = if opacity(c) >= 1.0 {
        String::new()
    } else {
        format!(r#" stroke-opacity="{}""#, trim(opacity(c), 3))
    };
    format!(
        r#" stroke="{}"{alpha} stroke-width="{}" stroke-linejoin="round""#,
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
}

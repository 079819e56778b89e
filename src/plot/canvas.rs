//! A plotters drawing backend that records what a chart draws, so one chart
//! layout can be written both as SVG ([`super::svg`]) and as PNG
//! ([`super::raster`]) with the same shapes and the same embedded font.
//!
//! Plotters works in whole pixels; the recording turns its coordinates into
//! pixel centres (`x + 0.5`) for strokes and polygons and into pixel edges
//! for filled rectangles, the convention both renderers share.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

use super::font::Faces;

/// A point in pixels (x to the right, y down).
pub type Pt = (f32, f32);

/// A colour with opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub rgb: (u8, u8, u8),
    /// Opacity in [0, 1].
    pub alpha: f32,
}

impl From<BackendColor> for Rgba {
    fn from(c: BackendColor) -> Rgba {
        Rgba {
            rgb: c.rgb,
            alpha: c.alpha.clamp(0.0, 1.0) as f32,
        }
    }
}

/// How a text is placed relative to its anchor point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextPlacement {
    /// Fraction of the width left of the anchor (0 left, 0.5 centre, 1 right).
    pub h: f32,
    /// Vertical anchor: the top, middle or bottom of the line box.
    pub v: VAnchor,
    /// Clockwise rotation about the anchor, in degrees (0, 90, 180, 270).
    pub rotation: f32,
}

/// Vertical anchor of a text line box (ascent plus descent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAnchor {
    Top,
    Middle,
    Bottom,
}

/// One recorded drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// A filled polygon.
    Fill { points: Vec<Pt>, color: Rgba },
    /// A stroked polyline (closed: back to its first point).
    Stroke {
        points: Vec<Pt>,
        width: f32,
        color: Rgba,
        closed: bool,
    },
    /// A circle, filled or stroked.
    Circle {
        center: Pt,
        radius: f32,
        color: Rgba,
        fill: bool,
        width: f32,
    },
    /// One line of text in the embedded font.
    Text {
        text: String,
        at: Pt,
        size: f32,
        color: Rgba,
        bold: bool,
        place: TextPlacement,
    },
}

/// A finished drawing: its size in pixels and its operations in order.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub width: u32,
    pub height: u32,
    pub ops: Vec<Op>,
}

/// The recording backend.
pub struct Recorder {
    size: (u32, u32),
    ops: Rc<RefCell<Vec<Op>>>,
    faces: &'static Faces,
}

/// What a chart-drawing function returns.
pub type DrawResult = Result<(), DrawingAreaErrorKind<Infallible>>;

/// The root drawing area of a chart.
pub type Area = DrawingArea<Recorder, Shift>;

/// Lets `draw` lay a chart out on a `width` x `height` canvas and returns
/// what it drew.
pub fn record(
    faces: &'static Faces,
    (width, height): (u32, u32),
    draw: impl FnOnce(&Area) -> DrawResult,
) -> Result<Drawing, String> {
    let ops = Rc::new(RefCell::new(Vec::new()));
    let recorder = Recorder {
        size: (width, height),
        ops: Rc::clone(&ops),
        faces,
    };
    let root = recorder.into_drawing_area();
    draw(&root).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    drop(root);
    let ops = ops.take();
    Ok(Drawing { width, height, ops })
}

fn centre(p: BackendCoord) -> Pt {
    (p.0 as f32 + 0.5, p.1 as f32 + 0.5)
}

fn width_of<S: BackendStyle>(style: &S) -> f32 {
    style.stroke_width().max(1) as f32
}

impl Recorder {
    fn push(&self, op: Op) {
        self.ops.borrow_mut().push(op);
    }
}

impl DrawingBackend for Recorder {
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
            let (x, y) = (p.0 as f32, p.1 as f32);
            self.push(Op::Fill {
                points: vec![(x, y), (x + 1.0, y), (x + 1.0, y + 1.0), (x, y + 1.0)],
                color: color.into(),
            });
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
            self.push(Op::Stroke {
                points: vec![centre(from), centre(to)],
                width: width_of(style),
                color: style.color().into(),
                closed: false,
            });
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
            let (x0, y0, x1, y1) = (x0 as f32, y0 as f32, x1 as f32 + 1.0, y1 as f32 + 1.0);
            self.push(Op::Fill {
                points: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
                color: style.color().into(),
            });
        } else {
            let (a, b) = (centre((x0, y0)), centre((x1, y1)));
            self.push(Op::Stroke {
                points: vec![a, (b.0, a.1), b, (a.0, b.1)],
                width: width_of(style),
                color: style.color().into(),
                closed: true,
            });
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
            self.push(Op::Stroke {
                points,
                width: width_of(style),
                color: style.color().into(),
                closed: false,
            });
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha > 0.0 {
            self.push(Op::Circle {
                center: centre(center),
                radius: radius as f32,
                color: style.color().into(),
                fill,
                width: width_of(style),
            });
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
            self.push(Op::Fill {
                points,
                color: style.color().into(),
            });
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
        let anchor = style.anchor();
        let h = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => 0.5,
            HPos::Right => 1.0,
        };
        let v = match anchor.v_pos {
            VPos::Top => VAnchor::Top,
            VPos::Center => VAnchor::Middle,
            VPos::Bottom => VAnchor::Bottom,
        };
        let rotation = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        };
        self.push(Op::Text {
            text: text.to_string(),
            at: (pos.0 as f32, pos.1 as f32),
            size: style.size() as f32,
            color: color.into(),
            bold: matches!(style.style(), FontStyle::Bold),
            place: TextPlacement { h, v, rotation },
        });
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

/// A text line laid out: its glyphs at positions relative to the anchor in
/// the text's own (unrotated) frame, baseline included.
pub struct LaidOut {
    /// (glyph, x of its origin, y of the baseline), relative to the anchor.
    pub glyphs: Vec<(ab_glyph::GlyphId, f32, f32)>,
}

/// Lays a text op out with the embedded face; the caller rotates by
/// `place.rotation` about `at`.
pub fn lay_out(faces: &Faces, text: &str, size: f32, bold: bool, place: &TextPlacement) -> LaidOut {
    let face = faces.get(bold);
    let (placed, width) = face.layout(text, size);
    let (ascent, descent) = (face.ascent(size), face.descent(size));
    let height = ascent + descent;
    let top = match place.v {
        VAnchor::Top => 0.0,
        VAnchor::Middle => -height / 2.0,
        VAnchor::Bottom => -height,
    };
    let baseline = top + ascent;
    let left = -width * place.h;
    LaidOut {
        glyphs: placed
            .into_iter()
            .map(|g| (g.id, left + g.x, baseline))
            .collect(),
    }
}

/// Rotates `(x, y)` clockwise on screen by `degrees` (multiples of 90).
pub fn rotate((x, y): Pt, degrees: f32) -> Pt {
    match degrees.rem_euclid(360.0) as u32 {
        90 => (-y, x),
        180 => (-x, -y),
        270 => (y, -x),
        _ => (x, y),
    }
}

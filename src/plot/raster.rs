//! Draws a recorded [`Drawing`] into an anti-aliased RGB image and encodes
//! it as PNG.
//!
//! Every shape becomes closed polygons (strokes: one quadrilateral per
//! segment plus round joins; circles and glyph curves: flattened), clipped
//! to the canvas and filled with `ab_glyph_rasterizer`'s coverage
//! accumulation, which gives exact anti-aliased edges. Polygons of one shape
//! share an orientation so their overlaps add up and saturate instead of
//! cancelling; glyph holes keep their opposite orientation and stay holes.

use ab_glyph_rasterizer::{point, Rasterizer};

use super::canvas::{lay_out, rotate, Drawing, Op, Pt, Rgba};
use super::font::{Curve, Faces};

/// Renders `drawing` as PNG bytes.
pub fn render(drawing: &Drawing, faces: &Faces) -> Result<Vec<u8>, String> {
    let mut canvas = Canvas::new(drawing.width, drawing.height);
    for op in &drawing.ops {
        match op {
            Op::Fill { points, color } => canvas.fill(vec![points.clone()], *color),
            Op::Stroke {
                points,
                width,
                color,
                closed,
            } => canvas.fill(stroke(points, *width, *closed), *color),
            Op::Circle {
                center,
                radius,
                color,
                fill,
                width,
            } => {
                let shape = if *fill {
                    vec![circle(*center, *radius)]
                } else {
                    let mut inner = circle(*center, (*radius - width / 2.0).max(0.0));
                    inner.reverse();
                    vec![circle(*center, *radius + width / 2.0), inner]
                };
                canvas.fill(shape, *color);
            }
            Op::Text {
                text,
                at,
                size,
                color,
                bold,
                place,
            } => {
                let face = faces.get(*bold);
                let k = face.scale(*size);
                let laid = lay_out(faces, text, *size, *bold, place);
                let mut contours = Vec::new();
                for (id, gx, gy) in laid.glyphs {
                    let map = |p: ab_glyph::Point| {
                        let local = (gx + p.x * k, gy - p.y * k);
                        let (rx, ry) = rotate(local, place.rotation);
                        (at.0 + rx, at.1 + ry)
                    };
                    contours.extend(flatten(&face.outline(id), map));
                }
                canvas.fill(contours, *color);
            }
        }
    }
    canvas.encode()
}

struct Canvas {
    width: usize,
    height: usize,
    /// RGB in [0, 1], row-major.
    pixels: Vec<[f32; 3]>,
    rasterizer: Rasterizer,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        let (width, height) = (width as usize, height as usize);
        Canvas {
            width,
            height,
            pixels: vec![[1.0; 3]; width * height],
            rasterizer: Rasterizer::new(0, 0),
        }
    }

    /// Fills the union of closed polygons (holes where orientation is
    /// reversed) with `color`.
    fn fill(&mut self, polygons: Vec<Vec<Pt>>, color: Rgba) {
        if color.alpha <= 0.0 {
            return;
        }
        let (w, h) = (self.width as f32, self.height as f32);
        if let [only] = polygons.as_slice() {
            if let Some(rect) = pixel_rect(only, self.width, self.height) {
                self.fill_rect(rect, color);
                return;
            }
        }
        let clipped: Vec<Vec<Pt>> = polygons
            .into_iter()
            .map(|p| clip(&p, w, h))
            .filter(|p| p.len() >= 3)
            .collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in clipped.iter().flatten() {
            x0 = x0.min(p.0);
            y0 = y0.min(p.1);
            x1 = x1.max(p.0);
            y1 = y1.max(p.1);
        }
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (ox, oy) = (x0.floor().max(0.0), y0.floor().max(0.0));
        let rw = ((x1.ceil().min(w) - ox) as usize).max(1);
        let rh = ((y1.ceil().min(h) - oy) as usize).max(1);
        self.rasterizer.reset(rw, rh);
        for poly in &clipped {
            for (i, a) in poly.iter().enumerate() {
                let b = poly[(i + 1) % poly.len()];
                self.rasterizer
                    .draw_line(point(a.0 - ox, a.1 - oy), point(b.0 - ox, b.1 - oy));
            }
        }
        let (ox, oy) = (ox as usize, oy as usize);
        let (width, height) = (self.width, self.height);
        let pixels = &mut self.pixels;
        let rgb = [
            f32::from(color.rgb.0) / 255.0,
            f32::from(color.rgb.1) / 255.0,
            f32::from(color.rgb.2) / 255.0,
        ];
        self.rasterizer.for_each_pixel_2d(|x, y, coverage| {
            let a = coverage.min(1.0) * color.alpha;
            if a <= 0.0 {
                return;
            }
            let (x, y) = (ox + x as usize, oy + y as usize);
            if x < width && y < height {
                blend(&mut pixels[y * width + x], rgb, a);
            }
        });
    }

    fn fill_rect(&mut self, (x0, y0, x1, y1): (usize, usize, usize, usize), color: Rgba) {
        let rgb = [
            f32::from(color.rgb.0) / 255.0,
            f32::from(color.rgb.1) / 255.0,
            f32::from(color.rgb.2) / 255.0,
        ];
        for y in y0..y1 {
            for px in &mut self.pixels[y * self.width + x0..y * self.width + x1] {
                blend(px, rgb, color.alpha);
            }
        }
    }

    fn encode(&self) -> Result<Vec<u8>, String> {
        let bytes: Vec<u8> = self
            .pixels
            .iter()
            .flat_map(|p| p.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect();
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Default);
            let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
            writer.write_image_data(&bytes).map_err(|e| e.to_string())?;
            writer.finish().map_err(|e| e.to_string())?;
        }
        Ok(out)
    }
}

fn blend(px: &mut [f32; 3], rgb: [f32; 3], a: f32) {
    for i in 0..3 {
        px[i] = px[i] * (1.0 - a) + rgb[i] * a;
    }
}

/// The pixel range `(x0, y0, x1, y1)` (exclusive ends) of an axis-aligned
/// rectangle on whole pixel edges, clamped to the canvas.
fn pixel_rect(p: &[Pt], width: usize, height: usize) -> Option<(usize, usize, usize, usize)> {
    if p.len() != 4 {
        return None;
    }
    let whole = p.iter().all(|q| q.0.fract() == 0.0 && q.1.fract() == 0.0);
    let aligned = (p[0].1 == p[1].1 && p[1].0 == p[2].0 && p[2].1 == p[3].1 && p[3].0 == p[0].0)
        || (p[0].0 == p[1].0 && p[1].1 == p[2].1 && p[2].0 == p[3].0 && p[3].1 == p[0].1);
    if !whole || !aligned {
        return None;
    }
    let clamp_x = |v: f32| (v.max(0.0) as usize).min(width);
    let clamp_y = |v: f32| (v.max(0.0) as usize).min(height);
    let (x0, x1) = (clamp_x(p[0].0.min(p[2].0)), clamp_x(p[0].0.max(p[2].0)));
    let (y0, y1) = (clamp_y(p[0].1.min(p[2].1)), clamp_y(p[0].1.max(p[2].1)));
    Some((x0, y0, x1, y1))
}

/// Twice the signed area of a polygon.
fn signed_area(p: &[Pt]) -> f32 {
    (0..p.len())
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % p.len()]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// `p` with positive orientation.
fn positive(mut p: Vec<Pt>) -> Vec<Pt> {
    if signed_area(&p) < 0.0 {
        p.reverse();
    }
    p
}

/// A polygon approximating a circle, positively oriented.
fn circle(c: Pt, r: f32) -> Vec<Pt> {
    let n = (r * 1.5).ceil().clamp(12.0, 64.0) as usize;
    let pts = (0..n)
        .map(|i| {
            let t = i as f32 / n as f32 * std::f32::consts::TAU;
            (c.0 + r * t.cos(), c.1 + r * t.sin())
        })
        .collect();
    positive(pts)
}

/// The polygons covering a stroke of `width` along `points`: a
/// quadrilateral per segment and a round join at each inner vertex.
fn stroke(points: &[Pt], width: f32, closed: bool) -> Vec<Vec<Pt>> {
    let hw = width / 2.0;
    let mut out = Vec::new();
    let n = points.len();
    let segments = if closed { n } else { n.saturating_sub(1) };
    for i in 0..segments {
        let (a, b) = (points[i], points[(i + 1) % n]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let (nx, ny) = (-dy / len * hw, dx / len * hw);
        out.push(positive(vec![
            (a.0 + nx, a.1 + ny),
            (b.0 + nx, b.1 + ny),
            (b.0 - nx, b.1 - ny),
            (a.0 - nx, a.1 - ny),
        ]));
    }
    if hw > 1.0 {
        let joins = if closed { 0..n } else { 1..n.saturating_sub(1) };
        for i in joins {
            out.push(circle(points[i], hw));
        }
    }
    out
}

/// Glyph curves mapped through `map` and flattened into closed contours.
fn flatten(curves: &[Curve], map: impl Fn(ab_glyph::Point) -> Pt) -> Vec<Vec<Pt>> {
    let mut contours: Vec<Vec<Pt>> = Vec::new();
    let mut current: Vec<Pt> = Vec::new();
    let mut last: Option<ab_glyph::Point> = None;
    for curve in curves {
        let start = match curve {
            Curve::Line(a, _) | Curve::Quad(a, _, _) | Curve::Cubic(a, _, _, _) => *a,
        };
        if last != Some(start) {
            if current.len() >= 3 {
                contours.push(std::mem::take(&mut current));
            }
            current.clear();
            current.push(map(start));
        }
        match curve {
            Curve::Line(_, b) => {
                current.push(map(*b));
                last = Some(*b);
            }
            Curve::Quad(a, b, c) => {
                let (p0, p1, p2) = (map(*a), map(*b), map(*c));
                let steps = steps_for(&[p0, p1, p2]);
                for s in 1..=steps {
                    let t = s as f32 / steps as f32;
                    let u = 1.0 - t;
                    current.push((
                        u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                        u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
                    ));
                }
                last = Some(*c);
            }
            Curve::Cubic(a, b, c, d) => {
                let (p0, p1, p2, p3) = (map(*a), map(*b), map(*c), map(*d));
                let steps = steps_for(&[p0, p1, p2, p3]);
                for s in 1..=steps {
                    let t = s as f32 / steps as f32;
                    let u = 1.0 - t;
                    let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                    current.push((
                        w0 * p0.0 + w1 * p1.0 + w2 * p2.0 + w3 * p3.0,
                        w0 * p0.1 + w1 * p1.1 + w2 * p2.1 + w3 * p3.1,
                    ));
                }
                last = Some(*d);
            }
        }
    }
    if current.len() >= 3 {
        contours.push(current);
    }
    contours
}

/// Segments for a curve with these control points: about one per 2 px.
fn steps_for(ctrl: &[Pt]) -> usize {
    let len: f32 = ctrl
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum();
    ((len / 2.0).ceil() as usize).clamp(1, 16)
}

/// Sutherland-Hodgman clipping of a polygon to `[0, w] x [0, h]`.
fn clip(poly: &[Pt], w: f32, h: f32) -> Vec<Pt> {
    let inside_all = poly
        .iter()
        .all(|p| p.0 >= 0.0 && p.0 <= w && p.1 >= 0.0 && p.1 <= h);
    if inside_all {
        return poly.to_vec();
    }
    let mut out = poly.to_vec();
    type Edge = (fn(Pt, f32) -> bool, fn(Pt, Pt, f32) -> Pt);
    let edges: [(Edge, f32); 4] = [
        ((|p, v| p.0 >= v, |a, b, v| lerp_x(a, b, v)), 0.0),
        ((|p, v| p.0 <= v, |a, b, v| lerp_x(a, b, v)), w),
        ((|p, v| p.1 >= v, |a, b, v| lerp_y(a, b, v)), 0.0),
        ((|p, v| p.1 <= v, |a, b, v| lerp_y(a, b, v)), h),
    ];
    for ((inside, cut), v) in edges {
        let input = std::mem::take(&mut out);
        for (i, &b) in input.iter().enumerate() {
            let a = input[(i + input.len() - 1) % input.len()];
            match (inside(a, v), inside(b, v)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cut(a, b, v)),
                (false, true) => {
                    out.push(cut(a, b, v));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        if out.is_empty() {
            break;
        }
    }
    out
}

fn lerp_x(a: Pt, b: Pt, x: f32) -> Pt {
    let t = (x - a.0) / (b.0 - a.0);
    (x, a.1 + t * (b.1 - a.1))
}

fn lerp_y(a: Pt, b: Pt, y: f32) -> Pt {
    let t = (y - a.1) / (b.1 - a.1);
    (a.0 + t * (b.0 - a.0), y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_the_inside() {
        let square = vec![(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let c = clip(&square, 10.0, 10.0);
        assert!((signed_area(&c).abs() / 2.0 - 25.0).abs() < 1e-3, "{c:?}");
        assert!(clip(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], 10.0, 10.0).len() < 3);
    }

    #[test]
    fn strokes_have_one_orientation() {
        let polys = stroke(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], 4.0, false);
        assert_eq!(polys.len(), 3);
        assert!(polys.iter().all(|p| signed_area(p) > 0.0));
    }

    #[test]
    fn a_filled_square_covers_its_pixels() {
        let mut canvas = Canvas::new(10, 10);
        let black = Rgba {
            rgb: (0, 0, 0),
            alpha: 1.0,
        };
        canvas.fill(
            vec![vec![(2.5, 2.5), (7.5, 2.5), (7.5, 7.5), (2.5, 7.5)]],
            black,
        );
        assert!(canvas.pixels[5 * 10 + 5][0] < 0.01);
        assert!((canvas.pixels[2 * 10 + 5][0] - 0.5).abs() < 0.05);
        assert!(canvas.pixels[0][0] > 0.99);
        assert!(!canvas.encode().unwrap().is_empty());
    }
}

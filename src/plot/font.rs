//! The fonts every plot is drawn with: DejaVu Sans and DejaVu Sans Bold,
//! embedded in the binary (`assets/fonts`, with their licence), so a plot
//! looks the same on every machine whatever fonts it has installed.
//!
//! One layout serves both uses of a text: [`Face::measure`] gives plotters
//! the size of a line, and [`Face::outline`] writes the glyphs of that same
//! line (advances, kerning and the standard ligatures from the font,
//! ttf-parser reading it) as SVG path data. Sizes are em sizes in pixels,
//! as in CSS.

use std::sync::OnceLock;

use ttf_parser::{Face as TtfFace, GlyphId, OutlineBuilder};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One embedded typeface.
pub struct Face {
    font: TtfFace<'static>,
    units_per_em: f32,
}

/// The regular and bold faces.
pub struct Faces {
    pub regular: Face,
    pub bold: Face,
}

impl Faces {
    /// The face for `bold` text.
    pub fn get(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// The embedded faces, parsed once; `None` if the embedded files cannot be
/// read (a broken build, never user input).
pub fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: Face::parse(REGULAR)?,
                bold: Face::parse(BOLD)?,
            })
        })
        .as_ref()
}

/// Where a line of text goes: its origin (`0, 0` in the line's own frame
/// is the start of its baseline) maps to `at`, after a clockwise rotation
/// by `rotation` degrees.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub at: (f32, f32),
    pub rotation: f32,
}

impl Face {
    fn parse(bytes: &'static [u8]) -> Option<Face> {
        let font = TtfFace::parse(bytes, 0).ok()?;
        let units_per_em = f32::from(font.units_per_em());
        (units_per_em > 0.0).then_some(Face { font, units_per_em })
    }

    /// Pixels per font unit at em size `size`.
    fn scale(&self, size: f32) -> f32 {
        size / self.units_per_em
    }

    /// Height of the ascender above the baseline, in pixels.
    pub fn ascent(&self, size: f32) -> f32 {
        f32::from(self.font.ascender()) * self.scale(size)
    }

    /// Depth of the descender below the baseline, in pixels (positive).
    pub fn descent(&self, size: f32) -> f32 {
        -f32::from(self.font.descender()) * self.scale(size)
    }

    /// The glyphs of one line and the pen position (font units) of each,
    /// and the line's width.
    fn layout(&self, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
        let mut glyphs = Vec::with_capacity(text.len());
        let mut pen = 0.0;
        let mut prev: Option<GlyphId> = None;
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let (id, len) = self.ligature(rest).unwrap_or_else(|| {
                let id = self.font.glyph_index(c).unwrap_or(GlyphId(0));
                (id, c.len_utf8())
            });
            rest = &rest[len..];
            if let Some(p) = prev {
                pen += self.kerning(p, id);
            }
            glyphs.push((id, pen));
            pen += f32::from(self.font.glyph_hor_advance(id).unwrap_or(0));
            prev = Some(id);
        }
        (glyphs, pen)
    }

    /// The font's standard ligature at the start of `text` (ffi, ffl, ff,
    /// fi, fl: the ones DejaVu Sans has, as its `liga` feature substitutes
    /// them) and the bytes it replaces.
    fn ligature(&self, text: &str) -> Option<(GlyphId, usize)> {
        const LIGATURES: [(&str, char); 5] = [
            ("ffi", '\u{FB03}'),
            ("ffl", '\u{FB04}'),
            ("ff", '\u{FB00}'),
            ("fi", '\u{FB01}'),
            ("fl", '\u{FB02}'),
        ];
        LIGATURES.iter().find_map(|(letters, lig)| {
            let id = self.font.glyph_index(*lig)?;
            text.starts_with(letters).then_some((id, letters.len()))
        })
    }

    /// The horizontal kerning of a pair from the font's `kern` table.
    fn kerning(&self, left: GlyphId, right: GlyphId) -> f32 {
        let Some(kern) = self.font.tables().kern else {
            return 0.0;
        };
        kern.subtables
            .into_iter()
            .filter(|s| s.horizontal && !s.variable)
            .find_map(|s| s.glyphs_kerning(left, right))
            .map_or(0.0, f32::from)
    }

    /// Width (advances with kerning) and height (ascent plus descent) of
    /// one line, in pixels.
    pub fn measure(&self, text: &str, size: f32) -> (f32, f32) {
        let (_, width) = self.layout(text);
        (
            width * self.scale(size),
            self.ascent(size) + self.descent(size),
        )
    }

    /// Appends the glyph outlines of `text` at em size `size` to the SVG
    /// path data `d`: the line starts at `x0` on the baseline `y0` of its
    /// own frame, which `place` puts on the drawing. Points are rounded to
    /// tenths of a pixel and written relative to the previous one (short,
    /// and without drift: each step is taken between rounded points).
    pub fn outline(&self, text: &str, size: f32, (x0, y0): (f32, f32), place: Placement) -> String {
        let k = self.scale(size);
        let (sin, cos) = place.rotation.to_radians().sin_cos();
        let mut pen = Pen {
            d: String::new(),
            at: (0, 0),
            start: (0, 0),
            closing_line: None,
            map: [0.0; 6],
        };
        let (glyphs, _) = self.layout(text);
        for (id, x) in glyphs {
            // A glyph point (gx, gy) in font units (y up) lies at
            // (u, v) = (ox + gx k, oy - gy k) in the line's frame; rotated
            // clockwise and moved it is
            // (u cos - v sin + at.x, u sin + v cos + at.y).
            let (ox, oy) = (x0 + x * k, y0);
            pen.map = [
                k * cos,
                k * sin,
                ox * cos - oy * sin + place.at.0,
                k * sin,
                -k * cos,
                ox * sin + oy * cos + place.at.1,
            ];
            self.font.outline_glyph(id, &mut pen);
        }
        pen.d
    }
}

/// Writes glyph outlines as relative SVG path data, in tenths of a pixel.
struct Pen {
    d: String,
    /// The current point and the start of the current contour, in tenths.
    at: (i64, i64),
    start: (i64, i64),
    /// Where in `d` a line back to the contour's start begins: the `z`
    /// that follows draws it anyway, so it is dropped.
    closing_line: Option<usize>,
    /// The current glyph's font units to drawing pixels:
    /// `x' = m0 x + m1 y + m2`, `y' = m3 x + m4 y + m5`.
    map: [f32; 6],
}

impl Pen {
    /// A point of the glyph (font units, y up) in tenths of a drawing pixel.
    fn point(&self, x: f32, y: f32) -> (i64, i64) {
        let m = &self.map;
        let px = m[0] * x + m[1] * y + m[2];
        let py = m[3] * x + m[4] * y + m[5];
        let tenths = |v: f32| (f64::from(v) * 10.0).round() as i64;
        (tenths(px), tenths(py))
    }

    /// Writes `p` relative to the current point and returns it.
    fn step(&mut self, p: (i64, i64)) -> (i64, i64) {
        let (dx, dy) = (tenth(p.0 - self.at.0), tenth(p.1 - self.at.1));
        self.d.push_str(&dx);
        self.d.push(' ');
        self.d.push_str(&dy);
        p
    }
}

impl OutlineBuilder for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.closing_line = None;
        self.d.push('m');
        let p = self.point(x, y);
        self.at = self.step(p);
        self.start = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.point(x, y);
        self.closing_line = (p == self.start).then_some(self.d.len());
        self.d.push('l');
        self.at = self.step(p);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.closing_line = None;
        self.d.push('q');
        let a = self.point(x1, y1);
        self.step(a);
        self.d.push(' ');
        let p = self.point(x, y);
        self.at = self.step(p);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.closing_line = None;
        self.d.push('c');
        for (px, py) in [(x1, y1), (x2, y2)] {
            let a = self.point(px, py);
            self.step(a);
            self.d.push(' ');
        }
        let p = self.point(x, y);
        self.at = self.step(p);
    }

    fn close(&mut self) {
        if let Some(at) = self.closing_line.take() {
            self.d.truncate(at);
        }
        self.d.push('z');
        self.at = self.start;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_parse_and_measure() {
        let faces = faces().expect("embedded fonts");
        let (w, h) = faces.regular.measure("Profit (EUR)", 20.0);
        assert!(w > 80.0 && w < 160.0, "{w}");
        assert!(h > 20.0 && h < 26.0, "{h}");
        let (wb, _) = faces.bold.measure("Profit (EUR)", 20.0);
        assert!(wb > w);
    }

    #[test]
    fn fi_is_drawn_as_its_ligature() {
        let bold = &faces().expect("embedded fonts").bold;
        let (lig, _) = bold.layout("fi");
        assert_eq!(lig.len(), 1);
        let (apart, _) = bold.layout("f i");
        assert_eq!(apart.len(), 3);
        // The ligature is narrower than f and i set apart, and is measured so.
        let (w_lig, _) = bold.measure("fi", 20.0);
        let (w_f, _) = bold.measure("f", 20.0);
        let (w_i, _) = bold.measure("i", 20.0);
        assert!(w_lig < w_f + w_i - 0.1, "{w_lig} {w_f} {w_i}");
    }

    #[test]
    fn tenths_are_short() {
        assert_eq!(tenth(-12), "-1.2");
        assert_eq!(tenth(30), "3");
        assert_eq!(tenth(-5), "-0.5");
        assert_eq!(tenth(0), "0");
    }

    #[test]
    fn outlines_sit_where_the_text_is_placed() {
        let face = &faces().expect("embedded fonts").regular;
        let flat = Placement {
            at: (100.0, 50.0),
            rotation: 0.0,
        };
        // "l" is one closed contour, a stem from the ascender down to the
        // baseline; its first point is its top left corner.
        let d = face.outline("l", 20.0, (0.0, 15.0), flat);
        assert!(d.starts_with('m') && d.ends_with('z'), "{d}");
        let start = |d: &str| -> Vec<f32> {
            let moveto = d[1..].split(['l', 'z']).next().unwrap();
            moveto.split(' ').map(|v| v.parse().unwrap()).collect()
        };
        let id = face.font.glyph_index('l').unwrap();
        let top = f32::from(face.font.glyph_bounding_box(id).unwrap().y_max) * face.scale(20.0);
        let first = start(&d);
        assert!(first[0] > 100.0 && first[0] < 105.0, "{d}");
        // The baseline is 15 below the placement point, the top `top` above it.
        assert!((first[1] - (65.0 - top)).abs() < 0.11, "{d} {top}");
        // Rotated by 270 degrees about the placement point, the line runs
        // upwards: (x, y) goes to (100 + (y - 50), 50 - (x - 100)).
        let rotated = Placement {
            rotation: 270.0,
            ..flat
        };
        let up = start(&face.outline("l", 20.0, (0.0, 15.0), rotated));
        assert!((up[0] - (100.0 + first[1] - 50.0)).abs() < 0.11, "{up:?}");
        assert!((up[1] - (50.0 - (first[0] - 100.0))).abs() < 0.11, "{up:?}");
    }
}

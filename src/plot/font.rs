//! The fonts every plot is drawn with: DejaVu Sans and DejaVu Sans Bold,
//! embedded in the binary (`assets/fonts`, with their licence), so a plot
//! looks the same on every machine whatever fonts it has installed.
//!
//! Both renderers take glyph outlines from here: the rasteriser fills them,
//! the SVG writer turns them into paths, so neither depends on a system
//! font and the PNG and SVG of a plot match. Sizes are em sizes in pixels,
//! as in CSS.

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, GlyphId, OutlineCurve};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The CSS font family of the report's text (the plots do not need it).
pub const FAMILY: &str = "DejaVu Sans";

/// One embedded typeface.
pub struct Face {
    font: FontRef<'static>,
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
            let regular = Face::parse(REGULAR)?;
            let bold = Face::parse(BOLD)?;
            // Register them with plotters too, for the few layout paths
            // that ask plotters' own font layer rather than the backend.
            use plotters::style::FontStyle;
            for name in ["sans-serif", FAMILY] {
                let _ = plotters::style::register_font(name, FontStyle::Normal, REGULAR);
                let _ = plotters::style::register_font(name, FontStyle::Bold, BOLD);
            }
            Some(Faces { regular, bold })
        })
        .as_ref()
}

/// A glyph placed on a line of text: its id and its pen position (pixels
/// from the start of the line).
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub id: GlyphId,
    pub x: f32,
}

/// A contour segment of a glyph in font units, y up.
pub type Curve = OutlineCurve;

impl Face {
    fn parse(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::try_from_slice(bytes).ok()?;
        let units_per_em = font.units_per_em().filter(|u| *u > 0.0)?;
        Some(Face { font, units_per_em })
    }

    /// Pixels per font unit at em size `size`.
    pub fn scale(&self, size: f32) -> f32 {
        size / self.units_per_em
    }

    /// Height of the ascender above the baseline, in pixels.
    pub fn ascent(&self, size: f32) -> f32 {
        self.font.ascent_unscaled() * self.scale(size)
    }

    /// Depth of the descender below the baseline, in pixels (positive).
    pub fn descent(&self, size: f32) -> f32 {
        -self.font.descent_unscaled() * self.scale(size)
    }

    /// The glyphs of one line of text with kerning, and its width.
    pub fn layout(&self, text: &str, size: f32) -> (Vec<Placed>, f32) {
        let k = self.scale(size);
        let mut x = 0.0;
        let mut prev: Option<GlyphId> = None;
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let id = self.font.glyph_id(c);
            if let Some(p) = prev {
                x += self.font.kern_unscaled(p, id) * k;
            }
            glyphs.push(Placed { id, x });
            x += self.font.h_advance_unscaled(id) * k;
            prev = Some(id);
        }
        (glyphs, x)
    }

    /// Width and height (ascent plus descent) of one line, in pixels.
    pub fn measure(&self, text: &str, size: f32) -> (f32, f32) {
        let (_, width) = self.layout(text, size);
        (width, self.ascent(size) + self.descent(size))
    }

    /// The outline of a glyph in font units (y up); empty for blanks.
    pub fn outline(&self, id: GlyphId) -> Vec<Curve> {
        self.font.outline(id).map(|o| o.curves).unwrap_or_default()
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
        let (glyphs, _) = faces.regular.layout("Ab", 20.0);
        assert!(!faces.regular.outline(glyphs[0].id).is_empty());
        assert!(faces
            .regular
            .outline(faces.regular.layout(" ", 20.0).0[0].id)
            .is_empty());
    }
}

//! The fonts every plot is drawn with: DejaVu Sans and DejaVu Sans Bold,
//! embedded in the binary (`assets/fonts`, with their licence), so a plot
//! looks the same on every machine whatever fonts it has installed.
//!
//! usvg lays the text of a figure out and turns it into glyph outlines from
//! [`database`], which holds these two faces and nothing else (no system
//! fonts, so the outlines never depend on the machine). Plotters only needs
//! the size of a text to place it: [`Face::measure`] gives it from the same
//! font's advances and kerning. Sizes are em sizes in pixels, as in CSS.

use std::sync::{Arc, OnceLock};

use ab_glyph::{Font as _, FontRef, GlyphId};
use resvg::usvg::fontdb;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The font family of every text in a plot and of the report's text.
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
    /// The same two faces for usvg.
    database: Arc<fontdb::Database>,
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

    /// The font database usvg draws text from: the embedded faces only.
    pub fn database(&self) -> Arc<fontdb::Database> {
        Arc::clone(&self.database)
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
            let mut database = fontdb::Database::new();
            database.load_font_data(REGULAR.to_vec());
            database.load_font_data(BOLD.to_vec());
            database.set_sans_serif_family(FAMILY);
            if database.len() != 2 {
                return None;
            }
            // Register them with plotters too, for the few layout paths
            // that ask plotters' own font layer rather than the backend.
            use plotters::style::FontStyle;
            for name in ["sans-serif", FAMILY] {
                let _ = plotters::style::register_font(name, FontStyle::Normal, REGULAR);
                let _ = plotters::style::register_font(name, FontStyle::Bold, BOLD);
            }
            Some(Faces {
                regular,
                bold,
                database: Arc::new(database),
            })
        })
        .as_ref()
}

impl Face {
    fn parse(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::try_from_slice(bytes).ok()?;
        let units_per_em = font.units_per_em().filter(|u| *u > 0.0)?;
        Some(Face { font, units_per_em })
    }

    /// Pixels per font unit at em size `size`.
    fn scale(&self, size: f32) -> f32 {
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

    /// Width (advances with kerning) and height (ascent plus descent) of
    /// one line, in pixels.
    pub fn measure(&self, text: &str, size: f32) -> (f32, f32) {
        let k = self.scale(size);
        let mut width = 0.0;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let id = self.font.glyph_id(c);
            if let Some(p) = prev {
                width += self.font.kern_unscaled(p, id) * k;
            }
            width += self.font.h_advance_unscaled(id) * k;
            prev = Some(id);
        }
        (width, self.ascent(size) + self.descent(size))
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
        let families: Vec<_> = faces
            .database()
            .faces()
            .map(|f| (f.families[0].0.clone(), f.weight.0))
            .collect();
        assert_eq!(
            families,
            [(FAMILY.to_string(), 400), (FAMILY.to_string(), 700)]
        );
    }
}

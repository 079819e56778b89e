//! Turns a [`Drawing`] into a standalone SVG document and that document into
//! a PNG.
//!
//! Text is written as glyph outlines, not as `<text>`: each text is laid
//! out with the embedded DejaVu Sans ([`super::font`], the layout plotters
//! measured it with) and written as one `<path>` that keeps its words in an
//! `aria-label` for screen readers and search. So the SVG looks the same without any font installed, and the
//! PNG, which is that very SVG rendered by resvg, matches it by
//! construction. Element ids carry a per-figure prefix, so several SVGs can
//! be inlined in one HTML page.

use std::fmt::Write as _;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use super::canvas::{Anchor, Drawing, Item, Text};
use super::font::{Faces, Placement};

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
pub fn render(drawing: &Drawing, faces: &Faces, id_prefix: &str, title: &str) -> String {
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
    for item in &drawing.items {
        match item {
            Item::Shape(element) => {
                out.push_str(element);
                out.push('\n');
            }
            Item::Text(text) => {
                let d = outline(text, faces);
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
    out
}

/// The glyph outlines of `text` as SVG path data in the drawing's pixels.
fn outline(text: &Text, faces: &Faces) -> String {
    let face = faces.get(text.bold);
    let (width, _) = face.measure(&text.text, text.size);
    let x0 = match text.anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -width / 2.0,
        Anchor::End => -width,
    };
    let place = Placement {
        at: text.at,
        rotation: text.rotation,
    };
    face.outline(&text.text, text.size, (x0, text.baseline), place)
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
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}

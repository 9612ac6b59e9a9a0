//! Labels as A4 sheets of 2 × 5 cut-out labels, 90 × 50 mm each, with the QR code as inline SVG.

use maud::{html, Markup, PreEscaped};
use qrcode::render::svg;

use super::{qr_code, Label};
use crate::error::Result;
use crate::kit::html::{page, LABEL};
use crate::{Lang, Word};

/// Labels per A4 sheet: 2 columns × 5 rows of 90 × 50 mm.
const PER_SHEET: usize = 10;

/// The QR code as an inline `<svg>`, one unit per module, sized by the style sheet.
pub fn qr_svg(data: &str) -> Result<String> {
    let svg = qr_code(data)?
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .build();
    // The renderer writes a standalone file: an XML prolog and the SVG namespace URL. Inline
    // in HTML neither is needed, and the page must name no URL at all.
    let start = svg.find("<svg").unwrap_or(0);
    // The number goes into an attribute of markup that is not escaped as a whole: maud
    // escapes it here, so it cannot end the attribute.
    let number = html! { (data) }.into_string();
    let tag = format!("<svg class=\"l-qr\" role=\"img\" aria-label=\"{number}\"");
    Ok(svg[start..]
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("<svg", &tag, 1))
}

/// The number in the largest type, up to 17 pt, that keeps it on one line of the label's
/// 51.5 mm text column (146 pt; a monospace character with its spacing is 0.62 em wide).
fn number_pt(number: &str) -> f64 {
    let chars = number.chars().count().max(1) as f64;
    (146.0 / (0.62 * chars)).min(17.0)
}

fn label(l: &Label, lang: Lang) -> Result<Markup> {
    // The SVG that qrcode made from the medium number: only path data and fixed attributes,
    // and the number in it escaped by `qr_svg`.
    let qr = PreEscaped(qr_svg(&l.medium)?);
    let free = [
        (lang.w(Word::LabelRestriction), &l.restriction),
        (lang.w(Word::Label), &l.label),
    ];
    Ok(html! {
        div.label {
            div.l-qrcol { (qr) }
            div.l-text {
                div.l-heading { (lang.w(Word::LabelHeading)) }
                div class="l-no" style=(format!("font-size: {:.1}pt", number_pt(&l.medium))) { (l.medium) }
                @if l.protected {
                    div.l-protected { (lang.w(Word::LabelProtected)) }
                }
                div.l-marking { (l.marking) }
                div.l-words { (l.marking_words) }
                // Long free text is cut at two lines with an ellipsis: the label has a fixed
                // size, and the whole text is in the ledger and in the text and JSON labels.
                @for (k, v) in free {
                    @if let Some(v) = v {
                        div.l-free { (k) ": " (v) }
                    }
                }
            }
            div.l-org { (l.org) }
        }
        "\n"
    })
}

/// Every label on A4 sheets with cut lines, as one self-contained page.
pub fn labels_html(labels: &[Label], lang: Lang) -> Result<String> {
    let sheets = labels
        .chunks(PER_SHEET)
        .map(|sheet| {
            sheet
                .iter()
                .map(|l| label(l, lang))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    let body = html! {
        @for sheet in &sheets {
            section.sheet {
                "\n"
                @for l in sheet { (l) }
            }
            "\n"
        }
    };
    Ok(page(lang.w(Word::LabelsTitle), lang, &[LABEL], body))
}

#[cfg(test)]
mod tests {
    use super::super::testdata::{modules, sample};
    use super::*;

    /// Read the SVG's path (`M{x} {y}h1v1H{x}V{y}` per dark module) back into modules.
    fn from_svg(svg: &str, quiet: usize, size: usize) -> Vec<Vec<bool>> {
        let mut m = vec![vec![false; size]; size];
        let d = svg.split(" d=\"").nth(1).expect("a path");
        for cmd in d.split('M').skip(1) {
            let xy: Vec<usize> = cmd
                .split(|c: char| !c.is_ascii_digit())
                .take(2)
                .map(|n| n.parse().expect("a number"))
                .collect();
            m[xy[1] - quiet][xy[0] - quiet] = true;
        }
        m
    }

    #[test]
    fn svg_qr_is_the_code_of_the_number_and_names_no_url() {
        let svg = qr_svg("USB-2026-0001").expect("renders");
        assert!(svg.starts_with("<svg class=\"l-qr\""), "{svg}");
        assert!(!svg.contains("http") && !svg.contains("<?xml"), "{svg}");
        let expected = modules("USB-2026-0001");
        assert_eq!(from_svg(&svg, 4, expected.len()), expected);
    }

    #[test]
    fn sheets_hold_ten_labels() {
        let labels = vec![sample(); 11];
        let page = labels_html(&labels, Lang::En).expect("renders");
        assert_eq!(page.matches("<section class=\"sheet\">").count(), 2);
        assert_eq!(page.matches("<div class=\"label\">").count(), 11);
        assert!(page.contains("Medium labels"));
    }
}

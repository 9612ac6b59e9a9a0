//! Labels as A4 sheets of cut-out labels with the QR code as inline SVG: 2 × 5 large ones of
//! 90 × 50 mm, or 7 × 20 small ones of 25 × 12 mm that fit on a USB stick. A sheet already
//! partly used starts further on (`skip`).

use maud::{html, Markup, PreEscaped};
use qrcode::render::svg;

use super::{qr_code, Label, LabelSize};
use crate::error::{Error, Result};
use crate::kit::html::{page, LABEL};
use crate::{Lang, Word};

/// How labels are laid out on A4 sheets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sheet {
    /// The size of each label.
    pub size: LabelSize,
    /// Places on the first sheet to leave empty, because their labels were used already;
    /// fewer than a sheet holds.
    pub skip: usize,
}

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

/// A 25 × 12 mm label: the QR code, the number in type that fits the 12.5 mm beside it, the
/// marking, and 保護すべき情報 when it applies. The rest is on the large label and the form.
fn small_label(l: &Label, lang: Lang) -> Result<Markup> {
    let qr = PreEscaped(qr_svg(&l.medium)?);
    // 12.5 mm is 35.4 pt; a monospace character with its spacing is 0.62 em wide.
    let chars = l.medium.chars().count().max(1) as f64;
    let size = (35.4 / (0.62 * chars)).min(6.5);
    Ok(html! {
        div.label.small {
            (qr)
            div.s-text {
                div class="s-no" style=(format!("font-size: {size:.1}pt")) { (l.medium) }
                div.s-marking { (l.marking) }
                @if l.protected {
                    div.s-protected { (lang.w(Word::LabelProtected)) }
                }
            }
        }
        "\n"
    })
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

/// Every label on A4 sheets with cut lines, as one self-contained page; the first `skip`
/// places of the first sheet stay empty. A `skip` of a whole sheet or more is a usage error.
pub fn labels_html(labels: &[Label], lang: Lang, sheet: Sheet) -> Result<String> {
    let per_sheet = sheet.size.per_sheet();
    if sheet.skip >= per_sheet {
        return Err(Error::usage(crate::msg::Msg::SkipSheet {
            skip: sheet.skip.to_string().into(),
            size: sheet.size.as_str().into(),
            places: per_sheet.to_string().into(),
        }));
    }
    let mut places = vec![html! { div.label.used {} "\n" }; sheet.skip];
    for l in labels {
        places.push(match sheet.size {
            LabelSize::Small => small_label(l, lang)?,
            LabelSize::Large => label(l, lang)?,
        });
    }
    let class = format!("sheet {}", sheet.size.as_str());
    let body = html! {
        @for places in places.chunks(per_sheet) {
            section class=(class) {
                "\n"
                @for l in places { (l) }
            }
            "\n"
        }
    };
    let title = lang.w(Word::LabelsTitle);
    Ok(page(title, title, lang, &[LABEL], body))
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
        let page = labels_html(&labels, Lang::En, Sheet::default()).expect("renders");
        assert_eq!(page.matches("<section class=\"sheet large\">").count(), 2);
        assert_eq!(page.matches("<div class=\"label\">").count(), 11);
        assert!(page.contains("Medium labels"));
    }

    #[test]
    fn small_labels_start_after_the_places_skipped() {
        let labels = vec![sample(); 138];
        let sheet = Sheet {
            size: LabelSize::Small,
            skip: 5,
        };
        let page = labels_html(&labels, Lang::Ja, sheet).expect("renders");
        let sheets: Vec<&str> = page
            .split("<section class=\"sheet small\">")
            .skip(1)
            .collect();
        assert_eq!(
            sheets.len(),
            2,
            "5 empty places and 138 labels are 143 of 140 a sheet"
        );
        assert_eq!(sheets[0].matches("<div class=\"label used\">").count(), 5);
        assert_eq!(
            sheets[0].matches("<div class=\"label small\">").count(),
            135
        );
        assert_eq!(sheets[1].matches("<div class=\"label small\">").count(), 3);
        assert!(sheets[0].find("label used") < sheets[0].find("label small"));
    }

    #[test]
    fn a_skip_of_a_whole_sheet_is_refused() {
        let sheet = Sheet {
            size: LabelSize::Large,
            skip: 10,
        };
        let err = labels_html(&[sample()], Lang::Ja, sheet).unwrap_err();
        assert!(err.to_string().contains("--skip 10"), "{err}");
    }
}

//! HTML printouts: the self-contained page every one of them is, and the pieces the audit and
//! incident pages share (tables of entries, the people an entry names, the verify verdict).
//!
//! Pages are written with maud, which escapes every value put into them: text from the ledger
//! cannot become markup. Two things go in unescaped, each a constant of this crate: the style
//! sheets and the no-break-space entity of the form's blank rows ([`NBSP`]); and one generated
//! thing, the QR code's SVG (`label::html`).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::entries::{
    head_text, id_text, role_word, verify_text, EntryLine, Participant, VerifyStatus,
};
use super::{Column, SignBox};
use crate::{Lang, Word};

/// A style sheet of this crate (`css/`), built in when compiling.
#[derive(Debug, Clone, Copy)]
pub struct Css(&'static str);

/// The form's sheet, which every page starts with: fonts, tables, the A4 landscape page.
pub const FORM: Css = Css(include_str!("../../css/form.css"));
/// The inventory, overdue and stock-take lists.
pub const LIST: Css = Css(include_str!("../../css/list.css"));
/// Labels: A4 portrait sheets of 2 × 5.
pub const LABEL: Css = Css(include_str!("../../css/label.css"));
/// What the incident and audit pages share: fixed table columns, signers, the verdict.
pub const REPORT: Css = Css(include_str!("../../css/report.css"));
pub const AUDIT: Css = Css(include_str!("../../css/audit.css"));
pub const INCIDENT: Css = Css(include_str!("../../css/incident.css"));
pub const CERTIFICATE: Css = Css(include_str!("../../css/certificate.css"));

/// A blank table cell's content, written as the entity the pages have always had. A constant,
/// with nothing of the ledger in it, so nothing can be injected through it.
pub const NBSP: PreEscaped<&str> = PreEscaped("&nbsp;");

/// A complete, self-contained page: the form's style sheet, then `sheets` (which may set
/// their own `@page`, e.g. A4 portrait, since later rules win), then the running head, then
/// the body. No external resources, so it prints the same offline.
///
/// `head` names what is printed (the medium, or the report): it goes in the top right margin
/// of every printed page with the page's number and the count (`媒体番号 USB-2026-0001　2 / 3`),
/// so a sheet that comes loose from the stack still says what it belongs to. This uses CSS
/// paged-media margin boxes, which Chromium prints from version 131 on.
pub fn page(title: &str, head: &str, lang: Lang, sheets: &[Css], body: Markup) -> String {
    let mut css = String::from(FORM.0);
    for s in sheets {
        css.push_str(s.0);
    }
    css.push_str(&running_head(head));
    html! {
        (DOCTYPE) "\n"
        html lang=(lang.code()) {
            "\n"
            head {
                "\n" meta charset="utf-8"; "\n"
                title { (title) } "\n"
                // The crate's own sheets, not text from a ledger; escaping would break CSS
                // (`>` in a selector) inside <style>, which HTML does not unescape.
                style { (PreEscaped(css)) } "\n"
            }
            "\n"
            body { "\n" (body) }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// The `@page` rule that prints `head` and `x / y` in the top right margin of every page.
/// It only adds a margin box, so the size and margins each sheet sets stay.
fn running_head(head: &str) -> String {
    format!(
        "\n@page {{ @top-right {{ content: \"{}\u{3000}\" counter(page) \" / \" counter(pages); \
         font-family: \"Noto Sans CJK JP\", \"Noto Sans JP\", sans-serif; font-size: 7.5pt; \
         white-space: nowrap; vertical-align: bottom; padding-bottom: 1mm; }} }}\n",
        css_string(head)
    )
}

/// `s` as the inside of a CSS string: every ASCII character but letters, digits and space
/// as a hexadecimal escape, so nothing typed into a ledger (an organisation's name, say)
/// can end the string, the rule or the `<style>` element. Other characters stay as they
/// are, except controls, which are escaped too.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let plain = c.is_ascii_alphanumeric() || c == ' ' || (!c.is_ascii() && !c.is_control());
        if plain {
            out.push(c);
        } else {
            // The space after the escape ends it; CSS swallows that one space.
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out
}

/// Text for a table cell, with each short ASCII token that holds a digit (a medium number, a
/// marking, a time, a fingerprint, a size) kept on one line: a narrow column then breaks
/// between tokens, not inside one. Longer tokens (whole hashes) may still break.
pub fn text(s: &str) -> Markup {
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let is_tok = |c: char| c.is_ascii_graphic();
    let mut in_tok = s.chars().next().is_some_and(is_tok);
    for (i, c) in s.char_indices() {
        if is_tok(c) != in_tok {
            parts.push((in_tok, &s[start..i]));
            start = i;
            in_tok = !in_tok;
        }
    }
    parts.push((in_tok, &s[start..]));
    html! {
        @for (tok, part) in parts {
            @if tok && part.len() <= 24 && part.chars().any(|c| c.is_ascii_digit()) {
                span.tok { (part) }
            } @else {
                (part)
            }
        }
    }
}

/// The sign-off that ends a report: a box for each signer with their name (printed when
/// known, else a line for it), the date, room for findings (所見) and a circle for the seal.
/// It is kept whole on one page.
pub fn sign_off(boxes: &[SignBox], lang: Lang) -> Markup {
    html! {
        div.signoff {
            "\n"
            h2 { (lang.w(Word::SignOff)) } "\n"
            div.signboxes {
                @for b in boxes {
                    div.signbox {
                        h3 { (b.role) }
                        span.hand { (lang.w(Word::Name)) "： " @if let Some(n) = &b.name { (n) } }
                        span.hand { (lang.w(Word::Date)) "： " }
                        span.hand.tall { (lang.w(Word::Findings)) "： " }
                        span.seal { (lang.w(Word::Seal)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// One row of a table of entries: its cells, and whether it is shaded as an alert.
pub struct HtmlRow {
    pub alert: bool,
    pub cells: Vec<Markup>,
}

/// A table with fixed column widths, so every table of a section lines up.
pub fn table(columns: &[Column], rows: &[HtmlRow]) -> Markup {
    html! {
        table.entries {
            "\n"
            colgroup {
                @for c in columns {
                    col style=(format!("width:{}%", c.width));
                }
            }
            "\n"
            thead { tr { @for c in columns { th { (c.heading) } } } }
            "\n"
            tbody {
                "\n"
                @for r in rows {
                    tr class=[r.alert.then_some("alert")] {
                        @for (cell, c) in r.cells.iter().zip(columns) {
                            td class=[(!c.wrap).then_some("nw")] { (cell) }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// The first cells of an entry's row: number, time, act.
pub fn entry_cells(e: &EntryLine) -> Vec<Markup> {
    vec![
        html! { span.tok { "#" (e.seq) } },
        html! { (e.time) },
        html! { (e.act) },
    ]
}

/// Each person an entry names, one to a line: `実施者 山田 太郎（設計課）`.
pub fn people(people: &[Participant], lang: Lang) -> Markup {
    html! {
        @for p in people {
            span.who { (role_word(p, lang)) " " (p.person.name) "（" (p.person.affiliation) "）" }
        }
    }
}

/// The verdict of `ledger verify`, framed in red when it failed, with the ledger's identity
/// and head hash.
pub fn verify(v: &VerifyStatus, lang: Lang) -> Markup {
    html! {
        div class=(if v.ok { "verdict" } else { "verdict bad" }) {
            (lang.w(Word::LedgerVerify)) ": " (verify_text(v, lang))
            br;
            span.hash { (lang.w(Word::LedgerIdentity)) ": " (id_text(v)) }
            br;
            span.hash { (lang.w(Word::HeadHash)) ": " (head_text(v)) }
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let page = page(
            "<t>",
            "h",
            Lang::En,
            &[],
            html! { p { ("a <b> & \"c\" 'd'") } },
        );
        assert!(page.contains("<title>&lt;t&gt;</title>"), "{page}");
        assert!(
            page.contains("<p>a &lt;b&gt; &amp; &quot;c&quot; 'd'</p>"),
            "{page}"
        );
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"));
        assert!(
            page.ends_with("<body>\n<p>a &lt;b&gt; &amp; &quot;c&quot; 'd'</p></body>\n</html>\n")
        );
    }

    #[test]
    fn the_running_head_cannot_leave_its_string() {
        let css = running_head("媒体番号 A-1\"}</style><script>");
        assert!(
            css.contains("媒体番号 A\\2d 1\\22 \\7d \\3c \\2f style\\3e \\3c script\\3e "),
            "{css}"
        );
        assert!(!css.contains("</style") && !css.contains("\"}"), "{css}");
        assert!(
            css.contains("counter(page) \" / \" counter(pages)"),
            "{css}"
        );
    }

    #[test]
    fn short_tokens_with_digits_stay_whole() {
        assert_eq!(
            text("登録: C2-I1-A1 at 2026-12-03 by x").into_string(),
            "登録: <span class=\"tok\">C2-I1-A1</span> at <span class=\"tok\">2026-12-03</span> by x"
        );
        assert_eq!(text("").into_string(), "");
    }

    #[test]
    fn tables_shade_alerts_and_keep_unwrapped_columns_whole() {
        let cols = [Column::new("#", 10, true), Column::new("t", 90, false)];
        let rows = [
            HtmlRow {
                alert: true,
                cells: vec![html! { "1" }, html! { "x" }],
            },
            HtmlRow {
                alert: false,
                cells: vec![html! { "2" }, html! { "y" }],
            },
        ];
        assert_eq!(
            table(&cols, &rows).into_string(),
            "<table class=\"entries\">\n<colgroup><col style=\"width:10%\"><col style=\"width:90%\"></colgroup>\n<thead><tr><th>#</th><th>t</th></tr></thead>\n<tbody>\n<tr class=\"alert\"><td>1</td><td class=\"nw\">x</td></tr>\n<tr><td>2</td><td class=\"nw\">y</td></tr>\n</tbody>\n</table>\n"
        );
    }
}

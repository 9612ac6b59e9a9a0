//! A list as one self-contained HTML page: a plain left-aligned heading, any summary lines of
//! the title under it, then the table, its header repeated on every printed page.

use maud::html;
use serde::Serialize;

use super::ListReport;
use crate::kit::html::{page, sign_off, LIST};
use crate::Lang;

pub(super) fn render<T: Serialize>(r: &ListReport<T>, lang: Lang) -> String {
    // The first line of the title is the heading; any more lines are a summary.
    let mut lines = r.title.lines();
    let heading = lines.next().unwrap_or_default();
    let body = html! {
        h1 { (heading) } "\n"
        @for l in lines {
            p.summary { (l) } "\n"
        }
        table {
            "\n"
            thead { tr { @for h in &r.headers { th { (h) } } } }
            "\n"
            tbody {
                "\n"
                @for row in &r.rows {
                    tr { @for c in row { td { (c) } } }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
        @if !r.sign_off.is_empty() {
            (sign_off(&r.sign_off, lang))
        }
    };
    page(heading, heading, lang, &[LIST], body)
}

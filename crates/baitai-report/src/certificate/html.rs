//! A certificate as one self-contained A4 portrait HTML page: the sections as ruled tables,
//! the signature boxes with room for a handwritten seal, no external resources.

use maud::{html, Markup};

use super::phrases::{
    capacity_name, levels, person_title, signature_text, validation_labels, Verdict,
};
use super::sections::Section;
use super::{Certificate, SignatureCheck};
use crate::kit::html::{page, CERTIFICATE};
use crate::model::WipeResult;
use crate::{Lang, Word};

pub(super) fn render(c: &Certificate, lang: Lang) -> String {
    let body = html! {
        div.cert {
            "\n"
            (header(c, lang))
            (verdict(&c.verdict(lang)))
            (sections(&c.sections(lang)))
            (signs(c, lang))
        }
        "\n"
    };
    let title = format!("{} {}", c.title(lang), c.medium.number);
    let head = format!(
        "{}　{} {}",
        c.title(lang),
        lang.w(Word::MediumNo),
        c.medium.number
    );
    page(&title, &head, lang, &[CERTIFICATE], body)
}

/// Organisation and printing time on the left, the marking box on the right, the title.
/// The printing line sits under the organisation, where the taller box leaves room.
fn header(c: &Certificate, lang: Lang) -> Markup {
    let printed = format!(
        "{} {}（{}）{}",
        lang.w(Word::Printed),
        c.printed,
        c.timezone,
        c.printed_by
    );
    let failed = matches!(c.wipe_result(), Some(r) if r != WipeResult::Passed);
    let protected = c.medium.classification.is_protected();
    html! {
        header {
            span.org { (c.org) span.printed { (printed) } }
            span.marking {
                (lang.protected_heading(protected)) (levels(&c.medium.classification, lang))
            }
        }
        "\n"
        h1 class=[failed.then_some("bad")] { (c.title(lang)) } "\n"
        p.sub { (c.subtitle(lang)) } "\n"
    }
}

/// Each signer with their key and whether their signature checked; then a box for the person
/// who validates the certificate by hand.
fn signs(c: &Certificate, lang: Lang) -> Markup {
    html! {
        div.signs {
            "\n"
            @for s in &c.signers {
                div.sign {
                    h2 { (capacity_name(s.capacity, c.kind, lang)) }
                    span.who { (s.person.name) } " (" (s.person.id) ")"
                    br;
                    (person_title(s, lang))
                    span class="fp mono" { (lang.w(Word::Key)) " " (s.person.fingerprint) }
                    span class=(if s.signature == SignatureCheck::Valid { "ok" } else { "bad" }) {
                        (signature_text(s.signature, lang))
                    }
                    span.seal { (lang.w(Word::Seal)) }
                }
                "\n"
            }
            div.sign {
                h2 { (lang.w(Word::ValidatedBy)) }
                @for label in validation_labels(lang).iter().take(3) {
                    span.hand { (label) }
                }
                span.seal { (lang.w(Word::Seal)) }
            }
            "\n"
        }
        "\n"
    }
}

fn verdict(v: &Verdict) -> Markup {
    html! {
        div class=(if v.good { "verdict" } else { "verdict bad" }) {
            p { (v.headline) }
            @for w in &v.warnings {
                p.warn { (w) }
            }
        }
        "\n"
    }
}

/// The narrow sections go first, side by side: the first on the left, the others stacked on
/// the right; then the wide ones, in order. Half-empty rows would not fit one A4 sheet.
fn sections(sections: &[Section]) -> Markup {
    let (narrow, wide): (Vec<&Section>, Vec<&Section>) = sections.iter().partition(|s| s.narrow);
    html! {
        @match narrow.split_first() {
            Some((left, right)) if !right.is_empty() => {
                div.pair {
                    div { (section(left)) }
                    div { @for s in right { (section(s)) } }
                }
                "\n"
            }
            _ => { @for s in &narrow { (section(s)) } }
        }
        @for s in &wide {
            (section(s))
        }
    }
}

fn section(s: &Section) -> Markup {
    html! {
        table.kv {
            caption { (s.title) }
            "\n"
            @for r in &s.rows {
                tr {
                    th { (r.label) }
                    td class=[r.mono.then_some("mono")] {
                        @for l in &r.lines {
                            span.line { (l) }
                        }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

//! A certificate as one self-contained A4 portrait HTML page: the sections as ruled tables,
//! the signature boxes with room for a handwritten seal, no external resources.

use super::render::{
    capacity_name, levels, person_title, signature_text, validation_labels, Section, Verdict,
};
use super::{Certificate, SignatureCheck};
use crate::model::WipeResult;
use crate::{esc, html, Lang, Word};

const CSS: &str = r#"
@page { size: A4 portrait; margin: 10mm 12mm; }
body { font-size: 8.2pt; line-height: 1.2; }
.cert header { display: flex; justify-content: space-between; align-items: flex-start; }
.cert .org { font-size: 9.5pt; }
.cert h1 { font-size: 16pt; margin: 2mm 0 0.5mm; letter-spacing: 0.25em; }
html[lang=en] .cert h1 { letter-spacing: 0.02em; }
.cert h1.bad { color: #a00; letter-spacing: 0.05em; }
.cert .sub { text-align: center; color: #333; margin: 0 0 2mm; }
.verdict { border: 1.5px solid #000; padding: 1.2mm 3mm; margin-bottom: 2mm; font-weight: bold; }
.verdict.bad { border: 3px double #a00; color: #a00; font-size: 9.5pt; }
.verdict p { margin: 0.4mm 0; }
.verdict p.warn { color: #a00; }
table.kv { table-layout: fixed; margin-bottom: 1.6mm; break-inside: avoid; }
table.kv caption { text-align: left; font-weight: bold; font-size: 9pt; padding: 0 0 0.4mm; }
table.kv th, table.kv td { padding: 0.4mm 1mm; }
table.kv th { width: 27%; text-align: left; background: #f2f2f2; vertical-align: top; }
table.kv td { overflow-wrap: anywhere; }
.pair { display: flex; gap: 3mm; align-items: flex-start; }
.pair > div { flex: 1; min-width: 0; }
.pair table.kv th { width: 33%; }
.mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 7.6pt; }
.line { display: block; }
.signs { display: flex; gap: 3mm; margin-top: 2mm; break-inside: avoid; }
.sign { flex: 1; border: 1px solid #000; padding: 1.5mm 17mm 1.5mm 2mm; position: relative; min-height: 21mm; }
.sign h2 { font-size: 9pt; margin: 0 0 1mm; }
.sign .who { font-size: 10pt; font-weight: bold; }
.sign .fp { display: block; }
.sign .ok { font-weight: bold; }
.sign .bad { font-weight: bold; color: #a00; }
.sign .seal { position: absolute; right: 2mm; bottom: 2mm; width: 13mm; height: 13mm; border: 1px dashed #555;
  border-radius: 50%; text-align: center; line-height: 13mm; color: #777; font-size: 8pt; }
.sign .hand { display: block; border-bottom: 1px solid #000; height: 5.2mm; color: #555; font-size: 7.5pt; }
.cert .printed { display: block; font-size: 7.5pt; color: #333; }
"#;

impl Certificate {
    pub(super) fn html(&self, lang: Lang) -> String {
        let mut b = String::from("<div class=\"cert\">\n");
        b += &self.header_html(lang);
        b += &verdict_html(&self.verdict(lang));
        b += &sections_html(&self.sections(lang));
        b += &self.signs_html(lang);
        b += "</div>\n";
        let title = format!("{} {}", self.title(lang), self.medium.number);
        html::page_styled(&title, lang, CSS, &b)
    }

    /// Organisation and printing time on the left, the marking box on the right, the title.
    /// The printing line sits under the organisation, where the taller box leaves room.
    fn header_html(&self, lang: Lang) -> String {
        let printed = format!(
            "{} {}（{}）{}",
            lang.w(Word::Printed),
            self.printed,
            self.timezone,
            self.printed_by
        );
        let title_class = match self.wipe_result() {
            Some(r) if r != WipeResult::Passed => " class=\"bad\"",
            _ => "",
        };
        format!(
            "<header><span class=\"org\">{}<span class=\"printed\">{}</span></span><span class=\"marking\">{}{}</span></header>\n<h1{title_class}>{}</h1>\n<p class=\"sub\">{}</p>\n",
            esc(&self.org),
            esc(&printed),
            esc(lang.protected_heading(self.medium.classification.is_protected())),
            esc(&levels(&self.medium.classification, lang)),
            esc(self.title(lang)),
            esc(self.subtitle(lang))
        )
    }

    fn signs_html(&self, lang: Lang) -> String {
        let mut b = String::from("<div class=\"signs\">\n");
        for s in &self.signers {
            let class = if s.signature == SignatureCheck::Valid {
                "ok"
            } else {
                "bad"
            };
            b += &format!(
                "<div class=\"sign\"><h2>{}</h2><span class=\"who\">{}</span> ({})<br>{}<span class=\"fp mono\">{} {}</span><span class=\"{class}\">{}</span><span class=\"seal\">{}</span></div>\n",
                esc(capacity_name(s.capacity, self.kind, lang)),
                esc(&s.person.name),
                esc(&s.person.id),
                esc(&person_title(s, lang)),
                esc(lang.w(Word::Key)),
                esc(&s.person.fingerprint),
                esc(signature_text(s.signature, lang)),
                esc(lang.w(Word::Seal))
            );
        }
        b += &format!(
            "<div class=\"sign\"><h2>{}</h2>",
            esc(lang.w(Word::ValidatedBy))
        );
        for label in validation_labels(lang).iter().take(3) {
            b += &format!("<span class=\"hand\">{}</span>", esc(label));
        }
        b += &format!(
            "<span class=\"seal\">{}</span></div>\n</div>\n",
            esc(lang.w(Word::Seal))
        );
        b
    }
}

fn verdict_html(v: &Verdict) -> String {
    let class = if v.good { "verdict" } else { "verdict bad" };
    let mut b = format!("<div class=\"{class}\"><p>{}</p>", esc(&v.headline));
    for w in &v.warnings {
        b += &format!("<p class=\"warn\">{}</p>", esc(w));
    }
    b + "</div>\n"
}

/// The narrow sections go first, side by side: the first on the left, the others stacked on
/// the right; then the wide ones, in order. Half-empty rows would not fit one A4 sheet.
fn sections_html(sections: &[Section]) -> String {
    let (narrow, wide): (Vec<&Section>, Vec<&Section>) = sections.iter().partition(|s| s.narrow);
    let mut b = String::new();
    match narrow.split_first() {
        Some((left, right)) if !right.is_empty() => {
            let right: String = right.iter().map(|s| section_html(s)).collect();
            b += &format!(
                "<div class=\"pair\"><div>{}</div><div>{right}</div></div>\n",
                section_html(left)
            );
        }
        _ => b.extend(narrow.iter().map(|s| section_html(s))),
    }
    b.extend(wide.iter().map(|s| section_html(s)));
    b
}

fn section_html(s: &Section) -> String {
    let mut b = format!("<table class=\"kv\"><caption>{}</caption>\n", esc(s.title));
    for r in &s.rows {
        let class = if r.mono { " class=\"mono\"" } else { "" };
        let lines: Vec<String> = r
            .lines
            .iter()
            .map(|l| format!("<span class=\"line\">{}</span>", esc(l)))
            .collect();
        b += &format!(
            "<tr><th>{}</th><td{class}>{}</td></tr>\n",
            esc(r.label),
            lines.concat()
        );
    }
    b + "</table>\n"
}

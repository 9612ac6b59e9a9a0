//! A certificate as terminal text, aligned by display width so Japanese labels line up.

use super::phrases::{
    capacity_name, levels, person_title, signature_text, validation_labels, Verdict,
};
use super::sections::{row, rows, Row};
use super::Certificate;
use crate::kit::text::pad;
use crate::{Lang, Word};

pub(super) fn render(c: &Certificate, lang: Lang) -> String {
    c.text(lang)
}

const RULE: &str = "────────────────────────────────────────────────────────────────";

impl Certificate {
    fn text(&self, lang: Lang) -> String {
        let sections = self.sections(lang);
        let width = sections
            .iter()
            .flat_map(|s| s.rows.iter())
            .map(|r| unicode_width::UnicodeWidthStr::width(r.label))
            .max()
            .unwrap_or(0);
        let mut o = format!("{} — {}\n", self.title(lang), self.medium.number);
        o += &format!("{}\n", self.subtitle(lang));
        let protected = lang.protected_heading(self.medium.classification.is_protected());
        o += &format!(
            "{}   {protected}{}\n{RULE}\n",
            self.org,
            levels(&self.medium.classification, lang)
        );
        o += &verdict_text(&self.verdict(lang));
        for s in &sections {
            o += &format!("\n[{}]\n", s.title);
            for r in &s.rows {
                o += &row_text(r, width);
            }
        }
        o += &self.signatures_text(lang, width);
        o += &format!(
            "{RULE}\n{}: {} ({}: {}, {})\n",
            lang.w(Word::PrintedAt),
            self.printed,
            lang.w(Word::TimesLower),
            self.timezone,
            self.printed_by
        );
        o
    }

    fn signatures_text(&self, lang: Lang, width: usize) -> String {
        let mut o = format!("\n[{}]\n", lang.w(Word::Signatures));
        for s in &self.signers {
            let label = capacity_name(s.capacity, self.kind, lang);
            let lines = vec![
                format!(
                    "{} ({}), {}",
                    s.person.name,
                    s.person.id,
                    person_title(s, lang)
                ),
                format!(
                    "{} {} — {}",
                    lang.w(Word::Key),
                    s.person.fingerprint,
                    signature_text(s.signature, lang)
                ),
            ];
            o += &row_text(&rows(label, lines), width);
        }
        o += &format!("\n[{}]\n", lang.w(Word::ValidatedByHand));
        for label in validation_labels(lang) {
            o += &row_text(&row(label, "______________________________"), width);
        }
        o
    }
}

fn verdict_text(v: &Verdict) -> String {
    let mark = if v.good { "✔" } else { "!!" };
    let mut o = format!("{mark} {}\n", v.headline);
    for w in &v.warnings {
        o += &format!("!! {w}\n");
    }
    o
}

fn row_text(r: &Row, width: usize) -> String {
    let mut o = String::new();
    for (i, line) in r.lines.iter().enumerate() {
        let label = if i == 0 { r.label } else { "" };
        o += &format!("  {}  {line}\n", pad(label, width));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_align_under_the_value() {
        let r = rows("媒体", vec!["a".into(), "b".into()]);
        assert_eq!(row_text(&r, 6), "  媒体    a\n          b\n");
    }
}

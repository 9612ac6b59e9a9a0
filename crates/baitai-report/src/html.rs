//! The form as one self-contained HTML page, laid out like 別紙様式第2 on A4 landscape.

use super::form::{Form, SignerView};
use super::{esc, row_cells, Lang, Word};

const CSS: &str = r#"
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "IPAexGothic", sans-serif;
       font-size: 8.5pt; color: #000; margin: 0; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 3mm; letter-spacing: 0.3em; }
.meta { display: flex; justify-content: space-between; margin-bottom: 2mm; }
.meta .no { font-size: 12pt; font-weight: bold; border-bottom: 1px solid #000; padding: 0 2mm; }
.marking { font-weight: bold; border: 2px solid #000; padding: 1mm 3mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 0.6mm 1mm; vertical-align: top; overflow-wrap: anywhere; }
table.form { table-layout: fixed; }
.when { white-space: nowrap; }
th { background: #f0f0f0; font-weight: normal; text-align: center; vertical-align: middle; }
td.no { text-align: center; width: 7mm; }
.sig { display: block; color: #333; font-size: 6.5pt; line-height: 1.2; }
table.form tbody td { height: 6mm; }
.fp { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; color: #555; }
.disposal { margin-top: 3mm; width: 60%; break-inside: avoid; page-break-inside: avoid; }
.disposal th { width: 30%; text-align: left; }
.note { font-size: 8pt; margin-top: 2mm; }
.annex { page-break-before: always; }
.annex td, .annex th { font-size: 8pt; }
@media print { .annex { break-before: page; } tr { break-inside: avoid; } }
"#;

/// Wrap a body in a complete page with the inline style sheet.
pub fn page(title: &str, lang: Lang, body: &str) -> String {
    page_styled(title, lang, "", body)
}

/// A complete, self-contained page: the shared style sheet, then `extra_css` (which may set
/// its own `@page`, e.g. A4 portrait, since later rules win), then the body. No external
/// resources, so it prints the same offline.
pub fn page_styled(title: &str, lang: Lang, extra_css: &str, body: &str) -> String {
    let l = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{l}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

fn signer(s: &Option<SignerView>) -> String {
    match s {
        Some(s) => format!(
            "<span class=\"sig\">{}（{}）<span class=\"fp\">{}</span></span>",
            esc(&s.name),
            esc(&s.affiliation),
            esc(&s.fingerprint)
        ),
        None => String::new(),
    }
}

pub fn form_html(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let mut b = String::new();
    b += &format!("<h1>{}</h1>\n", esc(h.title));
    b += &format!(
        "<div class=\"meta\"><span class=\"no\">{}：{}</span><span class=\"marking\">{}{}</span><span>{}</span></div>\n",
        esc(h.medium_no),
        esc(&f.medium),
        esc(lang.protected_heading(f.protected)),
        esc(&f.marking),
        esc(&f.org)
    );
    b += &meta_line(f, lang);
    b += "<table class=\"form\">\n";
    // Widths in percent: 番号, the four use columns, the four carry-out columns, three copy columns.
    b += "<colgroup><col style=\"width:3%\">";
    for w in [10, 8, 9, 10, 5, 11, 9, 9, 9, 8, 9] {
        b += &format!("<col style=\"width:{w}%\">");
    }
    b += "</colgroup>\n<thead>\n<tr>";
    b += &format!("<th rowspan=\"2\">{}</th>", esc(h.no));
    b += &format!("<th colspan=\"4\">{}</th>", esc(h.group_use));
    b += &format!("<th colspan=\"4\">{}</th>", esc(h.group_out));
    b += &format!("<th colspan=\"3\">{}</th></tr>\n<tr>", esc(h.group_copy));
    for c in h.columns {
        b += &format!("<th>{}</th>", esc(c));
    }
    b += "</tr>\n</thead>\n<tbody>\n";
    for r in &f.rows {
        let c = row_cells(r, lang);
        let cell = |i: usize, extra: String| format!("<td>{}{extra}</td>", esc(&c[i]));
        b += &format!("<tr><td class=\"no\">{}</td>", r.no);
        b += &cell(0, String::new());
        b += &cell(1, signer(&r.user));
        b += &cell(2, String::new());
        let check = r
            .return_check
            .as_deref()
            .map(|t| format!("<span class=\"sig\">{}</span>", esc(t)))
            .unwrap_or_default();
        b += &cell(3, format!("{}{check}", signer(&r.returned_to)));
        b += &cell(4, String::new());
        b += &cell(5, String::new());
        b += &cell(6, String::new());
        let approved = match &r.out_approver {
            Some(_) => format!(
                "<span class=\"sig\">{}</span>{}",
                esc(h.approver),
                signer(&r.out_approver)
            ),
            None => String::new(),
        };
        b += &cell(7, approved);
        b += &cell(8, String::new());
        b += &cell(9, String::new());
        let copy_ok = match &r.copy_approver {
            Some(_) => format!(
                "<span class=\"sig\">{}</span>{}",
                esc(h.approver),
                signer(&r.copy_approver)
            ),
            None => String::new(),
        };
        b += &cell(10, copy_ok);
        b += "</tr>\n";
    }
    // The paper form has ten ruled rows; keep at least that many so it reads like the form.
    for n in f.rows.len() + 1..=10 {
        b += &format!(
            "<tr><td class=\"no\">{n}</td>{}</tr>\n",
            "<td>&nbsp;</td>".repeat(11)
        );
    }
    b += "</tbody>\n</table>\n";
    b += &disposal_html(f, lang);
    b += &format!(
        "<p class=\"note\">{}　{}: {}　{}: {}</p>\n",
        esc(h.footnote),
        esc(lang.w(Word::Times)),
        esc(&f.timezone),
        esc(lang.w(Word::PrintedAt)),
        esc(&f.printed)
    );
    b += &annex_html(f, lang);
    page(&format!("{} {}", h.title, f.medium), lang, &b)
}

fn meta_line(f: &Form, lang: Lang) -> String {
    let mut parts = vec![
        format!("{}: {}", lang.w(Word::Registered), f.registered),
        format!("{}: {} / {}", lang.w(Word::State), f.state, f.clean),
    ];
    for (k, v) in [
        (lang.w(Word::HandlingRestriction), &f.restriction),
        (lang.w(Word::Label), &f.label),
        (lang.w(Word::Device), &f.device),
        (lang.w(Word::ReceivedFrom), &f.received_from),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}: {v}"));
        }
    }
    format!("<p class=\"note\">{}</p>\n", esc(&parts.join("　")))
}

fn disposal_html(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let d = f.disposal.as_ref();
    let who = |s: Option<&SignerView>| match s {
        Some(s) => (
            esc(&s.affiliation),
            format!(
                "{} <span class=\"fp\">{}</span>",
                esc(&s.name),
                esc(&s.fingerprint)
            ),
        ),
        None => ("&nbsp;".to_string(), "&nbsp;".to_string()),
    };
    let (ea, en) = who(d.map(|d| &d.executor));
    let (wa, wn) = who(d.and_then(|d| d.witness.as_ref()));
    let mut b = String::from("<table class=\"disposal\">\n");
    b += &format!(
        "<tr><th>{}</th><td colspan=\"2\">{}</td></tr>\n",
        esc(h.disposal_time),
        d.map(|d| esc(&d.time)).unwrap_or_else(|| "&nbsp;".into())
    );
    for (title, a, n) in [(h.executor, ea, en), (h.witness, wa, wn)] {
        b += &format!(
            "<tr><th rowspan=\"2\">{}</th><td>{}</td><td>{a}</td></tr>\n<tr><td>{}</td><td>{n}</td></tr>\n",
            esc(title),
            esc(h.affiliation),
            esc(h.name)
        );
    }
    let extra = [
        (h.method, d.and_then(|d| d.method.clone())),
        (
            lang.w(Word::ErasureNotVerifiableBecause),
            d.and_then(|d| d.unverifiable.clone()),
        ),
        (
            lang.w(Word::TransferredTo),
            d.and_then(|d| d.recipient.clone()),
        ),
    ];
    for (k, v) in extra {
        if let Some(v) = v {
            b += &format!(
                "<tr><th>{}</th><td colspan=\"2\">{}</td></tr>\n",
                esc(k),
                esc(&v)
            );
        }
    }
    b + "</table>\n"
}

fn annex_html(f: &Form, lang: Lang) -> String {
    let mut b = format!(
        "<section class=\"annex\">\n<h1>{}</h1>\n<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        esc(lang.w(Word::EntriesAndSignatures)),
        esc(lang.w(Word::Time)),
        esc(lang.w(Word::Entry)),
        esc(lang.w(Word::Signatures)),
        esc(lang.w(Word::Hash))
    );
    for e in &f.events {
        let sigs: Vec<String> = e
            .signers
            .iter()
            .map(|(role, s)| format!("{} {}", esc(role), signer(&Some(s.clone()))))
            .collect();
        b += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"fp\">{}</td></tr>\n",
            e.seq,
            esc(&e.time),
            esc(&e.summary),
            sigs.join(""),
            esc(&e.hash)
        );
    }
    b + "</tbody>\n</table>\n</section>\n"
}

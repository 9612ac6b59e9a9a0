//! Printouts: the 別紙様式第2 form and the inventory and overdue lists, in text, CSV, JSON and HTML.

pub mod audit;
pub mod certificate;
pub mod form;
pub mod html;
pub mod incident;
pub mod label;
pub mod lists;
pub mod stocktake;
pub mod text;

use serde::Serialize;

// The lower crates' modules keep the paths they had when the printouts lived in the root crate.
use baitai_app as app;
use baitai_core::{crypto, error, lifecycle, model, time};
use baitai_ledger as ledger;

use crate::error::{Error, Result};
use crate::model::DeviceIdentity;

pub use baitai_core::words::{Headings, Lang, Word, EN, JA};
pub use form::Form;

/// Output formats shared by every printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    Text,
    Html,
    Csv,
    Json,
}

/// A form row's eleven data cells in column order, blank where empty.
pub fn row_cells(r: &form::FormRow, lang: Lang) -> [String; 11] {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        s(&r.use_start),
        r.user.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        s(&r.use_purpose),
        s(&r.returned),
        r.out_kind
            .as_deref()
            .map(|k| lang.state(k).to_string())
            .unwrap_or_default(),
        s(&r.out_period),
        s(&r.out_destination),
        s(&r.out_purpose),
        s(&r.copy_data),
        s(&r.copy_counterpart),
        s(&r.copy_purpose),
    ]
}

/// What tells the device apart: USB IDs, vendor and product, serial.
pub fn device_labels(d: &DeviceIdentity) -> Vec<String> {
    let mut parts = Vec::new();
    if let (Some(v), Some(p)) = (&d.vendor_id, &d.product_id) {
        parts.push(format!("{v}:{p}"));
    }
    for x in [&d.vendor, &d.product].into_iter().flatten() {
        parts.push(x.clone());
    }
    if let Some(s) = &d.serial {
        parts.push(format!("serial {s}"));
    }
    parts
}

pub fn device_summary(d: &DeviceIdentity) -> String {
    let mut parts = device_labels(d);
    if let Some(p) = &d.path {
        parts.push(p.clone());
    }
    parts.push(human_bytes(d.capacity_bytes));
    parts.join(", ")
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Quote a CSV field (RFC 4180). A field a spreadsheet would run as a formula gets a leading
/// apostrophe, so opening the ledger in Excel never executes what someone typed.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A CSV document: UTF-8 with a BOM so Excel in Japan reads it, CRLF line ends.
pub fn csv_doc(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn json_doc<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Error::Other(format!("cannot encode JSON: {e}")))
}

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_bom() {
        let d = csv_doc(&[vec!["a,b".into(), "say \"hi\"".into(), "日本".into()]]);
        assert_eq!(d, "\u{feff}\"a,b\",\"say \"\"hi\"\"\",日本\r\n");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("2026-11-23 09:00"), "2026-11-23 09:00");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href='x'>&</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}

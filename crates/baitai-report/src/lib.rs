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

pub use form::Form;

/// Language of headings and fixed words; free text stays as entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Result<Lang> {
        match s {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            _ => Err(Error::usage(format!("language {s:?} must be ja or en"))),
        }
    }

    pub fn t(self, ja: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// The words that head the marking of a protected medium (C2, C3:
    /// `Classification::is_protected`), with their trailing space; nothing for a C1 medium.
    pub fn protected_heading(self, protected: bool) -> &'static str {
        match protected {
            true => self.t("保護すべき情報 ", "Protected information "),
            false => "",
        }
    }

    /// State words (medium holding and cleanliness, issue kinds) in this language.
    pub fn state(self, s: &str) -> &str {
        if self == Lang::En {
            return s;
        }
        match s {
            "in-storage" => "保管中",
            "in-use" => "使用中",
            "carried-out" => "持出し中",
            "on-loan" => "貸出し中",
            "lost" => "紛失",
            "destroyed" => "破棄済",
            "transferred" => "交付済",
            "fresh" => "新規（未使用）",
            "unverified" => "未確認（要消去確認）",
            "data-present" => "データあり（要消去）",
            "verified-clean" => "消去確認済",
            "wipe-failed" => "消去失敗（要破棄）",
            "wipe-incomplete" => "消去未完了（要再消去）",
            "carry-out" => "持出し",
            "loan" => "貸出し",
            "transfer" => "交付",
            "use" => "使用",
            "destroy" => "破棄",
            // A number found in a stock-take that the ledger never issued.
            "unknown" => "台帳に記録なし",
            other => other,
        }
    }
}

/// Output formats shared by every printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    Text,
    Html,
    Csv,
    Json,
}

/// The column headings of 別紙様式第2, in order.
pub struct Headings {
    pub title: &'static str,
    pub medium_no: &'static str,
    pub no: &'static str,
    pub group_use: &'static str,
    pub group_out: &'static str,
    pub group_copy: &'static str,
    /// The eleven data columns after 番号.
    pub columns: [&'static str; 11],
    pub disposal_time: &'static str,
    pub executor: &'static str,
    pub witness: &'static str,
    pub affiliation: &'static str,
    pub name: &'static str,
    pub method: &'static str,
    pub approver: &'static str,
    pub return_check: &'static str,
    pub footnote: &'static str,
}

pub const JA: Headings = Headings {
    title: "可搬記憶媒体管理簿",
    medium_no: "媒体番号",
    no: "番号",
    group_use: "可搬記憶媒体の使用",
    group_out: "可搬記憶媒体の一時持出し・貸出し・交付",
    group_copy: "持ち出し又は貸出し先における業務用データの複製",
    columns: [
        "使用開始日時",
        "使用者名",
        "使用目的",
        "返却日時",
        "持出し・貸出し・交付の別",
        "持出し・貸出し期間（交付日時）",
        "持出し・貸出し先（交付者名）",
        "持出し・貸出し目的（交付目的）",
        "複製する業務用データの内容",
        "複製する相手方",
        "複製の目的",
    ],
    disposal_time: "破棄（交付）日時",
    executor: "破棄（交付）実施者",
    witness: "破棄立会者",
    affiliation: "所属",
    name: "名前",
    method: "破棄方法",
    approver: "許可者",
    return_check: "返却時のデータ確認",
    footnote: "※ この様式は一つの可搬記憶媒体ごとに作成するものとする。",
};

pub const EN: Headings = Headings {
    title: "Portable Storage Media Ledger",
    medium_no: "Medium No.",
    no: "No.",
    group_use: "Use of the medium",
    group_out: "Temporary carry-out, loan or transfer",
    group_copy: "Copies of business data at the carry-out or loan destination",
    columns: [
        "Use started",
        "User",
        "Purpose of use",
        "Returned",
        "Carry-out / loan / transfer",
        "Period (transfer date-time)",
        "Destination (recipient)",
        "Purpose (of transfer)",
        "Data copied",
        "Copied to",
        "Purpose of copy",
    ],
    disposal_time: "Destroyed (transferred) at",
    executor: "Executed by",
    witness: "Witnessed by",
    affiliation: "Affiliation",
    name: "Name",
    method: "Method",
    approver: "Approved by",
    return_check: "Data check on return",
    footnote: "* One form per portable storage medium.",
};

impl Lang {
    pub fn headings(self) -> &'static Headings {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
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

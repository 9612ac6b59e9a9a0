//! CSV printouts: RFC 4180 quoting, a BOM and CRLF for Excel in Japan, and a guard so that no
//! field a person typed runs as a spreadsheet formula.

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
}

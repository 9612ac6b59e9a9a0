//! `medium label`: boxed text labels and A4 sheets of HTML labels whose QR codes read back
//! as the medium numbers.

use crate::qr;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::common::world::World;
use crate::common::*;
use unicode_width::UnicodeWidthStr;

const ORG: &str = "防衛装備テスト株式会社";

/// The shared world plus a 機密性1 medium with a handling restriction, built once: every
/// test here only reads the ledger.
struct Fixture {
    w: World,
    c1: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let w = World::new();
        let v = w.env.ok_as(
            &[
                "medium",
                "register",
                "--class",
                "C1",
                "--restriction",
                "社内限り",
                "--label",
                "公開資料用",
            ],
            CUSTODIAN,
        );
        let c1 = v["medium"].as_str().unwrap().to_string();
        Fixture { w, c1 }
    })
}

/// Run without `--json`; expect success; return stdout.
fn text(args: &[&str]) -> String {
    let out = fixture().w.env.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "baitai {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The boxes of a text label printout, each as its lines.
fn boxes(printout: &str) -> Vec<Vec<&str>> {
    let mut all = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in printout.lines() {
        if line.starts_with('┌') {
            cur.clear();
        }
        cur.push(line);
        if line.starts_with('└') {
            all.push(std::mem::take(&mut cur));
        }
    }
    all
}

/// The modules of the QR code at the left of a text label.
fn text_qr(lines: &[&str]) -> qr::Matrix {
    let inner = &lines[1..lines.len() - 1];
    let qr_part: Vec<String> = inner
        .iter()
        .map(|l| {
            l.chars()
                .skip(1)
                .take_while(|c| [' ', '▀', '▄', '█'].contains(c))
                .collect()
        })
        .collect();
    let refs: Vec<&str> = qr_part.iter().map(String::as_str).collect();
    qr::crop(&qr::from_half_blocks(&refs))
}

/// What a scanner reads from the QR code at the left of a text label.
fn read_text_qr(lines: &[&str]) -> String {
    qr::decode(&text_qr(lines))
}

/// Every inline `<svg>` of a page, in order.
fn svgs(page: &str) -> Vec<&str> {
    page.split("<svg")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap())
        .collect()
}

fn read_svg_qr(svg: &str) -> String {
    qr::decode(&qr::crop(&qr::from_svg_path(svg)))
}

#[test]
fn text_label_shows_number_marking_organisation_and_label() {
    let f = fixture();
    let m = &f.w.on_loan;
    let out = text(&["medium", "label", m]);
    let b = boxes(&out);
    assert_eq!(b.len(), 1, "{out}");
    let all = b[0].join("\n");
    for want in [
        m.as_str(),
        "C3-I1-A1",
        "機密性3 完全性1 可用性1",
        "保護すべき情報",
        ORG,
        "ラベル: test",
        "可搬記憶媒体 媒体番号",
    ] {
        assert!(all.contains(want), "no {want:?} in\n{out}");
    }
}

#[test]
fn text_box_lines_have_one_display_width() {
    let f = fixture();
    let out = text(&["medium", "label", &f.w.received, &f.c1, &f.w.lost]);
    let b = boxes(&out);
    assert_eq!(b.len(), 3, "{out}");
    let widths: BTreeSet<usize> = b.iter().flatten().map(|l| l.width()).collect();
    assert_eq!(
        widths.len(),
        1,
        "lines of several widths {widths:?}:\n{out}"
    );
    for lines in &b {
        assert!(lines[1..lines.len() - 1]
            .iter()
            .all(|l| l.starts_with('│') && l.ends_with('│')));
    }
}

#[test]
fn text_qr_codes_read_back_as_the_numbers() {
    let f = fixture();
    let media = [f.w.carried_out.as_str(), f.w.returned.as_str(), &f.c1];
    let mut args = vec!["medium", "label"];
    args.extend(media);
    let out = text(&args);
    let read: Vec<String> = boxes(&out).iter().map(|b| read_text_qr(b)).collect();
    assert_eq!(read, media);
}

#[test]
fn only_classified_media_say_protected_information() {
    let f = fixture();
    let c1 = text(&["medium", "label", &f.c1]);
    assert!(
        c1.contains("C1-I1-A1") && c1.contains("取扱制限: 社内限り"),
        "{c1}"
    );
    assert!(c1.contains("ラベル: 公開資料用"), "{c1}");
    assert!(!c1.contains("保護すべき情報"), "{c1}");
    let c2 = text(&["medium", "label", &f.w.received]);
    assert!(
        c2.contains("C2-I1-A1") && c2.contains("保護すべき情報"),
        "{c2}"
    );
    // The same rule on the form (and, through the same words, the incident report and the
    // certificates).
    let form_c1 = text(&["ledger", "print", &f.c1, "--format", "html"]);
    assert!(form_c1.contains(&f.c1), "{form_c1}");
    assert!(!form_c1.contains("保護すべき情報"), "{form_c1}");
    let form_c2 = text(&["ledger", "print", &f.w.received, "--format", "html"]);
    assert!(form_c2.contains("保護すべき情報"), "{form_c2}");
    let json_c1 = f.w.env.ok(&["ledger", "print", &f.c1]);
    assert_eq!(json_c1["protected"], false, "{json_c1}");
}

#[test]
fn all_is_every_medium_in_storage_or_out() {
    let f = fixture();
    let v = f.w.env.ok(&["medium", "label", "--all"]);
    let got: BTreeSet<&str> = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["medium"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = [
        f.w.returned.as_str(),
        &f.w.on_loan,
        &f.w.received,
        &f.w.carried_out,
        &f.c1,
    ]
    .into();
    assert_eq!(got, want);
    let out = text(&["medium", "label", "--all"]);
    assert_eq!(boxes(&out).len(), want.len());
    // A lost medium is not there to stick a label on (issue 18, item 7).
    for gone in [&f.w.destroyed, &f.w.transferred, &f.w.lost] {
        assert!(!out.contains(gone.as_str()), "{gone} labelled:\n{out}");
    }
}

#[test]
fn json_gives_the_label_data() {
    let f = fixture();
    let v = f.w.env.ok(&["medium", "label", &f.c1, &f.w.on_loan]);
    let l = &v["labels"];
    assert_eq!(l[0]["medium"], f.c1.as_str());
    assert_eq!(l[0]["marking"], "C1-I1-A1");
    assert_eq!(l[0]["protected"], false);
    assert_eq!(l[0]["restriction"], "社内限り");
    assert_eq!(l[0]["label"], "公開資料用");
    assert_eq!(l[0]["org"], ORG);
    assert_eq!(l[1]["medium"], f.w.on_loan.as_str());
    assert_eq!(l[1]["protected"], true);
    assert_eq!(l[1]["marking_words"], "機密性3 完全性1 可用性1");
}

#[test]
fn html_is_one_self_contained_page_of_sheets_whose_qr_codes_read_back() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.html");
    // Twelve labels: a full sheet of ten and a second sheet.
    let mut media: Vec<&str> = Vec::new();
    for _ in 0..2 {
        media.extend(f.w.media().iter().filter(|m| **m != f.w.destroyed));
    }
    media.extend([f.c1.as_str(), f.c1.as_str()]);
    assert_eq!(media.len(), 14);
    let mut args = vec!["medium", "label", "--format", "html", "-o"];
    args.push(file.to_str().unwrap());
    args.extend(&media);
    let v = f.w.env.ok(&args);
    assert_eq!(v["media"].as_array().unwrap().len(), 14);
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<html").count(), 1);
    for banned in ["http", "<link", "<script", "url(", "@import"] {
        assert!(!page.contains(banned), "the page holds {banned:?}");
    }
    assert!(page.contains("size: A4 portrait"));
    assert!(page.contains("break-after: page") && page.contains("page-break-after: always"));
    assert!(page.contains("Noto Sans CJK JP"), "the Japanese font stack");
    assert_eq!(page.matches("<section class=\"sheet large\">").count(), 2);
    let sheets: Vec<&str> = page
        .split("<section class=\"sheet large\">")
        .skip(1)
        .collect();
    assert_eq!(sheets[0].matches("<div class=\"label\">").count(), 10);
    assert_eq!(sheets[1].matches("<div class=\"label\">").count(), 4);
    let read: Vec<String> = svgs(&page).iter().map(|s| read_svg_qr(s)).collect();
    assert_eq!(read, media);
    assert!(page.contains(ORG) && page.contains("保護すべき情報"));
}

/// Run without `--json`; expect failure; return the exit code and stderr.
fn refused(args: &[&str]) -> (i32, String) {
    let out = fixture().w.env.cmd().args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c != 0),
        "{args:?} succeeded"
    );
    let code = out.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The HTML page of `medium label` with these arguments.
fn html_page(args: &[&str]) -> String {
    text(&[&["medium", "label", "--format", "html"][..], args].concat())
}

#[test]
fn small_labels_fit_a_usb_stick_and_read_back() {
    let f = fixture();
    let page = html_page(&["--size", "small", &f.w.on_loan, &f.c1]);
    assert!(
        page.contains("grid-template-columns: repeat(7, 25mm)"),
        "25 mm wide"
    );
    assert!(
        page.contains("grid-template-rows: repeat(20, 12mm)"),
        "12 mm high"
    );
    assert_eq!(page.matches("<section class=\"sheet small\">").count(), 1);
    assert_eq!(page.matches("<div class=\"label small\">").count(), 2);
    let read: Vec<String> = svgs(&page).iter().map(|s| read_svg_qr(s)).collect();
    assert_eq!(read, [f.w.on_loan.as_str(), &f.c1]);
    // The number and marking are on the small label; the organisation is left to the large.
    assert!(page.contains("C3-I1-A1") && page.contains("保護すべき情報"));
    assert!(!page.contains(ORG));
    let large = html_page(&["--size", "large", &f.w.on_loan]);
    assert_eq!(large, html_page(&[&f.w.on_loan]), "large is the default");
}

#[test]
fn skip_starts_on_a_partly_used_sheet() {
    let f = fixture();
    let m = f.w.on_loan.as_str();
    let page = html_page(&["--skip", "9", m, m]);
    let sheets: Vec<&str> = page
        .split("<section class=\"sheet large\">")
        .skip(1)
        .collect();
    assert_eq!(
        sheets.len(),
        2,
        "nine places used, the tenth and then a new sheet"
    );
    assert_eq!(sheets[0].matches("<div class=\"label used\">").count(), 9);
    assert_eq!(sheets[0].matches("<div class=\"label\">").count(), 1);
    assert_eq!(sheets[1].matches("<div class=\"label\">").count(), 1);
    let small = html_page(&["--size", "small", "--skip", "139", m]);
    assert_eq!(small.matches("<div class=\"label used\">").count(), 139);
    for (args, why) in [
        (vec!["--skip", "10", m], "a whole sheet of large labels"),
        (
            vec!["--size", "small", "--skip", "140", m],
            "a whole sheet of small",
        ),
    ] {
        let all = [&["medium", "label", "--format", "html"][..], &args].concat();
        let (code, err) = refused(&all);
        assert_eq!(code, 2, "{why}: {err}");
        assert!(err.contains("--skip"), "{err}");
    }
    // Sizes and places belong to printed sheets; text and JSON would silently drop them.
    for args in [
        vec!["medium", "label", m, "--skip", "1"],
        vec!["medium", "label", m, "--size", "small", "--format", "json"],
    ] {
        let (code, err) = refused(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--format html"), "{err}");
    }
}

#[test]
fn all_on_small_labels_is_only_media_in_service() {
    let f = fixture();
    let page = html_page(&["--all", "--size", "small"]);
    let read: BTreeSet<String> = svgs(&page).iter().map(|s| read_svg_qr(s)).collect();
    let want: BTreeSet<String> = [
        &f.w.returned,
        &f.w.on_loan,
        &f.w.received,
        &f.w.carried_out,
        &f.c1,
    ]
    .into_iter()
    .cloned()
    .collect();
    assert_eq!(read, want);
    for gone in [&f.w.destroyed, &f.w.transferred, &f.w.lost] {
        assert!(!page.contains(gone.as_str()), "{gone} labelled");
    }
}

#[test]
fn language_follows_the_ledger_unless_given() {
    let f = fixture();
    let m = &f.w.on_loan;
    let default = text(&["medium", "label", m]);
    let ja = text(&["medium", "label", m, "--lang", "ja"]);
    let en = text(&["medium", "label", m, "--lang", "en"]);
    assert_eq!(default, ja);
    assert!(ja.contains("可搬記憶媒体 媒体番号") && !ja.contains("Portable storage medium"));
    assert!(en.contains("Portable storage medium No.") && !en.contains("可搬記憶媒体"));
    assert!(en.contains("Confidentiality 3"), "{en}");
    let html_en = text(&["medium", "label", m, "--lang", "en", "--format", "html"]);
    assert!(html_en.contains("<html lang=\"en\">") && html_en.contains("Medium labels"));
}

#[test]
fn output_file_is_written_whole() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("label.txt");
    let out = text(&[
        "medium",
        "label",
        &f.w.received,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains("Wrote 1 label to"), "{out}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(boxes(&written).len(), 1);
    assert_eq!(read_text_qr(&boxes(&written)[0]), f.w.received);
}

#[test]
fn bad_requests_exit_2_with_one_line() {
    let f = fixture();
    let on_loan = f.w.on_loan.as_str();
    for args in [
        vec!["medium", "label", "USB-1999-9999"],
        vec!["medium", "label", on_loan, "nonesuch"],
        vec!["medium", "label", on_loan, "--format", "csv"],
        vec!["medium", "label"],
        vec!["medium", "label", on_loan, "--all"],
    ] {
        let out = f.w.env.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let first: Vec<&str> = err.lines().filter(|l| !l.starts_with("hint:")).collect();
        assert_eq!(first.len(), 1, "{args:?}: {err}");
        assert!(first[0].starts_with("baitai: error: "), "{err}");
        assert!(out.stdout.is_empty(), "{args:?} printed a label");
    }
    let (code, err) = f.w.env.fail(&["medium", "label", "USB-1999-9999"]);
    assert_eq!(code, 2);
    assert!(err.contains("USB-1999-9999"), "{err}");
}

#[test]
fn a_ledger_with_nothing_to_label_says_so() {
    let env = Env::new();
    let (code, err) = env.fail(&["medium", "label", "--all"]);
    assert_eq!(code, 2);
    assert!(err.contains("no medium to label"), "{err}");
}

#[test]
#[should_panic(expected = "error-correction codewords do not match")]
fn the_reader_rejects_a_damaged_code() {
    let f = fixture();
    let out = text(&["medium", "label", &f.w.received]);
    let mut m = text_qr(&boxes(&out)[0]);
    // A data module, clear of the finders, the timing lines and the format bits.
    m[10][10] = !m[10][10];
    qr::decode(&m);
}

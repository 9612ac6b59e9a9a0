//! Every HTML printout rendered headless in Chromium to PDF and PNG, on a ledger with every
//! kind of entry: the pages must render, be self-contained, and come out on A4. The PDF's text,
//! read back with `pdftotext` (poppler-utils), must name on every page the medium or the
//! report and the page's number of the count (`2 / 3`), hold no English word on a Japanese
//! page, and keep a form of up to ten rows on one sheet (issue 18, item 6).
//!
//! Skips, saying why, when Chromium or pdftotext is not installed
//! (`scripts/install-render-deps` installs them; `.ci/run` runs that); under `CI=true` it fails
//! instead. The pictures are kept in `target/render/` to be looked at:
//! `BAITAI_RENDER_KEEP=0` keeps nothing.

#[path = "it/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::world::World;
use common::*;

fn chromium() -> Option<PathBuf> {
    which(&["chromium", "chromium-browser", "google-chrome"])
}

/// The first of `names` on the PATH.
fn which(names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|name| {
        let out = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()?;
        let path = String::from_utf8(out.stdout).ok()?;
        let path = path.trim();
        (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
    })
}

/// The flags that keep a headless run quiet, offline and repeatable; `--no-sandbox` because
/// tests may run as root.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-extensions",
    "--disable-sync",
    "--hide-scrollbars",
    "--no-pdf-header-footer",
];

struct Rendered {
    pdf: Vec<u8>,
    png: Vec<u8>,
}

fn render(chrome: &Path, html: &Path, out: &Path, width: u32, height: u32) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let pdf = out.with_extension("pdf");
    let png = out.with_extension("png");
    let run = |extra: &[String]| {
        let status = Command::new(chrome)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(format!("file://{}", html.display()))
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "chromium failed on {}", html.display());
    };
    run(&[format!("--print-to-pdf={}", pdf.display())]);
    run(&[
        format!("--screenshot={}", png.display()),
        format!("--window-size={width},{height}"),
    ]);
    Rendered {
        pdf: std::fs::read(&pdf).unwrap(),
        png: std::fs::read(&png).unwrap(),
    }
}

/// Pages in a PDF Chromium wrote, and the size of the first (points).
fn pages(pdf: &[u8]) -> (usize, Option<(f64, f64)>) {
    let text = String::from_utf8_lossy(pdf);
    let count = text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page ").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page>").count();
    let size = text.split("/MediaBox [").nth(1).and_then(|rest| {
        let nums: Vec<f64> = rest
            .split(']')
            .next()?
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        (nums.len() == 4).then(|| (nums[2] - nums[0], nums[3] - nums[1]))
    });
    (count, size)
}

/// A4 is 595 × 842 points; landscape swaps them.
fn is_a4(size: (f64, f64)) -> bool {
    let (w, h) = (size.0.min(size.1), size.0.max(size.1));
    (w - 595.0).abs() < 3.0 && (h - 842.0).abs() < 3.0
}

/// The text of each page of a PDF, as `pdftotext` reads it (pages end with a form feed).
fn page_texts(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let out = Command::new(pdftotext).arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// ASCII words a Japanese page may hold: units, ciphers, standards and their category names
/// (NIST SP 800-88 Clear, Purge, Destroy; 付録G), the program and the commands a next step
/// tells one to type, and what the test world typed into its ledger (a person's name and
/// affiliation in English, a label, a file name, the store 保管庫A).
#[rustfmt::skip]
const ALLOWED: &[&str] = &[
    "B", "KB", "MB", "GB", "KiB", "MiB", "GiB", "TiB", "AES-256-GCM", "NIST", "SP", "Rev.1",
    "G", "Clear", "Purge", "Destroy", "USB", "QR", "ChaCha20", "baitai", "lost", "return",
    "Jane", "Smith", "Engineering", "test", "A-001.dwg", "A",
];

/// Whether an ASCII token is something a Japanese page may show: a number, a medium number,
/// a marking, a person's ID, a hash or fingerprint, a time, a path, a file's extension, or a
/// word of [`ALLOWED`].
fn allowed_token(t: &str) -> bool {
    let letters = t.chars().any(|c| c.is_ascii_alphabetic());
    if !letters && !t.contains('`') {
        return true;
    }
    let hexish = t.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
        && t.chars().any(|c| c.is_ascii_digit());
    let medium = t.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_uppercase())
            && b.chars().all(|c| c.is_ascii_digit() || c == '-')
    });
    let marking = t.len() == 8 && t.starts_with('C') && t[2..].starts_with("-I");
    let person = t.starts_with('P') && t.len() > 1 && t[1..].chars().all(|c| c.is_ascii_digit());
    let time = t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || "T:+-.".contains(c));
    let path = t.contains('/');
    let extension = t.starts_with('.') && t[1..].chars().all(|c| c.is_ascii_lowercase());
    ALLOWED.contains(&t) || hexish || medium || marking || person || time || path || extension
}

/// The ASCII words of `text` that a Japanese page should not hold.
fn english_words(text: &str) -> Vec<String> {
    let mut bad: Vec<String> = text
        .split(|c: char| !c.is_ascii_graphic())
        .map(|t| t.trim_matches(|c: char| "()[]{},;'\"".contains(c)))
        .map(|t| t.trim_end_matches('.'))
        .map(|t| t.trim_end_matches(':'))
        .filter(|t| !t.is_empty() && !allowed_token(t))
        .map(str::to_string)
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// One printout: a name for its files, the command that writes it to `-o`, how it is laid
/// out (landscape or portrait) for the screenshot; [`head_of`] tells what its pages name.
struct Printout {
    name: &'static str,
    args: Vec<String>,
    landscape: bool,
}

fn printouts(w: &World) -> Vec<Printout> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut all = vec![
        Printout {
            name: "form-destroyed",
            args: own(&["ledger", "print", &w.destroyed, "--format", "html"]),
            landscape: true,
        },
        Printout {
            name: "form-lost-en",
            args: own(&[
                "ledger", "print", &w.lost, "--format", "html", "--lang", "en",
            ]),
            landscape: true,
        },
        Printout {
            name: "inventory",
            args: own(&["report", "inventory", "--format", "html"]),
            landscape: true,
        },
        Printout {
            name: "labels",
            args: own(&["medium", "label", "--all", "--format", "html"]),
            landscape: false,
        },
        Printout {
            name: "labels-en",
            args: own(&[
                "medium",
                "label",
                &w.destroyed,
                &w.lost,
                "--format",
                "html",
                "--lang",
                "en",
            ]),
            landscape: false,
        },
        Printout {
            name: "incidents",
            args: own(&["report", "incidents", "--format", "html"]),
            landscape: false,
        },
        Printout {
            name: "incident-en",
            args: own(&[
                "report",
                "incidents",
                &w.lost,
                "--format",
                "html",
                "--lang",
                "en",
            ]),
            landscape: false,
        },
        Printout {
            name: "audit",
            args: own(&[
                "report",
                "audit",
                "--from",
                "2026-01-01",
                "--to",
                "2099-12-31",
                "--format",
                "html",
            ]),
            landscape: false,
        },
        Printout {
            name: "certificate-destruction",
            args: own(&["report", "certificate", &w.destroyed, "--format", "html"]),
            landscape: false,
        },
        Printout {
            name: "certificate-wipe-en",
            args: own(&[
                "report",
                "certificate",
                &w.destroyed,
                "--kind",
                "wipe",
                "--format",
                "html",
                "--lang",
                "en",
            ]),
            landscape: false,
        },
        Printout {
            name: "overdue",
            args: own(&[
                "report",
                "overdue",
                "--format",
                "html",
                "--at",
                "2100-01-01",
            ]),
            landscape: true,
        },
    ];
    all.extend(more_printouts(w));
    all
}

/// The Japanese pages beside the English ones above: the lost medium's form and incident
/// report, the wipe certificate.
fn more_printouts(w: &World) -> Vec<Printout> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        Printout {
            name: "form-lost",
            args: own(&["ledger", "print", &w.lost, "--format", "html"]),
            landscape: true,
        },
        Printout {
            name: "incident",
            args: own(&["report", "incidents", &w.lost, "--format", "html"]),
            landscape: false,
        },
        Printout {
            name: "certificate-wipe",
            args: own(&[
                "report",
                "certificate",
                &w.destroyed,
                "--kind",
                "wipe",
                "--format",
                "html",
            ]),
            landscape: false,
        },
        Printout {
            name: "labels-small",
            args: own(&[
                "medium", "label", "--all", "--size", "small", "--skip", "3", "--format", "html",
            ]),
            landscape: false,
        },
    ]
}

/// What every page of a printout names: the medium, or the report.
fn head_of(p: &Printout, w: &World, busy: &str) -> String {
    let medium = [w.destroyed.as_str(), &w.lost, busy]
        .into_iter()
        .find(|m| p.args.iter().any(|a| a == m));
    let en = p.name.ends_with("-en");
    match (medium, p.name) {
        (_, n) if n.starts_with("labels") => if en {
            "Medium labels"
        } else {
            "媒体ラベル"
        }
        .into(),
        (Some(m), _) => m.to_string(),
        (None, "inventory") => "媒体一覧".into(),
        (None, "overdue") => "未返却・期限超過の媒体".into(),
        (None, "incidents") => "情報セキュリティ事故報告".into(),
        (None, "audit") => "監査報告".into(),
        (None, "inventory-check") => "在庫確認".into(),
        (None, n) => panic!("no head for {n}"),
    }
}

/// A medium used twelve times: its form runs to two sheets of ten rows.
/// Each return reads the blank image back, so the medium is clean for its next use.
fn busy_medium(w: &World) -> String {
    let img = w.env.path("busy.img");
    std::fs::write(&img, vec![0u8; 1 << 20]).unwrap();
    let img = img.to_str().unwrap();
    let v = w.env.ok_as(
        &["medium", "register", "--image", img, "--class", "C3"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    for i in 0..12 {
        let purpose = format!("定例作業 {}", i + 1);
        w.env
            .ok_as(&["checkout", &m, "--purpose", &purpose], HANDLER);
        w.env.ok_as(&["return", &m, "--image", img], CUSTODIAN);
    }
    m
}

#[test]
fn every_html_printout_renders_in_chromium() {
    let Some(chrome) = chromium() else {
        skip_outside_ci("Chromium is not installed (run scripts/install-render-deps as root)");
        return;
    };
    let Some(pdftotext) = which(&["pdftotext"]) else {
        skip_outside_ci("pdftotext is not installed (run scripts/install-render-deps as root)");
        return;
    };
    let w = World::new();
    let keep = std::env::var("BAITAI_RENDER_KEEP").map_or(true, |v| v != "0");
    let dir = if keep {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/render");
        std::fs::create_dir_all(&d).unwrap();
        d
    } else {
        w.env.path("render")
    };
    std::fs::create_dir_all(&dir).unwrap();
    let busy = busy_medium(&w);
    // Inventory checks make their own printout; record one first so the ledger holds one.
    let stock = format!("{},{}", w.returned, w.received);
    let mut all = printouts(&w);
    all.push(Printout {
        name: "inventory-check",
        args: [
            "inventory",
            "check",
            "--present",
            &stock,
            "--format",
            "html",
            "--as",
            CUSTODIAN,
            "--passphrase-file",
            w.env.pass(CUSTODIAN).to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        landscape: true,
    });
    all.push(Printout {
        name: "form-busy",
        args: ["ledger", "print", &busy, "--format", "html"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        landscape: true,
    });
    let mut failures = Vec::new();
    for p in &all {
        let html = dir.join(format!("{}.html", p.name));
        let mut args: Vec<&str> = p.args.iter().map(String::as_str).collect();
        let html_s = html.to_str().unwrap().to_string();
        args.extend(["-o", &html_s]);
        w.env.ok(&args);
        let doc = std::fs::read_to_string(&html).unwrap();
        for banned in ["http://", "https://", "<link", "<script", "<img src=\"http"] {
            assert!(
                !doc.contains(banned),
                "{}: {banned} in a self-contained page",
                p.name
            );
        }
        let (width, height) = if p.landscape {
            (1123, 794)
        } else {
            (794, 1123)
        };
        let r = render(&chrome, &html, &dir.join(p.name), width, height);
        let (count, size) = pages(&r.pdf);
        assert!(count >= 1, "{}: no pages in the PDF", p.name);
        let size = size.unwrap_or_else(|| panic!("{}: no page size in the PDF", p.name));
        assert!(is_a4(size), "{}: page is {size:?} points, not A4", p.name);
        assert!(r.png.starts_with(b"\x89PNG"), "{}: not a PNG", p.name);
        // A blank white screenshot compresses to a few kilobytes; a printed page does not.
        // Five labels of 25 × 12 mm on an A4 sheet are little ink.
        let least = if p.name == "labels-small" {
            5_000
        } else {
            20_000
        };
        assert!(r.png.len() > least, "{}: the picture looks empty", p.name);
        let texts = page_texts(&pdftotext, &dir.join(p.name).with_extension("pdf"));
        assert_eq!(
            texts.len(),
            count,
            "{}: pdftotext read another count",
            p.name
        );
        failures.extend(check_pages(p, &head_of(p, &w, &busy), &busy, &texts));
        eprintln!(
            "rendered {}: {count} page(s) of {:.0}×{:.0} pt, png {} KB",
            p.name,
            size.0,
            size.1,
            r.png.len() / 1024
        );
    }
    if keep {
        eprintln!("pictures in {}", dir.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What is wrong with a printout's pages: a page that does not name `head` or its `x / y`,
/// English on a Japanese page, a form sheet that spilled over (`busy` has two sheets).
fn check_pages(p: &Printout, head: &str, busy: &str, texts: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let n = texts.len();
    for (i, t) in texts.iter().enumerate() {
        let number = format!("{} / {n}", i + 1);
        if !t.contains(head) || !t.contains(&number) {
            bad.push(format!(
                "{} page {}: no {head:?} or {number:?}:\n{t}",
                p.name,
                i + 1
            ));
        }
        if !p.name.ends_with("-en") {
            let words = english_words(t);
            if !words.is_empty() {
                bad.push(format!("{} page {}: English {words:?}", p.name, i + 1));
            }
        }
    }
    // The reports an auditor signs end with the sign-off boxes.
    let signed = [
        "audit",
        "incidents",
        "incident",
        "incident-en",
        "inventory",
        "inventory-check",
    ];
    if signed.contains(&p.name) {
        let (box_word, wants) = if p.name.ends_with("-en") {
            ("Sign-off", ["Validated by", "Findings", "Date"])
        } else {
            ("確認欄", ["確認者", "所見", "日付"])
        };
        let last = texts.last().map(String::as_str).unwrap_or("");
        if !last.contains(box_word) || wants.iter().any(|w| !last.contains(w)) {
            bad.push(format!("{}: no sign-off on the last page:\n{last}", p.name));
        }
    }
    if p.name.starts_with("form-") {
        // The sheets come first; each ends with its rows, the last with the footnote.
        let footnote = if p.name.ends_with("-en") {
            "One form per portable storage medium"
        } else {
            "この様式は一つの可搬記憶媒体ごとに作成する"
        };
        let sheets = if p.args.iter().any(|a| a == busy) {
            2
        } else {
            1
        };
        let at: Vec<usize> = (0..n).filter(|i| texts[*i].contains(footnote)).collect();
        if at != [sheets - 1] {
            bad.push(format!(
                "{}: the footnote is on pages {at:?}, not on page {sheets} alone",
                p.name
            ));
        }
    }
    bad
}

//! Every HTML printout rendered headless in Chromium to PDF and PNG, on a ledger with every
//! kind of entry: the pages must render, be self-contained, and come out on A4.
//!
//! Skips, saying why, when Chromium is not installed (`scripts/install-render-deps` installs
//! it; `.ci/run` runs that); under `CI=true` it fails instead. The pictures are kept in `target/render/` to be looked at:
//! `BAITAI_RENDER_KEEP=0` keeps nothing.

#[path = "it/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::world::World;
use common::*;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
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

/// One printout: a name for its files, the command that writes it to `-o`, and how it is laid
/// out (landscape or portrait) for the screenshot.
struct Printout {
    name: &'static str,
    args: Vec<String>,
    landscape: bool,
}

fn printouts(w: &World) -> Vec<Printout> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
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
    ]
}

#[test]
fn every_html_printout_renders_in_chromium() {
    let Some(chrome) = chromium() else {
        skip_outside_ci("Chromium is not installed (run scripts/install-render-deps as root)");
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
        assert!(r.png.len() > 20_000, "{}: the picture looks empty", p.name);
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
}

//! `inventory check`: the store compared with the ledger, recorded as a signed entry.

use crate::common::world::World;
use crate::common::*;
use serde_json::Value;

fn check(w: &World, present: &str, extra: &[&str]) -> Value {
    let mut a = vec![
        "inventory",
        "check",
        "--present",
        present,
        "--location",
        "第2保管庫",
    ];
    a.extend(extra);
    w.env.ok_as(&a, CUSTODIAN)
}

fn media(v: &Value, key: &str) -> Vec<String> {
    v["check"][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m.as_str()
                .map(String::from)
                .unwrap_or_else(|| m["medium"].as_str().unwrap().to_string())
        })
        .collect()
}

/// A carry-out due back two seconds from now, so that it is overdue once they pass.
fn soon_overdue(w: &World) -> String {
    let m = w.env.register();
    let until = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let until = until.to_string();
    let approver = w.env.approver(CUSTODIAN);
    let a = args(
        &[
            "carry-out",
            &m,
            "--until",
            &until,
            "--destination",
            "本社",
            "--purpose",
            "打合せ",
        ],
        &approver,
    );
    w.env.ok_as(&a, HANDLER);
    std::thread::sleep(std::time::Duration::from_secs(3));
    m
}

#[test]
fn missing_unexpected_and_overdue_are_found_and_recorded() {
    let w = World::new();
    let late = soon_overdue(&w);
    let found = format!(
        "{}, {} ,usb-1999-9999,{}",
        w.returned,
        w.lost.to_lowercase(),
        w.returned
    );
    let before = w.env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    let v = check(&w, &found, &[]);
    assert_eq!(
        media(&v, "present"),
        [w.returned.clone(), w.lost.clone(), "USB-1999-9999".into()]
    );
    assert_eq!(media(&v, "missing"), vec![w.received.clone()]);
    assert_eq!(
        media(&v, "unexpected"),
        [w.lost.clone(), "USB-1999-9999".into()]
    );
    assert_eq!(v["check"]["unexpected"][0]["ledger_state"], "lost");
    assert_eq!(v["check"]["unexpected"][1]["ledger_state"], "unknown");
    assert_eq!(media(&v, "overdue"), vec![late]);
    assert_eq!(v["check"]["location"], "第2保管庫");
    // The custodian sees their last use and any failed attempts, as after every act.
    assert!(v["notices"].is_array(), "{v}");
    // Recorded: one signed entry, which `ledger verify` replays.
    let after = w.env.ok(&["ledger", "verify"]);
    assert_eq!(after["entries"].as_u64().unwrap(), before + 1);
    let c = rusqlite::Connection::open(&w.env.ledger).unwrap();
    let (kind, actor, medium): (String, String, Option<String>) = c
        .query_row(
            "SELECT kind, actor, medium FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), actor.as_str(), medium),
        ("inventory.check", CUSTODIAN, None)
    );
    assert_eq!(v["entry"].as_u64().unwrap(), before + 1);
}

/// The finding each medium has on the printout (`lines` of the JSON).
fn findings(v: &Value) -> Vec<(String, String, Option<String>)> {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["medium"].as_str().unwrap().to_string(),
                l["finding"].as_str().unwrap().to_string(),
                l["holder"].as_str().map(String::from),
            )
        })
        .collect()
}

#[test]
fn the_sheet_reconciles_every_medium_and_names_the_checker() {
    let w = World::new();
    let v = check(&w, &format!("{},USB-1999-0002", w.returned), &[]);
    let got = findings(&v);
    let finding = |m: &str| {
        got.iter()
            .find(|(n, _, _)| n == m)
            .map(|(_, f, h)| (f.clone(), h.clone()))
    };
    assert_eq!(finding(&w.returned), Some(("ok".into(), None)));
    assert_eq!(
        finding("USB-1999-0002").map(|f| f.0),
        Some("unexpected".into())
    );
    assert_eq!(finding(&w.received).map(|f| f.0), Some("missing".into()));
    // Out, not yet due: listed with whom it is out, to be confirmed with them.
    for out in [&w.on_loan, &w.carried_out] {
        let (f, holder) = finding(out).unwrap_or_else(|| panic!("{out} not listed: {got:?}"));
        assert_eq!(f, "out");
        assert_eq!(holder.as_deref(), Some("山田 太郎（設計部 第一設計課）"));
    }
    assert_eq!(finding(&w.lost).map(|f| f.0), Some("lost".into()));
    // Closed media are not the store's business unless they turn up.
    for closed in [&w.destroyed, &w.transferred] {
        assert_eq!(finding(closed), None, "{closed}");
    }
    assert_eq!(got.len(), 6, "{got:?}");

    let out = w.env.path("sheet.html");
    check(
        &w,
        &w.returned,
        &["--format", "html", "-o", out.to_str().unwrap()],
    );
    let html = std::fs::read_to_string(&out).unwrap();
    // The checker by name, scans as 読取り (not 確認), a column to tick by hand, a sign-off.
    for want in [
        "点検者: 鈴木 花子（情報保証室）",
        "読取り: 1",
        "保管庫にあり（読取り）",
        "持出し中（保持者に確認）",
        "紛失として記録済",
        "<th>照合</th>",
        "確認欄",
        "所見",
        "確認者",
    ] {
        assert!(html.contains(want), "no {want:?} in:\n{html}");
    }
    assert!(!html.contains("<td>確認</td>"), "{html}");
}

#[test]
fn the_printout_comes_in_every_format_and_language() {
    let w = World::new();
    let present = format!("{},{},USB-1999-0001", w.returned, w.received);
    let text = w
        .env
        .cmd()
        .args(["inventory", "check", "--present", &present])
        .args(auth(&w))
        .output()
        .unwrap();
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("在庫確認") && text.contains("読取り"),
        "{text}"
    );
    assert!(text.contains(&w.returned), "{text}");
    // A number the ledger never issued, said in the printout's language.
    assert!(text.contains("台帳に記録なし"), "{text}");
    for (format, needle) in [("csv", "媒体番号,結果"), ("html", "<table>")] {
        let out = w.env.path(&format!("check.{format}"));
        let o = out.to_str().unwrap();
        check(&w, &present, &["--format", format, "-o", o]);
        let doc = std::fs::read_to_string(&out).unwrap();
        assert!(doc.contains(needle), "{format}: {doc}");
        assert!(doc.contains(&w.returned), "{format}");
    }
    let out = w.env.path("check-en.csv");
    check(
        &w,
        &present,
        &[
            "--format",
            "csv",
            "--lang",
            "en",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let doc = std::fs::read_to_string(&out).unwrap();
    assert!(
        doc.trim_start_matches('\u{feff}')
            .starts_with("Medium,Finding"),
        "{doc}"
    );
    let html = std::fs::read_to_string(w.env.path("check.html")).unwrap();
    assert!(!html.contains("http") && !html.contains("<link") && !html.contains("<script"));
}

fn auth(w: &World) -> Vec<String> {
    vec![
        "--as".into(),
        CUSTODIAN.into(),
        "--passphrase-file".into(),
        w.env.pass(CUSTODIAN).to_str().unwrap().into(),
    ]
}

#[test]
fn numbers_come_from_stdin_as_a_scanner_types_them() {
    let w = World::new();
    let typed = format!("{}\r\n{}\n\n", w.returned, w.received);
    let out = w
        .env
        .cmd()
        .args(["--json", "inventory", "check"])
        .args(auth(&w))
        .write_stdin(typed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        media(&v, "present"),
        [w.returned.clone(), w.received.clone()]
    );
    assert!(media(&v, "missing").is_empty());
}

#[test]
fn refusals_record_nothing() {
    let w = World::new();
    let before = w.env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    // Nothing scanned is not an empty store.
    let (code, err) = w
        .env
        .fail_as(&["inventory", "check", "--present", " , "], CUSTODIAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no medium numbers"), "{err}");
    // Only a custodian takes stock.
    let (code, err) = w
        .env
        .fail_as(&["inventory", "check", "--present", &w.returned], HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("refused (role)"), "{err}");
    // The passphrase and the numbers cannot both come from stdin.
    let (code, err) = w.env.fail(&[
        "inventory",
        "check",
        "--as",
        CUSTODIAN,
        "--passphrase-file",
        "-",
    ]);
    assert_eq!(code, 2, "{err}");
    let after = w.env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    assert_eq!(after, before);
    // An empty store, on purpose.
    let v = check(&w, "none", &[]);
    assert!(media(&v, "present").is_empty());
    assert_eq!(
        media(&v, "missing"),
        [w.returned.clone(), w.received.clone()]
    );
}

#[test]
fn bad_location_or_printout_path_records_nothing() {
    let w = World::new();
    let before = w.env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    let forged = "A\n確認: 99 / 所在不明: 0";
    let (code, err) = w.env.fail_as(
        &[
            "inventory",
            "check",
            "--present",
            &w.returned,
            "--location",
            forged,
        ],
        CUSTODIAN,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--location must be one line"), "{err}");
    let nowhere = w.env.path("no-such-dir/check.html");
    let (code, err) = w.env.fail_as(
        &[
            "inventory",
            "check",
            "--present",
            &w.returned,
            "--format",
            "html",
            "-o",
            nowhere.to_str().unwrap(),
        ],
        CUSTODIAN,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("there is no directory"), "{err}");
    let after = w.env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    assert_eq!(after, before);
}

#[test]
fn an_overdue_medium_found_in_the_store_is_listed_once() {
    let w = World::new();
    let late = soon_overdue(&w);
    let v = check(&w, &format!("{},{},{late}", w.returned, w.received), &[]);
    assert!(media(&v, "overdue").is_empty(), "{v}");
    assert_eq!(media(&v, "unexpected"), vec![late.clone()]);
    let lines: Vec<&Value> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["medium"] == late.as_str())
        .collect();
    assert_eq!(lines.len(), 1, "{v}");
}

/// The schema says inventory checks may appear, so an older baitai stops with "upgrade"
/// instead of calling them tampering; an older file still reads.
#[test]
fn the_schema_marks_that_inventory_checks_may_appear() {
    let w = World::new();
    let version = |env: &Env| -> i64 {
        let c = rusqlite::Connection::open(&env.ledger).unwrap();
        c.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&w.env), 6);
    w.env.sql("PRAGMA user_version = 1");
    assert_eq!(w.env.verify_code().0, 0, "a schema-1 file reads as it is");
    w.env.register();
    assert_eq!(version(&w.env), 6, "the next write brings it up to date");
    w.env.sql("PRAGMA user_version = 7");
    let (code, err) = w.env.fail(&["ledger", "verify"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("schema 7"), "{err}");
}

/// A whole store's worth of scanned numbers, repeats among them: de-duplicated in one pass
/// (a search per number took seconds at 40,000). Nothing here times it.
#[test]
fn a_hundred_thousand_scanned_numbers_are_checked() {
    let w = World::new();
    let mut typed: String = (0..100_000).map(|i| format!("usb-2099-{i:06}\n")).collect();
    typed += &format!("{}\n{}\nUSB-2099-000042\n", w.returned, w.received);
    let out = w
        .env
        .cmd()
        .args(["--json", "inventory", "check"])
        .args(auth(&w))
        .write_stdin(typed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let present = media(&v, "present");
    assert_eq!(present.len(), 100_002);
    assert_eq!(present[42], "USB-2099-000042");
    assert_eq!(present[100_001], w.received);
    assert_eq!(media(&v, "unexpected").len(), 100_000);
    assert!(media(&v, "missing").is_empty());
}

//! The incident report (000 12) and the audit report (000 10(11)イ) on a ledger with every
//! kind of entry.

use std::sync::OnceLock;

use crate::common::world::World;
use crate::common::*;
use serde_json::Value;

/// One world for the read-only checks: building it takes a few dozen commands.
fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(World::new)
}

/// Run without `--json` and return stdout; the command must succeed.
fn text(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "baitai {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(env: &Env, args: &[&str]) -> Value {
    serde_json::from_str(&text(env, args)).unwrap()
}

/// Run a printout of a ledger that fails verification: it is printed whole, then exits 5.
fn failing_text(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "baitai {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn entry_count(env: &Env, filter: &str) -> usize {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    c.query_row(&format!("SELECT COUNT(*) FROM entries {filter}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .unwrap() as usize
}

fn verified_head(env: &Env) -> String {
    env.ok(&["ledger", "verify"])["head"]
        .as_str()
        .unwrap()
        .to_string()
}

fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{html:.80}");
    for bad in ["http", "<link", "<script", "src="] {
        assert!(!html.contains(bad), "HTML contains {bad:?}");
    }
}

const EVERYTHING: [&str; 4] = ["--from", "2000-01-01", "--to", "2199-12-31"];

#[test]
fn the_incident_report_says_everything_the_ledger_knows_in_japanese() {
    let w = world();
    let t = text(
        &w.env,
        &[
            "report",
            "incidents",
            &w.lost,
            "--format",
            "text",
            "--lang",
            "ja",
        ],
    );
    for want in [
        "情報セキュリティ事故報告",
        w.lost.as_str(),
        "防衛装備テスト株式会社",
        "機密性3",
        "最後の保持者",
        "Jane Smith（Engineering）",
        "電車内に置き忘れ、駅に届出済み",
        "説明資料.pptx",
        "議事録.docx",
        "5300 バイト",
        "AES-256-GCM",
        "鈴木 花子（情報保証室）",
        "パスフレーズスロット",
        "使用",
        "暗号化書込み",
        "紛失",
        "合格",
        "次の対応",
    ] {
        assert!(t.contains(want), "no {want:?} in:\n{t}");
    }
    assert!(
        t.contains(&verified_head(&w.env)),
        "head hash missing:\n{t}"
    );
}

#[test]
fn the_incident_report_in_english_and_as_data() {
    let w = world();
    let t = text(
        &w.env,
        &[
            "report",
            "incidents",
            &w.lost,
            "--format",
            "text",
            "--lang",
            "en",
        ],
    );
    for want in [
        "Information security incident report",
        "Last holder",
        "Jane Smith（Engineering）",
        "Circumstances",
        "電車内に置き忘れ",
        "5300 bytes",
        "Encrypted",
        "AES-256-GCM",
        "Key slots",
        "Time line",
        "checkout",
        "vault put",
        "PASSED",
        "What to do next",
    ] {
        assert!(t.contains(want), "no {want:?} in:\n{t}");
    }
    let v = json(
        &w.env,
        &["report", "incidents", &w.lost, "--format", "json"],
    );
    let r = &v[0];
    assert_eq!(r["medium"], w.lost.as_str());
    assert_eq!(r["lost"], true);
    assert_eq!(r["last_holder"]["person"]["id"], HANDLER2);
    assert_eq!(r["loss"]["reported_by"]["affiliation"], "Engineering");
    assert_eq!(r["contents"]["count"], 2);
    assert_eq!(r["contents"]["bytes"], 5300);
    let names: Vec<&str> = r["contents"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["説明資料.pptx", "議事録.docx"]);
    let enc = &r["encryption"];
    assert_eq!(enc["cipher"], "aes-256-gcm");
    assert_eq!(enc["passphrase_slot"], false);
    let slots: Vec<&str> = enc["key_slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        slots.contains(&HANDLER2) && slots.contains(&CUSTODIAN),
        "{slots:?}"
    );
    let kinds: Vec<&str> = r["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "medium.register",
            "medium.checkout",
            "vault.put",
            "medium.lost"
        ]
    );
    assert_eq!(r["verify"]["ok"], true);
    assert_eq!(r["verify"]["head"], verified_head(&w.env).as_str());
}

#[test]
fn without_a_medium_every_lost_medium_and_only_those() {
    let w = world();
    let v = json(&w.env, &["report", "incidents", "--format", "json"]);
    let media: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["medium"].as_str().unwrap())
        .collect();
    assert_eq!(media, [w.lost.as_str()]);
    let csv = text(&w.env, &["report", "incidents", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("説明資料.pptx / 議事録.docx"), "{csv}");
    let html = text(&w.env, &["report", "incidents", "--format", "html"]);
    assert_self_contained(&html);
    assert!(html.contains("電車内に置き忘れ"));
}

#[test]
fn a_medium_not_lost_gets_a_report_marked_as_not_lost() {
    let w = world();
    let v = json(
        &w.env,
        &["report", "incidents", &w.carried_out, "--format", "json"],
    );
    let r = &v[0];
    assert_eq!(r["lost"], false);
    assert!(r["loss"].is_null());
    assert_eq!(r["last_holder"]["person"]["id"], HANDLER);
    assert!(
        r["next_steps"][0].as_str().unwrap().contains("baitai lost"),
        "{r}"
    );
    let (code, err) = w.env.fail(&["report", "incidents", "USB-1999-0001"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn lost_prints_the_incident_report() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "客先での説明"], HANDLER);
    let p = env.pass(HANDLER);
    let out = env
        .cmd()
        .args(["lost", &m, "--circumstances", "客先の会議室で紛失"])
        .args(["--as", HANDLER, "--passphrase-file", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = String::from_utf8(out.stdout).unwrap();
    for want in [
        "reported LOST",
        "情報セキュリティ事故報告",
        "客先の会議室で紛失",
        "山田 太郎（設計部 第一設計課）",
        "記録なし",
    ] {
        assert!(t.contains(want), "no {want:?} in:\n{t}");
    }

    let m2 = env.register();
    env.ok_as(&["checkout", &m2, "--purpose", "出張"], HANDLER);
    let v = env.ok_as(&["lost", &m2, "--circumstances", "出張先で紛失"], HANDLER);
    assert_eq!(v["incident"]["medium"], m2.as_str());
    assert_eq!(v["incident"]["loss"]["circumstances"], "出張先で紛失");
    assert_eq!(v["incident"]["verify"]["ok"], true);

    // In English when asked, whatever the ledger's own language.
    let m3 = env.register();
    env.ok_as(&["checkout", &m3, "--purpose", "出張"], HANDLER);
    let out = env
        .cmd()
        .args([
            "lost",
            &m3,
            "--circumstances",
            "lost on the train",
            "--lang",
            "en",
        ])
        .args(["--as", HANDLER, "--passphrase-file", p.to_str().unwrap()])
        .output()
        .unwrap();
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(!t.contains("情報セキュリティ事故報告"), "{t}");
    assert!(t.contains("lost on the train"), "{t}");
}

#[test]
fn the_audit_csv_lists_every_entry_of_the_period_once() {
    let w = world();
    let csv = text(
        &w.env,
        &[
            &["report", "audit"][..],
            &EVERYTHING,
            &["--format", "csv", "--lang", "en"],
        ]
        .concat(),
    );
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        rows[0],
        "medium,seq,time,kind,actor,approver,witness,summary,hash"
    );
    let seqs: Vec<usize> = rows[1..]
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    let all = entry_count(&w.env, "");
    assert_eq!(seqs, (1..=all).collect::<Vec<_>>());

    // A period that starts part-way: exactly the entries from there on.
    let c = rusqlite::Connection::open(&w.env.ledger).unwrap();
    let mid = all / 2;
    let time: String = c
        .query_row(
            "SELECT time FROM entries WHERE seq = ?1",
            [mid as i64],
            |r| r.get(0),
        )
        .unwrap();
    let v = json(
        &w.env,
        &[
            "report",
            "audit",
            "--from",
            &time,
            "--to",
            "2199-12-31",
            "--format",
            "json",
        ],
    );
    let inside = entry_count(&w.env, &format!("WHERE time >= '{time}'"));
    assert_eq!(v["entries"].as_array().unwrap().len(), inside);
    assert!(inside < all && inside > all - mid);
}

#[test]
fn the_audit_groups_by_medium_and_by_person_under_the_verify_result() {
    let w = world();
    let v = json(
        &w.env,
        &[&["report", "audit"][..], &EVERYTHING, &["--format", "json"]].concat(),
    );
    assert_eq!(v["verify"]["ok"], true);
    assert_eq!(v["verify"]["head"], verified_head(&w.env).as_str());
    assert_eq!(v["verify"]["entries"], entry_count(&w.env, "") as u64);

    let groups = v["by_medium"].as_array().unwrap();
    let media: Vec<Option<&str>> = groups.iter().map(|g| g["medium"].as_str()).collect();
    for m in w.media() {
        assert!(media.contains(&Some(m)), "{m} not grouped: {media:?}");
    }
    assert_eq!(
        media.last(),
        Some(&None),
        "the ledger's own entries come last"
    );
    let grouped: usize = groups
        .iter()
        .map(|g| g["entries"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        grouped,
        entry_count(&w.env, ""),
        "each entry in one medium group"
    );

    let person = |id: &str| {
        v["by_person"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["person"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} not grouped"))
            .clone()
    };
    // The witness signs only destructions; the approver's loans count for them too.
    let witness = person(WITNESS);
    assert_eq!(witness["counts"][0]["kind"], "medium.destroy");
    let custodian = person(CUSTODIAN);
    let kinds: Vec<&str> = custodian["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"medium.loan") && kinds.contains(&"person.auth_failure"));
    assert_eq!(custodian["auth_failures"], 1);
    assert_eq!(v["auth_failures"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["person_changes"].as_array().unwrap().len(),
        8,
        "6 added, 1 passwd, 1 revoked"
    );

    let t = text(
        &w.env,
        &[&["report", "audit"][..], &EVERYTHING, &["--lang", "ja"]].concat(),
    );
    for want in [
        "監査報告",
        "合格",
        "媒体別",
        "担当者別",
        "認証失敗: 1",
        "利用者失効",
        "田中 次郎",
    ] {
        assert!(t.contains(want), "no {want:?} in:\n{t}");
    }
    assert!(t.contains(&verified_head(&w.env)));
}

#[test]
fn an_empty_period_is_an_empty_valid_report() {
    let w = world();
    let period = ["--from", "2001-01-01", "--to", "2001-01-31"];
    let v = json(
        &w.env,
        &[&["report", "audit"][..], &period, &["--format", "json"]].concat(),
    );
    assert_eq!(v["entries"], serde_json::json!([]));
    assert_eq!(v["by_medium"], serde_json::json!([]));
    assert_eq!(v["by_person"], serde_json::json!([]));
    assert_eq!(v["verify"]["ok"], true);
    let csv = text(
        &w.env,
        &[&["report", "audit"][..], &period, &["--format", "csv"]].concat(),
    );
    assert_eq!(csv.lines().count(), 1, "header only: {csv}");
    let t = text(
        &w.env,
        &[&["report", "audit"][..], &period, &["--lang", "en"]].concat(),
    );
    assert!(
        t.contains("no entries in this period") && t.contains("PASSED"),
        "{t}"
    );
    let html = text(
        &w.env,
        &[&["report", "audit"][..], &period, &["--format", "html"]].concat(),
    );
    assert_self_contained(&html);
    assert!(html.ends_with("</html>\n"));
}

#[test]
fn to_before_from_is_a_usage_error_of_one_line() {
    let w = world();
    let out = w
        .env
        .cmd()
        .args([
            "report",
            "audit",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("baitai: error: --to 2026-11-01 is before --from 2026-11-02"),
        "{err}"
    );
    let (code, _) = w.env.fail(&[
        "report",
        "audit",
        "--from",
        "yesterday",
        "--to",
        "2026-11-01",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn the_audit_html_is_self_contained() {
    let w = world();
    let file = w.env.path("audit.html");
    let v = json(
        &w.env,
        &[
            &["--json", "report", "audit"][..],
            &EVERYTHING,
            &["--format", "html", "-o", file.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(v["written"], file.to_str().unwrap());
    let html = std::fs::read_to_string(&file).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("@page { size: A4 portrait"));
    assert!(html.contains("break-before: page"));
    assert!(html.contains(&w.lost));
}

#[test]
fn a_tampered_ledger_is_reported_as_failing_at_the_top() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "本来の目的"], HANDLER);
    env.ok_as(&["lost", &m, "--circumstances", "紛失"], HANDLER);
    let seq = entry_count(
        &env,
        "WHERE seq <= (SELECT seq FROM entries WHERE kind = 'medium.checkout')",
    );
    env.sql(&format!(
        "DROP TRIGGER IF EXISTS entries_append_only_u; \
         UPDATE entries SET payload = '{{\"purpose\":\"書き換え\"}}' WHERE seq = {seq};"
    ));
    let v: Value = serde_json::from_str(&failing_text(
        &env,
        &[&["report", "audit"][..], &EVERYTHING, &["--format", "json"]].concat(),
    ))
    .unwrap();
    assert_eq!(v["verify"]["ok"], false);
    assert_eq!(v["verify"]["failure"]["seq"], seq as u64);
    // Every entry from the changed one on is marked, in every format.
    for e in v["entries"].as_array().unwrap() {
        let after = e["seq"].as_u64().unwrap() >= seq as u64;
        assert_eq!(e["verified"], !after, "{e}");
        assert_eq!(
            e["summary"].as_str().unwrap().starts_with("【未検証】"),
            after,
            "{e}"
        );
    }
    let t = failing_text(
        &env,
        &[&["report", "audit"][..], &EVERYTHING, &["--lang", "en"]].concat(),
    );
    let verdict = t.lines().find(|l| l.starts_with("Ledger verify:")).unwrap();
    assert!(verdict.contains(&format!("FAILED — entry {seq}")), "{t}");
    assert!(t.contains("[UNVERIFIED] "), "{t}");
    let csv = failing_text(
        &env,
        &[&["report", "audit"][..], &EVERYTHING, &["--format", "csv"]].concat(),
    );
    assert!(csv.contains("【未検証】"), "{csv}");
    let html = failing_text(&env, &["report", "incidents", "--format", "html"]);
    assert!(
        html.contains("verdict bad"),
        "the incident page shows the failure"
    );
}

/// A medium lost from the store after its return is not placed with the handler who had it
/// before: the report names the custodian who received it back.
#[test]
fn a_medium_lost_from_storage_names_who_received_it_back() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "設計レビュー"], HANDLER);
    env.ok_as(&["return", &m], CUSTODIAN);
    let v = env.ok_as(
        &["lost", &m, "--circumstances", "保管庫の棚卸しで所在不明"],
        CUSTODIAN2,
    );
    let holder = &v["incident"]["last_holder"];
    assert_eq!(holder["person"]["id"], CUSTODIAN, "{holder}");
    assert!(
        holder["terms"].as_str().unwrap().contains("保管中"),
        "{holder}"
    );
}

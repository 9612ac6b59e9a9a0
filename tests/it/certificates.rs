//! `report certificate`: the sanitization and destruction certificates of a medium, in every
//! format and both languages, checked against the ledger they are printed from.

use std::sync::atomic::AtomicBool;

use crate::common::world::World;
use crate::common::*;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// An entry of a medium as the ledger file holds it: (seq, hash in hex).
fn entry_of(env: &Env, medium: &str, kind: &str) -> (u64, String) {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let (seq, hash): (i64, Vec<u8>) = c
        .query_row(
            "SELECT seq, hash FROM entries WHERE medium = ?1 AND kind = ?2 ORDER BY seq DESC LIMIT 1",
            [medium, kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (seq as u64, hex::encode(hash))
}

fn head(env: &Env) -> (u64, String) {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let (seq, hash): (i64, Vec<u8>) = c
        .query_row(
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (seq as u64, hex::encode(hash))
}

fn fingerprint(env: &Env, person: &str) -> String {
    env.ok(&["person", "show", person])["person"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The certificate as printed (no `--json`), with the exit code.
fn print(env: &Env, args: &[&str]) -> (i32, String) {
    let out = env
        .cmd()
        .args(["report", "certificate"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn printed(env: &Env, args: &[&str]) -> String {
    let (code, doc) = print(env, args);
    assert_eq!(code, 0, "certificate {args:?} failed: {doc}");
    doc
}

fn json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["report", "certificate"];
    all.extend(args);
    env.ok(&all)
}

fn contains_all(doc: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(doc.contains(w), "missing {w:?} in:\n{doc}");
    }
}

/// Every labelled line of a text certificate starts its value in the same display column.
fn aligned(doc: &str) {
    let mut columns = std::collections::BTreeSet::new();
    for line in doc.lines().filter(|l| l.starts_with("  ")) {
        let body = &line[2..];
        let Some(gap) = body.find("  ") else { continue };
        let label = &body[..gap];
        let value_at = gap + body[gap..].len() - body[gap..].trim_start().len();
        if !label.trim().is_empty() {
            columns.insert(label.width() + (value_at - gap));
        }
    }
    assert_eq!(
        columns.len(),
        1,
        "values start in columns {columns:?}:\n{doc}"
    );
}

fn self_contained(html: &str) {
    for banned in ["http", "<link", "<script", "@import", "url("] {
        assert!(!html.contains(banned), "the page contains {banned:?}");
    }
    assert!(html.contains("@page { size: A4 portrait"), "{html}");
    assert!(html.starts_with("<!DOCTYPE html>"));
}

#[test]
fn the_wipe_certificate_names_the_record_in_every_format_and_language() {
    let w = World::new();
    let env = &w.env;
    let m = w.destroyed.as_str();
    let (seq, hash) = entry_of(env, m, "medium.wipe");
    let (start, _) = entry_of(env, m, "medium.wipe_start");
    let (destroy, _) = entry_of(env, m, "medium.destroy");
    let (head_seq, head_hash) = head(env);
    let fp = fingerprint(env, CUSTODIAN);

    let v = json(env, &[m, "--kind", "wipe"]);
    assert_eq!(v["kind"], "wipe");
    assert_eq!(v["certifies"], true);
    assert_eq!(v["medium"]["number"], m);
    assert_eq!(v["medium"]["classification"]["confidentiality"], 3);
    assert_eq!(v["medium"]["label"], "設計部 1");
    assert_eq!(v["entry"]["seq"], seq);
    assert_eq!(v["entry"]["hash"], hash.as_str());
    let rec = &v["wipe"]["record"];
    assert_eq!(rec["method"], "zero");
    assert_eq!(rec["sanitization"], "clear");
    assert_eq!(rec["result"], "passed");
    assert!(rec["tool"].as_str().unwrap().starts_with("baitai "));
    assert_eq!(rec["passes"].as_array().unwrap().len(), 1);
    assert_eq!(rec["passes"][0]["pattern"], "zero");
    assert_eq!(rec["device"]["capacity_bytes"], 2 << 20);
    assert_eq!(v["wipe"]["bytes_written"], 2 << 20);
    assert_eq!(v["wipe"]["bytes_verified"], 2 << 20);
    assert_eq!(v["wipe"]["mismatched_sectors"], 0);
    assert_eq!(v["wipe"]["start_entry"], start);
    assert_eq!(v["wipe"]["source"]["id"], HANDLER);
    assert_eq!(v["wipe"]["destination"]["kind"], "destroyed");
    assert_eq!(v["wipe"]["destination"]["seq"], destroy);
    assert_eq!(v["wipe"]["destination"]["method"], "shred");
    let signers = v["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 1);
    assert_eq!(signers[0]["capacity"], "actor");
    assert_eq!(signers[0]["id"], CUSTODIAN);
    assert_eq!(signers[0]["name"], "鈴木 花子");
    assert_eq!(signers[0]["affiliation"], "情報保証室");
    assert_eq!(signers[0]["fingerprint"], fp.as_str());
    assert_eq!(signers[0]["roles"][0], "custodian");
    assert_eq!(signers[0]["signature"], "valid");
    assert_eq!(v["ledger"]["verified"], true);
    assert_eq!(v["ledger"]["entries"], head_seq);
    assert_eq!(v["ledger"]["head"], head_hash.as_str());
    assert_eq!(v["lang"], "ja");
    assert_eq!(v["title"], "消去証明書");
    let en = json(env, &[m, "--kind", "wipe", "--lang", "en"]);
    assert_eq!(en["title"], "Certificate of Sanitization");
    assert_eq!(en["entry"], v["entry"]);

    let seq_s = format!("#{seq}");
    let head_s = format!("#{head_seq} {head_hash}");
    let common = [
        m,
        "2,097,152",
        "鈴木 花子",
        fp.as_str(),
        hash.as_str(),
        seq_s.as_str(),
        head_s.as_str(),
        "baitai ",
        "山田 太郎",
    ];
    let ja = printed(env, &[m, "--kind", "wipe"]);
    contains_all(&ja, &common);
    contains_all(
        &ja,
        &[
            "消去証明書",
            "NIST SP 800-88 Rev.1",
            "クリア（NIST SP 800-88 Clear）",
            "パージ（Purge）ではない",
            // Japanese only on a Japanese page (issue 18): no English glosses.
            "上書き: ゼロ上書き、1 パス",
            "全数: 全バイトを装置から読み戻して比較 — ページキャッシュを通さない直接読出し",
            "結果",
            "不一致セクタ",
            "情報保証室 / 管理者",
            "電子署名あり・有効",
            "機密性3 完全性1 可用性1",
            "破棄: #",
            "細断",
            "台帳の検証",
            "署名・印",
        ],
    );
    assert!(ja.contains("✔ 検証合格"), "{ja}");
    aligned(&ja);
    let en = printed(env, &[m, "--kind", "wipe", "--lang", "en"]);
    contains_all(&en, &common);
    contains_all(
        &en,
        &[
            "Certificate of Sanitization",
            "Appendix G",
            "Method type",
            "Clear",
            "not Purge",
            "Overwrite: zero, 1 pass(es)",
            "Verification method",
            "Full: every byte read back",
            "Bytes verified",
            "Mismatched sectors",
            "passed",
            "Person performing sanitization",
            "情報保証室 / custodian",
            "digital signature present and valid",
            "destroyed: #",
            "shredding",
            "chain, rules and signatures of",
            "Signature / seal",
        ],
    );
    assert!(en.contains("✔ PASSED"), "{en}");
    aligned(&en);

    for lang in ["ja", "en"] {
        let html = printed(
            env,
            &[m, "--kind", "wipe", "--format", "html", "--lang", lang],
        );
        self_contained(&html);
        contains_all(&html, &common);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains("<div class=\"verdict\">"), "{html}");
    }
}

#[test]
fn the_destruction_certificate_names_executor_witness_and_the_wipe_it_relied_on() {
    let w = World::new();
    let env = &w.env;
    let m = w.destroyed.as_str();
    let (seq, hash) = entry_of(env, m, "medium.destroy");
    let (wipe_seq, wipe_hash) = entry_of(env, m, "medium.wipe");
    let (head_seq, head_hash) = head(env);
    let (fp_exec, fp_wit) = (fingerprint(env, CUSTODIAN), fingerprint(env, WITNESS));

    // A destroyed medium gets its destruction certificate by default.
    let v = json(env, &[m]);
    assert_eq!(v["kind"], "destruction");
    assert_eq!(
        without_printed(v.clone()),
        without_printed(json(env, &[m, "--kind", "destruction"]))
    );
    assert_eq!(v["certifies"], true);
    assert_eq!(v["entry"]["seq"], seq);
    assert_eq!(v["entry"]["hash"], hash.as_str());
    assert_eq!(v["entry"]["kind"], "medium.destroy");
    let d = &v["destruction"];
    assert_eq!(d["method"], "shred");
    assert_eq!(d["clean_before"], "verified-clean");
    assert_eq!(d["basis"]["kind"], "wipe");
    assert_eq!(d["basis"]["entry"]["seq"], wipe_seq);
    assert_eq!(d["basis"]["entry"]["hash"], wipe_hash.as_str());
    assert_eq!(d["basis"]["method"], "zero");
    assert_eq!(d["basis"]["bytes_verified"], 2 << 20);
    assert_eq!(d["unverifiable"], Value::Null);
    let s = v["signers"].as_array().unwrap();
    assert_eq!(s.len(), 2, "executor and witness: {s:?}");
    assert_eq!(s[0]["capacity"], "actor");
    assert_eq!(s[0]["id"], CUSTODIAN);
    assert_eq!(s[0]["name"], "鈴木 花子");
    assert_eq!(s[0]["affiliation"], "情報保証室");
    assert_eq!(s[0]["fingerprint"], fp_exec.as_str());
    assert_eq!(s[0]["signature"], "valid");
    assert_eq!(s[1]["capacity"], "witness");
    assert_eq!(s[1]["id"], WITNESS);
    assert_eq!(s[1]["name"], "田中 次郎");
    assert_eq!(s[1]["affiliation"], "監査室");
    assert_eq!(s[1]["fingerprint"], fp_wit.as_str());
    assert_eq!(s[1]["signature"], "valid");
    assert_eq!(v["ledger"]["verified"], true);
    assert_eq!(v["ledger"]["head"], head_hash.as_str());
    assert_eq!(
        json(env, &[m, "--lang", "en"])["title"],
        "Certificate of Destruction"
    );

    let wipe_s = format!("#{wipe_seq}");
    let seq_s = format!("#{seq}");
    let head_s = format!("#{head_seq} {head_hash}");
    let common = [
        m,
        "鈴木 花子",
        "情報保証室",
        "田中 次郎",
        "監査室",
        fp_exec.as_str(),
        fp_wit.as_str(),
        hash.as_str(),
        wipe_hash.as_str(),
        wipe_s.as_str(),
        seq_s.as_str(),
        head_s.as_str(),
    ];
    let ja = printed(env, &[m]);
    contains_all(&ja, &common);
    contains_all(
        &ja,
        &[
            "破棄証明書",
            "細断",
            "Destroy",
            "破棄実施者",
            "破棄立会者",
            "はい: 消去記録",
            "消去確認済",
            "電子署名あり・有効",
            "立会者 田中 次郎",
        ],
    );
    assert_eq!(ja.matches("電子署名あり・有効").count(), 2, "{ja}");
    aligned(&ja);
    let en = printed(env, &[m, "--lang", "en"]);
    contains_all(&en, &common);
    contains_all(
        &en,
        &[
            "Certificate of Destruction",
            "shredding",
            "Executed by",
            "Witnessed by",
            "Yes: wipe record",
            "verified-clean",
            "witnessed by 田中 次郎",
        ],
    );
    assert_eq!(en.matches("digital signature present and valid").count(), 2);
    aligned(&en);
    for lang in ["ja", "en"] {
        let html = printed(env, &[m, "--format", "html", "--lang", lang]);
        self_contained(&html);
        contains_all(&html, &common);
    }
}

/// Two printouts made a moment apart differ only in when they were printed.
fn without_printed(mut v: Value) -> Value {
    v["printed"] = Value::Null;
    v
}

#[test]
fn the_kind_and_entry_choose_the_record_and_wrong_ones_exit_2() {
    let w = World::new();
    let env = &w.env;
    let m = w.destroyed.as_str();
    let (wipe_seq, _) = entry_of(env, m, "medium.wipe");
    let (destroy_seq, _) = entry_of(env, m, "medium.destroy");
    let (checkout_seq, _) = entry_of(env, m, "medium.checkout");
    let (other_seq, _) = entry_of(env, &w.on_loan, "medium.loan");

    // --entry alone takes the kind of the entry it names.
    let v = json(env, &[m, "--entry", &wipe_seq.to_string()]);
    assert_eq!(
        (v["kind"].as_str(), v["entry"]["seq"].as_u64()),
        (Some("wipe"), Some(wipe_seq))
    );
    let v = json(
        env,
        &[
            m,
            "--kind",
            "destruction",
            "--entry",
            &destroy_seq.to_string(),
        ],
    );
    assert_eq!(v["entry"]["seq"], destroy_seq);
    // The latest record of the kind without --entry.
    assert_eq!(json(env, &[m, "--kind", "wipe"])["entry"]["seq"], wipe_seq);

    let csv = env.path("cert.csv");
    let refused: Vec<(Vec<String>, String)> = vec![
        (
            args_of(&[m, "--kind", "wipe", "--entry", &destroy_seq.to_string()]),
            "is a medium.destroy, not a medium.wipe record".into(),
        ),
        (
            args_of(&[m, "--kind", "destruction", "--entry", &wipe_seq.to_string()]),
            "is a medium.wipe, not a medium.destroy record".into(),
        ),
        (
            args_of(&[m, "--entry", &checkout_seq.to_string()]),
            "is a medium.checkout".into(),
        ),
        (
            args_of(&[m, "--entry", &other_seq.to_string()]),
            format!("is not an entry of {m}"),
        ),
        (
            args_of(&[m, "--entry", "99999"]),
            "is not an entry of".into(),
        ),
        (
            args_of(&[&w.on_loan]),
            format!("{} has no wipe record", w.on_loan),
        ),
        (
            args_of(&[&w.on_loan, "--kind", "destruction"]),
            "has no destruction record".into(),
        ),
        (
            args_of(&[m, "--format", "csv", "-o", csv.to_str().unwrap()]),
            "possible values: text, html, json".into(),
        ),
        (args_of(&["USB-1999-0001"]), "no medium".into()),
        (args_of(&[m, "--kind", "shred"]), "shred".into()),
        (args_of(&[m, "--entry", "x"]), "x".into()),
    ];
    for (args, says) in &refused {
        let mut all = vec!["report", "certificate"];
        all.extend(args.iter().map(String::as_str));
        let (code, err) = env.fail(&all);
        assert_eq!(code, 2, "{all:?}: {err}");
        assert!(err.contains(says), "{all:?} should say {says:?}: {err}");
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with("baitai: error:"))
                .count(),
            1,
            "{err}"
        );
        assert!(
            err.lines().count() <= 2,
            "one error line and a hint at most: {err}"
        );
    }
}

fn args_of(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Wipe an image through the library, as `tests/it/wipe.rs` does, planting a wrong byte after
/// the overwrite (`plant`) or stopping before the first chunk (`stop`).
fn library_wipe(env: &Env, m: &str, img: &str, plant: Option<u64>, stop: bool) {
    use baitai::app::{WipeRequest, WipeTarget};
    use baitai::device::io::{AlignedBuf, Medium, ALIGN};
    use baitai::model::WipeMethod;
    use baitai::wipe::{Control, Phase};

    let mut s = env.session();
    let req = WipeRequest {
        target: WipeTarget::Image(img.into()),
        method: WipeMethod::Zero,
        allow_fixed: false,
    };
    let plan = s.wipe_plan(m, CUSTODIAN, &req).unwrap();
    let mut secrets =
        baitai::cli::CliSecrets::new(Some(env.pass(CUSTODIAN)), None, None, None).unwrap();
    let signed = s.wipe_authenticate(&plan, &mut secrets).unwrap();
    let halt = AtomicBool::new(stop);
    let mut progress = |_: Phase, _: u64| {};
    let mut flip = move |dev: &mut dyn Medium| {
        let Some(at) = plant else { return };
        let block = at / ALIGN as u64 * ALIGN as u64;
        let mut buf = AlignedBuf::new(ALIGN);
        dev.read_at(block, buf.as_mut_slice()).unwrap();
        buf.as_mut_slice()[(at - block) as usize] ^= 0x80;
        dev.write_at(block, buf.as_slice()).unwrap();
        dev.flush().unwrap();
    };
    let mut ctl = Control {
        stop: &halt,
        progress: &mut progress,
        after_write: Some(&mut flip),
    };
    s.wipe(&plan, &signed, &mut ctl).unwrap();
}

fn image_medium(env: &Env, name: &str) -> (String, String) {
    let p = env.path(name);
    std::fs::write(&p, vec![0x5a; 1 << 20]).unwrap();
    let img = p.to_str().unwrap().to_string();
    let v = env.ok_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    (v["medium"].as_str().unwrap().to_string(), img)
}

#[test]
fn a_failed_or_incomplete_wipe_prints_a_record_of_it_not_a_certificate() {
    let env = Env::new();
    const AT: u64 = 777_777;
    let (failed, img) = image_medium(&env, "failed.img");
    library_wipe(&env, &failed, &img, Some(AT), false);
    assert_eq!(env.state(&failed).1, "wipe-failed");

    let v = json(&env, &[&failed]);
    assert_eq!(v["kind"], "wipe");
    assert_eq!(v["certifies"], false);
    assert_eq!(v["wipe"]["record"]["result"], "failed");
    assert_eq!(v["wipe"]["mismatched_sectors"], 1);
    assert_eq!(
        v["wipe"]["record"]["passes"][0]["mismatches"][0]["offset"],
        AT
    );
    assert_eq!(v["ledger"]["verified"], true);
    assert_eq!(v["wipe"]["destination"]["kind"], "pending");
    assert!(v["title"].as_str().unwrap().contains("消去不合格"));
    let ja = printed(&env, &[&failed]);
    contains_all(
        &ja,
        &[
            "消去不合格記録（消去証明書ではない）",
            "!! 消去不合格",
            "この記録は消去を証明しない",
            "777,777",
            "不合格",
        ],
    );
    assert!(!ja.contains('✔') && !ja.contains("消去証明書\n"), "{ja}");
    let en = printed(&env, &[&failed, "--lang", "en"]);
    contains_all(
        &en,
        &[
            "Record of FAILED Sanitization (not a certificate)",
            "!! FAILED",
            "does NOT certify",
            "777,777",
        ],
    );
    assert!(
        !en.contains("Certificate of Sanitization") && !en.contains("PASSED"),
        "{en}"
    );
    for lang in ["ja", "en"] {
        let html = printed(&env, &[&failed, "--format", "html", "--lang", lang]);
        self_contained(&html);
        contains_all(
            &html,
            &[
                "<div class=\"verdict bad\">",
                "<h1 class=\"bad\">",
                "777,777",
            ],
        );
    }

    let (stopped, img) = image_medium(&env, "stopped.img");
    library_wipe(&env, &stopped, &img, None, true);
    assert_eq!(env.state(&stopped).1, "wipe-incomplete");
    let v = json(&env, &[&stopped, "--lang", "en"]);
    assert_eq!(v["certifies"], false);
    assert_eq!(v["wipe"]["record"]["result"], "incomplete");
    assert_eq!(
        v["title"],
        "Record of INCOMPLETE Sanitization (not a certificate)"
    );
    let en = printed(&env, &[&stopped, "--lang", "en"]);
    contains_all(&en, &["!! INCOMPLETE", "interrupted", "does NOT certify"]);
    let ja = printed(&env, &[&stopped]);
    contains_all(&ja, &["消去未完了記録", "!! 消去未完了"]);

    // Destroyed as unverifiable: the destruction certificate says the data was not checked.
    let mut destroy = vec![
        "destroy",
        &failed,
        "--method",
        "crush",
        "--unverifiable",
        "消去検証不合格",
    ];
    let wit = env.witness(WITNESS);
    destroy.extend(wit.iter().map(String::as_str));
    env.ok_as(&destroy, CUSTODIAN);
    let v = json(&env, &[&failed]);
    assert_eq!(v["kind"], "destruction");
    assert_eq!(v["destruction"]["basis"], Value::Null);
    assert_eq!(v["destruction"]["clean_before"], "wipe-failed");
    assert_eq!(v["destruction"]["unverifiable"], "消去検証不合格");
    let ja = printed(&env, &[&failed]);
    contains_all(
        &ja,
        &[
            "いいえ",
            "!! 破棄の前にデータの消去は確認されていない",
            "消去検証不合格",
            "消去失敗",
        ],
    );
    let en = printed(&env, &[&failed, "--lang", "en"]);
    contains_all(&en, &["NOT verified unrestorable", "No: no record shows"]);
}

#[test]
fn a_certificate_from_a_tampered_ledger_is_marked_and_exits_5() {
    let w = World::new();
    let env = &w.env;
    let (seq, _) = entry_of(env, &w.returned, "medium.checkout");
    env.sql(&format!(
        "DROP TRIGGER IF EXISTS entries_append_only_u; \
         UPDATE entries SET payload = replace(payload, '受渡し', '改ざん') WHERE seq = {seq};"
    ));
    let (code, doc) = print(env, &[&w.destroyed, "--lang", "en"]);
    assert_eq!(code, 5, "{doc}");
    contains_all(
        &doc,
        &[
            &format!("!! LEDGER VERIFICATION FAILED at entry {seq}"),
            "do not rely on this certificate",
        ],
    );
    // With --json the certificate is the only document on stdout.
    let out = env.run(&["report", "certificate", &w.destroyed]);
    assert_eq!(out.status.code(), Some(5));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["certifies"], false);
    assert_eq!(v["ledger"]["verified"], false);
    assert_eq!(v["ledger"]["failure"]["seq"], seq);
    // Written to a file, it is still written whole, and the command still fails.
    let file = env.path("cert.html");
    let (code, _) = print(
        env,
        &[
            &w.destroyed,
            "--format",
            "html",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 5);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("verdict bad"), "{html}");
}

/// A browser on this machine, to print the page as a PDF; the check is skipped without one
/// (outside CI: `.ci/run` installs Chromium through scripts/install-render-deps).
fn browser() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

/// Pages in a PDF as Chromium writes it: one `/Type /Page` object per page.
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn each_html_certificate_prints_on_one_a4_page() {
    let Some(browser) = browser() else {
        skip_outside_ci("no Chromium to print the certificates with (scripts/install-render-deps)");
        return;
    };
    let w = World::new();
    let env = &w.env;
    for (kind, lang) in [
        ("wipe", "ja"),
        ("wipe", "en"),
        ("destruction", "ja"),
        ("destruction", "en"),
    ] {
        let html = env.path(&format!("{kind}-{lang}.html"));
        let pdf = env.path(&format!("{kind}-{lang}.pdf"));
        let out = html.to_str().unwrap();
        printed(
            env,
            &[
                &w.destroyed,
                "--kind",
                kind,
                "--lang",
                lang,
                "--format",
                "html",
                "-o",
                out,
            ],
        );
        let run = std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .args(["--disable-background-networking", "--no-pdf-header-footer"])
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(&html)
            .env("HOME", env.dir.path())
            .output()
            .unwrap();
        // Chromium is installed, so a missing PDF is a failure, not a reason to skip.
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| {
            panic!(
                "{browser} printed no PDF ({e}): {}",
                String::from_utf8_lossy(&run.stderr)
            )
        });
        assert_eq!(
            pages(&bytes),
            1,
            "the {kind} certificate in {lang} takes more than one page"
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/MediaBox [0 0 594.9"),
            "the {kind} certificate in {lang} is not on A4 portrait"
        );
    }
}

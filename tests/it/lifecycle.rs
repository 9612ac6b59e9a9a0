//! End-to-end: the rows of 別紙様式第2 through the real binary, printouts, people, demo.

use std::os::unix::fs::PermissionsExt;

use crate::common::server::ServerDb;
use crate::common::*;

const EVERY_COLUMN_JA: [&str; 18] = [
    "可搬記憶媒体管理簿",
    "媒体番号",
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
    "破棄（交付）日時",
    "破棄（交付）実施者",
    "破棄立会者",
    "所属",
    "名前",
];

const EVERY_COLUMN_EN: [&str; 14] = [
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
    "Destroyed (transferred) at",
    "Executed by",
    "Witnessed by",
];

fn image(env: &Env, name: &str, bytes: usize) -> String {
    let p = env.path(name);
    std::fs::write(&p, vec![0u8; bytes]).unwrap();
    p.to_str().unwrap().to_string()
}

fn tomorrow() -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(30);
    t.to_zoned(jiff::tz::TimeZone::get("Asia/Tokyo").unwrap())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn return_image(env: &Env, m: &str, img: &str) -> serde_json::Value {
    env.ok_as(&["return", m, "--image", img], CUSTODIAN)
}

/// One medium through use, carry-out with a copy, loan, and destruction, each return checked
/// by reading the whole image, on the ledger of `env`; returns (env, medium).
fn medium_with_every_row(env: Env) -> (Env, String) {
    let img = image(&env, "m1.img", 1 << 20);
    let v = env.ok_as(
        &[
            "medium",
            "register",
            "--image",
            &img,
            "--class",
            "C3",
            "--integrity",
            "I2",
            "--availability",
            "A2",
            "--restriction",
            "社外秘",
            "--label",
            "設計用",
        ],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &m, "--purpose", "図面作成"], HANDLER);
    assert_eq!(return_image(&env, &m, &img)["data"], "verified-clean");

    let until = tomorrow();
    let ap = env.approver(CUSTODIAN);
    env.ok_as(
        &args(
            &[
                "carry-out",
                &m,
                "--until",
                &until,
                "--destination",
                "装備庁 会議室",
                "--purpose",
                "設計審査",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(
        &args(
            &[
                "copy",
                &m,
                "--data",
                "審査資料PDF",
                "--to",
                "装備庁 審査担当",
                "--purpose",
                "記録提出",
            ],
            &ap,
        ),
        HANDLER,
    );
    assert_eq!(env.state(&m).0, "carried-out");
    return_image(&env, &m, &img);

    env.ok_as(
        &args(
            &[
                "loan",
                &m,
                "--to",
                "協力会社B",
                "--until",
                &until,
                "--destination",
                "協力会社B 本社",
                "--purpose",
                "品質レビュー",
            ],
            &ap,
        ),
        HANDLER,
    );
    assert_eq!(env.state(&m).0, "on-loan");
    return_image(&env, &m, &img);

    let w = env.witness(WITNESS);
    env.ok_as(&args(&["destroy", &m, "--method", "shred"], &w), CUSTODIAN);
    assert_eq!(env.state(&m).0, "destroyed");
    (env, m)
}

on_file_and_server!(
    transfer_fills_the_transfer_columns_and_closes_the_medium,
    a_different_image_is_refused_as_a_device_problem,
    a_hard_link_to_a_registered_image_is_the_same_medium,
    medium_show_escapes_control_characters_in_device_strings,
    lost_medium_and_overdue_report,
    people_passwd_revoke_and_history,
    a_device_read_cannot_clear_a_medium_registered_without_identity,
    transfer_while_carried_out_keeps_the_carry_out_row,
    a_found_medium_keeps_its_loss_on_the_form,
    free_text_cannot_forge_a_row_on_the_form,
);

#[test]
fn every_row_of_the_form_in_all_four_formats() {
    every_row_of_the_form(Env::new());
}

/// The whole lifecycle, and its form, on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn every_row_of_the_form_from_a_ledger_on_a_server() {
    let Some((env, _db)) = Env::built_on_server("every_row") else {
        return;
    };
    every_row_of_the_form(env);
}

fn every_row_of_the_form(env: Env) {
    let (env, m) = medium_with_every_row(env);
    let print = |fmt: &str, lang: &str| {
        let out = env
            .cmd()
            .args(["ledger", "print", &m, "--format", fmt, "--lang", lang])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    for fmt in ["text", "csv", "html"] {
        let doc = print(fmt, "ja");
        for col in EVERY_COLUMN_JA {
            if fmt == "csv" && col == "可搬記憶媒体管理簿" {
                continue; // a CSV has column headings, not a title
            }
            assert!(doc.contains(col), "{fmt} (ja) lacks {col}");
        }
        for value in [
            &m,
            "図面作成",
            "持出し",
            "貸出し",
            "装備庁 会議室",
            "協力会社B",
            "審査資料PDF",
            "装備庁 審査担当",
            "記録提出",
            "細断",
            "田中 次郎",
            "監査室",
            "鈴木 花子",
            "情報保証室",
            "山田 太郎",
        ] {
            assert!(doc.contains(value), "{fmt} (ja) lacks {value}");
        }
        let en = print(fmt, "en");
        for col in EVERY_COLUMN_EN {
            assert!(en.contains(col), "{fmt} (en) lacks {col}");
        }
    }
    let csv = print("csv", "ja");
    assert!(
        csv.starts_with('\u{feff}'),
        "CSV starts with a BOM for Excel"
    );
    assert!(csv.contains("\r\n"));
    let html = print("html", "ja");
    assert!(html.contains("size: A4 landscape"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );

    let json: serde_json::Value = serde_json::from_str(&print("json", "ja")).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "use, carry-out (with copy), loan");
    assert_eq!(rows[0]["use_purpose"], "図面作成");
    assert_eq!(rows[1]["out_kind"], "carry-out");
    assert_eq!(rows[1]["copy_data"], "審査資料PDF");
    assert_eq!(rows[1]["out_approver"]["id"], CUSTODIAN);
    assert_eq!(rows[2]["out_kind"], "loan");
    assert!(rows.iter().all(|r| r["returned"].is_string()));
    assert_eq!(json["disposal"]["kind"], "destroy");
    assert_eq!(json["disposal"]["witness"]["name"], "田中 次郎");
    assert_eq!(json["disposal"]["executor"]["affiliation"], "情報保証室");
    let fp = json["disposal"]["witness"]["fingerprint"].as_str().unwrap();
    assert_eq!(
        fp.len(),
        19,
        "short key fingerprint beside the signer's name"
    );

    let out = env.path("form.html");
    let v = env.ok(&[
        "ledger",
        "print",
        &m,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(v["written"], out.to_str().unwrap());
    assert!(std::fs::read_to_string(&out).unwrap().contains("<table"));
    assert_eq!(env.verify_code().0, 0);
}

fn transfer_fills_the_transfer_columns_and_closes_the_medium(env: Env) {
    let m = env.register();
    let ap = env.approver(CUSTODIAN);
    env.ok_as(
        &args(
            &["transfer", &m, "--to", "名古屋事業所", "--purpose", "移管"],
            &ap,
        ),
        HANDLER,
    );
    let v = env.ok(&["ledger", "print", &m, "--format", "json"]);
    assert_eq!(v["rows"][0]["out_kind"], "transfer");
    assert_eq!(v["rows"][0]["out_destination"], "名古屋事業所");
    assert_eq!(v["disposal"]["kind"], "transfer");
    assert_eq!(v["disposal"]["recipient"], "名古屋事業所");
    assert_eq!(env.state(&m).0, "transferred");
    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("closed"));
}

#[test]
fn return_with_data_closes_the_reuse_gate() {
    reuse_gate_closes_on_data(&Env::new());
}

/// The reuse gate holds on a server ledger too: the rule is the same code on either store.
#[test]
fn return_with_data_closes_the_reuse_gate_on_a_server() {
    let Some((env, _db)) = Env::built_on_server("reuse_gate") else {
        return;
    };
    reuse_gate_closes_on_data(&env);
}

fn reuse_gate_closes_on_data(env: &Env) {
    let img = image(env, "m.img", 256 << 10);
    let v = env.ok_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &m, "--purpose", "作業"], HANDLER);
    let mut bytes = std::fs::read(&img).unwrap();
    bytes[100_000] = 0x42;
    std::fs::write(&img, &bytes).unwrap();
    let v = return_image(env, &m, &img);
    assert_eq!(v["data"], "data-present");
    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "again"], HANDLER);
    assert_eq!(code, 3);
    assert!(err.contains("reuse-gate"), "{err}");
    let print = env.ok(&["ledger", "print", &m, "--format", "json", "--lang", "en"]);
    let check = print["rows"][0]["return_check"].as_str().unwrap();
    assert!(check.contains("first at byte 99840"), "{check}");
}

fn a_different_image_is_refused_as_a_device_problem(env: Env) {
    let img = image(&env, "a.img", 64 << 10);
    let other = image(&env, "b.img", 64 << 10);
    let v = env.ok_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &m, "--purpose", "作業"], HANDLER);
    let (code, err) = env.fail_as(&["return", &m, "--image", &other], CUSTODIAN);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("not"), "{err}");
    assert_eq!(env.state(&m).0, "in-use", "nothing recorded");
    let (code, _) = env.fail_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    assert_eq!(code, 3, "the same image cannot be registered twice");
}

fn a_hard_link_to_a_registered_image_is_the_same_medium(env: Env) {
    let img = image(&env, "a.img", 64 << 10);
    let v = env.ok_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    let link = env.path("elsewhere.img");
    std::fs::hard_link(&img, &link).unwrap();
    let (code, err) = env.fail_as(
        &[
            "medium",
            "register",
            "--image",
            link.to_str().unwrap(),
            "--class",
            "C2",
        ],
        CUSTODIAN,
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("refused (already-registered)") && err.contains(&m),
        "{err}"
    );
}

/// A device's own strings are shown with control characters escaped: an image's path is the
/// easiest to choose, and a loop device reports its backing file the same way.
fn medium_show_escapes_control_characters_in_device_strings(env: Env) {
    let name = "stick\u{1b}]0;owned\u{7}\nState: in-storage.img";
    let img = image(&env, name, 64 << 10);
    let v = env.ok_as(
        &["medium", "register", "--image", &img, "--class", "C2"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    let out = env.cmd().args(["medium", "show", &m]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(['\u{1b}', '\u{7}']), "{text:?}");
    assert!(
        text.contains("stick\\u{1b}]0;owned\\u{7}\\u{a}State: in-storage.img"),
        "{text}"
    );
    assert_eq!(text.matches("\nState:").count(), 1, "{text}");
    let v = env.ok(&["medium", "show", &m]);
    assert!(v["form"]["device"].as_str().unwrap().contains(name), "{v}");
}

fn lost_medium_and_overdue_report(env: Env) {
    let m1 = env.register();
    let m2 = env.register();
    let m3 = env.register();
    assert!(m1.ends_with("-0001") && m2.ends_with("-0002") && m3.ends_with("-0003"));
    env.ok_as(&["checkout", &m1, "--purpose", "作業"], HANDLER);
    let ap = env.approver(CUSTODIAN);
    env.ok_as(
        &args(
            &[
                "loan",
                &m2,
                "--to",
                "協力会社",
                "--until",
                &tomorrow(),
                "--destination",
                "本社",
                "--purpose",
                "確認",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(
        &["lost", &m3, "--circumstances", "電車内に置き忘れ"],
        HANDLER2,
    );
    assert_eq!(env.state(&m3).0, "lost");
    let (code, _) = env.fail_as(&["checkout", &m3, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3);

    let now = env.ok(&["report", "overdue", "--at", "2000-01-01"]);
    assert_eq!(
        now.as_array().unwrap().len(),
        0,
        "nothing is overdue before it started"
    );
    let in3 = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(72)).to_string();
    let later = env.ok(&["report", "overdue", "--at", &in3]);
    let later = later.as_array().unwrap();
    let media: Vec<&str> = later
        .iter()
        .map(|l| l["medium"].as_str().unwrap())
        .collect();
    assert!(
        media.contains(&m1.as_str()) && media.contains(&m2.as_str()),
        "{later:?}"
    );
    assert_eq!(
        later.len(),
        2,
        "the lost medium is an incident, not overdue"
    );
    let text = env
        .cmd()
        .args(["report", "overdue", "--at", &in3, "--lang", "ja"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("山田 太郎") && text.contains("返却期限"),
        "{text}"
    );

    let inv = env.ok(&["report", "inventory"]);
    assert_eq!(inv.as_array().unwrap().len(), 3);
    let list = env.ok(&["medium", "list", "--state", "lost"]);
    assert_eq!(list["media"].as_array().unwrap().len(), 1);
    for fmt in ["csv", "html", "text"] {
        let out = env
            .cmd()
            .args(["report", "inventory", "--format", fmt])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8(out.stdout).unwrap().contains(&m1));
    }
}

fn people_passwd_revoke_and_history(env: Env) {
    let list = env.ok(&["person", "list"]);
    assert_eq!(list["people"].as_array().unwrap().len(), 6);
    let show = env.ok(&["person", "show", "山田 太郎"]);
    assert_eq!(show["person"]["id"], HANDLER);
    assert_eq!(show["person"]["affiliation"], "設計部 第一設計課");

    // Change a passphrase: the old one stops working, the new one works.
    let new = env.path("new-pass");
    std::fs::write(&new, "Brand-New-Pass-9\n").unwrap();
    env.ok_as(
        &[
            "person",
            "passwd",
            HANDLER,
            "--new-passphrase-file",
            new.to_str().unwrap(),
            "--approver",
            ADMIN,
            "--approver-passphrase-file",
            env.pass(ADMIN).to_str().unwrap(),
        ],
        HANDLER,
    );
    let m = env.register();
    let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 4);
    std::fs::copy(&new, env.pass(HANDLER)).unwrap();
    env.ok_as(&["checkout", &m, "--purpose", "x"], HANDLER);

    // Revoke: cannot act any more, history stays, the ID is never reused.
    env.ok_as(&["person", "revoke", HANDLER], ADMIN);
    let (code, err) = env.fail_as(&["return", &m, "--path", "."], HANDLER);
    assert_eq!(code, 4, "{err}");
    let show = env.ok(&["person", "show", HANDLER]);
    assert!(show["person"]["revoked"].is_string());
    let form = env.ok(&["ledger", "print", &m, "--format", "json"]);
    assert_eq!(form["rows"][0]["user"]["name"], "山田 太郎");
    let pass = env.pass("P0007");
    let v = env.ok_as(
        &[
            "person",
            "add",
            "山田 次郎",
            "--affiliation",
            "設計部",
            "--role",
            "handler",
            "--new-passphrase-file",
            pass.to_str().unwrap(),
        ],
        ADMIN,
    );
    assert_eq!(v["person"], "P0007");
    assert_eq!(env.verify_code().0, 0);
}

#[test]
fn init_makes_a_private_file_and_refuses_twice() {
    let env = Env::new();
    let mode = std::fs::metadata(&env.ledger).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    a_second_init_is_refused(&env);
}

/// A server ledger is as private as its roles make it (sql/postgres-init.sql), not a file mode;
/// a second `init` is refused there the same way.
#[test]
fn init_refuses_a_server_that_holds_a_ledger() {
    let Some((env, _db)) = Env::built_on_server("second_init") else {
        return;
    };
    a_second_init_is_refused(&env);
}

fn a_second_init_is_refused(env: &Env) {
    let p = env.pass(ADMIN);
    let (code, err) = env.fail(&[
        "init",
        "--org",
        "x",
        "--admin",
        "y",
        "--affiliation",
        "z",
        "--passphrase-file",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
}

#[test]
fn a_missing_ledger_is_a_clear_usage_error() {
    let env = Env::empty();
    let (code, err) = env.fail(&["medium", "list"]);
    assert_eq!(code, 2);
    assert!(err.contains("baitai init"), "{err}");
}

/// On a server a ledger is missing in two ways: a database the init SQL never ran in, and one
/// made a ledger server where nobody ran `baitai init` yet.
#[test]
fn a_missing_ledger_on_a_server_is_a_clear_usage_error() {
    let Some(bare) = ServerDb::bare("missing_schema") else {
        return;
    };
    let (code, err) = Env::site_of(&bare.url).fail(&["medium", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("postgres-init.sql"), "{err}");
    let Some(db) = ServerDb::new("missing_init") else {
        return;
    };
    let (code, err) = Env::site_of(&db.url).fail(&["medium", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("baitai init"), "{err}");
}

/// A file only: what it checks is that no ledger file appears where the user's would be.
#[test]
fn demo_runs_and_leaves_the_real_ledger_alone() {
    let env = Env::empty();
    let out = env.cmd().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("可搬記憶媒体管理簿"));
    assert!(text.contains("REFUSED"));
    assert!(text.contains("ledger verify: OK"), "{text}");
    assert!(
        !env.ledger.exists(),
        "demo must not create the user's ledger"
    );
    let kept = env.path("demo-kept");
    let out = env
        .cmd()
        .args(["demo", "--keep", kept.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(kept.join("ledger.db").exists());
    // Every kind of printout, as HTML, named in what the demo prints (issue 18, item 8).
    let said = String::from_utf8(out.stdout).unwrap();
    for file in [
        "USB-2026-0001.html",
        "labels-large.html",
        "labels-small.html",
        "certificate-destruction-USB-2026-0005.html",
        "certificate-wipe-USB-2026-0006.html",
        "incident-USB-2026-0007.html",
        "audit.html",
        "stocktake.html",
        "inventory.html",
    ] {
        let path = kept.join(file);
        let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(page.starts_with("<!DOCTYPE html>"), "{file}");
        assert!(
            said.contains(path.to_str().unwrap()),
            "{file} not named in:\n{said}"
        );
    }
    // The stock-take and a label show on the terminal too, with or without --keep.
    for want in ["在庫確認", "紛失として記録済", "可搬記憶媒体 媒体番号"] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

fn a_device_read_cannot_clear_a_medium_registered_without_identity(env: Env) {
    let m = env.register();
    let img = image(&env, "blank.img", 64 << 10);
    env.ok_as(&["checkout", &m, "--purpose", "作業"], HANDLER);
    let (code, err) = env.fail_as(&["return", &m, "--image", &img], CUSTODIAN);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("registered without"), "{err}");
    assert_eq!(env.state(&m).0, "in-use", "nothing recorded");
}

fn transfer_while_carried_out_keeps_the_carry_out_row(env: Env) {
    let m = env.register();
    let ap = env.approver(CUSTODIAN);
    env.ok_as(
        &args(
            &[
                "carry-out",
                &m,
                "--until",
                &tomorrow(),
                "--destination",
                "装備庁",
                "--purpose",
                "審査",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(
        &args(
            &["transfer", &m, "--to", "装備庁 担当課", "--purpose", "納入"],
            &ap,
        ),
        HANDLER,
    );
    let v = env.ok(&["ledger", "print", &m, "--format", "json"]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["out_kind"], "carry-out");
    assert_eq!(rows[0]["out_destination"], "装備庁");
    assert_eq!(rows[1]["out_kind"], "transfer");
    assert_eq!(rows[1]["out_destination"], "装備庁 担当課");
}

fn a_found_medium_keeps_its_loss_on_the_form(env: Env) {
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "作業"], HANDLER);
    env.ok_as(&["lost", &m, "--circumstances", "紛失"], HANDLER);
    env.ok_as(&["return", &m], CUSTODIAN);
    let v = env.ok(&["ledger", "print", &m, "--format", "json", "--lang", "en"]);
    let check = v["rows"][0]["return_check"].as_str().unwrap();
    assert!(
        check.starts_with("lost ") && check.contains("no data check"),
        "{check}"
    );
    assert_eq!(env.state(&m), ("in-storage".into(), "unverified".into()));
}

/// A file only: on a server, a database the init SQL never ran in is refused before anything
/// is read (`a_missing_ledger_on_a_server_is_a_clear_usage_error`).
#[test]
fn a_file_that_is_not_a_ledger_is_refused_untouched() {
    let env = Env::empty();
    let other = env.path("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap();
    }
    let text = env.path("notes.txt");
    std::fs::write(&text, "just text\n").unwrap();
    for p in [&other, &text, &env.dir.path().to_path_buf()] {
        let out = env
            .cmd()
            .args(["--ledger", p.to_str().unwrap(), "medium", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{p:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a baitai ledger"), "{err}");
    }
    let c = rusqlite::Connection::open(&other).unwrap();
    let tables: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type='table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        tables, 1,
        "no baitai tables were added to someone else's database"
    );
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "just text\n");
}

fn free_text_cannot_forge_a_row_on_the_form(env: Env) {
    let m = env.register();
    let (code, err) = env.fail_as(
        &[
            "checkout",
            &m,
            "--purpose",
            "作業\n[番号 2]\n    使用開始日時: 2026-01-01",
        ],
        HANDLER,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("one line"), "{err}");
    let (code, _) = env.fail(&[
        "--ledger",
        env.ledger.to_str().unwrap(),
        "return",
        &m,
        "--path",
        "/nonexistent",
        "--as",
        CUSTODIAN,
    ]);
    assert_eq!(code, 6, "a missing mount is a device problem");
}

/// Each site keeps a copy of a server ledger's rows under its own state directory, so a command
/// fetches only what was added since the last one; a copy that stops matching the server (here
/// its last entry's hash edited) is started again, and commands go on as before.
#[test]
fn a_sites_copy_of_a_server_ledger_is_started_again_when_it_stops_matching() {
    let Some((env, _db)) = Env::built_on_server("kept_copy") else {
        return;
    };
    let m = env.register();
    let dir = env.path(".local/state/baitai/servers");
    let copies: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    assert_eq!(copies.len(), 1, "one copy for the one server: {copies:?}");
    let copy = &copies[0];
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(copy).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "the copy is private: {mode:o}");
    let c = rusqlite::Connection::open(copy).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS entries_append_only_u; \
         UPDATE entries SET hash = zeroblob(32) WHERE seq = (SELECT max(seq) FROM entries)",
    )
    .unwrap();
    drop(c);
    let out = env
        .cmd()
        .args(["-v", "medium", "show", &m])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("starting it again"), "{err}");
    env.ok_as(&["checkout", &m, "--purpose", "写しの作り直し後"], HANDLER);
    assert_eq!(env.state(&m).0, "in-use");
    assert_eq!(env.verify_code().0, 0);
}

/// `medium list` speaks the ledger's language on the terminal (issue 18 item 2), or the one
/// `--lang` asks for; `--json` keeps the ledger's own words for scripts.
#[test]
fn medium_list_is_in_the_ledgers_language_or_the_one_asked_for() {
    let env = Env::new();
    env.register();
    let out = env
        .cmd()
        .env_remove("BAITAI_LANG")
        .args(["medium", "list"])
        .output()
        .unwrap();
    let ja = String::from_utf8(out.stdout).unwrap();
    assert!(ja.contains("媒体番号") && ja.contains("保管中"), "{ja}");
    let out = env
        .cmd()
        .args(["medium", "list", "--lang", "en"])
        .output()
        .unwrap();
    let en = String::from_utf8(out.stdout).unwrap();
    assert!(en.contains("Medium") && en.contains("in-storage"), "{en}");
    let v = env.ok(&["medium", "list", "--lang", "ja"]);
    assert_eq!(v["media"][0]["state"], "in-storage");
}

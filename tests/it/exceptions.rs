//! Exceptions to a rule (例外措置, 004 1.2.1.3; issue 18 item 7): asked by one person,
//! approved by an admin, time-limited, ended by a report, shown in the audit report.

use crate::common::*;

fn grant<'a>(from: &'a str, until: &'a str, approver: &'a [String]) -> Vec<&'a str> {
    let mut a = vec![
        "exception",
        "grant",
        "--clause",
        "可搬記憶媒体管理規程 第4条3項",
        "--scope",
        "設計部の USB-2026 系媒体",
        "--from",
        from,
        "--until",
        until,
        "--measures",
        "返却時に保管責任者2名で目視確認する",
        "--end-report",
        "終了時に総括者へ書面で報告",
        "--reason",
        "読取り装置の故障中のため",
    ];
    a.extend(approver.iter().map(String::as_str));
    a
}

fn admin_approves(env: &Env) -> Vec<String> {
    vec![
        "--approver".into(),
        ADMIN.into(),
        "--approver-passphrase-file".into(),
        env.pass(ADMIN).to_str().unwrap().into(),
    ]
}

#[test]
fn an_exception_is_granted_runs_out_on_its_own_and_ends_with_a_report() {
    let env = Env::new();
    let ok = admin_approves(&env);
    let v = env.ok_as(&grant("2000-01-01", "2199-12-31", &ok), HANDLER);
    let current = v["entry"].as_u64().unwrap();
    let v = env.ok_as(&grant("2001-01-01", "2001-01-31", &ok), HANDLER);
    let lapsed = v["entry"].as_u64().unwrap();
    let list = env.ok(&["exception", "list"]);
    let status = |seq: u64| {
        list["exceptions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["seq"].as_u64() == Some(seq))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(current), "in-force");
    assert_eq!(status(lapsed), "expired", "it runs out on its own");
    // Its applicant reports the end; a second end is refused.
    let n = current.to_string();
    env.ok_as(
        &[
            "exception",
            "end",
            &n,
            "--report",
            "装置修理済み、通常手順に復帰",
        ],
        HANDLER,
    );
    let (code, err) = env.fail_as(&["exception", "end", &n, "--report", "again"], HANDLER);
    assert_eq!(code, 3, "{err}");
    let list = env.ok(&["exception", "list"]);
    assert_eq!(list["exceptions"][0]["status"], "ended");

    let audit = env.ok(&[
        "report",
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2199-12-31",
        "--format",
        "json",
    ]);
    let shown = audit["exceptions"].as_array().unwrap();
    assert_eq!(shown.len(), 2, "{audit}");
    assert_eq!(shown[0]["applicant"], HANDLER);
    assert_eq!(shown[0]["approver"], ADMIN);
    let out = env.path("audit.txt");
    env.ok(&[
        "report",
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2199-12-31",
        "--lang",
        "ja",
        "--format",
        "text",
        "-o",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("例外措置"), "{text}");
    assert!(text.contains("期間満了（終了報告なし）"), "{text}");
    assert_eq!(env.verify_code().0, 0);
}

#[test]
fn an_exception_needs_an_admin_other_than_the_applicant_and_a_period() {
    let env = Env::new();
    // Approved by a custodian: refused.
    let by_custodian = vec![
        "--approver".to_string(),
        CUSTODIAN.into(),
        "--approver-passphrase-file".into(),
        env.pass(CUSTODIAN).to_str().unwrap().into(),
    ];
    let (code, err) = env.fail_as(&grant("2026-01-01", "2026-02-01", &by_custodian), HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("role"), "{err}");
    // Approved by oneself: refused.
    let ok = admin_approves(&env);
    let (code, err) = env.fail_as(&grant("2026-01-01", "2026-02-01", &ok), ADMIN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("separation-of-duties"), "{err}");
    // A period that ends before it starts: refused.
    let (code, err) = env.fail_as(&grant("2026-03-01", "2026-02-01", &ok), HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("period"), "{err}");
    // Someone else than the applicant or an admin cannot end it.
    let v = env.ok_as(&grant("2026-01-01", "2199-02-01", &ok), HANDLER);
    let n = v["entry"].as_u64().unwrap().to_string();
    let (code, err) = env.fail_as(&["exception", "end", &n, "--report", "x"], CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    // An end naming something that is not an exception.
    let (code, _) = env.fail_as(&["exception", "end", "1", "--report", "x"], ADMIN);
    assert_eq!(code, 3);
}

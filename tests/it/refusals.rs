//! Every rule that refuses an act, through the real binary: the exit code (3 refused, 4
//! authentication, 2 usage), one clear line on stderr naming the rule and its reason, and a
//! ledger that did not change — except for a wrong passphrase, which is recorded.

use crate::common::*;

use serde_json::Value;

const UNTIL: &str = "2099-12-31";
/// The second person who holds both the handler and custodian roles (P0007).
const DUAL: &str = "P0007";

// --- argument builders ------------------------------------------------------------------------

fn s(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// `--as P --passphrase-file <P's file>`.
fn as_(env: &Env, p: &str) -> Vec<String> {
    vec![
        "--as".into(),
        p.into(),
        "--passphrase-file".into(),
        env.pass(p).to_str().unwrap().into(),
    ]
}

/// `--as P --passphrase-file wrong-pass`.
fn as_wrong(env: &Env, p: &str) -> Vec<String> {
    vec![
        "--as".into(),
        p.into(),
        "--passphrase-file".into(),
        env.path("wrong-pass").to_str().unwrap().into(),
    ]
}

fn approver_wrong(env: &Env, p: &str) -> Vec<String> {
    vec![
        "--approver".into(),
        p.into(),
        "--approver-passphrase-file".into(),
        env.path("wrong-pass").to_str().unwrap().into(),
    ]
}

fn witness_wrong(env: &Env, p: &str) -> Vec<String> {
    vec![
        "--witness".into(),
        p.into(),
        "--witness-passphrase-file".into(),
        env.path("wrong-pass").to_str().unwrap().into(),
    ]
}

fn checkout(env: &Env, m: &str, who: &str) -> Vec<String> {
    [
        s(&["checkout", m, "--purpose", "設計レビュー"]),
        as_(env, who),
    ]
    .concat()
}

fn carry_out(env: &Env, m: &str, who: &str, approver: &str) -> Vec<String> {
    [
        s(&[
            "carry-out",
            m,
            "--until",
            UNTIL,
            "--destination",
            "横須賀 試験場",
            "--purpose",
            "試験データの持参",
        ]),
        as_(env, who),
        env.approver(approver),
    ]
    .concat()
}

fn loan(env: &Env, m: &str, who: &str, approver: &str) -> Vec<String> {
    [
        s(&[
            "loan",
            m,
            "--to",
            "協力会社 佐々木",
            "--until",
            UNTIL,
            "--destination",
            "協力会社 本社",
            "--purpose",
            "共同作業",
        ]),
        as_(env, who),
        env.approver(approver),
    ]
    .concat()
}

fn copy(env: &Env, m: &str, who: &str, approver: &str) -> Vec<String> {
    [
        s(&[
            "copy",
            m,
            "--data",
            "試験記録",
            "--to",
            "試験場 担当",
            "--purpose",
            "記録の共有",
        ]),
        as_(env, who),
        env.approver(approver),
    ]
    .concat()
}

fn transfer(env: &Env, m: &str, who: &str, approver: &str) -> Vec<String> {
    [
        s(&[
            "transfer",
            m,
            "--to",
            "防衛装備庁 調達課",
            "--purpose",
            "納入",
        ]),
        as_(env, who),
        env.approver(approver),
    ]
    .concat()
}

fn ret(env: &Env, m: &str, who: &str) -> Vec<String> {
    [s(&["return", m]), as_(env, who)].concat()
}

fn ret_path(env: &Env, m: &str, who: &str, dir: &str) -> Vec<String> {
    [s(&["return", m, "--path", dir]), as_(env, who)].concat()
}

/// Destroy as `who` with `witness`; `--unverifiable` keeps the verified-state rule out of the way.
fn destroy(env: &Env, m: &str, who: &str, witness: &str) -> Vec<String> {
    [
        s(&[
            "destroy",
            m,
            "--method",
            "crush",
            "--unverifiable",
            "基板が割れていて読めない",
        ]),
        as_(env, who),
        env.witness(witness),
    ]
    .concat()
}

fn destroy_verified(env: &Env, m: &str, who: &str, witness: &str) -> Vec<String> {
    [
        s(&["destroy", m, "--method", "shred"]),
        as_(env, who),
        env.witness(witness),
    ]
    .concat()
}

fn lost(env: &Env, m: &str, who: &str) -> Vec<String> {
    [
        s(&["lost", m, "--circumstances", "電車内に置き忘れ"]),
        as_(env, who),
    ]
    .concat()
}

fn register(env: &Env, who: &str) -> Vec<String> {
    [s(&["medium", "register", "--class", "C3"]), as_(env, who)].concat()
}

fn receive(env: &Env, who: &str) -> Vec<String> {
    [
        s(&["receive", "--from", "協力会社 佐々木", "--class", "C2"]),
        as_(env, who),
    ]
    .concat()
}

// --- running ----------------------------------------------------------------------------------

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Run with `--json`, expect success.
fn ok(env: &Env, a: &[String]) -> Value {
    env.ok(&refs(a))
}

fn entries(env: &Env) -> u64 {
    let v = env.ok(&["ledger", "verify"]);
    v["entries"].as_u64().unwrap()
}

fn person_json(env: &Env, p: &str) -> Value {
    env.ok(&["person", "show", p])["person"].clone()
}

fn failed_attempts(env: &Env, p: &str) -> u64 {
    person_json(env, p)["failed_attempts_since_last_use"]
        .as_u64()
        .unwrap()
}

/// The outcome of a refused command run with `--json`.
struct Refused {
    code: i32,
    stderr: String,
    doc: Value,
}

fn run_refused(env: &Env, a: &[String]) -> Refused {
    let out = env.run(&refs(a));
    assert!(
        !out.status.success(),
        "baitai {a:?} unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Refused {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        doc,
    }
}

/// One line on stderr, `baitai: error: …`, containing every needle.
fn assert_one_line(r: &Refused, needles: &[&str], what: &str) {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: expected one stderr line, got {:?}",
        r.stderr
    );
    assert!(
        lines[0].starts_with("baitai: error: "),
        "{what}: {:?}",
        lines[0]
    );
    for n in needles {
        assert!(
            lines[0].contains(n),
            "{what}: stderr {:?} should contain {n:?}",
            lines[0]
        );
    }
}

/// The command is refused by `rule` (exit 3) with a reason containing `reason`, and the ledger
/// does not change.
fn assert_refused(env: &Env, a: &[String], rule: &str, reason: &str, what: &str) {
    let before = entries(env);
    let r = run_refused(env, a);
    assert_eq!(
        r.code, 3,
        "{what}: expected exit 3 (refused), got {}: {}",
        r.code, r.stderr
    );
    assert_one_line(&r, &[&format!("refused ({rule}):"), reason], what);
    assert_eq!(r.doc["ok"], false, "{what}: {}", r.doc);
    assert_eq!(r.doc["exit_code"], 3, "{what}: {}", r.doc);
    assert_eq!(r.doc["rule"], rule, "{what}: {}", r.doc);
    assert_eq!(entries(env), before, "{what}: the ledger changed");
}

/// Exit `code` with one stderr line containing `needle`, and no new entry.
fn assert_fails_unchanged(env: &Env, a: &[String], code: i32, needle: &str, what: &str) -> Refused {
    let before = entries(env);
    let r = run_refused(env, a);
    assert_eq!(r.code, code, "{what}: {}", r.stderr);
    assert_one_line(&r, &[needle], what);
    assert_eq!(entries(env), before, "{what}: the ledger changed");
    r
}

// --- states to start from ---------------------------------------------------------------------

fn fresh(env: &Env) -> String {
    env.register()
}

fn in_use(env: &Env) -> String {
    let m = env.register();
    ok(env, &checkout(env, &m, HANDLER));
    m
}

fn carried_out(env: &Env) -> String {
    let m = env.register();
    ok(env, &carry_out(env, &m, HANDLER, CUSTODIAN));
    m
}

fn on_loan(env: &Env) -> String {
    let m = env.register();
    ok(env, &loan(env, &m, HANDLER, CUSTODIAN));
    m
}

fn returned(env: &Env) -> String {
    let m = in_use(env);
    ok(env, &ret(env, &m, CUSTODIAN));
    assert_eq!(env.state(&m), ("in-storage".into(), "unverified".into()));
    m
}

fn returned_from_carry_out(env: &Env) -> String {
    let m = carried_out(env);
    ok(env, &ret(env, &m, CUSTODIAN));
    m
}

/// Returned with a file-system look that found no files: still not proven clean.
fn returned_empty_path(env: &Env) -> String {
    let m = in_use(env);
    let dir = env.path("mnt-empty");
    std::fs::create_dir_all(&dir).unwrap();
    ok(env, &ret_path(env, &m, CUSTODIAN, dir.to_str().unwrap()));
    assert_eq!(env.state(&m).0, "in-storage");
    m
}

fn returned_with_data(env: &Env) -> String {
    let m = in_use(env);
    let dir = env.path("mnt-data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("図面.dwg"), b"drawing").unwrap();
    ok(env, &ret_path(env, &m, CUSTODIAN, dir.to_str().unwrap()));
    assert_eq!(env.state(&m), ("in-storage".into(), "data-present".into()));
    m
}

fn received(env: &Env) -> String {
    let v = ok(env, &receive(env, CUSTODIAN));
    v["medium"].as_str().unwrap().to_string()
}

fn destroyed(env: &Env) -> String {
    let m = env.register();
    ok(env, &destroy(env, &m, CUSTODIAN, WITNESS));
    assert_eq!(env.state(&m).0, "destroyed");
    m
}

fn transferred(env: &Env) -> String {
    let m = env.register();
    ok(env, &transfer(env, &m, HANDLER, CUSTODIAN));
    assert_eq!(env.state(&m).0, "transferred");
    m
}

fn lost_medium(env: &Env) -> String {
    let m = in_use(env);
    ok(env, &lost(env, &m, HANDLER));
    m
}

/// A ledger with P0007, who holds both the handler and custodian roles.
fn add_dual(env: &Env) {
    let p = env.pass(DUAL);
    let v = env.ok_as(
        &[
            "person",
            "add",
            "二役 四郎",
            "--affiliation",
            "設計部",
            "--role",
            "handler",
            "--role",
            "custodian",
            "--role",
            "witness",
            "--new-passphrase-file",
            p.to_str().unwrap(),
        ],
        ADMIN,
    );
    assert_eq!(v["person"], DUAL);
}

// --- the tables -------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    /// Bring a fresh standard ledger into the state to test; return the medium (or "").
    setup: fn(&Env) -> String,
    /// The command that must be refused.
    cmd: fn(&Env, &str) -> Vec<String>,
    rule: &'static str,
    /// A fragment of the reason.
    reason: &'static str,
}

/// Each case on a ledger of its own: a copy of the template file, or with `server` (the test's
/// name) a new ledger on the PostgreSQL server.
fn run_cases(server: Option<&str>, cases: &[Case]) {
    for (i, c) in cases.iter().enumerate() {
        let (env, _db) = match server {
            None => (Env::new(), None),
            Some(test) => match Env::built_on_server(&format!("{test}_{i}")) {
                Some((env, db)) => (env, Some(db)),
                None => return,
            },
        };
        let m = (c.setup)(&env);
        let a = (c.cmd)(&env, &m);
        assert_refused(&env, &a, c.rule, c.reason, c.name);
    }
}

#[test]
fn reuse_gate_refuses_issue_after_a_return() {
    run_cases(None, &reuse_gate_refuses_issue_after_a_return_cases());
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn reuse_gate_refuses_issue_after_a_return_on_a_server() {
    run_cases(
        Some("reuse_gate_refuses_issue_after_a_return"),
        &reuse_gate_refuses_issue_after_a_return_cases(),
    );
}

fn reuse_gate_refuses_issue_after_a_return_cases() -> Vec<Case> {
    vec![
        Case {
            name: "checkout after a return",
            setup: returned,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "carry-out after a return",
            setup: returned,
            cmd: |e, m| carry_out(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "loan after a return",
            setup: returned,
            cmd: |e, m| loan(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "checkout by another handler after a return",
            setup: returned,
            cmd: |e, m| checkout(e, m, HANDLER2),
            rule: "reuse-gate",
            reason: "wipe it and verify",
        },
        Case {
            name: "checkout after a return from a carry-out",
            setup: returned_from_carry_out,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "checkout after a --path return that found no files",
            setup: returned_empty_path,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "carry-out after a --path return that found no files",
            setup: returned_empty_path,
            cmd: |e, m| carry_out(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "loan after a --path return that found no files",
            setup: returned_empty_path,
            cmd: |e, m| loan(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "checkout after a --path return that found files",
            setup: returned_with_data,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "reuse-gate",
            reason: "returned with data on it",
        },
        Case {
            name: "checkout of a received medium before any check",
            setup: received,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "carry-out of a received medium before any check",
            setup: received,
            cmd: |e, m| carry_out(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
        Case {
            name: "loan of a received medium before any check",
            setup: received,
            cmd: |e, m| loan(e, m, HANDLER, CUSTODIAN),
            rule: "reuse-gate",
            reason: "no verified clean state",
        },
    ]
}

#[test]
fn received_medium_is_marked_unverified() {
    let env = Env::new();
    let m = received(&env);
    let v = env.ok(&["medium", "show", &m]);
    assert_eq!(v["state"], "in-storage");
    assert_eq!(v["data"], "unverified");
    assert_eq!(v["may_issue"], false);
    assert_eq!(v["classification"]["confidentiality"], 2);
}

#[test]
fn state_rules_refuse_acts_that_do_not_fit_where_the_medium_is() {
    run_cases(
        None,
        &state_rules_refuse_acts_that_do_not_fit_where_the_medium_is_cases(),
    );
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn state_rules_refuse_acts_that_do_not_fit_where_the_medium_is_on_a_server() {
    run_cases(
        Some("state_rules_refuse_acts_that_do_not_fit_where_the_medium_is"),
        &state_rules_refuse_acts_that_do_not_fit_where_the_medium_is_cases(),
    );
}

fn state_rules_refuse_acts_that_do_not_fit_where_the_medium_is_cases() -> Vec<Case> {
    vec![
        Case {
            name: "checkout of a medium already checked out",
            setup: in_use,
            cmd: |e, m| checkout(e, m, HANDLER2),
            rule: "not-in-storage",
            reason: "already out",
        },
        Case {
            name: "second checkout by the same handler",
            setup: in_use,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "not-in-storage",
            reason: "already out",
        },
        Case {
            name: "carry-out of a medium someone else has in use",
            setup: in_use,
            cmd: |e, m| carry_out(e, m, HANDLER2, CUSTODIAN),
            rule: "not-in-storage",
            reason: "already out",
        },
        Case {
            name: "checkout of a carried-out medium",
            setup: carried_out,
            cmd: |e, m| checkout(e, m, HANDLER2),
            rule: "not-in-storage",
            reason: "already out",
        },
        Case {
            name: "loan of a medium on loan",
            setup: on_loan,
            cmd: |e, m| loan(e, m, HANDLER2, CUSTODIAN),
            rule: "not-in-storage",
            reason: "already out",
        },
        Case {
            name: "return of a medium in storage",
            setup: fresh,
            cmd: |e, m| ret(e, m, CUSTODIAN),
            rule: "not-out",
            reason: "in-storage, not out",
        },
        Case {
            name: "second return",
            setup: returned,
            cmd: |e, m| ret(e, m, CUSTODIAN2),
            rule: "not-out",
            reason: "not out",
        },
        Case {
            name: "copy of a medium in storage",
            setup: fresh,
            cmd: |e, m| copy(e, m, HANDLER, CUSTODIAN),
            rule: "not-at-destination",
            reason: "carry-out or loan destination",
        },
        Case {
            name: "copy of a medium in own use (not carried out)",
            setup: in_use,
            cmd: |e, m| copy(e, m, HANDLER, CUSTODIAN),
            rule: "not-at-destination",
            reason: "in-use",
        },
        Case {
            name: "copy by someone who is not the holder",
            setup: carried_out,
            cmd: |e, m| copy(e, m, HANDLER2, CUSTODIAN),
            rule: "holder",
            reason: "not with P0006",
        },
        Case {
            name: "destroy a fresh medium without a verified clean state",
            setup: fresh,
            cmd: |e, m| destroy_verified(e, m, CUSTODIAN, WITNESS),
            rule: "verify-before-destroy",
            reason: "cannot be restored",
        },
        Case {
            name: "destroy a returned medium without a verified clean state",
            setup: returned,
            cmd: |e, m| destroy_verified(e, m, CUSTODIAN, WITNESS),
            rule: "verify-before-destroy",
            reason: "unverified",
        },
        Case {
            name: "destroy after a --path return that found no files",
            setup: returned_empty_path,
            cmd: |e, m| destroy_verified(e, m, CUSTODIAN, WITNESS),
            rule: "verify-before-destroy",
            reason: "--unverifiable",
        },
        Case {
            name: "destroy a medium that is out",
            setup: in_use,
            cmd: |e, m| destroy(e, m, CUSTODIAN, WITNESS),
            rule: "not-in-storage",
            reason: "back in storage",
        },
        Case {
            name: "report a lost medium lost again",
            setup: lost_medium,
            cmd: |e, m| lost(e, m, CUSTODIAN),
            rule: "lost",
            reason: "already reported lost",
        },
        Case {
            name: "transfer of a medium out with someone else",
            setup: in_use,
            cmd: |e, m| transfer(e, m, HANDLER2, CUSTODIAN),
            rule: "not-in-hand",
            reason: "in-use",
        },
    ]
}

#[test]
fn nothing_is_recorded_after_destruction_or_transfer() {
    run_cases(
        None,
        &nothing_is_recorded_after_destruction_or_transfer_cases(),
    );
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn nothing_is_recorded_after_destruction_or_transfer_on_a_server() {
    run_cases(
        Some("nothing_is_recorded_after_destruction_or_transfer"),
        &nothing_is_recorded_after_destruction_or_transfer_cases(),
    );
}

fn nothing_is_recorded_after_destruction_or_transfer_cases() -> Vec<Case> {
    vec![
        Case {
            name: "checkout after destruction",
            setup: destroyed,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "closed",
            reason: "destroyed",
        },
        Case {
            name: "carry-out after destruction",
            setup: destroyed,
            cmd: |e, m| carry_out(e, m, HANDLER, CUSTODIAN),
            rule: "closed",
            reason: "nothing more can be recorded",
        },
        Case {
            name: "return after destruction",
            setup: destroyed,
            cmd: |e, m| ret(e, m, CUSTODIAN),
            rule: "closed",
            reason: "destroyed",
        },
        Case {
            name: "second destruction",
            setup: destroyed,
            cmd: |e, m| destroy(e, m, CUSTODIAN2, WITNESS),
            rule: "closed",
            reason: "destroyed",
        },
        Case {
            name: "lost after destruction",
            setup: destroyed,
            cmd: |e, m| lost(e, m, CUSTODIAN),
            rule: "closed",
            reason: "destroyed",
        },
        Case {
            name: "checkout after transfer",
            setup: transferred,
            cmd: |e, m| checkout(e, m, HANDLER),
            rule: "closed",
            reason: "transferred",
        },
        Case {
            name: "loan after transfer",
            setup: transferred,
            cmd: |e, m| loan(e, m, HANDLER, CUSTODIAN),
            rule: "closed",
            reason: "transferred",
        },
        Case {
            name: "return after transfer",
            setup: transferred,
            cmd: |e, m| ret(e, m, CUSTODIAN),
            rule: "closed",
            reason: "transferred",
        },
        Case {
            name: "destroy after transfer",
            setup: transferred,
            cmd: |e, m| destroy(e, m, CUSTODIAN, WITNESS),
            rule: "closed",
            reason: "transferred",
        },
        Case {
            name: "second transfer",
            setup: transferred,
            cmd: |e, m| transfer(e, m, HANDLER2, CUSTODIAN2),
            rule: "closed",
            reason: "transferred",
        },
    ]
}

#[test]
fn separation_of_duties() {
    run_cases(None, &separation_of_duties_cases());
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn separation_of_duties_on_a_server() {
    run_cases(Some("separation_of_duties"), &separation_of_duties_cases());
}

fn separation_of_duties_cases() -> Vec<Case> {
    vec![
        Case {
            name: "handler approves their own carry-out",
            setup: fresh,
            cmd: |e, m| carry_out(e, m, HANDLER, HANDLER),
            rule: "separation-of-duties",
            reason: "cannot approve their own request",
        },
        Case {
            name: "handler approves their own loan",
            setup: fresh,
            cmd: |e, m| loan(e, m, HANDLER, HANDLER),
            rule: "separation-of-duties",
            reason: "cannot approve their own request",
        },
        Case {
            name: "holder approves their own copy",
            setup: carried_out,
            cmd: |e, m| copy(e, m, HANDLER, HANDLER),
            rule: "separation-of-duties",
            reason: "cannot approve their own request",
        },
        Case {
            name: "custodian approves their own transfer",
            setup: fresh,
            cmd: |e, m| transfer(e, m, CUSTODIAN, CUSTODIAN),
            rule: "separation-of-duties",
            reason: "cannot approve their own request",
        },
        Case {
            name: "executor witnesses their own destruction",
            setup: fresh,
            cmd: |e, m| destroy(e, m, CUSTODIAN, CUSTODIAN),
            rule: "separation-of-duties",
            reason: "cannot witness their own destruction",
        },
        Case {
            name: "a handler-and-custodian approves their own carry-out",
            setup: |e| {
                add_dual(e);
                e.register()
            },
            cmd: |e, m| carry_out(e, m, DUAL, DUAL),
            rule: "separation-of-duties",
            reason: "P0007 cannot approve their own request",
        },
        Case {
            name: "a handler-and-custodian approves their own loan",
            setup: |e| {
                add_dual(e);
                e.register()
            },
            cmd: |e, m| loan(e, m, DUAL, DUAL),
            rule: "separation-of-duties",
            reason: "cannot approve their own request",
        },
        Case {
            name: "a custodian-and-witness witnesses their own destruction",
            setup: |e| {
                add_dual(e);
                e.register()
            },
            cmd: |e, m| destroy(e, m, DUAL, DUAL),
            rule: "separation-of-duties",
            reason: "two-person rule",
        },
    ]
}

#[test]
fn role_rules() {
    run_cases(None, &role_rules_cases());
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn role_rules_on_a_server() {
    run_cases(Some("role_rules"), &role_rules_cases());
}

fn role_rules_cases() -> Vec<Case> {
    vec![
        Case {
            name: "carry-out approved by a handler",
            setup: fresh,
            cmd: |e, m| carry_out(e, m, HANDLER, HANDLER2),
            rule: "role",
            reason: "cannot approve: that needs the custodian role",
        },
        Case {
            name: "loan approved by a witness",
            setup: fresh,
            cmd: |e, m| loan(e, m, HANDLER, WITNESS),
            rule: "role",
            reason: "needs the custodian role",
        },
        Case {
            name: "transfer approved by an admin",
            setup: fresh,
            cmd: |e, m| transfer(e, m, HANDLER, ADMIN),
            rule: "role",
            reason: "needs the custodian role",
        },
        Case {
            name: "destruction witnessed by a custodian without the witness role",
            setup: fresh,
            cmd: |e, m| destroy(e, m, CUSTODIAN, CUSTODIAN2),
            rule: "role",
            reason: "cannot witness destruction: that needs the witness role",
        },
        Case {
            name: "destruction witnessed by a handler",
            setup: fresh,
            cmd: |e, m| destroy(e, m, CUSTODIAN, HANDLER),
            rule: "role",
            reason: "needs the witness role",
        },
        Case {
            name: "destruction executed by a witness",
            setup: fresh,
            cmd: |e, m| destroy(e, m, WITNESS, CUSTODIAN),
            rule: "role",
            reason: "cannot destroy media",
        },
        Case {
            name: "handler registers a medium",
            setup: |_| String::new(),
            cmd: |e, _| register(e, HANDLER),
            rule: "role",
            reason: "cannot register media: that needs the custodian role",
        },
        Case {
            name: "handler receives a medium from outside",
            setup: |_| String::new(),
            cmd: |e, _| receive(e, HANDLER),
            rule: "role",
            reason: "needs the custodian role",
        },
        Case {
            name: "handler records a return",
            setup: in_use,
            cmd: |e, m| ret(e, m, HANDLER),
            rule: "role",
            reason: "cannot receive media back: that needs the custodian role",
        },
        Case {
            name: "custodian checks a medium out",
            setup: fresh,
            cmd: |e, m| checkout(e, m, CUSTODIAN),
            rule: "role",
            reason: "cannot take media out for use: that needs the handler role",
        },
        Case {
            name: "custodian carries a medium out",
            setup: fresh,
            cmd: |e, m| carry_out(e, m, CUSTODIAN, CUSTODIAN2),
            rule: "role",
            reason: "needs the handler role",
        },
        Case {
            name: "admin checks a medium out",
            setup: fresh,
            cmd: |e, m| checkout(e, m, ADMIN),
            rule: "role",
            reason: "needs the handler role",
        },
        Case {
            name: "witness reports a medium lost",
            setup: in_use,
            cmd: |e, m| lost(e, m, WITNESS),
            rule: "role",
            reason: "cannot report media lost",
        },
        Case {
            name: "custodian adds a person",
            setup: |_| String::new(),
            cmd: |e, _| {
                [
                    s(&[
                        "person",
                        "add",
                        "新人 五郎",
                        "--affiliation",
                        "設計部",
                        "--role",
                        "handler",
                        "--new-passphrase-file",
                        e.pass("P0007").to_str().unwrap(),
                    ]),
                    as_(e, CUSTODIAN),
                ]
                .concat()
            },
            rule: "role",
            reason: "cannot add people: that needs the admin role",
        },
        Case {
            name: "custodian revokes a person",
            setup: |_| String::new(),
            cmd: |e, _| [s(&["person", "revoke", HANDLER]), as_(e, CUSTODIAN)].concat(),
            rule: "role",
            reason: "cannot revoke people",
        },
    ]
}

#[test]
fn people_rules() {
    run_cases(None, &people_rules_cases());
}

/// The same refusals on a ledger kept on a PostgreSQL server (issue 16).
#[test]
fn people_rules_on_a_server() {
    run_cases(Some("people_rules"), &people_rules_cases());
}

fn people_rules_cases() -> Vec<Case> {
    vec![
        Case {
            name: "revoke the last admin",
            setup: |_| String::new(),
            cmd: |e, _| [s(&["person", "revoke", ADMIN]), as_(e, ADMIN)].concat(),
            rule: "last-admin",
            reason: "cannot revoke the last active admin",
        },
        Case {
            name: "change someone else's passphrase",
            setup: |_| String::new(),
            cmd: |e, _| {
                [
                    s(&[
                        "person",
                        "passwd",
                        CUSTODIAN,
                        "--new-passphrase-file",
                        e.pass("P0007").to_str().unwrap(),
                    ]),
                    as_(e, HANDLER),
                ]
                .concat()
            },
            rule: "own-passphrase",
            reason: "only their own passphrase",
        },
        Case {
            name: "admin changes someone else's passphrase",
            setup: |_| String::new(),
            cmd: |e, _| {
                [
                    s(&[
                        "person",
                        "passwd",
                        HANDLER,
                        "--new-passphrase-file",
                        e.pass("P0007").to_str().unwrap(),
                    ]),
                    as_(e, ADMIN),
                ]
                .concat()
            },
            rule: "own-passphrase",
            reason: "only their own passphrase",
        },
        Case {
            name: "revoke someone already revoked",
            setup: |e| {
                e.ok_as(&["person", "revoke", HANDLER2], ADMIN);
                String::new()
            },
            cmd: |e, _| [s(&["person", "revoke", HANDLER2]), as_(e, ADMIN)].concat(),
            rule: "revoked",
            reason: "already revoked",
        },
        Case {
            name: "add a person whose name is taken",
            setup: |_| String::new(),
            cmd: |e, _| {
                [
                    s(&[
                        "person",
                        "add",
                        "Jane Smith",
                        "--affiliation",
                        "Sales",
                        "--role",
                        "handler",
                        "--new-passphrase-file",
                        e.pass("P0007").to_str().unwrap(),
                    ]),
                    as_(e, ADMIN),
                ]
                .concat()
            },
            rule: "unique-name",
            reason: "already used by P0006",
        },
    ]
}

// --- exit 4: authentication -------------------------------------------------------------------

/// Run without `--json` and return (exit code, stderr).
fn run_human(env: &Env, a: &[String]) -> (i32, String) {
    let out = env.cmd().args(a).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The last entry in the ledger: (kind, actor, number of signatures).
fn last_entry(env: &Env) -> (String, String, i64) {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    c.query_row(
        "SELECT kind, actor, (SELECT COUNT(*) FROM signatures s WHERE s.seq = e.seq)
         FROM entries e ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

/// A wrong passphrase: exit 4, one line naming the person, exactly one unsigned
/// `person.auth_failure` entry for them, and the ledger still verifies.
fn assert_wrong_passphrase(env: &Env, a: &[String], person: &str) {
    let before = entries(env);
    let r = run_refused(env, a);
    assert_eq!(r.code, 4, "expected exit 4: {}", r.stderr);
    assert_one_line(&r, &["wrong passphrase", person], "wrong passphrase");
    assert_eq!(r.doc["exit_code"], 4, "{}", r.doc);
    assert_eq!(
        entries(env),
        before + 1,
        "one auth-failure entry is appended"
    );
    let (kind, actor, sigs) = last_entry(env);
    assert_eq!(kind, "person.auth_failure");
    assert_eq!(actor, person);
    assert_eq!(sigs, 0, "a failed attempt cannot be signed");
    assert_eq!(failed_attempts(env, person), 1);
}

/// The next successful command by `person`, run without --json, warns about the failed attempt;
/// afterwards the count is back to zero.
fn assert_warned_next_time(env: &Env, a: &[String], person: &str) {
    let (code, stderr) = run_human(env, a);
    assert_eq!(code, 0, "{stderr}");
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains(person))
        .unwrap_or_else(|| panic!("no warning about {person} on stderr: {stderr:?}"));
    assert!(
        warning.contains("1 failed passphrase attempt"),
        "{warning:?}"
    );
    assert_eq!(failed_attempts(env, person), 0);
}

#[test]
fn wrong_passphrase_of_the_actor_is_refused_and_recorded() {
    let env = Env::new();
    let m = env.register();
    let a = [
        s(&["checkout", &m, "--purpose", "設計レビュー"]),
        as_wrong(&env, HANDLER),
    ]
    .concat();
    assert_wrong_passphrase(&env, &a, HANDLER);
    assert_eq!(env.state(&m).0, "in-storage", "nothing was checked out");
    assert_eq!(failed_attempts(&env, CUSTODIAN), 0);
    assert_warned_next_time(&env, &checkout(&env, &m, HANDLER), HANDLER);
    assert_eq!(env.state(&m).0, "in-use");
    let (code, _) = env.verify_code();
    assert_eq!(code, 0, "an auth-failure entry keeps the ledger valid");
}

#[test]
fn wrong_passphrase_of_the_approver_is_refused_and_recorded() {
    let env = Env::new();
    let m = env.register();
    let a = [
        s(&[
            "carry-out",
            &m,
            "--until",
            UNTIL,
            "--destination",
            "横須賀 試験場",
            "--purpose",
            "試験",
        ]),
        as_(&env, HANDLER),
        approver_wrong(&env, CUSTODIAN),
    ]
    .concat();
    assert_wrong_passphrase(&env, &a, CUSTODIAN);
    assert_eq!(env.state(&m).0, "in-storage", "nothing was carried out");
    assert_eq!(
        failed_attempts(&env, HANDLER),
        0,
        "the requester's passphrase was right"
    );
    // The approver's next command (registering another medium) warns them.
    assert_warned_next_time(&env, &register(&env, CUSTODIAN), CUSTODIAN);
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
}

#[test]
fn wrong_passphrase_of_the_witness_is_refused_and_recorded() {
    let env = Env::new();
    let m = env.register();
    let a = [
        s(&[
            "destroy",
            &m,
            "--method",
            "crush",
            "--unverifiable",
            "読めない",
        ]),
        as_(&env, CUSTODIAN),
        witness_wrong(&env, WITNESS),
    ]
    .concat();
    assert_wrong_passphrase(&env, &a, WITNESS);
    assert_eq!(env.state(&m).0, "in-storage", "nothing was destroyed");
    assert_eq!(failed_attempts(&env, CUSTODIAN), 0);
    assert_warned_next_time(&env, &destroy(&env, &m, CUSTODIAN, WITNESS), WITNESS);
    assert_eq!(env.state(&m).0, "destroyed");
}

#[test]
fn wrong_passphrase_of_an_admin_adding_a_person_is_recorded() {
    let env = Env::new();
    let a = [
        s(&[
            "person",
            "add",
            "新人 五郎",
            "--affiliation",
            "設計部",
            "--role",
            "handler",
            "--new-passphrase-file",
            env.pass("P0007").to_str().unwrap(),
        ]),
        as_wrong(&env, ADMIN),
    ]
    .concat();
    assert_wrong_passphrase(&env, &a, ADMIN);
    let people = env.ok(&["person", "list"]);
    assert_eq!(people["people"].as_array().unwrap().len(), 6);
}

#[test]
fn repeated_wrong_passphrases_are_counted() {
    let env = Env::new();
    let m = env.register();
    let a = [
        s(&["checkout", &m, "--purpose", "設計レビュー"]),
        as_wrong(&env, HANDLER),
    ]
    .concat();
    let before = entries(&env);
    for _ in 0..3 {
        let r = run_refused(&env, &a);
        assert_eq!(r.code, 4);
    }
    assert_eq!(entries(&env), before + 3);
    assert_eq!(failed_attempts(&env, HANDLER), 3);
    let (code, stderr) = run_human(&env, &checkout(&env, &m, HANDLER));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: 3 failed passphrase attempt"),
        "{stderr}"
    );
}

#[test]
fn revoked_people_cannot_act_approve_or_witness() {
    let env = Env::new();
    let m = env.register();
    for p in [HANDLER2, CUSTODIAN2] {
        env.ok_as(&["person", "revoke", p], ADMIN);
    }
    let r = assert_fails_unchanged(
        &env,
        &checkout(&env, &m, HANDLER2),
        4,
        "revoked",
        "revoked handler acts",
    );
    assert!(r.stderr.contains(HANDLER2), "{}", r.stderr);
    let r = assert_fails_unchanged(
        &env,
        &carry_out(&env, &m, HANDLER, CUSTODIAN2),
        4,
        "revoked",
        "revoked custodian approves",
    );
    assert!(r.stderr.contains(CUSTODIAN2), "{}", r.stderr);
    assert_fails_unchanged(
        &env,
        &register(&env, CUSTODIAN2),
        4,
        "revoked",
        "revoked custodian registers",
    );
    // No failed attempt is recorded for them: the passphrase was never asked for.
    assert_eq!(failed_attempts(&env, HANDLER2), 0);
    assert_eq!(failed_attempts(&env, CUSTODIAN2), 0);
    assert_eq!(env.state(&m).0, "in-storage");
}

#[test]
fn revoked_witness_cannot_witness() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["person", "revoke", WITNESS], ADMIN);
    let r = assert_fails_unchanged(
        &env,
        &destroy(&env, &m, CUSTODIAN, WITNESS),
        4,
        "revoked",
        "revoked witness",
    );
    assert!(r.stderr.contains(WITNESS), "{}", r.stderr);
    assert_eq!(env.state(&m).0, "in-storage");
}

#[test]
fn revoked_admin_cannot_manage_people() {
    let env = Env::new();
    // A second admin, so the first can be revoked.
    let p = env.pass("P0007");
    env.ok_as(
        &[
            "person",
            "add",
            "副総括 七子",
            "--affiliation",
            "総務部",
            "--role",
            "admin",
            "--new-passphrase-file",
            p.to_str().unwrap(),
        ],
        ADMIN,
    );
    env.ok_as(&["person", "revoke", ADMIN], "P0007");
    assert_fails_unchanged(
        &env,
        &[s(&["person", "revoke", HANDLER]), as_(&env, ADMIN)].concat(),
        4,
        "revoked",
        "revoked admin revokes",
    );
    // And now P0007 is the last admin.
    assert_refused(
        &env,
        &[s(&["person", "revoke", "P0007"]), as_(&env, "P0007")].concat(),
        "last-admin",
        "last active admin",
        "last admin after a revocation",
    );
}

#[test]
fn rules_are_checked_before_any_passphrase_is_asked_for() {
    // A refused act with a wrong passphrase is a refusal (exit 3), not a failed attempt.
    let env = Env::new();
    let m = env.register();
    let cases = [
        (
            [
                s(&["medium", "register", "--class", "C3"]),
                as_wrong(&env, HANDLER),
            ]
            .concat(),
            "role",
            HANDLER,
        ),
        (
            [
                s(&["checkout", &m, "--purpose", "x"]),
                as_wrong(&env, CUSTODIAN),
            ]
            .concat(),
            "role",
            CUSTODIAN,
        ),
        (
            [
                s(&[
                    "carry-out",
                    &m,
                    "--until",
                    UNTIL,
                    "--destination",
                    "横須賀",
                    "--purpose",
                    "試験",
                ]),
                as_wrong(&env, HANDLER),
                approver_wrong(&env, HANDLER),
            ]
            .concat(),
            "separation-of-duties",
            HANDLER,
        ),
        (
            [s(&["person", "revoke", ADMIN]), as_wrong(&env, ADMIN)].concat(),
            "last-admin",
            ADMIN,
        ),
        (
            [
                s(&[
                    "person",
                    "passwd",
                    CUSTODIAN,
                    "--new-passphrase-file",
                    env.pass("P0007").to_str().unwrap(),
                ]),
                as_wrong(&env, HANDLER),
            ]
            .concat(),
            "own-passphrase",
            HANDLER,
        ),
    ];
    for (a, rule, person) in &cases {
        assert_refused(
            &env,
            a,
            rule,
            "",
            &format!("{rule} with a wrong passphrase"),
        );
        assert_eq!(
            failed_attempts(&env, person),
            0,
            "{rule}: no failed attempt recorded"
        );
    }
}

#[test]
fn missing_passphrase_file_is_a_usage_error_not_a_failed_attempt() {
    let env = Env::new();
    let m = env.register();
    let a = [
        s(&[
            "checkout",
            &m,
            "--purpose",
            "x",
            "--as",
            HANDLER,
            "--passphrase-file",
        ]),
        vec![env.path("no-such-file").to_str().unwrap().to_string()],
    ]
    .concat();
    assert_fails_unchanged(&env, &a, 2, "cannot read passphrase file", "missing file");
    assert_eq!(failed_attempts(&env, HANDLER), 0);
}

#[test]
fn refusal_is_one_line_in_human_mode_too() {
    let env = Env::new();
    let m = returned(&env);
    let before = entries(&env);
    let (code, stderr) = run_human(&env, &checkout(&env, &m, HANDLER));
    assert_eq!(code, 3, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr:?}");
    assert!(
        lines[0].starts_with("baitai: error: refused (reuse-gate):"),
        "{stderr:?}"
    );
    assert_eq!(entries(&env), before);
}

// --- exit 2: usage ----------------------------------------------------------------------------

struct Usage {
    name: &'static str,
    setup: fn(&Env) -> String,
    cmd: fn(&Env, &str) -> Vec<String>,
    /// A fragment of the one-line message.
    says: &'static str,
}

fn carry_out_until(env: &Env, m: &str, until: &str) -> Vec<String> {
    [
        s(&[
            "carry-out",
            m,
            "--until",
            until,
            "--destination",
            "横須賀 試験場",
            "--purpose",
            "試験",
        ]),
        as_(env, HANDLER),
        env.approver(CUSTODIAN),
    ]
    .concat()
}

fn add_with_passphrase(env: &Env, pass: &str) -> Vec<String> {
    let f = env.path("new-pass");
    std::fs::write(&f, format!("{pass}\n")).unwrap();
    [
        s(&[
            "person",
            "add",
            "新人 五郎",
            "--affiliation",
            "設計部",
            "--role",
            "handler",
            "--new-passphrase-file",
            f.to_str().unwrap(),
        ]),
        as_(env, ADMIN),
    ]
    .concat()
}

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let cases = [
        Usage {
            name: "unknown medium",
            setup: fresh,
            cmd: |e, _| checkout(e, "USB-2099-9999", HANDLER),
            says: "no medium",
        },
        Usage {
            name: "unknown acting person",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&["checkout", m, "--purpose", "設計レビュー"]),
                    s(&["--as", "P0099", "--passphrase-file"]),
                    vec![e.pass(HANDLER).to_str().unwrap().to_string()],
                ]
                .concat()
            },
            says: "no person",
        },
        Usage {
            name: "unknown person by name",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&["checkout", m, "--purpose", "設計レビュー"]),
                    s(&["--as", "山田 花子", "--passphrase-file"]),
                    vec![e.pass(HANDLER).to_str().unwrap().to_string()],
                ]
                .concat()
            },
            says: "no person",
        },
        Usage {
            name: "unknown approver",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&[
                        "carry-out",
                        m,
                        "--until",
                        UNTIL,
                        "--destination",
                        "横須賀",
                        "--purpose",
                        "試験",
                    ]),
                    as_(e, HANDLER),
                    s(&["--approver", "P0099", "--approver-passphrase-file"]),
                    vec![e.pass(CUSTODIAN).to_str().unwrap().to_string()],
                ]
                .concat()
            },
            says: "no person",
        },
        Usage {
            name: "unknown witness",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&[
                        "destroy",
                        m,
                        "--method",
                        "crush",
                        "--unverifiable",
                        "読めない",
                    ]),
                    as_(e, CUSTODIAN),
                    s(&["--witness", "P0099", "--witness-passphrase-file"]),
                    vec![e.pass(WITNESS).to_str().unwrap().to_string()],
                ]
                .concat()
            },
            says: "no person",
        },
        Usage {
            name: "malformed --until",
            setup: fresh,
            cmd: |e, m| carry_out_until(e, m, "next tuesday"),
            says: "cannot read the time",
        },
        Usage {
            name: "impossible --until date",
            setup: fresh,
            cmd: |e, m| carry_out_until(e, m, "2099-13-45"),
            says: "cannot read the time",
        },
        Usage {
            name: "--until in the past",
            setup: fresh,
            cmd: |e, m| carry_out_until(e, m, "2000-01-01"),
            says: "not in the future",
        },
        Usage {
            name: "loan --until in the past",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&[
                        "loan",
                        m,
                        "--to",
                        "佐々木",
                        "--until",
                        "2001-02-03 10:00",
                        "--destination",
                        "本社",
                        "--purpose",
                        "共同作業",
                    ]),
                    as_(e, HANDLER),
                    e.approver(CUSTODIAN),
                ]
                .concat()
            },
            says: "not in the future",
        },
        Usage {
            name: "empty --purpose",
            setup: fresh,
            cmd: |e, m| [s(&["checkout", m, "--purpose", ""]), as_(e, HANDLER)].concat(),
            says: "--purpose must not be empty",
        },
        Usage {
            name: "blank --purpose",
            setup: fresh,
            cmd: |e, m| [s(&["checkout", m, "--purpose", "   "]), as_(e, HANDLER)].concat(),
            says: "--purpose must not be empty",
        },
        Usage {
            name: "empty --destination",
            setup: fresh,
            cmd: |e, m| {
                [
                    s(&[
                        "carry-out",
                        m,
                        "--until",
                        UNTIL,
                        "--destination",
                        "",
                        "--purpose",
                        "試験",
                    ]),
                    as_(e, HANDLER),
                    e.approver(CUSTODIAN),
                ]
                .concat()
            },
            says: "--destination must not be empty",
        },
        Usage {
            name: "too short a passphrase for a new person",
            setup: |_| String::new(),
            cmd: |e, _| add_with_passphrase(e, "short"),
            says: "too short",
        },
        Usage {
            name: "too simple a passphrase for a new person",
            setup: |_| String::new(),
            cmd: |e, _| add_with_passphrase(e, "alllowercaseletters"),
            says: "too simple",
        },
        Usage {
            name: "too weak a new passphrase on passwd",
            setup: |_| String::new(),
            cmd: |e, _| {
                let f = e.path("weak");
                std::fs::write(&f, "short\n").unwrap();
                [
                    s(&[
                        "person",
                        "passwd",
                        HANDLER,
                        "--new-passphrase-file",
                        f.to_str().unwrap(),
                        "--approver",
                        ADMIN,
                        "--approver-passphrase-file",
                        e.pass(ADMIN).to_str().unwrap(),
                    ]),
                    as_(e, HANDLER),
                ]
                .concat()
            },
            says: "too short",
        },
        Usage {
            name: "confidentiality class out of range",
            setup: |_| String::new(),
            cmd: |e, _| {
                [
                    s(&["medium", "register", "--class", "C4"]),
                    as_(e, CUSTODIAN),
                ]
                .concat()
            },
            says: "C1",
        },
    ];
    for c in &cases {
        let env = Env::new();
        let m = (c.setup)(&env);
        let a = (c.cmd)(&env, &m);
        let r = assert_fails_unchanged(&env, &a, 2, c.says, c.name);
        assert_eq!(r.doc["exit_code"], 2, "{}: {}", c.name, r.doc);
        assert!(r.doc["rule"].is_null(), "{}: {}", c.name, r.doc);
    }
}

#[test]
fn weak_passphrase_does_not_add_the_person() {
    let env = Env::new();
    let r = assert_fails_unchanged(
        &env,
        &add_with_passphrase(&env, "short"),
        2,
        "too short",
        "weak passphrase",
    );
    assert_eq!(r.doc["exit_code"], 2);
    let people = env.ok(&["person", "list"]);
    assert_eq!(people["people"].as_array().unwrap().len(), 6);
    // The passphrase itself is never echoed.
    let f = env.path("new-pass");
    std::fs::write(&f, "abc\n").unwrap();
    let out = env.run(&refs(
        &[
            s(&[
                "person",
                "add",
                "新人 五郎",
                "--affiliation",
                "設計部",
                "--role",
                "handler",
                "--new-passphrase-file",
                f.to_str().unwrap(),
            ]),
            as_(&env, ADMIN),
        ]
        .concat(),
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("abc"));
}

#[test]
fn missing_class_is_a_usage_error() {
    let env = Env::new();
    let before = entries(&env);
    for a in [
        [
            s(&["medium", "register", "--label", "x"]),
            as_(&env, CUSTODIAN),
        ]
        .concat(),
        [s(&["receive", "--from", "協力会社"]), as_(&env, CUSTODIAN)].concat(),
    ] {
        let r = run_refused(&env, &a);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("--class"), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    assert_eq!(entries(&env), before);
}

#[test]
fn missing_purpose_and_unknown_flag_are_usage_errors() {
    let env = Env::new();
    let m = env.register();
    let before = entries(&env);
    for a in [
        [s(&["checkout", &m]), as_(&env, HANDLER)].concat(),
        [
            s(&["checkout", &m, "--purpose", "x", "--bogus"]),
            as_(&env, HANDLER),
        ]
        .concat(),
        [
            s(&["destroy", &m, "--method", "burn"]),
            as_(&env, CUSTODIAN),
            env.witness(WITNESS),
        ]
        .concat(),
    ] {
        let r = run_refused(&env, &a);
        assert_eq!(r.code, 2, "{a:?}: {}", r.stderr);
    }
    assert_eq!(entries(&env), before);
}

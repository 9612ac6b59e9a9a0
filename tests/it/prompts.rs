//! Passphrase prompts at a terminal (issue 18, item 5): three tries, each wrong one recorded;
//! the policy shown before a new passphrase is typed, and a weak one asked again. Run under
//! `script`, which gives the binary a pseudo-terminal, with each line typed after a pause so
//! that it reaches the prompt it answers.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::*;

/// Run `args` at a terminal as the user of `env`, typing `lines` one by one; (exit, output).
fn at_terminal(env: &Env, args: &[&str], lines: &[&str]) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_baitai");
    let quoted: Vec<String> = args
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let mut child = Command::new("script")
        .args(["-qec", &format!("{bin} {}", quoted.join(" ")), "/dev/null"])
        .env("BAITAI_LEDGER", &env.ledger)
        .env("BAITAI_LANG", "en")
        .env("HOME", env.dir.path())
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_DATA_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        // A command that ended early shows why in its output, checked by the caller.
        let _ = writeln!(stdin, "{line}");
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn a_wrong_passphrase_at_the_prompt_may_be_typed_again() {
    let env = Env::new();
    let m = env.register();
    let right = std::fs::read_to_string(env.pass(HANDLER)).unwrap();
    let args = ["checkout", &m, "--purpose", "図面", "--as", HANDLER];
    let (code, out) = at_terminal(&env, &args, &["Wrong-Pass-111!", right.trim_end()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 tries left"), "{out}");
    assert_eq!(env.state(&m).0, "in-use");
    // Three wrong ones end the command, each recorded.
    let m2 = env.register();
    let args = ["checkout", &m2, "--purpose", "図面", "--as", HANDLER];
    let (code, out) = at_terminal(
        &env,
        &args,
        &["Wrong-Pass-111!", "Wrong-Pass-222!", "Wrong-Pass-333!"],
    );
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains("1 try left") && out.contains("wrong passphrase"),
        "{out}"
    );
    assert_eq!(env.state(&m2).0, "in-storage");
    let failures =
        env.ok(&["person", "show", HANDLER])["person"]["failed_attempts_since_last_use"].as_u64();
    assert_eq!(
        failures,
        Some(3),
        "the later three, after the first command's success"
    );
}

#[test]
fn a_new_passphrase_is_told_its_rule_first_and_asked_again_if_weak() {
    let env = Env::new();
    let admin = std::fs::read_to_string(env.pass(ADMIN)).unwrap();
    let args = [
        "person",
        "add",
        "新人 一郎",
        "--affiliation",
        "設計部",
        "--role",
        "handler",
        "--as",
        ADMIN,
    ];
    let strong = "New-Person-Pass-1";
    let (code, out) = at_terminal(&env, &args, &[admin.trim_end(), "short", strong, strong]);
    assert_eq!(code, 0, "{out}");
    let rule = out.find("at least 10 characters").expect(&out);
    let first = out.find("New passphrase for").expect(&out);
    assert!(
        rule < first,
        "the rule comes before the first prompt: {out}"
    );
    assert!(
        out.contains("too short") && out.contains("try again"),
        "{out}"
    );
}

/// `person passwd` is about one's own passphrase: `--as` alone names the person.
#[test]
fn person_passwd_names_the_person_once() {
    let env = Env::new();
    let new = env.path("new-pass");
    std::fs::write(&new, "Changed-Pass-123!\n").unwrap();
    let mut args = vec![
        "person",
        "passwd",
        "--new-passphrase-file",
        new.to_str().unwrap(),
    ];
    let approver = env.approver(ADMIN);
    args.extend(approver.iter().map(String::as_str));
    let v = env.ok_as(&args, HANDLER);
    assert_eq!(v["person"], HANDLER, "{v}");
}

/// A two-person act at the terminal (an exception, applied for and approved): the applicant's
/// key is derived while the approver types (issue 20), and a wrong passphrase of either is
/// still asked again and recorded against that person alone.
#[test]
fn two_people_at_the_terminal_each_get_their_tries() {
    let env = Env::new();
    let handler = std::fs::read_to_string(env.pass(HANDLER)).unwrap();
    let admin = std::fs::read_to_string(env.pass(ADMIN)).unwrap();
    let grant = [
        "exception",
        "grant",
        "--clause",
        "第4条3項",
        "--scope",
        "設計部",
        "--from",
        "2026-01-01",
        "--until",
        "2199-12-31",
        "--measures",
        "目視確認",
        "--end-report",
        "書面",
        "--reason",
        "装置の故障",
        "--as",
        HANDLER,
        "--approver",
        ADMIN,
    ];
    let failed = |p: &str| {
        env.ok(&["person", "show", p])["person"]["failed_attempts_since_last_use"].as_u64()
    };
    // The applicant mistypes, the approver types theirs, then the applicant again.
    let lines = ["Wrong-Pass-111!", admin.trim_end(), handler.trim_end()];
    let (code, out) = at_terminal(&env, &grant, &lines);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 tries left"), "{out}");
    assert_eq!(
        failed(HANDLER),
        Some(0),
        "the handler signed after the failure"
    );
    // Now the approver mistypes once.
    let lines = [handler.trim_end(), "Wrong-Pass-222!", admin.trim_end()];
    let (code, out) = at_terminal(&env, &grant, &lines);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 tries left"), "{out}");
    let list = env.ok(&["exception", "list"]);
    assert_eq!(list["exceptions"].as_array().unwrap().len(), 2, "{list}");
    // Three wrong ones of the approver end the command with nothing recorded but the failures.
    let lines = [
        handler.trim_end(),
        "Wrong-1-Pass!",
        "Wrong-2-Pass!",
        "Wrong-3-Pass!",
    ];
    let (code, out) = at_terminal(&env, &grant, &lines);
    assert_eq!(code, 4, "{out}");
    assert_eq!(failed(ADMIN), Some(3));
    let list = env.ok(&["exception", "list"]);
    assert_eq!(list["exceptions"].as_array().unwrap().len(), 2, "{list}");
}

//! The harness itself, and the global flags every command shares.

use crate::common::*;

#[test]
fn harness_builds_a_ledger() {
    let env = Env::new();
    let m = env.register();
    assert_eq!(m.len(), "USB-2026-0001".len());
    assert_eq!(env.state(&m), ("in-storage".into(), "fresh".into()));
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
}

/// `-v` says what baitai decides on stderr, `-vv` also what it probes; without either,
/// stderr stays quiet, and stdout is the same either way.
#[test]
fn verbose_flags_log_to_stderr_only() {
    let env = Env::new();
    let m = env.register();
    let run = |flags: &[&str]| {
        let out = env
            .cmd()
            .args(flags)
            .args(["medium", "show", &m])
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (plain_out, plain_err) = run(&[]);
    assert!(!plain_err.contains("verifying"), "{plain_err}");
    let (v_out, v_err) = run(&["-v"]);
    assert!(v_err.contains("baitai: verifying"), "{v_err}");
    assert_eq!(v_out, plain_out);
    // A put probes the mount: only -vv shows it.
    env.ok_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    let mnt = env.path("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let src = env.path("a.txt");
    std::fs::write(&src, "a").unwrap();
    let pass = env.pass(HANDLER);
    let out = env
        .cmd()
        .args(["-vv", "put", mnt.to_str().unwrap(), src.to_str().unwrap()])
        .args(["--medium", &m, "--as", HANDLER, "--passphrase-file"])
        .arg(&pass)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(mnt.to_str().unwrap()), "{err}");
}

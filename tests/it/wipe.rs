//! `wipe` on image files through the real binary: the reuse gate opens only on a verified
//! wipe, every refusal comes before a byte is written, a failed read-back or a stopped wipe
//! never leaves a medium clean.

use std::sync::atomic::AtomicBool;

use crate::common::*;
use sha2::{Digest, Sha256};

fn image(env: &Env, name: &str, bytes: usize) -> String {
    let p = env.path(name);
    let data: Vec<u8> = (0..bytes).map(|i| (i * 7 % 251) as u8 | 1).collect();
    std::fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_string()
}

/// A large sparse image with data in its first mebibyte: slow to wipe, quick to make.
fn big_image(env: &Env, name: &str, bytes: u64) -> String {
    let p = image(env, name, 1 << 20);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(bytes)
        .unwrap();
    p
}

fn digest(path: &str) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn register_image(env: &Env, img: &str) -> String {
    let v = env.ok_as(
        &["medium", "register", "--image", img, "--class", "C3"],
        CUSTODIAN,
    );
    v["medium"].as_str().unwrap().to_string()
}

/// A medium that went out, came back with data on it and so is held at the reuse gate.
fn returned_with_data(env: &Env, img: &str) -> String {
    let m = register_image(env, img);
    env.ok_as(&["checkout", &m, "--purpose", "drawings"], HANDLER);
    let v = env.ok_as(&["return", &m, "--image", img], CUSTODIAN);
    assert_eq!(v["data"], "data-present");
    m
}

fn wipe(env: &Env, m: &str, img: &str, method: &str) -> serde_json::Value {
    env.ok_as(
        &["wipe", m, "--image", img, "--method", method, "--yes"],
        CUSTODIAN,
    )
}

#[test]
fn a_verified_wipe_opens_the_reuse_gate() {
    let env = Env::new();
    let img = image(&env, "m.img", (3 << 20) + 1000);
    let m = returned_with_data(&env, &img);
    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "again"], HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("reuse-gate"), "{err}");

    let v = wipe(&env, &m, &img, "zero");
    let rec = &v["record"];
    assert_eq!(rec["result"], "passed");
    assert_eq!(v["data"], "verified-clean");
    assert_eq!(rec["passes"][0]["bytes_written"], (3 << 20) + 1000);
    assert_eq!(rec["passes"][0]["bytes_verified"], (3 << 20) + 1000);
    assert_eq!(rec["sanitization"], "clear");
    assert!(rec["cache_bypass"].is_string());
    assert!(std::fs::read(&img).unwrap().iter().all(|&b| b == 0));

    env.ok_as(&["checkout", &m, "--purpose", "again"], HANDLER);
    assert_eq!(env.verify_code().0, 0);
    // The sanitization record is part of the printed ledger.
    let out = env.run(&["ledger", "print", &m, "--lang", "en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verification passed"), "{text}");
}

#[test]
fn random_zero_records_both_passes_and_a_regenerable_seed() {
    let env = Env::new();
    let img = image(&env, "m.img", 2 << 20);
    let m = returned_with_data(&env, &img);
    let v = wipe(&env, &m, &img, "random-zero");
    let passes = v["record"]["passes"].as_array().unwrap();
    assert_eq!(passes.len(), 2);
    assert_eq!(passes[0]["pattern"], "random");
    assert_eq!(passes[0]["seed"].as_str().unwrap().len(), 64);
    assert_eq!(passes[1]["pattern"], "zero");
    assert!(passes.iter().all(|p| p["mismatched_sectors"] == 0));
    // The human record names the result and the state.
    let env2 = Env::new();
    let img2 = image(&env2, "n.img", 1 << 20);
    let m2 = returned_with_data(&env2, &img2);
    let p = env2.pass(CUSTODIAN);
    let out = env2
        .cmd()
        .args(["wipe", &m2, "--image", &img2, "--yes", "--as", CUSTODIAN])
        .arg("--passphrase-file")
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("PASSED") && text.contains("verified-clean"),
        "{text}"
    );
}

#[test]
fn every_refusal_comes_before_a_byte_is_written() {
    let env = Env::new();
    let img = image(&env, "m.img", 1 << 20);
    let other = image(&env, "other.img", 1 << 20);
    let m = returned_with_data(&env, &img);
    let before = (digest(&img), digest(&other));
    let cases: Vec<(Vec<&str>, &str, i32, &str)> = vec![
        (
            vec!["wipe", &m, "--image", &other, "--yes"],
            CUSTODIAN,
            6,
            "path",
        ),
        (
            vec!["wipe", &m, "--image", &img, "--yes"],
            HANDLER,
            3,
            "custodian",
        ),
        (
            vec!["wipe", &m, "--image", &img, "--yes"],
            WITNESS,
            3,
            "role",
        ),
        (
            vec!["wipe", "USB-1999-0001", "--image", &img, "--yes"],
            CUSTODIAN,
            2,
            "no medium",
        ),
        (
            vec!["wipe", &m, "--image", "/nonexistent.img", "--yes"],
            CUSTODIAN,
            6,
            "cannot open",
        ),
        (vec!["wipe", &m, "--yes"], CUSTODIAN, 2, "--device"),
        (
            vec!["wipe", &m, "--image", &img, "--method", "dod", "--yes"],
            CUSTODIAN,
            2,
            "dod",
        ),
        // No terminal to type the medium number at, and no --yes.
        (vec!["wipe", &m, "--image", &img], CUSTODIAN, 2, "--yes"),
    ];
    for (args, who, code, needle) in cases {
        let (got, err) = env.fail_as(&args, who);
        assert_eq!(got, code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let wrong = env.path("wrong-pass");
    let (code, err) = env.fail(&[
        "wipe",
        &m,
        "--image",
        &img,
        "--yes",
        "--as",
        CUSTODIAN,
        "--passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(
        (digest(&img), digest(&other)),
        before,
        "nothing was written"
    );
    assert_eq!(env.state(&m).1, "data-present");

    // A medium registered without an identity cannot be tied to any device.
    let bare = env.register();
    let (code, err) = env.fail_as(&["wipe", &bare, "--image", &img, "--yes"], CUSTODIAN);
    assert_eq!(code, 6, "{err}");
    // A medium that is out cannot be wiped.
    let img3 = image(&env, "out.img", 1 << 20);
    let out = register_image(&env, &img3);
    env.ok_as(&["checkout", &out, "--purpose", "x"], HANDLER);
    let (code, err) = env.fail_as(&["wipe", &out, "--image", &img3, "--yes"], CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not-in-storage"), "{err}");
    assert_eq!(digest(&img), before.0);
}

/// Through the library, with the engine's test hook planting a byte between the overwrite
/// and the read-back: the record says exactly where, and the medium must be destroyed.
#[test]
fn a_planted_byte_fails_verification_at_its_exact_offset() {
    use baitai::app::{WipeRequest, WipeTarget};
    use baitai::device::io::{AlignedBuf, Medium, ALIGN};
    use baitai::model::WipeMethod;
    use baitai::wipe::{Control, Phase};

    let env = Env::new();
    let img = image(&env, "m.img", 4 << 20);
    let m = returned_with_data(&env, &img);
    const AT: u64 = 3_333_333;
    let mut s = env.session();
    let req = WipeRequest {
        target: WipeTarget::Image(img.clone().into()),
        method: WipeMethod::Random,
        allow_fixed: false,
    };
    let plan = s.wipe_plan(&m, CUSTODIAN, &req).unwrap();
    let mut secrets =
        baitai::cli::CliSecrets::new(Some(env.pass(CUSTODIAN)), None, None, None).unwrap();
    let signed = s.wipe_authenticate(&plan, &mut secrets).unwrap();
    let stop = AtomicBool::new(false);
    let mut progress = |_: Phase, _: u64| {};
    let mut plant = |dev: &mut dyn Medium| {
        let block = AT / ALIGN as u64 * ALIGN as u64;
        let mut buf = AlignedBuf::new(ALIGN);
        dev.read_at(block, buf.as_mut_slice()).unwrap();
        buf.as_mut_slice()[(AT - block) as usize] ^= 0x80;
        dev.write_at(block, buf.as_slice()).unwrap();
        dev.flush().unwrap();
    };
    let mut ctl = Control {
        stop: &stop,
        progress: &mut progress,
        after_write: Some(&mut plant),
    };
    let report = s.wipe(&plan, &signed, &mut ctl).unwrap();
    drop(s);
    let pass = &report.record.passes[0];
    assert_eq!(pass.mismatched_sectors, 1);
    assert_eq!(pass.mismatches[0].offset, AT);
    assert_eq!(pass.mismatches[0].len, 1);
    assert_eq!(env.state(&m).1, "wipe-failed");

    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3, "{err}");
    let (code, err) = env.fail_as(&["wipe", &m, "--image", &img, "--yes"], CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("wipe-failed"), "{err}");
    // Destruction needs the reason it could not be verified.
    let w = env.witness(WITNESS);
    let (code, err) = env.fail_as(&args(&["destroy", &m, "--method", "crush"], &w), CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    let mut destroy = vec![
        "destroy",
        &m,
        "--method",
        "crush",
        "--unverifiable",
        "wipe verification failed",
    ];
    destroy.extend(w.iter().map(String::as_str));
    env.ok_as(&destroy, CUSTODIAN);
    assert_eq!(env.verify_code().0, 0);
    let out = env.run(&["ledger", "print", &m, "--lang", "en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("first at byte {AT}")), "{text}");
}

fn spawn_wipe(env: &Env, m: &str, img: &str) -> std::process::Child {
    let p = env.pass(CUSTODIAN);
    std::process::Command::new(env!("CARGO_BIN_EXE_baitai"))
        .env("BAITAI_LANG", "en")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_STATE_HOME")
        .env("HOME", env.dir.path())
        .args(["--json", "--ledger", env.ledger.to_str().unwrap()])
        .args([
            "wipe", m, "--image", img, "--method", "random", "--yes", "--as", CUSTODIAN,
        ])
        .arg("--passphrase-file")
        .arg(&p)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the wipe's start entry is in the ledger (the overwrite has begun).
fn wait_for_start(env: &Env, child: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let c = rusqlite::Connection::open(&env.ledger).unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM entries WHERE kind = 'medium.wipe_start'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        if n > 0 {
            return;
        }
        if child.try_wait().unwrap().is_some() {
            let mut err = String::new();
            if let Some(e) = child.stderr.as_mut() {
                std::io::Read::read_to_string(e, &mut err).unwrap();
            }
            panic!("the wipe ended before it started: {err}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the wipe never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn ctrl_c_records_an_incomplete_wipe_and_the_medium_stays_unclean() {
    let env = Env::new();
    let img = big_image(&env, "big.img", 768 << 20);
    let m = returned_with_data(&env, &img);
    let mut child = spawn_wipe(&env, &m, &img);
    wait_for_start(&env, &mut child);
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["record"]["result"], "incomplete");
    assert_eq!(v["data"], "wipe-incomplete");
    assert_eq!(
        (v["ok"].clone(), v["exit_code"].clone()),
        (false.into(), 130.into())
    );
    assert_eq!(env.state(&m).1, "wipe-incomplete");
    let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3);
    assert_eq!(env.verify_code().0, 0);
}

#[test]
fn a_killed_wipe_leaves_the_medium_wipe_incomplete() {
    let env = Env::new();
    let img = big_image(&env, "big.img", 768 << 20);
    let m = returned_with_data(&env, &img);
    let mut child = spawn_wipe(&env, &m, &img);
    wait_for_start(&env, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(env.state(&m).1, "wipe-incomplete");
    assert_eq!(env.verify_code().0, 0);
    let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3);
    // A new wipe finishes the job.
    let v = wipe(&env, &m, &img, "zero");
    assert_eq!(v["data"], "verified-clean");
}

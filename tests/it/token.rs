//! Keys on a PKCS#11 token (issue 21), with SoftHSM2 as the token: a real PKCS#11 module whose
//! tokens live in files, made per test in its own directory (`SOFTHSM2_CONF`). A custodian, a
//! witness and a handler on tokens do a medium's whole life, their signatures check in
//! `ledger verify` and independently of baitai, and the file holds no sealed key for them; a
//! ledger that requires tokens for custodians refuses a sealed custodian (exit 3) until they
//! move to a token; a wrong PIN counts as a wrong passphrase.
//!
//! Without SoftHSM2 (`scripts/start-softhsm --install` installs it) these tests say why and
//! skip; under `CI=true` they fail instead.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use rusqlite::Connection;

use crate::common::*;

/// The user PIN of every test token (a software token in a temporary directory).
const PIN: &str = "246810";
const SO_PIN: &str = "13579111";

/// The people added on tokens, after the standard cast (P0001–P0006).
const TOKEN_CUSTODIAN: &str = "P0007";
const TOKEN_WITNESS: &str = "P0008";
const TOKEN_HANDLER: &str = "P0009";

/// Where SoftHSM2's module is installed on Debian, as `scripts/start-softhsm` looks for it.
const MODULES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/softhsm/libsofthsm2.so",
];

/// A SoftHSM2 token store of one test's own.
struct Hsm {
    dir: tempfile::TempDir,
    module: PathBuf,
}

impl Hsm {
    /// A new empty store, or None (after saying why) without SoftHSM2.
    fn new() -> Option<Hsm> {
        let module = std::env::var_os("BAITAI_PKCS11_MODULE")
            .map(PathBuf::from)
            .filter(|p| p.exists())
            .or_else(|| MODULES.iter().map(PathBuf::from).find(|p| p.exists()));
        let util = Command::new("softhsm2-util").arg("--version").output();
        let (Some(module), true) = (module, util.is_ok_and(|o| o.status.success())) else {
            skip_outside_ci("SoftHSM2 is not installed (scripts/start-softhsm --install)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("tokens")).unwrap();
        fs::write(
            dir.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path().join("tokens").display()
            ),
        )
        .unwrap();
        Some(Hsm { dir, module })
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    /// Initialise a new token labelled `label` with the test PINs.
    fn token(&self, label: &str) {
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", self.conf())
            .args(["--init-token", "--free", "--label", label])
            .args(["--so-pin", SO_PIN, "--pin", PIN])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "softhsm2-util --init-token: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The variables the binary needs to reach these tokens.
    fn vars(&self) -> Vec<(String, std::ffi::OsString)> {
        vec![
            ("SOFTHSM2_CONF".into(), self.conf().into()),
            ("BAITAI_PKCS11_MODULE".into(), self.module.clone().into()),
        ]
    }
}

/// `env` with its own token store; None without SoftHSM2.
fn with_tokens(mut env: Env) -> Option<(Env, Hsm)> {
    let hsm = Hsm::new()?;
    env.vars = hsm.vars();
    fs::write(env.path("pin"), format!("{PIN}\n")).unwrap();
    Some((env, hsm))
}

/// Add a person with their key on a new token labelled `label`; from then on their
/// "passphrase file" (what `ok_as` passes) holds the token's PIN.
fn add_on_token(env: &Env, hsm: &Hsm, id: &str, name: &str, role: &str, label: &str) {
    hsm.token(label);
    let pin = env.path("pin");
    let v = env.ok_as(
        &[
            "person",
            "add",
            name,
            "--affiliation",
            "情報保証室",
            "--role",
            role,
            "--token",
            "--token-label",
            label,
            "--token-pin-file",
            pin.to_str().unwrap(),
        ],
        ADMIN,
    );
    assert_eq!(v["person"], id);
    assert_eq!(v["token"]["label"], label);
    assert_eq!(v["token"]["manufacturer"], "SoftHSM project");
    fs::write(env.pass(id), format!("{PIN}\n")).unwrap();
}

/// A copy of the ledger in an SQLite file (`ledger copy`, from a file or a server), to read
/// its rows independently of baitai.
fn copy_of(env: &Env) -> Connection {
    let to = env.path("copy.db");
    let _ = fs::remove_file(&to);
    env.ok(&[
        "ledger",
        "copy",
        "--from",
        env.ledger.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
    ]);
    Connection::open(&to).unwrap()
}

/// Every signature by `person` since their current key was introduced (by `person.add`, or
/// the `person.passwd` of a key change or a move to a token), checked with the p256 crate
/// against that key over the message docs/ledger.md §5 specifies: how many verified.
fn verify_independently(c: &Connection, person: &str) -> usize {
    let (since, key): (i64, String) = c
        .query_row(
            "SELECT seq, coalesce(json_extract(payload, '$.new_key.public_key'),
                                  json_extract(payload, '$.public_key'))
               FROM entries
              WHERE kind IN ('person.add', 'person.passwd')
                AND json_extract(payload, '$.id') = ?1
                AND coalesce(json_extract(payload, '$.new_key.public_key'),
                             json_extract(payload, '$.public_key')) IS NOT NULL
              ORDER BY seq DESC LIMIT 1",
            [person],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&hex::decode(key).unwrap()).unwrap();
    let mut st = c
        .prepare(
            "SELECT s.role, e.hash, s.signature FROM signatures s JOIN entries e ON e.seq = s.seq
              WHERE s.person = ?1 AND s.seq > ?2",
        )
        .unwrap();
    let rows: Vec<(String, Vec<u8>, Vec<u8>)> = st
        .query_map(rusqlite::params![person, since], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (role, hash, sig) in &rows {
        let mut msg = b"baitai-entry-signature-v1\0".to_vec();
        msg.extend_from_slice(role.as_bytes());
        msg.push(0);
        msg.extend_from_slice(hash);
        let sig = p256::ecdsa::Signature::from_slice(sig).unwrap();
        use p256::ecdsa::signature::Verifier;
        vk.verify(&msg, &sig)
            .unwrap_or_else(|e| panic!("{person}'s {role} signature: {e}"));
    }
    rows.len()
}

on_file_and_server!(
    people_on_tokens_do_a_whole_lifecycle_and_keep_no_sealed_key,
    a_ledger_that_requires_tokens_refuses_a_sealed_custodian_until_they_move,
    a_wrong_pin_is_recorded_like_a_wrong_passphrase,
);

/// A custodian, a witness and a handler on tokens: register, approve, write a vault (the escrow
/// slot of the token custodian in it), take it back, open the escrow slot, destroy before the
/// witness. `ledger verify` passes; their signatures verify outside baitai; the manifest the
/// token handler signed verifies in the reference reader; no sealed key of theirs is stored.
fn people_on_tokens_do_a_whole_lifecycle_and_keep_no_sealed_key(env: Env) {
    let Some((env, hsm)) = with_tokens(env) else {
        return;
    };
    add_on_token(
        &env,
        &hsm,
        TOKEN_CUSTODIAN,
        "トークン 管理者",
        "custodian",
        "cust",
    );
    add_on_token(
        &env,
        &hsm,
        TOKEN_WITNESS,
        "トークン 立会者",
        "witness",
        "wit",
    );
    add_on_token(
        &env,
        &hsm,
        TOKEN_HANDLER,
        "トークン 取扱者",
        "handler",
        "hand",
    );
    let v = env.ok_as(
        &["medium", "register", "--class", "C3", "--label", "t"],
        TOKEN_CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    // Approved by the token custodian: a carry-out, taken back.
    let ap = vec![
        "--approver".to_string(),
        TOKEN_CUSTODIAN.to_string(),
        "--approver-pin-file".to_string(),
        env.pass(TOKEN_CUSTODIAN).to_str().unwrap().to_string(),
    ];
    let until = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(30))
        .to_zoned(jiff::tz::TimeZone::get("Asia/Tokyo").unwrap())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    env.ok_as(
        &args(
            &[
                "carry-out",
                &m,
                "--until",
                &until,
                "--destination",
                "協力会社A",
                "--purpose",
                "打合せ",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(&["return", &m], TOKEN_CUSTODIAN);
    // A second medium, for the vault: the first has no verified clean state since it came back.
    let v = env.ok_as(
        &["medium", "register", "--class", "C3", "--label", "v"],
        TOKEN_CUSTODIAN,
    );
    let vm = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &vm, "--purpose", "設計データ"], TOKEN_HANDLER);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    let mount_s = mount.to_str().unwrap();
    let file = env.path("図面.txt");
    fs::write(&file, b"held by a token").unwrap();
    let rp = env.path("recipient-pass");
    fs::write(&rp, "Partner-Pass-2026!\n").unwrap();
    env.ok_as(
        &[
            "put",
            mount_s,
            file.to_str().unwrap(),
            "--medium",
            &vm,
            "--recipient-passphrase-file",
            rp.to_str().unwrap(),
        ],
        TOKEN_HANDLER,
    );
    env.ok_as(&["return", &vm, "--path", mount_s], TOKEN_CUSTODIAN);
    // The token custodian opens the vault through their escrow slot (ECDH on the token).
    let out = env.path("out");
    env.ok_as(
        &["get", mount_s, "--out", out.to_str().unwrap()],
        TOKEN_CUSTODIAN,
    );
    assert_eq!(fs::read(out.join("図面.txt")).unwrap(), b"held by a token");
    let w = vec![
        "--witness".to_string(),
        TOKEN_WITNESS.to_string(),
        "--witness-pin-file".to_string(),
        env.pass(TOKEN_WITNESS).to_str().unwrap().to_string(),
    ];
    env.ok_as(
        &args(
            &[
                "destroy",
                &m,
                "--method",
                "shred",
                "--unverifiable",
                "破損して読めない",
            ],
            &w,
        ),
        TOKEN_CUSTODIAN,
    );
    assert_eq!(env.state(&m).0, "destroyed");
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{out}");

    let c = copy_of(&env);
    // register ×2, approve, return ×2, get, destroy; witness; checkout and put.
    assert_eq!(verify_independently(&c, TOKEN_CUSTODIAN), 7);
    assert_eq!(verify_independently(&c, TOKEN_WITNESS), 1);
    assert!(verify_independently(&c, TOKEN_HANDLER) >= 2);
    let sealed: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM person_keys WHERE person IN ('P0007', 'P0008', 'P0009')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        sealed, 0,
        "no sealed key to guess at offline for people on tokens"
    );
    let others: i64 = c
        .query_row("SELECT COUNT(*) FROM person_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(others, 6, "the standard cast keep their sealed keys");

    let handler_key: String = c
        .query_row(
            "SELECT json_extract(payload, '$.public_key') FROM entries
              WHERE kind = 'person.add' AND json_extract(payload, '$.id') = ?1",
            [TOKEN_HANDLER],
            |r| r.get(0),
        )
        .unwrap();
    reference_reader(&env, &mount, &rp, &handler_key);
}

/// The vault's independent reader (fixtures/vault-v1/reference_decrypt.py, written from
/// docs/format.md) opens the outside recipient's slot and checks the manifest's signature,
/// made on the handler's token, against the handler's key from the ledger.
fn reference_reader(env: &Env, mount: &std::path::Path, rp: &std::path::Path, writer: &str) {
    let out = env.path("reference-out");
    let pass = fs::read_to_string(rp).unwrap();
    let args = ["--passphrase", pass.trim_end(), "--writer-key", writer];
    if reference_read(mount, &args, &out) {
        assert_eq!(fs::read(out.join("図面.txt")).unwrap(), b"held by a token");
    }
}

/// `ledger require-token --role custodian`: a custodian signing with a sealed key is refused
/// (exit 3, token-required) before any passphrase is asked, whether acting or approving; a
/// custodian on a token acts; `person token` moves the sealed one (signed by the old key and an
/// admin); the medium's return re-addresses their escrow slot to the token's key, and they open
/// it and act again; `ledger verify` replays it all through the same rule.
fn a_ledger_that_requires_tokens_refuses_a_sealed_custodian_until_they_move(env: Env) {
    let Some((env, hsm)) = with_tokens(env) else {
        return;
    };
    add_on_token(
        &env,
        &hsm,
        TOKEN_CUSTODIAN,
        "トークン 管理者",
        "custodian",
        "cust",
    );
    let v = env.ok_as(&["ledger", "require-token", "--role", "custodian"], ADMIN);
    assert_eq!(v["require_token"], serde_json::json!(["custodian"]));
    let (code, err) = env.fail_as(
        &["medium", "register", "--class", "C3", "--label", "t"],
        CUSTODIAN,
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("token-required"), "{err}");
    let v = env.ok_as(
        &["medium", "register", "--class", "C3", "--label", "t"],
        TOKEN_CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    let (code, err) = env.fail_as(
        &args(
            &[
                "carry-out",
                &m,
                "--until",
                "2099-01-01 10:00",
                "--destination",
                "A",
                "--purpose",
                "B",
            ],
            &env.approver(CUSTODIAN),
        ),
        HANDLER,
    );
    assert_eq!(code, 3, "a sealed approver is refused too: {err}");
    // A vault made while the custodian's key was sealed: their escrow slot names that key.
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    let mount_s = mount.to_str().unwrap();
    let file = env.path("f.txt");
    fs::write(&file, b"escrowed").unwrap();
    env.ok_as(
        &["put", mount_s, file.to_str().unwrap(), "--medium", &m],
        HANDLER,
    );

    hsm.token("c3");
    let pin = env.path("pin");
    let v = env.ok_as(
        &args(
            &[
                "person",
                "token",
                "--token-label",
                "c3",
                "--token-pin-file",
                pin.to_str().unwrap(),
            ],
            &env.approver(ADMIN),
        ),
        CUSTODIAN,
    );
    assert_eq!(v["token"]["label"], "c3");
    fs::write(env.pass(CUSTODIAN), format!("{PIN}\n")).unwrap();
    // Their token cannot open the old slot until the vault comes back: the return re-addresses
    // it to the token's key, under the returning custodian's own slot.
    let out = env.path("out");
    let (code, err) = env.fail_as(&["get", mount_s, "--out", out.to_str().unwrap()], CUSTODIAN);
    assert_eq!(code, 4, "{err}");
    let v = env.ok_as(&["return", &m, "--path", mount_s], TOKEN_CUSTODIAN);
    assert_eq!(
        v["key_slots_removed"]["readdressed"],
        serde_json::json!([CUSTODIAN]),
        "{v}"
    );
    env.ok_as(&["get", mount_s, "--out", out.to_str().unwrap()], CUSTODIAN);
    assert_eq!(fs::read(out.join("f.txt")).unwrap(), b"escrowed");
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{out}");
    let c = copy_of(&env);
    assert_eq!(
        verify_independently(&c, CUSTODIAN),
        1,
        "the get, on the token"
    );

    // Lifted: a sealed custodian acts again.
    env.ok_as(&["ledger", "require-token", "--none"], ADMIN);
    env.ok_as(
        &["medium", "register", "--class", "C3", "--label", "t"],
        CUSTODIAN2,
    );
}

/// A wrong PIN fails with exit 4 and is recorded as a failed attempt of that person, as a
/// wrong passphrase is; the right one then works and shows the attempt.
fn a_wrong_pin_is_recorded_like_a_wrong_passphrase(env: Env) {
    let Some((env, hsm)) = with_tokens(env) else {
        return;
    };
    add_on_token(
        &env,
        &hsm,
        TOKEN_CUSTODIAN,
        "トークン 管理者",
        "custodian",
        "cust",
    );
    let bad = env.path("bad-pin");
    fs::write(&bad, "999999\n").unwrap();
    let (code, err) = env.fail(&[
        "medium",
        "register",
        "--class",
        "C3",
        "--as",
        TOKEN_CUSTODIAN,
        "--pin-file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("wrong PIN"), "{err}");
    let v = env.ok(&["person", "show", TOKEN_CUSTODIAN]);
    assert_eq!(v["person"]["failed_attempts_since_last_use"], 1);
    assert_eq!(v["person"]["token"]["label"], "cust");
    let v = env.ok_as(&["medium", "register", "--class", "C3"], TOKEN_CUSTODIAN);
    assert_eq!(
        v["notices"][0]["failed_attempts"].as_array().map(Vec::len),
        Some(1)
    );
}

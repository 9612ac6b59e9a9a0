//! The vault through the real binary: put, ls, get, verify, erase, and what the ledger records.

use std::fs;
use std::path::PathBuf;

use crate::common::*;

/// A ledger with a medium checked out by the handler, a mount directory and a source tree.
struct Setup {
    env: Env,
    medium: String,
    mount: PathBuf,
}

fn setup() -> Setup {
    let env = Env::new();
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "設計データ"], HANDLER);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    Setup { env, medium, mount }
}

fn write(env: &Env, name: &str, data: &[u8]) -> String {
    let p = env.path(name);
    if let Some(d) = p.parent() {
        fs::create_dir_all(d).unwrap();
    }
    fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_string()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i >> 16) as u8)
        .collect()
}

#[test]
fn round_trip_sizes_for_both_ciphers() {
    for cipher in ["aes-256-gcm", "camellia-256-gcm"] {
        let s = setup();
        let mount = s.mount.to_str().unwrap();
        let sizes = [0usize, 1, 65_535, 65_536, 65_537, 3 << 20];
        let mut args = vec![
            "put".to_string(),
            mount.into(),
            "--medium".into(),
            s.medium.clone(),
            "--cipher".into(),
            cipher.into(),
        ];
        for n in sizes {
            args.push(write(&s.env, &format!("src/f{n}"), &pattern(n)));
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = s.env.ok_as(&a, HANDLER);
        assert_eq!(v["cipher"], cipher);
        assert_eq!(v["files"], 6);
        let out = s.env.path("out");
        s.env
            .ok_as(&["get", mount, "--out", out.to_str().unwrap()], CUSTODIAN);
        for n in sizes {
            assert_eq!(
                fs::read(out.join(format!("f{n}"))).unwrap(),
                pattern(n),
                "{cipher} {n}"
            );
        }
        let ls = s.env.ok_as(&["ls", mount], HANDLER);
        assert_eq!(ls["files"].as_array().unwrap().len(), 6);
        let ver = s.env.ok_as(&["vault", "verify", mount], CUSTODIAN);
        assert_eq!(ver["failed"], 0);
    }
}

/// A Camellia vault sealed here (on libgcrypt where the system has it) opens in the
/// independent reader, which builds Camellia-GCM from OpenSSL's Camellia and a GHASH of its
/// own: a third implementation agrees, on a file of several chunks and a short last one.
#[test]
fn the_reference_reader_opens_a_camellia_vault_sealed_here() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let data = pattern(3 * 65_536 + 12_345);
    let f = write(&s.env, "chunks.bin", &data);
    let rp = write(&s.env, "recipient-pass", b"Partner-Pass-2026!\n");
    let v = s.env.ok_as(
        &[
            "put",
            mount,
            &f,
            "--medium",
            &s.medium,
            "--cipher",
            "camellia-256-gcm",
            "--recipient-passphrase-file",
            &rp,
        ],
        HANDLER,
    );
    assert_eq!(v["cipher"], "camellia-256-gcm");
    let out = s.env.path("reference-out");
    if reference_read(&s.mount, &["--passphrase", "Partner-Pass-2026!"], &out) {
        assert!(fs::read(out.join("chunks.bin")).unwrap() == data);
    }
}

#[test]
fn directories_keep_relative_paths_and_names_stay_hidden() {
    let s = setup();
    write(&s.env, "tree/設計/図面-秘.dwg", b"SECRET-DRAWING-CONTENT");
    write(&s.env, "tree/readme.txt", b"readme");
    let tree = s.env.path("tree");
    let mount = s.mount.to_str().unwrap();
    s.env.ok_as(
        &["put", mount, tree.to_str().unwrap(), "--medium", &s.medium],
        HANDLER,
    );
    let ls = s.env.ok_as(&["ls", mount], CUSTODIAN);
    let names: Vec<&str> = ls["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tree/readme.txt", "tree/設計/図面-秘.dwg"]);
    let mut raw = Vec::new();
    for e in walk(&s.mount) {
        raw.extend(e.to_string_lossy().as_bytes().to_vec());
        raw.extend(fs::read(&e).unwrap());
    }
    let raw = String::from_utf8_lossy(&raw);
    for needle in ["図面", "SECRET-DRAWING", "readme", ".dwg"] {
        assert!(!raw.contains(needle), "{needle} visible on the medium");
    }
    let out = s.env.path("out");
    s.env.ok_as(
        &["get", mount, "tree/設計", "--out", out.to_str().unwrap()],
        HANDLER,
    );
    assert_eq!(
        fs::read(out.join("tree/設計/図面-秘.dwg")).unwrap(),
        b"SECRET-DRAWING-CONTENT"
    );
    assert!(!out.join("tree/readme.txt").exists(), "only what was named");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn who_may_write_and_who_may_read() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "a.txt", b"a");
    // First put must name the medium.
    let (code, err) = s.env.fail_as(&["put", mount, &f], HANDLER);
    assert_eq!(code, 2, "{err}");
    // Only the handler who has it out may write.
    let (code, err) = s
        .env
        .fail_as(&["put", mount, &f, "--medium", &s.medium], HANDLER2);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("holder"), "{err}");
    let other = s.env.register();
    let (code, err) = s
        .env
        .fail_as(&["put", mount, &f, "--medium", &other], HANDLER);
    assert_eq!(code, 3, "{err}");
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    // Wrong passphrase: exit 4; a handler without a slot: exit 4, told whose slots there are
    // (not that their passphrase may be wrong: it was right).
    let p = s.env.path("wrong-pass");
    let (code, err) = s.env.fail(&[
        "ls",
        mount,
        "--as",
        HANDLER,
        "--passphrase-file",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{err}");
    let (code, err) = s.env.fail_as(&["ls", mount], HANDLER2);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(&format!("{HANDLER2} holds no key slot")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{HANDLER} (writer)")) && err.contains("(escrow)"),
        "{err}"
    );
    assert!(!err.contains("wrong passphrase"), "{err}");
    // The same name again needs --replace.
    let (code, err) = s.env.fail_as(&["put", mount, &f], HANDLER);
    assert_eq!(code, 3, "{err}");
    write(&s.env, "a.txt", b"second");
    s.env.ok_as(&["put", mount, &f, "--replace"], HANDLER);
    let out = s.env.path("o");
    s.env
        .ok_as(&["get", mount, "--out", out.to_str().unwrap()], CUSTODIAN2);
    assert_eq!(
        fs::read(out.join("a.txt")).unwrap(),
        b"second",
        "every custodian holds escrow"
    );
}

#[test]
fn an_outside_recipient_opens_with_a_passphrase_and_no_ledger() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "for-partner.pdf", b"partner copy");
    let rp = write(&s.env, "recipient-pass", b"Partner-Pass-2026!\n");
    s.env.ok_as(
        &[
            "put",
            mount,
            &f,
            "--medium",
            &s.medium,
            "--recipient-passphrase-file",
            &rp,
        ],
        HANDLER,
    );
    let out = s.env.path("partner");
    let elsewhere = s.env.path("no-ledger-here.db");
    let res = s
        .env
        .cmd()
        .env("BAITAI_LEDGER", &elsewhere)
        .args([
            "get",
            mount,
            "--out",
            out.to_str().unwrap(),
            "--vault-passphrase-file",
            &rp,
        ])
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_eq!(
        fs::read(out.join("for-partner.pdf")).unwrap(),
        b"partner copy"
    );
    assert!(!elsewhere.exists());
}

#[test]
fn tampering_is_reported_with_the_file_name() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "plan.txt", &pattern(100_000));
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    let obj = walk(&s.mount.join("BAITAI/obj")).pop().unwrap();
    let mut b = fs::read(&obj).unwrap();
    b[70_000] ^= 0x40;
    fs::write(&obj, &b).unwrap();
    let out = s.env.path("out");
    let (code, err) = s
        .env
        .fail_as(&["get", mount, "--out", out.to_str().unwrap()], HANDLER);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("plan.txt"), "{err}");
    // The advice is about the medium, not the ledger.
    assert!(
        err.contains("hint: the vault on the medium is damaged"),
        "{err}"
    );
    assert!(!err.contains("do not use this ledger"), "{err}");
    assert!(
        !out.join("plan.txt").exists(),
        "no unauthenticated plaintext left behind"
    );
    let leftovers = fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0);
    let (code, err) = s.env.fail_as(&["vault", "verify", mount], CUSTODIAN);
    assert_eq!(code, 5);
    assert!(err.contains("the ledger is not affected"), "{err}");
}

#[test]
fn the_ledger_remembers_what_was_on_the_medium_and_erase_needs_a_return() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "報告書.docx", &pattern(5000));
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    let out = s.env.path("out");
    s.env
        .ok_as(&["get", mount, "--out", out.to_str().unwrap()], HANDLER);
    let form = s
        .env
        .ok(&["ledger", "print", &s.medium, "--format", "json"]);
    let kinds: Vec<&str> = form["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"vault.put") && kinds.contains(&"vault.get"),
        "{kinds:?}"
    );
    let summary = form["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "vault.put")
        .unwrap()["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("報告書.docx"), "{summary}");
    // Erasing needs the medium back in storage.
    let (code, _) = s.env.fail_as(&["vault", "erase", mount], CUSTODIAN);
    assert_eq!(code, 3);
    s.env.ok_as(&["return", &s.medium], CUSTODIAN);
    let v = s.env.ok_as(&["vault", "erase", mount], CUSTODIAN);
    assert_eq!(v["wipe_required"], true);
    let (code, _) = s.env.fail_as(&["ls", mount], CUSTODIAN);
    assert_eq!(code, 2, "no vault any more");
    assert_eq!(
        s.env.state(&s.medium).1,
        "unverified",
        "crypto-erase is not a verified wipe"
    );
    assert_eq!(s.env.verify_code().0, 0);
}

#[test]
fn vault_info_needs_no_key() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "x", b"x");
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    let v = s.env.ok(&["vault", "info", mount]);
    assert_eq!(v["header"]["medium"], s.medium.as_str());
    assert_eq!(v["header"]["marking"], "C3-I1-A1");
}

#[test]
fn only_one_passphrase_may_come_from_stdin() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "x", b"x");
    let (code, err) = s.env.fail(&[
        "put",
        mount,
        &f,
        "--medium",
        &s.medium,
        "--as",
        HANDLER,
        "--passphrase-file",
        "-",
        "--recipient-passphrase-file",
        "-",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("only one passphrase can come from stdin"),
        "{err}"
    );
    assert!(!s.mount.join("BAITAI").exists(), "nothing written");
}

#[test]
fn options_for_a_new_vault_are_refused_on_an_existing_one() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "a.txt", b"one");
    s.env.ok_as(
        &[
            "put",
            mount,
            &f,
            "--medium",
            &s.medium,
            "--cipher",
            "camellia-256-gcm",
        ],
        HANDLER,
    );
    let g = write(&s.env, "b.txt", b"two");
    let pass = s.env.pass("P0007");
    let before = fs::read(s.mount.join("BAITAI/vault.mf")).unwrap();
    for (extra, needle) in [
        (vec!["--cipher", "aes-256-gcm"], "keeps the cipher"),
        (
            vec!["--recipient-passphrase-file", pass.to_str().unwrap()],
            "passphrase is set when a vault is made",
        ),
    ] {
        let mut a = vec!["put", mount, g.as_str()];
        a.extend(extra);
        let (code, err) = s.env.fail_as(&a, HANDLER);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(needle), "{err}");
    }
    assert_eq!(fs::read(s.mount.join("BAITAI/vault.mf")).unwrap(), before);
    // Naming the cipher the vault already has is fine.
    s.env
        .ok_as(&["put", mount, &g, "--cipher", "camellia-256-gcm"], HANDLER);
}

#[test]
fn ls_shows_times_in_the_ledger_zone() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "a.txt", b"one");
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    let p = s.env.pass(HANDLER);
    let out = s
        .env
        .cmd()
        .args(["ls", mount, "--as", HANDLER, "--passphrase-file"])
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text.lines().find(|l| l.starts_with("a.txt")).unwrap();
    // Shown as the form shows times (Asia/Tokyo, to the minute), not as stored in UTC.
    assert!(!row.contains('T') && !row.ends_with('Z'), "{row}");
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Tokyo").unwrap());
    assert!(row.contains(&now.strftime("%Y-%m-%d").to_string()), "{row}");
}

/// The mode bits of a path, without the file type.
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn get_creates_directories_and_files_only_the_reader_can_open() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    write(&s.env, "tree/設計/図面.dwg", b"drawing");
    let rp = write(&s.env, "recipient-pass", b"Partner-Pass-2026!\n");
    let tree = s.env.path("tree");
    s.env.ok_as(
        &[
            "put",
            mount,
            tree.to_str().unwrap(),
            "--medium",
            &s.medium,
            "--recipient-passphrase-file",
            &rp,
        ],
        HANDLER,
    );
    // As a person with the ledger, and as an outside recipient without one.
    let mine = s.env.path("mine/new");
    s.env
        .ok_as(&["get", mount, "--out", mine.to_str().unwrap()], HANDLER);
    let theirs = s.env.path("theirs/new");
    let res = s
        .env
        .cmd()
        .env("BAITAI_LEDGER", s.env.path("no-ledger-here.db"))
        .args(["get", mount, "--out", theirs.to_str().unwrap()])
        .args(["--vault-passphrase-file", &rp])
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    for out in [mine, theirs] {
        let dirs = [
            out.parent().unwrap().to_path_buf(),
            out.clone(),
            out.join("tree"),
            out.join("tree/設計"),
        ];
        for d in dirs {
            assert_eq!(mode(&d), 0o700, "{}", d.display());
        }
        let file = out.join("tree/設計/図面.dwg");
        assert_eq!(fs::read(&file).unwrap(), b"drawing");
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn vault_info_escapes_control_characters_from_the_header() {
    let s = setup();
    let mount = s.mount.to_str().unwrap();
    let f = write(&s.env, "x", b"x");
    s.env
        .ok_as(&["put", mount, &f, "--medium", &s.medium], HANDLER);
    // A hostile medium's header, read before any key: an escape sequence and a forged line.
    let hostile = "USB-2026-0001\u{1b}]0;owned\u{7}\nOrganisation: forged";
    let path = s.mount.join("BAITAI/vault.hdr");
    let raw = fs::read(&path).unwrap();
    let len = u32::from_be_bytes(raw[10..14].try_into().unwrap()) as usize;
    let mut body: serde_json::Value = serde_json::from_slice(&raw[14..14 + len]).unwrap();
    body["medium"] = hostile.into();
    body["org"] = "\u{1b}[2J\u{202e}gro".into();
    let body = serde_json::to_vec(&body).unwrap();
    let mut forged = raw[..10].to_vec();
    forged.extend((body.len() as u32).to_be_bytes());
    forged.extend(&body);
    forged.extend(&raw[raw.len() - 32..]);
    fs::write(&path, forged).unwrap();

    let out = s.env.cmd().args(["vault", "info", mount]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{text:?}");
    assert!(
        text.contains("Medium: USB-2026-0001\\u{1b}]0;owned\\u{7}\\u{a}Organisation: forged\n"),
        "{text}"
    );
    assert!(
        text.contains("Organisation: \\u{1b}[2J\\u{202e}gro\n"),
        "{text}"
    );
    assert_eq!(text.matches("\nOrganisation:").count(), 1, "{text}");
    // JSON keeps the header exactly as it is.
    let v = s.env.ok(&["vault", "info", mount]);
    assert_eq!(v["header"]["medium"], hostile);
}

/// `return --path` at a folder that is not the medium (issue 18, item 1): the form would say
/// ファイルなし while the medium holds files the ledger knows of. Refused, exit 6, nothing
/// recorded; the right mount point is then accepted.
#[test]
fn return_at_a_folder_that_is_not_the_medium_is_refused() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "図面"], HANDLER);
    let mount = env.path("usb");
    std::fs::create_dir_all(&mount).unwrap();
    let file = env.path("図面.txt");
    std::fs::write(&file, "data").unwrap();
    let (mount_s, file_s) = (mount.to_str().unwrap(), file.to_str().unwrap());
    env.ok_as(&["put", mount_s, file_s, "--medium", &m], HANDLER);
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let entries = |env: &Env| {
        env.ok(&["medium", "show", &m])["form"]["events"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = entries(&env);
    let (code, err) = env.fail_as(
        &["return", &m, "--path", empty.to_str().unwrap()],
        CUSTODIAN,
    );
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("holds none") && err.contains("mount point"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(entries(&env), before, "nothing recorded");
    // Another medium's vault is refused as well.
    let other = env.register();
    env.ok_as(&["checkout", &other, "--purpose", "x"], HANDLER);
    let mount2 = env.path("usb2");
    std::fs::create_dir_all(&mount2).unwrap();
    env.ok_as(
        &["put", mount2.to_str().unwrap(), file_s, "--medium", &other],
        HANDLER,
    );
    let (code, err) = env.fail_as(
        &["return", &m, "--path", mount2.to_str().unwrap()],
        CUSTODIAN,
    );
    assert_eq!(code, 6, "{err}");
    assert!(err.contains(&format!("{other}'s, not {m}'s")), "{err}");
    let v = env.ok_as(&["return", &m, "--path", mount_s], CUSTODIAN);
    assert_eq!(v["data"], "data-present", "{v}");
}

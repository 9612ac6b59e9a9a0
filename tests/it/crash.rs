//! Crash harness: `put`, ledger appends and `wipe` killed with SIGKILL at random moments, then
//! checked for what must survive (issue 6, "nothing lost").
//!
//! Trials per run: `BAITAI_CRASH_TRIALS` (default 60 for put, 60 for appends, 12 for wipe).
//! The random seed is printed; `BAITAI_CRASH_SEED` repeats a run.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::server::ServerDb;
use crate::common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

fn trials(default: usize) -> usize {
    std::env::var("BAITAI_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rng(what: &str) -> StdRng {
    let seed = std::env::var("BAITAI_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{what}: BAITAI_CRASH_SEED={seed}");
    StdRng::seed_from_u64(seed)
}

/// The binary as `person`, not yet started, with stderr kept for the failure message.
fn baitai(env: &Env, args: &[&str], person: &str) -> Command {
    let mut c = env.process_as(args, person);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// How a killed process ended: killed, or it had already finished (with its exit code).
#[derive(Debug, PartialEq)]
enum Ending {
    Killed,
    Finished(i32),
}

/// Keeps kills landing mid-run when the machine speeds up or slows down after calibration:
/// delays shrink after a run that finished before its kill, and grow back slowly otherwise.
struct Aim {
    scale: f64,
}

impl Aim {
    fn new() -> Aim {
        Aim { scale: 1.0 }
    }

    fn delay(&self, expected: Duration) -> Duration {
        expected.mul_f64(self.scale)
    }

    fn learn(&mut self, ending: &Ending) {
        self.scale = match ending {
            Ending::Killed => (self.scale * 1.03).min(1.5),
            Ending::Finished(_) => self.scale * 0.8,
        };
    }
}

fn kill_after(mut child: Child, delay: Duration) -> (Ending, String) {
    std::thread::sleep(delay);
    let ending = match child.try_wait().unwrap() {
        Some(status) => Ending::Finished(status.code().unwrap_or(-1)),
        None => {
            child.kill().unwrap();
            Ending::Killed
        }
    };
    let out = child.wait_with_output().unwrap();
    (ending, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn sha_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Deterministic contents that differ per trial, so a swapped object would show.
fn contents(trial: usize, len: usize) -> Vec<u8> {
    let mut r = StdRng::seed_from_u64(trial as u64);
    let mut v = vec![0u8; len];
    r.fill(&mut v[..]);
    v
}

/// The vault's file list as `ls` reports it: name -> SHA-256.
fn listing(env: &Env, mount: &Path) -> BTreeMap<String, String> {
    let v = env.ok_as(&["ls", mount.to_str().unwrap()], HANDLER);
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_vault_verifies(env: &Env, mount: &Path, what: &str) {
    let v = env.ok_as(&["vault", "verify", mount.to_str().unwrap()], CUSTODIAN);
    assert_eq!(v["failed"], 0, "{what}: vault verify {v}");
}

/// `ledger verify` passes, and a file also passes SQLite's own integrity check (a server's
/// storage is the server's to check).
fn assert_ledger_verifies_in(env: &Env, db: Option<&ServerDb>, what: &str) {
    match db {
        Some(_) => {
            let (code, out) = env.verify_code();
            assert_eq!(code, 0, "{what}: ledger verify failed: {out}");
        }
        None => assert_ledger_verifies(env, what),
    }
}

fn assert_ledger_verifies(env: &Env, what: &str) {
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{what}: ledger verify failed: {out}");
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{what}: SQLite integrity_check");
}

fn entries_of(env: &Env, kind: &str) -> i64 {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    c.query_row(
        "SELECT count(*) FROM entries WHERE kind = ?1",
        [kind],
        |r| r.get(0),
    )
    .unwrap()
}

/// How long an uninterrupted put takes, from two timed runs: fixed cost plus cost per byte.
struct PutCost {
    fixed: Duration,
    per_mib: Duration,
}

impl PutCost {
    fn measure(env: &Env, medium: &str, max_len: usize) -> PutCost {
        let fixed = time_put(env, medium, 0);
        let full = time_put(env, medium, max_len);
        let per_mib = full
            .saturating_sub(fixed)
            .mul_f64((1 << 20) as f64 / max_len as f64);
        eprintln!("put: {fixed:?} fixed, {per_mib:?} per MiB");
        PutCost { fixed, per_mib }
    }

    fn of(&self, len: usize) -> Duration {
        self.fixed + self.per_mib.mul_f64(len as f64 / (1 << 20) as f64)
    }
}

/// Time one uninterrupted put of `len` bytes into a directory of its own.
fn time_put(env: &Env, _medium: &str, len: usize) -> Duration {
    let mount = env.path(&format!("calibrate{len}"));
    fs::create_dir_all(&mount).unwrap();
    // A medium of its own: a medium holds one vault, which the ledger binds.
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "calibration"], HANDLER);
    let (_, child) = start_put(env, &medium, &mount, usize::MAX - len, len);
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

struct PutTrial {
    name: String,
    sha: String,
    mount: PathBuf,
}

/// Start a put of a fresh file of random size; return what it would add and the child.
fn start_put(env: &Env, medium: &str, mount: &Path, trial: usize, len: usize) -> (PutTrial, Child) {
    let name = format!("t{trial:03}.bin");
    let data = contents(trial, len);
    let src = env.path(&format!("src/{name}"));
    fs::create_dir_all(src.parent().unwrap()).unwrap();
    fs::write(&src, &data).unwrap();
    let child = baitai(
        env,
        &[
            "put",
            mount.to_str().unwrap(),
            "--medium",
            medium,
            src.to_str().unwrap(),
        ],
        HANDLER,
    )
    .spawn()
    .unwrap();
    let t = PutTrial {
        name,
        sha: sha_hex(&data),
        mount: mount.to_path_buf(),
    };
    (t, child)
}

/// After a killed put: the vault opens, holds exactly what was committed before plus the
/// interrupted file either whole or not at all, and every object decrypts to its SHA-256.
fn check_after_put(
    env: &Env,
    t: &PutTrial,
    committed: &mut BTreeMap<String, String>,
    what: &str,
) -> bool {
    if !baitai::vault::exists(&t.mount) {
        assert!(committed.is_empty(), "{what}: the vault is gone");
        return false;
    }
    let mut now = listing(env, &t.mount);
    let landed = match now.remove(&t.name) {
        Some(sha) => {
            assert_eq!(
                sha, t.sha,
                "{what}: interrupted file stored with other content"
            );
            true
        }
        None => false,
    };
    assert_eq!(&now, committed, "{what}: committed files changed");
    if landed {
        let out = env.path("landed");
        let _ = fs::remove_dir_all(&out);
        let mount = t.mount.to_str().unwrap();
        env.ok_as(
            &["get", mount, &t.name, "--out", out.to_str().unwrap()],
            CUSTODIAN,
        );
        let back = fs::read(out.join(&t.name)).unwrap();
        assert_eq!(
            sha_hex(&back),
            t.sha,
            "{what}: interrupted file decrypts differently"
        );
        committed.insert(t.name.clone(), t.sha.clone());
    }
    landed
}

#[test]
fn put_killed_at_random_moments_loses_nothing() {
    let env = Env::new();
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "crash test"], HANDLER);
    let max_len = 4 << 20;
    let cost = PutCost::measure(&env, &medium, max_len);
    let mut aim = Aim::new();
    let mut r = rng("put");
    let n = trials(60);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    let mut committed = BTreeMap::new();
    let (mut killed, mut landed, mut created, mut unrecorded) = (0, 0, 0, 0);
    for trial in 0..n {
        // Every tenth trial starts on an empty directory, to kill vault creation too.
        // A fresh vault is another medium's: a medium holds one vault, which the ledger binds.
        let fresh = trial % 10 == 0;
        let (here, target) = if fresh {
            let m = env.path(&format!("fresh{trial}"));
            fs::create_dir_all(&m).unwrap();
            let other = env.register();
            env.ok_as(&["checkout", &other, "--purpose", "crash test"], HANDLER);
            (m, other)
        } else {
            (mount.clone(), medium.clone())
        };
        let len = match r.gen_range(0..4) {
            0 => r.gen_range(0..70_000),
            1 => r.gen_range(0..1 << 20),
            _ => r.gen_range(0..max_len),
        };
        // Up to 10% past the expected end, so some runs also finish on their own.
        // Half the kills aim at the end, where the object, manifest and entry are committed.
        let share = if r.gen_bool(0.5) {
            r.gen_range(0.0..1.0)
        } else {
            r.gen_range(0.85..1.1)
        };
        let delay = aim.delay(cost.of(len).mul_f64(share));
        let puts_before = entries_of(&env, "vault.put");
        let (t, child) = start_put(&env, &target, &here, trial, len);
        let (ending, stderr) = kill_after(child, delay);
        aim.learn(&ending);
        let what = format!("put trial {trial} ({len} bytes, kill after {delay:?}, {ending:?})");
        if let Ending::Finished(code) = ending {
            assert_eq!(code, 0, "{what}: {stderr}");
        } else {
            killed += 1;
        }
        let landed_now = if fresh {
            created += usize::from(baitai::vault::exists(&here));
            check_after_put(&env, &t, &mut BTreeMap::new(), &what)
        } else {
            check_after_put(&env, &t, &mut committed, &what)
        };
        landed += usize::from(landed_now);
        let recorded = entries_of(&env, "vault.put") > puts_before;
        if landed_now && !recorded {
            unrecorded += 1;
        }
        if trial % 10 == 9 {
            assert_vault_verifies(&env, &mount, &what);
        }
        if ending == Ending::Finished(0) {
            assert!(
                baitai::vault::exists(&here),
                "{what}: finished without a vault"
            );
        }
        assert_ledger_verifies(&env, &what);
    }
    eprintln!(
        "put: {n} trials, {killed} killed mid-run, {landed} files landed, \
         {created} of {} fresh vaults created, {unrecorded} stored but not yet in the ledger",
        n.div_ceil(10)
    );
    assert!(
        killed >= n / 2,
        "too few kills landed mid-run: {killed} of {n}"
    );
    check_everything_decrypts(&env, &mount, &committed);
}

/// A last uninterrupted put cleans up what the killed ones left, and every committed file
/// comes back bit-exact through `get`.
fn check_everything_decrypts(env: &Env, mount: &Path, committed: &BTreeMap<String, String>) {
    let medium = listing_medium(env, mount);
    let (t, child) = start_put(env, &medium, mount, 9999, 1000);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expect = committed.clone();
    expect.insert(t.name.clone(), t.sha.clone());
    assert_eq!(listing(env, mount), expect);
    let names: BTreeSet<String> = expect.keys().cloned().collect();
    let id = baitai::vault::read_header(mount).unwrap().body.vault_id;
    assert_eq!(
        recorded_names(env, &id),
        names,
        "the ledger does not record what the vault holds"
    );
    let objects = fs::read_dir(mount.join("BAITAI/obj")).unwrap().count();
    assert_eq!(objects, expect.len(), "temporary objects left behind");
    let out = env.path("out");
    env.ok_as(
        &[
            "get",
            mount.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        CUSTODIAN,
    );
    for (name, sha) in &expect {
        assert_eq!(&sha_hex(&fs::read(out.join(name)).unwrap()), sha, "{name}");
    }
}

/// Every name the ledger's `vault.put` entries for one vault record as stored on it, whether
/// put by that entry or found unrecorded by it.
fn recorded_names(env: &Env, vault_id: &str) -> BTreeSet<String> {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let mut q = c
        .prepare("SELECT payload FROM entries WHERE kind = 'vault.put' ORDER BY seq")
        .unwrap();
    let payloads: Vec<String> = q
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|p| p.unwrap())
        .collect();
    let mut names = BTreeSet::new();
    for p in payloads {
        let v: serde_json::Value = serde_json::from_str(&p).unwrap();
        if v["vault_id"] != vault_id {
            continue;
        }
        let unrecorded = v["unrecorded"].as_array().into_iter().flatten();
        for f in v["added"].as_array().unwrap().iter().chain(unrecorded) {
            names.insert(f["name"].as_str().unwrap().to_string());
        }
    }
    names
}

fn listing_medium(env: &Env, mount: &Path) -> String {
    let v = env.ok_as(&["ls", mount.to_str().unwrap()], HANDLER);
    v["medium"].as_str().unwrap().to_string()
}

/// Ledger appends killed at random moments: registering media and adding people (an entry,
/// its signatures and a sealed key in one transaction).
#[test]
fn ledger_appends_killed_at_random_moments_leave_a_valid_chain() {
    appends_killed(&Env::new(), None);
}

/// The same on a ledger server (issue 16): a client killed mid-append leaves the server's
/// transaction to roll back, never half an entry.
#[test]
fn appends_to_a_server_killed_at_random_moments_leave_a_valid_chain() {
    let Some((env, db)) = Env::built_on_server("crash_appends") else {
        return;
    };
    appends_killed(&env, Some(&db));
}

fn appends_killed(env: &Env, db: Option<&ServerDb>) {
    let mut r = rng("appends");
    let n = trials(60);
    let new_pass = env.pass("P0007");
    let act = |trial: usize| -> (Vec<String>, &str) {
        let name = format!("臨時 職員{trial}");
        let args: Vec<&str> = if trial % 2 == 0 {
            vec!["medium", "register", "--class", "C3", "--label", "crash"]
        } else {
            vec![
                "person",
                "add",
                &name,
                "--affiliation",
                "試験課",
                "--role",
                "handler",
                "--new-passphrase-file",
                new_pass.to_str().unwrap(),
            ]
        };
        let who = if trial % 2 == 0 { CUSTODIAN } else { ADMIN };
        (args.into_iter().map(String::from).collect(), who)
    };
    let mut costs = Vec::new();
    let mut aim = Aim::new();
    for trial in [1_000_000, 1_000_001] {
        let (args, who) = act(trial);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let start = Instant::now();
        let out = baitai(env, &args, who).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        costs.push(start.elapsed());
    }
    let (mut killed, mut landed) = (0, 0);
    for trial in 0..n {
        let which = trial % 2;
        let (args, who) = act(trial);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Aim most kills at the second half, where the transaction runs.
        let delay = aim.delay(costs[which].mul_f64(r.gen_range(0.3..1.1)));
        let before = entry_count(env, db);
        let (ending, stderr) = kill_after(baitai(env, &args, who).spawn().unwrap(), delay);
        aim.learn(&ending);
        let what = format!("append trial {trial} ({args:?}, kill after {delay:?}, {ending:?})");
        match ending {
            Ending::Finished(code) => assert_eq!(code, 0, "{what}: {stderr}"),
            Ending::Killed => killed += 1,
        }
        let after = entry_count(env, db);
        assert!(
            after == before || after == before + 1,
            "{what}: {before} -> {after}"
        );
        landed += usize::from(after > before);
        assert_ledger_verifies_in(env, db, &what);
        if after > before && which == 1 {
            assert_person_complete(env, db, &what);
        }
    }
    eprintln!("appends: {n} trials, {killed} killed mid-run, {landed} entries landed");
    assert!(
        killed >= n / 2,
        "too few kills landed mid-run: {killed} of {n}"
    );
    // The ledger still takes entries after all that.
    env.register();
    assert_ledger_verifies_in(env, db, "after the trials");
}

fn entry_count(env: &Env, db: Option<&ServerDb>) -> i64 {
    if let Some(db) = db {
        return db.count("SELECT count(*) FROM entries");
    }
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap()
}

/// The newest person has a sealed key: their entry and key landed together.
fn assert_person_complete(env: &Env, db: Option<&ServerDb>, what: &str) {
    let v = env.ok(&["person", "list"]);
    let last = v["people"].as_array().unwrap().last().unwrap().clone();
    let id = last["id"].as_str().unwrap();
    if let Some(db) = db {
        let keys = db.count(&format!(
            "SELECT count(*) FROM person_keys WHERE person = '{id}'"
        ));
        assert_eq!(keys, 1, "{what}: {id} has no sealed key");
        return;
    }
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let keys: i64 = c
        .query_row(
            "SELECT count(*) FROM person_keys WHERE person = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 1, "{what}: {id} has no sealed key");
}

/// `wipe --method zero` killed at random moments on an image: the medium is never left looking
/// clean unless the image really is all zeros, and a killed wipe never opens the reuse gate.
#[test]
fn wipe_killed_at_random_moments_never_looks_clean() {
    let env = Env::new();
    let mut r = rng("wipe");
    let n = trials(21);
    let size = 24 << 20;
    let (mut killed, mut incomplete, mut clean) = (0, 0, 0);
    let mut cost = Duration::ZERO;
    let mut aim = Aim::new();
    for trial in 0..n {
        let img = env.path(&format!("w{trial}.img"));
        fs::write(&img, contents(trial, size)).unwrap();
        let img = img.to_str().unwrap().to_string();
        let m = returned_with_data(&env, &img);
        let args = ["wipe", &m, "--image", &img, "--method", "zero", "--yes"];
        if trial == 0 {
            // The first wipe runs to the end: its time spreads the kills of the others.
            let start = Instant::now();
            let out = baitai(&env, &args, CUSTODIAN).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            cost = start.elapsed();
            assert!(all_zero(&img));
            continue;
        }
        let delay = aim.delay(cost.mul_f64(r.gen_range(0.0..1.1)));
        let (ending, stderr) = kill_after(baitai(&env, &args, CUSTODIAN).spawn().unwrap(), delay);
        aim.learn(&ending);
        let what = format!("wipe trial {trial} (kill after {delay:?}, {ending:?})");
        match ending {
            Ending::Finished(code) => assert_eq!(code, 0, "{what}: {stderr}"),
            Ending::Killed => killed += 1,
        }
        let data = env.state(&m).1;
        match data.as_str() {
            "verified-clean" => {
                clean += 1;
                assert!(
                    all_zero(&img),
                    "{what}: clean in the ledger, data on the image"
                );
            }
            "wipe-incomplete" | "data-present" => {
                incomplete += 1;
                let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
                assert_eq!(code, 3, "{what}: a {data} medium was issued");
            }
            other => panic!("{what}: unexpected data state {other}"),
        }
        assert_ledger_verifies(&env, &what);
    }
    eprintln!(
        "wipe: {} killed trials, {killed} killed mid-run, {incomplete} left unclean, \
         {clean} finished clean",
        n - 1
    );
    assert!(
        killed >= (n - 1) / 2,
        "too few kills landed mid-run: {killed}"
    );
}

fn all_zero(img: &str) -> bool {
    fs::read(img).unwrap().iter().all(|&b| b == 0)
}

/// A medium registered on `img`, checked out and returned holding data.
fn returned_with_data(env: &Env, img: &str) -> String {
    let v = env.ok_as(
        &["medium", "register", "--image", img, "--class", "C3"],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(&["checkout", &m, "--purpose", "crash test"], HANDLER);
    env.ok_as(&["return", &m, "--image", img], CUSTODIAN);
    assert_eq!(env.state(&m).1, "data-present");
    m
}

/// A put run to the end, as `HANDLER`, of file `t{trial:03}.bin` with `len` bytes.
fn put_to_end(env: &Env, medium: &str, mount: &Path, trial: usize, len: usize) {
    let (_, child) = start_put(env, medium, mount, trial, len);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A put killed between publishing its manifest and committing its entry: the vault is
/// updated, while the ledger and this user's verify checkpoint and verified copy (each moved
/// only after a commit) stay as they were.
fn put_missed_by_the_ledger(env: &Env, medium: &str, mount: &Path, trial: usize, len: usize) {
    let saved = env.save_ledger();
    put_to_end(env, medium, mount, trial, len);
    env.put_back(&saved);
}

fn last_put_payload(env: &Env) -> serde_json::Value {
    let c = rusqlite::Connection::open(&env.ledger).unwrap();
    let payload: String = c
        .query_row(
            "SELECT payload FROM entries WHERE kind = 'vault.put' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    serde_json::from_str(&payload).unwrap()
}

/// A put whose manifest went in but whose entry never committed (here: the ledger put back
/// to a copy taken before it) is recorded by the next put, as `unrecorded`.
#[test]
fn a_put_the_ledger_missed_is_recorded_by_the_next_one() {
    let env = Env::new();
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "crash test"], HANDLER);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    put_to_end(&env, &medium, &mount, 1, 10);
    put_missed_by_the_ledger(&env, &medium, &mount, 2, 20);
    put_to_end(&env, &medium, &mount, 3, 30);
    let v = last_put_payload(&env);
    assert_eq!(v["added"][0]["name"], "t003.bin", "{v}");
    assert_eq!(
        v["unrecorded"],
        serde_json::json!([{"name": "t002.bin", "size": 20}]),
        "{v}"
    );
    let id = baitai::vault::read_header(&mount).unwrap().body.vault_id;
    let all = ["t001.bin", "t002.bin", "t003.bin"].map(String::from);
    assert_eq!(recorded_names(&env, &id), BTreeSet::from(all));
    // A put onto a vault the ledger is up to date with finds nothing unrecorded.
    put_to_end(&env, &medium, &mount, 4, 40);
    let v = last_put_payload(&env);
    assert!(v.get("unrecorded").is_none(), "{v}");
    assert_eq!(env.verify_code().0, 0);
}

/// Found by the crash harness: the put that would have recorded a missed one was killed in
/// the same moment, leaving the vault two versions ahead of the ledger; it was refused as
/// rolled back, and its files were out of reach until a wipe.
#[test]
fn two_puts_the_ledger_missed_in_a_row_are_recorded_by_the_next_one() {
    let env = Env::new();
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "crash test"], HANDLER);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    put_to_end(&env, &medium, &mount, 1, 10);
    put_missed_by_the_ledger(&env, &medium, &mount, 2, 20);
    put_missed_by_the_ledger(&env, &medium, &mount, 3, 30);
    let names: BTreeSet<String> = listing(&env, &mount).into_keys().collect();
    assert_eq!(names.len(), 3, "{names:?}");
    put_to_end(&env, &medium, &mount, 4, 40);
    let v = last_put_payload(&env);
    assert_eq!(
        v["unrecorded"],
        serde_json::json!([{"name": "t002.bin", "size": 20}, {"name": "t003.bin", "size": 30}]),
        "{v}"
    );
    let id = baitai::vault::read_header(&mount).unwrap().body.vault_id;
    let all = ["t001.bin", "t002.bin", "t003.bin", "t004.bin"].map(String::from);
    assert_eq!(recorded_names(&env, &id), BTreeSet::from(all));
    assert_eq!(env.verify_code().0, 0);
}

/// Found by the crash harness: a first put (the one that creates the vault) missed by the
/// ledger, then read back with `get` (which records the vault's ID), was taken for an erased
/// vault copied back, and every later put was refused.
#[test]
fn a_first_put_the_ledger_missed_and_read_back_is_recorded_by_the_next_one() {
    let env = Env::new();
    let medium = env.register();
    env.ok_as(&["checkout", &medium, "--purpose", "crash test"], HANDLER);
    let mount = env.path("mnt");
    fs::create_dir_all(&mount).unwrap();
    put_missed_by_the_ledger(&env, &medium, &mount, 1, 10);
    let out = env.path("out");
    let mount_s = mount.to_str().unwrap();
    env.ok_as(
        &["get", mount_s, "t001.bin", "--out", out.to_str().unwrap()],
        CUSTODIAN,
    );
    put_to_end(&env, &medium, &mount, 2, 20);
    let v = last_put_payload(&env);
    assert_eq!(
        v["unrecorded"],
        serde_json::json!([{"name": "t001.bin", "size": 10}]),
        "{v}"
    );
    assert_eq!(env.verify_code().0, 0);
}

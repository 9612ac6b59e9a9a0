//! Shared harness for the integration tests: a temporary ledger with a standard cast, driven
//! through the real `baitai` binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

pub const ADMIN: &str = "P0001";
pub const HANDLER: &str = "P0002";
pub const CUSTODIAN: &str = "P0003";
pub const CUSTODIAN2: &str = "P0004";
pub const WITNESS: &str = "P0005";
pub const HANDLER2: &str = "P0006";

/// The people every test ledger starts with: (id, name, affiliation, roles).
pub const CAST: &[(&str, &str, &str, &[&str])] = &[
    (HANDLER, "山田 太郎", "設計部 第一設計課", &["handler"]),
    (CUSTODIAN, "鈴木 花子", "情報保証室", &["custodian"]),
    (CUSTODIAN2, "高橋 三郎", "情報保証室", &["custodian"]),
    (WITNESS, "田中 次郎", "監査室", &["witness"]),
    (HANDLER2, "Jane Smith", "Engineering", &["handler"]),
];

/// The ledger every [`Env::new`] copies: built once per process (the binary run six times),
/// checkpointed so the one file holds it all. Kept under the target directory's tmp.
fn template() -> &'static std::path::Path {
    static TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let env = Env::built();
        env.checkpoint();
        let path = process_path("template-ledger").with_extension("db");
        std::fs::copy(&env.ledger, &path).unwrap();
        path
    })
}

/// `<target tmp>/<name>-<pid>`: a place for what this process builds once and keeps while it
/// runs (a template in a static, which is never dropped). What earlier test processes left
/// under `<name>-<pid>…` is removed first, once no process of that id runs any more.
pub fn process_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = format!("{name}-");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if pid.is_empty() || std::path::Path::new("/proc").join(&pid).exists() {
            continue;
        }
        // Another process may sweep the same leftovers: either removal will do.
        let _ = std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path()));
    }
    dir.join(format!("{name}-{}", std::process::id()))
}

/// A directory named `<name>-<pid>-…` under the target directory's tmp, for a template built
/// once per process (see [`process_path`]): a template's ledger may record paths inside it
/// (an image registered with `--image`), so it must stay where it was built while the
/// process runs, and a temporary directory of the system's would be left behind.
pub fn process_tempdir(name: &str) -> tempfile::TempDir {
    let base = process_path(name);
    let parent = base.parent().unwrap();
    let prefix = format!("{}-", base.file_name().unwrap().to_string_lossy());
    tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(parent)
        .unwrap()
}

/// A test that cannot run here (no root, a tool missing) says why and skips; under `CI=true`
/// it fails instead, since CI is set up to run it and a skip there would hide a failure.
pub fn skip_outside_ci(why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "this test must run under CI=true, but {why}"
    );
    eprintln!("SKIPPED: {why}");
}

/// The vault's independent reader, written from docs/format.md alone.
const REFERENCE_READER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/vault-v1/reference_decrypt.py"
);

/// Run the independent reader on the vault at `mount` with `args` (the slot to open, what to
/// check), writing its files to `out`, and require it to succeed. False, after
/// [`skip_outside_ci`], where no Python here has its libraries.
pub fn reference_read(mount: &std::path::Path, args: &[&str], out: &std::path::Path) -> bool {
    let Some(python) = reference_python() else {
        skip_outside_ci(
            "python3 with argon2 and cryptography is missing (scripts/install-test-deps)",
        );
        return false;
    };
    let res = std::process::Command::new(python)
        .arg(REFERENCE_READER)
        .arg(mount)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "reference reader: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    true
}

/// The first Python 3 that has argon2 and cryptography for [`REFERENCE_READER`]: the one on
/// PATH, or the system's, which Debian's python3-argon2 and python3-cryptography install into
/// (a pyenv or venv python3 earlier on PATH does not see them).
fn reference_python() -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|py| {
        std::process::Command::new(py)
            .args(["-c", "import argon2, cryptography"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A ledger and its user's anchors, saved by [`Env::save_ledger`].
pub struct Saved {
    db: PathBuf,
    state: PathBuf,
}

/// `cp -a`: a directory with its modes, as a backup would keep it.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    let ok = std::process::Command::new("cp")
        .args(["-a", from.to_str().unwrap(), to.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub ledger: PathBuf,
    /// Environment variables every run of the binary gets (a token module's, tests/it/token.rs).
    pub vars: Vec<(String, std::ffi::OsString)>,
}

impl Env {
    /// An empty directory with passphrase files; no ledger yet.
    pub fn empty() -> Env {
        Env::empty_in(tempfile::tempdir().unwrap())
    }

    /// [`Env::empty`] in the directory given.
    pub fn empty_in(dir: tempfile::TempDir) -> Env {
        let ledger = dir.path().join("ledger.db");
        let env = Env {
            dir,
            ledger,
            vars: Vec::new(),
        };
        for id in [
            "P0001", "P0002", "P0003", "P0004", "P0005", "P0006", "P0007",
        ] {
            std::fs::write(env.pass(id), format!("Pass-{id}-secret!\n")).unwrap();
        }
        std::fs::write(env.path("wrong-pass"), "Wrong-Pass-123!\n").unwrap();
        env
    }

    /// A ledger with the admin and the standard cast: a copy of one built once per test process,
    /// so every such ledger in a process is the same ledger (same identity, same keys). A test
    /// that needs a second, different ledger uses [`Env::built`].
    pub fn new() -> Env {
        Env::new_in(tempfile::tempdir().unwrap())
    }

    /// [`Env::new`] in the directory given.
    pub fn new_in(dir: tempfile::TempDir) -> Env {
        let env = Env::empty_in(dir);
        std::fs::copy(template(), &env.ledger).unwrap();
        env
    }

    /// A copy of this environment in a new temporary directory: its files (the ledger, this
    /// user's checkpoint, pins and verified copy under `HOME`, passphrase files, vaults,
    /// images) as `cp -a` copies them, except the top-level names in `leave`. Copy only an
    /// environment nothing is running on (a template, once built): several threads may copy
    /// it at once, so it is not even checkpointed here.
    ///
    /// The copy is the same ledger at another path: its pins name the old path, and the new
    /// one is pinned on first use, as a moved ledger is. What the ledger recorded about
    /// paths stays as it was: an image registered with `--image` is known by the path it
    /// had here, so a copy of the image elsewhere is another file to the ledger.
    pub fn copy_except(&self, leave: &[&str]) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let mut from: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| !leave.iter().any(|l| e.file_name() == *l))
            .map(|e| e.path())
            .collect();
        from.sort();
        if !from.is_empty() {
            let ok = std::process::Command::new("cp")
                .arg("-a")
                .args(&from)
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success(), "cp -a {from:?}");
        }
        let ledger = dir.path().join(self.ledger.file_name().unwrap());
        Env {
            dir,
            ledger,
            vars: self.vars.clone(),
        }
    }

    /// Move everything in the ledger's WAL into the file itself, so the file alone holds it.
    pub fn checkpoint(&self) {
        if !self.ledger.is_file() {
            return;
        }
        let c = rusqlite::Connection::open(&self.ledger).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }

    /// A ledger with the admin and the standard cast, built here by running the binary: a
    /// ledger of its own, with its own identity and keys.
    pub fn built() -> Env {
        let env = Env::empty();
        env.init();
        for (id, name, aff, roles) in CAST {
            let mut args = vec!["person", "add", name, "--affiliation", aff];
            for r in *roles {
                args.extend(["--role", r]);
            }
            let new = env.pass(id);
            let new = new.to_str().unwrap();
            args.extend(["--new-passphrase-file", new]);
            let v = env.ok_as(&args, ADMIN);
            assert_eq!(v["person"], *id);
        }
        env
    }

    pub fn init(&self) {
        let p = self.pass(ADMIN);
        self.ok(&[
            "init",
            "--org",
            "防衛装備テスト株式会社",
            "--admin",
            "佐藤 一郎",
            "--affiliation",
            "総務部",
            "--passphrase-file",
            p.to_str().unwrap(),
            "--insecure-fast-kdf",
        ]);
    }

    /// A library session on this ledger, with the verify checkpoint and verified copy where the
    /// binary keeps them under this environment's `HOME`, not the test process's own.
    pub fn session(&self) -> baitai::app::Session {
        let state = self.path(".local/state/baitai/verified.json");
        let store = baitai::ledger::Checkpoints::at(state);
        let anchors = baitai::app::Anchors::with(store, &self.ledger);
        baitai::app::Session::open_anchored(&self.ledger, Some(anchors)).unwrap()
    }

    /// The ledger and this user's checkpoint, pins and verified copy as they stand now, to put
    /// back with [`Env::put_back`]: what a command killed before its commit leaves.
    pub fn save_ledger(&self) -> Saved {
        let saved = Saved {
            db: self.path("saved-ledger.db"),
            state: self.path("saved-state"),
        };
        let _ = std::fs::remove_file(&saved.db);
        let _ = std::fs::remove_dir_all(&saved.state);
        self.sql(&format!("VACUUM INTO '{}'", saved.db.display()));
        copy_tree(&self.state_dir(), &saved.state);
        saved
    }

    /// The ledger and this user's anchors as [`Env::save_ledger`] saved them.
    pub fn put_back(&self, saved: &Saved) {
        self.drop_wal();
        std::fs::copy(&saved.db, &self.ledger).unwrap();
        std::fs::remove_dir_all(self.state_dir()).unwrap();
        copy_tree(&saved.state, &self.state_dir());
    }

    /// Remove the ledger's WAL and shared-memory files, before the file is replaced under them.
    pub fn drop_wal(&self) {
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.ledger.display()));
        }
    }

    /// Where the binary keeps this environment's checkpoint, pins and verified copies.
    pub fn state_dir(&self) -> PathBuf {
        self.path(".local/state/baitai")
    }

    /// A person's signing key, opened from their sealed key with their passphrase file.
    pub fn key_of(&self, who: &str) -> (baitai::model::PersonId, baitai::crypto::PersonKey) {
        let ledger = baitai::ledger::Ledger::open_read_only(&self.ledger).unwrap();
        let p = ledger.directory().unwrap().find(who).unwrap().clone();
        let pass = std::fs::read_to_string(self.pass(who)).unwrap();
        let pass = baitai::crypto::Passphrase::new(pass.trim_end().to_string());
        let key = ledger
            .sealed_key(&p.id)
            .unwrap()
            .open(&pass, &baitai::app::key_binding(&p.public_key))
            .unwrap_or_else(|_| panic!("the key of {who}"));
        (p.id, key)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn pass(&self, id: &str) -> PathBuf {
        self.path(&format!("pass-{id}"))
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("baitai").unwrap();
        // Tests read messages in English unless they ask for Japanese (BAITAI_LANG).
        c.env("BAITAI_LEDGER", &self.ledger)
            .env("BAITAI_LANG", "en")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", self.dir.path());
        c.envs(self.vars.iter().map(|(k, v)| (k, v)));
        c
    }

    /// The binary as a plain process, run with `--json` as `person`: for tests that spawn,
    /// kill or race it rather than wait for it.
    pub fn process_as(&self, args: &[&str], person: &str) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_baitai"));
        c.env("BAITAI_LEDGER", &self.ledger)
            .env("BAITAI_LANG", "en")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", self.dir.path())
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .arg("--json")
            .args(args)
            .arg("--as")
            .arg(person)
            .arg("--passphrase-file")
            .arg(self.pass(person));
        c
    }

    /// Run with `--json`; return the process output.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut c = self.cmd();
        c.arg("--json").args(args);
        c.output().unwrap()
    }

    /// Run, expect success, parse the JSON document.
    pub fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "baitai {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Run as a person (with their passphrase file), expect success.
    pub fn ok_as(&self, args: &[&str], person: &str) -> Value {
        let p = self.pass(person);
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--as", person, "--passphrase-file", p.to_str().unwrap()]);
        self.ok(&all)
    }

    /// Run as a person and return (exit code, stderr).
    pub fn fail_as(&self, args: &[&str], person: &str) -> (i32, String) {
        let p = self.pass(person);
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--as", person, "--passphrase-file", p.to_str().unwrap()]);
        self.fail(&all)
    }

    /// Run, expect failure, return (exit code, stderr).
    pub fn fail(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "baitai {args:?} unexpectedly succeeded"
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    /// `--approver P --approver-passphrase-file F` as owned strings.
    pub fn approver(&self, person: &str) -> Vec<String> {
        vec![
            "--approver".into(),
            person.into(),
            "--approver-passphrase-file".into(),
            self.pass(person).to_str().unwrap().into(),
        ]
    }

    pub fn witness(&self, person: &str) -> Vec<String> {
        vec![
            "--witness".into(),
            person.into(),
            "--witness-passphrase-file".into(),
            self.pass(person).to_str().unwrap().into(),
        ]
    }

    /// Register a medium as the custodian and return its number.
    pub fn register(&self) -> String {
        let v = self.ok_as(
            &["medium", "register", "--class", "C3", "--label", "test"],
            CUSTODIAN,
        );
        v["medium"].as_str().unwrap().to_string()
    }

    pub fn state(&self, medium: &str) -> (String, String) {
        let v = self.ok(&["medium", "show", medium]);
        (
            v["state"].as_str().unwrap().to_string(),
            v["data"].as_str().unwrap().to_string(),
        )
    }

    /// Execute raw SQL on the ledger file, as someone with the sqlite3 shell would.
    pub fn sql(&self, sql: &str) {
        let c = rusqlite::Connection::open(&self.ledger).unwrap();
        c.execute_batch(sql).unwrap();
    }

    pub fn verify_code(&self) -> (i32, String) {
        let out = self.run(&["ledger", "verify"]);
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    }
}

/// Join owned and borrowed args.
pub fn args<'a>(base: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    let mut v = base.to_vec();
    v.extend(extra.iter().map(String::as_str));
    v
}
pub mod server;
pub mod world;

/// Each `fn case(env: Env)` as two tests from its one source (issue 16): `case::on_a_file`, on
/// a copy of the template ledger ([`Env::new`]), and `case::on_a_server`, on a new ledger on the
/// test server ([`Env::built_on_server`], which skips without one). The database goes when
/// the case ends.
// Not every test binary that includes this module uses it.
#[allow(unused_macros)]
macro_rules! on_file_and_server {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[test]
            fn on_a_file() {
                super::$case($crate::common::Env::new());
            }

            #[test]
            fn on_a_server() {
                let test = stringify!($case);
                if let Some((env, _db)) = $crate::common::Env::built_on_server(test) {
                    super::$case(env);
                }
            }
        }
    )+};
}
#[allow(unused_imports)]
pub(crate) use on_file_and_server;

//! A ledger that holds every kind of entry, for the printouts and reports: built through the
//! real binary on top of [`Env::new`] once per test process, with the media it made named by
//! what happened to them; each [`World::new`] is a copy of it of its own.
#![allow(dead_code)]

use std::fs;
use std::sync::OnceLock;

use super::*;

/// The world every [`World::new`] copies, built once per process in a directory that stays
/// put while the process runs: its ledger recorded the path of the destroyed medium's image.
fn template() -> &'static World {
    static TEMPLATE: OnceLock<World> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let world = World::build(Env::new_in(process_tempdir("template-world")));
        world.env.checkpoint();
        world
    })
}

/// The media of [`World`], each left in a telling state.
pub struct World {
    pub env: Env,
    /// Image-backed: checked out, returned with data, wiped (zero, verified), destroyed with a
    /// witness. Its image, `m1.img`, is known to the ledger by the path it had in the
    /// template, so a copy has none (nothing is done with a destroyed medium's image).
    pub destroyed: String,
    /// Checked out, files put and read back, returned without a check (`unverified`), its
    /// vault crypto-erased. The vault was in the directory `returned-mnt`.
    pub returned: String,
    /// On loan to an outside borrower until 2099.
    pub on_loan: String,
    /// Carried out, a copy recorded at the destination, then transferred there.
    pub transferred: String,
    /// Checked out by the second handler, who reported it lost; its vault held two files.
    pub lost: String,
    /// Received from outside (unverified), never issued.
    pub received: String,
    /// Carried out by the handler until 2099.
    pub carried_out: String,
}

pub const UNTIL: &str = "2099-12-31";

fn own(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl World {
    /// A copy of the world built once per process, in a directory of its own: the ledger
    /// (the same ledger, moved), this user's checkpoint, pins and verified copy, the
    /// passphrase files and the vault directories; what a test does to it no other test
    /// sees. Every copy is the same ledger, as every [`Env::new`] is.
    pub fn new() -> World {
        let t = template();
        World {
            env: t.env.copy_except(&["m1.img"]),
            destroyed: t.destroyed.clone(),
            returned: t.returned.clone(),
            on_loan: t.on_loan.clone(),
            transferred: t.transferred.clone(),
            lost: t.lost.clone(),
            received: t.received.clone(),
            carried_out: t.carried_out.clone(),
        }
    }

    /// The world built through the binary in `env`.
    fn build(env: Env) -> World {
        people(&env);
        let destroyed = destroyed(&env);
        let returned = returned(&env);
        let on_loan = env.register();
        env.ok_as(
            &args(
                &[
                    "loan",
                    &on_loan,
                    "--to",
                    "協力会社 佐々木",
                    "--until",
                    UNTIL,
                    "--destination",
                    "協力会社 本社",
                    "--purpose",
                    "共同作業",
                ],
                &env.approver(CUSTODIAN),
            ),
            HANDLER,
        );
        let transferred = env.register();
        env.ok_as(
            &args(
                &[
                    "carry-out",
                    &transferred,
                    "--until",
                    UNTIL,
                    "--destination",
                    "防衛装備庁",
                    "--purpose",
                    "納入",
                ],
                &env.approver(CUSTODIAN),
            ),
            HANDLER,
        );
        env.ok_as(
            &args(
                &[
                    "copy",
                    &transferred,
                    "--data",
                    "試験記録",
                    "--to",
                    "試験場 担当",
                    "--purpose",
                    "記録の共有",
                ],
                &env.approver(CUSTODIAN),
            ),
            HANDLER,
        );
        env.ok_as(
            &args(
                &[
                    "transfer",
                    &transferred,
                    "--to",
                    "防衛装備庁 調達課",
                    "--purpose",
                    "納入",
                ],
                &env.approver(CUSTODIAN),
            ),
            HANDLER,
        );
        let lost = lost(&env);
        let v = env.ok_as(
            &["receive", "--from", "協力会社 佐々木", "--class", "C2"],
            CUSTODIAN,
        );
        let received = v["medium"].as_str().unwrap().to_string();
        let carried_out = env.register();
        env.ok_as(
            &args(
                &[
                    "carry-out",
                    &carried_out,
                    "--until",
                    UNTIL,
                    "--destination",
                    "横須賀 試験場",
                    "--purpose",
                    "試験データの持参",
                ],
                &env.approver(CUSTODIAN),
            ),
            HANDLER,
        );
        let stock = format!("{returned},{received}");
        env.ok_as(
            &[
                "inventory",
                "check",
                "--present",
                &stock,
                "--location",
                "保管庫A",
            ],
            CUSTODIAN,
        );
        World {
            env,
            destroyed,
            returned,
            on_loan,
            transferred,
            lost,
            received,
            carried_out,
        }
    }

    pub fn media(&self) -> [&str; 7] {
        [
            &self.destroyed,
            &self.returned,
            &self.on_loan,
            &self.transferred,
            &self.lost,
            &self.received,
            &self.carried_out,
        ]
    }
}

/// A temporary person who changes passphrase and is revoked; a wrong passphrase recorded.
fn people(env: &Env) {
    let p = env.pass("P0007");
    env.ok_as(
        &[
            "person",
            "add",
            "臨時 職員",
            "--affiliation",
            "試験課",
            "--role",
            "handler",
            "--new-passphrase-file",
            p.to_str().unwrap(),
        ],
        ADMIN,
    );
    let newp = env.path("pass-P0007-new");
    fs::write(&newp, "Neue-Pass-2026-x!\n").unwrap();
    env.ok_as(
        &[
            "person",
            "passwd",
            "P0007",
            "--new-passphrase-file",
            newp.to_str().unwrap(),
            "--approver",
            ADMIN,
            "--approver-passphrase-file",
            env.pass(ADMIN).to_str().unwrap(),
        ],
        "P0007",
    );
    env.ok_as(&["person", "revoke", "P0007"], ADMIN);
    let wrong = env.path("wrong-pass");
    let out = env.run(&[
        "medium",
        "register",
        "--class",
        "C3",
        "--as",
        CUSTODIAN,
        "--passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "a wrong passphrase is refused and recorded"
    );
}

/// The whole life of an image-backed medium, ending in a witnessed destruction.
fn destroyed(env: &Env) -> String {
    let img = env.path("m1.img");
    fs::write(&img, vec![0x5a; 2 << 20]).unwrap();
    let img = img.to_str().unwrap();
    let v = env.ok_as(
        &[
            "medium",
            "register",
            "--image",
            img,
            "--class",
            "C3",
            "--label",
            "設計部 1",
        ],
        CUSTODIAN,
    );
    let m = v["medium"].as_str().unwrap().to_string();
    env.ok_as(
        &["checkout", &m, "--purpose", "設計データの受渡し"],
        HANDLER,
    );
    env.ok_as(&["return", &m, "--image", img], CUSTODIAN);
    env.ok_as(
        &["wipe", &m, "--image", img, "--method", "zero", "--yes"],
        CUSTODIAN,
    );
    env.ok_as(
        &args(&["destroy", &m, "--method", "shred"], &env.witness(WITNESS)),
        CUSTODIAN,
    );
    m
}

/// Checked out, files put and read back, returned unchecked, vault crypto-erased.
fn returned(env: &Env) -> String {
    let m = env.register();
    env.ok_as(
        &["checkout", &m, "--purpose", "設計データの受渡し"],
        HANDLER,
    );
    let files = [("図面/A-001.dwg", 70_000), ("仕様書.pdf", 1000)];
    let mount = put_files(env, &m, "returned-mnt", &files);
    let out = env.path("returned-out");
    env.ok_as(&["get", &mount, "--out", out.to_str().unwrap()], CUSTODIAN);
    env.ok_as(&["return", &m], CUSTODIAN);
    env.ok_as(&["vault", "erase", &mount], CUSTODIAN);
    m
}

/// Checked out by the second handler, files put, reported lost.
fn lost(env: &Env) -> String {
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "出張先での説明"], HANDLER2);
    put_files(
        env,
        &m,
        "lost-mnt",
        &[("説明資料.pptx", 5000), ("議事録.docx", 300)],
    );
    env.ok_as(
        &[
            "lost",
            &m,
            "--circumstances",
            "電車内に置き忘れ、駅に届出済み",
        ],
        HANDLER2,
    );
    m
}

/// Put files of the given sizes into a vault in a new directory `dir`; return the directory.
fn put_files(env: &Env, m: &str, dir: &str, files: &[(&str, usize)]) -> String {
    let mount = env.path(dir);
    fs::create_dir_all(&mount).unwrap();
    let src = env.path(&format!("{dir}-src"));
    let mut all = own(&["put", mount.to_str().unwrap(), "--medium", m]);
    for (name, size) in files {
        let p = src.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, vec![7u8; *size]).unwrap();
        all.push(p.to_str().unwrap().to_string());
    }
    let holder = env.ok(&["medium", "show", m])["out"]["holder"]
        .as_str()
        .unwrap()
        .to_string();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    env.ok_as(&refs, &holder);
    mount.to_str().unwrap().to_string()
}

//! `ledger copy` (issue 16): a ledger into a new file or an empty server ledger and back, the
//! source verified before anything is written and the copy after, to the same head.

use crate::common::server::ServerDb;
use crate::common::*;

/// The head hash `ledger verify --json` reports for the ledger at `ledger`.
fn head_of(env: &Env, ledger: &str) -> String {
    let v = env.ok(&["--ledger", ledger, "ledger", "verify"]);
    v["head"].as_str().unwrap().to_string()
}

#[test]
fn a_copy_to_a_new_file_verifies_to_the_same_head_and_works_as_a_ledger() {
    let env = Env::new();
    let m = env.register();
    let from = env.ledger.to_str().unwrap().to_string();
    let to = env.path("archive/2026.db");
    let to = to.to_str().unwrap();
    let v = env.ok(&["ledger", "copy", "--from", &from, "--to", to]);
    assert_eq!(v["head"], head_of(&env, &from).as_str(), "{v}");
    assert_eq!(head_of(&env, to), head_of(&env, &from));
    assert!(v["entries"].as_u64().unwrap() > 5, "{v}");
    assert!(
        v["keys"].as_u64().unwrap() >= 5,
        "every person's sealed key: {v}"
    );
    // The copy is a ledger like any other: its people sign there with their own keys.
    let shown = env.ok(&["--ledger", to, "medium", "show", &m]);
    assert_eq!(shown["state"], "in-storage");
    let out = env
        .process_as(
            &["--ledger", to, "checkout", &m, "--purpose", "写しで作業"],
            HANDLER,
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second copy onto it is refused and leaves it as it was.
    let before = std::fs::read(to).unwrap();
    let (code, err) = env.fail(&["ledger", "copy", "--from", &from, "--to", to]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(to).unwrap(), before);
}

#[test]
fn a_source_that_fails_verification_is_not_copied() {
    let env = Env::new();
    env.register();
    env.sql(
        "DROP TRIGGER IF EXISTS entries_append_only_u; \
         UPDATE entries SET payload = replace(payload, 'test', 'tset') WHERE kind = 'medium.register'",
    );
    let from = env.ledger.to_str().unwrap().to_string();
    let to = env.path("copy.db");
    let (code, err) = env.fail(&[
        "ledger",
        "copy",
        "--from",
        &from,
        "--to",
        to.to_str().unwrap(),
    ]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("nothing was copied"), "{err}");
    assert!(
        !to.exists(),
        "a copy of a ledger that does not verify was written"
    );
    assert!(!env.path("copy.db.copying").exists());
}

#[test]
fn a_ledger_moves_to_a_server_and_is_kept_back_as_a_file() {
    let env = Env::new();
    let m = env.register();
    let Some(db) = ServerDb::new("copy") else {
        return;
    };
    let file = env.ledger.to_str().unwrap().to_string();
    let v = env.ok(&["ledger", "copy", "--from", &file, "--to", &db.url]);
    assert!(
        !v["to"].as_str().unwrap().contains('@'),
        "the server is shown without its login: {v}"
    );
    assert_eq!(head_of(&env, &db.url), head_of(&env, &file));
    // Work goes on on the server: a checkout there, signed as on the file.
    let site = Env::site_of(&db.url);
    site.ok_as(&["checkout", &m, "--purpose", "サーバ移行後"], HANDLER);
    // A second copy into the server, which now holds a ledger, is refused (rule init).
    let (code, err) = env.fail(&["ledger", "copy", "--from", &file, "--to", &db.url]);
    assert_eq!(code, 3, "{err}");
    // The year's ledger back from the server as a file that verifies on its own.
    let kept = env.path("kept/2026.db");
    let kept = kept.to_str().unwrap();
    env.ok(&["ledger", "copy", "--from", &db.url, "--to", kept]);
    assert_eq!(head_of(&env, kept), head_of(&env, &db.url));
    assert_eq!(site.state(&m).0, "in-use");
    let on_file = env.ok(&["--ledger", kept, "medium", "show", &m]);
    assert_eq!(on_file["state"], "in-use");
    assert_eq!(
        db.count("SELECT count(*) FROM entries"),
        rusqlite::Connection::open(kept)
            .unwrap()
            .query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))
            .unwrap()
    );
}

//! The ledger on a PostgreSQL server (issue 16), against the real server that
//! `scripts/start-postgres` starts and `.ci/run` points `BAITAI_TEST_PG` at. Without it the
//! tests say why and skip; under `CI=true` they fail instead, so CI cannot pass by skipping.
//! Each test works in a database of its own, so they run in parallel on one server.

use postgres::{Client, NoTls};

/// The server's URL (a superuser's), or None after saying why the test skips.
fn server() -> Option<String> {
    match std::env::var("BAITAI_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let why = "BAITAI_TEST_PG is not set: start a server with \
                       `eval \"$(scripts/start-postgres)\"` (.ci/run does)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("under CI the PostgreSQL tests must run, not skip: {why}");
            }
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// A new, empty database on the server for one test, dropped when it ends; with the URL to it.
struct Db {
    admin: String,
    name: String,
    url: String,
}

impl Db {
    fn new(admin: &str, test: &str) -> Db {
        let name = format!("baitai_{test}_{}_{:x}", std::process::id(), rand_suffix());
        let mut c = Client::connect(admin, NoTls).expect("connect to BAITAI_TEST_PG");
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Db {
            admin: admin.to_string(),
            url: with_database(admin, &name),
            name,
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    h.finish()
}

/// `url` with its database replaced by `db` (the URLs here have no query string).
fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{db}")
}

#[test]
fn the_test_server_answers() {
    let Some(admin) = server() else { return };
    let db = Db::new(&admin, "answers");
    let mut c = Client::connect(&db.url, NoTls).unwrap();
    let one: i32 = c.query_one("SELECT 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
}

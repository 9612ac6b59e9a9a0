//! The ledger on a PostgreSQL server (issue 16), against the real server that
//! `scripts/start-postgres` starts and `.ci/run` points `BAITAI_TEST_PG` at. Without it the
//! tests say why and skip; under `CI=true` they fail instead, so CI cannot pass by skipping.
//! Each test works in a database of its own, so they run in parallel on one server.

use postgres::{Client, NoTls};

/// The server's URL (a superuser's), or None after saying why the test skips. Every test
/// calls it first.
fn server() -> Option<String> {
    keep_state_apart();
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

/// The library keeps each user's copy of a server's rows under their state directory: this
/// process's own, not the real user's. Set once, before any test reads the environment (every
/// test calls [`server`] first, and the others wait on the `Once`).
fn keep_state_apart() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Emptied at each run: every test's database, and so its copy, is new.
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("postgres-state");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a state directory for the tests");
        std::env::set_var("XDG_STATE_HOME", &dir);
    });
}

/// The SQL that makes a database a ledger server, as shipped.
const INIT_SQL: &str = include_str!("../crates/baitai-ledger/sql/postgres-init.sql");

/// A new, empty database on the server for one test, dropped when it ends (with the login
/// roles the test made); with the URL to it.
struct Db {
    admin: String,
    name: String,
    url: String,
    logins: Vec<String>,
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
            logins: Vec::new(),
        }
    }

    /// Run the shipped init SQL in this database, as the superuser.
    fn init(&self) {
        // The roles are the cluster's, shared by every test's database: one test at a time
        // makes or grants them.
        static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
        let mut c = Client::connect(&self.url, NoTls).unwrap();
        c.batch_execute(INIT_SQL).expect("the init SQL runs");
    }

    /// A new login role that is a member of `role`; the URL that logs in as it.
    fn login(&mut self, role: &str) -> String {
        let user = format!("{}_{}", self.name, role.trim_start_matches("baitai_"));
        let password = format!("{:x}", rand_suffix());
        let mut c = Client::connect(&self.url, NoTls).unwrap();
        c.batch_execute(&format!(
            "CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE {role}"
        ))
        .unwrap();
        self.logins.push(user.clone());
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let (_, host) = rest.rsplit_once('@').unwrap();
        format!("{scheme}://{user}:{password}@{host}")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            for user in &self.logins {
                if let Err(e) = c.batch_execute(&format!("DROP ROLE IF EXISTS {user}")) {
                    eprintln!("could not drop the test's role {user}: {e}");
                }
            }
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

/// An entry row as the writer inserts it: `seq` linked to `prev` (hashes made up; the server
/// checks links, not hashes).
fn insert_entry(
    c: &mut Client,
    seq: i64,
    prev: &[u8],
    hash: &[u8],
) -> Result<u64, postgres::Error> {
    c.execute(
        "INSERT INTO baitai.entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
         VALUES ($1, '2026-01-01T00:00:00.000000Z', 'person.auth_failure', NULL, 'p1', '{}', $2, $3)",
        &[&seq, &prev, &hash],
    )
}

#[test]
fn a_writer_cannot_rewrite_history() {
    let Some(admin) = server() else { return };
    let mut db = Db::new(&admin, "writer");
    db.init();
    let writer = db.login("baitai_writer");
    let mut w = Client::connect(&writer, NoTls).expect("log in as the writer");
    // What a writer may do: append at the end of the chain, and read.
    insert_entry(&mut w, 1, &[0; 32], &[1; 32]).expect("the writer appends entry 1");
    w.execute(
        "INSERT INTO baitai.signatures(seq, role, person, signature) VALUES (1, 'actor', 'p1', '\\x00')",
        &[],
    )
    .expect("the writer appends a signature");
    insert_entry(&mut w, 2, &[1; 32], &[2; 32]).expect("the writer appends entry 2");

    // What it may not: every way of changing or removing what is there, or growing the chain
    // anywhere but at its end.
    let refused = [
        "UPDATE baitai.entries SET kind = 'medium.register' WHERE seq = 1",
        "UPDATE baitai.signatures SET person = 'p2'",
        "DELETE FROM baitai.entries WHERE seq = 2",
        "DELETE FROM baitai.signatures",
        "TRUNCATE baitai.entries CASCADE",
        "TRUNCATE baitai.signatures",
        "DROP TRIGGER entries_append_only ON baitai.entries",
        "DROP TRIGGER entries_link ON baitai.entries",
        "ALTER TABLE baitai.entries DISABLE TRIGGER ALL",
        "ALTER TABLE baitai.entries DROP CONSTRAINT entries_pkey",
        "ALTER TABLE baitai.signatures ADD COLUMN note text",
        "DROP TABLE baitai.entries CASCADE",
        "CREATE OR REPLACE FUNCTION baitai.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "UPDATE baitai.meta SET schema_version = 1",
        "CREATE TABLE baitai.entries2 (seq bigint)",
        "SET session_replication_role = replica",
    ];
    for sql in refused {
        let err = w
            .batch_execute(sql)
            .expect_err(&format!("the server lets a writer run: {sql}"));
        let db_err = err.as_db_error().expect("a refusal from the server");
        eprintln!("refused as it should be: {sql}: {}", db_err.message());
    }
    // Out of order: a gap, a second entry 2, a new first entry.
    assert!(
        insert_entry(&mut w, 4, &[2; 32], &[4; 32]).is_err(),
        "a gap"
    );
    assert!(
        insert_entry(&mut w, 2, &[1; 32], &[9; 32]).is_err(),
        "a second entry 2"
    );
    assert!(
        insert_entry(&mut w, 3, &[7; 32], &[3; 32]).is_err(),
        "a wrong link"
    );

    // Nothing changed, as the owner sees it.
    let mut a = Client::connect(&db.url, NoTls).unwrap();
    let rows = a
        .query(
            "SELECT seq, kind, hash FROM baitai.entries ORDER BY seq",
            &[],
        )
        .unwrap();
    let seen: Vec<(i64, String, Vec<u8>)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, "person.auth_failure".to_string(), vec![1; 32]),
            (2, "person.auth_failure".to_string(), vec![2; 32]),
        ]
    );
    let sigs: i64 = a
        .query_one("SELECT COUNT(*) FROM baitai.signatures", &[])
        .unwrap()
        .get(0);
    assert_eq!(sigs, 1);

    // Even the owner's own UPDATE is refused while the triggers stand.
    assert!(a
        .batch_execute("SET ROLE baitai_owner; UPDATE baitai.entries SET kind = 'x'")
        .is_err());
}

#[test]
fn an_auditor_only_reads() {
    let Some(admin) = server() else { return };
    let mut db = Db::new(&admin, "auditor");
    db.init();
    let auditor = db.login("baitai_auditor");
    let mut r = Client::connect(&auditor, NoTls).expect("log in as the auditor");
    let n: i64 = r
        .query_one("SELECT COUNT(*) FROM baitai.entries", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    assert!(insert_entry(&mut r, 1, &[0; 32], &[1; 32]).is_err());
    assert!(r
        .batch_execute("INSERT INTO baitai.person_keys VALUES ('p1', '{}')")
        .is_err());
}

mod through_the_ledger {
    //! The ledger's own API on a server ledger: the same entries, chain and verification as
    //! on a file.

    use super::{server, Db};
    use baitai_core::crypto::{KdfParams, PersonKey};
    use baitai_core::model::{AuthFailure, Body, LedgerInit, PersonAdd, PersonId, Role, SignRole};
    use baitai_ledger::{Draft, Ledger};
    use std::path::Path;

    fn person(n: u64, key: &PersonKey, roles: Vec<Role>) -> PersonAdd {
        PersonAdd {
            id: PersonId::nth(n),
            name: format!("Person {n}"),
            affiliation: "Site A".into(),
            roles,
            public_key: key.public(),
            encryption_key: key.agreement_public(),
            site: None,
            token: None,
        }
    }

    /// A ledger.init by P0001 and a person.add of P0002, through `Ledger::write`.
    fn start(url: &Path) -> PersonKey {
        let admin = PersonKey::generate();
        let mut ledger = Ledger::create(url).expect("create on the server");
        ledger
            .write(|w| {
                w.commit(
                    Draft {
                        medium: None,
                        actor: Some(PersonId::nth(1)),
                        body: Body::LedgerInit(LedgerInit {
                            org: "Example KK".into(),
                            timezone: "Asia/Tokyo".into(),
                            medium_prefix: "USB".into(),
                            lang: "en".into(),
                            day_end: "18:00".into(),
                            kdf: KdfParams::INSECURE_FAST,
                            admin: person(1, &admin, vec![Role::Admin]),
                        }),
                    },
                    &[(SignRole::Actor, &admin)],
                )
            })
            .expect("ledger.init");
        let handler = PersonKey::generate();
        ledger
            .write(|w| {
                w.commit(
                    Draft {
                        medium: None,
                        actor: Some(PersonId::nth(1)),
                        body: Body::PersonAdd(person(2, &handler, vec![Role::Handler])),
                    },
                    &[(SignRole::Actor, &admin)],
                )
            })
            .expect("person.add");
        admin
    }

    /// One failed attempt by P0002, appended by a ledger opened on its own.
    fn failed_attempt(url: &Path) {
        let mut ledger = Ledger::open(url).expect("open on the server");
        ledger
            .write(|w| {
                w.commit(
                    Draft {
                        medium: None,
                        actor: Some(PersonId::nth(2)),
                        body: Body::AuthFailure(AuthFailure {
                            id: PersonId::nth(2),
                            command: "checkout".into(),
                        }),
                    },
                    &[],
                )
            })
            .expect("person.auth_failure");
    }

    #[test]
    fn appends_verify_to_the_same_head_as_the_same_entries_in_sqlite() {
        let Some(admin) = server() else { return };
        let mut db = Db::new(&admin, "same_head");
        db.init();
        let writer = db.login("baitai_writer");
        let url = Path::new(&writer);
        start(url);
        // Four clients at once: every append serialises on the chain head, none is lost.
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        failed_attempt(url);
                    }
                });
            }
        });
        let on_server = Ledger::open_read_only(url).unwrap().verify().unwrap();
        assert!(on_server.ok(), "{:?}", on_server.failure);
        assert_eq!(on_server.entries, 22);
        assert_eq!(on_server.people, 2);

        // The same rows in an SQLite file verify to the same head.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ledger.db");
        drop(Ledger::create(&file).unwrap());
        let mut pg = postgres::Client::connect(&writer, postgres::NoTls).unwrap();
        let lite = rusqlite::Connection::open(&file).unwrap();
        for r in pg
            .query(
                "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash
                   FROM baitai.entries ORDER BY seq",
                &[],
            )
            .unwrap()
        {
            lite.execute(
                "INSERT INTO entries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    r.get::<_, i64>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, Option<String>>(3),
                    r.get::<_, Option<String>>(4),
                    r.get::<_, String>(5),
                    r.get::<_, Vec<u8>>(6),
                    r.get::<_, Vec<u8>>(7)
                ],
            )
            .unwrap();
        }
        for r in pg
            .query(
                "SELECT seq, role, person, signature FROM baitai.signatures",
                &[],
            )
            .unwrap()
        {
            lite.execute(
                "INSERT INTO signatures VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    r.get::<_, i64>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, Vec<u8>>(3)
                ],
            )
            .unwrap();
        }
        drop(lite);
        let in_file = Ledger::open_read_only(&file).unwrap().verify().unwrap();
        assert!(in_file.ok(), "{:?}", in_file.failure);
        assert_eq!(in_file.entries, on_server.entries);
        assert_eq!(in_file.head, on_server.head);
        assert!(on_server.head.is_some());
    }

    #[test]
    fn a_second_init_is_refused_and_an_unreachable_server_is_one_clear_error() {
        let Some(admin) = server() else { return };
        let mut db = Db::new(&admin, "refusals");
        db.init();
        let writer = db.login("baitai_writer");
        let url = Path::new(&writer);
        start(url);
        let again = Ledger::create(url)
            .err()
            .expect("a second ledger.init is refused");
        assert!(
            matches!(again, baitai_core::error::Error::Refused(_)),
            "{again}"
        );
        // Where the ledger is, but not the password in its URL.
        let password = writer
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('@'))
            .and_then(|(user, _)| user.split_once(':'))
            .map(|(_, p)| p)
            .unwrap();
        assert!(!again.to_string().contains(password), "{again}");

        // A port nothing listens on: one line, no password in it.
        let gone = Ledger::open(Path::new(
            "postgres://someone:secret-password@127.0.0.1:1/ledger",
        ))
        .err()
        .expect("nothing listens on port 1");
        let text = gone.to_string();
        assert!(
            text.contains("cannot reach the ledger server at postgres://127.0.0.1:1/ledger"),
            "{text}"
        );
        assert!(!text.contains("secret-password"), "{text}");
        assert!(!text.contains('\n'), "{text}");

        // A database without the ledger's tables says what to run.
        let bare = Db::new(&admin, "bare");
        let text = Ledger::open(Path::new(&bare.url))
            .err()
            .unwrap()
            .to_string();
        assert!(text.contains("postgres-init.sql"), "{text}");
    }

    #[test]
    fn a_connection_lost_mid_append_records_nothing() {
        let Some(admin) = server() else { return };
        let mut db = Db::new(&admin, "lost");
        db.init();
        let writer = db.login("baitai_writer");
        let user = writer
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once(':'))
            .map(|(u, _)| u.to_string())
            .unwrap();
        let url = Path::new(&writer);
        start(url);
        let mut ledger = Ledger::open(url).unwrap();
        let err = ledger
            .write(|w| {
                w.commit(
                    Draft {
                        medium: None,
                        actor: Some(PersonId::nth(2)),
                        body: Body::AuthFailure(AuthFailure {
                            id: PersonId::nth(2),
                            command: "checkout".into(),
                        }),
                    },
                    &[],
                )?;
                // The entry passed the rules; now the server ends this client's session, as a
                // dropped network or a restarted server would, before it is sent.
                let mut a = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
                a.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                    &[&user],
                )
                .unwrap();
                Ok(())
            })
            .expect_err("an append over a lost connection fails");
        let text = err.to_string();
        assert!(text.contains("ledger server at postgres://"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert_eq!(err.exit_code() as u8, 1, "{text}");
        let after = Ledger::open_read_only(url).unwrap().verify().unwrap();
        assert!(after.ok(), "{:?}", after.failure);
        assert_eq!(after.entries, 2, "nothing of the lost append was recorded");
    }

    /// One auth failure appended by `ledger` (its own session).
    fn fail_once(ledger: &mut Ledger) -> baitai_core::error::Result<()> {
        ledger.write(|w| {
            w.commit(
                Draft {
                    medium: None,
                    actor: Some(PersonId::nth(2)),
                    body: Body::AuthFailure(AuthFailure {
                        id: PersonId::nth(2),
                        command: "get".into(),
                    }),
                },
                &[],
            )
            .map(|_| ())
        })
    }

    #[test]
    fn a_trusted_session_verifies_what_other_sites_appended_before_its_own_append() {
        let Some(admin) = server() else { return };
        let mut db = Db::new(&admin, "trusted");
        db.init();
        let writer = db.login("baitai_writer");
        let url = Path::new(&writer);
        start(url);
        let state = tempfile::tempdir().unwrap();
        let anchors = || {
            baitai_ledger::Anchors::with(
                baitai_ledger::Checkpoints::at(state.path().join("verified.json")),
                url,
            )
        };
        // Site A's session verifies on opening (all of it: no checkpoint yet), keeping a local
        // verified copy, and appends.
        let mut a = Ledger::open(url).unwrap();
        a.trust(anchors()).unwrap();
        assert_eq!(a.verified().map(|v| v.seq), Some(2));
        fail_once(&mut a).unwrap();
        // Site B appends twice meanwhile, from a session of its own.
        let mut b = Ledger::open(url).unwrap();
        fail_once(&mut b).unwrap();
        fail_once(&mut b).unwrap();
        // A's next append verifies B's two entries first, then lands after them.
        fail_once(&mut a).unwrap();
        assert_eq!(a.verified().map(|v| v.seq), Some(6));
        assert!(
            state.path().join("copies").is_dir(),
            "the verified copy is local"
        );
        // A new session of A's user verifies only what follows its checkpoint.
        let mut again = Ledger::open(url).unwrap();
        again.trust(anchors()).unwrap();
        assert_eq!(again.verified().map(|v| v.seq), Some(6));
        let report = Ledger::open_read_only(url).unwrap().verify().unwrap();
        assert!(report.ok(), "{:?}", report.failure);
        assert_eq!(report.entries, 6);

        // Someone with the server's superuser rewrites entry 3 behind the triggers: the clients'
        // verification still finds it, since the server holds no keys.
        let mut su = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
        su.batch_execute(
            "ALTER TABLE baitai.entries DISABLE TRIGGER USER;
             UPDATE baitai.entries SET payload = replace(payload, '\"get\"', '\"copy\"') WHERE seq = 3;
             ALTER TABLE baitai.entries ENABLE TRIGGER USER;",
        )
        .unwrap();
        let report = Ledger::open_read_only(url).unwrap().verify().unwrap();
        assert_eq!(report.failure.map(|f| f.seq), Some(3));
    }

    mod connecting {
        //! How the ledger reaches its server: TLS as `sslmode` asks, a service file, `.pgpass`,
        //! and an append whose COMMIT reply was lost.

        use super::super::{server, Db};
        use super::{fail_once, start};
        use baitai_ledger::Ledger;
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::path::Path;
        use std::process::{Command, Output};
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        use std::sync::Arc;

        /// A writer's login to a new ledger database holding two entries.
        struct Login {
            db: Db,
            user: String,
            password: String,
            port: u16,
        }

        impl Login {
            fn new(admin: &str, test: &str) -> Login {
                let mut db = Db::new(admin, test);
                db.init();
                let url = db.login("baitai_writer");
                start(Path::new(&url));
                let (_, rest) = url.split_once("://").unwrap();
                let (creds, rest) = rest.split_once('@').unwrap();
                let (user, password) = creds.split_once(':').unwrap();
                let (hostport, _) = rest.split_once('/').unwrap();
                let port = hostport.rsplit_once(':').unwrap().1.parse().unwrap();
                Login {
                    user: user.into(),
                    password: password.into(),
                    port,
                    db,
                }
            }

            /// The ledger's URL on `host`, with `query`.
            fn url(&self, host: &str, query: &str) -> String {
                format!(
                    "postgres://{}:{}@{host}:{}/{}?{query}",
                    self.user, self.password, self.port, self.db.name
                )
            }

            /// Whether this login's one session on the server is over TLS.
            fn on_tls(&self) -> bool {
                let mut a = postgres::Client::connect(&self.db.url, postgres::NoTls).unwrap();
                let rows = a
                    .query(
                        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                          WHERE a.usename = $1",
                        &[&self.user],
                    )
                    .unwrap();
                assert_eq!(rows.len(), 1, "one session of {}", self.user);
                rows[0].get(0)
            }

            /// Open the ledger at `url`: whether its session is on TLS, once it verified.
            fn opens_on_tls(&self, url: &str) -> bool {
                let ledger = Ledger::open(Path::new(url)).unwrap_or_else(|e| panic!("{url}: {e}"));
                let tls = self.on_tls();
                let report = ledger.verify().unwrap();
                assert!(report.ok() && report.entries == 2, "{:?}", report.failure);
                tls
            }

            /// The one-line error opening the ledger at `url` gives.
            fn refusal(&self, url: &str) -> String {
                let e = Ledger::open(Path::new(url))
                    .err()
                    .unwrap_or_else(|| panic!("{url} opened"));
                let text = e.to_string();
                assert_eq!(e.exit_code() as u8, 1, "{text}");
                assert!(!text.contains('\n'), "{text}");
                assert!(!text.contains(&self.password), "{text}");
                text
            }

            /// The `baitai` binary on the ledger at `url` with only `env` for PostgreSQL,
            /// running `ledger verify`.
            fn verify_with(&self, home: &Path, url: &str, env: &[(&str, &str)]) -> Output {
                let mut c = Command::new(env!("CARGO_BIN_EXE_baitai"));
                c.env("BAITAI_LANG", "en");
                for (k, _) in std::env::vars() {
                    if k.starts_with("PG") || k == "BAITAI_LEDGER" || k.starts_with("XDG_") {
                        c.env_remove(k);
                    }
                }
                c.env("HOME", home)
                    .envs(env.iter().copied())
                    .args(["--ledger", url, "ledger", "verify"])
                    .output()
                    .unwrap()
            }
        }

        fn ca(var: &str) -> String {
            std::env::var(var).unwrap_or_else(|_| {
                panic!("{var} is not set: scripts/start-postgres sets it with BAITAI_TEST_PG")
            })
        }

        fn verified(out: &Output) -> bool {
            let text = String::from_utf8_lossy(&out.stdout);
            out.status.success() && text.starts_with("2 entries")
        }

        #[test]
        fn verify_full_with_the_servers_ca_opens_the_ledger_over_tls() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "tls_full");
            let ca = ca("BAITAI_TEST_PG_CA");
            for host in ["127.0.0.1", "localhost"] {
                let url = l.url(host, &format!("sslmode=verify-full&sslrootcert={ca}"));
                assert!(l.opens_on_tls(&url), "{url}");
            }
            assert!(l.opens_on_tls(&l.url("127.0.0.1", "sslmode=require")));
            assert!(l.opens_on_tls(&l.url("127.0.0.1", "sslmode=prefer")));
            assert!(!l.opens_on_tls(&l.url("127.0.0.1", "sslmode=disable")));
            assert!(!l.opens_on_tls(&l.url("127.0.0.1", "sslmode=allow")));
            // verify-ca checks the chain but not the name.
            let url = l.url(
                "elsewhere.invalid",
                &format!("hostaddr=127.0.0.1&sslmode=verify-ca&sslrootcert={ca}"),
            );
            assert!(l.opens_on_tls(&url));
        }

        #[test]
        fn a_certificate_another_ca_signed_is_refused_in_one_line() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "tls_wrong_ca");
            let other = ca("BAITAI_TEST_PG_OTHER_CA");
            // require with a root file given checks the chain, as libpq does.
            for mode in ["verify-full", "verify-ca", "require"] {
                let text =
                    l.refusal(&l.url("127.0.0.1", &format!("sslmode={mode}&sslrootcert={other}")));
                let expected = format!(
                    "cannot reach the ledger server at postgres://127.0.0.1:{}/{}: its TLS certificate is refused (sslmode={mode}): it is not signed by a CA in {other}",
                    l.port, l.db.name
                );
                assert_eq!(text, expected);
            }
            // prefer, as libpq's, falls back to plain when the certificate fails.
            let url = l.url("127.0.0.1", &format!("sslmode=prefer&sslrootcert={other}"));
            assert!(!l.opens_on_tls(&url));
            // verify-full without the CA's file says so before connecting.
            let missing = Ledger::open(Path::new(&l.url(
                "127.0.0.1",
                "sslmode=verify-full&sslrootcert=/nonexistent/ca.crt",
            )))
            .err()
            .unwrap();
            assert!(
                missing
                    .to_string()
                    .contains("/nonexistent/ca.crt does not exist"),
                "{missing}"
            );
            assert_eq!(missing.exit_code() as u8, 2);
        }

        #[test]
        fn verify_full_refuses_a_host_name_the_certificate_does_not_name() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "tls_name");
            let ca = ca("BAITAI_TEST_PG_CA");
            let url = l.url(
                "elsewhere.invalid",
                &format!("hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={ca}"),
            );
            let text = l.refusal(&url);
            assert!(
                text.ends_with("its TLS certificate is refused (sslmode=verify-full): it is not for the host name \"elsewhere.invalid\""),
                "{text}"
            );
            assert!(text.contains("postgres://elsewhere.invalid:"), "{text}");
        }

        #[test]
        fn a_service_file_names_the_server_for_the_binary() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "service");
            let home = tempfile::tempdir().unwrap();
            let file = home.path().join("services.conf");
            std::fs::write(
                &file,
                format!(
                    "# the ledger\n[ledger]\nhost=localhost\nport={}\ndbname={}\nuser={}\npassword={}\nsslmode=verify-full\nsslrootcert={}\n",
                    l.port,
                    l.db.name,
                    l.user,
                    l.password,
                    ca("BAITAI_TEST_PG_CA")
                ),
            )
            .unwrap();
            let file = file.to_str().unwrap();
            for url in ["postgres://?service=ledger", "postgres:///?service=ledger"] {
                let out = l.verify_with(home.path(), url, &[("PGSERVICEFILE", file)]);
                assert!(verified(&out), "{url}: {out:?}");
            }
            let named = [("PGSERVICEFILE", file), ("PGSERVICE", "ledger")];
            assert!(verified(&l.verify_with(home.path(), "postgres://", &named)));
            // The URL wins over the service: here, its wrong CA.
            let other = format!(
                "postgres://?service=ledger&sslrootcert={}",
                ca("BAITAI_TEST_PG_OTHER_CA")
            );
            let out = l.verify_with(home.path(), &other, &[("PGSERVICEFILE", file)]);
            assert_eq!(out.status.code(), Some(1), "{out:?}");
            // A service nobody defined: a usage error, in one line.
            let out = l.verify_with(
                home.path(),
                "postgres://?service=nowhere",
                &[("PGSERVICEFILE", file)],
            );
            assert_eq!(out.status.code(), Some(2), "{out:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("service \"nowhere\""), "{err}");
            assert!(!err.contains(&l.password), "{err}");
        }

        #[test]
        fn pgpass_gives_the_password_only_when_private() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "pgpass");
            let home = tempfile::tempdir().unwrap();
            let pgpass = home.path().join(".pgpass");
            // Over TCP by its address, and over the Unix socket as `localhost`.
            std::fs::write(
                &pgpass,
                format!(
                    "# host:port:database:user:password\nother:*:*:*:wrong\n127.0.0.1:{port}:{db}:{user}:{pw}\nlocalhost:{port}:*:{user}:{pw}\n",
                    port = l.port,
                    db = l.db.name,
                    user = l.user,
                    pw = l.password
                ),
            )
            .unwrap();
            let socket_dir = std::env::var("BAITAI_PG_DIR").ok();
            let mut urls = vec![format!(
                "postgres://{}@127.0.0.1:{}/{}",
                l.user, l.port, l.db.name
            )];
            if let Some(dir) = &socket_dir {
                urls.push(format!(
                    "postgres://{}@/{}?host={dir}&port={}",
                    l.user, l.db.name, l.port
                ));
            }
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |m| std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(m)).unwrap();
            mode(0o600);
            for url in &urls {
                let out = l.verify_with(home.path(), url, &[]);
                assert!(verified(&out), "{url}: {out:?}");
            }
            // PGPASSFILE names another file.
            let elsewhere = home.path().join("elsewhere");
            std::fs::rename(&pgpass, &elsewhere).unwrap();
            let out = l.verify_with(
                home.path(),
                &urls[0],
                &[("PGPASSFILE", elsewhere.to_str().unwrap())],
            );
            assert!(verified(&out), "{out:?}");
            std::fs::rename(&elsewhere, &pgpass).unwrap();
            // Readable by others: ignored, with a warning.
            mode(0o644);
            let out = l.verify_with(home.path(), &urls[0], &[]);
            assert_eq!(out.status.code(), Some(1), "{out:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("has group or world access"), "{err}");
            assert!(!err.contains(&l.password), "{err}");
        }

        /// A TCP proxy to the test server that loses the server's reply to the first COMMIT
        /// after an INSERT, as a network failing at that moment would: the server has
        /// committed when it sends that reply, so the append is on the server. After that it
        /// forwards new connections, or with `then_down`, closes them at once. Its port.
        fn losing_the_commit_reply(server_port: u16, then_down: bool) -> u16 {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let lost = Arc::new(AtomicBool::new(false));
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { return };
                    if then_down && lost.load(SeqCst) {
                        continue;
                    }
                    let upstream = TcpStream::connect(("127.0.0.1", server_port)).unwrap();
                    let inserted = Arc::new(AtomicBool::new(false));
                    let (mut c_in, mut u_out) =
                        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    let seen_insert = inserted.clone();
                    std::thread::spawn(move || {
                        let mut buf = vec![0; 1 << 16];
                        while let Ok(n @ 1..) = c_in.read(&mut buf) {
                            if buf[..n].windows(6).any(|w| w == b"INSERT") {
                                seen_insert.store(true, SeqCst);
                            }
                            if u_out.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                    });
                    let (mut u_in, mut c_out, lost) = (upstream, client, lost.clone());
                    std::thread::spawn(move || {
                        let mut buf = vec![0; 1 << 16];
                        while let Ok(n @ 1..) = u_in.read(&mut buf) {
                            // The server's CommandComplete for the append's COMMIT: it has
                            // committed, and the client never hears it.
                            let commit_reply = buf[..n].windows(7).any(|w| w == b"COMMIT\0");
                            if commit_reply && inserted.load(SeqCst) && !lost.load(SeqCst) {
                                lost.store(true, SeqCst);
                                break;
                            }
                            if c_out.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = c_out.shutdown(Shutdown::Both);
                        let _ = u_in.shutdown(Shutdown::Both);
                    });
                }
            });
            port
        }

        fn entries(l: &Login) -> u64 {
            let report = Ledger::open_read_only(Path::new(&l.url("127.0.0.1", "")))
                .unwrap()
                .verify()
                .unwrap();
            assert!(report.ok(), "{:?}", report.failure);
            report.entries
        }

        #[test]
        fn an_append_whose_commit_reply_is_lost_is_found_on_the_server() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "lost_reply");
            let proxy = losing_the_commit_reply(l.port, false);
            let url = format!(
                "postgres://{}:{}@127.0.0.1:{proxy}/{}?sslmode=disable",
                l.user, l.password, l.db.name
            );
            let mut ledger = Ledger::open(Path::new(&url)).unwrap();
            fail_once(&mut ledger).expect("the append committed, though its reply was lost");
            assert_eq!(entries(&l), 3);
            // The session goes on, on its new connection.
            fail_once(&mut ledger).unwrap();
            assert_eq!(entries(&l), 4);
        }

        #[test]
        fn an_append_whose_commit_reply_is_lost_with_the_server_is_reported_unknown() {
            let Some(admin) = server() else { return };
            let l = Login::new(&admin, "lost_server");
            let proxy = losing_the_commit_reply(l.port, true);
            let url = format!(
                "postgres://{}:{}@127.0.0.1:{proxy}/{}?sslmode=disable",
                l.user, l.password, l.db.name
            );
            let mut ledger = Ledger::open(Path::new(&url)).unwrap();
            let e = fail_once(&mut ledger).expect_err("the outcome cannot be known");
            let text = e.to_string();
            assert!(
                text.contains(
                    "the server may or may not have recorded it; run `baitai ledger verify`"
                ),
                "{text}"
            );
            assert!(
                !text.contains('\n') && !text.contains(&l.password),
                "{text}"
            );
            assert_eq!(e.exit_code() as u8, 1);
            assert_eq!(entries(&l), 3, "it had been recorded");
        }
    }
}

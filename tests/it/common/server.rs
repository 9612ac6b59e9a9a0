//! A ledger on the PostgreSQL server that `scripts/start-postgres` starts (`BAITAI_TEST_PG`,
//! issue 16): a database of its own per test, made a ledger server by the shipped SQL, and
//! dropped when the test ends. Without a server the test says why and skips; under `CI=true`
//! it fails instead.
#![allow(dead_code)]

use std::path::PathBuf;

use postgres::{Client, NoTls};

use super::{skip_outside_ci, Env, ADMIN, CAST};

/// The SQL that makes a database a ledger server, as shipped.
const INIT_SQL: &str = include_str!("../../../crates/baitai-ledger/sql/postgres-init.sql");

/// A test's database on the server; dropped with it, with the roles made for it.
pub struct ServerDb {
    admin: String,
    name: String,
    /// The URL of the test's database (as the server's superuser).
    pub url: String,
    /// The names of the init SQL's roles owner, writer and auditor in this database.
    roles: [String; 3],
    /// Roles made for this test alone (logins, and roles named for its database), dropped
    /// after it.
    own_roles: std::sync::Mutex<Vec<String>>,
}

/// The init SQL's roles as it names them unless told otherwise.
const DEFAULT_ROLES: [&str; 3] = ["baitai_owner", "baitai_writer", "baitai_auditor"];

impl ServerDb {
    /// A new database made a ledger server, or None (after saying why) without a server.
    pub fn new(test: &str) -> Option<ServerDb> {
        let db = ServerDb::bare(test)?;
        db.init("");
        Some(db)
    }

    /// [`ServerDb::new`] with roles of its own, `<prefix>_owner`, `<prefix>_writer` and
    /// `<prefix>_auditor` (the init SQL's settings `baitai.*_role`), as a second ledger on a
    /// cluster is made; `prefix` gets this process's ID, and the roles go with the database.
    pub fn with_roles(test: &str, prefix: &str) -> Option<ServerDb> {
        let mut db = ServerDb::bare(test)?;
        let prefix = format!("{prefix}_{}", std::process::id());
        db.roles = ["owner", "writer", "auditor"].map(|k| format!("{prefix}_{k}"));
        db.own_roles
            .lock()
            .unwrap()
            .extend(db.roles.iter().cloned());
        let settings: String = ["owner", "writer", "auditor"]
            .iter()
            .zip(&db.roles)
            .map(|(k, r)| format!("SET baitai.{k}_role = '{r}'; "))
            .collect();
        db.init(&settings);
        Some(db)
    }

    /// Run the shipped init SQL here as the superuser, after `settings`.
    fn init(&self, settings: &str) {
        // The default roles are the cluster's: one test at a time makes or grants them.
        static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
        let mut c = Client::connect(&self.url, NoTls).unwrap();
        c.batch_execute(&format!("{settings}{INIT_SQL}"))
            .expect("the init SQL runs");
    }

    /// A new, empty database that the init SQL has not made a ledger server.
    pub fn bare(test: &str) -> Option<ServerDb> {
        let admin = match std::env::var("BAITAI_TEST_PG") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                skip_outside_ci("BAITAI_TEST_PG is not set: start a server with `eval \"$(scripts/start-postgres)\"`");
                return None;
            }
        };
        // Unique in this process whatever the test's name, and within PostgreSQL's 63 bytes.
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let short: String = test.chars().take(30).collect();
        let name = format!("baitai_it_{short}_{}_{n}", std::process::id());
        let mut c = Client::connect(&admin, NoTls).expect("connect to BAITAI_TEST_PG");
        // Two statements: CREATE DATABASE cannot run in the implicit transaction of a batch.
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = in_database(&admin, &name);
        Some(ServerDb {
            admin,
            name,
            url,
            roles: DEFAULT_ROLES.map(String::from),
            own_roles: Default::default(),
        })
    }

    /// The name of this database's role `kind` (owner, writer or auditor).
    pub fn role(&self, kind: &str) -> &str {
        let i = ["owner", "writer", "auditor"]
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_else(|| panic!("no role {kind}"));
        &self.roles[i]
    }

    /// A new login role in this database's role `kind` (owner, writer or auditor), dropped with
    /// the database; the URL that logs in as it here.
    pub fn login(&self, kind: &str) -> String {
        // Logins are the cluster's: unique in this process, whichever test makes them.
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let user = format!("baitai_it_login_{kind}_{}_{n}", std::process::id());
        let password = format!("Pw-{}-{n}", self.name);
        let mut own = self.own_roles.lock().unwrap();
        self.client()
            .batch_execute(&format!(
                "CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE {}",
                self.role(kind)
            ))
            .unwrap();
        own.push(user.clone());
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let (_, host) = rest.rsplit_once('@').unwrap();
        format!("{scheme}://{user}:{password}@{host}")
    }

    /// `url` (a login's, to any database on this server) with this database in it.
    pub fn here(&self, url: &str) -> String {
        in_database(url, &self.name)
    }

    /// One number from the server's ledger tables (schema `baitai`).
    pub fn count(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }

    /// A connection to the test's database as the server's superuser, with the ledger's tables
    /// (schema `baitai`) named without their schema.
    pub fn client(&self) -> Client {
        let mut c = Client::connect(&self.url, NoTls).unwrap();
        c.batch_execute("SET search_path TO baitai").unwrap();
        c
    }
}

/// `url` with its database replaced by `name` (the URLs here have no query string).
fn in_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            // Logins first: they are members of the roles named for the database.
            for role in self.own_roles.lock().unwrap().iter().rev() {
                if let Err(e) = c.batch_execute(&format!("DROP ROLE IF EXISTS {role}")) {
                    eprintln!("could not drop the test's role {role}: {e}");
                }
            }
        }
    }
}

impl Env {
    /// A site of the ledger at `url`: a `HOME` of its own (its own checkpoint, pins and verified
    /// copy), with the standard passphrase files.
    pub fn site_of(url: &str) -> Env {
        let mut env = Env::empty();
        env.ledger = PathBuf::from(url);
        env
    }

    /// The admin and the standard cast on a new ledger on the server, built by running the
    /// binary as [`Env::built`] does; with the database, which goes when it is dropped.
    pub fn built_on_server(test: &str) -> Option<(Env, ServerDb)> {
        let db = ServerDb::new(test)?;
        let env = Env::site_of(&db.url);
        env.init();
        for (id, name, aff, roles) in CAST {
            let mut args = vec!["person", "add", name, "--affiliation", aff];
            for r in *roles {
                args.extend(["--role", r]);
            }
            let new = env.pass(id);
            args.extend(["--new-passphrase-file", new.to_str().unwrap()]);
            let v = env.ok_as(&args, ADMIN);
            assert_eq!(v["person"], *id);
        }
        Some((env, db))
    }
}

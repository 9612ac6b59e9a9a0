//! Connecting to the ledger server as PostgreSQL's own client library, libpq, does: a URL's
//! settings completed from a service file, then the `PG*` variables, then `.pgpass` for the
//! password; TLS through rustls with libpq's `sslmode` and `sslrootcert`. The per-user files
//! are where libpq keeps them: under the home directory on Unix, under `%APPDATA%\postgresql`
//! on Windows.
//!
//! The `postgres` crate reads URLs but knows neither services, `.pgpass`, `verify-ca`,
//! `verify-full` nor root certificates: those settings are taken out here, and the rest is
//! handed to it as one `key='value'` string.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use postgres::config::{Host, SslMode};
use postgres::{Client, Config};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use baitai_core::error::{Error, Result};
use baitai_core::text::Text;

use crate::msg::{num, path as shown, Msg};

/// Connection settings by libpq keyword, as given so far.
type Settings = BTreeMap<String, String>;

/// The environment's variables (a function, so tests give their own without touching the
/// process's).
type Vars<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The `PG*` variables, each the default of one keyword (libpq's list, less what baitai does
/// not support).
const ENV: &[(&str, &str)] = &[
    ("host", "PGHOST"),
    ("hostaddr", "PGHOSTADDR"),
    ("port", "PGPORT"),
    ("dbname", "PGDATABASE"),
    ("user", "PGUSER"),
    ("password", "PGPASSWORD"),
    ("passfile", "PGPASSFILE"),
    ("options", "PGOPTIONS"),
    ("application_name", "PGAPPNAME"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("channel_binding", "PGCHANNELBINDING"),
    ("target_session_attrs", "PGTARGETSESSIONATTRS"),
    ("load_balance_hosts", "PGLOADBALANCEHOSTS"),
];

/// Where a ledger server is and how to reach it, every setting resolved.
#[derive(Clone)]
pub(crate) struct Target {
    config: Config,
    tls: Tls,
    passfile: Option<PathBuf>,
    user_files: Option<UserFiles>,
    /// `postgres://host:port/database`, never a user or password.
    pub shown: String,
}

impl Target {
    /// The settings of `url`, completed from its service, the environment and libpq's
    /// defaults; the password from `.pgpass` is looked up only by [`Target::open`].
    pub fn resolve(url: &str) -> Result<Target> {
        Target::resolve_with(url, &|var| {
            std::env::var(var).ok().filter(|v| !v.is_empty())
        })
    }

    fn resolve_with(url: &str, env: Vars) -> Result<Target> {
        let user_files = UserFiles::find(env, cfg!(windows));
        let mut s = from_url(url)?;
        add_service(&mut s, env, user_files.as_ref())?;
        for (key, var) in ENV {
            if let Some(v) = env(var) {
                s.entry(key.to_string()).or_insert(v);
            }
        }
        add_defaults(&mut s, env, cfg!(windows));
        let tls = Tls::take(&mut s, user_files.as_ref())?;
        let passfile = s.remove("passfile").map(PathBuf::from);
        let config: Config = conninfo(&s).parse().map_err(|e: postgres::Error| {
            Error::usage(Msg::ServerSettings {
                cause: e.to_string().into(),
            })
        })?;
        Ok(Target {
            shown: describe(&config),
            config,
            tls,
            passfile,
            user_files,
        })
    }

    /// As [`Target::resolve`], with the password from `.pgpass` when none was given.
    pub fn open(url: &str) -> Result<Target> {
        let mut t = Target::resolve(url)?;
        // An empty password counts as none, as in libpq.
        if t.config.get_password().is_none_or(<[u8]>::is_empty) {
            if let Some(p) = t.pgpass_password() {
                t.config.password(p);
            }
        }
        Ok(t)
    }

    /// A new session on the server, over TLS as `sslmode` asks.
    pub fn connect(&self) -> Result<Client> {
        // PostgreSQL speaks TLS over TCP only: on a Unix socket libpq neither asks for it nor
        // reads a root certificate, whatever sslmode says.
        if !self.over_tcp() {
            let mut c = self.config.clone();
            c.ssl_mode(SslMode::Disable);
            return c
                .connect(postgres::NoTls)
                .map_err(|e| unreachable(&self.shown, e));
        }
        let failure = Arc::new(Mutex::new(None));
        let tls = self.tls.connector(&failure)?;
        let attempt = |mode| {
            let mut c = self.config.clone();
            c.ssl_mode(mode);
            c.connect(tls.clone())
        };
        let connected = match self.tls.mode {
            Mode::Disable => attempt(SslMode::Disable),
            // Plain first; TLS only if the server turned plain down.
            Mode::Allow => attempt(SslMode::Disable).or_else(|e| match e.as_db_error() {
                Some(_) => attempt(SslMode::Require),
                None => Err(e),
            }),
            // TLS if the server offers it, and plain if the handshake fails (as libpq does).
            Mode::Prefer => attempt(SslMode::Prefer).or_else(|e| {
                if in_handshake(&e) {
                    failure.lock().map(|mut f| f.take()).ok();
                    attempt(SslMode::Disable)
                } else {
                    Err(e)
                }
            }),
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => attempt(SslMode::Require),
        };
        connected.map_err(|e| self.refused(e, &failure))
    }

    fn over_tcp(&self) -> bool {
        !self.config.get_hostaddrs().is_empty()
            || self
                .config
                .get_hosts()
                .iter()
                .any(|h| matches!(h, Host::Tcp(_)))
    }

    fn refused(&self, e: postgres::Error, failure: &Mutex<Option<rustls::Error>>) -> Error {
        let why = failure.lock().ok().and_then(|mut f| f.take());
        match why {
            // Said in words rather than as an I/O error, so the reason reads in the screen's
            // language too (the exit code is the same).
            Some(why) => Error::Other(
                Text::from(Msg::CannotReach {
                    server: self.shown.as_str().into(),
                })
                .then(
                    ": ",
                    Msg::TlsRefused {
                        mode: self.tls.mode.name().into(),
                        why: self.why_refused(&why),
                    },
                ),
            ),
            None => unreachable(&self.shown, e),
        }
    }

    fn why_refused(&self, e: &rustls::Error) -> Text {
        let rustls::Error::InvalidCertificate(c) = e else {
            return e.to_string().into();
        };
        match c {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                Msg::CertNotSignedBy {
                    roots: self.tls.roots_shown(),
                }
                .into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                match self.config.get_hosts().first() {
                    Some(Host::Tcp(h)) => Msg::CertNotForHost {
                        host: format!("\"{h}\"").into(),
                    }
                    .into(),
                    _ => Msg::CertNotForGivenHost.into(),
                }
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                Msg::CertExpired.into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Msg::CertNotValidYet.into()
            }
            _ => e.to_string().into(),
        }
    }

    /// The password `.pgpass` holds for this server, database and user. A file that others can
    /// read is ignored, with a warning, as libpq ignores it.
    fn pgpass_password(&self) -> Option<String> {
        let path = self
            .passfile
            .clone()
            .or_else(|| self.user_files.as_ref().map(|f| f.pgpass.clone()))?;
        let meta = std::fs::metadata(&path).ok()?;
        if !pgpass_is_private(&path, &meta) {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let c = &self.config;
        let host = match c.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            // libpq looks a Unix socket up as `localhost`.
            _ => "localhost".into(),
        };
        let port = c.get_ports().first().copied().unwrap_or(5432).to_string();
        let user = c.get_user().unwrap_or_default();
        let db = c.get_dbname().unwrap_or(user);
        pgpass_lookup(&text, [&host, &port, db, user])
    }
}

/// Whether `.pgpass` may be used: a plain file that neither group nor others can read or write.
fn pgpass_is_private(path: &Path, meta: &std::fs::Metadata) -> bool {
    if !meta.is_file() {
        eprintln!(
            "baitai: warning: password file {} is not a plain file: ignored",
            path.display()
        );
        return false;
    }
    // As libpq: Windows has no mode bits to check (the file's ACL is not looked at).
    #[cfg(unix)]
    if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0 {
        eprintln!(
            "baitai: warning: password file {} has group or world access; permissions should be u=rw (0600) or less: ignored",
            path.display()
        );
        return false;
    }
    true
}

/// The password of the first `.pgpass` line whose host, port, database and user match
/// (`*` matches anything; `\:` and `\\` stand for `:` and `\`).
fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            let [h, p, d, u, pw] = fields.as_slice() else {
                return None;
            };
            let matches = [h, p, d, u]
                .iter()
                .zip(want)
                .all(|(f, w)| f.as_str() == "*" || f.as_str() == w);
            matches.then(|| pw.clone())
        })
}

/// A `.pgpass` line's fields: four split at unescaped colons, and the password as the rest.
fn split_pgpass(line: &str) -> Vec<String> {
    let (mut fields, mut field) = (Vec::new(), String::new());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The settings a URL gives: user, password, hosts, ports and database from its body, every
/// keyword from its query.
fn from_url(url: &str) -> Result<Settings> {
    let bad = |e: Text| Error::usage(Msg::NotPostgresUrl { cause: e });
    let rest = ["postgres://", "postgresql://"]
        .iter()
        .find_map(|p| url.strip_prefix(p))
        .ok_or_else(|| bad(Msg::UrlBadScheme.into()))?;
    // As the `postgres` crate reads it: credentials up to the first `@`, the query after the
    // first `?` that follows them.
    let creds_end = rest.find('@').map_or(0, |i| i + 1);
    let (body, query) = match rest[creds_end..].find('?') {
        Some(i) => (&rest[..creds_end + i], &rest[creds_end + i + 1..]),
        None => (rest, ""),
    };
    let config: Config = format!("postgres://{body}")
        .parse()
        .map_err(|e: postgres::Error| bad(e.to_string().into()))?;
    let mut s = Settings::new();
    body_settings(&config, &body[creds_end..], &mut s)?;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| bad(Msg::QueryWithoutEquals.into()))?;
        s.insert(
            decode(k).map_err(|e| bad(e.to_string().into()))?,
            decode(v).map_err(|e| bad(e.to_string().into()))?,
        );
    }
    Ok(s)
}

fn body_settings(config: &Config, hosts_and_db: &str, s: &mut Settings) -> Result<()> {
    if let Some(u) = config.get_user() {
        s.insert("user".into(), u.into());
    }
    if let Some(p) = config.get_password() {
        let p = String::from_utf8(p.to_vec()).map_err(|_| Error::usage(Msg::PasswordNotUtf8))?;
        s.insert("password".into(), p);
    }
    if let Some(d) = config.get_dbname() {
        s.insert("dbname".into(), d.into());
    }
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(h) => h.clone(),
            // A socket directory, which only Unix has.
            #[cfg(unix)]
            Host::Unix(p) => p.display().to_string(),
        })
        .collect();
    if !hosts.is_empty() {
        s.insert("host".into(), hosts.join(","));
    }
    // The crate fills in 5432 for a host without a port; libpq would take PGPORT then.
    let authority = hosts_and_db.split('/').next().unwrap_or_default();
    if authority.split(',').any(has_port) {
        let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
        s.insert("port".into(), ports.join(","));
    }
    Ok(())
}

fn has_port(host: &str) -> bool {
    match host.strip_prefix('[') {
        Some(v6) => v6.split_once(']').is_some_and(|(_, r)| r.starts_with(':')),
        None => host.contains(':'),
    }
}

fn decode(s: &str) -> std::result::Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

/// The settings of the service the URL or `PGSERVICE` names, where the URL did not set them.
fn add_service(s: &mut Settings, env: Vars, user_files: Option<&UserFiles>) -> Result<()> {
    let Some(name) = s.remove("service").or_else(|| env("PGSERVICE")) else {
        return Ok(());
    };
    let user_file = env("PGSERVICEFILE")
        .map(PathBuf::from)
        .or_else(|| user_files.map(|f| f.service.clone()));
    let sys_file =
        Path::new(&env("PGSYSCONFDIR").unwrap_or_else(|| "/etc/postgresql-common".into()))
            .join("pg_service.conf");
    for file in user_file.iter().chain([&sys_file]) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Some(found) = service_in(&text, &name, file)? {
            for (k, v) in found {
                s.entry(k).or_insert(v);
            }
            return Ok(());
        }
    }
    let looked: Vec<String> = user_file
        .iter()
        .chain([&sys_file])
        .map(|f| f.display().to_string())
        .collect();
    Err(Error::usage(Msg::ServiceUndefined {
        name: name.into(),
        files: looked.join(", ").into(),
    }))
}

/// The `key=value` lines of section `[name]` of a service file, if it has that section.
fn service_in(text: &str, name: &str, file: &Path) -> Result<Option<Vec<(String, String)>>> {
    let mut found: Option<Vec<(String, String)>> = None;
    let mut inside = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = section == name;
            if inside {
                found.get_or_insert_with(Vec::new);
            }
            continue;
        }
        if !inside {
            continue;
        }
        let bad = |why: Msg| {
            Error::usage(Msg::ServiceFileLine {
                file: shown(file),
                line: num(n + 1),
                why: why.into(),
            })
        };
        let (k, v) = line.split_once('=').ok_or_else(|| bad(Msg::NotKeyValue))?;
        let k = k.trim();
        if k == "service" {
            return Err(bad(Msg::ServiceNamesService));
        }
        if let Some(f) = found.as_mut() {
            f.push((k.to_string(), v.trim().to_string()));
        }
    }
    Ok(found)
}

/// libpq's defaults (Debian's socket directory; on Windows, which has no socket directory,
/// localhost and the login name), and baitai's own for the rest.
fn add_defaults(s: &mut Settings, env: Vars, windows: bool) {
    let mut default = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            s.entry(k.to_string()).or_insert(v);
        }
    };
    if windows {
        default("host", Some("localhost".into()));
        default("user", env("USERNAME"));
    } else {
        default("host", Some("/var/run/postgresql".into()));
        default("user", env("USER"));
    }
    default("connect_timeout", Some("10".into()));
    default("application_name", Some("baitai".into()));
}

/// The settings as a `key='value'` string for the `postgres` crate.
fn conninfo(s: &Settings) -> String {
    s.iter()
        .map(|(k, v)| {
            let v = v.replace('\\', "\\\\").replace('\'', "\\'");
            format!("{k}='{v}'")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// libpq's `sslmode`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

const MODES: [(&str, Mode); 6] = [
    ("disable", Mode::Disable),
    ("allow", Mode::Allow),
    ("prefer", Mode::Prefer),
    ("require", Mode::Require),
    ("verify-ca", Mode::VerifyCa),
    ("verify-full", Mode::VerifyFull),
];

impl Mode {
    fn name(self) -> &'static str {
        MODES
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Where libpq looks for a user's own files: `~/.pgpass`, `~/.pg_service.conf` and
/// `~/.postgresql/root.crt` on Unix; on Windows `pgpass.conf`, `.pg_service.conf` and
/// `root.crt` in `%APPDATA%\postgresql`.
#[derive(Clone, Debug, PartialEq)]
struct UserFiles {
    pgpass: PathBuf,
    service: PathBuf,
    root_cert: PathBuf,
}

impl UserFiles {
    /// None without `HOME` (Unix) or `APPDATA` (Windows).
    fn find(env: Vars, windows: bool) -> Option<UserFiles> {
        if windows {
            let d = PathBuf::from(env("APPDATA")?).join("postgresql");
            return Some(UserFiles {
                pgpass: d.join("pgpass.conf"),
                service: d.join(".pg_service.conf"),
                root_cert: d.join("root.crt"),
            });
        }
        let h = PathBuf::from(env("HOME")?);
        Some(UserFiles {
            pgpass: h.join(".pgpass"),
            service: h.join(".pg_service.conf"),
            root_cert: h.join(".postgresql").join("root.crt"),
        })
    }
}

/// Which certificates the server's must chain to.
#[derive(Clone)]
enum Roots {
    /// `sslrootcert=system`: the platform's trusted roots.
    System,
    /// A PEM file, named or libpq's default ([`UserFiles`]); it need not exist.
    File(PathBuf),
    /// No home directory to look in.
    None,
}

/// TLS as `sslmode` and `sslrootcert` ask.
#[derive(Clone)]
struct Tls {
    mode: Mode,
    roots: Roots,
}

impl Tls {
    fn take(s: &mut Settings, user_files: Option<&UserFiles>) -> Result<Tls> {
        let roots = match s.remove("sslrootcert").as_deref() {
            Some("system") => Roots::System,
            Some(p) if !p.is_empty() => Roots::File(p.into()),
            _ => user_files.map_or(Roots::None, |f| Roots::File(f.root_cert.clone())),
        };
        let mode = match s.remove("sslmode") {
            None => None,
            Some(m) => Some(
                MODES
                    .iter()
                    .find(|(n, _)| *n == m)
                    .map(|(_, m)| *m)
                    .ok_or_else(|| {
                        Error::usage(Msg::BadSslMode {
                            mode: m.as_str().into(),
                        })
                    })?,
            ),
        };
        let mode = match (mode, &roots) {
            // libpq: the system's roots only make sense with the host name checked too.
            (None, Roots::System) => Mode::VerifyFull,
            (Some(m), Roots::System) if m != Mode::VerifyFull => {
                return Err(Error::usage(Msg::SystemRootsNeedVerifyFull {
                    mode: m.name().into(),
                }))
            }
            (m, _) => m.unwrap_or(Mode::Prefer),
        };
        Ok(Tls { mode, roots })
    }

    fn roots_shown(&self) -> Text {
        match &self.roots {
            Roots::System => Msg::SystemCas.into(),
            Roots::File(p) => Msg::CaInFile { path: shown(p) }.into(),
            Roots::None => Msg::TrustedCa.into(),
        }
    }

    /// The trusted roots, or None where libpq checks no certificate: no root file, and a mode
    /// that does not ask for one. A root file present makes even `require` check the chain.
    fn root_store(&self) -> Result<Option<RootCertStore>> {
        let mut store = RootCertStore::empty();
        match &self.roots {
            Roots::System => {
                let found = rustls_native_certs::load_native_certs();
                store.add_parsable_certificates(found.certs);
                if store.is_empty() {
                    return Err(Error::usage(Msg::NoSystemRoots));
                }
            }
            Roots::File(p) if p.exists() => {
                let certs = CertificateDer::pem_file_iter(p)
                    .and_then(|i| i.collect::<std::result::Result<Vec<_>, _>>())
                    .map_err(|e| {
                        Error::usage(Msg::RootCertFile {
                            path: shown(p),
                            cause: e.to_string().into(),
                        })
                    })?;
                store.add_parsable_certificates(certs);
                if store.is_empty() {
                    return Err(Error::usage(Msg::RootCertEmpty { path: shown(p) }));
                }
            }
            _ if self.mode >= Mode::VerifyCa => {
                return Err(Error::usage(Msg::NeedsCaCertificate {
                    mode: self.mode.name().into(),
                    path: match &self.roots {
                        Roots::File(p) => shown(p),
                        _ => "~/.postgresql/root.crt".into(),
                    },
                }));
            }
            _ => return Ok(None),
        }
        Ok(Some(store))
    }

    /// The TLS connector, whose verifier notes in `failure` why it refused a certificate.
    fn connector(&self, failure: &Arc<Mutex<Option<rustls::Error>>>) -> Result<MakeRustlsConnect> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chain = match self.root_store()? {
            Some(store) => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                    .build()
                    .map_err(tls_setup)?,
            ),
            None => None,
        };
        let verifier = Verifier {
            chain,
            names: self.mode == Mode::VerifyFull,
            provider: provider.clone(),
            failure: failure.clone(),
        };
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_setup)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }
}

/// libpq's certificate checks: the chain when there are roots to check it against, the host
/// name only for `verify-full`. The handshake's signatures are always checked.
#[derive(Debug)]
struct Verifier {
    chain: Option<Arc<WebPkiServerVerifier>>,
    names: bool,
    provider: Arc<CryptoProvider>,
    failure: Arc<Mutex<Option<rustls::Error>>>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // The name is checked after the chain: a wrong name means the chain was good.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.names => Ok(ServerCertVerified::assertion()),
            Err(e) => {
                if let Ok(mut f) = self.failure.lock() {
                    *f = Some(e.clone());
                }
                Err(e)
            }
            ok => ok,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Whether the connection failed in the TLS handshake (the crate's error kind is private; its
/// text is not).
fn in_handshake(e: &postgres::Error) -> bool {
    e.to_string().contains("TLS handshake")
}

/// `postgres://host:port/database` for messages: never the password.
pub(crate) fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "?".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("?")
        .to_string();
    format!("postgres://{host}:{port}/{db}")
}

/// The server could not be reached (or refused the login): an I/O failure, exit 1 like any
/// other ledger I/O, in one line.
pub(crate) fn unreachable(shown: &str, e: postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        return Error::Auth(
            Msg::ServerRefusedConnection {
                server: shown.into(),
                cause: db.message().into(),
            }
            .into(),
        );
    }
    Error::Io {
        context: Msg::CannotReach {
            server: shown.into(),
        }
        .into(),
        source: std::io::Error::other(one_line(&e)),
    }
}

/// TLS could not be set up (what rustls said is its own English).
fn tls_setup(e: impl std::fmt::Display) -> Error {
    Error::Other(
        Msg::TlsSetup {
            cause: e.to_string().into(),
        }
        .into(),
    )
}

/// The error and its causes on one line.
pub(crate) fn one_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let c_s = c.to_string();
        if !s.contains(&c_s) {
            s.push_str(": ");
            s.push_str(&c_s);
        }
        cause = c.source();
    }
    s.replace('\n', " ")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::os::unix::fs::PermissionsExt;

    fn resolve(url: &str, vars: &[(&str, &str)]) -> Result<Target> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Target::resolve_with(url, &move |k| vars.get(k).cloned())
    }

    fn host(t: &Target) -> String {
        describe(&t.config)
    }

    #[test]
    fn the_url_gives_its_tls_settings_and_hands_the_rest_on() {
        let t = resolve(
            "postgres://clerk:s3cret@db.example:6543/ledger?sslmode=verify-full&sslrootcert=/x/ca%20file.pem&application_name=desk%201",
            &[("PGSSLMODE", "disable"), ("HOME", "/home/clerk")],
        )
        .unwrap();
        assert!(t.tls.mode == Mode::VerifyFull);
        assert!(matches!(&t.tls.roots, Roots::File(p) if p == Path::new("/x/ca file.pem")));
        assert_eq!(t.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(t.config.get_application_name(), Some("desk 1"));
        assert_eq!(t.shown, "postgres://db.example:6543/ledger");
        // Nothing given: libpq's prefer, and its default root file.
        let t = resolve("postgres://db.example/ledger", &[("HOME", "/home/clerk")]).unwrap();
        assert!(t.tls.mode == Mode::Prefer);
        assert!(
            matches!(&t.tls.roots, Roots::File(p) if p == Path::new("/home/clerk/.postgresql/root.crt"))
        );
    }

    #[test]
    fn windows_looks_in_app_data_and_defaults_to_localhost() {
        let vars: HashMap<&str, &str> = [
            ("APPDATA", r"C:\Users\clerk\AppData\Roaming"),
            ("HOME", "/home/clerk"),
            ("USERNAME", "clerk"),
            ("USER", "root"),
        ]
        .into();
        let env = move |k: &str| vars.get(k).map(|v| v.to_string());
        let f = UserFiles::find(&env, true).unwrap();
        let d = Path::new(r"C:\Users\clerk\AppData\Roaming").join("postgresql");
        assert_eq!(f.pgpass, d.join("pgpass.conf"));
        assert_eq!(f.service, d.join(".pg_service.conf"));
        assert_eq!(f.root_cert, d.join("root.crt"));
        assert_eq!(
            UserFiles::find(&env, false).unwrap().pgpass,
            Path::new("/home/clerk/.pgpass")
        );
        assert!(UserFiles::find(&|_| None, true).is_none());
        let mut s = Settings::new();
        add_defaults(&mut s, &env, true);
        assert_eq!(s.get("host").map(String::as_str), Some("localhost"));
        assert_eq!(s.get("user").map(String::as_str), Some("clerk"));
    }

    #[test]
    fn the_environment_fills_only_what_the_url_left_out() {
        let vars = [
            ("PGPORT", "6000"),
            ("PGHOST", "env.example"),
            ("PGUSER", "envuser"),
        ];
        let t = resolve("postgres://db.example/ledger", &vars).unwrap();
        assert_eq!(host(&t), "postgres://db.example:6000/ledger");
        let t = resolve("postgres://db.example:7000/ledger", &vars).unwrap();
        assert_eq!(host(&t), "postgres://db.example:7000/ledger");
        let t = resolve("postgres://", &vars).unwrap();
        assert_eq!(host(&t), "postgres://env.example:6000/envuser");
        let t = resolve("postgres://[::1]:7001/x", &vars).unwrap();
        assert_eq!(host(&t), "postgres://::1:7001/x");
        let t = resolve("postgresql://u@/x", &[]).unwrap();
        assert_eq!(host(&t), "postgres:///var/run/postgresql:5432/x");
    }

    fn service_file(dir: &Path, name: &str, text: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    #[test]
    fn a_service_sits_between_the_url_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = service_file(
            dir.path(),
            "services",
            "# the ledger\n[other]\nhost=wrong.example\n\n[ledger]\nhost = db.example\nport=6543\ndbname=svcdb\nuser=clerk\npassword=from-service\nsslmode=require\n[after]\nport=1\n",
        );
        let vars = [
            ("PGSERVICEFILE", file.as_str()),
            ("PGDATABASE", "envdb"),
            ("PGHOST", "env.example"),
            ("PGSSLMODE", "disable"),
        ];
        for url in ["postgres://?service=ledger", "postgres:///?service=ledger"] {
            let t = resolve(url, &vars).unwrap();
            assert_eq!(t.shown, "postgres://db.example:6543/svcdb");
            assert_eq!(t.config.get_password(), Some(&b"from-service"[..]));
            assert!(t.tls.mode == Mode::Require);
        }
        let t = resolve("postgres:///urldb?service=ledger&sslmode=verify-ca", &vars).unwrap();
        assert_eq!(t.shown, "postgres://db.example:6543/urldb");
        assert!(t.tls.mode == Mode::VerifyCa);
        // PGSERVICE names it when the URL does not.
        let mut with_env = vars.to_vec();
        with_env.push(("PGSERVICE", "ledger"));
        let t = resolve("postgres://", &with_env).unwrap();
        assert_eq!(t.shown, "postgres://db.example:6543/svcdb");
    }

    #[test]
    fn a_service_is_looked_for_in_the_users_file_then_the_systems() {
        let dir = tempfile::tempdir().unwrap();
        let user = service_file(dir.path(), "user.conf", "[mine]\nport=1111\n");
        service_file(
            dir.path(),
            "pg_service.conf",
            "[shared]\nport=2222\n[mine]\nport=3333\n",
        );
        let sys = dir.path().display().to_string();
        let vars = [
            ("PGSERVICEFILE", user.as_str()),
            ("PGSYSCONFDIR", sys.as_str()),
            ("PGHOST", "h"),
        ];
        let port = |name: &str| {
            resolve(&format!("postgres://?service={name}"), &vars)
                .map(|t| t.config.get_ports().to_vec())
        };
        assert_eq!(port("mine").unwrap(), vec![1111]);
        assert_eq!(port("shared").unwrap(), vec![2222]);
        let missing = port("nowhere").unwrap_err();
        assert!(matches!(missing, Error::Usage(_)), "{missing}");
        let text = missing.to_string();
        assert!(
            text.contains("\"nowhere\"") && text.contains(&user),
            "{text}"
        );
        assert!(!text.contains('\n'), "{text}");
    }

    #[test]
    fn a_service_naming_a_service_or_an_unknown_keyword_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = service_file(
            dir.path(),
            "s",
            "[a]\nservice=b\n[c]\nsslkey=/k\n[d]\nport\n",
        );
        let vars = [("PGSERVICEFILE", file.as_str())];
        for name in ["a", "c", "d"] {
            let e = resolve(&format!("postgres://?service={name}"), &vars)
                .err()
                .unwrap();
            assert!(matches!(e, Error::Usage(_)), "{name}: {e}");
        }
    }

    #[test]
    fn sslmode_and_sslrootcert_follow_libpq() {
        let t = resolve("postgres://h/d?sslrootcert=system", &[]).unwrap();
        assert!(t.tls.mode == Mode::VerifyFull && matches!(t.tls.roots, Roots::System));
        for weaker in ["prefer", "require", "verify-ca"] {
            let url = format!("postgres://h/d?sslrootcert=system&sslmode={weaker}");
            assert!(
                matches!(resolve(&url, &[]), Err(Error::Usage(_))),
                "{weaker}"
            );
        }
        let bad = resolve("postgres://h/d?sslmode=verify", &[]).err().unwrap();
        assert!(bad.to_string().contains("verify-full"), "{bad}");
        // verify-ca without the CA's certificate: said before any connection is tried.
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().display().to_string();
        let t = resolve("postgres://h/d?sslmode=verify-ca", &[("HOME", &home)]).unwrap();
        let e = t.connect().err().unwrap().to_string();
        assert!(e.contains("root.crt does not exist"), "{e}");
        // On a Unix socket there is no TLS, so no CA to miss (nothing listens there: the error
        // is the connection's).
        let t = resolve(
            "postgres:///d?host=/nonexistent&sslmode=verify-full",
            &[("HOME", &home)],
        )
        .unwrap();
        let e = t.connect().err().unwrap().to_string();
        assert!(
            e.starts_with("cannot reach the ledger server at postgres:///nonexistent:5432/d"),
            "{e}"
        );
        // A mode that does not ask for the CA checks nothing without it.
        let t = resolve("postgres://h/d?sslmode=require", &[("HOME", &home)]).unwrap();
        assert!(t.tls.root_store().unwrap().is_none());
        // ...but checks the chain when root.crt is there, as libpq does.
        std::fs::create_dir(dir.path().join(".postgresql")).unwrap();
        std::fs::write(dir.path().join(".postgresql/root.crt"), "not PEM").unwrap();
        assert!(matches!(t.tls.root_store(), Err(Error::Usage(_))));
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    other:5432:*:clerk:nope\n\
                    db.example:5432:ledger:*:first\n\
                    *:*:*:clerk:p\\:a\\\\ss:word\n";
        let want = |h, p, d, u| pgpass_lookup(text, [h, p, d, u]);
        assert_eq!(
            want("db.example", "5432", "ledger", "x").as_deref(),
            Some("first")
        );
        assert_eq!(
            want("db.example", "6543", "ledger", "clerk").as_deref(),
            Some("p:a\\ss:word")
        );
        assert_eq!(want("db.example", "6543", "ledger", "auditor"), None);
        assert_eq!(
            split_pgpass("a\\:b:c:d:e:f"),
            vec!["a:b", "c", "d", "e", "f"]
        );
    }

    #[test]
    fn pgpass_is_read_only_when_private_and_a_socket_is_localhost() {
        let dir = tempfile::tempdir().unwrap();
        let pgpass = dir.path().join("pgpass");
        std::fs::write(&pgpass, "localhost:5433:ledger:clerk:sock-pass\n").unwrap();
        let file = pgpass.display().to_string();
        let vars = [("PGPASSFILE", file.as_str())];
        let url = "postgres://clerk@/ledger?host=/run/pg&port=5433";
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        let t = resolve(url, &vars).unwrap();
        assert_eq!(t.pgpass_password().as_deref(), Some("sock-pass"));
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(t.pgpass_password(), None);
    }
}

//! Builds a ledger of N signed entries (default 100,000; 101 per medium, so 1,000,000 entries
//! are about 10,000 media) through the library's own write path, then times `ledger verify`
//! (whole and incremental) and, through the real binary, `medium show`, `ledger print`,
//! `checkout` (with the fast test KDF, so the key derivation is left out) and an
//! `inventory check` of 100,000 scanned numbers.
//!
//!     BAITAI_BENCH_ENTRIES=1000000 BAITAI_BENCH_PEOPLE=1000 BAITAI_BENCH_LEDGER=target/bench-1m.db \
//!         cargo bench --bench ledger_verify
//!
//! BAITAI_BENCH_LEDGER keeps the ledger at that path and reuses it on the next run (building a
//! million signed entries takes minutes). Prints figures; asserts nothing about time.

use std::time::Instant;

use baitai::app::{self, AddPerson, InitRequest, Secrets};
use baitai::crypto::{KdfParams, Passphrase};
use baitai::ledger::Draft;
use baitai::lifecycle::Person;
use baitai::model::*;

struct Fixed;

impl Secrets for Fixed {
    fn passphrase(&mut self, p: &Person, _: SignRole) -> baitai::Result<Passphrase> {
        Ok(Passphrase::new(format!("Bench-{}-Pass!", p.name)))
    }
    fn new_passphrase(&mut self, who: &str) -> baitai::Result<Passphrase> {
        Ok(Passphrase::new(format!("Bench-{who}-Pass!")))
    }
}

fn main() -> baitai::Result<()> {
    let target: u64 = std::env::var("BAITAI_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().map_err(baitai::Error::io("tempdir"))?;
    let path = std::env::var_os("BAITAI_BENCH_LEDGER")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("ledger.db"));
    let mut s = match existing(&path) {
        Some(s) => {
            println!("reusing {}", baitai::ledger::shown_location(&path));
            s
        }
        None => build(&path, target)?,
    };
    if std::env::var_os("BAITAI_BENCH_SKIP_FULL").is_none() {
        verify_rounds(&s)?;
    }
    incremental(&mut s)?;
    // The commands run as a user of their own (their verified or kept copy under this HOME),
    // never in the real HOME.
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).map_err(baitai::Error::io("create the bench HOME"))?;
    commands(&path, dir.path(), &home)?;
    appends(&path, dir.path(), &home)?;
    Ok(())
}

/// The ledger at `path` when one is there already (a file, or a server ledger with entries).
fn existing(path: &std::path::Path) -> Option<app::Session> {
    let url = path.to_str().is_some_and(|p| p.starts_with("postgres"));
    if !url && !path.exists() {
        return None;
    }
    app::Session::open(path).ok()
}

fn build(path: &std::path::Path, target: u64) -> baitai::Result<app::Session> {
    let mut s = app::init(
        path,
        InitRequest {
            org: "bench".into(),
            admin: "admin".into(),
            affiliation: "x".into(),
            timezone: "Asia/Tokyo".into(),
            medium_prefix: "USB".into(),
            lang: "ja".into(),
            day_end: "18:00".into(),
            kdf: KdfParams::INSECURE_FAST,
        },
        &mut Fixed,
    )?;
    for (name, role) in [("handler", Role::Handler), ("custodian", Role::Custodian)] {
        let req = AddPerson {
            name: name.into(),
            affiliation: "x".into(),
            roles: vec![role],
            site: None,
            token: None,
        };
        s.person_add("admin", req, &mut Fixed)?;
    }
    // BAITAI_BENCH_PEOPLE: that many people in the directory (issue 14 asks for 1,000), so the
    // per-command cost of folding the directory shows.
    let people: u64 = std::env::var("BAITAI_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for i in 0..people {
        let req = AddPerson {
            name: format!("person {i}"),
            affiliation: "x".into(),
            roles: vec![Role::Handler],
            site: None,
            token: None,
        };
        s.person_add("admin", req, &mut Fixed)?;
    }
    let started = Instant::now();
    let mut written = s.ledger().head()?.map(|h| h.0).unwrap_or(0);
    let mut medium = 0u64;
    while written < target {
        medium += 1;
        add_medium(&mut s, medium)?;
        written += 101;
        if medium % 1000 == 0 {
            println!("  {written} entries ...");
        }
    }
    let build = started.elapsed();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "built {written} entries on {medium} media in {:.1} s ({:.0} entries/s), {:.1} MiB",
        build.as_secs_f64(),
        written as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );
    Ok(s)
}

/// Register medium `n` and run 50 use/return cycles on it, in one transaction (101 entries).
fn add_medium(s: &mut app::Session, n: u64) -> baitai::Result<()> {
    let h = s.person("handler")?;
    let c = s.person("custodian")?;
    let hk = s
        .authenticate(&h, SignRole::Actor, &mut Fixed, "bench")?
        .key;
    let ck = s
        .authenticate(&c, SignRole::Actor, &mut Fixed, "bench")?
        .key;
    let clean = ReturnCheck::Device {
        path: "/dev/null".into(),
        capacity_bytes: 1 << 30,
        bytes_read: 1 << 30,
        data_sectors: 0,
        first_data_offset: None,
        cache_bypass: None,
    };
    s.ledger_mut().write(|w| {
        let m = MediumNumber(format!("USB-BENCH-{n:06}"));
        let reg = Body::Register(Register {
            kind: MediaKind::Usb,
            label: None,
            device: None,
            classification: Classification::new(3, 2, 2, None)?,
            received_from: None,
            site: None,
        });
        w.commit(draft(&m, &c, reg), &[(SignRole::Actor, &ck)])?;
        for _ in 0..50 {
            let out = Body::Checkout(Checkout {
                purpose: "bench".into(),
            });
            w.commit(draft(&m, &h, out), &[(SignRole::Actor, &hk)])?;
            let back = Body::Return(Return {
                check: clean.clone(),
            });
            w.commit(draft(&m, &c, back), &[(SignRole::Actor, &ck)])?;
        }
        Ok(())
    })
}

fn verify_rounds(s: &app::Session) -> baitai::Result<()> {
    for round in 1..=2 {
        let t = Instant::now();
        let report = s.ledger().verify()?;
        let secs = t.elapsed().as_secs_f64();
        assert!(
            report.ok(),
            "bench ledger failed verification: {:?}",
            report.failure
        );
        println!(
            "verify (whole) round {round}: {} entries, {} signatures in {secs:.2} s ({:.0} entries/s, {} threads)",
            report.entries,
            report.signatures,
            report.entries as f64 / secs,
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        );
    }
    Ok(())
}

/// A checkpoint at the head, one more medium's 101 entries, then `verify --incremental`.
fn incremental(s: &mut app::Session) -> baitai::Result<()> {
    let (seq, hash, _) = s
        .ledger()
        .head()?
        .ok_or(baitai::Error::Other("empty".into()))?;
    let cp = baitai::ledger::Checkpoint {
        seq,
        hash: hex::encode(hash),
        verified_at: "bench".into(),
    };
    let next = s.ledger().media()?.len() as u64 + 1;
    add_medium(s, next)?;
    let t = Instant::now();
    let report = s.ledger().verify_against(Some(&cp), true)?;
    let secs = t.elapsed().as_secs_f64();
    assert!(
        report.ok(),
        "incremental verify failed: {:?}",
        report.failure
    );
    println!(
        "verify --incremental: {} new entries after the checkpoint at #{} in {:.1} ms",
        report.entries - report.checkpoint,
        report.checkpoint,
        secs * 1e3
    );
    Ok(())
}

/// Median wall time of the real binary, process start included, over five runs.
fn commands(
    ledger: &std::path::Path,
    tmp: &std::path::Path,
    home: &std::path::Path,
) -> baitai::Result<()> {
    let pass = tmp.join("handler.pass");
    std::fs::write(&pass, "Bench-handler-Pass!\n").map_err(baitai::Error::io("write"))?;
    let pass = pass.display().to_string();
    // Seconds, or None when baitai refused (exit 3: e.g. a medium a reused ledger has out).
    let try_time = |args: Vec<String>| -> baitai::Result<Option<f64>> {
        let t = Instant::now();
        let out = baitai_in(home)
            .args(&args)
            .env("BAITAI_LEDGER", ledger)
            .output()
            .map_err(baitai::Error::io("run baitai"))?;
        let secs = t.elapsed().as_secs_f64();
        match out.status.code() {
            Some(0) => Ok(Some(secs)),
            Some(3) => Ok(None),
            _ => Err(baitai::Error::Other(
                format!("baitai {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into(),
            )),
        }
    };
    let time = |args: Vec<String>| -> baitai::Result<f64> {
        try_time(args.clone())?
            .ok_or_else(|| baitai::Error::Other(format!("baitai {args:?} was refused").into()))
    };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] * 1e3
    };
    let m = |i: u64| format!("USB-BENCH-{i:06}");
    // A user's first command verifies the whole ledger and builds their copy (for a server,
    // fetching every row); every later one starts from that copy.
    let first = time(vec!["medium".into(), "show".into(), m(1)])?;
    println!("first command of a new user:      {:.1} s", first);
    let mut show = Vec::new();
    let mut print = Vec::new();
    let mut checkout = Vec::new();
    for i in 1..=5u64 {
        show.push(time(vec!["medium".into(), "show".into(), m(i)])?);
        print.push(time(vec!["ledger".into(), "print".into(), m(i)])?);
    }
    let mut candidate = 10u64;
    while checkout.len() < 5 && candidate < 1000 {
        candidate += 1;
        let args = vec![
            "-q".into(),
            "checkout".into(),
            m(candidate),
            "--purpose".into(),
            "bench".into(),
            "--as".into(),
            "handler".into(),
            "--passphrase-file".into(),
            pass.clone(),
        ];
        if let Some(secs) = try_time(args)? {
            checkout.push(secs);
        }
    }
    let (put, get) = put_and_get(tmp, &pass, &m(candidate), &time)?;
    let stocktake = inventory(ledger, tmp, home)?;
    let version = time(vec!["--version".into()])?;
    println!("baitai --version (process start): {:.1} ms", version * 1e3);
    println!("medium show (101 entries):        {:.1} ms", median(show));
    println!("ledger print (101 rows):          {:.1} ms", median(print));
    println!(
        "checkout (fast test KDF):         {:.1} ms",
        median(checkout)
    );
    println!("put of 1 byte (fast test KDF):    {put:.1} ms");
    println!("get of 1 byte (fast test KDF):    {get:.1} ms");
    println!(
        "inventory check (100,000 scanned): {:.1} ms",
        stocktake * 1e3
    );
    Ok(())
}

/// Median wall time of `put` and of `get` of a one-byte file, on a medium the handler has
/// out: every check of the vault against the ledger, the key derivation left out.
fn put_and_get(
    tmp: &std::path::Path,
    pass: &str,
    medium: &str,
    time: &dyn Fn(Vec<String>) -> baitai::Result<f64>,
) -> baitai::Result<(f64, f64)> {
    let mount = tmp.join("mnt");
    std::fs::create_dir_all(&mount).map_err(baitai::Error::io("create the mount"))?;
    let auth = ["--as", "handler", "--passphrase-file", pass].map(String::from);
    let mut put = Vec::new();
    let mut get = Vec::new();
    // The first put creates the vault; it is not counted.
    for i in 0..6 {
        let file = tmp.join(format!("f{i}.txt"));
        std::fs::write(&file, "x").map_err(baitai::Error::io("write"))?;
        let mut args: Vec<String> = ["-q", "put"].map(String::from).to_vec();
        args.extend([mount.display().to_string(), file.display().to_string()]);
        args.extend(["--medium".to_string(), medium.to_string()]);
        args.extend(auth.clone());
        let secs = time(args)?;
        if i > 0 {
            put.push(secs);
        }
        let out = tmp.join(format!("out{i}"));
        let mut args: Vec<String> = ["-q", "get"].map(String::from).to_vec();
        args.extend([mount.display().to_string(), format!("f{i}.txt")]);
        args.extend(["--out".to_string(), out.display().to_string()]);
        args.extend(auth.clone());
        get.push(time(args)?);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] * 1e3
    };
    Ok((median(put), median(get)))
}

/// One `inventory check` of 100,000 scanned numbers from stdin (the ledger's media first, then
/// unknown ones), as a barcode scanner would type them; recorded, so run once.
fn inventory(
    ledger: &std::path::Path,
    tmp: &std::path::Path,
    home: &std::path::Path,
) -> baitai::Result<f64> {
    use std::io::Write;
    let pass = tmp.join("custodian.pass");
    std::fs::write(&pass, "Bench-custodian-Pass!\n").map_err(baitai::Error::io("write"))?;
    let media = app::Session::open_read_only(ledger)?.ledger().media()?;
    let mut typed: String = media.iter().map(|m| format!("{}\n", m.0)).collect();
    for i in media.len()..100_000 {
        typed += &format!("USB-SCAN-{i:06}\n");
    }
    let t = Instant::now();
    let mut child = baitai_in(home)
        .args(["-q", "inventory", "check", "--as", "custodian"])
        .arg("--passphrase-file")
        .arg(&pass)
        .env("BAITAI_LEDGER", ledger)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(baitai::Error::io("run baitai"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(typed.as_bytes())
            .map_err(baitai::Error::io("write to baitai"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(baitai::Error::io("run baitai"))?;
    if !out.status.success() {
        return Err(baitai::Error::Other(
            format!(
                "baitai inventory check: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into(),
        ));
    }
    Ok(t.elapsed().as_secs_f64())
}

fn draft(m: &MediumNumber, actor: &Person, body: Body) -> Draft {
    Draft {
        medium: Some(m.clone()),
        actor: Some(actor.id.clone()),
        body,
    }
}

/// The real binary, as a user whose home is `home`.
fn baitai_in(home: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_baitai"));
    c.env("HOME", home)
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_DATA_HOME");
    c
}

/// Append throughput as users see it: BAITAI_BENCH_CLIENTS (default 8) handlers, each a user
/// of their own (a copy of the warm HOME, as a site that has used the ledger before), check
/// out BAITAI_BENCH_ROUNDS (default 20) media one command at a time, all at once. Every
/// checkout is a signed append through the chain head's lock; a medium a reused ledger already
/// has out is refused and skipped.
fn appends(
    ledger: &std::path::Path,
    tmp: &std::path::Path,
    home: &std::path::Path,
) -> baitai::Result<()> {
    let env_or = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let clients = env_or("BAITAI_BENCH_CLIENTS", 8);
    let rounds = env_or("BAITAI_BENCH_ROUNDS", 20);
    // Media that may go out now, from the top of the ledger down: a reused ledger has some
    // out already, from an earlier run.
    let free: Vec<String> = app::Session::open_read_only(ledger)?
        .all_states()?
        .into_iter()
        .rev()
        .filter(|s| {
            matches!(s.holding, baitai::lifecycle::Holding::InStorage) && s.clean.may_issue()
        })
        .map(|s| s.number.0)
        .take((clients * rounds) as usize)
        .collect();
    let pass = tmp.join("handler.pass").display().to_string();
    let homes: Vec<std::path::PathBuf> = (0..clients)
        .map(|i| {
            let h = tmp.join(format!("client-{i}"));
            let copied = std::process::Command::new("cp")
                .arg("-a")
                .arg(home)
                .arg(&h)
                .status()
                .map_err(baitai::Error::io("copy the warm HOME"))?;
            match copied.success() {
                true => Ok(h),
                false => Err(baitai::Error::Other(
                    "cp -a of the bench HOME failed".into(),
                )),
            }
        })
        .collect::<baitai::Result<_>>()?;
    let started = Instant::now();
    let counts: Vec<baitai::Result<u64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = homes
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let pass = &pass;
                // Each client its own media.
                let mine: Vec<&String> = free.iter().skip(i).step_by(clients as usize).collect();
                scope.spawn(move || {
                    let mut done = 0;
                    for m in mine {
                        let out = baitai_in(h)
                            .args(["-q", "checkout", m.as_str()])
                            .args(["--purpose", "bench", "--as", "handler"])
                            .args(["--passphrase-file", pass])
                            .env("BAITAI_LEDGER", ledger)
                            .output()
                            .map_err(baitai::Error::io("run baitai"))?;
                        match out.status.code() {
                            Some(0) => done += 1,
                            Some(3) => {}
                            _ => {
                                return Err(baitai::Error::Other(
                                    format!("client {i}: {}", String::from_utf8_lossy(&out.stderr))
                                        .into(),
                                ))
                            }
                        }
                    }
                    Ok(done)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(baitai::Error::Other("a client panicked".into())))
            })
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let total: u64 = counts.into_iter().sum::<baitai::Result<u64>>()?;
    println!(
        "appends: {clients} clients x {rounds} checkouts: {total} appended in {secs:.1} s ({:.1} appends/s, {:.0} ms per command per client)",
        total as f64 / secs,
        secs * 1e3 * clients as f64 / total.max(1) as f64
    );
    Ok(())
}

//! Builds a ledger of N signed entries (default 100,000) through the library's own write path
//! and times `ledger verify` on it. Run: `cargo bench --bench ledger_verify` (N from
//! BAITAI_BENCH_ENTRIES). Prints figures; asserts nothing about time.

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
    let path = dir.path().join("ledger.db");
    let mut s = app::init(
        &path,
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
        };
        s.person_add("admin", req, &mut Fixed)?;
    }
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
    let started = Instant::now();
    let mut written = s.ledger.head()?.map(|h| h.0).unwrap_or(0);
    let mut medium = 0u64;
    while written < target {
        s.ledger.write(|w| {
            // Each medium: register, then use/return cycles that pass the reuse gate.
            medium += 1;
            let m = MediumNumber(format!("USB-BENCH-{medium:06}"));
            let reg = Body::Register(Register {
                kind: MediaKind::Usb,
                label: None,
                device: None,
                classification: Classification::new(3, 2, 2, None)?,
                received_from: None,
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
        })?;
        written += 101;
    }
    let build = started.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "built {written} entries on {medium} media in {:.1} s ({:.0} entries/s), {:.1} MiB",
        build.as_secs_f64(),
        written as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    for round in 1..=3 {
        let t = Instant::now();
        let report = s.ledger.verify()?;
        let secs = t.elapsed().as_secs_f64();
        assert!(
            report.ok(),
            "bench ledger failed verification: {:?}",
            report.failure
        );
        println!(
            "verify round {round}: {} entries, {} signatures in {secs:.2} s ({:.0} entries/s, {} threads)",
            report.entries,
            report.signatures,
            report.entries as f64 / secs,
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        );
    }
    let t = Instant::now();
    let form = s.form("USB-BENCH-000001", baitai::report::Lang::Ja)?;
    println!(
        "ledger print of one medium ({} rows): {:.1} ms",
        form.rows.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

fn draft(m: &MediumNumber, actor: &Person, body: Body) -> Draft {
    Draft {
        medium: Some(m.clone()),
        actor: Some(actor.id.clone()),
        body,
    }
}

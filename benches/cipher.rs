//! Per-core throughput of the vault's AEADs (AES-256-GCM, Camellia-256-GCM) and of SHA-256, in
//! the 64 KiB chunks the vault uses, each next to `openssl speed` on the same CPU (OpenSSL's
//! assembly: the practical limit) and, for AES, the RustCrypto `aes-gcm` crate; Camellia beside
//! the `camellia` crate (where it runs when the system has no libgcrypt) and on every core at
//! once, as `put` seals; then the cost of one key derivation at the default parameters.
//! Run: `cargo bench --bench cipher`. Prints figures only.

use std::time::{Duration, Instant};

use baitai::crypto::aead::{camellia_implementation, portable_camellia_seal};
use baitai::crypto::Cipher;
use sha2::{Digest, Sha256};

const CHUNK: usize = 64 * 1024;

fn rate(mut f: impl FnMut()) -> f64 {
    let budget = Duration::from_millis(1500);
    f();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    (n * CHUNK as u64) as f64 / start.elapsed().as_secs_f64() / (1 << 20) as f64
}

fn main() {
    let key = [7u8; 32];
    let data = vec![0x5au8; CHUNK];
    let mut buf = data.clone();
    for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
        let seal = rate(|| {
            std::hint::black_box(c.seal(&key, &[1u8; 12], &[], &data).ok());
        });
        let ct = c.seal(&key, &[1u8; 12], &[], &data).unwrap_or_default();
        let open = rate(|| {
            std::hint::black_box(c.open(&key, &[1u8; 12], &[], &ct).ok());
        });
        println!(
            "{:<18} seal {seal:>7.0} MiB/s   open {open:>7.0} MiB/s",
            c.name()
        );
    }
    let rustcrypto = {
        use aes_gcm::aead::{AeadInPlace, KeyInit};
        let k = aes_gcm::Aes256Gcm::new(&key.into());
        rate(|| {
            let mut b = data.clone();
            let n = aes_gcm::Nonce::from([1u8; 12]);
            std::hint::black_box(k.encrypt_in_place_detached(&n, &[], &mut b).ok());
        })
    };
    println!(
        "{:<18} seal {rustcrypto:>7.0} MiB/s   (the RustCrypto aes-gcm crate, for comparison)",
        "aes-256-gcm/rc"
    );
    peer("aes-256-gcm", "AES-256-GCM");
    camellia_beside_the_crate(&key, &data);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let camellia_all = all_cores(cores, || {
        rate(|| {
            let sealed = Cipher::Camellia256Gcm.seal(&key, &[1u8; 12], &[], &data);
            std::hint::black_box(sealed.ok());
        })
    });
    println!(
        "{:<18} seal {camellia_all:>7.0} MiB/s   (on all {cores} cores at once, as put seals)",
        "camellia-256-gcm"
    );
    peer("camellia-256-ctr", "CAMELLIA-256-CTR");
    let sha = rate(|| {
        std::hint::black_box(Sha256::digest(&buf));
        buf[0] ^= 1;
    });
    println!(
        "{:<18} hash {sha:>7.0} MiB/s   (the sha2 crate, as put and get hash)",
        "sha-256"
    );
    peer("sha256", "sha256");
    kdf();
}

/// Camellia-256-GCM where it runs in this process beside the `camellia` crate, in one run.
fn camellia_beside_the_crate(key: &[u8; 32], data: &[u8]) {
    let ours = rate(|| {
        std::hint::black_box(Cipher::Camellia256Gcm.seal(key, &[1u8; 12], &[], data).ok());
    });
    let portable = rate(|| {
        std::hint::black_box(portable_camellia_seal(key, &[1u8; 12], &[], data).ok());
    });
    println!(
        "{:<18} seal {ours:>7.0} MiB/s   ({}) = {:.1}x the camellia crate's {portable:.0} MiB/s",
        "camellia-256-gcm",
        camellia_implementation(),
        ours / portable
    );
}

/// The sum of `f`'s rates on `n` threads running at once.
fn all_cores(n: usize, f: impl Fn() -> f64 + Sync) -> f64 {
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..n).map(|_| s.spawn(&f)).collect();
        runs.into_iter().filter_map(|r| r.join().ok()).sum()
    })
}

/// Print `openssl speed -evp ALG` on 64 KiB blocks beside ours.
fn peer(alg: &str, label: &str) {
    match openssl_speed(alg, label) {
        Some(v) => println!(
            "{:<18}      {v:>7.0} MiB/s   (openssl speed -evp {alg}, 64 KiB, one core)",
            format!("{alg}/openssl")
        ),
        None => println!("{alg}/openssl: SKIPPED (the openssl command is not installed)"),
    }
}

/// `openssl speed -evp ALG` on 64 KiB blocks, in MiB/s (it prints thousands of bytes per
/// second on a line that starts with `label`).
fn openssl_speed(alg: &str, label: &str) -> Option<f64> {
    let out = std::process::Command::new("openssl")
        .args(["speed", "-evp", alg, "-seconds", "2", "-bytes", "65536"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with(label))?;
    let k: f64 = line
        .split_whitespace()
        .last()?
        .trim_end_matches('k')
        .parse()
        .ok()?;
    Some(k * 1000.0 / (1 << 20) as f64)
}

/// The passphrase KDF at its default parameters: the median of five derivations of each kind,
/// so the ratios come from one run. baitai's (the lanes on every core, in huge
/// pages) beside the same on one thread, and beside Argon2id as issue 20 found it: the lanes on
/// one thread in the memory argon2 allocates itself (4 KiB pages).
fn kdf() {
    use argon2::{Algorithm, Argon2, Params, Version};
    use baitai::crypto::{KdfParams, Passphrase};
    let k = KdfParams::STANDARD;
    let pass = Passphrase::new("Bench-Passphrase-1!".into());
    let one = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool,
        Err(e) => return println!("kdf: no one-thread pool: {e}"),
    };
    let Ok(params) = Params::new(k.m_kib, k.t, k.p, Some(32)) else {
        return println!("kdf: argon2 refuses {k:?}");
    };
    let as_found = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    let ours = || {
        std::hint::black_box(k.derive(&pass, b"bench-salt-bench").ok());
    };
    let found = || {
        let mut out = [0u8; 32];
        std::hint::black_box(
            as_found
                .hash_password_into(b"Bench-Passphrase-1!", b"bench-salt-bench", &mut out)
                .ok(),
        );
    };
    let (mut all, mut single, mut before) = (Vec::new(), Vec::new(), Vec::new());
    // Argon2id as found runs first, five times, and ours after, alternating. A derivation that
    // follows one in 4 KiB pages can run twice as slow here: this VM hands freed guest pages
    // back to its host (virtio-balloon free page reporting), which must fault them in again.
    // A command in a fresh process meets that at most once; the medians leave that run out.
    for _ in 0..5 {
        before.push(one.install(|| timed(&found)));
    }
    for _ in 0..5 {
        single.push(one.install(|| timed(&ours)));
        all.push(timed(&ours));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[2]
    };
    let (all, single, before) = (median(&mut all), median(&mut single), median(&mut before));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // With THP "always", argon2's own allocation gets huge pages too: not as issue 20 found it.
    let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .ok()
        .and_then(|t| Some(t.split('[').nth(1)?.split(']').next()?.to_string()))
        .unwrap_or_else(|| "unknown".into());
    if thp == "always" {
        println!("kdf: transparent huge pages are 'always' here, so the as-found row has them too");
    }
    println!(
        "{:<18} {all:.2} s per derivation on {cores} cores, {single:.2} s on one thread ({:.2} of it); \
         as issue 20 found it (one thread, 4 KiB pages) {before:.2} s ({:.2} of it) (Argon2id m={} MiB t={} p={})",
        "kdf",
        all / single,
        all / before,
        k.m_kib / 1024,
        k.t,
        k.p
    );
}

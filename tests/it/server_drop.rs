//! A ledger server that goes away in the middle of a `put` (issue 16, item 6): the connection
//! is cut just before the append's COMMIT reaches the server. The command fails with one line,
//! the server records nothing, and the vault on the medium is as it was before the put.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use crate::common::*;

/// A TCP proxy to `port` that closes the first connection which sends a COMMIT after an
/// INSERT, without passing that COMMIT on; every other connection is passed through. Its port.
fn cutting_the_first_append(port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = listener.local_addr().unwrap().port();
    let done = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            let (mut c_in, mut u_out) =
                (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let done = done.clone();
            std::thread::spawn(move || {
                let mut inserted = false;
                let mut buf = vec![0; 1 << 16];
                while let Ok(n @ 1..) = c_in.read(&mut buf) {
                    let sent = &buf[..n];
                    inserted |= sent.windows(6).any(|w| w == b"INSERT");
                    if inserted && !done.load(SeqCst) && sent.windows(7).any(|w| w == b"COMMIT\0") {
                        done.store(true, SeqCst);
                        let _ = c_in.shutdown(Shutdown::Both);
                        let _ = u_out.shutdown(Shutdown::Both);
                        return;
                    }
                    if u_out.write_all(sent).is_err() {
                        return;
                    }
                }
            });
            let (mut u_in, mut c_out) = (upstream, client);
            std::thread::spawn(move || {
                let mut buf = vec![0; 1 << 16];
                while let Ok(n @ 1..) = u_in.read(&mut buf) {
                    if c_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_out.shutdown(Shutdown::Both);
            });
        }
    });
    proxy
}

#[test]
fn a_put_whose_server_goes_away_leaves_the_vault_as_it_was() {
    let Some((env, db)) = Env::built_on_server("put_drop") else {
        return;
    };
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "図面"], HANDLER);
    let mount = env.path("usb");
    std::fs::create_dir_all(&mount).unwrap();
    let first = env.path("first.txt");
    std::fs::write(&first, "first").unwrap();
    let mount_s = mount.to_str().unwrap();
    env.ok_as(
        &["put", mount_s, first.to_str().unwrap(), "--medium", &m],
        HANDLER,
    );
    let entries = |env: &Env| env.ok(&["ledger", "verify"])["entries"].as_u64().unwrap();
    let before = entries(&env);
    let manifest = std::fs::read(mount.join("BAITAI/vault.mf")).unwrap();

    // The same ledger through the proxy, in plain text so that it can see the COMMIT.
    let port: u16 = db
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let proxy = cutting_the_first_append(port);
    let through = format!(
        "{}?sslmode=disable",
        db.url
            .replacen(&format!(":{port}/"), &format!(":{proxy}/"), 1)
    );
    let second = env.path("second.txt");
    std::fs::write(&second, "second").unwrap();
    let pass = env.pass(HANDLER);
    let out = env
        .cmd()
        .env("BAITAI_LEDGER", &through)
        .args(["put", mount_s, second.to_str().unwrap(), "--as", HANDLER])
        .arg("--passphrase-file")
        .arg(&pass)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("ledger server at postgres://"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    assert_eq!(entries(&env), before, "nothing recorded");
    assert_eq!(
        std::fs::read(mount.join("BAITAI/vault.mf")).unwrap(),
        manifest,
        "the vault's manifest is the one before the put"
    );
    let v = env.ok_as(&["ls", mount_s], HANDLER);
    let names: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first.txt"]);
    // And the next put, on the server itself, goes through.
    env.ok_as(&["put", mount_s, second.to_str().unwrap()], HANDLER);
}

//! Test vectors in fixtures/vault-v1/: vaults written with known keys. The test opens them the
//! way a reader of docs/format.md would and checks every file; `--ignored regenerate` rewrites them.

use std::fs;
use std::path::{Path, PathBuf};

use baitai::crypto::{Cipher, KdfParams, Passphrase, PersonKey};
use baitai::model::{Classification, PersonId};
use baitai::vault::{self, NewVault, Opener, Source, Vault};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vault-v1")
}

const WRITER_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff";
const ESCROW_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const PASSPHRASE: &str = "Fixture-Recipient-1";

/// The files in each fixture vault: (name, content).
fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("hello.txt", "こんにちは baitai\n".as_bytes().to_vec()),
        ("empty", Vec::new()),
        (
            "dir/chunky.bin",
            (0..65_537u32).map(|i| (i % 251) as u8).collect(),
        ),
        // Exactly one full chunk: the last chunk is full-size, the case most likely to split
        // implementations.
        (
            "exactly-64k.bin",
            (0..65_536u32).map(|i| (i % 253) as u8).collect(),
        ),
    ]
}

fn key(hex_key: &str) -> PersonKey {
    PersonKey::from_bytes(&hex::decode(hex_key).unwrap()).unwrap()
}

#[test]
#[ignore = "rewrites fixtures/vault-v1; run on purpose with --ignored"]
fn regenerate() {
    let writer = key(WRITER_KEY);
    let escrow = key(ESCROW_KEY);
    let pass = Passphrase::new(PASSPHRASE.into());
    let src = tempfile::tempdir().unwrap();
    let mut sources = Vec::new();
    for (name, data) in files() {
        let p = src.path().join(name.replace('/', "_"));
        fs::write(&p, data).unwrap();
        sources.push(Source {
            name: name.into(),
            path: p,
        });
    }
    for cipher in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
        let mount = root().join(cipher.name());
        let _ = fs::remove_dir_all(&mount);
        fs::create_dir_all(&mount).unwrap();
        let w = PersonId::nth(2);
        let mut v = Vault::create(
            &mount,
            NewVault {
                medium: "USB-2026-0001".into(),
                org: "fixture".into(),
                classification: Classification::new(3, 2, 2, Some("test vector".into())).unwrap(),
                cipher,
                writer: (&w, &writer),
                escrow: vec![(PersonId::nth(3), escrow.agreement_public())],
                passphrase: Some((&pass, KdfParams::INSECURE_FAST)),
                now: "2026-11-23T00:00:00.000000Z".into(),
            },
        )
        .unwrap();
        v.add(
            &sources,
            false,
            (&w, &writer),
            "2026-11-23T00:00:00.000000Z",
            &mut |_| {},
        )
        .unwrap();
    }
    let keys = json!({
        "about": "Keys for the vaults beside this file. Test vectors only: never use these keys.",
        "writer": {"person": "P0002", "signing_key": WRITER_KEY,
                   "signing_public": writer.public().to_hex(), "encryption_public": writer.agreement_public().to_hex()},
        "escrow": {"person": "P0003", "signing_key": ESCROW_KEY, "encryption_public": escrow.agreement_public().to_hex()},
        "passphrase": PASSPHRASE,
        "files": files().iter().map(|(n, d)| json!({"name": n, "size": d.len(), "sha256": hex::encode(Sha256::digest(d))})).collect::<Vec<_>>(),
    });
    fs::write(
        root().join("keys.json"),
        serde_json::to_string_pretty(&keys).unwrap() + "\n",
    )
    .unwrap();
}

#[test]
fn fixtures_open_with_every_key_and_match() {
    let keys: Value =
        serde_json::from_str(&fs::read_to_string(root().join("keys.json")).unwrap()).unwrap();
    let writer = key(keys["writer"]["signing_key"].as_str().unwrap());
    let escrow = key(keys["escrow"]["signing_key"].as_str().unwrap());
    assert_eq!(
        writer.agreement_public().to_hex(),
        keys["writer"]["encryption_public"]
    );
    let pass = Passphrase::new(keys["passphrase"].as_str().unwrap().into());
    let expected = files();
    for cipher in ["aes-256-gcm", "camellia-256-gcm"] {
        let mount = root().join(cipher);
        let header = vault::read_header(&mount).unwrap();
        assert_eq!(header.body.cipher.name(), cipher);
        let (w, e) = (PersonId::nth(2), PersonId::nth(3));
        for opener in [
            Opener::Person {
                id: &w,
                key: &writer,
            },
            Opener::Person {
                id: &e,
                key: &escrow,
            },
            Opener::Passphrase(&pass),
        ] {
            let v = Vault::open(&mount, opener).unwrap();
            assert_eq!(v.manifest.body.writer_key, keys["writer"]["signing_public"]);
            assert_eq!(v.files().len(), expected.len());
            for (name, data) in &expected {
                let f = v.files().iter().find(|f| f.name == *name).unwrap();
                let mut out = Vec::new();
                v.read_file(f, &mut out, &mut |_| {}).unwrap();
                assert_eq!(&out, data, "{cipher} {name}");
            }
        }
    }
}

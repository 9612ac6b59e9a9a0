//! Vault tests: who can open it, and that every change to its bytes is detected.

use super::*;
use baitai_core::crypto::{KdfParams, PersonKey};

struct Cast {
    writer: (PersonId, PersonKey),
    escrow: (PersonId, PersonKey),
    outsider: (PersonId, PersonKey),
    pass: Passphrase,
}

fn cast() -> Cast {
    Cast {
        writer: (PersonId::nth(2), PersonKey::generate()),
        escrow: (PersonId::nth(3), PersonKey::generate()),
        outsider: (PersonId::nth(4), PersonKey::generate()),
        pass: Passphrase::new("Outside-Recipient-9".into()),
    }
}

/// A temporary directory with an empty mount point in it, and the cast.
fn fresh() -> (tempfile::TempDir, PathBuf, Cast) {
    let d = tempfile::tempdir().unwrap();
    let mount = d.path().join("mnt");
    fs::create_dir_all(&mount).unwrap();
    (d, mount, cast())
}

fn new_vault(c: &Cast, cipher: Cipher) -> NewVault<'_> {
    NewVault {
        medium: "USB-2026-0001".into(),
        org: "org".into(),
        classification: Classification::new(3, 2, 2, None).unwrap(),
        cipher,
        writer: (&c.writer.0, &c.writer.1),
        escrow: vec![(c.escrow.0.clone(), c.escrow.1.agreement_public())],
        passphrase: Some((&c.pass, KdfParams::INSECURE_FAST)),
        now: "2026-11-23T00:00:00Z".into(),
    }
}

fn make(mount: &Path, c: &Cast, cipher: Cipher, files: &[(&str, Vec<u8>)]) -> Vault {
    let mut v = Vault::create(mount, new_vault(c, cipher)).unwrap();
    let src = mount.parent().unwrap().join("src");
    fs::create_dir_all(&src).unwrap();
    let sources: Vec<Source> = files
        .iter()
        .map(|(name, data)| {
            let p = src.join(name.replace('/', "_"));
            fs::write(&p, data).unwrap();
            Source {
                name: name.to_string(),
                path: p,
            }
        })
        .collect();
    v.add(
        &sources,
        false,
        (&c.writer.0, &c.writer.1),
        "2026-11-23T00:00:00Z",
        &mut |_| {},
    )
    .unwrap();
    v
}

fn read_all(v: &Vault) -> Vec<(String, Vec<u8>)> {
    v.files()
        .iter()
        .map(|f| {
            let mut out = Vec::new();
            v.read_file(f, &mut out, &mut |_| {}).unwrap();
            (f.name.clone(), out)
        })
        .collect()
}

/// Open as the writer and read every file; any error means the change was detected.
fn opens_and_reads(mount: &Path, c: &Cast) -> Result<()> {
    let v = Vault::open(
        mount,
        Opener::Person {
            id: &c.writer.0,
            key: &c.writer.1,
        },
    )?;
    for f in v.files() {
        v.read_file(f, &mut std::io::sink(), &mut |_| {})?;
    }
    Ok(())
}

#[test]
fn writer_escrow_and_passphrase_open_it_and_nobody_else() {
    for cipher in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
        let (_d, mount, c) = fresh();
        let files = vec![
            ("a.txt", b"alpha".to_vec()),
            ("dir/b.bin", vec![7u8; 70_000]),
        ];
        make(&mount, &c, cipher, &files);
        let want: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, d)| (n.to_string(), d.clone()))
            .collect();
        let w = Vault::open(
            &mount,
            Opener::Person {
                id: &c.writer.0,
                key: &c.writer.1,
            },
        )
        .unwrap();
        assert_eq!(read_all(&w), want);
        let e = Vault::open(
            &mount,
            Opener::Person {
                id: &c.escrow.0,
                key: &c.escrow.1,
            },
        )
        .unwrap();
        assert_eq!(read_all(&e), want);
        let p = Vault::open(&mount, Opener::Passphrase(&c.pass)).unwrap();
        assert_eq!(read_all(&p), want);
        for opener in [
            Opener::Person {
                id: &c.outsider.0,
                key: &c.outsider.1,
            },
            // The right ID with the wrong key.
            Opener::Person {
                id: &c.writer.0,
                key: &c.outsider.1,
            },
        ] {
            let err = Vault::open(&mount, opener).err().unwrap();
            assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Auth);
        }
        let wrong = Passphrase::new("Wrong-Passphrase-1".into());
        assert!(Vault::open(&mount, Opener::Passphrase(&wrong)).is_err());
    }
}

#[test]
fn every_single_byte_change_is_detected() {
    let (_d, mount, c) = fresh();
    make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("x.txt", b"secret text".to_vec()), ("empty", vec![])],
    );
    assert!(opens_and_reads(&mount, &c).is_ok());
    let dir = vault_dir(&mount);
    let mut files: Vec<PathBuf> = vec![dir.join(HEADER_FILE), dir.join(MANIFEST_FILE)];
    files.extend(
        fs::read_dir(dir.join(OBJECTS))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    let mut flips = 0;
    for path in files {
        let original = fs::read(&path).unwrap();
        for i in 0..original.len() {
            let mut changed = original.clone();
            changed[i] ^= 0x01;
            fs::write(&path, &changed).unwrap();
            assert!(
                opens_and_reads(&mount, &c).is_err(),
                "flip of byte {i} in {} went unnoticed",
                path.display()
            );
            flips += 1;
        }
        fs::write(&path, &original).unwrap();
    }
    assert!(opens_and_reads(&mount, &c).is_ok());
    assert!(flips > 500, "{flips}");
}

#[test]
fn swapped_truncated_and_missing_objects_are_detected() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Camellia256Gcm,
        &[("a", vec![1u8; 100]), ("b", vec![2u8; 100])],
    );
    let objs: Vec<PathBuf> = v
        .files()
        .iter()
        .map(|f| v.object_path(f).unwrap())
        .collect();
    let (a, b) = (fs::read(&objs[0]).unwrap(), fs::read(&objs[1]).unwrap());
    fs::write(&objs[0], &b).unwrap();
    fs::write(&objs[1], &a).unwrap();
    let err = opens_and_reads(&mount, &c).unwrap_err();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(
        err.to_string().contains("a:") || err.to_string().contains("b:"),
        "{err}"
    );
    fs::write(&objs[0], &a[..a.len() - 5]).unwrap();
    fs::write(&objs[1], &b).unwrap();
    assert!(opens_and_reads(&mount, &c).is_err());
    fs::remove_file(&objs[0]).unwrap();
    assert!(opens_and_reads(&mount, &c)
        .unwrap_err()
        .to_string()
        .contains("missing"));
}

#[test]
fn no_name_or_content_in_the_raw_bytes() {
    let (_d, mount, c) = fresh();
    let secret_name = "TOP-SECRET-DESIGN-設計図.dwg";
    let secret_body = b"CONFIDENTIAL-PAYLOAD-0123456789".repeat(100);
    make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[(secret_name, secret_body.clone())],
    );
    let mut all = Vec::new();
    let mut stack = vec![mount.clone()];
    while let Some(p) = stack.pop() {
        for e in fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            all.extend_from_slice(e.file_name().to_string_lossy().as_bytes());
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                all.extend(fs::read(e.path()).unwrap());
            }
        }
    }
    let hay = String::from_utf8_lossy(&all);
    for needle in ["TOP-SECRET", "設計図", "CONFIDENTIAL-PAYLOAD", ".dwg"] {
        assert!(!hay.contains(needle), "{needle} visible on the medium");
    }
    assert!(
        hay.contains("C3-I2-A2"),
        "the marking is readable without a key"
    );
}

#[test]
fn an_interrupted_add_leaves_the_previous_vault_and_is_cleaned_up() {
    let (d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[("keep", b"kept".to_vec())]);
    // An object written without a manifest update, as a killed `put` leaves it.
    let orphan = vault_dir(&mount)
        .join(OBJECTS)
        .join("00112233445566778899aabbccddeeff");
    fs::write(&orphan, b"half an object").unwrap();
    let mut v = Vault::open(
        &mount,
        Opener::Person {
            id: &c.writer.0,
            key: &c.writer.1,
        },
    )
    .unwrap();
    assert_eq!(read_all(&v), vec![("keep".to_string(), b"kept".to_vec())]);
    let p = d.path().join("more");
    fs::write(&p, b"more").unwrap();
    v.add(
        &[Source {
            name: "more".into(),
            path: p,
        }],
        false,
        (&c.writer.0, &c.writer.1),
        "t",
        &mut |_| {},
    )
    .unwrap();
    assert!(!orphan.exists());
    assert_eq!(v.files().len(), 2);
}

#[test]
fn replace_and_refusals() {
    let (d, mount, c) = fresh();
    let mut v = make(&mount, &c, Cipher::Aes256Gcm, &[("f", b"one".to_vec())]);
    let p = d.path().join("f2");
    fs::write(&p, b"two").unwrap();
    let src = [Source {
        name: "f".into(),
        path: p.clone(),
    }];
    let w: (&PersonId, &dyn KeyDevice) = (&c.writer.0, &c.writer.1);
    assert_eq!(
        v.add(&src, false, w, "t", &mut |_| {})
            .unwrap_err()
            .exit_code(),
        baitai_core::error::ExitCode::Refused
    );
    v.add(&src, true, w, "t", &mut |_| {}).unwrap();
    assert_eq!(read_all(&v), vec![("f".to_string(), b"two".to_vec())]);
    assert_eq!(
        fs::read_dir(vault_dir(&mount).join(OBJECTS))
            .unwrap()
            .count(),
        1,
        "old object removed"
    );
    let bad = [Source {
        name: "../escape".into(),
        path: p,
    }];
    assert!(v.add(&bad, false, w, "t", &mut |_| {}).is_err());
}

#[test]
#[cfg(unix)]
fn extraction_never_leaves_the_output_directory() {
    let (d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("sub/file", b"data".to_vec())],
    );
    let out = d.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let elsewhere = d.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).unwrap();
    let err = v.extract(v.files(), &out, false, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    fs::remove_file(out.join("sub")).unwrap();
    v.extract(v.files(), &out, false, &mut |_| {}).unwrap();
    assert_eq!(fs::read(out.join("sub/file")).unwrap(), b"data");
    assert!(
        v.extract(v.files(), &out, false, &mut |_| {}).is_err(),
        "no silent overwrite"
    );
    let leftovers: Vec<_> = fs::read_dir(out.join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn a_newer_format_version_is_a_clear_error() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let p = vault_dir(&mount).join(HEADER_FILE);
    let mut raw = fs::read(&p).unwrap();
    raw[9] = 2;
    fs::write(&p, &raw).unwrap();
    let err = read_header(&mount).unwrap_err();
    assert!(err.to_string().contains("upgrade baitai"), "{err}");
}

#[test]
fn crypto_erase_makes_it_unopenable() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[("x", b"x".to_vec())]);
    Vault::erase(&mount).unwrap();
    assert!(!exists(&mount));
    assert!(Vault::open(&mount, Opener::Passphrase(&c.pass)).is_err());
}

/// The header file of `mount` with its body replaced by `body` (the MAC is left as it was).
fn reframe_header(mount: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let p = vault_dir(mount).join(HEADER_FILE);
    let raw = fs::read(&p).unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&raw[14..raw.len() - 32]).unwrap();
    edit(&mut body);
    let json = serde_json::to_vec(&body).unwrap();
    let mut out = raw[..10].to_vec();
    out.extend_from_slice(&(json.len() as u32).to_be_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&raw[raw.len() - 32..]);
    fs::write(&p, out).unwrap();
}

/// Run `f` on a thread and fail if it has not returned within ten seconds: what a hostile
/// medium's FIFO or endless file would do to a plain read.
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("did not return: the read blocked or never ended")
}

#[test]
fn an_oversized_header_length_is_refused_before_reading_the_body() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let p = vault_dir(&mount).join(HEADER_FILE);
    let original = fs::read(&p).unwrap();
    let with_len = |len: u32| {
        let mut raw = original.clone();
        raw[10..14].copy_from_slice(&len.to_be_bytes());
        raw
    };
    // A claim of 4 GiB in a small file.
    fs::write(&p, with_len(u32::MAX)).unwrap();
    let err = read_header(&mount).unwrap_err();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("length does not match"), "{err}");
    // One byte over the limit, in a file exactly that long: refused by its size, unread.
    let over = format::MAX_HEADER_BODY as u32 + 1;
    let mut padded = with_len(over);
    padded.resize(14 + over as usize + 32, b' ');
    let err = Header::parse(padded.clone()).unwrap_err();
    assert!(err.to_string().contains("length does not match"), "{err}");
    fs::write(&p, &padded).unwrap();
    let err = read_header(&mount).unwrap_err();
    assert!(err.to_string().contains("longer than"), "{err}");
    // A 4 GiB file claiming 4 GiB (sparse, so it costs no disk): refused without reading it.
    fs::write(&p, with_len(u32::MAX)).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(14 + u64::from(u32::MAX) + 32)
        .unwrap();
    let err = within_seconds(move || read_header(&mount).map(|_| ()).unwrap_err());
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("longer than"), "{err}");
}

#[test]
fn a_headers_span_is_its_file_and_a_claim_past_the_limit_is_capped() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let raw = fs::read(vault_dir(&mount).join(HEADER_FILE)).unwrap();
    let first = &raw[..raw.len().min(512)];
    assert_eq!(format::header_span(first), Some(raw.len() as u64));
    let mut huge = first.to_vec();
    huge[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        format::header_span(&huge),
        Some(format::MAX_HEADER_FILE as u64)
    );
    assert_eq!(format::header_span(&raw[..13]), None);
}

#[test]
fn an_oversized_manifest_file_is_refused_before_reading_it() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let p = vault_dir(&mount).join(MANIFEST_FILE);
    fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(format::MAX_MANIFEST as u64 + 1)
        .unwrap();
    let err = within_seconds(move || opens_and_reads(&mount, &c).unwrap_err());
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("longer than"), "{err}");
}

#[test]
fn a_short_slot_salt_is_refused() {
    let (_d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let set_salt = |salt: &'static str| {
        move |body: &mut serde_json::Value| {
            for slot in body["slots"].as_array_mut().unwrap() {
                if slot["type"] == "passphrase" {
                    slot["salt"] = salt.into();
                }
            }
        }
    };
    // The salt is read before the header MAC can be checked, so it is bounded on its own.
    reframe_header(&mount, set_salt("00112233445566"));
    let err = Vault::open(&mount, Opener::Passphrase(&c.pass))
        .err()
        .unwrap();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("slot salt is too short"), "{err}");
    // Eight bytes pass that check; the changed salt then fails to unwrap.
    reframe_header(&mount, set_salt("0011223344556677"));
    let err = Vault::open(&mount, Opener::Passphrase(&c.pass))
        .err()
        .unwrap();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Auth);
    reframe_header(&mount, set_salt("not hex"));
    let err = Vault::open(&mount, Opener::Passphrase(&c.pass))
        .err()
        .unwrap();
    assert!(err.to_string().contains("not hex"), "{err}");
}

/// Sign `body` as the writer, as the next manifest of `v`, and put it on the medium.
fn write_signed_manifest(mount: &Path, v: &Vault, c: &Cast, body: &ManifestBody) {
    let (raw, _) = Manifest::encode(body, &v.header, &v.dk, &c.writer.1).unwrap();
    fs::write(vault_dir(mount).join(MANIFEST_FILE), raw).unwrap();
}

#[test]
fn duplicate_names_in_a_signed_manifest_are_refused() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"one".to_vec()), ("b.txt", b"two".to_vec())],
    );
    let mut body = v.manifest.body.clone();
    body.seq += 1;
    // Correctly encrypted and signed, with no duplicate: it opens, so what follows is refused
    // for the duplicate alone.
    write_signed_manifest(&mount, &v, &c, &body);
    opens_and_reads(&mount, &c).unwrap();
    // The same name twice: once for its own object, once for the other file's.
    let mut twice = body.clone();
    let mut other = twice.files[1].clone();
    other.name = "a.txt".into();
    twice.files.push(other);
    write_signed_manifest(&mount, &v, &c, &twice);
    let err = opens_and_reads(&mount, &c).unwrap_err();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("\"a.txt\" appears twice"), "{err}");
    // And an exact copy of an entry.
    let mut copy = body.clone();
    copy.files.push(copy.files[0].clone());
    write_signed_manifest(&mount, &v, &c, &copy);
    let err = opens_and_reads(&mount, &c).unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
}

#[test]
fn manifest_sizes_that_overflow_are_refused() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a", vec![1]), ("b", vec![2])],
    );
    let mut body = v.manifest.body.clone();
    body.seq += 1;
    body.files[0].size = u64::MAX;
    write_signed_manifest(&mount, &v, &c, &body);
    let err = opens_and_reads(&mount, &c).unwrap_err();
    assert!(err.to_string().contains("add up"), "{err}");
}

#[test]
#[cfg(unix)]
fn fifos_and_endless_files_on_the_medium_are_refused_not_read() {
    let (_d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[("f", b"data".to_vec())]);
    let dir = vault_dir(&mount);
    let fifo = |p: &Path| {
        let _ = fs::remove_file(p);
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            p,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
    };
    // An object that is a FIFO: a plain open would wait for a writer forever.
    let object = v.object_path(&v.files()[0]).unwrap();
    fifo(&object);
    let m = mount.clone();
    let cast = cast_of(&c);
    let err = within_seconds(move || opens_and_reads(&m, &cast).unwrap_err());
    assert!(err.to_string().contains("not a regular file"), "{err}");
    // A manifest that is a link to /dev/zero: a plain read would never end.
    let mf = dir.join(MANIFEST_FILE);
    fs::remove_file(&mf).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &mf).unwrap();
    let m = mount.clone();
    let cast = cast_of(&c);
    let err = within_seconds(move || opens_and_reads(&m, &cast).unwrap_err());
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("not a regular file"), "{err}");
    // A header that is a FIFO.
    fifo(&dir.join(HEADER_FILE));
    let m = mount.clone();
    let err = within_seconds(move || read_header(&m).map(|_| ()).unwrap_err());
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

/// The same people with the same keys, for a test run on another thread.
#[cfg(unix)]
fn cast_of(c: &Cast) -> Cast {
    let again = |(id, key): &(PersonId, PersonKey)| {
        (id.clone(), PersonKey::from_bytes(&key.to_bytes()).unwrap())
    };
    Cast {
        writer: again(&c.writer),
        escrow: again(&c.escrow),
        outsider: again(&c.outsider),
        pass: Passphrase::new("Outside-Recipient-9".into()),
    }
}

#[test]
#[cfg(unix)]
fn erase_never_writes_through_a_link() {
    let (d, mount, c) = fresh();
    make(&mount, &c, Cipher::Aes256Gcm, &[("x", b"x".to_vec())]);
    // A hostile medium whose manifest is a link to one of the erasing user's files.
    let precious = d.path().join("precious.txt");
    fs::write(&precious, b"the user's own file").unwrap();
    let mf = vault_dir(&mount).join(MANIFEST_FILE);
    fs::remove_file(&mf).unwrap();
    std::os::unix::fs::symlink(&precious, &mf).unwrap();
    Vault::erase(&mount).unwrap();
    assert_eq!(fs::read(&precious).unwrap(), b"the user's own file");
    assert!(fs::symlink_metadata(&mf).is_err(), "the link is removed");
    assert!(!exists(&mount));
}

/// A manifest signed by a slot holder, naming its file so as to leave `--out`: the vault does
/// not open, and nothing is written anywhere.
#[test]
fn hostile_names_in_a_signed_manifest_write_nothing() {
    let (d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[("a.txt", b"one".to_vec())]);
    let out = d.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let long = "x".repeat(300);
    let hostile = [
        "../escape",
        "a/../../escape",
        "/tmp/escape",
        "C:escape",
        "C:\\escape",
        "a\\..\\..\\escape",
        "nul\0byte",
        long.as_str(),
        "",
        ".",
    ];
    for name in hostile {
        let mut body = v.manifest.body.clone();
        body.seq += 1;
        body.files[0].name = name.to_string();
        write_signed_manifest(&mount, &v, &c, &body);
        let opened = Vault::open(
            &mount,
            Opener::Person {
                id: &c.writer.0,
                key: &c.writer.1,
            },
        );
        let err = opened.err().unwrap_or_else(|| panic!("{name:?} opened"));
        assert_eq!(
            err.exit_code(),
            baitai_core::error::ExitCode::Integrity,
            "{name:?}"
        );
        assert_eq!(fs::read_dir(&out).unwrap().count(), 0, "{name:?}");
        assert!(!d.path().join("escape").exists(), "{name:?}");
    }
}

/// Names that are another file, a device or a drive on Windows are refused by `put`, and by
/// `get` from a vault whose signed manifest holds them (issue 17): `get` writes nothing for
/// them, while the vault's other files still come out.
#[test]
fn names_that_are_not_one_file_everywhere_are_never_stored_or_written() {
    let (d, mount, c) = fresh();
    let mut v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("report.pdf", b"one".to_vec())],
    );
    let src = d.path().join("x");
    fs::write(&src, b"x").unwrap();
    for name in [
        "evil/Z:escaped.txt",
        "CON.txt",
        "dir/nul",
        "a.",
        "a?b",
        "Report.PDF",
    ] {
        let s = [Source {
            name: name.into(),
            path: src.clone(),
        }];
        let err = v
            .add(
                &s,
                true,
                (&c.writer.0, &c.writer.1),
                "2026-11-23T00:00:00Z",
                &mut |_| {},
            )
            .unwrap_err();
        assert_eq!(
            err.exit_code(),
            baitai_core::error::ExitCode::Usage,
            "{name:?}: {err}"
        );
    }
    // The same names in a manifest signed by a slot holder (or a vault from before the rule).
    let out = d.path().join("out");
    for name in ["evil/Z:escaped.txt", "CON.txt", "a.", "REPORT.pdf"] {
        let mut body = v.manifest.body.clone();
        body.seq += 1;
        let mut hostile = body.files[0].clone();
        hostile.name = name.to_string();
        body.files.push(hostile);
        write_signed_manifest(&mount, &v, &c, &body);
        let opened = Vault::open(
            &mount,
            Opener::Person {
                id: &c.writer.0,
                key: &c.writer.1,
            },
        )
        .unwrap();
        let bad = opened
            .files()
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .clone();
        let err = opened
            .extract(&[bad], &out, false, &mut |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("refused"), "{name:?}: {err}");
        assert!(!d.path().join("Z:escaped.txt").exists());
        assert_eq!(
            fs::read_dir(&out).map(|r| r.count()).unwrap_or(0),
            0,
            "{name:?}"
        );
        if name != "REPORT.pdf" {
            let good = opened.files()[0].clone();
            opened.extract(&[good], &out, true, &mut |_| {}).unwrap();
            fs::remove_dir_all(&out).unwrap();
        }
    }
}

/// A medium whose vault directory is a link elsewhere is refused, not written through.
#[test]
#[cfg(unix)]
fn a_vault_directory_that_is_a_link_is_refused() {
    let (d, mount, c) = fresh();
    let elsewhere = d.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::create_dir_all(&mount).unwrap();
    std::os::unix::fs::symlink(&elsewhere, vault_dir(&mount)).unwrap();
    let err = Vault::create(&mount, new_vault(&c, Cipher::Aes256Gcm))
        .err()
        .unwrap();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    // The same for a vault made elsewhere and linked in.
    let real = d.path().join("real");
    make(&real, &c, Cipher::Aes256Gcm, &[("a.txt", b"one".to_vec())]);
    fs::remove_file(vault_dir(&mount)).unwrap();
    std::os::unix::fs::symlink(vault_dir(&real), vault_dir(&mount)).unwrap();
    let err = read_header(&mount).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    // And a real vault directory whose objects directory is a link.
    fs::remove_file(vault_dir(&mount)).unwrap();
    fs::create_dir_all(vault_dir(&mount)).unwrap();
    for f in [HEADER_FILE, MANIFEST_FILE] {
        fs::copy(vault_dir(&real).join(f), vault_dir(&mount).join(f)).unwrap();
    }
    std::os::unix::fs::symlink(&elsewhere, vault_dir(&mount).join("obj")).unwrap();
    let err = read_header(&mount).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// docs/format.md and the reader agree (issue 14, point 7)

/// A header file around `body`, with a MAC of zeros: [`Header::parse`] reads it without a key.
fn header_around(body: &str) -> Vec<u8> {
    let mut raw = format::HEADER_MAGIC.to_vec();
    raw.extend_from_slice(&format::VERSION.to_be_bytes());
    raw.extend_from_slice(&(body.len() as u32).to_be_bytes());
    raw.extend_from_slice(body.as_bytes());
    raw.extend_from_slice(&[0u8; 32]);
    raw
}

/// The header body of a fresh vault as its writer wrote it, and the vault.
fn written_header_body() -> (tempfile::TempDir, Vault, String) {
    let (d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[]);
    let raw = &v.header.raw;
    let body = String::from_utf8(raw[14..raw.len() - 32].to_vec()).unwrap();
    (d, v, body)
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
fn edit_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from} in {text}");
    text.replacen(from, to, 1)
}

fn assert_vault_damage(r: Result<Header>, why: &str, what: &str) {
    let err = r.err().unwrap_or_else(|| panic!("{what}: accepted"));
    assert_eq!(
        err.exit_code(),
        baitai_core::error::ExitCode::Integrity,
        "{what}"
    );
    assert!(err.to_string().contains(why), "{what}: {err}");
}

/// Conventions: readers ignore unknown members and need no particular order or whitespace.
#[test]
fn unknown_json_members_any_order_and_whitespace_are_accepted() {
    let (_d, v, body) = written_header_body();
    let future = edit_once(
        &body,
        "\"classification\":{",
        "\"future\" : {\"a\": [1, {\"b\": null}]},\n \"classification\":{\"note\":\"x\",",
    );
    let future = edit_once(
        &future,
        "\"type\":\"passphrase\",",
        "\"type\":\"passphrase\",\"hint\":1,",
    );
    let future = future.replace("\"kdf\":{", "\"kdf\":{\"future\":true,");
    let h = Header::parse(header_around(&future)).unwrap();
    assert_eq!(h.body, v.header.body);
    // Members in alphabetical order (serde_json's map), "type" after the slot's other members.
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let sorted = serde_json::to_string_pretty(&value).unwrap();
    assert!(sorted.find("\"person\"").unwrap() < sorted.find("\"type\"").unwrap());
    assert_eq!(
        Header::parse(header_around(&sorted)).unwrap().body,
        v.header.body
    );
}

/// Conventions: "readers … must reject an object with the same member twice". serde's derived
/// structs refuse a known member given twice, but skipped an unknown one given twice.
#[test]
fn a_json_member_given_twice_is_refused_at_any_depth() {
    let (_d, _v, body) = written_header_body();
    let twice = [
        // Unknown members: accepted before this fix.
        (
            "top level, unknown",
            edit_once(&body, "{\"vault_id\"", "{\"x\":1,\"x\":2,\"vault_id\""),
        ),
        (
            "classification, unknown",
            edit_once(
                &body,
                "\"classification\":{",
                "\"classification\":{\"x\":1,\"x\":1,",
            ),
        ),
        (
            "slot, unknown",
            edit_once(
                &body,
                "\"type\":\"passphrase\",",
                "\"type\":\"passphrase\",\"x\":[],\"x\":[],",
            ),
        ),
        (
            "kdf, unknown",
            body.replace("\"kdf\":{", "\"kdf\":{\"x\":0,\"x\":0,"),
        ),
        (
            "the same name, once escaped",
            edit_once(
                &body,
                "{\"vault_id\"",
                "{\"x\":1,\"\\u0078\":2,\"vault_id\"",
            ),
        ),
        (
            "deep inside an unknown member",
            edit_once(
                &body,
                "{\"vault_id\"",
                "{\"x\":[{\"y\":{\"z\":1,\"z\":1}}],\"vault_id\"",
            ),
        ),
        // Known members: serde refused these already.
        (
            "top level, known",
            edit_once(
                &body,
                "\"org\":\"org\"",
                "\"org\":\"org\",\"org\":\"other\"",
            ),
        ),
        (
            "slot tag",
            edit_once(
                &body,
                "\"type\":\"passphrase\",",
                "\"type\":\"passphrase\",\"type\":\"passphrase\",",
            ),
        ),
        ("kdf, known", body.replace("\"kdf\":{", "\"kdf\":{\"t\":1,")),
    ];
    for (what, json) in twice {
        assert_vault_damage(Header::parse(header_around(&json)), "twice", what);
    }
}

/// The same for the manifest, signed by the writer so the duplicate is its only fault.
#[test]
fn a_manifest_with_a_member_twice_is_refused() {
    let (_d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[("a.txt", b"one".to_vec())]);
    let mut body = v.manifest.body.clone();
    body.seq += 1;
    let json = serde_json::to_string(&body).unwrap();
    let write = |json: &str| {
        let raw = Manifest::encode_json(json.as_bytes(), body.seq, &v.header, &v.dk, &c.writer.1)
            .unwrap();
        fs::write(vault_dir(&mount).join(MANIFEST_FILE), raw).unwrap();
    };
    // As written, and with unknown members: it opens.
    write(&json);
    opens_and_reads(&mount, &c).unwrap();
    write(&edit_once(
        &json,
        "\"added_by\"",
        "\"future\":{},\"added_by\"",
    ));
    opens_and_reads(&mount, &c).unwrap();
    for (what, twice) in [
        (
            "file entry, unknown",
            edit_once(&json, "\"added_by\"", "\"x\":1,\"x\":1,\"added_by\""),
        ),
        (
            "top level, unknown",
            edit_once(&json, "\"files\"", "\"x\":1,\"x\":2,\"files\""),
        ),
        (
            "file entry, known",
            edit_once(&json, "\"added_by\"", "\"size\":3,\"added_by\""),
        ),
    ] {
        write(&twice);
        let err = opens_and_reads(&mount, &c).unwrap_err();
        assert_eq!(
            err.exit_code(),
            baitai_core::error::ExitCode::Integrity,
            "{what}"
        );
        assert!(err.to_string().contains("twice"), "{what}: {err}");
    }
}

/// §2.1, §4 and §5.1 say "object"; serde's derived structs also took an array of the fields
/// in order.
#[test]
fn an_array_in_place_of_a_json_object_is_refused() {
    let (_d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[("a.txt", b"one".to_vec())]);
    let raw = &v.header.raw;
    let body = String::from_utf8(raw[14..raw.len() - 32].to_vec()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let fields = |v: &serde_json::Value, names: &[&str]| {
        serde_json::Value::Array(names.iter().map(|n| v[n].clone()).collect())
    };
    let class = ["confidentiality", "integrity", "availability"];
    let mut as_array = value.clone();
    as_array["classification"] = fields(&value["classification"], &class);
    let mut kdf_array = value.clone();
    for slot in kdf_array["slots"].as_array_mut().unwrap() {
        if slot["type"] == "passphrase" {
            slot["kdf"] = fields(&slot["kdf"], &["m_kib", "t", "p"]);
        }
    }
    let mut slot_array = value.clone();
    let recipient = [
        "type",
        "person",
        "role",
        "recipient_key",
        "ephemeral",
        "nonce",
        "wrapped",
    ];
    slot_array["slots"][0] = fields(&value["slots"][0], &recipient);
    let top = [
        "vault_id",
        "medium",
        "org",
        "marking",
        "classification",
        "cipher",
        "created",
        "slots",
    ];
    for (what, json) in [
        ("classification", as_array),
        ("kdf", kdf_array),
        ("slot", slot_array),
        ("body", fields(&value, &top)),
    ] {
        let json = serde_json::to_string(&json).unwrap();
        assert_vault_damage(Header::parse(header_around(&json)), "array", what);
    }
    // A file entry as an array, in a manifest the writer signed.
    let mut m = serde_json::to_value(&v.manifest.body).unwrap();
    m["seq"] = (v.manifest.body.seq + 1).into();
    let entry = [
        "name", "size", "sha256", "object", "nonce", "added_by", "added_at", "mtime",
    ];
    m["files"][0] = fields(&m["files"][0], &entry);
    let json = serde_json::to_vec(&m).unwrap();
    let raw = Manifest::encode_json(
        &json,
        v.manifest.body.seq + 1,
        &v.header,
        &v.dk,
        &c.writer.1,
    )
    .unwrap();
    let err = Manifest::decode(&raw, &v.header, &v.dk).unwrap_err();
    assert_eq!(err.exit_code(), baitai_core::error::ExitCode::Integrity);
    assert!(err.to_string().contains("array"), "{err}");
}

/// §2.1: `slots`, "at least one". Without one the reader used to answer "wrong passphrase or
/// not a recipient" (exit 4) for a damaged header.
#[test]
fn a_header_without_slots_is_refused_as_damage() {
    let (_d, _v, body) = written_header_body();
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut none = value.clone();
    none["slots"] = serde_json::json!([]);
    let json = serde_json::to_string(&none).unwrap();
    assert_vault_damage(
        Header::parse(header_around(&json)),
        "no key slots",
        "no slots",
    );
}

/// Conventions: "writers write lowercase, readers accept either case". A vault whose every hex
/// member is upper case (re-MACed and re-signed, as another writer would make it) opens for
/// the writer, the escrow custodian and the passphrase, and every file reads.
#[test]
fn hex_in_upper_case_is_read_like_lower_case() {
    let (_d, mount, c) = fresh();
    let files = [("a.txt", b"alpha".to_vec()), ("dir/b", vec![7u8; 70_000])];
    let v = make(&mount, &c, Cipher::Camellia256Gcm, &files);
    let want = read_all(&v);
    let up = |s: &mut String| *s = s.to_uppercase();
    let mut hb = v.header.body.clone();
    up(&mut hb.vault_id);
    for slot in &mut hb.slots {
        match slot {
            Slot::Recipient {
                recipient_key,
                ephemeral,
                nonce,
                wrapped,
                ..
            } => [recipient_key, ephemeral, nonce, wrapped]
                .into_iter()
                .for_each(up),
            Slot::Passphrase {
                salt,
                nonce,
                wrapped,
                ..
            } => [salt, nonce, wrapped].into_iter().for_each(up),
        }
    }
    let header = Header::encode(hb, &v.dk).unwrap();
    let dir = vault_dir(&mount);
    fs::write(dir.join(HEADER_FILE), &header.raw).unwrap();
    let mut mb = v.manifest.body.clone();
    mb.seq += 1;
    up(&mut mb.vault_id);
    up(&mut mb.writer_key);
    for f in &mut mb.files {
        up(&mut f.sha256);
        up(&mut f.nonce);
        // The object's file is named as the manifest spells it (§5.1).
        let old = dir.join(OBJECTS).join(&f.object);
        up(&mut f.object);
        fs::rename(old, dir.join(OBJECTS).join(&f.object)).unwrap();
    }
    let (raw, _) = Manifest::encode(&mb, &header, &v.dk, &c.writer.1).unwrap();
    fs::write(dir.join(MANIFEST_FILE), raw).unwrap();
    for opener in [
        Opener::Person {
            id: &c.writer.0,
            key: &c.writer.1,
        },
        Opener::Person {
            id: &c.escrow.0,
            key: &c.escrow.1,
        },
        Opener::Passphrase(&c.pass),
    ] {
        let opened = Vault::open(&mount, opener).unwrap();
        assert_eq!(read_all(&opened), want);
    }
}

/// Conventions and §2, §5, §6: a version above 1 stops the reader with "newer format"; any
/// other version than 1 is an error. Header and manifest: a usage error (upgrade baitai).
/// Objects: damage, since a version 1 manifest names only version 1 objects (§6).
#[test]
fn a_newer_version_of_any_file_says_newer_format() {
    let (_d, mount, c) = fresh();
    let v = make(&mount, &c, Cipher::Aes256Gcm, &[("f", b"data".to_vec())]);
    let with_version = |raw: &[u8], version: u16| {
        let mut raw = raw.to_vec();
        raw[8..10].copy_from_slice(&version.to_be_bytes());
        raw
    };
    use baitai_core::error::ExitCode;
    let header = Header::parse(with_version(&v.header.raw, 2)).unwrap_err();
    let manifest =
        Manifest::decode(&with_version(&v.manifest_raw, 2), &v.header, &v.dk).unwrap_err();
    for err in [&header, &manifest] {
        assert_eq!(err.exit_code(), ExitCode::Usage, "{err}");
        assert!(err.to_string().contains("newer format"), "{err}");
        assert!(err.to_string().contains("upgrade baitai"), "{err}");
    }
    let f = &v.files()[0];
    let object = fs::read(v.object_path(f).unwrap()).unwrap();
    let (key, nonce) = v.object_key(f).unwrap();
    let decrypt = |raw: &[u8]| {
        stream::decrypt(
            &mut &raw[..],
            &mut Vec::new(),
            v.cipher(),
            &key,
            &nonce,
            &mut |_| {},
            "f",
        )
        .unwrap_err()
    };
    for version in [2, u16::MAX] {
        let err = decrypt(&with_version(&object, version));
        assert_eq!(err.exit_code(), ExitCode::Integrity, "{err}");
        assert!(err.to_string().contains("newer format"), "{err}");
    }
    // Even when what follows the version is shorter than a version 1 object header.
    let err = decrypt(&with_version(&object, 2)[..12]);
    assert!(err.to_string().contains("newer format"), "{err}");
    let err = decrypt(&with_version(&object, 0));
    assert_eq!(err.exit_code(), ExitCode::Integrity, "{err}");
    assert!(
        err.to_string().contains("unknown format version 0"),
        "{err}"
    );
    let err = Header::parse(with_version(&v.header.raw, 0)).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::Integrity, "{err}");
    assert!(
        err.to_string().contains("unknown format version 0"),
        "{err}"
    );
}

fn open_as_writer(mount: &Path, c: &Cast) -> Result<Vault> {
    Vault::open(
        mount,
        Opener::Person {
            id: &c.writer.0,
            key: &c.writer.1,
        },
    )
}

fn escrow_opens(mount: &Path, c: &Cast) -> bool {
    let escrow = Opener::Person {
        id: &c.escrow.0,
        key: &c.escrow.1,
    };
    Vault::open(mount, escrow).is_ok()
}

#[test]
fn removing_a_slot_locks_that_recipient_out_and_keeps_the_files() {
    let (_d, mount, c) = fresh();
    let mut v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    assert!(escrow_opens(&mount, &c));
    let next = v
        .without_recipients(
            std::slice::from_ref(&c.escrow.0),
            (&c.writer.0, &c.writer.1),
        )
        .unwrap();
    assert_eq!(next.manifest().body.seq, v.manifest.body.seq + 1);
    v.stage_rekeyed(&next).unwrap();
    // Staged only: the vault reads as before.
    assert!(escrow_opens(&mount, &c));
    // A hard link keeps the old header's inode reachable, to see its bytes afterwards.
    let dir = vault_dir(&mount);
    let old_raw = fs::read(dir.join(HEADER_FILE)).unwrap();
    let link = mount.parent().unwrap().join("old-header");
    fs::hard_link(dir.join(HEADER_FILE), &link).unwrap();
    v.apply_staged(next).unwrap();
    assert!(!escrow_opens(&mount, &c));
    let w = open_as_writer(&mount, &c).unwrap();
    assert_eq!(read_all(&w), vec![("a.txt".to_string(), b"alpha".to_vec())]);
    assert!(Vault::open(&mount, Opener::Passphrase(&c.pass)).is_ok());
    assert!(!dir.join(NEXT_MANIFEST_FILE).exists());
    assert!(!dir.join(NEXT_HEADER_FILE).exists());
    // The old header was overwritten where it lay (on Windows, after stepping aside as
    // vault.hdr.old, since removed): no copy of the removed slot is left in it.
    let left = fs::read(&link).unwrap();
    assert_eq!(left.len(), old_raw.len());
    assert_ne!(left, old_raw);
    assert!(Header::parse(left).is_err());
    assert!(!dir.join(OLD_HEADER_FILE).exists());
}

#[test]
fn a_header_change_killed_after_moving_the_old_header_aside_reads_as_before_and_finishes() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let next = v
        .without_recipients(
            std::slice::from_ref(&c.escrow.0),
            (&c.writer.0, &c.writer.1),
        )
        .unwrap();
    v.stage_rekeyed(&next).unwrap();
    let dir = vault_dir(&mount);
    let old_raw = fs::read(dir.join(HEADER_FILE)).unwrap();
    // What an apply on Windows leaves when killed after moving the live header aside.
    fs::rename(dir.join(HEADER_FILE), dir.join(OLD_HEADER_FILE)).unwrap();
    assert!(crate::exists(&mount));
    assert!(escrow_opens(&mount, &c));
    let w = open_as_writer(&mount, &c).unwrap();
    assert!(w.staged_matches(&hex::encode(next.manifest().file_hash)));
    // Keep a link to the moved header's file, to see its bytes after the finish.
    let link = mount.parent().unwrap().join("moved-header");
    fs::hard_link(dir.join(OLD_HEADER_FILE), &link).unwrap();
    // The ledger records the re-key: finished from the mount alone, the old header scrubbed.
    apply_recorded_staged(&mount).unwrap();
    assert!(!escrow_opens(&mount, &c));
    assert!(!dir.join(OLD_HEADER_FILE).exists());
    assert_eq!(
        open_as_writer(&mount, &c).unwrap().manifest.file_hash,
        next.manifest().file_hash
    );
    let left = fs::read(&link).unwrap();
    assert_eq!(left.len(), old_raw.len());
    assert!(Header::parse(left).is_err());
}

#[test]
fn a_header_change_killed_between_its_renames_is_read_and_finished() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let next = v
        .without_recipients(
            std::slice::from_ref(&c.escrow.0),
            (&c.writer.0, &c.writer.1),
        )
        .unwrap();
    v.stage_rekeyed(&next).unwrap();
    let dir = vault_dir(&mount);
    // What the apply leaves when killed after the header went in.
    fs::rename(dir.join(NEXT_HEADER_FILE), dir.join(HEADER_FILE)).unwrap();
    let mut w = open_as_writer(&mount, &c).unwrap();
    assert!(w.from_next);
    assert_eq!(w.manifest.file_hash, next.manifest().file_hash);
    assert_eq!(read_all(&w), vec![("a.txt".to_string(), b"alpha".to_vec())]);
    w.settle().unwrap();
    assert!(!dir.join(NEXT_MANIFEST_FILE).exists());
    let again = open_as_writer(&mount, &c).unwrap();
    assert!(!again.from_next);
    assert_eq!(again.manifest.file_hash, next.manifest().file_hash);
}

#[test]
fn a_staged_change_reads_as_the_old_pair_until_applied_or_discarded() {
    let (_d, mount, c) = fresh();
    let v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let old = v.manifest.file_hash;
    let next = v
        .without_recipients(
            std::slice::from_ref(&c.escrow.0),
            (&c.writer.0, &c.writer.1),
        )
        .unwrap();
    let new_hex = hex::encode(next.manifest().file_hash);
    v.stage_rekeyed(&next).unwrap();
    let w = open_as_writer(&mount, &c).unwrap();
    assert!(!w.from_next);
    assert_eq!(w.manifest.file_hash, old);
    assert!(w.staged_matches(&new_hex));
    assert!(!w.staged_matches(&hex::encode(old)));
    // Recorded by the ledger: applied from the mount alone.
    apply_recorded_staged(&mount).unwrap();
    assert!(!escrow_opens(&mount, &c));
    assert_eq!(
        open_as_writer(&mount, &c).unwrap().manifest.file_hash,
        next.manifest().file_hash
    );
    // Not recorded: discarded, and the old pair stands.
    let (_d2, mount2, c2) = fresh();
    let v2 = make(
        &mount2,
        &c2,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let next2 = v2
        .without_recipients(
            std::slice::from_ref(&c2.escrow.0),
            (&c2.writer.0, &c2.writer.1),
        )
        .unwrap();
    v2.stage_rekeyed(&next2).unwrap();
    open_as_writer(&mount2, &c2)
        .unwrap()
        .discard_staged()
        .unwrap();
    let dir2 = vault_dir(&mount2);
    assert!(!dir2.join(NEXT_MANIFEST_FILE).exists());
    assert!(!dir2.join(NEXT_HEADER_FILE).exists());
    assert!(escrow_opens(&mount2, &c2));
}

#[test]
fn a_directory_planted_as_a_staged_file_is_named_not_removed() {
    let (_d, mount, c) = fresh();
    make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let planted = vault_dir(&mount).join(NEXT_MANIFEST_FILE);
    fs::create_dir(&planted).unwrap();
    let w = open_as_writer(&mount, &c).unwrap();
    let err = w.discard_staged().unwrap_err().to_string();
    assert!(err.contains("vault.mf.next"), "{err}");
    assert!(planted.is_dir());
}

#[test]
fn removing_every_slot_is_refused() {
    let (_d, mount, c) = fresh();
    let mut nv = new_vault(&c, Cipher::Aes256Gcm);
    nv.escrow.clear();
    nv.passphrase = None;
    let v = Vault::create(&mount, nv).unwrap();
    assert!(v
        .without_recipients(
            std::slice::from_ref(&c.writer.0),
            (&c.writer.0, &c.writer.1)
        )
        .is_err());
}

/// A slot re-addressed to a person's new key (their key moved to a token, issue 21): the new
/// key opens it, the old one no longer does, and the other slots and the files stay.
#[test]
fn a_readdressed_slot_opens_with_the_new_key_only() {
    let (_d, mount, c) = fresh();
    let mut v = make(
        &mount,
        &c,
        Cipher::Aes256Gcm,
        &[("a.txt", b"alpha".to_vec())],
    );
    let new = PersonKey::generate();
    let next = v
        .rekeyed(
            &[],
            &[(c.escrow.0.clone(), new.agreement_public())],
            (&c.writer.0, &c.writer.1),
        )
        .unwrap();
    v.stage_rekeyed(&next).unwrap();
    v.apply_staged(next).unwrap();
    assert!(!escrow_opens(&mount, &c), "the old key no longer opens it");
    let opened = Vault::open(
        &mount,
        Opener::Person {
            id: &c.escrow.0,
            key: &new,
        },
    )
    .unwrap();
    assert_eq!(
        read_all(&opened),
        vec![("a.txt".to_string(), b"alpha".to_vec())]
    );
    assert!(open_as_writer(&mount, &c).is_ok());
    assert!(Vault::open(&mount, Opener::Passphrase(&c.pass)).is_ok());
}

/// The bytes of every file in the vault's object directory, the one being written included.
fn object_bytes(mount: &Path) -> u64 {
    fn walk(dir: &Path, inside: bool) -> u64 {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                let (path, meta) = (e.path(), e.metadata().unwrap());
                if meta.is_dir() {
                    walk(&path, inside || e.file_name() == OBJECTS)
                } else if inside {
                    meta.len()
                } else {
                    0
                }
            })
            .sum()
    }
    walk(mount, false)
}

/// A put's bar counts what the medium holds: never more plaintext than the object's written
/// bytes carry, every byte by the end, and a step part-way. 24 MiB: six blocks and the writer's
/// three buffers, so it waits for blocks to land while encrypting; 8 MiB: handed over whole
/// before any block lands, so the steps come while the writer flushes.
#[test]
fn put_progress_is_what_the_medium_holds() {
    for len in [(24 << 20) + 12_345, 8 << 20] {
        let (_d, mount, c) = fresh();
        let mut v = Vault::create(&mount, new_vault(&c, Cipher::Aes256Gcm)).unwrap();
        let src = mount.parent().unwrap().join("big");
        fs::write(&src, vec![0x42u8; len]).unwrap();
        let source = Source {
            name: "big".into(),
            path: src,
        };
        let (mut shown, mut part_way) = (0u64, false);
        v.add(
            &[source],
            false,
            (&c.writer.0, &c.writer.1),
            "2026-11-23T00:00:00Z",
            &mut |n| {
                shown += n;
                part_way |= shown < len as u64;
                let on_medium = stream::plain_in(object_bytes(&mount));
                assert!(shown <= on_medium, "{shown} shown, {on_medium} written");
            },
        )
        .unwrap();
        assert_eq!(shown, len as u64);
        assert!(part_way, "the bar of {len} bytes moved only at the end");
    }
}

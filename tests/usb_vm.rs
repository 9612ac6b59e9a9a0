//! Real USB sticks in a virtual machine (issue 15): a small qemu guest (TCG, no KVM needed)
//! boots the Debian kernel with an initramfs holding this build's `baitai`, and runs the
//! scenarios of `scripts/vm/guest/` against emulated USB sticks (qemu's `usb-storage` and
//! `usb-uas` on an xHCI controller): detection, the lifecycle on vfat, exFAT and ext4, the
//! wrong stick, a write-protected stick, 4 KiB sectors, two sticks without serial numbers,
//! sticks with I/O errors (qemu's `blkdebug`), and a stick pulled out with the monitor's
//! `device_del` in the middle of a put and of a wipe. The four boots run at once.
//!
//! Each check in the guest prints one `CHECK ok NAME` or `CHECK FAIL NAME: why` line on the
//! serial console; this test prints them and a final count, and fails if any check failed or
//! a guest did not finish. As root it installs qemu and the guest's tools itself
//! (`scripts/vm/install-deps`); without them it says why and skips, except under `CI=true`,
//! where it fails. The guest's ledger uses the test-only fast key derivation.
//! `BAITAI_VM_BOOTS=faulty,smoke` runs only the boots named (each is a scenario of that name).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why the test cannot run here, if it cannot (after trying to install what it needs: only
/// root can; anyone can run it once the tools are there, since TCG needs no /dev/kvm).
fn skip_reason(root: &Path) -> Option<String> {
    let st = Command::new(root.join("scripts/vm/install-deps")).status();
    if !st.is_ok_and(|s| s.success()) {
        return Some("scripts/vm/install-deps failed".into());
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    let root_or_not = if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        ""
    } else {
        " (not root, so scripts/vm/install-deps could not install it)"
    };
    for tool in [
        "qemu-system-x86_64",
        "mkfs.vfat",
        "mkfs.exfat",
        "mkfs.ext4",
        "cpio",
        "dpkg-deb",
        "objcopy",
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("{tool} is not installed{root_or_not}"));
        }
    }
    if !Path::new("/bin/busybox").exists() {
        return Some(format!("busybox-static is not installed{root_or_not}"));
    }
    None
}

/// One emulated stick: the image file behind it and the qemu arguments that attach it.
struct Stick {
    image: &'static str,
    bytes: u64,
    /// Formatted with vfat on the host (a read-only stick cannot be formatted in the guest).
    vfat: bool,
    args: Vec<String>,
}

fn stick(n: u32, bytes: u64, device_extra: &str, drive_extra: &str) -> Stick {
    let image: &'static str = Box::leak(format!("s{n}.img").into_boxed_str());
    let args = vec![
        "-blockdev".into(),
        format!("driver=file,filename={image},node-name=f{n}{drive_extra}"),
        "-blockdev".into(),
        format!("driver=raw,file=f{n},node-name=s{n}{drive_extra}"),
        "-device".into(),
        format!(
            "usb-storage,id=st{n},bus=xhci.0,port={n},drive=s{n},serial=BAITAI000{n}{device_extra}"
        ),
    ];
    Stick {
        image,
        bytes,
        vfat: false,
        args,
    }
}

/// A stick on a usb-uas adapter: one SCSI disk behind it.
fn uas(n: u32, bytes: u64) -> Stick {
    Stick {
        image: Box::leak(format!("s{n}.img").into_boxed_str()),
        bytes,
        vfat: false,
        args: vec![
            "-blockdev".into(),
            format!("driver=file,filename=s{n}.img,node-name=f{n}"),
            "-blockdev".into(),
            format!("driver=raw,file=f{n},node-name=s{n}"),
            "-device".into(),
            format!("usb-uas,id=uas{n},bus=xhci.0,port={n},serial=BAITAI000{n}"),
            "-device".into(),
            format!("scsi-hd,bus=uas{n}.0,scsi-id=0,lun=0,drive=s{n},removable=on"),
        ],
    }
}

const MIB: u64 = 1 << 20;

/// A blkdebug configuration that fails with EIO every read (`read_aio`) or write (`write_aio`)
/// covering 512-byte sector `sector`. An event only arms its rule, which would then fail any
/// request there: `iotype` keeps a read error off the writes.
fn inject(event: &str, sector: u64) -> String {
    let iotype = if event == "read_aio" { "read" } else { "write" };
    format!("[inject-error]\nevent = \"{event}\"\niotype = \"{iotype}\"\nerrno = \"5\"\nsector = \"{sector}\"\nonce = \"off\"\n")
}

/// The boots: each scenario of `scripts/vm/guest/` with the sticks its header lists. They run
/// at the same time, each in its own directory.
fn boots() -> Vec<(&'static str, Vec<Stick>)> {
    let reader = Stick {
        image: "",
        bytes: 0,
        vfat: false,
        // A card reader with no card in it: a mass-storage device with no disk behind it.
        args: [
            "-device",
            "usb-bot,id=rdr,bus=xhci.0,port=4,serial=BAITAIRDR1",
        ]
        .map(String::from)
        .to_vec(),
    };
    let mut detect = vec![
        stick(1, 8 * MIB, ",removable=on", ""),
        stick(2, 8 * MIB, ",removable=off", ""),
        uas(6, 16 * MIB),
        reader,
    ];
    // Two identical sticks without serial numbers (an empty serial string: qemu would
    // otherwise make one up from the port).
    for n in [7, 8] {
        let mut twin = stick(n, 6 * MIB, ",removable=on", "");
        let last = twin.args.len() - 1;
        twin.args[last] = format!("usb-storage,id=st{n},bus=xhci.0,port={n},drive=s{n},serial=");
        detect.push(twin);
    }
    let lifecycle = vec![
        stick(1, 8 * MIB, ",removable=on", ""),
        stick(
            5,
            8 * MIB,
            ",removable=on,logical_block_size=4096,physical_block_size=4096",
            "",
        ),
    ];
    let mut read_only = stick(4, 16 * MIB, ",removable=on", ",read-only=on");
    read_only.vfat = true;
    // Stick 3 goes through a throttle group the guest lifts (qom-set) once the unplugs are
    // done: slow enough that a put or a wipe is still writing when it is pulled out.
    let throttled = Stick {
        image: "s3.img",
        bytes: 12 * MIB,
        vfat: false,
        args: [
            "-object",
            "throttle-group,id=tg3,x-bps-total=4000000",
            "-blockdev",
            "driver=file,filename=s3.img,node-name=f3",
            "-blockdev",
            "driver=raw,file=f3,node-name=r3",
            "-blockdev",
            "driver=throttle,throttle-group=tg3,file=r3,node-name=s3",
            "-device",
            "usb-storage,id=st3,bus=xhci.0,port=3,drive=s3,serial=BAITAI0003,removable=on",
        ]
        .map(String::from)
        .to_vec(),
    };
    // A spare stick, not plugged in at boot: the guest plugs it in while stick 3 is out, so
    // that stick 3 comes back under another node.
    let spare = Stick {
        image: "s9.img",
        bytes: MIB,
        vfat: false,
        args: [
            "-blockdev",
            "driver=file,filename=s9.img,node-name=f9",
            "-blockdev",
            "driver=raw,file=f9,node-name=s9",
        ]
        .map(String::from)
        .to_vec(),
    };
    // blkdebug fails every read of the sector at 3 MiB and every write of the one at 7 MiB
    // (the raw format driver above it reports each request as a read_aio or write_aio event).
    let faulty = |n: u32| {
        Stick {
        image: Box::leak(format!("bad{n}.img").into_boxed_str()),
        bytes: 8 * MIB,
        vfat: false,
        args: vec![
            "-blockdev".into(),
            format!("driver=file,filename=bad{n}.img,node-name=fb{n}"),
            "-blockdev".into(),
            format!("driver=blkdebug,config=blkdebug{n}.cfg,image=fb{n},node-name=bb{n}"),
            "-blockdev".into(),
            format!("driver=raw,file=bb{n},node-name=sb{n}"),
            "-device".into(),
            format!("usb-storage,id=stb{n},bus=xhci.0,port={n},drive=sb{n},serial=BAITAIBAD{n},removable=on"),
        ],
    }
    };
    let smoke = vec![stick(1, 8 * MIB, ",removable=on", "")];
    // A stick throttled to 4 MB/s for scenario 8 (cheap USB 2 sticks write at a few MB/s); the
    // guest raises it to 16 MB/s for the wipe, which reads and writes it three times.
    let slow = Stick {
        image: "s8.img",
        bytes: 16 * MIB,
        vfat: false,
        args: [
            "-object",
            "throttle-group,id=tg8,x-bps-total=4000000",
            "-blockdev",
            "driver=file,filename=s8.img,node-name=f8",
            "-blockdev",
            "driver=raw,file=f8,node-name=r8",
            "-blockdev",
            "driver=throttle,throttle-group=tg8,file=r8,node-name=s8",
            "-device",
            "usb-storage,id=st8,bus=xhci.0,port=8,drive=s8,serial=BAITAI0008,removable=on",
        ]
        .map(String::from)
        .to_vec(),
    };
    vec![
        ("smoke", smoke),
        ("detect", detect),
        ("lifecycle", lifecycle),
        ("faults", vec![throttled, read_only, spare]),
        ("faulty", vec![faulty(1), faulty(2), uas(6, 8 * MIB), slow]),
    ]
}

/// What one boot printed: its check lines, whether the guest finished, and how long it took.
struct Boot {
    checks: Vec<(bool, String)>,
    finished: bool,
    tail: Vec<String>,
    took: Duration,
}

/// Boot the guest with `sticks` in `dir`, running scenario `name`; the monitor runs the
/// guest's `HOSTCMD` requests (device_del, device_add, qom-set).
fn boot(dir: &Path, kernel: &Path, initrd: &Path, name: &str, sticks: &[Stick]) -> Boot {
    for s in sticks.iter().filter(|s| !s.image.is_empty()) {
        let p = dir.join(s.image);
        let _ = std::fs::remove_file(&p);
        std::fs::File::create(&p).unwrap().set_len(s.bytes).unwrap();
        if s.vfat {
            let st = Command::new("mkfs.vfat")
                .arg(&p)
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(st.success(), "mkfs.vfat {}", p.display());
        }
    }
    std::fs::write(dir.join("blkdebug1.cfg"), inject("read_aio", 6144)).unwrap();
    std::fs::write(dir.join("blkdebug2.cfg"), inject("write_aio", 14336)).unwrap();
    let monitor = dir.join("monitor.sock");
    let _ = std::fs::remove_file(&monitor);
    let mut cmd = Command::new("timeout");
    cmd.current_dir(dir)
        // Each boot takes 1.5–4 minutes on two busy cores (five boots share them); the bound is for
        // a hung guest.
        .args(["-k", "5", "480", "qemu-system-x86_64"])
        .args([
            "-accel", "tcg", "-M", "q35", "-cpu", "max", "-smp", "2", "-m", "1536",
        ])
        .args(["-display", "none", "-no-reboot", "-serial", "stdio"])
        .arg("-monitor")
        .arg(format!("unix:{},server=on,wait=off", monitor.display()))
        .arg("-kernel")
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(format!(
            "console=ttyS0 loglevel=3 panic=-1 vm.scenario={name}"
        ))
        .args(["-device", "qemu-xhci,id=xhci,p2=8,p3=8"]);
    for s in sticks {
        cmd.args(&s.args);
    }
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start qemu");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut mon: Option<UnixStream> = None;
    let mut boot = Boot {
        checks: Vec::new(),
        finished: false,
        tail: Vec::new(),
        took: Duration::ZERO,
    };
    // Between `PROGRESS BEGIN` and `PROGRESS END`, the guest draws a progress bar on the
    // console: its frames (split at \r) are kept with the time each arrived.
    let mut frames: Option<Vec<(Instant, String)>> = None;
    for segment in segments(&mut out) {
        let (at, line) = (Instant::now(), segment);
        if let Some(f) = frames.as_mut() {
            if !line.starts_with("PROGRESS END") {
                f.push((at, line));
                continue;
            }
        }
        if line.starts_with("PROGRESS BEGIN") {
            frames = Some(Vec::new());
            continue;
        }
        if let Some(end) = line.strip_prefix("PROGRESS END ") {
            let f = frames.take().unwrap_or_default();
            for (good, c) in progress_checks(end, &f, at) {
                println!("  {name:<9} {}  {c}", if good { "ok  " } else { "FAIL" });
                boot.checks.push((good, c));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix("CHECK ok ") {
            println!("  {name:<9} ok    {c}");
            boot.checks.push((true, c.to_string()));
        } else if let Some(c) = line.strip_prefix("CHECK FAIL ") {
            println!("  {name:<9} FAIL  {c}");
            boot.checks.push((false, c.to_string()));
        } else if let Some(c) = line.strip_prefix("HOSTCMD ") {
            println!(
                "  {name:<9} [{:>5.1} s] monitor: {c}",
                started.elapsed().as_secs_f64()
            );
            let m = mon.get_or_insert_with(|| connect(&monitor));
            // The monitor's replies are not read: the guest watches for the effect itself.
            m.write_all(format!("{c}\n").as_bytes()).unwrap();
        } else {
            if line.starts_with("GUEST DONE") {
                boot.finished = true;
            }
            if line.starts_with("GUEST") {
                println!(
                    "  {name:<9} [{:>5.1} s] {line}",
                    started.elapsed().as_secs_f64()
                );
            }
            boot.tail.push(line);
            if boot.tail.len() > 40 {
                boot.tail.remove(0);
            }
        }
    }
    let _ = child.wait();
    boot.took = started.elapsed();
    boot
}

/// Whether boot `name` runs: those `BAITAI_VM_BOOTS` names (comma-separated), to try one
/// scenario by hand; otherwise every boot but `smoke`.
fn wanted(name: &str) -> bool {
    match std::env::var("BAITAI_VM_BOOTS") {
        Ok(list) if !list.is_empty() => list.split(',').any(|n| n.trim() == name),
        _ => name != "smoke",
    }
}

/// The console's output as it arrives, cut at every \n and \r (a progress bar redraws its line
/// after a \r), without terminal escapes and empty pieces.
fn segments(out: &mut impl BufRead) -> impl Iterator<Item = String> + '_ {
    let mut piece = Vec::new();
    std::iter::from_fn(move || loop {
        let mut byte = [0u8; 1];
        match std::io::Read::read(out, &mut byte) {
            Ok(1) if byte[0] == b'\n' || byte[0] == b'\r' => {
                let text = strip_escapes(&String::from_utf8_lossy(&piece));
                piece.clear();
                if !text.trim().is_empty() {
                    return Some(text);
                }
            }
            Ok(1) => piece.push(byte[0]),
            _ => {
                if piece.is_empty() {
                    return None;
                }
                let text = strip_escapes(&String::from_utf8_lossy(&piece));
                piece.clear();
                return Some(text);
            }
        }
    })
}

fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, then one final letter.
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Scenario 8: a command (`put`, `wipe`) on a throttled stick. Its bar must show the device's
/// rate, not the page cache's (hundreds of MB/s), and the command must end as the bar fills:
/// a bar that counted what the page cache took would fill early and then wait for the final
/// flush. (`put`'s bar counts the stick's completed writes, 4 MiB blocks at a time, also while
/// the last blocks are flushed, so an 8 MiB file shows a step part-way.) `end` is the guest's
/// `COMMAND rc=N`.
fn progress_checks(end: &str, frames: &[(Instant, String)], ended: Instant) -> Vec<(bool, String)> {
    let (what, rc) = end.trim().split_once(' ').unwrap_or((end.trim(), ""));
    let mut checks = vec![(
        rc == "rc=0",
        format!("throttled stick: {what} succeeds ({rc})"),
    )];
    let parsed: Vec<(Instant, f64, f64, f64)> = frames
        .iter()
        .filter_map(|(at, f)| frame(f).map(|(rate, pos, total)| (*at, rate, pos, total)))
        .collect();
    let mib = 1048576.0;
    let moving: Vec<f64> = parsed
        .iter()
        .filter(|(_, _, pos, total)| *pos > 0.0 && pos < total)
        .map(|(_, rate, _, _)| *rate)
        .collect();
    let Some(&mid_rate) = moving.get(moving.len() / 2) else {
        checks.push((
            false,
            format!(
                "throttled stick: {what} drew a progress bar ({} frames, none part-way: {:?})",
                frames.len(),
                frames.iter().map(|(_, f)| f.trim()).collect::<Vec<_>>()
            ),
        ));
        return checks;
    };
    checks.push((
        mid_rate > 0.0 && mid_rate < 40.0 * mib,
        format!(
            "throttled stick: {what}'s bar shows the device's rate ({:.1} MiB/s part-way)",
            mid_rate / mib
        ),
    ));
    let last_full = parsed
        .iter()
        .rposition(|(_, _, pos, total)| pos == total && *pos > 0.0);
    match last_full {
        Some(i) => {
            let stall = ended.duration_since(parsed[i].0).as_secs_f64();
            checks.push((
                stall < 1.0,
                format!("throttled stick: {what} ends as its bar fills ({stall:.1} s after)"),
            ));
        }
        None => checks.push((false, format!("throttled stick: {what}'s bar fills"))),
    }
    checks
}

/// A frame such as `pass 1/1 writing [====>   ] 4.00 MiB/16.00 MiB 3.81 MiB/s eta 3s`: its
/// rate in bytes per second, and the bytes done and in all.
fn frame(f: &str) -> Option<(f64, f64, f64)> {
    let unit = |u: &str| match u {
        "B" => Some(1.0),
        "KiB" => Some(1024.0),
        "MiB" => Some(1048576.0),
        "GiB" => Some(1073741824.0),
        _ => None,
    };
    let words: Vec<&str> = f.split_whitespace().collect();
    let i = words.iter().position(|w| w.ends_with("/s"))?;
    let rate =
        words.get(i.checked_sub(1)?)?.parse::<f64>().ok()? * unit(words[i].trim_end_matches("/s"))?;
    // `4.00 MiB/16.00 MiB`: three words, the middle one holding the slash.
    let (pos, total) = words.windows(3).find_map(|w| {
        let (u1, total) = w[1].split_once('/')?;
        if w[1].ends_with("/s") {
            return None;
        }
        let pos = w[0].parse::<f64>().ok()? * unit(u1)?;
        let total = total.parse::<f64>().ok()? * unit(w[2])?;
        Some((pos, total))
    })?;
    Some((rate, pos, total))
}

fn connect(path: &Path) -> UnixStream {
    for _ in 0..100 {
        if let Ok(s) = UnixStream::connect(path) {
            // Drain the monitor's output so it never blocks on a full socket.
            let r = s.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = std::io::Read::read_to_end(&mut { r }, &mut sink);
            });
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("cannot connect to the qemu monitor at {}", path.display());
}

#[test]
fn usb_sticks_in_a_vm() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Some(why) = skip_reason(&root) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the USB VM test must run under CI=true, but {why}"
        );
        eprintln!("SKIPPED: the USB VM test: {why}");
        return;
    }
    // The guest's cache (kernel, modules, tools) sits under the target directory: built once.
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("usb-vm");
    let t = Instant::now();
    let built = Command::new(root.join("scripts/vm/build-guest"))
        .arg(&cache)
        .arg(env!("CARGO_BIN_EXE_baitai"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/vm/build-guest");
    assert!(built.status.success(), "scripts/vm/build-guest failed");
    let paths: Vec<PathBuf> = String::from_utf8_lossy(&built.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    println!("guest built in {:.1} s", t.elapsed().as_secs_f64());
    let dir = tempfile::tempdir_in(&cache).unwrap();
    let t = Instant::now();
    let results: Vec<(&str, Boot)> = std::thread::scope(|scope| {
        let running: Vec<_> = boots()
            .into_iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, sticks)| {
                let here = dir.path().join(name);
                std::fs::create_dir_all(&here).unwrap();
                let (kernel, initrd) = (&paths[0], &paths[1]);
                scope.spawn(move || (name, boot(&here, kernel, initrd, name, &sticks)))
            })
            .collect();
        running.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut passed = 0;
    let mut failed = Vec::new();
    for (name, b) in &results {
        println!("boot {name}: {:.1} s", b.took.as_secs_f64());
        for (good, c) in &b.checks {
            if *good {
                passed += 1;
            } else {
                failed.push(format!("{name}: {c}"));
            }
        }
        if !b.finished || b.checks.is_empty() {
            failed.push(format!(
                "{name}: the guest did not finish; its last lines:\n{}",
                b.tail.join("\n")
            ));
        }
    }
    println!("all boots: {:.1} s", t.elapsed().as_secs_f64());
    println!("{passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
}

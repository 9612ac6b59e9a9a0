#!/usr/bin/env python3
"""put and wipe on a USB stick in a virtual machine, against dd with direct I/O (issue 20,
target 4).

    bench/usb_vm.sh [SIZE_MIB] [ROUNDS]     (defaults: 256 MiB, 3 rounds)

Boots one qemu guest (TCG: the guest's CPU is emulated, no KVM) the way tests/usb_vm.rs does,
with one usb-storage stick of SIZE+64 MiB behind a qemu throttle group of 30 MB/s
(BENCH_THROTTLE_BPS to change it), and runs scripts/vm/guest/bench.sh there. Each round, in an
order that alternates from one round to the next, on ext4 on the stick:

- `dd if=src of=/mnt/stick/dd.bin bs=4M oflag=direct conv=fsync` of a SIZE MiB random file
  held in the guest's RAM, and `baitai put` of the same file, with its progress bar on the
  serial console and with -q, each timed until `sync -f` on the stick returns;
- `baitai put` of the same file into the guest's RAM (tmpfs), bar and -q: what the emulated
  CPU alone allows;
- the stick unmounted: `dd if=/dev/zero of=STICK bs=4M oflag=direct conv=fsync` and
  `dd if=STICK of=/dev/null bs=4M iflag=direct` over the whole stick, and `baitai wipe
  --method zero` (which, after a put, first reads the whole stick for vault headers, then
  writes it and reads it back), with its bar on the console.

The table shows medians, MB/s (10^6 bytes) and ratios (baitai's throughput / dd's: above 1.00
baitai is faster), and the progress bars' median rate part-way beside the measured rate. As
root it installs qemu and the guest's tools itself (scripts/vm/install-deps); it prints
`SKIPPED: why` and exits 0 when it cannot run. Nothing here asserts a time.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SIZE_MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 256
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
THROTTLE = int(os.environ.get("BENCH_THROTTLE_BPS", "30000000"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BAITAI = os.path.join(TARGET, "release", "baitai")
MIB = 1 << 20
MB = 1e6


def skip(why):
    print(f"SKIPPED: {why}")
    sys.exit(0)


def tools():
    # install-deps installs as root only; anyone can run the guest (TCG needs no /dev/kvm) once
    # the tools are there.
    subprocess.run([os.path.join(ROOT, "scripts/vm/install-deps")], check=False)
    for tool in ("qemu-system-x86_64", "mkfs.vfat", "mkfs.exfat", "mkfs.ext4", "cpio",
                 "dpkg-deb", "objcopy", "timeout"):
        if not shutil.which(tool):
            root = "" if os.geteuid() == 0 else " (not root, so scripts/vm/install-deps could not install it)"
            skip(f"{tool} is not installed{root}")
    if not os.path.exists("/bin/busybox"):
        skip("busybox-static is not installed")


def build():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    os.path.join(ROOT, "Cargo.toml")], check=True)
    cache = os.path.join(TARGET, "tmp", "usb-vm-bench")
    out = subprocess.run([os.path.join(ROOT, "scripts/vm/build-guest"), cache, BAITAI],
                         check=True, stdout=subprocess.PIPE).stdout.decode().split()
    return cache, out[0], out[1]


def strip_escapes(s):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", s)


def segments(stream):
    """The console's output as it arrives, cut at every \\n and \\r (a progress bar redraws its
    line after a \\r), without terminal escapes, each with the time it arrived."""
    piece = bytearray()
    while True:
        b = stream.read(1)
        if not b or b in (b"\n", b"\r"):
            text = strip_escapes(piece.decode("utf-8", "replace"))
            piece.clear()
            if text.strip():
                yield time.monotonic(), text
            if not b:
                return
        else:
            piece += b


UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def frame(f):
    """A frame such as `pass 1/1 writing [====>   ] 4.00 MiB/16.00 MiB 3.81 MiB/s eta 3s`: its
    phase (the text before the bar), its rate in bytes per second, bytes done and in all."""
    m = re.search(r"^(.*?)\s*\[.*\]\s+([\d.]+) (B|KiB|MiB|GiB)/([\d.]+) (B|KiB|MiB|GiB)\s+"
                  r"([\d.]+) (B|KiB|MiB|GiB)/s", f)
    if not m:
        return None
    phase = m.group(1).strip()
    pos = float(m.group(2)) * UNITS[m.group(3)]
    total = float(m.group(4)) * UNITS[m.group(5)]
    rate = float(m.group(6)) * UNITS[m.group(7)]
    return phase, rate, pos, total


def boot(work, kernel, initrd, stick_mib, image):
    with open(image, "wb") as f:
        f.truncate(stick_mib * MIB)
    monitor = os.path.join(work, "monitor.sock")
    # Generous: a round takes a few minutes at 30 MB/s; the bound is for a hung guest.
    limit = 900 + ROUNDS * (120 + 12 * stick_mib * MIB // max(THROTTLE, 1))
    cmd = ["timeout", "-k", "5", str(limit), "qemu-system-x86_64",
           "-accel", "tcg", "-M", "q35", "-cpu", "max", "-smp", "2", "-m", "1536",
           "-display", "none", "-no-reboot", "-serial", "stdio",
           "-monitor", f"unix:{monitor},server=on,wait=off",
           "-kernel", kernel, "-initrd", initrd,
           "-append", f"console=ttyS0 loglevel=3 panic=-1 vm.scenario=bench "
                      f"vm.bench_mib={SIZE_MIB} vm.bench_rounds={ROUNDS}",
           "-device", "qemu-xhci,id=xhci,p2=8,p3=8",
           "-object", f"throttle-group,id=tg1,x-bps-total={THROTTLE}",
           "-blockdev", f"driver=file,filename={image},node-name=f1",
           "-blockdev", "driver=raw,file=f1,node-name=r1",
           "-blockdev", "driver=throttle,throttle-group=tg1,file=r1,node-name=s1",
           "-device", "usb-storage,id=st1,bus=xhci.0,port=1,drive=s1,serial=BAITAI0001,removable=on"]
    started = time.monotonic()
    child = subprocess.Popen(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    log = open(os.path.join(work, "console.log"), "w")
    bench, records, bars, checks = [], [], [], []
    finished = False
    frames = None
    for at, line in segments(child.stdout):
        log.write(line + "\n")
        if frames is not None and not line.startswith("PROGRESS END"):
            frames.append((at, line))
            continue
        if line.startswith("PROGRESS BEGIN"):
            frames = []
            label = line.split()[2:]
            began = at
            continue
        if line.startswith("PROGRESS END"):
            bars.append((label, began, at, frames, line.split()[-1]))
            frames = None
            continue
        stamp = f"[{at - started:6.1f} s]"
        if line.startswith("BENCH "):
            w = line.split()
            # BENCH WHAT MIB MiB SECONDS s round=N rc=N
            bench.append({"what": w[1], "mib": float(w[2]), "s": float(w[4]),
                          "round": int(w[6].split("=")[1]), "rc": w[7]})
            print(f"  {stamp} {line[6:]}", flush=True)
        elif line.startswith("BENCH-CPU "):
            # BENCH-CPU WHAT round=N ELAPSED USER SYS MAXRSS_KIB
            w = line.split()
            if len(w) == 7:
                records.append(line)
        elif line.startswith("BENCH-RECORD "):
            records.append(line)
            print(f"  {stamp} {line[13:]}", flush=True)
        elif line.startswith("CHECK "):
            checks.append(line)
            if not line.startswith("CHECK ok"):
                print(f"  {stamp} {line}", flush=True)
        elif line.startswith("GUEST"):
            print(f"  {stamp} {line}", flush=True)
            if line.startswith("GUEST DONE"):
                finished = True
    child.wait()
    log.close()
    return bench, records, bars, checks, finished, time.monotonic() - started


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    tools()
    print("building baitai (release) and the guest ...", flush=True)
    cache, kernel, initrd = build()
    stick_mib = SIZE_MIB + 64
    work = tempfile.mkdtemp(prefix="bench-", dir=cache)
    # The stick's image sits in the host's RAM (/dev/shm) unless BENCH_IMAGE_DIR says otherwise:
    # on the host's disk, the guest's flushes became the host disk's writeback, and a busy host
    # disk stalled the stick well below its throttle (seen: 8 MB/s bursts in a wipe's write).
    shm = os.environ.get("BENCH_IMAGE_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else work)
    image = os.path.join(tempfile.mkdtemp(prefix="baitai-usb-vm-", dir=shm), "s1.img")
    print(f"usb_vm benchmark: {SIZE_MIB} MiB file, {ROUNDS} rounds, one usb-storage stick of "
          f"{stick_mib} MiB on qemu-xhci throttled to {THROTTLE / MB:.0f} MB/s "
          f"({THROTTLE / MIB:.1f} MiB/s, reads and writes together), image in {os.path.dirname(image)}; "
          f"guest CPU emulated (qemu TCG, -smp 2)", flush=True)
    try:
        bench, records, bars, checks, finished, took = boot(work, kernel, initrd, stick_mib, image)
    finally:
        shutil.rmtree(os.path.dirname(image), ignore_errors=True)
    failed = [c for c in checks if not c.startswith("CHECK ok")]
    bad_rc = [b for b in bench if b["rc"] != "rc=0"]
    print(f"guest ran {took:.0f} s ({took / max(ROUNDS, 1):.0f} s a round with boot); console log "
          f"{os.path.join(work, 'console.log')}")
    if not finished or failed or bad_rc:
        print(f"WARNING: guest finished={finished}, failed checks {failed}, "
              f"failed commands {[(b['what'], b['round'], b['rc']) for b in bad_rc]}")
    if not bench:
        print("no figures: the guest printed no BENCH line")
        sys.exit(1)

    def times(what):
        return [b["s"] for b in bench if b["what"] == what and b["round"] > 0 and b["rc"] == "rc=0"]

    def size(what):
        return next((b["mib"] for b in bench if b["what"] == what), float("nan"))

    # Each wipe's record line: `wrote 320.0 MiB (11.2 s, 28.5 MiB/s), read back 320.0 MiB (11.3 s, …)`.
    rec_w, rec_v = [], []
    cpu = {}
    for r in records:
        w = r.split()
        if w[0] == "BENCH-CPU":
            cpu.setdefault(w[1], []).append(tuple(float(x) for x in w[3:7]))
            continue
        if w[1] != "wipe":
            continue
        m = re.search(r"wrote [\d.]+ \w+ \(([\d.]+) s.*read back [\d.]+ \w+ \(([\d.]+) s", r)
        if m:
            rec_w.append(float(m.group(1)))
            rec_v.append(float(m.group(2)))

    rows = []

    def row(name, mib, secs, peer=None):
        rate = mib * MIB / secs / MB if secs == secs and secs > 0 else float("nan")
        ratio = ""
        if peer is not None:
            ratio = f"{peer / secs:.2f}"
        rows.append((name, secs, rate, ratio))

    fsize, ssize = SIZE_MIB, size("wipe")
    dd_f = med(times("dd-file"))
    row(f"dd file write, ext4 ({fsize} MiB)", fsize, dd_f)
    row("baitai put, bar on console", fsize, med(times("put-bar")), dd_f)
    row("baitai put -q", fsize, med(times("put-q")), dd_f)
    row("  (put -q until it exits, before sync -f)", fsize, med(times("put-q-until-exit")), dd_f)
    row("baitai put -q into RAM (tmpfs)", fsize, med(times("put-ram-q")), dd_f)
    row("baitai put into RAM, bar on console", fsize, med(times("put-ram-bar")), dd_f)
    one = med([b["s"] for b in bench if b["what"] == "put-ram-q" and b["round"] == 0])
    dd_w, dd_r = med(times("dd-dev-write")), med(times("dd-dev-read"))
    wipe = med(times("wipe"))
    row(f"dd write, whole stick ({ssize:.0f} MiB)", ssize, dd_w)
    row("dd read, whole stick", ssize, dd_r)
    row("dd write + dd read", 2 * ssize, dd_w + dd_r)
    row("baitai wipe zero, whole command", 2 * ssize, wipe, dd_w + dd_r)
    if rec_w:
        w, v = med(rec_w), med(rec_v)
        row("  its write + read-back (its record)", 2 * ssize, w + v, dd_w + dd_r)
        row("  its write pass", ssize, w, dd_w)
        row("  its read-back", ssize, v, dd_r)
        row("  the rest: header sweep (reads it all), etc.", ssize, wipe - w - v)
    row("baitai wipe zero again, no vault: no sweep", 2 * ssize, med(times("wipe-clean")), dd_w + dd_r)

    print()
    print(f"medians of {ROUNDS} rounds; ratio = dd's seconds / baitai's (above 1.00: baitai faster)")
    print(f"{'':46}{'seconds':>9}{'MB/s':>8}{'ratio':>8}")
    for name, secs, rate, ratio in rows:
        s = f"{secs:9.2f}" if secs == secs else " " * 9
        mbs = f"{rate:8.1f}" if rate == rate else " " * 8
        print(f"{name:46}{s}{mbs}{ratio:>8}")
    print(f"a put of one byte into RAM (process start, ledger, fast test KDF, signing): {one:.2f} s")
    start = med([b["s"] for b in bench if b["what"] == "fixed-start"])
    show = med([b["s"] for b in bench if b["what"] == "fixed-show"])
    print(f"  of which starting the process (baitai --version) {start:.2f} s, opening and checking "
          f"the ledger (medium show, start included) {show:.2f} s")
    sha = med([b["s"] for b in bench if b["what"] == "sha256sum-ram"])
    print(f"for scale, busybox sha256sum (plain C) of the {fsize} MiB file in RAM: {sha:.2f} s, "
          f"{fsize * MIB / sha / MB:.1f} MB/s")

    if cpu:
        print()
        print("guest CPU time (busybox time): median busy vCPUs = (user + system) / elapsed, of 2")
        print(f"{'':24}{'elapsed s':>10}{'user s':>8}{'sys s':>8}{'vCPUs':>7}{'peak RSS':>10}")
        for what in ("put-bar", "put-q", "put-ram-q", "put-ram-bar", "wipe", "wipe-clean",
                     "sha256sum", "fixed-start", "fixed-show", "fixed-put"):
            xs = cpu.get(what)
            if not xs:
                continue
            e, u, sy = med([x[0] for x in xs]), med([x[1] for x in xs]), med([x[2] for x in xs])
            busy = med([(x[1] + x[2]) / x[0] for x in xs if x[0] > 0])
            # busybox 1.35's time multiplies ru_maxrss (already KiB on Linux) by the page size
            # in KiB: its %M is 4 times the real peak (checked against GNU time on the host).
            rss = max(x[3] for x in xs) / 4 / 1024
            print(f"{what:24}{e:10.2f}{u:8.2f}{sy:8.2f}{busy:7.2f}{rss:8.0f} MiB")

    # The bars: the median rate shown part-way (0 < done < total) for each phase, beside the
    # rate measured for the same phase.
    print()
    print("progress bars: median rate shown part-way vs the measured rate (MB/s)")
    measured = {
        "put": fsize * MIB / med(times("put-bar")) / MB,
        "put-ram": fsize * MIB / med(times("put-ram-bar")) / MB,
    }
    if rec_w:
        measured["wipe:writing"] = ssize * MIB / med(rec_w) / MB
        measured["wipe:verifying"] = ssize * MIB / med(rec_v) / MB
    shown = {}
    arrival = {}
    for label, began, ended, frames, rc in bars:
        what = label[0]
        phases = {}
        for at, f in frames:
            p = frame(f)
            if p:
                phases.setdefault(p[0], []).append((at, p[1], p[2], p[3]))
        for phase, fs in phases.items():
            key = what
            if what == "wipe":
                key = "wipe:" + ("sweep" if "vault" in phase else
                                 "writing" if "writ" in phase else
                                 "verifying" if "verif" in phase else phase)
            part = [x for x in fs if 0 < x[2] < x[3]]
            if not part:
                continue
            shown.setdefault(key, []).append(med([x[1] for x in part]) / MB)
            # The host's own measure over the same frames: bytes between the first and last
            # part-way frame over the time between their arrival.
            if len(part) > 1 and part[-1][0] > part[0][0]:
                arrival.setdefault(key, []).append(
                    (part[-1][2] - part[0][2]) / (part[-1][0] - part[0][0]) / MB)
    print(f"{'':20}{'bar shows':>11}{'measured':>10}{'ratio':>8}{'host, frames':>14}  (bars)")
    for key in ("put", "put-ram", "wipe:sweep", "wipe:writing", "wipe:verifying"):
        if key not in shown:
            continue
        bar = med(shown[key])
        meas = measured.get(key, float("nan"))
        host = med(arrival.get(key, []))
        ratio = f"{bar / meas:.2f}" if meas == meas else ""
        n = sum(1 for label, *_ in bars if key.split(":")[0] == label[0])
        meas_s = f"{meas:10.1f}" if meas == meas else " " * 10
        print(f"{key:20}{bar:11.1f}{meas_s}{ratio:>8}{host:14.1f}  ({n})")
    print("measured: put = file size / time until sync -f; wipe phases = the record's seconds; "
          "host, frames = bytes between the first and last part-way frames / time between their "
          "arrival on the console")
    print(f"throttle {THROTTLE / MB:.0f} MB/s = {THROTTLE / MIB:.1f} MiB/s on the stick "
          f"(qemu throttle group, reads and writes together); guest CPU emulated by qemu TCG "
          f"(2 vCPUs on the host's cores), so CPU-bound work runs many times slower than on the host")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""put and wipe on a block device throttled to a USB stick's speed, with this machine's own CPU,
against dd with direct I/O (issue 20, target 4, without the emulated CPU).

    bench/throttled.sh [SIZE_MIB] [ROUNDS]     (defaults: 256 MiB, 3 rounds)

bench/usb_vm.sh measures a real USB path in a qemu guest, but qemu's TCG emulates the guest's
CPU, and a `put` there pays about half a second of emulated start-up, ledger checks and signing
that a real CPU does in a few milliseconds. This measures the same commands on the host: a loop
device over an image in RAM, throttled at the block layer to 30 MB/s reads and writes
(BENCH_THROTTLE_BPS to change it) by the kernel's blkio/io controller for the commands' control
group only, so the device behaves like a stick of that speed and the CPU is the machine's. Each
round, in an order that alternates from one round to the next:

- on ext4 on the device: `dd if=src of=MNT/dd.bin bs=4M oflag=direct conv=fsync` of a SIZE MiB
  random file in RAM, and `baitai put` of the same file (its progress bar on a pseudo-terminal,
  and with -q), each timed until `sync -f` returns;
- the device unmounted: `dd` of zeros over the whole device and a `dd` read of it, direct I/O,
  and `baitai wipe --method zero --allow-fixed` (a loop device is not on USB), bar on the
  pseudo-terminal; then the same wipe again, -q, with no vault left to sweep for.

The table shows medians and ratios (dd's seconds / baitai's: above 1.00 baitai is faster), and
each progress bar's median rate part-way beside the measured rate. Root only (loop devices and
control groups); it prints `SKIPPED: why` and exits 0 when it cannot run. Nothing here asserts
a time.
"""
import fcntl
import os
import pty
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from usb_vm import frame, med, segments  # noqa: E402  (the same frame parsing as the VM's)

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


def sh(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout.decode().strip()


class Throttle:
    """A control group whose block I/O to one device is limited to `bps` bytes per second each
    way: cgroup v2's io.max where the io controller is there, otherwise v1's blkio throttle."""

    def __init__(self, dev, bps):
        rdev = os.stat(dev).st_rdev
        majmin = f"{os.major(rdev)}:{os.minor(rdev)}"
        name = f"baitai-bench-{os.getpid()}"
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        if os.path.exists(v2) and "io" in open(v2).read().split():
            subtree = "/sys/fs/cgroup/cgroup.subtree_control"
            if "io" not in open(subtree).read().split():
                with open(subtree, "w") as f:
                    f.write("+io")
            self.path = os.path.join("/sys/fs/cgroup", name)
            os.mkdir(self.path)
            with open(os.path.join(self.path, "io.max"), "w") as f:
                f.write(f"{majmin} rbps={bps} wbps={bps}")
            self.kind = "cgroup v2 io.max"
        elif os.path.isdir("/sys/fs/cgroup/blkio"):
            self.path = os.path.join("/sys/fs/cgroup/blkio", name)
            os.mkdir(self.path)
            for way in ("read", "write"):
                with open(os.path.join(self.path, f"blkio.throttle.{way}_bps_device"), "w") as f:
                    f.write(f"{majmin} {bps}")
            self.kind = "cgroup v1 blkio throttle"
        else:
            raise OSError("no blkio or io control group controller")

    def join(self):
        """For a child between fork and exec: its I/O, and its threads', is throttled."""
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def remove(self):
        try:
            os.rmdir(self.path)
        except OSError:
            pass


class Bench:
    def __init__(self, work, dev, mnt, throttle):
        self.work, self.dev, self.mnt, self.throttle = work, dev, mnt, throttle
        self.env = dict(os.environ, BAITAI_LEDGER=os.path.join(work, "ledger.db"),
                        HOME=os.path.join(work, "home"), BAITAI_LANG="en")
        self.times = {}
        self.cpu = {}
        self.bars = {}
        # Each wipe's own write and read-back seconds, from its record.
        self.passes = []

    def run(self, what, cmd, bar=False, sync=None, out=None):
        """Run `cmd` in the throttled group; record its seconds (until `sync -f SYNC` returns,
        if given) and, with `bar`, its progress frames on a pseudo-terminal (its standard output
        then goes to the file `out`, if given)."""
        t0 = time.monotonic()
        if bar:
            rc, frames = self._on_pty(cmd, out)
            self.bars.setdefault(what, []).append(frames)
        else:
            child = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, preexec_fn=self.throttle.join)
            err = child.stderr.read().decode(errors="replace")
            rc = child.wait()
            if rc:
                print(f"  {what}: exit {rc}: {err.strip()[:300]}")
        if sync:
            subprocess.run(["sync", "-f", sync], check=True)
        took = time.monotonic() - t0
        if rc == 0:
            self.times.setdefault(what, []).append(took)
        print(f"  {what:24}{took:8.2f} s  rc={rc}", flush=True)
        return rc

    def _on_pty(self, cmd, out):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        stdout = open(out, "wb") if out else slave
        child = subprocess.Popen(cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=stdout,
                                 stderr=slave, preexec_fn=self.throttle.join)
        os.close(slave)
        if out:
            stdout.close()
        frames = []

        def read():
            with os.fdopen(master, "rb", buffering=0) as stream:
                try:
                    frames.extend(segments(stream))
                except OSError:
                    pass  # EIO: the child closed the terminal

        reader = threading.Thread(target=read)
        reader.start()
        rc = child.wait()
        reader.join()
        return rc, frames

    def baitai(self, *args, who="H"):
        person = {"H": "P0002", "C": "P0003"}[who]
        return [BAITAI, *args, "--as", person, "--passphrase-file", os.path.join(self.work, f"p{who}")]


def setup_ledger(b):
    os.makedirs(b.env["HOME"])
    for who in ("A", "H", "C"):
        with open(os.path.join(b.work, f"p{who}"), "w") as f:
            f.write(f"Bench-{who}-passphrase!\n")

    def quiet(*args):
        subprocess.run([BAITAI, "-q", *args], env=b.env, check=True, stdout=subprocess.PIPE)

    quiet("init", "--org", "Bench", "--admin", "Admin", "--affiliation", "IT",
          "--passphrase-file", os.path.join(b.work, "pA"), "--insecure-fast-kdf")
    for name, role, who in (("Handler", "handler", "H"), ("Custodian", "custodian", "C")):
        quiet("person", "add", name, "--affiliation", "IT", "--role", role,
              "--new-passphrase-file", os.path.join(b.work, f"p{who}"),
              "--as", "P0001", "--passphrase-file", os.path.join(b.work, "pA"))
    out = subprocess.run(b.baitai("-q", "medium", "register", "--device", b.dev, "--class", "C3",
                                  who="C"), env=b.env, check=True, stdout=subprocess.PIPE)
    return out.stdout.decode().split()[0]


def round_(b, r, medium, src, stick_mib):
    ddf = ["dd", f"if={src}", f"of={b.mnt}/dd.bin", "bs=4M", "oflag=direct", "conv=fsync",
           "status=none"]
    put = b.baitai("put", b.mnt, src, "--medium", medium, "--replace")

    def fresh():
        shutil.rmtree(os.path.join(b.mnt, "BAITAI"), ignore_errors=True)
        if os.path.exists(f"{b.mnt}/dd.bin"):
            os.remove(f"{b.mnt}/dd.bin")
        subprocess.run(["sync"], check=True)

    sh("mkfs.ext4", "-q", "-F", "-E", "nodiscard", b.dev)
    sh("mount", b.dev, b.mnt)
    steps = [("dd-file", ddf, False), ("put-bar", put, True), ("put-q", [put[0], "-q", *put[1:]], False)]
    for what, cmd, bar in (steps if r % 2 else steps[::-1]):
        fresh()
        b.run(what, cmd, bar=bar, sync=b.mnt)
    sh("umount", b.mnt)

    blocks = stick_mib // 4
    dd_w = ["dd", "if=/dev/zero", f"of={b.dev}", "bs=4M", f"count={blocks}", "oflag=direct",
            "conv=fsync", "status=none"]
    dd_r = ["dd", f"if={b.dev}", "of=/dev/null", "bs=4M", "iflag=direct", "status=none"]

    def wipe():
        subprocess.run(b.baitai("-q", "return", medium, "--device", b.dev, who="C"), env=b.env,
                       check=True, stdout=subprocess.DEVNULL)
        # Not --json, which hides the bar: the printed record's pass line has the seconds.
        record = os.path.join(b.work, "wipe.out")
        rc = b.run("wipe", b.baitai("wipe", medium, "--device", b.dev, "--allow-fixed",
                                    "--method", "zero", "--yes", who="C"), bar=True, out=record)
        m = re.search(r"wrote [\d.]+ \w+ \(([\d.]+) s.*read back [\d.]+ \w+ \(([\d.]+) s",
                      open(record).read())
        if rc == 0 and m:
            b.passes.append((float(m.group(1)), float(m.group(2))))
        # Again, now that no vault can be on the device: no header sweep, the two passes only.
        b.run("wipe-clean", b.baitai("-q", "wipe", medium, "--device", b.dev, "--allow-fixed",
                                     "--method", "zero", "--yes", who="C"))
        subprocess.run(b.baitai("-q", "checkout", medium, "--purpose", f"bench round {r + 1}"),
                       env=b.env, check=True, stdout=subprocess.DEVNULL)

    def dd_dev():
        b.run("dd-dev-write", dd_w)
        b.run("dd-dev-read", dd_r)

    for step in ((dd_dev, wipe) if r % 2 else (wipe, dd_dev)):
        step()


def report(b, stick_mib):
    def t(what):
        return med(b.times.get(what, []))

    rows = []

    def row(name, mib, secs, peer=None):
        rate = mib * MIB / secs / MB if secs == secs and secs > 0 else float("nan")
        rows.append((name, secs, rate, f"{peer / secs:.2f}" if peer is not None else ""))

    dd_f = t("dd-file")
    row(f"dd file write, ext4 ({SIZE_MIB} MiB)", SIZE_MIB, dd_f)
    row("baitai put, bar on a terminal", SIZE_MIB, t("put-bar"), dd_f)
    row("baitai put -q", SIZE_MIB, t("put-q"), dd_f)
    dd_w, dd_r = t("dd-dev-write"), t("dd-dev-read")
    row(f"dd write, whole device ({stick_mib} MiB)", stick_mib, dd_w)
    row("dd read, whole device", stick_mib, dd_r)
    row("dd write + dd read", 2 * stick_mib, dd_w + dd_r)
    row("baitai wipe zero, whole command", 2 * stick_mib, t("wipe"), dd_w + dd_r)
    row("baitai wipe zero again, no vault: no sweep", 2 * stick_mib, t("wipe-clean"), dd_w + dd_r)
    w = med([p[0] for p in b.passes])
    v = med([p[1] for p in b.passes])
    row("  its write pass (its record)", stick_mib, w, dd_w)
    row("  its read-back (its record)", stick_mib, v, dd_r)
    print()
    print(f"medians of {ROUNDS} rounds; ratio = dd's seconds / baitai's (above 1.00: baitai faster)")
    print(f"{'':46}{'seconds':>9}{'MB/s':>8}{'ratio':>8}")
    for name, secs, rate, ratio in rows:
        print(f"{name:46}{secs:9.2f}{rate:8.1f}{ratio:>8}")
    print("the wipe after a put first reads the whole device for vault headers (wipe.md §11): "
          "three passes against dd's two")
    print()
    print("progress bars: median rate shown part-way vs the measured rate (MB/s)")
    measured = {"put-bar": SIZE_MIB * MIB / t("put-bar") / MB,
                "wipe: writing": stick_mib * MIB / w / MB,
                "wipe: verifying": stick_mib * MIB / v / MB}
    print(f"{'':24}{'bar shows':>10}{'measured':>10}{'ratio':>8}")
    for what, runs in b.bars.items():
        phases = {}
        for frames in runs:
            for _, f in frames:
                p = frame(f)
                if p and 0 < p[2] < p[3]:
                    phases.setdefault(p[0] or what, []).append(p[1] / MB)
        for phase, rates in phases.items():
            key = what
            if what == "wipe":
                key = "wipe: " + ("sweep" if "vault" in phase else "writing" if "writ" in phase
                                  else "verifying" if "verif" in phase else phase)
            m = measured.get(key, float("nan"))
            ratio = f"{med(rates) / m:8.2f}" if m == m else " " * 8
            ms = f"{m:10.1f}" if m == m else " " * 10
            print(f"{key[:24]:24}{med(rates):10.1f}{ms}{ratio}")
    print(f"put: file size / time until sync -f; throttle {THROTTLE / MB:.0f} MB/s each way "
          f"({b.throttle.kind}), host CPU")


def main():
    if os.geteuid() != 0:
        skip("needs root (a loop device and a control group)")
    for tool in ("losetup", "mkfs.ext4", "dd", "mount"):
        if not shutil.which(tool):
            skip(f"{tool} is not installed")
    print("building baitai (release) ...", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    os.path.join(ROOT, "Cargo.toml")], check=True)
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    work = tempfile.mkdtemp(prefix="baitai-throttled-", dir=shm)
    stick_mib = SIZE_MIB + 64
    image, src, mnt = (os.path.join(work, n) for n in ("stick.img", "src.bin", "mnt"))
    os.mkdir(mnt)
    with open(image, "wb") as f:
        f.truncate(stick_mib * MIB)
    with open(src, "wb") as f:
        for _ in range(SIZE_MIB):
            f.write(os.urandom(MIB))
    dev, throttle = None, None
    try:
        try:
            dev = sh("losetup", "--find", "--show", image)
            throttle = Throttle(dev, THROTTLE)
        except (subprocess.CalledProcessError, OSError) as e:
            skip(f"no loop device or I/O throttle here: {e}")
        print(f"throttled benchmark: {SIZE_MIB} MiB file, {ROUNDS} rounds, {dev} of {stick_mib} "
              f"MiB over an image in RAM, {THROTTLE / MB:.0f} MB/s each way ({throttle.kind}), "
              f"{os.cpu_count()} host cores", flush=True)
        b = Bench(work, dev, mnt, throttle)
        medium = setup_ledger(b)
        subprocess.run(b.baitai("-q", "checkout", medium, "--purpose", "bench"), env=b.env,
                       check=True, stdout=subprocess.DEVNULL)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for r in range(1, ROUNDS + 1):
            print(f"round {r} of {ROUNDS}", flush=True)
            round_(b, r, medium, src, stick_mib)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"CPU of everything run: {used.ru_utime - before.ru_utime:.1f} s user, "
              f"{used.ru_stime - before.ru_stime:.1f} s system")
        report(b, stick_mib)
    finally:
        subprocess.run(["umount", mnt], stderr=subprocess.DEVNULL, check=False)
        if dev:
            subprocess.run(["losetup", "-d", dev], check=False)
        if throttle:
            throttle.remove()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

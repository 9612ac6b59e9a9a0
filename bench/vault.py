#!/usr/bin/env python3
"""put/get throughput of baitai against cp, age and gpg on the same file, in alternation.

    bench/vault.sh [SIZE_MIB] [ROUNDS]     (defaults: 1024 MiB, 5 rounds)
    BENCH_CONDITIONS="warm cold warm+busy cold+busy"  (the default: all four)
    BENCH_CIPHER=camellia-256-gcm                     (baitai's cipher; default aes-256-gcm)

Every command is timed until its output is on disk (it is followed by `sync -f` on the output's
file system), which is what a medium about to be unplugged needs. Everything (the source file,
the "medium" directory and the output directory) is on one file system (BENCH_DIR, default the
repository's target/). Each condition runs every tool once per round, in turn:

- warm: each command's input was just read, so it sits in the page cache, as a file a handler
  has just saved does;
- cold: the page cache is dropped before each command (root only), so the input comes from the
  disk, as a large package does;
- +busy: another process keeps one core busy all the while (a build, a virus scan).

The tables show the median seconds, MiB/s and the ratio of baitai's throughput to each peer's
(above 1.00: baitai is faster). baitai's ledger uses the fast test KDF so the figure is the
data path; the standard KDF's cost is printed by bench/unlock.sh and paid once per command.
Peers that are missing are installed with apt-get when running as root, otherwise skipped with
a message.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SIZE_MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
CONDITIONS = os.environ.get("BENCH_CONDITIONS", "warm cold warm+busy cold+busy").split()
CIPHER = os.environ.get("BENCH_CIPHER", "aes-256-gcm")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Where cargo puts the build: CARGO_TARGET_DIR when it is set, as cargo itself does.
BAITAI = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                      "release", "baitai")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw).stdout.decode()


def ensure(tool, package):
    if shutil.which(tool):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {package} for the comparison ...", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", package],
                       check=False, stdout=subprocess.DEVNULL)
    if shutil.which(tool):
        return True
    print(f"SKIPPED: {tool} is not installed (Debian package {package})", file=sys.stderr)
    return False


def timed(cmd, env, out_dir, warm_inputs):
    """Seconds and peak RSS (KiB) of one command until its output is on disk. With
    `warm_inputs` (a list of files) those are read into the page cache first; with None the
    cache is dropped."""
    rss_file = tempfile.NamedTemporaryFile(delete=False)
    rss_file.close()
    subprocess.run(["sync"], check=True)
    if warm_inputs is None:
        drop_caches()
    else:
        for path in warm_inputs:
            with open(path, "rb") as f:
                while f.read(8 << 20):
                    pass
    t0 = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-o", rss_file.name, "-f", "%M"] + cmd, check=True,
                   env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["sync", "-f", out_dir], check=True)
    seconds = time.perf_counter() - t0
    with open(rss_file.name) as f:
        rss = int(f.read().split()[-1])
    os.unlink(rss_file.name)
    return seconds, rss


def drop_caches():
    """Start a command cold, its input read from disk as a 20 GB package would be (root only)."""
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    os.path.join(ROOT, "Cargo.toml")], check=True)
    base = os.environ.get("BENCH_DIR", os.path.join(ROOT, "target"))
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="bench-vault.", dir=base)
    try:
        bench(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def setup_baitai(work, fast_kdf=True):
    """A ledger with an admin and a handler (also custodian) and one medium checked out; the
    fast test KDF unless `fast_kdf` is false (bench/unlock.py times the standard one)."""
    env = dict(os.environ, BAITAI_LEDGER=os.path.join(work, "ledger.db"), BAITAI_LANG="en")
    p1, p2 = os.path.join(work, "p1"), os.path.join(work, "p2")
    open(p1, "w").write("Bench-Admin-pass1!\n")
    open(p2, "w").write("Bench-Handler-pass2!\n")
    b = [BAITAI, "-q"]
    run(b + ["init", "--org", "Bench", "--admin", "Admin", "--affiliation", "Bench",
             "--passphrase-file", p1] + (["--insecure-fast-kdf"] if fast_kdf else []), env=env)
    run(b + ["person", "add", "Handler", "--affiliation", "Bench", "--role", "handler",
             "--role", "custodian", "--new-passphrase-file", p2, "--as", "P0001",
             "--passphrase-file", p1], env=env)
    medium = run(b + ["medium", "register", "--class", "C3", "--as", "P0002",
                      "--passphrase-file", p2], env=env).split()[0]
    run(b + ["checkout", medium, "--purpose", "bench", "--as", "P0002",
             "--passphrase-file", p2], env=env)
    return env, medium, p2


def bench(work):
    src = os.path.join(work, "data.bin")
    with open(src, "wb") as f:
        for _ in range(SIZE_MIB):
            f.write(os.urandom(1 << 20))
    env, medium, p2 = setup_baitai(work)
    mnt, out = os.path.join(work, "medium"), os.path.join(work, "out")
    os.makedirs(mnt)
    who = ["--as", "P0002", "--passphrase-file", p2]
    tools = {
        "baitai put": (lambda: [BAITAI, "-q", "put", mnt, src, "--medium", medium, "--replace",
                                "--cipher", CIPHER] + who),
        "baitai get": (lambda: [BAITAI, "-q", "get", mnt, "--out", out, "--overwrite"] + who),
        "cp": (lambda: ["cp", src, os.path.join(mnt, "copy.bin")]),
        "cp back": (lambda: ["cp", os.path.join(mnt, "copy.bin"), os.path.join(out, "copy.bin")]),
    }
    peers = ["cp"]
    if ensure("age", "age"):
        key = os.path.join(work, "age.key")
        run(["age-keygen", "-o", key], stderr=subprocess.DEVNULL)
        recipient = run(["age-keygen", "-y", key]).strip()
        tools["age -r"] = lambda: ["age", "-r", recipient, "-o", os.path.join(mnt, "d.age"), src]
        tools["age -d"] = lambda: ["age", "-d", "-i", key, "-o", os.path.join(out, "d"),
                                   os.path.join(mnt, "d.age")]
        peers.append("age")
    if ensure("gpg", "gnupg"):
        home = os.path.join(work, "gnupg")
        os.makedirs(home, mode=0o700)
        g = ["gpg", "--homedir", home, "--batch", "--yes", "--quiet", "--pinentry-mode",
             "loopback", "--passphrase", "Bench-pass"]
        tools["gpg --symmetric"] = lambda: g + ["--symmetric", "--cipher-algo", "AES256",
                                                "--compress-algo", "none", "-o",
                                                os.path.join(mnt, "d.gpg"), src]
        tools["gpg -d"] = lambda: g + ["-d", "-o", os.path.join(out, "d"),
                                       os.path.join(mnt, "d.gpg")]
        peers.append("gpg")
    writes = ["baitai put"] + [t for t in tools
                               if not t.startswith("baitai") and not t.endswith(("-d", "back"))]
    reads = ["baitai get"] + [t for t in tools if t.endswith(("-d", "back"))]
    vault_files = lambda: [os.path.join(d, f) for d, _, fs in os.walk(mnt) for f in fs
                           if f not in ("copy.bin", "d.age", "d.gpg")]
    inputs = {t: (lambda: [src]) for t in writes}
    inputs.update({"baitai get": vault_files, "cp back": lambda: [os.path.join(mnt, "copy.bin")],
                   "age -d": lambda: [os.path.join(mnt, "d.age")],
                   "gpg -d": lambda: [os.path.join(mnt, "d.gpg")]})
    for condition in CONDITIONS:
        cold = condition.startswith("cold")
        if cold and os.geteuid() != 0:
            print(f"SKIPPED: the {condition} condition drops the page cache, which needs root",
                  file=sys.stderr)
            continue
        busy = busy_core() if condition.endswith("+busy") else None
        try:
            times = {t: [] for t in tools}
            rss = {t: 0 for t in tools}
            for _ in range(ROUNDS):
                for group, out_dir in ((writes, mnt), (reads, out)):
                    for t in group:
                        fresh(out)
                        s, m = timed(tools[t](), env, out_dir, None if cold else inputs[t]())
                        times[t].append(s)
                        rss[t] = max(rss[t], m)
        finally:
            if busy:
                busy.kill()
                busy.wait()
        report(times, rss, condition)


def busy_core():
    """A process that keeps one core busy until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def report(times, rss, condition):
    med = {t: statistics.median(v) for t, v in times.items()}
    print(f"\nvault benchmark, {condition}: {SIZE_MIB} MiB file, median of {ROUNDS} rounds, "
          f"{os.cpu_count()} cores, baitai with {CIPHER}, each command timed until its output "
          f"is on disk")
    print(f"{'':18}{'seconds':>9}{'MiB/s':>9}{'peak RSS':>10}{'baitai ÷ it':>13}")
    for group, ours in (("put", "baitai put"), ("get", "baitai get")):
        for t in med:
            if (t == ours) or (group == "put" and t in ("cp", "age -r", "gpg --symmetric")) or \
               (group == "get" and t in ("cp back", "age -d", "gpg -d")):
                ratio = "" if t == ours else f"{med[t] / med[ours]:>13.2f}"
                print(f"{t:18}{med[t]:>9.2f}{SIZE_MIB / med[t]:>9.0f}"
                      f"{rss[t] / 1024:>8.0f}MB{ratio}")
    print("ratio = baitai throughput / peer throughput (above 1.00: baitai is faster)")


if __name__ == "__main__":
    main()

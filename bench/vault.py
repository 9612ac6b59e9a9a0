#!/usr/bin/env python3
"""put/get throughput of baitai against cp, age and gpg on the same file, in alternation.

    bench/vault.sh [SIZE_MIB] [ROUNDS]     (defaults: 1024 MiB, 5 rounds)

Every round runs every tool twice over: timed until the command exits (its output may still sit
in the page cache), and timed until `sync -f` has put its output on disk, which is what a medium
about to be unplugged needs (baitai fsyncs before it records the put). Everything (the source
file, the "medium" directory and the output directory) is on one file system (BENCH_DIR,
default the repository's target/), and as root every command starts with the page cache
dropped, so the source is read from disk as a large package would be. Each round runs every tool once, in
turn; the table shows the median seconds, MiB/s and the ratio of baitai's throughput to each
peer's (above 1.00: baitai is faster). baitai's ledger uses the fast test KDF so the figure is
the data path; the cost of the standard KDF is printed by `cargo bench --bench cipher` and is
paid once per command. Peers that are missing are installed with apt-get when running as
root, otherwise skipped with a message.
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


def timed(cmd, env, durable, out_dir):
    """Seconds and peak RSS (KiB) of one command; with `durable`, until its output is on disk."""
    rss_file = tempfile.NamedTemporaryFile(delete=False)
    rss_file.close()
    subprocess.run(["sync"], check=True)
    drop_caches()
    t0 = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-o", rss_file.name, "-f", "%M"] + cmd, check=True,
                   env=env, stdout=subprocess.DEVNULL)
    if durable:
        subprocess.run(["sync", "-f", out_dir], check=True)
    seconds = time.perf_counter() - t0
    with open(rss_file.name) as f:
        rss = int(f.read().split()[-1])
    os.unlink(rss_file.name)
    return seconds, rss


def drop_caches():
    """Start every command cold, the source read from disk as a 20 GB package would be (root
    only; otherwise the page cache keeps what the previous command left)."""
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError:
        pass


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
        "baitai put": (lambda: [BAITAI, "-q", "put", mnt, src, "--medium", medium, "--replace"] + who),
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
    for durable in (False, True):
        times = {t: [] for t in tools}
        rss = {t: 0 for t in tools}
        for _ in range(ROUNDS):
            fresh(out)
            for t in writes:
                s, m = timed(tools[t](), env, durable, mnt)
                times[t].append(s)
                rss[t] = max(rss[t], m)
            for t in reads:
                fresh(out)
                s, m = timed(tools[t](), env, durable, out)
                times[t].append(s)
                rss[t] = max(rss[t], m)
        report(times, rss, durable)


def report(times, rss, durable):
    med = {t: statistics.median(v) for t, v in times.items()}
    until = "on disk (each command followed by sync -f)" if durable else "in the page cache"
    print(f"\nvault benchmark: {SIZE_MIB} MiB file, median of {ROUNDS} rounds, "
          f"{os.cpu_count()} cores, timed until the output is {until}")
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

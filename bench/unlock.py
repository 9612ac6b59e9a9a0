#!/usr/bin/env python3
"""The passphrase wait as a handler meets it: a 4 MiB `put` end to end with the standard KDF
(Argon2id, 256 MiB, 3 passes, 4 lanes), beside `age` and `gpg` on the same file, in alternation.

    bench/unlock.sh [SIZE_MIB] [ROUNDS]     (defaults: 4 MiB, 5 rounds)

baitai runs as it is (the four Argon2id lanes on every core, in huge pages), with
RAYON_NUM_THREADS=1 (the lanes on one thread), and, as root, as issue 20 found it: one thread
and transparent huge pages switched off for that command (the kernel's setting is put back right
after it, also when it fails or is interrupted), so the table shows what each change saves in
the same run. Each command is followed by `sync -f` on its output, the source is warm (just
written), and everything is on one file system (BENCH_DIR, default the repository's target/).
`age -p` derives its key from a passphrase with scrypt and `gpg
--symmetric` with its iterated S2K: their passphrase waits are their own choice of cost, shown
for scale, not as equals. Peers that are missing are installed with apt-get as root, otherwise
skipped with a message.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from vault import BAITAI, ROOT, ensure, fresh, run, setup_baitai

SIZE_MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 4
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


THP = "/sys/kernel/mm/transparent_hugepage/enabled"


def thp_setting():
    """The kernel's transparent huge page mode ("always", "madvise", "never"), or None if it
    cannot be changed here (not root, not Linux, THP compiled out)."""
    try:
        with open(THP) as f:
            mode = f.read().split("[")[1].split("]")[0]
        return mode if os.access(THP, os.W_OK) else None
    except (OSError, IndexError):
        return None


def set_thp(mode):
    with open(THP, "w") as f:
        f.write(mode)


def exit_on(signum, _frame):
    """SIGTERM and SIGHUP end the script through `finally`, so the THP mode is put back."""
    raise SystemExit(128 + signum)


def timed(cmd, env, out_dir, stdin=None, small_pages=None):
    """Seconds for `cmd` and the sync of its output; `small_pages` is the THP mode to put back
    after running it with huge pages off."""
    subprocess.run(["sync"], check=True)
    if small_pages:
        set_thp("never")
    try:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, input=stdin)
        subprocess.run(["sync", "-f", out_dir], check=True)
        return time.perf_counter() - t0
    finally:
        if small_pages:
            set_thp(small_pages)


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    os.path.join(ROOT, "Cargo.toml")], check=True)
    base = os.environ.get("BENCH_DIR", os.path.join(ROOT, "target"))
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="bench-unlock.", dir=base)
    try:
        bench(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(work):
    src = os.path.join(work, "data.bin")
    with open(src, "wb") as f:
        for _ in range(SIZE_MIB):
            f.write(os.urandom(1 << 20))
    env, medium, p2 = setup_baitai(work, fast_kdf=False)
    one = dict(env, RAYON_NUM_THREADS="1")
    mnt = os.path.join(work, "medium")
    put = [BAITAI, "-q", "put", mnt, src, "--medium", medium, "--replace",
           "--as", "P0002", "--passphrase-file", p2]
    tools = {
        "baitai put": (put, env, None),
        "baitai put, 1 thread": (put, one, None),
    }
    thp = thp_setting()
    if thp:
        signal.signal(signal.SIGTERM, exit_on)
        signal.signal(signal.SIGHUP, exit_on)
        print(f"(the 'as found' row switches {THP} from '{thp}' to 'never' for each of its "
              f"commands; if this script is killed, put back '{thp}' by hand)")
        tools["baitai put, as found"] = (put, one, None)
    else:
        print("(not root or no THP setting: the row as issue 20 found it is left out)")
    if ensure("age", "age"):
        # age reads a passphrase only from a terminal, so it encrypts to a key here (no KDF
        # at all): the floor of the comparison.
        key = os.path.join(work, "age.key")
        run(["age-keygen", "-o", key], stderr=subprocess.DEVNULL)
        recipient = run(["age-keygen", "-y", key]).strip()
        tools["age -r"] = (["age", "-r", recipient, "-o", os.path.join(mnt, "d.age"), src],
                           env, None)
    if ensure("gpg", "gnupg"):
        home = os.path.join(work, "gnupg")
        os.makedirs(home, mode=0o700)
        tools["gpg --symmetric"] = (
            ["gpg", "--homedir", home, "--batch", "--yes", "--quiet", "--pinentry-mode",
             "loopback", "--passphrase", "Bench-pass", "--symmetric", "--cipher-algo", "AES256",
             "--compress-algo", "none", "-o", os.path.join(mnt, "d.gpg"), src], env, None)
    fresh(mnt)
    times = {t: [] for t in tools}
    for _ in range(ROUNDS):
        for t, (cmd, e, stdin) in tools.items():
            small = thp if t == "baitai put, as found" else None
            times[t].append(timed(cmd, e, mnt, stdin, small))
    med = {t: statistics.median(v) for t, v in times.items()}
    ours = med["baitai put"]
    print(f"\nunlock benchmark: {SIZE_MIB} MiB put with the standard KDF, median of {ROUNDS} "
          f"rounds, {os.cpu_count()} cores, each followed by sync -f, warm source")
    print(f"{'':24}{'seconds':>9}{'min':>8}{'max':>8}{'÷ baitai put':>14}")
    for t, v in times.items():
        print(f"{t:24}{med[t]:>9.3f}{min(v):>8.3f}{max(v):>8.3f}{med[t] / ours:>14.2f}")
    share = ours / med["baitai put, 1 thread"]
    print(f"baitai put takes {share:.2f} of the one-thread time")
    if "baitai put, as found" in med:
        found = ours / med["baitai put, as found"]
        print(f"baitai put takes {found:.2f} of the time as issue 20 found it "
              "(target: at most 0.55)")


if __name__ == "__main__":
    main()

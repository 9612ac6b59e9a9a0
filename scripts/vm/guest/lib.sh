# Helpers the guest scenarios source: run baitai as a person, read JSON fields, find a stick's
# node by its USB serial, ask the host to unplug or plug a stick, and print one CHECK line per
# check (the host counts them).

export HOME=/root BAITAI_LEDGER=/root/ledger.db BAITAI_LANG=en
ADMIN=P0001 HANDLER=P0002 CUSTODIAN=P0003

# Print one result line: ok or FAIL with why.
ok() { echo "CHECK ok $1"; }
bad() { echo "CHECK FAIL $1: $2"; }

# bt PERSON ARGS...: run baitai --json as PERSON; sets OUT, ERR and RC, never fails.
bt() {
    who=$1
    shift
    RC=0
    OUT=$(baitai --json "$@" --as "$who" --passphrase-file "/root/pass-$who" 2>/tmp/err) || RC=$?
    ERR=$(cat /tmp/err)
}

# btn ARGS...: run baitai --json as no one.
btn() {
    RC=0
    OUT=$(baitai --json "$@" 2>/tmp/err) || RC=$?
    ERR=$(cat /tmp/err)
}

# field KEY: the first value of KEY in OUT (a pretty-printed JSON document), unquoted.
field() {
    printf '%s\n' "$OUT" | sed -n -e "s/^ *\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" \
        -e "s/^ *\"$1\": \([^\"][^,]*\),\{0,1\}\$/\1/p" | head -n1
}

# expect NAME CODE: the last command exited CODE.
expect() {
    if [ "$RC" = "$2" ]; then
        ok "$1"
    else
        bad "$1" "exit $RC, wanted $2: $(printf '%s' "$ERR" | tail -n2 | tr '\n' ' ')"
    fi
}

# expect_field NAME KEY VALUE: the last command succeeded and its KEY is VALUE.
expect_field() {
    got=$(field "$2")
    if [ "$RC" = 0 ] && [ "$got" = "$3" ]; then
        ok "$1"
    else
        bad "$1" "exit $RC, $2=$got, wanted $3: $(printf '%s' "$ERR" | tail -n2 | tr '\n' ' ')"
    fi
}

# expect_err NAME CODE TEXT: the last command exited CODE with TEXT on stderr, in one line.
expect_err() {
    lines=$(printf '%s\n' "$ERR" | grep -c . || true)
    if [ "$RC" = "$2" ] && printf '%s' "$ERR" | grep -q -- "$3"; then
        ok "$1"
    else
        bad "$1" "exit $RC ($lines lines), wanted $2 and '$3': $(printf '%s' "$ERR" | tail -n2 | tr '\n' ' ')"
    fi
}

# truth NAME COMMAND...: a plain command that must succeed.
truth() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        ok "$name"
    else
        bad "$name" "$(printf '%s' "$out" | tail -n2 | tr '\n' ' ')"
    fi
}

# node_of SERIAL: the /dev node of the disk on the USB device with that serial.
node_of() {
    for b in /sys/block/sd*; do
        [ -e "$b/device" ] || continue
        p=$(readlink -f "$b/device")
        while [ "${#p}" -gt 5 ]; do
            if [ -f "$p/idVendor" ]; then
                if [ "$(cat "$p/serial" 2>/dev/null || true)" = "$1" ] && [ "$(cat "$b/size")" != 0 ]; then
                    echo "/dev/${b##*/}"
                    return 0
                fi
                break
            fi
            p=${p%/*}
        done
    done
    return 1
}

# wait_node SERIAL: wait (up to 30 s) for the stick to appear; print its node.
wait_node() {
    i=0
    while [ $i -lt 150 ]; do
        if n=$(node_of "$1"); then
            [ -e "$n" ] && { echo "$n"; return 0; }
        fi
        sleep 0.2
        i=$((i + 1))
    done
    echo "GUEST no stick with serial $1" >&2
    return 1
}

# wait_gone SERIAL: wait (up to 30 s) for the stick to disappear.
wait_gone() {
    i=0
    while node_of "$1" >/dev/null && [ $i -lt 150 ]; do
        sleep 0.2
        i=$((i + 1))
    done
}

# host COMMAND: ask the host to run a qemu monitor command (device_del, device_add, qom-set).
host() {
    echo "HOSTCMD $*"
}

# The ledger: an admin, a handler and a custodian, with the test-only fast key derivation
# (the standard Argon2id takes ~23 s a passphrase under TCG).
make_ledger() {
    for p in $ADMIN $HANDLER $CUSTODIAN; do echo "Pass-$p-secret!" > "/root/pass-$p"; done
    btn init --org VM --admin Admin --affiliation IT --passphrase-file /root/pass-$ADMIN --insecure-fast-kdf
    [ "$RC" = 0 ] || { bad ledger "$ERR"; return 1; }
    bt $ADMIN person add Handler --affiliation IT --role handler --new-passphrase-file /root/pass-$HANDLER
    bt $ADMIN person add Custodian --affiliation IT --role custodian --new-passphrase-file /root/pass-$CUSTODIAN
    expect "ledger with fast KDF" 0
}

# A test file of SIZE KiB of random bytes.
random_file() {
    dd if=/dev/urandom of="$1" bs=1024 count="$2" 2>/dev/null
}

# device_json SERIAL: the object in OUT (`baitai devices --json`) whose text holds "SERIAL".
device_json() {
    printf '%s\n' "$OUT" | awk -v s="\"$1\"" '
        /^    \{/ { buf = "" }
        { buf = buf $0 "\n" }
        /^    \}/ { if (index(buf, s)) printf "%s", buf }'
}

# has NAME TEXT HAYSTACK: HAYSTACK holds TEXT.
has() {
    case "$3" in
    *"$2"*) ok "$1" ;;
    *) bad "$1" "no '$2' in: $(printf '%s' "$3" | tr '\n' ' ' | cut -c1-300)" ;;
    esac
}

# expect_fail NAME: the last command failed (any code) with one error line.
expect_fail() {
    if [ "$RC" != 0 ]; then ok "$1"; else bad "$1" "it succeeded: $(printf '%s' "$OUT" | tr '\n' ' ' | cut -c1-200)"; fi
}

# wait_pid_io PID BYTES: wait (up to 60 s) until process PID has written BYTES (wchar), or ended.
wait_pid_io() {
    i=0
    while [ $i -lt 600 ] && [ -e "/proc/$1/io" ]; do
        w=$(sed -n 's/^wchar: //p' "/proc/$1/io" 2>/dev/null || echo 0)
        [ "${w:-0}" -ge "$2" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# bt_bg PERSON ARGS...: bt in the background; BG is its pid, its results in /tmp/bg.{out,err,rc}.
bt_bg() {
    who=$1
    shift
    (
        rc=0
        baitai --json "$@" --as "$who" --passphrase-file "/root/pass-$who" >/tmp/bg.out 2>/tmp/bg.err || rc=$?
        echo $rc >/tmp/bg.rc
    ) &
    BG=$!
}

# bt_wait: wait for bt_bg's command; sets OUT, ERR and RC as bt does.
bt_wait() {
    wait "$BG" || true
    OUT=$(cat /tmp/bg.out)
    ERR=$(cat /tmp/bg.err)
    RC=$(cat /tmp/bg.rc)
}

# baitai_pid: the pid of the running baitai process (the one bt_bg started).
baitai_pid() {
    i=0
    while [ $i -lt 100 ]; do
        p=$(pidof baitai || true)
        [ -n "$p" ] && { echo "${p%% *}"; return 0; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# cycle FS LAYOUT METHOD [first]: on stick 1 (checked out): format, put, ls, get, return
# --device, wipe with METHOD, reissue. The first cycle also checks the wrong stick ($n2, same
# size) and a stick of another size ($nsize), and the mounted stick along the way. Later cycles wipe with zero (one pass): random-zero is run on
# the first cycle and on the other sticks, and the VM test must stay within its time.
cycle() {
    fs=$1 layout=$2 method=$3 first=${4:-}
    tag="$fs $layout"
    dev=$n1
    if [ "$layout" = partitioned ]; then
        case $fs in vfat) type=c ;; exfat) type=7 ;; *) type=83 ;; esac
        printf 'o\nn\np\n1\n\n\nt\n%s\nw\n' "$type" | fdisk "$n1" >/dev/null 2>&1 || true
        i=0
        while [ ! -e "${n1}1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        dev=${n1}1
    fi
    case $fs in
    vfat) mkfs.vfat "$dev" >/dev/null ;;
    exfat) mkfs.exfat "$dev" >/dev/null ;;
    ext4) mkfs.ext4 -q -F "$dev" >/dev/null ;;
    esac
    truth "$tag: mount" mount -t "$fs" "$dev" /mnt/s1
    random_file /tmp/a.bin 300
    random_file /tmp/b.bin 7
    bt $HANDLER put /mnt/s1 /tmp/a.bin /tmp/b.bin --medium "$M1"
    expect_field "$tag: put two files" files 2
    if [ -n "$first" ]; then
        bt $HANDLER ls /mnt/s1
        has "$tag: ls lists them" '"b.bin"' "$OUT"
    fi
    rm -rf /tmp/out
    bt $HANDLER get /mnt/s1 --out /tmp/out
    expect "$tag: get" 0
    truth "$tag: get gives the same bytes" cmp /tmp/a.bin /tmp/out/a.bin
    if [ -n "$first" ]; then
        mkfs.vfat "$n2" >/dev/null
        mount -t vfat "$n2" /mnt/s2
        bt $HANDLER put /mnt/s2 /tmp/b.bin --medium "$M1"
        expect_err "wrong stick: put refused (exit 6)" 6 "not $M1"
        umount /mnt/s2
        bt $CUSTODIAN return "$M1" --device "$n1"
        expect_err "return --device refuses a mounted stick (exit 6)" 6 "mounted"
    fi
    truth "$tag: unmount" umount /mnt/s1
    if [ -n "$first" ]; then
        bt $CUSTODIAN return "$M1" --device "$n2"
        expect_err "wrong stick: return refused (exit 6)" 6 "serial number"
        bt $CUSTODIAN return "$M1" --device "$nsize"
        expect_err "wrong-size stick: return refused (exit 6)" 6 "capacity"
    fi
    bt $CUSTODIAN return "$M1" --device "$n1"
    expect_field "$tag: return --device finds the data" data data-present
    if [ -n "$first" ]; then
        bt $CUSTODIAN wipe "$M1" --device "$n2" --method random-zero --yes
        expect_err "wrong stick: wipe refused (exit 6)" 6 "serial number"
        bt $CUSTODIAN wipe "$M1" --device "$nsize" --method random-zero --yes
        expect_err "wrong-size stick: wipe refused (exit 6, as return)" 6 "capacity"
    fi
    bt $CUSTODIAN wipe "$M1" --device "$n1" --method "$method" --yes
    expect_field "$tag: wipe $method passes" result passed
    has "$tag: wipe read back past the cache" '"cache_bypass": "o_direct"' "$OUT"
    bt $HANDLER checkout "$M1" --purpose "after $tag"
    expect "$tag: reissued after the wipe" 0
}

# stick_lifecycle TAG NODE MOUNT: register, checkout, vfat, put, ls, get, return --device, wipe.
stick_lifecycle() {
    tag=$1 n=$2 mnt=$3
    mkdir -p "$mnt"
    bt $CUSTODIAN medium register --device "$n" --class C3
    expect "$tag: register" 0
    M=$(field medium)
    bt $HANDLER checkout "$M" --purpose "$tag"
    mkfs.vfat "$n" >/dev/null
    truth "$tag: mount" mount -t vfat "$n" "$mnt"
    random_file /tmp/a.bin 300
    bt $HANDLER put "$mnt" /tmp/a.bin --medium "$M"
    expect_field "$tag: put" files 1
    bt $HANDLER ls "$mnt"
    has "$tag: ls" '"a.bin"' "$OUT"
    rm -rf /tmp/out
    bt $HANDLER get "$mnt" --out /tmp/out
    truth "$tag: get gives the same bytes" cmp /tmp/a.bin /tmp/out/a.bin
    umount "$mnt"
    bt $CUSTODIAN return "$M" --device "$n"
    expect_field "$tag: return --device" data data-present
    bt $CUSTODIAN wipe "$M" --device "$n" --method zero --yes
    expect_field "$tag: wipe passes" result passed
    has "$tag: wipe read back with direct I/O" '"cache_bypass": "o_direct"' "$OUT"
}

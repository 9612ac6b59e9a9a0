//! Process hardening at start-up: no core dumps, no same-user `/proc/PID/mem` or ptrace reads,
//! and memory kept out of swap where the operating system allows it.
//!
//! Passphrases, unsealed keys and data keys live in this process's memory while a command
//! runs. They are zeroized on drop, but a core dump or another process of the same user could
//! read them while they are in use, and swap could keep them on disk after.
//!
//! On Windows none of this is done yet (issue 17): `harden` reports nothing hardened there.

#[cfg(unix)]
use rustix::mm::{mlockall, MlockAllFlags};
#[cfg(unix)]
use rustix::process::{getrlimit, set_dumpable_behavior, setrlimit, DumpableBehavior, Resource};

/// What `harden` managed to do, for `-v` and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hardened {
    /// The process is not dumpable: no core file, and another process of the same user
    /// cannot ptrace it or read `/proc/PID/mem`.
    pub not_dumpable: bool,
    /// RLIMIT_CORE is zero, so no core file is written even if dumpability comes back.
    pub no_core: bool,
    /// All memory, present and future, is locked out of swap.
    pub memory_locked: bool,
}

/// Make the process non-dumpable, turn off core dumps, and lock memory when that cannot make
/// later allocations fail (an unlimited RLIMIT_MEMLOCK, or CAP_IPC_LOCK).
#[cfg(unix)]
pub fn harden() -> Hardened {
    let (not_dumpable, no_core) = no_dumps();
    Hardened {
        not_dumpable,
        no_core,
        memory_locked: lock_memory(),
    }
}

/// Windows has no dumpable flag or core limit, and locking all memory would need a working-set
/// size chosen up front: nothing is changed, and `-v` shows it.
#[cfg(windows)]
pub fn harden() -> Hardened {
    Hardened {
        not_dumpable: false,
        no_core: false,
        memory_locked: false,
    }
}

#[cfg(unix)]
/// Non-dumpable (which also keeps same-user ptrace and `/proc/PID/mem` out) and no core file.
fn no_dumps() -> (bool, bool) {
    let not_dumpable = set_dumpable_behavior(DumpableBehavior::NotDumpable).is_ok();
    let no_core = setrlimit(
        Resource::Core,
        rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )
    .is_ok();
    (not_dumpable, no_core)
}

#[cfg(unix)]
fn lock_memory() -> bool {
    may_lock_everything()
        && mlockall(MlockAllFlags::CURRENT | MlockAllFlags::FUTURE | MlockAllFlags::ONFAULT).is_ok()
}

#[cfg(unix)]
/// Locking future memory under a finite limit would make large allocations (Argon2id's
/// 256 MiB, the wipe's buffers) fail, so lock only when nothing limits it.
fn may_lock_everything() -> bool {
    getrlimit(Resource::Memlock).current.is_none() || has_ipc_lock()
}

#[cfg(unix)]
/// CAP_IPC_LOCK (bit 14) in the effective set, from /proc/self/status.
fn has_ipc_lock() -> bool {
    const CAP_IPC_LOCK: u32 = 14;
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        })
        .is_some_and(|caps| caps & (1 << CAP_IPC_LOCK) != 0)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_process_is_not_dumpable_and_makes_no_core() {
        assert_eq!(no_dumps(), (true, true));
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            DumpableBehavior::NotDumpable
        );
        assert_eq!(getrlimit(Resource::Core).current, Some(0));
    }
}

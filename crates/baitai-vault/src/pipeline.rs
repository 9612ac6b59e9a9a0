//! An ordered three-stage pipeline: one reader thread, several worker threads, and the caller's
//! thread consuming results in their original order, with a fixed number of items in flight.
//!
//! Encryption and decryption of an object run through it so that reading, the AEAD and writing
//! overlap and the AEAD uses every core; memory stays bounded whatever the file size.

use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

use zeroize::Zeroizing;

use baitai_core::error::Result;

/// Buffers reused from batch to batch, so a long stream does not fault in fresh pages for every
/// batch. A buffer is zeroized when it is finally dropped, wherever that happens.
#[derive(Default)]
pub struct Pool {
    free: Mutex<Vec<Zeroizing<Vec<u8>>>>,
}

impl Pool {
    /// A buffer of exactly `len` bytes, to read into. A reused buffer keeps what it held (bytes
    /// of the same stream, about to be overwritten) instead of being zeroed again: zeroing
    /// every batch cost as much CPU as the AEAD.
    pub fn take_len(&self, len: usize) -> Zeroizing<Vec<u8>> {
        let mut buf = self.reuse(len);
        if buf.len() > len {
            buf.truncate(len);
        } else {
            buf.resize(len, 0);
        }
        buf
    }

    fn reuse(&self, cap: usize) -> Zeroizing<Vec<u8>> {
        let reused = self.free.lock().ok().and_then(|mut f| f.pop());
        // A buffer too small is dropped (and so zeroized) rather than grown, since growing
        // would move its contents without wiping the old allocation.
        reused
            .filter(|b| b.capacity() >= cap)
            .unwrap_or_else(|| Zeroizing::new(Vec::with_capacity(cap)))
    }

    pub fn give(&self, buf: Zeroizing<Vec<u8>>) {
        if let Ok(mut f) = self.free.lock() {
            f.push(buf);
        }
    }

    /// Give back a shared buffer if this was its last holder (otherwise the last one will).
    pub fn give_shared(&self, buf: Arc<Zeroizing<Vec<u8>>>) {
        if let Some(b) = Arc::into_inner(buf) {
            self.give(b);
        }
    }
}

/// How many worker threads to use: one per core, at least one.
pub fn workers() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Run `next` on a reader thread until it yields `None` or an error, `work` on `workers`
/// threads, and `sink` here, in order. At most `in_flight` items exist between `next` and
/// `sink`. The first error (from any stage) stops all three and is returned; items after it
/// are not sunk.
pub fn ordered<T: Send, U: Send>(
    workers: usize,
    in_flight: usize,
    mut next: impl FnMut() -> Result<Option<T>> + Send,
    work: impl Fn(T) -> Result<U> + Sync,
    mut sink: impl FnMut(U) -> Result<()>,
) -> Result<()> {
    let workers = workers.max(1);
    let in_flight = in_flight.max(workers);
    // Tokens bound the items in flight: the reader takes one per item, the sink gives it back.
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let (job_tx, job_rx) = sync_channel::<(u64, Result<T>)>(in_flight);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = sync_channel::<(u64, Result<U>)>(in_flight);
    thread::scope(|s| {
        s.spawn(move || {
            let mut i = 0u64;
            while token_rx.recv().is_ok() {
                let item = match next() {
                    Ok(None) => return,
                    Ok(Some(t)) => Ok(t),
                    Err(e) => Err(e),
                };
                let failed = item.is_err();
                if job_tx.send((i, item)).is_err() || failed {
                    return;
                }
                i += 1;
            }
        });
        let work = &work;
        for _ in 0..workers {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || worker(&job_rx, &done_tx, work));
        }
        // Only the workers hold the job receiver now: when they stop, the reader stops too.
        drop(job_rx);
        drop(done_tx);
        consume(done_rx, token_tx, &mut sink)
    })
}

fn worker<T, U>(
    jobs: &Mutex<Receiver<(u64, Result<T>)>>,
    done: &std::sync::mpsc::SyncSender<(u64, Result<U>)>,
    work: &impl Fn(T) -> Result<U>,
) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((i, item)) = job else { return };
        // A panic must reach the sink as this item's error: a silent gap would leave the sink
        // waiting for it, and every other stage waiting on the sink.
        let result = item.and_then(|t| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(t))).unwrap_or_else(
                |_| {
                    Err(baitai_core::error::Error::Other(
                        crate::msg::Msg::WorkerFailed.into(),
                    ))
                },
            )
        });
        if done.send((i, result)).is_err() {
            return;
        }
    }
}

fn consume<U>(
    done: Receiver<(u64, Result<U>)>,
    tokens: std::sync::mpsc::SyncSender<()>,
    sink: &mut impl FnMut(U) -> Result<()>,
) -> Result<()> {
    let mut early: BTreeMap<u64, Result<U>> = BTreeMap::new();
    let mut want = 0u64;
    for (i, r) in done.iter() {
        early.insert(i, r);
        while let Some(r) = early.remove(&want) {
            sink(r?)?;
            want += 1;
            let _ = tokens.send(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::error::Error;

    #[test]
    fn keeps_order_under_uneven_work() {
        let mut n = 0u64;
        let mut got = Vec::new();
        ordered(
            3,
            4,
            || {
                n += 1;
                Ok((n <= 200).then_some(n))
            },
            |x| {
                if x % 7 == 0 {
                    thread::sleep(std::time::Duration::from_millis(2));
                }
                Ok(x * 2)
            },
            |y| {
                got.push(y);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(got, (1..=200).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn errors_from_any_stage_stop_everything() {
        let reader_fails = ordered(
            2,
            2,
            {
                let mut n = 0;
                move || {
                    n += 1;
                    if n == 50 {
                        Err(Error::Other("read".into()))
                    } else {
                        Ok(Some(n))
                    }
                }
            },
            Ok,
            |_| Ok(()),
        );
        assert!(matches!(reader_fails, Err(Error::Other(m)) if m == "read".into()));

        let mut sunk = 0;
        let worker_fails = ordered(
            2,
            2,
            {
                let mut n = 0u64;
                move || {
                    n += 1;
                    Ok(Some(n))
                }
            },
            |x| {
                if x == 30 {
                    Err(Error::Other("work".into()))
                } else {
                    Ok(x)
                }
            },
            |_| {
                sunk += 1;
                Ok(())
            },
        );
        assert!(matches!(worker_fails, Err(Error::Other(m)) if m == "work".into()));
        assert_eq!(sunk, 29, "items after the failure are not sunk");

        let sink_fails = ordered(
            2,
            2,
            {
                let mut n = 0u64;
                move || {
                    n += 1;
                    Ok(Some(n))
                }
            },
            Ok,
            |x| {
                if x == 10 {
                    Err(Error::Other("sink".into()))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(sink_fails, Err(Error::Other(m)) if m == "sink".into()));
    }

    #[test]
    fn a_panicking_worker_is_an_error_not_a_hang() {
        let mut n = 0u64;
        let r = ordered(
            2,
            3,
            move || {
                n += 1;
                Ok((n <= 50).then_some(n))
            },
            |x| {
                if x == 20 {
                    panic!("boom");
                }
                Ok(x)
            },
            |_| Ok(()),
        );
        assert!(matches!(r, Err(Error::Other(m)) if m.contains("worker")));
    }

    #[test]
    fn never_more_than_in_flight() {
        use std::sync::atomic::{AtomicI64, Ordering};
        let live = AtomicI64::new(0);
        let peak = AtomicI64::new(0);
        let mut n = 0;
        ordered(
            2,
            3,
            || {
                n += 1;
                let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                Ok((n <= 100).then_some(n))
            },
            Ok,
            |_| {
                live.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        assert!(peak.load(Ordering::SeqCst) <= 3, "peak {peak:?}");
    }
}

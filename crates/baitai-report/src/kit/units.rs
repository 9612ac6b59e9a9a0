//! Sizes, times and durations as every printout writes them, in one place: the form, the
//! lists, the reports, the certificates and the command's own lines all come through here.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::app::Session;
use crate::{Lang, Word};

pub use baitai_core::units::human_bytes;

/// `2097152` → `2,097,152`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 sector`, `2,048 sectors`: English counts with their noun.
pub fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{} {noun}s", grouped(n)),
    }
}

/// `2224 bytes (2.2 KiB)`: the exact count, then the rounded size.
pub fn bytes(n: u64, lang: Lang) -> String {
    format!("{n} {} ({})", lang.w(Word::Bytes), human_bytes(n))
}

/// `2,224 バイト（2.2 KiB）`: the count with its digits grouped, as certificates write it.
pub fn bytes_grouped(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{} バイト（{}）", grouped(n), human_bytes(n)),
        Lang::En => format!("{} bytes ({})", grouped(n), human_bytes(n)),
    }
}

/// `3日2時間`, `2h 5m`: how long past due.
pub fn overdue(minutes: i64, lang: Lang) -> String {
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match lang {
        Lang::Ja if d > 0 => format!("{d}日{h}時間"),
        Lang::Ja => format!("{h}時間{m}分"),
        Lang::En if d > 0 => format!("{d}d {h}h"),
        Lang::En => format!("{h}h {m}m"),
    }
}

/// Times in the ledger's zone: to the minute on forms, lists and reports, to the second on
/// certificates.
#[derive(Clone, Copy)]
pub struct Times<'a> {
    tz: &'a TimeZone,
}

impl<'a> Times<'a> {
    pub fn of(session: &'a Session) -> Times<'a> {
        Times { tz: session.tz() }
    }

    /// `2026-11-24 09:00`
    pub fn minute(self, t: Timestamp) -> String {
        crate::time::show_minutes(t, self.tz)
    }

    /// `2026-11-24 09:00:12`
    pub fn second(self, t: Timestamp) -> String {
        crate::time::show_full(t, self.tz)
    }

    /// The time of printing, to the minute.
    pub fn now(self) -> String {
        self.minute(crate::time::now())
    }

    /// A time as stored in a payload (a carry-out's `until`), to the minute; as stored if it
    /// cannot be read.
    pub fn stored_minute(self, s: &str) -> String {
        crate::time::from_store(s)
            .map(|t| self.minute(t))
            .unwrap_or_else(|_| s.to_string())
    }

    /// A time as stored in a payload (a wipe's start), to the second; as stored if it cannot
    /// be read.
    pub fn stored_second(self, s: &str) -> String {
        crate::time::from_store(s)
            .map(|t| self.second(t))
            .unwrap_or_else(|_| s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.0 KiB");
        assert_eq!(human_bytes(8 * 1024 * 1024), "8.0 MiB");
        assert_eq!(human_bytes(u64::MAX), "16777216.0 TiB");
        assert_eq!(bytes(2224, Lang::Ja), "2224 バイト (2.2 KiB)");
        assert_eq!(bytes(2224, Lang::En), "2224 bytes (2.2 KiB)");
        assert_eq!(bytes_grouped(2224, Lang::Ja), "2,224 バイト（2.2 KiB）");
        assert_eq!(bytes_grouped(2224, Lang::En), "2,224 bytes (2.2 KiB)");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(2_097_152), "2,097,152");
        assert_eq!(grouped(1_000_000_000), "1,000,000,000");
        assert_eq!(counted(1, "byte"), "1 byte");
        assert_eq!(counted(2048, "sector"), "2,048 sectors");
    }

    #[test]
    fn durations() {
        assert_eq!(overdue(3 * 1440 + 125, Lang::Ja), "3日2時間");
        assert_eq!(overdue(125, Lang::Ja), "2時間5分");
        assert_eq!(overdue(3 * 1440 + 125, Lang::En), "3d 2h");
        assert_eq!(overdue(125, Lang::En), "2h 5m");
    }
}

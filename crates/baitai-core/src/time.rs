//! Times: stored in UTC with microseconds, shown and parsed in the ledger's time zone.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::msg::Msg;

/// The storage form: fixed width, so text order is time order.
const STORE_FMT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The current time, truncated to microseconds so that it reads back equal once stored.
pub fn now() -> Timestamp {
    // Truncate to microseconds so a stored time reads back equal.
    let now = Timestamp::now();
    let micros = now.as_microsecond();
    Timestamp::from_microsecond(micros).unwrap_or(now)
}

/// The ledger's stored form of `t`: UTC, microseconds, fixed width, so text order is time order.
pub fn to_store(t: Timestamp) -> String {
    t.strftime(STORE_FMT).to_string()
}

/// A time as the ledger stores it; anything else is an integrity failure (the file was altered).
pub fn from_store(s: &str) -> Result<Timestamp> {
    s.parse::<Timestamp>().map_err(|e| {
        Error::Integrity(crate::msg::with_cause(
            Msg::StoredTime {
                time: format!("{s:?}").into(),
            },
            e,
        ))
    })
}

/// The IANA time zone `name` (e.g. `Asia/Tokyo`), from the bundled database; an unknown name is a
/// usage error.
pub fn zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|_| {
        Error::usage(Msg::UnknownZone {
            zone: format!("{name:?}").into(),
        })
    })
}

/// Which end of a day a bare date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEnd {
    /// The first instant of the day (for a `--from` date).
    Start,
    /// The last instant of the day (for a `--to` or `--until` date).
    End,
}

/// Parse RFC 3339 or `YYYY-MM-DD[ HH:MM[:SS]]` (also with `T`) in the ledger's zone.
pub fn parse_user(s: &str, tz: &TimeZone, bare_date: DayEnd) -> Result<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let bad = || {
        Error::usage(Msg::BadTime {
            time: format!("{s:?}").into(),
        })
    };
    let date_only = s.len() == 10;
    let civil = if date_only {
        let d = s.parse::<Date>().map_err(|_| bad())?;
        match bare_date {
            DayEnd::Start => d.to_datetime(jiff::civil::Time::midnight()),
            DayEnd::End => d.to_datetime(jiff::civil::time(23, 59, 59, 0)),
        }
    } else {
        let normalised = s.replacen(' ', "T", 1);
        normalised.parse::<DateTime>().map_err(|_| bad())?
    };
    civil
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|_| bad())
}

/// `2026-11-23 17:58` in the given zone: what forms show.
pub fn show_minutes(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// RFC 3339 with the zone's offset, to the second: what JSON and detailed views show.
pub fn show_full(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The calendar year of a time in the zone (for medium numbers).
pub fn year(t: Timestamp, tz: &TimeZone) -> i16 {
    t.to_zoned(tz.clone()).year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_round_trip_and_order() {
        let t = now();
        assert_eq!(from_store(&to_store(t)).unwrap(), t);
        let a = to_store(Timestamp::from_second(1).unwrap());
        let b = to_store(Timestamp::from_second(10).unwrap());
        assert!(a < b && a.len() == b.len());
    }

    #[test]
    fn parse_forms() {
        let tz = zone("Asia/Tokyo").unwrap();
        let a = parse_user("2026-11-24 09:30", &tz, DayEnd::Start).unwrap();
        assert_eq!(to_store(a), "2026-11-24T00:30:00.000000Z");
        let b = parse_user("2026-11-24", &tz, DayEnd::End).unwrap();
        assert_eq!(to_store(b), "2026-11-24T14:59:59.000000Z");
        let c = parse_user("2026-11-24T09:30:00+09:00", &tz, DayEnd::Start).unwrap();
        assert_eq!(a, c);
        assert!(parse_user("24/11/2026", &tz, DayEnd::Start).is_err());
        assert!(parse_user("2026-13-01", &tz, DayEnd::Start).is_err());
        assert_eq!(show_minutes(a, &tz), "2026-11-24 09:30");
    }
}

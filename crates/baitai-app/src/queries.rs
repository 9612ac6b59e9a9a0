//! Queries the printouts and the stock-take share: every medium's state, registration labels,
//! and when a medium that is out is due back.

use std::collections::HashMap;

use jiff::{civil::Time, Timestamp};

use super::Session;
use crate::error::Result;
use crate::lifecycle::{IssueKind, MediumState};
use crate::model::Body;

impl Session {
    /// Every medium's state, in medium-number order.
    pub fn all_states(&self) -> Result<Vec<MediumState>> {
        self.ledger.all_states()
    }

    /// The label each medium was registered with, by medium number.
    pub fn register_labels(&self) -> Result<HashMap<String, Option<String>>> {
        Ok(self
            .ledger
            .entries_of_kinds(&["medium.register"])?
            .into_iter()
            .filter_map(|e| match (e.medium, e.body) {
                (Some(m), Body::Register(r)) => Some((m.0, r.label)),
                _ => None,
            })
            .collect())
    }

    /// When a medium that is out is due back: a day's use by the end of the working day
    /// (or midnight when taken out after it), a carry-out or loan at the end of its period.
    pub fn due(&self, kind: IssueKind, since: Timestamp, until: Option<Timestamp>) -> Timestamp {
        if let (IssueKind::CarryOut | IssueKind::Loan, Some(u)) = (kind, until) {
            return u;
        }
        let local = since.to_zoned(self.tz.clone());
        let end: Time = self
            .settings
            .day_end
            .parse()
            .unwrap_or(Time::constant(18, 0, 0, 0));
        let day_end = local.date().to_datetime(end);
        let midnight = local.date().to_datetime(Time::constant(23, 59, 59, 0));
        let due = if local.datetime() < day_end {
            day_end
        } else {
            midnight
        };
        due.to_zoned(self.tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(since)
    }
}

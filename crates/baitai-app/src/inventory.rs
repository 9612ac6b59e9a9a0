//! The stock-take (在庫確認, 003 第4-1(3)): media found in the store, compared with where the
//! ledger says each medium is, and recorded as a signed entry.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::{required_text, Secrets, Session};
use crate::error::{Error, Result};
use crate::ledger::{Draft, StoredEntry};
use crate::lifecycle::{Holding, MediumState};
use crate::model::{Body, InventoryCheck, Unexpected};
use crate::msg::Msg;

/// What one custodian found, before it is compared with the ledger.
pub struct Found {
    /// Medium numbers as typed or scanned, in any case, with repeats, separated by commas,
    /// spaces or tabs; `none` alone records an empty store. Nothing at all is a usage error
    /// (exit 2), so a scanner that sent nothing is not taken for an empty store.
    pub numbers: Vec<String>,
    /// Where the stock-take was made (`--location`, free text), recorded in the entry.
    pub location: Option<String>,
}

impl Session {
    /// Compare what was found with the ledger as it stands at `at`.
    fn inventory_findings(&self, found: &Found, at: Timestamp) -> Result<InventoryCheck> {
        let present = normalise(&found.numbers)?;
        let states = self.all_states()?;
        // Sets, not list scans: a scanner may send a whole store's worth of numbers.
        let found_here: HashSet<&str> = present.iter().map(String::as_str).collect();
        let by_number: HashMap<&str, &MediumState> =
            states.iter().map(|s| (s.number.0.as_str(), s)).collect();
        let mut check = InventoryCheck {
            location: found
                .location
                .as_deref()
                .map(|l| required_text("--location", l))
                .transpose()?,
            present: present.clone(),
            missing: Vec::new(),
            unexpected: Vec::new(),
            overdue: Vec::new(),
        };
        for s in &states {
            let here = found_here.contains(s.number.0.as_str());
            match &s.holding {
                Holding::InStorage if !here => check.missing.push(s.number.clone()),
                // One found in the store is listed as unexpected, not twice.
                Holding::Out(o) if !here && at > self.due(o.kind, o.since, o.until) => {
                    check.overdue.push(s.number.clone())
                }
                _ => {}
            }
        }
        for p in &present {
            let state = by_number.get(p.as_str()).copied();
            if let Some(ledger_state) = unexpected_state(state) {
                check.unexpected.push(Unexpected {
                    medium: p.clone(),
                    ledger_state,
                });
            }
        }
        Ok(check)
    }

    /// 在庫確認: record a stock-take by an active custodian as an `inventory.check` entry, with
    /// what was found compared to the ledger just before it (missing, unexpected, overdue);
    /// returns the entry and those findings. The entry changes no medium's state.
    pub fn inventory_check(
        &mut self,
        found: &Found,
        custodian: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<(StoredEntry, InventoryCheck)> {
        let actor = self.person(custodian)?;
        let check = self.inventory_findings(found, crate::time::now())?;
        let draft = Draft {
            medium: None,
            actor: Some(actor.id),
            body: Body::InventoryCheck(check.clone()),
        };
        let entry = self.record(draft, secrets, "inventory check")?;
        Ok((entry, check))
    }
}

/// Where the ledger puts a medium that was found, when that is not the store.
fn unexpected_state(state: Option<&MediumState>) -> Option<String> {
    match state {
        None => Some("unknown".to_string()),
        Some(s) if s.holding == Holding::InStorage => None,
        Some(s) => Some(s.holding.as_str().to_string()),
    }
}

/// Trim, upper-case and de-duplicate the numbers, keeping the order they were scanned in.
/// Nothing at all is refused: an empty store is recorded by naming no medium on purpose
/// (`--present none`), not by a scanner that sent nothing.
fn normalise(numbers: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    // Linear in the numbers given: a search of `out` for each made 40,000 take seconds.
    let mut seen: HashSet<String> = HashSet::new();
    for n in numbers.iter().flat_map(|l| l.split([',', ' ', '\t'])) {
        let n = n.trim().to_uppercase();
        if n.is_empty() || seen.contains(&n) {
            continue;
        }
        if n.chars().any(|c| c.is_control()) || n.len() > 64 {
            return Err(Error::usage(Msg::NotAMediumNumber {
                number: format!("{n:?}").into(),
            }));
        }
        seen.insert(n.clone());
        out.push(n);
    }
    if out.is_empty() {
        return Err(Error::usage(Msg::NoNumbers));
    }
    if out == ["NONE"] {
        out.clear();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_thousand_numbers_keep_their_first_seen_order() {
        let numbers: Vec<String> = (0..100_000)
            .map(|i| format!("usb-2026-{i:06}"))
            .chain(["USB-2026-000007, usb-2026-000003".to_string()])
            .collect();
        let out = normalise(&numbers).unwrap();
        assert_eq!(out.len(), 100_000);
        assert_eq!(out[0], "USB-2026-000000");
        assert_eq!(out[99_999], "USB-2026-099999");
        let mixed = ["b a", "A", "c,b", " none "].map(String::from);
        assert_eq!(normalise(&mixed).unwrap(), ["B", "A", "C", "NONE"]);
    }
}

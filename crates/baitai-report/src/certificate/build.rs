//! Building a certificate from one medium's entries: the record chosen, its signatures
//! checked against the ledger's keys, and `ledger verify` run for the printout.

use super::{
    Basis, Certificate, CertificateKind, Destination, DestructionDetails, Details, EntryRef,
    LedgerCheck, MediumInfo, SignatureCheck, Signer, WipeDetails,
};
use crate::app::Session;
use crate::crypto::Signature;
use crate::error::{Error, Result};
use crate::kit::units::Times;
use crate::kit::SignerView;
use crate::ledger::store::fold_medium;
use crate::ledger::{Ledger, StoredEntry, StoredSignature};
use crate::lifecycle::{Cleanliness, Directory, Holding, MediumState};
use crate::model::{
    Body, Destroy, MediumNumber, PersonId, ReturnCheck, SignRole, Wipe, WipeResult,
};
use crate::msg::Msg;

/// The certificate of `medium`'s latest record of `kind` (or of entry `seq`). Without a
/// kind, `seq` decides it; without either, a destroyed medium gets its destruction.
pub fn certificate(
    session: &Session,
    medium: &str,
    kind: Option<CertificateKind>,
    seq: Option<u64>,
) -> Result<Certificate> {
    let state = session.medium(medium)?;
    let entries = session.ledger().medium_entries(&state.number)?;
    let kind = choose_kind(&state, &entries, kind, seq)?;
    let at = pick(&state.number, &entries, kind, seq)?;
    let build = Build {
        session,
        dir: session.directory()?,
        state,
        entries,
    };
    build.certificate(kind, at)
}

/// What a certificate is made from: one medium's entries and the people who signed them.
struct Build<'a> {
    session: &'a Session,
    dir: Directory,
    /// The medium as it stands now.
    state: MediumState,
    entries: Vec<StoredEntry>,
}

impl Build<'_> {
    fn certificate(&self, kind: CertificateKind, at: usize) -> Result<Certificate> {
        let e = &self.entries[at];
        let details = match &e.body {
            Body::Destroy(d) => Details::Destruction(self.destruction(at, d)),
            Body::Wipe(w) => Details::Wipe(Box::new(self.wipe(at, w))),
            _ => {
                return Err(Error::Other(
                    Msg::NotARecord {
                        seq: e.seq.to_string().into(),
                    }
                    .into(),
                ))
            }
        };
        let signers = self.signers(e)?;
        let ledger = ledger_check(self.session.ledger())?;
        let passed = match &details {
            Details::Wipe(w) => w.record.result == WipeResult::Passed,
            Details::Destruction(_) => true,
        };
        let signed = signers.iter().all(|s| s.signature == SignatureCheck::Valid);
        let settings = self.session.settings();
        Ok(Certificate {
            kind,
            certifies: passed && signed && ledger.verified,
            org: settings.org.clone(),
            medium: medium_info(&self.state, &self.entries)?,
            entry: self.entry_ref(e),
            signers,
            details,
            ledger,
            timezone: settings.timezone.clone(),
            printed: self.time(crate::time::now()),
            printed_by: format!("baitai {}", env!("CARGO_PKG_VERSION")),
        })
    }

    fn time(&self, t: jiff::Timestamp) -> String {
        Times::of(self.session).second(t)
    }

    /// A time as stored in a payload, shown in the ledger's zone (as stored if unreadable).
    fn stored_time(&self, s: &str) -> String {
        Times::of(self.session).stored_second(s)
    }

    fn entry_ref(&self, e: &StoredEntry) -> EntryRef {
        EntryRef {
            seq: e.seq,
            kind: e.kind.clone(),
            time: self.time(e.time),
            hash: hex::encode(e.hash),
        }
    }

    fn wipe(&self, at: usize, w: &Wipe) -> WipeDetails {
        let before = &self.entries[..at];
        WipeDetails {
            record: w.clone(),
            started: self.stored_time(&w.started),
            finished: self.stored_time(&w.finished),
            bytes_written: w.bytes_written(),
            bytes_verified: w.bytes_verified(),
            mismatched_sectors: w.mismatched_sectors(),
            start_entry: before
                .iter()
                .rev()
                .find(|e| matches!(e.body, Body::WipeStart(_)))
                .map(|e| e.seq),
            source: fold_medium(before)
                .and_then(|s| s.last_holder)
                .map(|p| SignerView::of(&self.dir, &p)),
            destination: self.destination(&self.entries[at + 1..]),
        }
    }

    /// The first later entry that issued, closed or lost the medium; else where it is now.
    fn destination(&self, after: &[StoredEntry]) -> Destination {
        for e in after {
            let (seq, time) = (e.seq, self.time(e.time));
            match &e.body {
                Body::Checkout(_) | Body::CarryOut(_) | Body::Loan(_) => {
                    return Destination::Reused { seq, time }
                }
                Body::Destroy(d) => {
                    return Destination::Destroyed {
                        seq,
                        time,
                        method: d.method,
                    }
                }
                Body::Transfer(t) => {
                    return Destination::Transferred {
                        seq,
                        time,
                        recipient: t.recipient.clone(),
                    }
                }
                Body::Lost(_) => return Destination::Lost { seq, time },
                _ => {}
            }
        }
        Destination::Pending {
            holding: self.state.holding.as_str().to_string(),
            clean: self.state.clean.as_str().to_string(),
        }
    }

    fn destruction(&self, at: usize, d: &Destroy) -> DestructionDetails {
        let before = &self.entries[..at];
        let clean = fold_medium(before).map(|s| s.clean);
        DestructionDetails {
            method: d.method,
            clean_before: clean.map(|c| c.as_str()).unwrap_or("unknown").to_string(),
            basis: match clean {
                Some(Cleanliness::VerifiedClean) => self.basis(before),
                _ => None,
            },
            unverifiable: d.unverifiable.clone(),
        }
    }

    /// The last entry that set the medium's data state, when it made it verified clean: a
    /// passed wipe, or a whole-medium return check that found nothing.
    fn basis(&self, before: &[StoredEntry]) -> Option<Basis> {
        let e = before
            .iter()
            .rev()
            .find(|e| matches!(e.body, Body::Return(_) | Body::Wipe(_) | Body::WipeStart(_)))?;
        match &e.body {
            Body::Wipe(w) if w.result == WipeResult::Passed => Some(Basis::Wipe {
                entry: self.entry_ref(e),
                method: w.method,
                bytes_verified: w.bytes_verified(),
                capacity_bytes: w.device.capacity_bytes,
            }),
            Body::Return(r) if r.check.proves_clean() => match &r.check {
                ReturnCheck::Device {
                    bytes_read,
                    capacity_bytes,
                    ..
                } => Some(Basis::ReturnCheck {
                    entry: self.entry_ref(e),
                    bytes_read: *bytes_read,
                    capacity_bytes: *capacity_bytes,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// Everyone who must sign the entry, each signature checked against the ledger's key.
    fn signers(&self, e: &StoredEntry) -> Result<Vec<Signer>> {
        let stored = self.session.ledger().signatures(e.seq)?;
        let mut due: Vec<(SignRole, PersonId)> = e
            .actor
            .iter()
            .map(|a| (SignRole::Actor, a.clone()))
            .collect();
        if let Some((role, p)) = e.body.second_signer() {
            due.push((role, p.clone()));
        }
        Ok(due
            .into_iter()
            .map(|(role, id)| Signer {
                capacity: role,
                person: SignerView::of(&self.dir, &id),
                roles: self
                    .dir
                    .get(&id)
                    .map(|p| p.roles.iter().copied().collect())
                    .unwrap_or_default(),
                signature: check_signature(&self.dir, e, role, &id, &stored),
            })
            .collect())
    }
}

/// `ledger verify` from the user's checkpoint when there is one (as fast as `--incremental`,
/// and as strong), else the whole ledger. The checkpoint is not moved: printing only reads.
fn ledger_check(ledger: &Ledger) -> Result<LedgerCheck> {
    let r = crate::ledger::trust::verify_pinned(ledger, true)?;
    Ok(LedgerCheck {
        verified: r.ok(),
        entries: r.entries,
        head: r.head,
        checked_after: r.checkpoint,
        failure: r.failure,
    })
}

fn check_signature(
    dir: &Directory,
    e: &StoredEntry,
    role: SignRole,
    id: &PersonId,
    stored: &[StoredSignature],
) -> SignatureCheck {
    let Some(s) = stored.iter().find(|s| s.role == role) else {
        return SignatureCheck::Missing;
    };
    let key = dir.get(id).map(|p| p.public_key);
    match (key, Signature::from_slice(&s.signature)) {
        (Some(k), Some(sig)) if &s.person == id && k.verify_entry(role.as_str(), &e.hash, &sig) => {
            SignatureCheck::Valid
        }
        _ => SignatureCheck::Invalid,
    }
}

fn medium_info(state: &MediumState, entries: &[StoredEntry]) -> Result<MediumInfo> {
    let reg = entries
        .iter()
        .find_map(|e| match &e.body {
            Body::Register(r) => Some(r),
            _ => None,
        })
        .ok_or_else(|| {
            Error::Integrity(
                Msg::NoRegistration {
                    number: state.number.to_string().into(),
                }
                .into(),
            )
        })?;
    Ok(MediumInfo {
        number: state.number.0.clone(),
        media_type: reg.kind,
        label: reg.label.clone(),
        classification: state.classification.clone(),
        device: reg.device.clone(),
        received_from: reg.received_from.clone(),
        holding: state.holding.as_str().to_string(),
        clean: state.clean.as_str().to_string(),
    })
}

/// The kind asked for; else the kind of the entry named; else by the medium's state.
fn choose_kind(
    state: &MediumState,
    entries: &[StoredEntry],
    kind: Option<CertificateKind>,
    seq: Option<u64>,
) -> Result<CertificateKind> {
    if let Some(k) = kind {
        return Ok(k);
    }
    if let Some(seq) = seq {
        let e = &entries[position(&state.number, entries, seq)?];
        return CertificateKind::of(&e.body).ok_or_else(|| {
            Error::usage(Msg::NotCertifiable {
                seq: seq.to_string().into(),
                number: state.number.to_string().into(),
                kind: e.kind.to_string().into(),
            })
        });
    }
    Ok(if state.holding == Holding::Destroyed {
        CertificateKind::Destruction
    } else {
        CertificateKind::Wipe
    })
}

fn position(number: &MediumNumber, entries: &[StoredEntry], seq: u64) -> Result<usize> {
    entries.iter().position(|e| e.seq == seq).ok_or_else(|| {
        Error::usage(Msg::NotOfMedium {
            seq: seq.to_string().into(),
            number: number.to_string().into(),
        })
    })
}

fn pick(
    number: &MediumNumber,
    entries: &[StoredEntry],
    kind: CertificateKind,
    seq: Option<u64>,
) -> Result<usize> {
    let Some(seq) = seq else {
        return entries
            .iter()
            .rposition(|e| CertificateKind::of(&e.body) == Some(kind))
            .ok_or_else(|| no_record(number, entries, kind));
    };
    let at = position(number, entries, seq)?;
    if CertificateKind::of(&entries[at].body) != Some(kind) {
        return Err(Error::usage(Msg::WrongKind {
            seq: seq.to_string().into(),
            number: number.to_string().into(),
            kind: entries[at].kind.to_string().into(),
            wanted: kind.entry_kind().into(),
        }));
    }
    Ok(at)
}

fn no_record(number: &MediumNumber, entries: &[StoredEntry], kind: CertificateKind) -> Error {
    let started = entries
        .iter()
        .rev()
        .find(|e| matches!(e.body, Body::WipeStart(_)));
    let number: baitai_core::text::Text = number.to_string().into();
    Error::usage(match (kind, started) {
        (CertificateKind::Wipe, Some(s)) => Msg::WipeNeverEnded {
            number,
            seq: s.seq.to_string().into(),
        },
        (CertificateKind::Wipe, None) => Msg::NoWipe { number },
        (CertificateKind::Destruction, _) => Msg::NoDestruction { number },
    })
}

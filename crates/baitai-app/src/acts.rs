//! The rows of 別紙様式第2 as commands: register, use and return, carry-out, loan, copy,
//! transfer, destruction and loss.

use std::path::PathBuf;

use super::{required_text, Rekeyed, Secrets, Session, SlotsAtReturn};
use crate::device;
use crate::error::{Error, Result, Rule};
use crate::ledger::{Draft, StoredEntry};
use crate::lifecycle::Person;
use crate::model::*;
use crate::time::{self, DayEnd};

/// A return recorded, and what became of revoked people's slots in the vault on the medium.
#[derive(Debug)]
pub struct Returned {
    pub entry: StoredEntry,
    pub slots: SlotsAtReturn,
}

/// Where a medium's identity comes from at registration.
#[derive(Debug, Clone)]
pub enum MediumSource {
    None,
    Image(PathBuf),
    Device(PathBuf),
}

pub struct RegisterRequest {
    pub source: MediumSource,
    pub label: Option<String>,
    pub classification: Classification,
    /// Set for `receive`: who the medium came from.
    pub received_from: Option<String>,
}

/// Where to look at a returned medium.
#[derive(Debug, Clone)]
pub enum ReturnSource {
    None,
    /// A mounted file system: finds files, cannot prove erasure.
    Path(PathBuf),
    /// The medium's image file, read whole.
    Image(PathBuf),
    /// The medium's block device, read whole.
    Device(PathBuf),
}

pub struct CarryOutRequest {
    pub until: String,
    pub destination: String,
    pub purpose: String,
}

pub struct LoanRequest {
    pub borrower: String,
    pub until: String,
    pub destination: String,
    pub purpose: String,
}

pub struct CopyRequest {
    pub data: String,
    pub counterpart: String,
    pub purpose: String,
}

/// The media still in service (not destroyed or transferred) that were registered with a
/// device, from the registration entries and a way to read a medium's state.
pub(super) fn devices_in_service(
    registered: Vec<StoredEntry>,
    state: impl Fn(&MediumNumber) -> Result<Option<crate::lifecycle::MediumState>>,
) -> Result<Vec<(MediumNumber, DeviceIdentity)>> {
    let mut found = Vec::new();
    for e in registered {
        let (Body::Register(r), Some(m)) = (e.body, e.medium) else {
            continue;
        };
        let Some(device) = r.device else { continue };
        if !state(&m)?.is_some_and(|s| s.holding.is_closed()) {
            found.push((m, device));
        }
    }
    Ok(found)
}

/// The same physical medium must not be registered twice while the first is in service.
fn refuse_known_device(
    d: &DeviceIdentity,
    in_service: Vec<(MediumNumber, DeviceIdentity)>,
) -> Result<()> {
    for (m, old) in in_service {
        if device::same_medium(&old, d) {
            return Err(Error::refused(
                Rule::AlreadyRegistered,
                format!("this device is already registered as {m}"),
            ));
        }
    }
    Ok(())
}

impl Session {
    /// Register a medium (or, with `received_from`, one that arrived from outside).
    pub fn register(
        &mut self,
        custodian: &str,
        req: RegisterRequest,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let (kind, device) = match &req.source {
            MediumSource::None => (MediaKind::Other, None),
            MediumSource::Image(p) => (MediaKind::Image, Some(device::identify_image(p)?)),
            MediumSource::Device(p) => {
                let (k, id) = device::identify_block(p)?;
                (k, Some(id))
            }
        };
        if let Some(d) = &device {
            refuse_known_device(d, self.devices_in_service()?)?;
        }
        let label = req
            .label
            .as_deref()
            .map(|l| required_text("--label", l))
            .transpose()?;
        let received_from = req
            .received_from
            .as_deref()
            .map(|f| required_text("--from", f))
            .transpose()?;
        let custodian = self.active_person(custodian)?;
        self.directory()?
            .require(&custodian.id, Role::Custodian, "register media")?;
        let signed = self.authenticate(&custodian, SignRole::Actor, secrets, "medium register")?;
        let body = Body::Register(Register {
            kind,
            label,
            device,
            classification: req.classification,
            received_from,
        });
        let prefix = self.settings.medium_prefix.clone();
        let year = time::year(time::now(), &self.tz);
        self.ledger.write(|w| {
            // Again inside the transaction: another custodian may have registered it meanwhile.
            if let Body::Register(Register {
                device: Some(d), ..
            }) = &body
            {
                let in_service = devices_in_service(w.entries_of_kind("medium.register")?, |m| {
                    w.medium_state(m)
                })?;
                refuse_known_device(d, in_service)?;
            }
            let number = w.next_medium_number(&prefix, year)?;
            w.commit(
                Draft {
                    medium: Some(number),
                    actor: Some(custodian.id.clone()),
                    body,
                },
                &[(SignRole::Actor, &signed.key)],
            )
        })
    }

    /// Media in service that were registered with a device, and that device.
    pub fn devices_in_service(&self) -> Result<Vec<(MediumNumber, DeviceIdentity)>> {
        let registered = self.ledger.entries_of_kinds(&["medium.register"])?;
        devices_in_service(registered, |m| self.ledger.medium_state(m))
    }

    /// Record `body` for `medium`, made by `actor` (ID or name).
    fn act(
        &mut self,
        medium: &str,
        actor: &str,
        body: Body,
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<StoredEntry> {
        let actor: Person = self.person(actor)?;
        let draft = Draft {
            medium: Some(self.medium(medium)?.number),
            actor: Some(actor.id),
            body,
        };
        self.record(draft, secrets, command)
    }

    /// 使用: a handler takes the medium out of storage for their own use.
    pub fn checkout(
        &mut self,
        medium: &str,
        handler: &str,
        purpose: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Checkout(Checkout {
            purpose: required_text("--purpose", purpose)?,
        });
        self.act(medium, handler, body, secrets, "checkout")
    }

    /// 返却: a custodian receives the medium back, recording what a data check found. Given the
    /// mounted file system (`--path`), it also removes revoked people's key slots from the
    /// vault on it, under the same passphrase (issue 14: revocation reaches the media).
    pub fn return_medium(
        &mut self,
        medium: &str,
        custodian: &str,
        source: ReturnSource,
        secrets: &mut dyn Secrets,
    ) -> Result<Returned> {
        let actor = self.person(custodian)?;
        let number = self.medium(medium)?.number;
        let check = match &source {
            ReturnSource::None => ReturnCheck::None,
            ReturnSource::Path(p) => {
                let scan = device::scan_files(p)?;
                ReturnCheck::Path {
                    files: scan.files,
                    bytes: scan.bytes,
                }
            }
            ReturnSource::Image(p) => self.whole_check(&number, p, device::identify_image(p)?)?,
            ReturnSource::Device(p) => {
                self.whole_check(&number, p, device::identify_block(p)?.1)?
            }
        };
        let body = Body::Return(Return { check });
        let (mount, revoked) = match &source {
            ReturnSource::Path(p) if baitai_vault::exists(p) => {
                match baitai_vault::read_header(p).and_then(|h| self.revoked_in_header(&h)) {
                    Ok(r) => (p.clone(), r),
                    Err(e) => {
                        let entry = self.act(&number.0, &actor.id.0, body, secrets, "return")?;
                        let why = format!("its header cannot be read: {e}");
                        let slots = SlotsAtReturn::Left {
                            revoked: Vec::new(),
                            why,
                        };
                        return Ok(Returned { entry, slots });
                    }
                }
            }
            _ => Default::default(),
        };
        if revoked.is_empty() {
            let entry = self.act(&number.0, &actor.id.0, body, secrets, "return")?;
            let slots = self.slots_left_unmounted(&number, &source)?;
            return Ok(Returned { entry, slots });
        }
        self.return_and_rekey(&number, &actor, body, &mount, revoked, secrets)
    }

    /// For a return checked without the file system mounted: the revoked people the ledger says
    /// still hold a slot in the medium's vault, which this return could not remove.
    fn slots_left_unmounted(
        &self,
        number: &MediumNumber,
        source: &ReturnSource,
    ) -> Result<SlotsAtReturn> {
        if matches!(source, ReturnSource::Path(_)) {
            return Ok(SlotsAtReturn::NoneRevoked);
        }
        Ok(match self.revoked_slots_on(number)? {
            Some(r) => SlotsAtReturn::Left {
                revoked: r.revoked,
                why: "the medium was not mounted (no --path), so its vault was not opened".into(),
            },
            None => SlotsAtReturn::NoneRevoked,
        })
    }

    /// Record the return, then remove the revoked slots with the same unlocked key. The return
    /// stands whatever the re-key does; what is left is reported.
    fn return_and_rekey(
        &mut self,
        number: &MediumNumber,
        actor: &Person,
        body: Body,
        mount: &std::path::Path,
        revoked: Vec<PersonId>,
        secrets: &mut dyn Secrets,
    ) -> Result<Returned> {
        let draft = Draft {
            medium: Some(number.clone()),
            actor: Some(actor.id.clone()),
            body,
        };
        let person = self.active_person(&actor.id.0)?;
        self.precheck(&draft)?;
        let signed = self.authenticate(&person, SignRole::Actor, secrets, "return")?;
        let entry = self.commit_signed(number, &person.id, &signed, draft.body)?;
        let rekeyed = self
            .check_vault_medium(number, mount)
            .and_then(|()| self.rekey_signed(mount, number, &signed));
        let slots = match rekeyed {
            Ok(Rekeyed::Removed { entry, removed }) => SlotsAtReturn::Removed { entry, removed },
            Ok(Rekeyed::NothingToRemove | Rekeyed::Finished { .. }) => SlotsAtReturn::NoneRevoked,
            Err(e) => SlotsAtReturn::Left {
                revoked,
                why: e.to_string(),
            },
        };
        Ok(Returned { entry, slots })
    }

    /// The registered identity of a medium, if one was recorded.
    pub fn registration(&self, number: &MediumNumber) -> Result<Register> {
        self.ledger
            .medium_entries(number)?
            .into_iter()
            .find_map(|e| match e.body {
                Body::Register(r) => Some(r),
                _ => None,
            })
            .ok_or_else(|| Error::Integrity(format!("{number} has no registration entry")))
    }

    /// Read the whole medium after checking it is the one registered.
    fn whole_check(
        &self,
        number: &MediumNumber,
        path: &std::path::Path,
        seen: DeviceIdentity,
    ) -> Result<ReturnCheck> {
        // Without a recorded identity nothing shows the device read is this medium.
        let recorded = self.registration(number)?.device.ok_or_else(|| {
            Error::Device(format!(
                "{number} was registered without --device or --image, so a device read cannot be tied to it; use --path, or a verified wipe"
            ))
        })?;
        device::check_identity(&number.0, &recorded, &seen)?;
        let scan = device::blank_scan(path)?;
        Ok(ReturnCheck::Device {
            path: seen.path.unwrap_or_else(|| path.display().to_string()),
            capacity_bytes: seen.capacity_bytes,
            bytes_read: scan.bytes_read,
            data_sectors: scan.data_sectors,
            first_data_offset: scan.first_data_offset,
            cache_bypass: scan.cache_bypass,
        })
    }

    fn until(&self, s: &str) -> Result<String> {
        let t = time::parse_user(s, &self.tz, DayEnd::End)?;
        if t <= time::now() {
            return Err(Error::usage(format!(
                "--until {s:?} is not in the future: the period would end before it starts"
            )));
        }
        Ok(time::to_store(t))
    }

    /// 持出し: a handler carries the medium out with a custodian's permission.
    pub fn carry_out(
        &mut self,
        medium: &str,
        handler: &str,
        approver: &str,
        req: CarryOutRequest,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let contents = match self.medium(medium) {
            Ok(state) => self.recorded_files(&state.number)?,
            Err(_) => Vec::new(),
        };
        let body = Body::CarryOut(CarryOut {
            approver: self.person(approver)?.id,
            until: self.until(&req.until)?,
            destination: required_text("--destination", &req.destination)?,
            purpose: required_text("--purpose", &req.purpose)?,
            contents,
        });
        self.act(medium, handler, body, secrets, "carry-out")
    }

    /// 貸出し: a handler lends the medium to a borrower with a custodian's permission.
    pub fn loan(
        &mut self,
        medium: &str,
        handler: &str,
        approver: &str,
        req: LoanRequest,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Loan(Loan {
            approver: self.person(approver)?.id,
            borrower: required_text("--to", &req.borrower)?,
            until: self.until(&req.until)?,
            destination: required_text("--destination", &req.destination)?,
            purpose: required_text("--purpose", &req.purpose)?,
        });
        self.act(medium, handler, body, secrets, "loan")
    }

    /// 業務用データの複製: a copy made at the carry-out or loan destination, with permission.
    pub fn copy(
        &mut self,
        medium: &str,
        handler: &str,
        approver: &str,
        req: CopyRequest,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Copy(Copy {
            approver: self.person(approver)?.id,
            data: required_text("--data", &req.data)?,
            counterpart: required_text("--to", &req.counterpart)?,
            purpose: required_text("--purpose", &req.purpose)?,
        });
        self.act(medium, handler, body, secrets, "copy")
    }

    /// 交付: the medium is handed over for good to a recipient, with permission.
    pub fn transfer(
        &mut self,
        medium: &str,
        executor: &str,
        approver: &str,
        recipient: &str,
        purpose: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Transfer(Transfer {
            approver: self.person(approver)?.id,
            recipient: required_text("--to", recipient)?,
            purpose: required_text("--purpose", purpose)?,
        });
        self.act(medium, executor, body, secrets, "transfer")
    }

    /// 破棄: physical destruction by an executor in front of a witness.
    pub fn destroy(
        &mut self,
        medium: &str,
        executor: &str,
        witness: &str,
        method: DestroyMethod,
        unverifiable: Option<&str>,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Destroy(Destroy {
            witness: self.person(witness)?.id,
            method,
            unverifiable: unverifiable
                .map(|r| required_text("--unverifiable", r))
                .transpose()?,
        });
        self.act(medium, executor, body, secrets, "destroy")
    }

    /// 紛失: the medium is reported lost (an information-security incident, 000 12).
    pub fn lost(
        &mut self,
        medium: &str,
        reporter: &str,
        circumstances: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Lost(Lost {
            circumstances: required_text("--circumstances", circumstances)?,
        });
        self.act(medium, reporter, body, secrets, "lost")
    }
}

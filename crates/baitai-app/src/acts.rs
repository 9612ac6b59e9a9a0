//! The rows of 別紙様式第2 as commands: register, use and return, carry-out, loan, copy,
//! transfer, destruction and loss.

use std::path::PathBuf;

use super::{required_text, Rekeyed, Secrets, Session, SlotsAtReturn};
use crate::device;
use crate::error::{Error, Result, Rule};
use crate::ledger::{Draft, StoredEntry};
use crate::lifecycle::Person;
use crate::model::*;
use crate::msg::{path as p_, Msg};
use crate::time::{self, DayEnd};
use baitai_core::text::Text;

/// A return recorded, and what became of revoked people's slots in the vault on the medium.
#[derive(Debug)]
pub struct Returned {
    /// The signed `medium.return` entry (返却), with the data check it records.
    pub entry: StoredEntry,
    /// Whether revoked people still hold key slots in the medium's vault: removed under the
    /// returning custodian's passphrase (and recorded as `vault.rekey`), none to remove, or
    /// left there with the reason, for the caller to warn about.
    pub slots: SlotsAtReturn,
}

/// Where a medium's identity comes from at registration. An image or device already
/// registered under a number still in service (not destroyed or transferred) is refused
/// (exit 3, `already-registered`); one that cannot be read is a device error (exit 6).
#[derive(Debug, Clone)]
pub enum MediumSource {
    /// No device given: the medium is recorded as kind `other`, with no identity, so no later
    /// device read (`return --device`, `wipe`) can be tied to it.
    None,
    /// An image file (`--image`), identified by its canonical path and size.
    Image(PathBuf),
    /// A block device (`--device`), identified by its USB vendor and product IDs, serial and
    /// capacity as sysfs reports them.
    Device(PathBuf),
}

/// What `medium register` and `receive` (受領) record about a new medium.
pub struct RegisterRequest {
    /// Where the medium's identity is read from, if anywhere.
    pub source: MediumSource,
    /// Free text written on the medium (`--label`); blank text is a usage error.
    pub label: Option<String>,
    /// The 格付 marking (`C3-I2-A1` and any handling restriction) printed on the form and
    /// the label, and written into every vault made on the medium.
    pub classification: Classification,
    /// Set for `receive`: who the medium came from. The medium then starts `unverified`
    /// instead of `fresh`, so it must be checked before its first use (reuse gate).
    pub received_from: Option<String>,
    /// The site that keeps it; None: the registering custodian's own site, if they have one.
    /// A medium of a site has the site's code at the start of its number.
    pub site: Option<Site>,
}

/// Where to look at a returned medium.
#[derive(Debug, Clone)]
pub enum ReturnSource {
    /// No data check: the medium comes back `unverified`.
    None,
    /// A mounted file system: finds files, cannot prove erasure.
    Path(PathBuf),
    /// The medium's image file, read whole.
    Image(PathBuf),
    /// The medium's block device, read whole.
    Device(PathBuf),
}

/// The details of a 持出し (carry-out) the approver signs for.
pub struct CarryOutRequest {
    /// When the medium is due back, as the user typed it (RFC 3339 or `YYYY-MM-DD[ HH:MM]` in
    /// the ledger's zone; a bare date means the end of that day); must be in the future.
    pub until: String,
    /// Where it is taken (持出し先).
    pub destination: String,
    /// Why (持出し目的).
    pub purpose: String,
}

/// The details of a 貸出し (loan) the approver signs for.
pub struct LoanRequest {
    /// Who receives the medium (借受人, `--to`): free text, not a person of the ledger.
    pub borrower: String,
    /// When the medium is due back, read as for [`CarryOutRequest::until`]; must be in the
    /// future.
    pub until: String,
    /// Where it goes (貸出し先).
    pub destination: String,
    /// Why (貸出し目的).
    pub purpose: String,
}

/// The details of a 業務用データの複製 (copy at the destination) the approver signs for.
pub struct CopyRequest {
    /// What business data was copied (複製する業務用データの内容, `--data`).
    pub data: String,
    /// Who it was copied for (複製する相手方, `--to`).
    pub counterpart: String,
    /// Why (複製の目的).
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
        if device::indistinguishable(&old, d) {
            return Err(Error::refused(
                Rule::AlreadyRegistered,
                Msg::Indistinguishable {
                    medium: m.to_string().into(),
                },
            ));
        }
        if device::same_medium(&old, d) {
            return Err(Error::refused(
                Rule::AlreadyRegistered,
                Msg::DeviceRegistered {
                    medium: m.to_string().into(),
                },
            ));
        }
    }
    Ok(())
}

impl Session {
    /// 登録: an active custodian registers a medium and the ledger gives it the next number
    /// (`USB-2026-0001`); with `received_from` it is 受領, a medium that arrived from outside.
    /// Records `medium.register` signed by the custodian. Refused with exit 3 when the person is
    /// not a custodian or the device is already registered in service (checked again inside
    /// the write transaction), exit 4 for a revoked custodian or a wrong passphrase, exit 6 when
    /// the image or device cannot be identified.
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
        self.directory()?.require(
            &custodian.id,
            Role::Custodian,
            baitai_core::msg::Msg::DutyRegister,
        )?;
        let signed = self.authenticate(&custodian, SignRole::Actor, secrets, "medium register")?;
        let site = req.site.or_else(|| custodian.site.clone());
        let body = Body::Register(Register {
            kind,
            label,
            device,
            classification: req.classification,
            received_from,
            site: site.clone(),
        });
        let prefix = match &site {
            Some(s) => format!("{s}-{}", self.settings.medium_prefix),
            None => self.settings.medium_prefix.clone(),
        };
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

    /// The media still in service (not destroyed or transferred) that were registered with a
    /// device or image, each with its recorded identity: what `devices` matches attached
    /// sticks against.
    pub fn devices_in_service(&self) -> Result<Vec<(MediumNumber, DeviceIdentity)>> {
        let registered = self.ledger.entries_of_kinds(&["medium.register"])?;
        devices_in_service(registered, |m| self.ledger.medium_state(m))
    }

    /// The device identity the medium in `state` was registered with, if it is still in
    /// service: the same answer as finding it in [`Session::devices_in_service`], from that
    /// medium's own entries and the state the caller already folded (`medium show` asked for
    /// every registration in the ledger: 60 ms of its 110 at a million entries).
    pub fn device_in_service(
        &self,
        state: &crate::lifecycle::MediumState,
    ) -> Result<Option<DeviceIdentity>> {
        let registered = self
            .ledger
            .medium_entries(&state.number)?
            .into_iter()
            .filter(|e| matches!(e.body, Body::Register(_)))
            .collect();
        let found = devices_in_service(registered, |_| Ok(Some(state.clone())))?;
        Ok(found.into_iter().next().map(|(_, d)| d))
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

    /// 使用: a handler takes the medium out of storage for their own use, recording
    /// `medium.checkout` with the purpose. Refused (exit 3) unless the medium is in storage and
    /// `fresh` or `verified-clean` (the reuse gate, 000 10(4)ウ) and the person holds the
    /// handler role; checked before the passphrase is asked.
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
                self.check_return_path(&number, p)?;
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
        let (mount, revoked, stale) = match &source {
            ReturnSource::Path(p) if baitai_vault::exists(p) => {
                let found = baitai_vault::read_header(p)
                    .and_then(|h| Ok((self.revoked_in_header(&h)?, self.stale_in_header(&h)?)));
                match found {
                    Ok((r, s)) => (p.clone(), r, s),
                    Err(e) => {
                        let entry = self.act(&number.0, &actor.id.0, body, secrets, "return")?;
                        let why = Msg::HeaderUnreadable { cause: (&e).into() }.into();
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
        // Slots still addressed to the old key of someone who moved to a token are made again
        // for the token's key under the same passphrase, as revoked people's are removed.
        if revoked.is_empty() && stale.is_empty() {
            let entry = self.act(&number.0, &actor.id.0, body, secrets, "return")?;
            let slots = self.slots_left_unmounted(&number, &source)?;
            return Ok(Returned { entry, slots });
        }
        self.return_and_rekey(&number, &actor, body, &mount, revoked, secrets)
    }

    /// `--path` must be where the medium is mounted, or the form would say ファイルなし for a
    /// folder that is not the medium: the registered device (as `put` checks), a vault of this
    /// medium and no other, and a vault at all where the ledger records one. Refused with
    /// exit 6 before anything is recorded.
    fn check_return_path(&self, number: &MediumNumber, path: &std::path::Path) -> Result<()> {
        if !path.is_dir() {
            // The scan says what is wrong with a path that is no folder at all.
            return Ok(());
        }
        self.check_mount_device(number, path)?;
        let medium = || Text::from(number.to_string());
        if baitai_vault::exists(path) {
            let named = baitai_vault::read_header(path)?.body.medium;
            if named != number.0 {
                return Err(Error::Device(
                    Msg::VaultAtIsOthers {
                        path: p_(path),
                        named: named.into(),
                        medium: medium(),
                    }
                    .into(),
                ));
            }
            return Ok(());
        }
        match self.recorded_vault(number)? {
            Some(v) => Err(Error::Device(
                Msg::VaultMissingAt {
                    medium: medium(),
                    entry: v.seq.to_string().into(),
                    path: p_(path),
                }
                .into(),
            )),
            None => Ok(()),
        }
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
                why: Msg::NotMounted.into(),
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
            Ok(Rekeyed::Removed {
                entry,
                removed,
                readdressed,
            }) => SlotsAtReturn::Removed {
                entry,
                removed,
                readdressed,
            },
            Ok(Rekeyed::NothingToRemove | Rekeyed::Finished { .. }) => SlotsAtReturn::NoneRevoked,
            Err(e) => SlotsAtReturn::Left {
                revoked,
                why: (&e).into(),
            },
        };
        Ok(Returned { entry, slots })
    }

    /// The medium's `medium.register` payload: kind, label, classification, and the device
    /// identity if one was recorded. A registered medium without one is an integrity error
    /// (exit 5): the ledger is malformed.
    pub(crate) fn registration(&self, number: &MediumNumber) -> Result<Register> {
        self.ledger
            .medium_entries(number)?
            .into_iter()
            .find_map(|e| match e.body {
                Body::Register(r) => Some(r),
                _ => None,
            })
            .ok_or_else(|| {
                Error::Integrity(
                    Msg::NoRegistration {
                        medium: number.to_string().into(),
                    }
                    .into(),
                )
            })
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
            Error::Device(
                Msg::NoDeviceForRead {
                    medium: number.to_string().into(),
                }
                .into(),
            )
        })?;
        device::check_identity(&number.0, &recorded, &seen)?;
        // As a wipe does: a mounted file system may still hold writes the device has not had,
        // so a read of the device would not see what the medium holds.
        device::mounts::refuse_in_use(path)?;
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
            return Err(Error::usage(Msg::UntilNotFuture {
                until: format!("{s:?}").into(),
            }));
        }
        Ok(time::to_store(t))
    }

    /// 持出し: a handler carries the medium out with a custodian's permission (許可). Records
    /// `medium.carry_out`, signed by the handler and the approver, with the files the ledger
    /// records on the medium (shown to the approver before they sign, 003 第4-4(2)). Refused
    /// (exit 3) by the reuse gate, a wrong role, or an approver who is the handler
    /// (`separation-of-duties`); `until` not in the future is a usage error (exit 2).
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
    /// Records `medium.loan`, signed by the handler and the approver; refused as a carry-out is.
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

    /// 業務用データの複製: a copy of business data made at the carry-out or loan destination,
    /// with a custodian's permission. Records `medium.copy`, signed by the handler and the
    /// approver; refused (exit 3) unless the medium is carried out or on loan
    /// (`not-at-destination`) and held by this handler (`holder`). The medium's state does
    /// not change.
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

    /// 交付: the medium is handed over for good to a recipient outside the ledger, with a
    /// custodian's permission. Records `medium.transfer`, signed by the executor (a handler or
    /// custodian, the holder if it is out) and the approver, and closes the medium: nothing
    /// more can be recorded on it. Not behind the reuse gate.
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

    /// 破棄: physical destruction by a custodian (実施者) in front of a witness (破棄立会者),
    /// who both sign `medium.destroy`; it closes the medium. Refused (exit 3) unless the
    /// medium is in storage and `verified-clean` (`verify-before-destroy`, 000 10(4)ウ), or
    /// `unverifiable` gives why it cannot be read; the witness must hold the witness role and
    /// not be the executor (the two-person rule).
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

    /// 訂正: a custodian corrects an earlier entry of the medium with a signed
    /// `medium.correct` that names it (`entry`, its ledger number), what was wrong, what is
    /// right and why; nothing is deleted. `data_present` says the medium held data that the
    /// named return's check did not record, and makes the medium `data-present`. Refused
    /// (exit 3) for an entry of another medium or a later one, a correction, a non-custodian,
    /// or `data_present` on anything but a return that found no data.
    pub fn correct(
        &mut self,
        medium: &str,
        custodian: &str,
        fix: &CorrectionText,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let body = Body::Correct(Correct {
            entry: fix.entry,
            wrong: required_text("--wrong", &fix.wrong)?,
            right: required_text("--right", &fix.right)?,
            reason: required_text("--reason", &fix.reason)?,
            data_present: fix.data_present,
        });
        self.act(medium, custodian, body, secrets, "medium correct")
    }

    /// 紛失: a handler or custodian reports the medium lost (an information-security incident,
    /// 000 12), recording `medium.lost` with the circumstances. Refused (exit 3) for a medium
    /// already lost or closed; a lost medium found again is received back with a return.
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

/// What a custodian types to correct an entry (`medium correct`), before it is checked.
#[derive(Debug, Clone)]
pub struct CorrectionText {
    /// The ledger number of the entry corrected.
    pub entry: u64,
    /// What it says that is wrong.
    pub wrong: String,
    /// What is right.
    pub right: String,
    /// Why, and how it was found.
    pub reason: String,
    /// The medium held data the corrected return's check did not record.
    pub data_present: bool,
}

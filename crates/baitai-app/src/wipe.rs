//! Wiping a medium: every safety check before a byte is written, a signed start entry, the
//! engine's passes, and the signed sanitization record that moves the medium's state.

use std::path::PathBuf;

use super::{Session, Signed};
use crate::device::io::{DeviceFile, Medium};
use crate::device::{self, mounts};
use crate::error::{Error, Result};
use crate::ledger::{Draft, StoredEntry};
use crate::lifecycle::Person;
use crate::model::*;
use crate::msg::{path as p_, Msg};
use baitai_media::wipe::{self, Control, Halt};

/// What is to be wiped.
#[derive(Debug, Clone)]
pub enum WipeTarget {
    /// The medium's image file (`--image`): not opened exclusively.
    Image(PathBuf),
    /// The medium's block device (`--device`), opened with `O_EXCL` so the kernel refuses it
    /// while it is mounted or held.
    Device(PathBuf),
}

impl WipeTarget {
    /// The image file or device node to be overwritten.
    pub fn path(&self) -> &std::path::Path {
        match self {
            WipeTarget::Image(p) | WipeTarget::Device(p) => p,
        }
    }

    /// What the target says it is now.
    fn identify(&self) -> Result<DeviceIdentity> {
        match self {
            WipeTarget::Image(p) => device::identify_image(p),
            WipeTarget::Device(p) => Ok(device::identify_block(p)?.1),
        }
    }
}

/// What `wipe` was asked.
pub struct WipeRequest {
    /// The image or device to overwrite; it must be the one registered for the medium.
    pub target: WipeTarget,
    /// The passes: `zero`, `random`, or `random-zero` (random then zeros), each read back
    /// from the device past the page cache.
    pub method: WipeMethod,
    /// Allow a block device that is neither removable nor on USB.
    pub allow_fixed: bool,
}

/// A wipe that has passed every check; nothing has been written yet.
#[derive(Debug, Clone)]
pub struct WipePlan {
    /// The medium to be wiped.
    pub number: MediumNumber,
    /// The custodian who wipes it and signs both entries.
    pub operator: Person,
    /// The image or device to be overwritten.
    pub target: WipeTarget,
    /// The target's identity as read at planning time, matched against the registration;
    /// checked again just before the first write, and recorded in both entries.
    pub identity: DeviceIdentity,
    /// The passes to run.
    pub method: WipeMethod,
    /// The ledger records a vault on the medium that no erase or verified clean state followed.
    pub live_vault: bool,
}

/// A finished (passed, failed or stopped) wipe and its recorded entry.
pub struct WipeReport {
    /// The signed `medium.wipe` entry (消去記録).
    pub entry: StoredEntry,
    /// The sanitization record it holds: passes, read-back, result (`passed`, `failed` or
    /// `incomplete`) and why; the caller exits 5, 6 or 130 when the result is not `passed`.
    pub record: Wipe,
    /// Why the passes stopped early, if they did.
    pub halt: Option<Halt>,
}

/// A medium registered without a serial number, with an identical stick plugged in too: the
/// one named may not be the one in hand.
fn refuse_twins(number: &MediumNumber, recorded: &DeviceIdentity) -> Result<()> {
    if recorded.serial.is_some() || recorded.vendor_id.is_none() {
        return Ok(());
    }
    let twins = device::usb::matching(recorded);
    if twins.len() > 1 {
        let nodes: Vec<String> = twins.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Device(
            Msg::Twins {
                count: twins.len().to_string().into(),
                nodes: nodes.join(", ").into(),
                medium: number.to_string().into(),
            }
            .into(),
        ));
    }
    Ok(())
}

impl Session {
    /// Check everything a wipe needs before anything is written or any passphrase asked:
    /// the rules, the device's identity, that it is not mounted and that it is removable.
    pub fn wipe_plan(&self, medium: &str, operator: &str, req: &WipeRequest) -> Result<WipePlan> {
        let operator = self.active_person(operator)?;
        let number = self.medium(medium)?.number;
        let recorded = self.registration(&number)?.device.ok_or_else(|| {
            Error::Device(
                Msg::NoDeviceForWipe {
                    medium: number.to_string().into(),
                }
                .into(),
            )
        })?;
        let path = req.target.path();
        let seen = req.target.identify()?;
        // The device in hand first: a stick that is not this medium (another serial, another
        // size) exits 6 here as it does from put and return, before the ledger's own rule on
        // the capacity a wipe must cover (exit 3) could speak for it.
        device::check_identity(&number.0, &recorded, &seen)?;
        self.precheck(&Draft {
            medium: Some(number.clone()),
            actor: Some(operator.id.clone()),
            body: Body::WipeStart(WipeStart {
                method: req.method,
                device: seen.clone(),
            }),
        })?;
        self.refuse_ambiguous(&number, &seen)?;
        refuse_twins(&number, &recorded)?;
        mounts::refuse_in_use(path)?;
        if let WipeTarget::Device(p) = &req.target {
            mounts::refuse_read_only(p)?;
            if !req.allow_fixed && !mounts::is_external(p) {
                return Err(Error::Device(Msg::NotRemovable { path: p_(p) }.into()));
            }
        }
        Ok(WipePlan {
            live_vault: self.live_vault(&number)?,
            number,
            operator,
            target: req.target.clone(),
            identity: seen,
            method: req.method,
        })
    }

    /// A device without a serial number may match several registered media (identical
    /// sticks bought together): then nothing shows which one is in hand.
    fn refuse_ambiguous(&self, number: &MediumNumber, seen: &DeviceIdentity) -> Result<()> {
        let matches: Vec<String> = self
            .devices_in_service()?
            .into_iter()
            .filter(|(_, d)| device::same_device(d, seen))
            .map(|(m, _)| m.0)
            .collect();
        if matches.len() > 1 {
            return Err(Error::Device(
                Msg::AmbiguousDevice {
                    count: matches.len().to_string().into(),
                    media: matches.join(", ").into(),
                    medium: number.to_string().into(),
                }
                .into(),
            ));
        }
        Ok(())
    }

    /// Whether a vault written to the medium may still be there.
    fn live_vault(&self, number: &MediumNumber) -> Result<bool> {
        let mut live = false;
        for e in self.ledger.medium_entries(number)? {
            match &e.body {
                Body::VaultPut(_) => live = true,
                Body::VaultErase(_) => live = false,
                Body::Wipe(w) if w.result == WipeResult::Passed => live = false,
                _ => {}
            }
        }
        Ok(live)
    }

    /// The operator unlocks their key before the wipe, so both entries can be signed.
    pub fn wipe_authenticate(
        &mut self,
        plan: &WipePlan,
        secrets: &mut dyn super::Secrets,
    ) -> Result<Signed> {
        self.authenticate(&plan.operator, SignRole::Actor, secrets, "wipe")
    }

    /// Run the wipe and record it. Always records the end (passed, failed or stopped) when
    /// the process lives to do so; the start entry keeps a killed wipe from looking clean.
    pub fn wipe(
        &mut self,
        plan: &WipePlan,
        signed: &Signed,
        ctl: &mut Control,
    ) -> Result<WipeReport> {
        // Minutes may have passed at the prompts: look again at what is there now.
        let path = plan.target.path();
        let now_seen = plan.target.identify()?;
        device::check_identity(&plan.number.0, &plan.identity, &now_seen)?;
        mounts::refuse_in_use(path)?;
        let mut dev = DeviceFile::open_rw(path)?;
        if dev.len() != plan.identity.capacity_bytes {
            return Err(Error::Device(Msg::SizeChanged { path: p_(path) }.into()));
        }
        let start = WipeStart {
            method: plan.method,
            device: plan.identity.clone(),
        };
        self.commit_signed(
            &plan.number,
            &plan.operator.id,
            signed,
            Body::WipeStart(start),
        )?;
        let started = crate::time::to_store(crate::time::now());
        let (outcome, swept) = run_passes(&mut dev, plan, ctl);
        let outcome_halt = outcome.halt.clone();
        let record = Wipe {
            method: plan.method,
            device: plan.identity.clone(),
            sanitization: "clear".into(),
            tool: format!("baitai {}", env!("CARGO_PKG_VERSION")),
            started,
            finished: crate::time::to_store(crate::time::now()),
            result: result_of(&outcome, plan.identity.capacity_bytes),
            reason: outcome.halt.as_ref().map(Halt::describe),
            passes: outcome.passes,
            cache_bypass: dev.cache_bypass(),
            buffered_tail_bytes: dev.buffered_tail(),
            vault_headers_erased: swept,
        };
        let entry = self.commit_signed(
            &plan.number,
            &plan.operator.id,
            signed,
            Body::Wipe(record.clone()),
        )?;
        Ok(WipeReport {
            entry,
            record,
            halt: outcome_halt,
        })
    }
}

/// The vault sweep (when a vault may be on the medium), then the passes.
fn run_passes(
    dev: &mut DeviceFile,
    plan: &WipePlan,
    ctl: &mut Control,
) -> (wipe::Outcome, Option<u64>) {
    let mut swept = None;
    if plan.live_vault {
        let shape = wipe::HeaderShape {
            magic: baitai_vault::format::HEADER_MAGIC,
            span: baitai_vault::format::header_span,
        };
        match wipe::sweep_headers(dev, &shape, ctl) {
            Ok(n) => swept = Some(n),
            Err(halt) => {
                let out = wipe::Outcome {
                    passes: Vec::new(),
                    halt: Some(halt),
                };
                return (out, None);
            }
        }
    }
    (wipe::run(dev, &wipe::patterns(plan.method), ctl), swept)
}

fn result_of(out: &wipe::Outcome, capacity: u64) -> WipeResult {
    if out.passes.iter().any(|p| p.mismatched_sectors > 0) {
        return WipeResult::Failed;
    }
    if out.halt.is_some() || !out.passes.iter().all(|p| p.verified(capacity)) {
        return WipeResult::Incomplete;
    }
    WipeResult::Passed
}

//! Exhaustive state × act tests of the medium rules.

use jiff::Timestamp;

use super::*;
use crate::crypto::PersonKey;
use crate::lifecycle::{Act, Lifecycle};
use crate::model::*;

const M: &str = "USB-2026-0001";

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn pid(n: u64) -> PersonId {
    PersonId::nth(n)
}

/// P1 admin, P2 handler, P3 custodian, P4 custodian, P5 witness, P6 handler+custodian (revoked).
fn world() -> Lifecycle {
    let mut lc = Lifecycle::default();
    let person = |i: usize, roles: &[Role]| PersonAdd {
        id: pid(i as u64 + 1),
        name: format!("person {}", i + 1),
        affiliation: "課".into(),
        roles: roles.to_vec(),
        public_key: PersonKey::generate().public(),
        encryption_key: PersonKey::generate().public(),
        site: None,
        token: None,
    };
    let init = Body::LedgerInit(LedgerInit {
        org: "org".into(),
        timezone: "Asia/Tokyo".into(),
        medium_prefix: "USB".into(),
        lang: "ja".into(),
        day_end: "18:00".into(),
        kdf: crate::crypto::KdfParams::INSECURE_FAST,
        admin: person(0, &[Role::Admin]),
    });
    let admin = pid(1);
    lc.step(&Act {
        seq: 0,
        time: t(0),
        medium: None,
        actor: Some(&admin),
        body: &init,
    })
    .unwrap();
    let roles: [&[Role]; 6] = [
        &[Role::Admin],
        &[Role::Handler],
        &[Role::Custodian],
        &[Role::Custodian],
        &[Role::Witness],
        &[Role::Handler, Role::Custodian],
    ];
    for (i, r) in roles.iter().enumerate().skip(1) {
        let body = Body::PersonAdd(person(i, r));
        lc.step(&Act {
            seq: 0,
            time: t(1),
            medium: None,
            actor: Some(&admin),
            body: &body,
        })
        .unwrap();
    }
    let revoke = Body::PersonRevoke(PersonRef { id: pid(6) });
    lc.step(&Act {
        seq: 0,
        time: t(2),
        medium: None,
        actor: Some(&admin),
        body: &revoke,
    })
    .unwrap();
    let reg = Body::Register(Register {
        kind: MediaKind::Usb,
        label: None,
        device: None,
        classification: Classification::new(3, 2, 2, None).unwrap(),
        received_from: None,
        site: None,
    });
    let m = MediumNumber(M.into());
    lc.step(&Act {
        seq: 0,
        time: t(3),
        medium: Some(&m),
        actor: Some(&pid(3)),
        body: &reg,
    })
    .unwrap();
    lc
}

fn act(lc: &mut Lifecycle, time: i64, actor: u64, body: Body) -> Result<(), Refusal> {
    let m = MediumNumber(M.into());
    let a = pid(actor);
    lc.step(&Act {
        seq: 1000 + time as u64,
        time: t(time),
        medium: Some(&m),
        actor: Some(&a),
        body: &body,
    })
}

fn until(s: i64) -> String {
    crate::time::to_store(t(s))
}

fn checkout() -> Body {
    Body::Checkout(Checkout {
        purpose: "work".into(),
    })
}
fn carry_out() -> Body {
    Body::CarryOut(CarryOut {
        approver: pid(3),
        until: until(10_000),
        destination: "site".into(),
        purpose: "meeting".into(),
        contents: Vec::new(),
    })
}
fn loan() -> Body {
    Body::Loan(Loan {
        approver: pid(3),
        borrower: "contractor".into(),
        until: until(10_000),
        destination: "site".into(),
        purpose: "review".into(),
    })
}
fn ret(files: u64) -> Body {
    Body::Return(Return {
        check: if files == 0 {
            ReturnCheck::None
        } else {
            ReturnCheck::Path { files, bytes: 10 }
        },
    })
}
/// A whole-medium read that found nothing: the only return that proves a medium clean.
fn ret_clean() -> Body {
    Body::Return(Return {
        check: ReturnCheck::Device {
            path: "/dev/sdz".into(),
            capacity_bytes: 1 << 20,
            bytes_read: 1 << 20,
            data_sectors: 0,
            first_data_offset: None,
            cache_bypass: None,
        },
    })
}

fn copy() -> Body {
    Body::Copy(Copy {
        approver: pid(3),
        data: "drawings".into(),
        counterpart: "partner".into(),
        purpose: "review".into(),
    })
}
fn transfer() -> Body {
    Body::Transfer(Transfer {
        approver: pid(3),
        recipient: "other office".into(),
        purpose: "handover".into(),
    })
}
fn destroy(unverifiable: bool) -> Body {
    Body::Destroy(Destroy {
        witness: pid(5),
        method: DestroyMethod::Crush,
        unverifiable: unverifiable.then(|| "broken connector".to_string()),
    })
}
fn wipe_start() -> Body {
    Body::WipeStart(WipeStart {
        method: WipeMethod::Zero,
        device: DeviceIdentity {
            capacity_bytes: 1 << 20,
            ..Default::default()
        },
    })
}
/// The end of a wipe whose single zero pass read back `bad` mismatching sectors.
fn wipe_end(result: WipeResult, bad: u64) -> Body {
    let mut pass = WipePass::new(PatternKind::Zero, None);
    pass.bytes_written = 1 << 20;
    pass.bytes_verified = if result == WipeResult::Incomplete {
        0
    } else {
        1 << 20
    };
    pass.mismatched_sectors = bad;
    Body::Wipe(Wipe {
        method: WipeMethod::Zero,
        device: DeviceIdentity {
            capacity_bytes: 1 << 20,
            ..Default::default()
        },
        sanitization: "clear".into(),
        tool: "baitai test".into(),
        started: until(0),
        finished: until(1),
        passes: vec![pass],
        cache_bypass: CacheBypass::ODirect,
        buffered_tail_bytes: 0,
        vault_headers_erased: None,
        result,
        reason: None,
    })
}
fn lost() -> Body {
    Body::Lost(Lost {
        circumstances: "train".into(),
    })
}

#[derive(Debug, Clone, Copy)]
enum Start {
    Fresh,
    InUse,
    CarriedOut,
    OnLoan,
    ReturnedUnverified,
    ReturnedData,
    VerifiedClean,
    WipeFailed,
    WipeIncomplete,
    Wiped,
    Lost,
    Destroyed,
    Transferred,
}

fn reach(start: Start) -> Lifecycle {
    let mut lc = world();
    match start {
        Start::Fresh => {}
        Start::InUse => act(&mut lc, 10, 2, checkout()).unwrap(),
        Start::CarriedOut => act(&mut lc, 10, 2, carry_out()).unwrap(),
        Start::OnLoan => act(&mut lc, 10, 2, loan()).unwrap(),
        Start::ReturnedUnverified => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret(0)).unwrap();
        }
        Start::ReturnedData => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret(4)).unwrap();
        }
        Start::VerifiedClean => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret_clean()).unwrap();
        }
        Start::WipeFailed => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret(0)).unwrap();
            act(&mut lc, 12, 3, wipe_start()).unwrap();
            act(&mut lc, 13, 3, wipe_end(WipeResult::Failed, 1)).unwrap();
        }
        Start::WipeIncomplete => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret(4)).unwrap();
            act(&mut lc, 12, 3, wipe_start()).unwrap();
        }
        Start::Wiped => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret(4)).unwrap();
            act(&mut lc, 12, 3, wipe_start()).unwrap();
            act(&mut lc, 13, 3, wipe_end(WipeResult::Passed, 0)).unwrap();
        }
        Start::Lost => act(&mut lc, 10, 2, lost()).unwrap(),
        Start::Destroyed => {
            act(&mut lc, 10, 2, checkout()).unwrap();
            act(&mut lc, 11, 3, ret_clean()).unwrap();
            act(&mut lc, 12, 3, destroy(false)).unwrap();
        }
        Start::Transferred => act(&mut lc, 10, 2, transfer()).unwrap(),
    }
    lc
}

/// The acts tried from every state: (name, actor, body).
fn acts() -> Vec<(&'static str, u64, Body)> {
    vec![
        ("checkout", 2, checkout()),
        ("carry-out", 2, carry_out()),
        ("loan", 2, loan()),
        ("return", 3, ret(0)),
        ("copy", 2, copy()),
        ("transfer", 2, transfer()),
        ("destroy", 3, destroy(false)),
        ("destroy-unverifiable", 3, destroy(true)),
        ("lost", 2, lost()),
        ("wipe-start", 3, wipe_start()),
        ("wipe-end", 3, wipe_end(WipeResult::Passed, 0)),
    ]
}

const OK: &str = "ok";
const NIS: &str = "not-in-storage";
const GATE: &str = "reuse-gate";
const NAD: &str = "not-at-destination";
const VBD: &str = "verify-before-destroy";
const CLOSED: &str = "closed";
const NWS: &str = "no-wipe-started";
const WF: &str = "wipe-failed";

#[test]
fn every_act_from_every_state() {
    use Start::*;
    // Columns follow acts(): checkout, carry-out, loan, return, copy, transfer, destroy,
    // destroy-unverifiable, lost, wipe-start, wipe-end.
    let table: Vec<(Start, [&str; 11])> = vec![
        (
            Fresh,
            [OK, OK, OK, "not-out", NAD, OK, VBD, OK, OK, OK, NWS],
        ),
        // A handler's own medium in use may become a carry-out (the approver sees its files).
        (InUse, [NIS, OK, NIS, OK, NAD, OK, NIS, NIS, OK, NIS, NIS]),
        (
            CarriedOut,
            [NIS, NIS, NIS, OK, OK, OK, NIS, NIS, OK, NIS, NIS],
        ),
        (OnLoan, [NIS, NIS, NIS, OK, OK, OK, NIS, NIS, OK, NIS, NIS]),
        (
            ReturnedUnverified,
            [GATE, GATE, GATE, "not-out", NAD, OK, VBD, OK, OK, OK, NWS],
        ),
        (
            ReturnedData,
            [GATE, GATE, GATE, "not-out", NAD, OK, VBD, OK, OK, OK, NWS],
        ),
        (
            VerifiedClean,
            [OK, OK, OK, "not-out", NAD, OK, OK, OK, OK, OK, NWS],
        ),
        (
            WipeFailed,
            [GATE, GATE, GATE, "not-out", NAD, OK, VBD, OK, OK, WF, WF],
        ),
        (
            WipeIncomplete,
            [GATE, GATE, GATE, "not-out", NAD, OK, VBD, OK, OK, OK, OK],
        ),
        (Wiped, [OK, OK, OK, "not-out", NAD, OK, OK, OK, OK, OK, NWS]),
        (
            Lost,
            [
                NIS,
                NIS,
                NIS,
                OK,
                NAD,
                "not-in-hand",
                NIS,
                NIS,
                "lost",
                NIS,
                NIS,
            ],
        ),
        (Destroyed, [CLOSED; 11]),
        (Transferred, [CLOSED; 11]),
    ];
    for (start, expected) in table {
        for ((name, actor, body), want) in acts().into_iter().zip(expected) {
            let mut lc = reach(start);
            let got = match act(&mut lc, 100, actor, body) {
                Ok(()) => OK,
                Err(r) => r.rule.as_str(),
            };
            assert_eq!(got, want, "{name} from {start:?}");
        }
    }
}

#[test]
fn states_after_acts() {
    let mut lc = world();
    let m = MediumNumber(M.into());
    let st = |lc: &Lifecycle| lc.media[&m].clone();
    assert_eq!(st(&lc).clean, Cleanliness::Fresh);
    act(&mut lc, 10, 2, checkout()).unwrap();
    assert!(
        matches!(st(&lc).holding, Holding::Out(ref o) if o.kind == IssueKind::Use && o.holder == pid(2))
    );
    act(&mut lc, 11, 3, ret(2)).unwrap();
    assert_eq!(st(&lc).holding, Holding::InStorage);
    assert_eq!(
        st(&lc).clean,
        Cleanliness::Unverified {
            data_found: Some(true)
        }
    );
    assert_eq!(st(&lc).clean.as_str(), "data-present");
    assert_eq!(st(&lc).last_holder, Some(pid(2)));
    assert_eq!(st(&lc).entries, 3);
}

#[test]
fn a_wipe_moves_the_medium_by_its_result() {
    let clean = |start| {
        let lc = reach(start);
        lc.media[&MediumNumber(M.into())].clean
    };
    assert_eq!(clean(Start::WipeIncomplete), Cleanliness::WipeIncomplete);
    assert_eq!(clean(Start::Wiped), Cleanliness::VerifiedClean);
    assert_eq!(clean(Start::WipeFailed), Cleanliness::WipeFailed);
    // An interrupted wipe is recorded as such and stays unclean.
    let mut lc = reach(Start::WipeIncomplete);
    act(&mut lc, 20, 3, wipe_end(WipeResult::Incomplete, 0)).unwrap();
    assert_eq!(
        lc.media[&MediumNumber(M.into())].clean,
        Cleanliness::WipeIncomplete
    );
    // A record claiming a pass its own figures do not support is refused.
    let mut lc = reach(Start::WipeIncomplete);
    let lie = act(&mut lc, 20, 3, wipe_end(WipeResult::Passed, 3));
    assert_eq!(lie.unwrap_err().rule, "inconsistent-record");
    let mut lc = reach(Start::WipeIncomplete);
    let lie = act(&mut lc, 20, 3, wipe_end(WipeResult::Failed, 0));
    assert_eq!(lie.unwrap_err().rule, "inconsistent-record");
    // An end is tied to its start: once recorded, a second end needs a new start, and only
    // the custodian who started it can record it.
    let mut lc = reach(Start::WipeIncomplete);
    act(&mut lc, 20, 3, wipe_end(WipeResult::Incomplete, 0)).unwrap();
    let again = act(&mut lc, 21, 3, wipe_end(WipeResult::Passed, 0));
    assert_eq!(again.unwrap_err().rule, "no-wipe-started");
    let mut lc = reach(Start::WipeIncomplete);
    let other = act(&mut lc, 20, 4, wipe_end(WipeResult::Passed, 0));
    assert_eq!(other.unwrap_err().rule, "wipe-mismatch");
    // Passes that do not follow the method (here a seedless random pass for `zero`): refused.
    let mut lc = reach(Start::WipeIncomplete);
    let mut body = wipe_end(WipeResult::Passed, 0);
    if let Body::Wipe(w) = &mut body {
        w.passes[0].pattern = PatternKind::Random;
    }
    assert_eq!(
        act(&mut lc, 20, 3, body).unwrap_err().rule,
        "inconsistent-record"
    );
    // Lost and found again, a condemned medium stays condemned.
    let mut lc = reach(Start::WipeFailed);
    act(&mut lc, 20, 3, lost()).unwrap();
    act(&mut lc, 21, 3, ret_clean()).unwrap();
    assert_eq!(
        lc.media[&MediumNumber(M.into())].clean,
        Cleanliness::WipeFailed
    );
    // Wiping is a custodian's job.
    let mut lc = reach(Start::ReturnedData);
    assert_eq!(act(&mut lc, 20, 2, wipe_start()).unwrap_err().rule, "role");
}

#[test]
fn received_media_must_be_checked_first() {
    let mut lc = world();
    let m2 = MediumNumber("USB-2026-0002".into());
    let reg = Body::Register(Register {
        kind: MediaKind::Usb,
        label: None,
        device: None,
        classification: Classification::new(2, 1, 1, None).unwrap(),
        received_from: Some("取引先".into()),
        site: None,
    });
    lc.step(&Act {
        seq: 0,
        time: t(5),
        medium: Some(&m2),
        actor: Some(&pid(3)),
        body: &reg,
    })
    .unwrap();
    let r = lc.step(&Act {
        seq: 0,
        time: t(6),
        medium: Some(&m2),
        actor: Some(&pid(2)),
        body: &checkout(),
    });
    assert_eq!(r.unwrap_err().rule, GATE);
}

#[test]
fn roles_and_separation_of_duties() {
    let cases: Vec<(&str, u64, Body, &str)> = vec![
        ("custodian-only cannot check out", 3, checkout(), "role"),
        ("witness cannot check out", 5, checkout(), "role"),
        ("revoked cannot act", 6, checkout(), "revoked"),
        ("unknown cannot act", 9, checkout(), "unknown-person"),
        ("approver must not be requester", 6, carry_out(), "revoked"),
        (
            "handler cannot approve",
            2,
            Body::CarryOut(CarryOut {
                approver: pid(2),
                ..carry_out_body()
            }),
            "separation-of-duties",
        ),
        (
            "approver needs custodian role",
            2,
            Body::CarryOut(CarryOut {
                approver: pid(5),
                ..carry_out_body()
            }),
            "role",
        ),
        (
            "revoked approver",
            2,
            Body::Loan(Loan {
                approver: pid(6),
                ..loan_body()
            }),
            "revoked",
        ),
        (
            "witness must not be executor",
            3,
            Body::Destroy(Destroy {
                witness: pid(3),
                method: DestroyMethod::Shred,
                unverifiable: Some("x".into()),
            }),
            "separation-of-duties",
        ),
        (
            "witness needs witness role",
            3,
            Body::Destroy(Destroy {
                witness: pid(4),
                method: DestroyMethod::Shred,
                unverifiable: Some("x".into()),
            }),
            "role",
        ),
        ("handler cannot destroy", 2, destroy(true), "role"),
        ("handler cannot receive back", 2, ret(0), "role"),
        ("witness cannot report lost", 5, lost(), "role"),
        (
            "period end before start",
            2,
            Body::CarryOut(CarryOut {
                until: until(-100),
                ..carry_out_body()
            }),
            "period",
        ),
        (
            "blank unverifiable reason",
            3,
            Body::Destroy(Destroy {
                witness: pid(5),
                method: DestroyMethod::Melt,
                unverifiable: Some("  ".into()),
            }),
            VBD,
        ),
    ];
    for (what, actor, body, want) in cases {
        let mut lc = world();
        let got = act(&mut lc, 100, actor, body)
            .err()
            .map(|r| r.rule.as_str());
        assert_eq!(got, Some(want), "{what}");
    }
}

fn carry_out_body() -> CarryOut {
    let Body::CarryOut(b) = carry_out() else {
        unreachable!("carry_out() builds a CarryOut")
    };
    b
}

fn loan_body() -> Loan {
    let Body::Loan(b) = loan() else {
        unreachable!("loan() builds a Loan")
    };
    b
}

#[test]
fn copy_only_by_holder() {
    let mut lc = reach(Start::CarriedOut);
    // P6 is revoked; add nobody else: the custodian P4 is not a handler.
    let r = act(&mut lc, 100, 4, copy()).unwrap_err();
    assert_eq!(r.rule, "role");
}

#[test]
fn people_rules() {
    let mut lc = world();
    let admin = pid(1);
    let dup = Body::PersonAdd(PersonAdd {
        id: pid(7),
        name: "person 2".into(),
        affiliation: "x".into(),
        roles: vec![Role::Handler],
        public_key: PersonKey::generate().public(),
        encryption_key: PersonKey::generate().public(),
        site: None,
        token: None,
    });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&admin),
        body: &dup,
    });
    assert_eq!(r.unwrap_err().rule, "unique-name");
    let skip = Body::PersonAdd(PersonAdd {
        id: pid(9),
        name: "new".into(),
        affiliation: "x".into(),
        roles: vec![Role::Handler],
        public_key: PersonKey::generate().public(),
        encryption_key: PersonKey::generate().public(),
        site: None,
        token: None,
    });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&admin),
        body: &skip,
    });
    assert_eq!(r.unwrap_err().rule, "person-id");
    let by_handler = Body::PersonRevoke(PersonRef { id: pid(3) });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&pid(2)),
        body: &by_handler,
    });
    assert_eq!(r.unwrap_err().rule, "role");
    let last_admin = Body::PersonRevoke(PersonRef { id: pid(1) });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&admin),
        body: &last_admin,
    });
    assert_eq!(r.unwrap_err().rule, "last-admin");
    let again = Body::PersonRevoke(PersonRef { id: pid(6) });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&admin),
        body: &again,
    });
    assert_eq!(r.unwrap_err().rule, "revoked");
    let other_pw = Body::PersonPasswd(crate::model::PersonPasswd {
        id: pid(3),
        new_key: None,
        approver: None,
        token: None,
    });
    let r = lc.step(&Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(&pid(2)),
        body: &other_pw,
    });
    assert_eq!(r.unwrap_err().rule, "own-passphrase");
}

#[test]
fn partial_or_dirty_device_reads_do_not_prove_clean() {
    let dirty = Body::Return(Return {
        check: ReturnCheck::Device {
            path: "x".into(),
            capacity_bytes: 4096,
            bytes_read: 4096,
            data_sectors: 1,
            first_data_offset: Some(512),
            cache_bypass: None,
        },
    });
    let partial = Body::Return(Return {
        check: ReturnCheck::Device {
            path: "x".into(),
            capacity_bytes: 4096,
            bytes_read: 2048,
            data_sectors: 0,
            first_data_offset: None,
            cache_bypass: None,
        },
    });
    for (body, want) in [
        (dirty, "data-present"),
        (partial, "unverified"),
        (ret_clean(), "verified-clean"),
    ] {
        let mut lc = reach(Start::InUse);
        act(&mut lc, 50, 3, body).unwrap();
        assert_eq!(lc.media[&MediumNumber(M.into())].clean.as_str(), want);
    }
}

/// Every act the tests know, by index, for random sequences.
fn any_act(i: usize) -> Body {
    match i {
        0 => checkout(),
        1 => carry_out(),
        2 => loan(),
        3 => ret(0),
        4 => ret(4),
        5 => ret_clean(),
        6 => copy(),
        7 => transfer(),
        8 => destroy(false),
        9 => destroy(true),
        10 => wipe_start(),
        11 => wipe_end(WipeResult::Passed, 0),
        12 => wipe_end(WipeResult::Failed, 3),
        13 => wipe_end(WipeResult::Incomplete, 0),
        _ => lost(),
    }
}

fn is_issue(b: &Body) -> bool {
    matches!(b, Body::Checkout(_) | Body::CarryOut(_) | Body::Loan(_))
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Random sequences of acts by random people: a medium is issued only from storage and
        /// only when fresh or verified clean; nothing is accepted after destruction; and
        /// replaying the accepted entries, with the rules or by folding them as the ledger
        /// does, gives the same state.
        #[test]
        fn random_sequences_keep_the_gate_and_replay_identically(
            steps in proptest::collection::vec((1u64..=6, 0usize..15), 1..60)
        ) {
            let m = MediumNumber(M.into());
            let mut lc = world();
            let mut accepted: Vec<(i64, u64, Body)> = Vec::new();
            for (i, (actor, which)) in steps.into_iter().enumerate() {
                let before = lc.media[&m].clone();
                let body = any_act(which);
                let time = 10 + i as i64;
                let ok = act(&mut lc, time, actor, body.clone()).is_ok();
                // A carry-out by the handler who has it in use changes how it is out, not
                // whether: it is no issue from storage.
                let converted = matches!(
                    (&before.holding, &body),
                    (Holding::Out(o), Body::CarryOut(_))
                        if o.kind == IssueKind::Use && o.holder == PersonId::nth(actor)
                );
                if ok && is_issue(&body) && !converted {
                    prop_assert!(matches!(before.holding, Holding::InStorage), "issued from {:?}", before.holding);
                    prop_assert!(
                        matches!(before.clean, Cleanliness::Fresh | Cleanliness::VerifiedClean),
                        "issued while {:?}", before.clean
                    );
                }
                if matches!(before.holding, Holding::Destroyed) {
                    prop_assert!(!ok, "{body:?} accepted after destruction");
                }
                if ok {
                    accepted.push((time, actor, body));
                } else {
                    prop_assert_eq!(&lc.media[&m], &before, "a refused act changed the state");
                }
            }
            let mut again = world();
            for (time, actor, body) in &accepted {
                prop_assert!(act(&mut again, *time, *actor, body.clone()).is_ok());
            }
            prop_assert_eq!(&again.media[&m], &lc.media[&m]);

            let mut folded: Option<MediumState> = world().media.get(&m).cloned();
            for (time, actor, body) in &accepted {
                let a = pid(*actor);
                let step = Act { seq: 1000 + *time as u64, time: t(*time), medium: Some(&m), actor: Some(&a), body };
                if let Some(next) = apply(folded.take(), &step) {
                    folded = Some(next);
                }
            }
            prop_assert_eq!(folded.as_ref(), Some(&lc.media[&m]));
        }
    }
}

/// A stock-take is the store's, not one medium's, and only an active custodian records one:
/// the same rules refuse it at commit and when `ledger verify` replays it.
#[test]
fn inventory_checks_name_no_medium_and_need_a_custodian() {
    let mut lc = world();
    let m = MediumNumber(M.into());
    let body = Body::InventoryCheck(InventoryCheck {
        location: None,
        present: vec![M.into()],
        missing: Vec::new(),
        unexpected: Vec::new(),
        overdue: Vec::new(),
    });
    let act = |medium, actor| Act {
        seq: 0,
        time: t(9),
        medium,
        actor: Some(actor),
        body: &body,
    };
    let (handler, custodian, revoked) = (pid(2), pid(3), pid(6));
    let r = lc.step(&act(Some(&m), &custodian));
    assert_eq!(r.unwrap_err().rule, "no-medium");
    assert_eq!(lc.step(&act(None, &handler)).unwrap_err().rule, "role");
    assert_eq!(lc.step(&act(None, &revoked)).unwrap_err().rule, "revoked");
    let before = format!("{:?}", lc.media.get(&m));
    lc.step(&act(None, &custodian)).unwrap();
    assert_eq!(
        format!("{:?}", lc.media.get(&m)),
        before,
        "a stock-take changes no medium"
    );
}

/// `Cleanliness::may_issue` (what `medium show` reports) and the reuse gate each list the states
/// that may leave storage: they must agree.
#[test]
fn may_issue_is_what_the_reuse_gate_lets_out() {
    use Start::*;
    let in_storage = [
        Fresh,
        ReturnedUnverified,
        ReturnedData,
        VerifiedClean,
        WipeFailed,
        WipeIncomplete,
        Wiped,
    ];
    for start in in_storage {
        let lc = reach(start);
        let state = &lc.media[&MediumNumber(M.into())];
        assert_eq!(
            issue_gate(state).is_ok(),
            state.clean.may_issue(),
            "{start:?}"
        );
    }
}

/// A site's medium must carry the site's code first; the rule is what `ledger verify` applies
/// to every stored registration, so a forged one is found however it was written.
#[test]
fn a_site_medium_needs_the_site_code_at_the_start_of_its_number() {
    let mut lc = world();
    let site = crate::model::Site::parse("tky").unwrap();
    assert_eq!(site.as_str(), "TKY");
    let reg = |number: &str| {
        let body = Body::Register(Register {
            kind: MediaKind::Usb,
            label: None,
            device: None,
            classification: Classification::new(3, 2, 2, None).unwrap(),
            received_from: None,
            site: Some(site.clone()),
        });
        (MediumNumber(number.into()), body)
    };
    for bad in [
        "USB-2026-0002",
        "TKYO-USB-2026-0002",
        "OSK-TKY-USB-2026-0002",
    ] {
        let (m, body) = reg(bad);
        let e = lc
            .step(&Act {
                seq: 0,
                time: t(4),
                medium: Some(&m),
                actor: Some(&pid(3)),
                body: &body,
            })
            .unwrap_err();
        assert_eq!(e.rule, Rule::SiteNumber, "{bad}: {e}");
    }
    let (m, body) = reg("TKY-USB-2026-0001");
    lc.step(&Act {
        seq: 0,
        time: t(4),
        medium: Some(&m),
        actor: Some(&pid(3)),
        body: &body,
    })
    .unwrap();
}

#[test]
fn a_site_code_is_a_few_letters_or_digits() {
    use crate::model::Site;
    for bad in ["", "東京", "T-K", "../x", "ABCDEFGHIJKLM", "tk y"] {
        assert!(Site::parse(bad).is_err(), "{bad:?} accepted");
    }
    // A stored row is held to the same rule: a forged site fails to decode.
    let good = Register {
        kind: MediaKind::Usb,
        label: None,
        device: None,
        classification: Classification::new(3, 2, 2, None).unwrap(),
        received_from: None,
        site: Some(Site::parse("TKY").unwrap()),
    };
    let row = serde_json::to_string(&good).unwrap();
    assert_eq!(serde_json::from_str::<Register>(&row).unwrap(), good);
    let forged = row.replace(r#""site":"TKY""#, r#""site":"../x""#);
    assert_ne!(forged, row);
    assert!(serde_json::from_str::<Register>(&forged).is_err());
    assert_eq!(Site::parse(" osk2 ").unwrap().as_str(), "OSK2");
}

fn correction(entry: u64, data_present: bool) -> Body {
    Body::Correct(Correct {
        entry,
        wrong: "ファイルなし".into(),
        right: "3 files".into(),
        reason: "looked in the wrong folder".into(),
        data_present,
    })
}

/// The seq `act` gives the entry made at `time`.
fn seq_at(time: i64) -> u64 {
    1000 + time as u64
}

fn rule_of(r: Result<(), Refusal>) -> Option<Rule> {
    r.err().map(|e| e.rule)
}

/// A correction names an earlier entry of its medium that is not a correction; data-present
/// only for a return that found none; only a custodian corrects.
#[test]
fn corrections_name_an_earlier_entry_and_only_tighten_the_state() {
    let mut lc = world();
    let m = MediumNumber(M.into());
    act(&mut lc, 10, 2, checkout()).unwrap();
    act(&mut lc, 11, 3, ret(0)).unwrap();
    let state = |lc: &Lifecycle| lc.media[&m].clean;
    assert_eq!(state(&lc), Cleanliness::Unverified { data_found: None });
    // Later, unknown, or by a handler: refused.
    let c = rule_of(act(&mut lc, 12, 3, correction(seq_at(20), false)));
    assert_eq!(c, Some(Rule::Correction));
    assert_eq!(
        rule_of(act(&mut lc, 12, 3, correction(5, false))),
        Some(Rule::Correction)
    );
    assert_eq!(
        rule_of(act(&mut lc, 12, 2, correction(seq_at(11), false))),
        Some(Rule::Role)
    );
    // Data present on a checkout: refused; on the return: the medium holds data.
    let c = rule_of(act(&mut lc, 12, 3, correction(seq_at(10), true)));
    assert_eq!(c, Some(Rule::Correction));
    act(&mut lc, 13, 3, correction(seq_at(11), true)).unwrap();
    assert_eq!(
        state(&lc),
        Cleanliness::Unverified {
            data_found: Some(true)
        }
    );
    assert!(!state(&lc).may_issue());
    // A correction is not itself corrected.
    let c = rule_of(act(&mut lc, 14, 4, correction(seq_at(13), false)));
    assert_eq!(c, Some(Rule::Correction));
}

/// A whole-device check that proved the medium clean, corrected to data present, shuts the
/// gate again; after a later wipe, a correction of the old return changes nothing.
#[test]
fn data_present_reaches_only_the_state_the_corrected_return_decided() {
    let mut lc = world();
    let m = MediumNumber(M.into());
    act(&mut lc, 10, 2, checkout()).unwrap();
    act(&mut lc, 11, 3, ret_clean()).unwrap();
    assert_eq!(lc.media[&m].clean, Cleanliness::VerifiedClean);
    act(&mut lc, 12, 3, correction(seq_at(11), true)).unwrap();
    assert_eq!(
        lc.media[&m].clean,
        Cleanliness::Unverified {
            data_found: Some(true)
        }
    );

    let mut lc = world();
    act(&mut lc, 10, 2, checkout()).unwrap();
    act(&mut lc, 11, 3, ret(0)).unwrap();
    act(&mut lc, 12, 3, wipe_start()).unwrap();
    act(&mut lc, 13, 3, wipe_end(WipeResult::Passed, 0)).unwrap();
    let c = rule_of(act(&mut lc, 14, 3, correction(seq_at(11), true)));
    assert_eq!(c, Some(Rule::Correction), "the wipe is newer");
    assert_eq!(lc.media[&m].clean, Cleanliness::VerifiedClean);
}

/// A closed medium's record is corrected; its state is not.
#[test]
fn a_closed_mediums_record_is_corrected_but_not_its_state() {
    let mut lc = world();
    act(&mut lc, 10, 2, checkout()).unwrap();
    act(&mut lc, 11, 3, ret(0)).unwrap();
    act(&mut lc, 12, 3, destroy(true)).unwrap();
    act(&mut lc, 13, 3, correction(seq_at(11), false)).unwrap();
    let c = rule_of(act(&mut lc, 14, 3, correction(seq_at(11), true)));
    assert_eq!(c, Some(Rule::Correction));
}

/// `ledger.require_token` (issue 21): from that entry on, a custodian signing with a sealed key
/// is refused, by the same fold at commit and in `ledger verify`; the move to a token is the one
/// act their old key still signs (with an admin's approval), and after it they act again.
#[test]
fn a_required_token_refuses_sealed_custodians_until_they_move() {
    let mut lc = world();
    let (admin, handler, custodian) = (pid(1), pid(2), pid(3));
    let stocktake = Body::InventoryCheck(InventoryCheck {
        location: None,
        present: Vec::new(),
        missing: Vec::new(),
        unexpected: Vec::new(),
        overdue: Vec::new(),
    });
    let act = |actor, body| Act {
        seq: 0,
        time: t(9),
        medium: None,
        actor: Some(actor),
        body,
    };
    lc.step(&act(&custodian, &stocktake)).unwrap();
    let require = Body::LedgerRequireToken(RequireToken {
        roles: vec![Role::Custodian],
    });
    assert_eq!(lc.step(&act(&handler, &require)).unwrap_err().rule, "role");
    lc.step(&act(&admin, &require)).unwrap();
    let r = lc.step(&act(&custodian, &stocktake)).unwrap_err();
    assert_eq!(r.rule, "token-required");
    let key = PersonKey::generate().public();
    let token = TokenInfo {
        manufacturer: "SoftHSM project".into(),
        model: "SoftHSM v2".into(),
        serial: "1".into(),
        label: "c".into(),
        key_id: "01".into(),
    };
    let mv = |approver: Option<PersonId>, enc| {
        Body::PersonPasswd(PersonPasswd {
            id: pid(3),
            new_key: Some(NewKeys {
                public_key: key,
                encryption_key: enc,
            }),
            approver,
            token: Some(token.clone()),
        })
    };
    let unapproved = mv(None, key);
    let r = lc.step(&act(&custodian, &unapproved)).unwrap_err();
    assert_eq!(r.rule, "approval");
    let two_keys = mv(Some(admin.clone()), PersonKey::generate().public());
    let r = lc.step(&act(&custodian, &two_keys)).unwrap_err();
    assert_eq!(r.rule, "token-required");
    let moved = mv(Some(admin.clone()), key);
    lc.step(&act(&custodian, &moved)).unwrap();
    assert_eq!(
        lc.people.get(&custodian).unwrap().token,
        Some(token.clone())
    );
    lc.step(&act(&custodian, &stocktake)).unwrap();
    let none = Body::LedgerRequireToken(RequireToken { roles: Vec::new() });
    lc.step(&act(&admin, &none)).unwrap();
    assert!(lc.people.require_token.is_empty());
}

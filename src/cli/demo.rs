//! `baitai demo`: a complete lifecycle on a temporary ledger and image medium, printed as forms,
//! with a stock-take, a loss and a label; with `--keep DIR` every kind of printout is written
//! there as HTML too (`printouts`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::args::DemoArgs;
use super::msg::Msg;
use super::{Ctx, Output};
use crate::app::{
    self, AddPerson, CarryOutRequest, CopyRequest, CorrectionText, GetRequest, InitRequest,
    LoanRequest, MediumSource, PutRequest, RegisterRequest, ReturnSource, Secrets, Session,
};
use crate::crypto::{Cipher, KdfParams, Passphrase};
use crate::error::{Error, Result};
use crate::lifecycle::Person;
use crate::model::{Classification, DestroyMethod, Role, SignRole};
use crate::report::form::render;
use crate::report::{Format, Lang};
use baitai_core::text::Text;

/// Everyone's passphrase, held in memory for the demo only.
struct DemoSecrets {
    by_name: HashMap<String, Passphrase>,
}

impl DemoSecrets {
    fn pass(&self, name: &str) -> Result<Passphrase> {
        self.by_name
            .get(name)
            .cloned()
            .ok_or_else(|| Error::Other(Msg::DemoNoPassphrase { name: name.into() }.into()))
    }
}

impl Secrets for DemoSecrets {
    fn passphrase(&mut self, person: &Person, _: SignRole) -> Result<Passphrase> {
        self.pass(&person.name)
    }
    fn new_passphrase(&mut self, who: &str) -> Result<Passphrase> {
        self.pass(who)
    }
}

const ADMIN: &str = "佐藤 一郎";
const HANDLER: &str = "山田 太郎";
const CUSTODIAN: &str = "鈴木 花子";
const WITNESS: &str = "田中 次郎";

/// Where the demo keeps its files: a temporary directory, or `--keep DIR`.
enum Workspace {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

impl Workspace {
    fn path(&self) -> &Path {
        match self {
            Workspace::Temp(t) => t.path(),
            Workspace::Kept(p) => p,
        }
    }
}

pub fn run(ctx: &Ctx, a: DemoArgs) -> Result<Option<Output>> {
    let ws = match &a.keep {
        Some(dir) => {
            if dir.exists() {
                return Err(Error::usage(Msg::DemoKeepExists {
                    dir: dir.display().to_string().into(),
                }));
            }
            std::fs::create_dir_all(dir).map_err(Error::io(baitai_core::msg::Msg::IoCreate {
                path: dir.display().to_string().into(),
            }))?;
            Workspace::Kept(dir.clone())
        }
        None => Workspace::Temp(tempfile::tempdir().map_err(Error::io(Msg::IoTempDir))?),
    };
    let lang = ctx.lang.unwrap_or(Lang::Ja);
    let mut log = String::new();
    let screen = ctx.screen();
    let story = walk(ws.path(), &mut log, screen)?;
    let (s, media) = (&story.session, &story.media);
    let mut human = log;
    for m in media {
        let form = crate::report::form::form(s, m, lang)?;
        human += &format!(
            "\n{}\n{}",
            "=".repeat(72),
            render(&form, Format::Text, lang)?
        );
        if let Workspace::Kept(dir) = &ws {
            let file = dir.join(format!("{m}.html"));
            std::fs::write(&file, render(&form, Format::Html, lang)?).map_err(Error::io(
                crate::vault::msg::Msg::IoWrite {
                    path: file.display().to_string().into(),
                },
            ))?;
        }
    }
    let stocktake = stocktake_printout(&story, lang)?;
    human += &format!(
        "\n{}\n{}\n\n{}",
        "=".repeat(72),
        stocktake.render(Format::Text, lang)?,
        label_text(&story, lang)?
    );
    let written = match &ws {
        Workspace::Kept(dir) => printouts(&story, dir, lang)?,
        Workspace::Temp(_) => Vec::new(),
    };
    let report = s.verify()?;
    let verdict = ctx.say(match &report.failure {
        None => Msg::DemoVerifyOk {
            entries: report.entries.to_string().into(),
            signatures: report.signatures.to_string().into(),
            head: report.head.as_deref().unwrap_or("").into(),
        },
        Some(f) => Msg::DemoVerifyFailed {
            seq: f.seq.to_string().into(),
            reason: f.reason.clone(),
        },
    });
    human += &format!("\n{}\n{verdict}\n", "=".repeat(72));
    match &ws {
        Workspace::Kept(dir) => {
            human += &ctx.say(Msg::DemoWrote);
            human.push('\n');
            for f in &written {
                human += &format!("  {}\n", f.display());
            }
            human += &ctx.say(Msg::DemoKeptIn {
                dir: dir.display().to_string().into(),
                ledger: s.ledger_path().display().to_string().into(),
                medium: media[0].as_str().into(),
            });
            human.push('\n');
        }
        Workspace::Temp(_) => {
            human += &ctx.say(Msg::DemoRemoved);
            human.push('\n');
        }
    }
    let json = json!({
        "ledger": a.keep.as_ref().map(|_| s.ledger_path().display().to_string()),
        "media": media,
        "written": written,
        "verify": report,
    });
    if report.failure.is_some() {
        return Ok(Some(Output {
            human,
            json,
            failure: Some(Error::Integrity(Msg::DemoLedgerFailed.into())),
        }));
    }
    Ok(Some(Output::new(human, json)))
}

/// What the demo's lifecycle leaves: the session, the media it touched (for their forms), the
/// destroyed, wiped and lost ones (for the certificates and the incident report), and the
/// stock-take it recorded.
struct Story {
    session: Session,
    media: Vec<String>,
    destroyed: String,
    wiped: String,
    lost: String,
    stocktake: (app::StoredEntry, crate::model::InventoryCheck),
}

/// The stock-take the demo recorded, as its printout.
fn stocktake_printout(
    story: &Story,
    lang: Lang,
) -> Result<crate::report::lists::ListReport<crate::report::stocktake::StocktakeLine>> {
    let (entry, check) = &story.stocktake;
    crate::report::stocktake::stocktake_report(&story.session, check, entry, lang)
}

/// The label of the first medium, as boxed text for the terminal.
fn label_text(story: &Story, lang: Lang) -> Result<String> {
    let l = crate::report::label::medium_label(&story.session, &story.media[0], lang)?;
    crate::report::label::labels_text(&[l], lang)
}

/// Every kind of printout as HTML in `dir`, beside the forms: labels in both sizes, the
/// destruction and wipe certificates, the incident and audit reports, the stock-take and the
/// inventory. Returns the files written, forms first.
fn printouts(story: &Story, dir: &Path, lang: Lang) -> Result<Vec<PathBuf>> {
    use crate::report::{audit, certificate, incident, label, lists, Scope};
    let s = &story.session;
    let mut written: Vec<PathBuf> = story
        .media
        .iter()
        .map(|m| dir.join(format!("{m}.html")))
        .collect();
    let mut write = |name: String, doc: String| -> Result<()> {
        let file = dir.join(name);
        std::fs::write(&file, doc).map_err(Error::io(crate::vault::msg::Msg::IoWrite {
            path: file.display().to_string().into(),
        }))?;
        written.push(file);
        Ok(())
    };
    let labels = label::held_media_labels(s, lang)?;
    for size in [label::LabelSize::Large, label::LabelSize::Small] {
        let sheet = label::Sheet { size, skip: 0 };
        write(
            format!("labels-{}.html", size.as_str()),
            label::labels_html(&labels, lang, sheet)?,
        )?;
    }
    for (kind, name, m) in [
        (
            certificate::CertificateKind::Destruction,
            "destruction",
            &story.destroyed,
        ),
        (certificate::CertificateKind::Wipe, "wipe", &story.wiped),
    ] {
        let c = certificate::certificate(s, m, Some(kind), None)?;
        write(
            format!("certificate-{name}-{m}.html"),
            c.render(Format::Html, lang)?,
        )?;
    }
    let verify = audit::verify_status(s, true)?;
    let lost = incident::incident(s, &story.lost, lang, &verify)?;
    write(
        format!("incident-{}.html", story.lost),
        incident::render(&[lost], Format::Html, lang)?,
    )?;
    let today = crate::time::now()
        .to_zoned(s.tz().clone())
        .date()
        .to_string();
    let period = audit::Period::parse(&today, &today, s.tz())?;
    let report = audit::audit(s, period, &Scope::Organisation, lang)?;
    write(
        "audit.html".into(),
        audit::render(&report, Format::Html, lang)?,
    )?;
    write(
        "stocktake.html".into(),
        stocktake_printout(story, lang)?.render(Format::Html, lang)?,
    )?;
    write(
        "inventory.html".into(),
        lists::inventory(s, &Scope::Organisation, lang)?.render(Format::Html, lang)?,
    )?;
    Ok(written)
}

/// The lifecycle itself; returns the session and the media it touched.
fn walk(dir: &Path, log: &mut String, lang: Lang) -> Result<Story> {
    let mut sec = DemoSecrets {
        by_name: [
            (ADMIN, "Admin-Pass-2026!"),
            (HANDLER, "Handler-Pass-2026!"),
            (CUSTODIAN, "Custodian-Pass-2026!"),
            (WITNESS, "Witness-Pass-2026!"),
        ]
        .into_iter()
        .map(|(n, p)| (n.to_string(), Passphrase::new(p.to_string())))
        .collect(),
    };
    let mut say = |m: Msg| {
        let _ = writeln!(log, "▶ {}", Text::from(m).in_lang(lang));
    };
    // The demo keeps no checkpoint or pin in the user's state directory: it verifies whole.
    let path = dir.join("ledger.db");
    let anchors = Some(app::Anchors::none(&path));
    let mut s = app::init_anchored(
        &path,
        InitRequest {
            org: "防衛装備デモ株式会社".into(),
            admin: ADMIN.into(),
            affiliation: "総務部".into(),
            timezone: "Asia/Tokyo".into(),
            medium_prefix: "USB".into(),
            lang: "ja".into(),
            day_end: "18:00".into(),
            kdf: KdfParams::INSECURE_FAST,
        },
        &mut sec,
        anchors,
    )?;
    say(Msg::DemoCreates {
        admin: ADMIN.into(),
    });
    for (name, aff, roles) in [
        (HANDLER, "設計部 第一設計課", vec![Role::Handler]),
        (CUSTODIAN, "情報保証室", vec![Role::Custodian]),
        (WITNESS, "監査室", vec![Role::Witness]),
    ] {
        let req = AddPerson {
            site: None,
            token: None,
            name: name.into(),
            affiliation: aff.into(),
            roles: roles.clone(),
        };
        let id = s.person_add(ADMIN, req, &mut sec)?;
        say(Msg::DemoAdds {
            admin: ADMIN.into(),
            name: name.into(),
            affiliation: aff.into(),
            role: lang.w(baitai_core::words::Word::role(roles[0])).into(),
            id: id.to_string().into(),
        });
    }
    let image = dir.join("usb-stick.img");
    std::fs::write(&image, vec![0u8; 8 << 20]).map_err(Error::io(Msg::IoDemoImage))?;
    let class = |c| Classification::new(c, 2, 1, Some("社外秘・複製制限".into()));
    let mut register =
        |s: &mut Session, source, label: &str, from: Option<&str>| -> Result<String> {
            let req = RegisterRequest {
                source,
                label: Some(label.into()),
                classification: class(3)?,
                received_from: from.map(str::to_string),
                site: None,
            };
            let e = s.register(CUSTODIAN, req, &mut sec)?;
            Ok(e.medium.map(|m| m.0).unwrap_or_default())
        };
    let m1 = register(&mut s, MediumSource::None, "設計データ用", None)?;
    let m2 = register(&mut s, MediumSource::None, "打合せ資料用", None)?;
    let m3 = register(&mut s, MediumSource::None, "レビュー貸出用", None)?;
    let m4 = register(&mut s, MediumSource::None, "他拠点交付用", None)?;
    let m5 = register(
        &mut s,
        MediumSource::None,
        "取引先から受領",
        Some("協力会社A"),
    )?;
    let m6 = register(
        &mut s,
        MediumSource::Image(image.clone()),
        "USBメモリ 8MB（イメージ）",
        None,
    )?;
    let m7 = register(&mut s, MediumSource::None, "出張用", None)?;
    say(Msg::DemoRegisters {
        custodian: CUSTODIAN.into(),
        m1: m1.as_str().into(),
        m2: m2.as_str().into(),
        m3: m3.as_str().into(),
        m4: m4.as_str().into(),
        m5: m5.as_str().into(),
        m6: m6.as_str().into(),
        m7: m7.as_str().into(),
    });
    let mut sec = DemoSecrets {
        by_name: sec.by_name,
    };

    s.checkout(&m1, HANDLER, "設計図面の作成", &mut sec)?;
    say(Msg::DemoChecksOut {
        handler: HANDLER.into(),
        medium: m1.as_str().into(),
    });
    let mount = dir.join("mounted-m1");
    let work = dir.join("drawings");
    std::fs::create_dir_all(&mount).map_err(Error::io(Msg::IoDemoFiles))?;
    std::fs::create_dir_all(&work).map_err(Error::io(Msg::IoDemoFiles))?;
    for (name, body) in [
        ("part-001.dwg", "demo drawing 1"),
        ("part-002.dwg", "demo drawing 2"),
    ] {
        std::fs::write(work.join(name), body).map_err(Error::io(Msg::IoDemoFiles))?;
    }
    let put = PutRequest {
        mount: mount.clone(),
        sources: app::sources(&[work])?,
        medium: Some(m1.clone()),
        cipher: Some(Cipher::Aes256Gcm),
        replace: false,
        recipient_passphrase: None,
    };
    let report = s.put(HANDLER, put, &mut sec, &mut |_| {})?;
    say(Msg::DemoEncrypts {
        handler: HANDLER.into(),
        n: report.added.len().to_string().into(),
        medium: m1.as_str().into(),
        custodian: CUSTODIAN.into(),
    });
    s.return_medium(&m1, CUSTODIAN, ReturnSource::Path(mount.clone()), &mut sec)?;
    say(Msg::DemoReturnWithData {
        custodian: CUSTODIAN.into(),
        medium: m1.as_str().into(),
    });
    let inspect = GetRequest {
        mount,
        names: Vec::new(),
        out: dir.join("inspection"),
        overwrite: false,
    };
    let (_, files) = s.get(CUSTODIAN, &inspect, &mut sec, &mut |_| {})?;
    say(Msg::DemoOpensVault {
        custodian: CUSTODIAN.into(),
        n: files.len().to_string().into(),
    });
    match s.checkout(&m1, HANDLER, "再使用", &mut sec) {
        Err(Error::Refused(r)) => say(Msg::DemoReuseRefused {
            handler: HANDLER.into(),
            medium: m1.as_str().into(),
            reason: r.reason.clone(),
        }),
        Ok(_) => return Err(Error::Other(Msg::DemoReuseGateOpen.into())),
        Err(e) => return Err(e),
    }

    let co = CarryOutRequest {
        until: tomorrow(&s),
        destination: "防衛省 装備庁 会議室".into(),
        purpose: "設計審査の説明".into(),
    };
    s.carry_out(&m2, HANDLER, CUSTODIAN, co, &mut sec)?;
    say(Msg::DemoCarriesOut {
        handler: HANDLER.into(),
        medium: m2.as_str().into(),
        custodian: CUSTODIAN.into(),
    });
    let cp = CopyRequest {
        data: "審査用説明資料 (PDF 1点)".into(),
        counterpart: "装備庁 審査担当".into(),
        purpose: "審査記録として提出".into(),
    };
    s.copy(&m2, HANDLER, CUSTODIAN, cp, &mut sec)?;
    say(Msg::DemoCopies {
        handler: HANDLER.into(),
        custodian: CUSTODIAN.into(),
    });
    let back = s.return_medium(&m2, CUSTODIAN, ReturnSource::None, &mut sec)?;
    say(Msg::DemoReceivesBack {
        custodian: CUSTODIAN.into(),
        medium: m2.as_str().into(),
    });
    let fix = CorrectionText {
        entry: back.entry.seq,
        wrong: "データ確認なし".into(),
        right: "審査用説明資料が残っていた".into(),
        reason: "返却後の点検で媒体内にファイルを発見".into(),
        data_present: true,
    };
    s.correct(&m2, CUSTODIAN, &fix, &mut sec)?;
    say(Msg::DemoCorrects {
        custodian: CUSTODIAN.into(),
        medium: m2.as_str().into(),
    });

    let ln = LoanRequest {
        borrower: "協力会社B 品質保証部".into(),
        until: tomorrow(&s),
        destination: "協力会社B 本社".into(),
        purpose: "品質記録のレビュー".into(),
    };
    s.loan(&m3, HANDLER, CUSTODIAN, ln, &mut sec)?;
    say(Msg::DemoLends {
        handler: HANDLER.into(),
        medium: m3.as_str().into(),
        custodian: CUSTODIAN.into(),
    });
    s.return_medium(&m3, CUSTODIAN, ReturnSource::None, &mut sec)?;
    say(Msg::DemoLoanBack {
        custodian: CUSTODIAN.into(),
        medium: m3.as_str().into(),
    });

    s.transfer(
        &m4,
        HANDLER,
        CUSTODIAN,
        "名古屋事業所 情報保証室",
        "拠点間の媒体移管",
        &mut sec,
    )?;
    say(Msg::DemoTransfers {
        handler: HANDLER.into(),
        medium: m4.as_str().into(),
        custodian: CUSTODIAN.into(),
    });

    match s.destroy(
        &m5,
        CUSTODIAN,
        WITNESS,
        DestroyMethod::Crush,
        None,
        &mut sec,
    ) {
        Err(Error::Refused(r)) => say(Msg::DemoDestroyRefused {
            custodian: CUSTODIAN.into(),
            medium: m5.as_str().into(),
            reason: r.reason.clone(),
        }),
        Ok(_) => return Err(Error::Other(Msg::DemoUnverifiedDestroyed.into())),
        Err(e) => return Err(e),
    }
    s.destroy(
        &m5,
        CUSTODIAN,
        WITNESS,
        DestroyMethod::Crush,
        Some("受領時にコネクタ破損、読取り不能"),
        &mut sec,
    )?;
    say(Msg::DemoDestroys {
        custodian: CUSTODIAN.into(),
        medium: m5.as_str().into(),
        witness: WITNESS.into(),
    });

    wipe_story(&mut s, &m6, &image, &mut sec, &mut say)?;

    s.checkout(&m7, HANDLER, "出張先での説明", &mut sec)?;
    s.lost(
        &m7,
        HANDLER,
        "出張帰りの電車内に置き忘れ、駅に届出済み",
        &mut sec,
    )?;
    say(Msg::DemoLost {
        handler: HANDLER.into(),
        medium: m7.as_str().into(),
    });

    // The store holds m1 and m3; m6 is out with the handler, m7 is lost; 9999 is a stray.
    let found = app::Found {
        numbers: vec![format!("{m1},{m3}"), "USB-1999-9999".into()],
        location: Some("第1保管庫".into()),
    };
    let stocktake = s.inventory_check(&found, CUSTODIAN, &mut sec)?;
    say(Msg::DemoScans {
        custodian: CUSTODIAN.into(),
        m1: m1.as_str().into(),
        m3: m3.as_str().into(),
    });
    Ok(Story {
        session: s,
        media: vec![m1, m2, m3, m4, m5.clone(), m6.clone(), m7.clone()],
        destroyed: m5,
        wiped: m6,
        lost: m7,
        stocktake,
    })
}

/// A stick comes back with data on it, is held at the reuse gate, wiped with read-back
/// verification, and issued again.
fn wipe_story(
    s: &mut Session,
    m: &str,
    image: &Path,
    sec: &mut DemoSecrets,
    say: &mut dyn FnMut(Msg),
) -> Result<()> {
    s.checkout(m, HANDLER, "試験データの受渡し", sec)?;
    // What the handler's files leave on the stick's sectors.
    let mut data = vec![0u8; 8 << 20];
    for (i, b) in data.iter_mut().enumerate().skip(1 << 20).take(300_000) {
        *b = (i % 253) as u8 | 1;
    }
    std::fs::write(image, data).map_err(Error::io(Msg::IoDemoImageWrite))?;
    s.return_medium(m, CUSTODIAN, ReturnSource::Image(image.to_path_buf()), sec)?;
    say(Msg::DemoReturnSectors {
        custodian: CUSTODIAN.into(),
        medium: m.into(),
    });
    if let Err(Error::Refused(r)) = s.checkout(m, HANDLER, "再使用", sec) {
        say(Msg::DemoReuseRefused {
            handler: HANDLER.into(),
            medium: m.into(),
            reason: r.reason.clone(),
        });
    }
    let req = app::WipeRequest {
        target: app::WipeTarget::Image(image.to_path_buf()),
        method: crate::model::WipeMethod::RandomZero,
        allow_fixed: false,
    };
    let plan = s.wipe_plan(m, CUSTODIAN, &req)?;
    let signed = s.wipe_authenticate(&plan, sec)?;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut ctl = crate::wipe::Control {
        stop: &stop,
        progress: &mut |_, _| {},
        after_write: None,
    };
    let report = s.wipe(&plan, &signed, &mut ctl)?;
    say(Msg::DemoWipes {
        custodian: CUSTODIAN.into(),
        medium: m.into(),
        result: report.record.result.as_str().into(),
    });
    s.checkout(m, HANDLER, "再使用（消去確認済）", sec)?;
    say(Msg::DemoChecksOutAgain {
        handler: HANDLER.into(),
        medium: m.into(),
    });
    Ok(())
}

fn tomorrow(s: &Session) -> String {
    let t = crate::time::now() + jiff::SignedDuration::from_hours(24);
    crate::time::show_minutes(t, s.tz())
}

//! The fixed words of baitai's printouts in Japanese and English, each by name: one catalogue,
//! so that a word is translated once and other places (error messages, say) can reuse it.
//!
//! A printout asks for a word with [`Lang::w`]. Sentences that carry values (a count, a time,
//! a name) are written where they are used; the words inside them come from here.

mod form;

pub use form::{Headings, EN, JA};

use crate::error::{Error, Result};
use crate::model::{MediaKind, Role, SignRole};

/// Language of headings and fixed words; free text stays as entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    /// Japanese (日本語), the language of the official forms.
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The language a ledger's settings or `--lang` name (`ja` or `en`); anything else is a
    /// usage error (exit 2).
    pub fn parse(s: &str) -> Result<Lang> {
        match s {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            _ => Err(Error::usage(crate::msg::Msg::Language {
                lang: format!("{s:?}").into(),
            })),
        }
    }

    /// The language's code, as an HTML page's `lang` and a JSON document's `lang` give it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// A word of the catalogue in this language.
    pub const fn w(self, w: Word) -> &'static str {
        match self {
            Lang::Ja => w.ja(),
            Lang::En => w.en(),
        }
    }

    /// One of two words given in place; the catalogue's [`Lang::w`] is the rule for printouts.
    pub fn t(self, ja: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// The words that head the marking of a protected medium (C2, C3:
    /// `Classification::is_protected`), with their trailing space; nothing for a C1 medium.
    pub fn protected_heading(self, protected: bool) -> &'static str {
        match protected {
            true => self.w(Word::ProtectedHeading),
            false => "",
        }
    }

    /// State words (medium holding and cleanliness, issue kinds) in this language.
    pub fn state(self, s: &str) -> &str {
        if self == Lang::En {
            return s;
        }
        match s {
            "in-storage" => "保管中",
            "in-use" => "使用中",
            "carried-out" => "持出し中",
            "on-loan" => "貸出し中",
            "lost" => "紛失",
            "destroyed" => "破棄済",
            "transferred" => "交付済",
            "fresh" => "新規（未使用）",
            "unverified" => "未確認（要消去確認）",
            "data-present" => "データあり（要消去）",
            "verified-clean" => "消去確認済",
            "wipe-failed" => "消去失敗（要破棄）",
            "wipe-incomplete" => "消去未完了（要再消去）",
            "carry-out" => "持出し",
            "loan" => "貸出し",
            "transfer" => "交付",
            "use" => "使用",
            "destroy" => "破棄",
            // A number found in a stock-take that the ledger never issued.
            "unknown" => "台帳に記録なし",
            other => other,
        }
    }

    /// The column headings of 別紙様式第2.
    pub fn headings(self) -> &'static Headings {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

/// Declares [`Word`] and its two tables from one list, so a word cannot lack a translation.
macro_rules! catalogue {
    ($($(#[$doc:meta])* $name:ident: $ja:literal, $en:literal;)*) => {
        /// A fixed word or phrase of the printouts; [`Lang::w`] gives it in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Word {
            $($(#[$doc])* #[doc = concat!("`", $ja, "` — `", $en, "`")] $name,)*
        }

        impl Word {
            /// Every word, in catalogue order.
            pub const ALL: &'static [Word] = &[$(Word::$name,)*];

            /// The word in Japanese.
            pub const fn ja(self) -> &'static str {
                match self {
                    $(Word::$name => $ja,)*
                }
            }

            /// The word in English.
            pub const fn en(self) -> &'static str {
                match self {
                    $(Word::$name => $en,)*
                }
            }
        }
    };
}

catalogue! {
    // The screen: what heads an error line and its hint.
    /// Heads the line of a failed command: `baitai: error: …`.
    Error: "エラー", "error";
    /// Heads the line after an error that says what to do next.
    Hint: "対処", "hint";
    // Shared by several printouts: what a medium is and where it stands.
    /// Heads the marking of a C2 or C3 medium, with a trailing space.
    ProtectedHeading: "保護すべき情報 ", "Protected information ";
    MediumNo: "媒体番号", "Medium No.";
    Registered: "登録", "Registered";
    State: "状態", "State";
    Kind: "種別", "Kind";
    Label: "ラベル", "Label";
    Device: "装置", "Device";
    ReceivedFrom: "受領元", "Received from";
    HandlingRestriction: "取扱制限", "Handling restriction";
    Classification: "格付", "Classification";
    Organisation: "組織", "Organisation";
    PrintedAt: "出力日時", "Printed";
    Printed: "出力", "Printed";
    PrintedLower: "出力", "printed";
    Times: "時刻", "Times";
    TimesLower: "時刻", "times";
    Time: "日時", "Time";
    Entry: "内容", "Entry";
    Hash: "ハッシュ", "Hash";
    HashLower: "ハッシュ", "hash";
    People: "担当者", "People";
    Signatures: "署名", "Signatures";
    LedgerVerify: "台帳検証", "Ledger verify";
    LedgerIdentity: "台帳識別子", "Ledger identity";
    HeadHash: "ヘッドハッシュ", "Head hash";
    TransferredTo: "交付先", "Transferred to";
    ErasureNotVerifiableBecause: "消去確認不能の理由", "Erasure not verifiable because";
    /// A value that is present, as a table cell says it.
    Yes: "あり", "yes";
    /// A value that is absent, as a table cell says it.
    No: "なし", "no";

    // The capacity a person signs an entry in.
    SignActor: "実施者", "actor";
    SignApprover: "許可者", "approver";
    SignWitness: "立会者", "witness";
    /// The person named by a failed passphrase attempt, which nobody signs.
    SignFailed: "認証失敗者", "failed";

    // The form 別紙様式第2, beyond its headings.
    NoUseRecorded: "記録された使用なし", "no use recorded";
    AllEntries: "記録（全エントリ）", "Entries";
    EntriesAndSignatures: "記録と署名", "Entries and signatures";
    UserSigned: "使用者", "User (signed)";
    ReceivedBackBy: "返却受領者", "Received back by";
    CopiedAt: "複製日時", "Copied at";
    /// The form's page of who received each row back and what the check on return found; a
    /// row points to it with ※ and its number.
    ReturnChecks: "返却時の確認", "Checks on return";

    // One line saying what an entry recorded.
    SumRegistered: "登録", "registered";
    SumUse: "使用開始", "use";
    SumReturned: "返却", "returned";
    SumCarryOut: "持出し", "carry-out";
    SumLoan: "貸出し", "loan";
    SumCopy: "複製", "copy";
    SumTransfer: "交付", "transfer";
    SumDestroyed: "破棄", "destroyed";
    SumNotVerifiable: "消去確認不能", "not verifiable";
    SumLost: "紛失", "lost";
    SumCorrection: "訂正", "correction";
    SumWrong: "誤", "wrong";
    SumRight: "正", "right";
    SumReason: "理由", "reason";
    SumDataPresent: "媒体内にデータあり（消去・確認まで再使用不可）", "data on the medium (not to be reused before a verified wipe)";
    CorrectedBy: "訂正", "corrected by";
    SumPut: "暗号化書込み", "encrypted onto the medium";
    SumFiles: "ファイル", "files";
    SumPutUnrecorded: "中断した書込みで未記録だったファイルも記録", "also recorded, left unrecorded by an interrupted put";
    SumGet: "復号読出し", "decrypted from the medium";
    SumWipeStarted: "消去開始", "wipe started";
    SumVaultErased: "暗号消去（鍵スロット破棄、要全面消去）", "crypto-erased (key slots destroyed; a full wipe is still required)";
    SumRekey: "失効者の鍵スロット削除（再鍵）", "revoked people's key slots removed (re-key)";
    SumInventoryCheck: "在庫確認", "inventory check";
    SumFound: "件読取り", "scanned";
    SumMissing: "所在不明", "missing";
    SumUnexpected: "想定外", "unexpected";
    SumOverdue: "期限超過", "overdue";
    SumWiped: "消去", "wiped";
    SumReadBack: "読戻し検証", "read back";
    WipePassed: "検証合格（消去確認済）", "verification passed (verified clean)";
    /// Why a wipe ended early, when the record gives no reason.
    WipeStopped: "中断", "stopped";
    SumNoDataCheck: "データ確認なし", "no data check";
    SumNoFilesSeen: "ファイルなし（ファイルシステム確認のみ、消去は未証明）", "no files seen (file-system look only; not proof of erasure)";
    SumLedgerCreated: "台帳作成", "ledger created";
    SumFirstAdmin: "総括者", "first admin";
    SumPersonAdded: "利用者追加", "added";
    SumPassphraseChanged: "パスフレーズ変更", "passphrase changed";
    SumNewKey: "新しい鍵", "new key";
    SumLockLifted: "ロック解除", "lock lifted";
    SumRequireToken: "トークン必須の役割", "roles whose keys must be on a token";
    SumOnToken: "鍵はトークン上", "key on token";
    SumRevoked: "利用者失効", "revoked";
    SumWrongPassphrase: "パスフレーズ誤り", "wrong passphrase";
    SumCommand: "コマンド", "command";
    /// Heads the summary of an entry that did not verify.
    Unverified: "【未検証】", "[UNVERIFIED]";

    // The kind of an entry in words (see [`Word::act`]).
    ActLedgerInit: "台帳作成", "ledger created";
    ActPersonAdd: "利用者追加", "person added";
    ActPersonPasswd: "パスフレーズ変更", "passphrase changed";
    ActPersonRevoke: "利用者失効", "person revoked";
    ActPersonRoles: "役割変更", "roles changed";
    ActExceptionGrant: "例外措置の許可", "exception granted";
    ActExceptionEnd: "例外措置の終了報告", "exception ended";
    Exceptions: "例外措置", "Exceptions";
    ExClause: "適用箇所（規程・条項）", "Clause";
    ExScope: "範囲", "Scope";
    ExPeriod: "期間", "Period";
    ExMeasures: "代替措置", "Measures instead";
    ExEndReport: "終了時の報告方法", "End report by";
    ExReason: "理由", "Reason";
    ExApplicant: "申請者", "Applicant";
    ExApprover: "許可権限者", "Approved by";
    ExGranted: "許可日時", "Granted";
    ExOrganisationWide: "例外措置は組織全体の記録です（拠点で絞り込みません）。", "Exceptions are the organisation's records (not filtered by site).";
    ExInForce: "適用中", "in force";
    ExNotYet: "開始前", "not begun";
    ExExpired: "期間満了（終了報告なし）", "expired (no end report)";
    ExEnded: "終了報告済", "ended (reported)";
    NoExceptions: "例外措置の記録はありません。", "No exception is recorded.";
    SumRolesChanged: "役割変更", "roles changed";
    ActPersonUnlock: "ロック解除", "lock lifted";
    ActAuthFailure: "認証失敗", "auth failure";
    ActRegister: "登録", "registered";
    ActCheckout: "使用", "checkout";
    ActReturn: "返却", "return";
    ActCarryOut: "持出し", "carry-out";
    ActLoan: "貸出し", "loan";
    ActCopy: "複製", "copy";
    ActTransfer: "交付", "transfer";
    ActDestroy: "破棄", "destruction";
    ActLost: "紛失", "lost";
    ActCorrect: "訂正", "correction";
    ColDataState: "データ", "Data";
    ActVaultRekey: "鍵スロット削除（再鍵）", "key slots removed (re-key)";
    ActWipeStart: "消去開始", "wipe started";
    ActWipe: "消去記録", "wipe record";
    ActVaultPut: "暗号化書込み", "vault put";
    ActVaultGet: "復号読出し", "vault get";
    ActVaultErase: "暗号消去", "vault erase";
    ActInventoryCheck: "在庫確認", "inventory check";

    // The inventory, overdue and stock-take lists.
    InventoryTitle: "媒体一覧", "Media inventory";
    OverdueTitle: "未返却・期限超過の媒体", "Media overdue";
    ColMedium: "媒体番号", "Medium";
    ColMarking: "格付", "Marking";
    ColData: "消去状態", "Data";
    ColHolder: "保持者", "Holder";
    ColSince: "開始", "Since";
    ColUntil: "期限", "Until";
    ColIssueKind: "区分", "Kind";
    ColAffiliation: "所属", "Affiliation";
    ColSite: "拠点", "Site";
    ColBorrower: "借受人", "Borrower";
    ColDue: "返却期限", "Due";
    ColOverdueBy: "超過", "Overdue by";
    ColFinding: "結果", "Finding";
    ColLedgerSays: "管理簿上の状態", "Ledger says";
    StocktakeTitle: "在庫確認", "Inventory check";
    /// What a scan shows: that a number was read, not that anyone checked the medium.
    StocktakeFound: "読取り", "scanned";
    FindingMissing: "所在不明（要報告）", "MISSING — report it";
    FindingUnexpected: "想定外（要確認）", "UNEXPECTED — check it";
    FindingOk: "保管庫にあり（読取り）", "in the store (scanned)";
    FindingOut: "持出し中（保持者に確認）", "out — confirm with the holder";
    FindingLost: "紛失として記録済", "recorded lost";
    SumOut: "持出し中", "out";
    /// The column where the checker ticks, by hand, each medium they looked at.
    ColChecked: "照合", "Checked";
    /// Who made the stock-take, as its printout names them.
    StocktakeChecker: "点検者", "Checked by";

    // Labels. The marking is a Japanese legal term: English labels keep it beside the translation.
    LabelHeading: "可搬記憶媒体 媒体番号", "Portable storage medium No.";
    LabelProtected: "保護すべき情報", "保護すべき情報 · PROTECTED";
    LabelRestriction: "取扱制限", "Handling";
    LabelsTitle: "媒体ラベル", "Medium labels";

    // The audit report.
    AuditTitle: "監査報告（ログの定期点検）", "Audit report (periodic log review)";
    LedgerSettingsAndPeople: "台帳・利用者管理", "Ledger settings and people";
    Period: "対象期間", "Period";
    EntriesInPeriod: "期間内のエントリ", "Entries in the period";
    NoEntriesInPeriod: "この期間の記録はありません", "no entries in this period";
    NoEntriesInPeriodSentence: "この期間の記録はありません。", "No entries in this period.";
    ByMedium: "媒体別", "By medium";
    ByPerson: "担当者別", "By person";
    EntriesByKind: "種別ごとの件数", "Entries by kind";
    Act: "種別", "Act";
    RecordName: "記録名", "Kind";
    Count: "件数", "Count";
    AuthFailures: "認証失敗", "Authentication failures";
    PeopleChanges: "利用者の追加・失効・パスフレーズ変更", "People added, revoked or changing passphrase";
    NoneLower: "なし", "none";
    NoneTitle: "なし", "None";
    Role: "役割", "Role";
    Medium: "媒体", "Medium";
    CsvMedium: "媒体番号", "medium";
    CsvSeq: "番号", "seq";
    CsvTime: "日時", "time";
    CsvKind: "種別", "kind";
    CsvSummary: "内容", "summary";
    RevokedSlotRemains: "失効者の鍵スロットが残っている:", "still holds a key slot for revoked";
    RevokedCanOpen: "失効者が開ける媒体", "Vaults a revoked person can open";

    // The incident report.
    IncidentTitle: "情報セキュリティ事故報告（可搬記憶媒体の紛失）", "Information security incident report: lost portable medium";
    IncidentTitleNotLost: "事故報告用の媒体記録（紛失の記録なし）", "Medium record for an incident report (not recorded as lost)";
    NoneLost: "紛失として記録されている媒体はありません。", "No medium is recorded as lost.";
    InStorageReceivedBack: "保管中（返却で受領）", "in storage, received back at entry";
    StepReportNow: "直ちに情報保証責任者（管理者）へ報告し、この報告書を添えて防衛省の契約担当官等へ届け出ること（000 12）。", "Report this at once to the information assurance officer and, with this report, to the Ministry of Defense contracting officer (000 12).";
    StepNotLost: "この媒体は紛失として記録されていない。所在が分からなければ直ちに紛失を記録すること（baitai lost）。", "This medium is not recorded as lost. If it cannot be found, record it at once with `baitai lost`.";
    StepCryptoErased: "暗号消去済みだが全面消去の記録はない：媒体上に残る暗号文の扱いを判断すること。", "The vault was crypto-erased but never wiped: decide how to treat the ciphertext left on it.";
    StepNoVault: "baitai による暗号化の記録がない：媒体上の情報はすべて漏えいしたものとして扱うこと。", "The ledger records no encrypted vault on it: treat everything on the medium as exposed.";
    StepIfFound: "見つかった場合は返却として受領し（baitai return）、消去確認まで再使用しないこと。", "If it is found, receive it with `baitai return` and do not reuse it until it is verified clean.";
    /// The word after a byte count.
    Bytes: "バイト", "bytes";
    BytesHeading: "バイト", "Bytes";
    StateNow: "現在の状態", "State now";
    ReportedBy: "報告者", "Reported by";
    ReportedAt: "報告日時", "Reported at";
    Circumstances: "状況", "Circumstances";
    FoundReceivedBy: "発見・受領", "Found, received by";
    LossReported: "紛失の報告", "Loss reported";
    NotRecordedLost: "なし（紛失として記録されていない）", "no (not recorded as lost)";
    LastHolder: "最後の保持者", "Last holder";
    HeldSince: "保持の開始", "Held since";
    NeverIssued: "なし（払出しの記録なし）", "none (never issued)";
    FileCount: "ファイル数", "Files";
    TotalSize: "合計サイズ", "Total size";
    Encrypted: "暗号化", "Encrypted";
    KeySlots: "鍵スロット保持者", "Key slots";
    PassphraseSlot: "パスフレーズスロット", "Passphrase slot";
    CryptoErased: "暗号消去", "Crypto-erased";
    NoVaultRecord: "記録なし", "no record of a vault";
    LossAndHolder: "紛失と保持者", "Loss and holder";
    DataOnIt: "保管データ（台帳の書込み記録による）", "Data on it, per the ledger's record of puts";
    FileName: "ファイル名", "File";
    TimeLine: "経過", "Time line";
    WhatNext: "次の対応", "What to do next";
    LostStatus: "紛失", "LOST";
    MediumNoLead: "媒体番号：", "Medium No. ";
    TheMedium: "媒体", "The medium";
    CsvMarking: "格付", "marking";
    CsvRestriction: "取扱制限", "restriction";
    CsvLabel: "ラベル", "label";
    CsvState: "状態", "state";
    CsvLastHolder: "最後の保持者", "last holder";
    CsvAffiliation: "所属", "affiliation";
    CsvReportedBy: "報告者", "reported by";
    CsvReportedAt: "報告日時", "reported at";
    CsvCircumstances: "状況", "circumstances";
    CsvFiles: "ファイル数", "files";
    CsvFileNames: "ファイル名", "file names";
    CsvCipher: "暗号方式", "cipher";
    CsvKeySlots: "鍵スロット保持者", "key slots";
    CsvPassphraseSlot: "パスフレーズスロット", "passphrase slot";
    CsvLedgerVerify: "台帳検証", "ledger verify";
    CsvHeadHash: "ヘッドハッシュ", "head hash";

    // Certificates of sanitization and destruction.
    RoleHandler: "取扱者", "handler";
    RoleCustodian: "管理者", "custodian";
    RoleWitness: "破棄立会者", "witness";
    RoleAdmin: "総括者", "admin";
    SanitizedBy: "消去実施者", "Sanitized by";
    ExecutedBy: "破棄実施者", "Executed by";
    WitnessedBy: "破棄立会者", "Witnessed by";
    ApprovedBy: "許可者", "Approved by";
    SignatureValid: "電子署名あり・有効", "digital signature present and valid";
    SignatureInvalid: "電子署名が無効", "digital signature INVALID";
    SignatureMissing: "電子署名なし", "digital signature MISSING";
    MediaUsb: "USB記憶媒体", "USB storage";
    MediaBlock: "ブロックデバイス", "block device";
    MediaImage: "イメージファイル（媒体の代替）", "image file standing in for a medium";
    MediaOther: "その他（装置の識別なし）", "other (no device identity)";
    Make: "製造者", "Make / vendor";
    Model: "型番", "Model";
    SerialNumber: "シリアル番号", "Serial number";
    Capacity: "容量", "Capacity";
    HandlingRestrictionLower: "取扱制限", "handling restriction";
    CertSanitization: "消去証明書", "Certificate of Sanitization";
    CertWipeFailed: "消去不合格記録（消去証明書ではない）", "Record of FAILED Sanitization (not a certificate)";
    CertWipeIncomplete: "消去未完了記録（消去証明書ではない）", "Record of INCOMPLETE Sanitization (not a certificate)";
    CertDestruction: "破棄証明書", "Certificate of Destruction";
    SubtitleWipe: "NIST SP 800-88 Rev.1 付録G の記録項目による", "with the fields of NIST SP 800-88 Rev.1 Appendix G";
    SubtitleDestruction: "可搬記憶媒体管理簿（別紙様式第2）の破棄の記録による", "from the destruction record of the media ledger (form 別紙様式第2)";
    MediaPropertyNumber: "媒体番号", "Media property number";
    MediaType: "媒体の種類", "Media type";
    SourceLastUser: "使用者（出所）", "Source (last user)";
    MediaInformation: "媒体", "Media information";
    Name: "氏名", "Name";
    AffiliationTitle: "所属・役職", "Affiliation / title";
    /// On certificates, in the spelling of NIST SP 800-88.
    Organization: "組織", "Organization";
    SigningKeyFingerprint: "署名鍵の指紋", "Signing-key fingerprint";
    PersonPerformingSanitization: "消去実施者", "Person performing sanitization";
    AfterSanitization: "消去後", "After sanitization";
    PostSanitizationClassification: "消去後の区分", "Post-sanitization classification";
    MediaDestination: "媒体の行先", "Media destination";
    DestroyedAt: "破棄日時", "Date / time";
    DestroyMethod: "破棄方法", "Method";
    VerifiedUnrestorableFirst: "破棄前の消去確認", "Data verified unrestorable first";
    DataStateBefore: "破棄前のデータ状態", "Data state before destruction";
    Destruction: "破棄", "Destruction";
    StartedIn: "消去開始の記録", "started in";
    LedgerEntry: "台帳記録", "Ledger entry";
    EntryHash: "記録のハッシュ", "Entry hash";
    LedgerHead: "台帳の先頭", "Ledger head";
    CertLedgerVerify: "台帳の検証", "ledger verify";
    WholeLedgerChecked: "全体を検証", "whole ledger checked";
    LedgerRecord: "台帳の記録", "Ledger record";
    MethodType: "消去の区分", "Method type";
    OverwriteNotPurge: "利用者がアドレスできる全領域の上書き。フラッシュの予備・代替ブロックなど装置が隠す領域には届かないため、パージ（Purge）ではない。", "An overwrite of every user-addressable location. It does not reach spare or remapped flash blocks the device hides, so it is not Purge.";
    MethodUsed: "消去方法", "Method used";
    Passes: "各パス", "Passes";
    CryptoErase: "暗号消去", "Crypto erase";
    ToolUsed: "使用ツール", "Tool used";
    StartedFinished: "開始・終了", "Started / finished";
    SanitizationDetails: "消去の内容", "Sanitization details";
    Verification: "検証", "Verification";
    VerificationMethod: "検証方法", "Verification method";
    BytesWritten: "書込みバイト数", "Bytes written";
    BytesVerified: "読戻し検証バイト数", "Bytes verified";
    MismatchedSectors: "不一致セクタ", "Mismatched sectors";
    Result: "結果", "Result";
    ResultPassed: "合格", "passed";
    ResultFailed: "不合格", "FAILED";
    ResultIncomplete: "未完了", "INCOMPLETE";
    PatternZero: "ゼロ", "zeros";
    PatternRandom: "乱数（ChaCha20）", "random (ChaCha20)";
    TransferredExternal: "交付（組織外）", "transferred (external)";
    NotYetDecided: "未定（印刷時の状態）", "not yet decided (state when printed)";
    NoBasis: "いいえ: 破棄前に消去を確認した記録はない", "No: no record shows the data unrestorable before destruction";
    Key: "鍵指紋", "key";
    Seal: "印", "seal";
    ValidatedBy: "確認者", "Validated by";
    ValidatedByHand: "確認者（手書き）", "Validated by (handwritten)";
    Date: "日付", "Date";
    SignatureSeal: "署名・印", "Signature / seal";

    // The sign-off under the audit, incident and stock-take reports.
    SignOff: "確認欄", "Sign-off";
    Reviewer: "点検者", "Reviewed by";
    Reporter: "報告者", "Reporter";
    Findings: "所見", "Findings";
}

impl Word {
    /// The kind of a ledger entry (`medium.return`) in words; `None` for a kind not listed.
    pub fn act(kind: &str) -> Option<Word> {
        Some(match kind {
            "ledger.init" => Word::ActLedgerInit,
            "person.add" => Word::ActPersonAdd,
            "person.passwd" => Word::ActPersonPasswd,
            "person.revoke" => Word::ActPersonRevoke,
            "person.roles" => Word::ActPersonRoles,
            "exception.grant" => Word::ActExceptionGrant,
            "exception.end" => Word::ActExceptionEnd,
            "person.unlock" => Word::ActPersonUnlock,
            "person.auth_failure" => Word::ActAuthFailure,
            "medium.register" => Word::ActRegister,
            "medium.checkout" => Word::ActCheckout,
            "medium.return" => Word::ActReturn,
            "medium.carry_out" => Word::ActCarryOut,
            "medium.loan" => Word::ActLoan,
            "medium.copy" => Word::ActCopy,
            "medium.transfer" => Word::ActTransfer,
            "medium.destroy" => Word::ActDestroy,
            "medium.lost" => Word::ActLost,
            "medium.correct" => Word::ActCorrect,
            "medium.wipe_start" => Word::ActWipeStart,
            "medium.wipe" => Word::ActWipe,
            "vault.put" => Word::ActVaultPut,
            "vault.get" => Word::ActVaultGet,
            "vault.erase" => Word::ActVaultErase,
            "vault.rekey" => Word::ActVaultRekey,
            "inventory.check" => Word::ActInventoryCheck,
            _ => return None,
        })
    }

    /// The capacity a person signs an entry in.
    pub fn sign_role(r: SignRole) -> Word {
        match r {
            SignRole::Actor => Word::SignActor,
            SignRole::Approver => Word::SignApprover,
            SignRole::Witness => Word::SignWitness,
        }
    }

    /// A person's role in the ledger, as a title.
    pub fn role(r: Role) -> Word {
        match r {
            Role::Handler => Word::RoleHandler,
            Role::Custodian => Word::RoleCustodian,
            Role::Witness => Word::RoleWitness,
            Role::Admin => Word::RoleAdmin,
        }
    }

    /// What kind of thing a medium is.
    pub fn media_kind(k: MediaKind) -> Word {
        match k {
            MediaKind::Usb => Word::MediaUsb,
            MediaKind::Block => Word::MediaBlock,
            MediaKind::Image => Word::MediaImage,
            MediaKind::Other => Word::MediaOther,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for w in Word::ALL {
            assert!(!w.ja().is_empty() && !w.en().is_empty(), "{w:?}");
        }
    }

    #[test]
    fn no_two_names_for_one_pair() {
        let mut seen = std::collections::HashMap::new();
        for w in Word::ALL {
            if let Some(other) = seen.insert((w.ja(), w.en()), *w) {
                // Entry kinds are a table of their own: the act of an entry may read like the
                // line that summarises it.
                let act = |w: Word| format!("{w:?}").starts_with("Act");
                assert!(act(*w) != act(other), "{other:?} and {w:?} are one pair");
            }
        }
    }

    #[test]
    fn kinds_and_states() {
        assert_eq!(Word::act("medium.wipe").map(Word::ja), Some("消去記録"));
        assert_eq!(Word::act("person.bogus"), None);
        assert_eq!(Lang::Ja.state("lost"), "紛失");
        assert_eq!(Lang::En.state("lost"), "lost");
        assert_eq!(
            Lang::En.w(Word::LabelProtected),
            "保護すべき情報 · PROTECTED"
        );
    }
}

//! The core crate's messages in Japanese and English: the lifecycle's refusals, and the errors
//! of the model, cryptography, times and files; with the error prefixes of [`crate::error`].

use crate::model::Role;
use crate::text::{Localized, Template, Text};
use crate::words::{Lang, Word};

/// A word of the printouts' catalogue, said in the screen's language.
#[derive(Debug)]
struct WordText(Word);

impl Localized for WordText {
    fn in_lang(&self, lang: Lang) -> String {
        lang.w(self.0).to_string()
    }
}

/// A state's name (`in-storage`, `verified-clean`, `carry-out`) as [`Lang::state`] gives it,
/// so a message names a state as the printouts do.
#[derive(Debug)]
struct StateText(&'static str);

impl Localized for StateText {
    fn in_lang(&self, lang: Lang) -> String {
        lang.state(self.0).to_string()
    }
}

/// Roles as a list: `handler,custodian`, `取扱者、管理者`.
#[derive(Debug)]
struct RolesText(Vec<Role>);

impl Localized for RolesText {
    fn in_lang(&self, lang: Lang) -> String {
        let sep = match lang {
            Lang::Ja => "、",
            Lang::En => ",",
        };
        self.0
            .iter()
            .map(|r| lang.w(Word::role(*r)))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// A message, `: `, and what a library or the operating system said (the same in both).
pub(crate) fn with_cause(m: Msg, cause: impl std::fmt::Display) -> Text {
    Text::from(m).then(": ", Text::plain(cause.to_string()))
}

/// A word of the printouts as a value of a message.
pub fn word(w: Word) -> Text {
    Text::message(WordText(w))
}

/// A state's name (as `Holding::as_str` and `Cleanliness::as_str` give it) as a value of a
/// message, in the words the printouts use.
pub fn state(s: &'static str) -> Text {
    Text::message(StateText(s))
}

/// A role's title as a value of a message.
pub fn role(r: Role) -> Text {
    word(Word::role(r))
}

/// Roles as a value of a message.
pub fn roles(rs: impl IntoIterator<Item = Role>) -> Text {
    Text::message(RolesText(rs.into_iter().collect()))
}

crate::messages! {
    pub enum Msg {
        // What was being done when the operating system failed (an I/O error's context),
        // shared by every crate.
        IoOpen { path }: "{path} を開く処理", "open {path}";
        IoLookAt { path }: "{path} の確認", "look at {path}";
        IoCreate { path }: "{path} の作成", "create {path}";
        // The lifecycle of a medium.
        /// A site's medium whose number lacks the site's code.
        SiteNumber { number, site }: "{number} は拠点 {site} の媒体ですが、媒体番号が {site}- で始まっていません", "{number} is registered to site {site} but does not start with {site}-";
        /// The number is registered already.
        AlreadyRegistered { number }: "媒体番号 {number} は登録済みです", "{number} is already registered";
        /// No medium has this number.
        NoMedium { number }: "媒体番号 {number} は台帳にありません", "no medium {number}";
        /// A destroyed or transferred medium.
        Closed { number, state }: "媒体 {number} は{state}のため、これ以上記録できません", "{number} is {state}: nothing more can be recorded for it";
        /// A return of a medium that is not out.
        NotOut { number, state }: "媒体 {number} は{state}であり、持ち出されていません", "{number} is {state}, not out";
        /// The medium is out with someone else.
        OutWithOther { number, holder, actor }: "媒体 {number} の保持者は {holder} であり、{actor} ではありません", "{number} is out with {holder}, not with {actor}";
        /// A copy recorded where the medium is not at a destination.
        CopyNotAtDestination { number, state }: "複製は持出し先又は貸出し先で記録します。媒体 {number} は{state}です", "copies are recorded at a carry-out or loan destination; {number} is {state}";
        /// A transfer from neither storage nor the holder.
        TransferNotInHand { number, state }: "媒体 {number} は{state}です。交付は保管中又は保持者の手元から行います", "{number} is {state}; a transfer starts from storage or from its holder";
        /// A write to a medium that is not out.
        PutNotOut { number, state }: "媒体 {number} は{state}です。書き込む前に使用（又は持出し）の手続をしてください", "{number} is {state}: check it out (or carry it out) before writing to it";
        /// An erase of a medium that is not back.
        EraseNotBack { number, state }: "媒体 {number} は{state}です。返却後に暗号消去してください", "{number} is {state}; erase it once it is back";
        /// A loss report by someone without the role.
        LostRole { name, id }: "{name}（{id}）は紛失を報告できません。取扱者又は管理者の役割が必要です", "{name} ({id}) cannot report media lost: that needs the handler or custodian role";
        /// A loss reported twice.
        AlreadyLost { number }: "媒体 {number} は既に紛失として報告されています", "{number} is already reported lost";
        /// A correction leaves a field empty.
        CorrectionSays { what }: "訂正には{what}を記載してください", "a correction says {what}";
        /// What was wrong, as a correction's field.
        CorrectionWrong: "誤りの内容", "what was wrong";
        /// What is right, as a correction's field.
        CorrectionRight: "正しい内容", "what is right";
        /// Why, as a correction's field.
        CorrectionWhy: "訂正の理由", "why";
        /// A correction that names no earlier entry of its medium.
        CorrectionEntry { entry, number }: "記録 {entry} は媒体 {number} のこれより前の記録ではありません（訂正できるのは同じ媒体の記録であり、訂正の記録は訂正できません）", "entry {entry} is not an earlier entry of {number} (a correction names an entry of the same medium, never a correction)";
        /// Data found on a closed medium.
        CorrectionClosed { number, state }: "媒体 {number} は{state}のため、記録の訂正のみできます", "{number} is {state}: only the record can be corrected";
        /// Data found twice.
        CorrectionHasData { entry, number }: "記録 {entry} には、既に媒体 {number} のデータありが記録されています", "entry {entry} already records data on {number}";
        /// Data found corrects only a return.
        CorrectionNotReturn { entry, number }: "記録 {entry} は返却の記録ではありません。媒体 {number} でのデータ発見は、それを見落とした返却の記録を訂正するものです", "entry {entry} is not a return: data found on {number} corrects the return that missed it";
        /// A later entry decides what is known of the data.
        CorrectionSuperseded { entry, number, later }: "媒体 {number} のデータの有無は、記録 {entry} ではなく後の記録 {later} で定まっています。記録 {later} を訂正するか、媒体を消去してください", "entry {entry} of {number} no longer decides what is known of its data: entry {later} does; correct that one, or wipe the medium";
        /// Data found on a medium that may not be issued already.
        CorrectionGated { number, state }: "媒体 {number} は{state}のため、既に払出しができない状態です", "{number} is {state}: it already may not be issued";
        /// A re-key that re-addresses a slot it may not.
        RekeyNotOnToken { person }: "{person} は鍵をトークンに置く有効な利用者ではありません。宛先を変更できるのはそのような利用者のスロットのみです", "{person} is not an active person whose key is on a token: only such a slot is re-addressed";
        /// A re-key that removes a slot of someone not revoked.
        RekeyNotRevoked { person }: "{person} は失効した利用者ではありません。削除できるのは失効者の鍵スロットのみです", "{person} is not a revoked person: only a revoked person's slot is removed";
        /// A re-key of a medium that is not back.
        RekeyNotBack { number, state }: "媒体 {number} は{state}です。返却後に暗号化領域の再鍵を行ってください", "{number} is {state}; re-key its vault once it is back";
        /// An issue of a medium that is out already.
        AlreadyOut { number, kind, holder }: "媒体 {number} は既に{kind}中です（保持者 {holder}）", "{number} is already out ({kind}) with {holder}";
        /// An issue of a medium that is lost or gone.
        IsState { number, state }: "媒体 {number} は{state}です", "{number} is {state}";
        /// The reuse gate: a failed wipe.
        GateWipeFailed { number }: "媒体 {number} は消去の検証に不合格となったため、破棄しなければなりません", "{number} failed wipe verification and must be destroyed";
        /// The reuse gate: an unfinished wipe.
        GateWipeIncomplete { number }: "媒体 {number} の消去は完了していません。再使用の前に改めて消去し、確認してください（000 10(4)ウ）", "{number} has an unfinished wipe; wipe it again and verify before reuse (000 10(4)ウ)";
        /// The reuse gate: data found on return.
        GateDataPresent { number }: "媒体 {number} はデータが残ったまま返却されました。再使用の前に消去し、確認してください（000 10(4)ウ）", "{number} was returned with data on it; wipe it and verify before reuse (000 10(4)ウ)";
        /// The reuse gate: not verified clean since the return.
        GateUnverified { number }: "媒体 {number} は返却後に消去が確認されていません。再使用の前に消去し、確認してください（000 10(4)ウ）", "{number} has no verified clean state since it came back; wipe it and verify before reuse (000 10(4)ウ)";
        /// Approving one's own request.
        OwnApproval { person }: "{person} は自身の申請を許可できません", "{person} cannot approve their own request";
        /// A period that ends before it starts.
        PeriodBackwards { until }: "期間の終了（{until}）が開始より前です", "the period ends ({until}) before it starts";
        /// A period's end that is not a time.
        PeriodNotTime { until }: "期間の終了 {until} は日時として読めません", "the period end {until} is not a time";
        /// Witnessing one's own destruction.
        OwnWitness { person }: "{person} は自身の破棄に立ち会えません（二者確認）", "{person} cannot witness their own destruction (two-person rule)";
        /// A destruction of a medium that is not back.
        DestroyNotBack { number, state }: "媒体 {number} は{state}です。破棄は、返却を受けて保管中とした後に行ってください", "{number} is {state}; it must be back in storage to be destroyed";
        /// A destruction before a verified wipe.
        DestroyUnverified { number, state }: "媒体 {number} は{state}です。破棄の前にデータが復元できないこと（消去の確認）を確かめるか、読み取れない媒体であれば --unverifiable REASON で理由を記載してください（000 10(4)ウ）", "{number} is {state}: check that its data cannot be restored (a verified wipe) before destroying it, or give --unverifiable REASON for a medium that cannot be read (000 10(4)ウ)";
        /// A wipe of a medium that is not back.
        WipeNotBack { number, state }: "媒体 {number} は{state}です。消去は、返却を受けて保管中とした後に行ってください", "{number} is {state}; it must be back in storage to be wiped";
        /// A wipe of a medium that failed verification.
        WipeOfFailed { number }: "媒体 {number} は消去の検証に不合格となっています。書き込んだ内容を保持しないため、どの消去も信頼できません。破棄してください", "{number} failed wipe verification: it does not hold what is written to it, so no wipe can be trusted; destroy it";
        /// A wipe's end with no start.
        NoWipeStarted { number }: "媒体 {number} には、終了を記録すべき実施中の消去がありません", "{number} has no wipe in progress to record the end of";
        /// A wipe record that does not match its start.
        WipeMismatch { person, number }: "消去の記録が、{person} が媒体 {number} で開始した消去と一致しません", "the wipe record does not match the wipe {person} started on {number}";
        /// A wipe record whose result does not follow from its passes.
        WipeInconsistent { result }: "消去の記録の結果（{result}）が各パスの結果と合いません", "the wipe record's result ({result}) does not follow from its passes";
        /// A wipe that does not cover the registered capacity.
        WipeCapacity { number, registered, seen }: "媒体 {number} は容量 {registered} バイトで登録されています。{seen} バイトの消去では全体を消去できません", "{number} was registered with {registered} bytes; a wipe of {seen} bytes does not cover it";
        /// A wipe of nothing.
        WipeEmpty: "容量 0 バイトの媒体は消去できません", "a medium of 0 bytes cannot be wiped";
        /// A medium's entry with no medium.
        MustNameMedium: "この記録には媒体番号を記載してください", "this entry must name a medium";
        /// A re-key that changes nothing.
        RekeyNothing: "再鍵では、少なくとも一つの鍵スロットを削除するか、宛先を変更してください", "a re-key removes or re-addresses at least one slot";
        /// A ledger entry that names a medium.
        NotAboutMedium: "この種類の記録は台帳又は保管庫に関するもので、個々の媒体に関するものではありません", "this kind of entry is about the ledger or the store, not one medium";

        // People.
        /// No person has this ID.
        NoPerson { id }: "利用者 {id} は台帳にありません", "no person {id}";
        /// A revoked person acts.
        RevokedPerson { name, id }: "{name}（{id}）は失効しており、操作できません", "{name} ({id}) is revoked and can no longer act";
        /// A person lacks the role for a duty.
        NeedsRole { name, id, duty, role, has }: "{name}（{id}）は{duty}を行えません。{role}の役割が必要です（保有する役割: {has}）", "{name} ({id}) cannot {duty}: that needs the {role} role (has: {has})";
        /// An entry with no actor.
        NoActor: "記録には実施者を記載してください", "every entry names who made it";
        /// The ledger is initialised twice.
        AlreadyInitialised: "台帳は既に初期化されています", "the ledger is already initialised";
        /// The ledger is created by someone else.
        InitByFirstAdmin: "台帳は最初の総括者 P0001 が作成します", "the ledger is created by its first admin, P0001";
        /// A person revoked twice.
        AlreadyRevoked { name, id }: "{name}（{id}）は既に失効しています", "{name} ({id}) is already revoked";
        /// Revoking the last admin.
        LastAdmin: "最後の有効な総括者は失効させられません。先に別の総括者を追加してください", "cannot revoke the last active admin: add another admin first";
        /// A medium's entry that names no medium.
        NeedsMedium: "この種類の記録は個々の媒体に関するものです。媒体番号を記載してください", "this kind of entry is about one medium and must name it";
        /// Changing someone else's passphrase.
        OwnPassphrase: "パスフレーズを変更できるのは本人のみです", "a person changes only their own passphrase";
        /// A move to a token with no key.
        TokenNeedsKey: "トークンへの移行には、トークン上で作成した新しい鍵を記載してください", "a move to a token names the new key made on it";
        /// A move to a token without approval.
        TokenNeedsApproval: "トークンへの移行には総括者の承認が必要です（--approver ADMIN）", "a move to a token needs an admin's approval (--approver ADMIN)";
        /// Approving one's own key change.
        OwnKeyChange: "自身の鍵の変更は承認できません", "a person cannot approve their own key change";
        /// A new key without approval.
        KeyNeedsApproval: "新しい鍵には総括者の承認が必要です（--approver ADMIN）", "a new key needs an admin's approval (--approver ADMIN)";
        /// Changing one's own roles.
        OwnRoles: "総括者は自身の役割を変更できません。別の総括者が変更します", "an admin does not change their own roles: another admin does";
        /// Taking every role away.
        KeepsARole: "利用者には少なくとも一つの役割が必要です", "a person keeps at least one role";
        /// Taking the admin role from the last admin.
        LastAdminRole: "最後の有効な総括者から総括者の役割は外せません。先に別の総括者を追加してください", "cannot take the admin role from the last active admin: add another admin first";
        /// Approving one's own exception.
        OwnException: "例外措置は申請者以外の者が許可します", "an exception is approved by someone other than its applicant";
        /// An exception leaves a field empty.
        ExceptionStates { what }: "例外措置には{what}を記載してください", "an exception states {what}";
        ExceptionClause: "適用箇所（規程・条項）", "the clause";
        ExceptionScope: "範囲", "the scope";
        ExceptionMeasures: "代替措置", "the measures taken instead";
        ExceptionEndReportHow: "終了時の報告方法", "how its end is reported";
        ExceptionReason: "理由", "the reason";
        /// An exception's period that ends before it starts.
        ExceptionPeriodBackwards: "例外措置の期間の終了が開始より前です", "the exception's period ends before it starts";
        /// An exception's period that is not two times.
        ExceptionPeriodNotTimes: "例外措置の期間が二つの日時になっていません", "the exception's period is not two times";
        /// An end that names no exception.
        NotAnException { entry }: "記録 {entry} は例外措置ではありません", "entry {entry} is not an exception";
        /// An exception ended twice.
        ExceptionEnded { entry }: "例外措置 {entry} は既に終了しています", "exception {entry} has already ended";
        /// An end reported by someone else.
        ExceptionEndBy: "例外措置の終了は申請者又は総括者が報告します", "an exception's end is reported by its applicant or an admin";
        /// An end report that says nothing.
        ExceptionEndReport: "終了報告には実施した内容を記載してください", "an end report says what was done";
        /// A role whose keys must be on a token.
        TokenRequired { name, id, role }: "{name}（{id}）は{role}であり、この台帳では{role}の鍵をトークンに置く必要があります。`baitai person token {id}` で移行してください", "{name} ({id}) is a {role} and this ledger requires a {role}'s key to be on a token; move it there with `baitai person token {id}`";
        /// A token key with two different public keys.
        TokenOneKey: "トークン上の鍵は一つの鍵ペアで署名と鍵共有を行うため、二つの公開鍵は同じでなければなりません", "a key on a token signs and agrees keys with one key pair: its two public keys must be the same";
        /// A failed attempt against someone else.
        AuthFailureOther: "認証失敗は失敗した本人について記録します", "a failed attempt is recorded against the person who failed";
        /// A failed attempt naming a command baitai does not record.
        AuthFailureCommand { command }: "baitai が記録しないコマンド（{command}）を記載しています", "names a command baitai does not record ({command})";
        /// People added before the ledger is initialised.
        NotInitialised: "台帳が初期化されていません", "the ledger has not been initialised";
        /// A person ID out of order.
        PersonIdOrder { expected }: "利用者 ID は順に割り当てます。次は {expected} です", "person IDs are assigned in order: expected {expected}";
        /// A person added without a role.
        NeedsARole: "利用者には役割が一つ以上必要です", "a person needs at least one role";
        /// A name used twice.
        NameUsed { name, other }: "氏名 {name} は既に {other} が使用しています", "the name {name} is already used by {other}";

        // The model, cryptography, times and files.
        /// A site code that is not 1–12 letters or digits.
        SiteCode { code, max }: "拠点コード {code} は 1～{max} 文字の英数字で指定してください（例: TKY）", "site {code} must be 1–{max} letters or digits, like TKY";
        /// A classification level out of range.
        ClassificationRange: "格付が範囲外です。機密性 C1～C3、完全性 I1～I2、可用性 A1～A2 で指定してください", "classification out of range: confidentiality C1–C3, integrity I1–I2, availability A1–A2";
        /// A level that cannot be read.
        NotALevel { value, letter, max }: "{value} は格付のレベルとして読めません。{letter}1～{letter}{max} で指定してください", "{value} is not a level: use {letter}1…{letter}{max}";
        /// An entry that cannot be written as JSON.
        EncodeEntry: "記録を符号化できません", "cannot encode entry";
        /// An entry body of the wrong shape.
        EncodeShape: "記録の本体が kind と data の形に符号化されませんでした", "entry body did not encode as kind + data";
        /// A stored payload that is not JSON.
        PayloadNotJson: "記録の内容が JSON ではありません", "entry payload is not JSON";
        /// A stored payload that does not fit its kind.
        PayloadMalformed { kind }: "種別 {kind} の記録の内容が不正です", "entry payload of kind {kind} is malformed";
        /// The cipher refuses to seal.
        CannotSeal: "暗号化できませんでした（入力が長すぎるか、メモリが不足しています）", "the cipher refused to seal (input too long or out of memory)";
        /// Key derivation parameters past their bounds.
        KdfRange { params }: "鍵導出のパラメータが範囲外です: {params}", "key derivation parameters out of range: {params}";
        /// Key derivation parameters Argon2 refuses.
        KdfBad: "鍵導出のパラメータが不正です", "bad key derivation parameters";
        /// Key derivation that failed.
        KdfFailed: "鍵導出に失敗しました", "key derivation failed";
        /// A passphrase that is too short.
        PassphraseShort { chars, min }: "パスフレーズが短すぎます（空白を除いて {chars} 文字です。{min} 文字以上必要です）", "passphrase too short: {chars} characters besides spaces, at least {min} required";
        /// A passphrase that is too simple.
        PassphraseSimple { classes, min }: "パスフレーズが単純すぎます（英大文字・英小文字・数字・記号のうち {classes} 種類しか使われていません。{min} 種類以上必要です）", "passphrase too simple: it uses {classes} of upper case, lower case, digits and symbols; at least {min} required";
        /// A passphrase file with an odd number of UTF-16 bytes.
        FileOddUtf16: "UTF-16 のように始まりますが、バイト数が奇数です", "it starts like UTF-16 but has an odd number of bytes";
        /// A passphrase file with a broken UTF-16 character.
        FileBrokenUtf16: "UTF-16 ですが、壊れた文字を含んでいます", "it is UTF-16 with a broken character";
        /// A passphrase file with a UTF-8 mark that is not UTF-8.
        FileBadUtf8Bom: "UTF-8 のバイト順マークで始まりますが、UTF-8 ではありません", "it starts with a UTF-8 byte-order mark but is not UTF-8";
        /// A passphrase file in neither encoding.
        FileEncoding: "UTF-8 でも、バイト順マーク付きの UTF-16 でもありません。UTF-8 で保存してください", "it is neither UTF-8 nor UTF-16 with a byte-order mark: save it as UTF-8";
        /// A sealed key that is damaged.
        SealedKey { what }: "封印された鍵: {what}", "sealed key: {what}";
        /// A sealed key of an unknown version.
        SealedVersion: "不明な版です", "unknown version";
        /// A sealed key whose salt is not hex.
        SealedSaltHex: "ソルトが16進数ではありません", "salt is not hex";
        /// A sealed key whose salt is too short.
        SealedSaltShort: "ソルトが短すぎます", "salt too short";
        /// A sealed key whose nonce is not hex.
        NonceHex: "ナンスが16進数ではありません", "nonce is not hex";
        /// A sealed key whose nonce has the wrong length.
        NonceLength: "ナンスの長さが不正です", "wrong nonce length";
        /// A sealed key whose ciphertext is not hex.
        CiphertextHex: "暗号文が16進数ではありません", "ciphertext is not hex";
        /// Sealing a signing key that failed.
        SealFailed: "署名鍵の封印に失敗しました", "sealing the signing key failed";
        /// A stored signing key that cannot be read.
        SigningKeyMalformed: "保存されている署名鍵が不正です", "stored signing key is malformed";
        /// Signing that failed.
        SigningFailed: "署名に失敗しました", "signing failed";
        /// A public key that is not on the curve.
        NotP256: "公開鍵が P-256 の点ではありません", "public key is not a P-256 point";
        /// A public key that is not hex.
        PublicKeyHex: "公開鍵が16進数ではありません", "public key is not hex";
        /// A stored time that cannot be read.
        StoredTime { time }: "保存されている日時 {time} が不正です", "stored time {time} is malformed";
        /// An unknown time zone.
        UnknownZone { zone }: "タイムゾーン {zone} は不明です", "unknown time zone {zone}";
        /// A time a person typed that cannot be read.
        BadTime { time }: "日時 {time} を読み取れません。YYYY-MM-DD、\"YYYY-MM-DD HH:MM\" 又は RFC 3339 の形式で指定してください", "cannot read the time {time}: use YYYY-MM-DD, \"YYYY-MM-DD HH:MM\" or RFC 3339";
        /// A file that cannot be written.
        WriteFile { path }: "{path} に書き込めません", "write {path}";
        /// A temporary file that cannot be made in a directory.
        WriteIn { path }: "{path} にファイルを作成できません", "write in {path}";
        /// A file whose access cannot be restricted.
        Restrict { path }: "{path} のアクセス権を制限できません", "restrict {path}";
        /// A file that cannot be replaced.
        Replace { path }: "{path} を置き換えられません", "replace {path}";
        /// A file that cannot be flushed.
        Flush { path }: "{path} をディスクに書き出せません", "flush {path}";
        /// A directory that cannot be flushed.
        SyncDir { path }: "ディレクトリ {path} をディスクに書き出せません", "sync {path}";
        /// A language that is neither ja nor en.
        Language { lang }: "言語 {lang} は ja 又は en で指定してください", "language {lang} must be ja or en";

        // Duties, as a refusal for a missing role names them.
        DutyAddPeople: "利用者の追加", "add people";
        DutyApproveKey: "鍵の変更の承認", "approve a key change";
        DutyApproveExceptions: "例外措置の許可", "approve exceptions";
        DutyApprove: "許可", "approve";
        DutyCarryOut: "媒体の持出し", "carry media out";
        DutyChangeRoles: "役割の変更", "change roles";
        DutyInventory: "在庫確認", "check the inventory";
        DutyCopy: "持出し先・貸出し先での複製", "copy data at the destination";
        DutyCorrect: "記録の訂正", "correct entries";
        DutyDestroy: "媒体の破棄", "destroy media";
        DutyErase: "暗号化領域の暗号消去", "erase vaults";
        DutyLend: "媒体の貸出し", "lend media";
        DutyUnlock: "ロック解除", "lift a lock";
        DutyRekey: "暗号化領域の再鍵", "re-key vaults";
        DutyReturn: "媒体の返却の受領", "receive media back";
        DutyRegister: "媒体の登録", "register media";
        DutyRevoke: "利用者の失効", "revoke people";
        DutyRequireToken: "トークン必須の役割の設定", "set which roles need a token";
        DutyUse: "媒体の使用", "take media out for use";
        DutyTransfer: "媒体の交付", "transfer media";
        DutyWipe: "媒体の消去", "wipe media";
        DutyWitness: "破棄の立会い", "witness destruction";
        DutyPut: "媒体への保護ファイルの書込み", "write protected files to media";
    }
}

/// This crate's messages (with the error prefixes and hints), for the workspace's catalogue
/// test.
pub const TEMPLATES: &[&[Template]] = &[Msg::TEMPLATES, crate::error::Msg::TEMPLATES];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_both_languages() {
        let p = crate::text::catalogue_problems(TEMPLATES);
        assert!(p.is_empty(), "{}", p.join("\n"));
    }

    #[test]
    fn refusals_read_in_japanese_with_the_printouts_words() {
        let t = Text::from(Msg::NotOut {
            number: "USB-2026-0001".into(),
            state: state("in-storage"),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "媒体 USB-2026-0001 は保管中であり、持ち出されていません"
        );
        assert_eq!(t.to_string(), "USB-2026-0001 is in-storage, not out");
        let r = Text::from(Msg::NeedsRole {
            name: "山田".into(),
            id: "P0002".into(),
            duty: Msg::DutyDestroy.into(),
            role: role(Role::Custodian),
            has: roles([Role::Handler, Role::Witness]),
        });
        assert_eq!(
            r.in_lang(Lang::Ja),
            "山田（P0002）は媒体の破棄を行えません。管理者の役割が必要です（保有する役割: 取扱者、破棄立会者）"
        );
        assert_eq!(
            r.to_string(),
            "山田 (P0002) cannot destroy media: that needs the custodian role (has: handler,witness)"
        );
    }
}

//! The application layer's messages in Japanese and English: who and which medium is meant,
//! passphrases and tokens, which stick is in hand, vault files, wipes and ledger checks.

// A message's fields are the values its templates name, documented by the templates.
#![allow(missing_docs)]

baitai_core::messages! {
    pub enum Msg {
        /// The thread deriving a key from a passphrase stopped without an answer.
        KeyDerivationStopped: "鍵導出の処理が途中で停止しました", "the key derivation stopped unexpectedly";
        /// Looking people and media up.
        NoPerson { name, hint }: "利用者「{name}」は台帳にありません{hint}（`baitai person list` を参照）", "no person \"{name}\" in the ledger{hint} (see `baitai person list`)";
        DidYouMean { names }: "。{names}のことですか", "; did you mean {names}?";
        PersonNamed { name, id }: "{name}（{id}）", "{name} ({id})";
        OrMore { list, item }: "{list}又は{item}", "{list} or {item}";
        NoMedium { medium }: "媒体番号 {medium} は台帳にありません（`baitai medium list` を参照）", "no medium {medium} in the ledger (see `baitai medium list`)";

        MustNotBeEmpty { flag }: "{flag} を空にすることはできません", "{flag} must not be empty";
        OneLine { flag }: "{flag} は制御文字を含まない 1 行で指定してください", "{flag} must be one line without control characters";
        /// Passphrases, PINs and locks.
        NoTokenPin { label }: "トークン {label} の PIN がありません。--token-pin-file FILE を指定してください", "no PIN for the token {label}: give --token-pin-file FILE";
        WrongPassphraseFor { name, id }: "{name}（{id}）のパスフレーズが違います。この失敗は台帳に記録しました", "wrong passphrase for {name} ({id}); the failed attempt is recorded";
        WrongPinFor { name, id }: "{name}（{id}）の PIN が違います。この失敗は台帳に記録しました", "wrong PIN for {name} ({id}); the failed attempt is recorded";
        Locked { name, id, failures, until }: "{name}（{id}）はパスフレーズの誤りが {failures} 回続いたため、{until} までロックされています。総括者が `baitai person unlock {id}` で解除できます", "{name} ({id}) is locked after {failures} failed passphrase attempts, until {until}; an admin can lift it with `baitai person unlock {id}`";
        StoredKeyMismatch { id }: "保存されている {id} の鍵が、台帳にある本人の公開鍵と一致しません", "the stored key of {id} does not match their public key in the ledger";
        /// Setting the ledger and people up.
        LedgerExists { path }: "{path} には既に台帳があります", "a ledger already exists at {path}";
        IdLikeName { name }: "{name} は利用者 ID のように見えます。氏名を指定してください", "{name} looks like a person ID; give the person's name";
        BadPrefix { prefix }: "媒体番号の接頭辞 {prefix} は、USB のように 1～12 文字の英大文字又は数字で指定してください", "medium prefix {prefix} must be 1–12 upper-case letters or digits, like USB";
        BadLang { lang }: "言語 {lang} は ja（日本語）又は en（英語）で指定してください", "language {lang} must be ja or en";
        BadDayEnd { value }: "終業時刻 {value} は HH:MM で指定してください", "end of day {value} must be HH:MM";
        NameLikeAnother { name, other, id }: "氏名「{name}」は {other}（{id}）の氏名を別の表記で入力したものです。新しい利用者には別の氏名を付けてください", "the name \"{name}\" is {other} ({id}) typed another way; give the new person a name of their own";
        KeyOnTokenNoPassphrase { name, id }: "{name}（{id}）の鍵はトークン上にあるため、変更するパスフレーズはありません（トークンの PIN はトークン付属のツールで変更します）", "the key of {name} ({id}) is on a token: there is no passphrase to change (the token's PIN is changed with the token's own tools)";
        KeyOnTokenAlready { name, id }: "{name}（{id}）の鍵は既にトークン上にあります", "the key of {name} ({id}) is on a token already";
        /// Registering a device.
        Indistinguishable { medium }: "この装置にはシリアル番号がなく、USB ID と容量も {medium} と同じです。両者を区別できないため、装置の識別情報で登録できるのはいずれか一方のみです", "this device has no serial number and the same USB IDs and capacity as {medium}: the two cannot be told apart, so only one of them can be registered by identity";
        DeviceRegistered { medium }: "この装置は既に {medium} として登録されています", "this device is already registered as {medium}";
        NoRegistration { medium }: "{medium} に登録の記録がありません", "{medium} has no registration entry";
        /// Which stick is in hand.
        VaultCopiedFrom { named }: "その暗号化領域には {named} と記されています。{named} から複製されたものです", "the vault on it names {named}: it was copied from {named}";
        NotThisMedium { named, other }: "{named} ではありません。この媒体に書き込むには --medium {other} を指定するか、{named} をマウントしてください", "not {named}: give --medium {other} to write to it, or mount {named}";
        MountedIsOther { path, other, why }: "{path} にマウントされている媒体は {other} です。{why}", "the medium mounted at {path} is {other}; {why}";
        VaultNamesOther { vault, medium }: "暗号化領域には媒体 {vault} と記されており、{medium} ではありません", "the vault names medium {vault}, not {medium}";
        VaultNotRecorded { found, medium, recorded, entry }: "媒体上の暗号化領域（ID {found}）は、台帳が {medium} に記録している暗号化領域（ID {recorded}、記録 #{entry}）ではありません。他から複製されたか、差し替えられています", "the vault on the medium (ID {found}) is not the one the ledger records on {medium} (ID {recorded}, entry #{entry}): it was copied from elsewhere or replaced";
        RekeyUnfinished { medium, entry }: "{medium} の暗号化領域の再鍵は記録されています（記録 #{entry}）が、媒体上では完了していません。管理者が `baitai vault rekey` を実行して完了させてください", "the re-key of the vault on {medium} is recorded (entry #{entry}) but was not finished on the medium: a custodian runs `baitai vault rekey` on it to finish it";
        RolledBack { version, writer, medium, entry, recorded_writer }: "暗号化領域のマニフェスト（版 {version}、署名者 {writer}）は、台帳が {medium} に最後に記録したもの（記録 #{entry}、{recorded_writer}）ではありません。巻き戻されたか、署名し直されています", "the vault's manifest (version {version}, signed by {writer}) is not the one the ledger last recorded on {medium} (entry #{entry} by {recorded_writer}): it was rolled back or re-signed";
        UnrecordedVault { medium, version, writer }: "台帳には {medium} の暗号化領域の記録がありませんが、媒体には暗号化領域があります（版 {version}、署名者 {writer}）", "the ledger records no vault on {medium}, but the medium holds one (version {version}, signed by {writer})";
        VaultAtIsOthers { path, named, medium }: "{path} の暗号化領域は {named} のものであり、{medium} のものではありません。{medium} のマウントポイントを指定してください", "the vault at {path} is {named}'s, not {medium}'s: give the mount point of {medium}";
        VaultMissingAt { medium, entry, path }: "台帳には {medium} の暗号化領域が記録されています（記録 {entry}）が、{path} には暗号化領域がありません。他のフォルダではなく、{medium} のマウントポイントを指定してください", "the ledger records a vault on {medium} (entry {entry}), but {path} holds none: give the mount point of {medium}, not another folder";
        NoDeviceForRead { medium }: "{medium} は --device 又は --image なしで登録されたため、装置の読取りを {medium} と結び付けられません。--path を使用するか、検証付きの消去を行ってください", "{medium} was registered without --device or --image, so a device read cannot be tied to it; use --path, or a verified wipe";
        UntilNotFuture { until }: "--until {until} が未来の日時ではありません。期間の終了が開始より前になります", "--until {until} is not in the future: the period would end before it starts";
        HeaderUnreadable { cause }: "暗号化領域のヘッダを読み取れません: {cause}", "its header cannot be read: {cause}";
        NotMounted: "媒体がマウントされていない（--path なし）ため、暗号化領域を開いていません", "the medium was not mounted (no --path), so its vault was not opened";
        /// Wipes.
        Twins { count, nodes, medium }: "接続されている {count} 台のディスク（{nodes}）が {medium} に該当し、シリアル番号がないため区別できません。消去する 1 台以外を取り外してください。何も書き込んでいません", "{count} attached disks ({nodes}) match {medium}, which has no serial number to tell them apart: unplug all but the one to wipe; nothing was written";
        NoDeviceForWipe { medium }: "{medium} は --device 又は --image なしで登録されたため、装置を結び付けられません。破棄するか、媒体を新たに登録してください", "{medium} was registered without --device or --image, so no device can be tied to it; destroy it, or register the medium anew";
        NotRemovable { path }: "{path} はリムーバブル又は USB の装置ではありません（内蔵ディスクではありませんか）。何も書き込んでいません。確かな場合は --allow-fixed を指定してください", "{path} is not a removable or USB device (an internal disk?): nothing was written; pass --allow-fixed if you are sure";
        AmbiguousDevice { count, media, medium }: "この装置は登録済みの {count} 件の媒体（{media}）に該当し、シリアル番号がないため区別できません。{medium} を装置の識別情報で消去することはできません。何も書き込んでいません", "this device matches {count} registered media ({media}): it has no serial number to tell them apart, so {medium} cannot be wiped by identity; nothing was written";
        SizeChanged { path }: "{path} の容量が確認後に変わりました。何も書き込んでいません", "{path} changed size since it was checked: nothing was written";
        /// Ledger checks.
        NotPinnedLedger { pinned }: "これはこのパスで最初に使われた台帳（識別子 {pinned}）ではありません。差し替えられたか作り直されています。意図したものであれば --accept-new-ledger を付けて検証してください", "this is not the ledger first used at this path (pinned identity {pinned}): it was replaced or rebuilt; if that was intended, verify it with --accept-new-ledger";
        HeadNotInLedger { head }: "以前に控えたヘッドハッシュ {head} がこの台帳にありません。末尾の記録が削除されたか、書き換えられています", "the head hash {head} kept earlier is not in this ledger: entries were removed from its end or it was rewritten";
        CannotPin { cause }: "この台帳の識別子を固定できませんでした: {cause}", "could not pin this ledger's identity: {cause}";
        CannotCheckpoint { cause }: "検証のチェックポイントを保存できませんでした: {cause}", "could not keep a verify checkpoint: {cause}";
        BadHead { head }: "--head {head} が 64 桁の16進数のハッシュではありません", "--head {head} is not a 64-digit hex hash";
        /// Stock-takes.
        NotAMediumNumber { number }: "{number} は媒体番号ではありません", "{number} is not a medium number";
        NoNumbers: "媒体番号が指定されていません。保管庫内の媒体を読み取るか列挙してください（空の場合は --present none）", "no medium numbers were given: scan or list what is in the store (--present none for an empty store)";
        /// Vault files and mounts.
        NoFileName { path }: "{path} にはファイル名がありません", "{path} has no file name";
        GiveLinkTarget { path }: "{path} はシンボリックリンクです。リンク先のファイルを指定してください", "{path} is a symbolic link; give the file it points to";
        NotFileOrDir { path }: "{path} は通常のファイルでもディレクトリでもありません", "{path} is not a regular file or directory";
        NoFilesToPut: "書き込むファイルがありません", "no files to put";
        CannotList { path, cause }: "{path} の一覧を取得できません: {cause}", "cannot list {path}: {cause}";
        NoLinks { path }: "{path} はシンボリックリンクです。baitai はリンクをたどりません", "{path} is a symbolic link; baitai does not follow links";
        VaultBelongsTo { path, vault, medium }: "{path} の暗号化領域は {vault} のものであり、{medium} のものではありません", "the vault in {path} belongs to {vault}, not {medium}";
        NoVaultYet { path }: "{path} にはまだ暗号化領域がありません。--medium で媒体を指定してください", "{path} holds no vault yet: name the medium with --medium";
        DeviceCheckUnderMount { medium }: "{medium} は装置とともに登録されており、マウント先の装置の確認", "{medium} is registered with its device, and checking the device under a mount";
        NotBlockDevice { path, medium }: "{path} はブロックデバイス上にありませんが、{medium} は装置として登録されています。媒体をマウントし、そのマウントポイントを指定してください", "{path} is not on a block device, but {medium} is registered as a device; mount the medium and give its mount point";
        OtherSize { path, medium, size, recorded }: "{path} は {medium} 上にありません。{size} の装置上にありますが、{medium} は {recorded} です。{medium} をマウントし、そのマウントポイントを指定してください", "{path} is not on {medium}: it is on a {size} device, and {medium} is {recorded}; mount {medium} and give its mount point";
        NotADirectory { path }: "{path} はディレクトリではありません（媒体はどこにマウントされていますか）", "{path} is not a directory (where is the medium mounted?)";
        NoEscrow: "鍵預託の鍵を保持する有効な管理者がいません（004 1.5.2.4）", "no active custodian to hold the escrow key (004 1.5.2.4)";
        RecipientPassphrase { why }: "受領者用のパスフレーズ: {why}", "recipient passphrase: {why}";
        KeepsCipher { path, cipher }: "{path} の暗号化領域は {cipher} を使用しています。暗号化領域の暗号方式は作成時のまま変わりません", "the vault in {path} uses {cipher}; a vault keeps the cipher it was made with";
        RecipientOnCreate { path }: "{path} の暗号化領域は既にあります。外部の受領者のパスフレーズは暗号化領域の作成時に設定します", "the vault in {path} exists already: an outside recipient's passphrase is set when a vault is made";
        NotRecipient: "この暗号化領域の受領者ではありません", "not a recipient of this vault";
        UnknownWriter { writer }: "暗号化領域のマニフェストは {writer} が、この台帳にない鍵で署名しています", "the vault's manifest is signed by {writer} with a key this ledger does not know";
        NotInVault { name }: "{name} は暗号化領域にありません（`baitai ls` を参照）", "{name} is not in the vault (see `baitai ls`)";
        OutNotDir { path }: "--out {path} はディレクトリではありません", "--out {path} is not a directory";
        /// Tokens (PKCS#11).
        NoModule { var }: "PKCS#11 モジュールが見つかりません。{var} にトークンのモジュール（OpenSC の opensc-pkcs11.so、Yubico の libykcs11.so）を設定してください", "no PKCS#11 module found: set {var} to the token's module (OpenSC's opensc-pkcs11.so, Yubico's libykcs11.so)";
        CannotLoadModule { path, cause }: "PKCS#11 モジュール {path} を読み込めません: {cause}", "cannot load the PKCS#11 module {path}: {cause}";
        TokenCannot { what, cause }: "トークン: {what}ができません: {cause}", "token: cannot {what}: {cause}";
        TokenWithSerial { serial }: "シリアル番号 {serial} のトークン", "the token with serial number {serial}";
        TokenLabelled { label }: "ラベル {label} のトークン", "the token labelled {label}";
        AToken: "トークン", "a token";
        TokenAbsent { token, module }: "{token}が接続されていません。接続してください（モジュール {module}）", "{token} is not present: insert it (module {module})";
        ManyTokens { count }: "トークンが {count} 個接続されています。--token-label で 1 つを指定してください", "{count} tokens are present: choose one with --token-label";
        TokenPinLocked { who }: "{who} のトークンは PIN の誤りが多すぎたため、トークン自体の再試行カウンタによりロックされています。トークンのセキュリティ管理者が PIN をリセットしてください", "the token of {who} is locked by its own retry counter after too many wrong PINs: its security officer must reset the PIN";
        TokenKeyIdNotHex { who, id }: "{who} のトークンの鍵 ID {id} が16進数ではありません", "the key ID of {who}'s token is not hex: {id}";
        WrongTokenPin { label }: "トークン {label} の PIN が違います", "wrong PIN for the token {label}";
        KeyIdMustBeHex { id }: "--token-key-id {id} は16進数で指定してください", "--token-key-id {id} must be hex";
        TokenKeyNotLedgers { who }: "{who} のトークン上の鍵は、台帳が本人のものとしている鍵ではありません", "the key on the token of {who} is not the one the ledger names for them";
        NoPrivateKey { id }: "トークンに ID {id} の EC 秘密鍵がありません", "the token holds no EC private key with ID {id}";
        NoPublicKey { id }: "トークンに ID {id} の公開鍵がありません", "the token holds no public key with ID {id}";
        NoEcPoint: "トークンの公開鍵に EC の点がありません", "the token's public key has no EC point";
        NewKeyNoEcPoint: "新しい公開鍵に EC の点がありません", "the new public key has no EC point";
        SignatureLength { len }: "トークンの署名が 64 バイトではなく {len} バイトです", "the token's signature is {len} bytes, not 64";
        AgreedKeyLength: "トークンが合意した鍵が 32 バイトではありません", "the token's agreed key is not 32 bytes";
        OpInitialise: "PKCS#11 モジュールの初期化", "initialise the PKCS#11 module";
        OpListSlots: "トークンのスロットの一覧取得", "list the token slots";
        OpReadDescription: "トークンの説明の読取り", "read a token's description";
        OpLogIn: "トークンへのログイン", "log in to the token";
        OpOpenSession: "セッションの開始", "open a session";
        OpFindPrivate: "秘密鍵の検索", "look for the private key";
        OpFindPublic: "公開鍵の検索", "look for the public key";
        OpReadPublic: "公開鍵の読取り", "read the public key";
        OpRandomId: "鍵 ID の乱数生成", "draw a random key ID";
        OpKeyPair: "P-256 鍵ペアの生成", "make a P-256 key pair";
        OpReadNewPublic: "新しい公開鍵の読取り", "read the new public key";
        OpSign: "署名", "sign";
        OpAgree: "鍵共有（ECDH）", "agree a key (ECDH)";
        OpReadAgreed: "共有した鍵の読取り", "read the agreed key";
        /// Device acts on Windows.
        UnImage: "媒体のイメージの識別情報（--image）", "a medium's image identity (--image)";
        UnDevice: "媒体の装置の識別情報（--device）", "a medium's device identity (--device)";
        UnReturnPath: "マウントした媒体の返却時の確認（return --path）", "the return check of a mounted medium (return --path)";
        UnWholeRead: "媒体全体の読取り（return --device/--image）", "a whole-medium read (return --device/--image)";
        UnCheckIdentity: "媒体の装置の識別情報の確認", "checking a medium's device identity";
        UnWholeCheck: "媒体全体の確認", "a whole-medium check";
        Unavailable { what }: "{what}は Windows ではまだ使用できません。装置の確認と消去には Linux の端末を使用してください", "{what} is not available on Windows yet: use a Linux machine for device checks and wipes";
    }
}

/// This crate's messages, for the workspace's catalogue test.
pub const TEMPLATES: &[&[baitai_core::text::Template]] = &[Msg::TEMPLATES];

/// A path as a value of a message (core's, shared by every crate).
pub(crate) use baitai_core::text::path;

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::text::Text;
    use baitai_core::words::Lang;

    #[test]
    fn catalogue_is_complete() {
        let problems = baitai_core::text::catalogue_problems(TEMPLATES);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn messages_render_in_japanese() {
        let t = Text::from(Msg::NoMedium {
            medium: "\"USB-2026-0009\"".into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "媒体番号 \"USB-2026-0009\" は台帳にありません（`baitai medium list` を参照）"
        );
        assert_eq!(
            t.to_string(),
            "no medium \"USB-2026-0009\" in the ledger (see `baitai medium list`)"
        );
        let hint = Msg::DidYouMean {
            names: Msg::OrMore {
                list: Msg::PersonNamed {
                    name: "山田 太郎".into(),
                    id: "P0002".into(),
                }
                .into(),
                item: Msg::PersonNamed {
                    name: "山田 花子".into(),
                    id: "P0003".into(),
                }
                .into(),
            }
            .into(),
        };
        let t = Text::from(Msg::NoPerson {
            name: "山田".into(),
            hint: hint.into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "利用者「山田」は台帳にありません。山田 太郎（P0002）又は山田 花子（P0003）のことですか（`baitai person list` を参照）"
        );
        assert_eq!(
            t.to_string(),
            "no person \"山田\" in the ledger; did you mean 山田 太郎 (P0002) or 山田 花子 (P0003)? (see `baitai person list`)"
        );
    }
}

//! The vault crate's messages in Japanese and English: names refused, a damaged or altered
//! vault, and what was being done on the medium when the operating system failed.

// A message's fields are the values its templates name, documented by the templates.
#![allow(missing_docs)]

baitai_core::messages! {
    pub enum Msg {
        /// The parts of a vault, named in other messages.
        PartHeader: "暗号化領域のヘッダ", "vault header";
        PartManifest: "暗号化領域のマニフェスト", "vault manifest";
        PartStagedManifest: "暗号化領域の準備済みマニフェスト", "vault staged manifest";
        PartObject { name }: "{name} のオブジェクト", "{name}: its object";
        /// A header or manifest whose first bytes are not baitai's.
        WrongMagic { part }: "{part}: baitai の形式ではありません（マジック値が違います）", "{part}: not a baitai {part} (wrong magic)";
        UnknownVersion { part, version }: "{part}: 形式バージョン {version} は不明です", "{part}: unknown format version {version}";
        /// A file of a newer format than this baitai reads.
        NewerFormat { part, version, max }: "この{part}は新しい形式（形式バージョン {version}）です。この baitai が読めるのはバージョン {max} までです。baitai を更新してください", "this {part} is in a newer format (format version {version}); this baitai reads up to {max}: upgrade baitai";
        EncodeHeader { cause }: "ヘッダを符号化できません: {cause}", "encode header: {cause}";
        EncodeManifest { cause }: "マニフェストを符号化できません: {cause}", "encode manifest: {cause}";
        /// Damage to the header.
        HeaderTruncated: "暗号化領域のヘッダが途中で切れています", "vault header: truncated";
        HeaderLength: "暗号化領域のヘッダの長さがファイルと一致しません（切詰め又は追記）", "vault header: length does not match the file (truncated or extended)";
        HeaderMalformed { cause }: "暗号化領域のヘッダの形式が不正です（{cause}）", "vault header: malformed ({cause})";
        HeaderNoSlots: "暗号化領域のヘッダの形式が不正です（鍵スロットがありません）", "vault header: malformed (no key slots)";
        HeaderBadMacKey: "暗号化領域のヘッダの MAC 鍵が不正です", "vault header: bad MAC key";
        HeaderModified: "暗号化領域のヘッダが改変されています（認証コードが一致しません）", "vault header was modified (its authentication code does not match)";
        BadId: "暗号化領域の ID が 16 バイトの16進数ではありません", "vault ID is not 16 hex bytes";
        SlotSaltNotHex: "暗号化領域のヘッダの鍵スロットのソルトが16進数ではありません", "vault header: slot salt is not hex";
        SlotSaltShort: "暗号化領域のヘッダの鍵スロットのソルトが短すぎます", "vault header: slot salt is too short";
        PassphraseSlot { what }: "パスフレーズの鍵スロット: {what}", "passphrase slot: {what}";
        /// Damage to the manifest.
        ManifestTruncatedOrOversized: "暗号化領域のマニフェストが途中で切れているか、大きすぎます", "vault manifest: truncated or oversized";
        ManifestTruncated: "暗号化領域のマニフェストが途中で切れています", "vault manifest: truncated";
        ManifestModified: "暗号化領域のマニフェストが改変されているか、このヘッダのものではありません", "vault manifest was modified or does not belong to this header";
        ManifestTooShort: "暗号化領域のマニフェストが短すぎます", "vault manifest: too short";
        ManifestInnerLength: "暗号化領域のマニフェストの内部の長さが一致しません", "vault manifest: inner length does not match";
        ManifestSignatureLength: "暗号化領域のマニフェストの署名の長さが不正です", "vault manifest: bad signature length";
        ManifestMalformed { cause }: "暗号化領域のマニフェストの形式が不正です（{cause}）", "vault manifest: malformed ({cause})";
        ManifestMismatch: "暗号化領域のマニフェストの通番、暗号化領域 ID、媒体又は格付がヘッダと一致しません", "vault manifest: sequence, vault ID, medium or classification does not match its header";
        ManifestWriterKey: "暗号化領域のマニフェストの書込み者の鍵が P-256 公開鍵ではありません", "vault manifest: the writer's key is not a P-256 public key";
        ManifestBadSignature: "暗号化領域のマニフェストの書込み者の署名を検証できません", "vault manifest: the writer's signature does not verify";
        ManifestDuplicate { name }: "暗号化領域のマニフェストに {name} が二度記載されています", "vault manifest: {name} appears twice";
        ManifestSizesOverflow: "暗号化領域のマニフェストのファイルサイズの合計が 2^64 バイトを超えています", "vault manifest: the file sizes add up to more than 2^64 bytes";
        ManifestMissing { cause }: "暗号化領域のマニフェストがありません: {cause}", "vault manifest is missing: {cause}";
        /// Files of the vault that are not what they should be.
        SymlinkVaultDir { path }: "媒体上の {path} はシンボリックリンクであり、暗号化領域のディレクトリではありません", "{path} on the medium is a symbolic link, not a directory of the vault";
        NotRegular { what, path }: "{what}（{path}）が通常のファイルではありません", "{what} ({path}) is not a regular file";
        TooLong { what, max }: "{what}が {max} バイトを超えています", "{what} is longer than {max} bytes";
        StagedIsDir { path }: "媒体上の {path} はディレクトリであり、暗号化領域のファイルではありません。削除してください", "{path} on the medium is a directory, not a file of the vault; remove it";
        LinkNotWritten { path }: "{path} はリンク又は通常のファイル以外のものであるため、書込みを行いません", "{path} is a link or not a regular file: not written through";
        SymlinkRefused { path }: "{path} はシンボリックリンクです。リンク先への書込みは行いません", "{path} is a symbolic link; refusing to write through it";
        NoVault { path }: "{path} に baitai の暗号化領域がありません", "no baitai vault in {path}";
        AlreadyHoldsVault { path }: "{path} には既に暗号化領域があります", "{path} already holds a vault";
        NobodyLeft: "これらの鍵スロットを削除すると、誰も暗号化領域を開けなくなります", "removing those key slots would leave nobody able to open the vault";
        /// Damage to an object.
        ObjectMissing { name }: "{name}: オブジェクトが媒体にありません", "{name}: its object is missing from the medium";
        ContentMismatch { name }: "{name}: 内容がマニフェストと一致しません", "{name}: content does not match the manifest";
        ObjectHeaderDamaged { name }: "{name}: オブジェクトのヘッダがないか、破損しています", "{name}: object header is missing or damaged";
        ObjectNewer { name, version, max }: "{name}: オブジェクトが新しい形式（形式バージョン {version}）であり、バージョン {max} のマニフェストとは合いません（破損又は差替え）", "{name}: object is in a newer format (format version {version}) than its version {max} manifest allows (damaged or replaced)";
        ObjectUnknownVersion { name, version }: "{name}: オブジェクトの形式バージョン {version} は不明です", "{name}: object: unknown format version {version}";
        ObjectSwapped { name }: "{name}: オブジェクトのヘッダがマニフェストと一致しません（入替え又は差替え）", "{name}: object header does not match the manifest (swapped or replaced)";
        ObjectTruncated { name }: "{name}: オブジェクトが途中で切れています", "{name}: object is truncated";
        ChunkAuth { name, counter }: "{name}: チャンク {counter} の認証に失敗しました（改変、順序の入替え、切詰め又は差替え）", "{name}: chunk {counter} fails authentication (modified, reordered, truncated or swapped)";
        /// File names the vault refuses.
        NameRefused { name, why }: "暗号化領域のファイル名 {name} は使用できません: {why}", "vault file name {name} refused: {why}";
        NameEmptyOrLong: "空であるか長すぎます", "empty or too long";
        NameAbsolute: "絶対パスです", "absolute path";
        NameControl: "制御文字又はバックスラッシュを含みます", "control character or backslash";
        NameDrive: "ドライブ文字を含みます", "drive letter";
        NameEmptyPart: "空、. 又は .. の要素を含みます", "empty, . or .. component";
        NameLongPart: "255 バイトを超える要素を含みます", "component longer than 255 bytes";
        WindowsChar { c }: "{c} は Windows のファイル名に使用できません", "{c} is not allowed in a file name on Windows";
        WindowsTrailing: "末尾がドット又は空白の名前は、Windows では別の名前になります", "a name ending in a dot or a space is another name on Windows";
        WindowsDevice { part }: "{part} は Windows ではデバイス名です", "{part} is a device name on Windows";
        ExtractCaseClash { name, other }: "暗号化領域のファイル名 {name} は使用できません: 暗号化領域には、大文字・小文字又は Unicode の正規化形だけが異なる {other} もあります", "vault file name {name} refused: the vault also holds {other}, which differs only in case or Unicode form";
        /// What `put` refuses to store.
        NotPlainName { name }: "{name} は保管できません: 単純な相対名ではありません", "cannot store {name}: not a plain relative name";
        NotPortable { name, why }: "{name} は保管できません: {why}。どの環境でも同じように開けるよう、名前を変更してください", "cannot store {name}: {why}; rename it so the vault opens the same everywhere";
        GivenTwice { name }: "{name} が二度指定されています", "{name} is given twice";
        CaseClash { name, other }: "{name} は保管できません: {other} と大文字・小文字又は Unicode の正規化形だけが異なり、Windows と macOS では同じファイルになります", "cannot store {name}: it differs from {other} only in case or Unicode form, and on Windows and macOS the two would be one file";
        AlreadyInVault { name }: "{name} は既に暗号化領域にあります。置き換えるには --replace を指定してください", "{name} is already in the vault; use --replace to replace it";
        CannotRead { path, cause }: "{path} を読み取れません: {cause}", "cannot read {path}: {cause}";
        TargetExists { path }: "{path} は既に存在します。置き換えるには --overwrite を指定してください", "{path} exists; use --overwrite to replace it";
        /// Why no key slot opened the vault.
        HolderSlot { person, role }: "{person}（{role}）", "{person} ({role})";
        RoleWriter: "書込み者", "writer";
        RoleEscrow: "鍵預託", "escrow";
        HolderPassphrase: "パスフレーズ", "a passphrase";
        ListMore { list, item }: "{list}、{item}", "{list}, {item}";
        SlotStale { id, holders }: "この暗号化領域にある {id} の鍵スロットは、本人が現在は保持していない鍵に対して作成されたものです（スロット: {holders}）", "the key slot of {id} in this vault was made for a key they no longer hold (slots: {holders})";
        NoSlot { id, holders }: "{id} はこの暗号化領域の鍵スロットを持っていません。この暗号化領域を開けるのは {holders} です。これらのいずれかの利用者又は鍵預託スロットを持つ管理者が開いてください", "{id} holds no key slot in this vault: it opens for {holders}; one of them, or a custodian with the escrow slot, must open it";
        WrongPassphrase: "この暗号化領域のパスフレーズが違います", "wrong passphrase for this vault";
        NoPassphraseSlot { holders }: "この暗号化領域にはパスフレーズの鍵スロットがありません。開けるのは {holders} のみです", "this vault has no passphrase slot: it opens only for {holders}";
        /// Threads of the encryption pipeline.
        HashingFailed: "ハッシュ計算のスレッドが失敗しました", "the hashing thread failed";
        HashingStopped: "ハッシュ計算のスレッドが停止しました", "the hashing thread stopped";
        WorkerFailed: "処理スレッドが失敗しました", "a worker thread failed";

        IoLock { path }: "{path} の書込み用ロック", "lock {path} for writing";
        IoRead { path }: "{path} の読取り", "read {path}";
        IoWrite { path }: "{path} への書込み", "write {path}";
        IoWriteIn { path }: "{path} 内への書込み", "write in {path}";
        IoRestrict { path }: "{path} のアクセス制限", "restrict {path}";
        IoFlush { path }: "{path} の書出し", "flush {path}";

        IoRemove { path }: "{path} の削除", "remove {path}";
        IoOverwrite { path }: "{path} の上書き", "overwrite {path}";
        IoReadObject { name }: "{name} のオブジェクトの読取り", "read the object of {name}";
        IoCreateObject: "媒体上のオブジェクトの作成", "create an object on the medium";
        IoWriteMedium: "媒体への書込み", "write to the medium";
        IoFlushMedium: "媒体への書出し", "flush the medium";
        IoStoreObject: "オブジェクトの格納", "store an object";
        IoNewHeader: "暗号化領域の新しいヘッダの配置", "put the vault's new header in place";
        IoNewManifest: "暗号化領域の新しいマニフェストの配置", "put the vault's new manifest in place";
        IoOldHeaderAside: "暗号化領域の旧ヘッダの退避", "move the vault's old header aside";
        IoFinishInterrupted: "中断した暗号化領域ヘッダの変更の完了", "finish an interrupted change of the vault header";
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
        let t = Text::from(Msg::NewerFormat {
            part: Msg::PartHeader.into(),
            version: "2".into(),
            max: "1".into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "この暗号化領域のヘッダは新しい形式（形式バージョン 2）です。この baitai が読めるのはバージョン 1 までです。baitai を更新してください"
        );
        assert_eq!(
            t.to_string(),
            "this vault header is in a newer format (format version 2); this baitai reads up to 1: upgrade baitai"
        );
        let e = crate::names::check("/etc/passwd").unwrap_err();
        assert_eq!(
            e.in_lang(Lang::Ja),
            "完全性の検査で不合格: 暗号化領域のファイル名 \"/etc/passwd\" は使用できません: 絶対パスです"
        );
    }
}

//! The ledger crate's messages in Japanese and English: its errors, refusals, the findings of
//! `ledger verify`, and what was being done when the database or the server failed.

use baitai_core::model::SignRole;
use baitai_core::text::{Localized, Text};
use baitai_core::words::{Lang, Word};

baitai_core::messages! {
    pub(crate) enum Msg {
        // Files beside the checkpoints.
        /// The checkpoint or pin file is not JSON.
        StateUnreadable { what, path, cause }:
            "{path} の{what}を読み取れません（{cause}）。ファイルを別の場所へ移してから、やり直してください",
            "the {what} in {path} are unreadable ({cause}); move the file aside to start afresh";
        /// What `StateUnreadable` names: the verify checkpoints.
        WhatVerifyCheckpoints: "検証チェックポイント", "verify checkpoints";
        /// What `StateUnreadable` names: the pins of ledger identities.
        WhatLedgerPins: "固定した台帳識別子", "ledger pins";
        /// What could not be encoded: the checkpoints.
        WhatCheckpoints: "チェックポイント", "checkpoints";
        /// A file of this user's state could not be encoded as JSON.
        Encode { what, cause }: "{what}を符号化できません: {cause}", "encode {what}: {cause}";
        /// Reading a file failed (what was being done).
        ReadPath { path }: "{path} からの読取り", "read {path}";


        // `ledger copy`.
        /// The source of a copy does not verify.
        CopySourceFails { from, seq, reason }:
            "{from} は記録 {seq} で検証に合格しません（{reason}）。何も複製していません",
            "{from} fails verification at entry {seq} ({reason}); nothing was copied";
        /// The source of a copy is empty.
        CopySourceEmpty { from }: "{from} には記録がありません", "{from} holds no entries";
        /// The copy, once written, does not verify to the source's head.
        CopyDoesNotVerify { at, head }:
            "{at} の複製は、複製元のヘッドハッシュ {head} まで検証に合格しません",
            "the copy at {at} does not verify to the source's head {head}";
        /// The file a copy would go into exists.
        CopyTargetExists { path }:
            "{path} は既に存在します。複製先には新しいファイルを指定してください",
            "{path} already exists: a copy goes into a new file";
        /// The file a copy goes into was made by someone else during the copy.
        CopyTargetAppeared { path }:
            "複製中に {path} が作成されました。そのファイルには手を加えていません",
            "{path} appeared while copying: it was left alone";
        /// Renaming the finished copy failed (what was being done).
        RenameCopy { path }: "複製の {path} への名前変更", "rename the copy to {path}";
        /// A copy into a ledger that is not empty.
        CopyTargetNotEmpty { at }:
            "{at} には既に台帳があります。複製先は空の台帳にしてください",
            "{at} already holds a ledger: a copy goes into an empty one";
        /// Beginning the copy's transaction failed.
        BeginCopy: "複製の開始", "begin the copy";
        /// Committing the copy failed.
        CommitCopy: "複製の確定", "commit the copy";

        // Opening a ledger.
        /// `init` on a ledger that already has entries.
        LedgerExists { at }: "{at} には既に台帳があります", "a ledger already exists at {at}";
        /// No file at the ledger's path.
        NoLedgerAt { path }:
            "{path} に台帳がありません。`baitai init` で作成するか、--ledger で台帳を指定してください",
            "no ledger at {path}: create one with `baitai init` or point --ledger at it";
        /// A file with no ledger schema, opened read-only.
        NotInitialised { path }:
            "{path} は初期化された baitai の台帳ではありません",
            "{path} is not an initialised baitai ledger";
        /// A ledger file of a newer schema, opened read-only.
        SchemaTooNew { path, version, supported }:
            "{path} の台帳はスキーマ {version} です。この baitai が読めるのはスキーマ {supported} までです",
            "the ledger at {path} has schema {version}; this baitai reads schema {supported}";
        /// A server ledger of a newer schema.
        ServerSchemaTooNew { server, version, supported }:
            "{server} はスキーマ {version} です。この baitai が読めるのはスキーマ {supported} までです。baitai を更新してください",
            "{server} has schema {version}; this baitai reads schema {supported}: upgrade baitai";
        /// A ledger file of a newer schema, opened to write.
        WrittenByNewer { version }:
            "この台帳は新しい baitai で作成されています（スキーマ {version}）。baitai を更新してください",
            "the ledger was written by a newer baitai (schema {version}); upgrade baitai";
        /// The ledger's path is not UTF-8 where a URL must be.
        UrlNotUtf8: "台帳の URL が UTF-8 ではありません", "the ledger URL is not UTF-8";
        /// The ledger is empty.
        LedgerEmpty { at }:
            "{at} の台帳は空です。`baitai init` を実行してください",
            "the ledger at {at} is empty: run `baitai init`";
        /// The path is not a ledger.
        NotALedger { path, why }: "{path} は baitai の台帳ではありません: {why}", "{path} is not a baitai ledger: {why}";
        /// Why `NotALedger`: a directory.
        IsADirectory: "ディレクトリです", "it is a directory";
        /// Why `NotALedger`: not SQLite.
        NotSqlite: "SQLite のデータベースではありません", "it is not an SQLite database";
        /// An SQLite database that belongs to something else.
        ForeignDatabase { path }:
            "{path} は他の用途の SQLite データベースであり、baitai の台帳ではありません",
            "{path} is an SQLite database of something else, not a baitai ledger";
        /// Added to a database error on opening: the file may not be a ledger.
        IsItALedger: "（このファイルは baitai の台帳ですか？）", "(is the file a baitai ledger?)";
        /// The entries table lost its key.
        RebuiltWithoutKey:
            "entries 表が連番のキーなしで再構築されています。台帳は改ざんされています",
            "the entries table was rebuilt without its sequence key: the ledger has been tampered with";

        // What was being done when the ledger's database failed.

        /// Setting SQLite's busy timeout.
        SetBusyTimeout: "待機時間の設定", "set busy timeout";
        /// Switching to WAL, which fails first on a file that is not a database.
        EnableWal: "WAL の有効化（このファイルは baitai の台帳ですか？）", "enable WAL (is the file a baitai ledger?)";
        /// Setting synchronous writes.
        SetSynchronous: "同期書込みの設定", "set synchronous";
        /// Enabling foreign keys.
        EnableForeignKeys: "外部キーの有効化", "enable foreign keys";
        /// Beginning a read snapshot.
        BeginRead: "読取りの開始", "begin a read";
        /// Ending a read snapshot.
        EndRead: "読取りの終了", "end a read";
        /// Reading entries.
        ReadEntries: "記録の読取り", "read entries";
        /// Reading one entry.
        ReadAnEntry: "記録 1 件の読取り", "read an entry";
        /// A thread decoding the people directory's entries stopped.
        DecodeFailed: "記録を解読するスレッドが異常終了しました", "a thread decoding entries failed";
        /// Reading the ledger.
        ReadTheLedger: "台帳の読取り", "read the ledger";
        /// Listing the media.
        ListMedia: "媒体一覧の読取り", "list media";
        /// Reading signatures.
        ReadSignatures: "署名の読取り", "read signatures";
        /// Reading one signature.
        ReadASignature: "署名 1 件の読取り", "read a signature";
        /// Looking for a person's last use.
        FindLastUse: "最終使用の検索", "find last use";
        /// Looking for a person's last use or unlock.
        FindTheLastUse: "最終使用又は解除の検索", "find the last use";
        /// Looking an entry up by its hash.
        LookUpHash: "ハッシュによる記録の検索", "look up a hash";
        /// Reading the last entry.
        ReadLastEntry: "最後の記録の読取り", "read the last entry";
        /// Reading the last signed entry.
        ReadLastSignedEntry: "最後の署名付き記録の読取り", "read the last signed entry";
        /// Reading the first entry.
        ReadFirstEntry: "最初の記録の読取り", "read the first entry";
        /// Reading the entry a checkpoint names.
        ReadCheckpointEntry: "チェックポイントの記録の読取り", "read the checkpoint entry";
        /// Checking sequence numbers.
        CheckSequenceNumbers: "連番の検査", "check sequence numbers";
        /// Checking signatures.
        CheckSignatures: "署名の検査", "check signatures";
        /// Reading the schema version.
        ReadSchemaVersion: "スキーマ版数の読取り", "read schema version";
        /// Reading the schema version (on a server).
        ReadTheSchemaVersion: "スキーマ版数の読取り", "read the schema version";
        /// Listing tables.
        ListTables: "表一覧の読取り", "list tables";
        /// Checking the schema.
        CheckSchema: "スキーマの検査", "check the schema";
        /// Beginning a schema migration.
        BeginMigration: "スキーマ移行の開始", "begin migration";
        /// Applying one migration.
        ApplyMigration { n }: "スキーマ移行 {n} の適用", "apply migration {n}";
        /// Recording the schema version.
        RecordSchemaVersion: "スキーマ版数の記録", "record schema version";
        /// Committing a migration.
        CommitMigration: "スキーマ移行の確定", "commit migration";
        /// Beginning a write.
        BeginWrite: "書込みの開始", "begin a write";
        /// Committing a write.
        CommitWrite: "書込みの確定", "commit";
        /// Appending an entry.
        AppendEntry: "記録の追記", "append an entry";
        /// Appending a signature.
        AppendSignature: "署名の追記", "append a signature";
        /// Reading a sealed key.
        ReadSealedKey: "封印された鍵の読取り", "read a sealed key";
        /// Storing a sealed key.
        StoreSealedKey: "封印された鍵の保存", "store a sealed key";
        /// Reading all sealed keys.
        ReadSealedKeys: "封印された鍵の一覧の読取り", "read the sealed keys";
        /// Opening an in-memory copy of a server ledger.
        OpenInMemoryCopy: "メモリ上の写しを開く処理", "open an in-memory copy";
        /// Opening the kept copy of a server ledger.
        OpenCopy { path }: "写し {path} を開く処理", "open the copy {path}";
        /// Switching the kept copy to WAL.
        EnableWalOnCopy: "写しでの WAL の有効化", "enable WAL on the copy";
        /// Making the tables of a copy.
        MakeCopy: "写しの作成", "make the copy";
        /// Beginning a pull into the copy.
        BeginPull: "写しへの取込みの開始", "begin a pull into the copy";
        /// Ending a pull into the copy.
        EndPull: "写しへの取込みの終了", "end a pull into the copy";
        /// Switching the verified copy to WAL.
        EnableWalOnVerifiedCopy: "検証済みの写しでの WAL の有効化", "enable WAL on the verified copy";
        /// Reading the verified copy.
        ReadVerifiedCopy: "検証済みの写しの読取り", "read the verified copy";
        /// Extending the verified copy.
        ExtendVerifiedCopy: "検証済みの写しへの追加", "extend the verified copy";
        /// Creating the verified copy.
        CreateVerifiedCopy: "検証済みの写しの作成", "create the verified copy";

        // Stored data that is malformed.
        /// A signature row with an unknown role.
        UnknownSignatureRole { seq, role }:
            "記録 {seq}: 署名の区分 {role} は不明です",
            "entry {seq}: unknown signature role {role}";
        /// A person without a stored key.
        NoStoredKey { person }: "{person} の鍵が保存されていません", "no stored key for {person}";
        /// A stored key that does not decode.
        MalformedKey { person, cause }:
            "{person} の保存された鍵の形式が不正です: {cause}",
            "stored key of {person} is malformed: {cause}";
        /// A stored hash of the wrong length.
        HashNot32 { seq }:
            "記録 {seq}: 保存されたハッシュが 32 バイトではありません",
            "entry {seq}: stored hash is not 32 bytes";
        /// A finding about one entry.
        AtEntry { seq, what }: "記録 {seq}: {what}", "entry {seq}: {what}";

        // Writing.
        /// The clock is behind the last signed entry.
        ClockBehind { now, last }:
            "システム時計（{now}）が台帳の最後の署名付き記録（{last}）より前を示しています。時計を合わせてから記録してください",
            "the system clock ({now}) is earlier than the last signed ledger entry ({last}); fix the clock before recording";
        /// A sealed key that cannot be encoded.
        EncodeSealedKey { cause }: "封印された鍵を符号化できません: {cause}", "cannot encode a sealed key: {cause}";
        /// A signer missing from the caller's list (a bug).
        NoKeyToSign { role }: "内部エラー: {role}の署名に使う鍵がありません", "internal: no {role} key to sign with";
        /// A person with no key (a bug).
        NoPublicKey { person }: "内部エラー: {person} の公開鍵がありません", "internal: {person} has no public key";
        /// A key that is not the person's.
        KeyMismatch { person }:
            "{person} として提示された鍵が台帳の記録と一致しません",
            "the key offered for {person} does not match the ledger";

        // Trust at the point of use.
        /// The ledger at a path is not the one pinned there.
        NotThePinnedLedger { path, id, pinned }:
            "{path} の台帳は、このパスで最初に使用された台帳ではありません（識別子 {id}…、固定済み {pinned}…）。置き換えられたか再作成されています。意図したものであれば `baitai ledger verify --accept-new-ledger` を実行してください",
            "the ledger at {path} is not the one first used there (identity {id}…, pinned {pinned}…): it was replaced or rebuilt; if that was intended, run `baitai ledger verify --accept-new-ledger`";
        /// The first entry changed between two reads.
        FirstEntryChanged:
            "台帳を開いている間に最初の記録が変わりました",
            "the ledger's first entry changed while it was being opened";
        /// A verify that passed without a last entry (a bug).
        VerifiedNoHead: "台帳は検証に合格しましたが、最後の記録がありません", "the ledger verified with no head";
        /// A command stops because the ledger does not verify.
        FailsVerification { seq, reason }:
            "台帳は記録 {seq} で検証に合格しません（{reason}）。何も実行していません",
            "the ledger fails verification at entry {seq} ({reason}); nothing was done";
        /// The verified copy and the ledger parted.
        CopyParted { seq }:
            "記録 {seq} より後の台帳が、この利用者の検証済みの写しと一致しません",
            "the ledger no longer continues this user's verified copy after entry {seq}";

        // Findings of `ledger verify` (each about one entry, shown after `entry N:`).
        /// The ledger at the path is not the pinned one.
        ReplacedOrRebuilt:
            "この台帳は、このパスで最初に使用された台帳ではありません。置き換えられたか再作成されています",
            "this is not the ledger first used at this path: it was replaced or rebuilt";
        /// The checkpoint's entry is gone.
        CheckpointGone { at }:
            "{at} の検証はこの記録まで合格していましたが、この記録がなくなっています。台帳の末尾から記録が削除されています",
            "a verify passed up to this entry at {at}, and it is gone: entries were removed from the end of the ledger";
        /// The checkpoint's entry changed.
        CheckpointChanged { at }:
            "{at} の検証はこの記録まで合格していましたが、この記録が変わっています。台帳はここ以前から書き換えられています",
            "a verify passed up to this entry at {at}, and it has changed: the ledger was rewritten from there or before";
        /// The chain re-made up to the checkpoint ends elsewhere.
        ChainNoLongerEnds:
            "チェックポイントまでのチェーンが、チェックポイントのハッシュで終わっていません",
            "the chain up to the checkpoint no longer ends at its hash";
        /// Two rows with one number.
        AppearsTwice:
            "この記録が重複しています（entries 表が再構築され、記録が偽造されています）",
            "appears twice (the entries table was rebuilt and an entry forged)";
        /// No entries at all.
        NoEntries:
            "台帳に記録がありません。初期化されていないか、空にされています",
            "the ledger has no entries: it was never initialised or was emptied";
        /// A gap in the numbers.
        EntryMissing { expected, next }:
            "記録 {expected} がありません（次は {next}）",
            "entry {expected} is missing (next is {next})";
        /// A broken link.
        DoesNotLink:
            "直前の記録につながっていません（記録が削除、置換又は並べ替えられています）",
            "does not link to the entry before it (an entry was removed, replaced or reordered)";
        /// An edited entry.
        ContentsMismatch:
            "内容がハッシュと一致しません（記録が編集されています）",
            "its contents do not match its hash (the entry was edited)";
        /// Time going backwards.
        TimeBackwards: "日時が直前の記録より前です", "its time is earlier than the entry before it";
        /// Time far ahead.
        TimeAhead:
            "日時がこの端末の時計より 1 日以上先です",
            "its time is more than a day ahead of this machine's clock";
        /// An entry the rules refuse.
        BreaksRule { refusal }: "規則に違反しています: {refusal}", "breaks a rule: {refusal}";
        /// A signed entry with no actor.
        NamesNoActor: "実施者が記載されていません", "names no actor";
        /// Too many or too few signatures.
        SignatureCount { have, need }:
            "署名が {have} 件あります（必要な署名は {need} 件）",
            "has {have} signatures where {need} are required";
        /// A signature missing.
        SignatureMissing { role }: "{role}の署名がありません", "the {role} signature is missing";
        /// A signature by someone else.
        SignatureBy { role, signer, person }:
            "{role}の署名者が {person} ではなく {signer} です",
            "the {role} signature is by {signer}, not {person}";
        /// A signer the ledger does not know.
        SignerUnknown { person }:
            "台帳に登録されていない {person} が署名しています",
            "is signed by {person}, who is not in the ledger";
        /// A checker thread died.
        SignatureCheckIncomplete: "署名の検査が完了しませんでした", "signature checking did not complete";
        /// A signature that does not verify.
        SignatureBad { role }: "{role}の署名が正しくありません", "the {role} signature does not verify";
        /// A signature without its entry.
        OrphanSignature:
            "存在しない記録に対する署名があります",
            "a signature exists for an entry that does not";
        /// A re-chaining thread died.
        VerifyThreadFailed: "検証処理のスレッドが異常終了しました", "a verify thread failed";
        /// The first entry does not link to nothing.
        DoesNotStartChain: "チェーンの始点になっていません", "does not start the chain";
        /// A broken link before the checkpoint.
        DoesNotLinkBeforeCheckpoint:
            "直前の記録につながっていません（チェックポイント以前）",
            "does not link to the entry before it (before the checkpoint)";
        /// A gap before the checkpoint.
        MissingBeforeCheckpoint:
            "この記録がありません（チェックポイント以前）",
            "is missing (before the checkpoint)";
        /// An entry changed before the checkpoint.
        ChangedBeforeCheckpoint:
            "検証に合格した後で変更されています（チェックポイント以前）",
            "was changed after it verified (before the checkpoint)";
        /// The end removed since the checkpoint.
        GoneSinceVerify:
            "この記録がありません。検証に合格した後で台帳の末尾から記録が削除されています",
            "is gone: entries were removed from the end of the ledger since a verify passed";

        // The ledger on a server.
        /// Beginning an append on the server.
        BeginAppend: "追記の開始", "begin an append";
        /// Taking the chain head's lock.
        WaitChainHead: "チェーン先頭のロック待ち", "wait for the chain head";
        /// Committing an append on the server.
        CommitAppend: "追記の確定", "commit an append";
        /// Looking again for an append whose commit's reply was lost.
        LookForAppend: "追記の確認", "look for the append";
        /// The connection was lost as an append was committed.
        OutcomeUnknown { server, cause }:
            "追記の確定中に台帳サーバ {server} との接続が切れました。サーバが記録したかどうかは不明です。`baitai ledger verify` を実行してください（{cause}）",
            "the connection to the ledger server at {server} was lost as an append was committed: the server may or may not have recorded it; run `baitai ledger verify` ({cause})";
        /// Beginning a whole read.
        BeginReadWhole: "台帳全体の読取りの開始", "begin reading the whole ledger";
        /// Ending a whole read.
        EndReadWhole: "台帳全体の読取りの終了", "end reading the whole ledger";
        /// Rows repeated or out of order on the server.
        HeldTwice { seq, server }:
            "台帳サーバ {server} の記録 {seq} が重複しているか、順序が乱れています。トリガーを迂回して行が変更されています",
            "entry {seq} is held twice on the ledger server at {server}, or out of order: its rows were changed behind its triggers";
        /// A database without the ledger's tables.
        NoLedgerOnServer { server }:
            "{server} のデータベースには baitai の台帳がありません。先に crates/baitai-ledger/sql/postgres-init.sql を実行してください（docs/operations.md 2.6）",
            "the database at {server} holds no baitai ledger: run crates/baitai-ledger/sql/postgres-init.sql in it first (docs/operations.md 2.6)";
        /// The server refused an operation.
        ServerRefused { server, what, cause }:
            "台帳サーバ {server} が{what}を拒否しました: {cause}",
            "the ledger server at {server} refused to {what}: {cause}";
        /// What was being done on the server when the connection failed.
        ServerDoing { server, what }: "台帳サーバ {server}: {what}", "the ledger server at {server}: {what}";
        /// The server refused the login.
        ServerRefusedConnection { server, cause }:
            "台帳サーバ {server} が接続を拒否しました: {cause}",
            "the ledger server at {server} refused the connection: {cause}";
        /// The server cannot be reached (what was being done).
        CannotReach { server }: "台帳サーバ {server} に接続できません", "cannot reach the ledger server at {server}";
        /// The connection settings do not parse.
        ServerSettings { cause }: "台帳サーバの設定: {cause}", "the ledger server's settings: {cause}";
        /// A ledger URL that is not PostgreSQL's.
        NotPostgresUrl { cause }:
            "台帳の URL が PostgreSQL の URL ではありません: {cause}",
            "the ledger URL is not a PostgreSQL URL: {cause}";
        /// Why `NotPostgresUrl`: the scheme.
        UrlBadScheme:
            "postgres:// でも postgresql:// でも始まっていません",
            "it starts neither postgres:// nor postgresql://";
        /// Why `NotPostgresUrl`: a query item without a value.
        QueryWithoutEquals: "`=` のない問合せ項目があります", "a query without `=`";
        /// The URL's password is not UTF-8.
        PasswordNotUtf8: "台帳の URL のパスワードが UTF-8 ではありません", "the password in the ledger URL is not UTF-8";
        /// A service named in no service file.
        ServiceUndefined { name, files }:
            "PostgreSQL のサービス \"{name}\" は {files} のいずれにも定義されていません",
            "the PostgreSQL service \"{name}\" is defined in none of {files}";
        /// A bad line in a service file.
        ServiceFileLine { file, line, why }: "{file} の {line} 行目: {why}", "{file}, line {line}: {why}";
        /// Why `ServiceFileLine`: not key=value.
        NotKeyValue: "key=value の形式ではありません", "not key=value";
        /// Why `ServiceFileLine`: a service naming a service.
        ServiceNamesService:
            "サービスの中で別のサービスを指定することはできません",
            "a service cannot name another service";
        /// An unknown sslmode.
        BadSslMode { mode }:
            "sslmode={mode} は disable、allow、prefer、require、verify-ca、verify-full のいずれでもありません",
            "sslmode={mode} is none of disable, allow, prefer, require, verify-ca, verify-full";
        /// The system's roots with a weaker mode.
        SystemRootsNeedVerifyFull { mode }:
            "sslrootcert=system には sslmode=verify-full が必要です（指定は {mode}）",
            "sslrootcert=system needs sslmode=verify-full, not {mode}";
        /// No system roots.
        NoSystemRoots:
            "sslrootcert=system: この端末には信頼されたルート証明書がありません（Debian の ca-certificates をインストールしてください）",
            "sslrootcert=system: this machine has no trusted root certificates (install Debian's ca-certificates)";
        /// A root certificate file that cannot be read.
        RootCertFile { path, cause }: "ルート証明書ファイル {path}: {cause}", "the root certificate file {path}: {cause}";
        /// A root certificate file with no certificate.
        RootCertEmpty { path }:
            "ルート証明書ファイル {path} に証明書がありません",
            "the root certificate file {path} holds no certificate";
        /// A mode that checks the chain without a CA file.
        NeedsCaCertificate { mode, path }:
            "sslmode={mode} には認証局の証明書が必要ですが、{path} がありません。sslrootcert=FILE（又は PGSSLROOTCERT）で指定するか、sslrootcert=system を使用するか、より弱い sslmode を選んでください",
            "sslmode={mode} needs the CA's certificate: {path} does not exist; name it with sslrootcert=FILE (or PGSSLROOTCERT), use sslrootcert=system, or choose a weaker sslmode";
        /// The server's certificate was refused.
        TlsRefused { mode, why }:
            "TLS 証明書を受け入れられません（sslmode={mode}）: {why}",
            "its TLS certificate is refused (sslmode={mode}): {why}";
        /// Why `TlsRefused`: an issuer not trusted.
        CertNotSignedBy { roots }: "{roots}の署名がありません", "it is not signed by {roots}";
        /// Who `CertNotSignedBy` wanted: the system's CAs.
        SystemCas: "システムが信頼するいずれかの認証局", "any of the system's trusted CAs";
        /// Who `CertNotSignedBy` wanted: a CA in a file.
        CaInFile { path }: "{path} にある認証局", "a CA in {path}";
        /// Who `CertNotSignedBy` wanted: any trusted CA.
        TrustedCa: "信頼された認証局", "a trusted CA";
        /// Why `TlsRefused`: another host's certificate.
        CertNotForHost { host }: "ホスト名 {host} の証明書ではありません", "it is not for the host name {host}";
        /// Why `TlsRefused`: another host's certificate (no host name given).
        CertNotForGivenHost: "指定されたホスト名の証明書ではありません", "it is not for the host name given";
        /// Why `TlsRefused`: expired.
        CertExpired: "有効期限が切れています", "it has expired";
        /// Why `TlsRefused`: not valid yet.
        CertNotValidYet:
            "まだ有効期間に入っていません（又はこの端末の時計が遅れています）",
            "it is not valid yet (or this machine's clock is behind)";
        /// TLS could not be set up.
        TlsSetup { cause }: "TLS の設定: {cause}", "TLS set-up: {cause}";
    }
}

/// This crate's messages, for the workspace's catalogue test.
pub const TEMPLATES: &[&[baitai_core::text::Template]] = &[Msg::TEMPLATES];

/// A signing capacity in words (実施者, `actor`), as the printouts name it.
#[derive(Debug)]
struct SignRoleWord(SignRole);

impl Localized for SignRoleWord {
    fn in_lang(&self, lang: Lang) -> String {
        lang.w(Word::sign_role(self.0)).to_string()
    }
}

/// The capacity `role` as a message value: the printouts' word in Japanese, its name in English.
pub(crate) fn sign_role(role: SignRole) -> Text {
    Text::message(SignRoleWord(role))
}

/// A number as a message value.
pub(crate) fn num(n: impl std::fmt::Display) -> Text {
    Text::plain(n.to_string())
}

/// A path as a message value (core's, shared by every crate).
pub(crate) use baitai_core::text::path;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        let problems = baitai_core::text::catalogue_problems(TEMPLATES);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_verify_finding_is_english_in_json_and_either_language_on_screen() {
        let f = crate::VerifyFailure {
            seq: 3,
            reason: Msg::TimeAhead.into(),
        };
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json["reason"],
            "its time is more than a day ahead of this machine's clock"
        );
        assert_eq!(
            f.reason.in_lang(Lang::Ja),
            "日時がこの端末の時計より 1 日以上先です"
        );
    }

    #[test]
    fn messages_render_in_japanese_with_their_values() {
        let t = Text::from(Msg::NoLedgerAt {
            path: "/srv/ledger.db".into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "/srv/ledger.db に台帳がありません。`baitai init` で作成するか、--ledger で台帳を指定してください"
        );
        assert_eq!(
            t.to_string(),
            "no ledger at /srv/ledger.db: create one with `baitai init` or point --ledger at it"
        );
        let missing = Text::from(Msg::SignatureMissing {
            role: sign_role(SignRole::Witness),
        });
        assert_eq!(missing.in_lang(Lang::Ja), "立会者の署名がありません");
        assert_eq!(missing.to_string(), "the witness signature is missing");
        let failed = Text::from(Msg::FailsVerification {
            seq: num(7),
            reason: Msg::ContentsMismatch.into(),
        });
        assert_eq!(
            failed.in_lang(Lang::Ja),
            "台帳は記録 7 で検証に合格しません（内容がハッシュと一致しません（記録が編集されています））。何も実行していません"
        );
    }
}

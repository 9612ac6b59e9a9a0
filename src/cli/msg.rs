//! The command line's own messages, each in Japanese and English: what a handler prints after
//! an act, its lists and prompts, and the usage errors it finds itself.

baitai_core::messages! {
    pub enum Msg {
        // After an act: what was recorded and where the medium stands.
        /// The medium's state after an act, with the entry that recorded it.
        NowState { medium, state, data, seq, time }:
            "{medium} は{state}（{data}）になりました。記録 #{seq}（{time}）",
            "{medium} is now {state} ({data}); entry #{seq} at {time}";
        /// `medium register`, `receive`.
        Registered { medium }: "媒体 {medium} を登録しました", "Registered medium {medium}";
        /// `checkout`.
        CheckedOut { medium }: "媒体 {medium} の使用を記録しました", "Checked out {medium} for use";
        /// `return`, with what the check on return found.
        Returned { medium, check }: "媒体 {medium} の返却を受けました: {check}", "Received {medium} back: {check}";
        /// `return` of a medium not proven clean.
        NotIssuedUntilClean:
            "消去の検証又は媒体全体の確認でデータなしとなるまで、再び払い出しません（000 10(4)ウ）。",
            "It will be issued again only after a verified wipe or a whole-medium check that finds nothing (000 10(4)ウ).";
        /// `return`: revoked people's key slots removed from the vault.
        SlotsRemoved { people, seq }:
            "失効者 {people} の鍵スロットを暗号化領域から削除しました。記録 #{seq}",
            "Removed the key slots of {people} (revoked) from the vault on it; entry #{seq}";
        /// `return`: key slots re-addressed to a key on a token.
        SlotsReaddressed { people, seq }:
            "{people} の鍵スロットをトークン上の鍵宛てに作り直しました。記録 #{seq}",
            "Made the key slots of {people} again for their key on a token; entry #{seq}";
        /// `return`: revoked people's key slots could not be removed.
        SlotsLeft { people, why }:
            "警告: この媒体の暗号化領域には失効者（{people}）の鍵スロットが残っています: {why}\n`baitai vault rekey MOUNT` で削除してください。",
            "Warning: the vault on it still holds key slots of revoked people ({people}): {why}\nRemove them with `baitai vault rekey MOUNT`.";
        /// Shown to the approver of a carry-out or loan: nothing recorded on the medium.
        NoFilesRecorded { medium }:
            "{medium}: 最後に消去が確認されて以降、台帳に記録されたファイルはありません",
            "{medium}: the ledger records no files on it since it was last proven clean";
        /// Shown to the approver of a carry-out or loan: heads the files recorded on it.
        HoldsFiles { medium }:
            "{medium} には、台帳の記録上、次のファイルがあります:",
            "{medium} holds, as the ledger records it:";
        /// `carry-out`.
        CarryOutRecorded { medium }: "媒体 {medium} の持出しを許可し、記録しました", "Carry-out of {medium} approved and recorded";
        /// `loan`.
        LoanRecorded { medium }: "媒体 {medium} の貸出しを許可し、記録しました", "Loan of {medium} approved and recorded";
        /// `copy`.
        CopyRecorded { medium }: "媒体 {medium} の持出し先での複製を記録しました", "Copy at the destination of {medium} recorded";
        /// `transfer`.
        TransferRecorded { medium, to }:
            "媒体 {medium} の {to} への交付を記録しました。この媒体は台帳の管理を離れます",
            "Transfer of {medium} to {to} recorded; the medium leaves the ledger";
        /// `destroy`.
        DestroyRecorded { medium, method }:
            "媒体 {medium} の破棄（{method}）を破棄立会者の署名とともに記録しました",
            "Destruction of {medium} ({method}) recorded with the witness's signature";
        /// `medium correct`.
        CorrectionRecorded { entry, medium }:
            "媒体 {medium} の記録 {entry} の訂正を記録しました",
            "Correction of entry {entry} of {medium} recorded";
        /// `medium correct --data-present`, after the line above.
        CorrectionDataPresent:
            ": データありとし、再使用の前に消去と検証を要します",
            ": it is data-present, to be wiped and verified before reuse";
        /// `lost`.
        LostRecorded { medium }: "媒体 {medium} の紛失を報告しました", "{medium} reported LOST";
        /// `lost`: the incident report could not be built.
        IncidentNotBuilt { error, medium }:
            "注意: 事故報告を作成できませんでした（{error}）。`baitai report incidents {medium}` を実行してください",
            "note: could not build the incident report ({error}); run `baitai report incidents {medium}`";
        /// `medium list --state` with a word that is no state.
        UnknownState { state, states }:
            "状態 {state} はありません。次のいずれかを指定してください: {states}",
            "unknown state {state}: use one of {states}";

        // `medium show`.
        ShowState { state, holder }: "状態: {state}{holder}", "State: {state}{holder}";
        ShowHolder { name, id }: "（保持者 {name}（{id}））", " with {name} ({id})";
        ShowData { data }: "データ: {data}", "Data: {data}";
        ShowRegistered { time }: "登録: {time}", "Registered: {time}";
        ShowSite { site }: "拠点: {site}", "Site: {site}";
        ShowLabel { v }: "ラベル: {v}", "Label: {v}";
        ShowRestriction { v }: "取扱制限: {v}", "Restriction: {v}";
        ShowDevice { v }: "装置: {v}", "Device: {v}";
        ShowReceivedFrom { v }: "受領元: {v}", "Received from: {v}";
        ShowAttachedNow { v }: "現在の接続先: {v}", "Attached now: {v}";
        ShowNotAttached: "接続されていません（この識別情報のディスクなし）", "not attached (no disk with its identity)";
        ShowReuseGate:
            "再使用の可否: 消去の検証又は媒体全体のデータなし確認が記録されるまで不可",
            "Reuse gate: closed until a verified wipe or a whole-medium blank check is recorded";
        ShowRevokedSlots { people }:
            "暗号化領域: 失効者 {people} の鍵スロットが残っています（`baitai vault rekey MOUNT` 又は `return --path` でスロットを削除するか、暗号化領域を暗号消去又は消去するまで、オフラインで開けます）",
            "Vault: still holds a key slot for revoked {people} (they can open it offline until the slot is removed with `baitai vault rekey MOUNT` or at `return --path`, or the vault is erased or wiped)";
        ShowEntries: "記録:", "Entries:";
        ShowCorrectedBy { entries }: " [訂正 {entries}]", " [corrected by {entries}]";

        // Notices after a person authenticates (004 2.1.1.1(j)(k)).
        LastUse { time, kind }: "前回の利用 {time}（{kind}）", "last use {time} ({kind})";
        FirstUse: "初回の利用", "first use";
        FailedAttempts { n, person, times }:
            "警告: {person} について、前回以降にパスフレーズの誤りが {n} 回あります: {times}",
            "warning: {n} failed passphrase attempt(s) for {person} since then: {times}";

        // `init` and `person …`.
        LedgerCreated { ledger, org, admin, affiliation, timezone, prefix }:
            "{org} の台帳 {ledger} を作成しました\n総括者: {admin}（{affiliation}）、P0001\nタイムゾーン {timezone}、媒体番号 {prefix}-YYYY-NNNN",
            "Created ledger {ledger} for {org}\nFirst admin: {admin} ({affiliation}), P0001\nTime zone {timezone}, medium numbers {prefix}-YYYY-NNNN";
        FastKdfWarning:
            "警告: 試験専用の高速な鍵導出です。パスフレーズが推測されやすくなります",
            "warning: fast key derivation for tests only; passphrases are easier to guess";
        TokenArgsNeedToken:
            "--token-label と --token-key-id は、--token で鍵を作成するトークンを指定するものです。--token を付けてください",
            "--token-label and --token-key-id choose where a key is made with --token: add --token";
        PersonAdded { name, affiliation, site, roles, id }:
            "{name}（{affiliation}{site}）を {roles} として追加しました: {id}",
            "Added {name} ({affiliation}{site}) as {roles}: {id}";
        PersonSite { site }: "、拠点 {site}", ", site {site}";
        PassphraseChanged { name, id, fingerprint }:
            "{name}（{id}）のパスフレーズと鍵を変更しました。新しい鍵の指紋 {fingerprint}",
            "Changed the passphrase and key of {name} ({id}); new key fingerprint {fingerprint}";
        OwnKeyOnly:
            "トークンに移せるのは本人の鍵だけです。本人として --as を付けて実行してください",
            "a person moves only their own key to a token: run it --as them";
        KeyMoved { name, id, label, fingerprint }:
            "{name}（{id}）の鍵をトークン {label} に移しました。新しい鍵の指紋 {fingerprint}\n旧鍵宛ての暗号化領域は、各媒体の返却後（return --path 又は vault rekey でスロットを作り直します）にトークンで開けるようになります。それまでは他の管理者の預託スロットで開けます。",
            "Moved the key of {name} ({id}) to the token {label}; new key fingerprint {fingerprint}\nVaults made for the old key open with the token once each medium is back (return --path or vault rekey re-addresses the slot); other custodians' escrow slots open them meanwhile.";
        LockLifted { name, id }: "{name}（{id}）のロックを解除しました", "Lifted the lock on {name} ({id})";
        PersonRevokedWord: "失効", "revoked";
        PersonActiveWord: "有効", "active";
        ColId: "ID", "ID";
        ColName: "氏名", "Name";
        ColRoles: "役割", "Roles";
        ColStatus: "状態", "Status";
        ColKey: "鍵", "Key";
        ShowAffiliation { v }: "所属: {v}", "Affiliation: {v}";
        ShowRoles { v }: "役割: {v}", "Roles: {v}";
        ShowFingerprint { v }: "鍵の指紋: {v}", "Key fingerprint: {v}";
        ShowAdded { v }: "追加: {v}", "Added: {v}";
        ShowRevoked { v }: "失効: {v}", "Revoked: {v}";
        ShowKeyOnToken { label, manufacturer, model, serial, key_id }:
            "トークン上の鍵: {label}（{manufacturer} {model}、シリアル {serial}）、鍵 ID {key_id}",
            "Key on token: {label} ({manufacturer} {model}, serial {serial}), key ID {key_id}";
        ShowLastUse { v }: "前回の利用: {v}", "Last use: {v}";
        Never: "なし", "never";
        ShowFailedSince { n }: "前回の利用以降のパスフレーズ誤り: {n} 回", "Failed passphrase attempts since last use: {n}";
        ShowLockedUntil { until, id }:
            "パスフレーズの誤りが続いたため {until} までロック中（総括者が解除できます: `baitai person unlock {id}`）",
            "Locked until {until} after repeated failed passphrases (an admin can lift it: `baitai person unlock {id}`)";
        NowHolds { name, id, roles }: "{name}（{id}）の役割: {roles}", "{name} ({id}) now holds: {roles}";
        PersonRevoked { name, id }:
            "{name}（{id}）を失効させました。これまでの記録は台帳に残ります",
            "Revoked {name} ({id}); their history stays in the ledger";
        SlotsStillIn { n, media }:
            "この利用者の鍵スロットが {n} 件の媒体の暗号化領域に残っています: {media}\n保管中の媒体ごとに `baitai vault rekey MOUNT` で削除してください。その他の媒体は `baitai return MEDIUM --path MOUNT` で返却を受けるときに削除されます。",
            "Their key slot is still in the vaults of {n} media: {media}\nRemove it with `baitai vault rekey MOUNT` for each medium in storage; the others lose it when received back with `baitai return MEDIUM --path MOUNT`.";

        // Passphrases and PINs (secrets.rs).
        OneStdin:
            "標準入力（-）から読めるパスフレーズは一つだけです。他はファイルで指定してください",
            "only one passphrase can come from stdin (-); put the others in files";
        OneStdinOrPin:
            "標準入力（-）から読めるパスフレーズ又は PIN は一つだけです。他はファイルで指定してください",
            "only one passphrase or PIN can come from stdin (-); put the others in files";
        StdinAlreadyRead: "標準入力は既にパスフレーズとして読み込まれています", "stdin was already read for a passphrase";
        PassphraseOnStdin: "標準入力のパスフレーズ", "the passphrase on stdin";
        PassphraseFile { path }: "パスフレーズファイル {path}", "passphrase file {path}";
        CannotReadPassphraseFile { path, cause }:
            "パスフレーズファイル {path} を読み取れません: {cause}",
            "cannot read passphrase file {path}: {cause}";
        CannotRead { what, why }: "{what} を読み取れません: {why}", "cannot read {what}: {why}";
        NoTerminalToAsk { what, flag }:
            "{what} を入力する端末がありません。{flag} FILE を指定してください",
            "no terminal to ask for {what}: give {flag} FILE";
        CannotAsk { what, cause, flag }:
            "{what} の入力を求められません（{cause}）。{flag} FILE を指定してください",
            "cannot ask for {what} ({cause}): give {flag} FILE";
        TokenPin { label }: "トークン {label} の PIN", "PIN of the token {label}";
        PassphraseWord: "パスフレーズ", "Passphrase";
        SecretOf { what, name, id, capacity }:
            "{name}（{id}）の{what}（{capacity}）",
            "{what} of {name} ({id}) as {capacity}";
        PassphrasePolicy { chars, classes }:
            "パスフレーズは空白を除いて {chars} 文字以上とし、英大文字・英小文字・数字・記号のうち {classes} 種類以上を含めてください。",
            "A passphrase needs at least {chars} characters besides spaces, mixing {classes} of: upper case, lower case, digits, symbols.";
        NewPassphraseFor { who }: "{who} の新しいパスフレーズ", "New passphrase for {who}";
        RepeatNewPassphrase { who }: "{who} の新しいパスフレーズ（確認のため再入力）", "Repeat the new passphrase for {who}";
        TryAgain { why, left }: "{why}。もう一度入力してください（残り {left} 回）", "{why}; try again ({left} left)";
        PassphrasesDiffer: "二つのパスフレーズが一致しません", "the two passphrases differ";
        PassphrasesDifferTryAgain { left }:
            "二つのパスフレーズが一致しません。もう一度入力してください（残り {left} 回）",
            "the two passphrases differ; try again ({left} left)";
        NoNewPassphrase: "新しいパスフレーズが入力されませんでした", "no new passphrase was given";
        WrongSecret { what, name, id, left }:
            "{name}（{id}）の{what}が違います。この失敗は台帳に記録します。{left}。",
            "Wrong {what} for {name} ({id}); the attempt is recorded. {left} left.";
        /// How many tries are left: one.
        OneTry { n }: "残り {n} 回", "{n} try";
        /// How many tries are left: more than one.
        Tries { n }: "残り {n} 回", "{n} tries";
        PinWord: "PIN", "PIN";
        PassphraseLower: "パスフレーズ", "passphrase";

        // `wipe`.
        OneTarget: "--device 又は --image のどちらか一つを指定してください", "give exactly one of --device or --image";
        AboutToWipe { medium, device, method, passes, vault }:
            "{medium}（{device}）の全バイトを上書きします。方式 {method}（{passes}＋読戻し検証）{vault}",
            "About to overwrite EVERY byte of {medium} ({device}), method {method} ({passes} + read-back){vault}";
        /// How many passes a wipe writes: one.
        OnePass { n }: "{n} 回の書込み", "{n} pass";
        /// How many passes a wipe writes: more than one.
        Passes { n }: "{n} 回の書込み", "{n} passes";
        VaultHeadersFirst: "。先に媒体上の暗号化領域ヘッダを破壊します", "; vault headers on it are destroyed first";
        WipeNeedsTyping:
            "wipe は媒体番号の入力を求めます。スクリプトから実行するときは --yes を付けてください",
            "wipe asks you to type the medium number; pass --yes when running from a script";
        TypeNumber { medium }: "続行するには媒体番号（{medium}）を入力してください: ", "Type the medium number ({medium}) to go on: ";
        TypedWrong { typed, medium }:
            "入力は {typed} で、{medium} ではありません。何も書き込んでいません",
            "you typed {typed}, not {medium}: nothing was written";

        PhaseSweep: "暗号化領域ヘッダを検索中", "finding vault headers";
        PhaseWrite { pass, passes }: "{pass}/{passes} 回目 書込み中", "pass {pass}/{passes} writing";
        PhaseVerify { pass, passes }: "{pass}/{passes} 回目 検証中", "pass {pass}/{passes} verifying";
        WipeStoppedRecorded { medium }:
            "{medium} の消去を中断し、未完了として記録しました",
            "wipe of {medium} stopped and recorded as incomplete";
        WipeDidNotFinish { medium, why }: "{medium} の消去は完了しませんでした: {why}", "wipe of {medium} did not finish: {why}";
        Stopped: "中断", "stopped";
        SectorsWrong { sectors }: "{sectors} セクタの読戻しが不一致", "{sectors} sectors read back wrong";
        SectorsWrongAt { sectors, offset }:
            "{sectors} セクタの読戻しが不一致（最初はバイト位置 {offset}）",
            "{sectors} sectors read back wrong, the first at byte {offset}";
        RecordTitle: "消去記録", "Sanitization record 消去記録";
        RowMedium: "媒体番号", "medium";
        RowDevice: "装置", "device";
        RowMethod: "方式", "method";
        RowOperator: "実施者", "operator";
        RowStarted: "開始", "started";
        RowFinished: "終了", "finished";
        RowPass { n }: "{n} 回目", "pass {n}";
        RowReadBack: "読戻し", "read-back";
        RowVault: "暗号化領域", "vault";
        RowResult: "結果", "result";
        RowState: "状態", "state";
        MediumEntry { medium, seq }: "{medium}（記録 #{seq}）", "{medium} (entry #{seq})";
        VaultHeadersErased { n }:
            "書込みの前に暗号化領域ヘッダ {n} 個を検出し、破壊しました",
            "{n} vault header(s) found and destroyed before the passes";
        WipePassed:
            "合格: 全バイトが書込みどおりに読み戻されました。消去確認済です",
            "PASSED: every byte read back as written; the medium is verified clean";
        WipeFailedVerdict { why }: "不合格: {why}。この媒体は破棄してください", "FAILED: {why}; the medium must be destroyed";
        WipeIncompleteVerdict { why }: "未完了: {why}。この媒体は消去されていません", "INCOMPLETE: {why}; the medium is not clean";
        Seed { seed }: " シード {seed}", " seed {seed}";
        PassWrote { pattern, seed, bytes, rate }: "{pattern}{seed}: 書込み {bytes}（{rate}）", "{pattern}{seed}: wrote {bytes} ({rate})";
        PassNotReadBack { wrote }:
            "{wrote}、読戻しなし: この回の書込みは検証されていません",
            "{wrote}, not read back: nothing of this pass was verified";
        PassReadBack { wrote, bytes, rate, mismatch, rest }:
            "{wrote}、読戻し {bytes}（{rate}）、{mismatch}{rest}",
            "{wrote}, read back {bytes} ({rate}), {mismatch}{rest}";
        RestNotVerified: "、残りは未検証", ", the rest not verified";
        NoMismatch: "不一致なし", "no mismatch";
        SectorsDiffer { sectors, offset, len }:
            "{sectors} セクタが不一致（最初はバイト位置 {offset}、{len} バイト）",
            "{sectors} sectors differ, first at byte {offset} ({len} bytes)";

        // `devices`.
        NumbersNotShown { why }: "媒体番号は表示していません: {why}", "medium numbers not shown: {why}";
        NoMedium: "（媒体なし）", "(no medium)";
        NoUsbDevices: "USB 記憶装置は見つかりません。", "No USB storage devices found.";
        NoDevices: "記憶装置は見つかりません。", "No storage devices found.";
        ColIdentity: "識別情報", "identity";
        ColRemovable: "取外し可", "removable";
        ColMountedAt: "マウント先", "mounted at";

        // `ledger verify`.
        VerifyCounts { entries, signatures, people, media, ledger, head }:
            "記録 {entries} 件、署名 {signatures} 件、利用者 {people} 名、媒体 {media} 件\n台帳: {ledger}\nヘッド: {head}",
            "{entries} entries, {signatures} signatures, {people} people, {media} media\nledger: {ledger}\nhead: {head}";
        Empty: "（空）", "(empty)";
        KeptHead { seq }:
            "保存済みのヘッドハッシュは記録 #{seq} です。そこまでの記録は失われていません",
            "the kept head hash is entry #{seq}; nothing up to it was lost";
        CheckedAfter { seq }:
            "チェックポイント #{seq} 以降の規則と署名を検証しました（それまでの記録は以前の検証に合格し、引き続きチェーンがつながっています）",
            "checked rules and signatures after the checkpoint at #{seq} (entries up to it passed an earlier verify and still chain to it)";
        Note { note }: "注意: {note}", "note: {note}";
        LedgerVerified: "台帳を検証しました: チェーン、規則、署名とも異常なし", "ledger verified: chain, rules and signatures intact";
        EntryFails { seq, reason }: "記録 {seq}: {reason}", "entry {seq}: {reason}";

        // Printouts written to a file, and the other `ledger …` and `report …` answers.
        /// A printout written with `-o FILE`.
        Wrote { what, path }: "{what}を {path} に書き出しました", "Wrote {what} to {path}";
        TheForm { medium }: "媒体 {medium} の管理簿", "the form of {medium}";
        TheInventory: "媒体一覧", "the inventory";
        TheOverdueList: "未返却・期限超過の一覧", "the overdue list";
        TheCertificate { medium }: "媒体 {medium} の証明書", "the certificate of {medium}";
        TheIncidentReport: "事故報告", "the incident report";
        TheAuditReport: "監査報告", "the audit report";
        TheInventoryCheck: "在庫確認の結果", "the inventory check";
        OneLabel: "ラベル 1 枚", "1 label";
        Labels { n }: "ラベル {n} 枚", "{n} labels";
        JsonIsOneDocument:
            "--json は一つの JSON 文書を出力します。--format json を指定するか、他の形式は -o FILE で書き出してください",
            "--json prints one JSON document: use --format json, or -o FILE for other formats";
        NoRoleNeedsToken: "トークンを必須とする役割はなくなりました", "No role needs a token any more";
        KeysOnToken { roles }: "今後、{roles} の鍵はトークン上に置く必要があります", "From now on the keys of {roles} must be on a token";
        LedgerCopied { entries, keys, from, to, head }:
            "記録 {entries} 件と封印された鍵 {keys} 件を {from} から {to} に複製しました\n両方ともヘッドハッシュ {head} まで検証できます",
            "Copied {entries} entries and {keys} sealed keys from {from} to {to}\nBoth verify to head {head}";
        PrintoutUnverified { seq, reason }:
            "台帳は記録 {seq} で検証に失敗しました（{reason}）。出力では、そこから後のすべての記録を未検証と表示しています",
            "the ledger fails verification at entry {seq} ({reason}); the printout marks every entry from there as unverified";

        // Vaults: `put`, `ls`, `get`, `vault …`.
        /// Whose passphrase a vault's recipient slot takes (a prompt says it).
        TheRecipient: "受領者", "the recipient";
        TheOutsideRecipient: "外部の受領者", "the outside recipient";
        ProgressEncrypting: "暗号化中", "encrypting";
        ProgressDecrypting: "復号中", "decrypting";
        ProgressVerifying: "検証中", "verifying";
        CreatedAndEncrypted { n, bytes, medium, cipher, marking }:
            "暗号化領域を作成し、{n} 個のファイル（{bytes}）を暗号化して {medium} に書き込みました（{cipher}、{marking}）。管理者は預託スロットを保持しています",
            "Created the vault and encrypted {n} file(s), {bytes} onto {medium} ({cipher}, {marking}); the custodians hold escrow slots";
        Encrypted { n, bytes, medium, cipher, marking }:
            "{n} 個のファイル（{bytes}）を暗号化して {medium} に書き込みました（{cipher}、{marking}）",
            "Encrypted {n} file(s), {bytes} onto {medium} ({cipher}, {marking})";
        VaultHolds { n, seq }:
            "暗号化領域のファイルは {n} 個になりました。台帳の記録 #{seq}",
            "The vault now holds {n} file(s); ledger entry #{seq}";
        GiveAsOrPassphrase:
            "--as PERSON 又は --vault-passphrase-file FILE を指定してください",
            "give --as PERSON or --vault-passphrase-file FILE";
        VaultFiles { n }: "{n} 個のファイル", "{n} file(s)";
        ColSize: "サイズ", "Size";
        ColAddedBy: "追加者", "Added by";
        ColAddedAt: "追加日時", "Added at";
        Decrypted { n, bytes, out }:
            "{n} 個のファイル（{bytes}）を復号して {out} に書き出しました",
            "Decrypted {n} file(s), {bytes} into {out}";
        RecordedAs { seq }: "台帳の記録 #{seq} として記録しました", "Recorded as ledger entry #{seq}";
        VaultInfo { vault, medium, org, marking, cipher, created, slots }:
            "暗号化領域 {vault}\n媒体: {medium}\n組織: {org}\n格付: {marking}\n暗号方式: {cipher}\n作成: {created}\n鍵スロット: {slots}\n（ヘッダは未認証です。認証には鍵が必要です）",
            "Vault {vault}\nMedium: {medium}\nOrganisation: {org}\nMarking: {marking}\nCipher: {cipher}\nCreated: {created}\nKey slots: {slots}\n(header not yet authenticated: that needs a key)";
        FileOk: "正常  ", "ok    ";
        FileFailed: "失敗  ", "FAILED";
        VerifySummary { n, failed }:
            "{n} 個のファイルのうち {failed} 個が失敗しました。ヘッダとマニフェストは認証済みです",
            "{n} file(s), {failed} failed; header and manifest authenticated";
        CryptoErased { medium }:
            "{medium} の暗号化領域を暗号消去しました。鍵スロットを破棄したため、ファイルはもう復号できません。\n再使用の前に、読戻し検証付きの全面消去がなお必要です。",
            "Crypto-erased the vault of {medium}: its key slots are destroyed and the files can no longer be decrypted.\nA full wipe with read-back verification is still required before the medium is reused.";
        RekeyRemoved { people, medium, seq }:
            "{medium} の暗号化領域から失効者 {people} の鍵スロットを削除しました。記録 #{seq}",
            "Removed the key slots of {people} (revoked) from the vault of {medium}; entry #{seq}";
        RekeyReaddressed { people, medium, seq }:
            "{medium} の暗号化領域で、{people} の鍵スロットをトークン上の鍵宛てに作り直しました。記録 #{seq}",
            "Made the key slots of {people} again for their key on a token, in the vault of {medium}; entry #{seq}";
        RekeyFinished { seq }:
            "記録 #{seq} の再鍵を完了しました。媒体上の暗号化領域は記録と一致しています。",
            "Finished the re-key recorded as entry #{seq}: the vault on the medium now matches it.";
        RekeyNothing:
            "この暗号化領域に鍵スロットを持つ失効者はいません。処理は不要です。",
            "No revoked person holds a key slot in this vault: nothing to do.";
        UnreadableKey: "（読めない鍵）", "(unreadable key)";
        SignedBy { writer, fingerprint }:
            "{writer} が鍵指紋 {fingerprint} で署名しています。内容を信頼する前に、送り主の指紋と照合してください",
            "Signed by {writer} with key fingerprint {fingerprint}: compare it with the sender's before trusting the contents";

        // `exception …`.
        ExceptionEnded { grant, seq }:
            "例外措置 #{grant} の終了を報告しました。記録 #{seq}",
            "End of exception #{grant} reported; entry #{seq}";
        ExceptionGranted { seq, approver, until }:
            "例外措置 #{seq} を記録しました（許可権限者 {approver}）。{until} に自動的に終了します（終了の報告は `baitai exception end {seq}`）",
            "Exception #{seq} recorded, approved by {approver}; it ends on its own at {until} (report its end with `baitai exception end {seq}`)";
        ExceptionLine { seq, status, from, until, clause, scope, applicant, approver, measures, reason, end_report }:
            "#{seq} {status} {from}〜{until} {clause} [{scope}] 申請者 {applicant} 許可権限者 {approver}\n    代替措置: {measures}、理由: {reason}、終了時の報告方法: {end_report}",
            "#{seq} {status} {from}〜{until} {clause} [{scope}] applicant {applicant} approved by {approver}\n    measures: {measures}; reason: {reason}; end report: {end_report}";
        ExceptionEndedLine { report }: "    終了報告: {report}", "    ended: {report}";

        // `demo`: the story, one line per act, then the verdict.
        DemoCreates { admin }: "{admin}（総括者）が台帳を作成", "{admin} (admin) creates the ledger";
        DemoAdds { admin, name, affiliation, role, id }:
            "{admin} が {name}（{affiliation}）を{role}として追加 → {id}",
            "{admin} adds {name} ({affiliation}) as {role} → {id}";
        DemoRegisters { custodian, m1, m2, m3, m4, m5, m6, m7 }:
            "{custodian} が {m1}、{m2}、{m3}、{m4}、{m6}（USB メモリに代わるイメージファイル）、{m7} を登録し、外部から {m5} を受領",
            "{custodian} registers {m1}, {m2}, {m3}, {m4}, {m6} (an image file standing in for a USB stick), {m7}, and receives {m5} from outside";
        DemoChecksOut { handler, medium }: "{handler} が図面作業のため {medium} を使用", "{handler} checks out {medium} to work on drawings";
        DemoEncrypts { handler, n, medium, custodian }:
            "{handler} が図面 {n} 件を {medium} に暗号化して書込み（AES-256-GCM。{custodian} が預託鍵スロットを保持）",
            "{handler} encrypts {n} drawings onto {medium} (AES-256-GCM; {custodian} holds an escrow key slot)";
        DemoReturnWithData { custodian, medium }:
            "{custodian} が {medium} の返却を受領し、データがあることを確認",
            "{custodian} receives {medium} back and finds data on it";
        DemoOpensVault { custodian, n }:
            "{custodian} が返却された暗号化領域を預託鍵で開き、{n} 件のファイルを確認",
            "{custodian} opens the returned vault with the escrow key and checks its {n} files";
        DemoReuseRefused { handler, medium, reason }:
            "{handler} が {medium} の再使用を試みる: 拒否 — {reason}",
            "{handler} tries to reuse {medium}: REFUSED — {reason}";
        DemoCarriesOut { handler, medium, custodian }:
            "{handler} が {medium} を持出し（{custodian} が許可）",
            "{handler} carries {medium} out, approved by {custodian}";
        DemoCopies { handler, custodian }:
            "{handler} が持出し先で審査用資料を複製（{custodian} が許可）",
            "{handler} copies review slides at the destination, approved by {custodian}";
        DemoReceivesBack { custodian, medium }: "{custodian} が {medium} の返却を受領", "{custodian} receives {medium} back";
        DemoCorrects { custodian, medium }:
            "{custodian} が {medium} の返却の記録を訂正: 媒体内にファイルが見つかったため、検証付きの消去が必要になった",
            "{custodian} corrects the return of {medium} (訂正): files were found on it after all; it now needs a verified wipe";
        DemoLends { handler, medium, custodian }:
            "{handler} が {medium} を協力会社に貸出し（{custodian} が許可）",
            "{handler} lends {medium} to a contractor, approved by {custodian}";
        DemoLoanBack { custodian, medium }:
            "{custodian} が貸出し先から {medium} の返却を受領",
            "{custodian} receives {medium} back from the loan";
        DemoTransfers { handler, medium, custodian }:
            "{handler} が {medium} を他拠点に交付（{custodian} が許可）",
            "{handler} transfers {medium} to another site, approved by {custodian}";
        DemoDestroyRefused { custodian, medium, reason }:
            "{custodian} が未確認のまま {medium} の破棄を試みる: 拒否 — {reason}",
            "{custodian} tries to destroy {medium} unchecked: REFUSED — {reason}";
        DemoDestroys { custodian, medium, witness }:
            "{custodian} が読取り不能の {medium} を粉砕により破棄（破棄立会者 {witness}）",
            "{custodian} destroys the unreadable {medium} by crushing, witnessed by {witness}";
        DemoLost { handler, medium }:
            "{handler} が帰りの電車で {medium} を紛失したと報告",
            "{handler} reports {medium} lost on the train home";
        DemoScans { custodian, m1, m3 }:
            "{custodian} が保管庫を点検: {m1} と {m3} を読取り、台帳が払い出していない番号が一つ",
            "{custodian} scans the store: {m1} and {m3} read, one number the ledger never issued";
        DemoReturnSectors { custodian, medium }:
            "{custodian} が {medium} の返却を受け、全セクタを読み取る: データあり",
            "{custodian} receives {medium} back and reads every sector: data present";
        DemoWipes { custodian, medium, result }:
            "{custodian} が {medium} を消去（乱数の後にゼロ、各回ページキャッシュを経ずに読戻し）: {result}",
            "{custodian} wipes {medium} (random then zeros, each read back past the page cache): {result}";
        DemoChecksOutAgain { handler, medium }:
            "{handler} が消去確認済の {medium} を再び使用",
            "{handler} checks out the verified-clean {medium} again";
        DemoVerifyOk { entries, signatures, head }:
            "台帳検証: 正常 — 記録 {entries} 件、署名 {signatures} 件、ヘッド {head}",
            "ledger verify: OK — {entries} entries, {signatures} signatures, head {head}";
        DemoVerifyFailed { seq, reason }:
            "台帳検証: 記録 {seq} で不合格: {reason}",
            "ledger verify: FAILED at entry {seq}: {reason}";
        DemoWrote:
            "デモは次の出力を書き出しました（ブラウザで開き、A4 で印刷してください）:",
            "The demo wrote these printouts (open them in a browser and print on A4):";
        DemoKeptIn { dir, ledger, medium }:
            "デモの台帳と様式は {dir} にあります（例: baitai --ledger {ledger} ledger print {medium}）",
            "The demo ledger and forms are in {dir} (try: baitai --ledger {ledger} ledger print {medium})";
        DemoRemoved:
            "デモの一時台帳は削除しました。利用者自身の台帳には触れていません。",
            "The demo's temporary ledger has been removed; your own ledger was not touched.";
        DemoKeepExists { dir }:
            "{dir} は既にあります。--keep には新しいディレクトリを指定してください",
            "{dir} exists: give --keep a new directory";

        // What the command line was doing when the system failed it (`{context}: {os error}`).
        IoWriteStdout: "標準出力への書込み", "write to stdout";
        IoReadPassphraseStdin: "標準入力からのパスフレーズの読込み", "read a passphrase from stdin";
        IoReadNumbersStdin: "標準入力からの媒体番号の読込み", "read medium numbers from stdin";
        IoReadConfirmation: "確認の入力を読めません", "cannot read the confirmation";
        IoTempDir: "一時ディレクトリの作成", "create a temporary directory";
        IoDemoImage: "デモ用イメージの作成", "create the demo image";
        IoDemoImageWrite: "デモ用イメージへの書込み", "write the demo image";
        IoDemoFiles: "デモ用ファイルの作成", "create demo files";
        IoRenderMan: "マニュアルページの生成", "render the manual page";
        CannotCatchCtrlC { cause }: "Ctrl-C を捕捉できません: {cause}", "cannot catch Ctrl-C: {cause}";
        NotUtf8 { cause }: "生成したテキストが UTF-8 ではありません: {cause}", "generated text is not UTF-8: {cause}";
        WroteManPages { n, dir }: "マニュアルページ {n} 件を {dir} に書き出しました", "Wrote {n} manual pages to {dir}";
        VerboseLedger { path }: "台帳: {path}", "ledger: {path}";

        /// The demo found a rule not holding: a bug, reported rather than hidden.
        DemoReuseGateOpen: "demo: 返却された媒体が再使用の可否の確認を通過しました", "demo: the reuse gate let a returned medium out";
        DemoUnverifiedDestroyed: "demo: 消去未確認のまま破棄できました", "demo: destruction without verification was allowed";
        DemoNoPassphrase { name }: "demo: {name} のパスフレーズがありません", "demo: no passphrase for {name}";

        DemoLedgerFailed: "デモの台帳が検証で不合格になりました", "the demo ledger failed verification";
        /// The progress bar's layout (indicatif's template: the names in braces are its keys).
        ProgressBar:
            "{{msg}} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{rate}} 残り {{eta}}",
            "{{msg}} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{rate}} eta {{eta}}";

        // `medium label`.
        SizeSkipNeedHtml:
            "--size と --skip は印刷用シートの配置を指定します。--format html を付けてください",
            "--size and --skip lay out printed sheets: add --format html";
        NothingToLabel:
            "ラベルを作る媒体がありません。台帳には破棄済又は交付済でない媒体がありません",
            "no medium to label: the ledger has none that is not destroyed or transferred";

        // `inventory check`.
        CheckRecordedNotPrinted { seq, error }:
            "在庫確認は記録 #{seq} として記録しましたが、出力を書き出せませんでした: {error}",
            "the check is recorded as entry #{seq}, but its printout was not written: {error}";
        NoSuchDirectory { path, dir }: "-o {path}: ディレクトリ {dir} がありません", "-o {path}: there is no directory {dir}";
        NumbersFromStdin:
            "ここでは媒体番号を標準入力から読みます。--present で指定するか、パスフレーズをファイルで指定してください",
            "the medium numbers come from stdin here: give them with --present, or the passphrase in a file";
        ScanPrompt:
            "見つかった媒体の番号を 1 行に 1 件ずつ読み取るか入力してください。空行で終了します。",
            "Scan or type the medium numbers found, one per line; an empty line ends.";
    }
}

/// A state name as the ledger spells it (`in-use`), shown in each language's words (`使用中`).
#[derive(Debug)]
struct StateName(String);

impl baitai_core::text::Localized for StateName {
    fn in_lang(&self, lang: baitai_core::words::Lang) -> String {
        lang.state(&self.0).to_string()
    }
}

/// A state name (`in-use`, `fresh`) as a value of a message.
pub(crate) fn state(s: &str) -> baitai_core::text::Text {
    baitai_core::text::Text::message(StateName(s.to_string()))
}

/// A message in the screen's language, where no [`Ctx`](super::Ctx) is at hand (prompts asked
/// from inside the app layer).
pub(crate) fn say(m: impl Into<baitai_core::text::Text>) -> String {
    m.into().in_lang(super::screen())
}

/// The command line's messages, for the workspace's catalogue test.
#[cfg_attr(not(test), allow(dead_code))] // only the catalogue tests read it
pub const TEMPLATES: &[&[baitai_core::text::Template]] = &[Msg::TEMPLATES];

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::text::Text;
    use baitai_core::words::Lang;

    #[test]
    fn the_catalogue_is_whole() {
        let p = baitai_core::text::catalogue_problems(TEMPLATES);
        assert!(p.is_empty(), "{}", p.join("\n"));
    }

    #[test]
    fn messages_render_in_japanese_with_their_values() {
        let t = Text::from(Msg::NowState {
            medium: "USB-2026-0001".into(),
            state: state("in-use"),
            data: state("fresh"),
            seq: "3".into(),
            time: "2026-12-03 10:00".into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "USB-2026-0001 は使用中（新規（未使用））になりました。記録 #3（2026-12-03 10:00）"
        );
        assert_eq!(
            t.to_string(),
            "USB-2026-0001 is now in-use (fresh); entry #3 at 2026-12-03 10:00"
        );
        let p = Text::from(Msg::NewPassphraseFor {
            who: "佐藤 一郎".into(),
        });
        assert_eq!(p.in_lang(Lang::Ja), "佐藤 一郎 の新しいパスフレーズ");
        assert_eq!(p.en(), "New passphrase for 佐藤 一郎");
        // Braces doubled in the catalogue reach indicatif as its keys.
        assert_eq!(
            Msg::ProgressBar.to_string(),
            "{msg} [{bar:30}] {bytes}/{total_bytes} {rate} eta {eta}"
        );
    }
}

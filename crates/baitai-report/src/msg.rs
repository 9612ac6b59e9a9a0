//! The printouts' messages in Japanese and English: why a printout cannot be made. The
//! printouts' own words are in `baitai_core::words`.

use baitai_core::text::Template;

baitai_core::messages! {
    pub enum Msg {
        /// An entry a certificate reads that is not a medium's record.
        NotARecord { seq }: "記録 #{seq} は媒体の記録ではありません", "entry #{seq} is not a record";
        /// A medium with no registration entry.
        NoRegistration { number }: "媒体 {number} には登録の記録がありません", "{number} has no registration entry";
        /// A medium with no entries.
        NoEntries { number }: "媒体 {number} には記録がありません", "{number} has no entries";
        /// A certificate asked of an entry of another kind.
        NotCertifiable { seq, number, kind }: "媒体 {number} の記録 #{seq} は {kind} です。証明書は medium.wipe 又は medium.destroy の記録から作成します", "entry #{seq} of {number} is a {kind}: certificates are made from medium.wipe and medium.destroy entries";
        /// An entry number that is not the medium's.
        NotOfMedium { seq, number }: "記録 #{seq} は媒体 {number} の記録ではありません", "entry #{seq} is not an entry of {number}";
        /// An entry of the wrong kind for the certificate asked.
        WrongKind { seq, number, kind, wanted }: "媒体 {number} の記録 #{seq} は {kind} であり、{wanted} の記録ではありません", "entry #{seq} of {number} is a {kind}, not a {wanted} record";
        /// A wipe started and never ended.
        WipeNeverEnded { number, seq }: "媒体 {number} には消去の記録がありません。記録 #{seq} で開始した消去の終了が記録されていません", "{number} has no wipe record: the wipe started at entry #{seq} never recorded its end";
        /// No wipe at all.
        NoWipe { number }: "媒体 {number} には消去の記録がありません", "{number} has no wipe record";
        /// No destruction.
        NoDestruction { number }: "媒体 {number} には破棄の記録がありません（破棄されていません）", "{number} has no destruction record: it has not been destroyed";
        /// A certificate of a ledger that fails its checks.
        CertificateUnreliable { seq, reason }: "記録 {seq}: {reason}（証明書には信頼できない旨を表示して出力しました）", "entry {seq}: {reason} (the certificate was printed marked as not reliable)";
        /// A certificate asked for as CSV.
        CertificateNotCsv: "証明書は text、html 又は json で出力します。csv では出力できません", "a certificate prints as text, html or json, not csv";
        /// JSON that cannot be written.
        EncodeJson { cause }: "JSON に変換できません: {cause}", "cannot encode JSON: {cause}";
        /// A `--skip` past a whole sheet.
        SkipSheet { skip, size, places }: "--skip {skip} は 1 枚分以上です。{size} のラベル用紙は 1 枚 {places} 面です", "--skip {skip} is a whole sheet or more: a sheet of {size} labels has {places} places";
        /// Data too long for a QR code.
        QrCode { data, cause }: "{data} の QR コードを作成できません: {cause}", "cannot make a QR code of {data}: {cause}";
        /// An audit period that ends before it starts.
        PeriodBackwards { from, to }: "--to {to} が --from {from} より前です", "--to {to} is before --from {from}";
    }
}

/// This crate's messages, for the workspace's catalogue test.
pub const TEMPLATES: &[&[Template]] = &[Msg::TEMPLATES];

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::text::Text;
    use baitai_core::words::Lang;

    #[test]
    fn the_catalogue_has_both_languages() {
        let p = baitai_core::text::catalogue_problems(TEMPLATES);
        assert!(p.is_empty(), "{}", p.join("\n"));
    }

    #[test]
    fn why_a_certificate_cannot_be_made_reads_in_japanese() {
        let t = Text::from(Msg::WipeNeverEnded {
            number: "USB-2026-0001".into(),
            seq: "12".into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "媒体 USB-2026-0001 には消去の記録がありません。記録 #12 で開始した消去の終了が記録されていません"
        );
        assert_eq!(
            t.to_string(),
            "USB-2026-0001 has no wipe record: the wipe started at entry #12 never recorded its end"
        );
        let p = Text::from(Msg::PeriodBackwards {
            from: "2026-11-02".into(),
            to: "2026-11-01".into(),
        });
        assert_eq!(
            p.in_lang(Lang::Ja),
            "--to 2026-11-01 が --from 2026-11-02 より前です"
        );
    }
}

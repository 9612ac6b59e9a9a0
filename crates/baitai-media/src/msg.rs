//! The media crate's messages in Japanese and English: devices that cannot be opened, are in
//! use, or are not the medium the ledger registered.

use baitai_core::text::{Template, Text};

baitai_core::messages! {
    pub enum Msg {
        /// An image file that cannot be opened.
        OpenImage { path }: "イメージ {path} を開けません", "cannot open image {path}";
        /// A path that is not an image file.
        NotImageFile { path }: "{path} はイメージファイルではありません", "{path} is not an image file";
        /// A path whose real location cannot be found.
        CannotResolve { path }: "{path} の実際の所在を確認できません", "cannot resolve {path}";
        /// A device that cannot be opened.
        OpenDevice { path }: "装置 {path} を開けません", "cannot open device {path}";
        /// A path that is not a block device.
        NotBlockDevice { path }: "{path} はブロックデバイスではありません", "{path} is not a block device";
        /// A device path with no name.
        NoDeviceName { path }: "{path} には装置名がありません", "{path} has no device name";
        /// sysfs does not give a device's size.
        SysfsSize { name }: "sysfs から {name} の容量を読み取れません", "cannot read the size of {name} from sysfs";
        /// A device that reports an impossible size.
        TooManySectors { name, sectors }: "{name} のセクタ数 {sectors} が大きすぎるため、バイト数を計算できません", "{name} reports {sectors} sectors, more bytes than can be counted";
        /// A path that cannot be looked at.
        LookAt { path }: "{path} を確認できません", "cannot look at {path}";
        /// A mount point that is not a directory.
        NotDirectory { path }: "{path} はディレクトリではありません（媒体がそこにマウントされていますか）", "{path} is not a directory (is the medium mounted there?)";
        /// A directory that cannot be listed.
        CannotList { path }: "{path} の一覧を取得できません", "cannot list {path}";
        /// The device in hand is not the registered one.
        NotTheMedium { medium, what, seen, recorded }: "この装置は媒体 {medium} ではありません。{what}が異なります。この装置: {seen}、台帳: {recorded}", "this is not {medium}: its {what} is {seen}, the ledger has {recorded}";
        /// A size in a person's terms and in bytes.
        Size { human, bytes }: "{human}（{bytes} バイト）", "{human} ({bytes} bytes)";
        /// An identity field that is absent.
        NoValue: "（なし）", "(none)";
        /// The capacity, as an identity field.
        FieldCapacity: "容量", "capacity";
        /// The USB vendor ID, as an identity field.
        FieldVendorId: "USB ベンダー ID", "USB vendor ID";
        /// The USB product ID, as an identity field.
        FieldProductId: "USB 製品 ID", "USB product ID";
        /// The serial number, as an identity field.
        FieldSerial: "シリアル番号", "serial number";
        /// The path of an image, as an identity field.
        FieldPath: "パス", "path";
        /// A read that failed at a byte.
        ReadError { path, at }: "{path} の {at} バイト目で読取りエラーが発生しました", "read error on {path} at byte {at}";
        /// A device that cannot be opened.
        Open { path }: "{path} を開けません", "cannot open {path}";
        /// A device that is mounted or held.
        DeviceInUse { path }: "{path} は使用中です（マウント中又は他のプログラムが使用中）。先にアンマウントしてください", "{path} is in use (mounted, or held by another program): unmount it first";
        /// A device whose size cannot be found.
        SizeUnknown { path }: "{path} の容量を確認できません", "cannot find the size of {path}";
        /// What holds a device: a mount point.
        MountedAt { point }: "マウント中（{point}）", "mounted at {point}";
        /// What holds a device: another device.
        HeldBy { holder }: "使用中（{holder} が保持）", "held by {holder}";
        /// What holds a device: something the kernel does not name.
        InUseBlock { major, minor }: "使用中（ブロックデバイス {major}:{minor}）", "in use (block device {major}:{minor})";
        /// A device that must not be written while it is held.
        Busy { path, what }: "{path} は{what}です。先にアンマウントしてください（書込みは行っていません）", "{path} is {what}: unmount it first (nothing was written)";
        /// The mount table cannot be read.
        Mountinfo: "マウント状況を確認するための /proc/self/mountinfo を読み取れません", "cannot read /proc/self/mountinfo to check for mounts";
        /// A write-protected device.
        ReadOnly { path }: "{path} は読取り専用（書込み禁止）です。書込みは行っていません", "{path} is read-only (write-protected): nothing was written";
        /// A directory on a read-only file system.
        ReadOnlyFs { path }: "{path} は読取り専用のファイルシステム上にあります（書込み禁止の媒体ではありませんか）。書込みは行っていません", "{path} is on a read-only file system (a write-protected stick?): nothing was written";
    }
}

/// A message, `: `, and what the operating system said (which reads the same in both).
pub(crate) fn with_cause(m: Msg, cause: impl std::fmt::Display) -> Text {
    Text::from(m).then(": ", Text::plain(cause.to_string()))
}

/// This crate's messages, for the workspace's catalogue test.
pub const TEMPLATES: &[&[Template]] = &[Msg::TEMPLATES];

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::words::Lang;

    #[test]
    fn the_catalogue_has_both_languages() {
        let p = baitai_core::text::catalogue_problems(TEMPLATES);
        assert!(p.is_empty(), "{}", p.join("\n"));
    }

    #[test]
    fn a_wrong_device_reads_in_japanese() {
        let size = |h: &str, b: &str| Msg::Size {
            human: h.into(),
            bytes: b.into(),
        };
        let t = Text::from(Msg::NotTheMedium {
            medium: "USB-2026-0001".into(),
            what: Msg::FieldCapacity.into(),
            seen: size("256.0 GiB", "274877906944").into(),
            recorded: size("256.0 MiB", "268435456").into(),
        });
        assert_eq!(
            t.in_lang(Lang::Ja),
            "この装置は媒体 USB-2026-0001 ではありません。容量が異なります。この装置: 256.0 GiB（274877906944 バイト）、台帳: 256.0 MiB（268435456 バイト）"
        );
        assert_eq!(
            t.to_string(),
            "this is not USB-2026-0001: its capacity is 256.0 GiB (274877906944 bytes), the ledger has 256.0 MiB (268435456 bytes)"
        );
        let busy = Text::from(Msg::Busy {
            path: "/dev/sdb".into(),
            what: Msg::MountedAt {
                point: "/media/usb".into(),
            }
            .into(),
        });
        assert_eq!(
            busy.in_lang(Lang::Ja),
            "/dev/sdb はマウント中（/media/usb）です。先にアンマウントしてください（書込みは行っていません）"
        );
    }
}

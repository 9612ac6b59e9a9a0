//! File names inside a vault: relative, `/`-separated, unable to point outside `--out`, and
//! (for what `put` stores and `get` writes) the same file on every platform a vault is opened on.

use crate::msg::Msg;
use baitai_core::error::{Error, Result};
use baitai_core::text::Text;
use unicode_normalization::UnicodeNormalization;

/// The longest name a vault accepts, in bytes, whatever its components.
pub const MAX_NAME: usize = 4096;
const MAX_COMPONENT: usize = 255;

/// Refuse anything that could escape the output directory or confuse a file system:
/// absolute paths, `..`, empty or `.` components, backslashes, drive letters, NUL and other
/// control characters, over-long names.
pub fn check(name: &str) -> Result<()> {
    let bad = |why: Msg| Err(refused(name, why.into()));
    if name.is_empty() || name.len() > MAX_NAME {
        return bad(Msg::NameEmptyOrLong);
    }
    if name.starts_with('/') {
        return bad(Msg::NameAbsolute);
    }
    if name.chars().any(|c| c.is_control() || c == '\\') {
        return bad(Msg::NameControl);
    }
    if name.len() >= 2 && name.as_bytes()[1] == b':' {
        return bad(Msg::NameDrive);
    }
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad(Msg::NameEmptyPart);
        }
        if part.len() > MAX_COMPONENT {
            return bad(Msg::NameLongPart);
        }
    }
    Ok(())
}

/// A vault file name refused, and why.
fn refused(name: &str, why: Text) -> Error {
    Error::Vault(
        Msg::NameRefused {
            name: format!("{name:?}").into(),
            why,
        }
        .into(),
    )
}

/// Characters Windows refuses in a file name (besides control characters and `/`): `:` alone
/// would name a drive (`Z:x`) or an alternate data stream.
const WINDOWS_FORBIDDEN: &[char] = &['<', '>', ':', '"', '\\', '|', '?', '*'];

/// Names Windows gives to devices in every directory, with any extension (`NUL.txt` is NUL).
const DEVICE_NAMES: &[&str] = &["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// [`check`], and the name means one and the same file on Linux, Windows and macOS: no
/// character Windows forbids, no device name (`CON`, `NUL`, `COM1`…), no component ending in a
/// dot or a space (Windows drops them, so `a.` would be `a`). What `put` stores and what `get`
/// writes are held to it, so a vault made on one platform is read the same on another.
pub fn check_portable(name: &str) -> Result<()> {
    check(name)?;
    match not_portable(name) {
        Some(why) => Err(refused(name, why)),
        None => Ok(()),
    }
}

/// Why a name [`check`] accepts would be another file, or none, on Windows; None if it is the
/// same everywhere.
pub fn not_portable(name: &str) -> Option<Text> {
    name.split('/').find_map(|part| {
        if let Some(c) = part.chars().find(|c| WINDOWS_FORBIDDEN.contains(c)) {
            return Some(
                Msg::WindowsChar {
                    c: format!("{c:?}").into(),
                }
                .into(),
            );
        }
        if part.ends_with('.') || part.ends_with(' ') {
            return Some(Msg::WindowsTrailing.into());
        }
        is_device_name(part).then(|| {
            Msg::WindowsDevice {
                part: format!("{part:?}").into(),
            }
            .into()
        })
    })
}

fn is_device_name(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ');
    let upper = stem.to_uppercase();
    if DEVICE_NAMES.contains(&upper.as_str()) {
        return true;
    }
    // COM0–COM9 and LPT0–LPT9, and the superscript digits Windows also maps to them.
    let mut chars = upper.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (prefix == "COM" || prefix == "LPT")
        && matches!(rest.as_slice(), [d] if d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
}

/// What a name comes to on a file system that ignores case (Windows, macOS) or Unicode
/// normalisation (macOS): two names with the same fold are one file there.
pub fn fold(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::{check, check_portable, fold};

    #[test]
    fn names_that_mean_another_file_on_windows_are_refused() {
        for ok in [
            "a.txt",
            "設計/図面 1.dwg",
            ".hidden",
            "a..b",
            "CONSOLE.txt",
            "COM10",
            "nul_x",
        ] {
            assert!(check_portable(ok).is_ok(), "{ok}");
        }
        for bad in [
            "evil/Z:escaped.txt",
            "a:b",
            "stream.txt:hidden",
            "CON",
            "con.txt",
            "dir/NUL",
            "Aux.tar.gz",
            "COM1",
            "lpt9.log",
            "COM¹",
            "CON .txt",
            "report.",
            "report ",
            "dir./x",
            "a<b",
            "a>b",
            "a\"b",
            "a|b",
            "a?b",
            "a*b",
        ] {
            assert!(
                check(bad).is_err() || check_portable(bad).is_err(),
                "{bad:?}"
            );
            assert!(check_portable(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_differing_only_in_case_or_normal_form_fold_alike() {
        assert_eq!(fold("Report.PDF"), fold("report.pdf"));
        // が as one code point (NFC) and as か + combining dakuten (NFD, as macOS writes it).
        assert_eq!(fold("\u{304C}.txt"), fold("\u{304B}\u{3099}.txt"));
        assert_ne!(fold("a.txt"), fold("b.txt"));
    }

    #[test]
    fn hostile_names_are_refused() {
        for ok in [
            "a.txt",
            "dir/sub/file.pdf",
            "設計/図面 1.dwg",
            ".hidden",
            "a..b",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        let long = "x".repeat(300);
        let very_long = "a/".repeat(3000);
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "C:\\x",
            "C:x",
            "a\\..\\b",
            "nul\0byte",
            "tab\there",
            "new\nline",
            &long,
            &very_long,
            "..",
            ".",
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
    }
}

//! File names inside a vault: relative, `/`-separated, and unable to point outside `--out`.

use baitai_core::error::{Error, Result};

/// The longest name a vault accepts, in bytes, whatever its components.
pub const MAX_NAME: usize = 4096;
const MAX_COMPONENT: usize = 255;

/// Refuse anything that could escape the output directory or confuse a file system:
/// absolute paths, `..`, empty or `.` components, backslashes, drive letters, NUL and other
/// control characters, over-long names.
pub fn check(name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Vault(format!(
            "vault file name {name:?} refused: {why}"
        )))
    };
    if name.is_empty() || name.len() > MAX_NAME {
        return bad("empty or too long");
    }
    if name.starts_with('/') {
        return bad("absolute path");
    }
    if name.chars().any(|c| c.is_control() || c == '\\') {
        return bad("control character or backslash");
    }
    if name.len() >= 2 && name.as_bytes()[1] == b':' {
        return bad("drive letter");
    }
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad("empty, . or .. component");
        }
        if part.len() > MAX_COMPONENT {
            return bad("component longer than 255 bytes");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

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

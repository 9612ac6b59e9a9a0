//! A person's passphrase: zeroized on drop, never printed, checked against the password policy.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::msg::Msg;
use crate::text::Text;

/// Minimum length and character-class count from 002 (L1016): ≥10 characters, ≥3 of
/// upper / lower / digit / symbol.
pub const MIN_CHARS: usize = 10;
/// How many of the four character classes (upper, lower, digit, symbol) a passphrase must mix.
pub const MIN_CLASSES: usize = 3;

/// A passphrase as typed: its bytes are wiped from memory when it is dropped, and its `Debug` never
/// shows them.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wrap a passphrase read from a prompt or a file; nothing is checked here
    /// ([`Passphrase::policy_violation`] does).
    pub fn new(s: String) -> Self {
        Passphrase(s)
    }

    /// The passphrase in a file's bytes (`--passphrase-file`): UTF-8, with or without the
    /// byte-order mark Windows editors write, or UTF-16 with its byte-order mark (what
    /// PowerShell 5.1's `>` writes); one final line ending is not part of it. `bytes` is wiped
    /// whatever happens. The error says what the file holds instead.
    pub fn from_file_bytes(mut bytes: Vec<u8>) -> Result<Self, Text> {
        let text = decode_text(&bytes);
        bytes.zeroize();
        let mut text = text?;
        let kept = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(&text)
            .to_string();
        text.zeroize();
        Ok(Passphrase(kept))
    }

    /// The passphrase's UTF-8 bytes, for key derivation.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Why this passphrase does not meet the policy, or `None` when it does.
    pub fn policy_violation(&self) -> Option<Text> {
        // Spaces pad a passphrase without making it harder to guess: they count neither
        // towards the length nor as symbols.
        let chars = self.0.chars().filter(|c| !c.is_whitespace()).count();
        if chars < MIN_CHARS {
            return Some(
                Msg::PassphraseShort {
                    chars: chars.to_string().into(),
                    min: MIN_CHARS.to_string().into(),
                }
                .into(),
            );
        }
        let classes = [
            self.0.chars().any(|c| c.is_uppercase()),
            self.0.chars().any(|c| c.is_lowercase()),
            self.0.chars().any(|c| c.is_ascii_digit()),
            self.0
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if classes < MIN_CLASSES {
            return Some(
                Msg::PassphraseSimple {
                    classes: classes.to_string().into(),
                    min: MIN_CLASSES.to_string().into(),
                }
                .into(),
            );
        }
        None
    }
}

/// A passphrase file's text by its byte-order mark: UTF-8 without or with one, or UTF-16.
fn decode_text(bytes: &[u8]) -> Result<String, Text> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        if rest.len() % 2 != 0 {
            return Err(Msg::FileOddUtf16.into());
        }
        let mut units: Vec<u16> = rest.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
        let text = String::from_utf16(&units).map_err(|_| Text::from(Msg::FileBrokenUtf16));
        units.zeroize();
        text
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => std::str::from_utf8(rest)
            .map(str::to_string)
            .map_err(|_| Msg::FileBadUtf8Bom.into()),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| Msg::FileEncoding.into()),
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Passphrase {
        Passphrase::new(s.to_string())
    }

    #[test]
    fn policy() {
        assert!(p("Short1!").policy_violation().is_some());
        assert!(p("alllowercaseletters").policy_violation().is_some());
        assert!(p("lowercase123456").policy_violation().is_some());
        assert!(p("Lowercase123456").policy_violation().is_none());
        assert!(p("lower-case-12345").policy_violation().is_none());
        assert!(p("UPPER-CASE-ONLY").policy_violation().is_some());
        assert!(p("パスワードはAbc123").policy_violation().is_none());
        // Spaces are neither symbols nor length.
        assert!(p("          1a").policy_violation().is_some());
        assert!(p("Ab1       x").policy_violation().is_some());
        assert!(p("correct horse 42 Battery").policy_violation().is_none());
    }

    #[test]
    fn debug_hides() {
        assert_eq!(format!("{:?}", p("Secret-Value-1")), "Passphrase(***)");
    }
}

#[cfg(test)]
mod file_tests {
    use super::Passphrase;

    fn read(bytes: &[u8]) -> Result<String, String> {
        Passphrase::from_file_bytes(bytes.to_vec())
            .map(|p| String::from_utf8(p.as_bytes().to_vec()).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_passphrase_file_from_any_windows_editor_reads_the_same() {
        let want = "Pass-金庫-123!";
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                format!("{want}\r\n")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(want.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bom8 = [&[0xEF, 0xBB, 0xBF][..], format!("{want}\n").as_bytes()].concat();
        for bytes in [format!("{want}\n").into_bytes(), bom8, utf16le, utf16be] {
            assert_eq!(read(&bytes).as_deref(), Ok(want), "{bytes:x?}");
        }
    }

    #[test]
    fn a_passphrase_file_that_is_no_text_says_what_it_is() {
        let err = read(&[0x82, 0xA0, 0x0A]).unwrap_err(); // Shift_JIS あ
        assert!(err.contains("neither UTF-8 nor UTF-16"), "{err}");
        let err = read(&[0xFF, 0xFE, 0x41]).unwrap_err();
        assert!(err.contains("odd number of bytes"), "{err}");
        let err = read(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err(); // a lone surrogate
        assert!(err.contains("broken character"), "{err}");
    }
}

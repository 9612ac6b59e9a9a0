//! A person's passphrase: zeroized on drop, never printed, checked against the password policy.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

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

    /// The passphrase's UTF-8 bytes, for key derivation.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Why this passphrase does not meet the policy, or `None` when it does.
    pub fn policy_violation(&self) -> Option<String> {
        // Spaces pad a passphrase without making it harder to guess: they count neither
        // towards the length nor as symbols.
        let chars = self.0.chars().filter(|c| !c.is_whitespace()).count();
        if chars < MIN_CHARS {
            return Some(format!(
                "passphrase too short: {chars} characters besides spaces, at least {MIN_CHARS} required"
            ));
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
            return Some(format!(
                "passphrase too simple: it uses {classes} of upper case, lower case, digits and symbols; at least {MIN_CLASSES} required"
            ));
        }
        None
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

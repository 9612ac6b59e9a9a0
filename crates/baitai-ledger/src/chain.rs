//! Entries as stored, and the canonical encoding hashed into the chain.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use baitai_core::model::{Body, MediumNumber, PersonId, SignRole};

/// Domain tag at the start of every hashed entry encoding.
const ENTRY_DOMAIN: &[u8] = b"baitai-entry-v1\0";

/// The hash before the first entry.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// What a command asks the ledger to record; the ledger adds time, sequence and hashes.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The medium the entry is about; None for entries about people or the ledger.
    pub medium: Option<MediumNumber>,
    /// Who makes the entry; the rules and the signatures check it.
    pub actor: Option<PersonId>,
    /// What is recorded.
    pub body: Body,
}

/// One entry as read back from the ledger.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    /// Its position in the chain, from 1 with no gaps.
    pub seq: u64,
    /// When it was recorded.
    pub time: Timestamp,
    /// Its kind as stored (`medium.checkout`, …).
    pub kind: String,
    /// The medium it is about, if any.
    pub medium: Option<MediumNumber>,
    /// Who made it.
    pub actor: Option<PersonId>,
    /// The body as the canonical JSON that was hashed.
    pub payload: String,
    /// The hash of the entry before it ([`GENESIS`] for the first).
    pub prev_hash: [u8; 32],
    /// This entry's hash over its fields ([`entry_hash`]): what signatures sign and the next entry
    /// links to.
    pub hash: [u8; 32],
    /// The payload decoded into its typed body.
    pub body: Body,
}

/// A signature stored beside an entry.
#[derive(Debug, Clone)]
pub struct StoredSignature {
    /// In which capacity the person signed (actor, approver, witness).
    pub role: SignRole,
    /// Who signed.
    pub person: PersonId,
    /// The 64-byte ECDSA P-256 signature over the entry's hash, as stored (unchecked).
    pub signature: Vec<u8>,
}

/// The fields that are hashed, in order.
pub struct HashInput<'a> {
    /// The entry's sequence number.
    pub seq: u64,
    /// Its time in the stored form.
    pub time: &'a str,
    /// Its kind.
    pub kind: &'a str,
    /// Its medium number, if any.
    pub medium: Option<&'a str>,
    /// Its actor's ID, if any.
    pub actor: Option<&'a str>,
    /// Its canonical JSON payload.
    pub payload: &'a str,
    /// The previous entry's hash.
    pub prev_hash: &'a [u8; 32],
}

/// SHA-256 over the domain tag, the sequence number (u64 big-endian), each text field as a
/// u32 big-endian byte length followed by its UTF-8 bytes (absent = length 0), and the previous
/// entry's hash. docs/ledger.md specifies this byte for byte.
pub fn entry_hash(h: &HashInput) -> [u8; 32] {
    let mut d = Sha256::new();
    d.update(ENTRY_DOMAIN);
    d.update(h.seq.to_be_bytes());
    for field in [
        h.time,
        h.kind,
        h.medium.unwrap_or(""),
        h.actor.unwrap_or(""),
        h.payload,
    ] {
        d.update((field.len() as u32).to_be_bytes());
        d.update(field.as_bytes());
    }
    d.update(h.prev_hash);
    d.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_not_ambiguous() {
        let base = HashInput {
            seq: 1,
            time: "t",
            kind: "k",
            medium: Some("ab"),
            actor: Some("c"),
            payload: "{}",
            prev_hash: &GENESIS,
        };
        let moved = HashInput {
            medium: Some("a"),
            actor: Some("bc"),
            ..base
        };
        assert_ne!(entry_hash(&base), entry_hash(&moved));
        let none = HashInput {
            medium: None,
            ..base
        };
        let empty = HashInput {
            medium: Some(""),
            ..base
        };
        assert_eq!(entry_hash(&none), entry_hash(&empty));
        assert_ne!(entry_hash(&base), entry_hash(&HashInput { seq: 2, ..base }));
    }
}

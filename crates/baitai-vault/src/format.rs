//! Byte layouts of the vault header and manifest files (docs/format.md §2, §5).

use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::{DataKey, Slot};
use super::msg::Msg;
use baitai_core::crypto::{Cipher, KeyDevice, PublicKey, Signature};
use baitai_core::error::{Error, Result};
use baitai_core::model::{Classification, PersonId};
use baitai_core::text::Text;

/// The first 8 bytes of a vault header file (`vault.hdr`), and what the wipe's sweep looks for on a
/// raw medium.
pub const HEADER_MAGIC: &[u8; 8] = b"BAITAIVH";
/// The first 8 bytes of a manifest file (`vault.mf`).
pub const MANIFEST_MAGIC: &[u8; 8] = b"BAITAIVM";
/// The first 8 bytes of every object file.
pub const OBJECT_MAGIC: &[u8; 8] = b"BAITAIVO";
/// The format version this reader writes and reads (§1); a newer one is reported as such, not as
/// damage.
pub const VERSION: u16 = 1;

/// Upper bounds on length fields, so a hostile medium cannot make us allocate without limit.
/// The longest header body a reader accepts (§2).
pub const MAX_HEADER_BODY: usize = 1 << 20;
/// The longest header file: prefix, the longest body, MAC.
pub const MAX_HEADER_FILE: usize = 14 + MAX_HEADER_BODY + 32;
/// The longest manifest file a reader accepts.
pub const MAX_MANIFEST: usize = 256 << 20;

/// How many bytes a header reaches on a medium, from its first sector (magic included): the
/// prefix, the body its length field claims (a claim past [`MAX_HEADER_BODY`] counts as the
/// largest a reader accepts) and the MAC; None when `first` is too short to hold the length.
/// Nothing else of it is read or trusted: the wipe's sweep destroys that much of every header
/// it finds on the raw medium.
pub fn header_span(first: &[u8]) -> Option<u64> {
    let len: [u8; 4] = first.get(10..14)?.try_into().ok()?;
    let body = u64::from(u32::from_be_bytes(len)).min(MAX_HEADER_BODY as u64);
    Some(14 + body + 32)
}

const MANIFEST_SIG_DOMAIN: &[u8] = b"baitai-vault-v1 manifest-signature\0";

fn bad(what: impl Into<Text>) -> Error {
    Error::Vault(what.into())
}

/// Check magic and version; a newer version gets its own clear error.
fn check_prefix(bytes: &[u8], magic: &[u8; 8], what: Msg) -> Result<()> {
    let part = || Text::from(what.clone());
    if bytes.len() < 10 || &bytes[..8] != magic {
        return Err(bad(Msg::WrongMagic { part: part() }));
    }
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    if version > VERSION {
        return Err(newer_format(part(), version));
    }
    if version != VERSION {
        return Err(bad(Msg::UnknownVersion {
            part: part(),
            version: version.to_string().into(),
        }));
    }
    Ok(())
}

/// The words docs/format.md asks for ("newer format") when a file is of a version above the
/// one this baitai reads: a usage error, since upgrading baitai is the remedy.
fn newer_format(part: Text, version: u16) -> Error {
    Error::usage(Msg::NewerFormat {
        part,
        version: version.to_string().into(),
        max: VERSION.to_string().into(),
    })
}

/// What a JSON value must be where the typed parse would not check it: serde's derived
/// structs also accept an array of their fields in order, which the format does not allow.
enum Shape {
    Any,
    /// An object whose listed members have these shapes; other members may be anything.
    Object(&'static [(&'static str, Shape)]),
    /// An array whose elements have this shape.
    Array(&'static Shape),
}

const CLASSIFICATION_SHAPE: Shape = Shape::Object(&[]);

/// §2.1 and §4: the header body, its classification, its slots and their KDF parameters.
const HEADER_SHAPE: Shape = Shape::Object(&[
    ("classification", CLASSIFICATION_SHAPE),
    (
        "slots",
        Shape::Array(&Shape::Object(&[("kdf", Shape::Object(&[]))])),
    ),
]);

/// §5.1: the manifest, its classification and its file entries.
const MANIFEST_SHAPE: Shape = Shape::Object(&[
    ("classification", CLASSIFICATION_SHAPE),
    ("files", Shape::Array(&Shape::Object(&[]))),
]);

/// Walks a JSON document without keeping it, refusing any object that has a member twice
/// (at any depth, known to baitai or not) and an array where [`Shape`] wants an object.
/// serde's derived structs refuse a known member given twice but skip unknown ones unseen,
/// so without this `{"x":1,"x":2}` would pass, against docs/format.md's conventions.
struct Checked<'s>(&'s Shape);

impl<'de> serde::de::DeserializeSeed<'de> for Checked<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Checked<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    // Scalars: whether one is of the right type is the typed parse's business.
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let element = match self.0 {
            Shape::Object(_) => {
                return Err(serde::de::Error::custom(
                    "an array where the format has a JSON object",
                ))
            }
            Shape::Array(element) => element,
            Shape::Any => &Shape::Any,
        };
        while seq.next_element_seed(Checked(element))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let members: &[(&str, Shape)] = match self.0 {
            Shape::Object(members) => members,
            _ => &[],
        };
        let mut seen = std::collections::HashSet::new();
        // Keys arrive unescaped, so "x" and "\u0078" count as the same member, as they are.
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(serde::de::Error::custom(format!(
                    "an object has the member {key:?} twice"
                )));
            }
            let shape = members
                .iter()
                .find(|(name, _)| *name == key)
                .map_or(&Shape::Any, |(_, shape)| shape);
            map.next_value_seed(Checked(shape))?;
            seen.insert(key);
        }
        Ok(())
    }
}

/// Parse a header body or manifest: first [`Checked`] against `shape`, then the typed parse.
/// Two passes over the bytes, but neither keeps a tree of the document in memory.
fn parse_json<T: serde::de::DeserializeOwned>(
    json: &[u8],
    shape: &Shape,
) -> std::result::Result<T, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(json);
    Checked(shape).deserialize(&mut de)?;
    de.end()?;
    serde_json::from_slice(json)
}

/// The readable part of the header: who can open it and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderBody {
    /// 16 random bytes, hex.
    pub vault_id: String,
    /// The medium number the vault was made on; the manifest must name the same.
    pub medium: String,
    /// The organisation, printed for whoever finds the medium.
    pub org: String,
    /// `C3-I2-A2`: readable without a key so the medium is easy to tell apart.
    pub marking: String,
    /// The full classification; the manifest must carry the same.
    pub classification: Classification,
    /// The cipher the manifest and the objects are encrypted with.
    pub cipher: Cipher,
    /// When the vault was created (stored time form).
    pub created: String,
    /// The key slots: the data key wrapped for each recipient, and for a passphrase if there is
    /// one. At least one.
    pub slots: Vec<Slot>,
}

/// A vault header: its readable body and the file it came from, whose last 32 bytes are an HMAC
/// under the data key.
#[derive(Debug, Clone)]
pub struct Header {
    /// The readable body.
    pub body: HeaderBody,
    /// The vault ID as bytes, from the body; it binds every key derived from the data key to this
    /// vault.
    pub vault_id: [u8; 16],
    /// The whole file as read or written.
    pub raw: Vec<u8>,
}

type HmacSha256 = Hmac<Sha256>;

impl Header {
    /// Build the header file for `body`, authenticated under `dk`.
    pub fn encode(body: HeaderBody, dk: &DataKey) -> Result<Header> {
        let vault_id = parse_id(&body.vault_id)?;
        let json = serde_json::to_vec(&body).map_err(|e| {
            Error::Other(
                Msg::EncodeHeader {
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })?;
        let mut raw = Vec::with_capacity(14 + json.len() + 32);
        raw.extend_from_slice(HEADER_MAGIC);
        raw.extend_from_slice(&VERSION.to_be_bytes());
        raw.extend_from_slice(&(json.len() as u32).to_be_bytes());
        raw.extend_from_slice(&json);
        let mac = header_mac(dk, &vault_id, &raw)?;
        raw.extend_from_slice(&mac);
        Ok(Header {
            body,
            vault_id,
            raw,
        })
    }

    /// Parse without a key: the MAC is checked by [`Header::check_mac`] once a slot opens.
    pub fn parse(raw: Vec<u8>) -> Result<Header> {
        check_prefix(&raw, HEADER_MAGIC, Msg::PartHeader)?;
        if raw.len() < 14 {
            return Err(bad(Msg::HeaderTruncated));
        }
        let len = u32::from_be_bytes([raw[10], raw[11], raw[12], raw[13]]) as usize;
        if len > MAX_HEADER_BODY || raw.len() != 14 + len + 32 {
            return Err(bad(Msg::HeaderLength));
        }
        let body: HeaderBody = parse_json(&raw[14..14 + len], &HEADER_SHAPE).map_err(|e| {
            bad(Msg::HeaderMalformed {
                cause: e.to_string().into(),
            })
        })?;
        // §2.1: at least one slot. Without one nobody can open the vault, and the reader would
        // blame the passphrase (exit 4) for what is a damaged header.
        if body.slots.is_empty() {
            return Err(bad(Msg::HeaderNoSlots));
        }
        let vault_id = parse_id(&body.vault_id)?;
        Ok(Header {
            body,
            vault_id,
            raw,
        })
    }

    /// Check the header's HMAC with the data key a slot gave: a header changed since it was written
    /// (a slot swapped in, a classification altered) is refused.
    pub fn check_mac(&self, dk: &DataKey) -> Result<()> {
        let split = self.raw.len() - 32;
        let mut mac = HmacSha256::new_from_slice(dk.header_key(&self.vault_id).as_ref())
            .map_err(|_| bad(Msg::HeaderBadMacKey))?;
        mac.update(&self.raw[..split]);
        mac.verify_slice(&self.raw[split..])
            .map_err(|_| bad(Msg::HeaderModified))
    }

    /// SHA-256 of the header file: the manifest's signature and encryption are bound to it.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(&self.raw).into()
    }

    /// The cipher the vault is encrypted with.
    pub fn cipher(&self) -> Cipher {
        self.body.cipher
    }

    /// The people who hold a recipient slot, in slot order.
    pub fn recipients(&self) -> Vec<PersonId> {
        self.body
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Recipient { person, .. } => Some(person.clone()),
                Slot::Passphrase { .. } => None,
            })
            .collect()
    }

    /// Whether an outside recipient's passphrase slot opens it.
    pub fn has_passphrase_slot(&self) -> bool {
        self.body
            .slots
            .iter()
            .any(|s| matches!(s, Slot::Passphrase { .. }))
    }
}

fn header_mac(dk: &DataKey, vault_id: &[u8; 16], bytes: &[u8]) -> Result<[u8; 32]> {
    let key = dk.header_key(vault_id);
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(key.as_ref()).map_err(|_| bad(Msg::HeaderBadMacKey))?;
    mac.update(bytes);
    Ok(mac.finalize().into_bytes().into())
}

/// A 16-byte ID (vault, object or nonce) from its 32 hex digits; anything else is damage to the
/// vault.
pub fn parse_id(hex_id: &str) -> Result<[u8; 16]> {
    hex::decode(hex_id)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .ok_or_else(|| bad(Msg::BadId))
}

/// One file in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative path with `/` separators, checked by `names::check`.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
    /// Object file name under `obj/` (16 random bytes, hex).
    pub object: String,
    /// The object's nonce (16 bytes, hex), also in the object's own header.
    pub nonce: String,
    /// Who added it.
    pub added_by: PersonId,
    /// When it was added (stored time form).
    pub added_at: String,
    /// The source file's modification time when it was added, if it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime: Option<String>,
}

/// The manifest's signed content: which vault and medium it belongs to, its version, who signed it
/// and the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestBody {
    /// The vault ID (hex): must match the header's.
    pub vault_id: String,
    /// The manifest's version, one more at every change; the ledger records it to tell a
    /// rolled-back manifest.
    pub seq: u64,
    /// The medium number: must match the header's.
    pub medium: String,
    /// The classification: must match the header's.
    pub classification: Classification,
    /// Who signed this version of the manifest, and their signing key (hex).
    pub writer: PersonId,
    /// The signer's P-256 public key (hex); the ledger must know it as that person's key.
    pub writer_key: String,
    /// The files in the vault.
    pub files: Vec<FileEntry>,
}

/// A decrypted manifest whose signature verified.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The signed content.
    pub body: ManifestBody,
    /// SHA-256 of the whole manifest file: what the ledger records.
    pub file_hash: [u8; 32],
}

fn signed_message(header_hash: &[u8; 32], seq: u64, json: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(MANIFEST_SIG_DOMAIN.len() + 40 + json.len());
    m.extend_from_slice(MANIFEST_SIG_DOMAIN);
    m.extend_from_slice(header_hash);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(json);
    m
}

impl Manifest {
    /// Sign with the writer's key, encrypt under the manifest key, bound to the header.
    pub fn encode(
        body: &ManifestBody,
        header: &Header,
        dk: &DataKey,
        writer: &dyn KeyDevice,
    ) -> Result<(Vec<u8>, Manifest)> {
        let json = serde_json::to_vec(body).map_err(|e| {
            Error::Other(
                Msg::EncodeManifest {
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })?;
        let out = Self::seal_json(&json, body.seq, header, dk, writer)?;
        let file_hash = Sha256::digest(&out).into();
        Ok((
            out,
            Manifest {
                body: body.clone(),
                file_hash,
            },
        ))
    }

    /// A manifest file holding exactly these JSON bytes, as a writer that serialises its own
    /// way would make it: for tests of what the reader accepts.
    #[cfg(test)]
    pub(super) fn encode_json(
        json: &[u8],
        seq: u64,
        header: &Header,
        dk: &DataKey,
        writer: &dyn KeyDevice,
    ) -> Result<Vec<u8>> {
        Self::seal_json(json, seq, header, dk, writer)
    }

    /// Sign `json`, frame it and encrypt it under the manifest key, bound to the header (§5).
    fn seal_json(
        json: &[u8],
        seq: u64,
        header: &Header,
        dk: &DataKey,
        writer: &dyn KeyDevice,
    ) -> Result<Vec<u8>> {
        let header_hash = header.hash();
        let sig = writer.sign_raw(&signed_message(&header_hash, seq, json))?;
        let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(4 + json.len() + 64));
        plain.extend_from_slice(&(json.len() as u32).to_be_bytes());
        plain.extend_from_slice(json);
        plain.extend_from_slice(&sig.0);
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(30 + plain.len() + 16);
        out.extend_from_slice(MANIFEST_MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&nonce);
        let aad = [&out[..30], &header_hash[..]].concat();
        let ct = header
            .cipher()
            .seal(&dk.manifest_key(&header.vault_id), &nonce, &aad, &plain)?;
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypt and check a manifest file against its header: the encryption, the binding to the
    /// header, the writer's signature over the content, and file names that cannot escape `--out`.
    /// The signer is checked against the ledger by the caller.
    pub fn decode(raw: &[u8], header: &Header, dk: &DataKey) -> Result<Manifest> {
        check_prefix(raw, MANIFEST_MAGIC, Msg::PartManifest)?;
        if raw.len() < 30 + 16 || raw.len() > MAX_MANIFEST {
            return Err(bad(Msg::ManifestTruncatedOrOversized));
        }
        let seq = u64::from_be_bytes(
            raw[10..18]
                .try_into()
                .map_err(|_| bad(Msg::ManifestTruncated))?,
        );
        let nonce: [u8; 12] = raw[18..30]
            .try_into()
            .map_err(|_| bad(Msg::ManifestTruncated))?;
        let header_hash = header.hash();
        let aad = [&raw[..30], &header_hash[..]].concat();
        let plain = zeroize::Zeroizing::new(
            header
                .cipher()
                .open(&dk.manifest_key(&header.vault_id), &nonce, &aad, &raw[30..])
                .map_err(|_| bad(Msg::ManifestModified))?,
        );
        if plain.len() < 4 + 64 {
            return Err(bad(Msg::ManifestTooShort));
        }
        let len = u32::from_be_bytes([plain[0], plain[1], plain[2], plain[3]]) as usize;
        // Subtracted from the known length, never added to the claimed one: `4 + len + 64`
        // overflows a 32-bit usize when the claim is near u32::MAX.
        if plain.len() - (4 + 64) != len {
            return Err(bad(Msg::ManifestInnerLength));
        }
        let json = &plain[4..4 + len];
        let sig = Signature::from_slice(&plain[4 + len..])
            .ok_or_else(|| bad(Msg::ManifestSignatureLength))?;
        let body: ManifestBody = parse_json(json, &MANIFEST_SHAPE).map_err(|e| {
            bad(Msg::ManifestMalformed {
                cause: e.to_string().into(),
            })
        })?;
        if body.seq != seq
            || parse_id(&body.vault_id)? != header.vault_id
            || body.medium != header.body.medium
            || body.classification != header.body.classification
        {
            return Err(bad(Msg::ManifestMismatch));
        }
        let key = PublicKey::from_hex(&body.writer_key).map_err(|_| bad(Msg::ManifestWriterKey))?;
        if !key.verify_raw(&signed_message(&header_hash, seq, json), &sig) {
            return Err(bad(Msg::ManifestBadSignature));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &body.files {
            super::names::check(&f.name)?;
            if !seen.insert(f.name.as_str()) {
                return Err(bad(Msg::ManifestDuplicate {
                    name: format!("{:?}", f.name).into(),
                }));
            }
        }
        // Readers add the sizes up (progress bars, the ledger's byte counts). No real vault
        // comes near 2^64 bytes, so a total that overflows is refused here, not there.
        body.files
            .iter()
            .try_fold(0u64, |total, f| total.checked_add(f.size))
            .ok_or_else(|| bad(Msg::ManifestSizesOverflow))?;
        Ok(Manifest {
            body,
            file_hash: Sha256::digest(raw).into(),
        })
    }
}

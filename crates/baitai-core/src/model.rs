//! The ledger's vocabulary: people, media, classification and the typed body of every entry kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod body;
mod entries;
mod wipe;
pub use body::*;
pub use entries::*;
pub use wipe::*;

/// A person's ID, `P0001`…, assigned in order and never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub String);

impl PersonId {
    /// The `n`th person's ID (`P0001` for 1): IDs are handed out in this order.
    pub fn nth(n: u64) -> Self {
        PersonId(format!("P{n:04}"))
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A medium number (媒体番号), `USB-2026-0001`…, never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediumNumber(pub String);

impl fmt::Display for MediumNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A site (拠点): where a person works and a medium is kept (所属/保管場所), as a short code
/// (`TKY`, `OSAKA2`) that also starts the numbers of the site's media (`TKY-USB-2026-0001`).
/// A ledger row naming anything else fails to decode, so a forged site cannot reach a
/// printout or a number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Site(String);

impl Site {
    /// Longest code: it starts every medium number of the site, and labels are small.
    pub const MAX_LEN: usize = 12;

    /// A site code as typed: 1–12 letters or digits, upper-cased (`tky` is `TKY`).
    pub fn parse(code: &str) -> Result<Site> {
        let upper = code.trim().to_ascii_uppercase();
        Site::try_from(upper).map_err(Error::usage)
    }

    /// The code (`TKY`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Site {
    type Error = crate::text::Text;

    fn try_from(code: String) -> std::result::Result<Site, Self::Error> {
        let ok = !code.is_empty()
            && code.len() <= Site::MAX_LEN
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if ok {
            Ok(Site(code))
        } else {
            Err(crate::msg::Msg::SiteCode {
                code: format!("{:?}", code.escape_debug().to_string()).into(),
                max: Site::MAX_LEN.to_string().into(),
            }
            .into())
        }
    }
}

impl From<Site> for String {
    fn from(s: Site) -> String {
        s.0
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a person may do. A person may hold several roles; duties stay separated per act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 取扱者: takes media out, encrypts and decrypts files.
    Handler,
    /// 管理者: registers, issues, receives, approves, wipes media.
    Custodian,
    /// 破棄立会者: witnesses destruction.
    Witness,
    /// 総括者: creates the ledger and manages people.
    Admin,
}

impl Role {
    /// The role's name as the ledger, the `--role` option and the printouts spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Handler => "handler",
            Role::Custodian => "custodian",
            Role::Witness => "witness",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classification marking (004 1.3.1.1–1.3.1.2): confidentiality 1–3, integrity 1–2,
/// availability 1–2, plus free-form handling restrictions (取扱制限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// Confidentiality 1–3 (機密性); 2 and above is protected information.
    pub confidentiality: u8,
    /// Integrity 1–2 (完全性).
    pub integrity: u8,
    /// Availability 1–2 (可用性).
    pub availability: u8,
    /// Handling restrictions in free text (取扱制限), e.g. "no copies"; printed with the marking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
}

impl Classification {
    /// A classification with each level in range (C1–C3, I1–I2, A1–A2); out of range is a usage
    /// error.
    pub fn new(c: u8, i: u8, a: u8, restriction: Option<String>) -> Result<Self> {
        if !(1..=3).contains(&c) || !(1..=2).contains(&i) || !(1..=2).contains(&a) {
            return Err(Error::usage(crate::msg::Msg::ClassificationRange));
        }
        Ok(Classification {
            confidentiality: c,
            integrity: i,
            availability: a,
            restriction,
        })
    }

    /// Parse `C3`, `I2`, `A1` style levels (case-insensitive, the letter optional).
    pub fn level(s: &str, letter: char, max: u8) -> Result<u8> {
        let t = s.trim();
        let digits = t
            .strip_prefix(letter)
            .or_else(|| t.strip_prefix(letter.to_ascii_lowercase()))
            .unwrap_or(t);
        match digits.parse::<u8>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Error::usage(crate::msg::Msg::NotALevel {
                value: format!("{s:?}").into(),
                letter: letter.to_string().into(),
                max: max.to_string().into(),
            })),
        }
    }

    /// Whether media of this class are marked 保護すべき情報 on every printout, label and
    /// vault header. Confidentiality 2 and 3 are what the common standards call 要機密情報; a
    /// 機密性1 medium holds nothing that must be told apart as protected (000 10(4)ア).
    pub fn is_protected(&self) -> bool {
        self.confidentiality >= 2
    }

    /// `C3-I2-A2` — the compact marking shown on labels and headers.
    pub fn marking(&self) -> String {
        format!(
            "C{}-I{}-A{}",
            self.confidentiality, self.integrity, self.availability
        )
    }

    /// 機密性3 / 完全性2 / 可用性2 — the marking in Japanese.
    pub fn marking_ja(&self) -> String {
        format!(
            "機密性{} 完全性{} 可用性{}",
            self.confidentiality, self.integrity, self.availability
        )
    }
}

/// What kind of thing the medium is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// A USB mass-storage device, identified by vendor, product and serial as well as its size.
    Usb,
    /// Another block device (a card reader, a disk), identified by its path and size.
    Block,
    /// A disk image file, for tests, demos and training, identified by its path and size.
    Image,
    /// Registered without a device: its identity cannot be checked before a wipe or a put.
    Other,
}

/// The identity of the physical medium, checked before anything writes to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceIdentity {
    /// The device or image path it was seen at (for a loop device, its backing file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The USB vendor ID (`idVendor`, hex), when the device is on USB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// The USB product ID (`idProduct`, hex), when the device is on USB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The manufacturer's name as the device reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The product's name as the device reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The USB serial number, when the device has one; without it, two sticks of one model can be
    /// told apart only by path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Its size in bytes, which a wipe must cover exactly.
    pub capacity_bytes: u64,
}

impl DeviceIdentity {
    /// Whether this and `other` are USB devices without serial numbers with the same IDs and
    /// capacity: two sticks of one model bought together, which nothing baitai can read tells
    /// apart. Registering the second would leave either stick passing as either medium.
    pub fn indistinguishable(&self, other: &DeviceIdentity) -> bool {
        self.vendor_id.is_some()
            && self.serial.is_none()
            && other.serial.is_none()
            && self.vendor_id == other.vendor_id
            && self.product_id == other.product_id
            && self.capacity_bytes == other.capacity_bytes
    }
}

/// How a medium's data was checked when it came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum ReturnCheck {
    /// Nothing was looked at.
    None,
    /// A file-system look: can find data, never prove it gone.
    Path {
        /// Files found under the mount point.
        files: u64,
        /// Their total size.
        bytes: u64,
    },
    /// Every byte of the medium (an image file or block device) read back and compared with
    /// the blank pattern (sectors all 0x00 or all 0xFF).
    Device {
        /// The image file or block device read.
        path: String,
        /// Its size.
        capacity_bytes: u64,
        /// How much of it was read; less than the capacity when a read failed.
        bytes_read: u64,
        /// 512-byte sectors that are neither all 0x00 nor all 0xFF.
        data_sectors: u64,
        /// Where the first such sector starts; absent when there is none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_data_offset: Option<u64>,
        /// How the reads avoided the page cache.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_bypass: Option<CacheBypass>,
    },
}

impl ReturnCheck {
    /// Whether the check saw data on the medium (files, or sectors that are not blank); None when
    /// no check was made.
    pub fn data_found(&self) -> Option<bool> {
        match self {
            ReturnCheck::None => None,
            ReturnCheck::Path { files, .. } => Some(*files > 0),
            ReturnCheck::Device { data_sectors, .. } => Some(*data_sectors > 0),
        }
    }

    /// Only a whole-medium read that found nothing proves the medium clean.
    pub fn proves_clean(&self) -> bool {
        matches!(self, ReturnCheck::Device { capacity_bytes, bytes_read, data_sectors: 0, .. }
            if bytes_read == capacity_bytes && *capacity_bytes > 0)
    }
}

/// Physical destruction methods (003 第4-7(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum DestroyMethod {
    /// 焼却
    Incinerate,
    /// 粉砕
    Crush,
    /// 細断
    Shred,
    /// 溶解
    Melt,
    /// 破壊
    Break,
}

impl DestroyMethod {
    /// The method's name in Japanese, for printouts (焼却, 粉砕, …).
    pub fn ja(self) -> &'static str {
        match self {
            DestroyMethod::Incinerate => "焼却",
            DestroyMethod::Crush => "粉砕",
            DestroyMethod::Shred => "細断",
            DestroyMethod::Melt => "溶解",
            DestroyMethod::Break => "破壊",
        }
    }

    /// The method's name in English, for printouts (incineration, crushing, …).
    pub fn en(self) -> &'static str {
        match self {
            DestroyMethod::Incinerate => "incineration",
            DestroyMethod::Crush => "crushing",
            DestroyMethod::Shred => "shredding",
            DestroyMethod::Melt => "melting",
            DestroyMethod::Break => "breaking",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_round_trip() {
        let b = Body::Checkout(Checkout {
            purpose: "設計図の持参".into(),
        });
        let (k, p) = b.encode().unwrap();
        assert_eq!(k, "medium.checkout");
        assert_eq!(p, r#"{"purpose":"設計図の持参"}"#);
        assert_eq!(Body::decode(&k, &p).unwrap(), b);
        assert!(Body::decode("medium.checkout", "{}").is_err());
        assert!(Body::decode("nope", &p).is_err());
    }

    #[test]
    fn levels() {
        assert_eq!(Classification::level("C3", 'C', 3).unwrap(), 3);
        assert_eq!(Classification::level("i2", 'I', 2).unwrap(), 2);
        assert_eq!(Classification::level("1", 'A', 2).unwrap(), 1);
        assert!(Classification::level("C4", 'C', 3).is_err());
        assert!(Classification::level("X", 'C', 3).is_err());
    }
}

//! Keys on a PKCS#11 token (issue 21): a person's P-256 key pair made on a smart card, security
//! key or HSM, used there through `CKM_ECDSA` and `CKM_ECDH1_DERIVE` after the token's PIN, and
//! never exported.
//!
//! The module (the token vendor's PKCS#11 library) is `BAITAI_PKCS11_MODULE`, else the first of
//! [`DEFAULT_MODULES`] that exists. A token is found again by the serial number recorded in the
//! ledger's signed entry; the key on it by its CKA_ID.

use std::path::PathBuf;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use zeroize::Zeroizing;

use crate::crypto::{KeyDevice, Passphrase, PublicKey, Signature};
use crate::error::{Error, Result};
use crate::model::TokenInfo;
use crate::msg::{path as p_, Msg};
use baitai_core::text::Text;

/// The environment variable naming the PKCS#11 module to load.
pub const MODULE_VAR: &str = "BAITAI_PKCS11_MODULE";

/// Where the usual modules for hardware tokens are installed on Debian and Ubuntu (OpenSC's, then
/// Yubico's ykcs11), tried in order when `BAITAI_PKCS11_MODULE` is not set. SoftHSM is never
/// picked by default: a software token is for tests.
pub const DEFAULT_MODULES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/opensc-pkcs11.so",
    "/usr/lib/x86_64-linux-gnu/libykcs11.so",
    "/usr/lib/aarch64-linux-gnu/libykcs11.so",
    "/usr/lib/libykcs11.so",
];

/// The DER encoding of the P-256 curve's OID (1.2.840.10045.3.1.7), CKA_EC_PARAMS.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// The module loaded once per process: two people on tokens in one command share it, and
/// C_Initialize may be called only once.
static MODULE: Mutex<Option<Pkcs11>> = Mutex::new(None);

/// The module path from the environment or the default list.
pub fn module_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(MODULE_VAR).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    DEFAULT_MODULES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or_else(|| {
            Error::Device(
                Msg::NoModule {
                    var: MODULE_VAR.into(),
                }
                .into(),
            )
        })
}

fn module() -> Result<Pkcs11> {
    let mut held = MODULE
        .lock()
        .map_err(|_| Error::Other("internal: the PKCS#11 module lock is poisoned".into()))?;
    if let Some(m) = held.as_ref() {
        return Ok(m.clone());
    }
    let path = module_path()?;
    let m = Pkcs11::new(&path).map_err(|e| {
        Error::Device(
            Msg::CannotLoadModule {
                path: p_(&path),
                cause: e.to_string().into(),
            }
            .into(),
        )
    })?;
    match m.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(device(Msg::OpInitialise, e)),
    }
    *held = Some(m.clone());
    Ok(m)
}

fn device(what: Msg, e: P11Error) -> Error {
    Error::Device(
        Msg::TokenCannot {
            what: what.into(),
            cause: e.to_string().into(),
        }
        .into(),
    )
}

/// Which token to use: by serial number (as the ledger records it) or by label, or the only
/// one present when neither is given.
#[derive(Debug, Clone, Default)]
pub struct TokenChoice {
    /// The token's label (`--token-label`).
    pub label: Option<String>,
    /// The token's serial number.
    pub serial: Option<String>,
}

impl TokenChoice {
    /// The token that holds the key recorded in `info`.
    pub fn recorded(info: &TokenInfo) -> Self {
        TokenChoice {
            label: None,
            serial: Some(info.serial.clone()),
        }
    }

    fn describe(&self) -> Text {
        match (&self.serial, &self.label) {
            (Some(s), _) => Msg::TokenWithSerial { serial: s.into() }.into(),
            (None, Some(l)) => Msg::TokenLabelled {
                label: format!("{l:?}").into(),
            }
            .into(),
            (None, None) => Msg::AToken.into(),
        }
    }
}

/// The slot holding the chosen token and what the token says of itself.
fn find_token(m: &Pkcs11, choice: &TokenChoice) -> Result<(Slot, TokenInfo)> {
    let mut found = Vec::new();
    let slots = m
        .get_slots_with_token()
        .map_err(|e| device(Msg::OpListSlots, e))?;
    for slot in slots {
        let t = m
            .get_token_info(slot)
            .map_err(|e| device(Msg::OpReadDescription, e))?;
        let info = TokenInfo {
            manufacturer: t.manufacturer_id().trim().to_string(),
            model: t.model().trim().to_string(),
            serial: t.serial_number().trim().to_string(),
            label: t.label().trim().to_string(),
            key_id: String::new(),
        };
        let serial_ok = choice
            .serial
            .as_ref()
            .is_none_or(|s| s.trim() == info.serial);
        let label_ok = choice.label.as_ref().is_none_or(|l| l.trim() == info.label);
        if serial_ok && label_ok && t.token_initialized() {
            found.push((slot, info));
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::Device(
            Msg::TokenAbsent {
                token: choice.describe(),
                module: p_(&module_path()?),
            }
            .into(),
        )),
        n => Err(Error::Usage(
            Msg::ManyTokens {
                count: n.to_string().into(),
            }
            .into(),
        )),
    }
}

/// Why logging in to a token failed.
pub enum LoginError {
    /// The PIN is wrong: counted and recorded like a wrong passphrase.
    WrongPin,
    /// Anything else, the token's own lock included, as the error to fail with.
    Other(Error),
}

/// Log the user in with `pin`. A session of this process already logged in to the token (two
/// signers on one token) is fine.
fn login(session: &Session, pin: &Passphrase, who: &str) -> std::result::Result<(), LoginError> {
    // The PIN is copied once more, into the module's own zeroizing type; this copy is wiped too.
    let text = Zeroizing::new(String::from_utf8_lossy(pin.as_bytes()).into_owned());
    let pin = AuthPin::from(text.as_str());
    match session.login(UserType::User, Some(&pin)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(P11Error::Pkcs11(
            RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid,
            _,
        )) => Err(LoginError::WrongPin),
        Err(P11Error::Pkcs11(RvError::PinLocked, _)) => Err(LoginError::Other(Error::Auth(
            Msg::TokenPinLocked { who: who.into() }.into(),
        ))),
        Err(e) => Err(LoginError::Other(device(Msg::OpLogIn, e))),
    }
}

/// A private key on a token, with a logged-in session to use it through.
pub struct TokenKey {
    session: Session,
    key: ObjectHandle,
    public: PublicKey,
    /// The token and key, as recorded in the ledger.
    pub info: TokenInfo,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenKey({:?}, {})", self.info, self.public.to_hex())
    }
}

impl TokenKey {
    /// Open the key recorded in `info` for `who`, after their PIN; the public key on the
    /// token must be `expected` (the ledger's), else the token holds another key.
    pub fn open(
        info: &TokenInfo,
        expected: &PublicKey,
        pin: &Passphrase,
        who: &str,
    ) -> std::result::Result<TokenKey, LoginError> {
        let (session, found) =
            open_session(&TokenChoice::recorded(info)).map_err(LoginError::Other)?;
        login(&session, pin, who)?;
        let id = hex::decode(&info.key_id).map_err(|_| {
            LoginError::Other(Error::Integrity(
                Msg::TokenKeyIdNotHex {
                    who: who.into(),
                    id: format!("{:?}", info.key_id).into(),
                }
                .into(),
            ))
        })?;
        let key = private_key(&session, &id).map_err(LoginError::Other)?;
        let mut found = found;
        found.key_id = info.key_id.clone();
        let k = TokenKey {
            session,
            key,
            public: *expected,
            info: found,
        };
        // Proves the key on the token is the ledger's: a signature that verifies against it.
        k.check_public(expected, who).map_err(LoginError::Other)?;
        Ok(k)
    }

    /// A key pair made on the chosen token (or the existing one with `key_id`), after its PIN:
    /// for `person add --token` and `person token`.
    pub fn create(
        choice: &TokenChoice,
        key_id: Option<&str>,
        pin: &Passphrase,
        who: &str,
    ) -> Result<TokenKey> {
        let (session, mut info) = open_session(choice)?;
        login(&session, pin, who).map_err(|e| match e {
            LoginError::WrongPin => Error::Auth(
                Msg::WrongTokenPin {
                    label: format!("{:?}", info.label).into(),
                }
                .into(),
            ),
            LoginError::Other(e) => e,
        })?;
        let (id, key, point) = match key_id {
            Some(hex_id) => {
                let id = hex::decode(hex_id.trim()).map_err(|_| {
                    Error::Usage(
                        Msg::KeyIdMustBeHex {
                            id: format!("{hex_id:?}").into(),
                        }
                        .into(),
                    )
                })?;
                let key = private_key(&session, &id)?;
                let point = public_point(&session, &id)?;
                (id, key, point)
            }
            None => generate(&session, who)?,
        };
        info.key_id = hex::encode(&id);
        let public = PublicKey::from_sec1(&point)?;
        let k = TokenKey {
            session,
            key,
            public,
            info,
        };
        k.check_public(&public, who)?;
        Ok(k)
    }

    /// Sign a test message and check it against `expected`.
    fn check_public(&self, expected: &PublicKey, who: &str) -> Result<()> {
        let msg = b"baitai-token-check-v1";
        let sig = self.sign_raw(msg)?;
        if !expected.verify_raw(msg, &sig) {
            return Err(Error::Auth(
                Msg::TokenKeyNotLedgers { who: who.into() }.into(),
            ));
        }
        Ok(())
    }
}

fn open_session(choice: &TokenChoice) -> Result<(Session, TokenInfo)> {
    let m = module()?;
    let (slot, info) = find_token(&m, choice)?;
    let session = m
        .open_rw_session(slot)
        .map_err(|e| device(Msg::OpOpenSession, e))?;
    Ok((session, info))
}

fn private_key(session: &Session, id: &[u8]) -> Result<ObjectHandle> {
    let found = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::Id(id.to_vec()),
        ])
        .map_err(|e| device(Msg::OpFindPrivate, e))?;
    found.into_iter().next().ok_or_else(|| {
        Error::Device(
            Msg::NoPrivateKey {
                id: hex::encode(id).into(),
            }
            .into(),
        )
    })
}

/// The public point of the key pair `id`, from its public-key object.
fn public_point(session: &Session, id: &[u8]) -> Result<Vec<u8>> {
    let found = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(id.to_vec()),
        ])
        .map_err(|e| device(Msg::OpFindPublic, e))?;
    let handle = found.into_iter().next().ok_or_else(|| {
        Error::Device(
            Msg::NoPublicKey {
                id: hex::encode(id).into(),
            }
            .into(),
        )
    })?;
    let attrs = session
        .get_attributes(handle, &[AttributeType::EcPoint])
        .map_err(|e| device(Msg::OpReadPublic, e))?;
    match attrs.into_iter().next() {
        Some(Attribute::EcPoint(p)) => Ok(unwrap_point(p)),
        _ => Err(Error::Device(Msg::NoEcPoint.into())),
    }
}

/// CKA_EC_POINT is a DER OCTET STRING around the SEC1 point (PKCS#11 2.40 §2.3.3); some
/// modules give the bare point.
fn unwrap_point(p: Vec<u8>) -> Vec<u8> {
    match p.as_slice() {
        [0x04, len, rest @ ..] if *len as usize == rest.len() && rest.len() == 65 => rest.to_vec(),
        _ => p,
    }
}

/// A new P-256 key pair on the token: the private half sensitive, never extractable, usable to
/// sign and to derive (ECDH); both halves kept on the token under a random CKA_ID.
fn generate(session: &Session, who: &str) -> Result<(Vec<u8>, ObjectHandle, Vec<u8>)> {
    let mut id = vec![0u8; 8];
    session
        .generate_random_slice(&mut id)
        .map_err(|e| device(Msg::OpRandomId, e))?;
    let label = format!("baitai {who}").into_bytes();
    let public = [
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::EcParams(P256_PARAMS.to_vec()),
        Attribute::Id(id.clone()),
        Attribute::Label(label.clone()),
    ];
    let private = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Derive(true),
        Attribute::Id(id.clone()),
        Attribute::Label(label),
    ];
    let (pub_h, priv_h) = session
        .generate_key_pair(&Mechanism::EccKeyPairGen, &public, &private)
        .map_err(|e| device(Msg::OpKeyPair, e))?;
    let attrs = session
        .get_attributes(pub_h, &[AttributeType::EcPoint])
        .map_err(|e| device(Msg::OpReadNewPublic, e))?;
    let point = match attrs.into_iter().next() {
        Some(Attribute::EcPoint(p)) => unwrap_point(p),
        _ => return Err(Error::Device(Msg::NewKeyNoEcPoint.into())),
    };
    Ok((id, priv_h, point))
}

impl KeyDevice for TokenKey {
    fn public(&self) -> PublicKey {
        self.public
    }

    /// One key pair signs and agrees keys on a token.
    fn agreement_public(&self) -> PublicKey {
        self.public
    }

    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature> {
        let sig = self
            .session
            .sign(&Mechanism::Ecdsa, self.key, digest)
            .map_err(|e| device(Msg::OpSign, e))?;
        // CKM_ECDSA returns r ‖ s, each the curve's length: the form the ledger stores.
        Signature::from_slice(&sig).ok_or_else(|| {
            Error::Device(
                Msg::SignatureLength {
                    len: sig.len().to_string().into(),
                }
                .into(),
            )
        })
    }

    fn agree(&self, peer: &p256::PublicKey) -> Result<Zeroizing<[u8; 32]>> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let point = peer.to_encoded_point(false);
        let params = Ecdh1DeriveParams::new(EcKdf::null(), point.as_bytes());
        // A session object, readable by us only long enough to take the shared secret.
        let template = [
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(KeyType::GENERIC_SECRET),
            Attribute::ValueLen(32.into()),
            Attribute::Token(false),
            Attribute::Sensitive(false),
            Attribute::Extractable(true),
        ];
        let shared = self
            .session
            .derive_key(&Mechanism::Ecdh1Derive(params), self.key, &template)
            .map_err(|e| device(Msg::OpAgree, e))?;
        let value = self.session.get_attributes(shared, &[AttributeType::Value]);
        let _ = self.session.destroy_object(shared);
        let value = value.map_err(|e| device(Msg::OpReadAgreed, e))?;
        let mut out = Zeroizing::new([0u8; 32]);
        match value.into_iter().next() {
            Some(Attribute::Value(mut v)) if v.len() == 32 => {
                out.copy_from_slice(&v);
                zeroize::Zeroize::zeroize(&mut v);
                Ok(out)
            }
            _ => Err(Error::Device(Msg::AgreedKeyLength.into())),
        }
    }
}

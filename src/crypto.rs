//! Protection of private data at rest: AES-256-GCM encryption of each private field, and a
//! keyed hash (HMAC-SHA-256) of the ID-card number for finding duplicates without decrypting.
//! Every key is derived from the deployment's secret key (src/secret.rs), each for its one use.
//!
//! # Design
//!
//! **A sealed value is bound to its place.** Each value is sealed with associated data naming
//! where it lives: its kind (the table), its row and its field ([`Place`]). AES-GCM
//! authenticates the associated data with the ciphertext, so a value copied over SQL into
//! another household's row, or from the `address` column into `head_name`, does not open: the
//! reader gets an [`OpenError`] (logged with the place, never the bytes) and the API answers
//! that field as unavailable instead of showing another household's data.
//!
//! Rows are sealed once their key is known, in the transaction that writes them: a household's
//! public row is inserted first (the database gives it its id) and its private row, keyed by
//! that id, is sealed and inserted right after in the same transaction, so no value is ever
//! sealed for a row id it might not get. A password reset's token is sealed for the reset's
//! `token_hash`, a random unique key known before the insert (the reset's id is not).
//!
//! **The format says its version and its key.** Sealed bytes are
//! `version (1) ‖ key id (4) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`; the key id is derived
//! from the key (it names it without revealing it). So one node may hold two keys during a
//! rotation and open each value with the key that sealed it. Values written before this format
//! (`nonce ‖ ciphertext`, no associated data, "legacy") still open, with any key held, until
//! `duijie keys rotate` has re-sealed them all; after that the database records that legacy
//! values are gone and nodes refuse them, so that an old value pasted back from a backup does
//! not open unbound to its place.
//!
//! **Keys are checked at start-up.** The database keeps a check value of the key its data is
//! under (`secret_key_check`, an HMAC that identifies the key without revealing it) and, while a
//! rotation runs, the check of the key it moves to (`secret_key_rotation`). A node starts only
//! if it can read everything: with the database's key, or, during a rotation, with both keys
//! (`DUIJIE_SECRET_KEY` the new one, `DUIJIE_PREVIOUS_SECRET_KEY` the old one). A rotation
//! re-seals every value under the new key and re-keys the ID-card hashes (they are derived
//! from the secret too: keeping them on the old key would keep the old key alive, and with it
//! a way to test guessed ID-card numbers), then records the new key's check, after which a
//! node with only the old key refuses to start. During the rotation the duplicate check looks
//! an ID-card number up under both keys' hashes; unsubscribe links signed with the old key
//! keep working while both keys are held.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::id_card::IdCardNumber;
use crate::secret::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The format of sealed values with associated data and a key id.
const FORMAT_V1: u8 = 1;
const KEY_ID_LEN: usize = 4;
const V1_HEADER_LEN: usize = 1 + KEY_ID_LEN;

/// Where a sealed value lives: the associated data it is sealed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    kind: &'static str,
    row: String,
    field: &'static str,
}

impl Place {
    /// `kind` (the table), `row` (its key) and `field`; none of them holds a NUL.
    pub fn new(kind: &'static str, row: impl ToString, field: &'static str) -> Self {
        Self {
            kind,
            row: row.to_string(),
            field,
        }
    }

    /// A field of a household's private row (`head_name`, `id_card`, `phone`, `address`).
    pub fn household(household_id: i64, field: &'static str) -> Self {
        Self::new("household_private", household_id, field)
    }

    /// The mailed token of a link (a password reset, an email confirmation) kept in `table`,
    /// whose token has this hash.
    pub fn mail_link(table: &'static str, token_hash: &str) -> Self {
        Self::new(table, token_hash, "token")
    }

    fn associated_data(&self) -> Vec<u8> {
        [
            b"duijie/sealed/v1".as_slice(),
            self.kind.as_bytes(),
            self.row.as_bytes(),
            self.field.as_bytes(),
        ]
        .join(&0u8)
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.kind, self.row, self.field)
    }
}

/// Why a sealed value did not open. Never holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("sealed under a key this node does not hold")]
    UnknownKey,
    #[error(
        "does not authenticate: sealed for another row or field, under another key, or altered"
    )]
    NotAuthentic,
    #[error("sealed in the legacy format, which this database has retired")]
    LegacyRetired,
}

/// One key's derived keys.
struct Key {
    id: [u8; KEY_ID_LEN],
    cipher: Aes256Gcm,
    hash_key: [u8; 32],
    link_key: [u8; 32],
}

fn derive(secret: &SecretKey, purpose: &str) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret.bytes()).expect("HMAC takes any key length");
    mac.update(b"duijie/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

impl Key {
    fn new(secret: &SecretKey) -> Self {
        let aead_key = derive(secret, "household-fields/aes-256-gcm");
        let id = derive(secret, "key-id");
        Self {
            id: id[..KEY_ID_LEN].try_into().expect("4 of 32 bytes"),
            cipher: Aes256Gcm::new_from_slice(&aead_key).expect("a 32-byte key"),
            hash_key: derive(secret, "id-card/hmac-sha256"),
            link_key: derive(secret, "signed-links/hmac-sha256"),
        }
    }

    fn check(&self) -> String {
        hmac_hex(&self.hash_key, &[b"duijie/key-check"])
    }

    fn id_card_hash(&self, id: &IdCardNumber) -> String {
        hmac_hex(&self.hash_key, &[id.expose().as_bytes()])
    }

    fn sign_link(&self, message: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.link_key).expect("any key length");
        mac.update(message.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    fn open_v1(&self, place: &Place, nonce: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
        let aad = place.associated_data();
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
    }

    fn open_legacy(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

/// Seals and opens private fields; computes the duplicate-finding hash; signs links. Holds the
/// current key and, during a rotation, the previous one.
pub struct Sealer {
    current: Key,
    previous: Option<Key>,
    legacy_retired: bool,
}

impl Sealer {
    /// A sealer with one key.
    pub fn new(secret: &SecretKey) -> Self {
        Self::with_previous(secret, None)
    }

    /// A sealer that seals with `current` and also opens what `previous` sealed (a rotation).
    pub fn with_previous(current: &SecretKey, previous: Option<&SecretKey>) -> Self {
        let previous = previous
            .filter(|p| p.bytes() != current.bytes())
            .map(Key::new);
        Self {
            current: Key::new(current),
            previous,
            legacy_retired: false,
        }
    }

    /// Refuses values in the legacy format from now on (a rotation has re-sealed them all).
    pub fn retire_legacy(&mut self) {
        self.legacy_retired = true;
    }

    fn keys(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.current).chain(self.previous.as_ref())
    }

    /// `version ‖ key id ‖ nonce ‖ ciphertext` of `plaintext` bound to `place`, under the
    /// current key, a fresh random nonce each time.
    pub fn seal(&self, place: &Place, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = place.associated_data();
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer does not fail");
        let mut sealed = Vec::with_capacity(V1_HEADER_LEN + NONCE_LEN + ciphertext.len());
        sealed.push(FORMAT_V1);
        sealed.extend(self.current.id);
        sealed.extend(nonce);
        sealed.extend(ciphertext);
        sealed
    }

    /// The plaintext of `sealed`, if it was sealed for `place` under a key this sealer holds.
    pub fn open(&self, place: &Place, sealed: &[u8]) -> Result<String, OpenError> {
        let mut error = OpenError::NotAuthentic;
        if sealed.len() >= V1_HEADER_LEN + NONCE_LEN + TAG_LEN && sealed[0] == FORMAT_V1 {
            let (id, rest) = sealed[1..].split_at(KEY_ID_LEN);
            let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
            match self.keys().find(|key| key.id == id) {
                Some(key) => {
                    if let Some(plaintext) = key.open_v1(place, nonce, ciphertext) {
                        return String::from_utf8(plaintext).map_err(|_| OpenError::NotAuthentic);
                    }
                }
                None => error = OpenError::UnknownKey,
            }
        }
        // A legacy value may begin with the version byte by chance: it is tried as one too.
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(error);
        }
        let legacy = self.keys().find_map(|key| key.open_legacy(sealed));
        match legacy {
            Some(_) if self.legacy_retired => Err(OpenError::LegacyRetired),
            Some(plaintext) => String::from_utf8(plaintext).map_err(|_| OpenError::NotAuthentic),
            None => Err(error),
        }
    }

    /// Whether `sealed` is in the current format under the current key (a rotation leaves it).
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.len() >= V1_HEADER_LEN + NONCE_LEN + TAG_LEN
            && sealed[0] == FORMAT_V1
            && sealed[1..V1_HEADER_LEN] == self.current.id
    }

    /// A value that identifies the current key without revealing it: stored in the database,
    /// so that a node started with another key refuses to run instead of writing data no
    /// other node can read.
    pub fn key_check(&self) -> String {
        self.current.check()
    }

    /// The check value of the previous key, during a rotation.
    pub fn previous_key_check(&self) -> Option<String> {
        self.previous.as_ref().map(Key::check)
    }

    /// The keyed hash (hex) under the current key that finds the same person registered twice.
    pub fn id_card_hash(&self, id: &IdCardNumber) -> String {
        self.current.id_card_hash(id)
    }

    /// The hashes of `id` under every key held, the current key's first: during a rotation a
    /// person on the register is found under either.
    pub fn id_card_hashes(&self, id: &IdCardNumber) -> Vec<String> {
        self.keys().map(|key| key.id_card_hash(id)).collect()
    }
}

impl Sealer {
    /// A signature (16 bytes, hex) of `message` for a link that acts without signing in (a
    /// mail's unsubscribe link): only this deployment can make one, and it names exactly what
    /// it allows.
    pub fn sign_link(&self, message: &str) -> String {
        self.current.sign_link(message)
    }

    /// Whether `signature` is [`Sealer::sign_link`] of `message` under a key held, compared in
    /// constant time.
    pub fn verify_link(&self, message: &str, signature: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.keys().any(|key| {
            let expected = key.sign_link(message);
            signature.len() == expected.len()
                && bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
        })
    }
}

/// SHA-256 (hex) of a bearer secret (session or API token): tokens carry 256 bits of entropy,
/// so a plain hash is enough to make a stolen table useless.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh photo id: 128 random bits.
pub fn random_photo_id() -> crate::domain::photo::PhotoId {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    crate::domain::photo::PhotoId::from_bytes(bytes)
}

/// A fresh random token: 32 bytes, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: &str) -> SecretKey {
        SecretKey::parse(&byte.repeat(32)).unwrap()
    }

    fn sealer(byte: &str) -> Sealer {
        Sealer::new(&key(byte))
    }

    fn head_name(id: i64) -> Place {
        Place::household(id, "head_name")
    }

    /// `nonce ‖ ciphertext` without associated data, as values were sealed before the format
    /// had a version.
    fn seal_legacy(byte: &str, plaintext: &str) -> Vec<u8> {
        let cipher =
            Aes256Gcm::new_from_slice(&derive(&key(byte), "household-fields/aes-256-gcm")).unwrap();
        let nonce = [7u8; NONCE_LEN];
        let mut sealed = nonce.to_vec();
        sealed.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
                .unwrap(),
        );
        sealed
    }

    #[test]
    fn a_sealed_field_opens_only_with_the_same_key() {
        let sealer_a = sealer("ab");
        let sealed = sealer_a.seal(&head_name(1), "陈秀英");
        assert!(!String::from_utf8_lossy(&sealed).contains("陈秀英"));
        assert_eq!(sealer_a.open(&head_name(1), &sealed).unwrap(), "陈秀英");
        assert_eq!(
            sealer("cd").open(&head_name(1), &sealed),
            Err(OpenError::UnknownKey)
        );
        assert_ne!(
            sealer_a.seal(&head_name(1), "陈秀英"),
            sealed,
            "a fresh nonce each time"
        );
    }

    #[test]
    fn a_sealed_field_opens_only_in_its_own_row_and_field() {
        let sealer = sealer("ab");
        let sealed = sealer.seal(&head_name(1), "陈秀英");
        for elsewhere in [
            head_name(2),
            Place::household(1, "address"),
            Place::new("other_table", 1, "head_name"),
        ] {
            assert_eq!(
                sealer.open(&elsewhere, &sealed),
                Err(OpenError::NotAuthentic),
                "{elsewhere}"
            );
        }
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(
            sealer.open(&head_name(1), &altered),
            Err(OpenError::NotAuthentic)
        );
        assert!(sealer.open(&head_name(1), &sealed[..10]).is_err());
    }

    #[test]
    fn the_format_names_its_version_and_key_and_a_rotation_holds_both_keys() {
        let old = sealer("ab");
        let sealed_old = old.seal(&head_name(1), "陈秀英");
        assert_eq!(sealed_old[0], FORMAT_V1);
        assert!(old.is_current(&sealed_old));

        let rotating = Sealer::with_previous(&key("cd"), Some(&key("ab")));
        assert!(!rotating.is_current(&sealed_old));
        assert_eq!(rotating.open(&head_name(1), &sealed_old).unwrap(), "陈秀英");
        let sealed_new = rotating.seal(&head_name(1), "陈秀英");
        assert!(rotating.is_current(&sealed_new));
        assert_eq!(sealed_new[1..V1_HEADER_LEN], sealer("cd").current.id);
        assert_eq!(
            sealer("cd").open(&head_name(1), &sealed_new).unwrap(),
            "陈秀英"
        );
        assert_eq!(
            old.open(&head_name(1), &sealed_new),
            Err(OpenError::UnknownKey)
        );
        assert_eq!(rotating.previous_key_check(), Some(old.key_check()));
        assert_eq!(
            rotating.id_card_hashes(&IdCardNumber::parse("11010519491231002X").unwrap()),
            [
                sealer("cd").id_card_hash(&IdCardNumber::parse("11010519491231002X").unwrap()),
                old.id_card_hash(&IdCardNumber::parse("11010519491231002X").unwrap()),
            ]
        );
    }

    #[test]
    fn a_legacy_value_opens_with_any_key_held_until_legacy_is_retired() {
        let legacy = seal_legacy("ab", "梅州市平远县");
        let mut old = sealer("ab");
        assert!(!old.is_current(&legacy));
        assert_eq!(old.open(&head_name(1), &legacy).unwrap(), "梅州市平远县");
        let rotating = Sealer::with_previous(&key("cd"), Some(&key("ab")));
        assert_eq!(
            rotating.open(&head_name(1), &legacy).unwrap(),
            "梅州市平远县"
        );
        assert!(sealer("cd").open(&head_name(1), &legacy).is_err());
        old.retire_legacy();
        assert_eq!(
            old.open(&head_name(1), &legacy),
            Err(OpenError::LegacyRetired)
        );
        let current = old.seal(&head_name(1), "梅州市平远县");
        assert_eq!(old.open(&head_name(1), &current).unwrap(), "梅州市平远县");
    }

    #[test]
    fn a_link_signature_holds_for_its_message_and_the_keys_held() {
        let signature = sealer("ab").sign_link("7.pledge_received");
        assert!(sealer("ab").verify_link("7.pledge_received", &signature));
        assert!(!sealer("ab").verify_link("8.pledge_received", &signature));
        assert!(!sealer("cd").verify_link("7.pledge_received", &signature));
        assert!(!sealer("ab").verify_link("7.pledge_received", ""));
        let rotating = Sealer::with_previous(&key("cd"), Some(&key("ab")));
        assert!(rotating.verify_link("7.pledge_received", &signature));
    }

    #[test]
    fn the_id_hash_is_stable_per_key_and_differs_across_keys() {
        let id = IdCardNumber::parse("11010519491231002X").unwrap();
        assert_eq!(
            sealer("ab").id_card_hash(&id),
            sealer("ab").id_card_hash(&id)
        );
        assert_ne!(
            sealer("ab").id_card_hash(&id),
            sealer("cd").id_card_hash(&id)
        );
        assert_eq!(sealer("ab").id_card_hash(&id).len(), 64);
    }
}

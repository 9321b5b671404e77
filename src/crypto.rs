//! Protection of private household data at rest: AES-256-GCM encryption of each private field,
//! and a keyed hash (HMAC-SHA-256) of the ID-card number for finding duplicates without
//! decrypting. Both keys are derived from the deployment's secret key, each for its one use.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::id_card::IdCardNumber;
use crate::secret::SecretKey;

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 12;

/// Seals and opens private fields; computes the duplicate-finding hash.
pub struct Sealer {
    cipher: Aes256Gcm,
    hash_key: [u8; 32],
    link_key: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
#[error("a private field could not be decrypted (wrong secret key, or corrupted data)")]
pub struct OpenError;

fn derive(secret: &SecretKey, purpose: &str) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret.bytes()).expect("HMAC takes any key length");
    mac.update(b"duijie/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Sealer {
    pub fn new(secret: &SecretKey) -> Self {
        let aead_key = derive(secret, "household-fields/aes-256-gcm");
        Self {
            cipher: Aes256Gcm::new_from_slice(&aead_key).expect("a 32-byte key"),
            hash_key: derive(secret, "id-card/hmac-sha256"),
            link_key: derive(secret, "signed-links/hmac-sha256"),
        }
    }

    /// `nonce ‖ ciphertext` of `plaintext`, a fresh random nonce each time.
    pub fn seal(&self, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer does not fail");
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        sealed
    }

    pub fn open(&self, sealed: &[u8]) -> Result<String, OpenError> {
        if sealed.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let plaintext = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| OpenError)?;
        String::from_utf8(plaintext).map_err(|_| OpenError)
    }

    /// A value that identifies the key without revealing it: stored in the database on first
    /// start, so that a node started with another key refuses to run instead of writing data
    /// no other node can read.
    pub fn key_check(&self) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.hash_key).expect("any key length");
        mac.update(b"duijie/key-check");
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash (hex) that finds the same person registered twice.
    pub fn id_card_hash(&self, id: &IdCardNumber) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.hash_key).expect("any key length");
        mac.update(id.expose().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl Sealer {
    /// A signature (16 bytes, hex) of `message` for a link that acts without signing in (a
    /// mail's unsubscribe link): only this deployment can make one, and it names exactly what
    /// it allows.
    pub fn sign_link(&self, message: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.link_key).expect("any key length");
        mac.update(message.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Whether `signature` is [`Sealer::sign_link`] of `message`, compared in constant time.
    pub fn verify_link(&self, message: &str, signature: &str) -> bool {
        use subtle::ConstantTimeEq;
        let expected = self.sign_link(message);
        signature.len() == expected.len()
            && bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
    }
}

/// SHA-256 (hex) of a bearer secret (session or API token): tokens carry 256 bits of entropy,
/// so a plain hash is enough to make a stolen table useless.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token: 32 bytes, hex.
/// A fresh photo id: 128 random bits.
pub fn random_photo_id() -> crate::domain::photo::PhotoId {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    crate::domain::photo::PhotoId::from_bytes(bytes)
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(byte: &str) -> Sealer {
        Sealer::new(&SecretKey::parse(&byte.repeat(32)).unwrap())
    }

    #[test]
    fn a_sealed_field_opens_only_with_the_same_key() {
        let sealer_a = sealer("ab");
        let sealed = sealer_a.seal("陈秀英");
        assert!(!String::from_utf8_lossy(&sealed).contains("陈秀英"));
        assert_eq!(sealer_a.open(&sealed).unwrap(), "陈秀英");
        assert!(sealer("cd").open(&sealed).is_err());
        assert_ne!(sealer_a.seal("陈秀英"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn a_link_signature_holds_for_its_message_and_key_only() {
        let signature = sealer("ab").sign_link("7.pledge_received");
        assert!(sealer("ab").verify_link("7.pledge_received", &signature));
        assert!(!sealer("ab").verify_link("8.pledge_received", &signature));
        assert!(!sealer("cd").verify_link("7.pledge_received", &signature));
        assert!(!sealer("ab").verify_link("7.pledge_received", ""));
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

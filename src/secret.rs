//! The deployment's secret key: encrypts private household fields and keys the hash that
//! de-duplicates ID-card numbers. It comes from configuration, or is generated once into the
//! data directory (with a warning, since losing that file loses the private data).

use std::io::Write;
use std::path::Path;

use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox};

/// The file under the data directory holding the key when none is configured.
pub const KEY_FILE: &str = "secret.key";

/// 32 bytes of key material, never printed.
pub struct SecretKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl SecretKey {
    /// Parses 64 hexadecimal digits.
    pub fn parse(hex_digits: &str) -> Result<Self, String> {
        let bytes = hex::decode(hex_digits.trim())
            .map_err(|_| "must be 64 hexadecimal digits".to_owned())?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must be 64 hexadecimal digits (32 bytes)".to_owned())?;
        Ok(Self(SecretBox::new(Box::new(bytes))))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }

    /// The key from configuration if given; otherwise the one kept in the data directory,
    /// generated there on first use. The flag says whether a key was generated just now.
    pub fn load_or_generate(
        configured: Option<&secrecy::SecretString>,
        data_dir: &Path,
    ) -> anyhow::Result<(Self, bool)> {
        if let Some(key) = configured {
            return Ok((
                Self::parse(key.expose_secret()).map_err(anyhow::Error::msg)?,
                false,
            ));
        }
        let path = data_dir.join(KEY_FILE);
        if path.exists() {
            let text = std::fs::read_to_string(&path)?;
            let key = Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            return Ok((key, false));
        }
        std::fs::create_dir_all(data_dir)?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        file.write_all(hex::encode(bytes).as_bytes())?;
        Ok((Self(SecretBox::new(Box::new(bytes))), true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (first, generated) = SecretKey::load_or_generate(None, dir.path()).unwrap();
        assert!(generated);
        let (second, generated) = SecretKey::load_or_generate(None, dir.path()).unwrap();
        assert!(!generated);
        assert_eq!(first.bytes(), second.bytes());
        assert_eq!(format!("{first:?}"), "SecretKey([redacted])");
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(SecretKey::parse("abcd").is_err());
        assert!(SecretKey::parse(&"zz".repeat(32)).is_err());
        assert!(SecretKey::parse(&"0f".repeat(32)).is_ok());
    }
}

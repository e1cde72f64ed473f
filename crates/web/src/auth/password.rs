//! Argon2id password hashing (m = 19456 KiB, t = 2, p = 1: the OWASP minimum).
//!
//! Each hash holds 19 MiB and tens of milliseconds of CPU, so hashing runs on the blocking pool
//! behind a small semaphore: a login flood queues instead of exhausting memory.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rand::RngCore;
use tokio::sync::Semaphore;

use crate::error::WebError;

fn argon2() -> Argon2<'static> {
    // Params::new only fails for out-of-range values; these are constants inside the range.
    let params = Params::new(19456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; call through `Hasher`).
pub fn hash_blocking(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Verifies a password against a stored PHC string (blocking).
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of a random password, verified against when the user does not exist so that an
/// unknown user name costs the same time as a wrong password.
static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_blocking("not a password anyone has: 8f1c2e").unwrap_or_default()
});

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher { permits: Arc::new(Semaphore::new(2)) }
    }
}

impl Hasher {
    /// Runs argon2 work on the blocking pool once a permit is free.
    async fn limited<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WebError> {
        let _permit =
            self.permits.acquire().await.map_err(|e| WebError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| WebError::Internal(e.to_string()))
    }

    pub async fn hash(&self, password: &str) -> Result<String, WebError> {
        let pw = password.to_owned();
        self.limited(move || hash_blocking(&pw)).await?
    }

    /// `None` for the hash means "no such user": the dummy hash is checked and `false` returned.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, WebError> {
        let pw = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (DUMMY.clone(), false),
        };
        let ok = self.limited(move || verify_blocking(&pw, &hash)).await?;
        Ok(ok && real)
    }
}

/// A random password for first-start admins and resets: 16 characters, no look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect()
}

/// 32 random bytes as hex: session tokens and CSRF tokens (256 bits from the OS CSPRNG).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash_blocking("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("correct horse battery", &h));
        assert!(!verify_blocking("correct horse batterY", &h));
        assert!(!verify_blocking("x", "not a hash"));
        assert_ne!(h, hash_blocking("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn generated_secrets_have_the_right_shape() {
        let p = generate_password();
        assert_eq!(p.len(), 16);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)));
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token());
    }
}

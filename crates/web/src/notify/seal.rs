//! Channel secrets (a robot's address holds its key; a signing secret) sealed with
//! ChaCha20-Poly1305 under a key from outside the database (`YIZHAN_SECRET_KEY` or a key file),
//! so a copy of the database alone opens nothing. Sealed text: `v1:<nonce hex>:<ciphertext hex>`.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use crate::error::WebError;

/// A key from 64 hex digits, as `YIZHAN_SECRET_KEY` or a key file holds it.
pub fn key_from_hex(s: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(s.trim()).ok()?;
    bytes.try_into().ok()
}

/// A new random key, as hex (for a key file made on first start).
pub fn new_key_hex() -> String {
    let mut k = [0u8; 32];
    rand::rng().fill_bytes(&mut k);
    hex::encode(k)
}

fn no_key() -> WebError {
    WebError::Rule { field: None, key: "error.no_secret_key" }
}

pub fn seal(key: Option<&[u8; 32]>, plain: &str) -> Result<String, WebError> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.ok_or_else(no_key)?));
    let mut nonce = [0u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| WebError::Internal("sealing a channel secret failed".into()))?;
    Ok(format!("v1:{}:{}", hex::encode(nonce), hex::encode(sealed)))
}

pub fn open(key: Option<&[u8; 32]>, sealed: &str) -> Result<String, WebError> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.ok_or_else(no_key)?));
    let bad = || WebError::Internal("a channel secret does not open with this key".into());
    let mut parts = sealed.splitn(3, ':');
    let (Some("v1"), Some(n), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let nonce = hex::decode(n).map_err(|_| bad())?;
    if nonce.len() != 12 {
        return Err(bad());
    }
    let plain = cipher
        .decrypt(Nonce::from_slice(&nonce), hex::decode(c).map_err(|_| bad())?.as_ref())
        .map_err(|_| bad())?;
    String::from_utf8(plain).map_err(|_| bad())
}

/// What may be shown of a robot's address: its host and the last four characters.
pub fn hint(url: &str) -> String {
    let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default();
    let tail: String = url.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{host} …{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_only_with_its_key_and_unaltered() {
        let k = key_from_hex(&new_key_hex()).unwrap();
        let url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234";
        let s = seal(Some(&k), url).unwrap();
        assert!(!s.contains("abcd") && s.starts_with("v1:"), "{s}");
        assert_ne!(s, seal(Some(&k), url).unwrap(), "a new nonce each time");
        assert_eq!(open(Some(&k), &s).unwrap(), url);
        let other = key_from_hex(&new_key_hex()).unwrap();
        assert!(open(Some(&other), &s).is_err());
        let mut tampered = s.clone();
        tampered.pop();
        tampered.push(if s.ends_with('0') { '1' } else { '0' });
        assert!(open(Some(&k), &tampered).is_err());
        assert!(seal(None, url).is_err(), "no key, nothing sealed");
        assert_eq!(key_from_hex("zz"), None);
        assert_eq!(hint(url), "qyapi.weixin.qq.com …1234");
    }
}

//! Signatures: HMAC-SHA256 (RFC 2104) of a DingTalk robot's timestamp and of a webhook's body,
//! and the Base64 (RFC 4648) they are written in.

use sha2::{Digest, Sha256};

/// HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(msg).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

/// Standard Base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The `sign` a DingTalk robot with a secret wants beside `timestamp` (ms): Base64 of the HMAC of
/// "timestamp\nsecret" under the secret, to be URL-encoded into the address.
pub fn dingtalk(secret: &str, timestamp_ms: i64) -> String {
    base64(&hmac_sha256(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes()))
}

/// The `X-Yizhan-Signature` of a webhook body: `t=<unix seconds>,v1=<hex HMAC of "t.body">`, so a
/// receiver can refuse an old or altered request.
pub fn webhook(secret: &str, unix: i64, body: &[u8]) -> String {
    let mut msg = format!("{unix}.").into_bytes();
    msg.extend_from_slice(body);
    let mac = hmac_sha256(secret.as_bytes(), &msg);
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={unix},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn base64_matches_rfc_4648() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn signatures_change_with_every_input() {
        let s = dingtalk("SECabc", 1_700_000_000_000);
        assert_eq!(s.len(), 44, "{s}");
        assert_ne!(s, dingtalk("SECabd", 1_700_000_000_000));
        assert_ne!(s, dingtalk("SECabc", 1_700_000_000_001));
        let w = webhook("k", 1_700_000_000, b"{}");
        assert!(w.starts_with("t=1700000000,v1=") && w.len() == 16 + 64, "{w}");
        assert_ne!(w, webhook("k", 1_700_000_000, b"{ }"));
    }
}

//! Secrets of links and accounts: fresh random tokens, the digests that are stored in
//! their place, and password hashes.

use concerto_domain::sha256_hex;

use crate::error::WebError;

/// `bytes` random bytes from the system's source, hex-encoded.
fn random_hex(bytes: usize) -> Result<String, WebError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| WebError::Internal(format!("random source: {e}")))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// A fresh secret for a management link: 192 random bits, hex-encoded.
pub fn new_token() -> Result<String, WebError> {
    random_hex(24)
}

/// A fresh secret for an account's link (invitation, reset, verification): 256 random bits.
pub fn account_token() -> Result<String, WebError> {
    random_hex(32)
}

/// Whether `text` can be a token of [`new_token`]: links with anything else open nothing.
pub fn is_token(text: &str) -> bool {
    text.len() == 48 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Only the digest of a token is stored, so a copy of the database opens no link.
pub fn token_digest(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Argon2id with a fresh salt. Deliberately slow: call it off the async threads.
pub fn hash_password(password: &str) -> String {
    password_auth::generate_hash(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_what_is_token_accepts_and_never_repeat() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert!(is_token(&a) && is_token(&b));
        assert_ne!(a, b);
        assert_eq!(account_token().unwrap().len(), 64);
        assert!(!is_token("../../etc/passwd"));
    }
}

//! Password hashing with argon2id (OWASP's recommended parameters, the
//! crate's defaults: 19 MiB, 2 passes). Hashing runs on the blocking pool:
//! it is deliberately slow and would otherwise stall request threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use async_trait::async_trait;
use rand_core::OsRng;
use vitrine_domain::customer::PasswordHasher;

#[derive(Debug, Default, Clone, Copy)]
pub struct Argon2Passwords;

#[async_trait]
impl PasswordHasher for Argon2Passwords {
    async fn hash(&self, password: &str) -> String {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .expect("argon2 accepts any password up to 4 GiB")
                .to_string()
        })
        .await
        .expect("the hashing task does not panic")
    }

    async fn verify(&self, password: &str, hash: &str) -> bool {
        let (password, hash) = (password.to_string(), hash.to_string());
        tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_salted_argon2id_and_verify() {
        let a = Argon2Passwords.hash("correct horse").await;
        let b = Argon2Passwords.hash("correct horse").await;
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(Argon2Passwords.verify("correct horse", &a).await);
        assert!(!Argon2Passwords.verify("correct horse!", &a).await);
        assert!(!Argon2Passwords.verify("correct horse", "not a hash").await);
    }
}

//! Customers and their sign-in: registration rules and the password hashing port.

use crate::Email;
use crate::form::{FieldErrors, required_text};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub type CustomerId = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub email: Email,
    pub name: String,
    pub role: Role,
}

/// What an account may do. Everyone who registers is a customer; the first
/// admin is made with `vitrine create-admin`, and admins appoint merchandisers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Customer,
    Merchandiser,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Customer, Role::Merchandiser, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Merchandiser => "merchandiser",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Merchandisers and admins run the catalog, stock and orders.
    pub fn runs_the_store(self) -> bool {
        matches!(self, Role::Merchandiser | Role::Admin)
    }
}

/// Password length bounds: long enough to resist guessing (NIST 800-63B's
/// minimum), short enough that hashing cannot be used to exhaust the server.
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// A checked registration form.
#[derive(Clone, PartialEq, Eq)]
pub struct Registration {
    pub email: Email,
    pub name: String,
    pub password: String,
}

// Never print a password, even in debug logs.
impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Registration({}, {:?})", self.email, self.name)
    }
}

impl Registration {
    pub fn parse(email: &str, name: &str, password: &str) -> Result<Registration, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(email));
        let name = errors.check("name", required_text(name, "your name", 100));
        let length = password.chars().count();
        if length < PASSWORD_MIN {
            errors.add(
                "password",
                format!("use at least {PASSWORD_MIN} characters"),
            );
        } else if length > PASSWORD_MAX {
            errors.add("password", format!("use at most {PASSWORD_MAX} characters"));
        }
        match (email, name) {
            (Some(email), Some(name)) if errors.is_empty() => Ok(Registration {
                email,
                name,
                password: password.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// Hashes and checks passwords (argon2id on the server). Async because
/// hashing is deliberately slow and must not block request threads.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &str) -> String;
    async fn verify(&self, password: &str, hash: &str) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_and_print_as_stored() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::Customer.runs_the_store());
        assert!(Role::Merchandiser.runs_the_store() && Role::Admin.runs_the_store());
    }

    #[test]
    fn registration_checks_every_field() {
        let ok = Registration::parse("Ada@Example.COM", " Ada ", "correct horse").unwrap();
        assert_eq!(ok.email.as_str(), "Ada@example.com");
        assert_eq!(ok.name, "Ada");
        let e = Registration::parse("nope", "", "short").unwrap_err();
        assert!(e.get("email").is_some());
        assert_eq!(e.get("name"), Some("enter your name"));
        assert_eq!(e.get("password"), Some("use at least 8 characters"));
        let e = Registration::parse("a@b.co", "A", &"x".repeat(129)).unwrap_err();
        assert_eq!(e.get("password"), Some("use at most 128 characters"));
    }
}

//! Customers and sessions over SQL, written once for SQLite and PostgreSQL.

use super::catalog::Dialect;
use super::merchandising::{audit_in, begin_write, finish};
use super::rows::{corrupt, store_error};
use async_trait::async_trait;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::Email;
use vitrine_domain::back_office::{Invitation, NewAuditEntry};
use vitrine_domain::customer::{Customer, CustomerId, Role};
use vitrine_domain::merchandising::SaveError;
use vitrine_domain::store::{CustomerStore, Session, SessionStore, SignInThrottle, StoreError};
use vitrine_domain::throttle::RecentFailures;

#[derive(FromRow)]
pub struct CustomerRow {
    id: i64,
    email: String,
    name: String,
    password_hash: String,
    role: String,
}

impl CustomerRow {
    fn into_domain(self) -> Result<(Customer, String), StoreError> {
        let email = Email::parse(&self.email).map_err(|e| corrupt("email", e))?;
        Ok((
            Customer {
                id: self.id,
                email,
                name: self.name,
                role: Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?,
            },
            self.password_hash,
        ))
    }
}

/// The key that makes emails unique whatever their case.
fn email_key(email: &Email) -> String {
    email.as_str().to_lowercase()
}

/// A transaction's failure as the account store reports it.
fn unsaved(error: SaveError) -> StoreError {
    match error {
        SaveError::Store(e) => e,
        other => StoreError(other.to_string()),
    }
}

pub struct SqlAccounts<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlAccounts<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

/// 256 random bits for the cookie, and the hash the database keeps.
pub(super) fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let id = session_id(&token);
    (token, id)
}

pub(super) fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

const CUSTOMER_SELECT: &str = "SELECT id, email, name, password_hash, role FROM customers";

#[async_trait]
impl<DB> CustomerStore for SqlAccounts<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'r> CustomerRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (String, String, i64): FromRow<'r, DB::Row>,
{
    async fn staff(&self) -> Result<Vec<Customer>, StoreError> {
        let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
            "{CUSTOMER_SELECT} WHERE role IN ('merchandiser', 'admin') ORDER BY email_key"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|row| row.into_domain().map(|(customer, _)| customer))
            .collect()
    }

    async fn invite(
        &self,
        email: &Email,
        role: Role,
        now: i64,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            sqlx::query("DELETE FROM staff_invitations WHERE email_key = $1")
                .bind(email_key(email))
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
            sqlx::query(
                "INSERT INTO staff_invitations (email_key, email, role, invited_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(email_key(email))
            .bind(email.as_str().to_string())
            .bind(role.as_str().to_string())
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await.map_err(unsaved)
    }

    async fn invitations(&self) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT email, role, invited_at FROM staff_invitations ORDER BY invited_at DESC, email_key",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(email, role, invited_at)| {
                Ok(Invitation {
                    email,
                    role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
                    invited_at,
                })
            })
            .collect()
    }

    async fn create_customer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<Customer>, StoreError> {
        // An invitation (from an admin) gives the new account its role.
        let inserted: Result<(i64, String), sqlx::Error> = sqlx::query_as(
            "INSERT INTO customers (email, email_key, name, password_hash, created_at, role)
             VALUES ($1, $2, $3, $4, $5, COALESCE(
                 (SELECT role FROM staff_invitations WHERE email_key = $2), 'customer'))
             RETURNING id, role",
        )
        .bind(email.as_str().to_string())
        .bind(email_key(email))
        .bind(name.to_string())
        .bind(password_hash.to_string())
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok((id, role)) => {
                sqlx::query("DELETE FROM staff_invitations WHERE email_key = $1")
                    .bind(email_key(email))
                    .execute(&self.pool)
                    .await
                    .map_err(store_error)?;
                Ok(Some(Customer {
                    id,
                    email: email.clone(),
                    name: name.to_string(),
                    role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
                }))
            }
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn credentials(&self, email: &Email) -> Result<Option<(Customer, String)>, StoreError> {
        let row: Option<CustomerRow> =
            sqlx::query_as(&format!("{CUSTOMER_SELECT} WHERE email_key = $1"))
                .bind(email_key(email))
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        row.map(CustomerRow::into_domain).transpose()
    }

    async fn set_role(
        &self,
        email: &Email,
        role: Role,
        audit: Option<&NewAuditEntry>,
    ) -> Result<Option<Customer>, StoreError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<Option<i64>, SaveError> = async {
            let updated: Option<(i64,)> =
                sqlx::query_as("UPDATE customers SET role = $1 WHERE email_key = $2 RETURNING id")
                    .bind(role.as_str().to_string())
                    .bind(email_key(email))
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?;
            if let (Some(_), Some(audit)) = (updated, audit) {
                audit_in(&mut conn, audit).await?;
            }
            Ok(updated.map(|(id,)| id))
        }
        .await;
        match finish(&mut conn, result).await.map_err(unsaved)? {
            Some(id) => self.customer(id).await,
            None => Ok(None),
        }
    }

    async fn customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        let row: Option<CustomerRow> = sqlx::query_as(&format!("{CUSTOMER_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(row
            .map(CustomerRow::into_domain)
            .transpose()?
            .map(|(customer, _)| customer))
    }
}

#[async_trait]
impl<DB> SessionStore for SqlAccounts<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'r> (String, Option<i64>): FromRow<'r, DB::Row>,
{
    async fn start_session(
        &self,
        customer: Option<CustomerId>,
        now: i64,
        ttl_seconds: i64,
    ) -> Result<(String, Session), StoreError> {
        // Sweep expired sessions as new ones start: the table stays small
        // without a background job.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        let (token, id) = new_session_token();
        sqlx::query(
            "INSERT INTO sessions (id, customer_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.clone())
        .bind(customer)
        .bind(now)
        .bind(now + ttl_seconds)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok((token, Session { id, customer }))
    }

    async fn find_session(&self, token: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT id, customer_id FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(session_id(token))
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(row.map(|(id, customer)| Session { id, customer }))
    }

    async fn end_session(&self, session_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id.to_string())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}

/// How long a key's failures are kept at most (well past the window).
const FAILURES_KEPT_SECONDS: i64 = 24 * 3600;

#[async_trait]
impl<DB> SignInThrottle for SqlAccounts<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, Option<i64>): FromRow<'r, DB::Row>,
{
    async fn recent_failures(&self, key: &str, since: i64) -> Result<RecentFailures, StoreError> {
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(failed_at) FROM sign_in_failures WHERE key = $1 AND failed_at >= $2",
        )
        .bind(key.to_string())
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(RecentFailures {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            oldest,
        })
    }

    async fn record_failure(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1 AND failed_at < $2")
            .bind(key.to_string())
            .bind(at - FAILURES_KEPT_SECONDS)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        sqlx::query("INSERT INTO sign_in_failures (key, failed_at) VALUES ($1, $2)")
            .bind(key.to_string())
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key.to_string())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}

pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (token, id) = new_session_token();
        let (other, _) = new_session_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, other);
        assert_ne!(token, id);
        assert_eq!(session_id(&token), id);
    }
}

//! Carts and sessions in DynamoDB, for production's many tasks (selected by
//! `DYNAMODB_CARTS_TABLE` and `DYNAMODB_SESSIONS_TABLE`; docs/architecture.md
//! has the table design). One item per cart and per session; the tables'
//! TTL on `expires_at` removes guest carts and sessions nobody came back to.
//!
//! A cart is saved with a condition on the version it was read at, so two
//! tasks changing one cart at once never lose either change: the second
//! save fails its condition, and the shop redoes its change on a fresh read.

use super::accounts::{new_session_token, session_id};
use super::rows::corrupt;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use vitrine_domain::cart::Cart;
use vitrine_domain::customer::CustomerId;
use vitrine_domain::store::{
    CartOwner, CartSaveError, CartStore, Session, SessionStore, StoreError, StoredCart,
};

/// A guest's cart is kept this long after its last change.
pub const GUEST_CART_TTL_SECONDS: i64 = 30 * 24 * 3600;

/// A client from the default AWS chain (task role, environment…);
/// `endpoint_url` points it at a stand-in such as moto_server.
pub async fn client(endpoint_url: Option<&str>) -> Client {
    Client::new(&crate::aws::sdk_config(endpoint_url).await)
}

fn failed<E, R>(what: &str, error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError(format!(
        "DynamoDB {what} failed: {}",
        DisplayErrorContext(&error)
    ))
}

/// Whether a write was refused by its condition (someone else wrote first).
fn condition_failed<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error
        .as_service_error()
        .and_then(ProvideErrorMetadata::code)
        == Some("ConditionalCheckFailedException")
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn text<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub struct DynamoCarts {
    client: Client,
    table: String,
}

impl DynamoCarts {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn item(
        &self,
        owner: &CartOwner,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let read = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("owner", AttributeValue::S(owner.key()))
            // Read what the last save wrote, whichever task wrote it.
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| failed("GetItem (cart)", e))?;
        Ok(read.item)
    }
}

#[async_trait]
impl CartStore for DynamoCarts {
    async fn load_cart(&self, owner: &CartOwner) -> Result<StoredCart, StoreError> {
        let Some(item) = self.item(owner).await? else {
            return Ok(StoredCart::default());
        };
        let lines = text(&item, "lines").ok_or_else(|| corrupt("cart", "no lines"))?;
        Ok(StoredCart {
            cart: serde_json::from_str(lines).map_err(|e| corrupt("cart", e))?,
            version: number(&item, "version").ok_or_else(|| corrupt("cart", "no version"))?,
        })
    }

    async fn save_cart(
        &self,
        owner: &CartOwner,
        cart: &Cart,
        version: i64,
        now: i64,
    ) -> Result<(), CartSaveError> {
        if cart.lines.is_empty() {
            if version == 0 {
                // Nothing stored and nothing to store, unless someone stored one.
                return match self.item(owner).await? {
                    None => Ok(()),
                    Some(_) => Err(CartSaveError::Conflict),
                };
            }
            let deleted = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key("owner", AttributeValue::S(owner.key()))
                .condition_expression("#version = :read")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":read", n(version))
                .send()
                .await;
            return match deleted {
                Ok(_) => Ok(()),
                Err(e) if condition_failed(&e) => Err(CartSaveError::Conflict),
                Err(e) => Err(failed("DeleteItem (cart)", e).into()),
            };
        }
        let lines = serde_json::to_string(cart).map_err(|e| corrupt("cart", e))?;
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("owner", AttributeValue::S(owner.key()))
            .item("lines", AttributeValue::S(lines))
            .item("version", n(version + 1))
            .item("updated_at", n(now));
        // A customer's cart stays; a guest's goes a while after its last change.
        if let CartOwner::Session(_) = owner {
            put = put.item("expires_at", n(now + GUEST_CART_TTL_SECONDS));
        }
        put = if version == 0 {
            put.condition_expression("attribute_not_exists(#owner)")
                .expression_attribute_names("#owner", "owner")
        } else {
            put.condition_expression("#version = :read")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":read", n(version))
        };
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Err(CartSaveError::Conflict),
            Err(e) => Err(failed("PutItem (cart)", e).into()),
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.item(&CartOwner::Session("readiness-check".into()))
            .await
            .map(|_| ())
    }
}

pub struct DynamoSessions {
    client: Client,
    table: String,
}

impl DynamoSessions {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl SessionStore for DynamoSessions {
    async fn start_session(
        &self,
        customer: Option<CustomerId>,
        now: i64,
        ttl_seconds: i64,
    ) -> Result<(String, Session), StoreError> {
        // The table's key is the token's SHA-256 (the session id): a leaked
        // table holds no token that would work as a cookie.
        let (token, id) = new_session_token();
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("token_hash", AttributeValue::S(id.clone()))
            .item("created_at", n(now))
            .item("expires_at", n(now + ttl_seconds))
            .condition_expression("attribute_not_exists(token_hash)");
        if let Some(customer) = customer {
            put = put.item("customer_id", n(customer));
        }
        put.send()
            .await
            .map_err(|e| failed("PutItem (session)", e))?;
        Ok((token, Session { id, customer }))
    }

    async fn find_session(&self, token: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let id = session_id(token);
        let read = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("token_hash", AttributeValue::S(id.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| failed("GetItem (session)", e))?;
        let Some(item) = read.item else {
            return Ok(None);
        };
        // TTL deletes expired items within days, not at once: check the time.
        let expires_at =
            number(&item, "expires_at").ok_or_else(|| corrupt("session", "no expiry"))?;
        if expires_at <= now {
            return Ok(None);
        }
        Ok(Some(Session {
            id,
            customer: number(&item, "customer_id"),
        }))
    }

    async fn end_session(&self, session_id: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("token_hash", AttributeValue::S(session_id.to_string()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| failed("DeleteItem (session)", e))
    }
}

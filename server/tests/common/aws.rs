//! moto_server, the local stand-in for AWS that `./x test` starts
//! (`VITRINE_TEST_AWS_ENDPOINT`), and DynamoDB tables of a test's own.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};

/// moto's address, or `None` (the test is skipped, loudly) when it is not
/// running, unless `VITRINE_REQUIRE_AWS=1` says it must be.
pub fn endpoint() -> Option<String> {
    match std::env::var("VITRINE_TEST_AWS_ENDPOINT") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("VITRINE_REQUIRE_AWS").as_deref() == Ok("1") => {
            panic!("VITRINE_REQUIRE_AWS=1 but VITRINE_TEST_AWS_ENDPOINT is not set")
        }
        Err(_) => {
            eprintln!("\n*** SKIPPING an AWS test: no moto_server (run ./x test). ***\n");
            None
        }
    }
}

pub async fn dynamodb(endpoint: &str) -> Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .load()
        .await;
    Client::new(&sdk)
}

/// A table of the test's own, as deploy/vitrine.yaml makes them.
pub async fn new_table(client: &Client, key: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "vitrine-test-{key}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    client
        .update_time_to_live()
        .table_name(&name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("expires_at")
                .enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    name
}

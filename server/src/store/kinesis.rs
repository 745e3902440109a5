//! The viewer's clickstream in a Kinesis data stream (production; selected
//! by `CLICKSTREAM_KINESIS_STREAM`). Each event is one record of JSON, keyed
//! by its page view, so one page view's events stay in order on one shard;
//! analysts read the stream (or a Firehose copy of it in S3).

use async_trait::async_trait;
use aws_sdk_kinesis::Client;
use aws_sdk_kinesis::error::DisplayErrorContext;
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use std::time::Duration;
use vitrine_domain::clickstream::ViewerEvent;
use vitrine_domain::store::{ClickstreamSink, StoreError};

/// Records Kinesis refused (throttled shards) are sent again this many times.
const RETRIES: u32 = 3;

pub struct KinesisClickstream {
    client: Client,
    stream: String,
}

impl KinesisClickstream {
    pub async fn connect(stream: &str, endpoint_url: Option<&str>) -> Self {
        Self {
            client: Client::new(&crate::aws::sdk_config(endpoint_url).await),
            stream: stream.to_string(),
        }
    }
}

fn record(event: &ViewerEvent) -> Result<PutRecordsRequestEntry, StoreError> {
    let mut json = serde_json::to_vec(event).map_err(|e| StoreError(e.to_string()))?;
    // One JSON object per line, as Firehose and Athena like them.
    json.push(b'\n');
    PutRecordsRequestEntry::builder()
        .data(Blob::new(json))
        .partition_key(event.page_view.clone())
        .build()
        .map_err(|e| StoreError(format!("a Kinesis record: {e}")))
}

#[async_trait]
impl ClickstreamSink for KinesisClickstream {
    async fn put(&self, events: &[ViewerEvent]) -> Result<(), StoreError> {
        let mut pending: Vec<PutRecordsRequestEntry> =
            events.iter().map(record).collect::<Result<_, _>>()?;
        for attempt in 0..=RETRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << (2 * attempt))).await;
            }
            let sent = self
                .client
                .put_records()
                .stream_name(&self.stream)
                .set_records(Some(pending.clone()))
                .send()
                .await
                .map_err(|e| {
                    StoreError(format!(
                        "Kinesis PutRecords to {} failed: {}",
                        self.stream,
                        DisplayErrorContext(&e)
                    ))
                })?;
            if sent.failed_record_count().unwrap_or(0) == 0 {
                return Ok(());
            }
            // Results come in request order; keep the refused ones.
            pending = pending
                .into_iter()
                .zip(sent.records())
                .filter(|(_, result)| result.error_code().is_some())
                .map(|(entry, _)| entry)
                .collect();
        }
        Err(StoreError(format!(
            "Kinesis kept refusing {} records (throttled?)",
            pending.len()
        )))
    }
}

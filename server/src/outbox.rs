//! Order events, from the transactional outbox to fulfilment.
//!
//! Every change of an order writes its event in the same transaction
//! (`order_events`), so an order is never acknowledged without one. The
//! relay here hands unpublished events on and only then marks them
//! published: a crash in between sends an event twice, never zero times.
//!
//! - In production (`ORDER_EVENTS_QUEUE_URL`) events go to SQS, and the
//!   fulfilment consumer reads the queue: a paid order is marked for the
//!   warehouse (once, whatever the repeats), then the message is deleted.
//!   A message that keeps failing lands in the dead-letter queue (alarmed).
//! - Locally there is no queue: the relay hands events straight to the
//!   same fulfilment step, with the same at-least-once guarantee.
//!
//! Every server runs a relay; two relays may send the same event, which the
//! consumer's idempotent step absorbs.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use std::sync::Arc;
use std::time::Duration;
use vitrine_domain::store::{OrderEventMessage, OrderOutbox};

/// How often the relay looks for unpublished events when idle.
const RELAY_INTERVAL: Duration = Duration::from_millis(500);
/// After a failed hand-on, wait this long before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(2);
/// Events handed on per round (SQS batches are 10).
const BATCH: u32 = 10;

/// Where the relay hands events.
#[async_trait]
pub trait EventSink: Send + Sync {
    /// All or nothing: on `Err`, none of `events` counts as handed on.
    async fn publish(&self, events: &[OrderEventMessage]) -> Result<(), String>;
}

/// The warehouse hand-off: a paid order is marked for fulfilment, once.
pub async fn fulfil(
    outbox: &dyn OrderOutbox,
    event: &OrderEventMessage,
    now: i64,
) -> Result<(), String> {
    if event.status != "paid" {
        return Ok(());
    }
    let marked = outbox
        .request_fulfilment(event.order_id, now)
        .await
        .map_err(|e| e.to_string())?;
    if marked {
        tracing::info!(order = %event.reference, "order handed to fulfilment");
    }
    Ok(())
}

/// The local sink: fulfilment in this process, straight from the outbox.
pub struct DirectSink {
    pub outbox: Arc<dyn OrderOutbox>,
}

#[async_trait]
impl EventSink for DirectSink {
    async fn publish(&self, events: &[OrderEventMessage]) -> Result<(), String> {
        for event in events {
            fulfil(self.outbox.as_ref(), event, unix_now()).await?;
        }
        Ok(())
    }
}

/// SQS: the order-events queue.
pub struct SqsQueue {
    client: Client,
    queue_url: String,
}

impl SqsQueue {
    /// A client from the default AWS chain; `endpoint_url` points it at a
    /// stand-in such as moto_server.
    pub async fn connect(queue_url: &str, endpoint_url: Option<&str>) -> Self {
        Self {
            client: Client::new(&crate::aws::sdk_config(endpoint_url).await),
            queue_url: queue_url.to_string(),
        }
    }

    /// Reads the queue for as long as it runs: each message is handed to
    /// fulfilment, then deleted. A message that fails stays, and comes back
    /// after its visibility timeout (then, after 5 tries, goes to the DLQ).
    pub async fn consume(&self, outbox: Arc<dyn OrderOutbox>) {
        loop {
            let received = self
                .client
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(10)
                .send()
                .await;
            let messages = match received {
                Ok(out) => out.messages.unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = %DisplayErrorContext(&e), "cannot read the order-events queue");
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            for message in messages {
                let event: Result<OrderEventMessage, _> =
                    serde_json::from_str(message.body().unwrap_or_default());
                let handled = match &event {
                    Ok(event) => fulfil(outbox.as_ref(), event, unix_now()).await,
                    Err(e) => Err(format!("not an order event: {e}")),
                };
                match (handled, message.receipt_handle()) {
                    (Ok(()), Some(receipt)) => {
                        if let Err(e) = self
                            .client
                            .delete_message()
                            .queue_url(&self.queue_url)
                            .receipt_handle(receipt)
                            .send()
                            .await
                        {
                            tracing::warn!(error = %DisplayErrorContext(&e), "cannot delete a handled order event");
                        }
                    }
                    (Ok(()), None) => {}
                    (Err(e), _) => {
                        tracing::error!(error = %e, message = ?message.message_id(), "an order event failed; it will come back")
                    }
                }
            }
        }
    }
}

#[async_trait]
impl EventSink for SqsQueue {
    async fn publish(&self, events: &[OrderEventMessage]) -> Result<(), String> {
        let entries = events
            .iter()
            .map(|event| {
                SendMessageBatchRequestEntry::builder()
                    .id(event.event_id.to_string())
                    .message_body(serde_json::to_string(event).expect("an event serialises"))
                    .build()
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let sent = self
            .client
            .send_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| format!("SQS SendMessageBatch failed: {}", DisplayErrorContext(&e)))?;
        // A batch can half-succeed: then the whole batch is sent again later
        // (consumers see repeats anyway).
        match sent.failed.first() {
            None => Ok(()),
            Some(failure) => Err(format!(
                "SQS refused event {}: {}",
                failure.id,
                failure.message.as_deref().unwrap_or(&failure.code)
            )),
        }
    }
}

/// Hands unpublished events to `sink` for as long as it runs.
pub async fn relay(outbox: Arc<dyn OrderOutbox>, sink: Arc<dyn EventSink>) {
    loop {
        let events = match outbox.unpublished(BATCH).await {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the order-event outbox");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        if events.is_empty() {
            tokio::time::sleep(RELAY_INTERVAL).await;
            continue;
        }
        match sink.publish(&events).await {
            Ok(()) => {
                let ids: Vec<i64> = events.iter().map(|e| e.event_id).collect();
                if let Err(e) = outbox.mark_published(&ids, unix_now()).await {
                    // They will be sent again: consumers absorb repeats.
                    tracing::warn!(error = %e, "cannot mark order events published");
                    tokio::time::sleep(RETRY_AFTER).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, events = events.len(), "order events not handed on yet; retrying");
                tokio::time::sleep(RETRY_AFTER).await;
            }
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

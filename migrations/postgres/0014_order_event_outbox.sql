-- The order history doubles as the transactional outbox: each event is
-- written in the transaction that changes the order, and relayed to the
-- order-events queue afterwards. published_at is set once it was handed on.
ALTER TABLE order_events ADD COLUMN published_at BIGINT;
-- History from before the queue existed is not sent.
UPDATE order_events SET published_at = at;
CREATE INDEX order_events_unpublished ON order_events (id) WHERE published_at IS NULL;
-- Set (once) when the fulfilment consumer hands a paid order to the warehouse.
ALTER TABLE orders ADD COLUMN fulfilment_requested_at BIGINT;

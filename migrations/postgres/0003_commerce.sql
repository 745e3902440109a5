-- Customers, sessions, carts and orders. Times are Unix seconds (UTC).
CREATE TABLE customers (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT    NOT NULL,
    -- The email lower-cased: one account per address, however it is typed.
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    -- PHC string (argon2id, with its salt and parameters).
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token, hex: the token itself is never stored.
    id          TEXT    PRIMARY KEY,
    customer_id BIGINT REFERENCES customers (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE carts (
    -- `s:<session id>` or `c:<customer id>`.
    owner      TEXT    PRIMARY KEY,
    -- JSON array of {variant_id, quantity}: a cart is written whole.
    lines      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE orders (
    id                BIGSERIAL PRIMARY KEY,
    -- Scoped to the cart owner; a retry with the same key finds this order.
    idempotency_key   TEXT    NOT NULL UNIQUE,
    cart_fingerprint  TEXT    NOT NULL,
    customer_id       BIGINT REFERENCES customers (id),
    session_id        TEXT,
    email             TEXT    NOT NULL,
    ship_name         TEXT    NOT NULL,
    ship_line1        TEXT    NOT NULL,
    ship_line2        TEXT    NOT NULL,
    ship_city         TEXT    NOT NULL,
    ship_region       TEXT    NOT NULL,
    ship_postal_code  TEXT    NOT NULL,
    ship_country      TEXT    NOT NULL,
    currency          TEXT    NOT NULL,
    subtotal_minor    BIGINT  NOT NULL,
    shipping_minor    BIGINT  NOT NULL,
    tax_minor         BIGINT  NOT NULL,
    total_minor       BIGINT  NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN
        ('placed', 'paid', 'fulfilled', 'shipped', 'delivered', 'cancelled', 'refunded')),
    card_last4        TEXT,
    payment_reference TEXT,
    payment_declined  TEXT,
    placed_at         BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, id);

-- What was bought, at the price it had when the order was placed.
CREATE TABLE order_lines (
    id               BIGSERIAL PRIMARY KEY,
    order_id         BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id       BIGINT  NOT NULL REFERENCES variants (id),
    sku              TEXT    NOT NULL,
    product_slug     TEXT    NOT NULL,
    product_title    TEXT    NOT NULL,
    variant_name     TEXT    NOT NULL,
    unit_price_minor BIGINT  NOT NULL,
    quantity         BIGINT  NOT NULL CHECK (quantity > 0)
);
CREATE INDEX order_lines_by_order ON order_lines (order_id);

-- Every status an order has had, and when.
CREATE TABLE order_events (
    id       BIGSERIAL PRIMARY KEY,
    order_id BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status   TEXT    NOT NULL,
    note     TEXT,
    at       BIGINT  NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id);

-- Every change of a variant's stock made from the admin side, and why.
CREATE TABLE stock_movements (
    id          INTEGER PRIMARY KEY,
    variant_id  BIGINT  NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity_change BIGINT NOT NULL,
    stock_after BIGINT  NOT NULL CHECK (stock_after >= 0),
    reason      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    actor_email TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX stock_movements_by_variant ON stock_movements (variant_id, id);

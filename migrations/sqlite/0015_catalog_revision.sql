-- One number that changes whenever anything shoppers read from the catalog
-- changes (stock excepted: it moves with every order and is always read
-- fresh). The server keeps hot catalog reads in memory and compares this
-- number at most once a second to know when to drop them; triggers bump it,
-- so every writer counts, the admin pages as much as a hand-run UPDATE.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);

CREATE TRIGGER categories_revision_insert AFTER INSERT ON categories BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER categories_revision_update AFTER UPDATE ON categories BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER categories_revision_delete AFTER DELETE ON categories BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER products_revision_insert AFTER INSERT ON products BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER products_revision_update AFTER UPDATE ON products BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER products_revision_delete AFTER DELETE ON products BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER product_images_revision_insert AFTER INSERT ON product_images BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER product_images_revision_update AFTER UPDATE ON product_images BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER product_images_revision_delete AFTER DELETE ON product_images BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER variants_revision_insert AFTER INSERT ON variants BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
-- Every variant column but stock_on_hand.
CREATE TRIGGER variants_revision_update AFTER UPDATE OF product_id, position, sku, name, options,
    price_minor, currency, material_variant ON variants BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER variants_revision_delete AFTER DELETE ON variants BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;

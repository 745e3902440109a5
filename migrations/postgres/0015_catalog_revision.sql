-- One number that changes whenever anything shoppers read from the catalog
-- changes (stock excepted: it moves with every order and is always read
-- fresh). Each server keeps hot catalog reads in memory and compares this
-- number at most once a second to know when to drop them; triggers bump it,
-- so every writer counts, the admin pages as much as a hand-run UPDATE.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT  NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);

CREATE FUNCTION bump_catalog_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER categories_revision AFTER INSERT OR UPDATE OR DELETE ON categories
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER products_revision AFTER INSERT OR UPDATE OR DELETE ON products
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER product_images_revision AFTER INSERT OR UPDATE OR DELETE ON product_images
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
-- Every variant column but stock_on_hand.
CREATE TRIGGER variants_revision
AFTER INSERT OR DELETE OR UPDATE OF product_id, position, sku, name, options, price_minor,
    currency, material_variant ON variants
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();

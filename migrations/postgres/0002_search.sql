-- Full-text search over product titles (weight A), variant names (B) and
-- descriptions (C): a tsvector per product, kept in step by triggers.
-- The 'simple' configuration (no stemming) matches word prefixes as SQLite's
-- FTS5 does, so both databases find the same products.
ALTER TABLE products ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX products_search ON products USING GIN (search_document);

CREATE FUNCTION product_search_document(title TEXT, description TEXT, product BIGINT)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('simple', title), 'A')
        || setweight(to_tsvector('simple', coalesce(
               (SELECT string_agg(name, ' ') FROM variants WHERE product_id = product), '')), 'B')
        || setweight(to_tsvector('simple', description), 'C')
$$;

CREATE FUNCTION products_refresh_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := product_search_document(NEW.title, NEW.description, NEW.id);
    RETURN NEW;
END
$$;

CREATE TRIGGER products_search BEFORE INSERT OR UPDATE OF title, description ON products
FOR EACH ROW EXECUTE FUNCTION products_refresh_search();

CREATE FUNCTION variants_refresh_product_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products
    SET search_document = product_search_document(title, description, id)
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
    RETURN NULL;
END
$$;

CREATE TRIGGER variants_search AFTER INSERT OR UPDATE OF name OR DELETE ON variants
FOR EACH ROW EXECUTE FUNCTION variants_refresh_product_search();

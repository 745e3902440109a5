-- Full-text search over product titles, descriptions and variant names (FTS5).
-- The search row's rowid is the product's id; triggers keep it in step.
CREATE VIRTUAL TABLE product_search USING fts5(
    title, variants, description,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER product_search_product_inserted AFTER INSERT ON products BEGIN
    INSERT INTO product_search (rowid, title, variants, description)
    VALUES (new.id, new.title, '', new.description);
END;

CREATE TRIGGER product_search_product_updated AFTER UPDATE OF title, description ON products BEGIN
    UPDATE product_search SET title = new.title, description = new.description
    WHERE rowid = new.id;
END;

CREATE TRIGGER product_search_product_deleted AFTER DELETE ON products BEGIN
    DELETE FROM product_search WHERE rowid = old.id;
END;

CREATE TRIGGER product_search_variant_inserted AFTER INSERT ON variants BEGIN
    UPDATE product_search
    SET variants = (SELECT group_concat(name, ' ') FROM variants WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;

CREATE TRIGGER product_search_variant_renamed AFTER UPDATE OF name ON variants BEGIN
    UPDATE product_search
    SET variants = (SELECT group_concat(name, ' ') FROM variants WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;

CREATE TRIGGER product_search_variant_deleted AFTER DELETE ON variants BEGIN
    UPDATE product_search
    SET variants = coalesce((SELECT group_concat(name, ' ') FROM variants WHERE product_id = old.product_id), '')
    WHERE rowid = old.product_id;
END;

-- What an account may do: customers shop; merchandisers and admins run the store.
ALTER TABLE customers ADD COLUMN role TEXT NOT NULL DEFAULT 'customer'
    CHECK (role IN ('customer', 'merchandiser', 'admin'));

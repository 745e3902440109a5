-- A still of the 3D model (from the asset pipeline), shown until the viewer's first frame.
ALTER TABLE products ADD COLUMN model_poster_key TEXT;

// The demo catalog the server seeds into every fresh database.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface SeedProduct {
  slug: string;
  title: string;
  price_minor: number;
}

const seedDir = process.env.VITRINE_SEED_DIR ?? join(__dirname, "..", "..", "seed");
export const seedProducts: SeedProduct[] = JSON.parse(
  readFileSync(join(seedDir, "catalog.json"), "utf8"),
).products;

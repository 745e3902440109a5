// The demo catalog the server seeds into every fresh database.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface SeedVariant {
  sku: string;
  name: string;
  price_minor: number;
  stock_on_hand: number;
}

export interface SeedProduct {
  slug: string;
  title: string;
  variants: SeedVariant[];
}

const seedDir = process.env.VITRINE_SEED_DIR ?? join(__dirname, "..", "..", "seed");
export const seedProducts: SeedProduct[] = JSON.parse(
  readFileSync(join(seedDir, "catalog.json"), "utf8"),
).products;

/** The variant a product page shows first: the first one in stock. */
export function defaultVariant(product: SeedProduct): SeedVariant {
  return product.variants.find((v) => v.stock_on_hand > 0) ?? product.variants[0];
}

/** "$1,299.00" */
export function dollars(minor: number): string {
  return `$${(minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
}

// A shopper browses the catalog: pages are complete without JavaScript
// (server-rendered) and interactive with it (hydrated).
import { expect, test } from "@playwright/test";
import { seedProducts } from "../catalog";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the home page lists every product from the database", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle(/Shop in 3D · Vitrine/);
    const cards = page.getByTestId("product-card");
    await expect(cards).toHaveCount(seedProducts.length);
    for (const product of seedProducts) {
      await expect(cards.filter({ hasText: product.title })).toHaveCount(1);
    }
  });

  test("a product page shows its title, price and 3D canvas", async ({ page }) => {
    const product = seedProducts[0];
    await page.goto(`/p/${product.slug}`);
    await expect(page.getByTestId("product-title")).toHaveText(product.title);
    await expect(page.getByTestId("price")).toContainText((product.price_minor / 100).toFixed(2));
    await expect(page.locator("canvas#vitrine-viewer")).toHaveCount(1);
  });

  test("an unknown product is a 404 page", async ({ page }) => {
    const response = await page.goto("/p/no-such-product");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  });
});

test("after hydration the quantity picker updates the line total", async ({ page }) => {
  const product = seedProducts[0];
  await page.goto(`/p/${product.slug}`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("quantity")).toHaveText("1");
  await page.getByTestId("quantity-increase").click();
  await page.getByTestId("quantity-increase").click();
  await expect(page.getByTestId("quantity")).toHaveText("3");
  const total = ((product.price_minor * 3) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 });
  await expect(page.getByTestId("line-total")).toHaveText(`$${total}`);
  await page.getByTestId("quantity-decrease").click();
  await expect(page.getByTestId("quantity")).toHaveText("2");
});

test("catalog pages do not download the 3D viewer", async ({ page }) => {
  const viewerRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/pkg/viewer.")) viewerRequests.push(request.url());
  });
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.waitForLoadState("networkidle");
  expect(viewerRequests).toEqual([]);
});

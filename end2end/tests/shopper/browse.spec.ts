// A shopper browses the catalog: pages are complete without JavaScript
// (server-rendered) and interactive with it (hydrated).
import { expect, test } from "@playwright/test";
import { defaultVariant, dollars, seedProducts } from "../catalog";

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
    await expect(page.getByTestId("price")).toHaveText(dollars(defaultVariant(product).price_minor));
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
  await expect(page.getByTestId("quantity")).toHaveValue("1");
  await page.getByTestId("quantity-increase").click();
  await page.getByTestId("quantity-increase").click();
  await expect(page.getByTestId("quantity")).toHaveValue("3");
  await expect(page.getByTestId("line-total")).toHaveText(dollars(defaultVariant(product).price_minor * 3));
  await page.getByTestId("quantity-decrease").click();
  await expect(page.getByTestId("quantity")).toHaveValue("2");
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

test.describe("the variant picker", () => {
  const sofa = seedProducts.find((p) => p.slug === "glam-velvet-sofa")!;
  const gray = sofa.variants.find((v) => v.sku === "GLAM-SOFA-GRAY")!;

  test("works without JavaScript: each variant is a link", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/p/${sofa.slug}`);
    await page.locator(`[data-testid=variant][data-sku=${gray.sku}]`).click();
    await expect(page).toHaveURL(new RegExp(`variant=${gray.sku}$`));
    await expect(page.getByTestId("price")).toHaveText(dollars(gray.price_minor));
    await expect(page.getByTestId("availability")).toHaveText(`Only ${gray.stock_on_hand} left`);
    await context.close();
  });

  test("with JavaScript it updates price and stock in place", async ({ page }) => {
    await page.goto(`/p/${sofa.slug}`);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    // Mark the document: a full reload would lose the mark.
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.locator(`[data-testid=variant][data-sku=${gray.sku}]`).click();
    await expect(page.getByTestId("price")).toHaveText(dollars(gray.price_minor));
    await expect(page.getByTestId("availability")).toHaveText(`Only ${gray.stock_on_hand} left`);
    await expect(page.locator(`[data-testid=variant][aria-current=true]`)).toHaveAttribute("data-sku", gray.sku);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    const black = sofa.variants.find((v) => v.stock_on_hand === 0)!;
    await page.locator(`[data-testid=variant][data-sku=${black.sku}]`).click();
    await expect(page.getByTestId("availability")).toHaveText("Out of stock");
  });
});

test("a shopper finds a product by searching from the header", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("search-input").fill("velvet sofa");
  await page.getByTestId("search-input").press("Enter");
  await expect(page).toHaveURL(/\/search\?q=velvet\+sofa/);
  await expect(page.getByTestId("result-count")).toHaveText("1 product matches “velvet sofa”");
  await page.getByTestId("product-card").getByRole("link").click();
  await expect(page.getByTestId("product-title")).toHaveText("Glam Velvet Sofa");
});

test("an empty search explains itself next to the field", async ({ page }) => {
  const response = await page.goto("/search?q=%20%21");
  expect(response?.status()).toBe(400);
  await expect(page.getByTestId("search-error")).toHaveText("type what you are looking for");
  await expect(page.locator("#search-q")).toHaveAttribute("aria-describedby", "search-q-error");
});

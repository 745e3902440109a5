// A shopper finds a product by search, picks a variant, checks out with the
// test card and sees the order in their history: with JavaScript (hydrated
// pages) and without it (plain server-rendered forms).
import { expect, type Page, test } from "@playwright/test";
import { dollars, seedProducts } from "../catalog";

const sneaker = seedProducts.find((p) => p.slug === "everyday-sneaker")!;
const beach = sneaker.variants.find((v) => v.sku === "SNEAKER-BEACH")!;

async function register(page: Page, email: string) {
  await page.goto("/account/register");
  await page.getByTestId("field-name").fill("Ada Lovelace");
  await page.getByTestId("field-email").fill(email);
  await page.getByTestId("field-password").fill("correct horse battery");
  await page.getByTestId("register").click();
  await expect(page.getByTestId("account-heading")).toHaveText("Hello, Ada Lovelace");
  await expect(page.getByTestId("no-orders")).toBeVisible();
}

async function fillCheckout(page: Page, card: string) {
  await page.getByTestId("field-name").fill("Ada Lovelace");
  await page.getByTestId("field-line1").fill("12 St James's Square");
  await page.getByTestId("field-city").fill("London");
  await page.getByTestId("field-postal_code").fill("SW1Y 4JH");
  await page.getByTestId("field-country").selectOption("GB");
  await page.getByTestId("field-card_number").fill(card);
  await page.getByTestId("field-card_expiry").fill("12/39");
  await page.getByTestId("field-card_cvc").fill("123");
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("search, pick a variant, check out with the test card, see the order", async ({ page }) => {
      await register(page, `ada-${javaScriptEnabled}-${Date.now()}@example.com`);

      await page.getByTestId("search-input").fill("sneaker");
      await page.getByTestId("search-input").press("Enter");
      await expect(page.getByTestId("result-count")).toContainText("1 product");
      await page.getByTestId("product-card").filter({ hasText: sneaker.title }).locator("a").first().click();
      await expect(page.getByTestId("product-title")).toHaveText(sneaker.title);
      if (javaScriptEnabled) await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);

      await page.locator(`[data-testid=variant][data-sku=${beach.sku}]`).click();
      await expect(page).toHaveURL(new RegExp(`variant=${beach.sku}`));
      await expect(page.getByTestId("price")).toHaveText(dollars(beach.price_minor));
      await page.getByTestId("quantity").fill("2");
      await page.getByTestId("add-to-cart").click();

      await expect(page).toHaveURL(/\/cart$/);
      const line = page.getByTestId("cart-line");
      await expect(line).toHaveCount(1);
      await expect(line).toHaveAttribute("data-sku", beach.sku);
      await expect(line.getByTestId("line-total")).toHaveText(dollars(beach.price_minor * 2));
      await expect(page.getByTestId("cart-count")).toHaveText("2");

      await page.getByTestId("go-to-checkout").click();
      await expect(page.getByTestId("field-email")).toHaveValue(/^ada-/);
      // A declined card first: the form comes back with the reason, nothing is ordered.
      await fillCheckout(page, "4000 0000 0000 0002");
      await page.getByTestId("place-order").click();
      await expect(page.getByTestId("form-alert")).toContainText("declined");
      await expect(page.getByTestId("field-name")).toHaveValue("Ada Lovelace");
      await expect(page.getByTestId("field-card_number")).toHaveValue("");

      await fillCheckout(page, "4242 4242 4242 4242");
      await page.getByTestId("place-order").click();
      await expect(page.getByTestId("order-heading")).toContainText("Thank you!");
      await expect(page.getByTestId("order-status")).toHaveText("paid");
      const heading = await page.getByTestId("order-heading").textContent();
      const reference = heading!.match(/VT-\d+/)![0];
      await expect(page.getByTestId("order-line")).toHaveAttribute("data-sku", beach.sku);
      await expect(page.getByTestId("cart-count")).toHaveText("0");

      await page.getByTestId("account-link").click();
      const row = page.getByTestId("order-row");
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(reference);
      await expect(row.getByTestId("order-row-status")).toHaveText("paid");
    });
  });
}

test("bad checkout input is shown next to each field", async ({ page }) => {
  await page.goto(`/p/toy-car`);
  await page.getByTestId("add-to-cart").click();
  await page.goto("/checkout");
  await fillCheckout(page, "4242 4242 4242 4241");
  await page.getByTestId("field-name").fill("<img src=x onerror=alert(1)>");
  await page.getByTestId("field-card_expiry").fill("01/20");
  page.on("dialog", () => {
    throw new Error("a typed payload ran as script");
  });
  // The browser's own checks would stop an empty email; submit past them.
  await page.locator("form[data-testid=checkout-form]").evaluate((f: HTMLFormElement) => (f.noValidate = true));
  await page.getByTestId("place-order").click();
  await expect(page.getByTestId("error-card_number")).toContainText("not valid");
  await expect(page.getByTestId("error-card_expiry")).toHaveText("this card has expired");
  await expect(page.getByTestId("field-name")).toHaveValue("<img src=x onerror=alert(1)>");
});

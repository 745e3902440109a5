// The admin side in a real browser: an anonymous visit to /admin goes to
// sign in and comes back; a merchandiser's dashboard and product list work
// with their filters; a shopper gets the friendly 403 page; a merchandiser
// creates a product, uploads its 3D model (watching the progress), previews
// its levels and publishes it for shoppers.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const MODEL = join(__dirname, "..", "..", "..", "pipeline", "tests", "fixtures", "models", "ClearCoatCarPaint.glb");

const ADMIN = { email: "e2e-admin-pages@example.com", password: "an e2e admin password" };

test.beforeAll(() => {
  const made = spawnSync(process.env.VITRINE_SERVER_BIN!, ["create-admin", ADMIN.email, "--name", "Pat"], {
    env: {
      ...process.env,
      VITRINE_DATA_DIR: process.env.VITRINE_E2E_DATA_DIR!,
      VITRINE_ADMIN_PASSWORD: ADMIN.password,
    },
    encoding: "utf8",
  });
  expect(made.status, made.stderr).toBe(0);
});

test("staff sign in on the way to /admin and filter the product list", async ({ page }) => {
  await page.goto("/admin/products?q=chair");
  await expect(page).toHaveURL(/\/account\/login\?next=/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByTestId("sign-in").click();
  // Back where they were going, with the filter kept.
  await expect(page).toHaveURL(/\/admin\/products\?q=chair$/);
  await expect(page.getByTestId("admin-who")).toContainText("Pat (admin)");
  const rows = page.getByTestId("admin-product-row");
  await expect(rows.first()).toBeVisible();
  for (const title of await rows.locator("a").allTextContents()) {
    expect(title.toLowerCase()).toContain("chair");
  }
  // Filters are a GET form: low stock, then the dashboard from the navigation.
  await page.getByTestId("product-search").fill("");
  await page.getByTestId("status-filter").selectOption("draft");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=draft/);
  await expect(page.getByTestId("no-products")).toBeVisible();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("orders-today")).toBeVisible();
  // The header links staff to the admin side.
  await page.goto("/");
  await expect(page.getByTestId("admin-link")).toBeVisible();
});

test("a shopper who opens /admin gets the friendly 403 page", async ({ page }) => {
  const email = `shopper-${Date.now()}@example.com`;
  const made = await page.request.post("/api/v1/customers", {
    data: { email, name: "Sam", password: "correct horse" },
  });
  expect(made.status()).toBe(201);
  const response = await page.goto("/admin");
  expect(response!.status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toContainText("for the store's staff");
  await expect(page.getByRole("navigation", { name: "Admin" })).toHaveCount(0);
});

test("a merchandiser creates a product with two variants and a 3D model, publishes it, and a shopper sees it", async ({ page }) => {
  const slug = `desk-lamp-${Date.now()}`;
  const signIn = await page.request.post("/api/v1/session", { data: ADMIN });
  expect(signIn.status()).toBe(200);
  await page.goto("/admin/products");
  await page.getByTestId("new-product").click();
  await expect(page).toHaveURL(/\/admin\/products\/new$/);
  await page.getByTestId("product-title").fill("Desk Lamp");
  await page.getByTestId("product-slug").fill(slug);
  await page.getByTestId("product-category").selectOption("home-decor");
  await page.getByTestId("variant-new-sku").fill(`${slug}-white`);
  await page.getByTestId("variant-new-name").fill("White");
  await page.getByTestId("variant-new-options").fill("Colour: White");
  // A price with three decimals is refused at its field; nothing is saved.
  await page.getByTestId("variant-new-price").fill("39.999");
  await page.getByTestId("variant-new-stock").fill("4");
  await page.getByTestId("create-product").click();
  await expect(page.getByTestId("variant-new-price-error")).toContainText("two decimals");
  await expect(page.getByTestId("product-title")).toHaveValue("Desk Lamp");
  await page.getByTestId("variant-new-price").fill("39.90");
  await page.getByTestId("create-product").click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${slug}\\?saved=created$`));
  await expect(page.getByTestId("saved")).toHaveText("Product created.");

  // The second variant.
  const add = page.getByTestId("add-variant-form");
  await add.getByTestId("variant-new-sku").fill(`${slug}-black`);
  await add.getByTestId("variant-new-name").fill("Black");
  await add.getByTestId("variant-new-price").fill("42");
  await add.getByTestId("variant-new-stock").fill("2");
  await page.getByTestId("add-variant").click();
  await expect(page.getByTestId("saved")).toHaveText("Variant added.");
  await expect(page.getByTestId("variant")).toHaveCount(2);

  // Its 3D model: a shared sample GLB, uploaded with progress.
  await page.getByTestId("manage-model").click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${slug}/model$`));
  await expect(page.getByTestId("no-model")).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const uploader = page.getByTestId("model-upload");
  // Every state the form passes through, as it happens.
  await uploader.evaluate((form) => {
    const seen: string[] = [];
    (window as unknown as { uploadStates: string[] }).uploadStates = seen;
    new MutationObserver(() => seen.push(form.getAttribute("data-upload-state") ?? "")).observe(form, {
      attributes: true,
      attributeFilter: ["data-upload-state"],
    });
  });
  await page.locator("#model-file").setInputFiles(MODEL);
  await page.getByTestId("upload-model").click();
  await expect(uploader).toHaveAttribute("data-upload-state", "done", { timeout: 120_000 });
  await expect(page.getByTestId("upload-done")).toContainText("4 levels of detail");
  await expect(page.getByTestId("upload-stages").locator("li[data-state=done]")).toHaveCount(5);
  const states = await page.evaluate(() => (window as unknown as { uploadStates: string[] }).uploadStates);
  expect(states.filter((s, i) => s !== states[i - 1])).toEqual(["sending", "processing", "done"]);
  // Then the page shows the model in place: the level table and a preview pinned to one level.
  await expect(page).toHaveURL(/saved=model/, { timeout: 30_000 });
  await expect(page.getByTestId("saved")).toHaveText("The new 3D model is in place.");
  await expect(page.getByTestId("level-row")).toHaveCount(4);
  await expect(page.getByTestId("level-triangles").first()).toHaveText("3072");
  await page.getByTestId("level-link").filter({ hasText: "Level 3" }).click();
  await expect(page).toHaveURL(/lod=3$/);
  const preview = page.locator("canvas#vitrine-viewer");
  await expect(preview).toHaveAttribute("data-viewer-state", "ready", { timeout: 120_000 });
  await expect(preview).toHaveAttribute("data-lod-history", "3", { timeout: 60_000 });
  await page.getByRole("link", { name: "← Back to the product" }).click();

  // Still a draft: shoppers get a 404. Publish it.
  expect((await page.request.get(`/api/v1/products/${slug}`)).status()).toBe(404);
  await page.getByTestId("product-published").check();
  await page.getByTestId("save-product").click();
  await expect(page.getByTestId("saved")).toHaveText("Product saved.");

  // A shopper (a fresh browser context) sees it with both variants.
  const shopper = await page.context().browser()!.newContext();
  const shop = await shopper.newPage();
  await shop.goto(`/p/${slug}`);
  await expect(shop.getByRole("heading", { name: "Desk Lamp" })).toBeVisible();
  await expect(shop.getByText("Black").first()).toBeVisible();
  // … with its 3D view.
  await expect(shop.locator("canvas#vitrine-viewer")).toHaveAttribute("data-viewer-state", "ready", {
    timeout: 120_000,
  });
  await shopper.close();
  // The shopper's visit counts on the dashboard.
  await page.goto("/admin");
  await expect(page.getByTestId("most-viewed")).toContainText("Desk Lamp");
});

test("cancelling an order from the order desk puts its stock back", async ({ page }) => {
  const sku = "STAND-MIXER";
  const stock = async () => {
    const product = await (await page.request.get("/api/v1/products/stand-mixer")).json();
    return product.variants.find((v: { sku: string }) => v.sku === sku).stock_on_hand as number;
  };
  // A guest buys two (in its own context, so its cookies stay its own).
  const guestContext = await page.context().browser()!.newContext();
  const guest = guestContext.request;
  const email = `guest-${Date.now()}@example.com`;
  expect((await guest.post("/api/v1/cart/items", { data: { sku, quantity: 2 } })).status()).toBe(200);
  const before = await stock();
  const order = await (
    await guest.post("/api/v1/checkout", {
      headers: { "idempotency-key": `cancel-${Date.now()}` },
      data: {
        idempotency_key: "", email, name: "Gus Guest", line1: "1 Main St", city: "Springfield",
        postal_code: "12345", country: "US", card_number: "4242 4242 4242 4242", card_expiry: "12/39", card_cvc: "123",
      },
    })
  ).json();
  expect(order.status).toBe("paid");
  await guestContext.close();
  expect(await stock()).toBe(before - 2);

  expect((await page.request.post("/api/v1/session", { data: ADMIN })).status()).toBe(200);
  await page.goto(`/admin/orders?customer=${encodeURIComponent(email)}`);
  await page.getByTestId("admin-order-row").getByRole("link").click();
  await expect(page.getByTestId("order-status")).toHaveText("paid");
  await page.getByTestId("action-cancel").getByRole("button").click();
  await expect(page.getByTestId("order-status")).toHaveText("cancelled");
  await expect(page.getByTestId("no-actions")).toBeVisible();
  expect(await stock()).toBe(before);
});

// The admin side in a real browser: an anonymous visit to /admin goes to
// sign in and comes back; a merchandiser's dashboard and product list work
// with their filters; a shopper gets the friendly 403 page.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";

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

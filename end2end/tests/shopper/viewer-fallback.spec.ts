// When the viewer cannot run, the shopper keeps the poster and reads why;
// leaving a product page and coming back starts the viewer again.
import { expect, test } from "@playwright/test";

test("without WebGL2 the poster stays, with a short message", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  // A browser with no WebGL2: every request for the context is refused.
  await page.addInitScript(() => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
      if (kind === "webgl2") return null;
      return (original as any).call(this, kind, ...rest);
    } as typeof original;
  });
  await page.goto("/p/sheen-chair");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-state", "error", { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-viewer-error", /WebGL2/);
  // The page's quick look cannot draw either, and says why.
  await expect(canvas).toHaveAttribute("data-quick-look", "unavailable");
  await expect(canvas).toHaveAttribute("data-quick-look-error", /WebGL2/);
  await expect(page.locator("canvas.viewer-quick-look")).toBeHidden();
  await expect(page.locator(".viewer img.viewer-poster")).toBeVisible();
  await expect(page.locator(".viewer-no-webgl")).toBeVisible();
  await expect(page.locator(".viewer-no-webgl")).toContainText("3D view");
  await expect(page.locator(".viewer-stopped")).toBeHidden();
  expect(pageErrors).toEqual([]);
});

test("when the browser takes the WebGL context away the viewer stops and the poster returns", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error" && /panicked|RuntimeError|unreachable/.test(message.text())) problems.push(message.text());
  });
  await page.goto("/p/sheen-chair?lod=3");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(page.locator(".viewer img.viewer-poster")).toHaveCSS("opacity", "0");
  // What a GPU reset does to the page: the context is lost.
  await canvas.evaluate((element: HTMLCanvasElement) => {
    const gl = element.getContext("webgl2");
    gl!.getExtension("WEBGL_lose_context")!.loseContext();
  });
  await expect(canvas).toHaveAttribute("data-viewer-state", "lost");
  await expect(page.locator(".viewer img.viewer-poster")).toHaveCSS("opacity", "1");
  await expect(page.locator(".viewer-stopped")).toBeVisible();
  await expect(page.locator(".viewer-stopped")).toContainText("Reload the page");
  // The app has stopped: no more frames are drawn.
  const frames = await canvas.getAttribute("data-frames");
  await page.waitForTimeout(1_000);
  await expect(canvas).toHaveAttribute("data-frames", frames ?? "");
  expect(problems).toEqual([]);
});

test("leaving a product and coming back shows the model again", async ({ page }) => {
  await page.goto("/p/sheen-chair?lod=3");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  // Another product, by its link on the home page.
  await page.goto("/");
  await page.locator('a[href="/p/toy-car"]').first().click();
  await expect(page).toHaveURL(/\/p\/toy-car/);
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("aria-label", "3D view of Toy Car");
  // A page the browser rendered itself started its quick look too, which
  // drew and then handed over.
  await expect(canvas).toHaveAttribute("data-quick-look", "done");
  await expect(canvas).toHaveAttribute("data-quick-look-ms", /^\d+$/);
  // Back to the first product: its viewer starts again.
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/p\/sheen-chair/);
  await expect(canvas).toHaveAttribute("aria-label", "3D view of Sheen Chair");
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
});

// The viewer streams a model's levels of detail: the coarsest first, then
// finer ones down to what the canvas warrants; a failed level leaves the
// view on the last good one. Every level of every demo model loads.
import { expect, test, type Page } from "@playwright/test";
import { seedProducts } from "../catalog";

interface Manifest {
  levels: { file: string; bytes: number; triangles: number }[];
  poster: string | null;
}

async function manifestOf(page: Page, slug: string): Promise<{ url: string; manifest: Manifest }> {
  const product = await (await page.request.get(`/api/v1/products/${slug}`)).json();
  expect(product.model_manifest_url, `${slug} has levels of detail`).toBeTruthy();
  const manifest = await (await page.request.get(product.model_manifest_url)).json();
  return { url: product.model_manifest_url, manifest };
}

/** "3,2,1" for a stream from level 3 down to level 1. */
function coarseToFine(from: number, to: number): string {
  const levels: number[] = [];
  for (let level = from; level >= to; level--) levels.push(level);
  return levels.join(",");
}

const canvasOf = (page: Page) => page.locator("canvas#vitrine-viewer");

test("levels stream coarsest first, down to the level the canvas warrants", async ({ page }) => {
  const { manifest } = await manifestOf(page, "sheen-chair");
  const coarsest = manifest.levels.length - 1;
  const shown: { level: number; bytes: number; ms: number }[] = [];
  await page.exposeFunction("lodShown", (detail: { level: number; bytes: number; ms: number }) =>
    shown.push(detail),
  );
  await page.addInitScript(() => {
    document.addEventListener("vitrine:lod-shown", (event) =>
      (window as any).lodShown((event as CustomEvent).detail),
    );
  });
  await page.goto("/p/sheen-chair");
  // The server-rendered page shows the poster until the first 3D frame.
  await expect(page.locator(".viewer img.viewer-poster")).toHaveAttribute("src", /\.jpg$/);
  const canvas = canvasOf(page);
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  const target = Number(await canvas.getAttribute("data-lod-target"));
  expect(target).toBeLessThan(coarsest);
  await expect(canvas).toHaveAttribute("data-lod-shown", String(target), { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-lod-loading", "false");
  // Coarsest first, finer each time, ending at the target (levels that would
  // cost much beside the target are skipped).
  const history = (await canvas.getAttribute("data-lod-history"))!.split(",").map(Number);
  expect(shown.map((s) => s.level)).toEqual(history);
  expect(history[0]).toBe(coarsest);
  expect(history[history.length - 1]).toBe(target);
  for (let i = 1; i < history.length; i++) expect(history[i]).toBeLessThan(history[i - 1]);
  expect(shown[0].bytes).toBe(manifest.levels[coarsest].bytes);
  for (const step of shown.slice(1, -1)) {
    expect(step.bytes, "a middle step is cheap beside the target").toBeLessThanOrEqual(
      manifest.levels[target].bytes * 0.25,
    );
  }
  console.log(
    `sheen-chair: ${shown.map((s) => `level ${s.level} (${s.bytes} B) at ${s.ms} ms`).join(", ")}`,
  );
});

test("a small canvas stops at a coarser level than a large one", async ({ browser }) => {
  const targetAt = async (width: number, height: number, scale: number) => {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale });
    const page = await context.newPage();
    await page.goto("/p/sheen-chair");
    const canvas = canvasOf(page);
    await expect(canvas).toHaveAttribute("data-lod-target", /\d/, { timeout: 90_000 });
    const target = Number(await canvas.getAttribute("data-lod-target"));
    await expect(canvas).toHaveAttribute("data-lod-shown", String(target), { timeout: 60_000 });
    await context.close();
    return target;
  };
  const small = await targetAt(360, 640, 1);
  const large = await targetAt(1600, 1000, 3);
  console.log(`levels of detail: ${small} for a phone-sized canvas, ${large} for a large one`);
  expect(small).toBeGreaterThan(large);
});

test("a level that cannot be fetched leaves the view on the last good one", async ({ page }) => {
  const { manifest } = await manifestOf(page, "sheen-chair");
  const coarsest = manifest.levels.length - 1;
  const finer = manifest.levels.slice(0, coarsest).map((level) => level.file);
  let refused = 0;
  await page.route(
    (url) => finer.some((file) => url.pathname.endsWith(file)),
    (route) => {
      refused++;
      return route.fulfill({ status: 404, body: "gone" });
    },
  );
  await page.goto("/p/sheen-chair");
  const canvas = canvasOf(page);
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-lod-error", /could not be loaded/, { timeout: 30_000 });
  await expect(canvas).toHaveAttribute("data-lod-shown", String(coarsest));
  await expect(canvas).toHaveAttribute("data-lod-loading", "false");
  expect(refused, "the failed level was retried").toBeGreaterThanOrEqual(4);
});

// The asset pipeline's promise: every level it writes loads in the viewer.
for (const product of seedProducts) {
  test(`every level of ${product.slug} loads in the viewer`, async ({ page }) => {
    const product_ = await (await page.request.get(`/api/v1/products/${product.slug}`)).json();
    test.skip(!product_.model_manifest_url, "no 3D model");
    const { manifest } = await manifestOf(page, product.slug);
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`/p/${product.slug}?lod=0`);
    const canvas = canvasOf(page);
    await expect(canvas).toHaveAttribute("data-lod-target", "0", { timeout: 90_000 });
    await expect(canvas).toHaveAttribute(
      "data-lod-history",
      coarseToFine(manifest.levels.length - 1, 0),
      { timeout: 90_000 },
    );
    await expect(canvas).toHaveAttribute("data-viewer-state", "ready");
    expect(await canvas.getAttribute("data-lod-error")).toBeNull();
    expect(errors.filter((e) => !e.includes("favicon"))).toEqual([]);
  });
}

// The quick look: the page draws the model's coarsest level itself while
// the 3D viewer's module downloads (before the page has even hydrated),
// lets the shopper turn it, and hands the view over to the viewer without
// a jump.
import { expect, test } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import { MODEL_LEVELS, PAGE_BUNDLE, VIEWER_MODULE, holdResponses } from "../hold";
import { backgroundOf, changedFraction, modelBox, nonBackgroundFraction, shoot } from "../pixels";

test("the coarsest level is in 3D before the viewer arrives, and the viewer takes over its view", async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  // Chrome says so when a preload went unused (say, fetched in another mode).
  page.on("console", (message) => {
    if (/preload/i.test(message.text())) problems.push(message.text());
  });
  // No auto-rotation: pixels move only when the shopper moves them.
  await page.emulateMedia({ reducedMotion: "reduce" });
  // Hold the viewer's module back until the quick look has been used.
  const release = await holdResponses(page, VIEWER_MODULE);
  await page.goto("/p/sheen-chair");
  const canvas = page.locator("canvas#vitrine-viewer");
  const quickLook = page.locator("canvas.viewer-quick-look");
  // The page asks for the model's manifest before its bundle has loaded.
  const manifestUrl = JSON.parse((await canvas.getAttribute("data-viewer"))!).manifest_url;
  await expect(page.locator(`head link[rel="preload"][as="fetch"][href="${manifestUrl}"]`)).toHaveCount(1);

  // The page draws the model with the viewer still on its way: that is the
  // shopper's first 3D frame, reported as such.
  await expect(canvas).toHaveAttribute("data-quick-look", "drawing", { timeout: 60_000 });
  await expect(canvas).not.toHaveAttribute("data-viewer-state", "ready");
  await expect(canvas).toHaveAttribute("data-quick-look-ms", /^\d+$/);
  const quickMs = await canvas.getAttribute("data-quick-look-ms");
  expect(Number(quickMs)).toBeGreaterThan(0);
  await expect(canvas).toHaveAttribute("data-first-frame-ms", quickMs!);
  await expect(quickLook).toBeVisible();
  await expect(page.locator(".viewer img.viewer-poster")).toHaveCSS("opacity", "0");
  await expect(page.getByTestId("reset-view")).toBeVisible();

  const before = await shoot(quickLook);
  const background = backgroundOf(before);
  const covered = nonBackgroundFraction(before, background);
  console.log(`quick look: first frame ${quickMs} ms, model covers ${(covered * 100).toFixed(1)}%`);
  expect(covered).toBeGreaterThan(0.05);
  expect(covered).toBeLessThan(0.9);

  // A drag turns it.
  const orbitBefore = await canvas.getAttribute("data-quick-look-orbit");
  const box = (await quickLook.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  for (let step = 1; step <= 8; step++) await page.mouse.move(box.x + box.width * (0.3 + step * 0.05), y);
  await page.mouse.up();
  await expect(canvas).not.toHaveAttribute("data-quick-look-orbit", orbitBefore!);
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  await expect.poll(async () => changedFraction(before, await shoot(quickLook))).toBeGreaterThan(0.02);
  // The wheel zooms it.
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.wheel(0, -300);
  await expect
    .poll(async () => nonBackgroundFraction(await shoot(quickLook), background))
    .toBeGreaterThan(covered * 1.1);
  const handedOver = await canvas.getAttribute("data-quick-look-orbit");
  // The buttons and help over the view are not the model.
  await page.addStyleTag({ content: ".viewer-controls, .viewer-help, .viewer-progress { visibility: hidden !important; }" });
  const quick = await shoot(canvas);
  writeFileSync(testInfo.outputPath("quick-look.png"), PNG.sync.write(quick.png));

  // Now the viewer arrives: it draws where the quick look left the view,
  // and the quick look steps aside.
  release();
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-quick-look", "done");
  await expect(quickLook).toBeHidden();
  // The shopper's first frame stays the quick look's.
  await expect(canvas).toHaveAttribute("data-first-frame-ms", quickMs!);
  expect(Number(await canvas.getAttribute("data-viewer-first-frame-ms"))).toBeGreaterThan(Number(quickMs));
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  await expect(canvas).toHaveAttribute("data-quick-look-orbit", handedOver!);
  const frames = Number(await canvas.getAttribute("data-frames"));
  await expect.poll(async () => Number(await canvas.getAttribute("data-frames"))).toBeGreaterThan(frames + 2);
  const full = await shoot(canvas);
  writeFileSync(testInfo.outputPath("viewer.png"), PNG.sync.write(full.png));
  const [a, b] = [modelBox(quick, background), modelBox(full, background)];
  console.log(`model box, quick look: ${JSON.stringify(a)}; viewer: ${JSON.stringify(b)}`);
  // Same place, same size (the levels differ a little in outline).
  expect(Math.abs(a.centreX - b.centreX)).toBeLessThan(0.05);
  expect(Math.abs(a.centreY - b.centreY)).toBeLessThan(0.05);
  expect(b.width / a.width).toBeGreaterThan(0.85);
  expect(b.width / a.width).toBeLessThan(1.15);
  expect(b.height / a.height).toBeGreaterThan(0.85);
  expect(b.height / a.height).toBeLessThan(1.15);
  expect(problems).toEqual([]);
});

test("when the browser takes the quick look's graphics away, the poster comes back until the viewer draws", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  const release = await holdResponses(page, VIEWER_MODULE);
  await page.goto("/p/glam-velvet-sofa");
  const canvas = page.locator("canvas#vitrine-viewer");
  const poster = page.locator(".viewer img.viewer-poster");
  await expect(canvas).toHaveAttribute("data-quick-look", "drawing", { timeout: 60_000 });
  await expect(poster).toHaveCSS("opacity", "0");
  // What a GPU reset does to the page: the context is lost.
  await page.locator("canvas.viewer-quick-look").evaluate((element: HTMLCanvasElement) => {
    element.getContext("webgl2")!.getExtension("WEBGL_lose_context")!.loseContext();
  });
  await expect(canvas).toHaveAttribute("data-quick-look", "unavailable");
  await expect(canvas).toHaveAttribute("data-quick-look-error", /graphics/);
  await expect(page.locator("canvas.viewer-quick-look")).toBeHidden();
  await expect(poster).toHaveCSS("opacity", "1");
  // The viewer still arrives and draws.
  release();
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(poster).toHaveCSS("opacity", "0");
  expect(problems).toEqual([]);
});

test("the viewer's module downloads at once but compiles only after the quick look has drawn", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  // The model's levels are held: the quick look cannot draw yet, while the
  // viewer's module arrives.
  const release = await holdResponses(page, MODEL_LEVELS);
  await page.goto("/p/glam-velvet-sofa");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-module", "waiting", { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-quick-look", "loading");
  // Note what had happened when the module started compiling.
  await canvas.evaluate((element) => {
    new MutationObserver(() => {
      if (element.getAttribute("data-viewer-module") === "starting" && !element.hasAttribute("data-started-after")) {
        element.setAttribute("data-started-after", element.getAttribute("data-quick-look-ms") ? "quick-look" : "nothing");
      }
    }).observe(element, { attributes: true, attributeFilter: ["data-viewer-module"] });
  });
  // It waits: the viewer has not started.
  await page.waitForTimeout(500);
  await expect(canvas).toHaveAttribute("data-viewer-module", "waiting");
  await expect(canvas).not.toHaveAttribute("data-viewer-state", /.+/);

  release();
  await expect(canvas).toHaveAttribute("data-quick-look-ms", /^\d+$/, { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-started-after", "quick-look");
  await expect(canvas).toHaveAttribute("data-first-frame-ms", (await canvas.getAttribute("data-quick-look-ms"))!);
  expect(problems).toEqual([]);
});

test("the quick look draws before the page has hydrated, and hydration leaves it be", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error" || /preload/i.test(message.text())) problems.push(message.text());
  });
  // The page's own bundle is held: nothing of the page is interactive yet.
  const release = await holdResponses(page, PAGE_BUNDLE);
  await page.goto("/p/glam-velvet-sofa", { waitUntil: "commit" });
  const canvas = page.locator("canvas#vitrine-viewer");
  // The quick look's module is asked for from the head, beside the manifest.
  await expect(page.locator('head link[rel="modulepreload"][href*="/pkg/quick-look."]')).toHaveCount(1);
  await expect(page.locator('head link[rel="preload"][as="fetch"][href*="/pkg/quick-look."]')).toHaveCount(1);
  // … and the coarsest level, which the server read from the manifest (an
  // unused preload would be in `problems`).
  const levelPreload = page.locator('head link[rel="preload"][as="fetch"][fetchpriority="high"]');
  await expect(levelPreload).toHaveCount(1);
  await expect(levelPreload).toHaveAttribute("href", /\.glb$/);
  await expect(canvas).toHaveAttribute("data-quick-look-ms", /^\d+$/, { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-quick-look", "drawing");
  const quickMs = (await canvas.getAttribute("data-quick-look-ms"))!;
  await expect(canvas).toHaveAttribute("data-first-frame-ms", quickMs);
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", /.*/);
  // Nothing has asked for the viewer's module: the loader comes with the bundle.
  await expect(canvas).not.toHaveAttribute("data-viewer-module", /.*/);

  release();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 60_000 });
  // Hydration kept the quick look's canvas and what it wrote; the viewer
  // then loads, starts and takes over.
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-quick-look", "done");
  await expect(canvas).toHaveAttribute("data-first-frame-ms", quickMs);
  expect(problems).toEqual([]);
});

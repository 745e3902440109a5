// A shopper opens a product and turns it in 3D.
import { expect, test } from "@playwright/test";
import { backgroundOf, changedFraction, nonBackgroundFraction, shoot } from "../pixels";

const PRODUCT = "sheen-chair";

test("the viewer draws the model, a drag turns it and the wheel zooms", async ({ page }, testInfo) => {
  // What the page reports of the view (its clickstream), as it sends it.
  const reported: { kind: string; level?: number; at_ms: number }[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/viewer-events")) {
      // Beacons sent as the page closes carry a Blob, which Playwright does not show.
      const batch = request.postDataJSON();
      if (batch?.product === PRODUCT) reported.push(...batch.events);
    }
  });
  const metric = async (series: string) => {
    const text = await (await page.request.get("/metrics")).text();
    const line = text.split("\n").find((l) => l.startsWith(series + " "));
    return line ? Number(line.split(" ")[1]) : 0;
  };
  const storedBefore = await metric('vitrine_clickstream_events_total{outcome="stored"}');
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.goto(`/p/${PRODUCT}`);
  const canvas = page.locator("canvas#vitrine-viewer");

  // The viewer reports its first model frame on the canvas.
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  const firstFrameMs = Number(await canvas.getAttribute("data-first-frame-ms"));
  expect(firstFrameMs).toBeGreaterThan(0);
  console.log(`first viewer frame: ${firstFrameMs} ms after navigation`);
  testInfo.annotations.push({ type: "first-frame-ms", description: String(firstFrameMs) });

  const frames = async () => Number(await canvas.getAttribute("data-frames"));
  const waitForFreshFrames = async (after: number) =>
    expect.poll(frames, { timeout: 30_000 }).toBeGreaterThanOrEqual(after + 3);

  // Stop the opening auto-rotation (0 resets the view) so that pixels
  // change only because of the drag.
  await canvas.focus();
  await page.keyboard.press("0");
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  await waitForFreshFrames(await frames());
  const before = await shoot(canvas);
  const background = backgroundOf(before);
  // The model covers a real part of the view, and not all of it.
  const covered = nonBackgroundFraction(before, background);
  console.log(`model covers ${(covered * 100).toFixed(1)}% of the canvas; background rgb(${background})`);
  expect(covered).toBeGreaterThan(0.05);
  expect(covered).toBeLessThan(0.9);

  // Drag horizontally across the middle of the canvas.
  const box = (await canvas.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  for (let step = 1; step <= 8; step++) {
    await page.mouse.move(box.x + box.width * (0.3 + step * 0.05), y);
  }
  await page.mouse.up();
  await waitForFreshFrames(await frames());

  const after = await shoot(canvas);
  expect(nonBackgroundFraction(after, background)).toBeGreaterThan(0.05);
  expect(changedFraction(before, after)).toBeGreaterThan(0.02);

  // Scrolling up over the canvas zooms in: the model covers more of the view.
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.wheel(0, -400);
  await waitForFreshFrames(await frames());
  const zoomed = await shoot(canvas);
  expect(nonBackgroundFraction(zoomed, background)).toBeGreaterThan(
    nonBackgroundFraction(after, background) * 1.2,
  );

  // The page reported all of it, in batches, and the server took it in:
  // the first frame (with the time the canvas shows) and the levels shown
  // are in /metrics once stored.
  const kinds = () => [...new Set(reported.map((event) => event.kind))].sort();
  await expect.poll(kinds, { timeout: 15_000 }).toEqual(
    ["first_frame", "lod_shown", "rotate", "view", "zoom"],
  );
  const firstFrame = reported.find((event) => event.kind === "first_frame")!;
  expect(Math.abs(firstFrame.at_ms - firstFrameMs)).toBeLessThanOrEqual(1);
  await expect.poll(() => metric("vitrine_viewer_first_frame_seconds_count")).toBeGreaterThanOrEqual(1);
  await expect
    .poll(() => metric('vitrine_clickstream_events_total{outcome="stored"}'), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(storedBefore + reported.length);
  expect(consoleErrors.filter((e) => !e.includes("favicon"))).toEqual([]);
});

test("picking a variant shows its material in 3D", async ({ page }) => {
  // The viewer logs each switch (how many primitives changed): shown on failure.
  const switches: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("material variant")) switches.push(message.text());
  });
  // The shoe's variants change its whole colourway (glTF KHR_materials_variants).
  await page.goto("/p/everyday-sneaker?variant=SNEAKER-MIDNIGHT");
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-material-variant-shown", "midnight", { timeout: 30_000 });
  const frames = async () => Number(await canvas.getAttribute("data-frames"));
  const settle = async () => {
    const now = await frames();
    await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThanOrEqual(now + 3);
  };
  // Stop the opening auto-rotation so that only the materials change.
  await canvas.focus();
  await page.keyboard.press("0");
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  await settle();
  const midnight = await shoot(canvas);

  // Client-side navigation: the viewer stays, only the materials change.
  await page.locator("[data-testid=variant][data-sku=SNEAKER-BEACH]").click();
  await expect(canvas).toHaveAttribute("data-material-variant", "beach");
  await expect(canvas).toHaveAttribute("data-material-variant-shown", "beach", { timeout: 30_000 });
  // The new material's textures reach the (software) GPU a few frames later.
  let changed = 0;
  try {
    await expect
      .poll(
        async () => {
          await settle();
          changed = changedFraction(midnight, await shoot(canvas));
          return changed;
        },
        { timeout: 45_000 },
      )
      .toBeGreaterThan(0.02);
  } catch (error) {
    throw new Error(`${error}\nthe viewer said: ${switches.join(" / ")}`);
  }
  console.log(`switching midnight → beach changed ${(changed * 100).toFixed(1)}% of the canvas`);
});

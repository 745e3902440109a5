// Touch: one finger turns the model, two fingers pinch to zoom.
import { expect, test, type Locator } from "@playwright/test";
import { backgroundOf, changedFraction, nonBackgroundFraction, shoot } from "../pixels";

test.use({ hasTouch: true });

const frames = async (canvas: Locator) => Number(await canvas.getAttribute("data-frames"));
async function settledShot(canvas: Locator) {
  const now = await frames(canvas);
  await expect.poll(() => frames(canvas), { timeout: 30_000 }).toBeGreaterThanOrEqual(now + 3);
  return shoot(canvas);
}

test("one finger turns the model and a pinch zooms", async ({ page }) => {
  await page.goto("/p/sheen-chair?lod=3");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-lod-history", "3", { timeout: 90_000 });
  await canvas.focus();
  await page.keyboard.press("0"); // stop the auto-rotation
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  const home = await settledShot(canvas);
  const background = backgroundOf(home);

  const box = (await canvas.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: string, points: { x: number; y: number }[]) =>
    cdp.send("Input.dispatchTouchEvent", {
      type,
      touchPoints: points.map((p, id) => ({ x: p.x, y: p.y, id })),
    });
  const settle = () => page.waitForTimeout(50);

  // One finger across the canvas.
  await touch("touchStart", [{ x: cx - 80, y: cy }]);
  for (let step = 1; step <= 8; step++) {
    await touch("touchMove", [{ x: cx - 80 + step * 20, y: cy }]);
    await settle();
  }
  await touch("touchEnd", []);
  const turned = await settledShot(canvas);
  expect(changedFraction(home, turned)).toBeGreaterThan(0.02);

  // Two fingers moving apart.
  await touch("touchStart", [{ x: cx - 30, y: cy }, { x: cx + 30, y: cy }]);
  for (let step = 1; step <= 8; step++) {
    await touch("touchMove", [{ x: cx - 30 - step * 15, y: cy }, { x: cx + 30 + step * 15, y: cy }]);
    await settle();
  }
  await touch("touchEnd", []);
  const pinched = await settledShot(canvas);
  expect(nonBackgroundFraction(pinched, background)).toBeGreaterThan(
    nonBackgroundFraction(turned, background) * 1.1,
  );
});

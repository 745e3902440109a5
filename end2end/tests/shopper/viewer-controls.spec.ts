// The viewer's controls: auto-rotation until the shopper takes over, keys
// when the canvas has focus, right-drag to pan, and the reset and
// full-screen buttons. `?lod=3` keeps one level on screen so that pixels
// change only because of the controls.
import { expect, test, type Locator } from "@playwright/test";
import { backgroundOf, changedFraction, nonBackgroundFraction, shoot } from "../pixels";

const frames = async (canvas: Locator) => Number(await canvas.getAttribute("data-frames"));
/** Waits for a few frames drawn after now, then screenshots the canvas. */
async function settledShot(canvas: Locator) {
  const now = await frames(canvas);
  await expect.poll(() => frames(canvas), { timeout: 30_000 }).toBeGreaterThanOrEqual(now + 3);
  return shoot(canvas);
}

test("the view turns by itself until the shopper takes over; keys and buttons move it", async ({
  page,
}) => {
  // Many steps, each waiting for frames that SwiftShader draws slowly on 2 cores.
  test.setTimeout(300_000);
  await page.goto("/p/sheen-chair?lod=3");
  const canvas = page.locator("canvas#vitrine-viewer");
  await expect(canvas).toHaveAttribute("data-viewer-state", "ready", { timeout: 90_000 });
  await expect(canvas).toHaveAttribute("data-lod-history", "3", { timeout: 60_000 });
  await expect(canvas).toHaveAttribute("data-auto-rotate", "true");
  const turning = await settledShot(canvas);
  await expect
    .poll(async () => changedFraction(turning, await settledShot(canvas)), { timeout: 30_000 })
    .toBeGreaterThan(0.01);

  // 0 (with focus) puts the opening view back and stops the rotation for good.
  await canvas.focus();
  await page.keyboard.press("0");
  await expect(canvas).toHaveAttribute("data-auto-rotate", "false");
  const home = await settledShot(canvas);
  expect(changedFraction(home, await settledShot(canvas)), "a still view").toBeLessThan(0.002);

  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  const turned = await settledShot(canvas);
  expect(changedFraction(home, turned)).toBeGreaterThan(0.02);

  const background = backgroundOf(home);
  await page.keyboard.press("+");
  await page.keyboard.press("+");
  const closer = await settledShot(canvas);
  expect(nonBackgroundFraction(closer, background)).toBeGreaterThan(
    nonBackgroundFraction(turned, background) * 1.1,
  );

  // Right-drag slides the model.
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down({ button: "right" });
  for (let step = 1; step <= 6; step++) {
    await page.mouse.move(box.x + box.width / 2 + step * 15, box.y + box.height / 2);
  }
  await page.mouse.up({ button: "right" });
  const panned = await settledShot(canvas);
  expect(changedFraction(closer, panned)).toBeGreaterThan(0.02);

  // The reset button puts back exactly the opening view.
  await page.getByTestId("reset-view").click();
  expect(changedFraction(home, await settledShot(canvas))).toBeLessThan(0.002);

  await page.getByTestId("fullscreen").click();
  await expect
    .poll(() => page.evaluate(() => document.fullscreenElement?.className ?? ""))
    .toContain("viewer");
  await page.getByTestId("fullscreen").click();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
});

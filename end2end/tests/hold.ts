// Holding responses back, to see what the page does while they are on their way.
import type { Page } from "@playwright/test";

/** The 3D viewer's module (its wasm). */
export const VIEWER_MODULE = /\/pkg\/viewer[^/]*\.wasm$/;
/** The page's own bundle (its wasm), which hydrates it. */
export const PAGE_BUNDLE = /\/pkg\/vitrine[^/]*\.wasm$/;
/** Any model file: the levels of detail. */
export const MODEL_LEVELS = /\.glb$/;

/** Holds back every response to a request for `url` until the returned
 *  function is called; the requests then go on to the server. */
export async function holdResponses(page: Page, url: RegExp): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

// Reading what the 3D viewer drew. WebGL canvases cannot be read back from the
// page (the drawing buffer is not preserved), so tests screenshot the canvas.
import type { Locator } from "@playwright/test";
import { PNG } from "pngjs";

export interface Shot {
  png: PNG;
}

export async function shoot(canvas: Locator): Promise<Shot> {
  return { png: PNG.sync.read(await canvas.screenshot()) };
}

export type Rgb = [number, number, number];

/** The most common colour: the viewer's clear colour while the model covers less than half the view. */
export function backgroundOf({ png }: Shot): Rgb {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const key = (png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2];
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return [(best >> 16) & 255, (best >> 8) & 255, best & 255];
}

/** Fraction of pixels that differ noticeably from the background colour. */
export function nonBackgroundFraction({ png }: Shot, [r0, g0, b0]: Rgb): number {
  let differing = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const d = Math.abs(png.data[i] - r0) + Math.abs(png.data[i + 1] - g0) + Math.abs(png.data[i + 2] - b0);
    if (d > 24) differing++;
  }
  return differing / (png.width * png.height);
}

/** Fraction of pixels that changed noticeably between two shots of the same size. */
export function changedFraction(a: Shot, b: Shot): number {
  if (a.png.width !== b.png.width || a.png.height !== b.png.height) return 1;
  let changed = 0;
  for (let i = 0; i < a.png.data.length; i += 4) {
    const d =
      Math.abs(a.png.data[i] - b.png.data[i]) +
      Math.abs(a.png.data[i + 1] - b.png.data[i + 1]) +
      Math.abs(a.png.data[i + 2] - b.png.data[i + 2]);
    if (d > 24) changed++;
  }
  return changed / (a.png.width * a.png.height);
}

/**
 * Where the model is: the box around pixels that differ from the background,
 * as fractions of the shot. A 3 % margin is left out: the view's rounded
 * corners show the page behind them.
 */
export function modelBox({ png }: Shot, [r0, g0, b0]: Rgb) {
  let [left, top, right, bottom] = [png.width, png.height, -1, -1];
  const [mx, my] = [Math.ceil(png.width * 0.03), Math.ceil(png.height * 0.03)];
  for (let y = my; y < png.height - my; y++) {
    for (let x = mx; x < png.width - mx; x++) {
      const i = (y * png.width + x) * 4;
      const d = Math.abs(png.data[i] - r0) + Math.abs(png.data[i + 1] - g0) + Math.abs(png.data[i + 2] - b0);
      if (d > 24) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return {
    centreX: (left + right) / 2 / png.width,
    centreY: (top + bottom) / 2 / png.height,
    width: (right - left) / png.width,
    height: (bottom - top) / png.height,
  };
}

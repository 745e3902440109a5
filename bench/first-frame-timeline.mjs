// Where a product page's time to the first 3D frame goes: one line per
// cold visit, in ms since navigation, from Resource Timing (when each file
// started and finished) and the viewer canvas's attributes as they change
// (the loader's `data-viewer-module`, the quick look's `data-quick-look*`).
// Not a benchmark (bench/first-frame.sh is): a look inside one.
//
//   node bench/first-frame-timeline.mjs URL SLUG [VISITS]
//   e.g. node bench/first-frame-timeline.mjs http://127.0.0.1:3000 everyday-sneaker 4
import { chromium } from "playwright-core";

const [base, slug] = process.argv.slice(2);
const visits = Number(process.argv[4] ?? 3);
if (!base || !slug) {
  console.error("usage: node bench/first-frame-timeline.mjs URL SLUG [VISITS]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  ],
});
for (let visit = 0; visit < visits; visit++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__changes = [];
    new MutationObserver((list) => {
      for (const { attributeName: name, target } of list) {
        if (name === "data-viewer-module" || (name.startsWith("data-quick-look") && name !== "data-quick-look-orbit")) {
          window.__changes.push(`${Math.round(performance.now())} ${name}=${target.getAttribute(name)}`);
        }
      }
    }).observe(document, { attributes: true, subtree: true });
  });
  await page.goto(`${base}/p/${slug}`);
  await page.waitForFunction(
    () => document.querySelector("canvas#vitrine-viewer")?.getAttribute("data-quick-look-ms"),
    null, { timeout: 60_000 },
  );
  const { html, files, changes } = await page.evaluate(() => ({
    html: Math.round(performance.getEntriesByType("navigation")[0].responseEnd),
    files: performance.getEntriesByType("resource").map((e) =>
      `${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ${new URL(e.name).pathname.split("/").pop().slice(0, 24)}`),
    changes: window.__changes,
  }));
  console.log(`visit ${visit + 1}: html in at ${html}\n  files: ${files.join(" | ")}\n  canvas: ${changes.join(" | ")}`);
  await context.close();
}
await browser.close();

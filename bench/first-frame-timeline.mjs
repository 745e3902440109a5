// Where a product page's time to the first 3D frame goes: one line per
// cold visit, in ms since navigation, from Resource Timing (when each file
// started and finished) and the viewer canvas's attributes as they change
// (the loader's `data-viewer-module`, the quick look's `data-quick-look*`)
// and the body's `data-hydrated`.
// Not a benchmark (bench/first-frame.sh is): a look inside one.
//
//   node bench/first-frame-timeline.mjs URL SLUG [VISITS] [throttled]
//   e.g. node bench/first-frame-timeline.mjs http://127.0.0.1:3000 everyday-sneaker 4
//   (`throttled`: 20 Mbit/s and 40 ms through CDP, as in bench/first-frame.mjs)
import { chromium } from "playwright-core";

const [base, slug] = process.argv.slice(2);
const visits = Number(process.argv[4] ?? 3);
const throttled = process.argv[5] === "throttled";
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
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8,
    });
  }
  await page.addInitScript(() => {
    window.__changes = [];
    new MutationObserver((list) => {
      for (const { attributeName: name, target } of list) {
        if (name === "data-viewer-module" || name === "data-hydrated" ||
            (name.startsWith("data-quick-look") && name !== "data-quick-look-orbit")) {
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
  const { html, files, changes, marks } = await page.evaluate(() => ({
    html: Math.round(performance.getEntriesByType("navigation")[0].responseEnd),
    files: performance.getEntriesByType("resource").map((e) =>
      `${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ${new URL(e.name).pathname.split("/").pop().slice(0, 24)}`),
    changes: window.__changes,
    marks: performance.getEntriesByType("mark")
      .filter((m) => m.name.startsWith("vitrine:"))
      .map((m) => `${Math.round(m.startTime)} ${m.name.replace("vitrine:", "")}`),
  }));
  console.log(`visit ${visit + 1}: html in at ${html}\n  files: ${files.join(" | ")}\n  canvas: ${changes.join(" | ")}\n  marks: ${marks.join(" | ")}`);
  await context.close();
}
await browser.close();

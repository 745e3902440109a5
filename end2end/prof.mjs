import { chromium } from "@playwright/test";
const base = process.argv[2], slug = process.argv[3], runs = Number(process.argv[4] || 3);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"] });
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__marks = [];
    new MutationObserver((list) => {
      for (const m of list) if (m.attributeName && m.attributeName.startsWith("data-quick-look") || m.attributeName === "data-viewer-module")
        window.__marks.push([Math.round(performance.now()), m.attributeName, m.target.getAttribute(m.attributeName)?.slice(0, 20)]);
    }).observe(document, { attributes: true, subtree: true });
  });
  await page.goto(`${base}/p/${slug}`);
  await page.waitForFunction(() => document.querySelector("canvas#vitrine-viewer")?.getAttribute("data-quick-look-ms"), null, { timeout: 60000 });
  const out = await page.evaluate(() => {
    const r = performance.getEntriesByType("resource").map((e) => [Math.round(e.startTime), Math.round(e.responseEnd), e.name.split("/").pop().slice(0, 30)]);
    const nav = performance.getEntriesByType("navigation")[0];
    return { nav: [Math.round(nav.responseEnd), Math.round(nav.domInteractive), Math.round(nav.loadEventEnd)], r, marks: window.__marks.filter((m) => m[1] !== "data-quick-look-orbit") };
  });
  console.log(JSON.stringify(out));
  await context.close();
}
await browser.close();

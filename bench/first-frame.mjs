// Time to the first 3D frame: Vitrine's streaming viewer beside Google's
// <model-viewer> (npm) showing the same GLB, in the same headless Chromium
// (WebGL2 on SwiftShader), on the same machine, with a cold cache each run.
// For each model: median over RUNS of the time from navigation to the first
// frame with the model drawn, the bytes transferred before it, and all
// bytes transferred; unthrottled and throttled through CDP.
//
//   node bench/first-frame.mjs BASE_URL [RUNS] [SLUG...]   (bench/first-frame.sh starts the server)
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[3] ?? 5);
const only = process.argv.slice(4);
const root = join(import.meta.dirname, "..");
const NETWORKS = [
  { name: "unthrottled", conditions: null },
  // CDP throughput is in bytes per second.
  { name: "20 Mbit/s, 40 ms", conditions: { latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 } },
];

// <model-viewer> needs a page: served from a second loopback port, loading
// the model from the Vitrine server (whose /assets answer CORS).
const modelViewerJs = readFileSync(
  join(root, "node_modules/@google/model-viewer/dist/model-viewer.min.js"),
);
const peer = createServer((request, response) => {
  const url = new URL(request.url, "http://localhost");
  if (url.pathname === "/model-viewer.js") {
    response.writeHead(200, { "content-type": "text/javascript" });
    return response.end(modelViewerJs);
  }
  const src = url.searchParams.get("src");
  response.writeHead(200, { "content-type": "text/html" });
  response.end(`<!doctype html><meta charset=utf-8><title>model-viewer</title>
<style>body{margin:0;max-width:1100px}model-viewer{width:566px;height:425px;background:#f3f4f6}</style>
<script type=module src=/model-viewer.js></script>
<model-viewer src="${src}" camera-controls></model-viewer>
<script>
document.querySelector("model-viewer").addEventListener("model-visibility", (e) => {
  if (e.detail.visible && !window.firstFrameMs) window.firstFrameMs = performance.now();
});
</script>`);
});
await new Promise((resolve) => peer.listen(0, "127.0.0.1", resolve));
const peerUrl = `http://127.0.0.1:${peer.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  ],
});

/** One cold visit: ms to first frame, bytes before it, bytes in all. */
async function visit(url, conditions, { firstFrame, settled, later }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  if (conditions) await cdp.send("Network.emulateNetworkConditions", { offline: false, ...conditions });
  let start = null;
  const urls = new Map();
  const finished = [];
  cdp.on("Network.requestWillBeSent", (e) => {
    if (start === null && e.type === "Document") start = e.timestamp;
    urls.set(e.requestId, e.request.url);
  });
  cdp.on("Network.loadingFinished", (e) =>
    finished.push({ at: e.timestamp, bytes: e.encodedDataLength, url: urls.get(e.requestId) ?? "" }),
  );
  await page.goto(url);
  const ms = await firstFrame(page);
  await settled(page);
  await page.waitForTimeout(500);
  const laterMs = later ? await later(page) : null;
  // Where the page's time went (Vitrine's performance marks), for the record.
  const marks = await page.evaluate(() => performance.getEntriesByType("mark")
    .filter((m) => m.name.startsWith("vitrine:"))
    .map((m) => `${Math.round(m.startTime)} ${m.name.replace("vitrine:", "")}`).join(" | "));
  // Model bytes: the GLBs and manifests from the asset store (not the
  // poster or the product photos, which are there too: they count in [all]).
  const model = finished.filter((f) => /^\/assets\/.*\.(glb|json)$/.test(new URL(f.url || "http://x/").pathname));
  const sum = (list) => list.reduce((s, f) => s + f.bytes, 0);
  const early = (f) => (f.at - start) * 1000 <= ms;
  await context.close();
  return {
    ms,
    laterMs,
    marks,
    before: sum(model.filter(early)),
    total: sum(model),
    pageBefore: sum(finished.filter(early)),
  };
}

const vitrine = {
  name: "vitrine",
  url: (p) => `${base}/p/${p.slug}`,
  firstFrame: async (page) => {
    const canvas = page.locator("canvas#vitrine-viewer");
    await canvas.waitFor();
    await page.waitForFunction(
      () => document.querySelector("canvas#vitrine-viewer")?.getAttribute("data-first-frame-ms"),
      null, { timeout: 180_000, polling: 100 },
    );
    return Number(await canvas.getAttribute("data-first-frame-ms"));
  },
  // The first frame is the page's quick look (the coarsest level, drawn by
  // the page's own bundle) when it beats the Bevy viewer: this is the
  // viewer's own first frame, for the record.
  later: async (page) =>
    Number(await page.locator("canvas#vitrine-viewer").getAttribute("data-viewer-first-frame-ms")),
  settled: (page) =>
    page.waitForFunction(
      () => {
        const c = document.querySelector("canvas#vitrine-viewer");
        return c?.getAttribute("data-lod-loading") === "false" &&
          c.getAttribute("data-lod-shown") === c.getAttribute("data-lod-target");
      },
      null, { timeout: 180_000, polling: 200 },
    ),
};
const modelViewer = {
  name: "model-viewer",
  url: (p) => `${peerUrl}/?src=${encodeURIComponent(new URL(p.model_url, base).href)}`,
  firstFrame: async (page) => {
    await page.waitForFunction(() => window.firstFrameMs, null, { timeout: 180_000, polling: 100 });
    return Math.round(await page.evaluate(() => window.firstFrameMs));
  },
  settled: async () => {},
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1e6).toFixed(2);

const { products } = await (await fetch(`${base}/api/v1/products`)).json();
console.log(`first 3D frame, median of ${runs} cold runs per cell; headless Chromium ${browser.version()}, SwiftShader`);
console.log("MB: model bytes (GLBs, manifest) before the first frame / in all; [everything before the first frame, page and code included]");
console.log("vitrine ms: the first 3D frame (the page's quick look of the coarsest level, or the viewer's if it came first); viewer ms: the Bevy viewer's own first frame");
console.log("ms cells: median (fastest-slowest); ratio: vitrine's median over model-viewer's median, and over model-viewer's fastest run (it has runs of two speeds)");
console.log("model | GLB MB | network | vitrine ms (MB before / total) [all] | viewer ms | model-viewer ms (MB before / total) [all] | time ratio (vs fastest) | vitrine before / GLB");
for (const summary of products) {
  if (only.length && !only.includes(summary.slug)) continue;
  const product = await (await fetch(`${base}/api/v1/products/${summary.slug}`)).json();
  if (!product.model_url || !product.model_manifest_url) continue;
  const glbBytes = (await (await fetch(new URL(product.model_url, base))).arrayBuffer()).byteLength;
  for (const network of NETWORKS) {
    const results = {};
    const samplesOf = {};
    for (const viewer of [vitrine, modelViewer]) {
      const samples = [];
      for (let run = 0; run < runs; run++) {
        samples.push(await visit(viewer.url(product), network.conditions, viewer));
      }
      samplesOf[viewer.name] = samples;
      results[viewer.name] = {
        ms: median(samples.map((s) => s.ms)),
        fastest: Math.min(...samples.map((s) => s.ms)),
        slowest: Math.max(...samples.map((s) => s.ms)),
        laterMs: median(samples.map((s) => s.laterMs)),
        before: median(samples.map((s) => s.before)),
        total: median(samples.map((s) => s.total)),
        pageBefore: median(samples.map((s) => s.pageBefore)),
      };
    }
    const v = results.vitrine, m = results["model-viewer"];
    // A run far slower than the rest: say where its time went.
    for (const run of samplesOf.vitrine.filter((s) => s.ms > 2 * v.ms)) {
      console.log(`  slow vitrine run, ${run.ms} ms: ${run.marks}`);
    }
    console.log(
      `${product.slug} | ${mb(glbBytes)} | ${network.name} | ${v.ms} (${v.fastest}-${v.slowest}) (${mb(v.before)} / ${mb(v.total)}) [${mb(v.pageBefore)}] | ${v.laterMs} | ` +
        `${m.ms} (${m.fastest}-${m.slowest}) (${mb(m.before)} / ${mb(m.total)}) [${mb(m.pageBefore)}] | ` +
        `${(v.ms / m.ms).toFixed(2)}x (${(v.ms / m.fastest).toFixed(2)}x) | ` +
        `${((v.before / glbBytes) * 100).toFixed(1)} %`,
    );
  }
}
await browser.close();
peer.close();

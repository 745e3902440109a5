// Playwright against the real server, in Debian's Chromium with WebGL2 on
// SwiftShader. `./x test` builds everything and sets the variables below.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const port = Number(process.env.VITRINE_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const server = process.env.VITRINE_SERVER_BIN;
if (!server) throw new Error("VITRINE_SERVER_BIN is not set: run the browser tests with ./x test");
// Every run starts from an empty database, seeded with the demo catalog.
// Workers load this file too: they reuse the runner's folder (tests that run
// the server's CLI on its database read it from the environment).
const dataDir = process.env.VITRINE_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "vitrine-e2e-"));
process.env.VITRINE_E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "./tests",
  // Two cores and a software GPU: one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Generous: a test that loads every level of a model in SwiftShader has
  // taken 1.8 minutes on a 2-core VM whose host took 80 % of its CPU (steal).
  // A timeout only catches a hang; speed is measured in bench/.
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    viewport: { width: 1024, height: 720 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: server,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    // Levels of detail and posters for the demo models are built before serving.
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      VITRINE_ADDR: `127.0.0.1:${port}`,
      VITRINE_DATA_DIR: dataDir,
      VITRINE_SITE_ROOT: process.env.VITRINE_SITE_ROOT ?? "",
      VITRINE_SEED_DIR: process.env.VITRINE_SEED_DIR ?? "../seed",
      VITRINE_LOG_FORMAT: "json",
      VITRINE_BUILD_LADDERS: "startup",
      RUST_LOG: "warn",
    },
  },
});

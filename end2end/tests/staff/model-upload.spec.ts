// Staff give a product a new 3D model through the upload API (the admin
// pages build on it): the shared sample models that are not in the demo
// catalog go through the whole pipeline, and every level it writes loads in
// the viewer. (The demo catalog's own models are covered by streaming.spec.)
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(__dirname, "..", "..", "..", "pipeline", "tests", "fixtures", "models");
const MODELS = ["BoxVertexColors.glb", "ClearCoatCarPaint.glb", "ClearcoatWicker.glb"];
const PRODUCT = "glass-vase-with-flowers";
const ADMIN = { email: "e2e-admin@example.com", password: "an e2e admin password" };

test.beforeAll(() => {
  // The first admin is made with the server's own CLI, on the server's database.
  const made = spawnSync(process.env.VITRINE_SERVER_BIN!, ["create-admin", ADMIN.email], {
    env: {
      ...process.env,
      VITRINE_DATA_DIR: process.env.VITRINE_E2E_DATA_DIR!,
      VITRINE_ADMIN_PASSWORD: ADMIN.password,
    },
    encoding: "utf8",
  });
  expect(made.status, made.stderr).toBe(0);
});

for (const file of MODELS) {
  test(`an uploaded ${file} streams every level in the viewer`, async ({ page }) => {
    const signIn = await page.request.post("/api/v1/session", { data: ADMIN });
    expect(signIn.status()).toBe(200);
    const upload = await page.request.put(`/api/v1/admin/products/${PRODUCT}/model`, {
      multipart: {
        model: { name: file, mimeType: "model/gltf-binary", buffer: readFileSync(join(FIXTURES, file)) },
      },
    });
    expect(upload.status(), await upload.text()).toBe(201);
    const imported = await upload.json();
    const levels: { triangles: number }[] = imported.manifest.levels;
    console.log(`${file}: ${levels.map((l) => l.triangles).join(" → ")} triangles`);

    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`/p/${PRODUCT}?lod=0`);
    await expect(page.locator(".viewer img.viewer-poster")).toHaveAttribute("src", imported.poster_url);
    const canvas = page.locator("canvas#vitrine-viewer");
    const all = levels.map((_, i) => levels.length - 1 - i).join(",");
    await expect(canvas).toHaveAttribute("data-lod-history", all, { timeout: 90_000 });
    await expect(canvas).toHaveAttribute("data-viewer-state", "ready");
    expect(await canvas.getAttribute("data-lod-error")).toBeNull();
    expect(errors.filter((e) => !e.includes("favicon"))).toEqual([]);
  });
}

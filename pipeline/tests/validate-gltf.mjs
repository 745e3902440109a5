// Validates every .glb in a folder with the Khronos glTF validator; prints a
// line per file and exits 1 if any has an error. Used by tests/ladder.rs.
//   node validate-gltf.mjs DIR
import validator from "gltf-validator";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".glb")).sort()) {
  const report = await validator.validateBytes(new Uint8Array(readFileSync(join(dir, file))));
  const { numErrors, numWarnings, messages } = report.issues;
  const errors = [...new Set(messages.filter((m) => m.severity === 0).map((m) => `${m.code} ${m.pointer ?? ""}`))];
  if (numErrors > 0) failed++;
  console.log(`${file}: ${numErrors} errors, ${numWarnings} warnings${errors.length ? ": " + errors.join("; ") : ""}`);
}
process.exit(failed ? 1 : 0);

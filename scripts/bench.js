#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ one after another (never in parallel: they
// time things), after making sure the compiler is built.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
// The runtime package (@hamlet/runtime-node) that benchmarks import by name.
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: join(root, "runtime-node"), stdio: "inherit" });
const only = process.argv[2];
let failed = false;
for (const file of readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".mjs"))
  .sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n=== bench/${file}`);
  const r = spawnSync(process.execPath, [join(root, "bench", file)], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

#!/usr/bin/env node
// Bundles the hamletc CLI into dist/cli/ with esbuild so that start-up loads a few files instead of
// hundreds of modules; each command stays a separate chunk loaded on demand (code splitting), and
// npm packages stay external (resolved from node_modules as before). bin/hamletc.js prefers the
// bundle when it is at least as new as the tsc output in dist/src, so a stale bundle is never run.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outdir: join(root, "dist", "cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

#!/usr/bin/env node
// Builds Horatio's Elm app into elm/public: `elm make src/Main.elm` → public/main.js, copies the
// JavaScript companions of runtime-elm (runtime-elm/js/*.js: SSE, WebSocket, ... ports) into
// public/js/, where public/app.js imports them, and bundles the Web Worker body
// workers/image-resizer.ts (with esbuild) into public/image-resizer.worker.js. start.mjs and the
// browser tests run it.
//   node examples/horatio/elm/build.mjs [--optimize]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** The `elm` binary of the nearest node_modules/.bin (the repository's devDependency), else the PATH's. */
function findElm() {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", ".bin", "elm");
    if (existsSync(candidate)) return candidate;
  }
  return "elm";
}

/** Compiles the app and copies the companions; returns elm make's exit status and output. */
export function buildElmApp({ optimize = false, stdio = "pipe" } = {}) {
  const args = ["make", "src/Main.elm", "--output=public/main.js", ...(optimize ? ["--optimize"] : [])];
  const made = spawnSync(findElm(), args, { cwd: here, stdio, encoding: "utf8" });
  const output = `${made.stdout ?? ""}${made.stderr ?? ""}${made.error ? made.error.message : ""}`;
  if (made.status !== 0) return { status: made.status ?? 1, output };
  const companions = join(here, "..", "..", "..", "runtime-elm", "js");
  mkdirSync(join(here, "public", "js"), { recursive: true });
  if (existsSync(companions))
    for (const file of readdirSync(companions).filter((f) => f.endsWith(".js")))
      copyFileSync(join(companions, file), join(here, "public", "js", file));
  // The Web Worker body: TypeScript with the generated web-workers.ts, one ES module for the browser.
  buildSync({
    entryPoints: [join(here, "workers", "image-resizer.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(here, "public", "image-resizer.worker.js"),
    minify: optimize,
    logLevel: "silent",
  });
  return { status: 0, output };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { status } = buildElmApp({ optimize: process.argv.includes("--optimize"), stdio: "inherit" });
  process.exit(status);
}

#!/usr/bin/env node
// Thin launcher. The V8 compile cache (Node ≥ 22.1) keeps compiled code between runs; the CLI
// comes from the esbuild bundle in dist/cli/ (a few files instead of hundreds of modules) when
// it is at least as new as the tsc output in dist/src/, which it otherwise falls back to.
import module from "node:module";
import { statSync } from "node:fs";

module.enableCompileCache?.();

const mtime = (relative) => {
  try {
    return statSync(new URL(relative, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
const bundled = mtime("../dist/cli/main.js") >= mtime("../dist/src/cli/main.js");
const { main } = await import(bundled ? "../dist/cli/main.js" : "../dist/src/cli/main.js");

process.exitCode = await main(process.argv.slice(2));

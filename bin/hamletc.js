#!/usr/bin/env node
// Thin launcher. The CLI comes from the esbuild bundle dist/cli/hamletc.cjs, compiled with a V8
// code cache (bin/load-bundle.js), when it is at least as new as the tsc output in dist/src/,
// which it otherwise falls back to (with Node's own compile cache where Node ≥ 22.1 has it).
import module from "node:module";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const mtime = (relative) => {
  try {
    return statSync(new URL(relative, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};

if (mtime("../dist/cli/hamletc.cjs") >= mtime("../dist/src/cli/main.js")) {
  const { loadBundle } = await import("./load-bundle.js");
  const args = process.argv.slice(2);
  const shortRun = args[0] === "check";
  const cli = loadBundle(fileURLToPath(new URL("../dist/cli/hamletc.cjs", import.meta.url)), { shortRun });
  process.exitCode = await cli.main(args);
  cli.saveCache();
  // A check is done once it has printed: without this, Node first runs the garbage collections V8
  // has scheduled (a scavenge and a full collection of the checked schema, 5 to 10 ms). Only when
  // the output is written (pipes and files are written synchronously on Linux, not everywhere).
  if (shortRun && process.stdout.writableLength === 0 && process.stderr.writableLength === 0)
    process.exit(process.exitCode);
} else {
  module.enableCompileCache?.();
  const { main } = await import("../dist/src/cli/main.js");
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * Horatio's browser worker body (examples/horatio/elm/workers/image-resizer.ts) is bundled by
 * esbuild, which does not check types: this runs the real `tsc` over it with the WebWorker library
 * (examples/horatio/elm/workers/tsconfig.json), together with the generated web-workers.ts it uses.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { horatioDir } from "./support/horatio.js";
import { repoRoot } from "./support/corpus.js";

const run = promisify(execFile);

it("type-checks the ImageResizer Web Worker body against the WebWorker library", { timeout: 120_000 }, async () => {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const project = join(horatioDir, "elm", "workers", "tsconfig.json");
  const output = await run(process.execPath, [tsc, "-p", project, "--listFilesOnly"]).then((r) => r.stdout);
  // The check covers the worker body itself, and its lib is the WebWorker one, not the DOM.
  expect(output).toContain("image-resizer.ts");
  expect(output).toContain("lib.webworker.d.ts");
  expect(output).not.toContain("lib.dom.d.ts");
  const result = await run(process.execPath, [tsc, "-p", project]).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
  );
  expect(result.split("\n").filter((line) => line.trim() !== "")).toEqual([]);
});

/** The committed output of the example apps is exactly what `hamletc build` would write now. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinEmitterNames, loadEmitters } from "../emitters/index.js";
import { emitterEnabled, loadConfig, resolveSchemaFiles } from "../src/config/index.js";
import { runEmitters } from "../src/emit/run.js";
import { compareOutputs } from "../src/emit/write.js";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";

const examplesDir = join(repoRoot, "examples");
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("example apps", () => {
  for (const name of examples) {
    it(`${name}: generated/ is up to date (hamletc build --check)`, async () => {
      const { config, diagnostics } = loadConfig(join(examplesDir, name, "hamlet.toml"), builtinEmitterNames);
      expect(diagnostics).toEqual([]);
      const { files } = resolveSchemaFiles(config!);
      const result = compile({ entries: files, features: config!.features });
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const selections = (await loadEmitters((name) => emitterEnabled(config!, name))).map((emitter) => ({
        emitter,
        options: config!.emitters[emitter.name]?.options ?? {},
      }));
      const emitted = await runEmitters(result.schema!, selections, config!.outDir);
      expect(emitted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const stale = compareOutputs(config!.outDir, emitted.files);
      expect(stale, `run \`node ../../bin/hamletc.js build\` in examples/${name} and commit the result`).toEqual({
        differing: [],
        extra: [],
      });
    });
  }
});

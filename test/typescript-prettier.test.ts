/**
 * The TypeScript emitters print their final layout themselves (src/emit/ts-syntax.ts) and never
 * run Prettier; users still get code their formatter leaves alone. Prettier (printWidth 100,
 * the generation options) must leave unchanged: every TypeScript golden, the output for every
 * corpus schema and shared example, and schemas built to push every construct past 100 columns
 * (long names, deep nesting, long patterns and defaults).
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { repositoryEmitter } from "../emitters/repository/index.js";
import { typescriptEmitter } from "../emitters/typescript/index.js";
import { runEmitters } from "../src/emit/run.js";
import { compile } from "../src/program/compile.js";
import type { Schema } from "../src/schema/types.js";
import { repoRoot } from "./support/corpus.js";
import { stressSchemas } from "./support/stress-schemas.js";
import { compileSchema, tsCases } from "./support/ts-emit.js";

const OPTIONS: prettier.Options = { parser: "typescript", printWidth: 100 };

/** Files Prettier would change, as `path: first differing line`. */
async function unstable(files: readonly { path: string; content: string }[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const formatted = await prettier.format(f.content, OPTIONS);
    if (formatted === f.content) continue;
    const a = f.content.split("\n");
    const b = formatted.split("\n");
    const i = a.findIndex((l, n) => l !== b[n]);
    out.push(`${f.path}:${i + 1}: ${JSON.stringify(a[i])} -> ${JSON.stringify(b[i])}`);
  }
  return out;
}

async function emitAll(schema: Schema): Promise<{ path: string; content: string }[]> {
  const result = await runEmitters(schema, [
    { emitter: typescriptEmitter as never, options: {} },
    { emitter: repositoryEmitter as never, options: {} },
  ]);
  expect(result.diagnostics).toEqual([]);
  return result.files.filter((f) => f.path.endsWith(".ts"));
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe("Prettier leaves generated TypeScript unchanged", () => {
  it("every TypeScript golden and the Horatio example output", async () => {
    const roots = [join(repoRoot, "test", "golden"), join(repoRoot, "examples", "horatio", "generated", "typescript")];
    const files = roots
      .filter((r) => statSync(r, { throwIfNoEntry: false })?.isDirectory())
      .flatMap(tsFilesUnder)
      .map((path) => ({ path: relative(repoRoot, path), content: readFileSync(path, "utf8") }));
    expect(files.length).toBeGreaterThan(20);
    expect(await unstable(files)).toEqual([]);
  });

  for (const c of tsCases()) {
    it(`output of ${c.name}`, async () => {
      const files = await emitAll(compileSchema(c.entry));
      expect(await unstable(files.map((f) => ({ path: `${c.name}/${f.path}`, content: f.content })))).toEqual([]);
    });
  }

  it("schemas that push every construct past the line width", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hamlet-ts-width-"));
    try {
      for (const [name, text] of Object.entries(stressSchemas())) {
        const file = join(dir, `${name}.hamlet`);
        writeFileSync(file, text);
        const { schema, diagnostics } = compile({ entries: [file], features: { database: true, eventStore: true } });
        expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const files = await emitAll(schema!);
        expect(await unstable(files.map((f) => ({ path: `${name}/${f.path}`, content: f.content })))).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

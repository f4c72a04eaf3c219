/** Cases and golden-file helpers shared by the openapi and docs tests. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { resolveOptions } from "../src/emit/options.js";
import type { AnyEmitter, EmittedFile } from "../src/emit/types.js";
import { compile } from "../src/program/compile.js";
import type { Schema } from "../src/schema/types.js";
import { corpus, repoRoot, sharedExamples } from "./support/corpus.js";
import { readFeatures } from "./support/markers.js";

export interface SchemaCase {
  /** `valid/http`, `shared/horatio`: also the golden folder. */
  readonly name: string;
  readonly schema: Schema;
}

/** Every valid corpus entry and every shared example, compiled. */
export function schemaCases(): SchemaCase[] {
  const entries = [
    ...corpus("valid").map((e) => ({ name: e.name, entry: e.entry })),
    ...sharedExamples().map((file) => ({ name: `shared/${basename(file, ".hamlet")}`, entry: file })),
  ];
  return entries.map(({ name, entry }) => {
    const result = compile({ entries: [entry], features: readFeatures(readFileSync(entry, "utf8")) });
    if (!result.schema)
      throw new Error(`${name} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
    return { name, schema: result.schema };
  });
}

/** Runs an emitter with its default options (plus `raw`), failing on any diagnostic. */
export async function emitWith(
  emitter: AnyEmitter,
  schema: Schema,
  raw: Record<string, unknown> = {},
): Promise<readonly EmittedFile[]> {
  const { options, diagnostics } = resolveOptions(
    emitter,
    Object.fromEntries(Object.entries(raw).map(([k, value]) => [k, { value, span: undefined }])),
  );
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => d.message).join("; "));
  const reported: string[] = [];
  const files = await emitter.emit(schema, {
    options,
    report: (d) => reported.push(d.message),
    readExisting: () => undefined,
    listExisting: () => [],
  });
  if (reported.length > 0) throw new Error(reported.join("; "));
  return files;
}

export const RECORD = process.env.RECORD === "1";

/**
 * Compares `files` of one case with `test/golden/<area>/<case>/`; with RECORD=1 rewrites them.
 * Returns the mismatches (missing, different, stale).
 */
export function checkGolden(area: string, caseName: string, files: readonly EmittedFile[]): string[] {
  const dir = join(repoRoot, "test", "golden", area, caseName);
  const problems: string[] = [];
  const expected = new Set(files.map((f) => f.path));
  if (RECORD) {
    rmSync(dir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    return problems;
  }
  for (const f of files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) problems.push(`missing golden ${relative(repoRoot, path)} (run with RECORD=1)`);
    else if (readFileSync(path, "utf8") !== f.content)
      problems.push(`stale golden ${relative(repoRoot, path)} (run with RECORD=1)`);
  }
  if (existsSync(dir)) {
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const rel = relative(dir, join(e.parentPath, e.name)).split("\\").join("/");
      if (!expected.has(rel))
        problems.push(`golden ${relative(repoRoot, join(dir, rel))} is no longer emitted (run with RECORD=1)`);
    }
  }
  return problems;
}

/** Golden case folders with no case any more. */
export function orphanGoldens(area: string, caseNames: readonly string[]): string[] {
  const root = join(repoRoot, "test", "golden", area);
  if (!existsSync(root)) return [];
  const orphans: string[] = [];
  for (const group of readdirSync(root)) {
    for (const name of readdirSync(join(root, group))) {
      const caseName = `${group}/${name}`;
      if (!caseNames.includes(caseName)) {
        if (RECORD) rmSync(join(root, group, name), { recursive: true, force: true });
        else orphans.push(`test/golden/${area}/${caseName} has no case (run with RECORD=1)`);
      }
    }
  }
  return orphans;
}

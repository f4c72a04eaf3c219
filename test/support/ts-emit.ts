/** Helpers for the TypeScript emitter tests: compile a corpus case and run the emitter on it. */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { typescriptEmitter } from "../../emitters/typescript/index.js";
import type { Schema } from "../../src/schema/types.js";
import { corpus, repoRoot, sharedExamples } from "./corpus.js";

export interface TsCase {
  /** Golden folder name: `valid-http`, `shared-horatio`. */
  readonly name: string;
  readonly entry: string;
}

/** Every valid corpus entry and both shared examples. */
export function tsCases(): TsCase[] {
  return [
    ...corpus("valid").map((c) => ({ name: c.name.replace("/", "-"), entry: c.entry })),
    ...sharedExamples().map((f) => ({ name: `shared-${basename(f, ".hamlet")}`, entry: f })),
  ];
}

/** Re-exported for the TypeScript emitter tests that import it from here. */
export { compileSchema } from "./compile-schema.js";

export async function emitTypescript(
  schema: Schema,
  runtimeImport = "@hamlet/runtime-node",
): Promise<Map<string, string>> {
  const files = await typescriptEmitter.emit(schema, {
    options: { runtime_import: runtimeImport },
    readExisting: () => undefined,
    listExisting: () => [],
    report: (d) => {
      throw new Error(d.message);
    },
  });
  return new Map(files.map((f) => [f.path, f.content]));
}

export const goldenRoot = join(repoRoot, "test", "golden", "typescript");
export const tmpRoot = join(repoRoot, "test", ".tmp");

/** Writes emitted files under `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/**
 * The compiler options of a strict project that the generated TypeScript must stay clean under
 * (`tsc --strict` plus what strict projects turn on), for tests that type-check emitted files.
 */
export const strictProjectOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  noPropertyAccessFromIndexSignature: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
  typeRoots: [join(repoRoot, "node_modules", "@types")],
} as const;

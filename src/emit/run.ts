/** Runs the enabled emitters on a checked schema and gathers their files. */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { Schema } from "../schema/types.js";
import { emittingWith, type EmitMemo } from "./fragment-cache.js";
import { resolveOptions, type RawOption } from "./options.js";
import type { AnyEmitter, EmittedFile } from "./types.js";

export interface EmitterSelection {
  readonly emitter: AnyEmitter;
  readonly options: Readonly<Record<string, RawOption>>;
}

export interface EmitResult {
  /** Files with paths relative to the output folder (`elm/Api/Types.elm`). */
  readonly files: EmittedFile[];
  readonly diagnostics: Diagnostic[];
}

/** Reads an emitter's earlier output from disk. */
function existingOutput(root: string | undefined) {
  return {
    readExisting(path: string): string | undefined {
      if (!root) return undefined;
      try {
        return readFileSync(join(root, path), "utf8");
      } catch {
        return undefined;
      }
    },
    listExisting(folder: string): string[] {
      if (!root) return [];
      try {
        return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
          .sort();
      } catch {
        return [];
      }
    },
  };
}

/**
 * Runs the emitters one by one and hands each one's files (paths relative to the output folder)
 * to `take` as soon as it is done, so a caller that writes them need not hold every output at
 * once; returns the diagnostics. `outDir` (the output folder of earlier builds) lets emitters
 * read their history. `memo` (watch mode) keeps what each emitter printed for the next build, so
 * a file or type whose inputs are unchanged is not printed again (see fragment-cache.ts).
 * `beforeEach` runs before each emitter, when the previous one's files are no longer held here
 * (the build collects garbage there).
 */
export async function emitEach(
  schema: Schema,
  selections: readonly EmitterSelection[],
  outDir: string | undefined,
  take: (files: EmittedFile[]) => void,
  memo?: EmitMemo,
  beforeEach?: () => void,
): Promise<Diagnostic[]> {
  memo?.begin();
  const diagnostics: Diagnostic[] = [];
  for (const selection of selections) {
    beforeEach?.();
    await emitOne(schema, selection, outDir, take, diagnostics, memo);
  }
  return diagnostics;
}

/**
 * One emitter of `emitEach`, in its own frame: a suspended async frame keeps every value it held
 * across an `await`, so a loop body holding the files would keep one emitter's output (the 21 MB
 * docs text of a 5,000-record schema) alive while the next emitter runs. This frame ends before
 * the next emitter starts.
 */
async function emitOne(
  schema: Schema,
  { emitter, options: raw }: EmitterSelection,
  outDir: string | undefined,
  take: (files: EmittedFile[]) => void,
  diagnostics: Diagnostic[],
  memo: EmitMemo | undefined,
): Promise<void> {
  const { options, diagnostics: optionProblems } = resolveOptions(emitter, raw);
  diagnostics.push(...optionProblems);
  if (optionProblems.length > 0) return;
  let files: EmittedFile[];
  try {
    const history = existingOutput(outDir === undefined ? undefined : join(outDir, emitter.outDir));
    const context = { options, report: (d: Diagnostic) => diagnostics.push(d), ...history };
    const emitted = await emittingWith(memo, emitter.name, async () => emitter.emit(schema, context));
    files = emitted.map((file) => ({ path: posix.join(emitter.outDir, file.path), content: file.content }));
  } catch (error) {
    diagnostics.push(
      diagnostic("HAM0803", undefined, { emitter: emitter.name, detail: (error as Error).stack ?? String(error) }),
    );
    return;
  }
  take(files);
}

/** Runs the emitters; `outDir` (the output folder of earlier builds) lets them read their history. */
export async function runEmitters(
  schema: Schema,
  selections: readonly EmitterSelection[],
  outDir?: string,
): Promise<EmitResult> {
  const files: EmittedFile[] = [];
  const diagnostics = await emitEach(schema, selections, outDir, (emitted) => files.push(...emitted));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

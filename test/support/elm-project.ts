/**
 * Helpers for the Elm emitter tests: the cases (valid corpus + shared examples), emitting them,
 * and throwaway Elm projects compiled with the real `elm make` against the offline package cache.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { elmEmitter } from "../../emitters/elm/index.js";
import type { EmittedFile } from "../../src/emit/types.js";
import { compile } from "../../src/program/compile.js";
import type { Schema } from "../../src/schema/types.js";
import { corpus, repoRoot, sharedExamples } from "./corpus.js";
import { edgeSchemaFile } from "./elm-edge.js";

export interface ElmCase {
  /** Folder name under test/golden/elm: `valid-http`, `example-horatio`. */
  readonly name: string;
  readonly entry: string;
}

export function elmCases(): ElmCase[] {
  return [
    ...corpus("valid").map((c) => ({ name: c.name.replace("/", "-"), entry: c.entry })),
    ...sharedExamples().map((file) => ({ name: `example-${basename(file, ".hamlet")}`, entry: file })),
    { name: "edge-cases", entry: edgeSchemaFile() },
  ];
}

export function schemaOf(entry: string): Schema {
  const result = compile({ entries: [entry], features: { database: true, eventStore: true } });
  if (!result.schema)
    throw new Error(`${entry} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.schema;
}

export async function emitElm(schema: Schema, prefix = "Api"): Promise<readonly EmittedFile[]> {
  const problems: string[] = [];
  const files = await elmEmitter.emit(schema, {
    options: { prefix },
    report: (d) => problems.push(d.message),
    readExisting: () => undefined,
    listExisting: () => [],
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return files;
}

export { elmBin, elmHome, elmReady } from "./elm-home.js";
import { elmBin, elmHome } from "./elm-home.js";
export const elmFormatBin = join(repoRoot, "node_modules", ".bin", "elm-format");

/** The packages generated code may use, pinned as in ../shared/elm/README.md. */
export const ELM_JSON = {
  type: "application",
  "source-directories": ["src"],
  "elm-version": "0.19.1",
  dependencies: {
    direct: {
      "elm/bytes": "1.0.8",
      "elm/core": "1.0.5",
      "elm/file": "1.0.5",
      "elm/http": "2.0.0",
      "elm/json": "1.1.3",
      "elm/regex": "1.0.0",
      "elm/time": "1.0.0",
      "elm/url": "1.0.0",
    },
    indirect: {},
  },
  "test-dependencies": { direct: {}, indirect: {} },
};

/** A fresh Elm project holding `files` under src/; remove it with `cleanup`. */
export function elmProject(files: readonly EmittedFile[]): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-elm-"));
  writeFileSync(join(dir, "elm.json"), `${JSON.stringify(ELM_JSON, null, 4)}\n`);
  for (const file of files) {
    const path = join(dir, "src", file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runElm(dir: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(elmBin, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ELM_HOME: elmHome },
    timeout: 110_000,
  });
  const output = [result.error ? String(result.error) : "", result.stdout ?? "", result.stderr ?? ""]
    .filter((p) => p.length > 0)
    .join("\n");
  return { status: result.status, output };
}

/** `runElm` without blocking the event loop (vitest's worker RPC keeps running while `elm make` works). */
export function runElmAsync(dir: string, args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const chunks: string[] = [];
    const child = spawn(elmBin, args, {
      cwd: dir,
      env: { ...process.env, ELM_HOME: elmHome },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill(), 110_000);
    child.stdout.on("data", (d: Buffer) => chunks.push(d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => chunks.push(d.toString("utf8")));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: null, output: [String(error), ...chunks].join("\n") });
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output: chunks.join("") });
    });
  });
}

/** Elm module names of generated files (`Api/Types.elm` → `Api.Types`), runtime modules excluded. */
export function generatedModules(files: readonly EmittedFile[]): string[] {
  return files
    .filter((f) => !f.path.startsWith("Hamlet/"))
    .map((f) =>
      f.path
        .replace(/\.elm$/, "")
        .split("/")
        .join("."),
    )
    .sort();
}

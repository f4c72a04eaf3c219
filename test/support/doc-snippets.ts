/**
 * What test/readme.test.ts and test/guides.test.ts do with the code blocks of a Markdown page:
 * find them, compile its `hamlet` blocks into one project with generated code next to them,
 * type-check its `ts` blocks with `tsc --strict` and compile its `elm` blocks with `elm make`
 * against that generated code.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { loadEmitters } from "../../emitters/index.js";
import { runEmitters } from "../../src/emit/run.js";
import { compile } from "../../src/program/compile.js";
import { repoRoot } from "./corpus.js";
import { runElmAsync } from "./elm-project.js";

const run = promisify(execFile);

/** The fenced code blocks of one language in `text`, in order. */
export function fencedBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);
}

/**
 * Compiles the schema blocks together (no errors allowed) and writes what the named emitters
 * generate under `dir/generated`.
 */
export async function generateFromBlocks(dir: string, hamlet: readonly string[], emitterNames: readonly string[]) {
  mkdirSync(join(dir, "schema"), { recursive: true });
  const entries = hamlet.map((code, i) => {
    const file = join(dir, "schema", `block-${i + 1}.hamlet`);
    writeFileSync(file, code);
    return file;
  });
  const { schema, diagnostics } = compile({ entries, features: { database: true, eventStore: true } });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const emitters = await loadEmitters((name) => emitterNames.includes(name));
  const emitted = await runEmitters(
    schema!,
    emitters.map((emitter) => ({ emitter, options: {} })),
  );
  expect(emitted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  for (const file of emitted.files) {
    mkdirSync(dirname(join(dir, "generated", file.path)), { recursive: true });
    writeFileSync(join(dir, "generated", file.path), file.content);
  }
}

/** Type-checks the snippets with `tsc --strict` in `dir` (next to `generated/`); the compiler's output, "" when clean. */
export async function tscSnippets(dir: string, snippets: readonly string[]): Promise<string> {
  snippets.forEach((code, i) => writeFileSync(join(dir, `snippet-${i + 1}.ts`), code));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
        typeRoots: [join(repoRoot, "node_modules", "@types")],
      },
      include: ["snippet-*.ts"],
    }),
  );
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  return run(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
  );
}

/** Compiles each Elm snippet as `src/Main.elm` of a project in `dir` whose elm.json is `elmJson` plus the generated code. */
export async function elmMakeSnippets(dir: string, snippets: readonly string[], elmJson: object): Promise<void> {
  writeFileSync(
    join(dir, "elm.json"),
    JSON.stringify({ ...elmJson, "source-directories": ["src", "generated/elm"] }, null, 4),
  );
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const code of snippets) {
    writeFileSync(join(dir, "src", "Main.elm"), code);
    const { status, output } = await runElmAsync(dir, ["make", "src/Main.elm", "--output=/dev/null"]);
    expect(status, `${code}\n${output}`).toBe(0);
  }
}

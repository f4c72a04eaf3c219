/**
 * The README documents what the code does: the settings table, every command, and code that
 * compiles: every TypeScript and Elm snippet is type-checked (`tsc --strict`) or compiled
 * (`elm make`) against what `hamletc` generates from the README's own schema.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmitters } from "../emitters/index.js";
import { configReferenceMarkdown } from "../src/config/index.js";
import { runEmitters } from "../src/emit/run.js";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import { ELM_JSON, elmReady, runElmAsync } from "./support/elm-project.js";
import { tmpRoot } from "./support/ts-emit.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README", () => {
  it("contains the hamlet.toml reference generated from the settings table", () => {
    expect(readme).toContain(configReferenceMarkdown().trim());
  });

  it("documents every hamletc command", () => {
    const main = readFileSync(join(repoRoot, "src", "cli", "main.ts"), "utf8");
    const commands = [...main.matchAll(/\.command\("([a-z]+)"\)/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) expect(readme).toContain(`hamletc ${command}`);
  });

  it("gives the two set-up commands that CI runs", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
    expect(readFileSync(join(repoRoot, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });
});

/** The fenced code blocks of one language, in order. */
function blocks(language: string): string[] {
  return [...readme.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);
}

describe("README code compiles", () => {
  // Inside the repository, so that `@hamlet/runtime-node` resolves through the workspace link.
  const dir = join(tmpRoot, `readme-${process.pid}`);

  beforeAll(async () => {
    // Every schema block of the README, compiled together as one project.
    mkdirSync(join(dir, "schema"), { recursive: true });
    const entries = blocks("hamlet").map((text, i) => {
      const file = join(dir, "schema", `readme-${i + 1}.hamlet`);
      writeFileSync(file, text);
      return file;
    });
    const { schema, diagnostics } = compile({
      entries,
      features: { database: true, eventStore: true },
    });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const emitters = await loadEmitters((name) => name === "typescript" || name === "elm");
    const emitted = await runEmitters(
      schema!,
      emitters.map((emitter) => ({ emitter, options: {} })),
    );
    expect(emitted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    for (const file of emitted.files) {
      mkdirSync(join(dir, "generated", file.path, ".."), { recursive: true });
      writeFileSync(join(dir, "generated", file.path), file.content);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every TypeScript snippet passes tsc --strict", { timeout: 120_000 }, async () => {
    const snippets = blocks("ts");
    expect(snippets.length).toBeGreaterThanOrEqual(2);
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
    const output = await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(
      (r) => r.stdout,
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
    );
    expect(output).toBe("");
  });

  it.skipIf(!elmReady("test/readme.test.ts"))("every Elm snippet passes elm make", { timeout: 120_000 }, async () => {
    const snippets = blocks("elm");
    expect(snippets.length).toBeGreaterThanOrEqual(1);
    writeFileSync(
      join(dir, "elm.json"),
      JSON.stringify({ ...ELM_JSON, "source-directories": ["src", "generated/elm"] }, null, 4),
    );
    for (const code of snippets) {
      mkdirSync(join(dir, "src"), { recursive: true });
      writeFileSync(join(dir, "src", "Main.elm"), code);
      const { status, output } = await runElmAsync(dir, ["make", "src/Main.elm", "--output=/dev/null"]);
      expect(status, `${code}\n${output}`).toBe(0);
    }
  });
});

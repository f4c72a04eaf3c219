/**
 * Goldens of the TypeScript emitter (RECORD=1 rewrites them) and a real `tsc --strict` run over
 * all of them (with exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature,
 * noUnusedLocals and noUnusedParameters), resolving `@hamlet/runtime-node` through the workspace link in node_modules.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { compileSchema, emitTypescript, goldenRoot, tmpRoot, tsCases, writeFiles } from "./support/ts-emit.js";

const run = promisify(execFile);
const RECORD = process.env["RECORD"] === "1";

describe("typescript goldens", () => {
  for (const c of tsCases()) {
    it(c.name, async () => {
      const files = await emitTypescript(compileSchema(c.entry));
      const dir = join(goldenRoot, c.name);
      // Deterministic: a second emit gives the same text.
      const again = await emitTypescript(compileSchema(c.entry));
      expect([...again]).toEqual([...files]);
      if (RECORD) {
        rmSync(dir, { recursive: true, force: true });
        writeFiles(dir, files);
        return;
      }
      const expected = existsSync(dir) ? readdirSync(dir).sort() : [];
      expect(
        expected,
        `goldens of ${c.name} are missing or stale: run RECORD=1 npx vitest run test/typescript-golden.test.ts`,
      ).toEqual([...files.keys()].sort());
      for (const [path, content] of files) {
        const golden = readFileSync(join(dir, path), "utf8");
        expect(
          content,
          `test/golden/typescript/${c.name}/${path} is stale: run RECORD=1 npx vitest run test/typescript-golden.test.ts`,
        ).toBe(golden);
      }
    });
  }
});

describe("goldens compile under tsc --strict and the strict-project flags", () => {
  it("tsc reports no errors", { timeout: 120_000 }, async () => {
    const dir = join(tmpRoot, `tsc-goldens-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const tsconfig = {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noImplicitOverride: true,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          // What strict projects turn on; the generated code must stay clean under them.
          noPropertyAccessFromIndexSignature: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
          typeRoots: [join(repoRoot, "node_modules", "@types")],
        },
        include: [join(goldenRoot, "**", "*.ts")],
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const result = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir }).then(
        (r) => r.stdout,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
      );
      // `@hamlet/runtime-node` resolves as in a user project: the workspace link in node_modules
      // and the package's built declarations (skipLibCheck: only the generated files are checked).
      expect(result.split("\n").filter((line) => line.trim() !== "")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("names the generated code needs", () => {
  it("rejects schema types that would collide with them", async () => {
    const dir = join(tmpRoot, `names-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const cases: [string, string][] = [
        ["record Failure { a: Int }", "the type name Failure collides with a built-in type of the generated code"],
        ["record Promise { a: Int }", "the type name Promise collides with a built-in type of the generated code"],
        ["record A { a: Int = 1 }\nrecord AInput { b: Int }", "the type name AInput collides with the input type of A"],
        [
          "enum Color { Red }\nrecord ColorValues { a: Int }",
          "the type name ColorValues collides with the list of Color's variants",
        ],
      ];
      for (const [source, message] of cases) {
        const file = join(dir, "names.hamlet");
        writeFileSync(file, `package names\n${source}\n`);
        await expect(emitTypescript(compileSchema(file))).rejects.toThrow(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

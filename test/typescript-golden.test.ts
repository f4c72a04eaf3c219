/**
 * Goldens of the TypeScript emitter (RECORD=1 rewrites them) and a real `tsc --strict` run over
 * all of them (with exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature,
 * noUnusedLocals and noUnusedParameters), resolving `@hamlet/runtime-node` (and its `/validate`
 * subpath) through the workspace link in node_modules.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import {
  compileSchema,
  emitTypescript,
  goldenRoot,
  strictProjectOptions,
  tmpRoot,
  tsCases,
  writeFiles,
} from "./support/ts-emit.js";

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
          ...strictProjectOptions,
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
  it("are refused by the checker, on the schema name, before the emitter runs", () => {
    const dir = join(tmpRoot, `names-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const cases: [string, string, string][] = [
        [
          "record Failure { a: Int }",
          "HAM0214",
          "`Failure` cannot be used as a name here: the TypeScript type of `Failure`",
        ],
        [
          "record Promise { a: Int }",
          "HAM0214",
          "`Promise` cannot be used as a name here: the TypeScript type of `Promise`",
        ],
        ["record A { a: Int = 1 }\nrecord AInput { b: Int }", "HAM0215", "`AInput` and `A` both become `AInput`"],
        [
          "enum Color { Red }\nrecord ColorValues { a: Int }",
          "HAM0215",
          "`ColorValues` and `Color` both become `ColorValues`",
        ],
        [
          'websocket WebSocketSpec: "/ws" { Ping { n: Int } }',
          "HAM0214",
          "`WebSocketSpec` cannot be used as a name here: the message type of `WebSocketSpec` in websocket.ts",
        ],
        [
          'websocket Chat: "/ws/a" { Ping { n: Int } }\nwebsocket ChatSpec: "/ws/b" { Pong { n: Int } }',
          "HAM0215",
          "`ChatSpec` and `Chat` both become `ChatSpec`",
        ],
        [
          'event Joined { n: Int }\n@emits(Joined)\nwebsocket Chat: "/ws/a" { Ping { n: Int } }\nwebsocket ChatContext: "/ws/b" { Pong { n: Int } }',
          "HAM0215",
          "`ChatContext` and `Chat` both become `ChatContext`",
        ],
      ];
      for (const [source, code, message] of cases) {
        const file = join(dir, "names.hamlet");
        writeFileSync(file, `package names\n${source}\n`);
        const result = compile({ entries: [file], features: { database: true, eventStore: true } });
        expect(result.schema).toBeUndefined();
        expect(result.diagnostics.map((d) => d.code)).toEqual([code]);
        expect(result.diagnostics[0]!.message).toContain(message);
        expect(result.diagnostics[0]!.span?.start, "points at the schema name").toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

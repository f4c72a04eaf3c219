/**
 * Goldens of the sql emitter for every corpus entry with models (RECORD=1 rewrites them), and
 * every migration applied to a fresh SQLite file and a fresh PostgreSQL database.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrate, splitStatements } from "../runtime-node/src/db/migrate.js";
import { repoRoot } from "./support/corpus.js";
import { strictProjectOptions } from "./support/ts-emit.js";
import { catalog, emitRepositories, emitSql, migrationsOf, sqlCases, tempDir, writeFiles } from "./sql-helpers.js";
import { compileSchema } from "./support/compile-schema.js";

const run = promisify(execFile);
const RECORD = process.env["RECORD"] === "1";
const goldenRoot = join(repoRoot, "test", "golden", "sql");
const cases = sqlCases();

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

describe("sql goldens", () => {
  it("covers the corpus entries with models", () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(["valid-backend", "shared-horatio"]));
  });
  for (const c of cases) {
    it(c.name, async () => {
      const schema = compileSchema(c.entry);
      const sql = await emitSql(schema);
      expect(sql.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const first = { files: [...sql.files, ...(await emitRepositories(schema))] };
      const again = await emitSql(schema);
      expect(again.files).toEqual(sql.files);
      expect(await emitRepositories(schema)).toEqual(first.files.filter((f) => f.path.startsWith("typescript/")));
      const dir = join(goldenRoot, c.name);
      if (RECORD) {
        writeFiles(dir, first.files);
        return;
      }
      const hint = `test/golden/sql/${c.name} is missing or stale: run RECORD=1 npx vitest run test/sql-emit.test.ts`;
      expect(listFiles(dir), hint).toEqual(first.files.map((f) => f.path).sort());
      for (const f of first.files)
        expect(f.content, `${hint} (${f.path})`).toBe(readFileSync(join(dir, f.path), "utf8"));
    });
  }
});

describe("generated repositories compile under tsc --strict", () => {
  it("tsc reports no errors", { timeout: 120_000 }, async () => {
    const dir = tempDir("hamlet-repo-tsc-");
    try {
      const files: string[] = [];
      for (const c of cases) {
        const target = join(dir, c.name, "repositories.ts");
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, readFileSync(join(goldenRoot, c.name, "typescript", "repositories.ts"), "utf8"));
        files.push(target);
      }
      // The runtime's Database must be accepted where a RepositoryDatabase is expected.
      const check = join(dir, "check.ts");
      const runtime = join(repoRoot, "runtime-node", "src", "db", "database.js");
      writeFileSync(
        check,
        cases.map((c, i) => `import { repositories as r${i} } from "./${c.name}/repositories.js";`).join("\n") +
          `\nimport type { Database } from ${JSON.stringify(runtime)};\nexport function all(db: Database) { return [${cases.map((_, i) => `r${i}(db, "t")`).join(", ")}]; }\n`,
      );
      const tsconfig = {
        compilerOptions: {
          ...strictProjectOptions,
          allowImportingTsExtensions: false,
          // The files sit in a temporary folder without node_modules: map the runtime subpath
          // they import to its source.
          paths: {
            "@hamlet/runtime-node/repository": [join(repoRoot, "runtime-node", "src", "repository", "index.ts")],
          },
        },
        files: [...files, check],
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const result = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")]).catch(
        (e: { stdout: string }) => ({ stdout: e.stdout }),
      );
      expect(result.stdout).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("corpus migrations apply to fresh databases", () => {
  const fresh = useFreshDatabases();
  for (const c of cases) {
    for (const dialect of testDialects) {
      it(`${c.name} on ${dialect}`, { timeout: 60_000 }, async () => {
        const { files } = await emitSql(compileSchema(c.entry));
        const ups = migrationsOf(files, dialect);
        expect(ups.length).toBeGreaterThan(0);
        const db = await fresh.open(dialect);
        try {
          const result = await migrate(db, ups);
          expect(result.applied).toEqual(ups.map((u) => u.name));
          const built = await catalog(db);
          expect(JSON.stringify(built)).toContain("tenant_id");
          // Re-running is a no-op.
          expect((await migrate(db, ups)).applied).toEqual([]);
          // The down migrations undo everything.
          const downs = files
            .filter((f) => f.path.startsWith(`sql/${dialect}/`) && f.path.endsWith(".down.sql"))
            .reverse();
          await db.transaction(async (tx) => {
            for (const down of downs) for (const s of splitStatements(down.content)) await tx.execute(s);
          });
          const after = await catalog(db);
          if (dialect === "sqlite") expect(after).toEqual({});
          else expect((after as { columns: unknown[] }).columns).toEqual([]);
        } finally {
          await db.close();
        }
      });
    }
  }
});

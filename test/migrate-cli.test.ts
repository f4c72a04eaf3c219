/**
 * `hamletc migrate` end to end: the real CLI entry (`main` from src/cli/main.ts, run in child
 * processes through vite-node so no `npm run build` is needed) against a project folder, on
 * SQLite and PostgreSQL: applies, re-runs as a no-op, refuses an edited migration, and two
 * concurrent processes apply each migration once.
 */
import { execFile } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../runtime-node/src/db/open.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { repoRoot, specDir } from "./support/corpus.js";
import { buildInto, tempDir } from "./sql-helpers.js";

const run = promisify(execFile);
const root = tempDir("hamlet-migrate-cli-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runner = join(root, "hamletc-runner.ts");
writeFileSync(
  runner,
  `import { main } from ${JSON.stringify(join(repoRoot, "src", "cli", "main.ts"))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
);

interface Outcome {
  code: number;
  output: string;
}

async function hamletc(cwd: string, ...args: string[]): Promise<Outcome> {
  const viteNode = join(repoRoot, "node_modules", "vite-node", "vite-node.mjs");
  try {
    const { stdout, stderr } = await run(process.execPath, [viteNode, "--root", repoRoot, runner, "--", ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const chain = join(specDir, "migrations", "blog");
const versions = readdirSync(chain)
  .filter((f) => /^v\d+\.hamlet$/.test(f))
  .sort()
  .map((f) => join(chain, f));

/** A project whose generated/sql holds the migrations of every version of the blog chain. */
async function project(name: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(join(dir, "schema"), { recursive: true });
  writeFileSync(
    join(dir, "hamlet.toml"),
    `[hamlet]\nschema = ["schema/*.hamlet"]\nout = "generated"\n\n[hamlet.server]\ndatabase_url = "sqlite:.hamlet/app.db"\n`,
  );
  for (const v of versions) await buildInto(v, join(dir, "generated"));
  return dir;
}

describe("hamletc migrate", () => {
  it(
    "on SQLite (config database_url): applies, re-runs as a no-op, refuses an edited migration",
    { timeout: 90_000 },
    async () => {
      const dir = await project("sqlite");
      const first = await hamletc(dir, "migrate");
      expect(first.output).toContain(`Applied ${versions.length} migrations`);
      expect(first.code).toBe(0);
      expect(existsSync(join(dir, ".hamlet", "app.db"))).toBe(true);
      const db = openDatabase(`sqlite:${join(dir, ".hamlet", "app.db")}`);
      try {
        const rows = await db.query<{ id: number; name: string }>("SELECT id, name FROM hamlet_migrations ORDER BY id");
        expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
        expect(await db.query("SELECT * FROM articles")).toEqual([]);
      } finally {
        await db.close();
      }
      const again = await hamletc(dir, "migrate");
      expect(again.code).toBe(0);
      expect(again.output).toContain("Database is up to date (3 migrations");

      const sqliteDir = join(dir, "generated", "sql", "sqlite");
      const second = readdirSync(sqliteDir).find((f) => f.startsWith("0002_") && f.endsWith(".up.sql"))!;
      appendFileSync(join(sqliteDir, second), "-- edited\n");
      const edited = await hamletc(dir, "migrate");
      expect(edited.code).toBe(1);
      expect(edited.output).toMatch(/migration 0002_\w+ was changed after it was applied/);

      const wrongDialect = await hamletc(dir, "migrate", "--dialect", "postgres");
      expect(wrongDialect.code).toBe(2);
      expect(wrongDialect.output).toContain("does not match the database URL");
    },
  );

  it("two concurrent processes on one SQLite file apply every migration once", { timeout: 90_000 }, async () => {
    const dir = await project("sqlite-concurrent");
    const [a, b] = await Promise.all([hamletc(dir, "migrate"), hamletc(dir, "migrate")]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect((a.output + b.output).match(/applied \d{4}_/g) ?? []).toHaveLength(3);
    const db = openDatabase(`sqlite:${join(dir, ".hamlet", "app.db")}`);
    try {
      expect((await db.query("SELECT id FROM hamlet_migrations")).length).toBe(3);
    } finally {
      await db.close();
    }
  });

  it("without migrations it says to build first", { timeout: 60_000 }, async () => {
    const dir = join(root, "empty");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hamlet.toml"), `[hamlet]\nschema = ["*.hamlet"]\n`);
    const outcome = await hamletc(dir, "migrate", "--database", `sqlite:${join(dir, "x.db")}`);
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain("run `hamletc build` first");
  });

  describe.runIf(postgresAvailable)("on PostgreSQL", () => {
    const pg = usePostgres();

    it("applies, re-runs as a no-op, refuses an edited migration", { timeout: 90_000 }, async () => {
      const dir = await project("pg");
      const url = await pg.createDatabase();
      const first = await hamletc(dir, "migrate", "--database", url, "--dialect", "postgres");
      expect(first.output).toContain(`Applied ${versions.length} migrations`);
      expect(first.code).toBe(0);
      const again = await hamletc(dir, "migrate", "--database", url);
      expect(again.code).toBe(0);
      expect(again.output).toContain("up to date");
      const pgDir = join(dir, "generated", "sql", "postgres");
      const firstFile = readdirSync(pgDir).find((f) => f.startsWith("0001_") && f.endsWith(".up.sql"))!;
      appendFileSync(join(pgDir, firstFile), "\n");
      const edited = await hamletc(dir, "migrate", "--database", url);
      expect(edited.code).toBe(1);
      expect(edited.output).toMatch(/migration 0001_initial was changed after it was applied/);
    });

    it("two concurrent processes apply every migration once", { timeout: 90_000 }, async () => {
      const dir = await project("pg-concurrent");
      const url = await pg.createDatabase();
      const [a, b] = await Promise.all([
        hamletc(dir, "migrate", "--database", url),
        hamletc(dir, "migrate", "--database", url),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const db = openDatabase(url);
      try {
        const rows = await db.query<{ id: number }>("SELECT id FROM hamlet_migrations ORDER BY id");
        expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
        const tables = await db.query<{ tablename: string }>(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        );
        expect(tables.map((t) => t.tablename)).toEqual([
          "articles",
          "author",
          "comment",
          "hamlet_bus_messages",
          "hamlet_kv",
          "hamlet_migrations",
          "hamlet_sessions",
          "setting",
        ]);
      } finally {
        await db.close();
      }
      // Between them, the two runs applied the three migrations exactly once.
      const applied = (a.output + b.output).match(/applied \d{4}_/g) ?? [];
      expect(applied).toHaveLength(3);
    });
  });
});

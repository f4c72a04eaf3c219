/** The migration runner: statement splitting, and concurrent runners on one database. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../runtime-node/src/db/open.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { migrate, splitStatements } from "../runtime-node/src/db/migrate.js";
import { specDir } from "./support/corpus.js";
import { buildInto, migrationsOf, tempDir } from "./sql-helpers.js";

const root = tempDir("hamlet-migrate-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("splitStatements", () => {
  it("splits at semicolons outside quotes and comments", () => {
    const sql = `-- a; comment\nCREATE TABLE "a;b" (x TEXT DEFAULT ';''');\n\n-- only a comment;\nCOMMENT ON TABLE t IS 'x; y';\n-- trailing\n`;
    expect(splitStatements(sql)).toEqual([
      `-- a; comment\nCREATE TABLE "a;b" (x TEXT DEFAULT ';''');`,
      `-- only a comment;\nCOMMENT ON TABLE t IS 'x; y';`,
    ]);
  });

  it("keeps dollar-quoted bodies whole", () => {
    const fn = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\nEND $$;";
    const tagged = "DO $body$ BEGIN PERFORM 2; END $body$;";
    expect(splitStatements(`${fn}\n${tagged}\nSELECT $1;`)).toEqual([fn, tagged, "SELECT $1;"]);
  });
});

async function chainMigrations(name: string) {
  const out = join(root, name);
  let files;
  for (const v of ["v1", "v2", "v3"])
    files = (await buildInto(join(specDir, "migrations", "blog", `${v}.hamlet`), out)).files;
  return files!;
}

describe("concurrent runners apply every migration once", () => {
  // SQLite: better-sqlite3 waits for locks synchronously, so two connections in one process
  // would block each other; test/migrate-cli.test.ts runs two processes instead.
  describe.runIf(postgresAvailable)("on PostgreSQL", () => {
    const pg = usePostgres();
    it("advisory lock", { timeout: 60_000 }, async () => {
      const files = migrationsOf(await chainMigrations("postgres"), "postgres");
      const url = await pg.createDatabase();
      const runners = [openDatabase(url), openDatabase(url), openDatabase(url)];
      try {
        const results = await Promise.all(runners.map((db) => migrate(db, files)));
        expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name));
        expect((await runners[0]!.query("SELECT id FROM hamlet_migrations")).length).toBe(3);
      } finally {
        for (const db of runners) await db.close();
      }
    });
  });
});
